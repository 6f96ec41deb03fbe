//! # pingone-mfa-conformance
//!
//! A contract and conformance suite for PingOne's *Update User MFA Enabled* API
//! (`PUT {apiPath}/environments/{envID}/users/{userID}/mfaEnabled`) and the neighbouring
//! operations its documentation names, together with a faithful, embeddable mock of that slice
//! of PingOne.
//!
//! The crate is both the suite and a library other teams embed (the mock, in their own tests).
//! Its modules:
//!
//! - [`mock`]: the mock server, [`mock::MockPingOne`], its faults and alternatives.
//! - [`suite`]: the conformance suite as a library: cases as data, the runner and its checker,
//!   sessions (token handling, the production safety check), known deviations, and the probes
//!   that record a target's behaviour profile.
//! - [`profile`]: the behaviour profile's model (how a target answers what the documentation
//!   leaves open), its answer classes, its snapshot file and the diff of two profiles; used by
//!   the suite, which records it, and the mock, which can start from one.
//! - [`tier`]: how binding a requirement is (MUST, SHOULD), named by the suite's cases and the
//!   mock's faults alike.
//! - [`config`]: configuration from the environment and `.env`; every variable is declared once
//!   in [`config::VARIABLES`].
//! - [`http`]: the suite's HTTP client: bounded concurrency, timeouts, retries of 429 and 503,
//!   and recorded exchanges that reproduce as curl lines.
//! - [`schema`]: JSON Schemas of the documented models, derived from Ping's OpenAPI documents.
//! - [`results`]: machine-readable results, the Markdown report, comparisons and the sweep.
//! - [`secret`]: a wrapper that keeps secrets out of output.
//! - [`files`]: atomic writes (a temporary file renamed into place).
//! - [`tls`]: rustls set-up (the `ring` provider) for the HTTP client.
//! - [`wire`]: media types, form encoding, Basic credentials and RFC 3339, shared by the suite
//!   and the mock.
//!
//! Imports point down, never in a circle: `results` uses the `suite`, which uses the `mock`,
//! `profile`, `http` and `config`; the `mock` uses `profile` and `tier` and nothing of the suite;
//! `config` and `http` use nothing above them (a unit test below holds the sources to it).
//!
//! `README.md` is the user's guide; `docs/` holds the rest (CI, API facts, benchmarks).

pub mod config;
pub mod files;
pub mod http;
pub mod mock;
pub mod profile;
pub mod results;
pub mod schema;
pub mod secret;
pub mod suite;
pub mod tier;
pub mod tls;
pub mod wire;

#[cfg(test)]
mod figures;

/// The crate documentation above lists every public module.
#[cfg(test)]
mod crate_doc {
    #[test]
    fn the_crate_doc_lists_every_public_module() {
        let source = include_str!("lib.rs");
        let doc: String = source
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let modules: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod "))
            .filter_map(|l| l.strip_suffix(';'))
            .collect();
        assert!(modules.len() >= 8, "{modules:?}");
        for module in modules {
            assert!(
                doc.contains(&format!("- [`{module}`]:")),
                "src/lib.rs: the crate doc does not list module `{module}`"
            );
        }
    }
}

/// Imports between the top-level modules point down: no circle, and nothing below the suite
/// imports it. Read from the sources, so that a new `use crate::suite::…` in the mock fails
/// here, naming the file and line.
#[cfg(test)]
mod layering {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// Where one top-level module names another: (from, to) to the first `file:line`.
    type Edges = BTreeMap<(String, String), String>;

