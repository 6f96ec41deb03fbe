//! JUnit XML of one run, for CI systems that show test results: one `<testcase>` per case,
//! named by its ID. The conformance verdicts map onto JUnit's three kinds of non-success:
//!
//! - `fail` (a MUST requirement broken: the API broke its contract) is a `<failure>`;
//! - `error` (inconclusive: the target was unavailable or the case could not be set up) is an
//!   `<error>`, as is a case of the suite with no result (its process died before recording);
//! - `skipped` is `<skipped>`;
//! - `pass`, `warn`, `known_deviation` and `fixed_deviation` pass; their findings and reasons
//!   are in `<system-out>`.
//!
//! The behaviour profile, when the run has one, is a testcase of its own, `profile`: CHANGED is
//! a `<failure type="changed">` (a CI dashboard shows it; it is never a pass), a broken
//! invariant a `<failure type="MUST">`, no snapshot in CI a `<failure type="unrecorded">`, a
//! probe without an answer an `<error>`; the first recording passes.
//!
//! nextest's own JUnit file cannot make this distinction (every failing test is a `<failure>`
//! there), so the nightly workflow writes this one from the results (`conformance-report
//! junit`).

use std::fmt::Write as _;

use super::profile::ProfileRecord;
use super::{CaseRecord, Results};

/// The JUnit XML document.
pub fn junit(results: &Results) -> String {
    let count = |label: &str| results.cases.iter().filter(|c| c.outcome == label).count();
    let missing = results.missing_cases();
    let profile = results.profile.as_ref();
    let profile_is = |outcomes: &[&str]| {
        usize::from(profile.is_some_and(|p| outcomes.contains(&p.outcome.as_str())))
    };
    let tests = results.cases.len() + missing.len() + usize::from(profile.is_some());
    let failures = count("fail") + profile_is(&["changed", "fail", "unrecorded"]);
    let errors = count("error") + missing.len() + profile_is(&["error"]);
    let skipped = count("skipped");
    let secs = |ms: u64| format!("{}.{:03}", ms / 1000, ms % 1000);
    let total_ms: u64 = results.cases.iter().map(|c| c.duration_ms).sum();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"pingone-mfa-conformance\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
        secs(total_ms)
    );
    let _ = writeln!(
        s,
        "  <testsuite name=\"conformance\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\">",
        secs(total_ms),
        xml(&results.run.timestamp)
    );
    let _ = writeln!(s, "    <properties>");
    for (name, value) in [
        ("target", results.run.target_label()),
        ("api_url", results.run.api_url.as_str()),
        ("environment_id", results.run.environment_id.as_str()),
        ("crate_version", results.run.crate_version.as_str()),
    ] {
        let _ = writeln!(
            s,
            "      <property name=\"{name}\" value=\"{}\"/>",
            xml(value)
        );
    }
    let _ = writeln!(s, "    </properties>");
    for c in &results.cases {
        s.push_str(&testcase(c, &secs(c.duration_ms)));
    }
    for id in missing {
        let _ = writeln!(
            s,
            "    <testcase name=\"{id}\" classname=\"conformance\" time=\"0.000\">\n      \
             <error type=\"no result\" message=\"no result recorded: not selected, or the test \
             process died before recording\"/>\n    </testcase>"
        );
    }
    if let Some(p) = profile {
        s.push_str(&profile_testcase(p));
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}

/// The behaviour profile as a testcase of its own.
fn profile_testcase(p: &ProfileRecord) -> String {
    let mut s = String::from(
        "    <testcase name=\"profile\" classname=\"conformance.profile\" time=\"0.000\">\n",
    );
    let mut out = format!(
        "behaviour profile {}: {}\n",
        p.name,
        p.outcome.to_uppercase()
    );
    for c in &p.changes {
        let _ = writeln!(out, "  {}", c.words);
    }
    for v in &p.violations {
        let _ = writeln!(out, "  {v}");
    }
    let n = p.changes.len();
    let probes = |n: usize| format!("{n} probe{}", if n == 1 { "" } else { "s" });
    let first = |lines: &[String]| lines.first().cloned().unwrap_or_default();
    let element = match p.outcome.as_str() {
        "changed" => Some((
            "failure",
            "changed",
            format!(
                "CHANGED: {} answered differently from snapshots/profile__{}.snap: {}",
                probes(n),
                p.name,
                p.changes.first().map_or("", |c| c.words.as_str())
            ),
        )),
        "fail" => Some(("failure", "MUST", first(&p.violations))),
        "unrecorded" => Some(("failure", "unrecorded", first(&p.violations))),
        "error" => Some((
            "error",
            "target unavailable",
            format!("inconclusive: {}", first(&p.violations)),
        )),
        _ => None,
    };
    if let Some((kind, type_, message)) = element {
        let _ = writeln!(
            s,
            "      <{kind} type=\"{type_}\" message=\"{}\">{}</{kind}>",
            xml(&message),
            xml(&out)
        );
    }
    let _ = writeln!(s, "      <system-out>{}</system-out>", xml(&out));
    s.push_str("    </testcase>\n");
    s
}

fn testcase(c: &CaseRecord, time: &str) -> String {
    let mut s = format!(
        "    <testcase name=\"{}\" classname=\"conformance.{}\" time=\"{time}\">\n",
        xml(&c.id),
        xml(&c.area)
    );
    let first_must = c.findings.iter().find(|f| f.tier == "MUST").map(|f| {
        format!(
            "[MUST] {}: expected {}, got {}",
            f.label(),
            f.expected,
            f.actual
        )
    });
    let reason = c.reason.as_deref().unwrap_or("");
    match c.outcome.as_str() {
        "fail" => {
            let _ = writeln!(
                s,
                "      <failure type=\"MUST\" message=\"{}\">{}</failure>",
                xml(first_must.as_deref().unwrap_or("a MUST requirement failed")),
                xml(&details(c))
            );
        }
        "error" => {
            let _ = writeln!(
                s,
                "      <error type=\"target unavailable\" message=\"inconclusive: {}\">{}</error>",
                xml(reason),
                xml(&details(c))
            );
        }
        "skipped" => {
            let _ = writeln!(s, "      <skipped message=\"{}\"/>", xml(reason));
        }
        _ => {}
    }
    let out = details(c);
    if !out.is_empty() {
        let _ = writeln!(s, "      <system-out>{}</system-out>", xml(&out));
    }
    s.push_str("    </testcase>\n");
    s
}

/// The case's outcome, reason, findings and clean-up problems as plain text.
fn details(c: &CaseRecord) -> String {
    let mut s = String::new();
    if c.outcome != "pass" {
        let _ = writeln!(s, "{} {}: {}", c.id, c.title, c.outcome.to_uppercase());
    }
    if let Some(r) = &c.reason {
        let _ = writeln!(s, "  {r}");
    }
    for f in &c.findings {
        let _ = writeln!(
            s,
            "  [{}] {}\n    expected: {}\n    actual:   {}",
            f.tier,
            f.label(),
            f.expected,
            f.actual
        );
        if let Some(curl) = &f.reproduce {
            let _ = writeln!(s, "    reproduce: {curl}");
        }
    }
    for p in &c.cleanup {
        let _ = writeln!(s, "  clean-up: {p}");
    }
    s
}

/// Escape for XML text and attribute values; characters XML 1.0 cannot hold become U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_replaces_what_xml_cannot_hold() {
        assert_eq!(
            xml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(xml("a\u{0}b\tc"), "a\u{FFFD}b\tc");
    }
}
