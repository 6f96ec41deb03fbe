//! The one runner that interprets every [`Case`], and the one checker that every response goes
//! through ([`CaseCtx::check`]): documented status, JSON content type, a body valid against
//! `schemas/` (UserMFAEnabled or User on success, P1Error on errors) and, where documented, the
//! error code.
//!
//! Each case runs in its own task, so a panic fails that case only; the users it created are
//! deleted and an existing test user's value restored afterwards, whatever happened.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use base64::Engine as _;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as PropConfig, RngAlgorithm, TestRng, TestRunner};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::config::{Credentials, TokenAuthMethod};
use crate::http::{Auth, Exchange, Request};
use crate::schema::{self, Schema};

use super::cases::{Area, BadAuth, Case, Kind, Tier, TokenProbe, Via};
use super::session::{Session, TargetKind, USER_PREFIX};

/// The documented top-level codes of a 400 (SPEC GOCLIENT `BadRequestError`, facts §2.1).
pub const CODES_400: &[&str] = &["INVALID_DATA", "INVALID_REQUEST", "REQUEST_FAILED"];
const JSON_TYPE: &str = "application/json";
const IMPORT_TYPE: &str = "application/vnd.pingidentity.user.import+json";

/// One unmet requirement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// MUST or SHOULD.
    pub tier: Tier,
    /// What was checked.
    pub check: String,
    /// What the documentation promises.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// A curl line that reproduces the request, with `$TOKEN` for the token.
    pub reproduce: Option<String>,
}

/// A case's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Every check held.
    Pass,
    /// A MUST check failed.
    Fail,
    /// Only SHOULD checks failed.
    Warn,
    /// Not run, with the reason.
    Skipped(String),
    /// Failed, but listed as a known deviation (the reason).
    KnownDeviation(String),
    /// Listed as a known deviation, yet passed: the list should lose the entry.
    FixedDeviation(String),
}

impl Outcome {
    /// `pass`, `fail`, `warn`, `skipped`, `known_deviation`, `fixed_deviation`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Skipped(_) => "skipped",
            Outcome::KnownDeviation(_) => "known_deviation",
            Outcome::FixedDeviation(_) => "fixed_deviation",
        }
    }
}

/// The result of one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// Case ID.
    pub id: String,
    /// Area.
    pub area: Area,
    /// Headline tier.
    pub tier: Tier,
    /// Title.
    pub title: String,
    /// Requirement.
    pub requirement: String,
    /// Source.
    pub source: String,
    /// Stimulus.
    pub stimulus: String,
    /// Verdict.
    pub outcome: Outcome,
    /// Unmet requirements.
    pub findings: Vec<Finding>,
    /// Status of the case's main request.
    pub status: Option<u16>,
    /// Top-level error `code` of the main request's answer, if any.
    pub error_code: Option<String>,
    /// Wall time.
    pub duration_ms: u64,
    /// Requests sent (set-up and clean-up included).
    pub requests: u32,
    /// `_links` of the main answer with hosts and ids replaced by placeholders (links cases).
    pub links: Option<Value>,
    /// Problems while cleaning up (users that could not be deleted or restored).
    pub cleanup: Vec<String>,
}

impl CaseResult {
    /// Whether this result fails the run: a MUST failure, or in strict mode also a SHOULD
    /// failure or a known deviation that no longer occurs.
    pub fn fails_run(&self, strict: bool) -> bool {
        match self.outcome {
            Outcome::Fail => true,
            Outcome::Warn | Outcome::FixedDeviation(_) => strict,
            _ => false,
        }
    }

    /// The human report: ID and requirement, then each finding with expected, actual and a
    /// curl line. Contains no secret: requests are recorded without credentials.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{} [{}] {}: {}\n  requirement: {}\n  source: {}\n  stimulus: {}\n",
            self.id,
            self.tier.as_str(),
            self.title,
            self.outcome.label().to_uppercase(),
            self.requirement,
            self.source,
            self.stimulus
        );
        match &self.outcome {
            Outcome::Skipped(r) => {
                let _ = writeln!(s, "  skipped: {r}");
            }
            Outcome::KnownDeviation(r) => {
                let _ = writeln!(s, "  known deviation: {r}");
            }
            Outcome::FixedDeviation(r) => {
                let _ = writeln!(
                    s,
                    "  listed as a known deviation ({r}) but now passes: remove it from src/suite/deviations.rs"
                );
            }
            _ => {}
        }
        for f in &self.findings {
            let _ = write!(
                s,
                "  ✗ [{}] {}\n      expected: {}\n      actual:   {}\n",
                f.tier.as_str(),
                f.check,
                f.expected,
                f.actual
            );
            if let Some(curl) = &f.reproduce {
                let _ = writeln!(
                    s,
                    "      reproduce (with TOKEN set to an access token): {curl}"
                );
            }
        }
        for c in &self.cleanup {
            let _ = writeln!(s, "  cleanup: {c}");
        }
        s
    }
}

/// Users to delete and a value to restore, kept outside the case's task so that clean-up runs
/// even when the case panics.
#[derive(Debug, Default)]
struct Shared {
    created: Vec<String>,
    restore: Option<(String, bool)>,
}

/// A case stopped early; its findings say why.
#[derive(Debug)]
struct Abort;

type Step<T> = Result<T, Abort>;

