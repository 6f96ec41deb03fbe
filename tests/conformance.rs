//! The conformance suite: checks that a PingOne environment (or the bundled mock, or any server
//! speaking this API) does what the documentation of *Update User MFA Enabled* promises.
//!
//! This file is the thin rstest layer: it names and selects the cases that live in the library
//! (`src/suite/cases.rs`) and runs them through the library's runner. There is one test per
//! case, named by its ID only (`MFA-BODY-03` is `body_03`), so inserting a case renames no other
//! test; `cargo test --test conformance body_03` runs one case and
//! `cargo test --test conformance invalid_` exactly one area (the stems are the ID stems, see
//! `Area::stem`).
//!
//! Target: the bundled mock, started in-process, unless `PINGONE_ENVIRONMENT_ID` or
//! `PINGONE_API_ACCESS_TOKEN` is set (environment or `.env`; see README.md). A configuration
//! problem, the production safety check, an unreachable target or a set-up the target does not
//! allow (no permission to create users, no population) stops the run once, with one message,
//! before any case.
//!
//! MUST-level failures fail the test; so does an ERROR (the target became unavailable during the
//! case: no answer, a timeout, a gateway error after retries), which says so instead of
//! claiming a contract failure. SHOULD-level failures print a warning and fail only with
//! `PINGONE_STRICT=true`. `_links` structures are snapshotted in `snapshots/`, named by case ID.
//!
//! TODO-coverage: an expired token (needs an hour against a tenant; the mock's own tests cover
//! expiry), the declared but undocumented 409, and the `X-Ping-External-*` headers.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use pingone_mfa_conformance::config::Config;
use pingone_mfa_conformance::files;
use pingone_mfa_conformance::profile::{self, snapshot, snapshot::Verdict};
use pingone_mfa_conformance::results::profile::{ProfileRecord, record_profile};
use pingone_mfa_conformance::suite::profile as probes;
use pingone_mfa_conformance::suite::{
    Area, CaseResult, Finding, Outcome, Session, Tier, cases, run_case,
};
use rstest::{fixture, rstest};

struct Suite {
    rt: tokio::runtime::Runtime,
    session: Arc<Session>,
    /// The selected cases, started together on `rt` when the suite opens: they run
    /// concurrently, up to `PINGONE_CONCURRENCY` requests in flight (the session's HTTP client
    /// bounds them), whatever the number of libtest threads; each test waits for its own.
    pending: Mutex<HashMap<&'static str, tokio::task::JoinHandle<CaseResult>>>,
}

static SUITE: LazyLock<Result<Suite, String>> = LazyLock::new(|| {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    // SIGINT/SIGTERM from here on: no new requests, the test user restored, the created users
    // deleted, then exit (src/suite/guard.rs). Per process, so nextest's processes each clean
    // up their own.
    pingone_mfa_conformance::suite::guard::install_signal_handler();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?;
    let session = rt
        .block_on(async {
            let session = Session::from_config(config).await?;
            // A missing permission or population stops the run here, once, naming the cause.
            session.preflight().await?;
            Ok::<_, pingone_mfa_conformance::suite::SessionError>(session)
        })
        .map_err(|e| e.to_string())?;
    let env_type = session.environment_type.clone().unwrap_or_default();
    say(&format!(
        "conformance: target {} (environment {}, {env_type}){}",
        session.target.api_url,
        session.target.environment_id,
        if session.run.strict { ", strict" } else { "" }
    ));
    for notice in &session.notices {
        say(&format!("conformance: {notice}"));
    }
    let session = Arc::new(session);
    let pending = selected()
        .into_iter()
        .filter_map(|(_, id)| cases::by_id(id))
        .map(|case| (case.id, rt.spawn(run_case(session.clone(), case))))
        .collect();
    Ok(Suite {
        rt,
        session,
        pending: Mutex::new(pending),
    })
});

/// The case tests libtest will run in this process, by its own rules: the positional filters
/// (substrings, or whole names with `--exact`) and `--skip`. nextest runs one test per process
/// with `--exact NAME`, so there it is that one case.
fn selected() -> Vec<(&'static str, &'static str)> {
    selected_by(std::env::args().skip(1))
}

/// libtest's selection on its command line: the positional filters (substrings, or whole names
/// with `--exact`) and `--skip`.
struct Selection {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
}

