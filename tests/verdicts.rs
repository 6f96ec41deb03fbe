//! No verdict hides a finding (issue 17). Each fault below is a regression that an earlier
//! suite labelled an outage, passed without comparing anything, or hid behind a skip: a P1Error
//! 502 and an HTML 500 to a malformed body, a 500 that turns into a 400 on retry, a GET user
//! that lags behind Create User, a Delete User that fails. Each is caught at MUST by the check
//! its target names, and labelled FAIL (not ERROR, not SKIPPED, not PASS) in the console text
//! of the case, its results JSON, the Markdown report and the JUnit XML. A real outage is still
//! an ERROR (`tests/outage.rs`). Below them, the classification itself: which answers are the
//! API speaking, and which a gateway's page.

mod support;

use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::http::{Exchange, Request};
use pingone_mfa_conformance::mock::{Fault, MockPingOne};
use pingone_mfa_conformance::results;
use pingone_mfa_conformance::suite::{CaseResult, Outcome, Session, Tier, bundled_mock};
use support::suite::TempDir;

/// Few retries with short waits, and a short consistency wait: a read that lags fails fast.
fn run_config() -> RunConfig {
    RunConfig {
        fuzz_cases: Some(16),
        request_timeout: Duration::from_secs(30),
        max_retries: 2,
        retry_cap: Duration::from_millis(20),
        consistency_wait: Duration::from_millis(200),
        ..support::suite::run_config()
    }
}

async fn run(mock: &MockPingOne, ids: &[&str]) -> (Arc<Session>, Vec<CaseResult>) {
    support::suite::run_ids(mock, run_config(), ids).await
}

/// Every result is a FAIL holding a MUST finding of `check`, and every reader says so: the
/// console text, the results JSON, the Markdown report and the JUnit XML.
fn assert_failed_everywhere(results: &[CaseResult], session: &Session, check: &str) {
    for r in results {
        let text = r.render();
        assert_eq!(r.outcome, Outcome::Fail, "{text}");
        assert!(
            r.findings
                .iter()
                .any(|f| f.tier == Tier::Must && f.check == check),
            "{} should fail `{check}` at MUST:\n{text}",
            r.id
        );
        assert!(text.contains(": FAIL\n"), "{text}");
        assert!(!text.contains("inconclusive"), "{text}");
        assert!(r.fails_run(false));
    }
    let dir = TempDir::new("verdicts");
    for r in results {
        let path = results::record_to(dir.path(), r, session).expect("result written");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        assert_eq!(json["outcome"], "fail", "{json}");
        let named = json["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["tier"] == "MUST" && f["check"] == check));
        assert!(named, "{json}");
    }
    let loaded = results::load(dir.path()).expect("results load");
    let report = results::render(&loaded);
    let headline = report
        .lines()
        .find(|l| l.starts_with("**Result:"))
        .expect("headline");
    assert!(headline.starts_with("**Result: FAIL**"), "{headline}");
    assert!(
        headline.contains(&format!("{} MUST failure", results.len())),
        "{headline}"
    );
    for r in results {
        assert!(headline.contains(&r.id), "{headline}");
    }
    // JUnit: the cases not run are listed as errors ("no result"); the ones run are failures.
    let junit = results::junit(&loaded);
    for r in results {
        let start = junit
            .find(&format!("<testcase name=\"{}\"", r.id))
            .unwrap_or_else(|| panic!("{} in {junit}", r.id));
        let testcase = &junit[start..];
        let testcase = &testcase[..testcase.find("</testcase>").expect("closed")];
        assert!(testcase.contains("<failure type=\"MUST\""), "{testcase}");
        assert!(!testcase.contains("<error"), "{testcase}");
        assert!(!testcase.contains("<skipped"), "{testcase}");
    }
    assert!(
        junit.contains(&format!("failures=\"{}\"", results.len())),
        "{junit}"
    );
}

async fn mock_with(fault: Fault) -> MockPingOne {
    bundled_mock()
        .fault(fault)
        .start()
        .await
        .expect("mock starts")
}

/// Runs the fault's target cases against the bundled mock with the fault on, and checks that
/// each fails the target's check at MUST, labelled FAIL everywhere.
async fn caught_by_its_target(fault: Fault) -> Vec<CaseResult> {
    let target = fault.target();
    assert_eq!(target.tier, Tier::Must, "{fault}");
    let mock = mock_with(fault).await;
    let (session, results) = run(&mock, target.cases).await;
    assert_failed_everywhere(&results, &session, target.check);
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_p1error_502_to_a_malformed_body_is_a_failure_not_an_outage() {
    let results = caught_by_its_target(Fault::P1ErrorBadGatewayOnMalformedJson).await;
    for r in &results {
        assert_eq!(r.status, Some(502), "{}", r.render());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_500_to_a_malformed_body_is_a_failure_not_an_outage() {
    let results = caught_by_its_target(Fault::HtmlServerErrorOnMalformedJson).await;
    for r in &results {
        assert_eq!(r.status, Some(500), "{}", r.render());
    }
}

/// The retry loop keeps the 500 it met: the 400 that the retry got does not pass the case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_that_a_retry_turns_into_a_400_is_a_failure() {
    let results = caught_by_its_target(Fault::ServerErrorThenRejects).await;
    for r in &results {
        // The answer the case judged is the 400; the finding quotes the 500 before it.
        assert_eq!(r.status, Some(400), "{}", r.render());
        let text = r.render();
        assert!(
            text.contains("attempt 1: HTTP 500") && text.contains("then attempt 2: HTTP 400"),
            "{text}"
        );
    }
}

/// A GET user that does not show the user Create User made: the side-effect cases no longer
/// compare later reads with nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_up_read_that_lags_fails_the_side_effect_cases() {
    caught_by_its_target(Fault::UserReadLags).await;
}

/// A Delete User that fails fails the case that made the user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_that_fails_is_a_failure() {
    let mock = mock_with(Fault::DeleteUserFails).await;
    let ids = ["MFA-TOKEN-03", "MFA-BODY-01"];
    let (session, results) = run(&mock, &ids).await;
    assert_failed_everywhere(
        &results,
        &session,
        "clean-up: Delete User answers 204 and removes the user",
    );
    for r in &results {
        assert!(
            r.cleanup
                .iter()
                .any(|c| c.contains("could not delete user")),
            "{}",
            r.render()
        );
    }
}

/// A target whose tokens live an hour: MFA-TOKEN-03 skips, and decides so before it creates
/// anything, so that a failing Delete User cannot leave a user behind a SKIPPED. Beside it, a
/// case that did create a user fails on the delete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_that_skips_creates_nothing_first() {
    let mock = MockPingOne::builder()
        .token_lifetime(Duration::from_secs(3600))
        .fault(Fault::DeleteUserFails)
        .start()
        .await
        .expect("mock starts");
    let before = mock.user_count();
    let (session, results) = run(&mock, &["MFA-TOKEN-03"]).await;
    let skipped = &results[0];
    assert!(
        matches!(&skipped.outcome, Outcome::Skipped(why) if why.contains("3600 s")),
        "{}",
        skipped.render()
    );
    assert!(skipped.cleanup.is_empty(), "{}", skipped.render());
    assert_eq!(skipped.requests, 1, "only the token request");
    assert_eq!(mock.user_count(), before, "nothing created");
    let (_, made) = run(&mock, &["MFA-BODY-01"]).await;
    assert_failed_everywhere(
        &made,
        &session,
        "clean-up: Delete User answers 204 and removes the user",
    );
}