/// Which statuses a check accepts.
#[derive(Clone, Copy, Debug)]
enum Want {
    Exactly(u16),
    OneOf(&'static [u16]),
    ClientError,
}

impl Want {
    fn matches(self, status: u16) -> bool {
        match self {
            Want::Exactly(s) => status == s,
            Want::OneOf(list) => list.contains(&status),
            Want::ClientError => (400..500).contains(&status),
        }
    }
    fn describe(self) -> String {
        match self {
            Want::Exactly(s) => format!("HTTP {s}"),
            Want::OneOf(list) => {
                let l: Vec<String> = list.iter().map(u16::to_string).collect();
                format!("HTTP {}", l.join(" or "))
            }
            Want::ClientError => "an HTTP 4xx".to_string(),
        }
    }
}

/// Run one case and clean up after it.
pub async fn run_case(session: Arc<Session>, case: &'static Case) -> CaseResult {
    let started = Instant::now();
    let shared = Arc::new(Mutex::new(Shared::default()));
    let ctx = CaseCtx::new(session.clone(), case, shared.clone());
    let task = tokio::spawn(async move {
        let mut ctx = ctx;
        let _ = ctx.perform().await;
        ctx
    });
    let mut outcome_ctx = match task.await {
        Ok(ctx) => ctx,
        Err(e) => {
            let mut ctx = CaseCtx::new(session.clone(), case, shared.clone());
            ctx.note(
                Tier::Must,
                "the case runs to completion",
                "no panic",
                panic_message(e),
                None,
            );
            ctx
        }
    };
    let cleanup = clean_up(&mut outcome_ctx, &shared).await;
    outcome_ctx.into_result(started, cleanup)
}

/// Run several cases concurrently (the session's HTTP client bounds the requests in flight);
/// results come back in the order of `cases`.
pub async fn run_cases(session: Arc<Session>, cases: &[&'static Case]) -> Vec<CaseResult> {
    let handles: Vec<_> = cases
        .iter()
        .map(|&case| tokio::spawn(run_case(session.clone(), case)))
        .collect();
    let mut results = Vec::with_capacity(handles.len());
    for (handle, case) in handles.into_iter().zip(cases) {
        match handle.await {
            Ok(r) => results.push(r),
            Err(e) => {
                let ctx = CaseCtx::new(
                    session.clone(),
                    case,
                    Arc::new(Mutex::new(Shared::default())),
                );
                let mut ctx = ctx;
                ctx.note(
                    Tier::Must,
                    "the case runs to completion",
                    "no panic",
                    panic_message(e),
                    None,
                );
                results.push(ctx.into_result(Instant::now(), Vec::new()));
            }
        }
    }
    results
}

fn panic_message(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string()),
        Err(e) => e.to_string(),
    }
}

async fn clean_up(ctx: &mut CaseCtx, shared: &Arc<Mutex<Shared>>) -> Vec<String> {
    let (created, restore) = {
        let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
        (std::mem::take(&mut s.created), s.restore.take())
    };
    let mut problems = Vec::new();
    if let Some((user, value)) = restore {
        let req = Request::new("PUT", ctx.mfa_url(&user)).json(&json!({ "mfaEnabled": value }));
        ctx.requests += 1;
        match ctx.s.send(req).await {
            Ok(ex) if ex.status == 200 => {}
            Ok(ex) => problems.push(format!(
                "could not restore mfaEnabled={value} on test user {user}: {}",
                ex.summary()
            )),
            Err(e) => problems.push(format!(
                "could not restore mfaEnabled={value} on test user {user}: {}",
                e.message
            )),
        }
    }
    for user in created {
        ctx.requests += 1;
        match ctx
            .s
            .send(Request::new("DELETE", ctx.user_url(&user)))
            .await
        {
            Ok(ex) if ex.status == 204 || ex.status == 200 || ex.status == 404 => {}
            Ok(ex) => problems.push(format!("could not delete user {user}: {}", ex.summary())),
            Err(e) => problems.push(format!("could not delete user {user}: {}", e.message)),
        }
    }
    problems
}

/// The state of one running case.
struct CaseCtx {
    s: Arc<Session>,
    case: &'static Case,
    shared: Arc<Mutex<Shared>>,
    findings: Vec<Finding>,
    status: Option<u16>,
    code: Option<String>,
    links: Option<Value>,
    skipped: Option<String>,
    requests: u32,
}

impl CaseCtx {
    fn new(s: Arc<Session>, case: &'static Case, shared: Arc<Mutex<Shared>>) -> CaseCtx {
        CaseCtx {
            s,
            case,
            shared,
            findings: Vec::new(),
            status: None,
            code: None,
            links: None,
            skipped: None,
            requests: 0,
        }
    }

