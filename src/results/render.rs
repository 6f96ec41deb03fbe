//! The Markdown report of one run: the target, a summary line, one table per area (each case's
//! tier with the evidence it rests on: DOC, SPEC, CODE, INFERRED or INVARIANT) and the
//! details of every case that did not simply pass, requirement first, then expected, actual
//! and a curl line (house style §5). GitHub renders it in a job summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{CaseRecord, Results, known_area};

/// Outcome labels in report order, with their plural names for the summary.
const OUTCOMES: &[(&str, &str, &str)] = &[
    ("pass", "pass", "pass"),
    ("fail", "fail", "fail"),
    ("warn", "warn", "warn"),
    ("skipped", "skipped", "skipped"),
    ("known_deviation", "known deviation", "known deviations"),
    ("fixed_deviation", "fixed deviation", "fixed deviations"),
    ("error", "error", "errors"),
];

/// The headline of a run in which some cases met an unavailable target.
pub const INCONCLUSIVE: &str = "inconclusive: target unavailable";

/// The Markdown report.
pub fn render(results: &Results) -> String {
    let mut s = String::from("# PingOne MFA conformance report\n\n");
    let run = &results.run;
    s.push_str(&target_line(run));
    let _ = writeln!(
        s,
        "- Run: {}, pingone-mfa-conformance {}\n",
        md(&run.timestamp),
        md(&run.crate_version)
    );
    s.push_str(&summary(results));

    for (title, cases) in by_area(results) {
        let _ = writeln!(s, "\n## {}\n", md(&title));
        s.push_str("| ID | Tier | Evidence | Title | Outcome | Status | Code |\n");
        s.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
        for c in cases {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(&c.id),
                md(&c.tier),
                c.evidence.as_deref().map(md).unwrap_or_default(),
                md(&c.title),
                outcome_cell(&c.outcome),
                c.status.map(|n| n.to_string()).unwrap_or_default(),
                c.error_code.as_deref().map(md).unwrap_or_default()
            );
        }
    }

    let noteworthy: Vec<&CaseRecord> = results
        .cases
        .iter()
        .filter(|c| !matches!(c.outcome.as_str(), "pass" | "skipped") || !c.cleanup.is_empty())
        .collect();
    if !noteworthy.is_empty() {
        s.push_str("\n## Failures, errors, warnings, deviations and clean-up problems\n");
        for c in noteworthy {
            s.push_str(&details(c));
        }
    }

    let skipped: Vec<&CaseRecord> = results
        .cases
        .iter()
        .filter(|c| c.outcome == "skipped")
        .collect();
    if !skipped.is_empty() {
        s.push_str("\n## Skipped\n\n");
        for c in skipped {
            let _ = writeln!(
                s,
                "- {} {}: {}",
                md(&c.id),
                md(&c.title),
                md(c.reason.as_deref().unwrap_or("no reason given"))
            );
        }
    }
    s.push_str(&super::latency::render_latency(results));
    if let Some(profile) = &results.profile {
        s.push_str(&super::profile::render_profile(profile));
    }
    s
}

/// `- Target: …`: the embedded mock, or the kind of target, its API URL, environment and type.
pub(crate) fn target_line(run: &super::RunInfo) -> String {
    if run.is_embedded_mock() {
        return "- Target: the embedded mock (started by each test process; nothing configured)\n"
            .to_string();
    }
    let env_type = run
        .environment_type
        .as_deref()
        .map(|t| format!(" ({})", md(t)))
        .unwrap_or_default();
    format!(
        "- Target: {} {}, environment {}{env_type}\n",
        run.target_label(),
        code(&run.api_url),
        code(&run.environment_id)
    )
}