impl Selection {
    fn from_args(args: impl IntoIterator<Item = String>) -> Selection {
        let mut selection = Selection {
            filters: Vec::new(),
            skips: Vec::new(),
            exact: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--exact" => selection.exact = true,
                "--skip" => selection.skips.extend(args.next()),
                // libtest's options that take a value.
                "--test-threads" | "--format" | "--color" | "--logfile" | "-Z"
                | "--shuffle-seed" => {
                    let _ = args.next();
                }
                a if a.starts_with("--skip=") => {
                    selection.skips.push(a["--skip=".len()..].to_string())
                }
                a if a.starts_with('-') => {}
                a => selection.filters.push(a.to_string()),
            }
        }
        selection
    }

    /// Whether libtest runs the test of this name.
    fn selects(&self, name: &str) -> bool {
        let matches = |pattern: &String| {
            if self.exact {
                name == pattern
            } else {
                name.contains(pattern.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(matches))
            && !self.skips.iter().any(matches)
    }
}

/// [`selected`] for these command-line arguments (without the program name).
fn selected_by(args: impl IntoIterator<Item = String>) -> Vec<(&'static str, &'static str)> {
    let selection = Selection::from_args(args);
    LISTED
        .iter()
        .copied()
        .filter(|(name, _)| selection.selects(name))
        .collect()
}

/// The tests of this process that use the target and have not finished yet: the selected case
/// tests and the profile test. The last one to finish prints the run summary.
static UNFINISHED: LazyLock<AtomicUsize> = LazyLock::new(|| {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile = Selection::from_args(args.clone()).selects("profile");
    AtomicUsize::new(selected_by(args).len() + usize::from(profile))
});

/// A test that used the target is done; after the last one, the run summary: the requests,
/// their latency, the peak in flight, the 429s met and the retries. Returns why the run must
/// fail besides the test's own verdict: a shared test user it could not delete
/// (src/suite/pool.rs), which no case left behind alone; the last test fails on it.
#[must_use]
fn finished() -> Option<String> {
    if UNFINISHED.fetch_sub(1, Ordering::SeqCst) != 1 {
        return None;
    }
    let session = &target().session;
    say(&format!(
        "conformance: run summary: {}",
        session.http_summary()
    ));
    let left = session.pool_problems();
    (!left.is_empty()).then(|| {
        format!(
            "clean-up of the test users the cases shared failed:\n  {}",
            left.join("\n  ")
        )
    })
}

/// Write to the real stderr, past libtest's output capture, so that warnings of passing cases
/// are seen.
fn say(message: &str) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// The shared target, for each case test.
#[fixture]
fn suite() -> &'static Suite {
    target()
}

fn target() -> &'static Suite {
    match &*SUITE {
        Ok(s) => s,
        Err(message) => {
            // One message, then stop the whole run: no case runs, nothing is written. The first
            // thread here keeps the lock until the process exits, so no other thread repeats it.
            static STOPPING: Mutex<()> = Mutex::new(());
            let _stopping = STOPPING.lock().unwrap_or_else(|e| e.into_inner());
            say(&format!("\nconformance: {message}\n"));
            std::process::exit(2);
        }
    }
}

/// The case's result: the one started when the suite opened, or, for a case not foreseen
/// there, a run now.
fn run(suite: &Suite, id: &str) -> CaseResult {
    let case = cases::by_id(id).unwrap_or_else(|| panic!("no case {id} in src/suite/cases.rs"));
    use pingone_mfa_conformance::suite::guard::hold_if_interrupted;
    hold_if_interrupted();
    let started = suite
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(case.id);
    let result = match started.map(|handle| suite.rt.block_on(handle)) {
        Some(Ok(result)) => result,
        _ => suite.rt.block_on(run_case(suite.session.clone(), case)),
    };
    // Interrupted meanwhile: the handler cleans up and exits; this case reports nothing.
    hold_if_interrupted();
    result
}

fn snapshot_links(id: &str, links: &serde_json::Value) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_omit_expression(true);
    settings.set_description(format!(
        "{id}: _links with hosts and ids replaced by placeholders"
    ));
    settings.bind(|| insta::assert_json_snapshot!(id, links));
}

