//! Test users that cases share (src/suite/pool.rs, issue 18): cases that only send what a
//! server must refuse, or read, take their users from the session's pool; a case that ended
//! clean hands them to the next one, a case that found anything deletes the users it took, and
//! when no case runs any more the pool's users are deleted. A shared user that cannot be
//! deleted is a problem of the run, which the last test of `cargo test --test conformance`
//! fails on.

mod support;

use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;

use pingone_mfa_conformance::mock::{Fault, MockPingOne};
use pingone_mfa_conformance::suite::{CaseResult, Outcome, Session, bundled_mock};
use support::binaries::{StandaloneMock, run_conformance};
use support::suite::{TempDir, not_passed, run_config};

async fn run(mock: &MockPingOne, ids: &[&str]) -> (Arc<Session>, Vec<CaseResult>) {
    let run = RunConfig {
        // A read-back that never shows the value fails fast.
        consistency_wait: Duration::from_millis(200),
        ..run_config()
    };
    support::suite::run_ids(mock, run, ids).await
}

/// Whom each successful Delete User served: a case, or none (the pool, after the last case).
fn deleted_by(session: &Session) -> Vec<Option<String>> {
    session
        .requests()
        .records()
        .into_iter()
        .filter(|r| r.operation == "DELETE user" && r.status == "2xx")
        .map(|r| r.case)
        .collect()
}

/// The successful requests of one operation.
fn count(session: &Session, operation: &str) -> usize {
    session
        .requests()
        .records()
        .iter()
        .filter(|r| r.operation == operation && r.status == "2xx")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_cases_share_their_users_and_the_last_deletes_them() {
    let mock = bundled_mock().start().await.expect("mock starts");
    // 26 cases of two users each, one of each value: 52 users without the pool.
    let ids: Vec<String> = (1..=26).map(|n| format!("MFA-INVALID-{n:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (session, results) = run(&mock, &ids).await;
    assert!(
        not_passed(&results).is_empty(),
        "{:#?}",
        not_passed(&results)
    );
    let created = count(&session, "Create User");
    assert!(
        created <= 2 * 8,
        "at most 8 users of each value exist at once, and they are shared: {created} created"
    );
    assert_eq!(
        count(&session, "DELETE user"),
        created,
        "every user deleted"
    );
    assert_eq!(mock.user_count(), 0, "nothing left behind");
    assert!(session.pool_problems().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_that_found_something_deletes_the_users_it_took_itself() {
    // Clean: MFA-READ-01's user goes back to the pool, and the pool deletes it once no case
    // runs: the case's own clean-up deletes nothing.
    let mock = bundled_mock().start().await.expect("mock starts");
    let (session, results) = run(&mock, &["MFA-READ-01"]).await;
    assert_eq!(results[0].outcome, Outcome::Pass, "{}", results[0].render());
    assert_eq!(deleted_by(&session), [None], "the pool deleted it");
    assert_eq!(mock.user_count(), 0);

    // A finding: the user may hold anything now, so the case deletes it, and no other case
    // gets it. The case's result counts the DELETE among its requests.
    let faulty = bundled_mock()
        .fault(Fault::ValueAsString)
        .start()
        .await
        .expect("mock starts");
    let clean_session = session;
    let (session, results) = run(&faulty, &["MFA-READ-01"]).await;
    assert_eq!(results[0].outcome, Outcome::Fail, "{}", results[0].render());
    assert_eq!(count(&session, "DELETE user"), 1);
    assert_eq!(faulty.user_count(), 0);
    assert_eq!(deleted_by(&session), [Some("MFA-READ-01".to_string())]);
    assert!(clean_session.pool_problems().is_empty() && session.pool_problems().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_user_that_cannot_be_deleted_is_a_problem_of_the_run() {
    let mock = bundled_mock()
        .fault(Fault::DeleteUserFails)
        .start()
        .await
        .expect("mock starts");
    let (session, results) = run(&mock, &["MFA-READ-01"]).await;
    // The case itself deleted nothing: it passes, and the run holds the problem.
    assert_eq!(results[0].outcome, Outcome::Pass, "{}", results[0].render());
    let problems = session.pool_problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("could not delete shared test user")
            && problems[0].contains("conformance-report sweep --delete"),
        "{problems:?}"
    );
    assert_eq!(mock.user_count(), 1, "the fault kept it");
}

#[test]
fn the_conformance_run_fails_on_a_shared_user_left_behind() {
    let mock = StandaloneMock::start(&["--fault", "delete-user-fails"]);
    let dir = TempDir::new("pool");
    // The failing Delete User is a 500, which is not retried here (a retried one only waits).
    let no_retries = [("PINGONE_MAX_RETRIES", "0")];
    let (ok, said) = run_conformance(&mock, dir.path(), &no_retries, &["--exact", "read_01"]);
    assert!(!ok, "the run must fail:\n{said}");
    assert!(said.contains("could not delete shared test user"), "{said}");
    assert!(said.contains("1 failed"), "{said}");
}
