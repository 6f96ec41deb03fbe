//! Machine-readable results of a conformance run, and what is built on them: the Markdown
//! report ([`render()`], in [`mod@render`]), JUnit XML ([`junit()`], in [`mod@junit`]), the
//! parity and nightly comparisons ([`compare()`], in [`mod@compare`]), the behaviour profile's
//! record and report section ([`mod@profile`]), latency per operation ([`mod@latency`]), a
//! target's history of nights and its trends in pictures ([`mod@history`], [`mod@trends`]),
//! several targets side by side ([`mod@side_by_side`]) and the sweep of users a crashed run left behind ([`sweep()`], in [`mod@sweep`]). The
//! `conformance-report` binary is a thin command line over this module; `docs/ci.md` describes
//! how the nightly workflow uses it.
//!
//! # Writing
//!
//! When `PINGONE_RESULTS_DIR` is set in the process environment (it is not read from `.env`: it
//! says where a run writes, not what it tests), [`record`] writes each case's result as one JSON
//! file `<dir>/<CASE-ID>.json`. One file per case works both under `cargo test` (cases on
//! threads of one process) and under nextest (one process per case): no file is shared, and
//! each is written to a temporary name and renamed, so a reader never sees half a file. Each
//! file carries the run's metadata ([`RunInfo`]) so that it stands on its own. Beside them,
//! each process appends the requests its session sent (operation, case, status class, retries,
//! time; no URL or body) to `<dir>/requests-<run id>.jsonl` ([`mod@latency`]). Unset, nothing
//! is written. Any target may be recorded: a tenant, a standalone mock, or the mock the suite
//! starts when nothing is configured, which the results and the report name as such.
//!
//! # Reading
//!
//! [`load`] accepts either such a directory or one combined file `{"format": 1, "run": {...},
//! "cases": [...]}` as [`collect`] writes it. Unknown fields are ignored, so results written by
//! a newer version still load.
//!
//! # Secrets
//!
//! Results hold nothing secret by construction: requests are recorded without credentials and
//! curl lines say `$TOKEN`. As a second line of defence, [`record`] replaces any occurrence of
//! the session's client secret or configured access token by `[REDACTED]` before writing.
//!
//! Known gaps: a case whose process dies before `conclude()` (a nextest timeout, a crash) writes
//! no file; the report lists such cases as "no result" against the suite's case list.

pub mod compare;
pub mod history;
pub mod junit;
pub mod latency;
pub mod profile;
pub mod render;
pub mod side_by_side;
pub mod sweep;
pub mod trends;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Credentials;
use crate::suite::cases::{Area, CASES};
use crate::suite::requests::RequestRecord;
use crate::suite::{CaseResult, Outcome, Session, TargetKind};

pub use compare::{Change, ChangeKind, Comparison, Mode, Observed, compare};
pub use junit::junit;
pub use render::{INCONCLUSIVE, render};
pub use sweep::{SweepOptions, SweepReport, sweep, sweep_with};

/// The variable naming the directory [`record`] writes to.
pub const RESULTS_DIR_VAR: &str = "PINGONE_RESULTS_DIR";

/// Version of the file format; bumped only for incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// What every result file says about the run it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// `EmbeddedMock`, `Mock`, `StandaloneMock` or `Tenant` (as [`TargetKind`] serialises).
    pub target: String,
    /// API base URL, ending in `/v1`.
    pub api_url: String,
    /// Environment under test.
    pub environment_id: String,
    /// `type` of that environment as read before the first write (`SANDBOX`, `PRODUCTION`).
    #[serde(default)]
    pub environment_type: Option<String>,
    /// When the result was recorded, RFC 3339 UTC. For a whole run: the earliest case's.
    pub timestamp: String,
    /// Version of this crate.
    pub crate_version: String,
    /// The id of the test process that wrote the file ([`crate::suite::session::run_id`]), which
    /// names its requests file; for a whole run, the one process's, or none for several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

