//! Tests of the results layer (`src/results.rs` and `src/results/`) and of the
//! `conformance-report` binary: the result files the suite writes, loading them back, the
//! Markdown report (pinned as a snapshot), the parity and nightly comparisons, and the sweep
//! against an in-process mock.
//!
//! Reports and comparisons are built from hand-made results so that each kind of change is
//! shown on purpose; the sweep and the result files use real sessions on a mock.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pingone_mfa_conformance::config::{Config, RunConfig, Target};
use pingone_mfa_conformance::mock::{Fault, MockPingOne};
use pingone_mfa_conformance::results::{
    self, CaseRecord, ChangeKind, FindingRecord, Mode, Results, RunInfo, SweepOptions,
};
use pingone_mfa_conformance::suite::session::marker;
use pingone_mfa_conformance::suite::{Session, cases, run_case};
use support::binaries::{conformance_report as bin, text};
use support::suite::{TempDir, run_config};
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_conformance-report");

// ------------------------------------------------------------------------------------ helpers

fn run_info(target: &str) -> RunInfo {
    RunInfo {
        target: target.to_string(),
        api_url: "https://api.pingone.eu/v1".to_string(),
        environment_id: "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6".to_string(),
        environment_type: Some("SANDBOX".to_string()),
        timestamp: "2026-11-28T03:17:00.000Z".to_string(),
        crate_version: "0.1.0".to_string(),
        run_id: None,
    }
}

/// A result for a case of the suite, with its area, tier and texts from `CASES`.
fn case(id: &str, outcome: &str, status: Option<u16>, code: Option<&str>) -> CaseRecord {
    let c = cases::by_id(id).unwrap_or_else(|| panic!("no case {id}"));
    CaseRecord {
        id: id.to_string(),
        area: serde_json::to_value(c.area)
            .expect("area")
            .as_str()
            .expect("name")
            .to_string(),
        area_title: Some(c.area.title().to_string()),
        tier: c.tier.as_str().to_string(),
        evidence: Some(c.evidence().to_string()),
        title: c.title.to_string(),
        requirement: c.requirement.to_string(),
        source: c.source.to_string(),
        stimulus: c.stimulus.to_string(),
        outcome: outcome.to_string(),
        reason: None,
        status,
        error_code: code.map(str::to_string),
        duration_ms: 12,
        requests: 4,
        findings: Vec::new(),
        cleanup: Vec::new(),
        run: None,
    }
}

fn finding(tier: &str, check: &str, expected: &str, actual: &str, curl: &str) -> FindingRecord {
    FindingRecord {
        tier: tier.to_string(),
        evidence: Some(if tier == "MUST" { "DOC" } else { "INFERRED" }.to_string()),
        check: check.to_string(),
        context: Vec::new(),
        expected: expected.to_string(),
        actual: actual.to_string(),
        reproduce: Some(curl.to_string()),
    }
}

/// Literal texts, so that rewording a case in `src/suite/cases.rs` leaves the snapshot alone.
fn described(mut c: CaseRecord, title: &str, requirement: &str, stimulus: &str) -> CaseRecord {
    c.title = title.to_string();
    c.requirement = requirement.to_string();
    c.stimulus = stimulus.to_string();
    c.source = format!("DOC source of {}", c.id);
    c
}

/// A small run with every outcome, a finding of each tier and a clean-up problem.
fn sample() -> Results {
    let mut warn = described(
        case("MFA-BODY-05", "warn", Some(400), Some("INVALID_DATA")),
        "an unknown extra property",
        "SHOULD answer 200 and store true",
        "PUT {\"mfaEnabled\": true, \"conformanceProbe\": \"ignored\"}",
    );
    warn.findings.push(finding(
        "SHOULD",
        "an unknown property is ignored",
        "HTTP 200",
        "HTTP 400 application/json {\"code\":\"INVALID_DATA\"}",
        "curl -sS -i -X PUT 'https://api.pingone.eu/v1/environments/{{envID}}/users/{{userID}}/mfaEnabled' \
         -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \
         --data-binary '{\"mfaEnabled\":true,\"conformanceProbe\":\"ignored\"}'",
    ));
    let mut fail = described(
        case("MFA-INVALID-03", "fail", Some(200), None),
        "{\"mfaEnabled\": \"true\"}",
        "400 with a P1Error whose code is a documented 400 code; the stored value unchanged",
        "PUT .../mfaEnabled with body {\"mfaEnabled\": \"true\"}",
    );
    fail.findings.push(finding(
        "MUST",
        "the answer is 400",
        "HTTP 400",
        "HTTP 200 application/json {\"mfaEnabled\":true} | with `backticks`",
        "curl -sS -i -X PUT 'https://api.pingone.eu/v1/environments/{{envID}}/users/{{userID}}/mfaEnabled' \
         -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \
         --data-binary '{\"mfaEnabled\": \"true\"}'",
    ));
    let mut known = described(
        case("MFA-HDR-02", "known_deviation", Some(200), None),
        "no Content-Type",
        "SHOULD answer 415 or 400 with a P1Error",
        "PUT {\"mfaEnabled\": true} without a Content-Type header",
    );
    known.reason = Some("tenants accept a body without Content-Type (run of 2026-11-01)".into());
    let mut fixed = described(
        case("MFA-HDR-03", "fixed_deviation", Some(200), None),
        "a charset parameter",
        "SHOULD answer 200 and store true",
        "PUT with Content-Type: application/json; charset=utf-8",
    );
    fixed.reason = Some("charset parameter was rejected".into());
    let mut skipped = described(
        case("MFA-EXISTING-01", "skipped", None, None),
        "toggle an existing user and restore it",
        "both answer 200 with the value sent",
        "PUT the opposite of PINGONE_TEST_USER_ID's value, then the original value",
    );
    skipped.reason = Some("PINGONE_TEST_USER_ID is not set".into());
    let mut cleanup = described(
        case("MFA-AUTH-01", "pass", Some(401), Some("ACCESS_FAILED")),
        "no Authorization header",
        "401 with a P1Error; the stored value unchanged",
        "PUT {\"mfaEnabled\": true} without <Authorization>",
    );
    cleanup
        .cleanup
        .push("could not delete user 1c2d: HTTP 403 ACCESS_FAILED".into());
    let pass = described(
        case("MFA-BODY-01", "pass", Some(200), None),
        "enable MFA",
        "200 with a UserMFAEnabled body saying true",
        "PUT .../mfaEnabled {\"mfaEnabled\": true}",
    );
    Results::new(
        run_info("Tenant"),
        vec![skipped, cleanup, pass, warn, fail, known, fixed],
    )
}

