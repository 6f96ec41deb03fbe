//! A test user whose value cannot be put back fails the run, says so, and is put right by the
//! next run (issue 20).
//!
//! The conformance binary runs as a user would run it, through the `PINGONE_*` variables, against
//! the mock behind a gateway that lets MFA-EXISTING-01 toggle `PINGONE_TEST_USER_ID` once and
//! then refuses every PUT that would put its value back (403, as when a role is withdrawn
//! mid-run). The run must fail, name the user and its original value, and leave the state file;
//! the next run, with the gateway letting PUTs through again, puts the value back from that
//! file before anything else and says so.

#![cfg(unix)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::Method;
use axum::response::Response;
use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::suite::guard::ToggleState;
use pingone_mfa_conformance::suite::runner::RESTORE_CHECK;
use pingone_mfa_conformance::suite::{Outcome, Session, TargetInfo, Tier, cases, run_cases};
use support::binaries::conformance_binary;
use support::gateway::{self, Action};
use support::suite::{TempDir, run_config};

/// The target's refusal of a PUT: 403 with a P1Error, as PingOne answers a worker app without
/// the role.
fn refused() -> Response {
    Response::builder()
        .status(403)
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"id":"5d5bd4b6-8c2b-4c1e-9a47-2f3f0e4f8a11","code":"ACCESS_FAILED","message":"The request could not be completed. You do not have access to this resource."}"#,
        ))
        .expect("response")
}

/// Run the conformance binary's `filter` tests against `target` (the mock's credentials, its
/// seeded user as `PINGONE_TEST_USER_ID`), with its state files under `root`; waits for it.
async fn run(
    mock: &MockPingOne,
    target: &TargetInfo,
    root: &Path,
    filter: &str,
) -> (Output, String) {
    let mut cmd = Command::new(conformance_binary());
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PINGONE_DOTENV", root.join("no.env"))
        .env("CARGO_TARGET_DIR", root)
        .env("PINGONE_TARGET_KIND", "mock")
        .env("PINGONE_API_URL", &target.api_url)
        .env("PINGONE_AUTH_URL", &target.auth_url)
        .env("PINGONE_ENVIRONMENT_ID", mock.environment_id().to_string())
        .env("PINGONE_CLIENT_ID", mock.client_id())
        .env("PINGONE_CLIENT_SECRET", mock.client_secret().expose())
        .env("PINGONE_TEST_USER_ID", mock.seeded_users()[0].to_string())
        .env("PINGONE_REQUEST_TIMEOUT_SECS", "10")
        .env("PINGONE_RETRY_CAP_SECS", "1")
        .env_remove("PINGONE_RESULTS_DIR")
        .arg(filter);
    let output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("the conformance binary runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, log)
}

fn state_files(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root.join("pingone-conformance"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_restore_fails_the_run_and_the_next_run_puts_the_value_back() {
    let refusing = Arc::new(AtomicBool::new(true));
    let puts = Arc::new(AtomicUsize::new(0));
    let (gate, count) = (refusing.clone(), puts.clone());
    let (mock, target) = gateway::start(
        MockPingOne::builder().seed_user("existing-person", false),
        move |method, path| {
            let put_mfa = method == Method::PUT && path.ends_with("/mfaEnabled");
            // The first PUT toggles; every later one would put the value back.
            if put_mfa && gate.load(Ordering::SeqCst) && count.fetch_add(1, Ordering::SeqCst) > 0 {
                Action::Answer(refused())
            } else {
                Action::Forward
            }
        },
    )
    .await;
    let user = mock.seeded_users()[0];
    let root = TempDir::new("restore");

    let (first, log) = run(&mock, &target, root.path(), "existing_01").await;
    assert!(!first.status.success(), "the run must fail:\n{log}");
    assert!(
        puts.load(Ordering::SeqCst) >= 3,
        "the toggle, the case's own PUT back and the clean-up's were sent:\n{log}"
    );
    assert_eq!(mock.stored_mfa_enabled(user), Some(true), "left toggled");
    let restore_line = format!("could not restore mfaEnabled=false on test user {user}");
    assert!(
        log.contains(&restore_line),
        "names the user and its value:\n{log}"
    );
    let files = state_files(root.path());
    let [file] = files.as_slice() else {
        panic!("one state file is left: {files:?}\n{log}");
    };
    assert!(
        log.contains(&file.display().to_string()),
        "names the state file:\n{log}"
    );
    let state: ToggleState =
        serde_json::from_str(&std::fs::read_to_string(file).expect("state file")).expect("JSON");
    assert_eq!(
        (state.user_id.as_str(), state.original),
        (user.to_string().as_str(), false),
        "{state:?}"
    );

    // The target lets PUTs through again: the next run, whatever it runs, puts the value back
    // before anything else.
    refusing.store(false, Ordering::SeqCst);
    let (next, log) = run(&mock, &target, root.path(), "read_01").await;
    assert!(next.status.success(), "{log}");
    assert!(
        log.contains(&format!(
            "left PINGONE_TEST_USER_ID {user} with mfaEnabled toggled; restored it to false"
        )),
        "the next run says what it put right:\n{log}"
    );
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    assert!(state_files(root.path()).is_empty(), "{log}");
}

/// A restore answered 200 whose read-back shows the other value did not hold: the case fails
/// the restore check (a FAIL), it is not an ERROR. The gateway lets MFA-EXISTING-01's first PUT
/// through and answers every later one 200 without passing it on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_answered_200_that_did_not_hold_fails_the_restore_check() {
    let puts = Arc::new(AtomicUsize::new(0));
    let seen = puts.clone();
    let (mock, mut target) = gateway::start(
        MockPingOne::builder().seed_user("conformance-existing-user", false),
        move |method, path| {
            if method == Method::PUT
                && path.ends_with("/mfaEnabled")
                && seen.fetch_add(1, Ordering::SeqCst) > 0
            {
                Action::Answer(
                    Response::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .body(Body::from(r#"{"mfaEnabled":false}"#))
                        .expect("response"),
                )
            } else {
                Action::Forward
            }
        },
    )
    .await;
    let user = mock.seeded_users()[0];
    target.test_user_id = Some(user.to_string());
    let run = RunConfig {
        consistency_wait: Duration::from_millis(200),
        ..run_config()
    };
    let session = Arc::new(Session::open(target, run, None).await.expect("session"));
    let case = cases::by_id("MFA-EXISTING-01").expect("case");
    let result = run_cases(session, &[case]).await.remove(0);
    assert_eq!(
        mock.stored_mfa_enabled(user),
        Some(true),
        "the restore was dropped"
    );
    assert_eq!(result.outcome, Outcome::Fail, "{}", result.render());
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.check == RESTORE_CHECK && f.tier == Tier::Must),
        "{}",
        result.render()
    );
    assert!(
        puts.load(Ordering::SeqCst) >= 3,
        "the case's two PUTs and the restore"
    );
}
