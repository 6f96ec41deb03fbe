//! The suite tests itself: every conformance case against the mock with each named fault
//! switched on (mutation testing), and against the faithful mock in every combination of its
//! alternative switches (no false alarms).
//!
//! - Every fault must make at least one case fail (it is "killed").
//! - Every case (requirement ID) must be failed by at least one fault.
//! - The faithful mock must pass every case, with no warning, in all 32 combinations, both
//!   in-process and as the standalone `pingone-mock` binary configured only through the
//!   suite's variables.
//! - `KILLS.md` holds the table of requirement IDs against the faults that kill them; a test
//!   regenerates it and fails when the committed copy is stale (`UPDATE_KILLS=1` rewrites it).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::{Config, RunConfig};
use pingone_mfa_conformance::mock::{Alternatives, Fault, MockPingOne};
use pingone_mfa_conformance::suite::deviations::Deviation;
use pingone_mfa_conformance::suite::{CASES, Case, CaseResult, Outcome, Session, Tier, run_cases};

const FUZZ_SEED: u64 = 20_261_128;

fn run_config() -> RunConfig {
    RunConfig {
        concurrency: 16,
        fuzz_cases: Some(48),
        // Generous: many mocks share two worker threads here, on a machine that may be busy.
        request_timeout: Duration::from_secs(30),
        // Faults answering 500 UNEXPECTED_ERROR are retried like Ping's clients do; short
        // waits keep the self-test quick.
        retry_cap: Duration::from_millis(50),
        // Faults that lose writes wait this long per read-back before failing.
        consistency_wait: Duration::from_millis(300),
        ..RunConfig::default()
    }
}

fn all_cases() -> Vec<&'static Case> {
    CASES.iter().collect()
}

