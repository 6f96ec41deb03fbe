//! The behaviour profile in the results: [`record_profile`] writes `<dir>/profile.json` next to
//! the case files, [`load`](super::load) picks it up, and the report renders the profile as a
//! table (probe, question, answer class) and a change as a diff ([`render_profile`]).

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::profile::{AnswerClass, Change, Profile};
use crate::suite::Session;

use super::render::{code, md};
use super::{ResultsError, RunInfo, results_dir, write_atomically};

/// The file name of the profile record inside a results directory.
pub const PROFILE_FILE: &str = "profile.json";

/// One changed probe, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// Probe ID.
    pub probe: String,
    /// The difference in plain words.
    pub words: String,
    /// The class in the snapshot, if the snapshot had the probe.
    #[serde(default)]
    pub before: Option<AnswerClass>,
    /// Since when the class in the snapshot held, if the snapshot says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The class now, if the probe was answered.
    #[serde(default)]
    pub after: Option<AnswerClass>,
}

/// The profile of one run, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRecord {
    /// The profile's name (`PINGONE_PROFILE`).
    pub name: String,
    /// `pass`, `changed`, `fail` (a broken invariant), `error` (a probe got no answer),
    /// `recorded` (the first run) or `unrecorded` (no snapshot, in CI, which records none).
    pub outcome: String,
    /// The profile as measured.
    pub profile: Profile,
    /// The probes whose class differs from the snapshot.
    #[serde(default)]
    pub changes: Vec<ChangeRecord>,
    /// Broken invariants and probes without an answer, one line each.
    #[serde(default)]
    pub violations: Vec<String>,
    /// The run's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunInfo>,
}

impl ProfileRecord {
    /// A record of `profile` with its `changes` against the snapshot.
    pub fn new(
        name: &str,
        outcome: &str,
        profile: &Profile,
        changes: &[Change],
        violations: Vec<String>,
    ) -> ProfileRecord {
        ProfileRecord {
            name: name.to_string(),
            outcome: outcome.to_string(),
            profile: profile.clone(),
            changes: changes
                .iter()
                .map(|c| ChangeRecord {
                    probe: c.probe.clone(),
                    words: c.words(),
                    before: c.before.clone(),
                    since: c.since.clone(),
                    after: c.after.clone(),
                })
                .collect(),
            violations,
            run: None,
        }
    }
}

/// Write `record` to `PINGONE_RESULTS_DIR/profile.json`, if the variable is set; a problem is
/// printed, not raised.
pub fn record_profile(mut record: ProfileRecord, session: &Session) {
    let Some(dir) = results_dir() else { return };
    record.run = Some(RunInfo::of(session));
    if let Err(e) = write_profile(&dir, &record) {
        eprintln!(
            "conformance: {}: {e}; the profile has no result file",
            dir.display()
        );
    }
}

/// Write `<dir>/profile.json`.
pub fn write_profile(dir: &Path, record: &ProfileRecord) -> Result<(), ResultsError> {
    let mut json = serde_json::to_string_pretty(record)
        .map_err(|e| ResultsError(format!("cannot serialise the profile: {e}")))?;
    json.push('\n');
    write_atomically(&dir.join(PROFILE_FILE), json.as_bytes())
}

/// Read a `profile.json`.
pub(super) fn read_profile(path: &Path) -> Result<ProfileRecord, ResultsError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ResultsError(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        ResultsError(format!(
            "{} is not a profile record (name, outcome, profile): {e}",
            path.display()
        ))
    })
}

/// One line for a class: `400 INVALID_DATA (INVALID_VALUE@mfaEnabled); application/json;
/// Correlation-Id; body {code, …}; nothing changed`.
pub fn class_cell(c: &AnswerClass) -> String {
    let mut s = c.status.to_string();
    if let Some(code) = &c.code {
        let _ = write!(s, " {code}");
    }
    if !c.details.is_empty() {
        let _ = write!(s, " ({})", c.details.join(", "));
    }
    let _ = write!(
        s,
        "; {}",
        c.media_type.as_deref().unwrap_or("no Content-Type")
    );
    if !c.headers.is_empty() {
        let _ = write!(s, "; {}", c.headers.join(", "));
    }
    let _ = write!(s, "; body {}", c.body);
    if let Some(stored) = c.stored {
        let _ = write!(s, "; {}", stored.words());
    }
    s
}

