//! The conformance suite: checks that a PingOne environment (or the bundled mock, or any server
//! speaking this API) does what the documentation of *Update User MFA Enabled* promises.
//!
//! This file is the thin rstest layer: it names, parameterizes and selects the cases that live
//! in the library (`src/suite/cases.rs`) and runs them through the library's runner. Each
//! rstest case carries the case ID, so `cargo test --test conformance body_03` runs one case
//! and `cargo test --test conformance invalid_` one area.
//!
//! Target: the bundled mock, started in-process, unless `PINGONE_ENVIRONMENT_ID` or
//! `PINGONE_API_ACCESS_TOKEN` is set (environment or `.env`; see README.md). A configuration
//! problem or the production safety check stops the run once, with one message, before any
//! write.
//!
//! MUST-level failures fail the test; SHOULD-level failures print a warning and fail only with
//! `PINGONE_STRICT=true`. `_links` structures are snapshotted in `snapshots/`, named by case ID.
//!
//! TODO-coverage: an expired token (needs an hour against a tenant; the mock's own tests cover
//! expiry), the declared but undocumented 409, and the `X-Ping-External-*` headers.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use pingone_mfa_conformance::config::Config;
use pingone_mfa_conformance::suite::{
    CaseResult, Finding, Outcome, Session, Tier, cases, run_case,
};
use rstest::rstest;

struct Suite {
    rt: tokio::runtime::Runtime,
    session: Arc<Session>,
}

static SUITE: LazyLock<Result<Suite, String>> = LazyLock::new(|| {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?;
    let session = rt
        .block_on(Session::from_config(config))
        .map_err(|e| e.to_string())?;
    let env_type = session.environment_type.clone().unwrap_or_default();
    say(&format!(
        "conformance: target {} (environment {}, {env_type}){}",
        session.target.api_url,
        session.target.environment_id,
        if session.run.strict { ", strict" } else { "" }
    ));
    Ok(Suite {
        rt,
        session: Arc::new(session),
    })
});

/// Write to the real stderr, past libtest's output capture, so that warnings of passing cases
/// are seen.
fn say(message: &str) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn suite() -> &'static Suite {
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

fn run(id: &str) -> CaseResult {
    let suite = suite();
    let case = cases::by_id(id).unwrap_or_else(|| panic!("no case {id} in src/suite/cases.rs"));
    suite.rt.block_on(run_case(suite.session.clone(), case))
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
    let strict = suite().session.run.strict;
    // The snapshot is part of the verdict: a changed `_links` structure fails the case, and the
    // recorded result says so.
    if let Some(links) = result.links.clone() {
        let matched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            snapshot_links(&result.id, &links)
        }));
        if matched.is_err() {
            result.findings.push(Finding {
                tier: Tier::Must,
                check: format!(
                    "the _links structure matches snapshots/conformance__{}.snap",
                    result.id
                ),
                expected: "the committed snapshot".into(),
                actual:
                    "a different structure: see the diff above, review with `cargo insta review`"
                        .into(),
                reproduce: None,
            });
            if !matches!(
                result.outcome,
                Outcome::Skipped(_) | Outcome::KnownDeviation(_)
            ) {
                result.outcome = Outcome::Fail;
            }
        }
    }
    match &result.outcome {
        Outcome::Pass | Outcome::Fail => {}
        Outcome::Warn if !strict => say(&format!("warning: {}", result.render())),
        _ => say(&result.render()),
    }
    pingone_mfa_conformance::results::record(&result, &suite().session);
    if !result.cleanup.is_empty() {
        say(&format!(
            "{}: clean-up problems: {}",
            result.id,
            result.cleanup.join("; ")
        ));
    }
    if result.fails_run(strict) {
        panic!("\n{}", result.render());
    }
}

#[rstest]
#[case::body_01("MFA-BODY-01")]
#[case::body_02("MFA-BODY-02")]
#[case::body_03("MFA-BODY-03")]
#[case::body_04("MFA-BODY-04")]
#[case::body_05("MFA-BODY-05")]
#[case::body_06("MFA-BODY-06")]
#[case::read_01("MFA-READ-01")]
#[case::links_01("MFA-LINKS-01")]
#[case::links_02("MFA-LINKS-02")]
#[case::invalid_01("MFA-INVALID-01")]
#[case::invalid_02("MFA-INVALID-02")]
#[case::invalid_03("MFA-INVALID-03")]
#[case::invalid_04("MFA-INVALID-04")]
#[case::invalid_05("MFA-INVALID-05")]
#[case::invalid_06("MFA-INVALID-06")]
#[case::invalid_07("MFA-INVALID-07")]
#[case::invalid_08("MFA-INVALID-08")]
#[case::invalid_09("MFA-INVALID-09")]
#[case::invalid_10("MFA-INVALID-10")]
#[case::invalid_11("MFA-INVALID-11")]
#[case::invalid_12("MFA-INVALID-12")]
#[case::invalid_13("MFA-INVALID-13")]
#[case::invalid_14("MFA-INVALID-14")]
#[case::invalid_15("MFA-INVALID-15")]
#[case::invalid_16("MFA-INVALID-16")]
#[case::hdr_01("MFA-HDR-01")]
#[case::hdr_02("MFA-HDR-02")]
#[case::hdr_03("MFA-HDR-03")]
#[case::auth_01("MFA-AUTH-01")]
#[case::auth_02("MFA-AUTH-02")]
#[case::auth_03("MFA-AUTH-03")]
#[case::auth_04("MFA-AUTH-04")]
#[case::path_01("MFA-PATH-01")]
#[case::path_02("MFA-PATH-02")]
#[case::path_03("MFA-PATH-03")]
#[case::path_04("MFA-PATH-04")]
#[case::method_01("MFA-METHOD-01")]
#[case::method_02("MFA-METHOD-02")]
#[case::method_03("MFA-METHOD-03")]
#[case::user_01("MFA-USER-01")]
#[case::user_02("MFA-USER-02")]
#[case::user_03("MFA-USER-03")]
#[case::user_04("MFA-USER-04")]
#[case::user_05("MFA-USER-05")]
#[case::user_06("MFA-USER-06")]
#[case::existing_01("MFA-EXISTING-01")]
#[case::fuzz_01("MFA-FUZZ-01")]
#[case::token_01("MFA-TOKEN-01")]
#[case::token_02("MFA-TOKEN-02")]
fn conformance(#[case] id: &str) {
    conclude(run(id));
}

#[test]
fn every_library_case_is_listed_here() {
    let this_file = include_str!("conformance.rs");
    for case in cases::CASES {
        let line = format!("#[case::{}(\"{}\")]", case.test_name(), case.id);
        assert!(
            this_file.contains(&line),
            "add `{line}` to tests/conformance.rs"
        );
    }
}
