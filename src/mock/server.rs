//! The mock's request handling. One fallback handler parses method and path itself, so that
//! every answer, including unknown routes, unsupported methods, oversized and malformed bodies,
//! comes in PingOne's own error shape (§2.1) and in the order PingOne applies its checks:
//! rate limit, authorization, environment, method, resource, media type, body.
//!
//! TODO-coverage: `X-HTTP-Method-Override` (§3, "PUT semantics") and the
//! `X-Ping-External-*` headers (§7) are not modelled.

// Handlers return `Result<Response, Response>`: the error path is a complete answer, built once
// per request, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxState};
use axum::http::header::{ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{Fault, MockOptions};

/// Request bodies above this size answer 413.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
/// Request bodies are read up to this size before any check (see [`handle`]).
const DRAIN_LIMIT: usize = 1024 * 1024;
/// Tokens kept before expired ones are pruned.
const TOKEN_PRUNE_THRESHOLD: usize = 10_000;

const JSON: &str = "application/json";
const IMPORT_JSON: &str = "application/vnd.pingidentity.user.import+json";
const FORM: &str = "application/x-www-form-urlencoded";

// Messages as PingOne words them (§2.1, §2.2). The suite never asserts them.
const MSG_INVALID_DATA: &str =
    "The request could not be completed. One or more validation errors were in the request.";
const MSG_INVALID_REQUEST: &str =
    "The request could not be completed. The request was malformed or invalid.";
const MSG_ACCESS_FAILED: &str =
    "The request could not be completed. You do not have access to this resource.";
const MSG_NOT_FOUND: &str =
    "The request could not be completed. The requested resource was not found.";
const MSG_UNEXPECTED: &str =
    "There was an unexpected error with the service. Please try again later.";

/// A stored user.
#[derive(Debug, Clone)]
struct User {
    id: Uuid,
    /// Mutable attributes as sent (username, email, name, ...), without read-only ones.
    attrs: Map<String, Value>,
    population_id: Uuid,
    enabled: bool,
    lifecycle_status: String,
    mfa_enabled: bool,
    /// The value before the last write (for the `stale-read` fault).
    previous_mfa_enabled: bool,
    /// The value at creation (for the `user-view-stale` fault).
    created_mfa_enabled: bool,
    created_at: String,
    updated_at: String,
}

impl User {
    fn username(&self) -> &str {
        self.attrs
            .get("username")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// Shared state of one mock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) options: MockOptions,
    /// Externally visible API base, ending in `/v1`.
    api_base: String,
    /// `{api_base}/environments/{envID}/users/`, JSON-escaped, for the UserMFAEnabled fast path.
    users_href_json: String,
    tokens: Mutex<HashMap<String, Instant>>,
    users: Mutex<HashMap<Uuid, User>>,
    rate: Mutex<(Instant, u32)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic never happens while a lock is held; if one did, the data is still consistent
    // because every critical section is a single assignment.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub(crate) fn new(options: MockOptions, api_base: String) -> State {
        let prefix = format!("{api_base}/environments/{}/users/", options.environment_id);
        let quoted = serde_json::to_string(&prefix).unwrap_or_default();
        State {
            options,
            users_href_json: quoted.trim_matches('"').to_string(),
            api_base,
            tokens: Mutex::new(HashMap::new()),
            users: Mutex::new(HashMap::new()),
            rate: Mutex::new((Instant::now(), 0)),
        }
    }

    pub(crate) fn seed(&self) -> Vec<Uuid> {
        let seeds = self.options.seed_users.clone();
        seeds
            .into_iter()
            .filter_map(|(name, mfa)| {
                let mut attrs = Map::new();
                attrs.insert("username".into(), Value::String(name));
                self.insert_user(attrs, mfa, None, false).map(|u| u.id)
            })
            .collect()
    }

    /// Insert a user; with `unique`, only if no other user has its username (ignoring case),
    /// checked under the same lock as the insert.
    fn insert_user(
        &self,
        attrs: Map<String, Value>,
        mfa: bool,
        lifecycle: Option<String>,
        unique: bool,
    ) -> Option<User> {
        let now = rfc3339_now();
        let user = User {
            id: Uuid::new_v4(),
            attrs,
            population_id: self.options.population_id,
            enabled: true,
            lifecycle_status: lifecycle.unwrap_or_else(|| "ACCOUNT_OK".into()),
            mfa_enabled: mfa,
            previous_mfa_enabled: mfa,
            created_mfa_enabled: mfa,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut users = lock(&self.users);
        let name = user.username().to_lowercase();
        if unique && users.values().any(|u| u.username().to_lowercase() == name) {
            return None;
        }
        users.insert(user.id, user.clone());
        Some(user)
    }

    pub(crate) fn stored_mfa_enabled(&self, id: Uuid) -> Option<bool> {
        lock(&self.users).get(&id).map(|u| u.mfa_enabled)
    }

    pub(crate) fn user_count(&self) -> usize {
        lock(&self.users).len()
    }
}

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(AxState(state): AxState<Arc<State>>, req: Request) -> Response {
    let ctx = Ctx { s: &state };
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
    if !state.options.faults.contains(&Fault::NoCorrelationId) {
        resp.headers_mut()
            .insert("correlation-id", correlation_id());
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

/// One request's view of the state.
struct Ctx<'a> {
    s: &'a State,
}

type Answer = Result<Response, Response>;

impl Ctx<'_> {
    fn has(&self, fault: Fault) -> bool {
        self.s.options.faults.contains(&fault)
    }

    fn env_id(&self) -> Uuid {
        self.s.options.environment_id
    }

    // ---------------------------------------------------------------- responses

    /// A JSON success response.
    fn json(&self, status: StatusCode, body: &Value) -> Response {
        let ct = if self.has(Fault::TextPlainContentType) {
            "text/plain"
        } else {
            JSON
        };
        (status, [(CONTENT_TYPE, ct)], body.to_string()).into_response()
    }

    /// An error in the P1Error shape (§2.1): `{id, code, message, details}`.
    fn error(
        &self,
        status: StatusCode,
        code: &str,
        message: &str,
        details: Vec<Value>,
    ) -> Response {
        if self.has(Fault::PlainTextErrors) {
            return (
                status,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{message}\n"),
            )
                .into_response();
        }
        let mut body = json!({"id": Uuid::new_v4().to_string(), "code": code, "message": message});
        if !details.is_empty() {
            body["details"] = Value::Array(details);
        }
        if self.has(Fault::ErrorWithoutCode)
            && let Some(obj) = body.as_object_mut()
        {
            obj.remove("code");
        }
        (status, [(CONTENT_TYPE, JSON)], body.to_string()).into_response()
    }

    /// A 400 for a rejected body; `undocumented-error-code` replaces the documented code.
    fn invalid(&self, code: &str, message: &str, details: Vec<Value>) -> Response {
        let code = if self.has(Fault::UndocumentedErrorCode) {
            "VALIDATION_ERROR"
        } else {
            code
        };
        self.error(StatusCode::BAD_REQUEST, code, message, details)
    }

    fn invalid_data(&self, detail_code: &str, target: &str, message: &str) -> Response {
        self.invalid(
            "INVALID_DATA",
            MSG_INVALID_DATA,
            vec![detail(detail_code, Some(target), message)],
        )
    }

    fn malformed(&self, why: &str) -> Response {
        if self.has(Fault::ServerErrorOnMalformedJson) {
            return self.unexpected();
        }
        self.invalid(
            "INVALID_REQUEST",
            MSG_INVALID_REQUEST,
            vec![detail("INVALID_VALUE", None, why)],
        )
    }

    fn unexpected(&self) -> Response {
        self.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            MSG_UNEXPECTED,
            vec![],
        )
    }

    fn not_found(&self) -> Response {
        self.error(StatusCode::NOT_FOUND, "NOT_FOUND", MSG_NOT_FOUND, vec![])
    }

    fn method_not_allowed(&self, allow: &'static str) -> Response {
        if self.has(Fault::UnsupportedMethodAs404) {
            return self.not_found();
        }
        // Docs: "When a method is not supported, the platform returns a 405" (§3).
        let mut r = self.error(
            StatusCode::METHOD_NOT_ALLOWED,
            "INVALID_REQUEST",
            "The request could not be completed. The HTTP method is not supported for this resource.",
            vec![],
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
        r
    }

    // ---------------------------------------------------------------- checks

    fn rate_limited(&self) -> Option<Response> {
        let limit = self.s.options.rate_limit?;
        let mut window = lock(&self.s.rate);
        let now = Instant::now();
        let elapsed = now.duration_since(window.0);
        if elapsed >= Duration::from_secs(1) {
            *window = (now, 0);
        }
        window.1 = window.1.saturating_add(1);
        if window.1 <= limit {
            return None;
        }
        let left = Duration::from_secs(1).saturating_sub(now.duration_since(window.0));
        let retry_after = left.as_secs_f64().ceil().max(1.0) as u64;
        drop(window);
        // §3: 429 REQUEST_LIMITED with Retry-After in seconds.
        let mut r = self.error(
            StatusCode::TOO_MANY_REQUESTS,
            "REQUEST_LIMITED",
            "The request could not be completed. The rate limit was exceeded.",
            vec![detail("LIMIT_EXCEEDED", None, "Too many requests.")],
        );
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(retry_after));
        Some(r)
    }

    /// §4: every /v1 route needs `Authorization: Bearer` with a live token; otherwise 401
    /// `ACCESS_FAILED` with detail `INVALID_TOKEN` (§2.1, GOCLIENT `UnauthorizedError`).
    fn authorize(&self, headers: &HeaderMap) -> Result<(), Response> {
        if self.has(Fault::AuthNotEnforced) {
            return Ok(());
        }
        let value = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let (scheme, credentials) = value
            .and_then(|v| v.trim().split_once(' '))
            .map(|(s, c)| (s, c.trim()))
            .unwrap_or(("", ""));
        let ok = if scheme.eq_ignore_ascii_case("bearer") && !credentials.is_empty() {
            self.has(Fault::AnyBearerAccepted) || self.token_is_live(credentials)
        } else if scheme.eq_ignore_ascii_case("basic") && self.has(Fault::BasicAuthAccepted) {
            self.basic_matches(credentials)
        } else {
            false
        };
        if ok {
            return Ok(());
        }
        let status = if self.has(Fault::AuthFailureAs403) {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        let mut r = self.error(
            status,
            "ACCESS_FAILED",
            MSG_ACCESS_FAILED,
            vec![detail(
                "INVALID_TOKEN",
                None,
                "The access token is missing, invalid or expired.",
            )],
        );
        r.headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        Err(r)
    }

    fn token_is_live(&self, token: &str) -> bool {
        let mut tokens = lock(&self.s.tokens);
        match tokens.get(token) {
            Some(expiry) if *expiry > Instant::now() => true,
            Some(_) => {
                tokens.remove(token);
                false
            }
            None => false,
        }
    }

    fn basic_matches(&self, credentials: &str) -> bool {
        decode_basic(credentials).is_some_and(|(id, secret)| self.client_matches(&id, &secret))
    }

    fn client_matches(&self, id: &str, secret: &str) -> bool {
        id == self.s.options.client_id && secret == self.s.options.client_secret.expose()
    }

    /// The answer for a path id that is not a UUID (§3: 404, or 400 by alternative).
    fn non_uuid(&self) -> Response {
        if self.has(Fault::ServerErrorOnNonUuidId) {
            self.unexpected()
        } else if self.s.options.alternatives.non_uuid_400 {
            self.invalid(
                "INVALID_REQUEST",
                MSG_INVALID_REQUEST,
                vec![detail(
                    "INVALID_PARAMETER",
                    None,
                    "The id is not a valid UUID.",
                )],
            )
        } else {
            self.not_found()
        }
    }

    /// The environment in a user path must be the mock's (§3: another one answers 403, or 404
    /// by alternative; never 2xx).
    fn check_env(&self, env: &str) -> Result<(), Response> {
        let Ok(id) = Uuid::parse_str(env) else {
            return Err(self.non_uuid());
        };
        if id == self.env_id() || self.has(Fault::CrossEnvironmentAccess) {
            return Ok(());
        }
        if self.s.options.alternatives.foreign_environment_404 {
            Err(self.not_found())
        } else {
            Err(self.error(
                StatusCode::FORBIDDEN,
                "ACCESS_FAILED",
                MSG_ACCESS_FAILED,
                vec![detail(
                    "INSUFFICIENT_PERMISSIONS",
                    None,
                    "The actor attempting to perform the request is not authorized.",
                )],
            ))
        }
    }

    fn user_id(&self, raw: &str) -> Result<Uuid, Response> {
        Uuid::parse_str(raw).map_err(|_| self.non_uuid())
    }

    fn existing_user(&self, raw: &str) -> Result<Uuid, Response> {
        let id = self.user_id(raw)?;
        if lock(&self.s.users).contains_key(&id) {
            Ok(id)
        } else {
            Err(self.not_found())
        }
    }

    /// The request's media type must be one of `accepted`; parameters such as `charset` are
    /// allowed. A wrong one answers 415 `INVALID_REQUEST` (400 by alternative), §3.
    fn media_type(
        &self,
        headers: &HeaderMap,
        accepted: &[&'static str],
    ) -> Result<&'static str, Response> {
        let raw = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (essence, params) = raw.split_once(';').unwrap_or((raw, ""));
        let essence = essence.trim().to_ascii_lowercase();
        let found = accepted.iter().copied().find(|a| *a == essence);
        let params_ok = !self.has(Fault::RejectsCharsetParameter) || params.trim().is_empty();
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
                    "INVALID_REQUEST",
                    "The request could not be completed. The Content-Type is not supported.",
                    vec![detail(
                        "INVALID_VALUE",
                        Some("Content-Type"),
                        &format!("Supported: {}.", accepted.join(", ")),
                    )],
                ))
            }
        }
    }

    async fn read_body(&self, body: Body) -> Result<Bytes, Response> {
        axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
            self.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "INVALID_REQUEST",
                "The request could not be completed. The request body is too large.",
                vec![detail(
                    "SIZE_LIMIT_EXCEEDED",
                    None,
                    &format!("The body may not exceed {BODY_LIMIT} bytes."),
                )],
            )
        })
    }

    /// Parse a body that must be a JSON object: empty or unparsable answers 400
    /// `INVALID_REQUEST`, any other JSON value 400 `INVALID_DATA` (§3).
    fn parse_object(&self, bytes: &[u8]) -> Result<Map<String, Value>, Response> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(self.malformed("The request body is empty."));
        }
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|_| self.malformed("The request body is not valid JSON."))?;
        match value {
            Value::Object(obj) => Ok(obj),
            _ if self.has(Fault::ServerErrorOnNonObject) => Err(self.unexpected()),
            _ => Err(self.invalid(
                "INVALID_DATA",
                MSG_INVALID_DATA,
                vec![detail(
                    "INVALID_VALUE",
                    None,
                    "The request body must be a JSON object.",
                )],
            )),
        }
    }

    // ---------------------------------------------------------------- links and models

    fn env_for_links(&self) -> Uuid {
        if self.has(Fault::LinkToWrongEnvironment) {
            // A fixed, recognisable other environment.
            Uuid::from_u128(0x0bad_0000_0000_4000_8000_0000_0000_0001)
        } else {
            self.env_id()
        }
    }

    fn href(&self, path: &str) -> String {
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

    fn user_path(&self, user: Uuid) -> String {
        format!("/environments/{}/users/{user}", self.env_for_links())
    }

    /// A UserMFAEnabled answer. Without faults the body is written straight into one string,
    /// byte for byte what `self.json(status, &self.mfa_body(..))` gives (serde_json sorts keys),
    /// without building a `Value` tree; with any fault on, it takes that general path.
    fn mfa_response(&self, status: StatusCode, user: Uuid, value: bool) -> Response {
        if !self.s.options.faults.is_empty() {
            return self.json(status, &self.mfa_body(user, value));
        }
        let prefix = &self.s.users_href_json;
        let mut body = String::with_capacity(2 * prefix.len() + 128);
        let _ = write!(
            body,
            r#"{{"_links":{{"self":{{"href":"{prefix}{user}/mfaEnabled"}},"user":{{"href":"{prefix}{user}"}}}},"mfaEnabled":{value}}}"#
        );
        (status, [(CONTENT_TYPE, JSON)], body).into_response()
    }

    /// The UserMFAEnabled resource as documented (§1.3): `_links.self`, `_links.user`,
    /// `mfaEnabled`.
    fn mfa_body(&self, user: Uuid, value: bool) -> Value {
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

    fn user_body(&self, u: &User) -> Value {
        let env = self.env_id();
        let mut body = Map::new();
        body.insert(
            "_links".into(),
            json!({
                "self": {"href": self.href(&format!("/environments/{env}/users/{}", u.id))},
                "environment": {"href": self.href(&format!("/environments/{env}"))},
                "population": {"href": self.href(&format!("/environments/{env}/populations/{}", u.population_id))},
                "mfaEnabled": {"href": self.href(&format!("/environments/{env}/users/{}/mfaEnabled", u.id))},
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

    // ---------------------------------------------------------------- routing

    async fn dispatch(&self, parts: Parts, body: Body) -> Response {
        let path = parts.uri.path().to_string();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let answer = match segments.as_slice() {
            [env, "as", "token"] => Ok(self.token(&parts, body, env).await),
            ["v1", rest @ ..] => self.api(&parts, body, rest).await,
            _ => Err(self.not_found()),
        };
        answer.unwrap_or_else(|e| e)
    }

    async fn api(&self, parts: &Parts, body: Body, rest: &[&str]) -> Answer {
        self.authorize(&parts.headers)?;
        match rest {
            ["environments", env] => self.environment(&parts.method, env),
            ["environments", env, "users"] => {
                self.check_env(env)?;
                self.users(parts, body).await
            }
            ["environments", env, "users", user] => {
                self.check_env(env)?;
                self.user(parts, body, user).await
            }
            ["environments", env, "users", user, "mfaEnabled"] => {
                self.check_env(env)?;
                self.mfa(parts, body, user).await
            }
            _ => Err(self.not_found()),
        }
    }

    // ---------------------------------------------------------------- token endpoint

    /// `POST /{envID}/as/token`, client credentials (§4). Errors use the OAuth 2 shape
    /// (RFC 6749 §5.2), not P1Error.
    async fn token(&self, parts: &Parts, body: Body, env: &str) -> Response {
        if parts.method != Method::POST {
            let mut r = oauth_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request",
                "Use POST.",
            );
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
        let ct = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case(FORM)
        {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The token request must be application/x-www-form-urlencoded.",
            );
        }
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return oauth_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "Body too large.",
            );
        };
        let form = parse_form(&bytes);
        match form.get("grant_type").map(String::as_str) {
            None => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "grant_type is required.",
                );
            }
            Some("client_credentials") => {}
            Some(_) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Only client_credentials is supported.",
                );
            }
        }
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let basic = header.and_then(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| decode_basic(rest.trim()))
        });
        let posted = match (form.get("client_id"), form.get("client_secret")) {
            (Some(id), Some(secret)) => Some((id.clone(), secret.clone())),
            _ => None,
        };
        let credentials = match (basic, posted) {
            (Some(_), Some(_)) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Use one client authentication method, not two.",
                );
            }
            (Some(decoded), None) => decoded,
            (None, posted) => posted,
        };
        let env_ok = Uuid::parse_str(env).is_ok_and(|e| e == self.env_id());
        let authenticated = env_ok
            && credentials.as_ref().is_some_and(|(id, secret)| {
                self.client_matches(id, secret)
                    || (self.has(Fault::TokenAcceptsAnySecret) && *id == self.s.options.client_id)
            });
        if !authenticated {
            let mut r = oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed.",
            );
            r.headers_mut().insert(
                "www-authenticate",
                HeaderValue::from_static("Basic realm=\"PingOne\""),
            );
            return r;
        }
        let token = format!(
            "mock-at.{}{}",
            Uuid::new_v4().simple(),
            Uuid::new_v4().simple()
        );
        let lifetime = self.s.options.token_lifetime;
        {
            let mut tokens = lock(&self.s.tokens);
            if tokens.len() >= TOKEN_PRUNE_THRESHOLD {
                let now = Instant::now();
                tokens.retain(|_, expiry| *expiry > now);
            }
            tokens.insert(token.clone(), Instant::now() + lifetime);
        }
        let mut body = json!({
            "access_token": token,
            "token_type": "Bearer",
            // Whole seconds, rounded up: a sub-second lifetime is not "0".
            "expires_in": lifetime.as_secs_f64().ceil() as u64,
        });
        if self.has(Fault::TokenWithoutExpiry)
            && let Some(obj) = body.as_object_mut()
        {
            obj.remove("expires_in");
        }
        (
            StatusCode::OK,
            [(CONTENT_TYPE, JSON), (CACHE_CONTROL, "no-store")],
            body.to_string(),
        )
            .into_response()
    }

    // ---------------------------------------------------------------- environments

    /// `GET /v1/environments/{envID}` (§5); an unknown environment answers 404 (§3).
    fn environment(&self, method: &Method, env: &str) -> Answer {
        let id = Uuid::parse_str(env).map_err(|_| self.non_uuid())?;
        if *method != Method::GET {
            return Err(self.method_not_allowed("GET"));
        }
        if id != self.env_id() {
            return Err(self.error(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                &format!("Unable to find environment with ID: '{id}'"),
                vec![],
            ));
        }
        let o = &self.s.options;
        Ok(self.json(
            StatusCode::OK,
            &json!({
                "_links": {"self": {"href": self.href(&format!("/environments/{id}"))}},
                "id": id,
                "name": "Mock PingOne",
                "description": "pingone-mfa-conformance mock environment",
                "type": o.environment_type.as_str(),
                "region": o.region,
                "license": {"id": Uuid::from_u128(u128::from_be_bytes(*id.as_bytes()) ^ 1)},
            }),
        ))
    }

    // ---------------------------------------------------------------- users collection

    async fn users(&self, parts: &Parts, body: Body) -> Answer {
        match parts.method {
            Method::GET => self.list_users(parts.uri.query().unwrap_or("")),
            Method::POST => self.create_user(parts, body).await,
            _ => Err(self.method_not_allowed("GET, POST")),
        }
    }

    /// `GET users?filter=username sw "x"` (or `eq`) and `limit` (§5).
    fn list_users(&self, query: &str) -> Answer {
        let params = parse_form(query.as_bytes());
        let limit = match params.get("limit") {
            None => 100,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    return Err(self.invalid_data(
                        "INVALID_VALUE",
                        "limit",
                        "limit must be 1 to 1000.",
                    ));
                }
            },
        };
        let filter = match params.get("filter") {
            None => None,
            Some(f) => Some(parse_filter(f).ok_or_else(|| {
                self.invalid_data(
                    "INVALID_FILTER",
                    "filter",
                    "Supported: username eq \"...\" and username sw \"...\".",
                )
            })?),
        };
        let users = lock(&self.s.users);
        let mut matched: Vec<&User> = users
            .values()
            .filter(|u| {
                filter.as_ref().is_none_or(|(op, value)| {
                    let name = u.username().to_lowercase();
                    match *op {
                        FilterOp::Eq => name == *value,
                        FilterOp::Sw => name.starts_with(value.as_str()),
                    }
                })
            })
            .collect();
        matched.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        let page: Vec<Value> = matched
            .iter()
            .take(limit)
            .map(|u| self.user_body(u))
            .collect();
        let env = self.env_id();
        Ok(self.json(
            StatusCode::OK,
            &json!({
                "_links": {"self": {"href": self.href(&format!("/environments/{env}/users"))}},
                "_embedded": {"users": page},
                "count": matched.len(),
                "size": page.len(),
            }),
        ))
    }

    /// Create User and Create User (Import), told apart by content type (§5).
    async fn create_user(&self, parts: &Parts, body: Body) -> Answer {
        let media = self.media_type(&parts.headers, &[JSON, IMPORT_JSON])?;
        let import = media == IMPORT_JSON;
        let bytes = self.read_body(body).await?;
        let obj = self.parse_object(&bytes)?;
        let username = self.validate_username(&obj, None)?;
        let requested_mfa = match obj.get("mfaEnabled") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                return Err(self.invalid_data(
                    "INVALID_VALUE",
                    "mfaEnabled",
                    "mfaEnabled must be a Boolean.",
                ));
            }
        };
        if let Some(pop) = obj.get("population") {
            let id = pop
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok());
            if id != Some(self.s.options.population_id) {
                return Err(self.invalid_data(
                    "INVALID_VALUE",
                    "population.id",
                    "Unknown population.",
                ));
            }
        }
        if let Some(email) = obj.get("email")
            && !email.as_str().is_some_and(|e| e.contains('@'))
        {
            return Err(self.invalid_data(
                "INVALID_VALUE",
                "email",
                "email must be an email address.",
            ));
        }
        let lifecycle = if import {
            match obj.get("lifecycle").and_then(|l| l.get("status")) {
                None => None,
                Some(Value::String(s)) if s == "ACCOUNT_OK" || s == "VERIFICATION_REQUIRED" => {
                    Some(s.clone())
                }
                Some(_) => {
                    return Err(self.invalid_data(
                        "INVALID_VALUE",
                        "lifecycle.status",
                        "Unknown lifecycle status.",
                    ));
                }
            }
        } else {
            None
        };
        // §1.4: the request's value, else the environment's default.
        let default = self.s.options.alternatives.mfa_enabled_by_default;
        let mfa =
            if self.has(Fault::CreateIgnoresMfa) || (import && self.has(Fault::ImportIgnoresMfa)) {
                false
            } else if self.has(Fault::CreateDefaultsMfaTrue) {
                true
            } else {
                requested_mfa.unwrap_or(default)
            };
        let mut attrs = mutable_attrs(&obj);
        attrs.insert("username".into(), Value::String(username));
        let Some(user) = self.s.insert_user(attrs, mfa, lifecycle, true) else {
            return Err(self.uniqueness());
        };
        let status = if self.has(Fault::CreateAnswers200) {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Ok(self.json(status, &self.user_body(&user)))
    }

    fn uniqueness(&self) -> Response {
        self.invalid_data(
            "UNIQUENESS_VIOLATION",
            "username",
            "A user with this username already exists in the environment.",
        )
    }

    /// §5: username required, 1-128 characters, no control characters, unique ignoring case.
    fn validate_username(
        &self,
        obj: &Map<String, Value>,
        except: Option<Uuid>,
    ) -> Result<String, Response> {
        let name = match obj.get("username") {
            None | Some(Value::Null) => {
                return Err(self.invalid_data(
                    "REQUIRED_VALUE",
                    "username",
                    "username is required.",
                ));
            }
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(self.invalid_data(
                    "INVALID_VALUE",
                    "username",
                    "username must be a string.",
                ));
            }
        };
        let len = name.chars().count();
        if len == 0 || len > 128 || name.chars().any(char::is_control) {
            return Err(self.invalid_data(
                "INVALID_VALUE",
                "username",
                "username must be 1 to 128 printable characters.",
            ));
        }
        let lower = name.to_lowercase();
        let taken = lock(&self.s.users)
            .values()
            .any(|u| Some(u.id) != except && u.username().to_lowercase() == lower);
        if taken {
            return Err(self.uniqueness());
        }
        Ok(name)
    }

    // ---------------------------------------------------------------- one user

    async fn user(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        match parts.method {
            Method::GET => {
                let id = self.existing_user(raw)?;
                let user = lock(&self.s.users).get(&id).cloned();
                user.map(|u| self.json(StatusCode::OK, &self.user_body(&u)))
                    .ok_or_else(|| self.not_found())
            }
            Method::PUT | Method::PATCH => self.update_user(parts, body, raw).await,
            Method::DELETE => {
                let id = self.existing_user(raw)?;
                lock(&self.s.users).remove(&id);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            _ => Err(self.method_not_allowed("GET, PUT, PATCH, DELETE")),
        }
    }

    /// PUT replaces the mutable attributes, PATCH merges them (§5). `mfaEnabled` cannot be
    /// updated here (§1.4): ignored, or 403 by alternative.
    async fn update_user(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        let replace = parts.method == Method::PUT;
        let id = self.existing_user(raw)?;
        self.media_type(&parts.headers, &[JSON])?;
        let bytes = self.read_body(body).await?;
        let obj = self.parse_object(&bytes)?;
        let Some(current) = lock(&self.s.users).get(&id).cloned() else {
            return Err(self.not_found());
        };
        let username = if replace || obj.contains_key("username") {
            Some(self.validate_username(&obj, Some(id))?)
        } else {
            None
        };
        let changes_mfa_fault = if replace {
            self.has(Fault::PutUserChangesMfa)
        } else {
            self.has(Fault::PatchUserChangesMfa)
        };
        let new_mfa = match obj.get("mfaEnabled") {
            Some(Value::Bool(b)) if changes_mfa_fault => Some(*b),
            Some(Value::Bool(b))
                if *b != current.mfa_enabled
                    && self.s.options.alternatives.reject_mfa_in_user_update =>
            {
                return Err(self.error(
                    StatusCode::FORBIDDEN,
                    "ACCESS_FAILED",
                    MSG_ACCESS_FAILED,
                    vec![detail(
                        "INSUFFICIENT_PERMISSIONS",
                        Some("mfaEnabled"),
                        "mfaEnabled can be updated only with PUT .../mfaEnabled.",
                    )],
                ));
            }
            _ => None,
        };
        let mut attrs = if replace {
            Map::new()
        } else {
            current.attrs.clone()
        };
        for (k, v) in mutable_attrs(&obj) {
            if v.is_null() {
                attrs.remove(&k);
            } else {
                attrs.insert(k, v);
            }
        }
        if let Some(name) = username {
            attrs.insert("username".into(), Value::String(name));
        }
        let updated = {
            let mut users = lock(&self.s.users);
            // Uniqueness again under the same lock as the write: a concurrent create or rename
            // may have taken the name since it was validated.
            let name = attrs
                .get("username")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_lowercase();
            if users
                .values()
                .any(|u| u.id != id && u.username().to_lowercase() == name)
            {
                drop(users);
                return Err(self.uniqueness());
            }
            let Some(user) = users.get_mut(&id) else {
                drop(users);
                return Err(self.not_found());
            };
            user.attrs = attrs;
            if let Some(m) = new_mfa {
                user.previous_mfa_enabled = user.mfa_enabled;
                user.mfa_enabled = m;
            }
            user.updated_at = rfc3339_now();
            user.clone()
        };
        Ok(self.json(StatusCode::OK, &self.user_body(&updated)))
    }

    // ---------------------------------------------------------------- mfaEnabled

    /// `GET` and `PUT .../users/{userID}/mfaEnabled` (§1.1-§1.4).
    async fn mfa(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
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
            u.previous_mfa_enabled = u.mfa_enabled;
            u.mfa_enabled = value;
            u.updated_at = rfc3339_now();
        }
    }

    async fn update_mfa(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        let id = self.user_id(raw)?;
        let exists = lock(&self.s.users).contains_key(&id);
        if !exists {
            if !self.has(Fault::UnknownUserUpsert) {
                return Err(self.not_found());
            }
            let mut attrs = Map::new();
            attrs.insert("username".into(), Value::String(format!("upserted-{id}")));
            if let Some(user) = self.s.insert_user(attrs, false, None, false) {
                let mut users = lock(&self.s.users);
                if let Some(u) = users.remove(&user.id) {
                    users.insert(id, User { id, ..u });
                }
            }
        }
        self.media_type(&parts.headers, &[JSON])?;
        let bytes = self.read_body(body).await?;
        let value = match self.parse_mfa_body(&bytes) {
            Ok(v) => v,
            Err((response, coerced)) => {
                // A rejected request changes nothing, unless the fault says otherwise.
                if let Some(c) = coerced.filter(|_| self.has(Fault::PartialWriteOnReject)) {
                    self.store_mfa(id, c);
                }
                return Err(response);
            }
        };
        let before = self.stored_or_false(id);
        if self.has(Fault::NotIdempotent) && before == value {
            return Err(self.error(
                StatusCode::CONFLICT,
                "REQUEST_FAILED",
                "The request could not be completed. mfaEnabled already has this value.",
                vec![],
            ));
        }
        if !self.has(Fault::WriteLost) {
            self.store_mfa(id, value);
        }
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
        Ok(self.mfa_response(status, id, shown))
    }

    fn stored_or_false(&self, id: Uuid) -> bool {
        self.s.stored_mfa_enabled(id).unwrap_or(false)
    }

    /// `{"mfaEnabled": <Boolean>}` (§1.2): the field is required and must be a Boolean.
    /// Unknown properties and the read-only `_links` are accepted and ignored (§3).
    /// On rejection, also returns what a coercing server would have stored.
    fn parse_mfa_body(&self, bytes: &[u8]) -> Result<bool, (Response, Option<bool>)> {
        let obj = self.parse_object(bytes).map_err(|r| (r, None))?;
        if self.has(Fault::RejectsUnknownProperties)
            && let Some(extra) = obj.keys().find(|k| *k != "mfaEnabled" && *k != "_links")
        {
            let r = self.invalid_data("INVALID_VALUE", extra, "Unknown property.");
            return Err((r, None));
        }
        if self.has(Fault::RejectsReadOnlyLinks) && obj.contains_key("_links") {
            let r = self.invalid_data("INVALID_VALUE", "_links", "_links is read-only.");
            return Err((r, None));
        }
        let value = match obj.get("mfaEnabled") {
            None if self.has(Fault::MissingFieldDefaultsFalse) => return Ok(false),
            None => {
                let r =
                    self.invalid_data("REQUIRED_VALUE", "mfaEnabled", "mfaEnabled is required.");
                return Err((r, None));
            }
            Some(v) => v,
        };
        match value {
            Value::Bool(b) => return Ok(*b),
            Value::String(s)
                if self.has(Fault::AcceptsStringBoolean) && (s == "true" || s == "false") =>
            {
                return Ok(s == "true");
            }
            Value::Number(n)
                if self.has(Fault::AcceptsNumberBoolean)
                    && (n.as_u64() == Some(0) || n.as_u64() == Some(1)) =>
            {
                return Ok(n.as_u64() == Some(1));
            }
            Value::Null if self.has(Fault::AcceptsNullAsFalse) => return Ok(false),
            _ => {}
        }
        let r = if self.has(Fault::ServerErrorOnWrongType) {
            self.unexpected()
        } else {
            self.invalid_data(
                "INVALID_VALUE",
                "mfaEnabled",
                "mfaEnabled must be a Boolean.",
            )
        };
        Err((r, Some(coerce(value))))
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

/// Attributes a client may write: everything but the read-only and separately managed ones
/// (§5: `mfaEnabled`, `enabled` and `population` have their own endpoints).
fn mutable_attrs(obj: &Map<String, Value>) -> Map<String, Value> {
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

fn detail(code: &str, target: Option<&str>, message: &str) -> Value {
    let mut d = json!({"code": code, "message": message});
    if let Some(t) = target {
        d["target"] = json!(t);
    }
    d
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "error_description": description});
    (
        status,
        [(CONTENT_TYPE, JSON), (CACHE_CONTROL, "no-store")],
        body.to_string(),
    )
        .into_response()
}

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
fn decode_basic(credentials: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(credentials.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((percent_decode(id)?, percent_decode(secret)?))
}

/// Parse `a=b&c=d` with `+` and percent escapes; undecodable pairs are dropped.
fn parse_form(bytes: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(bytes);
    text.split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decode(&k.replace('+', " "))?,
                percent_decode(&v.replace('+', " "))?,
            ))
        })
        .collect()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[derive(Debug, Clone, Copy)]