/// `**Result: FAIL**, 47 cases: 40 pass, 2 fail, ...; 2 MUST failures: A, B.` When cases met
/// an unavailable target and none failed, the headline says the run is inconclusive instead
/// (an outage is no regression), and the errors are counted after the failures either way.
fn summary(results: &Results) -> String {
    let counts = results.counts();
    let failed: Vec<&str> = results
        .cases
        .iter()
        .filter(|c| c.outcome == "fail")
        .map(|c| c.id.as_str())
        .collect();
    let errors: Vec<&str> = results
        .cases
        .iter()
        .filter(|c| c.outcome == "error")
        .map(|c| c.id.as_str())
        .collect();
    let profile = results.profile.as_ref();
    let profile_outcome = profile.map_or("", |p| p.outcome.as_str());
    // A profile that broke an invariant or is missing in CI fails the run; one whose probes
    // did not all answer makes it inconclusive.
    let profile_failed = matches!(profile_outcome, "fail" | "unrecorded");
    let profile_error = profile_outcome == "error";
    let mut verdict = match (
        failed.is_empty() && !profile_failed,
        errors.is_empty() && !profile_error,
    ) {
        (true, true) => "PASS".to_string(),
        (true, false) => format!("ERROR, {INCONCLUSIVE}"),
        (false, _) => "FAIL".to_string(),
    };
    // A changed profile is never a pass: it says how many probes changed.
    if let Some(p) = profile.filter(|_| profile_outcome == "changed") {
        let n = p.changes.len();
        let changed = format!("CHANGED: {n} probe{}", if n == 1 { "" } else { "s" });
        verdict = if verdict == "PASS" {
            changed
        } else {
            format!("{verdict}, {changed}")
        };
    }
    let mut parts: Vec<String> = OUTCOMES
        .iter()
        // Errors are counted only when there are some: most runs have none.
        .filter(|(label, ..)| *label != "error" || !errors.is_empty())
        .map(|(label, one, many)| {
            let n = counts.get(label).copied().unwrap_or(0);
            format!("{n} {}", if n == 1 { one } else { many })
        })
        .collect();
    for (label, n) in &counts {
        if !OUTCOMES.iter().any(|(l, ..)| l == label) {
            parts.push(format!("{n} {}", md(label)));
        }
    }
    let total = results.cases.len();
    let mut s = format!(
        "**Result: {verdict}**. {total} case{}: {}; {} MUST failure{}",
        if total == 1 { "" } else { "s" },
        parts.join(", "),
        failed.len(),
        if failed.len() == 1 { "" } else { "s" }
    );
    if failed.is_empty() {
        s.push('.');
    } else {
        let _ = write!(s, ": {}.", md(&failed.join(", ")));
    }
    if errors.is_empty() {
        s.push('\n');
    } else {
        let first = results
            .cases
            .iter()
            .find(|c| c.outcome == "error")
            .and_then(|c| c.reason.as_deref())
            .unwrap_or("no cause recorded");
        let _ = writeln!(
            s,
            " {} case{} reached no verdict ({INCONCLUSIVE}, not a contract failure): {}. \
             First cause: {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            md(&errors.join(", ")),
            md(first)
        );
    }
    if let Some(p) = profile.filter(|_| profile_outcome != "pass") {
        let _ = writeln!(
            s,
            "\nBehaviour profile `{}`: {} (see its section below).",
            md(&p.name),
            md(&p.outcome.to_uppercase())
        );
    }
    let missing = results.missing_cases();
    if !missing.is_empty() {
        let _ = writeln!(
            s,
            "\nNo result for {} case{} of the suite: {} (not selected, or the test process \
             died before recording).",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            md(&missing.join(", "))
        );
    }
    s
}

/// Cases grouped by area, areas in the suite's order (unknown ones last, by name).
fn by_area(results: &Results) -> Vec<(String, Vec<&CaseRecord>)> {
    let mut groups: BTreeMap<(bool, Option<crate::suite::Area>, String), Vec<&CaseRecord>> =
        BTreeMap::new();
    for c in &results.cases {
        let known = known_area(&c.area);
        let key = (known.is_none(), known, c.area.clone());
        groups.entry(key).or_default().push(c);
    }
    groups
        .into_values()
        .map(|cases| (cases[0].area_title(), cases))
        .collect()
}

