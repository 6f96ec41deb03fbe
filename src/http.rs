//! The suite's HTTP layer: every request goes through [`HttpClient::send`], which adapts the
//! requests in flight to what the target bears, applies a timeout, retries transient answers the
//! way Ping's own clients do, and records the whole exchange so that a failure can be reproduced
//! with curl.
//!
//! # Flow control
//!
//! The requests in flight grow while answers come back healthy and halve at once on a 429, a
//! 503, a timeout or rising latency (AIMD), under `PINGONE_CONCURRENCY` as a ceiling; a 429
//! holds every request of the run until the instant it names; and retries of transient failures
//! draw on a budget for the whole run, so that when most of them fail the rest fail fast. See
//! the `flow` module (src/http/flow.rs); [`HttpClient::summary`] gives the run's figures.
//!
//! # Retries (facts §11.4)
//!
//! Like Ping's Go SDK, a request answered 408, 429, 500, 502, 503 or 504, or with a P1Error
//! whose `code` is `UNEXPECTED_ERROR`, is sent again after `Retry-After` (seconds or HTTP date)
//! (a 429's `details[].innerError.retryAfter` first) or an exponential back-off, at most
//! [`HttpLimits::max_retries`] times, each wait capped by [`HttpLimits::retry_cap`], never once
//! [`RETRY_BUDGET`] of waiting is spent, and (but for the first retry, a 429 and clean-up) only
//! while the run's retry budget lasts. Only
//! requests that may safely be repeated are retried ([`Request::retry_safe`]: GET, PUT, DELETE
//! and the token request); a 429 is retried for any method (the server did not process it). A
//! connection that failed or dropped is retried the same way, and a request that surely never
//! reached the server (the connection was refused) is retried whatever its method. A timeout
//! is not retried, nor is a TLS certificate the client refused ([`TransportError::certificate`]):
//! that is the set-up's problem, reported at once with what to do (`PINGONE_CA_CERT`, the URL).
//! The answers of the attempts that were retried are kept with the last one
//! ([`Exchange::earlier`]), so that a server error that turns into another answer on retry is
//! seen ([`Exchange::earlier_server_errors`]), not passed.
//!
//! # The API's answer or the target's absence
//!
//! Only what is really not the API's answer makes a target unavailable
//! ([`Exchange::unavailable`]): no answer, a timeout, a dropped connection, a gateway's 502,
//! 503 or 504 page, a 429 that outlasts the retries. A P1Error at any status, and a 500 with
//! any body, is the API speaking, judged by the contract.
//!
//! # Breaker
//!
//! After [`HANG_THRESHOLD`] timeouts of the same operation (method and route, ids replaced:
//! [`Request::operation`]) with no answer in between, further requests of that operation fail
//! at once, so that a target on which one operation hangs ends the run in bounded time.
//! Clean-up requests ([`Request::clean_up`]) are always sent.
//!
//! Secrets never enter an [`Exchange`]: a bearer token is added at send time and the recorded
//! request only says which kind of authorization it carried.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::secret::Secret;

mod curl;
mod flow;

pub use curl::shell_quote;
pub use flow::{BUDGET_MAX, BUDGET_REFILL, FlowSummary, INITIAL_WINDOW, LATENCY_SLACK, PACING};
use flow::{Flow, Signal};

/// How a request authorizes itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No `Authorization` header.
    None,
    /// `Authorization: Bearer <the session's token>`.
    SessionBearer,
    /// A literal, non-secret `Authorization` header value (e.g. a garbage token).
    Literal(String),
    /// `Authorization: Basic` with the worker app's client id and secret.
    ClientBasic,
    /// `client_id` and `client_secret` form fields appended to the body at send time
    /// (`client_secret_post`), so that the recorded request never holds the secret.
    ClientPost,
}

/// A request as the suite describes it.
#[derive(Clone, Debug)]
pub struct Request {
    /// HTTP method, e.g. `PUT`.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Extra headers (name, value), sent in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes, if any.
    pub body: Option<Vec<u8>>,
    /// Authorization.
    pub auth: Auth,
    /// Whether sending it twice does no more than sending it once, so that a transient answer
    /// may be retried: true for GET, PUT, DELETE, HEAD and OPTIONS unless set otherwise.
    pub retry_safe: bool,
    /// A clean-up request (deleting a user the suite made, restoring a value): never held back
    /// by the breaker.
    pub clean_up: bool,
    /// Sent without waiting for a place in the window (the token request: a request that holds
    /// its place may need a token before it goes).
    pub out_of_band: bool,
}