impl RunInfo {
    /// The metadata of a session, stamped now.
    pub fn of(session: &Session) -> RunInfo {
        RunInfo {
            target: target_name(session.target.kind),
            api_url: session.target.api_url.clone(),
            environment_id: session.target.environment_id.clone(),
            environment_type: session.environment_type.clone(),
            timestamp: rfc3339(SystemTime::now()),
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            run_id: Some(crate::suite::session::run_id().to_string()),
        }
    }

    /// A human name of the target kind.
    pub fn target_label(&self) -> &str {
        match self.target.as_str() {
            "EmbeddedMock" => "embedded mock",
            "Mock" => "mock",
            "StandaloneMock" => "standalone mock",
            "Tenant" => "tenant",
            other => other,
        }
    }

    /// Whether two records come from the same target. Each test process starts its own
    /// embedded mock (nextest runs one process per case), so for it only the kind counts.
    pub(crate) fn same_target(&self, other: &RunInfo) -> bool {
        self.target == other.target
            && (self.is_embedded_mock()
                || (self.api_url == other.api_url && self.environment_id == other.environment_id))
    }

    /// Whether the run used the mock the suite starts when nothing is configured.
    pub fn is_embedded_mock(&self) -> bool {
        self.target == "EmbeddedMock"
    }
}

