//! The mock's entry and routing. One fallback handler parses method and path itself, so that
//! every answer, including unknown routes, unsupported methods, oversized and malformed bodies,
//! comes in PingOne's own error shape (§2.1) and in the order PingOne applies its checks:
//! rate limit, authorization, environment, method, resource, media type, body. The checks are
//! in [`super::guards`], in that order; the resources in [`super::routes`].
//!
//! Around every answer: `X-HTTP-Method-Override` on a `/v1` POST names the method the request
//! stands for (§3, "PUT semantics": "HTTP method overrides are also supported"), and
//! `X-Ping-External-Transaction-ID` / `X-Ping-External-Session-ID` are echoed, cleaned and cut
//! to 100 characters, or generated when the request has none (§7, §11.5).

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use uuid::Uuid;

use super::Fault;
use super::answers::{DetailCode, MSG_INVALID_REQUEST, P1Code, detail};
use super::state::State;

/// Request bodies above this size answer 413.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
/// Request bodies are read up to this size before any check (see [`handle`]).
const DRAIN_LIMIT: usize = 1024 * 1024;

/// A handler's answer: `Err` is a complete error answer, returned as it is.
pub(crate) type Answer = Result<Response, Response>;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(AxState(state): AxState<Arc<State>>, req: Request) -> Response {
    // Read the body before answering, even when the answer does not need it (401, 404, 405,
    // 415, 429...): answering and closing while the client is still sending makes the kernel
    // reset the connection, and the client loses the answer. A body over DRAIN_LIMIT is
    // replaced by one still over BODY_LIMIT, so the handlers answer 413 in their usual turn.
    let (mut parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, DRAIN_LIMIT)
        .await
        .unwrap_or_else(|_| vec![0u8; BODY_LIMIT + 1].into());
    let ctx = Ctx {
        s: &state,
        correlation_id: correlation_id(),
        first_attempt: state
            .options
            .faults
            .contains(&Fault::ServerErrorThenRejects)
            && state.first_attempt(&parts.method, &parts.uri, &bytes),
    };
    let body = Body::from(bytes);
    // The transient-fault switch acts before the API: the request changes nothing.
    if let Some(fault) = state.flaky.next() {
        return super::flaky::answer(fault);
    }
    let external = external_ids(&parts.headers);
    let mut resp = if let Some(limited) = ctx.rate_limited() {
        limited
    } else {
        if let Some(delay) = state.options.latency {
            tokio::time::sleep(delay).await;
        }
        match ctx.method_override(&mut parts) {
            Ok(()) => ctx.dispatch(parts, body).await,
            Err(refused) => refused,
        }
    };
    for (name, value) in external {
        resp.headers_mut().insert(name, value);
    }
    // §7: "Correlation-Id" is returned by every operation.
    if !ctx.has(Fault::NoCorrelationId) {
        resp.headers_mut()
            .insert("correlation-id", ctx.correlation_id.clone());
    }
    resp
}

/// The longest `X-Ping-External-*` value kept; longer ones are cut (§7).
const EXTERNAL_ID_MAX: usize = 100;

/// `X-Ping-External-Transaction-ID` and `X-Ping-External-Session-ID` for the answer: the
/// request's value with characters outside Unicode letters, marks, digits and `._-/@=#+`
/// replaced by `_` and cut to [`EXTERNAL_ID_MAX`] characters; a fresh UUID when the request
/// sends none (§7; SPEC parameter description).
fn external_ids(headers: &HeaderMap) -> [(HeaderName, HeaderValue); 2] {
    const TRANSACTION: HeaderName = HeaderName::from_static("x-ping-external-transaction-id");
    const SESSION: HeaderName = HeaderName::from_static("x-ping-external-session-id");
    [TRANSACTION, SESSION].map(|name| {
        let value = headers
            .get(&name)
            .map(|v| clean_external_id(v.as_bytes()))
            .filter(|v| !v.is_empty())
            .and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok())
            .unwrap_or_else(correlation_id);
        (name, value)
    })
}

