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

use super::cases::{Case, Method};
use super::ctx::{CaseCtx, Shared, lock};
use super::session::Session;

pub use super::areas::redact;
pub use super::cases::CODES_400;
pub use super::ctx::is_json_media_type;
pub use super::fuzz::{invalid_bodies, is_valid_body};
pub use super::outcome::{CaseResult, Finding, Outcome};

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
    let mut ctx = match task.await {
        Ok(ctx) => ctx,
        Err(e) => panicked(session, case, shared.clone(), e),
    };
    let cleanup = clean_up(&mut ctx, &shared).await;
    ctx.into_result(started, cleanup)
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

/// Restore the test user and delete the case's users. Each failure makes the case an ERROR
/// (unless it already failed its contract), which fails the run and names the failure in the
/// report, and is a line of `cleanup`.
async fn clean_up(ctx: &mut CaseCtx, shared: &Mutex<Shared>) -> Vec<String> {
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
            Ok(ex) if ex.status == 200 => Ok(()),
            Ok(ex) => Err(ctx.summary(&ex)),
            Err(e) => Err(e.message),
        };
        let restored = match put {
            Ok(()) => {
                ctx.requests += 1;
                match ctx.quiet_read(&user).await {
                    Some(v) if v == value => Ok(()),
                    other => Err(format!(
                        "read back mfaEnabled {}",
                        other.map_or("(unreadable)".to_string(), |v| v.to_string())
                    )),
                }
            }
            Err(e) => Err(e),
        };
        match restored {
            Ok(()) => ctx.session.guard().restored(&user),
            Err(why) => {
                let problem = format!(
                    "could not restore mfaEnabled={value} on test user {user}: {why}; {}",
                    ctx.session.guard().restore_advice(&user)
                );
                clean_up_failed(ctx, &problem);
                problems.push(problem);
            }
        }
    }
    let mut deleted = Vec::new();
    for user in created {
        ctx.requests += 1;
        let req = ctx.request(Method::Delete, &ctx.user_url(&user)).clean_up();
        let failure = match ctx.session.send(req).await {
            Ok(ex) if ex.status == 204 || ex.status == 200 || ex.status == 404 => None,
            Ok(ex) => Some(ctx.summary(&ex)),
            Err(e) => Some(e.message),
        };
        match failure {
            None => deleted.push(user),
            Some(why) => {
                let problem = format!(
                    "could not delete user {user}: {why}; `conformance-report sweep --delete` \
                     removes it later"
                );
                clean_up_failed(ctx, &problem);
                problems.push(problem);
            }
        }
    }
    ctx.mark_deleted(&deleted);
    problems
}

/// A failed restore or delete: the case is an ERROR (a contract failure stays a FAIL), with the
/// failure as its reason.
fn clean_up_failed(ctx: &mut CaseCtx, problem: &str) {
    let reason = format!("clean-up failed: {problem}");
    ctx.error = Some(match ctx.error.take() {
        Some(earlier) => format!("{earlier}; {reason}"),
        None => reason,
    });
}