async fn mock(alternatives: Alternatives, faults: &[Fault]) -> MockPingOne {
    MockPingOne::builder()
        .alternatives(alternatives)
        .faults(faults.iter().copied())
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

/// Whole-suite runs this test binary lets run at once. Each run already has up to
/// `run_config().concurrency` requests in flight; unbounded, dozens of runs at once on a
/// two-core machine turn ordinary scheduling delays into request timeouts.
static RUNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(6);

async fn run_against(mock: &MockPingOne) -> Vec<CaseResult> {
    let _permit = RUNS.acquire().await.expect("semaphore open");
    let session = Session::for_mock(mock, run_config())
        .await
        .expect("session opens")
        .with_fuzz_seed(FUZZ_SEED);
    run_cases(Arc::new(session), &all_cases()).await
}

/// Data the run left behind: users beyond the seeded one, or the seeded user's value changed.
fn leftovers(mock: &MockPingOne) -> Vec<String> {
    let mut problems = Vec::new();
    if mock.user_count() != 1 {
        problems.push(format!(
            "{} users left, expected only the seeded one",
            mock.user_count()
        ));
    }
    let seeded = mock.seeded_users()[0];
    if mock.stored_mfa_enabled(seeded) != Some(false) {
        problems.push(format!("test user {seeded} not restored to false"));
    }
    problems
}

fn not_clean(results: &[CaseResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .map(CaseResult::render)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faithful_mock_passes_every_case_in_every_alternative() {
    let mut tasks = Vec::new();
    for alternatives in Alternatives::all() {
        tasks.push(tokio::spawn(async move {
            let mock = mock(alternatives, &[]).await;
            let mut problems = not_clean(&run_against(&mock).await);
            problems.extend(leftovers(&mock));
            (alternatives, problems)
        }));
    }
    let mut alarms = Vec::new();
    for t in tasks {
        let (alternatives, problems) = t.await.expect("task");
        if !problems.is_empty() {
            alarms.push(format!("{alternatives:?}:\n{}", problems.join("\n")));
        }
    }
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n\n"));
}

/// For each fault, the cases it fails (MUST) and warns (SHOULD only).
type Kills = BTreeMap<Fault, (BTreeSet<&'static str>, BTreeSet<&'static str>)>;

async fn kill_matrix() -> Kills {
    let mut tasks = Vec::new();
    for &fault in Fault::ALL {
        tasks.push(tokio::spawn(async move {
            let mock = mock(Alternatives::default(), &[fault]).await;
            let results = run_against(&mock).await;
            // Clean-up holds even when cases fail. (A server that creates users on PUT to an
            // unknown id leaves those behind: the suite never knew them.)
            if fault != Fault::UnknownUserUpsert {
                assert_eq!(leftovers(&mock), Vec::<String>::new(), "{fault}");
            }
            let mut must = BTreeSet::new();
            let mut should = BTreeSet::new();
            for (case, r) in CASES.iter().zip(&results) {
                match r.outcome {
                    Outcome::Fail => {
                        must.insert(case.id);
                    }
                    Outcome::Warn => {
                        should.insert(case.id);
                    }
                    _ => {}
                }
            }
            (fault, (must, should))
        }));
    }
    let mut kills = Kills::new();
    for t in tasks {
        let (fault, sets) = t.await.expect("task");
        kills.insert(fault, sets);
    }
    kills
}

fn kills_markdown(kills: &Kills) -> String {
    let killed = kills
        .values()
        .filter(|(m, s)| !m.is_empty() || !s.is_empty())
        .count();
    let mut out = String::from(
        "# Which faults each requirement catches\n\n\
         Generated by `tests/selftest.rs` (`UPDATE_KILLS=1 cargo test --test selftest` rewrites it; the test fails \
         when this copy is stale). Each fault is one realistic regression switched on in the mock \
         (`cargo run --bin pingone-mock -- --list-faults`); a case *kills* a fault when it fails against it. \
         Faults in *italics* are caught at SHOULD level only (a warning; a failure with `PINGONE_STRICT=true`).\n\n",
    );
    out.push_str(&format!(
        "Mutation score: {killed}/{} faults killed.\n\n| Requirement | Tier | Title | Killed by |\n|---|---|---|---|\n",
        kills.len()
    ));
    for case in CASES {
        let mut names = Vec::new();
        for (fault, (must, should)) in kills {
            if must.contains(case.id) {
                names.push(format!("`{}`", fault.name()));
            } else if should.contains(case.id) {
                names.push(format!("*`{}`*", fault.name()));
            }
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            case.id,
            case.tier.as_str(),
            case.title,
            if names.is_empty() {
                "**none**".to_string()
            } else {
                names.join(", ")
            }
        ));
    }
    out.push_str("\n## Faults\n\n| Fault | What the server does | Cases failing (MUST) | Cases warning (SHOULD) |\n|---|---|---|---|\n");
    for (fault, (must, should)) in kills {
        let list = |s: &BTreeSet<&str>| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.iter().copied().collect::<Vec<_>>().join(", ")
            }
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            fault.name(),
            fault.description(),
            list(must),
            list(should)
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_killed_and_every_requirement_kills_a_fault() {
    let kills = kill_matrix().await;
    let survivors: Vec<&str> = kills
        .iter()
        .filter(|(_, (m, s))| m.is_empty() && s.is_empty())
        .map(|(f, _)| f.name())
        .collect();
    let killed = kills.len() - survivors.len();
    // Past the test harness's output capture, so that every run shows it.
    let _ = writeln!(
        std::io::stderr(),
        "mutation score: {killed}/{} faults killed",
        kills.len()
    );
    let unkilling: Vec<&str> = CASES
        .iter()
        .filter(|c| {
            !kills
                .values()
                .any(|(m, s)| m.contains(c.id) || s.contains(c.id))
        })
        .map(|c| c.id)
        .collect();
    let markdown = kills_markdown(&kills);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/KILLS.md");
    if std::env::var_os("UPDATE_KILLS").is_some() {
        std::fs::write(path, &markdown).expect("write KILLS.md");
    }
    assert!(
        survivors.is_empty(),
        "faults no case catches: {survivors:?}"
    );
    assert!(
        unkilling.is_empty(),
        "requirements no fault makes fail: {unkilling:?}"
    );
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == markdown,
        "KILLS.md is stale: run `UPDATE_KILLS=1 cargo test --test selftest` and commit it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn should_level_failures_warn_and_fail_only_in_strict_mode() {
    let mock = mock(Alternatives::default(), &[Fault::RejectsUnknownProperties]).await;
    let results = run_against(&mock).await;
    let extra = results
        .iter()
        .find(|r| r.id == "MFA-BODY-05")
        .expect("case");
    assert_eq!(extra.outcome, Outcome::Warn, "{}", extra.render());
    assert!(extra.findings.iter().all(|f| f.tier == Tier::Should));
    assert!(!extra.fails_run(false));
    assert!(extra.fails_run(true));
    let must = results.iter().filter(|r| r.fails_run(false)).count();
    assert_eq!(must, 0, "a SHOULD-only fault must not fail the run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_deviation_is_reported_and_a_fixed_one_too() {
    let deviation = Deviation {
        id: "MFA-INVALID-03",
        reason: "test: the tenant coerces \"true\"",
    };
    let faulty = mock(Alternatives::default(), &[Fault::AcceptsStringBoolean]).await;
    let session = Session::for_mock(&faulty, run_config())
        .await
        .expect("session")
        .with_deviations(vec![deviation.clone()]);
    let case = pingone_mfa_conformance::suite::cases::by_id("MFA-INVALID-03").expect("case");
    let r = run_cases(Arc::new(session), &[case]).await.remove(0);
    assert!(
        matches!(r.outcome, Outcome::KnownDeviation(_)),
        "{}",
        r.render()
    );
    assert!(!r.fails_run(true));

    let faithful = mock(Alternatives::default(), &[]).await;
    let session = Session::for_mock(&faithful, run_config())
        .await
        .expect("session")
        .with_deviations(vec![deviation]);
    let r = run_cases(Arc::new(session), &[case]).await.remove(0);
    assert!(
        matches!(r.outcome, Outcome::FixedDeviation(_)),
        "{}",
        r.render()
    );
    assert!(
        r.render().contains("now passes: remove it"),
        "{}",
        r.render()
    );
    assert!(!r.fails_run(false) && r.fails_run(true));
}

/// A server that accepts `"true"` and `"false"` and stores them consistently is lenient, not
/// broken: the cases warn at SHOULD level, naming the leniency, and fail nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consistent_lenient_answer_is_a_warning_naming_the_leniency() {
    let faulty = mock(Alternatives::default(), &[Fault::AcceptsStringBoolean]).await;
    let results = run_against(&faulty).await;
    for id in ["MFA-INVALID-03", "MFA-INVALID-04"] {
        let r = results.iter().find(|r| r.id == id).expect("case");
        assert_eq!(r.outcome, Outcome::Warn, "{}", r.render());
        assert!(
            r.findings
                .iter()
                .all(|f| f.tier == Tier::Should && f.evidence == Some("INFERRED")),
            "{}",
            r.render()
        );
        assert!(
            r.render().contains("lenient binding: the string"),
            "{}",
            r.render()
        );
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.fails_run(false))
        .map(CaseResult::render)
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A failure report reads: ID and requirement, expected, actual, and a curl line with `$TOKEN`;
/// pinned so that a change that makes it unreadable or leaks a secret shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_report_is_readable_and_leaks_no_secret() {
    let faulty = mock(Alternatives::default(), &[Fault::PartialWriteOnReject]).await;
    let session = Arc::new(
        Session::for_mock(&faulty, run_config())
            .await
            .expect("session"),
    );
    let token = session.bearer().await.expect("token");
    let case = pingone_mfa_conformance::suite::cases::by_id("MFA-INVALID-03").expect("case");
    let r = run_cases(session.clone(), &[case]).await.remove(0);
    let report = r.render();
    for secret in [token.expose(), faulty.client_secret().expose()] {
        assert!(!report.contains(secret), "secret in report:\n{report}");
        assert!(
            !format!("{r:?}").contains(secret),
            "secret in Debug of the result"
        );
        assert!(
            !format!("{session:?}").contains(secret),
            "secret in Debug of the session"
        );
        let json = serde_json::to_string(&r).expect("json");
        assert!(!json.contains(secret), "secret in the JSON result");
    }
    let pinned = report
        .replace(faulty.api_url(), "{{apiPath}}")
        .replace(&faulty.environment_id().to_string(), "{{envID}}");
    let pinned = redact_uuids(&pinned);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("failure_report_MFA-INVALID-03", pinned));
}

fn redact_uuids(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        if i + 36 <= bytes.len()
            && let Some(candidate) = s.get(i..i + 36)
            && uuid::Uuid::parse_str(candidate).is_ok()
        {
            out.push_str("[uuid]");
            i += 36;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

// ---------------------------------------------------------------- the standalone binary

struct MockProcess {
    child: Child,
    api: String,
    auth: String,
    env: String,
    population: String,
    user: String,
}

impl MockProcess {
    /// The suite's variables that point it at this process.
    fn variables(&self) -> BTreeMap<&'static str, String> {
        [
            ("PINGONE_API_URL", self.api.clone()),
            ("PINGONE_AUTH_URL", self.auth.clone()),
            ("PINGONE_ENVIRONMENT_ID", self.env.clone()),
            ("PINGONE_POPULATION_ID", self.population.clone()),
            ("PINGONE_CLIENT_ID", "selftest-client".to_string()),
            ("PINGONE_CLIENT_SECRET", "selftest-secret".to_string()),
        ]
        .into_iter()
        .collect()
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_mock(flags: &[&str]) -> MockProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pingone-mock"))
        .args([
            "--port",
            "0",
            "--client-id",
            "selftest-client",
            "--client-secret",
            "selftest-secret",
        ])
        .args(["--seed-user", "conformance-existing-user"])
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pingone-mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let (mut api, mut auth, mut env, mut population, mut user) = Default::default();
    for line in lines.by_ref() {
        let line = line.expect("line");
        // Banner lines: "  API base URL      http://...", "  environment id    <uuid> (SANDBOX)".
        let words: Vec<&str> = line.split_whitespace().collect();
        let word = |i: usize| words.get(i).copied().unwrap_or_default().to_string();
        match words.as_slice() {
            ["API", "base", "URL", ..] => api = word(3),
            ["auth", "base", "URL", ..] => auth = word(3),
            ["environment", "id", ..] => env = word(2),
            ["population", "id", ..] => population = word(2),
            ["seeded", "user", ..] => user = word(2),
            ["Press", "Ctrl-C", ..] => break,
            _ => {}
        }
    }
    std::thread::spawn(move || for _ in lines {});
    MockProcess {
        child,
        api,
        auth,
        env,
        population,
        user,
    }
}

/// The suite configured only through its `PINGONE_*` variables (no `.env`), in strict mode,
/// against the `pingone-mock` binary in each of the table's combinations of the alternative
/// switches ([`Alternatives::combinations`]), alternating the two client authentication
/// methods so both meet every alternative across the set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_mock_passes_in_every_alternative_configured_by_variables() {
    let mut alarms = Vec::new();
    let combinations = Alternatives::combinations();
    for (i, alternatives) in combinations.iter().enumerate() {
        let method = if i % 2 == 0 { "basic" } else { "post" };
        let mut flags = alternatives.flags();
        // The mock accepts only the configured client authentication (issue 14).
        flags.push(format!(
            "--token-endpoint-auth-method=client_secret_{method}"
        ));
        let process = spawn_mock(&flags.iter().map(String::as_str).collect::<Vec<_>>());
        let mut vars = process.variables();
        vars.insert("PINGONE_TOKEN_AUTH_METHOD", method.to_string());
        vars.insert("PINGONE_STRICT", "true".to_string());
        vars.insert("PINGONE_FUZZ_CASES", "24".to_string());
        vars.insert("PINGONE_TEST_USER_ID", process.user.clone());
        let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
        let session = Session::from_config(config).await.expect("session");
        let results = run_cases(Arc::new(session), &all_cases()).await;
        let problems: Vec<String> = results
            .iter()
            .filter(|r| r.outcome != Outcome::Pass)
            .map(CaseResult::render)
            .collect();
        if !problems.is_empty() {
            alarms.push(format!("{flags:?} ({method}):\n{}", problems.join("\n")));
        }
    }
    assert!(
        combinations.len() >= 2 && combinations.contains(&Alternatives::all_on()),
        "the combinations include all off and all on"
    );
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_production_environment_is_refused_before_any_write() {
    let process = spawn_mock(&["--production"]);
    let vars = process.variables();
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
    let err = Session::from_config(config).await.expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("PRODUCTION") && message.contains("PINGONE_ALLOW_PRODUCTION"),
        "{message}"
    );
    assert!(!message.contains("selftest-secret"), "{message}");

    let mut allowed = vars.clone();
    allowed.insert("PINGONE_ALLOW_PRODUCTION", "true".to_string());
    let config = Config::from_lookup(|k| allowed.get(k).cloned()).expect("config");
    let session = Session::from_config(config)
        .await
        .expect("allowed explicitly");
    assert_eq!(session.environment_type.as_deref(), Some("PRODUCTION"));
}

/// `cargo test --test conformance` with a half-set configuration stops once, with one message
/// naming what is missing, and runs no case.
#[test]
fn a_half_set_configuration_fails_once_with_one_message() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // A clean environment: the variables the outer `cargo test` sets would make the nested
    // cargo rebuild C dependencies whose build scripts watch them.
    let mut command = Command::new(cargo);
    command.env_clear();
    for keep in [
        "PATH",
        "HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO_HOME",
        "CARGO_TARGET_DIR",
        "TMPDIR",
    ] {
        if let Some(v) = std::env::var_os(keep) {
            command.env(keep, v);
        }
    }
    let output = command
        .args([
            "test",
            "--quiet",
            "--test",
            "conformance",
            "--",
            "--test-threads",
            "4",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PINGONE_CLIENT_ID", "5f3c9a1e-7f64-4c3b-9d7e-0a1b2c3d4e5f")
        .env("PINGONE_DOTENV", "/nonexistent/.env")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("PingOne configuration is incomplete")
            .count(),
        1,
        "one message, once:\n{stderr}"
    );
    assert!(stderr.contains("PINGONE_CLIENT_SECRET"), "{stderr}");
    assert!(!stderr.contains("panicked"), "no panics:\n{stderr}");
}

/// Every request has a timeout, and after two timeouts of an operation its remaining requests
/// fail at once: a hanging API fails the run (as ERROR, target unavailable) in bounded time
/// instead of hanging it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_target_fails_the_run_in_bounded_time() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hanging = format!("http://{}/v1", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(256) {
            held.push(stream);
        }
    });
    let mock = mock(Alternatives::default(), &[]).await;
    let mut target = pingone_mfa_conformance::suite::TargetInfo::from_mock(
        &mock,
        pingone_mfa_conformance::suite::TargetKind::Mock,
    );
    target.api_url = hanging;
    let run = RunConfig {
        request_timeout: Duration::from_millis(500),
        // One request at a time: without the breaker, 50 cases would take 25 s.
        concurrency: 1,
        allow_production: true,
        ..run_config()
    };
    let started = std::time::Instant::now();
    let session = Session::open(target, run, None)
        .await
        .expect("token from the mock");
    let results = run_cases(Arc::new(session), &all_cases()).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(8), "took {elapsed:?}");
    // A hanging target is unavailable, not in breach of its contract: ERROR, which still fails
    // the run.
    let not_errors: Vec<&str> = results
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Error(_)) && !r.id.starts_with("MFA-TOKEN"))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        not_errors.is_empty(),
        "cases that are not an ERROR: {not_errors:?}"
    );
    assert!(results[0].fails_run(false), "an ERROR fails the run");
    let report = results[0].render();
    assert!(report.contains(": ERROR\n"), "{report}");
}