/// One `X-Ping-External-*` value as PingOne keeps it (§7).
pub(crate) fn clean_external_id(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .trim()
        .chars()
        .take(EXTERNAL_ID_MAX)
        .map(|c| {
            let allowed = c.is_alphanumeric() || is_combining_mark(c) || "._-/@=#+".contains(c);
            if allowed { c } else { '_' }
        })
        .collect()
}

/// The combining-mark blocks (U+0300-036F, U+1AB0-1AFF, U+1DC0-1DFF, U+20D0-20FF,
/// U+FE20-FE2F): the marks a client plausibly sends; the standard library has no general
/// category table, and `is_alphanumeric` already covers the marks that are alphabetic.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// A fresh v4-shaped UUID for `Correlation-Id` without a `getrandom` system call per request:
/// one random base per process, then a counter in its low 62 bits (the version and variant
/// bits stay as they are), formatted on the stack.
fn correlation_id() -> HeaderValue {
    static BASE: LazyLock<u128> = LazyLock::new(|| Uuid::new_v4().as_u128());
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = u128::from(NEXT.fetch_add(1, Ordering::Relaxed)) & ((1 << 62) - 1);
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = Uuid::from_u128(*BASE ^ n)
        .hyphenated()
        .encode_lower(&mut buf);
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

/// One request's view of the state. Its methods are spread over the modules by job:
/// answers, guards, model and one module per resource under `routes`.
pub(crate) struct Ctx<'a> {
    pub(crate) s: &'a State,
    /// This request's `Correlation-Id` (§7), also quoted in some error messages.
    pub(crate) correlation_id: HeaderValue,
    /// Whether no request with this method, path and body came before (kept only with the
    /// `500-then-400-on-malformed-json` fault, which tells a first attempt from a retry).
    pub(crate) first_attempt: bool,
}