/// The report's section: the outcome, the changes as a diff, the violations, then the whole
/// profile as a table.
pub fn render_profile(p: &ProfileRecord) -> String {
    let mut s = format!("\n## Behaviour profile `{}`\n\n", md(&p.name));
    let verdict = match p.outcome.as_str() {
        "pass" => "the same as its snapshot".to_string(),
        "changed" => format!(
            "**CHANGED**: {} probe{} answered differently from `snapshots/profile__{}.snap`; \
             review with `cargo insta review`",
            p.changes.len(),
            if p.changes.len() == 1 { "" } else { "s" },
            md(&p.name)
        ),
        "recorded" => "recorded for the first time: review and commit the snapshot".to_string(),
        "unrecorded" => format!(
            "**FAIL**: no `snapshots/profile__{}.snap` for this target, and CI records none; \
             record it on a machine against the same target and commit it",
            md(&p.name)
        ),
        "fail" => "**FAIL**: a probe broke an invariant".to_string(),
        "error" => "**ERROR**: inconclusive, the target did not answer every probe; not compared \
                    with the snapshot"
            .to_string(),
        other => md(other),
    };
    let _ = writeln!(s, "Profile: {verdict}.");
    if let Some(r) = &p.profile.recorded {
        let _ = writeln!(s, "\nRecorded from {}.", md(&r.words()));
    }
    if !p.changes.is_empty() {
        s.push_str("\n### Changes\n\n");
        for c in &p.changes {
            let _ = writeln!(s, "- {}", md(&c.words));
        }
        s.push_str("\n```diff\n");
        for c in &p.changes {
            let _ = writeln!(s, "  {}", c.probe);
            if let Some(b) = &c.before {
                let since = c
                    .since
                    .as_deref()
                    .map(|d| format!(" (since {d})"))
                    .unwrap_or_default();
                let _ = writeln!(s, "- {}{since}", class_cell(b));
            }
            if let Some(a) = &c.after {
                let _ = writeln!(s, "+ {}", class_cell(a));
            }
        }
        s.push_str("```\n");
    }
    if !p.violations.is_empty() {
        s.push_str("\n### Broken invariants\n\n");
        for v in &p.violations {
            let _ = writeln!(s, "- {}", md(v));
        }
    }
    s.push_str("\n| Probe | Question | Answer class | Since |\n| --- | --- | --- | --- |\n");
    for (id, entry) in &p.profile.entries {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md(id),
            code(&entry.question),
            md(&class_cell(&entry.class)),
            entry.since.as_deref().map(md).unwrap_or_default()
        );
    }
    s
}