fn outcome_cell(outcome: &str) -> String {
    match outcome {
        "fail" => "**FAIL**".to_string(),
        "error" => "**ERROR** (target unavailable)".to_string(),
        other => OUTCOMES
            .iter()
            .find(|(l, ..)| *l == other)
            .map(|(_, one, _)| (*one).to_string())
            .unwrap_or_else(|| md(other)),
    }
}

fn details(c: &CaseRecord) -> String {
    let mut s = format!("\n### {}: {}\n\n", md(&c.id), md(&c.title));
    let _ = writeln!(s, "- Outcome: {}", outcome_cell(&c.outcome));
    let evidence = c
        .evidence
        .as_deref()
        .map(|e| format!(", {}", md(e)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "- Requirement ({}{evidence}): {}",
        md(&c.tier),
        md(&c.requirement)
    );
    if !c.stimulus.is_empty() {
        let _ = writeln!(s, "- Stimulus: {}", md(&c.stimulus));
    }
    if !c.source.is_empty() {
        let _ = writeln!(s, "- Source: {}", md(&c.source));
    }
    if let Some(status) = c.status {
        let code_text = c
            .error_code
            .as_deref()
            .map(|e| format!(", code {}", code(e)))
            .unwrap_or_default();
        let _ = writeln!(s, "- Observed: HTTP {status}{code_text}");
    }
    match (c.outcome.as_str(), c.reason.as_deref()) {
        ("known_deviation", Some(r)) => {
            let _ = writeln!(s, "- Known deviation: {}", md(r));
        }
        ("error", Some(r)) => {
            let _ = writeln!(
                s,
                "- Inconclusive, target unavailable (not a contract failure): {}",
                md(r)
            );
        }
        ("fixed_deviation", Some(r)) => {
            let _ = writeln!(
                s,
                "- Listed as a known deviation ({}) but now passes: remove it from \
                 `src/suite/deviations.rs`",
                md(r)
            );
        }
        _ => {}
    }
    for f in &c.findings {
        let evidence = f
            .evidence
            .as_deref()
            .map(|e| format!(", {}", md(e)))
            .unwrap_or_default();
        let _ = write!(
            s,
            "\n**[{}{evidence}] {}**\n\n- Expected: {}\n- Actual: {}\n",
            md(&f.tier),
            md(&f.label()),
            code(&f.expected),
            code(&f.actual)
        );
        if let Some(curl) = &f.reproduce {
            let fence = fence_for(curl);
            let _ = write!(
                s,
                "\nReproduce:\n\n{fence}sh\nTOKEN='<access token>'\n{curl}\n{fence}\n"
            );
        }
    }
    for problem in &c.cleanup {
        let _ = writeln!(s, "\nClean-up: {}", md(problem));
    }
    s
}

/// Escape text for Markdown (tables included): no emphasis, links, HTML or cell breaks.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        // An underscore inside a word (INVALID_DATA) can neither open nor close emphasis.
        let intraword = |i: usize| {
            i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())
        };
        match ch {
            '_' if intraword(i) => out.push(ch),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An inline code span (outside tables) that survives backticks and newlines in the text.
pub(crate) fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = longest_run(&text, '`');
    let ticks = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.ends_with(' ') {
        format!("{ticks} {text} {ticks}")
    } else if text.is_empty() {
        "(empty)".to_string()
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

/// A code fence longer than any backtick run in `text`.
fn fence_for(text: &str) -> String {
    "`".repeat((longest_run(text, '`') + 1).max(3))
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_emphasis_html_and_cell_breaks() {
        assert_eq!(md("a_b *c* <x> | d"), "a_b \\*c\\* &lt;x&gt; \\| d");
        assert_eq!(md("_links and _x_"), "\\_links and \\_x\\_");
        assert_eq!(md("line\nbreak"), "line break");
    }

    #[test]
    fn code_spans_survive_backticks_and_newlines() {
        assert_eq!(code("HTTP 200"), "`HTTP 200`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x|y"), "`x|y`");
        assert_eq!(code(""), "(empty)");
        assert_eq!(fence_for("no ticks"), "```");
        assert_eq!(fence_for("````"), "`````");
    }
}
