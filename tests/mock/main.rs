//! Black-box tests of the embeddable PingOne mock (`src/mock/`) and of the standalone
//! `pingone-mock` binary, over HTTP only. Facts behind each expectation:
//! `docs/api-facts.md` (section numbers in comments).
//!
//! Every test starts its own mock, so tests share no state and may run in parallel.

#[path = "../support/mod.rs"]
mod support;

mod alternatives;
mod answers;
mod binary;
mod guards;
mod robustness;
mod routes;
mod token;

use serde_json::{Value, json};
use uuid::Uuid;

/// The documented UserMFAEnabled resource (§1.3), with hrefs under `api_base`.
fn expected_mfa_body(api_base: &str, env: Uuid, user: Uuid, value: bool) -> Value {
    let user_href = format!("{api_base}/environments/{env}/users/{user}");
    json!({
        "_links": {
            "self": { "href": format!("{user_href}/mfaEnabled") },
            "user": { "href": user_href },
        },
        "mfaEnabled": value,
    })
}
