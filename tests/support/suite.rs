//! Running the suite in a test: a run configuration sized for a local mock, all cases, what did
//! not pass, and a temporary directory for result files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::sync::Arc;

use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::MockPingOne;
use pingone_mfa_conformance::suite::{CASES, Case, CaseResult, Outcome, Session, cases, run_cases};

/// A run against a local mock: eight requests side by side, a short fuzz, generous timeouts
/// for a loaded machine and short waits between retries. Tests change what they are about
/// with `RunConfig { field, ..run_config() }`.
pub fn run_config() -> RunConfig {
    RunConfig {
        concurrency: 8,
        fuzz_cases: Some(8),
        request_timeout: Duration::from_secs(10),
        retry_cap: Duration::from_millis(50),
        ..RunConfig::default()
    }
}

/// The cases of `ids` run side by side against `mock` in a session of `run`, with a fixed
/// fuzz seed; the session is returned for what it logged.
pub async fn run_ids(
    mock: &MockPingOne,
    run: RunConfig,
    ids: &[&str],
) -> (Arc<Session>, Vec<CaseResult>) {
    let session = Arc::new(
        Session::for_mock(mock, run)
            .await
            .expect("session opens")
            .with_fuzz_seed(17),
    );
    let cases: Vec<&'static Case> = ids
        .iter()
        .map(|id| cases::by_id(id).unwrap_or_else(|| panic!("no case {id}")))
        .collect();
    let results = run_cases(session.clone(), &cases).await;
    (session, results)
}

/// Every case of the suite.
pub fn all_cases() -> Vec<&'static Case> {
    CASES.iter().collect()
}

/// The results that did not pass, rendered.
pub fn not_passed(results: &[CaseResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .map(CaseResult::render)
        .collect()
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// `{tmp}/pingone-{name}-{uuid}`.
    pub fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("pingone-{name}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