impl Ctx<'_> {
    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.s.options.faults.contains(&fault)
    }

    /// Whether this mock binds Booleans as Jackson does: `--lenient-booleans`, or a fault
    /// that gets that binding wrong (`lenient-*`).
    pub(crate) fn lenient_booleans(&self) -> bool {
        self.s.options.alternatives.lenient_booleans
            || [
                Fault::LenientFalseAsTrue,
                Fault::LenientZeroAsTrue,
                Fault::LenientAnswerNotStored,
                Fault::LenientEchoesRawValue,
            ]
            .iter()
            .any(|&f| self.has(f))
    }

    /// The Boolean this mock binds a JSON value to, wherever a body carries `mfaEnabled`: only
    /// `true` and `false`, or, binding leniently, what Jackson coerces (facts §11.1,
    /// [`crate::wire::jackson_boolean`]). `None`: the value is rejected.
    pub(crate) fn bind_boolean(&self, value: &serde_json::Value) -> Option<bool> {
        if self.lenient_booleans() {
            crate::wire::jackson_boolean(value)
        } else {
            value.as_bool()
        }
    }

    /// Whether a lenient binder refused `value` while converting it (a string or a float that
    /// it does not coerce): PingOne answers such a failed type conversion with 400
    /// `INVALID_REQUEST`, not `INVALID_DATA` (facts §11.1).
    pub(crate) fn conversion_failed(&self, value: &serde_json::Value) -> bool {
        self.lenient_booleans() && (value.is_string() || value.is_number())
    }

    pub(crate) fn env_id(&self) -> Uuid {
        self.s.options.environment_id
    }

    /// `X-HTTP-Method-Override` (§3): a POST under `/v1` carrying it is handled as the method it
    /// names (`PUT`, `PATCH`, `DELETE`, `GET`; any other answers 405 from the resource, as that
    /// method would). On other methods, and on the token endpoint, the header is ignored. A
    /// value that is not an HTTP method token answers 400 `INVALID_REQUEST`.
    fn method_override(&self, parts: &mut Parts) -> Result<(), Response> {
        if parts.method != Method::POST || !parts.uri.path().starts_with("/v1/") {
            return Ok(());
        }
        let Some(value) = parts.headers.get("x-http-method-override") else {
            return Ok(());
        };
        let name = value.to_str().unwrap_or("").trim().to_ascii_uppercase();
        match Method::from_bytes(name.as_bytes()) {
            Ok(method) if !name.is_empty() => {
                parts.method = method;
                Ok(())
            }
            _ => Err(self.invalid(
                P1Code::InvalidRequest,
                MSG_INVALID_REQUEST,
                vec![detail(
                    DetailCode::InvalidValue,
                    Some("X-HTTP-Method-Override"),
                    "Not an HTTP method.",
                )],
            )),
        }
    }

    /// The token endpoint lives outside `/v1` and answers in the OAuth shape; everything else
    /// under `/v1` goes through [`Ctx::api`].
    async fn dispatch(&self, parts: Parts, body: Body) -> Response {
        let path = parts.uri.path().to_string();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let answer = match segments.as_slice() {
            [env, "as", "token"] => Ok(self.token(&parts, body, env).await),
            [env, "as", "jwks"] => Ok(self.jwks(&parts.method, env)),
            ["v1", rest @ ..] => self.api(&parts, body, rest).await,
            _ => Err(self.not_found()),
        };
        answer.unwrap_or_else(|e| e)
    }

    /// Authorization first, then the environment, then whether the token may write, then the
    /// resource's own handler (which checks method, id, media type and body in that order).
    async fn api(&self, parts: &Parts, body: Body, rest: &[&str]) -> Answer {
        let grant = self.authorize(&parts.headers)?;
        match rest {
            ["environments", env] => self.environment(&parts.method, env),
            ["environments", env, "users"] => {
                self.check_env(env)?;
                if let Err(refused) = self.may_use(grant, &parts.method) {
                    if parts.method == Method::POST && self.has(Fault::ReadonlyCreateStillCreates) {
                        let _ = self.users(parts, body).await;
                    }
                    return Err(refused);
                }
                self.users(parts, body).await
            }
            ["environments", env, "users", user] => {
                self.check_env(env)?;
                self.may_use(grant, &parts.method)?;
                self.user(parts, body, user).await
            }
            ["environments", env, "users", user, "mfaEnabled"] => {
                self.check_env(env)?;
                if !self.has(Fault::ReadonlyMayWriteMfa) {
                    self.may_use(grant, &parts.method)?;
                }
                self.mfa(parts, body, user).await
            }
            ["environments", env, "users", user, "enabled"] => {
                self.check_env(env)?;
                self.may_use(grant, &parts.method)?;
                self.user_enabled(parts, body, user).await
            }
            ["environments", env, "mfaSettings"] => {
                self.check_env(env)?;
                self.may_use(grant, &parts.method)?;
                self.mfa_settings(parts, body).await
            }
            _ => Err(self.not_found()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_keep_letters_marks_digits_and_the_listed_signs_only() {
        assert_eq!(
            clean_external_id("Zoë-1.a_b/c@d=e#f+g".as_bytes()),
            "Zoë-1.a_b/c@d=e#f+g"
        );
        assert_eq!(clean_external_id("e\u{301}".as_bytes()), "e\u{301}");
        assert_eq!(clean_external_id(b"a b;c\t%"), "a_b_c__");
        assert_eq!(clean_external_id(&[b'a', 0xff, b'b']), "a_b");
        assert_eq!(
            clean_external_id("é".repeat(150).as_bytes())
                .chars()
                .count(),
            100
        );
    }

    #[test]
    fn correlation_ids_are_distinct_v4_uuids() {
        let ids: Vec<Uuid> = (0..1000)
            .map(|_| Uuid::parse_str(correlation_id().to_str().expect("ascii")).expect("uuid"))
            .collect();
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in ids {
            assert_eq!(id.get_version_num(), 4, "{id}");
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122, "{id}");
        }
    }
}
