//! The state of one running case ([`CaseCtx`]): sending and recording, URL builders, and the
//! set-up of test users.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Value, json};

use crate::http::{Exchange, Request, TransportError};

use super::cases::{
    Case, Evidence, Expect, Grade, JSON, Method, Tier, UserContent, Via, must, should,
};
use super::outcome::{CaseResult, Finding, Outcome};
use super::session::Session;

/// Users to delete and a value to restore, kept outside the case's task so that clean-up runs
/// even when the case panics.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub(super) created: Vec<String>,
    /// Users that may have been made but could not be found (lost Create User answers).
    pub(super) unknown: Vec<String>,
    pub(super) restore: Option<(String, bool)>,
    /// Set once a read-back of this case waited out the whole consistency window and the
    /// value never showed: the target is shown not to converge, so later read-backs of the
    /// case (each fuzz probe's included) read once instead of waiting the window again.
    pub(super) waited_out: bool,
    /// Users taken from the session's pool (src/suite/pool.rs), with the value each holds.
    pub(super) pooled: Vec<(String, bool)>,
    /// Whether a main request that may write was accepted (the pool's users are then deleted).
    pub(super) wrote: bool,
}

/// The shared clean-up list, even after a panic poisoned it.
pub(super) fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// A case stopped early; its findings say why.
#[derive(Debug)]
pub(super) struct Abort;

pub(super) type Step<T> = Result<T, Abort>;

/// The check of a server error that a retry turned into a client error.
pub const RETRIED_CLIENT_ERROR: &str = "no attempt answers a 5xx to a client error";

/// The check of a server error that a retry turned into another answer.
pub const RETRIED_ANSWER: &str = "a retried request is answered as it was first";

/// A client error is answered with a 4xx on every attempt, not with a 5xx first.
const NO_5XX_FOR_CLIENT_ERROR: Grade = must(Evidence::Invariant(
    "never a 5xx for a client error, on any attempt: the 4xx that a retry got says the request \
     was one",
));

/// A server error that goes away on retry: Ping's clients retry it, yet it is reported.
const SAME_ANSWER_ON_RETRY: Grade = should(Evidence::Inferred(
    "Ping's clients retry 500 and UNEXPECTED_ERROR (facts §11.4), so a server error that a retry \
     answers otherwise is survived, but it is the same request answered differently",
));

/// The state of one running case.
pub(super) struct CaseCtx {
    pub(super) session: Arc<Session>,
    pub(super) case: &'static Case,
    /// What the checker accepts: the row's [`Expect`], which a probe may narrow (the fuzzer
    /// tolerates a lenient answer to the bodies a Jackson-style binder coerces).
    pub(super) expect: Expect,
    pub(super) shared: Arc<Mutex<Shared>>,
    pub(super) findings: Vec<Finding>,
    pub(super) status: Option<u16>,
    pub(super) code: Option<String>,
    pub(super) links: Option<Value>,
    pub(super) skipped: Option<String>,
    /// Why the case is inconclusive (target unavailable), if it is.
    pub(super) error: Option<String>,
    pub(super) requests: u32,
    /// GET user of each user the case set up, right after set-up: what every later GET user
    /// must still show besides mfaEnabled.
    pub(super) snapshots: HashMap<String, Value>,
    /// Whether clean-up failed to delete or restore something: then neither SKIPPED nor a
    /// known deviation can stand for the case ([`Outcome::of`]).
    pub(super) left_behind: bool,
    /// Send each request once, a transient answer not retried (the fuzzer's shrinking probes,
    /// whose result is confirmed with retries at the end).
    pub(super) single_attempt: bool,
}

impl CaseCtx {
    pub(super) fn new(
        session: Arc<Session>,
        case: &'static Case,
        shared: Arc<Mutex<Shared>>,
    ) -> CaseCtx {
        CaseCtx {
            session,
            case,
            expect: case.expect,
            shared,
            findings: Vec::new(),
            status: None,
            code: None,
            links: None,
            skipped: None,
            error: None,
            requests: 0,
            snapshots: HashMap::new(),
            left_behind: false,
            single_attempt: false,
        }
    }

