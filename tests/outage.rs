//! An outage of the target is an ERROR (inconclusive), not a FAIL (a contract broken): in the
//! console text of each case, its results JSON, the Markdown report, the JUnit XML and the
//! nightly comparison. Two outages: the mock stopped in the middle of a run, and a gateway in
//! front of the mock that starts answering 502 with an HTML page to everything.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::results::{self, Mode};
use pingone_mfa_conformance::suite::{
    CASES, Case, CaseResult, Outcome, Session, TargetInfo, TargetKind, bundled_mock, run_cases,
};

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "pingone-outage-tests-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_config() -> RunConfig {
    RunConfig {
        concurrency: 8,
        fuzz_cases: Some(8),
        request_timeout: Duration::from_secs(5),
        max_retries: 1,
        retry_cap: Duration::from_millis(50),
        ..RunConfig::default()
    }
}

async fn mock() -> MockPingOne {
    bundled_mock()
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

fn all_cases() -> Vec<&'static Case> {
    CASES.iter().collect()
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
    let dir = TempDir::new();
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

/// A gateway in front of the mock: forwards until switched, then answers 502 with an HTML page.
struct Gateway {
    upstream: String,
    client: reqwest::Client,
    down: AtomicBool,
}

async fn gateway_handler(State(gw): State<Arc<Gateway>>, req: Request) -> Response {
    if gw.down.load(Ordering::SeqCst) {
        return Response::builder()
            .status(502)
            .header("content-type", "text/html")
            .body(Body::from(
                "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
            ))
            .expect("response");
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut forward = gw
        .client
        .request(parts.method.clone(), format!("{}{path}", gw.upstream))
        .body(body.to_vec());
    for (k, v) in &parts.headers {
        if k != "host" && k != "content-length" {
            forward = forward.header(k, v);
        }
    }
    let answer = forward.send().await.expect("mock answers");
    let mut response = Response::builder().status(answer.status().as_u16());
    for (k, v) in answer.headers() {
        if k != "content-length" && k != "transfer-encoding" {
            response = response.header(k, v);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    response.body(Body::from(bytes)).expect("response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_answering_502_is_an_error_not_a_failure() {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind");
    let gateway_base = format!("http://{}", listener.local_addr().expect("addr"));
    let mock = bundled_mock()
        .seed_user("conformance-existing-user", false)
        .public_base_url(gateway_base.clone())
        .start()
        .await
        .expect("mock starts");
    let gateway = Arc::new(Gateway {
        upstream: format!("http://{}", mock.addr()),
        client: pingone_mfa_conformance::tls::client_builder()
            .build()
            .expect("client"),
        down: AtomicBool::new(false),
    });
    let app = axum::Router::new()
        .fallback(gateway_handler)
        .with_state(gateway.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    // The client talks to the gateway; the mock's hrefs name the gateway too.
    let mut target = TargetInfo::from_mock(&mock, TargetKind::Mock);
    let mock_base = format!("http://{}", mock.addr());
    target.api_url = target.api_url.replace(&mock_base, &gateway_base);
    target.auth_url = target.auth_url.replace(&mock_base, &gateway_base);
    assert!(
        target.api_url.starts_with(&gateway_base),
        "{}",
        target.api_url
    );
    assert!(
        target.auth_url.starts_with(&gateway_base),
        "{}",
        target.auth_url
    );
    let session = Arc::new(
        Session::open(target, run_config(), None)
            .await
            .expect("session through the gateway"),
    );
    let before = run_cases(session.clone(), &all_cases()).await;
    gateway.down.store(true, Ordering::SeqCst);
    let after = run_cases(session.clone(), &all_cases()).await;
    assert_inconclusive(&before, &after, &session, "HTTP 502");
}

/// The report's own check, independent of a run: a directory with one FAIL and one ERROR says
/// FAIL (a contract failure was seen) and still counts the inconclusive case.
#[test]
fn a_failure_next_to_an_error_is_still_a_failure() {
    let dir = TempDir::new();
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