impl Request {
    /// A request without body or extra headers, authorized with the session's token.
    pub fn new(method: &str, url: impl Into<String>) -> Request {
        Request {
            method: method.to_string(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            auth: Auth::SessionBearer,
            retry_safe: matches!(method, "GET" | "PUT" | "DELETE" | "HEAD" | "OPTIONS"),
            clean_up: false,
            out_of_band: false,
        }
    }
    /// Mark whether a transient answer may be retried (see [`Request::retry_safe`]).
    pub fn retry_safe(mut self, safe: bool) -> Request {
        self.retry_safe = safe;
        self
    }
    /// Mark as a clean-up request, which the breaker never holds back.
    pub fn clean_up(mut self) -> Request {
        self.clean_up = true;
        self
    }
    /// Mark as sent without waiting for a place in the window (see [`Request::out_of_band`]).
    pub fn out_of_band(mut self) -> Request {
        self.out_of_band = true;
        self
    }
    /// The operation, for the breaker: the method and the URL's path with every UUID segment
    /// replaced by `{id}`, e.g. `PUT /v1/environments/{id}/users/{id}/mfaEnabled`.
    pub fn operation(&self) -> String {
        let after_scheme = self
            .url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(&self.url);
        let path = after_scheme
            .find('/')
            .map(|i| &after_scheme[i..])
            .unwrap_or("/");
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let route: Vec<&str> = path
            .split('/')
            .map(|seg| {
                if uuid::Uuid::parse_str(seg).is_ok() {
                    "{id}"
                } else {
                    seg
                }
            })
            .collect();
        format!("{} {}", self.method, route.join("/"))
    }
    /// Add a JSON body with `Content-Type: application/json`.
    pub fn json(self, body: &Value) -> Request {
        self.body(body.to_string().into_bytes())
            .header("Content-Type", "application/json")
    }
    /// Set the body bytes.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = Some(body.into());
        self
    }
    /// Add a header.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    /// Set the authorization.
    pub fn auth(mut self, auth: Auth) -> Request {
        self.auth = auth;
        self
    }
}

/// What came back.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The request as sent (without secrets).
    pub request: Request,
    /// HTTP status.
    pub status: u16,
    /// Response headers, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Response body.
    pub body: Vec<u8>,
    /// Time from sending to the last body byte, for the last attempt.
    pub elapsed: Duration,
    /// Number of retries before this answer.
    pub retries: u32,
    /// The answers of the earlier attempts that were retried, oldest first (each with no
    /// `earlier` of its own): what the request met before this answer is kept, so that a
    /// server error that turns into another answer on retry can be reported, not passed.
    pub earlier: Vec<Exchange>,
}

impl Exchange {
    /// First header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
    /// The body as text, shortened for messages.
    pub fn body_excerpt(&self) -> String {
        excerpt(&String::from_utf8_lossy(&self.body), 400)
    }
    /// Whether Ping's clients would retry this answer: a status of [`TRANSIENT_STATUSES`] or a
    /// P1Error with code `UNEXPECTED_ERROR`.
    pub fn is_transient(&self) -> bool {
        TRANSIENT_STATUSES.contains(&self.status)
            || (self.status >= 400
                && self
                    .json()
                    .and_then(|j| j.get("code").and_then(Value::as_str).map(str::to_string))
                    .is_some_and(|c| c == "UNEXPECTED_ERROR"))
    }

    /// Whether the body is the API's own error: a P1Error (a JSON object with a string `code`
    /// and a string `message`, the properties every PingOne error carries, facts §2.1) or, from
    /// the token endpoint, an OAuth 2 error (a JSON object with a string `error`). A gateway's
    /// or load balancer's page (HTML, plain text, a JSON message without a code) is neither.
    pub fn is_api_error(&self) -> bool {
        let Some(Value::Object(body)) = self.json() else {
            return false;
        };
        let string = |k: &str| body.get(k).is_some_and(Value::is_string);
        (string("code") && string("message")) || string("error")
    }

