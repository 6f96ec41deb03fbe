//! Retries and timeouts like Ping's own clients (issue 10): the suite passes against a mock whose
//! infrastructure fails now and then (`--flaky`), retries only what may be repeated, stops an
//! operation that hangs after two timeouts while the rest of the run goes on, and waits at
//! session start for a new worker app's permissions.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::http::{HttpClient, HttpLimits, Request as SuiteRequest};
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::suite::{
    CaseResult, Outcome, Session, TargetInfo, TargetKind, run_cases,
};
use support::gateway::{self, Action};
use support::suite::{all_cases, not_passed};

const FUZZ_SEED: u64 = 20_261_129;

/// Enough fuzz cases to meet the flaky mock's faults; short waits between retries.
fn run_config() -> RunConfig {
    RunConfig {
        fuzz_cases: Some(48),
        retry_cap: Duration::from_millis(20),
        ..support::suite::run_config()
    }
}

async fn flaky_mock(every: u32) -> MockPingOne {
    MockPingOne::builder()
        .flaky(every)
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

/// Every 25th request meets a 502 page, a 503, a 504 or a dropped connection: the suite still
/// passes every case, and leaves nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_passes_against_a_flaky_mock() {
    // The bundled mock's read-only worker and short tokens: every case runs, none is skipped.
    let mock = pingone_mfa_conformance::suite::bundled_mock()
        .flaky(25)
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts");
    let session = Session::for_mock(&mock, run_config())
        .await
        .expect("session opens through the faults")
        .with_fuzz_seed(FUZZ_SEED);
    let results = run_cases(Arc::new(session), &all_cases()).await;
    let problems = not_passed(&results);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let retried: u32 = results.iter().map(|r| r.requests).sum();
    assert!(
        retried > 100,
        "the run sent enough requests to meet faults: {retried}"
    );
    assert_eq!(mock.user_count(), 1, "only the seeded user is left");
}

/// The same flaky mock without retries: cases meet the faults, and they are ERRORs, not FAILs.
/// (Proves that the test above can fail, and that a transient fault is never a contract
/// failure.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_retries_the_flaky_mock_gives_errors_not_failures() {
    let mock = flaky_mock(25).await;
    let run = RunConfig {
        max_retries: 0,
        ..run_config()
    };
    // The session's own first requests (token, environment) are below the 25th.
    let session = Session::for_mock(&mock, run)
        .await
        .expect("session opens")
        .with_fuzz_seed(FUZZ_SEED);
    let results = run_cases(Arc::new(session), &all_cases()).await;
    let errors = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Error(_)))
        .count();
    assert!(errors > 0, "no case met a fault");
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(CaseResult::render)
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

// ---------------------------------------------------------------------------- a stand-in server

/// The answer to the n-th request (from 1) with this method and path; `None` holds it.
type Answerer = dyn Fn(u32, &str, &str) -> Option<Response> + Send + Sync;

/// A server that counts requests and answers each with its [`Answerer`].
#[derive(Clone)]
struct Counting {
    seen: Arc<AtomicU32>,
    answer: Arc<Answerer>,
}

async fn counting_handler(State(c): State<Counting>, req: Request) -> Response {
    let n = c.seen.fetch_add(1, Ordering::SeqCst) + 1;
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    match (c.answer)(n, &method, &path) {
        Some(r) => r,
        None => {
            // Hold the request past any timeout.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Response::new(Body::empty())
        }
    }
}

async fn serve(
    answer: impl Fn(u32, &str, &str) -> Option<Response> + Send + Sync + 'static,
) -> (String, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(AtomicU32::new(0));
    let state = Counting {
        seen: seen.clone(),
        answer: Arc::new(answer),
    };
    let app = axum::Router::new()
        .fallback(counting_handler)
        .with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, seen)
}

fn status(code: u16, body: &str) -> Option<Response> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .ok()
}

fn client(max_retries: u32) -> HttpClient {
    HttpClient::new(HttpLimits {
        timeout: Duration::from_millis(500),
        concurrency: 4,
        max_retries,
        retry_cap: Duration::from_millis(10),
    })
    .expect("client")
}

