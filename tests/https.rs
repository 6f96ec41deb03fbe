//! The suite over HTTPS (issue 13): the bundled mock serves TLS with a certificate generated at
//! start, and the suite reaches it through the variables, trusting the mock's CA with
//! `PINGONE_CA_CERT`, exactly as it would a tenant behind a corporate proxy. Without that
//! variable the same run is refused by certificate verification, so the TLS path is real; a
//! refused certificate is reported at the first attempt, never retried as an outage.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pingone_mfa_conformance::config::{Config, var};
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::suite::{
    CASES, Case, Outcome, Session, SessionError, cases, run_case, run_cases,
};

async fn tls_mock() -> MockPingOne {
    MockPingOne::builder()
        .tls()
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

/// The variables a user would set for this mock, with the CA in a file when `ca_file` is set.
fn variables(mock: &MockPingOne, ca_file: Option<&str>) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = [
        (var::API_URL, mock.api_url().to_string()),
        (var::AUTH_URL, mock.auth_url().to_string()),
        (var::ENVIRONMENT_ID, mock.environment_id().to_string()),
        (var::CLIENT_ID, mock.client_id().to_string()),
        (
            var::CLIENT_SECRET,
            mock.client_secret().expose().to_string(),
        ),
        (var::TEST_USER_ID, mock.seeded_users()[0].to_string()),
        (var::TARGET_KIND, "mock".to_string()),
        (var::FUZZ_CASES, "32".to_string()),
        (var::CONCURRENCY, "8".to_string()),
        (var::REQUEST_TIMEOUT_SECS, "10".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(path) = ca_file {
        vars.insert(var::CA_CERT.to_string(), path.to_string());
    }
    vars
}

fn ca_file(mock: &MockPingOne) -> String {
    let pem = mock.tls_ca_pem().expect("a TLS mock has a CA");
    let dir = std::env::temp_dir().join(format!("pingone-https-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("ca-{}.pem", mock.addr().port()));
    std::fs::write(&path, pem).expect("write CA");
    path.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_suite_passes_over_https_trusting_the_mock_ca() {
    let mock = tls_mock().await;
    assert!(
        mock.api_url().starts_with("https://127.0.0.1:"),
        "{}",
        mock.api_url()
    );
    assert!(
        mock.auth_url().starts_with("https://"),
        "{}",
        mock.auth_url()
    );
    let path = ca_file(&mock);
    let vars = variables(&mock, Some(&path));
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid configuration");
    assert!(config.run.ca_cert.is_some());
    let session = Session::from_config(config)
        .await
        .expect("session over HTTPS");
    let cases: Vec<&'static Case> = CASES.iter().collect();
    let results = run_cases(Arc::new(session), &cases).await;
    assert_eq!(results.len(), CASES.len());
    let not_passed: Vec<String> = results
        .iter()
        // Skipped: the cases that need a read-only worker or short-lived tokens, which this
        // mock is not started with.
        .filter(|r| !matches!(r.outcome, Outcome::Pass | Outcome::Skipped(_)))
        .map(|r| r.render())
        .collect();
    assert!(
        not_passed.is_empty(),
        "over HTTPS:\n{}",
        not_passed.join("\n")
    );
    assert_eq!(mock.user_count(), 1, "users left behind");
    assert_eq!(mock.stored_mfa_enabled(mock.seeded_users()[0]), Some(false));
}

/// A TCP relay on a free port in front of a TLS server: it counts the connections made
/// through it, each under the server it went to, so that a test sees how often a client tried.
/// [`Relay::switch`] sends later connections to another server and closes the open ones.
struct Relay {
    addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    /// The server of each connection made so far.
    connections: Arc<Mutex<Vec<SocketAddr>>>,
    open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    /// A relay listening on `ip` (a loopback address) to `upstream`.
    async fn to(ip: &str, upstream: SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.expect("bind");
        let relay = Relay {
            addr: listener.local_addr().expect("addr"),
            upstream: Arc::new(Mutex::new(upstream)),
            connections: Arc::default(),
            open: Arc::default(),
        };
        let (to, connections, open) = (
            relay.upstream.clone(),
            relay.connections.clone(),
            relay.open.clone(),
        );
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let server = *to.lock().expect("lock");
                connections.lock().expect("lock").push(server);
                open.lock().expect("lock").push(tokio::spawn(async move {
                    if let Ok(mut upstream) = tokio::net::TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                }));
            }
        });
        relay
    }

    /// `url` (a mock's) with the relay's address instead of `mock`'s.
    fn url(&self, mock: &MockPingOne, url: &str) -> String {
        let through = url.replace(&mock.addr().to_string(), &self.addr.to_string());
        assert_ne!(through, url, "{url} names the mock's port");
        through
    }

    /// From now on relay to `upstream`, and close every connection open now (a client then
    /// has to connect again).
    async fn switch(&self, upstream: SocketAddr) {
        *self.upstream.lock().expect("lock") = upstream;
        for task in self.open.lock().expect("lock").drain(..) {
            task.abort();
        }
        // Long enough for the client's pool to see its connections closed.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    /// Connections made to `server` so far.
    fn connections_to(&self, server: SocketAddr) -> usize {
        let connections = self.connections.lock().expect("lock");
        connections.iter().filter(|s| **s == server).count()
    }
}

/// Open a session on `mock` through `relay` (the token endpoint too unless `api_only`),
/// trusting `ca` if given, with retries allowed (`PINGONE_MAX_RETRIES=5`).
async fn open_through(
    mock: &MockPingOne,
    relay: &Relay,
    ca: Option<&str>,
    api_only: bool,
) -> Result<Session, SessionError> {
    let mut vars = variables(mock, ca);
    vars.insert(var::API_URL.into(), relay.url(mock, mock.api_url()));
    if !api_only {
        vars.insert(var::AUTH_URL.into(), relay.url(mock, mock.auth_url()));
    }
    vars.insert(var::MAX_RETRIES.into(), "5".into());
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid configuration");
    Session::from_config(config).await
}

/// An unknown certificate authority at the token endpoint is refused at the first attempt (not
/// retried as if the target were unavailable, whatever `PINGONE_MAX_RETRIES` allows), before
/// any write, with one message that names the endpoint and says what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_ca_the_certificate_is_refused_before_any_write() {
    let mock = tls_mock().await;
    let relay = Relay::to("127.0.0.1", mock.addr()).await;
    let error = open_through(&mock, &relay, None, false)
        .await
        .expect_err("an unknown CA must be refused");
    assert!(matches!(error, SessionError::Certificate(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("/as/token")
            && message.contains("invalid peer certificate")
            && message.contains("not retried")
            && message.contains("set PINGONE_CA_CERT to the PEM file"),
        "{message}"
    );
    assert!(!message.contains("unavailable"), "{message}");
    assert_eq!(relay.connections_to(mock.addr()), 1, "attempts: {message}");
    assert_eq!(mock.user_count(), 1);
}

/// A certificate for other names than the URL's host (the mock's names 127.0.0.1 and localhost,
/// not 127.0.0.2) is refused at once even from a trusted authority, and the message points at
/// the URLs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_for_another_host_is_refused_naming_the_urls() {
    let mock = tls_mock().await;
    let relay = Relay::to("127.0.0.2", mock.addr()).await;
    let error = open_through(&mock, &relay, Some(&ca_file(&mock)), false)
        .await
        .expect_err("a certificate for other names must be refused");
    assert!(matches!(error, SessionError::Certificate(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("https://127.0.0.2:")
            && message.contains("not valid for this host name; check PINGONE_API_URL"),
        "{message}"
    );
    assert_eq!(relay.connections_to(mock.addr()), 1, "attempts: {message}");
}

/// A case whose request meets a certificate it cannot trust (here: the API host starts
/// answering with another authority's certificate after the session opened) is an ERROR at
/// the first attempt: Create User's refused connection is no lost answer to look for and send
/// again, and the reason says what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_refused_during_a_case_is_reported_at_once() {
    let mock = tls_mock().await;
    let other = tls_mock().await;
    let relay = Relay::to("127.0.0.1", mock.addr()).await;
    let session = open_through(&mock, &relay, Some(&ca_file(&mock)), true)
        .await
        .expect("the session opens through the relay");
    relay.switch(other.addr()).await;
    let case = cases::by_id("MFA-READ-01").expect("a case that creates a user");
    let result = run_case(Arc::new(session), case).await;
    let Outcome::Error(why) = &result.outcome else {
        panic!("expected ERROR, got {}", result.render());
    };
    assert!(
        why.contains("POST ") && why.contains("not retried") && why.contains("PINGONE_CA_CERT"),
        "{why}"
    );
    assert_eq!(
        relay.connections_to(other.addr()),
        1,
        "Create User tried again: {}",
        result.render()
    );
    assert_eq!(other.user_count(), 1, "nothing reached the other server");
    assert_eq!(mock.user_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_ca_does_not_vouch_for_the_mock() {
    let mock = tls_mock().await;
    let other = tls_mock().await;
    let path = ca_file(&other);
    let vars = variables(&mock, Some(&path));
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid configuration");
    let error = Session::from_config(config)
        .await
        .expect_err("another mock's CA must not be trusted for this one");
    assert!(error.to_string().contains("certificate"), "{error}");
    drop(other);
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// Plain HTTP with credentials to a host that is not loopback stops the run before any request:
/// the configuration error names the variable, and no connection is attempted (the host does
/// not even resolve).
#[test]
fn plain_http_to_a_remote_host_stops_before_any_request() {
    let vars: HashMap<&str, &str> = [
        (var::API_URL, "http://pingone-proxy.invalid/v1"),
        (var::AUTH_URL, "http://pingone-proxy.invalid"),
        (var::ENVIRONMENT_ID, "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6"),
        (var::CLIENT_ID, "1b2c3d4e-0000-4000-8000-00000000c11e"),
        (var::CLIENT_SECRET, "Sup3r-S3cret-Value~xyz"),
    ]
    .into_iter()
    .collect();
    let error =
        Config::from_lookup(|name| vars.get(name).map(ToString::to_string)).expect_err("refused");
    assert_eq!(error.problems.len(), 1, "{error}");
    assert!(
        error.problems[0].starts_with(
            "PINGONE_API_URL and PINGONE_AUTH_URL use plain http:// to a host that is not loopback"
        ),
        "{error}"
    );
    assert!(!error.to_string().contains("Sup3r"), "{error}");
}
