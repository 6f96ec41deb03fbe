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
//!   reported as such, not as a mere change;
//! - a profile belongs to its tenant: no committed profile but the mock's was recorded from a
//!   mock, and a team's first contact with its own sandbox (a standalone mock with an
//!   alternative, configured as a tenant, driven through the conformance binary as a user
//!   would) records, passes, notices a change in one open question as CHANGED with since when,
//!   and in CI refuses to record with one message.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::profile::{alternatives_for, dimension, untold};
use pingone_mfa_conformance::mock::{Alternative, Alternatives, Fault, MockPingOne};
use pingone_mfa_conformance::profile::{self, Profile};
use pingone_mfa_conformance::suite::Session;
use pingone_mfa_conformance::suite::profile::{self as probes, ProfileRun};
use support::binaries::{run_conformance, run_profile};

mod support;

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
    let path = profile::snapshot::snapshot_path(&profile::snapshot::default_dir(), "mock");
    Profile::load(&path).expect("snapshots/profile__mock.snap is committed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_mock_answers_as_its_committed_profile_run_after_run() {
    let expected = committed();
    assert_eq!(
        untold(&expected),
        Vec::new(),
        "the bundled mock tells every dimension"
    );
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

/// Which strings and numbers a target coerces is part of its profile: a lenient target that
/// starts storing `"false"` and `0` as true changes exactly the probes that send them, each
/// told in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_coercion_shows_in_exactly_the_probes_it_touches() {
    let mut lenient = Alternatives::default();
    lenient.set(Alternative::LenientBooleans, true);
    let before = profile_of(&mock(lenient, &[]).await).await;
    assert_eq!(before.violations, Vec::new());
    let faults = [Fault::LenientFalseAsTrue, Fault::LenientZeroAsTrue];
    let after = profile_of(&mock(lenient, &faults).await).await;
    assert_eq!(after.violations, Vec::new(), "answered and stored alike");
    let changes = profile::diff(&before.profile, &after.profile);
    let changed: BTreeSet<&str> = changes.iter().map(|c| c.probe.as_str()).collect();
    assert_eq!(
        changed,
        BTreeSet::from([
            "MFA-PROBE-BOOL-03",
            "MFA-PROBE-BOOL-05",
            "MFA-PROBE-BOOL-10"
        ]),
        "{}",
        profile::describe(&changes)
    );
    for c in &changes {
        assert!(
            c.words().ends_with(
                "was accepted with 200; stored as false; now accepted with 200; nothing changed"
            ),
            "{}",
            c.words()
        );
    }
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

/// `alternatives` as far as `profile` shows them: an alternative its probes do not tell
/// (`untold`: `--error-id-optional` where no probe drew a 403, 429 or 5xx, say) stays off in
/// a mock started from it, which serves the profile all the same.
fn as_told(mut alternatives: Alternatives, profile: &Profile) -> Alternatives {
    for a in untold(profile) {
        alternatives.set(a, false);
    }
    alternatives
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
            as_told(alternatives, &recorded.profile),
            "the profile shows exactly the alternatives that were on, of those it tells"
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
            proptest::prop_assert_eq!(
                alternatives_for(&generated.profile),
                as_told(wanted, &generated.profile)
            );
            let changes = served_differently(&generated.profile).await;
            proptest::prop_assert!(changes.is_empty(), "{}", profile::describe(&changes));
            Ok(())
        })?;
    }
}

#[test]
fn pingone_mock_starts_from_a_profile_file_and_says_it_serves_it() {
    let snap = profile::snapshot::snapshot_path(&profile::snapshot::default_dir(), "mock");
    let text = mock_from_profile(&snap);
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

/// A lenient tenant's profile (Jackson's Boolean coercion, 403 bodies without `id`), recorded
/// and written as a snapshot file: `pingone-mock --profile` switches on exactly
/// `--lenient-booleans --error-id-optional` and answers every probe as recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pingone_mock_started_from_a_lenient_tenants_profile_behaves_like_it() {
    let mut lenient = Alternatives::default();
    lenient.set(Alternative::LenientBooleans, true);
    lenient.set(Alternative::ErrorIdOptional, true);
    let tenant = profile_of(&mock(lenient, &[]).await).await;
    assert_eq!(tenant.violations, Vec::new());
    let coerced = tenant.profile.class("MFA-PROBE-BOOL-10").expect("BOOL-10");
    assert_eq!(
        (coerced.status, coerced.stored),
        (200, Some(profile::Stored::SetFalse)),
        "\"FALSE\" is stored as false"
    );
    let foreign = tenant.profile.class("MFA-PROBE-PATH-03").expect("PATH-03");
    assert_eq!(
        (foreign.status, foreign.body.as_str()),
        (403, "{code, details, message}")
    );
    let dir = support::suite::TempDir::new("lenient-profile");
    let path = dir.path().join("profile__lenient.snap");
    let file = profile::snapshot::snapshot_file("lenient", &tenant.profile.to_document());
    std::fs::write(&path, file).expect("write the profile");
    let banner = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || mock_from_profile(&path))
            .await
            .expect("banner")
    };
    assert!(
        banner.contains("alternatives on   lenient-booleans, error-id-optional\n"),
        "{banner}"
    );
    assert!(
        banner.contains(&format!(
            "profile: every one of its {} probes is answered as recorded",
            tenant.profile.entries.len()
        )),
        "{banner}"
    );
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