fn target_name(kind: TargetKind) -> String {
    match serde_json::to_value(kind) {
        Ok(Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

/// One unmet requirement, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// `MUST` or `SHOULD`.
    pub tier: String,
    /// What the check rests on: `DOC`, `SPEC`, `CODE`, `INFERRED` or `INVARIANT`; absent for
    /// a finding that is no check of the API, and in files written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The check's name, the same in every run.
    pub check: String,
    /// What this run adds to the check's name (a baseline, a leniency, a fuzz seed), shown in
    /// parentheses after it; absent when nothing is added, and in files written before it was
    /// recorded apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    /// What the documentation promises.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// A curl line with `$TOKEN` in place of the token.
    #[serde(default)]
    pub reproduce: Option<String>,
}

impl FindingRecord {
    /// The check's name with its context, as reports show it.
    pub fn label(&self) -> String {
        crate::suite::outcome::label(&self.check, &self.context)
    }
}

/// One case's result, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// Case ID, e.g. `MFA-BODY-03`.
    pub id: String,
    /// Area as the suite serialises it, e.g. `Body`.
    pub area: String,
    /// The area's human title, e.g. `Valid bodies`.
    #[serde(default)]
    pub area_title: Option<String>,
    /// Headline tier, `MUST` or `SHOULD`.
    pub tier: String,
    /// What the headline requirement rests on: `DOC`, `SPEC`, `CODE`, `INFERRED` or
    /// `INVARIANT` (absent in files written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Short title.
    #[serde(default)]
    pub title: String,
    /// The requirement.
    #[serde(default)]
    pub requirement: String,
    /// The documentation it rests on.
    #[serde(default)]
    pub source: String,
    /// What is sent.
    #[serde(default)]
    pub stimulus: String,
    /// `pass`, `fail`, `warn`, `skipped`, `known_deviation`, `fixed_deviation`, `changed` or
    /// `error` (inconclusive: the target was unavailable or the case could not be set up).
    pub outcome: String,
    /// Why it was skipped or met an error, or the deviation's reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Status of the case's main request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Top-level error `code` of the main answer.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Wall time of the case.
    #[serde(default)]
    pub duration_ms: u64,
    /// Requests sent, set-up and clean-up included.
    #[serde(default)]
    pub requests: u32,
    /// Unmet requirements.
    #[serde(default)]
    pub findings: Vec<FindingRecord>,
    /// Problems while cleaning up.
    #[serde(default)]
    pub cleanup: Vec<String>,
    /// The run's metadata; present in per-case files, absent inside a combined file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
}

impl CaseRecord {
    /// The stored form of a result, with the run's metadata.
    pub fn from_result(result: &CaseResult, run: Option<RunInfo>) -> CaseRecord {
        let reason = match &result.outcome {
            Outcome::Skipped(r)
            | Outcome::KnownDeviation(r)
            | Outcome::FixedDeviation(r)
            | Outcome::Changed(r)
            | Outcome::Error(r) => Some(r.clone()),
            Outcome::Pass | Outcome::Fail | Outcome::Warn => None,
        };
        CaseRecord {
            id: result.id.clone(),
            area: area_name(result.area),
            area_title: Some(result.area.title().to_string()),
            tier: result.tier.as_str().to_string(),
            evidence: Some(result.evidence.to_string()),
            title: result.title.clone(),
            requirement: result.requirement.clone(),
            source: result.source.clone(),
            stimulus: result.stimulus.clone(),
            outcome: result.outcome.label().to_string(),
            reason,
            status: result.status,
            error_code: result.error_code.clone(),
            duration_ms: result.duration_ms,
            requests: result.requests,
            findings: result
                .findings
                .iter()
                .map(|f| FindingRecord {
                    tier: f.tier.as_str().to_string(),
                    evidence: f.evidence.map(str::to_string),
                    check: f.check.clone(),
                    context: f.context.clone(),
                    expected: f.expected.clone(),
                    actual: f.actual.clone(),
                    reproduce: f.reproduce.clone(),
                })
                .collect(),
            cleanup: result.cleanup.clone(),
            run,
        }
    }

    /// The area's title: the suite's own for a known area, else the stored one, else the raw
    /// name.
    pub fn area_title(&self) -> String {
        known_area(&self.area)
            .map(|a| a.title().to_string())
            .or_else(|| self.area_title.clone())
            .unwrap_or_else(|| self.area.clone())
    }
}

fn area_name(area: Area) -> String {
    match serde_json::to_value(area) {
        Ok(Value::String(s)) => s,
        _ => format!("{area:?}"),
    }
}

/// The suite's area with this serialised name.
pub(crate) fn known_area(name: &str) -> Option<Area> {
    CASES.iter().map(|c| c.area).find(|a| area_name(*a) == name)
}

/// Where a case sits in the suite's order: known cases first in `CASES` order, then the rest.
pub(crate) fn case_rank(id: &str) -> (usize, String) {
    let pos = CASES.iter().position(|c| c.id == id).unwrap_or(usize::MAX);
    (pos, id.to_string())
}

/// The results of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    /// Format version ([`FORMAT_VERSION`]).
    #[serde(default = "format_version")]
    pub format: u32,
    /// The run's metadata.
    pub run: RunInfo,
    /// Case results, in the suite's order.
    pub cases: Vec<CaseRecord>,
    /// The behaviour profile of the run, when the profile test ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<profile::ProfileRecord>,
    /// Every request the run sent, timed ([`mod@latency`]); absent in results written before
    /// requests were recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestRecord>,
}

fn format_version() -> u32 {
    FORMAT_VERSION
}

impl Results {
    /// Results from records, in the suite's order, with per-case run metadata dropped.
    pub fn new(run: RunInfo, mut cases: Vec<CaseRecord>) -> Results {
        for c in &mut cases {
            c.run = None;
        }
        cases.sort_by_key(|c| case_rank(&c.id));
        Results {
            format: FORMAT_VERSION,
            run,
            cases,
            profile: None,
            requests: Vec::new(),
        }
    }

    /// The case with this ID.
    pub fn case(&self, id: &str) -> Option<&CaseRecord> {
        self.cases.iter().find(|c| c.id == id)
    }