    /// The top-level modules `crate::…` names on one line of code: `crate::a::…` and each
    /// member of `crate::{a::…, b, …}`.
    fn named_modules(line: &str) -> Vec<String> {
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut found = Vec::new();
        for (at, _) in line.match_indices("crate::") {
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue; // `my_crate::`
            }
            let rest = &line[at + "crate::".len()..];
            match rest.strip_prefix('{') {
                Some(group) => {
                    let mut depth = 0;
                    let mut start = true;
                    for (i, c) in group.char_indices() {
                        if start && depth == 0 {
                            found.push(ident(group[i..].trim_start()));
                        }
                        start = false;
                        match c {
                            '{' => depth += 1,
                            '}' if depth == 0 => break,
                            '}' => depth -= 1,
                            ',' if depth == 0 => start = true,
                            _ => {}
                        }
                    }
                }
                None => found.push(ident(rest)),
            }
        }
        found.retain(|m| !m.is_empty());
        found
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every `crate::` reference in code (comments and doc links left out) between two
    /// top-level modules of `src/` (binaries left out).
    fn edges(src: &Path) -> Edges {
        let modules: BTreeSet<String> = include_str!("lib.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';'))
            .map(str::to_string)
            .collect();
        let mut files = Vec::new();
        rust_files(src, &mut files);
        files.sort();
        let mut edges = Edges::new();
        for file in files {
            let relative = file.strip_prefix(src).expect("under src/");
            let first = relative.components().next().expect("a path");
            let from = first.as_os_str().to_string_lossy();
            let from = from.strip_suffix(".rs").unwrap_or(&from).to_string();
            if !modules.contains(&from) {
                continue; // lib.rs, bin/
            }
            let text = std::fs::read_to_string(&file).expect("a source file is readable");
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for to in named_modules(line) {
                    if to != from && modules.contains(&to) {
                        edges
                            .entry((from.clone(), to))
                            .or_insert_with(|| format!("src/{}:{}", relative.display(), n + 1));
                    }
                }
            }
        }
        edges
    }

    /// A circle of imports, as `a -> b (file:line) -> … -> a`, if there is one.
    fn circle(edges: &Edges) -> Option<String> {
        fn visit(
            node: &str,
            edges: &Edges,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) -> Option<String> {
            if let Some(at) = path.iter().position(|p| p == node) {
                let mut cycle = path[at..].to_vec();
                cycle.push(node.to_string());
                let steps: Vec<String> = cycle
                    .windows(2)
                    .map(|w| {
                        format!(
                            "{} -> {} ({})",
                            w[0],
                            w[1],
                            edges[&(w[0].clone(), w[1].clone())]
                        )
                    })
                    .collect();
                return Some(steps.join(", "));
            }
            if !done.insert(node.to_string()) {
                return None;
            }
            path.push(node.to_string());
            for ((from, to), _) in edges.iter().filter(|((f, _), _)| f == node) {
                debug_assert_eq!(from, node);
                if let Some(found) = visit(to, edges, path, done) {
                    return Some(found);
                }
            }
            path.pop();
            None
        }
        let mut done = BTreeSet::new();
        let starts: BTreeSet<&String> = edges.keys().map(|(f, _)| f).collect();
        starts
            .into_iter()
            .find_map(|s| visit(s, edges, &mut Vec::new(), &mut done))
    }

    #[test]
    fn the_parser_sees_paths_and_groups_but_not_other_crates() {
        assert_eq!(named_modules("use crate::suite::Tier;"), ["suite"]);
        assert_eq!(
            named_modules("use crate::{config::X, mock::{a, b}, wire};"),
            ["config", "mock", "wire"]
        );
        assert_eq!(
            named_modules("let x = my_crate::suite::y;"),
            Vec::<String>::new()
        );
        let mut edges = Edges::new();
        edges.insert(("a".into(), "b".into()), "src/a.rs:1".into());
        assert_eq!(circle(&edges), None);
        edges.insert(("b".into(), "a".into()), "src/b.rs:2".into());
        assert_eq!(
            circle(&edges).as_deref(),
            Some("a -> b (src/a.rs:1), b -> a (src/b.rs:2)")
        );
    }

    #[test]
    fn config_http_and_the_mock_import_nothing_of_the_suite_and_no_import_circles() {
        let edges = edges(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        assert!(edges.len() >= 10, "{edges:?}");
        let upward: Vec<String> = edges
            .iter()
            .filter(|((from, to), _)| {
                to == "suite"
                    && ["config", "http", "mock", "profile", "tier"].contains(&from.as_str())
            })
            .map(|((from, _), at)| format!("{from} imports the suite at {at}"))
            .collect();
        assert!(
            upward.is_empty(),
            "the suite sits above config, http, the mock and the profile; move what they share \
             below it (src/profile/, src/tier.rs):\n{}",
            upward.join("\n")
        );
        if let Some(circle) = circle(&edges) {
            panic!("an import circle between top-level modules: {circle}");
        }
    }
}
