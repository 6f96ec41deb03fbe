//! # pingone-mfa-conformance
//!
//! A contract and conformance suite for PingOne's *Update User MFA Enabled* API
//! (`PUT {apiPath}/environments/{envID}/users/{userID}/mfaEnabled`) and the neighbouring
//! operations its documentation names, together with a faithful, embeddable mock of that slice
//! of PingOne.
//!
//! - [`mock`]: the mock server, [`mock::MockPingOne`].
//! - [`config`]: configuration from the environment and `.env`.
//! - [`schema`]: JSON Schemas of the documented models, derived from Ping's OpenAPI documents.
//! - [`secret`]: a wrapper that keeps secrets out of output.
//! - [`wire`]: media types, form encoding, Basic credentials and RFC 3339, shared by the suite
//!   and the mock.

pub mod config;
pub mod http;
pub mod mock;
pub mod results;
pub mod schema;
pub mod secret;
pub mod suite;
pub mod tls;
pub mod wire;
