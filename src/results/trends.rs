//! The trends of a [`History`] as Markdown for a job summary: pictures GitHub draws itself
//! (Mermaid `xychart-beta`: outcomes per night, the cases not passing by area, p95 latency per
//! operation), since when each case that does not pass has not passed, and since when each
//! probe of the behaviour profile that changed in these nights answers as it does.
//!
//! Mermaid's bar charts neither stack nor show a legend: the stacks here are bars of running
//! totals drawn over each other, largest first, and each picture's legend is a line of coloured
//! squares below it, in the picture's own colours.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::history::{History, Night};
use super::latency::{MAIN_OPERATIONS, ms};
use super::render::{md, target_line};
use crate::suite::cases;

/// Colours with a square emoji of the same colour, for legends.
const COLOURS: &[(&str, &str)] = &[
    ("#d73a49", "🟥"),
    ("#e36209", "🟧"),
    ("#f9c513", "🟨"),
    ("#2ea44f", "🟩"),
    ("#0366d6", "🟦"),
    ("#6f42c1", "🟪"),
    ("#8b4513", "🟫"),
    ("#24292e", "⬛"),
];

/// Outcome groups of the first picture, bottom of the stack first, with their colours.
const OUTCOME_STACK: &[(&str, &[&str], usize)] = &[
    ("pass", &["pass", "fixed_deviation"], 3),
    ("warn", &["warn", "known_deviation", "changed"], 2),
    ("fail", &["fail"], 0),
    ("error", &["error"], 7),
    ("skipped", &["skipped"], 4),
];

/// Whether an outcome counts as not passing: what a team looks at.
fn not_passing(outcome: &str) -> bool {
    !matches!(
        outcome,
        "pass" | "skipped" | "known_deviation" | "fixed_deviation"
    )
}

/// The Markdown of a history's trends.
pub fn render_trends(history: &History) -> String {
    let mut s = String::from("# Conformance trends\n\n");
    let (Some(first), Some(latest)) = (history.nights.first(), history.latest()) else {
        s.push_str("No night in this history yet.\n");
        return s;
    };
    s.push_str(&target_line(&latest.run));
    let _ = writeln!(
        s,
        "- {} night{}, {} to {}\n",
        history.nights.len(),
        if history.nights.len() == 1 { "" } else { "s" },
        first.date(),
        latest.date()
    );
    let labels = history.labels();
    s.push_str(&outcomes_picture(history, &labels));
    s.push_str(&areas_picture(history, &labels));
    s.push_str(&failing_since(history));
    s.push_str(&latency_picture(history, &labels));
    s.push_str(&profile_since(history));
    s
}

/// A Mermaid chart: its colours, title, x labels, y axis and series (`bar [..]`, `line [..]`).
fn chart(colours: &[usize], title: &str, labels: &[String], y: &str, series: &[String]) -> String {
    let palette: Vec<&str> = colours.iter().map(|&c| COLOURS[c].0).collect();
    let x: Vec<String> = labels.iter().map(|l| format!("\"{l}\"")).collect();
    let mut s = String::from("```mermaid\n");
    let _ = writeln!(
        s,
        "%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{}\"}}}}}}}}%%",
        palette.join(", ")
    );
    let _ = writeln!(s, "xychart-beta\n    title \"{title}\"");
    let _ = writeln!(s, "    x-axis [{}]", x.join(", "));
    let _ = writeln!(s, "    y-axis {y}");
    for line in series {
        let _ = writeln!(s, "    {line}");
    }
    s.push_str("```\n\n");
    s
}

