//! `GET` and `PUT .../users/{userID}/mfaEnabled` (§1.1-§1.4): the resource the suite is
//! about. Its body is `{"mfaEnabled": <Boolean>}`; a rejected request changes nothing. The
//! faults a careless implementation of this contract would ship sit next to the behaviour
//! they break.

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::mock::Fault;
use crate::mock::answers::{DetailCode, P1Code};
use crate::mock::server::{Answer, Ctx};
use crate::mock::state::{self, Username, lock};
use crate::wire::{JSON, MediaType};

/// The form media type the `accepts-form-encoded` fault reads.
const FORM: &str = "application/x-www-form-urlencoded";

impl Ctx<'_> {
    /// The methods: GET reads, PUT writes; others 405 unless a fault makes them act as PUT.
    pub(crate) async fn mfa(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        let acts_as_put = match parts.method {
            Method::GET => return self.read_mfa(raw),
            Method::PUT => true,
            Method::PATCH => self.has(Fault::PatchActsAsPut),
            Method::POST => self.has(Fault::PostActsAsPut),
            Method::DELETE if self.has(Fault::DeleteResetsMfa) => {
                let id = self.existing_user(raw)?;
                self.store_mfa(id, false);
                return Ok(StatusCode::NO_CONTENT.into_response());
            }
            _ => false,
        };
        if !acts_as_put {
            return Err(self.method_not_allowed("GET, PUT"));
        }
        self.update_mfa(parts, body, raw).await
    }

    fn read_mfa(&self, raw: &str) -> Answer {
        let id = self.user_id(raw)?;
        let stored = lock(&self.s.users).get(&id).map(|u| {
            if self.has(Fault::StaleRead) {
                u.previous_mfa_enabled
            } else {
                u.mfa_enabled
            }
        });
        match stored {
            Some(v) => Ok(self.mfa_response(StatusCode::OK, id, v)),
            None if self.has(Fault::UnknownUserUpsert) => {
                Ok(self.json(StatusCode::OK, &self.mfa_body(id, false)))
            }
            None => Err(self.not_found()),
        }
    }

    fn store_mfa(&self, id: Uuid, value: bool) {
        if let Some(u) = lock(&self.s.users).get_mut(&id) {
            u.set_mfa_enabled(value);
            u.updated_at = state::now();
        }
    }

    async fn update_mfa(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        let id = self.user_id(raw)?;
        if !self.s.has_user(id) {
            if !self.has(Fault::UnknownUserUpsert) {
                return Err(self.not_found());
            }
            let mut attrs = Map::new();
            attrs.insert("username".into(), Value::String(format!("upserted-{id}")));
            self.s
                .insert_user(id, attrs, false, None, Username::Unchecked);
        }
        let form = self.has(Fault::AcceptsFormEncoded)
            && parts
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| MediaType::parse(ct).is(FORM));
        if !form {
            self.media_type(&parts.headers, &[JSON])?;
        }
        let bytes = self.read_body(body).await?;
        let parsed = if form {
            parse_form_body(&bytes).map(|v| (v, None)).ok_or_else(|| {
                let r = self.invalid_data(
                    DetailCode::InvalidValue,
                    "mfaEnabled",
                    "mfaEnabled must be a Boolean.",
                );
                (r, None)
            })
        } else {
            self.parse_mfa_body(&bytes)
        };
        let (value, coerced_from) = match parsed {
            Ok(bound) => bound,
            Err((response, coerced)) => {
                // A rejected request changes nothing, unless the fault says otherwise.
                if let Some(c) = coerced.filter(|_| self.has(Fault::PartialWriteOnReject)) {
                    self.store_mfa(id, c);
                }
                return Err(response);
            }
        };
        let before = self.s.stored_mfa_enabled(id).unwrap_or(false);
        if self.has(Fault::NotIdempotent) && before == value {
            return Err(self.error(
                StatusCode::CONFLICT,
                P1Code::RequestFailed,
                "The request could not be completed. mfaEnabled already has this value.",
                vec![],
            ));
        }
        let lost = self.has(Fault::WriteLost)
            || (coerced_from.is_some() && self.has(Fault::LenientAnswerNotStored));
        if !lost {
            self.store_mfa(id, value);
        }
        self.side_effects(id, value, &bytes);
        if self.has(Fault::NoContentOnUpdate) {
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        let status = if self.has(Fault::CreatedOnUpdate) {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let shown = if self.has(Fault::EchoesPreviousValue) {
            before
        } else {
            value
        };
        if let Some(raw) = coerced_from.filter(|_| self.has(Fault::LenientEchoesRawValue)) {
            let mut body = self.mfa_body(id, shown);
            body["mfaEnabled"] = raw;
            return Ok(self.json(status, &body));
        }
        Ok(self.mfa_response(status, id, shown))
    }

    /// `{"mfaEnabled": <Boolean>}` (§1.2): the field is required and must be a Boolean.
    /// Unknown properties and the read-only `_links` are accepted and ignored (§3).
    /// Returns the value and, when the binder coerced it from another JSON type, the value as
    /// sent; on rejection, also what a coercing server would have stored.
    fn parse_mfa_body(
        &self,
        bytes: &[u8],
    ) -> Result<(bool, Option<Value>), (Response, Option<bool>)> {
        let obj = self.parse_object(bytes).map_err(|r| (r, None))?;
        if self.has(Fault::RejectsUnknownProperties)
            && let Some(extra) = obj.keys().find(|k| *k != "mfaEnabled" && *k != "_links")
        {
            let r = self.invalid_data(DetailCode::InvalidValue, extra, "Unknown property.");
            return Err((r, None));
        }
        if self.has(Fault::RejectsReadOnlyLinks) && obj.contains_key("_links") {
            let r = self.invalid_data(DetailCode::InvalidValue, "_links", "_links is read-only.");
            return Err((r, None));
        }
        let field = if self.has(Fault::CaseInsensitiveProperties) {
            obj.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("mfaEnabled"))
                .map(|(_, v)| v)
        } else {
            obj.get("mfaEnabled")
        };
        let value = match field {
            None if self.has(Fault::MissingFieldDefaultsFalse) => return Ok((false, None)),
            None => {
                let r = self.invalid_data(
                    DetailCode::RequiredValue,
                    "mfaEnabled",
                    "mfaEnabled is required.",
                );
                return Err((r, None));
            }
            Some(v) => v,
        };
        match value {
            Value::Bool(b) => return Ok((*b, None)),
            Value::String(s)
                if self.has(Fault::AcceptsStringBoolean) && (s == "true" || s == "false") =>
            {
                return Ok((s == "true", None));
            }
            Value::Number(n)
                if self.has(Fault::AcceptsNumberBoolean)
                    && (n.as_u64() == Some(0) || n.as_u64() == Some(1)) =>
            {
                return Ok((n.as_u64() == Some(1), None));
            }
            Value::Null if self.has(Fault::AcceptsNullAsFalse) => return Ok((false, None)),
            _ => {}
        }
        let bound = self.bind_boolean(value);
        if let Some(coerced) = bound {
            // A lenient binder took another JSON type; the faults get its rule wrong.
            let wrong = !coerced
                && match value {
                    Value::String(_) => self.has(Fault::LenientFalseAsTrue),
                    Value::Number(_) => self.has(Fault::LenientZeroAsTrue),
                    _ => false,
                };
            return Ok((coerced || wrong, Some(value.clone())));
        }
        let r = if self.has(Fault::ServerErrorOnWrongType) {
            self.unexpected()
        } else {
            let failed_conversion = self.s.options.alternatives.wrong_type_invalid_request
                || self.conversion_failed(value);
            self.not_a_boolean("mfaEnabled", failed_conversion)
        };
        Err((r, Some(coerce(value))))
    }
}