    /// Number of cases per outcome label.
    pub fn counts(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for c in &self.cases {
            *m.entry(c.outcome.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// IDs of the suite's cases that have no result here.
    pub fn missing_cases(&self) -> Vec<&'static str> {
        CASES
            .iter()
            .map(|c| c.id)
            .filter(|id| self.case(id).is_none())
            .collect()
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Why results could not be written or read: one message naming the file.
#[derive(Debug)]
pub struct ResultsError(pub String);

impl fmt::Display for ResultsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResultsError {}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> ResultsError {
    ResultsError(format!("cannot {what} {}: {e}", path.display()))
}

// ------------------------------------------------------------------------------------ writing

/// The results directory named by a value of `PINGONE_RESULTS_DIR`; empty or blank means unset.
pub fn results_dir_from(value: Option<OsString>) -> Option<PathBuf> {
    let value = value?;
    if value.to_string_lossy().trim().is_empty() {
        return None;
    }
    Some(PathBuf::from(value))
}

/// The directory `PINGONE_RESULTS_DIR` names in the process environment, if any.
pub fn results_dir() -> Option<PathBuf> {
    results_dir_from(std::env::var_os(RESULTS_DIR_VAR))
}

/// Record a case result in `PINGONE_RESULTS_DIR`, if set. A problem is printed to stderr (past
/// the test harness's capture) and does not fail the case: the report then lists the case as
/// having no result.
pub fn record(result: &CaseResult, session: &Session) {
    let Some(dir) = results_dir() else { return };
    if let Err(e) = record_to(&dir, result, session) {
        let _ = writeln!(
            std::io::stderr(),
            "conformance: {RESULTS_DIR_VAR}: {e}; {} has no result file",
            result.id
        );
    }
}

/// Write `<dir>/<CASE-ID>.json` for a result (creating `dir`), and return its path.
pub fn record_to(
    dir: &Path,
    result: &CaseResult,
    session: &Session,
) -> Result<PathBuf, ResultsError> {
    let record = CaseRecord::from_result(result, Some(RunInfo::of(session)));
    let mut json = serde_json::to_string_pretty(&record)
        .map_err(|e| ResultsError(format!("cannot serialise {}: {e}", result.id)))?;
    json.push('\n');
    let json = redact_secrets(json, &session.target.credentials);
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
    let path = dir.join(format!("{}.json", file_stem(&result.id)));
    write_atomically(&path, json.as_bytes())?;
    latency::append_requests(dir, &session.requests().take_new())?;
    Ok(path)
}

/// Replace the credentials' secret values, should one ever reach a result: the secret or
/// token as is, JSON-escaped and form-encoded, and `base64(client id:secret)` as a Basic header
/// carries it (standard and URL-safe alphabets, with and without padding).
pub fn redact_secrets(mut text: String, credentials: &Credentials) -> String {
    for form in secret_forms(credentials) {
        if text.contains(&form) {
            text = text.replace(&form, "[REDACTED]");
        }
    }
    text
}

/// Every form of the credentials' secret that [`redact_secrets`] replaces, longest first.
fn secret_forms(credentials: &Credentials) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let (secret, id) = match credentials {
        Credentials::Client {
            client_secret,
            client_id,
            ..
        } => (client_secret.expose(), Some(client_id.as_str())),
        Credentials::AccessToken(t) => (t.expose(), None),
    };
    // A very short secret would redact ordinary words; configuration rejects none, so only
    // values long enough to be real secrets are replaced.
    if secret.len() < 8 {
        return Vec::new();
    }
    let json = serde_json::to_string(secret).unwrap_or_default();
    let mut forms = vec![
        secret.to_string(),
        json.trim_matches('"').to_string(),
        crate::http::form_encode(secret),
    ];
    if let Some(id) = id {
        let pair = format!("{id}:{secret}");
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            forms.push(engine.encode(&pair));
        }
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

/// A file name stem for a case ID: the ID itself, with anything unusual replaced.
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Write to a temporary sibling, then rename over `path` ([`crate::files::write_atomically`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ResultsError> {
    crate::files::write_atomically(path, bytes).map_err(ResultsError)
}

// ------------------------------------------------------------------------------------ reading

/// Load results from a directory of per-case files or from one combined file.
pub fn load(path: impl AsRef<Path>) -> Result<Results, ResultsError> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ResultsError(format!(
                "{} does not exist: expected a results directory (written with \
                 {RESULTS_DIR_VAR}) or a combined results file (written by \
                 `conformance-report collect`)",
                path.display()
            ))
        } else {
            io_error("read", path, &e)
        }
    })?;
    if meta.is_dir() {
        load_dir(path)
    } else {
        load_file(path)
    }
}

fn load_file(path: &Path) -> Result<Results, ResultsError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error("read", path, &e))?;
    let results: Results = serde_json::from_str(&text).map_err(|e| {
        ResultsError(format!(
            "{} is not a combined results file ({{\"run\": {{...}}, \"cases\": [...]}}): {e}",
            path.display()
        ))
    })?;
    if results.format > FORMAT_VERSION {
        return Err(ResultsError(format!(
            "{} has format {}, newer than this tool's {FORMAT_VERSION}",
            path.display(),
            results.format
        )));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = results.cases.iter().find(|c| !seen.insert(c.id.as_str())) {
        return Err(ResultsError(format!(
            "{} holds case {} twice",
            path.display(),
            dup.id
        )));
    }
    let (profile, requests) = (results.profile, results.requests);
    Ok(Results {
        profile,
        requests,
        ..Results::new(results.run, results.cases)
    })
}

fn load_dir(dir: &Path) -> Result<Results, ResultsError> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error("list", dir, &e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error("list", dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with('.') {
            files.push(entry.path());
        }
    }
    files.sort();
    let mut cases = Vec::with_capacity(files.len());
    let mut run: Option<RunInfo> = None;
    let mut run_ids = std::collections::BTreeSet::new();
    let mut profile = None;
    for file in &files {
        if file.file_name().is_some_and(|n| n == profile::PROFILE_FILE) {
            profile = Some(profile::read_profile(file)?);
            continue;
        }
        let text = std::fs::read_to_string(file).map_err(|e| io_error("read", file, &e))?;
        let case: CaseRecord = serde_json::from_str(&text).map_err(|e| {
            ResultsError(format!(
                "{} is not a case result file (id, area, tier, outcome, run): {e}",
                file.display()
            ))
        })?;
        run_ids.extend(case.run.as_ref().and_then(|r| r.run_id.clone()));
        let Some(info) = case.run.clone() else {
            return Err(ResultsError(format!(
                "{} has no run metadata (\"run\")",
                file.display()
            )));
        };
        match &mut run {
            None => run = Some(info),
            Some(r) if !r.same_target(&info) => {
                return Err(ResultsError(format!(
                    "{} mixes results of different runs: {} is from {} {} environment {}, \
                     others from {} {} environment {}; use a fresh {RESULTS_DIR_VAR} per run",
                    dir.display(),
                    file.display(),
                    info.target_label(),
                    info.api_url,
                    info.environment_id,
                    r.target_label(),
                    r.api_url,
                    r.environment_id
                )));
            }
            Some(r) => {
                if info.timestamp < r.timestamp {
                    r.timestamp = info.timestamp;
                }
            }
        }
        cases.push(case);
    }
    let Some(mut run) = run else {
        return Err(ResultsError(format!(
            "{} holds no case result files (*.json); was {RESULTS_DIR_VAR} set for the run?",
            dir.display()
        )));
    };
    if run_ids.len() > 1 {
        run.run_id = None;
    }
    Ok(Results {
        profile,
        requests: latency::read_requests(dir, &run_ids)?,
        ..Results::new(run, cases)
    })
}

/// Load a results directory (or file) and write it as one combined file.
pub fn collect(from: &Path, to: &Path) -> Result<Results, ResultsError> {
    let results = load(from)?;
    write_atomically(to, results.to_json().as_bytes())?;
    Ok(results)
}

// ------------------------------------------------------------------------------------ time

pub use crate::wire::{parse_rfc3339, rfc3339};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_results_dir_variable_means_unset() {
        assert_eq!(results_dir_from(None), None);
        assert_eq!(results_dir_from(Some(OsString::from("  "))), None);
        assert_eq!(
            results_dir_from(Some(OsString::from("out/results"))),
            Some(PathBuf::from("out/results"))
        );
    }

