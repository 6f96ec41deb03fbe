//! One module per resource, each an `impl Ctx` block: the worker-app token endpoint, Read
//! Environment and its MFA settings, the users collection, one user and its `enabled`, and
//! `users/{userID}/mfaEnabled`.

mod environment;
mod mfa_enabled;
mod mfa_settings;
mod token;
mod users;
