//! `GET`, `PUT` and `DELETE /v1/environments/{envID}/mfaSettings` (§1.4, §11.5; SPEC
//! `MFASettings`): the environment's MFA settings. `users.mfaEnabled` is the `mfaEnabled` a new
//! user gets when its creation request does not say; it starts `true`, as in environments
//! created since mid-2025, or `false` with `--mfa-disabled-by-default`.

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::mock::answers::DetailCode;
use crate::mock::server::{Answer, Ctx};
use crate::mock::state::{self, lock};
use crate::wire::JSON;

impl Ctx<'_> {
    /// GET reads; PUT replaces the writable settings (a PUT replaces, §3); DELETE resets them to
    /// the initial ones and answers 204.
    pub(crate) async fn mfa_settings(&self, parts: &Parts, body: Body) -> Answer {
        match parts.method {
            Method::GET => Ok(self.mfa_settings_response()),
            Method::PUT => {
                self.media_type(&parts.headers, &[JSON])?;
                let bytes = self.read_body(body).await?;
                let obj = self.parse_object(&bytes)?;
                let mut settings = self.validate_mfa_settings(&obj)?;
                settings.insert("updatedAt".into(), json!(state::now()));
                *lock(&self.s.mfa_settings) = settings;
                Ok(self.mfa_settings_response())
            }
            Method::DELETE => {
                *lock(&self.s.mfa_settings) = self.s.initial_mfa_settings();
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            _ => Err(self.method_not_allowed("GET, PUT, DELETE")),
        }
    }

    fn mfa_settings_response(&self) -> Response {
        let mut body = lock(&self.s.mfa_settings).clone();
        let env = self.env_id();
        body.insert(
            "_links".into(),
            json!({
                "self": {"href": self.href(&format!("/environments/{env}/mfaSettings"))},
                "environment": {"href": self.href(&format!("/environments/{env}"))},
            }),
        );
        body.insert("environment".into(), json!({ "id": env }));
        self.json(StatusCode::OK, &Value::Object(body))
    }

    /// The writable settings of a PUT body, checked against SPEC `MFASettings`: `pairing` is
    /// required with `maxAllowedDevices` (1-15) and `pairingKeyFormat` (`NUMERIC` or
    /// `ALPHANUMERIC`); `lockout.failureCount` and `durationSeconds` are non-negative integers;
    /// `phoneExtensions.enabled` and `users.mfaEnabled` are Booleans; the deprecated
    /// `authentication.deviceSelection` is `DEFAULT_TO_FIRST` or `PROMPT_TO_SELECT`. Read-only and unknown
    /// properties are ignored; `users.mfaEnabled` left out keeps its current value.
    fn validate_mfa_settings(
        &self,
        obj: &Map<String, Value>,
    ) -> Result<Map<String, Value>, Response> {
        let bad =
            |target: &str, why: &str| self.invalid_data(DetailCode::InvalidValue, target, why);
        let mut out = Map::new();
        let Some(pairing) = obj.get("pairing") else {
            return Err(self.invalid_data(
                DetailCode::RequiredValue,
                "pairing",
                "pairing is required.",
            ));
        };
        let max = pairing.get("maxAllowedDevices").and_then(Value::as_u64);
        let format = pairing.get("pairingKeyFormat").and_then(Value::as_str);
        match (max, format) {
            (Some(m), Some(f))
                if (1..=15).contains(&m) && matches!(f, "NUMERIC" | "ALPHANUMERIC") =>
            {
                out.insert(
                    "pairing".into(),
                    json!({"maxAllowedDevices": m, "pairingKeyFormat": f}),
                );
            }
            _ => {
                return Err(bad(
                    "pairing",
                    "pairing needs maxAllowedDevices 1 to 15 and pairingKeyFormat NUMERIC or ALPHANUMERIC.",
                ));
            }
        }
        if let Some(lockout) = obj.get("lockout").filter(|l| !l.is_null()) {
            let count = lockout.get("failureCount").and_then(Value::as_u64);
            let duration = lockout.get("durationSeconds");
            match (count, duration) {
                (Some(c), None) => {
                    out.insert("lockout".into(), json!({"failureCount": c}));
                }
                (Some(c), Some(d)) if d.as_u64().is_some() => {
                    out.insert(
                        "lockout".into(),
                        json!({"failureCount": c, "durationSeconds": d}),
                    );
                }
                _ => {
                    return Err(bad(
                        "lockout",
                        "lockout needs failureCount (and durationSeconds, if given) as non-negative integers.",
                    ));
                }
            }
        }
        if let Some(ext) = obj.get("phoneExtensions").filter(|p| !p.is_null()) {
            match ext.get("enabled") {
                None => {
                    out.insert("phoneExtensions".into(), json!({"enabled": false}));
                }
                Some(Value::Bool(b)) => {
                    out.insert("phoneExtensions".into(), json!({"enabled": b}));
                }
                Some(_) => {
                    return Err(bad("phoneExtensions.enabled", "enabled must be a Boolean."));
                }
            }
        }
        if let Some(auth) = obj.get("authentication").filter(|a| !a.is_null()) {
            match auth.get("deviceSelection").and_then(Value::as_str) {
                Some(d @ ("DEFAULT_TO_FIRST" | "PROMPT_TO_SELECT")) => {
                    out.insert("authentication".into(), json!({ "deviceSelection": d }));
                }
                _ => {
                    return Err(bad(
                        "authentication.deviceSelection",
                        "deviceSelection must be DEFAULT_TO_FIRST or PROMPT_TO_SELECT.",
                    ));
                }
            }
        }
        let current = self.s.default_mfa_enabled();
        let users_mfa = match obj
            .get("users")
            .filter(|u| !u.is_null())
            .map(|u| u.get("mfaEnabled"))
        {
            None | Some(None) => current,
            Some(Some(v)) => match self.bind_boolean(v) {
                Some(b) => b,
                None => return Err(bad("users.mfaEnabled", "mfaEnabled must be a Boolean.")),
            },
        };
        out.insert("users".into(), json!({ "mfaEnabled": users_mfa }));
        Ok(out)
    }
}