    fn into_result(self, started: Instant, cleanup: Vec<String>) -> CaseResult {
        let c = self.case;
        let mut outcome = if let Some(r) = self.skipped {
            Outcome::Skipped(r)
        } else if self.findings.iter().any(|f| f.tier == Tier::Must) {
            Outcome::Fail
        } else if self.findings.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Warn
        };
        if let Some(d) = self.s.deviations.iter().find(|d| d.id == c.id) {
            outcome = match outcome {
                Outcome::Fail | Outcome::Warn => Outcome::KnownDeviation(d.reason.to_string()),
                Outcome::Pass => Outcome::FixedDeviation(d.reason.to_string()),
                other => other,
            };
        }
        CaseResult {
            id: c.id.to_string(),
            area: c.area,
            tier: c.tier,
            title: c.title.to_string(),
            requirement: c.requirement.to_string(),
            source: c.source.to_string(),
            stimulus: c.stimulus.to_string(),
            outcome,
            findings: self.findings,
            status: self.status,
            error_code: self.code,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            requests: self.requests,
            links: self.links,
            cleanup,
        }
    }

    // ------------------------------------------------------------------ recording

    fn note(
        &mut self,
        tier: Tier,
        check: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        ex: Option<&Exchange>,
    ) {
        self.findings.push(Finding {
            tier,
            check: check.into(),
            expected: expected.into(),
            actual: actual.into(),
            reproduce: ex.map(|e| e.request.curl()),
        });
    }

    fn ensure(
        &mut self,
        ok: bool,
        tier: Tier,
        check: &str,
        expected: impl Into<String>,
        actual: impl FnOnce() -> String,
        ex: Option<&Exchange>,
    ) -> bool {
        if !ok {
            self.note(tier, check, expected, actual(), ex);
        }
        ok
    }

    /// Record the main exchange's status and error code for the report.
    fn observe(&mut self, ex: &Exchange) {
        self.status = Some(ex.status);
        self.code = ex
            .json()
            .filter(|_| ex.status >= 400)
            .and_then(|j| j.get("code").and_then(Value::as_str).map(str::to_string));
    }

    async fn send(&mut self, req: Request) -> Step<Exchange> {
        self.requests += 1;
        match self.s.send(req).await {
            Ok(ex) => Ok(ex),
            Err(e) => {
                self.findings.push(Finding {
                    tier: Tier::Must,
                    check: "the target answers".into(),
                    expected: "an HTTP response".into(),
                    actual: e.message.clone(),
                    reproduce: Some(e.request.curl()),
                });
                Err(Abort)
            }
        }
    }

    // ------------------------------------------------------------------ the checker

    /// The one checker every response goes through. Checks the status against `want` at
    /// `tier`; then, whatever the status, that a body is JSON with a JSON media type and valid
    /// against the schema its status implies (P1Error for errors, `success` for 2xx); and, for an
    /// error with the wanted status, that `code` is one of `codes`. Returns whether the status
    /// was as wanted.
    fn check(
        &mut self,
        tier: Tier,
        ex: &Exchange,
        want: Want,
        success: Option<Schema>,
        codes: Option<(&[&str], Tier)>,
    ) -> bool {
        let status_ok = want.matches(ex.status);
        self.ensure(
            status_ok,
            tier,
            "status",
            want.describe(),
            || ex.summary(),
            Some(ex),
        );
        // DOC: Correlation-Id is "returned by every operation" (facts §7).
        self.ensure(
            ex.header("correlation-id").is_some(),
            Tier::Should,
            "the answer carries a Correlation-Id header",
            "a Correlation-Id header",
            || "no Correlation-Id header".to_string(),
            Some(ex),
        );
        let is_error = ex.status >= 400;
        let schema = if is_error {
            Some(Schema::P1Error)
        } else {
            success
        };
        let Some(schema) = schema else {
            return status_ok;
        };
        if ex.body.is_empty() {
            self.note(
                Tier::Must,
                format!("the body is a {}", schema_name(schema)),
                format!("a JSON {} body", schema_name(schema)),
                ex.summary(),
                Some(ex),
            );
            return status_ok;
        }
        let ct = ex.header("content-type").unwrap_or("");
        self.ensure(
            is_json_media_type(ct),
            Tier::Must,
            "Content-Type is JSON",
            "application/json (or another +json type)",
            || {
                format!(
                    "Content-Type: {}",
                    if ct.is_empty() { "(none)" } else { ct }
                )
            },
            Some(ex),
        );
        let Some(body) = ex.json() else {
            self.note(
                Tier::Must,
                "the body is JSON",
                "a JSON document",
                ex.summary(),
                Some(ex),
            );
            return status_ok;
        };
        let violations = schema::validate(schema, &body);
        self.ensure(
            violations.is_empty(),
            Tier::Must,
            &format!(
                "the body is a valid {} (schemas/{})",
                schema_name(schema),
                schema::file_name(schema)
            ),
            "no schema violations",
            || format!("{}; body {}", violations.join("; "), ex.body_excerpt()),
            Some(ex),
        );
        if let (true, true, Some((codes, code_tier))) = (is_error, status_ok, codes) {
            let code = body.get("code").and_then(Value::as_str).unwrap_or("(none)");
            self.ensure(
                codes.contains(&code),
                code_tier,
                "error code",
                format!("code {}", codes.join(" or ")),
                || format!("code {code}"),
                Some(ex),
            );
        }
        status_ok
    }

    // ------------------------------------------------------------------ requests

    fn mfa_url(&self, user: &str) -> String {
        self.s.env_url(&format!("/users/{user}/mfaEnabled"))
    }

    fn user_url(&self, user: &str) -> String {
        self.s.env_url(&format!("/users/{user}"))
    }

    fn username(&self) -> String {
        let area = self.case.id.trim_start_matches("MFA-").to_ascii_lowercase();
        format!(
            "{USER_PREFIX}{area}-{}",
            &Uuid::new_v4().simple().to_string()[..12]
        )
    }

    fn put_value(&self, user: &str, value: bool) -> Request {
        Request::new("PUT", self.mfa_url(user)).json(&json!({ "mfaEnabled": value }))
    }

    /// POST users; a created user is registered for deletion at once.
    async fn create_user(
        &mut self,
        mfa: Option<bool>,
        import: bool,
    ) -> Step<(Option<String>, Exchange)> {
        let username = self.username();
        let mut body = json!({ "username": username, "email": format!("{username}@example.com") });
        if let Some(p) = &self.s.target.population_id {
            body["population"] = json!({ "id": p });
        }
        if let Some(m) = mfa {
            body["mfaEnabled"] = json!(m);
        }
        let ct = if import { IMPORT_TYPE } else { JSON_TYPE };
        let req = Request::new("POST", self.s.env_url("/users"))
            .body(body.to_string().into_bytes())
            .header("Content-Type", ct);
        let ex = self.send(req).await?;
        let id = ex
            .json()
            .filter(|_| (200..300).contains(&ex.status))
            .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string));
        if let Some(id) = &id {
            self.shared
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .created
                .push(id.clone());
        }
        Ok((id, ex))
    }

    /// Set-up: a new user whose stored value is `baseline` (created with it, read back, and
    /// corrected with a PUT if the server chose otherwise).
    async fn user_with(&mut self, baseline: bool) -> Step<String> {
        let (id, ex) = self.create_user(Some(baseline), false).await?;
        let Some(id) = id else {
            self.note(
                Tier::Must,
                "set-up: Create User",
                "HTTP 201 with a User id",
                ex.summary(),
                Some(&ex),
            );
            return Err(Abort);
        };
        if self.read_value(&id).await? != Some(baseline) {
            let ex = self.send(self.put_value(&id, baseline)).await?;
            if !(200..300).contains(&ex.status) {
                self.note(
                    Tier::Must,
                    "set-up: PUT .../mfaEnabled",
                    "HTTP 200",
                    ex.summary(),
                    Some(&ex),
                );
                return Err(Abort);
            }
        }
        Ok(id)
    }

    /// GET .../mfaEnabled without checks (set-up).
    async fn read_value(&mut self, user: &str) -> Step<Option<bool>> {
        let ex = self.send(Request::new("GET", self.mfa_url(user))).await?;
        Ok(ex
            .json()
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool)))
    }

    /// The stored value reads `expected` through GET .../mfaEnabled and, with `with_user`,
    /// through GET user.
    async fn expect_stored(
        &mut self,
        user: &str,
        expected: bool,
        with_user: bool,
        why: &str,
    ) -> Step<()> {
        let url = self.mfa_url(user);
        self.read_back(
            url,
            Schema::UserMfaEnabled,
            "GET .../mfaEnabled",
            expected,
            why,
        )
        .await?;
        if with_user {
            let url = self.user_url(user);
            self.read_back(url, Schema::User, "GET user", expected, why)
                .await?;
        }
        Ok(())
    }

    /// GET `url`: 200 with a `schema` body whose mfaEnabled is `expected`.
    async fn read_back(
        &mut self,
        url: String,
        schema: Schema,
        what: &str,
        expected: bool,
        why: &str,
    ) -> Step<()> {
        let ex = self.send(Request::new("GET", url)).await?;
        let check = format!("{what} reads {why}");
        self.expect_answer(&ex, 200, schema, expected, &check);
        Ok(())
    }

    /// `ex` has `status` and a `schema` body (the one checker), whose mfaEnabled is
    /// `expected` (checked as `check`). Returns whether the status was as wanted.
    fn expect_answer(
        &mut self,
        ex: &Exchange,
        status: u16,
        schema: Schema,
        expected: bool,
        check: &str,
    ) -> bool {
        if !self.check(Tier::Must, ex, Want::Exactly(status), Some(schema), None) {
            return false;
        }
        let got = ex.json().and_then(|j| j.get("mfaEnabled").cloned());
        self.ensure(
            got == Some(json!(expected)),
            Tier::Must,
            check,
            format!("mfaEnabled {expected}"),
            || format!("mfaEnabled {}", show(got.as_ref())),
            Some(ex),
        );
        true
    }

    /// A successful PUT .../mfaEnabled: 200, a UserMFAEnabled body with the value sent, and
    /// the value stored.
    async fn expect_written(&mut self, user: &str, ex: &Exchange, value: bool) -> Step<()> {
        let check = "the answer carries the value sent";
        self.expect_answer(ex, 200, Schema::UserMfaEnabled, value, check);
        self.expect_stored(user, value, true, "the value sent")
            .await
    }

    /// Send `req`, which sets true on `user` (whose value is false), where the docs let the
    /// server accept or reject it: accepted, it must be a proper write; rejected, a 4xx
    /// P1Error that changes nothing. `prefer_accept` says which answer the SHOULD-level
    /// requirement `preference` prefers.
    async fn accepted_or_rejected(
        &mut self,
        user: &str,
        req: Request,
        prefer_accept: bool,
        preference: &str,
    ) -> Step<()> {
        let ex = &self.send(req).await?;
        self.observe(ex);
        let accepted = (200..300).contains(&ex.status);
        if accepted != prefer_accept {
            let expected = if prefer_accept {
                "HTTP 200"
            } else {
                "HTTP 415 or 400"
            };
            self.note(Tier::Should, preference, expected, ex.summary(), Some(ex));
        }
        if accepted {
            self.expect_written(user, ex, true).await
        } else {
            self.check(Tier::Must, ex, Want::ClientError, None, None);
            self.expect_stored(user, false, false, "the value before the rejected request")
                .await
        }
    }

    // ------------------------------------------------------------------ the cases

    async fn perform(&mut self) -> Step<()> {
        match self.case.kind {
            Kind::SetValues(values) => {
                let user = self.user_with(!values[0]).await?;
                for &v in values {
                    let ex = self.send(self.put_value(&user, v)).await?;
                    self.observe(&ex);
                    self.expect_written(&user, &ex, v).await?;
                }
            }
            Kind::ExtraProperty => {
                let user = self.user_with(false).await?;
                let body = json!({"mfaEnabled": true, "conformanceProbe": "ignored"});
                let req = Request::new("PUT", self.mfa_url(&user)).json(&body);
                self.accepted_or_rejected(&user, req, true, "an unknown property is ignored")
                    .await?;
            }
            Kind::LinksRoundTrip => {
                let user = self.user_with(false).await?;
                let ex = self.send(Request::new("GET", self.mfa_url(&user))).await?;
                self.check(
                    Tier::Must,
                    &ex,
                    Want::Exactly(200),
                    Some(Schema::UserMfaEnabled),
                    None,
                );
                let Some(mut body) = ex.json().filter(Value::is_object) else {
                    return Err(Abort);
                };
                body["mfaEnabled"] = json!(true);
                let req = Request::new("PUT", self.mfa_url(&user)).json(&body);
                let preference = "the read-only _links sent back is ignored";
                self.accepted_or_rejected(&user, req, true, preference)
                    .await?;
            }
            Kind::Read => {
                let user = self.user_with(true).await?;
                let ex = self.send(Request::new("GET", self.mfa_url(&user))).await?;
                self.observe(&ex);
                self.expect_stored(&user, true, true, "the stored value")
                    .await?;
            }
            Kind::Links(via) => self.links(via).await?,
            Kind::InvalidBody {
                body,
                baseline,
                field,
            } => {
                let user = self.user_with(baseline).await?;
                let ex = self.invalid_probe(&user, body.to_vec(), baseline).await?;
                if field && ex.status == 400 {
                    let targets = ex
                        .json()
                        .and_then(|j| j.get("details").cloned())
                        .and_then(|d| d.as_array().cloned())
                        .unwrap_or_default();
                    let named = targets
                        .iter()
                        .any(|d| d.get("target").and_then(Value::as_str) == Some("mfaEnabled"));
                    self.ensure(
                        named,
                        Tier::Should,
                        "the error names the field",
                        "details[].target \"mfaEnabled\"",
                        || format!("details {}", Value::Array(targets.clone())),
                        Some(&ex),
                    );
                }
            }
            Kind::WrongContentType(ct) => {
                let user = self.user_with(false).await?;
                let mut req = Request::new("PUT", self.mfa_url(&user))
                    .body(b"{\"mfaEnabled\": true}".to_vec());
                if let Some(ct) = ct {
                    req = req.header("Content-Type", ct);
                }
                if self.case.tier == Tier::Must {
                    let ex = self.send(req).await?;
                    self.observe(&ex);
                    self.check(Tier::Must, &ex, Want::OneOf(&[415, 400]), None, None);
                    self.expect_stored(
                        &user,
                        false,
                        false,
                        "the value before the rejected request",
                    )
                    .await?;
                } else {
                    let preference = "a body without a JSON Content-Type is rejected";
                    self.accepted_or_rejected(&user, req, false, preference)
                        .await?;
                }
            }
            Kind::CharsetParameter => {
                let user = self.user_with(false).await?;
                let req = Request::new("PUT", self.mfa_url(&user))
                    .body(b"{\"mfaEnabled\": true}".to_vec())
                    .header("Content-Type", "application/json; charset=utf-8");
                self.accepted_or_rejected(&user, req, true, "a charset parameter is accepted")
                    .await?;
            }
            Kind::Unauthorized(bad, via) => {
                let user = self.user_with(false).await?;
                let auth = self.bad_auth(bad);
                let req = match via {
                    Via::Put => self.put_value(&user, true),
                    Via::Get => Request::new("GET", self.mfa_url(&user)),
                }
                .auth(auth);
                let ex = self.send(req).await?;
                self.observe(&ex);
                self.check(
                    Tier::Must,
                    &ex,
                    Want::Exactly(401),
                    None,
                    Some((&["ACCESS_FAILED"], Tier::Should)),
                );
                if via == Via::Put {
                    self.expect_stored(
                        &user,
                        false,
                        false,
                        "the value before the unauthorized request",
                    )
                    .await?;
                }
            }
            Kind::UnknownUser(via) => {
                let user = Uuid::new_v4().to_string();
                let req = match via {
                    Via::Put => self.put_value(&user, true),
                    Via::Get => Request::new("GET", self.mfa_url(&user)),
                };
                let ex = self.send(req).await?;
                self.observe(&ex);
                self.check(
                    Tier::Must,
                    &ex,
                    Want::Exactly(404),
                    None,
                    Some((&["NOT_FOUND"], Tier::Must)),
                );
            }
            Kind::NonUuidUser => {
                let ex = self.send(self.put_value("not-a-uuid", true)).await?;
                self.observe(&ex);
                self.check(Tier::Must, &ex, Want::ClientError, None, None);
            }
            Kind::ForeignEnvironment => {
                let user = self.user_with(false).await?;
                let url = format!(
                    "{}/environments/{}/users/{user}/mfaEnabled",
                    self.s.target.api_url,
                    Uuid::new_v4()
                );
                let ex = self
                    .send(Request::new("PUT", url).json(&json!({"mfaEnabled": true})))
                    .await?;
                self.observe(&ex);
                self.check(
                    Tier::Must,
                    &ex,
                    Want::OneOf(&[400, 401, 403, 404]),
                    None,
                    None,
                );
                self.expect_stored(
                    &user,
                    false,
                    false,
                    "the value before the cross-environment request",
                )
                .await?;
            }
            Kind::UnsupportedMethod(method) => {
                let baseline = method == "DELETE";
                let user = self.user_with(baseline).await?;
                let mut req = Request::new(method, self.mfa_url(&user));
                if method != "DELETE" {
                    req = req.json(&json!({ "mfaEnabled": !baseline }));
                }
                let ex = self.send(req).await?;
                self.observe(&ex);
                self.check(Tier::Must, &ex, Want::ClientError, None, None);
                if self.ensure(
                    ex.status == 405,
                    Tier::Should,
                    "unsupported method",
                    "HTTP 405",
                    || ex.summary(),
                    Some(&ex),
                ) {
                    let allow = ex.header("allow").unwrap_or("").to_ascii_uppercase();
                    self.ensure(
                        allow.contains("PUT"),
                        Tier::Should,
                        "the 405 lists the allowed methods",
                        "an Allow header naming PUT",
                        || format!("Allow: {allow}"),
                        Some(&ex),
                    );
                }
                self.expect_stored(
                    &user,
                    baseline,
                    true,
                    "the value before the unsupported request",
                )
                .await?;
            }
            Kind::CreateUser { import, mfa } => {
                let (id, ex) = self.create_user(Some(mfa), import).await?;
                self.observe(&ex);
                let check = "the created User carries the value sent";
                self.expect_answer(&ex, 201, Schema::User, mfa, check);
                if let Some(id) = id {
                    self.expect_stored(&id, mfa, false, "the value sent at creation")
                        .await?;
                }
            }
            Kind::UpdateUserIgnoresMfa { patch } => {
                let user = self.user_with(false).await?;
                let ex = self.send(Request::new("GET", self.user_url(&user))).await?;
                let current = ex.json().unwrap_or(Value::Null);
                let mut body = json!({"nickname": "conformance-probe", "mfaEnabled": true});
                if !patch {
                    for key in ["username", "email"] {
                        if let Some(v) = current.get(key) {
                            body[key] = v.clone();
                        }
                    }
                }
                let method = if patch { "PATCH" } else { "PUT" };
                let ex = self
                    .send(Request::new(method, self.user_url(&user)).json(&body))
                    .await?;
                self.observe(&ex);
                if (200..300).contains(&ex.status) {
                    self.check(
                        Tier::Must,
                        &ex,
                        Want::Exactly(200),
                        Some(Schema::User),
                        None,
                    );
                } else {
                    self.check(Tier::Must, &ex, Want::ClientError, None, None);
                }
                self.expect_stored(&user, false, true, "the value before Update User")
                    .await?;
            }
            Kind::ExistingUser => self.existing_user().await?,
            Kind::Fuzz => self.fuzz().await?,
            Kind::Token(probe) => self.token(probe).await?,
        }
        Ok(())
    }

    /// The token endpoint. The answer's body is never quoted in a finding: it may hold a token.
    async fn token(&mut self, probe: TokenProbe) -> Step<()> {
        let (client_id, method) = match &self.s.target.credentials {
            Credentials::Client {
                client_id, method, ..
            } => (client_id.clone(), *method),
            Credentials::AccessToken(_) => {
                self.skipped =
                    Some("a ready access token is configured, not client credentials".into());
                return Ok(());
            }
        };
        let Some(url) = self.s.token_url() else {
            self.skipped = Some("no token URL".into());
            return Ok(());
        };
        let mut req = Request::new("POST", url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(b"grant_type=client_credentials".to_vec());
        const WRONG: &str = "conformance-wrong-secret";
        req = match (probe, method) {
            (TokenProbe::Issue, TokenAuthMethod::Basic) => req.auth(Auth::ClientBasic),
            (TokenProbe::Issue, TokenAuthMethod::Post) => req.auth(Auth::ClientPost),
            (TokenProbe::WrongSecret, TokenAuthMethod::Basic) => {
                let pair = format!("{}:{WRONG}", crate::http::form_encode(&client_id));
                req.auth(Auth::Literal(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )))
            }
            (TokenProbe::WrongSecret, TokenAuthMethod::Post) => {
                let body = format!(
                    "grant_type=client_credentials&client_id={}&client_secret={WRONG}",
                    crate::http::form_encode(&client_id)
                );
                req.body(body.into_bytes()).auth(Auth::None)
            }
        };
        let ex = self.send(req).await?;
        self.status = Some(ex.status);
        let body = ex.json().unwrap_or(Value::Null);
        let has_token = body
            .get("access_token")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.is_empty());
        let shape = |b: &Value| {
            let kind = |k: &str| match b.get(k) {
                None => "absent",
                Some(Value::String(_)) => "a string",
                Some(Value::Number(_)) => "a number",
                Some(_) => "another JSON value",
            };
            format!(
                "HTTP {}; access_token {}, token_type {}, expires_in {}",
                ex.status,
                kind("access_token"),
                kind("token_type"),
                kind("expires_in")
            )
        };
        match probe {
            TokenProbe::Issue => {
                let ct = ex.header("content-type").unwrap_or("");
                self.ensure(
                    ex.status == 200,
                    Tier::Must,
                    "status",
                    "HTTP 200",
                    || shape(&body),
                    Some(&ex),
                );
                self.ensure(
                    is_json_media_type(ct),
                    Tier::Must,
                    "Content-Type is JSON",
                    "application/json",
                    || format!("Content-Type: {ct}"),
                    Some(&ex),
                );
                let bearer = body
                    .get("token_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
                let expires = body
                    .get("expires_in")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 0);
                self.ensure(
                    has_token && bearer && expires,
                    Tier::Must,
                    "the token response",
                    "access_token a non-empty string, token_type Bearer, expires_in a positive integer",
                    || shape(&body),
                    Some(&ex),
                );
            }
            TokenProbe::WrongSecret => {
                self.ensure(
                    (ex.status == 400 || ex.status == 401) && !has_token,
                    Tier::Must,
                    "a wrong secret gets no token",
                    "HTTP 400 or 401 without an access_token",
                    || shape(&body),
                    Some(&ex),
                );
                let error = body
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("(none)");
                self.code = Some(error.to_string());
                self.ensure(
                    error == "invalid_client",
                    Tier::Should,
                    "the OAuth error",
                    "error invalid_client",
                    || format!("error {error}"),
                    Some(&ex),
                );
            }
        }
        Ok(())
    }

    /// PUT an invalid body: 400 with a P1Error and a documented code, and nothing stored.
    async fn invalid_probe(&mut self, user: &str, body: Vec<u8>, baseline: bool) -> Step<Exchange> {
        let req = Request::new("PUT", self.mfa_url(user))
            .body(body)
            .header("Content-Type", JSON_TYPE);
        let ex = self.send(req).await?;
        self.observe(&ex);
        self.check(
            Tier::Must,
            &ex,
            Want::Exactly(400),
            None,
            Some((CODES_400, Tier::Must)),
        );
        self.expect_stored(
            user,
            baseline,
            false,
            "the value before the rejected request",
        )
        .await?;
        Ok(ex)
    }

    fn bad_auth(&self, bad: BadAuth) -> Auth {
        match bad {
            BadAuth::Missing => Auth::None,
            BadAuth::Garbage => {
                Auth::Literal(format!("Bearer conformance.{}", Uuid::new_v4().simple()))
            }
            BadAuth::Basic => match self.s.target.credentials {
                Credentials::Client { .. } => Auth::ClientBasic,
                Credentials::AccessToken(_) => Auth::Literal(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode("conformance:not-a-secret")
                )),
            },
        }
    }

    async fn links(&mut self, via: Via) -> Step<()> {
        let user = self.user_with(false).await?;
        let req = match via {
            Via::Put => self.put_value(&user, true),
            Via::Get => Request::new("GET", self.mfa_url(&user)),
        };
        let ex = self.send(req).await?;
        self.observe(&ex);
        if !self.check(
            Tier::Must,
            &ex,
            Want::Exactly(200),
            Some(Schema::UserMfaEnabled),
            None,
        ) {
            return Ok(());
        }
        let links = ex
            .json()
            .and_then(|j| j.get("_links").cloned())
            .unwrap_or(Value::Null);
        let href = |rel: &str| {
            links
                .get(rel)
                .and_then(|l| l.get("href"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (self_href, user_href) = (href("self"), href("user"));
        let want_self = self.mfa_url(&user);
        let want_user = self.user_url(&user);
        self.ensure(
            self_href.as_deref() == Some(want_self.as_str()),
            Tier::Must,
            "_links.self.href is the request URL",
            want_self.clone(),
            || show_opt(self_href.as_deref()),
            Some(&ex),
        );
        self.ensure(
            user_href.as_deref() == Some(want_user.as_str()),
            Tier::Must,
            "_links.user.href is the user's URL",
            want_user.clone(),
            || show_opt(user_href.as_deref()),
            Some(&ex),
        );
        self.links = Some(redact(
            &links,
            &self.s.target.api_url,
            &self.s.target.environment_id,
            &user,
        ));
        Ok(())
    }

    async fn existing_user(&mut self) -> Step<()> {
        let Some(user) = self.s.target.test_user_id.clone() else {
            self.skipped = Some("PINGONE_TEST_USER_ID is not set".into());
            return Ok(());
        };
        let ex = self.send(Request::new("GET", self.mfa_url(&user))).await?;
        self.check(
            Tier::Must,
            &ex,
            Want::Exactly(200),
            Some(Schema::UserMfaEnabled),
            None,
        );
        let Some(original) = ex
            .json()
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool))
        else {
            self.note(
                Tier::Must,
                "set-up: read PINGONE_TEST_USER_ID's mfaEnabled",
                "HTTP 200 with a Boolean mfaEnabled",
                ex.summary(),
                Some(&ex),
            );
            return Err(Abort);
        };
        self.shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .restore = Some((user.clone(), original));
        for v in [!original, original] {
            let ex = self.send(self.put_value(&user, v)).await?;
            self.observe(&ex);
            self.expect_written(&user, &ex, v).await?;
        }
        if self.findings.is_empty() {
            // The last PUT restored the value already.
            self.shared
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .restore = None;
        }
        Ok(())
    }

    /// Property-based: generated bodies that are not `{"mfaEnabled": <Boolean>}` each answer
    /// 400 with a P1Error and change nothing. A failing input is shrunk to a minimal one, whose
    /// findings are reported.
    async fn fuzz(&mut self) -> Step<()> {
        let cases = self.s.run.fuzz_cases.unwrap_or(match self.s.target.kind {
            TargetKind::Tenant => 24,
            _ => 256,
        });
        let user = self.user_with(false).await?;
        let seed: [u8; 32] = {
            let mut s = [0u8; 32];
            match self.s.fuzz_seed {
                Some(fixed) => s[..8].copy_from_slice(&fixed.to_le_bytes()),
                None => {
                    s[..16].copy_from_slice(Uuid::new_v4().as_bytes());
                    s[16..].copy_from_slice(Uuid::new_v4().as_bytes());
                }
            }
            s
        };
        let handle = tokio::runtime::Handle::current();
        let (session, case, shared) = (self.s.clone(), self.case, self.shared.clone());
        let probe_user = user.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            fuzz_blocking(&handle, session, case, shared, &probe_user, cases, seed)
        })
        .await;
        match outcome {
            Ok((requests, None)) => {
                self.requests += requests;
            }
            Ok((requests, Some((body, original, findings)))) => {
                self.requests += requests;
                let shown = crate::http::excerpt(&String::from_utf8_lossy(&body), 120);
                let from = crate::http::excerpt(&String::from_utf8_lossy(&original), 120);
                for mut f in findings {
                    f.check = format!(
                        "{} (minimal failing body {shown:?}, shrunk from {from:?})",
                        f.check
                    );
                    self.findings.push(f);
                }
            }
            Err(e) => self.note(
                Tier::Must,
                "the fuzz run completes",
                "no panic",
                e.to_string(),
                None,
            ),
        }
        Ok(())
    }
}