    /// Why this answer comes from an unavailable target rather than from the API, if it does:
    /// a 502, 503 or 504 whose body is not the API's own error ([`Exchange::is_api_error`]),
    /// that is a gateway's or load balancer's page, or a 429 still there after the client's
    /// retries. Every other answer is the API speaking and is judged by the contract: a P1Error
    /// at any status (a 502 P1Error to a client error is a 5xx for a client error), and a 500
    /// whatever its body (a gateway does not answer 500; an HTML 500 is the API's framework
    /// failing on the request).
    pub fn unavailable(&self) -> Option<&'static str> {
        match self.status {
            502..=504 if !self.is_api_error() => {
                Some("the target is unavailable (a gateway's 502, 503 or 504, not the API's error)")
            }
            429 => Some("the target kept rate-limiting the suite"),
            _ => None,
        }
    }

    /// The earlier attempts ([`Exchange::earlier`]) that the API itself answered with a server
    /// error ([`Exchange::unavailable`] says no) and a status other than this answer's: the
    /// same request answered differently on retry.
    pub fn earlier_server_errors(&self) -> Vec<&Exchange> {
        self.earlier
            .iter()
            .filter(|e| e.status >= 500 && e.status != self.status && e.unavailable().is_none())
            .collect()
    }

    /// A one-line summary: `HTTP 400 application/json {"code":...}`.
    pub fn summary(&self) -> String {
        let ct = self.header("content-type").unwrap_or("(no content type)");
        let body = self.body_excerpt();
        if body.is_empty() {
            format!("HTTP {} {ct} (empty body)", self.status)
        } else {
            format!("HTTP {} {ct} {body}", self.status)
        }
    }
}

/// A request that got no HTTP answer.
#[derive(Clone, Debug)]
pub struct TransportError {
    /// The request.
    pub request: Request,
    /// What went wrong (timeout, connection refused, ...).
    pub message: String,
    /// Whether it was a timeout.
    pub timed_out: bool,
    /// Whether the request surely never reached the server (the connection could not be
    /// made), so that sending it again cannot repeat its effect.
    pub not_sent: bool,
    /// Whether the server's TLS certificate was refused (unknown authority, expired, another
    /// host's name): a set-up problem that no retry mends, so it is reported at once and
    /// `message` says what to do.
    pub certificate: bool,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.request.method, self.request.url, self.message
        )
    }
}

/// Where the token of [`Auth::SessionBearer`] comes from, asked when the request has its place
/// in the window ([`HttpClient::send_authorized`]).
pub trait BearerSource: Sync {
    /// The token, `None` to send none, or why there is none.
    fn bearer(&self) -> impl Future<Output = Result<Option<Secret>, String>> + Send;
}

/// A token given ready (or none).
impl BearerSource for Option<&Secret> {
    fn bearer(&self) -> impl Future<Output = Result<Option<Secret>, String>> + Send {
        let token = self.cloned();
        async move { Ok(token) }
    }
}

/// Limits for [`HttpClient`].
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// Timeout of one attempt, connect to last byte.
    pub timeout: Duration,
    /// Most requests in flight at once: the ceiling of the adaptive window.
    pub concurrency: usize,
    /// Retries of a request that met a transient answer or a failed connection.
    pub max_retries: u32,
    /// Longest wait before a retry, whatever `Retry-After` says.
    pub retry_cap: Duration,
}

/// Set once the run is interrupted (src/suite/guard.rs): sessions then start no new request
/// and retries of 429/503 stop.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Start no new request from now on (the interruption handler calls this).
pub fn stop_new_requests() {
    STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether the run is stopping.
pub fn is_stopping() -> bool {
    STOPPING.load(std::sync::atomic::Ordering::SeqCst)
}

/// Timeouts of one operation (with no answer in between) after which the breaker holds back
/// its further requests.
pub const HANG_THRESHOLD: u32 = 2;

/// The most one request waits between its retries in total.
pub const RETRY_BUDGET: Duration = Duration::from_secs(120);

/// Statuses Ping's clients retry (facts §11.4).
pub const TRANSIENT_STATUSES: &[u16] = &[408, 429, 500, 502, 503, 504];

/// Bounded, retrying HTTP client. Its clones share one flow control (window, gate, budget).
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: reqwest::Client,
    flow: Arc<Flow>,
    limits: HttpLimits,
    /// Consecutive timeouts per operation ([`Request::operation`]).
    timeouts: Arc<Mutex<HashMap<String, u32>>>,
}

