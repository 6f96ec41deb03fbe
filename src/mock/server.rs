//! The mock's entry and routing. One fallback handler parses method and path itself, so that
//! every answer, including unknown routes, unsupported methods, oversized and malformed bodies,
//! comes in PingOne's own error shape (§2.1) and in the order PingOne applies its checks:
//! rate limit, authorization, environment, method, resource, media type, body. The checks are
//! in [`super::guards`], in that order; the resources in [`super::routes`].
//!
//! TODO-coverage: `X-HTTP-Method-Override` (§3, "PUT semantics") and the
//! `X-Ping-External-*` headers (§7) are not modelled.

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::response::Response;
use uuid::Uuid;

use super::Fault;
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
    let ctx = Ctx {
        s: &state,
        correlation_id: correlation_id(),
    };
    // Read the body before answering, even when the answer does not need it (401, 404, 405,
    // 415, 429...): answering and closing while the client is still sending makes the kernel
    // reset the connection, and the client loses the answer. A body over DRAIN_LIMIT is
    // replaced by one still over BODY_LIMIT, so the handlers answer 413 in their usual turn.
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, DRAIN_LIMIT).await {
        Ok(bytes) => Body::from(bytes),
        Err(_) => Body::from(vec![0u8; BODY_LIMIT + 1]),
    };
    let mut resp = if let Some(limited) = ctx.rate_limited() {
        limited
    } else {
        if let Some(delay) = state.options.latency {
            tokio::time::sleep(delay).await;
        }
        ctx.dispatch(parts, body).await
    };
    // §7: "Correlation-Id" is returned by every operation.
    if !ctx.has(Fault::NoCorrelationId) {
        resp.headers_mut()
            .insert("correlation-id", ctx.correlation_id.clone());
    }
    resp
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
}

impl Ctx<'_> {
    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.s.options.faults.contains(&fault)
    }

    pub(crate) fn env_id(&self) -> Uuid {
        self.s.options.environment_id
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
                self.may_use(grant, &parts.method)?;
                self.users(parts, body).await
            }
            ["environments", env, "users", user] => {
                self.check_env(env)?;
                self.may_use(grant, &parts.method)?;
                self.user(parts, body, user).await
            }
            ["environments", env, "users", user, "mfaEnabled"] => {
                self.check_env(env)?;
                self.may_use(grant, &parts.method)?;
                self.mfa(parts, body, user).await
            }
            _ => Err(self.not_found()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