enum FilterOp {
    Eq,
    Sw,
}

/// `username eq "x"` or `username sw "x"` (SCIM-style, case-insensitive).
fn parse_filter(f: &str) -> Option<(FilterOp, String)> {
    let mut parts = f.trim().splitn(3, ' ');
    let attr = parts.next()?;
    let op = parts.next()?;
    let value = parts.next()?.trim();
    if !attr.eq_ignore_ascii_case("username") {
        return None;
    }
    let op = match op.to_ascii_lowercase().as_str() {
        "eq" => FilterOp::Eq,
        "sw" => FilterOp::Sw,
        _ => return None,
    };
    let value = value.strip_prefix('"')?.strip_suffix('"')?;
    Some((op, value.to_lowercase()))
}

/// Now as RFC 3339 UTC with milliseconds, e.g. `2026-11-28T19:43:49.123Z`.
fn rfc3339_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_decode_with_percent_escapes() {
        let enc = base64::engine::general_purpose::STANDARD.encode("a%3Ab:s%20t");
        assert_eq!(decode_basic(&enc), Some(("a:b".into(), "s t".into())));
        assert_eq!(decode_basic("!!!"), None);
    }

    #[test]
    fn percent_escapes_need_two_hex_digits() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("%4"), None);
    }

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
            let ctx = Ctx { s: &state };
            let user = Uuid::new_v4();
            for value in [true, false] {
                let fast = ctx.mfa_response(StatusCode::OK, user, value);
                assert_eq!(fast.headers()[CONTENT_TYPE], JSON);
                let slow = ctx.json(StatusCode::OK, &ctx.mfa_body(user, value));
                assert_eq!(body(fast), body(slow), "{base} {value}");
            }
        }
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

    #[test]
    fn filters_parse() {
        assert!(
            matches!(parse_filter("username sw \"Conf\""), Some((FilterOp::Sw, v)) if v == "conf")
        );
        assert!(parse_filter("email sw \"x\"").is_none());
        assert!(parse_filter("username sw x").is_none());
    }

    #[test]
    fn timestamps_look_like_rfc3339() {
        let t = rfc3339_now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
    }
}
