//! An outage of the target is an ERROR (inconclusive), not a FAIL (a contract broken): in the
//! console text of each case, its results JSON, the Markdown report, the JUnit XML and the
//! nightly comparison. Two outages: the mock stopped in the middle of a run, and a gateway in
//! front of the mock that starts answering 502 with an HTML page to everything.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::results::{self, Mode};
use pingone_mfa_conformance::suite::{CaseResult, Outcome, Session, bundled_mock, run_cases};
use support::gateway::{self, Action};
use support::suite::{TempDir, all_cases};

/// One retry, and a short timeout: an outage is reported quickly.
fn run_config() -> RunConfig {
    RunConfig {
        request_timeout: Duration::from_secs(5),
        max_retries: 1,
        ..support::suite::run_config()
    }
}

async fn mock() -> MockPingOne {
    bundled_mock()
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

/// What every reader of the results must say about a run whose target went away after
/// `before` had passed: ERROR, never FAIL.
fn assert_inconclusive(
    before: &[CaseResult],
    after: &[CaseResult],
    session: &Session,
    cause: &str,
) {
    assert!(
        before.iter().all(|r| r.outcome == Outcome::Pass),
        "the healthy target passes first: {:?}",
        before
            .iter()
            .filter(|r| r.outcome != Outcome::Pass)
            .map(|r| r.render())
            .collect::<Vec<_>>()
    );
    // Console: the text each case test prints (and panics with) names the outcome.
    for r in after {
        assert!(
            matches!(&r.outcome, Outcome::Error(reason) if reason.contains(cause)),
            "{} should be an ERROR naming {cause:?}:\n{}",
            r.id,
            r.render()
        );
        let text = r.render();
        assert!(
            text.contains(": ERROR\n") && text.contains("target unavailable"),
            "{text}"
        );
        assert!(r.fails_run(false), "an ERROR still fails the run");
    }

    // Results JSON.
    let dir = TempDir::new("outage-tests");
    let tonight = dir.path().join("tonight");
    for r in after {
        let path = results::record_to(&tonight, r, session).expect("result written");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        assert_eq!(json["outcome"], "error", "{json}");
        assert!(
            json["reason"].as_str().is_some_and(|r| r.contains(cause)),
            "{json}"
        );
    }
    let tonight = results::load(&tonight).expect("results load");

    // Markdown report.
    let report = results::render(&tonight);
    let headline = report
        .lines()
        .find(|l| l.starts_with("**Result:"))
        .expect("headline");
    assert!(
        headline.starts_with("**Result: ERROR, inconclusive: target unavailable**"),
        "{headline}"
    );
    assert!(headline.contains("0 MUST failures"), "{headline}");
    assert!(!report.contains("**FAIL**"), "{report}");

    // JUnit XML.
    let junit = results::junit(&tonight);
    assert!(!junit.contains("<failure"), "{junit}");
    assert_eq!(
        junit.matches("<error type=\"target unavailable\"").count(),
        after.len(),
        "{junit}"
    );
    assert!(
        junit.contains(&format!("errors=\"{}\"", after.len())),
        "{junit}"
    );
    assert!(junit.contains("failures=\"0\""));

    // Nightly comparison: last night passed, tonight the target was down. No regression.
    let last_night = dir.path().join("last-night");
    for r in before {
        results::record_to(&last_night, r, session).expect("result written");
    }
    let last_night = results::load(&last_night).expect("results load");
    let comparison = results::compare(&last_night, &tonight, Mode::Nightly);
    assert!(!comparison.changed(), "{}", comparison.render());
    let text = comparison.render();
    assert!(!text.contains("Newly failing"), "{text}");
    assert!(text.contains("inconclusive: target unavailable"), "{text}");
}

/// The mock is stopped after a run has passed: every case of the next run is an ERROR.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_mock_is_an_error_not_a_failure() {
    let mock = mock().await;
    let session = Arc::new(
        Session::for_mock(&mock, run_config())
            .await
            .expect("session"),
    );
    let before = run_cases(session.clone(), &all_cases()).await;
    mock.shutdown().await;
    // Pooled connections are closed by the mock's shutdown; give it a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = run_cases(session.clone(), &all_cases()).await;
    assert_inconclusive(&before, &after, &session, "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_answering_502_is_an_error_not_a_failure() {
    // Forwards until switched, then answers 502 with an HTML page.
    let down = Arc::new(AtomicBool::new(false));
    let switch = down.clone();
    let (_mock, target) = gateway::start(
        bundled_mock().seed_user("conformance-existing-user", false),
        move |_, _| {
            if switch.load(Ordering::SeqCst) {
                Action::Answer(gateway::bad_gateway())
            } else {
                Action::Forward
            }
        },
    )
    .await;
    let session = Arc::new(
        Session::open(target, run_config(), None)
            .await
            .expect("session through the gateway"),
    );
    let before = run_cases(session.clone(), &all_cases()).await;
    down.store(true, Ordering::SeqCst);
    let after = run_cases(session.clone(), &all_cases()).await;
    assert_inconclusive(&before, &after, &session, "HTTP 502");
}

/// The report's own check, independent of a run: a directory with one FAIL and one ERROR says
/// FAIL (a contract failure was seen) and still counts the inconclusive case.
#[test]
fn a_failure_next_to_an_error_is_still_a_failure() {
    let dir = TempDir::new("outage-tests");
    let write = |id: &str, outcome: &str, reason: Option<&str>| {
        let record = serde_json::json!({
            "id": id, "area": "Body", "tier": "MUST", "outcome": outcome, "reason": reason,
            "run": {"target": "Mock", "api_url": "http://x/v1", "environment_id": "e",
                    "timestamp": "2026-11-29T03:00:00.000Z", "crate_version": "0"}
        });
        std::fs::write(
            dir.path().join(format!("{id}.json")),
            record.to_string().as_bytes(),
        )
        .expect("write");
    };
    write("MFA-BODY-01", "fail", None);
    write(
        "MFA-BODY-02",
        "error",
        Some("PUT http://x: connection refused"),
    );
    let loaded = results::load(Path::new(dir.path())).expect("load");
    let report = results::render(&loaded);
    assert!(report.contains("**Result: FAIL**"), "{report}");
    assert!(
        report.contains("1 case reached no verdict (inconclusive: target unavailable"),
        "{report}"
    );
    let junit = results::junit(&loaded);
    assert!(junit.contains("<failure type=\"MUST\""), "{junit}");
    assert!(
        junit.contains("<error type=\"target unavailable\""),
        "{junit}"
    );
}