// ------------------------------------------------- what is the API's answer (src/http.rs)

fn answer(status: u16, content_type: &str, body: &str) -> Exchange {
    Exchange {
        request: Request::new("PUT", "http://x/"),
        status,
        headers: vec![("content-type".into(), content_type.into())],
        body: body.as_bytes().to_vec(),
        elapsed: Duration::ZERO,
        retries: 0,
        earlier: Vec::new(),
    }
}

const P1: &str = r#"{"id":"1","code":"UNEXPECTED_ERROR","message":"Try again later."}"#;
const HTML: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

#[test]
fn only_what_is_not_the_apis_answer_is_unavailable() {
    // A gateway's page at 502, 503 or 504, a JSON message without a code, a 429 that stays.
    for status in [502, 503, 504] {
        assert!(answer(status, "text/html", HTML).unavailable().is_some());
        assert!(answer(status, "text/plain", "").unavailable().is_some());
        let aws = answer(
            status,
            "application/json",
            r#"{"message":"Internal error"}"#,
        );
        assert!(aws.unavailable().is_some(), "{status}");
    }
    assert!(answer(429, "application/json", P1).unavailable().is_some());
    // The API speaking: a P1Error (or an OAuth error) at any status, a 500 with any body.
    for status in [400, 500, 502, 503, 504] {
        assert_eq!(answer(status, "application/json", P1).unavailable(), None);
    }
    let oauth = r#"{"error":"server_error","error_description":"x"}"#;
    assert_eq!(answer(503, "application/json", oauth).unavailable(), None);
    let whitelabel = "<html><body>Whitelabel Error Page</body></html>";
    assert_eq!(answer(500, "text/html", whitelabel).unavailable(), None);
    assert_eq!(answer(500, "text/plain", "").unavailable(), None);
}

#[test]
fn earlier_server_errors_are_the_apis_own_and_differ_from_the_last_answer() {
    let mut last = answer(400, "application/json", P1);
    last.retries = 3;
    last.earlier = vec![
        answer(500, "application/json", P1),
        answer(502, "text/html", HTML),
        answer(503, "application/json", P1),
    ];
    let statuses: Vec<u16> = last
        .earlier_server_errors()
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [500, 503]);
    let mut same = answer(500, "application/json", P1);
    same.earlier = vec![answer(500, "application/json", P1)];
    assert!(same.earlier_server_errors().is_empty());
}
