//! Personal data never reaches the results JSON or the report (issue 13): against a tenant,
//! findings name statuses, checked attributes and schema paths, never a user's body.
//!
//! A stand-in tenant answers every request on users (create, read, update, delete) with a body full of a person's data (username,
//! e-mail, name) and a few things wrong with it (a string `mfaEnabled`, 200 where 4xx is due),
//! so that nearly every case fails and its findings describe such bodies. Declared a tenant,
//! nothing of the person reaches the published text; declared a mock, the same findings quote
//! the body, which shows that the test would see a leak.

use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::config::{Credentials, TokenAuthMethod};
use pingone_mfa_conformance::results::{self, CaseRecord, Results, RunInfo};
use pingone_mfa_conformance::secret::Secret;
use pingone_mfa_conformance::suite::{
    CASES, Case, CaseResult, Outcome, Session, TargetInfo, TargetKind, run_cases,
};

/// The person's data, as a tenant would hold it.
const PERSONAL: &[&str] = &[
    "jane.private-person",
    "jane@private.example",
    "Janet",
    "Privateer",
];

/// A stand-in tenant on a free port: tokens, a SANDBOX environment, a personal body for the
/// existing test user `test_user`, and made-up bodies for the users the suite creates.
async fn stand_in_tenant(test_user: String) -> (String, tokio::task::JoinHandle<()>) {
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let test_user = test_user.clone();
        async move {
        let path = req.uri().path().to_string();
        if path.ends_with("/as/token") {
            let token = serde_json::json!({"access_token": "stand-in-token-0123456789", "token_type": "Bearer", "expires_in": 3600});
            return axum::Json(token).into_response();
        }
        if !path.contains("/users") {
            return axum::Json(serde_json::json!({"id": "env", "type": "SANDBOX"})).into_response();
        }
        if path.ends_with("/mfaEnabled") {
            // UserMFAEnabled holds no personal data. The test user's reads right, so that
            // MFA-EXISTING-01 goes on to toggle it and read its user body back; the rest wrong.
            let value = if req.method() == axum::http::Method::GET && path.contains(&test_user) {
                serde_json::json!(false)
            } else {
                serde_json::json!("maybe")
            };
            return axum::Json(serde_json::json!({ "mfaEnabled": value })).into_response();
        }
        let user = if path.ends_with(&format!("/users/{test_user}")) {
            serde_json::json!({
                "username": PERSONAL[0],
                "email": PERSONAL[1],
                "name": {"given": PERSONAL[2], "family": PERSONAL[3]},
                "id": test_user,
                "mfaEnabled": "maybe",
                "enabled": true,
            })
        } else {
            serde_json::json!({
                "username": "conformance-made-up",
                "id": uuid::Uuid::new_v4().to_string(),
                "mfaEnabled": "maybe",
                "enabled": true,
            })
        };
        axum::Json(user).into_response()
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, task)
}

async fn run(kind: TargetKind) -> (Vec<CaseResult>, Session) {
    let test_user = uuid::Uuid::new_v4().to_string();
    let (base, task) = stand_in_tenant(test_user.clone()).await;
    let env = uuid::Uuid::new_v4().to_string();
    let target = TargetInfo {
        kind,
        api_url: format!("{base}/v1"),
        auth_url: base,
        worker_environment_id: Some(env.clone()),
        environment_id: env,
        credentials: Credentials::Client {
            client_id: "stand-in-client".into(),
            client_secret: Secret::new("stand-in-secret-0123456789"),
            method: TokenAuthMethod::Basic,
        },
        population_id: None,
        test_user_id: Some(test_user),
        readonly_client: None,
    };
    let run = RunConfig {
        concurrency: 8,
        fuzz_cases: Some(8),
        // Every answer of the stand-in is wrong, so MFA-FUZZ-01 shrinks its first failing body
        // for up to 64 probes, each read-back waiting out the consistency wait: a short wait
        // and a fixed seed keep this test in seconds, the same every run.
        fuzz_seed: Some(20_261_203),
        consistency_wait: Duration::from_millis(50),
        request_timeout: Duration::from_secs(10),
        ..RunConfig::default()
    };
    let session = Arc::new(Session::open(target, run, None).await.expect("session"));
    let cases: Vec<&'static Case> = CASES.iter().collect();
    let results = run_cases(session.clone(), &cases).await;
    task.abort();
    let session = Arc::try_unwrap(session).expect("the run is over");
    (results, session)
}

/// Everything a run publishes: each result file as written, and the Markdown report of them.
fn published(results: &[CaseResult], session: &Session) -> String {
    let dir = std::env::temp_dir().join(format!(
        "pingone-privacy-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let mut text = String::new();
    for r in results {
        let path = results::record_to(&dir, r, session).expect("record");
        text.push_str(&std::fs::read_to_string(path).expect("read back"));
    }
    let loaded = results::load(&dir).expect("load");
    text.push_str(&results::render(&loaded));
    let _ = std::fs::remove_dir_all(&dir);
    let combined = Results {
        format: results::FORMAT_VERSION,
        run: RunInfo::of(session),
        cases: results
            .iter()
            .map(|r| CaseRecord::from_result(r, None))
            .collect(),
        profile: None,
        requests: session.requests().records(),
    };
    text.push_str(&results::render(&combined));
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_user_body_text_reaches_the_results_or_the_report() {
    let (results, session) = run(TargetKind::Tenant).await;
    let failed = results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .count();
    assert!(
        failed * 2 > results.len(),
        "most cases must fail against the stand-in for this test to mean anything ({failed} of {})",
        results.len()
    );
    let text = published(&results, &session);
    for private in PERSONAL {
        assert!(
            !text.contains(private),
            "{private:?} reached the results or the report"
        );
    }
    assert!(
        text.contains("mfaEnabled (a string)"),
        "findings name the checked attribute"
    );
    assert!(
        text.contains("other content not quoted"),
        "findings say what they leave out"
    );
}

/// Control: declared a mock, the same run quotes the person's data, so the check above can see
/// a leak.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_a_mock_the_same_findings_quote_the_body() {
    let (results, session) = run(TargetKind::Mock).await;
    let text = published(&results, &session);
    for private in PERSONAL {
        assert!(
            text.contains(private),
            "{private:?} is quoted against a mock"
        );
    }
}

/// Debug output of a running mock (its state included) never prints a live access token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_debug_output_prints_no_live_token() {
    let mock = pingone_mfa_conformance::mock::MockPingOne::builder()
        .start()
        .await
        .expect("mock");
    let client = pingone_mfa_conformance::tls::client_builder()
        .build()
        .expect("client");
    let answer: serde_json::Value = client
        .post(format!(
            "{}/{}/as/token",
            mock.auth_url(),
            mock.environment_id()
        ))
        .basic_auth(mock.client_id(), Some(mock.client_secret().expose()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("JSON");
    let token = answer["access_token"].as_str().expect("a token");
    assert!(token.len() > 20, "{token}");
    for text in [format!("{mock:?}"), format!("{mock:#?}")] {
        assert!(!text.contains(token), "the live token is printed: {text}");
        assert!(text.contains("1 live"), "the tokens are counted: {text}");
        assert!(!text.contains(mock.client_secret().expose()));
    }
}