#[tokio::test]
async fn repeatable_requests_are_retried_after_transient_answers() {
    // 502, 503, 504, 500 UNEXPECTED_ERROR, 408, then 200.
    let (base, seen) = serve(|n, _, _| match n {
        1 => status(502, "<html>Bad Gateway</html>"),
        2 => status(503, ""),
        3 => status(504, ""),
        4 => status(500, r#"{"code":"UNEXPECTED_ERROR","message":"try again"}"#),
        5 => status(408, ""),
        _ => status(200, r#"{"mfaEnabled":true}"#),
    })
    .await;
    for method in ["GET", "PUT", "DELETE"] {
        seen.store(0, Ordering::SeqCst);
        let ex = client(5)
            .send(SuiteRequest::new(method, format!("{base}/x")), None, None)
            .await
            .expect("answer");
        assert_eq!((method, ex.status, ex.retries), (method, 200, 5));
        assert_eq!(seen.load(Ordering::SeqCst), 6);
    }
    // Bounded in count: with 2 retries the third answer (504) is returned.
    seen.store(0, Ordering::SeqCst);
    let ex = client(2)
        .send(SuiteRequest::new("GET", format!("{base}/x")), None, None)
        .await
        .expect("answer");
    assert_eq!((ex.status, ex.retries), (504, 2));
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let (base, seen) = serve(|_, _, _| status(400, r#"{"code":"INVALID_DATA"}"#)).await;
    let ex = client(5)
        .send(SuiteRequest::new("PUT", format!("{base}/x")), None, None)
        .await
        .expect("answer");
    assert_eq!((ex.status, ex.retries), (400, 0));
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_that_reached_the_server_is_not_retried_but_one_refused_is() {
    let (base, seen) = serve(|_, _, _| status(502, "<html>Bad Gateway</html>")).await;
    let ex = client(5)
        .send(
            SuiteRequest::new("POST", format!("{base}/users")),
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!((ex.status, ex.retries), (502, 0));
    assert_eq!(seen.load(Ordering::SeqCst), 1, "POST sent once");
    // A 429 was not processed: retried whatever the method.
    let (base, seen) = serve(|n, _, _| {
        if n == 1 {
            status(429, r#"{"code":"REQUEST_LIMITED"}"#)
        } else {
            status(201, "{}")
        }
    })
    .await;
    let ex = client(5)
        .send(
            SuiteRequest::new("POST", format!("{base}/users")),
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!((ex.status, seen.load(Ordering::SeqCst)), (201, 2));
    // Nothing listens: the connection is refused, the request surely never arrived.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let started = Instant::now();
    let err = client(3)
        .send(
            SuiteRequest::new("POST", format!("http://{addr}/users")),
            None,
            None,
        )
        .await
        .expect_err("refused");
    assert!(err.not_sent, "{err}");
    // Three retries waited 10 ms each (the cap): it was retried, not given up at once.
    assert!(started.elapsed() >= Duration::from_millis(30), "{err}");
}

#[tokio::test]
async fn retry_after_is_honoured_and_the_total_wait_is_bounded() {
    let (base, seen) = serve(|n, _, _| {
        if n == 1 {
            Response::builder()
                .status(503)
                .header("retry-after", "1")
                .body(Body::empty())
                .ok()
        } else {
            status(200, "{}")
        }
    })
    .await;
    let slow = HttpClient::new(HttpLimits {
        timeout: Duration::from_secs(5),
        concurrency: 1,
        max_retries: 3,
        retry_cap: Duration::from_secs(30),
    })
    .expect("client");
    let started = Instant::now();
    let ex = slow
        .send(SuiteRequest::new("GET", format!("{base}/x")), None, None)
        .await
        .expect("answer");
    assert_eq!((ex.status, seen.load(Ordering::SeqCst)), (200, 2));
    assert!(started.elapsed() >= Duration::from_secs(1));
}

/// Two timeouts of one operation and its further requests fail at once; other operations and
/// clean-up requests are still sent.
#[tokio::test]
async fn the_breaker_stops_one_hanging_operation_only() {
    let (base, seen) = serve(|_, method, path| {
        if method == "PUT" && path.ends_with("/mfaEnabled") {
            None
        } else {
            status(200, "{}")
        }
    })
    .await;
    let c = client(5);
    let user = |n: u32| {
        format!(
            "{base}/v1/environments/{}/users/{}/mfaEnabled",
            uuid(0),
            uuid(n)
        )
    };
    for n in 1..=2 {
        let err = c
            .send(SuiteRequest::new("PUT", user(n)), None, None)
            .await
            .expect_err("hangs");
        assert!(err.timed_out, "{err}");
    }
    let before = seen.load(Ordering::SeqCst);
    let started = Instant::now();
    let err = c
        .send(SuiteRequest::new("PUT", user(3)), None, None)
        .await
        .expect_err("held back");
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "failed at once"
    );
    assert!(err.message.contains("not sent"), "{err}");
    assert_eq!(seen.load(Ordering::SeqCst), before, "not sent");
    // Another operation goes through.
    let ex = c
        .send(SuiteRequest::new("GET", user(3)), None, None)
        .await
        .expect("GET answers");
    assert_eq!(ex.status, 200);
    // A clean-up request of the same operation is still sent (and times out).
    let err = c
        .send(SuiteRequest::new("PUT", user(4)).clean_up(), None, None)
        .await
        .expect_err("hangs");
    assert!(err.timed_out && !err.message.contains("not sent"), "{err}");
}

fn uuid(n: u32) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 + u128::from(n))
}

/// A gateway in front of the mock on which only `PUT …/mfaEnabled` hangs: the whole run ends
/// within about two request timeouts plus clean-up, and leaves nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_where_only_put_mfa_enabled_hangs_ends_in_bounded_time() {
    let (mock, target) = gateway::start(
        MockPingOne::builder().seed_user("conformance-existing-user", false),
        |method, path| {
            if method == "PUT" && path.ends_with("/mfaEnabled") {
                Action::Hang
            } else {
                Action::Forward
            }
        },
    )
    .await;
    let timeout = Duration::from_secs(1);
    let run = RunConfig {
        request_timeout: timeout,
        concurrency: 4,
        ..run_config()
    };
    let session = Arc::new(Session::open(target, run, None).await.expect("session"));
    let started = Instant::now();
    let results = run_cases(session, &all_cases()).await;
    let elapsed = started.elapsed();
    // Two timeouts open the breaker (the first four PUTs hang side by side); the existing
    // user's restore is a clean-up PUT and waits one more. Generous for a loaded machine.
    assert!(elapsed < timeout * 8, "took {elapsed:?}");
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(CaseResult::render)
        .collect();
    assert!(
        failed.is_empty(),
        "a hang is no contract failure:\n{}",
        failed.join("\n")
    );
    let put_cases: Vec<&CaseResult> = results
        .iter()
        .filter(|r| r.id.starts_with("MFA-BODY") || r.id.starts_with("MFA-INVALID"))
        .collect();
    assert!(
        put_cases
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Error(_))),
        "PUT cases are ERRORs"
    );
    assert_eq!(mock.user_count(), 1, "only the seeded user is left");
    let seeded = mock.seeded_users()[0];
    assert_eq!(mock.stored_mfa_enabled(seeded), Some(false));
}

/// A fresh worker app's 403 while its permissions propagate: the session waits (bounded) and
/// opens once the environment can be read; with no wait it is refused at once.
#[tokio::test]
async fn the_session_waits_for_a_new_worker_apps_permissions() {
    const PROPAGATING: &str = r#"{"code":"ACCESS_FAILED","message":"The request could not be completed. You do not have access to this resource."}"#;
    let env = uuid(7).to_string();
    let env_for_server = env.clone();
    let (base, seen) = serve(move |_, method, path| {
        if method == "POST" && path.ends_with("/as/token") {
            return status(
                200,
                r#"{"access_token":"t","token_type":"Bearer","expires_in":3600}"#,
            );
        }
        // The environment: 403 for the first three reads.
        static READS: AtomicU32 = AtomicU32::new(0);
        if READS.fetch_add(1, Ordering::SeqCst) < 3 {
            status(403, PROPAGATING)
        } else {
            status(
                200,
                &format!(r#"{{"id":"{env_for_server}","type":"SANDBOX"}}"#),
            )
        }
    })
    .await;
    let target = |base: &str| TargetInfo {
        kind: TargetKind::Mock,
        api_url: format!("{base}/v1"),
        auth_url: base.to_string(),
        worker_environment_id: Some(env.clone()),
        environment_id: env.clone(),
        credentials: pingone_mfa_conformance::config::Credentials::Client {
            client_id: "c".into(),
            client_secret: pingone_mfa_conformance::secret::Secret::new("s"),
            method: pingone_mfa_conformance::config::TokenAuthMethod::Basic,
        },
        population_id: None,
        test_user_id: None,
        readonly_client: None,
    };
    let no_wait = RunConfig {
        permission_wait: Duration::ZERO,
        ..run_config()
    };
    let refused = Session::open(target(&base), no_wait, None).await;
    assert!(refused.is_err(), "no wait: refused at the first 403");
    let wait = RunConfig {
        permission_wait: Duration::from_secs(20),
        ..run_config()
    };
    let session = Session::open(target(&base), wait, None)
        .await
        .expect("opens once the permissions have propagated");
    assert_eq!(session.environment_type.as_deref(), Some("SANDBOX"));
    assert!(seen.load(Ordering::SeqCst) >= 6);
}