fn conclude(mut result: CaseResult) {
    let strict = target().session.run.strict;
    // The snapshot is the regression net of the hypermedia structure: a changed `_links`
    // structure (an additional relation, say) is a change to review, a SHOULD-level warning;
    // the required relations and their hrefs are checked by the case itself at MUST.
    if let Some(links) = result.links.clone() {
        let matched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            snapshot_links(&result.id, &links)
        }));
        if matched.is_err() {
            result.findings.push(Finding {
                tier: Tier::Should,
                evidence: Some("DOC"),
                check: format!(
                    "the _links structure matches snapshots/conformance__{}.snap (a change to review)",
                    result.id
                ),
                context: Vec::new(),
                expected: "the committed snapshot".into(),
                actual:
                    "a different structure: see the diff above, review with `cargo insta review`"
                        .into(),
                reproduce: None,
            });
            if result.outcome == Outcome::Pass {
                result.outcome = Outcome::Warn;
            }
        }
    }
    match &result.outcome {
        Outcome::Pass | Outcome::Fail => {}
        Outcome::Warn if !strict => say(&format!("warning: {}", result.render())),
        _ => say(&result.render()),
    }
    pingone_mfa_conformance::results::record(&result, &target().session);
    if !result.cleanup.is_empty() {
        say(&format!(
            "{}: clean-up problems: {}",
            result.id,
            result.cleanup.join("; ")
        ));
    }
    let left = finished();
    if result.fails_run(strict) {
        panic!("\n{}{}", result.render(), left.unwrap_or_default());
    }
    if let Some(left) = left {
        panic!("\n{left}");
    }
}

/// One `#[rstest]` test per case ID, named by the ID only, on the shared [`suite`] fixture;
/// [`LISTED`] keeps the list for the guards below.
macro_rules! cases {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(
            #[rstest]
            fn $name(suite: &'static Suite) {
                conclude(run(suite, $id));
            }
        )*

        /// Every case test above: its name and its case ID.
        const LISTED: &[(&str, &str)] = &[$((stringify!($name), $id)),*];
    };
}

cases! {
    body_01 => "MFA-BODY-01",
    body_02 => "MFA-BODY-02",
    body_03 => "MFA-BODY-03",
    body_04 => "MFA-BODY-04",
    body_05 => "MFA-BODY-05",
    body_06 => "MFA-BODY-06",
    read_01 => "MFA-READ-01",
    links_01 => "MFA-LINKS-01",
    links_02 => "MFA-LINKS-02",
    invalid_01 => "MFA-INVALID-01",
    invalid_02 => "MFA-INVALID-02",
    invalid_03 => "MFA-INVALID-03",
    invalid_04 => "MFA-INVALID-04",
    invalid_05 => "MFA-INVALID-05",
    invalid_06 => "MFA-INVALID-06",
    invalid_07 => "MFA-INVALID-07",
    invalid_08 => "MFA-INVALID-08",
    invalid_09 => "MFA-INVALID-09",
    invalid_10 => "MFA-INVALID-10",
    invalid_11 => "MFA-INVALID-11",
    invalid_12 => "MFA-INVALID-12",
    invalid_13 => "MFA-INVALID-13",
    invalid_14 => "MFA-INVALID-14",
    invalid_15 => "MFA-INVALID-15",
    invalid_16 => "MFA-INVALID-16",
    invalid_17 => "MFA-INVALID-17",
    invalid_18 => "MFA-INVALID-18",
    invalid_19 => "MFA-INVALID-19",
    invalid_20 => "MFA-INVALID-20",
    invalid_21 => "MFA-INVALID-21",
    invalid_22 => "MFA-INVALID-22",
    invalid_23 => "MFA-INVALID-23",
    invalid_24 => "MFA-INVALID-24",
    invalid_25 => "MFA-INVALID-25",
    invalid_26 => "MFA-INVALID-26",
    hdr_01 => "MFA-HDR-01",
    hdr_02 => "MFA-HDR-02",
    hdr_03 => "MFA-HDR-03",
    auth_01 => "MFA-AUTH-01",
    auth_02 => "MFA-AUTH-02",
    auth_03 => "MFA-AUTH-03",
    auth_04 => "MFA-AUTH-04",
    path_01 => "MFA-PATH-01",
    path_02 => "MFA-PATH-02",
    path_03 => "MFA-PATH-03",
    path_04 => "MFA-PATH-04",
    method_01 => "MFA-METHOD-01",
    method_02 => "MFA-METHOD-02",
    method_03 => "MFA-METHOD-03",
    user_01 => "MFA-USER-01",
    user_02 => "MFA-USER-02",
    user_03 => "MFA-USER-03",
    user_04 => "MFA-USER-04",
    user_05 => "MFA-USER-05",
    user_06 => "MFA-USER-06",
    existing_01 => "MFA-EXISTING-01",
    fuzz_01 => "MFA-FUZZ-01",
    token_01 => "MFA-TOKEN-01",
    token_02 => "MFA-TOKEN-02",
    token_03 => "MFA-TOKEN-03",
    side_01 => "MFA-SIDE-01",
    side_02 => "MFA-SIDE-02",
    side_03 => "MFA-SIDE-03",
    priv_01 => "MFA-PRIV-01",
    priv_02 => "MFA-PRIV-02",
    priv_03 => "MFA-PRIV-03",
    priv_04 => "MFA-PRIV-04",
    priv_05 => "MFA-PRIV-05",
}

