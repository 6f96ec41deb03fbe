//! The behaviour profile proves itself against the mock:
//!
//! - the committed `snapshots/profile__mock.snap` is what the bundled mock answers, run after
//!   run;
//! - each alternative switched on alone changes the profile in exactly the probes of its
//!   dimension, and the difference is told in words;
//! - a mock started from a profile answers exactly that profile: the committed one, the
//!   profile of every combination of alternatives the self-test covers, and generated ones
//!   (proptest over the dimensions); `pingone-mock --profile` does the same from a file;
//! - a probe that breaks an invariant (a 5xx, a rejected write that changed the value) is
//!   reported as such, not as a mere change.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::profile::{alternatives_for, dimension};
use pingone_mfa_conformance::mock::{Alternative, Alternatives, Fault, MockPingOne};
use pingone_mfa_conformance::profile::{self, Profile};
use pingone_mfa_conformance::suite::Session;
use pingone_mfa_conformance::suite::profile::{self as probes, ProfileRun};

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
    probes::record(Arc::new(session)).await
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_alternative_changes_the_profile_in_exactly_its_dimension() {
    let base = committed();
    let mut problems = Vec::new();
    for &alternative in Alternative::ALL {
        let flag = alternative.flag();
        let probes = dimension(alternative).probes;
        let mut alternatives = Alternatives::default();
        alternatives.set(alternative, true);
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

/// Start a mock from `profile`, probe it, and return what it answers differently.
async fn served_differently(profile: &Profile) -> Vec<profile::Change> {
    let m = MockPingOne::builder()
        .profile(profile)
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts");
    probes::unserved(&m, profile).await.expect("probes run")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mock_started_from_the_committed_profile_answers_it() {
    let changes = served_differently(&committed()).await;
    assert!(changes.is_empty(), "{}", profile::describe(&changes));
}

/// Recording a profile from a mock with alternatives X, then serving it from a second mock,
/// gives the same profile, for every combination the self-test covers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_combination_round_trips_through_its_profile() {
    let mut problems = Vec::new();
    for alternatives in Alternatives::combinations() {
        let m = mock(alternatives, &[]).await;
        let recorded = profile_of(&m).await;
        assert_eq!(recorded.violations, Vec::new(), "{alternatives:?}");
        assert_eq!(
            alternatives_for(&recorded.profile),
            alternatives,
            "the profile shows exactly the alternatives that were on"
        );
        let changes = served_differently(&recorded.profile).await;
        if !changes.is_empty() {
            problems.push(format!(
                "{:?}:\n{}",
                alternatives.flags(),
                profile::describe(&changes)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 12,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// A profile generated over the dimensions, any of the 2^n combinations of alternatives
    /// (the self-test covers only a covering set past five): recorded from a mock with those
    /// alternatives on, it shows exactly them, and the mock started from it answers exactly it.
    #[test]
    fn generated_profiles_are_served_exactly(bits in proptest::collection::vec(proptest::bool::ANY, Alternative::ALL.len())) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let mut wanted = Alternatives::default();
            for (&a, &on) in Alternative::ALL.iter().zip(&bits) {
                wanted.set(a, on);
            }
            let generated = profile_of(&mock(wanted, &[]).await).await;
            proptest::prop_assert_eq!(&generated.violations, &Vec::new());
            proptest::prop_assert_eq!(alternatives_for(&generated.profile), wanted);
            let changes = served_differently(&generated.profile).await;
            proptest::prop_assert!(changes.is_empty(), "{}", profile::describe(&changes));
            Ok(())
        })?;
    }
}

#[test]
fn pingone_mock_starts_from_a_profile_file_and_says_it_serves_it() {
    use std::io::{BufRead, BufReader};
    let snap = profile::snapshot_path(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), "mock");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pingone-mock"))
        .args(["--port", "0", "--profile"])
        .arg(&snap)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("pingone-mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut said = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        let done = line.starts_with("Press Ctrl-C");
        said.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = said.join("\n");
    assert!(
        text.contains("profile: every one of its")
            && text.contains("probes is answered as recorded"),
        "{text}"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_pingone-mock"))
        .args(["--port", "0", "--profile", "Cargo.toml"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a behaviour profile"));
}

/// A target that stops answering gives probes without an answer (ERROR, inconclusive), not
/// broken invariants or a changed profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_stops_answering_leaves_probes_without_an_answer() {
    let m = mock(Alternatives::default(), &[]).await;
    let config = RunConfig {
        max_retries: 0,
        ..run_config()
    };
    let session = Session::for_mock(&m, config).await.expect("session opens");
    m.shutdown().await;
    let run = probes::record(Arc::new(session)).await;
    assert_eq!(
        run.violations.len(),
        probes::PROBES.len(),
        "{:#?}",
        run.violations
    );
    assert!(
        run.violations.iter().all(|v| v.no_answer),
        "{:#?}",
        run.violations
    );
    assert!(run.profile.entries.is_empty());
}
