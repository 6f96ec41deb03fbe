//! Representations: the UserMFAEnabled resource (with a byte-identical fast path), the User
//! resource and its `_links`, and which attributes a client may write. Faults that distort a
//! representation live here.

use std::fmt::Write as _;

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::Fault;
use super::server::Ctx;
use super::state::User;

impl Ctx<'_> {
    fn env_for_links(&self) -> Uuid {
        if self.has(Fault::LinkToWrongEnvironment) {
            // A fixed, recognisable other environment.
            Uuid::from_u128(0x0bad_0000_0000_4000_8000_0000_0000_0001)
        } else {
            self.env_id()
        }
    }

    /// The absolute href of an API path such as `/environments/{id}`.
    pub(crate) fn href(&self, path: &str) -> String {
        let absolute = format!("{}{path}", self.s.api_base);
        if self.has(Fault::RelativeHrefs) {
            // Keep only the path: "/v1/environments/...".
            let after_scheme = absolute.split_once("://").map_or(&absolute[..], |(_, r)| r);
            after_scheme
                .find('/')
                .map_or_else(|| "/".to_string(), |i| after_scheme[i..].to_string())
        } else {
            absolute
        }
    }

    /// The absolute href of a user, `{api}/environments/{envID}/users/{id}` (also its
    /// `Location` after Create User).
    pub(crate) fn user_href(&self, user: Uuid) -> String {
        self.href(&format!("/environments/{}/users/{user}", self.env_id()))
    }

    fn user_path(&self, user: Uuid) -> String {
        format!("/environments/{}/users/{user}", self.env_for_links())
    }

    /// A UserMFAEnabled answer. Without faults the body is written straight into one string,
    /// byte for byte what `self.json(status, &self.mfa_body(..))` gives (serde_json sorts keys),
    /// without building a `Value` tree; with any fault on, it takes that general path.
    pub(crate) fn mfa_response(&self, status: StatusCode, user: Uuid, value: bool) -> Response {
        if !self.s.options.faults.is_empty() {
            return self.json(status, &self.mfa_body(user, value));
        }
        let prefix = &self.s.users_href_json;
        let mut body = String::with_capacity(2 * prefix.len() + 128);
        let _ = write!(
            body,
            r#"{{"_links":{{"self":{{"href":"{prefix}{user}/mfaEnabled"}},"user":{{"href":"{prefix}{user}"}}}},"mfaEnabled":{value}}}"#
        );
        (status, [(CONTENT_TYPE, self.success_media_type())], body).into_response()
    }

    /// The UserMFAEnabled resource as documented (§1.3): `_links.self`, `_links.user`,
    /// `mfaEnabled`.
    pub(crate) fn mfa_body(&self, user: Uuid, value: bool) -> Value {
        let user_href = self.href(&self.user_path(user));
        let self_href = if self.has(Fault::SelfLinkToUser) {
            user_href.clone()
        } else {
            format!("{user_href}/mfaEnabled")
        };
        let mut links = Map::new();
        if !self.has(Fault::MissingSelfLink) {
            links.insert("self".into(), json!({ "href": self_href }));
        }
        let rel = if self.has(Fault::WrongLinkRelation) {
            "users"
        } else {
            "user"
        };
        links.insert(rel.into(), json!({ "href": user_href }));
        let value = if self.has(Fault::ValueAsString) {
            Value::String(value.to_string())
        } else {
            Value::Bool(value)
        };
        json!({ "_links": links, "mfaEnabled": value })
    }

    /// The User resource (§5). Its `_links` are the documented relations the mock serves
    /// (§11.5, DOCS-RESP): `self`, `environment`, `population`; PingOne's user has no
    /// `mfaEnabled` relation, and the others (`devices`, `password`, ...) lead to resources
    /// the mock does not have.
    pub(crate) fn user_body(&self, u: &User) -> Value {
        let env = self.env_id();
        let mut body = Map::new();
        body.insert(
            "_links".into(),
            json!({
                "self": {"href": self.user_href(u.id)},
                "environment": {"href": self.href(&format!("/environments/{env}"))},
                "population": {"href": self.href(&format!("/environments/{env}/populations/{}", u.population_id))},
            }),
        );
        body.insert("id".into(), json!(u.id));
        body.insert("environment".into(), json!({ "id": env }));
        body.insert("population".into(), json!({ "id": u.population_id }));
        for (k, v) in &u.attrs {
            body.insert(k.clone(), v.clone());
        }
        body.insert("enabled".into(), json!(u.enabled));
        let shown = if self.has(Fault::UserViewStale) {
            u.created_mfa_enabled
        } else {
            u.mfa_enabled
        };
        body.insert("mfaEnabled".into(), json!(shown));
        body.insert("createdAt".into(), json!(u.created_at));
        body.insert("updatedAt".into(), json!(u.updated_at));
        body.insert("lifecycle".into(), json!({ "status": u.lifecycle_status }));
        body.insert(
            "account".into(),
            json!({"canAuthenticate": true, "status": "OK"}),
        );
        body.insert("identityProvider".into(), json!({ "type": "PING_ONE" }));
        body.insert("verifyStatus".into(), json!("NOT_INITIATED"));
        Value::Object(body)
    }
}

/// Attributes a client may write: everything but the read-only and separately managed ones
/// (§5: `mfaEnabled`, `enabled` and `population` have their own endpoints).
pub(crate) fn mutable_attrs(obj: &Map<String, Value>) -> Map<String, Value> {
    const RESERVED: &[&str] = &[
        "_links",
        "_embedded",
        "id",
        "environment",
        "population",
        "createdAt",
        "updatedAt",
        "mfaEnabled",
        "enabled",
        "lifecycle",
        "account",
        "identityProvider",
        "verifyStatus",
        "memberOfGroupIDs",
        "memberOfGroupNames",
        "lastSignOn",
        "password",
        "username",
    ];
    obj.iter()
        .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockOptions;
    use crate::mock::state::State;
    use crate::wire::JSON;

    #[test]
    fn mfa_fast_path_matches_the_value_path() {
        let body = |r: Response| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime")
                .block_on(axum::body::to_bytes(r.into_body(), usize::MAX))
                .expect("body")
        };
        for base in ["http://127.0.0.1:8080/v1", "https://h.example/a\"b\\c/v1"] {
            let state = State::new(MockOptions::default(), base.to_string());
            let ctx = Ctx {
                s: &state,
                correlation_id: axum::http::HeaderValue::from_static("0"),
                first_attempt: false,
            };
            let user = Uuid::new_v4();
            for value in [true, false] {
                let fast = ctx.mfa_response(StatusCode::OK, user, value);
                assert_eq!(fast.headers()[CONTENT_TYPE], JSON);
                let slow = ctx.json(StatusCode::OK, &ctx.mfa_body(user, value));
                assert_eq!(body(fast), body(slow), "{base} {value}");
            }
        }
    }
}