impl HttpClient {
    /// A client with these limits.
    pub fn new(limits: HttpLimits) -> Result<HttpClient, String> {
        HttpClient::with_ca(limits, None)
    }

    /// A client with these limits that also trusts these certificate authorities
    /// (`PINGONE_CA_CERT`), besides the system's roots.
    pub fn with_ca(
        limits: HttpLimits,
        ca: Option<&crate::config::CaCert>,
    ) -> Result<HttpClient, String> {
        let mut builder = crate::tls::client_builder();
        if let Some(ca) = ca {
            builder = builder.tls_certs_merge(ca.certificates()?);
        }
        let client = builder
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!(
                "pingone-mfa-conformance/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(HttpClient {
            client,
            flow: Flow::new(limits.concurrency),
            limits,
            timeouts: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &HttpLimits {
        &self.limits
    }

    /// What the requests sent so far met: counts, latency, peak in flight, 429s, retries.
    pub fn summary(&self) -> FlowSummary {
        self.flow.summary()
    }

    /// Send, retrying transient answers (see the module documentation). `bearer` is the token
    /// for [`Auth::SessionBearer`]; `basic` the client credentials for [`Auth::ClientBasic`] and
    /// [`Auth::ClientPost`].
    pub async fn send(
        &self,
        request: Request,
        bearer: Option<&Secret>,
        basic: Option<(&str, &Secret)>,
    ) -> Result<Exchange, TransportError> {
        self.send_authorized(request, &bearer, basic).await
    }

    /// [`HttpClient::send`], with the token for [`Auth::SessionBearer`] taken from `bearer` each
    /// time the request (or a retry) has its place in the window, so that no token ages while
    /// its request waits: a short-lived one would expire in a long queue.
    pub async fn send_authorized(
        &self,
        request: Request,
        bearer: &impl BearerSource,
        basic: Option<(&str, &Secret)>,
    ) -> Result<Exchange, TransportError> {
        let mut retries = 0;
        let mut waited = Duration::ZERO;
        let mut earlier = Vec::new();
        let operation = request.operation();
        loop {
            let slot = self.flow.acquire(retries > 0, request.out_of_band).await;
            let token = match bearer.bearer().await {
                Ok(token) => token,
                Err(message) => {
                    return Err(TransportError {
                        request,
                        message: format!("no access token: {message}"),
                        timed_out: false,
                        not_sent: true,
                        certificate: false,
                    });
                }
            };
            let mut result = self.attempt(&request, token.as_ref(), basic, retries).await;
            if let Some(signal) = signal(&result) {
                self.flow.observe(&slot, &operation, signal);
            }
            drop(slot);
            if let Ok(ex) = &mut result {
                ex.earlier = std::mem::take(&mut earlier);
            }
            let retry_after = match &result {
                Ok(ex) if ex.is_transient() && (request.retry_safe || ex.status == 429) => {
                    Some(ex.header("retry-after").map(str::to_string))
                }
                Err(e) if !e.timed_out && !e.certificate && (request.retry_safe || e.not_sent) => {
                    Some(None)
                }
                _ => None,
            };
            let limited = matches!(&result, Ok(ex) if ex.status == 429);
            let server_wait = result.as_ref().ok().and_then(retry_after_detail);
            let wait = match server_wait {
                Some(wait) => wait.min(self.limits.retry_cap),
                None => retry_delay(
                    retry_after.as_ref().and_then(Option::as_deref),
                    retries,
                    self.limits.retry_cap,
                ),
            };
            if limited {
                // The server is rate-limiting the run, not this request: all of them wait.
                self.flow.close_until(Instant::now() + wait);
            }
            if retry_after.is_none()
                || retries >= self.limits.max_retries
                || waited + wait > RETRY_BUDGET
                || is_stopping()
                // The first retry is not drawn from the budget: a request answered differently
                // on its second attempt shows it the same way in every run, whatever else
                // the run met; further retries are.
                || !self
                    .flow
                    .may_retry(request.clean_up || retries == 0, limited)
            {
                return result;
            }
            if let Ok(mut ex) = result {
                earlier = std::mem::take(&mut ex.earlier);
                earlier.push(ex);
            }
            tokio::time::sleep(wait).await;
            waited += wait;
            retries += 1;
        }
    }

    /// Whether the breaker holds back this operation.
    fn tripped(&self, request: &Request) -> bool {
        !request.clean_up
            && self
                .timeouts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&request.operation())
                .is_some_and(|n| *n >= HANG_THRESHOLD)
    }

    /// Count a timeout of the request's operation, or clear its count after an answer.
    fn note_timeout(&self, request: &Request, timed_out: bool) {
        let mut timeouts = self.timeouts.lock().unwrap_or_else(|e| e.into_inner());
        if timed_out {
            *timeouts.entry(request.operation()).or_insert(0) += 1;
        } else {
            timeouts.remove(&request.operation());
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        bearer: Option<&Secret>,
        basic: Option<(&str, &Secret)>,
        retries: u32,
    ) -> Result<Exchange, TransportError> {
        let fail = |message: String, timed_out: bool, not_sent: bool| TransportError {
            request: request.clone(),
            message,
            timed_out,
            not_sent,
            certificate: false,
        };
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| fail(format!("invalid method {}", request.method), false, true))?;
        let mut builder = self.client.request(method, &request.url);
        match &request.auth {
            Auth::None => {}
            Auth::SessionBearer => {
                if let Some(token) = bearer {
                    builder = builder.bearer_auth(token.expose());
                }
            }
            Auth::Literal(v) => builder = builder.header("Authorization", v),
            Auth::ClientBasic => {
                if let Some((id, secret)) = basic {
                    builder = builder.basic_auth(id, Some(secret.expose()));
                }
            }
            Auth::ClientPost => {}
        }
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        let mut body = request.body.clone();
        if request.auth == Auth::ClientPost
            && let Some((id, secret)) = basic
        {
            let mut form = body.unwrap_or_default();
            if !form.is_empty() {
                form.push(b'&');
            }
            form.extend_from_slice(
                format!(
                    "client_id={}&client_secret={}",
                    form_encode(id),
                    form_encode(secret.expose())
                )
                .as_bytes(),
            );
            body = Some(form);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        // Checked once the request has its place: requests queued behind a hanging one fail at
        // once too.
        if self.tripped(request) {
            return Err(fail(
                format!(
                    "not sent: the target did not answer {HANG_THRESHOLD} earlier {} requests \
                     within {:?}",
                    request.operation(),
                    self.limits.timeout
                ),
                true,
                true,
            ));
        }
        let started = Instant::now();
        let result = self
            .exchange(builder, request, &fail, started, retries)
            .await;
        match &result {
            Err(e) if e.timed_out => self.note_timeout(request, true),
            Err(_) => {}
            Ok(_) => self.note_timeout(request, false),
        }
        result
    }

    async fn exchange(
        &self,
        builder: reqwest::RequestBuilder,
        request: &Request,
        fail: &impl Fn(String, bool, bool) -> TransportError,
        started: Instant,
        retries: u32,
    ) -> Result<Exchange, TransportError> {
        let response = builder.send().await.map_err(|e| describe(&e, fail))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| describe(&e, fail))?
            .to_vec();
        Ok(Exchange {
            request: request.clone(),
            status,
            headers,
            body,
            elapsed: started.elapsed(),
            retries,
            earlier: Vec::new(),
        })
    }
}

/// What an attempt tells the flow control, if anything (a request the breaker held back was
/// not sent).
fn signal(result: &Result<Exchange, TransportError>) -> Option<Signal> {
    Some(match result {
        Ok(ex) if ex.status == 429 => Signal::Limited,
        Ok(ex) if ex.status == 503 => Signal::Overloaded,
        Ok(ex) if ex.is_transient() => Signal::Failed,
        Ok(ex) => Signal::Answer(ex.elapsed),
        Err(e) if e.timed_out && e.not_sent => return None,
        Err(e) if e.timed_out => Signal::Overloaded,
        Err(_) => Signal::Failed,
    })
}

/// The wait a 429 names in `details[].innerError.retryAfter` (an RFC 3339 instant, GOCLIENT,
/// facts §11.4), which is more precise than `Retry-After`'s whole seconds.
fn retry_after_detail(ex: &Exchange) -> Option<Duration> {
    if ex.status != 429 {
        return None;
    }
    let body = ex.json()?;
    let at = body
        .get("details")?
        .as_array()?
        .iter()
        .find_map(|d| d.pointer("/innerError/retryAfter").and_then(Value::as_str))?;
    let at = crate::wire::parse_rfc3339_time(at)?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

fn describe(
    e: &reqwest::Error,
    fail: &impl Fn(String, bool, bool) -> TransportError,
) -> TransportError {
    // reqwest errors name the URL but never headers, so no secret can leak through them.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = write!(message, ": {s}");
        source = s.source();
    }
    let advice = certificate_advice(e);
    if let Some(advice) = advice {
        let _ = write!(message, ": TLS certificate refused, not retried: {advice}");
    }
    // A connection that could not be made carried no request; one that dropped may have.
    let mut error = fail(message, e.is_timeout(), e.is_connect() && !e.is_timeout());
    error.certificate = advice.is_some();
    error
}

/// What to do about the server certificate that rustls refused somewhere in `e`'s causes, if it
/// did. (An `io::Error` hides its payload from `source()`, and the handshake's error is a
/// rustls error inside an `io::Error` inside another.)
fn certificate_advice(e: &reqwest::Error) -> Option<&'static str> {
    use rustls::CertificateError as C;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        cause = match c.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
        if let Some(rustls::Error::InvalidCertificate(why)) = c.downcast_ref::<rustls::Error>() {
            return Some(match why {
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    "the certificate is not valid for this host name; check PINGONE_API_URL, \
                     PINGONE_AUTH_URL and PINGONE_REGION_CODE (a TLS-inspecting proxy's own \
                     authority goes in PINGONE_CA_CERT)"
                }
                C::Expired
                | C::ExpiredContext { .. }
                | C::NotValidYet
                | C::NotValidYetContext { .. } => {
                    "the certificate is expired or not yet valid; check this machine's clock \
                     and the host in the URL (a TLS-inspecting proxy's own authority goes in \
                     PINGONE_CA_CERT)"
                }
                _ => {
                    "the certificate is not signed by an authority this machine trusts; if a \
                     TLS-inspecting proxy or a private CA signs it, set PINGONE_CA_CERT to the \
                     PEM file of that authority"
                }
            });
        }
    }
    None
}