    #[test]
    fn a_finding_keeps_its_context_apart_from_its_check() {
        let finding = crate::suite::Finding {
            tier: crate::suite::Tier::Must,
            evidence: Some("SPEC"),
            check: "status".into(),
            context: vec!["from baseline true".into(), "seed 7".into()],
            expected: "HTTP 400".into(),
            actual: "HTTP 200".into(),
            reproduce: None,
        };
        assert_eq!(finding.label(), "status (from baseline true) (seed 7)");
        let json = serde_json::to_value(&finding).expect("json");
        assert_eq!(json["check"], "status");
        assert_eq!(json["context"][1], "seed 7");
        let record: FindingRecord = serde_json::from_value(json).expect("record");
        assert_eq!(record.label(), finding.label());
        // Nothing added: no `context` written; a file without one reads as none.
        let plain = FindingRecord {
            context: Vec::new(),
            ..record
        };
        let json = serde_json::to_value(&plain).expect("json");
        assert!(json.get("context").is_none(), "{json}");
        let read: FindingRecord = serde_json::from_value(json).expect("record");
        assert_eq!(read.label(), "status");
    }

    #[test]
    fn file_stems_keep_ids_and_replace_path_characters() {
        assert_eq!(file_stem("MFA-BODY-03"), "MFA-BODY-03");
        assert_eq!(file_stem("../x y"), ".._x_y");
    }