/// Under a rate limit the suite waits for `Retry-After` and still passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_paces_itself_under_a_rate_limit() {
    let mock = MockPingOne::builder()
        .rate_limit(25)
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock");
    let session = Session::for_mock(
        &mock,
        RunConfig {
            concurrency: 8,
            // Retry-After is honoured up to the cap: the default's.
            retry_cap: RunConfig::default().retry_cap,
            ..run_config()
        },
    )
    .await
    .expect("session");
    let picked: Vec<&'static Case> = CASES
        .iter()
        .filter(|c| c.id.starts_with("MFA-BODY") || c.id.starts_with("MFA-INVALID-0"))
        .collect();
    let results = run_cases(Arc::new(session), &picked).await;
    let problems: Vec<String> = not_clean(&results);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A stand-in PingOne that issues tokens and answers Read Environment with `status` and `body`,
/// for the safety check's edge cases.
async fn fake_environment(
    status: u16,
    body: serde_json::Value,
) -> (String, tokio::task::JoinHandle<()>) {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let body = body.clone();
        async move {
            if req.uri().path().ends_with("/as/token") {
                let token = serde_json::json!({"access_token": "fake", "token_type": "Bearer", "expires_in": 3600});
                return axum::Json(token).into_response();
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            (status, axum::Json(body)).into_response()
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, task)
}

/// Only a SANDBOX is written to without `PINGONE_ALLOW_PRODUCTION=true`: PRODUCTION in any
/// case, an unrecognised type, or an unreadable environment stop the run before any write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_sandbox_is_written_to_without_the_opt_in() {
    let env = uuid::Uuid::new_v4().to_string();
    let answers = [
        (200, serde_json::json!({"id": env, "type": "SANDBOX"}), true),
        (200, serde_json::json!({"id": env, "type": "Sandbox"}), true),
        (
            200,
            serde_json::json!({"id": env, "type": "PRODUCTION"}),
            false,
        ),
        (
            200,
            serde_json::json!({"id": env, "type": "production"}),
            false,
        ),
        (200, serde_json::json!({"id": env, "type": "DEV"}), false),
        (200, serde_json::json!({"id": env}), false),
        (403, serde_json::json!({"code": "ACCESS_FAILED"}), false),
    ];
    for (status, body, opens) in answers {
        let (base, task) = fake_environment(status, body.clone()).await;
        for allow in [false, true] {
            let vars: BTreeMap<&str, String> = [
                ("PINGONE_API_URL", format!("{base}/v1")),
                ("PINGONE_AUTH_URL", base.clone()),
                ("PINGONE_ENVIRONMENT_ID", env.clone()),
                ("PINGONE_CLIENT_ID", "fake-client".to_string()),
                ("PINGONE_CLIENT_SECRET", "fake-secret".to_string()),
                ("PINGONE_ALLOW_PRODUCTION", allow.to_string()),
            ]
            .into_iter()
            .collect();
            let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
            let opened = Session::from_config(config).await;
            assert_eq!(
                opened.is_ok(),
                opens || allow,
                "HTTP {status} {body} with PINGONE_ALLOW_PRODUCTION={allow}: {:?}",
                opened.err().map(|e| e.to_string())
            );
        }
        task.abort();
    }
}
