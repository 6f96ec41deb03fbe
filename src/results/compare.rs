//! Two runs side by side.
//!
//! - [`Mode::Parity`]: the mock's results (baseline) against a tenant's (current). Every case
//!   where they disagree on outcome, status or error code is listed: either the mock is not
//!   faithful there, or the tenant deviates from the documentation. A case skipped on one side
//!   only is listed as not compared, not as a disagreement.
//! - [`Mode::Nightly`]: last night's results (baseline) against tonight's (current): newly
//!   failing, newly passing, other outcome changes, changed status or error code, and cases
//!   added or removed.
//!
//! A case that met an unavailable target (outcome `error`) on either side is listed as
//! inconclusive, never as newly failing or as a disagreement: an outage is not a regression.
//!
//! Durations are never compared.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::render::md;
use super::{CaseRecord, Results, RunInfo, case_rank};

/// Which comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Mock (baseline) against tenant (current).
    Parity,
    /// Last night (baseline) against tonight (current).
    Nightly,
}

impl Mode {
    /// `parity` or `nightly`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "parity" => Some(Mode::Parity),
            "nightly" => Some(Mode::Nightly),
            _ => None,
        }
    }

    /// Column headers for the baseline and the current side.
    pub fn sides(self) -> (&'static str, &'static str) {
        match self {
            Mode::Parity => ("Mock", "Tenant"),
            Mode::Nightly => ("Before", "After"),
        }
    }
}

/// What one side saw for a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// Outcome label.
    pub outcome: String,
    /// Status of the main request.
    pub status: Option<u16>,
    /// Top-level error code of the main answer.
    pub error_code: Option<String>,
}

impl Observed {
    fn of(c: &CaseRecord) -> Observed {
        Observed {
            outcome: c.outcome.clone(),
            status: c.status,
            error_code: c.error_code.clone(),
        }
    }

    /// `fail, HTTP 400 INVALID_DATA`.
    pub fn describe(&self) -> String {
        let mut s = self.outcome.clone();
        if let Some(st) = self.status {
            let _ = write!(s, ", HTTP {st}");
        }
        if let Some(c) = &self.error_code {
            let _ = write!(s, " {c}");
        }
        s
    }
}

/// How a case differs, most significant first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Nightly: fails now, did not before.
    NewlyFailing,
    /// Nightly: passes now, did not before.
    NewlyPassing,
    /// The outcome differs (any other transition; in parity mode every outcome difference).
    OutcomeChanged,
    /// Same outcome, different status (the error code may differ too).
    StatusChanged,
    /// Same outcome and status, different error code.
    CodeChanged,
    /// Only in the current results.
    Added,
    /// Only in the baseline results.
    Removed,
    /// Parity: skipped on one side only, so not compared. Not a change.
    NotCompared,
    /// The target was unavailable for the case on one side (outcome `error`), so there is no
    /// verdict to compare. Not a change, and never a regression.
    Inconclusive,
}

impl ChangeKind {
    /// Whether this is a difference between two verdicts (not a case left uncompared).
    pub fn is_change(self) -> bool {
        !matches!(self, ChangeKind::NotCompared | ChangeKind::Inconclusive)
    }

    fn heading(self, mode: Mode) -> &'static str {
        match (self, mode) {
            (ChangeKind::NewlyFailing, _) => "Newly failing",
            (ChangeKind::NewlyPassing, _) => "Newly passing",
            (ChangeKind::OutcomeChanged, Mode::Parity) => "Outcome differs",
            (ChangeKind::OutcomeChanged, Mode::Nightly) => "Outcome changed",
            (ChangeKind::StatusChanged, Mode::Parity) => "Status differs",
            (ChangeKind::StatusChanged, Mode::Nightly) => "Status changed",
            (ChangeKind::CodeChanged, Mode::Parity) => "Error code differs",
            (ChangeKind::CodeChanged, Mode::Nightly) => "Error code changed",
            (ChangeKind::Added, Mode::Parity) => "Only in the tenant results",
            (ChangeKind::Added, Mode::Nightly) => "Added cases",
            (ChangeKind::Removed, Mode::Parity) => "Only in the mock results",
            (ChangeKind::Removed, Mode::Nightly) => "Removed cases",
            (ChangeKind::NotCompared, _) => "Not compared (skipped on one side)",
            (ChangeKind::Inconclusive, _) => {
                "Not compared (inconclusive: target unavailable on one side)"
            }
        }
    }
}

/// One case that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Case ID.
    pub id: String,
    /// Case title (from whichever side has it).
    pub title: String,
    /// How it differs.
    pub kind: ChangeKind,
    /// The baseline's observation, if the case is there.
    pub baseline: Option<Observed>,
    /// The current observation, if the case is there.
    pub current: Option<Observed>,
}

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Which comparison.
    pub mode: Mode,
    /// The baseline run.
    pub baseline_run: RunInfo,
    /// The current run.
    pub current_run: RunInfo,
    /// Cases present on both sides.
    pub compared: usize,
    /// Every case that differs, in the suite's order.
    pub changes: Vec<Change>,
}

