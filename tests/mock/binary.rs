//! The standalone `pingone-mock` binary: help, faults, argument errors, flags and variables,
//! its banner and a round trip; and shutting an embedded mock down.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pingone_mfa_conformance::mock::{Alternative, Fault, MockPingOne};
use reqwest::Method;
use rstest::rstest;
use uuid::Uuid;

use crate::expected_mfa_body;
use crate::support::api::*;

const BIN: &str = env!("CARGO_BIN_EXE_pingone-mock");

#[test]
fn the_binary_prints_help_listing_its_flags() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut expected: Vec<String> = [
        "--port",
        "--fault",
        "--list-faults",
        "--environment-id",
        "PINGONE_MOCK_PORT",
    ]
    .map(String::from)
    .to_vec();
    // Generated from the two tables: every alternative's flag and variable, every fault.
    for a in Alternative::ALL {
        expected.push(format!("--{}\n", a.flag()));
        expected.push(format!(
            "PINGONE_MOCK_{}",
            a.flag().to_uppercase().replace('-', "_")
        ));
    }
    expected.extend(Fault::ALL.iter().map(|f| format!("  {} ", f.name())));
    for wanted in expected {
        assert!(
            text.contains(&wanted),
            "--help does not mention {wanted:?}:\n{text}"
        );
    }
}

#[test]
fn the_binary_lists_its_faults() {
    let out = Command::new(BIN).arg("--list-faults").output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("write-lost")), "{text}");
}

#[rstest]
#[case::unknown_flag(&["--no-such-flag"], "--no-such-flag")]
#[case::unknown_fault(&["--fault", "no-such-fault"], "no-such-fault")]
#[case::missing_value(&["--port"], "--port")]
#[case::bad_uuid(&["--environment-id", "nope"], "nope")]
#[case::bad_uuid_after_equals(&["--environment-id=nope"], "nope")]
#[case::mistyped_alternative(&["--non-uuid-40"], "tip: a similar argument exists: '--non-uuid-400'")]
#[case::mistyped_fault(&["--fault", "wirte-lost"], "tip: a similar value exists: 'write-lost'")]
#[case::readonly_id_without_secret(&["--readonly-client-id", "r"], "--readonly-client-secret")]
fn the_binary_exits_2_with_a_message_on_bad_arguments(
    #[case] args: &[&str],
    #[case] mentioned: &str,
) {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(mentioned),
        "stderr does not mention {mentioned}: {err}"
    );
}

/// Start the binary and read its banner, up to "Press Ctrl-C"; the child dies with the guard.
fn banner_of(command: &mut Command) -> (KillOnDrop, Vec<String>) {
    let mut child = KillOnDrop(
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("banner ended early: {banner:?}"));
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            return (child, banner);
        }
    }
}

/// The banner line that starts with `label`, without the label.
fn banner_value<'a>(banner: &'a [String], label: &str) -> &'a str {
    banner
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {banner:?}"))
        .trim()
}

#[test]
fn the_binary_reads_flags_with_equals_and_pingone_mock_variables_and_the_flag_wins() {
    let env = Uuid::new_v4();
    let population = Uuid::new_v4();
    let (_child, banner) = banner_of(
        Command::new(BIN)
            .args(["--port=0", &format!("--environment-id={env}")])
            .arg("--client-id=from-flag")
            .env("PINGONE_MOCK_CLIENT_ID", "from-variable")
            .env("PINGONE_MOCK_POPULATION_ID", population.to_string())
            .env("PINGONE_MOCK_NON_UUID_400", "true")
            .env("PINGONE_MOCK_FOREIGN_ENVIRONMENT_404", "false")
            .env("PINGONE_MOCK_SEED_USER", "ann,bob:true")
            .env("PINGONE_MOCK_FAULT", "write-lost,stale-read")
            .env("PINGONE_MOCK_PRODUCTION", "true"),
    );
    assert_eq!(
        banner_value(&banner, "environment id"),
        format!("{env} (PRODUCTION)")
    );
    assert_eq!(
        banner_value(&banner, "population id"),
        population.to_string()
    );
    assert_eq!(banner_value(&banner, "client id"), "from-flag");
    assert_eq!(banner_value(&banner, "alternatives on"), "non-uuid-400");
    assert_eq!(banner_value(&banner, "FAULTS ON"), "write-lost, stale-read");
    let seeded: Vec<&String> = banner
        .iter()
        .filter(|l| l.contains("seeded user"))
        .collect();
    assert!(
        seeded.len() == 2 && seeded[0].ends_with("(ann)") && seeded[1].ends_with("(bob)"),
        "{seeded:?}"
    );
}

#[test]
fn the_binary_without_alternatives_names_none() {
    let (_child, banner) = banner_of(Command::new(BIN).args(["--port", "0"]));
    assert!(
        !banner.iter().any(|l| l.contains("alternatives on")),
        "{banner:?}"
    );
}

#[tokio::test]
async fn shutdown_returns_once_the_listener_is_closed() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let addr = mock.addr();
    let probe = tokio::net::TcpStream::connect(addr).await;
    assert!(probe.is_ok(), "not serving before shutdown: {probe:?}");
    drop(probe);
    mock.shutdown().await;
    let after = tokio::net::TcpStream::connect(addr).await;
    assert!(after.is_err(), "still accepting after shutdown: {after:?}");
}

/// Kills the child when the test ends, pass or fail.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_a_token_and_an_mfa_round_trip() {
    let env = Uuid::new_v4();
    let (child, banner) = banner_of(
        Command::new(BIN)
            .args(["--port", "0", "--environment-id", &env.to_string()])
            .args(["--client-id", "cid", "--client-secret", "s3cret"]),
    );
    let addr = banner[0]
        .strip_prefix("pingone-mock listening on ")
        .unwrap_or_else(|| panic!("first line: {:?}", banner[0]));
    let port: u16 = addr.rsplit_once(':').unwrap().1.parse().unwrap();
    assert_ne!(port, 0);
    let user = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("seeded user"))
        .map(|rest| Uuid::parse_str(rest.split_whitespace().next().unwrap()).unwrap())
        .unwrap_or_else(|| panic!("no seeded user in {banner:?}"));
    assert!(
        banner.iter().any(|l| l.contains(&env.to_string())),
        "the banner does not name the environment: {banner:?}"
    );

    let origin = format!("http://{addr}");
    let client = client();
    let token = request_token(
        &client,
        &format!("{origin}/{env}/as/token"),
        "cid",
        "s3cret",
    )
    .await;
    let bearer = format!("Bearer {token}");
    let url = format!("{origin}/v1/environments/{env}/users/{user}/mfaEnabled");
    let put = send(
        &client,
        Method::PUT,
        &url,
        Some(&bearer),
        Some(JSON),
        Some(br#"{"mfaEnabled":true}"#.to_vec()),
    )
    .await;
    let expected = expected_mfa_body(&format!("{origin}/v1"), env, user, true);
    assert_eq!(put.ok_json(200), expected);
    let get = send(&client, Method::GET, &url, Some(&bearer), None, None).await;
    assert_eq!(get.ok_json(200), expected);
    drop(child);
}