/// `[1, 2, 3]`.
fn list<T: std::fmt::Display>(values: &[T]) -> String {
    let items: Vec<String> = values.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// Bars of running totals, drawn largest first, so that they look stacked; `layers` bottom
/// first, each a name, a colour and its count per night. Returns the series and their colours.
fn stacked(layers: &[(String, usize, Vec<usize>)]) -> (Vec<String>, Vec<usize>) {
    let nights = layers.first().map_or(0, |l| l.2.len());
    let mut totals = vec![0usize; nights];
    let mut bars = Vec::new();
    for (_, colour, counts) in layers {
        for (t, c) in totals.iter_mut().zip(counts) {
            *t += c;
        }
        bars.push((format!("bar {}", list(&totals)), *colour));
    }
    bars.reverse();
    bars.into_iter().unzip()
}

fn legend(layers: &[(String, usize, Vec<usize>)]) -> String {
    let items: Vec<String> = layers
        .iter()
        .map(|(name, colour, _)| format!("{} {}", COLOURS[*colour].1, md(name)))
        .collect();
    format!("{}\n\n", items.join(" · "))
}

fn outcomes_picture(history: &History, labels: &[String]) -> String {
    let layers: Vec<(String, usize, Vec<usize>)> = OUTCOME_STACK
        .iter()
        .map(|(name, outcomes, colour)| {
            let counts = history
                .nights
                .iter()
                .map(|n| {
                    n.outcomes
                        .values()
                        .filter(|o| outcomes.contains(&o.as_str()))
                        .count()
                })
                .collect();
            (name.to_string(), *colour, counts)
        })
        .collect();
    let most = history
        .nights
        .iter()
        .map(|n| n.outcomes.len())
        .max()
        .unwrap_or(0);
    let (series, colours) = stacked(&layers);
    let mut s = String::from("## Outcomes per night\n\n");
    s.push_str(&chart(
        &colours,
        "Cases per night, by outcome",
        labels,
        &format!("\"cases\" 0 --> {}", most.max(1)),
        &series,
    ));
    s.push_str(&legend(&layers));
    s
}

/// The area a case belongs to, by the suite's table, else by its ID's stem.
fn area_of(id: &str) -> String {
    cases::by_id(id).map_or_else(
        || {
            let stem = id.trim_start_matches("MFA-");
            stem.rsplit_once('-').map_or(stem, |(a, _)| a).to_string()
        },
        |c| c.area.title().to_string(),
    )
}

fn areas_picture(history: &History, labels: &[String]) -> String {
    let mut s = String::from("## Cases not passing, by area\n\n");
    // Area to its count of cases not passing, per night.
    let mut areas: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, night) in history.nights.iter().enumerate() {
        for (id, outcome) in &night.outcomes {
            if not_passing(outcome) {
                areas
                    .entry(area_of(id))
                    .or_insert_with(|| vec![0; history.nights.len()])[i] += 1;
            }
        }
    }
    if areas.is_empty() {
        s.push_str("Every case passed (or was skipped) on every night.\n\n");
        return s;
    }
    // The areas with the most, one colour each; the rest together.
    let mut ranked: Vec<(String, Vec<usize>)> = areas.into_iter().collect();
    ranked.sort_by_key(|(name, counts)| {
        (
            std::cmp::Reverse(counts.iter().sum::<usize>()),
            name.clone(),
        )
    });
    let room = if ranked.len() > COLOURS.len() {
        COLOURS.len() - 1
    } else {
        ranked.len()
    };
    let mut layers: Vec<(String, usize, Vec<usize>)> = ranked[..room]
        .iter()
        .enumerate()
        .map(|(colour, (name, counts))| (name.clone(), colour, counts.clone()))
        .collect();
    if let Some((_, first)) = ranked.get(room) {
        let mut rest = vec![0; first.len()];
        for (_, counts) in &ranked[room..] {
            for (t, c) in rest.iter_mut().zip(counts) {
                *t += c;
            }
        }
        layers.push(("other areas".to_string(), room, rest));
    }
    let most = (0..history.nights.len())
        .map(|i| layers.iter().map(|l| l.2[i]).sum::<usize>())
        .max()
        .unwrap_or(1);
    let (series, colours) = stacked(&layers);
    s.push_str(&chart(
        &colours,
        "Cases failing, warning or in error, by area",
        labels,
        &format!("\"cases\" 0 --> {}", most.max(1)),
        &series,
    ));
    s.push_str(&legend(&layers));
    s
}

/// The first night of the run of nights, ending with the newest, for which `same` holds.
fn streak_start(nights: &[Night], same: impl Fn(&Night) -> bool) -> Option<&Night> {
    nights.iter().rev().take_while(|n| same(n)).last()
}

fn failing_since(history: &History) -> String {
    let mut s = String::from("## Failing since\n\n");
    let Some(latest) = history.latest() else {
        return s;
    };
    let failing: Vec<(&String, &String)> = latest
        .outcomes
        .iter()
        .filter(|(_, o)| not_passing(o))
        .collect();
    if failing.is_empty() {
        s.push_str("Every case passed (or was skipped) on the newest night.\n\n");
        return s;
    }
    s.push_str("| Case | Outcome now | Not passing since | Nights |\n| --- | --- | --- | ---: |\n");
    let mut rows: Vec<(String, &String, &String, usize)> = failing
        .into_iter()
        .map(|(id, outcome)| {
            let streak = |n: &Night| n.outcomes.get(id).is_some_and(|o| not_passing(o));
            let since = streak_start(&history.nights, streak).map_or("", Night::date);
            let nights = history
                .nights
                .iter()
                .rev()
                .take_while(|n| streak(n))
                .count();
            (since.to_string(), id, outcome, nights)
        })
        .collect();
    // The oldest trouble first, then by ID.
    rows.sort_by(|a, b| (&a.0, super::case_rank(a.1)).cmp(&(&b.0, super::case_rank(b.1))));
    for (since, id, outcome, nights) in rows {
        let since = if nights == history.nights.len() {
            format!("{since} or earlier")
        } else {
            since
        };
        let _ = writeln!(s, "| {} | {} | {} | {nights} |", md(id), md(outcome), since);
    }
    s.push('\n');
    s
}

