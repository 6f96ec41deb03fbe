//! Orchestration: [`run_case`] and [`run_cases`] run cases against a [`Session`], each in its
//! own task, so a panic fails that case only; the users a case created are deleted and an
//! existing test user's value restored afterwards, whatever happened.
//!
//! The jobs around it live next door: the result model in `outcome.rs`, the per-case context in
//! `ctx.rs`, the one checker in `checker.rs`, each area's procedures in `areas/`, and the
//! fuzzer in `fuzz.rs`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::json;

use crate::http::Exchange;

use super::cases::{Case, Evidence, Grade, Method, must};
use super::ctx::{CaseCtx, Shared, lock};
use super::session::Session;
use super::sources::DOC_UPDATE;

pub use super::areas::redact;
pub use super::cases::CODES_400;
pub use super::ctx::is_json_media_type;
pub use super::fuzz::{invalid_bodies, is_valid_body};
pub use super::outcome::{CaseResult, Finding, Outcome};

/// Run one case and clean up after it.
pub async fn run_case(session: Arc<Session>, case: &'static Case) -> CaseResult {
    session.pool().enter();
    let started = Instant::now();
    let shared = Arc::new(Mutex::new(Shared::default()));
    let ctx = CaseCtx::new(session.clone(), case, shared.clone());
    let task = tokio::spawn(async move {
        let mut ctx = ctx;
        if ctx.perform().await.is_err() {
            ctx.stopped();
        }
        ctx
    });
    let mut ctx = match task.await {
        Ok(ctx) => ctx,
        Err(e) => panicked(session.clone(), case, shared.clone(), e),
    };
    // Shared users go back to the pool if the case ended clean, else are deleted with its own.
    let released = ctx.release_pooled();
    lock(&shared).created.extend(released);
    let cleanup = clean_up(&mut ctx, &shared).await;
    let result = ctx.into_result(started, cleanup);
    let drained = session.pool().leave();
    if !drained.is_empty() && !crate::http::is_stopping() {
        super::pool::drain(&session, drained).await;
    }
    result
}

/// Run several cases concurrently (the session's HTTP client bounds the requests in flight);
/// results come back in the order of `cases`.
pub async fn run_cases(session: Arc<Session>, cases: &[&'static Case]) -> Vec<CaseResult> {
    let handles: Vec<_> = cases
        .iter()
        .map(|&case| tokio::spawn(run_case(session.clone(), case)))
        .collect();
    let mut results = Vec::with_capacity(handles.len());
    for (handle, &case) in handles.into_iter().zip(cases) {
        match handle.await {
            Ok(r) => results.push(r),
            Err(e) => {
                let shared = Arc::new(Mutex::new(Shared::default()));
                let ctx = panicked(session.clone(), case, shared, e);
                results.push(ctx.into_result(Instant::now(), Vec::new()));
            }
        }
    }
    results
}

/// A fresh context for a case whose task panicked, with the panic as a MUST finding.
fn panicked(
    session: Arc<Session>,
    case: &'static Case,
    shared: Arc<Mutex<Shared>>,
    e: tokio::task::JoinError,
) -> CaseCtx {
    let mut ctx = CaseCtx::new(session, case, shared);
    let message = match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string()),
        Err(e) => e.to_string(),
    };
    ctx.note_unjudged("the case runs to completion", "no panic", message, None);
    ctx
}

