//! The result model: a [`Finding`] per unmet requirement, the [`Outcome`] of a case, and the
//! [`CaseResult`] with its human rendering.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::cases::{Area, Tier};

/// One unmet requirement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// MUST or SHOULD.
    pub tier: Tier,
    /// What the check rests on: `DOC`, `SPEC`, `CODE`, `INFERRED` or `INVARIANT`; `None` for
    /// a finding that is no check of the API (a failed set-up, a panic, no answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'static str>,
    /// The check's name, the same in every run (`status`, `GET .../mfaEnabled reads the value
    /// sent`): what a fault's target names and what runs are compared by.
    pub check: String,
    /// What this run adds to the name, in the order it was added: the baseline of an invalid
    /// body, the leniency a binder showed, a fuzz finding's minimal body and seed. Reports show
    /// each in parentheses after the check ([`Finding::label`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    /// What the documentation promises.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// A curl line that reproduces the request, with `$TOKEN` for the token.
    pub reproduce: Option<String>,
}

impl Finding {
    /// The check's name with its context, as reports show it:
    /// `status (from baseline true)`.
    pub fn label(&self) -> String {
        label(&self.check, &self.context)
    }
}

/// `check` followed by each piece of `context` in parentheses: how every report names a
/// finding.
pub fn label(check: &str, context: &[String]) -> String {
    let mut s = check.to_string();
    for c in context {
        let _ = write!(s, " ({c})");
    }
    s
}

/// A case's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Every check held.
    Pass,
    /// A MUST check failed.
    Fail,
    /// Only SHOULD checks failed.
    Warn,
    /// Not run, with the reason.
    Skipped(String),
    /// Failed, but listed as a known deviation (the reason).
    KnownDeviation(String),
    /// Listed as a known deviation, yet passed: the list should lose the entry.
    FixedDeviation(String),
    /// The behaviour profile differs from its snapshot (the difference in plain words): not a
    /// broken contract, but a change a person must review (`cargo insta review`).
    Changed(String),
    /// Inconclusive: the target was unavailable (no answer, a timeout, a gateway's page after
    /// retries, a clean-up it kept from happening) or the case stopped without a finding to
    /// say why; the reason says which. Not a verdict on the
    /// API's contract, yet it fails the run: nothing was shown to hold.
    Error(String),
}

impl Outcome {
    /// `pass`, `fail`, `warn`, `skipped`, `known_deviation`, `fixed_deviation`, `changed`,
    /// `error`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Skipped(_) => "skipped",
            Outcome::KnownDeviation(_) => "known_deviation",
            Outcome::FixedDeviation(_) => "fixed_deviation",
            Outcome::Changed(_) => "changed",
            Outcome::Error(_) => "error",
        }
    }
}

/// The result of one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// Case ID.
    pub id: String,
    /// Area.
    pub area: Area,
    /// Headline tier.
    pub tier: Tier,
    /// What the headline requirement rests on: `DOC`, `SPEC`, `CODE`, `INFERRED` or
    /// `INVARIANT`.
    pub evidence: &'static str,
    /// Title.
    pub title: String,
    /// Requirement.
    pub requirement: String,
    /// Source.
    pub source: String,
    /// Stimulus.
    pub stimulus: String,
    /// Verdict.
    pub outcome: Outcome,
    /// Unmet requirements.
    pub findings: Vec<Finding>,
    /// Status of the case's main request.
    pub status: Option<u16>,
    /// Top-level error `code` of the main request's answer, if any.
    pub error_code: Option<String>,
    /// Wall time.
    pub duration_ms: u64,
    /// Requests sent (set-up and clean-up included).
    pub requests: u32,
    /// `_links` of the main answer with hosts and ids replaced by placeholders (links cases).
    pub links: Option<Value>,
    /// Problems while cleaning up (users that could not be deleted or restored).
    pub cleanup: Vec<String>,
}

impl CaseResult {
    /// Whether this result fails the run: a MUST failure or an error (target unavailable), or
    /// in strict mode also a SHOULD failure or a known deviation that no longer occurs.
    pub fn fails_run(&self, strict: bool) -> bool {
        match self.outcome {
            Outcome::Fail | Outcome::Changed(_) | Outcome::Error(_) => true,
            Outcome::Warn | Outcome::FixedDeviation(_) => strict,
            _ => false,
        }
    }