#[test]
fn every_library_case_is_listed_here() {
    for case in cases::CASES {
        let line = format!("{} => \"{}\",", case.test_name(), case.id);
        assert!(
            LISTED.contains(&(case.test_name().as_str(), case.id)),
            "add `{line}` to `cases!` in tests/conformance.rs"
        );
    }
    for (name, id) in LISTED {
        let case = cases::by_id(id).unwrap_or_else(|| panic!("{id} is not in src/suite/cases.rs"));
        assert_eq!(*name, case.test_name(), "{id}");
    }
}

/// `cargo test --test conformance <stem>_` selects exactly the cases of one area.
#[test]
fn each_area_stem_selects_exactly_its_area() {
    for area in Area::ALL {
        let filter = format!("{}_", area.stem());
        let mut selected: Vec<&str> = LISTED
            .iter()
            .filter(|(name, _)| name.contains(&filter))
            .map(|(_, id)| *id)
            .collect();
        let mut expected: Vec<&str> = cases::CASES
            .iter()
            .filter(|c| c.area == area)
            .map(|c| c.id)
            .collect();
        selected.sort_unstable();
        expected.sort_unstable();
        assert_eq!(selected, expected, "filter {filter}");
    }
}

/// The behaviour profile (`src/profile/`, probed by `src/suite/profile/`): every probe's answer
/// class, checked against the target's own `snapshots/profile__<name>.snap` (the name from
/// `PINGONE_PROFILE`, else `mock` for the embedded mock, else the target's region or host and
/// environment ID; the directory from `PINGONE_PROFILE_DIR`). A broken invariant fails; a
/// different profile is CHANGED, told probe by probe in plain words with since when the old
/// answer held, and fails until a person accepts it (`cargo insta review`, or
/// `INSTA_UPDATE=always`); a missing snapshot is recorded (outside CI) or fails with one message
/// saying how to record it (in CI, where nothing may be written).
#[test]
fn profile() {
    let suite = target();
    let session = suite.session.clone();
    let name = probes::profile_name(session.run.profile.as_deref(), &session.target);
    let run = suite.rt.block_on(probes::record(session.clone()));
    let dir = probes::snapshot_dir(&session.run);
    let path = snapshot::snapshot_path(&dir, &name);
    let shown = if dir == snapshot::default_dir() {
        format!("snapshots/profile__{name}.snap")
    } else {
        path.display().to_string()
    };
    let mut problems = Vec::new();
    for v in &run.violations {
        let mut line = format!("{}: [MUST] {}: {}", v.probe, v.check, v.actual);
        if let Some(curl) = &v.reproduce {
            line.push_str(&format!(
                "\n      reproduce (with TOKEN set to an access token): {curl}"
            ));
        }
        problems.push(line);
    }
    let existing = std::fs::read_to_string(&path).ok();
    let now = probes::recorded_now(&session);
    let check = snapshot::check(
        &name,
        existing.as_deref(),
        &run.profile,
        &now,
        insta_in_ci(),
    );
    if let Some(notice) = &check.notice {
        say(&format!("profile {name}: {shown} was {notice}"));
    }
    let mut changes = Vec::new();
    let mut outcome = "pass";
    // A probe without an answer leaves the profile incomplete: inconclusive, not compared.
    let unavailable = run.violations.iter().any(|v| v.no_answer);
    let verdict = match check.verdict {
        _ if unavailable => Err(format!(
            "ERROR: inconclusive, the target did not answer every probe; {shown} was not compared"
        )),
        Verdict::Same => Ok(()),
        Verdict::Record { file } => match files::write_atomically(&path, file.as_bytes()) {
            Ok(()) => {
                outcome = "recorded";
                say(&format!(
                    "profile {name}: recorded {shown} from {}, the first run for this target's \
                     profile.\n{}",
                    now.words(),
                    snapshot::first_run_help(&shown)
                ));
                Ok(())
            }
            Err(e) => Err(format!("cannot record {shown}: {e}")),
        },
        Verdict::Refused { why } => {
            problems.push(why.clone());
            Err(why)
        }
        Verdict::Unrecorded => {
            outcome = "unrecorded";
            let message = snapshot::unrecorded_message(&name, &shown);
            problems.push(message.clone());
            Err(message)
        }
        Verdict::Changed { changes: c, file } => {
            changes = c;
            if accepted(&dir, &name, &path, &file) {
                say(&format!(
                    "profile {name}: CHANGED, and accepted into {shown} (INSTA_UPDATE): review \
                     `git diff {shown}` before committing:\n{}",
                    profile::describe(&changes)
                ));
                Ok(())
            } else {
                Err(format!(
                    "CHANGED: the target's behaviour profile differs from {shown}, probe by probe:\n{}\n{}",
                    profile::describe(&changes),
                    snapshot::REVIEW_HELP
                ))
            }
        }
        Verdict::Reworded { file } => {
            if accepted(&dir, &name, &path, &file) {
                Ok(())
            } else {
                Err(format!(
                    "CHANGED: {shown} differs from this run's profile in its wording or format \
                     only (no answer changed); {}",
                    snapshot::REVIEW_HELP
                ))
            }
        }
        Verdict::Unreadable { error, file } => {
            problems.push(format!("{shown}: {error}"));
            let _ = accepted(&dir, &name, &path, &file);
            Ok(())
        }
    };
    if let Err(message) = &verdict {
        if outcome != "unrecorded" {
            outcome = if unavailable { "error" } else { "changed" };
        }
        say(&format!("profile {name}: {message}"));
    }
    if outcome != "unrecorded" && !problems.is_empty() && !unavailable {
        outcome = "fail";
        say(&format!(
            "profile {name}: FAIL\n  {}",
            problems.join("\n  ")
        ));
    }
    record_profile(
        ProfileRecord::new(&name, outcome, &check.profile, &changes, problems.clone()),
        &session,
    );
    let left = finished();
    assert!(
        problems.is_empty() && verdict.is_ok(),
        "the behaviour profile {name} did not hold (see above){}",
        left.as_deref()
            .map(|l| format!("\n{l}"))
            .unwrap_or_default()
    );
    if let Some(left) = left {
        panic!("\n{left}");
    }
}

