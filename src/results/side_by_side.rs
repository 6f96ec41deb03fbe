//! Several targets' results of one night side by side (the nightly matrix's last job): each
//! target's verdict, which case does not pass where, and the p95 latency of each operation per
//! target.

use std::fmt::Write as _;

use super::latency::{MAIN_OPERATIONS, by_operation, ms};
use super::render::{code, md};
use super::{Results, case_rank};

/// Outcomes that count as passing here, as in the trends.
fn passing(outcome: &str) -> bool {
    matches!(
        outcome,
        "pass" | "skipped" | "known_deviation" | "fixed_deviation"
    )
}

/// The Markdown of `targets` (a label and its results each) side by side.
pub fn render_side_by_side(targets: &[(String, Results)]) -> String {
    let mut s = String::from("# Conformance across targets\n\n");
    s.push_str("| Target | API, environment | Cases | Not passing | Fail | Error |\n");
    s.push_str("| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (label, results) in targets {
        let count = |f: &dyn Fn(&str) -> bool| {
            results
                .cases
                .iter()
                .filter(|c| f(c.outcome.as_str()))
                .count()
        };
        let run = &results.run;
        let _ = writeln!(
            s,
            "| {} | {} {}, {} | {} | {} | {} | {} |",
            md(label),
            run.target_label(),
            code(&run.api_url),
            code(&run.environment_id),
            results.cases.len(),
            count(&|o| !passing(o)),
            count(&|o| o == "fail"),
            count(&|o| o == "error"),
        );
    }

    // Every case that does not pass on some target, in the suite's order.
    let mut ids: Vec<&str> = targets
        .iter()
        .flat_map(|(_, r)| r.cases.iter())
        .filter(|c| !passing(&c.outcome))
        .map(|c| c.id.as_str())
        .collect();
    ids.sort_by_key(|id| case_rank(id));
    ids.dedup();
    s.push_str("\n## Which case does not pass where\n\n");
    if ids.is_empty() {
        s.push_str("Every case passed (or was skipped) on every target.\n");
    } else {
        let labels: Vec<String> = targets.iter().map(|(l, _)| md(l)).collect();
        let _ = writeln!(s, "| Case | {} |", labels.join(" | "));
        let _ = writeln!(s, "| --- |{}", " --- |".repeat(targets.len()));
        for id in ids {
            let cells: Vec<String> = targets
                .iter()
                .map(|(_, r)| match r.case(id).map(|c| c.outcome.as_str()) {
                    Some(o) if passing(o) => o.to_string(),
                    Some(o) => format!("**{}**", md(o)),
                    None => "no result".to_string(),
                })
                .collect();
            let _ = writeln!(s, "| {} | {} |", md(id), cells.join(" | "));
        }
    }

    let latency: Vec<_> = targets
        .iter()
        .map(|(_, r)| by_operation(&r.requests))
        .collect();
    if latency.iter().any(|l| !l.is_empty()) {
        s.push_str("\n## p95 latency per operation (ms)\n\n");
        let labels: Vec<String> = targets.iter().map(|(l, _)| md(l)).collect();
        let _ = writeln!(s, "| Operation | {} |", labels.join(" | "));
        let _ = writeln!(s, "| --- |{}", " ---: |".repeat(targets.len()));
        for op in MAIN_OPERATIONS {
            let cells: Vec<String> = latency
                .iter()
                .map(|stats| {
                    stats
                        .iter()
                        .find(|o| o.operation == *op)
                        .map_or_else(String::new, |o| ms(o.p95_us))
                })
                .collect();
            let _ = writeln!(s, "| {op} | {} |", cells.join(" | "));
        }
    }
    s
}