    /// The human report: ID and requirement, then each finding with expected, actual and a
    /// curl line. Contains no secret: requests are recorded without credentials.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{} [{} {}] {}: {}\n  requirement: {}\n  source: {}\n  stimulus: {}\n",
            self.id,
            self.tier.as_str(),
            self.evidence,
            self.title,
            self.outcome.label().to_uppercase(),
            self.requirement,
            self.source,
            self.stimulus
        );
        match &self.outcome {
            Outcome::Skipped(r) => {
                let _ = writeln!(s, "  skipped: {r}");
            }
            Outcome::KnownDeviation(r) => {
                let _ = writeln!(s, "  known deviation: {r}");
            }
            Outcome::FixedDeviation(r) => {
                let _ = writeln!(
                    s,
                    "  listed as a known deviation ({r}) but now passes: remove it from src/suite/deviations.rs"
                );
            }
            Outcome::Changed(r) => {
                let _ = writeln!(s, "  changed:\n{r}");
            }
            Outcome::Error(r) => {
                let _ = writeln!(
                    s,
                    "  inconclusive, target unavailable (not a contract failure): {r}"
                );
            }
            _ => {}
        }
        for f in &self.findings {
            let _ = write!(
                s,
                "  ✗ [{}{}] {}\n      expected: {}\n      actual:   {}\n",
                f.tier.as_str(),
                f.evidence.map(|e| format!(" {e}")).unwrap_or_default(),
                f.label(),
                f.expected,
                f.actual
            );
            if let Some(curl) = &f.reproduce {
                let _ = writeln!(
                    s,
                    "      reproduce (with TOKEN set to an access token): {curl}"
                );
            }
        }
        for c in &self.cleanup {
            let _ = writeln!(s, "  cleanup: {c}");
        }
        s
    }
}

impl Outcome {
    /// The verdict of findings: FAIL on a MUST finding (a contract failure seen before the
    /// target became unavailable, or before the case decided to skip, is still one), else
    /// ERROR when the case met an unavailable target (`error`, the cause), else skipped, else
    /// WARN on SHOULD findings only, else PASS. A listed deviation (`deviation`, its reason)
    /// turns a failure or warning into [`Outcome::KnownDeviation`] and a pass into
    /// [`Outcome::FixedDeviation`], unless clean-up failed to delete or restore something
    /// (`left_behind`): what a case left behind is never excused, and never skipped.
    pub fn of(
        findings: &[Finding],
        skipped: Option<String>,
        error: Option<String>,
        deviation: Option<&str>,
        left_behind: bool,
    ) -> Outcome {
        let outcome = if findings.iter().any(|f| f.tier == Tier::Must) {
            Outcome::Fail
        } else if let Some(e) = error {
            Outcome::Error(e)
        } else if let Some(r) = skipped {
            Outcome::Skipped(r)
        } else if findings.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Warn
        };
        match (deviation.filter(|_| !left_behind), outcome) {
            (Some(d), Outcome::Fail | Outcome::Warn) => Outcome::KnownDeviation(d.to_string()),
            (Some(d), Outcome::Pass) => Outcome::FixedDeviation(d.to_string()),
            (_, other) => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(tier: Tier) -> Finding {
        Finding {
            tier,
            evidence: Some("SPEC"),
            check: "clean-up: Delete User answers 204 and removes the user".into(),
            context: Vec::new(),
            expected: "success".into(),
            actual: "HTTP 500".into(),
            reproduce: None,
        }
    }

    #[test]
    fn a_clean_up_failure_wins_over_a_skip() {
        let skip = || Some("tokens live 3600 s".to_string());
        assert_eq!(
            Outcome::of(&[finding(Tier::Must)], skip(), None, None, true),
            Outcome::Fail
        );
        let gone = "clean-up failed: connection refused".to_string();
        assert_eq!(
            Outcome::of(&[], skip(), Some(gone.clone()), None, true),
            Outcome::Error(gone)
        );
        assert_eq!(
            Outcome::of(&[], skip(), None, None, false),
            Outcome::Skipped("tokens live 3600 s".into())
        );
    }

    #[test]
    fn a_clean_up_failure_wins_over_a_known_deviation() {
        let listed = Some("a tenant answers 400 here");
        assert_eq!(
            Outcome::of(&[finding(Tier::Must)], None, None, listed, true),
            Outcome::Fail
        );
        assert_eq!(
            Outcome::of(&[finding(Tier::Must)], None, None, listed, false),
            Outcome::KnownDeviation("a tenant answers 400 here".into())
        );
        let gone = "clean-up failed: HTTP 502".to_string();
        assert_eq!(
            Outcome::of(&[], None, Some(gone.clone()), listed, true),
            Outcome::Error(gone)
        );
    }

    #[test]
    fn a_contract_failure_before_an_outage_is_still_a_failure() {
        let gone = "PUT x: connection refused".to_string();
        assert_eq!(
            Outcome::of(
                &[finding(Tier::Must)],
                None,
                Some(gone.clone()),
                None,
                false
            ),
            Outcome::Fail
        );
        assert_eq!(
            Outcome::of(
                &[finding(Tier::Should)],
                None,
                Some(gone.clone()),
                None,
                false
            ),
            Outcome::Error(gone)
        );
    }
}
