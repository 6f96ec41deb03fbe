//! The behaviour profile proves itself against the mock:
//!
//! - the committed `snapshots/profile__mock.snap` is what the bundled mock answers, run after
//!   run;
//! - each alternative switched on alone changes the profile in exactly the probes of its
//!   dimension, and the difference is told in words;
//! - a probe that breaks an invariant (a 5xx, a rejected write that changed the value) is
//!   reported as such, not as a mere change.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::{Alternatives, Fault, MockPingOne};
use pingone_mfa_conformance::suite::Session;
use pingone_mfa_conformance::suite::profile::{self, Profile, ProfileRun};

fn run_config() -> RunConfig {
    RunConfig {
        concurrency: 16,
        request_timeout: Duration::from_secs(10),
        ..RunConfig::default()
    }
}

async fn profile_of(mock: &MockPingOne) -> ProfileRun {
    let session = Session::for_mock(mock, run_config())
        .await
        .expect("session opens");
    profile::record(Arc::new(session)).await
}

async fn mock(alternatives: Alternatives, faults: &[Fault]) -> MockPingOne {
    MockPingOne::builder()
        .alternatives(alternatives)
        .faults(faults.iter().copied())
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

fn committed() -> Profile {
    let path = profile::snapshot_path(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), "mock");
    Profile::load(&path).expect("snapshots/profile__mock.snap is committed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_mock_answers_as_its_committed_profile_run_after_run() {
    let expected = committed();
    for _ in 0..3 {
        let m = mock(Alternatives::default(), &[]).await;
        let run = profile_of(&m).await;
        assert_eq!(run.violations, Vec::new());
        let changes = profile::diff(&expected, &run.profile);
        assert!(changes.is_empty(), "{}", profile::describe(&changes));
        assert_eq!(m.user_count(), 1, "the probes leave no user behind");
    }
}

/// Each alternative and the probes whose answer it changes.
fn dimensions() -> Vec<(&'static str, Alternatives, &'static [&'static str])> {
    vec![
        (
            "content-type-400",
            Alternatives {
                content_type_400: true,
                ..Alternatives::default()
            },
            &["MFA-PROBE-HDR-01", "MFA-PROBE-HDR-02"],
        ),
        (
            "reject-mfa-in-user-update",
            Alternatives {
                reject_mfa_in_user_update: true,
                ..Alternatives::default()
            },
            &["MFA-PROBE-USER-04", "MFA-PROBE-USER-05"],
        ),
        (
            "foreign-environment-404",
            Alternatives {
                foreign_environment_404: true,
                ..Alternatives::default()
            },
            &["MFA-PROBE-PATH-03"],
        ),
        (
            "non-uuid-400",
            Alternatives {
                non_uuid_400: true,
                ..Alternatives::default()
            },
            &["MFA-PROBE-PATH-02"],
        ),
        (
            "mfa-enabled-by-default",
            Alternatives {
                mfa_enabled_by_default: true,
                ..Alternatives::default()
            },
            &["MFA-PROBE-USER-01"],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_alternative_changes_the_profile_in_exactly_its_dimension() {
    let base = committed();
    let mut problems = Vec::new();
    for (flag, alternatives, probes) in dimensions() {
        let m = mock(alternatives, &[]).await;
        let run = profile_of(&m).await;
        assert_eq!(run.violations, Vec::new(), "{flag}");
        let changes = profile::diff(&base, &run.profile);
        let changed: BTreeSet<&str> = changes.iter().map(|c| c.probe.as_str()).collect();
        let expected: BTreeSet<&str> = probes.iter().copied().collect();
        if changed != expected {
            problems.push(format!(
                "--{flag}: changed {changed:?}, its dimension is {expected:?}:\n{}",
                profile::describe(&changes)
            ));
        }
        for c in &changes {
            let words = c.words();
            assert!(
                words.starts_with(&format!("{}: ", c.probe)) && words.contains(" now "),
                "--{flag}: {words}"
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_invariant_is_a_violation_not_a_change() {
    let m = mock(Alternatives::default(), &[Fault::PartialWriteOnReject]).await;
    let run = profile_of(&m).await;
    assert!(
        run.violations
            .iter()
            .any(|v| v.check == "a rejected request changes nothing"
                && v.probe.starts_with("MFA-PROBE-BOOL-")),
        "{:#?}",
        run.violations
    );
    let m = mock(Alternatives::default(), &[Fault::ServerErrorOnWrongType]).await;
    let run = profile_of(&m).await;
    let five_xx: BTreeSet<&str> = run
        .violations
        .iter()
        .filter(|v| v.check == "no 5xx for a client's request")
        .map(|v| v.probe)
        .collect();
    assert!(
        five_xx.contains("MFA-PROBE-BOOL-01"),
        "{:#?}",
        run.violations
    );
    // The faithful mock breaks none.
    let m = mock(Alternatives::default(), &[]).await;
    assert_eq!(profile_of(&m).await.violations, Vec::new());
}
