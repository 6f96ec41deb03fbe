//! The checks every request passes, in the order PingOne applies them (see [`super::server`]):
//! rate limit, authorization, environment, resource id, media type, body size, JSON. Each
//! answers the error a client meets when it fails; the faults that weaken a check sit in it.

use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Fault;
use super::answers::{DetailCode, MSG_ACCESS_FAILED, MSG_INVALID_DATA, MSG_INVALID_REQUEST};
use super::answers::{P1Code, detail};
use super::server::{BODY_LIMIT, Ctx};
use super::state::{Grant, lock};
use crate::wire::{MediaType, decode_basic};

impl Ctx<'_> {
    /// Check 1, rate limit: a sliding window. A request is admitted when fewer than
    /// `rate_limit` requests were admitted in the second before it; otherwise 429
    /// `REQUEST_LIMITED` (§3) with `Retry-After` in whole seconds and, in its detail,
    /// `innerError.retryAfter`, the instant a retry is admitted (§11.4, GOCLIENT).
    pub(crate) fn rate_limited(&self) -> Option<Response> {
        let limit = usize::try_from(self.s.options.rate_limit?).unwrap_or(usize::MAX);
        const WINDOW: Duration = Duration::from_secs(1);
        let mut admitted = lock(&self.s.rate);
        let now = Instant::now();
        while admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            admitted.pop_front();
        }
        if admitted.len() < limit {
            admitted.push_back(now);
            return None;
        }
        // The oldest admitted request leaves the window first; limit 0 admits nothing ever.
        let wait = admitted
            .front()
            .map_or(WINDOW, |t| WINDOW.saturating_sub(now.duration_since(*t)));
        drop(admitted);
        let retry_after = wait.as_secs_f64().ceil().max(1.0) as u64;
        let at = crate::wire::rfc3339(SystemTime::now() + wait);
        let mut limited = detail(DetailCode::LimitExceeded, None, "Too many requests.");
        limited["innerError"] = serde_json::json!({ "retryAfter": at });
        let mut r = self.error(
            StatusCode::TOO_MANY_REQUESTS,
            P1Code::RequestLimited,
            "The request could not be completed. The rate limit was exceeded.",
            vec![limited],
        );
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(retry_after));
        Some(r)
    }

    /// Check 2, §4: every /v1 route needs `Authorization: Bearer` with a live token;
    /// otherwise 401 `ACCESS_FAILED` with detail `INVALID_TOKEN` (§2.1, GOCLIENT
    /// `UnauthorizedError`).
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<Grant, Response> {
        if self.has(Fault::AuthNotEnforced) {
            return Ok(Grant::ReadWrite);
        }
        let value = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let (scheme, credentials) = value
            .and_then(|v| v.trim().split_once(' '))
            .map(|(s, c)| (s, c.trim()))
            .unwrap_or(("", ""));
        let grant = if scheme.eq_ignore_ascii_case("bearer") && !credentials.is_empty() {
            if self.has(Fault::AnyBearerAccepted) {
                Some(Grant::ReadWrite)
            } else {
                self.live_token(credentials)
            }
        } else if scheme.eq_ignore_ascii_case("basic") && self.has(Fault::BasicAuthAccepted) {
            // The worker's client id is enough, whatever the secret: the suite sends a wrong one
            // and never the real secret to the API (issue 13).
            decode_basic(credentials)
                .filter(|(id, _)| *id == self.s.options.client_id)
                .map(|_| Grant::ReadWrite)
        } else {
            None
        };
        if let Some(grant) = grant {
            return Ok(grant);
        }
        let status = if self.has(Fault::AuthFailureAs403) {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        // §10.1: the exact 401 body is unknown; `unauthorized-bare` drops details and the
        // challenge.
        let bare = self.s.options.alternatives.unauthorized_bare;
        let details = if bare {
            vec![]
        } else {
            vec![detail(
                DetailCode::InvalidToken,
                None,
                "The access token is missing, invalid or expired.",
            )]
        };
        let mut r = self.error(status, P1Code::AccessFailed, MSG_ACCESS_FAILED, details);
        if !bare {
            r.headers_mut()
                .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        }
        Err(r)
    }

    fn live_token(&self, token: &str) -> Option<Grant> {
        let mut tokens = lock(&self.s.tokens);
        match tokens.get(token) {
            Some((expiry, grant))
                if *expiry > Instant::now() || self.has(Fault::ExpiredTokenAccepted) =>
            {
                Some(*grant)
            }
            Some(_) => {
                tokens.remove(token);
                None
            }
            None => None,
        }
    }

    /// What these client credentials may do: the worker app reads and writes, the read-only
    /// worker (if configured) only reads; `None` for anyone else.
    pub(crate) fn client_grant(&self, id: &str, secret: &str) -> Option<Grant> {
        let o = &self.s.options;
        if id == o.client_id && secret == o.client_secret.expose() {
            Some(Grant::ReadWrite)
        } else if o
            .readonly_client
            .as_ref()
            .is_some_and(|(rid, rsecret)| id == rid && secret == rsecret.expose())
        {
            Some(Grant::ReadOnly)
        } else {
            None
        }
    }

    /// Check 3b: a read-only token may read but not write: any other method than GET answers
    /// 403 `ACCESS_FAILED` before the resource is looked at (issue 14).
    pub(crate) fn may_use(&self, grant: Grant, method: &Method) -> Result<(), Response> {
        let reads = *method == Method::GET;
        if grant == Grant::ReadOnly && reads && self.has(Fault::ReadonlyCannotRead) {
            return Err(self.forbidden(
                None,
                "The actor attempting to perform the request is not authorized.",
            ));
        }
        if grant == Grant::ReadOnly && !reads && !self.has(Fault::AnyTokenMayWrite) {
            return Err(self.forbidden(
                None,
                "The actor attempting to perform the request is not authorized.",
            ));
        }
        Ok(())
    }

    /// The answer for a path id that is not a UUID (§3: 404, or 400 by alternative; the fault
    /// `non-uuid-id-as-400` gives the alternative's answer to a target recorded with 404).
    pub(crate) fn non_uuid(&self) -> Response {
        if self.has(Fault::ServerErrorOnNonUuidId) {
            self.unexpected()
        } else if self.s.options.alternatives.non_uuid_400 || self.has(Fault::NonUuidIdAs400) {
            self.invalid(
                P1Code::InvalidRequest,
                MSG_INVALID_REQUEST,
                vec![detail(
                    DetailCode::InvalidParameter,
                    None,
                    "The id is not a valid UUID.",
                )],
            )
        } else {
            self.not_found()
        }
    }

    /// Check 3: the environment in a user path must be the mock's (§3: another one answers
    /// 403, or 404 by alternative; never 2xx).
    pub(crate) fn check_env(&self, env: &str) -> Result<(), Response> {
        let Ok(id) = Uuid::parse_str(env) else {
            return Err(self.non_uuid());
        };
        if id == self.env_id() || self.has(Fault::CrossEnvironmentAccess) {
            return Ok(());
        }
        if self.s.options.alternatives.foreign_environment_404 {
            Err(self.not_found())
        } else {
            Err(self.forbidden(
                None,
                "The actor attempting to perform the request is not authorized.",
            ))
        }
    }

    /// Check 4: a resource id must be a UUID.
    pub(crate) fn user_id(&self, raw: &str) -> Result<Uuid, Response> {
        Uuid::parse_str(raw).map_err(|_| self.non_uuid())
    }

    /// Check 4: ... and name a stored user.
    pub(crate) fn existing_user(&self, raw: &str) -> Result<Uuid, Response> {
        let id = self.user_id(raw)?;
        if self.s.has_user(id) {
            Ok(id)
        } else {
            Err(self.not_found())
        }
    }

    /// Check 5: the request's media type must be one of `accepted`; parameters such as
    /// `charset` are allowed. A wrong one answers 415 `INVALID_REQUEST` (400 by alternative), §3.
    pub(crate) fn media_type(
        &self,
        headers: &HeaderMap,
        accepted: &[&'static str],
    ) -> Result<&'static str, Response> {
        let raw = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media = MediaType::parse(raw);
        if raw.is_empty() && self.has(Fault::AcceptsMissingContentType) {
            return Ok(accepted[0]);
        }
        let found = accepted.iter().copied().find(|a| media.is(a));
        let params_ok = !self.has(Fault::RejectsCharsetParameter) || !media.has_params();
        match found {
            Some(found) if params_ok => Ok(found),
            _ if self.has(Fault::AcceptsAnyContentType) => Ok(accepted[0]),
            _ => {
                let status = if self.s.options.alternatives.content_type_400 {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                };
                Err(self.error(
                    status,
                    P1Code::InvalidRequest,
                    "The request could not be completed. The Content-Type is not supported.",
                    vec![detail(
                        DetailCode::InvalidValue,
                        Some("Content-Type"),
                        &format!("Supported: {}.", accepted.join(", ")),
                    )],
                ))
            }
        }
    }

    /// Check 6: a body over [`BODY_LIMIT`] answers 413.
    pub(crate) async fn read_body(&self, body: Body) -> Result<Bytes, Response> {
        axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            self.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                P1Code::InvalidRequest,
                "The request could not be completed. The request body is too large.",
                vec![detail(
                    DetailCode::SizeLimitExceeded,
                    None,
                    &format!("The body may not exceed {BODY_LIMIT} bytes."),
                )],
            )
        })
    }

    /// Check 7: parse a body that must be a JSON object: empty or unparsable answers
    /// 400 `INVALID_REQUEST`, any other JSON value 400 `INVALID_DATA` (§3).
    pub(crate) fn parse_object(&self, bytes: &[u8]) -> Result<Map<String, Value>, Response> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(self.malformed("The request body is empty."));
        }
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|_| self.malformed("The request body is not valid JSON."))?;
        match value {
            Value::Object(obj) => Ok(obj),
            _ if self.has(Fault::ServerErrorOnNonObject) => Err(self.unexpected()),
            _ => Err(self.invalid(
                P1Code::InvalidData,
                MSG_INVALID_DATA,
                vec![detail(
                    DetailCode::InvalidValue,
                    None,
                    "The request body must be a JSON object.",
                )],
            )),
        }
    }
}
