//! The suite over HTTPS (issue 13): the bundled mock serves TLS with a certificate generated at
//! start, and the suite reaches it through the variables, trusting the mock's CA with
//! `PINGONE_CA_CERT`, exactly as it would a tenant behind a corporate proxy. Without that
//! variable the same run is refused by certificate verification, so the TLS path is real.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::{Config, var};
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::suite::{CASES, Case, Outcome, Session, run_cases};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_ca_the_certificate_is_refused_before_any_write() {
    let mock = tls_mock().await;
    let vars = variables(&mock, None);
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("valid configuration");
    let error = Session::from_config(config)
        .await
        .expect_err("an unknown CA must be refused");
    let message = error.to_string();
    assert!(
        message.contains("/as/token") && message.contains("invalid peer certificate"),
        "{message}"
    );
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