fn latency_picture(history: &History, labels: &[String]) -> String {
    let mut s = String::from("## p95 latency per operation\n\n");
    let operations: Vec<&str> = MAIN_OPERATIONS
        .iter()
        .copied()
        .filter(|op| history.nights.iter().any(|n| n.latency.contains_key(*op)))
        .collect();
    if operations.is_empty() {
        s.push_str("No night of this history recorded its requests.\n\n");
        return s;
    }
    let mut layers = Vec::new();
    let mut series = Vec::new();
    let mut most = 0u64;
    for (colour, op) in operations.iter().enumerate() {
        let values: Vec<String> = history
            .nights
            .iter()
            .map(|n| {
                let us = n.latency.get(*op).map_or(0, |l| l.p95_us);
                most = most.max(us);
                ms(us)
            })
            .collect();
        series.push(format!("line {}", list(&values)));
        layers.push((op.to_string(), colour, Vec::new()));
    }
    let top = (most / 1000 + 1).max(1);
    s.push_str(&chart(
        &(0..operations.len()).collect::<Vec<_>>(),
        "p95 latency per operation (ms)",
        labels,
        &format!("\"ms\" 0 --> {top}"),
        &series,
    ));
    s.push_str(&legend(&layers));
    if history.latest().is_none_or(|n| n.run.target != "Tenant") {
        s.push_str("Times of a mock on the machine that ran the suite, not PingOne's.\n\n");
    }
    s
}

fn profile_since(history: &History) -> String {
    let mut s = String::from("## Behaviour profile: since when\n\n");
    let profiled: Vec<&Night> = history
        .nights
        .iter()
        .filter(|n| n.profile.is_some())
        .collect();
    let Some(latest) = profiled.last().and_then(|n| n.profile.as_ref()) else {
        s.push_str("No night of this history recorded a behaviour profile.\n\n");
        return s;
    };
    let nights: Vec<Night> = profiled.iter().map(|n| (*n).clone()).collect();
    let mut rows = Vec::new();
    for (probe, answer) in &latest.answers {
        let same = |n: &Night| {
            n.profile
                .as_ref()
                .and_then(|p| p.answers.get(probe))
                .is_some_and(|a| a == answer)
        };
        let held = nights.iter().rev().take_while(|n| same(n)).count();
        let changed_in_window = held < nights.len();
        let reported = latest.changes.iter().find(|c| &c.probe == probe);
        if !changed_in_window && reported.is_none() {
            continue;
        }
        let since = streak_start(&nights, same)
            .map_or("", Night::date)
            .to_string();
        // What changed, in the words of the night the answer changed, else of the newest.
        let words = [nights.get(nights.len() - held), nights.last()]
            .into_iter()
            .flatten()
            .filter_map(|n| {
                n.profile
                    .as_ref()?
                    .changes
                    .iter()
                    .find(|c| &c.probe == probe)
            })
            .map(|c| c.words.clone())
            .next()
            .unwrap_or_default();
        let changes = nights
            .windows(2)
            .filter(|w| {
                let answer = |n: &Night| {
                    n.profile
                        .as_ref()
                        .and_then(|p| p.answers.get(probe))
                        .cloned()
                };
                answer(&w[0]) != answer(&w[1])
            })
            .count();
        rows.push((since, probe, changes, words));
    }
    let _ = writeln!(
        s,
        "Profile `{}` ({}) on the newest night.\n",
        md(&latest.name),
        md(&latest.outcome)
    );
    if rows.is_empty() {
        let _ = writeln!(
            s,
            "Every probe answered the same on all {} profiled nights.\n",
            nights.len()
        );
        return s;
    }
    s.push_str("| Probe | Answer unchanged since | Changes in these nights | What changed |\n");
    s.push_str("| --- | --- | ---: | --- |\n");
    rows.sort();
    for (since, probe, changes, words) in rows {
        let _ = writeln!(
            s,
            "| {} | {since} | {changes} | {} |",
            md(probe),
            md(&words)
        );
    }
    s.push('\n');
    s
}