/// The behaviour profiles of two runs compared, probe by probe, as a report section (`None`
/// when either run has no profile): for parity, the mock started from the tenant's profile
/// against the tenant; for the nightly comparison, last night against tonight. Also whether
/// any probe differs.
pub fn compare_profiles(
    baseline: &super::Results,
    current: &super::Results,
    left: &str,
    right: &str,
) -> Option<(String, bool)> {
    let (b, c) = (baseline.profile.as_ref()?, current.profile.as_ref()?);
    let changes = crate::profile::diff(&b.profile, &c.profile);
    let mut s = format!(
        "\n### Behaviour profile: {} `{}` against {} `{}`\n\n",
        md(left),
        md(&b.name),
        md(right),
        md(&c.name)
    );
    if changes.is_empty() {
        let _ = writeln!(
            s,
            "No difference: all {} probes answered alike.",
            c.profile.entries.len()
        );
    } else {
        let _ = writeln!(
            s,
            "**{} probe{} answered differently** ({left} first, then {right}):\n",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        );
        for ch in &changes {
            let _ = writeln!(s, "- {}", md(&ch.words()));
        }
    }
    Some((s, !changes.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Change, Entry, Stored, diff};

    fn class(status: u16, code: Option<&str>, stored: Stored) -> AnswerClass {
        AnswerClass {
            status,
            code: code.map(str::to_string),
            media_type: Some("application/json".into()),
            headers: vec!["Correlation-Id".into()],
            body: "{code, details, id, message}".into(),
            stored: Some(stored),
            ..AnswerClass::default()
        }
    }

    fn profile(c: AnswerClass) -> Profile {
        let mut p = Profile::default();
        p.entries.insert(
            "MFA-PROBE-BOOL-01".into(),
            Entry {
                question: "{\"mfaEnabled\": \"true\"}".into(),
                class: c,
                since: Some("2026-12-01".into()),
            },
        );
        p
    }

    #[test]
    fn the_report_shows_the_profile_as_a_table_and_a_change_as_a_diff() {
        let before = profile(class(200, None, Stored::SetTrue));
        let after = profile(class(400, Some("INVALID_REQUEST"), Stored::Unchanged));
        let changes = diff(&before, &after);
        let record = ProfileRecord::new("tenant", "changed", &after, &changes, Vec::new());
        let text = render_profile(&record);
        assert!(text.contains("## Behaviour profile `tenant`"), "{text}");
        assert!(
            text.contains("**CHANGED**: 1 probe answered differently"),
            "{text}"
        );
        assert!(
            text.contains("- 200; application/json; Correlation-Id; body {code, details, id, message}; stored as true (since 2026-12-01)\n+ 400 INVALID_REQUEST;"),
            "{text}"
        );
        assert!(
            text.contains(
                "| MFA-PROBE-BOOL-01 | `{\"mfaEnabled\": \"true\"}` | 400 INVALID_REQUEST;"
            ) && text.contains("nothing changed | 2026-12-01 |"),
            "{text}"
        );
        let unchanged = ProfileRecord::new("tenant", "pass", &after, &[], Vec::new());
        assert!(!render_profile(&unchanged).contains("```diff"));
    }

    #[test]
    fn two_runs_profiles_are_compared_probe_by_probe() {
        let run = crate::results::RunInfo {
            ..serde_json::from_value(serde_json::json!({
                "target": "tenant", "api_url": "u", "environment_id": "e", "timestamp": "t",
                "crate_version": "v"
            }))
            .unwrap()
        };
        let with = |p: Profile| crate::results::Results {
            profile: Some(ProfileRecord::new("tenant", "pass", &p, &[], Vec::new())),
            ..crate::results::Results::new(run.clone(), Vec::new())
        };
        let a = with(profile(class(200, None, Stored::SetTrue)));
        let b = with(profile(class(400, Some("INVALID_DATA"), Stored::Unchanged)));
        let (same, changed) = compare_profiles(&a, &a, "mock", "tenant").unwrap();
        assert!(
            !changed && same.contains("No difference: all 1 probes"),
            "{same}"
        );
        let (text, changed) = compare_profiles(&a, &b, "mock", "tenant").unwrap();
        assert!(changed, "{text}");
        assert!(text.contains("**1 probe answered differently**"), "{text}");
        assert!(
            text.contains("was accepted with 200; stored as true (since 2026-12-01); now rejected with 400 INVALID"),
            "{text}"
        );
        let none = crate::results::Results::new(run.clone(), Vec::new());
        assert!(compare_profiles(&none, &a, "mock", "tenant").is_none());
    }

    /// A changed profile is a JUnit failure of its own type and the report's headline, never a
    /// pass; a missing one in CI fails; the first recording passes.
    #[test]
    fn a_changed_profile_fails_visibly_in_junit_and_the_headline() {
        let run: crate::results::RunInfo = serde_json::from_value(serde_json::json!({
            "target": "Tenant", "api_url": "u", "environment_id": "e", "timestamp": "t",
            "crate_version": "v"
        }))
        .unwrap();
        let before = profile(class(200, None, Stored::SetTrue));
        let after = profile(class(400, Some("INVALID_REQUEST"), Stored::Unchanged));
        let changes = diff(&before, &after);
        let results =
            |outcome: &str, changes: &[Change], violations: Vec<String>| crate::results::Results {
                profile: Some(ProfileRecord::new(
                    "eu-1", outcome, &after, changes, violations,
                )),
                ..crate::results::Results::new(run.clone(), Vec::new())
            };
        let changed = results("changed", &changes, Vec::new());
        let junit = crate::results::junit(&changed);
        assert!(
            junit.contains(" failures=\"1\" ")
                && junit.contains("<testcase name=\"profile\" classname=\"conformance.profile\"")
                && junit.contains(
                    "<failure type=\"changed\" message=\"CHANGED: 1 probe answered differently \
                     from snapshots/profile__eu-1.snap: MFA-PROBE-BOOL-01: "
                )
                && junit.contains("(since 2026-12-01); now rejected with 400 INVALID_REQUEST"),
            "{junit}"
        );
        let report = crate::results::render(&changed);
        assert!(report.contains("**Result: CHANGED: 1 probe**"), "{report}");
        assert!(!report.contains("Result: PASS"), "{report}");

        let unrecorded = results("unrecorded", &[], vec!["no behaviour profile …".into()]);
        assert!(
            crate::results::junit(&unrecorded)
                .contains("<failure type=\"unrecorded\" message=\"no behaviour profile …\"")
        );
        assert!(crate::results::render(&unrecorded).contains("**Result: FAIL**"));
        let error = results("error", &[], vec!["MFA-PROBE-BOOL-01: no answer".into()]);
        assert!(crate::results::junit(&error).contains("<error type=\"target unavailable\""));
        let recorded = results("recorded", &[], Vec::new());
        let junit = crate::results::junit(&recorded);
        assert!(
            junit.contains(" failures=\"0\" ") && !junit.contains("<failure"),
            "{junit}"
        );
        assert!(crate::results::render(&recorded).contains("**Result: PASS**"));
    }

    #[test]
    fn a_results_directory_with_a_profile_loads_it_beside_the_cases() {
        let dir = std::env::temp_dir().join(format!("profile-record-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let record = ProfileRecord::new(
            "mock",
            "pass",
            &profile(class(400, Some("INVALID_DATA"), Stored::Unchanged)),
            &[],
            Vec::new(),
        );
        write_profile(&dir, &record).unwrap();
        assert_eq!(read_profile(&dir.join(PROFILE_FILE)).unwrap(), record);
        // Without case files the directory is still no results directory.
        assert!(super::super::load(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