/// Every committed profile but the bundled mock's was recorded from a tenant: a profile must
/// only ever be a recording of the tenant it is named for.
#[test]
fn no_committed_tenant_profile_was_recorded_from_a_mock() {
    let dir = profile::snapshot::default_dir();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("snapshots/").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = file
            .strip_prefix("profile__")
            .and_then(|f| f.strip_suffix(".snap"))
        else {
            continue;
        };
        if name == "mock" {
            continue;
        }
        match Profile::load(&entry.path()) {
            Ok(p) => {
                if let Some(why) = profile::snapshot::not_a_tenant_recording(&p) {
                    problems.push(format!("snapshots/{file}: {why}"));
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    assert!(
        problems.is_empty(),
        "a tenant's profile must be recorded from that tenant; delete these and record each \
         against its tenant (README, \"The behaviour profile\"):\n{}",
        problems.join("\n")
    );
    // The check can fail: the mock's own profile, under a tenant's name, is refused.
    let mock = committed();
    let why = profile::snapshot::not_a_tenant_recording(&mock).expect("the mock's is refused");
    assert!(why.contains("recorded from a mock: 127.0.0.1:"), "{why}");
}

/// The profile files in `dir`.
fn profiles_in(dir: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with("profile__") && f.ends_with(".snap"))
        .collect()
}

/// Issue 20's first contact: from snapshots holding only the mock's profile, against a
/// tenant-like server that differs from the mock.
#[test]
fn first_contact_records_passes_then_tells_a_change_and_since_when() {
    let temp = support::suite::TempDir::new("profile-first-contact");
    let dir = temp.path().to_path_buf();
    let mock_snap = profile::snapshot::snapshot_path(&profile::snapshot::default_dir(), "mock");
    std::fs::copy(&mock_snap, dir.join("profile__mock.snap")).expect("copy");
    let today = profile::snapshot::today();
    let environment = "5e7b0c1d-2f3a-4b5c-8d9e-0a1b2c3d4e5f";

    // A tenant as issue 20 met it: lenient Boolean binding, error bodies without `id`, a bare
    // 401 (no WWW-Authenticate), INVALID_REQUEST for a wrong type. The first local run, the
    // whole suite, passes (the leniencies are warnings) and records the tenant's own profile,
    // named for it.
    let tenant_like = [
        "--environment-id",
        environment,
        "--wrong-type-invalid-request",
        "--lenient-booleans",
        "--error-id-optional",
        "--unauthorized-bare",
    ];
    let tenant = support::binaries::StandaloneMock::start(&tenant_like);
    let host = profile::snapshot::api_host(&tenant.api_url);
    let (passed, said) = run_conformance(&tenant, &dir, &[], &[]);
    assert!(passed, "{said}");
    assert!(
        said.contains("warning: MFA-INVALID-03") && said.contains("lenient binding"),
        "the leniency is a warning, not a failure: {said}"
    );
    let name = format!("{}-{environment}", host.replace(['.', ':'], "-"));
    let file = format!("profile__{name}.snap");
    assert_eq!(
        profiles_in(&dir),
        BTreeSet::from(["profile__mock.snap".to_string(), file.clone()]),
        "{said}"
    );
    assert!(
        said.contains(&format!("profile {name}: recorded ")),
        "{said}"
    );
    let path = dir.join(&file);
    let recorded = Profile::load(&path).expect("a profile");
    let origin = recorded.recorded.clone().expect("where it was recorded");
    assert_eq!(
        (origin.api_host.as_str(), origin.environment_id.as_str()),
        (host.as_str(), environment)
    );
    assert_eq!(
        (origin.target.as_str(), origin.first_recorded.as_str()),
        ("tenant", today.as_str())
    );
    let text = std::fs::read_to_string(&path).expect("snapshot");
    assert!(!text.contains(&tenant.client_secret), "no secret in {file}");
    assert!(
        !profile::diff(&committed(), &recorded).is_empty(),
        "the tenant differs from the mock"
    );

    // A second run passes, and leaves the snapshot as it was.
    let (passed, said) = run_profile(&tenant, &dir, &[], &[]);
    assert!(passed, "{said}");
    assert!(!said.contains("recorded "), "{said}");
    assert_eq!(std::fs::read_to_string(&path).expect("snapshot"), text);

    // `pingone-mock --profile` starts from such a file and serves it.
    let said = mock_from_profile(&path);
    let on = said
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("alternatives on"))
        .unwrap_or_default();
    for alternative in [
        "wrong-type-invalid-request",
        "lenient-booleans",
        "error-id-optional",
        "unauthorized-bare",
    ] {
        assert!(on.contains(alternative), "{alternative}: {said}");
    }
    assert!(said.contains("probes is answered as recorded"), "{said}");
    drop(tenant);

    // The tenant changes its answer to one open question: CHANGED, naming the probe, what it
    // was, since when, and what it is.
    let changed =
        support::binaries::StandaloneMock::start(&[&tenant_like[..], &["--non-uuid-400"]].concat());
    let results = dir.join("results");
    let results_dir = results.to_string_lossy().into_owned();
    let (passed, said) = run_profile(
        &changed,
        &dir,
        &[
            ("PINGONE_PROFILE", name.as_str()),
            ("PINGONE_RESULTS_DIR", results_dir.as_str()),
        ],
        // A results directory holds at least one case.
        &["read_01"],
    );
    assert!(!passed, "{said}");
    let changes: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("- MFA-PROBE-"))
        .collect();
    assert_eq!(changes.len(), 1, "{said}");
    let before = recorded
        .class("MFA-PROBE-PATH-02")
        .expect("recorded")
        .words();
    assert!(
        changes[0].starts_with(&format!(
            "- MFA-PROBE-PATH-02: PUT …/mfaEnabled for a user id that is not a UUID was {before} \
             (since {today}); now rejected with 400"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("profile {name}: CHANGED:")),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("snapshot"), text);
    // The results say CHANGED too: a JUnit failure of its own type, and the report's headline.
    let results = pingone_mfa_conformance::results::load(&results).expect("results");
    let junit = pingone_mfa_conformance::results::junit(&results);
    assert!(
        junit.contains("<testcase name=\"profile\"")
            && junit.contains("<failure type=\"changed\" message=\"CHANGED: 1 probe"),
        "{junit}"
    );
    let report = pingone_mfa_conformance::results::render(&results);
    assert!(report.contains("**Result: CHANGED: 1 probe**"), "{report}");

    // In CI, a target without a recorded profile fails with the one message.
    let (passed, said) = run_profile(&changed, &dir, &[("CI", "true")], &[]);
    assert!(!passed, "{said}");
    let new_name = format!(
        "{}-{environment}",
        profile::snapshot::api_host(&changed.api_url).replace(['.', ':'], "-")
    );
    assert!(
        said.contains(&format!(
            "no behaviour profile {} for this target, and CI records none. Record it on your \
             machine",
            dir.join(format!("profile__{new_name}.snap")).display()
        )) && said.contains(&format!(
            "`PINGONE_PROFILE={new_name} cargo test --test conformance profile`"
        )),
        "{said}"
    );
    assert!(!dir.join(format!("profile__{new_name}.snap")).exists());
}

/// What `pingone-mock --profile FILE` says up to its "Press Ctrl-C" line; it is stopped then.
fn mock_from_profile(file: &std::path::Path) -> String {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pingone-mock"))
        .args(["--port", "0", "--profile"])
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("pingone-mock starts");
    let said = support::binaries::banner(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    said.join("\n")
}

/// A target where 1 request in 8 meets a gateway's transient fault (502, 503 or 504 pages, a
/// dropped connection), retries spent: what met the outage is a probe without an answer
/// (ERROR), never a broken invariant; a gateway's page is no "5xx for a client's request".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flaky_gateway_makes_probes_inconclusive_not_violations() {
    let m = MockPingOne::builder()
        .flaky(8)
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts");
    let config = RunConfig {
        max_retries: 0,
        ..run_config()
    };
    let session = Session::for_mock(&m, config).await.expect("session opens");
    let run = probes::record(Arc::new(session)).await;
    let broken: Vec<_> = run.violations.iter().filter(|v| !v.no_answer).collect();
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(
        run.violations.iter().any(|v| v.no_answer),
        "1 request in 8 failed, yet every probe had its answer"
    );
    // What was answered is answered as the bundled mock answers it.
    let committed = committed();
    for (id, entry) in &run.profile.entries {
        assert_eq!(
            Some(&entry.class),
            committed.entries.get(id).map(|e| &e.class),
            "{id}"
        );
    }
}