/// The report with the list of cases without a result replaced by a placeholder, so that a
/// case added to the suite does not change the snapshot.
fn redact_missing(md: &str) -> String {
    md.lines()
        .map(|l| {
            if l.starts_with("No result for ") {
                "No result for [N] cases of the suite: [IDS]".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_json(path: &Path, value: &impl serde::Serialize) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

async fn mock_session(mock: &MockPingOne) -> Session {
    Session::for_mock(mock, run_config())
        .await
        .expect("open a session on the mock")
}

/// A user as the suite creates it, made through the API: run id in the username and that run's
/// marker in `title` (`title`: `None` for the marker, `Some` for another value or `""` for
/// none). Returns its id.
async fn suite_user(session: &Session, username: &str, title: Option<&str>) -> Uuid {
    let run = pingone_mfa_conformance::suite::session::run_of(username).unwrap_or("none");
    let mut body = serde_json::json!({ "username": username });
    match title {
        None => body["title"] = serde_json::json!(marker(run)),
        Some("") => {}
        Some(t) => body["title"] = serde_json::json!(t),
    }
    let ex = session
        .send(
            pingone_mfa_conformance::http::Request::new("POST", session.env_url("/users"))
                .json(&body),
        )
        .await
        .expect("create a user");
    assert_eq!(ex.status, 201, "{}", ex.summary());
    let id = ex.json().expect("JSON")["id"]
        .as_str()
        .expect("id")
        .to_string();
    Uuid::parse_str(&id).expect("a UUID")
}

fn exists(mock: &MockPingOne, id: Uuid) -> bool {
    mock.stored_mfa_enabled(id).is_some()
}

// ------------------------------------------------------------------------------------ render

#[test]
fn report_shows_summary_area_tables_and_failure_details() {
    let md = redact_missing(&results::render(&sample()));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_omit_expression(true);
    settings.set_description("results::render of tests/report.rs sample()");
    settings.bind(|| insta::assert_snapshot!("report_render", md));
}

#[test]
fn report_counts_outcomes_and_names_the_must_failures() {
    let md = results::render(&sample());
    assert!(
        md.contains(
            "**Result: FAIL**. 7 cases: 2 pass, 1 fail, 1 warn, 1 skipped, 1 known deviation, \
             1 fixed deviation; 1 MUST failure: MFA-INVALID-03."
        ),
        "summary line:\n{md}"
    );
    assert!(
        md.contains("No result for ") && md.contains("MFA-BODY-02"),
        "cases of the suite without a result are listed:\n{md}"
    );
}

#[test]
fn report_of_a_clean_run_passes() {
    let results = Results::new(
        run_info("Tenant"),
        vec![case("MFA-BODY-01", "pass", Some(200), None)],
    );
    let md = results::render(&results);
    assert!(
        md.contains("**Result: PASS**. 1 case: 1 pass, 0 fail"),
        "{md}"
    );
    assert!(!md.contains("## Failures"), "no details section:\n{md}");
}

// ------------------------------------------------------------------------------------ compare

fn with_case(mut results: Results, record: CaseRecord) -> Results {
    results.cases.retain(|c| c.id != record.id);
    results.cases.push(record);
    Results::new(results.run.clone(), results.cases)
}

fn kinds_of(c: &results::Comparison) -> Vec<(String, ChangeKind)> {
    c.changes.iter().map(|c| (c.id.clone(), c.kind)).collect()
}

#[test]
fn nightly_compare_detects_each_kind_of_change() {
    let before = Results::new(
        run_info("Tenant"),
        vec![
            case("MFA-BODY-01", "pass", Some(200), None),
            case("MFA-BODY-02", "fail", Some(500), Some("UNEXPECTED_ERROR")),
            case("MFA-BODY-03", "pass", Some(200), None),
            case("MFA-HDR-01", "pass", Some(415), Some("INVALID_REQUEST")),
            case("MFA-HDR-02", "pass", Some(400), Some("INVALID_REQUEST")),
            case("MFA-PATH-04", "pass", Some(403), Some("ACCESS_FAILED")),
            case("MFA-AUTH-01", "pass", Some(401), Some("ACCESS_FAILED")),
        ],
    );
    let after = Results::new(
        run_info("Tenant"),
        vec![
            case("MFA-BODY-01", "fail", Some(400), Some("INVALID_DATA")),
            case("MFA-BODY-02", "pass", Some(200), None),
            case("MFA-BODY-03", "warn", Some(200), None),
            case("MFA-HDR-01", "pass", Some(400), Some("INVALID_REQUEST")),
            case("MFA-HDR-02", "pass", Some(400), Some("INVALID_DATA")),
            case("MFA-AUTH-01", "pass", Some(401), Some("ACCESS_FAILED")),
            case("MFA-USER-01", "pass", Some(201), None),
        ],
    );
    let c = results::compare(&before, &after, Mode::Nightly);
    assert_eq!(
        kinds_of(&c),
        vec![
            ("MFA-BODY-01".into(), ChangeKind::NewlyFailing),
            ("MFA-BODY-02".into(), ChangeKind::NewlyPassing),
            ("MFA-BODY-03".into(), ChangeKind::OutcomeChanged),
            ("MFA-HDR-01".into(), ChangeKind::StatusChanged),
            ("MFA-HDR-02".into(), ChangeKind::CodeChanged),
            ("MFA-PATH-04".into(), ChangeKind::Removed),
            ("MFA-USER-01".into(), ChangeKind::Added),
        ],
        "MFA-AUTH-01 is unchanged and must not be listed"
    );
    assert_eq!(c.compared, 6);
    assert!(c.changed());
    let md = c.render();
    for heading in [
        "### Newly failing (1)",
        "### Newly passing (1)",
        "### Outcome changed (1)",
        "### Status changed (1)",
        "### Error code changed (1)",
        "### Added cases (1)",
        "### Removed cases (1)",
    ] {
        assert!(md.contains(heading), "missing {heading:?} in:\n{md}");
    }
    assert!(
        md.contains("| MFA-BODY-01 | enable MFA | pass, HTTP 200 | fail, HTTP 400 INVALID_DATA |"),
        "before and after of a newly failing case:\n{md}"
    );
}

#[test]
fn parity_compare_lists_disagreements_and_cases_skipped_on_one_side() {
    let mock = Results::new(
        run_info("EmbeddedMock"),
        vec![
            case("MFA-BODY-01", "pass", Some(200), None),
            case("MFA-HDR-01", "pass", Some(415), Some("INVALID_REQUEST")),
            case("MFA-HDR-02", "pass", Some(415), Some("INVALID_REQUEST")),
            case("MFA-PATH-03", "pass", Some(404), Some("NOT_FOUND")),
            case("MFA-EXISTING-01", "pass", Some(200), None),
            case("MFA-FUZZ-01", "pass", Some(400), Some("INVALID_DATA")),
        ],
    );
    let tenant = Results::new(
        run_info("Tenant"),
        vec![
            case("MFA-BODY-01", "pass", Some(200), None),
            case("MFA-HDR-01", "pass", Some(400), Some("INVALID_REQUEST")),
            case("MFA-HDR-02", "known_deviation", Some(200), None),
            case("MFA-PATH-03", "pass", Some(404), Some("INVALID_REQUEST")),
            case("MFA-EXISTING-01", "skipped", None, None),
            case("MFA-USER-01", "pass", Some(201), None),
        ],
    );
    let c = results::compare(&mock, &tenant, Mode::Parity);
    assert_eq!(
        kinds_of(&c),
        vec![
            ("MFA-HDR-01".to_string(), ChangeKind::StatusChanged),
            ("MFA-HDR-02".to_string(), ChangeKind::OutcomeChanged),
            ("MFA-PATH-03".to_string(), ChangeKind::CodeChanged),
            ("MFA-USER-01".to_string(), ChangeKind::Added),
            ("MFA-EXISTING-01".to_string(), ChangeKind::NotCompared),
            ("MFA-FUZZ-01".to_string(), ChangeKind::Removed),
        ],
        "MFA-BODY-01 agrees and must not be listed"
    );
    assert!(c.changed());
    let md = c.render();
    for heading in [
        "## Parity: mock against tenant",
        "### Outcome differs (1)",
        "### Status differs (1)",
        "### Error code differs (1)",
        "### Only in the mock results (1)",
        "### Only in the tenant results (1)",
        "### Not compared (skipped on one side) (1)",
        "| ID | Title | Mock | Tenant |",
    ] {
        assert!(md.contains(heading), "missing {heading:?} in:\n{md}");
    }
}

#[test]
fn identical_runs_show_no_change_in_either_mode() {
    let a = sample();
    let mut b = sample();
    b.run.timestamp = "2026-11-29T03:17:00.000Z".into();
    for c in &mut b.cases {
        c.duration_ms += 1000;
    }
    for mode in [Mode::Parity, Mode::Nightly] {
        let c = results::compare(&a, &b, mode);
        assert!(!c.changed(), "{mode:?}: {:#?}", c.changes);
        assert!(c.render().contains("No "), "{}", c.render());
    }
    // A case skipped on one side only is not a parity change.
    let mut skipped = case("MFA-BODY-01", "skipped", None, None);
    skipped.reason = Some("not run".into());
    let one_skipped = with_case(sample(), skipped);
    assert!(!results::compare(&a, &one_skipped, Mode::Parity).changed());
    assert!(results::compare(&a, &one_skipped, Mode::Nightly).changed());
}

#[test]
fn compare_exits_1_only_with_fail_on_change_and_a_change() {
    let dir = TempDir::new("report-tests-compare-exit");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    write_json(&a, &sample());
    let changed = with_case(sample(), case("MFA-BODY-01", "fail", Some(500), None));
    write_json(&b, &changed);
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());

    let out = bin(&["compare", a, b, "--mode", "nightly"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("### Newly failing (1)"));
    let out = bin(&["compare", a, b, "--fail-on-change"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = bin(&["compare", a, a, "--mode=parity", "--fail-on-change"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = bin(&["compare", a, b, "--mode", "weekly"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'weekly' for '--mode <MODE>'"));
}

// ------------------------------------------------------------------------------------ binary

#[test]
fn help_describes_every_command_and_the_results_variable() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let out = bin(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let help = text(&out.stdout);
        for word in [
            "render",
            "collect",
            "compare",
            "sweep",
            "history",
            "trends",
            "PINGONE_RESULTS_DIR",
            "Exit status",
        ] {
            assert!(
                help.contains(word),
                "{args:?}: help lacks {word:?}:\n{help}"
            );
        }
    }
    for (command, words) in [
        ("render", &["<RESULTS>", "-o, --output <FILE>"][..]),
        ("collect", &["<DIR>", "-o, --output <FILE>"]),
        (
            "compare",
            &[
                "<BASELINE> <CURRENT>",
                "--mode <MODE>",
                "parity",
                "nightly",
                "--fail-on-change",
            ],
        ),
        (
            "sweep",
            &["--delete", "--older-than <MINUTES>", "--page-size <N>"],
        ),
        ("history", &["<INPUT>...", "-o, --output <FILE>"]),
        ("trends", &["<INPUT>...", "-o, --output <FILE>"]),
    ] {
        for args in [&[command, "--help"][..], &["help", command]] {
            let out = bin(args);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            let help = text(&out.stdout);
            for word in words {
                assert!(
                    help.contains(word),
                    "{args:?}: help lacks {word:?}:\n{help}"
                );
            }
        }
    }
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    for (args, says) in [
        (&[][..], "Usage: conformance-report <COMMAND>"),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (
            &["rendr", "x"],
            "similar subcommands exist: 'trends', 'render'",
        ),
        (&["render"], "<RESULTS>"),
        (
            &["render", "x", "--delete"],
            "unexpected argument '--delete'",
        ),
        (&["sweep", "--bogus"], "unexpected argument '--bogus'"),
        (
            &["sweep", "--dlete"],
            "a similar argument exists: '--delete'",
        ),
        (&["sweep", "--page-size", "0"], "0 is not in 1..=1000"),
        (&["sweep", "--page-size=1001"], "1001 is not in 1..=1000"),
        (&["sweep", "--older-than", "ten"], "takes whole minutes"),
        (
            &["render", "-o"],
            "a value is required for '--output <FILE>'",
        ),
        (
            &["compare", "a", "b", "--mode=weekly"],
            "[possible values: parity, nightly]",
        ),
    ] {
        let out = bin(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// Minutes that would overflow the age check (issue 13) are refused with a message, before any
/// configuration is read or any request sent, whichever spelling is used.
#[test]
fn older_than_overflow_is_refused_with_a_message_not_a_panic() {
    for args in [
        &["sweep", "--older-than", "307445734561825861"][..],
        &["sweep", "--older-than=18446744073709551615"],
        &["sweep", "--older-than", "18446744073709551616"],
        &["sweep", "--older-than", "52560001"],
    ] {
        let out = bin(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("invalid value") && stderr.contains("--older-than <MINUTES>"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn collect_and_render_through_the_binary() {
    let dir = TempDir::new("report-tests-collect");
    let results_dir = dir.path().join("results");
    std::fs::create_dir_all(&results_dir).unwrap();
    for mut c in sample().cases {
        c.run = Some(run_info("Tenant"));
        write_json(&results_dir.join(format!("{}.json", c.id)), &c);
    }
    let combined = dir.path().join("out/results.json");
    let report = dir.path().join("report.md");
    let out = bin(&[
        "collect",
        results_dir.to_str().unwrap(),
        "-o",
        combined.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = bin(&[
        "render",
        combined.to_str().unwrap(),
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        results::render(&sample())
    );
    let out = bin(&["render", dir.path().join("nope").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not exist"));
}

// ------------------------------------------------------------------------------------ load

#[test]
fn load_reads_a_directory_and_its_collected_file_alike_and_ignores_unknown_fields() {
    let dir = TempDir::new("report-tests-load");
    let results_dir = dir.path().join("results");
    std::fs::create_dir_all(&results_dir).unwrap();
    for (i, mut c) in sample().cases.into_iter().enumerate() {
        let mut run = run_info("Tenant");
        run.timestamp = format!("2026-11-28T03:17:0{i}.000Z");
        c.run = Some(run);
        let mut value = serde_json::to_value(&c).unwrap();
        value["added_in_a_later_version"] = serde_json::json!({"x": 1});
        value["run"]["runner"] = serde_json::json!("ubuntu-latest");
        write_json(&results_dir.join(format!("{}.json", c.id)), &value);
    }
    std::fs::write(results_dir.join("notes.txt"), "not a result").unwrap();
    std::fs::write(results_dir.join(".MFA-X.json.1.0.tmp"), "{half").unwrap();

    let from_dir = results::load(&results_dir).expect("load the directory");
    assert_eq!(from_dir.cases.len(), 7);
    assert_eq!(
        from_dir.run.timestamp, "2026-11-28T03:17:00.000Z",
        "the run's time is the earliest case's"
    );
    assert_eq!(from_dir.cases, sample().cases, "same cases, suite order");

    let combined = dir.path().join("results.json");
    let collected = results::collect(&results_dir, &combined).expect("collect");
    assert_eq!(results::load(&combined).expect("load the file"), collected);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&combined).unwrap()).unwrap();
    value["generator"] = serde_json::json!("something newer");
    write_json(&combined, &value);
    assert_eq!(results::load(&combined).unwrap(), collected);
}

#[test]
fn load_explains_missing_empty_mixed_and_malformed_inputs() {
    let dir = TempDir::new("report-tests-load-errors");
    let missing = dir.path().join("missing");
    let e = results::load(&missing).unwrap_err().to_string();
    assert!(
        e.contains(&missing.display().to_string()) && e.contains("does not exist"),
        "{e}"
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let e = results::load(&empty).unwrap_err().to_string();
    assert!(e.contains("holds no case result files"), "{e}");

    let mixed = dir.path().join("mixed");
    std::fs::create_dir_all(&mixed).unwrap();
    let mut a = case("MFA-BODY-01", "pass", Some(200), None);
    a.run = Some(run_info("Tenant"));
    let mut b = case("MFA-BODY-02", "pass", Some(200), None);
    let mut other = run_info("Tenant");
    other.environment_id = "0b0e7f5a-0000-4000-8000-000000000000".into();
    b.run = Some(other);
    write_json(&mixed.join("MFA-BODY-01.json"), &a);
    write_json(&mixed.join("MFA-BODY-02.json"), &b);
    let e = results::load(&mixed).unwrap_err().to_string();
    assert!(e.contains("mixes results of different runs"), "{e}");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"cases\": []}").unwrap();
    let e = results::load(&bad).unwrap_err().to_string();
    assert!(e.contains("is not a combined results file"), "{e}");
}

// ------------------------------------------------------------------------------------ record

#[tokio::test]
async fn record_writes_one_file_per_case_with_the_run_metadata() {
    let mock = MockPingOne::builder()
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("start the mock");
    let session = std::sync::Arc::new(mock_session(&mock).await);
    let dir = TempDir::new("report-tests-record");
    let ids = ["MFA-READ-01", "MFA-AUTH-01", "MFA-PATH-01"];
    for id in ids {
        let result = run_case(session.clone(), cases::by_id(id).unwrap()).await;
        let path = results::record_to(dir.path(), &result, &session).expect("record");
        assert_eq!(path, dir.path().join(format!("{id}.json")));
    }
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let requests_file = format!(
        "requests-{}.jsonl",
        pingone_mfa_conformance::suite::session::run_id()
    );
    assert_eq!(
        files,
        [
            "MFA-AUTH-01.json",
            "MFA-PATH-01.json",
            "MFA-READ-01.json",
            requests_file.as_str()
        ]
    );

    let loaded = results::load(dir.path()).expect("load");
    assert_eq!(loaded.run.target, "Mock");
    assert_eq!(loaded.run.api_url, mock.api_url());
    assert_eq!(loaded.run.environment_id, mock.environment_id().to_string());
    assert_eq!(loaded.run.environment_type.as_deref(), Some("SANDBOX"));
    assert_eq!(loaded.run.crate_version, env!("CARGO_PKG_VERSION"));
    assert!(
        results::parse_rfc3339(&loaded.run.timestamp).is_some(),
        "{}",
        loaded.run.timestamp
    );
    let auth = loaded.case("MFA-AUTH-01").expect("MFA-AUTH-01 recorded");
    assert_eq!(
        (
            auth.outcome.as_str(),
            auth.status,
            auth.error_code.as_deref()
        ),
        ("pass", Some(401), Some("ACCESS_FAILED"))
    );
    assert_eq!((auth.area.as_str(), auth.tier.as_str()), ("Auth", "MUST"));
    let path = loaded.case("MFA-PATH-01").unwrap();
    assert_eq!(path.error_code.as_deref(), Some("NOT_FOUND"));
    // Every request the session sent, once: its own (token, environment) and the cases'.
    assert_eq!(loaded.requests, session.requests().records());
    let ops: Vec<&str> = loaded
        .requests
        .iter()
        .map(|r| r.operation.as_str())
        .collect();
    for op in ["token", "GET environment", "Create User", "DELETE user"] {
        assert!(ops.contains(&op), "no {op} in {ops:?}");
    }
    let cases: std::collections::BTreeSet<&str> = loaded
        .requests
        .iter()
        .filter_map(|r| r.case.as_deref())
        .collect();
    // MFA-PATH-01 asks for an unknown user, which names no case.
    assert_eq!(cases, ["MFA-AUTH-01", "MFA-READ-01"].into_iter().collect());
    let report = results::render(&loaded);
    assert!(report.contains("## Latency per operation"), "{report}");
    assert!(
        report.contains("Answered by the mock on the machine"),
        "{report}"
    );
}

#[tokio::test]
async fn result_files_hold_neither_the_client_secret_nor_the_access_token() {
    let mock = MockPingOne::builder()
        .seed_user("conformance-existing-user", false)
        .fault(Fault::AcceptsStringBoolean)
        .fault(Fault::BasicAuthAccepted)
        .start()
        .await
        .expect("start the mock");
    let session = std::sync::Arc::new(mock_session(&mock).await);
    let dir = TempDir::new("report-tests-secrets");
    let mut contents = String::new();
    for id in ["MFA-INVALID-03", "MFA-AUTH-03", "MFA-BODY-01"] {
        let result = run_case(session.clone(), cases::by_id(id).unwrap()).await;
        let path = results::record_to(dir.path(), &result, &session).expect("record");
        contents.push_str(&std::fs::read_to_string(path).unwrap());
    }
    // The failures carry curl lines, so the check below looks at real reproduce lines.
    assert!(
        contents.contains("\"outcome\": \"fail\"") && contents.contains("curl -sS"),
        "the faulty mock should make cases fail with curl lines:\n{contents}"
    );
    // MFA-AUTH-03 sends the client id with a wrong secret (issue 13): its curl line carries
    // that header, never base64(id:real secret).
    assert!(contents.contains("$TOKEN") && contents.contains("Authorization: Basic "));
    let secret = mock.client_secret().expose();
    {
        use base64::Engine as _;
        let real = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{secret}", mock.client_id()));
        assert!(
            !contents.contains(&real),
            "base64(id:secret) leaked:\n{contents}"
        );
    }
    let token = session.bearer().await.expect("a token");
    assert!(
        !contents.contains(secret),
        "client secret leaked:\n{contents}"
    );
    assert!(
        !contents.contains(token.expose()),
        "access token leaked:\n{contents}"
    );
}

// ------------------------------------------------------------------------------------ sweep

#[tokio::test]
async fn sweep_deletes_exactly_the_two_conformance_users() {
    let mock = MockPingOne::builder()
        .seed_user("alice", false)
        // A `conformance-` name without the suite's run marker: made by hand, kept.
        .seed_user("conformance-body-01-0123456789ab", true)
        .start()
        .await
        .expect("start the mock");
    let [alice, unmarked] = mock.seeded_users() else {
        panic!("two seeded users")
    };
    let (alice, unmarked) = (*alice, *unmarked);
    let session = mock_session(&mock).await;
    let c1 = &suite_user(&session, "conformance-0a1b2c3d-body-01-0123456789ab", None).await;
    let c2 = &suite_user(&session, "conformance-0a1b2c3d-user-03-ba9876543210", None).await;
    // A run id but another run's marker, and a run id without any marker: kept.
    let wrong = suite_user(
        &session,
        "conformance-0a1b2c3d-user-04-aaaaaaaaaaaa",
        Some(&marker("ffffffff")),
    )
    .await;
    let bare = suite_user(
        &session,
        "conformance-0a1b2c3d-user-05-bbbbbbbbbbbb",
        Some(""),
    )
    .await;

    let dry = results::sweep(&session, false).await;
    assert!(dry.ok(), "{}", dry.render());
    assert_eq!(dry.candidates(), 2, "{}", dry.render());
    assert!(dry.deleted_ids().is_empty());
    assert!(dry.render().contains("dry run"), "{}", dry.render());
    assert_eq!(mock.user_count(), 6, "a dry run deletes nothing");
    assert!(
        dry.render().contains("no run id in the username")
            && dry
                .render()
                .contains("title is not the suite's marker of run 0a1b2c3d"),
        "{}",
        dry.render()
    );

    let report = results::sweep(&session, true).await;
    assert!(report.ok(), "{}", report.render());
    let mut deleted = report.deleted_ids();
    deleted.sort();
    let mut want = vec![c1.to_string(), c2.to_string()];
    want.sort();
    assert_eq!(deleted, want, "{}", report.render());
    assert!(exists(&mock, alice), "alice is not a conformance user");
    assert!(
        exists(&mock, unmarked) && exists(&mock, wrong) && exists(&mock, bare),
        "users without this suite's run marker stay"
    );
    assert!(!exists(&mock, *c1) && !exists(&mock, *c2));
    assert_eq!(mock.user_count(), 4);
}

#[tokio::test]
async fn sweep_checks_the_prefix_the_test_user_and_the_age_on_the_client() {
    let mock = MockPingOne::builder()
        // The first seeded user is the session's PINGONE_TEST_USER_ID.
        .seed_user("conformance-existing-user", false)
        // PingOne's filter ignores case; the client-side check does not.
        .seed_user("Conformance-Manual-Account", false)
        .start()
        .await
        .expect("start the mock");
    let [test_user, manual] = mock.seeded_users() else {
        panic!("two seeded users")
    };
    let session = mock_session(&mock).await;
    let leftover = &suite_user(&session, "conformance-12345678-body-02-0123456789ab", None).await;

    let young = results::sweep_with(
        &session,
        &SweepOptions {
            delete: true,
            older_than: Some(Duration::from_secs(3600)),
            ..SweepOptions::default()
        },
    )
    .await;
    assert!(young.deleted_ids().is_empty(), "{}", young.render());
    assert!(
        young.render().contains("younger than 60 min"),
        "{}",
        young.render()
    );

    let report = results::sweep(&session, true).await;
    assert_eq!(
        report.deleted_ids(),
        [leftover.to_string()],
        "{}",
        report.render()
    );
    let rendered = report.render();
    assert!(
        rendered.contains("it is PINGONE_TEST_USER_ID"),
        "{rendered}"
    );
    assert!(
        rendered.contains("username does not start with \"conformance-\""),
        "{rendered}"
    );
    assert!(exists(&mock, *test_user) && exists(&mock, *manual));
    assert!(!exists(&mock, *leftover));
}

/// Five leftovers and one other user, on a mock whose next-page links lead to `public` (or to
/// itself when `None`).
async fn sweep_mock(public: Option<&str>) -> (MockPingOne, Session) {
    let mut builder = MockPingOne::builder().seed_user("alice", false);
    if let Some(p) = public {
        builder = builder.public_base_url(p);
    }
    let mock = builder.start().await.expect("start the mock");
    let session = mock_session(&mock).await;
    for i in 0..5 {
        suite_user(
            &session,
            &format!("conformance-fedcba98-fuzz-01-{i:012}"),
            None,
        )
        .await;
    }
    (mock, session)
}

fn small_pages(delete: bool) -> SweepOptions {
    SweepOptions {
        delete,
        page_size: 2,
        ..SweepOptions::default()
    }
}

#[tokio::test]
async fn sweep_follows_the_cursor_links_of_a_paging_server() {
    let (mock, session) = sweep_mock(None).await;
    let dry = results::sweep_with(&session, &small_pages(false)).await;
    assert_eq!(dry.candidates(), 5, "{}", dry.render());
    assert!(dry.notes.is_empty(), "{}", dry.render());

    let report = results::sweep_with(&session, &small_pages(true)).await;
    assert_eq!(report.deleted_ids().len(), 5, "{}", report.render());
    assert!(report.notes.is_empty(), "{}", report.render());
    assert_eq!(mock.user_count(), 1);
}

#[tokio::test]
async fn sweep_pages_through_a_server_without_usable_cursor_links() {
    // The next-page links point outside the session's API base, so the sweep does not follow
    // them: it sees only the first page, and deleting it uncovers the next.
    let (mock, session) = sweep_mock(Some("https://elsewhere.example")).await;
    let dry = results::sweep_with(&session, &small_pages(false)).await;
    assert_eq!(dry.candidates(), 2, "{}", dry.render());
    assert!(
        dry.render()
            .contains("reports 5 matching users of which 3 were not listed"),
        "{}",
        dry.render()
    );

    let report = results::sweep_with(&session, &small_pages(true)).await;
    assert_eq!(report.deleted_ids().len(), 5, "{}", report.render());
    assert!(
        report
            .notes
            .iter()
            .all(|n| n.starts_with("not following the next-page link https://elsewhere.example/")),
        "{}",
        report.render()
    );
    assert_eq!(mock.user_count(), 1);
}

/// The sweep, against a server that ignores `filter` and lists everyone (issue 20), reads
/// every page, counts the users outside its filter without naming them, keeps a hand-made
/// `conformance-` account and deletes exactly the suite's users.
#[tokio::test]
async fn sweep_deletes_only_the_suites_users_from_a_listing_of_everyone() {
    // Other people's accounts, listed first: five pages' worth with two to a page.
    const OTHERS: &[&str] = &[
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    ];
    let mock = OTHERS
        .iter()
        .fold(MockPingOne::builder().ignore_list_filter(2), |b, name| {
            b.seed_user(*name, false)
        })
        .seed_user("Conformance-Manual-Account", false)
        .start()
        .await
        .expect("start the mock");
    let session = mock_session(&mock).await;
    let mut ours = Vec::new();
    for i in 0..3 {
        let name = format!("conformance-0a1b2c3d-read-01-{i:012}");
        ours.push(suite_user(&session, &name, None).await.to_string());
    }
    let all = OTHERS.len() + 1 + ours.len();
    assert_eq!(mock.user_count(), all);

    let dry = results::sweep_with(
        &session,
        &SweepOptions {
            delete: false,
            ..SweepOptions::default()
        },
    )
    .await;
    let rendered = dry.render();
    assert!(dry.ok(), "{rendered}");
    assert_eq!(dry.candidates(), ours.len(), "{rendered}");
    assert_eq!(dry.outside_filter, OTHERS.len(), "{rendered}");
    assert!(
        OTHERS.iter().all(|name| !rendered.contains(name)),
        "other people's usernames are not shown:\n{rendered}"
    );
    assert!(
        rendered.contains(&format!(
            "the server also listed {} users whose username does not start with",
            OTHERS.len()
        )) && !rendered.contains("were not listed"),
        "{rendered}"
    );
    assert_eq!(mock.user_count(), all, "a dry run deletes nothing");

    let report = results::sweep(&session, true).await;
    let rendered = report.render();
    assert!(report.ok(), "{rendered}");
    let mut deleted: Vec<String> = report
        .deleted_ids()
        .into_iter()
        .map(str::to_string)
        .collect();
    deleted.sort();
    ours.sort();
    assert_eq!(deleted, ours, "{rendered}");
    assert!(
        rendered.contains("kept (username does not start with"),
        "{rendered}"
    );
    assert!(!rendered.contains("were not listed"), "{rendered}");
    assert_eq!(mock.user_count(), OTHERS.len() + 1, "{rendered}");
}

/// Every write the suite sends keeps the sweep's mark: against the mock, whose PUT Update User
/// removes the attributes the body omits (as PingOne's docs say), a whole run that could delete
/// none of its users leaves only users the sweep finds as its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_user_a_run_leaves_behind_still_carries_the_sweeps_mark() {
    let mock = pingone_mfa_conformance::suite::bundled_mock()
        .fault(Fault::DeleteUserFails)
        .start()
        .await
        .expect("start the mock");
    let run = RunConfig {
        max_retries: 0,
        ..run_config()
    };
    let session = std::sync::Arc::new(Session::for_mock(&mock, run).await.expect("session"));
    let all: Vec<_> = pingone_mfa_conformance::suite::CASES.iter().collect();
    pingone_mfa_conformance::suite::run_cases(session, &all).await;
    let left = mock.user_count();
    assert!(left > 10, "the fault keeps the run's users: {left}");
    let report = results::sweep(&mock_session(&mock).await, false).await;
    assert_eq!(report.candidates(), left, "{}", report.render());
}

#[tokio::test]
async fn sweep_of_the_embedded_mock_reports_zero() {
    let config = Config {
        target: Target::EmbeddedMock,
        run: RunConfig::default(),
    };
    let session = Session::from_config(config).await.expect("embedded mock");
    let report = results::sweep(&session, true).await;
    assert!(report.ok());
    assert_eq!(report.candidates(), 0);
    assert!(report.users.is_empty(), "{}", report.render());
}

#[test]
fn sweep_command_with_nothing_configured_reports_zero() {
    let dir = TempDir::new("report-tests-sweep-bin");
    let mut cmd = Command::new(BIN);
    cmd.args(["sweep", "--delete"]).current_dir(dir.path());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PINGONE_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.output().expect("run conformance-report sweep");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(": 0 users named conformance-*"), "{stdout}");
    assert!(stdout.contains("nothing configured"), "{stdout}");
}

// ------------------------------------------------------------------------------------ README

/// The IDs a README cell names: `` `MFA-BODY-01`..`06` `` (a range), `` `MFA-LINKS-01`, `02` ``
/// (a list) or `` `MFA-READ-01` ``; a later number takes the stem of the first ID.
fn ids_in_cell(cell: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut stem = String::new();
    let mut rest = cell;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`') else { break };
        let code = &after[..end];
        let between = &rest[..start];
        rest = &after[end + 1..];
        let number = match code.rsplit_once('-') {
            Some((s, n)) if s.starts_with("MFA-") => {
                stem = s.to_owned();
                n
            }
            _ => code,
        };
        let Ok(n) = number.parse::<u32>() else {
            continue;
        };
        let from = if between.trim() == ".." {
            ids.last()
                .and_then(|last: &String| last.rsplit_once('-'))
                .and_then(|(_, k)| k.parse::<u32>().ok())
                .map_or(n, |k| k + 1)
        } else {
            n
        };
        ids.extend((from..=n).map(|k| format!("{stem}-{k:02}")));
    }
    ids
}

/// README's "What it checks" table names every case ID of the library, each once, as ranges
/// per area, and nothing else; the number of faults and alternative combinations is not written
/// as a figure anywhere (it would go stale: `--list-faults` and the self-test are the source).
#[test]
fn readme_case_table_matches_the_cases_and_writes_no_stale_counts() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let section = readme
        .split("## What it checks")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README.md has a `## What it checks` section");
    let mut listed: Vec<String> = section
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("`MFA-"))
        .flat_map(|l| ids_in_cell(l.split(" | ").nth(1).unwrap_or("")))
        .collect();
    let mut expected: Vec<String> = cases::CASES.iter().map(|c| c.id.to_owned()).collect();
    let mut stems: Vec<String> = expected
        .iter()
        .filter_map(|id| id.rsplit_once('-').map(|(s, _)| s.to_owned()))
        .collect();
    stems.dedup();
    listed.sort();
    expected.sort();
    let hint = stems
        .iter()
        .map(|stem| {
            let numbers: Vec<&str> = expected
                .iter()
                .filter(|id| id.rsplit_once('-').is_some_and(|(s, _)| s == stem))
                .filter_map(|id| id.rsplit_once('-').map(|(_, n)| n))
                .collect();
            let first: u32 = numbers[0].parse().unwrap_or(0);
            let contiguous = numbers
                .iter()
                .enumerate()
                .all(|(i, n)| n.parse::<u32>().ok() == u32::try_from(i).ok().map(|i| first + i));
            match numbers.as_slice() {
                [one] => format!("`{stem}-{one}`"),
                [head, .., last] if contiguous => format!("`{stem}-{head}`..`{last}`"),
                [head, tail @ ..] => format!(
                    "`{stem}-{head}`, {}",
                    tail.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                [] => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        listed, expected,
        "README.md's \"What it checks\" table differs from src/suite/cases.rs; the areas are {hint}"
    );

    // Each row shows the headline tier of its cases with the evidence each rests on.
    for line in section
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("`MFA-"))
    {
        let cells: Vec<&str> = line.split(" | ").collect();
        let ids = ids_in_cell(cells.get(1).copied().unwrap_or(""));
        let expected = tiers_and_evidence(&ids);
        assert_eq!(
            cells.get(2).copied().unwrap_or(""),
            expected,
            "README.md's tier and evidence cell of {}",
            cells.get(1).copied().unwrap_or("")
        );
    }

    for link in readme.split("](").skip(1) {
        let target = link.split(')').next().unwrap_or("");
        assert!(
            !target.starts_with("../") && !target.starts_with('/') && !target.contains("/../"),
            "README.md links outside the repository: {target}"
        );
    }
    // Spelled in two pieces so that this file does not itself point outside the repository.
    let outside = concat!("..", "/shared");
    assert!(!readme.contains(outside), "README.md cites {outside}");

    let faults = Fault::ALL.len().to_string();
    for stale in [
        format!("({faults}, from"),
        format!("{faults}/{faults}"),
        format!("{faults} faults"),
        "32 combinations".to_owned(),
    ] {
        assert!(
            !readme.contains(&stale),
            "README.md writes the count {stale:?}; describe it without a figure"
        );
    }

    // The mutation score is stated both ways in KILLS.md; the README names both and leaves the
    // figures there: no `N/M` in the section that explains it.
    let proves = readme
        .split("## How the suite proves itself")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README.md has a `## How the suite proves itself` section");
    for needle in ["default mode", "strict mode", "KILLS.md", "target"] {
        assert!(
            proves.contains(needle),
            "the self-test section names {needle:?}"
        );
    }
    let words: Vec<&str> = proves.split_whitespace().collect();
    for w in words {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/');
        if let Some((a, b)) = w.split_once('/') {
            let number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
            assert!(
                !(number(a) && number(b)),
                "README.md writes a score by hand ({w}); KILLS.md states it"
            );
        }
    }
}

/// `MUST: DOC, SPEC; SHOULD: INFERRED`: the headline tiers of `ids` with their evidence.
fn tiers_and_evidence(ids: &[String]) -> String {
    let order = ["DOC", "SPEC", "CODE", "INFERRED", "INVARIANT"];
    ["MUST", "SHOULD"]
        .iter()
        .filter_map(|tier| {
            let markers: Vec<&str> = order
                .iter()
                .copied()
                .filter(|m| {
                    ids.iter()
                        .filter_map(|id| cases::by_id(id))
                        .any(|c| c.tier.as_str() == *tier && c.evidence() == *m)
                })
                .collect();
            (!markers.is_empty()).then(|| format!("{tier}: {}", markers.join(", ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn readme_ids_in_cell_reads_ranges_lists_and_single_ids() {
    assert_eq!(
        ids_in_cell("`MFA-BODY-01`..`03`"),
        ["MFA-BODY-01", "MFA-BODY-02", "MFA-BODY-03"]
    );
    assert_eq!(
        ids_in_cell("`MFA-LINKS-01`, `02`"),
        ["MFA-LINKS-01", "MFA-LINKS-02"]
    );
    assert_eq!(ids_in_cell("`MFA-READ-01`"), ["MFA-READ-01"]);
    assert!(ids_in_cell("no ids").is_empty());
}

// ------------------------------------------------------------------------------------ target kind

/// A server configured through the variables is a tenant unless `PINGONE_TARGET_KIND=mock`
/// declares a standalone mock; the kind reaches the session and the result files.
#[tokio::test]
async fn target_kind_mock_makes_a_configured_server_a_standalone_mock() {
    let mock = MockPingOne::builder()
        .start()
        .await
        .expect("start the mock");
    let api = mock.api_url().to_string();
    let auth = mock.auth_url().to_string();
    let env = mock.environment_id().to_string();
    let client = mock.client_id().to_string();
    let secret = mock.client_secret().expose().to_string();
    for (kind, expected, label) in [
        (None, "Tenant", "tenant"),
        (Some("mock"), "StandaloneMock", "standalone mock"),
    ] {
        let config = Config::from_lookup(|name| match name {
            "PINGONE_API_URL" => Some(api.clone()),
            "PINGONE_AUTH_URL" => Some(auth.clone()),
            "PINGONE_ENVIRONMENT_ID" => Some(env.clone()),
            "PINGONE_CLIENT_ID" => Some(client.clone()),
            "PINGONE_CLIENT_SECRET" => Some(secret.clone()),
            "PINGONE_TARGET_KIND" => kind.map(str::to_owned),
            _ => None,
        })
        .expect("valid configuration");
        let session = Session::from_config(config).await.expect("open a session");
        assert_eq!(session.target.kind.is_tenant(), kind.is_none());
        let run = results::RunInfo::of(&session);
        assert_eq!(run.target, expected);
        assert_eq!(run.target_label(), label);
    }
}
