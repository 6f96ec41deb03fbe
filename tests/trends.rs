//! A target's history and its trends (issue 19), through the `conformance-report` binary: three
//! nights of fixture results (`tests/fixtures/history/`, a tenant whose MFA-AUTH-02 starts
//! failing on the second night, whose PUT mfaEnabled slows down, and two of whose profile
//! probes change) fold into one history file, and its Markdown, with the Mermaid pictures, the
//! failing-since table and the profile's since-when table, is pinned as a snapshot. Two
//! targets' nights side by side say which case does not pass where.

mod support;

use std::path::{Path, PathBuf};

use pingone_mfa_conformance::results::history::{self, History};
use pingone_mfa_conformance::results::{self, trends};
use support::binaries::{conformance_report as bin, text};
use support::suite::TempDir;

/// The fixture nights, oldest first.
fn nights() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history");
    ["2026-11-28", "2026-11-29", "2026-11-30"]
        .iter()
        .map(|n| dir.join(format!("{n}.json")))
        .collect()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn three_nights_render_both_pictures_failing_since_and_the_profile_s_since() {
    let dir = TempDir::new("trends-tests");
    let file = dir.path().join("history.jsonl");
    let nights = nights();
    let mut args = vec!["history", "-o", path(&file)];
    args.extend(nights.iter().map(|n| path(n)));
    let out = bin(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let history_text = std::fs::read_to_string(&file).expect("history written");
    assert_eq!(history_text.lines().count(), 3, "one line a night");
    // Small: what the trends need, not the nights' results.
    let results_size: u64 = nights
        .iter()
        .map(|n| std::fs::metadata(n).expect("fixture").len())
        .sum();
    assert!(
        (history_text.len() as u64) * 4 < results_size,
        "{} bytes of history for {results_size} bytes of results",
        history_text.len()
    );

    let out = bin(&["trends", path(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert_eq!(md.matches("```mermaid\n").count(), 3, "{md}");
    assert_eq!(md.matches("xychart-beta").count(), 3, "{md}");
    for wanted in [
        "x-axis [\"11-28\", \"11-29\", \"11-30\"]",
        "🟥 Authorization",
        "| MFA-AUTH-02 | fail | 2026-11-29 | 2 |",
        "🟨 PUT mfaEnabled",
        "line [139.2, 180.9, 250.5]",
        "| MFA-PROBE-BOOL-01 | 2026-11-29 | 1 |",
    ] {
        assert!(md.contains(wanted), "no {wanted:?} in:\n{md}");
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_omit_expression(true);
    settings.set_description(
        "conformance-report trends of the history of tests/fixtures/history/ (three nights)",
    );
    settings.bind(|| insta::assert_snapshot!("trends_three_nights", md));
}

#[test]
fn a_history_grows_by_a_night_and_folding_a_night_twice_changes_nothing() {
    let nights = nights();
    let first_two = history::history_of(&nights[..2]).expect("two nights");
    let dir = TempDir::new("trends-tests");
    let file = dir.path().join("history.jsonl");
    std::fs::write(&file, first_two.to_jsonl()).expect("write");
    // Tonight joins last night's history, as the nightly job does it.
    let grown = history::history_of(&[file.clone(), nights[2].clone()]).expect("three nights");
    assert_eq!(grown, history::history_of(&nights).expect("three nights"));
    let again = history::history_of(&[file, nights[2].clone(), nights[2].clone()]).expect("again");
    assert_eq!(again.nights.len(), 3);
    let latest = grown.latest().expect("a night");
    assert_eq!(latest.outcomes["MFA-PATH-01"], "error");
    assert_eq!(latest.latency["PUT mfaEnabled"].p95_us, 250_560);
}

#[test]
fn the_newest_night_s_report_shows_its_latency_per_operation() {
    let newest = results::load(&nights()[2]).expect("load");
    let md = results::render(&newest);
    for wanted in [
        "## Latency per operation",
        "| token | 20 | 105.8 | 125.2 | 127.4 | 0 | 0 |",
        "| PUT mfaEnabled | 21 |",
        "### Slowest requests",
        "| 30000.0 | PUT mfaEnabled | MFA-PATH-01 | timeout | 0 |",
    ] {
        assert!(md.contains(wanted), "no {wanted:?} in:\n{md}");
    }
    assert!(
        !md.contains("say nothing about PingOne"),
        "a tenant's times"
    );
}

#[test]
fn histories_of_two_targets_are_not_mixed_and_bad_input_is_named() {
    let dir = TempDir::new("trends-tests");
    // The same night, as if from another environment.
    let mut other = results::load(&nights()[0]).expect("load");
    other.run.environment_id = "another-environment".to_string();
    let other_file = dir.path().join("other.json");
    std::fs::write(&other_file, other.to_json()).expect("write");
    let out = bin(&["history", path(&nights()[1]), path(&other_file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("keep one history per target"),
        "{}",
        text(&out.stderr)
    );
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "not json\n").expect("write");
    let out = bin(&["trends", path(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.jsonl:1"),
        "{}",
        text(&out.stderr)
    );
    let out = bin(&["history"]);
    assert_eq!(out.status.code(), Some(2), "an input is required");
    // An empty history says so instead of drawing empty pictures.
    let empty = trends::render_trends(&History::default());
    assert!(empty.contains("No night in this history yet."), "{empty}");
}

/// The nightly matrix's last job: two tenants' results side by side.
#[test]
fn two_targets_side_by_side_say_which_case_fails_where() {
    let dir = TempDir::new("trends-tests");
    let mut na = results::load(&nights()[2]).expect("load");
    na.run.api_url = "https://api.pingone.com/v1".to_string();
    na.run.environment_id = "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b".to_string();
    for c in &mut na.cases {
        match c.id.as_str() {
            "MFA-PATH-01" | "MFA-INVALID-05" => c.outcome = "pass".to_string(),
            "MFA-HDR-02" => c.outcome = "fail".to_string(),
            _ => {}
        }
    }
    let na_file = dir.path().join("na.json");
    std::fs::write(&na_file, na.to_json()).expect("write");
    let eu = format!("eu={}", path(&nights()[2]));
    let out = bin(&["side-by-side", &eu, path(&na_file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    for wanted in [
        "| eu | tenant `https://api.pingone.eu/v1`, `abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6` | 68 | 3 | 1 | 1 |",
        "| na | tenant `https://api.pingone.com/v1`",
        "| Case | eu | na |",
        "| MFA-INVALID-05 | **warn** | pass |",
        "| MFA-HDR-02 | pass | **fail** |",
        "| MFA-AUTH-02 | **fail** | **fail** |",
        "| MFA-PATH-01 | **error** | pass |",
        "| PUT mfaEnabled | 250.5 | 250.5 |",
    ] {
        assert!(md.contains(wanted), "no {wanted:?} in:\n{md}");
    }
    // A case passing on both is not listed.
    assert!(!md.contains("| MFA-BODY-01 |"), "{md}");
    let out = bin(&["side-by-side", "eu=/no/such/results"]);
    assert_eq!(out.status.code(), Some(2));
}
