//! Interrupting a run leaves real data as it was (issue 13).
//!
//! Each scenario starts a standalone `pingone-mock` as a child process, runs the conformance
//! test binary against it as another child (exactly as a user would, through the `PINGONE_*`
//! variables), sends SIGINT or SIGTERM at a chosen moment, and then asks the mock, over HTTP,
//! whether the test user still has its value and whether any user the run created is left.
//!
//! The moments are made reachable, not guessed: "mid-run" is as soon as the mock holds a user
//! the run created; "during the toggle" is when MFA-EXISTING-01's state file appears (it is
//! written just before the toggling PUT), with the mock's `--latency-ms` holding that PUT in
//! flight while the signal arrives.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;

use support::binaries::{StandaloneMock as Mock, conformance_binary};

impl Mock {
    fn rt() -> &'static tokio::runtime::Runtime {
        static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
        RT.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime")
        })
    }

    fn get(&self, url: &str) -> Value {
        Mock::rt().block_on(async {
            let client = pingone_mfa_conformance::tls::client_builder()
                .build()
                .expect("client");
            let token: Value = client
                .post(format!(
                    "{}/{}/as/token",
                    self.auth_url, self.environment_id
                ))
                .basic_auth(&self.client_id, Some(&self.client_secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials")
                .send()
                .await
                .expect("token")
                .json()
                .await
                .expect("token JSON");
            let token = token["access_token"].as_str().expect("access_token");
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("GET")
                .json()
                .await
                .expect("JSON")
        })
    }

    /// The test user's stored value.
    fn test_user_value(&self) -> Option<bool> {
        self.get(&format!(
            "{}/environments/{}/users/{}/mfaEnabled",
            self.api_url, self.environment_id, self.test_user
        ))
        .get("mfaEnabled")
        .and_then(Value::as_bool)
    }

    /// Usernames of the users a run created (`conformance-*`).
    fn created_users(&self) -> Vec<String> {
        let list = self.get(&format!(
            "{}/environments/{}/users?filter=username%20sw%20%22conformance-%22&limit=1000",
            self.api_url, self.environment_id
        ));
        list.pointer("/_embedded/users")
            .and_then(Value::as_array)
            .map(|users| {
                users
                    .iter()
                    .filter_map(|u| u.get("username").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A run of the conformance binary against `mock`, its state files under `state_root`.
struct Run {
    child: Child,
    log: PathBuf,
}

fn state_dir(root: &Path) -> PathBuf {
    root.join("pingone-conformance")
}

impl Run {
    fn start(mock: &Mock, filter: Option<&str>, root: &Path, name: &str) -> Run {
        std::fs::create_dir_all(root).expect("temp dir");
        let log = root.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("log");
        let mut cmd = Command::new(conformance_binary());
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PINGONE_DOTENV", root.join("no.env"))
            .env("CARGO_TARGET_DIR", root)
            .env("PINGONE_TARGET_KIND", "mock")
            .envs(mock.target_variables())
            .env("PINGONE_FUZZ_CASES", "16")
            .env("PINGONE_CONCURRENCY", "4")
            .env("PINGONE_REQUEST_TIMEOUT_SECS", "10")
            .env_remove("PINGONE_RESULTS_DIR")
            .args(["--test-threads", "4"])
            .stdout(out.try_clone().expect("log"))
            .stderr(out);
        if let Some(f) = filter {
            cmd.arg(f);
        }
        Run {
            child: cmd.spawn().expect("the conformance binary starts"),
            log,
        }
    }

    fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .args([format!("-{sig}"), self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{sig}");
    }

    /// Wait for the exit (at most 60 s); the status and the combined output.
    fn wait(mut self) -> (ExitStatus, String) {
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                return (status, log);
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                panic!(
                    "the run did not exit within 60 s:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !ready() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn temp_root(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "pingone-interrupt-{}-{name}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ))
}

fn state_files(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(state_dir(root))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// After an interrupted run: it exited non-zero with the signal's code, said what it did, and
/// left the test user's value and no created user behind.
fn assert_clean(mock: &Mock, root: &Path, status: ExitStatus, log: &str, sig: &str, code: i32) {
    let sig = format!("SIG{sig}");
    assert_eq!(status.code(), Some(code), "exit status after {sig}:\n{log}");
    assert!(
        log.contains(&format!("conformance: {sig} received")),
        "{sig} not announced:\n{log}"
    );
    assert!(
        log.contains(&format!("conformance: interrupted by {sig}: ")),
        "no account of the clean-up:\n{log}"
    );
    assert!(!log.contains("INCOMPLETE"), "clean-up incomplete:\n{log}");
    assert_eq!(
        mock.test_user_value(),
        Some(false),
        "the test user's value changed after {sig}:\n{log}"
    );
    assert_eq!(
        mock.created_users(),
        Vec::<String>::new(),
        "users left after {sig}:\n{log}"
    );
    assert!(state_files(root).is_empty(), "state file left:\n{log}");
}

/// Mid-run: as soon as the run has created a user, with cases still starting.
fn interrupt_mid_run(sig: &str, code: i32) {
    let mock = Mock::start(&["--latency-ms", "40"]);
    assert_eq!(mock.test_user_value(), Some(false));
    let root = temp_root(&format!("mid-{sig}"));
    let run = Run::start(&mock, None, &root, "run");
    // A user a case created (the session's preflight user comes and goes before any case).
    wait_for("a user created by a case", Duration::from_secs(60), || {
        mock.created_users()
            .iter()
            .any(|u| !u.contains("-preflight-"))
    });
    run.signal(sig);
    let (status, log) = run.wait();
    assert!(
        log.contains("deleted user "),
        "the run had created users, so clean-up deletes some:\n{log}"
    );
    assert_clean(&mock, &root, status, &log, sig, code);
}

/// During MFA-EXISTING-01's toggle: the state file is there and the toggling PUT in flight.
fn interrupt_during_toggle(sig: &str, code: i32) {
    let mock = Mock::start(&["--latency-ms", "300"]);
    let root = temp_root(&format!("toggle-{sig}"));
    let run = Run::start(&mock, Some("existing_01"), &root, "run");
    wait_for("the state file", Duration::from_secs(60), || {
        !state_files(&root).is_empty()
    });
    std::thread::sleep(Duration::from_millis(100));
    run.signal(sig);
    let (status, log) = run.wait();
    assert!(
        log.contains(&format!(
            "restored PINGONE_TEST_USER_ID {} to mfaEnabled=false",
            mock.test_user
        )),
        "the toggled user is restored by the handler:\n{log}"
    );
    assert_clean(&mock, &root, status, &log, sig, code);
}

#[test]
fn sigint_mid_run_deletes_the_created_users() {
    interrupt_mid_run("INT", 130);
}

#[test]
fn sigterm_mid_run_deletes_the_created_users() {
    interrupt_mid_run("TERM", 143);
}

#[test]
fn sigint_during_the_test_user_toggle_restores_it() {
    interrupt_during_toggle("INT", 130);
}

#[test]
fn sigterm_during_the_test_user_toggle_restores_it() {
    interrupt_during_toggle("TERM", 143);
}

/// A second signal exits at once, without waiting for the clean-up.
#[test]
fn a_second_signal_exits_at_once() {
    let mock = Mock::start(&["--latency-ms", "1500"]);
    let root = temp_root("second");
    let run = Run::start(&mock, Some("existing_01"), &root, "run");
    wait_for("the state file", Duration::from_secs(60), || {
        !state_files(&root).is_empty()
    });
    run.signal("INT");
    std::thread::sleep(Duration::from_millis(100));
    let sent = Instant::now();
    run.signal("INT");
    let (status, log) = run.wait();
    assert!(
        sent.elapsed() < Duration::from_millis(1000),
        "took {:?} after the second signal, the mock answers in 1.5 s:\n{log}",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(130), "{log}");
    assert!(log.contains("second signal: exiting at once"), "{log}");
}

/// A run killed outright (SIGKILL, nothing to catch) during the toggle leaves the value
/// flipped and its state file; the next run puts the value back and says so.
#[test]
fn the_next_run_restores_a_value_a_killed_run_left_flipped() {
    let mock = Mock::start(&["--latency-ms", "200"]);
    let root = temp_root("killed");
    let run = Run::start(&mock, Some("existing_01"), &root, "killed");
    wait_for("the state file", Duration::from_secs(60), || {
        !state_files(&root).is_empty()
    });
    wait_for("the toggle", Duration::from_secs(10), || {
        mock.test_user_value() == Some(true)
    });
    run.signal("KILL");
    let (status, _) = run.wait();
    assert_eq!(status.code(), None, "killed by a signal");
    assert_eq!(mock.test_user_value(), Some(true), "left flipped");
    assert_eq!(state_files(&root).len(), 1, "the state file stays");

    let next = Run::start(&mock, Some("read_01"), &root, "next");
    let (status, log) = next.wait();
    assert!(status.success(), "{log}");
    assert!(
        log.contains(&format!(
            "left PINGONE_TEST_USER_ID {} with mfaEnabled toggled; restored it to false",
            mock.test_user
        )),
        "the next run says what it put right:\n{log}"
    );
    assert_eq!(mock.test_user_value(), Some(false));
    assert!(state_files(&root).is_empty());
}