/// Whether insta runs as in CI (it then writes no snapshot file).
fn insta_in_ci() -> bool {
    match std::env::var("CI").ok().as_deref() {
        Some("false" | "0" | "") => false,
        None => std::env::var("TF_BUILD").is_ok(),
        Some(_) => true,
    }
}

/// Hand a profile's new snapshot `file` to insta, which writes `.snap.new` for review or, with
/// `INSTA_UPDATE=always`, accepts it; whether `path` now holds it (a switch that makes insta
/// pass without writing, such as `INSTA_FORCE_PASS`, accepts nothing).
fn accepted(dir: &Path, name: &str, path: &Path, file: &str) -> bool {
    let document = snapshot::snapshot_body(file).trim_end().to_string();
    let _ = std::panic::catch_unwind(|| {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(snapshot::snapshot_description(name));
        settings.bind(|| insta::assert_snapshot!(format!("profile__{name}"), &document));
    });
    std::fs::read_to_string(path)
        .is_ok_and(|now| snapshot::snapshot_body(&now).trim_end() == document)
}

/// The cases started ahead are the ones libtest runs.
#[test]
fn the_cases_started_ahead_follow_libtests_selection() {
    let names = |args: &[&str]| -> Vec<&'static str> {
        selected_by(args.iter().map(|a| (*a).to_string()))
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    };
    assert_eq!(names(&[]).len(), LISTED.len());
    assert_eq!(names(&["--test-threads", "2", "-q"]).len(), LISTED.len());
    assert_eq!(
        names(&["body_0", "--skip", "body_02", "--skip=body_03"]),
        ["body_01", "body_04", "body_05", "body_06"]
    );
    assert_eq!(names(&["--exact", "invalid_01"]), ["invalid_01"]);
    assert_eq!(names(&["--exact", "invalid_0"]), Vec::<&str>::new());
    assert_eq!(
        names(&["token_", "links_01"]),
        ["links_01", "token_01", "token_02", "token_03"]
    );
}