/// Restore the test user and delete the case's users. What the API refuses (an answer of its
/// own other than success, or a success its read-back contradicts) is a MUST finding of the
/// case: the contract promises the answer, and the case left something behind ([`Outcome::of`] lets it win over SKIPPED and a known
/// deviation). What an unavailable target keeps from happening (no answer, a gateway's page)
/// makes the case an ERROR. Each problem is also a line of `cleanup`.
pub(super) async fn clean_up(ctx: &mut CaseCtx, shared: &Mutex<Shared>) -> Vec<String> {
    let (created, restore, unknown) = {
        let mut s = lock(shared);
        (
            std::mem::take(&mut s.created),
            s.restore.take(),
            std::mem::take(&mut s.unknown),
        )
    };
    let mut problems = unknown;
    if crate::http::is_stopping() {
        // Interrupted: the signal handler restores and deletes what this case left
        // (src/suite/guard.rs); every request from here would be refused.
        return problems;
    }
    if let Some((user, value)) = restore {
        let req = ctx
            .request(Method::Put, &ctx.mfa_url(&user))
            .json(&json!({ "mfaEnabled": value }))
            .clean_up();
        ctx.requests += 1;
        let put = match ctx.session.send(req).await {
            Ok(ex) if ex.status == 200 => {
                ctx.note_retried(&ex);
                Ok(())
            }
            Ok(ex) => Err(refused_or_unavailable(ctx, ex)),
            Err(e) => Err(Refusal::Unavailable(e.message)),
        };
        let restored = match put {
            Ok(()) => {
                ctx.requests += 1;
                match ctx.quiet_read(&user).await {
                    Some(v) if v == value => Ok(()),
                    // The API said it stored the value and then showed another: a finding.
                    Some(v) => Err(Refusal::Refused(
                        format!("HTTP 200, yet read back mfaEnabled {v}"),
                        None,
                    )),
                    None => Err(Refusal::Unavailable(
                        "read back mfaEnabled (unreadable)".to_string(),
                    )),
                }
            }
            Err(e) => Err(e),
        };
        match restored {
            Ok(()) => ctx.session.guard().restored(&user),
            Err(why) => {
                let problem = format!(
                    "could not restore mfaEnabled={value} on test user {user}: {}; {}",
                    why.text(),
                    ctx.session.guard().restore_advice(&user)
                );
                clean_up_failed(ctx, &problem, why, RESTORE_CHECK, RESTORED);
                problems.push(problem);
            }
        }
    }
    let mut deleted = Vec::new();
    for user in created {
        ctx.requests += 1;
        let req = ctx.request(Method::Delete, &ctx.user_url(&user)).clean_up();
        let failure = match ctx.session.send(req).await {
            Ok(ex) if ex.status == 204 || ex.status == 200 || ex.status == 404 => {
                ctx.note_retried(&ex);
                None
            }
            Ok(ex) => Some(refused_or_unavailable(ctx, ex)),
            Err(e) => Some(Refusal::Unavailable(e.message)),
        };
        match failure {
            None => deleted.push(user),
            Some(why) => {
                let problem = format!(
                    "could not delete user {user}: {}; `conformance-report sweep --delete` \
                     removes it later",
                    why.text()
                );
                clean_up_failed(ctx, &problem, why, DELETE_CHECK, DELETED);
                problems.push(problem);
            }
        }
    }
    ctx.mark_deleted(&deleted);
    problems
}

/// The check a refused Delete User fails.
pub const DELETE_CHECK: &str = "clean-up: Delete User answers 204 and removes the user";

/// The check a refused restore of the test user's value fails.
pub const RESTORE_CHECK: &str = "clean-up: PUT .../mfaEnabled restores the test user's value";

/// SPEC: Delete User answers 204 (facts §5).
const DELETED: Grade = must(Evidence::Spec(
    "Delete User answers 204 (facts §5, SPEC); a user the suite made is removed again",
));

/// DOC: PUT .../mfaEnabled answers 200 and stores the value (facts §1.1).
const RESTORED: Grade = must(Evidence::Doc(DOC_UPDATE));

/// Why a clean-up request did not do its job.
enum Refusal {
    /// The API answered, and not with success (or a success the read-back contradicts): the
    /// answer (and the exchange, to reproduce, when one answer is the refusal).
    Refused(String, Option<Box<Exchange>>),
    /// No answer, a gateway's page or a read that failed: the cause.
    Unavailable(String),
}

impl Refusal {
    fn text(&self) -> &str {
        match self {
            Refusal::Refused(why, _) | Refusal::Unavailable(why) => why,
        }
    }
}

/// An answer that is not a success: the API's refusal, or the target's absence.
fn refused_or_unavailable(ctx: &CaseCtx, ex: Exchange) -> Refusal {
    match ex.unavailable() {
        Some(why) => Refusal::Unavailable(format!("{why}: {}", ctx.summary(&ex))),
        None => Refusal::Refused(ctx.summary(&ex), Some(Box::new(ex))),
    }
}

/// A failed restore or delete: a MUST finding of `check` at `grade` when the API refused it,
/// else the case is an ERROR (a contract failure stays a FAIL), with the failure as its
/// reason. Either way the case left something behind.
fn clean_up_failed(ctx: &mut CaseCtx, problem: &str, why: Refusal, check: &str, grade: Grade) {
    ctx.left_behind = true;
    match why {
        Refusal::Refused(answer, ex) => {
            ctx.note(grade, check, "success", answer, ex.as_deref());
        }
        Refusal::Unavailable(_) => {
            let reason = format!("clean-up failed: {problem}");
            ctx.error = Some(match ctx.error.take() {
                Some(earlier) => format!("{earlier}; {reason}"),
                None => reason,
            });
        }
    }
}