type FuzzFailure = (Vec<u8>, Vec<u8>, Vec<Finding>);

/// Generate, probe and shrink on a blocking thread (proptest's value trees are not `Send`).
fn fuzz_blocking(
    handle: &tokio::runtime::Handle,
    session: Arc<Session>,
    case: &'static Case,
    shared: Arc<Mutex<Shared>>,
    user: &str,
    cases: u32,
    seed: [u8; 32],
) -> (u32, Option<FuzzFailure>) {
    let config = PropConfig {
        cases,
        failure_persistence: None,
        ..PropConfig::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let strategy = invalid_bodies();
    let mut requests = 0;
    let mut probe = |body: &[u8]| -> Vec<Finding> {
        let mut ctx = CaseCtx::new(session.clone(), case, shared.clone());
        let _ = handle.block_on(ctx.invalid_probe(user, body.to_vec(), false));
        requests += ctx.requests;
        // A rejected probe that wrote anyway leaves the value changed; put it back so the
        // next probe starts from the baseline.
        if !ctx.findings.is_empty() {
            let _ =
                handle.block_on(session.send(
                    Request::new("PUT", ctx.mfa_url(user)).json(&json!({"mfaEnabled": false})),
                ));
            requests += 1;
        }
        ctx.findings
    };
    for _ in 0..cases {
        let Ok(mut tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let original = tree.current();
        let findings = probe(&original);
        if findings.is_empty() {
            continue;
        }
        let (mut minimal, mut minimal_findings) = (original.clone(), findings);
        let mut budget = 64;
        if tree.simplify() {
            while budget > 0 {
                budget -= 1;
                let candidate = tree.current();
                let f = probe(&candidate);
                if f.is_empty() {
                    if !tree.complicate() {
                        break;
                    }
                } else {
                    minimal = candidate;
                    minimal_findings = f;
                    if !tree.simplify() {
                        break;
                    }
                }
            }
        }
        return (requests, Some((minimal, original, minimal_findings)));
    }
    (requests, None)
}

/// Bodies that are not a valid UserMFAEnabled: JSON values of every shape (with mfaEnabled
/// anything but a Boolean) and arbitrary bytes.
pub fn invalid_bodies() -> impl Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        "[ -~]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("true"),
            Just("false"),
            Just("1"),
            Just("0"),
            Just("yes")
        ]
        .prop_map(|s| json!(s)),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("mfaEnabled".to_string()), "[a-zA-Z_]{1,8}"],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let non_boolean = value
        .clone()
        .prop_filter("mfaEnabled must not be a Boolean", |v| !v.is_boolean())
        .prop_map(|v| json!({ "mfaEnabled": v }));
    prop_oneof![
        value.prop_map(|v| v.to_string().into_bytes()),
        non_boolean.prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..48),
    ]
    .prop_filter("not a valid body", |b| !is_valid_body(b))
}