/// Wait before retry number `attempt` (0-based): `Retry-After` as seconds or HTTP date, else
/// exponential back-off from 250 ms; never more than `cap`.
pub fn retry_delay(retry_after: Option<&str>, attempt: u32, cap: Duration) -> Duration {
    let from_header = retry_after.and_then(|v| {
        let v = v.trim();
        v.parse::<u64>().ok().map(Duration::from_secs).or_else(|| {
            httpdate::parse_http_date(v)
                .ok()
                .map(|when| when.duration_since(SystemTime::now()).unwrap_or_default())
        })
    });
    let backoff = Duration::from_millis(250u64.saturating_mul(1u64 << attempt.min(10)));
    from_header.unwrap_or(backoff).min(cap)
}

pub use crate::wire::form_encode;

/// At most `max` characters of `s`, with an ellipsis when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_date_and_cap() {
        let cap = Duration::from_secs(30);
        assert_eq!(retry_delay(Some("2"), 0, cap), Duration::from_secs(2));
        assert_eq!(retry_delay(Some("120"), 0, cap), cap);
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        let d = retry_delay(Some(&soon), 0, cap);
        assert!(
            d <= Duration::from_secs(5) && d >= Duration::from_secs(3),
            "{d:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(50));
        assert_eq!(retry_delay(Some(&past), 0, cap), Duration::ZERO);
        assert_eq!(retry_delay(None, 0, cap), Duration::from_millis(250));
        assert_eq!(
            retry_delay(Some("soon"), 2, cap),
            Duration::from_millis(1000)
        );
    }
}
