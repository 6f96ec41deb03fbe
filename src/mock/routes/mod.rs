//! One module per resource, each an `impl Ctx` block: the worker-app token endpoint, Read
//! Environment, the users collection and one user, and `users/{userID}/mfaEnabled`.

mod environment;
mod mfa_enabled;
mod token;
mod users;