    pub(super) fn into_result(self, started: Instant, cleanup: Vec<String>) -> CaseResult {
        let c = self.case;
        let deviation = self.session.deviations.iter().find(|d| d.id == c.id);
        let outcome = Outcome::of(
            &self.findings,
            self.skipped,
            self.error,
            deviation.map(|d| d.reason),
            self.left_behind,
        );
        CaseResult {
            id: c.id.to_string(),
            area: c.area,
            tier: c.tier,
            evidence: c.evidence(),
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

    /// The case stopped early ([`Abort`]). Every stop names its cause: a finding (a set-up
    /// step the API refused, a check that had nothing to compare) or an unavailable target.
    /// A stop that names neither would leave a case that checked nothing looking like a pass:
    /// it is an ERROR instead.
    pub(super) fn stopped(&mut self) {
        if self.error.is_none() && !self.findings.iter().any(|f| f.tier == Tier::Must) {
            self.error = Some(format!(
                "the case stopped before its checks ran, without a finding or an unavailable \
                 target to say why ({} request(s) sent)",
                self.requests
            ));
        }
    }

    // ------------------------------------------------------------------ recording

    /// Record an unmet check, graded.
    pub(super) fn note(
        &mut self,
        grade: Grade,
        check: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        ex: Option<&Exchange>,
    ) {
        self.findings.push(Finding {
            tier: grade.tier,
            evidence: Some(grade.evidence.marker()),
            check: check.into(),
            context: Vec::new(),
            expected: expected.into(),
            actual: actual.into(),
            reproduce: ex.map(|e| e.request.curl()),
        });
    }

    /// Record a MUST finding that is no check of the API: a set-up step that failed, a panic.
    pub(super) fn note_unjudged(
        &mut self,
        check: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        ex: Option<&Exchange>,
    ) {
        self.findings.push(Finding {
            tier: Tier::Must,
            evidence: None,
            check: check.into(),
            context: Vec::new(),
            expected: expected.into(),
            actual: actual.into(),
            reproduce: ex.map(|e| e.request.curl()),
        });
    }

    /// Add `context` to the findings recorded since the first `since` (a count of
    /// findings): what this run adds to their checks' names ([`Finding::context`]).
    pub(super) fn add_context(&mut self, since: usize, context: &str) {
        for f in self.findings.iter_mut().skip(since) {
            f.context.push(context.to_string());
        }
    }

    pub(super) fn ensure(
        &mut self,
        ok: bool,
        grade: Grade,
        check: &str,
        expected: impl Into<String>,
        actual: impl FnOnce() -> String,
        ex: Option<&Exchange>,
    ) -> bool {
        if !ok {
            self.note(grade, check, expected, actual(), ex);
        }
        ok
    }

    /// Send a set-up or read-back request (counted, not recorded as the case's answer). No
    /// answer, or an answer of the infrastructure in front of the API rather than of the API
    /// ([`Exchange::unavailable`]), stops the case as inconclusive ([`Outcome::Error`]), not failed.
    /// A server error of the API that turned into another answer on retry is noted
    /// ([`CaseCtx::note_retried`]).
    pub(super) async fn send(&mut self, req: Request) -> Step<Exchange> {
        self.requests += 1;
        let req = if self.single_attempt {
            req.retry_safe(false)
        } else {
            req
        };
        let result = self.session.send(req).await;
        self.answered(result)
    }

    /// Send a request with `token` instead of the session's (counted, not recorded as the
    /// case's answer); the recorded request shows `$TOKEN`, never the token. Judged as
    /// [`CaseCtx::send`] judges.
    pub(super) async fn send_with_bearer(
        &mut self,
        req: Request,
        token: &crate::secret::Secret,
    ) -> Step<Exchange> {
        self.requests += 1;
        let result = self.session.send_with_bearer(req, token).await;
        self.answered(result)
    }

    /// [`CaseCtx::send_with_bearer`] with the read-only worker's token, taken when the request
    /// has its place in the window ([`Session::send_readonly`]).
    pub(super) async fn send_as_readonly(&mut self, req: Request) -> Step<Exchange> {
        self.requests += 1;
        let result = self.session.send_readonly(req).await;
        self.answered(result)
    }

    /// The API's answer, or the case stopped as inconclusive when the target did not give one.
    fn answered(&mut self, result: Result<Exchange, TransportError>) -> Step<Exchange> {
        match result {
            Ok(ex) => {
                self.note_retried(&ex);
                match ex.unavailable() {
                    None => Ok(ex),
                    Some(why) => {
                        let retries = match ex.retries {
                            0 => String::new(),
                            1 => " (after 1 retry)".to_string(),
                            n => format!(" (after {n} retries)"),
                        };
                        self.error = Some(format!(
                            "{} {}: {why}{retries}: {}",
                            ex.request.method,
                            ex.request.url,
                            self.summary(&ex)
                        ));
                        Err(Abort)
                    }
                }
            }
            Err(e) => {
                self.error = Some(e.to_string());
                Err(Abort)
            }
        }
    }

    /// Note the server errors the API answered `ex`'s request on earlier attempts that were
    /// retried into another answer ([`Exchange::earlier_server_errors`]): a MUST failure when
    /// the last answer is a client error (a 5xx for a client error, whichever attempt it came
    /// on), else a SHOULD warning (the same request answered differently). A 404 to a repeated
    /// DELETE is what a DELETE that did succeed the first time leaves: only a warning.
    pub(super) fn note_retried(&mut self, ex: &Exchange) {
        let errors = ex.earlier_server_errors();
        if errors.is_empty() {
            return;
        }
        let before: Vec<String> = errors
            .iter()
            .map(|e| format!("attempt {}: {}", e.retries + 1, self.summary(e)))
            .collect();
        let actual = format!(
            "{}; then attempt {}: {}",
            before.join("; "),
            ex.retries + 1,
            self.summary(ex)
        );
        let client_error = (400..500).contains(&ex.status)
            && !matches!(ex.status, 408 | 429)
            && !(ex.request.method == "DELETE" && ex.status == 404);
        if client_error {
            self.note(
                NO_5XX_FOR_CLIENT_ERROR,
                RETRIED_CLIENT_ERROR,
                format!("HTTP {} (or another 4xx) on every attempt", ex.status),
                actual,
                Some(ex),
            );
        } else {
            self.note(
                SAME_ANSWER_ON_RETRY,
                RETRIED_ANSWER,
                "the same answer on every attempt",
                actual,
                Some(ex),
            );
        }
    }

    /// Send the case's main request and record its status and error code for the report.
    pub(super) async fn send_main(&mut self, req: Request) -> Step<Exchange> {
        let ex = self.send(req).await?;
        self.record(&ex);
        Ok(ex)
    }

    /// Record `ex` as the case's main answer: its status and, for an error, its `code`.
    pub(super) fn record(&mut self, ex: &Exchange) {
        self.status = Some(ex.status);
        if ex.request.method != "GET" && (200..300).contains(&ex.status) {
            lock(&self.shared).wrote = true;
        }
        self.code = ex
            .json()
            .filter(|_| ex.status >= 400)
            .and_then(|j| j.get("code").and_then(Value::as_str).map(str::to_string));
    }

    // ------------------------------------------------------------------ requests

    pub(super) fn mfa_url(&self, user: &str) -> String {
        self.session.env_url(&format!("/users/{user}/mfaEnabled"))
    }

    pub(super) fn user_url(&self, user: &str) -> String {
        self.session.env_url(&format!("/users/{user}"))
    }

    /// PUT .../mfaEnabled `{"mfaEnabled": value}`.
    pub(super) fn put_value(&self, user: &str, value: bool) -> Request {
        self.request(Method::Put, &self.mfa_url(user))
            .json(&json!({ "mfaEnabled": value }))
    }

    /// PUT `{"mfaEnabled": true}` or GET, on .../mfaEnabled.
    pub(super) fn via(&self, via: Via, user: &str) -> Request {
        match via {
            Via::Put => self.put_value(user, true),
            Via::Get => self.request(Method::Get, &self.mfa_url(user)),
        }
    }

    /// A request without a body. Every request the cases send may be repeated after a
    /// transient answer (setting the same value twice, a rejected method, a read), except
    /// Create User, which would make a second user (see [`CaseCtx::create_user`]).
    pub(super) fn request(&self, method: Method, url: &str) -> Request {
        let creates = method == Method::Post && url.ends_with("/users");
        Request::new(method.as_str(), url).retry_safe(!creates)
    }

    /// POST users; a created user is registered for deletion at once.
    ///
    /// Create User is not repeatable: sent twice it would make two users. So when its answer is
    /// lost (no answer, a dropped connection, a gateway's or a transient answer such as a 502 or
    /// `UNEXPECTED_ERROR`), the user it may have made is looked up by its username and
    /// registered for deletion, and a *new* user, with a new username, is asked for instead, at
    /// most `PINGONE_MAX_RETRIES` times. A lost user the lookup cannot see is named as a
    /// clean-up problem (`conformance-report sweep` deletes it). The last lost answer makes the
    /// case an ERROR.
    pub(super) async fn create_user(
        &mut self,
        mfa: Option<bool>,
        content: UserContent,
    ) -> Step<(Option<String>, Exchange)> {
        let mut attempt = 0;
        loop {
            let stem = self.case.id.trim_start_matches("MFA-").to_ascii_lowercase();
            let (username, mut body) = super::session::new_user(&stem);
            if let Some(p) = &self.session.target.population_id {
                body["population"] = json!({ "id": p });
            }
            if let Some(m) = mfa {
                body["mfaEnabled"] = json!(m);
            }
            let req = self
                .request(Method::Post, &self.session.env_url("/users"))
                .body(body.to_string().into_bytes())
                .header("Content-Type", content.media_type());
            self.requests += 1;
            let result = self.session.send(req).await;
            let lost = match &result {
                Ok(ex) => ex.unavailable().is_some() || ex.is_transient(),
                // A refused certificate is no lost answer: nothing reached the server.
                Err(e) => !e.certificate,
            };
            if lost {
                let not_sent = matches!(&result, Err(e) if e.not_sent);
                if !not_sent {
                    self.adopt_lost_user(&username).await;
                }
                if attempt < self.session.run.max_retries {
                    let retry_after = result
                        .as_ref()
                        .ok()
                        .and_then(|ex| ex.header("retry-after").map(str::to_string));
                    let wait = crate::http::retry_delay(
                        retry_after.as_deref(),
                        attempt,
                        self.session.run.retry_cap,
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            let ex = match result {
                Ok(ex) => ex,
                Err(e) => {
                    self.error = Some(e.to_string());
                    return Err(Abort);
                }
            };
            if let Some(why) = ex.unavailable() {
                self.error = Some(format!(
                    "{} {}: {why} (after {attempt} new attempts): {}",
                    ex.request.method,
                    ex.request.url,
                    self.summary(&ex)
                ));
                return Err(Abort);
            }
            let id = ex
                .json()
                .filter(|_| (200..300).contains(&ex.status))
                .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string));
            if let Some(id) = &id {
                lock(&self.shared).created.push(id.clone());
            }
            return Ok((id, ex));
        }
    }

    /// After a lost Create User answer: find the user it may have made and register it for
    /// deletion, or say that the sweep has to find it.
    async fn adopt_lost_user(&mut self, username: &str) {
        self.requests += 1;
        match self.session.find_user(username).await {
            Ok(Some(id)) => lock(&self.shared).created.push(id),
            Ok(None) => {}
            Err(e) => lock(&self.shared).unknown.push(format!(
                "Create User's answer for {username} was lost and the user list could not be \
                 read ({e}); if the user was made, `conformance-report sweep` deletes it"
            )),
        }
    }

    /// Set-up: a new user whose stored value is `baseline` (created with it, read back, and
    /// corrected with a PUT if the server chose otherwise). One read serves both set-up needs:
    /// GET user is the snapshot of the side-effect checks and shows the stored mfaEnabled
    /// (GET .../mfaEnabled is read only when it does not).
    pub(super) async fn user_with(&mut self, baseline: bool) -> Step<String> {
        let (id, ex) = self.create_user(Some(baseline), UserContent::Json).await?;
        let Some(id) = id else {
            self.note_unjudged(
                "set-up: Create User",
                "HTTP 201 with a User id",
                self.summary(&ex),
                Some(&ex),
            );
            return Err(Abort);
        };
        self.snapshot(&id).await?;
        let shown = self
            .snapshots
            .get(&id)
            .and_then(|user| user.get("mfaEnabled"))
            .and_then(Value::as_bool);
        let stored = match shown {
            Some(value) => Some(value),
            None => self.read_value(&id).await?,
        };
        if stored != Some(baseline) {
            let ex = self.send(self.put_value(&id, baseline)).await?;
            if !(200..300).contains(&ex.status) {
                self.note_unjudged(
                    "set-up: PUT .../mfaEnabled",
                    "HTTP 200",
                    self.summary(&ex),
                    Some(&ex),
                );
                return Err(Abort);
            }
            // The snapshot is of the user as the case finds it, after the set-up's write.
            self.snapshot(&id).await?;
        }
        Ok(id)
    }

    /// Set-up: a new user per value of `baselines` ([`CaseCtx::user_with`]), made side by side;
    /// the users in the order of `baselines`.
    pub(super) async fn users_with(&mut self, baselines: &[bool]) -> Step<Vec<String>> {
        let mut set = tokio::task::JoinSet::new();
        for (i, &baseline) in baselines.iter().enumerate() {
            let mut ctx = CaseCtx::new(self.session.clone(), self.case, self.shared.clone());
            set.spawn(async move {
                let user = ctx.user_with(baseline).await;
                (i, user, ctx)
            });
        }
        let mut users: Vec<Option<String>> = vec![None; baselines.len()];
        while let Some(done) = set.join_next().await {
            let Ok((i, user, ctx)) = done else {
                self.note_unjudged("set-up: the test users", "no panic", "panic", None);
                continue;
            };
            self.requests += ctx.requests;
            self.findings.extend(ctx.findings);
            self.snapshots.extend(ctx.snapshots);
            if self.error.is_none() {
                self.error = ctx.error;
            }
            users[i] = user.ok();
        }
        users.into_iter().collect::<Option<Vec<_>>>().ok_or(Abort)
    }

    /// GET .../mfaEnabled without checks (set-up).
    pub(super) async fn read_value(&mut self, user: &str) -> Step<Option<bool>> {
        let ex = self
            .send(self.request(Method::Get, &self.mfa_url(user)))
            .await?;
        Ok(ex
            .json()
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool)))
    }

    /// GET .../mfaEnabled for clean-up: the value, or `None` on any problem (no finding).
    pub(super) async fn quiet_read(&self, user: &str) -> Option<bool> {
        let ex = self
            .session
            .send(self.request(Method::Get, &self.mfa_url(user)))
            .await
            .ok()?;
        ex.json()
            .filter(|_| ex.status == 200)
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool))
    }

    /// Say on each reproduce line that names one of `deleted` that clean-up has since deleted
    /// that user, so that a reader does not run it against a user that no longer exists.
    pub(super) fn mark_deleted(&mut self, deleted: &[String]) {
        for f in &mut self.findings {
            let Some(line) = &mut f.reproduce else {
                continue;
            };
            for user in deleted {
                if line.contains(user.as_str()) {
                    line.push_str(&format!(
                        " # user {user} was deleted by clean-up after the case: create a user \
                         and put its id here to reproduce"
                    ));
                }
            }
        }
    }

    /// PUT `body` on .../mfaEnabled with Content-Type `content_type` (`None`: no header).
    pub(super) fn put_raw(&self, user: &str, body: &[u8], content_type: Option<&str>) -> Request {
        let req = self
            .request(Method::Put, &self.mfa_url(user))
            .body(body.to_vec());
        match content_type {
            Some(ct) => req.header("Content-Type", ct),
            None => req,
        }
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
    essence == JSON || (essence.starts_with("application/") && essence.ends_with("+json"))
}