    #[test]
    fn secrets_are_redacted_and_short_values_left_alone() {
        let creds = Credentials::AccessToken(crate::secret::Secret::new("tok-1234567890"));
        assert_eq!(
            redact_secrets("a tok-1234567890 b".into(), &creds),
            "a [REDACTED] b"
        );
        let short = Credentials::AccessToken(crate::secret::Secret::new("a"));
        assert_eq!(redact_secrets("a b".into(), &short), "a b");
    }

    #[test]
    fn base64_forms_of_id_and_secret_are_redacted() {
        use base64::Engine as _;
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        // A secret whose base64 differs between the alphabets ("?>" encodes to "Pz4" and "?" to
        // "Pw", so both '+'/'/' and padding appear).
        let (id, secret) = ("client-1", "s3cr3t?>??>?~\"quoted\"!");
        let creds = Credentials::Client {
            client_id: id.into(),
            client_secret: crate::secret::Secret::new(secret),
            method: crate::config::TokenAuthMethod::Basic,
        };
        let pair = format!("{id}:{secret}");
        let encoded: Vec<String> = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
            .iter()
            .map(|e| e.encode(&pair))
            .collect();
        assert!(
            encoded[0].contains('/') || encoded[0].contains('+'),
            "{encoded:?}"
        );
        assert!(encoded[0].ends_with('='), "{encoded:?}");
        for form in encoded.iter().cloned().chain([
            secret.to_string(),
            serde_json::to_string(secret)
                .unwrap()
                .trim_matches('"')
                .to_string(),
            crate::http::form_encode(secret),
        ]) {
            let text = format!("{{\"actual\": \"Authorization: Basic {form} sent\"}}");
            let redacted = redact_secrets(text, &creds);
            assert_eq!(
                redacted, "{\"actual\": \"Authorization: Basic [REDACTED] sent\"}",
                "{form}"
            );
        }
    }

    #[test]
    fn every_area_of_the_suite_is_known_by_its_serialised_name() {
        for c in CASES {
            assert_eq!(known_area(&area_name(c.area)), Some(c.area));
        }
        assert_eq!(known_area("Nonsense"), None);
    }
}