impl Ctx<'_> {
    /// What the side-effect faults do after a successful write of `value` to `id` from the
    /// body `bytes`.
    fn side_effects(&self, id: Uuid, value: bool, bytes: &[u8]) {
        let mut users = lock(&self.s.users);
        if self.has(Fault::BystanderWritten) {
            let now = state::now();
            for u in users.values_mut() {
                u.set_mfa_enabled(value);
                u.updated_at.clone_from(&now);
            }
        }
        let Some(u) = users.get_mut(&id) else {
            return;
        };
        if self.has(Fault::DisablesAccount) && !value {
            u.enabled = false;
        }
        if self.has(Fault::LifecycleReset) {
            u.lifecycle_status = "VERIFICATION_REQUIRED".into();
        }
        if self.has(Fault::MassAssignment)
            && let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(bytes)
        {
            for (k, v) in obj {
                match (k.as_str(), v) {
                    ("mfaEnabled" | "_links", _) => {}
                    ("enabled", Value::Bool(b)) => u.enabled = b,
                    ("lifecycle", v) => {
                        if let Some(status) = v.get("status").and_then(Value::as_str) {
                            u.lifecycle_status = status.to_string();
                        }
                    }
                    (_, v) => {
                        u.attrs.insert(k, v);
                    }
                }
            }
        }
    }
}

/// `mfaEnabled=true` or `mfaEnabled=false` as a form (the `accepts-form-encoded` fault).
fn parse_form_body(bytes: &[u8]) -> Option<bool> {
    match crate::wire::parse_form(bytes)
        .get("mfaEnabled")
        .map(String::as_str)
    {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

/// What a careless, JavaScript-like coercion would store for a non-Boolean value.
fn coerce(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true") || s == "1",
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::Null => false,
        Value::Array(_) | Value::Object(_) => true,
    }
}