/// Whether bytes are a JSON object with a Boolean `mfaEnabled`.
pub fn is_valid_body(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|v| v.get("mfaEnabled").map(Value::is_boolean))
        .unwrap_or(false)
}

fn schema_name(s: Schema) -> &'static str {
    match s {
        Schema::UserMfaEnabled => "UserMFAEnabled",
        Schema::P1Error => "P1Error",
        Schema::User => "User",
        Schema::Environment => "Environment",
    }
}

/// `application/json`, `application/hal+json` or any `+json` type, parameters allowed.
pub fn is_json_media_type(ct: &str) -> bool {
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == JSON_TYPE || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "(absent)".to_string(), Value::to_string)
}

fn show_opt(v: Option<&str>) -> String {
    v.map_or_else(|| "(absent)".to_string(), str::to_string)
}

/// Replace the API base, environment id and user id in every string with `{{apiPath}}`,
/// `{{envID}}` and `{{userID}}`, so one snapshot holds for the mock and for every region.
pub fn redact(v: &Value, api_url: &str, env: &str, user: &str) -> Value {
    match v {
        Value::String(s) => Value::String(
            s.replace(api_url, "{{apiPath}}")
                .replace(env, "{{envID}}")
                .replace(user, "{{userID}}"),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| redact(x, api_url, env, user)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), redact(x, api_url, env, user)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json;charset=UTF-8"));
        assert!(is_json_media_type("application/hal+json"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type(""));
    }

    #[test]
    fn valid_bodies_are_recognised() {
        assert!(is_valid_body(b"{\"mfaEnabled\": true}"));
        assert!(is_valid_body(b"{\"mfaEnabled\": false, \"x\": 1}"));
        assert!(!is_valid_body(b"{\"mfaEnabled\": \"true\"}"));
        assert!(!is_valid_body(b"[true]"));
        assert!(!is_valid_body(b""));
    }

    #[test]
    fn generated_bodies_are_never_valid() {
        let mut runner = TestRunner::deterministic();
        let s = invalid_bodies();
        for _ in 0..500 {
            let body = s.new_tree(&mut runner).expect("tree").current();
            assert!(
                !is_valid_body(&body),
                "{:?}",
                String::from_utf8_lossy(&body)
            );
        }
    }

    #[test]
    fn redaction_uses_placeholders() {
        let env = "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6";
        let user = "05ad3cc6-8723-4f85-9711-05ad549717f6";
        let links = json!({"self": {"href": format!("https://api.pingone.eu/v1/environments/{env}/users/{user}/mfaEnabled")}});
        assert_eq!(
            redact(&links, "https://api.pingone.eu/v1", env, user),
            json!({"self": {"href": "{{apiPath}}/environments/{{envID}}/users/{{userID}}/mfaEnabled"}})
        );
    }
}