/// Compare two runs.
pub fn compare(baseline: &Results, current: &Results, mode: Mode) -> Comparison {
    let ids: BTreeSet<(usize, String)> = baseline
        .cases
        .iter()
        .chain(&current.cases)
        .map(|c| case_rank(&c.id))
        .collect();
    let mut changes = Vec::new();
    let mut compared = 0;
    for (_, id) in ids {
        let before = baseline.case(&id);
        let after = current.case(&id);
        let title = after
            .or(before)
            .map(|c| c.title.clone())
            .unwrap_or_default();
        let kind = match (before, after) {
            (Some(b), Some(a)) => {
                compared += 1;
                classify(b, a, mode)
            }
            (Some(_), None) => Some(ChangeKind::Removed),
            (None, Some(_)) => Some(ChangeKind::Added),
            (None, None) => None,
        };
        if let Some(kind) = kind {
            changes.push(Change {
                id,
                title,
                kind,
                baseline: before.map(Observed::of),
                current: after.map(Observed::of),
            });
        }
    }
    Comparison {
        mode,
        baseline_run: baseline.run.clone(),
        current_run: current.run.clone(),
        compared,
        changes,
    }
}

fn classify(b: &CaseRecord, a: &CaseRecord, mode: Mode) -> Option<ChangeKind> {
    if b.outcome == "error" || a.outcome == "error" {
        return Some(ChangeKind::Inconclusive);
    }
    if b.outcome != a.outcome {
        let skipped = b.outcome == "skipped" || a.outcome == "skipped";
        return Some(match mode {
            Mode::Parity if skipped => ChangeKind::NotCompared,
            Mode::Parity => ChangeKind::OutcomeChanged,
            Mode::Nightly if a.outcome == "fail" => ChangeKind::NewlyFailing,
            Mode::Nightly if a.outcome == "pass" => ChangeKind::NewlyPassing,
            Mode::Nightly => ChangeKind::OutcomeChanged,
        });
    }
    if b.status != a.status {
        Some(ChangeKind::StatusChanged)
    } else if b.error_code != a.error_code {
        Some(ChangeKind::CodeChanged)
    } else {
        None
    }
}

impl Comparison {
    /// Whether anything changed (cases not compared, inconclusive ones included, do not
    /// count).
    pub fn changed(&self) -> bool {
        self.changes.iter().any(|c| c.kind.is_change())
    }

    /// Cases that met an unavailable target in the current run.
    pub fn unavailable(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| {
                c.kind == ChangeKind::Inconclusive
                    && c.current.as_ref().is_some_and(|o| o.outcome == "error")
            })
            .count()
    }

    /// The changes of one kind.
    pub fn of_kind(&self, kind: ChangeKind) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.kind == kind).collect()
    }

    /// A Markdown section.
    pub fn render(&self) -> String {
        let (left, right) = self.mode.sides();
        let mut s = match self.mode {
            Mode::Parity => String::from("## Parity: mock against tenant\n\n"),
            Mode::Nightly => String::from("## Nightly: last run against this run\n\n"),
        };
        let _ = writeln!(s, "- {left}: {}", describe_run(&self.baseline_run));
        let _ = writeln!(s, "- {right}: {}\n", describe_run(&self.current_run));
        let n = self.changes.iter().filter(|c| c.kind.is_change()).count();
        let unavailable = self.unavailable();
        if unavailable > 0 {
            let _ = writeln!(
                s,
                "**{}**: {unavailable} case{} of the {} run reached no verdict; they are not \
                 compared (an outage is not a regression).\n",
                super::render::INCONCLUSIVE,
                plural(unavailable),
                match self.mode {
                    Mode::Parity => "tenant",
                    Mode::Nightly => "current",
                },
            );
        }
        if n == 0 {
            let _ = writeln!(
                s,
                "No {}: {} case{} compared, same outcome, status and error code.",
                match self.mode {
                    Mode::Parity => "disagreement",
                    Mode::Nightly => "change",
                },
                self.compared,
                plural(self.compared)
            );
        } else {
            let _ = writeln!(
                s,
                "**{n} {}** ({} case{} compared).",
                match (self.mode, n) {
                    (Mode::Parity, 1) => "disagreement",
                    (Mode::Parity, _) => "disagreements",
                    (Mode::Nightly, 1) => "change",
                    (Mode::Nightly, _) => "changes",
                },
                self.compared,
                plural(self.compared)
            );
        }
        let kinds: BTreeSet<ChangeKind> = self.changes.iter().map(|c| c.kind).collect();
        for kind in kinds {
            let list = self.of_kind(kind);
            let _ = writeln!(s, "\n### {} ({})\n", kind.heading(self.mode), list.len());
            let _ = writeln!(s, "| ID | Title | {left} | {right} |");
            s.push_str("| --- | --- | --- | --- |\n");
            for c in list {
                let side = |o: &Option<Observed>| {
                    o.as_ref()
                        .map(|o| md(&o.describe()))
                        .unwrap_or_else(|| "(absent)".to_string())
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    md(&c.id),
                    md(&c.title),
                    side(&c.baseline),
                    side(&c.current)
                );
            }
        }
        s
    }
}

fn describe_run(r: &RunInfo) -> String {
    format!(
        "{} {}, environment {}{}, {}",
        r.target_label(),
        md(&r.api_url),
        md(&r.environment_id),
        r.environment_type
            .as_deref()
            .map(|t| format!(" ({})", md(t)))
            .unwrap_or_default(),
        md(&r.timestamp)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
