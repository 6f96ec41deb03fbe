//! Imports point down, never in a circle: between the top-level modules, and inside every folder
//! between the modules that share it. Read from the sources, so that a new `use crate::suite::…`
//! in the mock, or a file that imports a sibling which imports it back, fails here, naming the
//! files and lines.
//!
//! A file is read as code: comments, string and character literals are blanked, inline modules
//! (`mod tests { … }`) are left out (a test may import anything), and every path that starts
//! with `crate::`, `super::` or `self::`, or, in a `use`, with a child module, is resolved to a
//! module of the crate, wherever its lines are wrapped and however its groups nest. A name that
//! a module re-exports (`pub use checker::expect;`) counts as the module that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where one module names another: (from, to) to the first `file:line`.
type Edges = BTreeMap<(String, String), String>;

/// A module's path below the crate root, e.g. `["suite", "session"]`.
type ModPath = Vec<String>;

/// Circles inside folders that the code still has, each as the members it joins. The list may
/// only shrink: a circle that is not in it fails the test, and so does one that is gone (take
/// it out). Issue "One engine" asks for none.
const KNOWN_CIRCLES: &[(&str, &[&str])] = &[
    ("src/mock", &["answers", "server"]),
    ("src/results", &["profile", "render"]),
    ("src/suite", &["cases", "invalid_cases"]),
    (
        "src/suite",
        &["ctx", "guard", "listing", "pool", "requests", "session"],
    ),
    ("src/suite", &["expect", "model"]),
];

/// `text` with comments and the contents of string and character literals replaced by spaces,
/// byte for byte (newlines kept), so that offsets and line numbers stay those of the file.
fn blank(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank_to = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                blank_to(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                let mut j = i;
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank_to(&mut out, i, j);
                i = j;
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && !i
                    .checked_sub(1)
                    .is_some_and(|p| b[p].is_ascii_alphanumeric() || b[p] == b'_') =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let start = i + 2 + hashes;
                let end = text[start..]
                    .find(&close)
                    .map_or(b.len(), |e| start + e + close.len());
                blank_to(&mut out, start, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank_to(&mut out, i + 1, j);
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '"'), not a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map(|e| i + 2 + e)
                } else {
                    let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len)
                };
                match end {
                    Some(end) => {
                        blank_to(&mut out, i + 1, end);
                        i = end + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).expect("only ASCII bytes were replaced")
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `code` (already blanked) with every inline module's body blanked too.
fn without_inline_modules(code: &str) -> String {
    let b = code.as_bytes();
    let mut out = b.to_vec();
    let mut from = 0;
    while let Some(at) = code[from..].find("mod ").map(|a| from + a) {
        from = at + 4;
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        let rest = &code[at + 4..];
        let name = rest.bytes().take_while(|&c| is_ident(c)).count();
        let after = rest[name..].trim_start();
        if name == 0 || !after.starts_with('{') {
            continue;
        }
        let open = code.len() - after.len();
        let mut depth = 0;
        let mut close = b.len();
        for (j, &c) in b.iter().enumerate().skip(open) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        for c in &mut out[at..close] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        from = close;
    }
    String::from_utf8(out).expect("only ASCII bytes were replaced")
}

/// The paths a path expression starting at `code[at..]` names, each as its segments:
/// `crate::{config::X, suite::{a, b}}` gives `crate config X`, `crate suite a`, `crate suite b`.
/// Whitespace and newlines anywhere between segments are allowed.
fn expand(code: &str, at: usize) -> Vec<Vec<String>> {
    fn path(s: &[u8], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let skip_ws = |i: &mut usize| {
            while *i < s.len() && s[*i].is_ascii_whitespace() {
                *i += 1;
            }
        };
        let mut segs = prefix.to_vec();
        loop {
            skip_ws(i);
            if s.get(*i) == Some(&b'{') {
                *i += 1;
                loop {
                    skip_ws(i);
                    match s.get(*i) {
                        Some(b'}') => {
                            *i += 1;
                            return;
                        }
                        Some(b',') => *i += 1,
                        None => return,
                        _ => {
                            let before = *i;
                            path(s, i, &segs, out);
                            if *i == before {
                                *i += 1; // a `*` or anything else that names no module
                            }
                        }
                    }
                }
            }
            let start = *i;
            while *i < s.len() && is_ident(s[*i]) {
                *i += 1;
            }
            if *i == start {
                if segs.len() > prefix.len() || !prefix.is_empty() {
                    out.push(segs);
                }
                return;
            }
            segs.push(String::from_utf8_lossy(&s[start..*i]).into_owned());
            let mark = *i;
            skip_ws(i);
            if s[*i..].starts_with(b"::") {
                *i += 2;
            } else {
                *i = mark;
                out.push(segs);
                return;
            }
        }
    }
    let mut out = Vec::new();
    let mut i = at;
    path(code.as_bytes(), &mut i, &[], &mut out);
    out
}

/// One source file, read as code.
struct Source {
    /// `src/…`, for messages.
    name: String,
    module: ModPath,
    code: String,
}

impl Source {
    fn line_of(&self, at: usize) -> String {
        format!(
            "{}:{}",
            self.name,
            self.code[..at].matches('\n').count() + 1
        )
    }

    /// Every path the file names, resolved against its module, with its offset. `use` paths
    /// that start with a child module are taken relative to the file's module.
    fn paths(&self, children: &BTreeSet<String>) -> Vec<(ModPath, usize)> {
        let b = self.code.as_bytes();
        let mut found = Vec::new();
        for at in 0..b.len() {
            if !b[at].is_ascii_alphabetic() || at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b':')
            {
                continue;
            }
            let starts = ["crate::", "super::", "self::"]
                .iter()
                .any(|p| self.code[at..].starts_with(p));
            let head = self.code[..at].trim_end();
            let in_use = head.ends_with("use")
                && !head[..head.len() - 3]
                    .bytes()
                    .next_back()
                    .is_some_and(is_ident);
            if !starts && !in_use {
                continue;
            }
            for segs in expand(&self.code, at) {
                let mut resolved = self.module.clone();
                let mut rest = segs.as_slice();
                match rest.first().map(String::as_str) {
                    Some("crate") => {
                        resolved.clear();
                        rest = &rest[1..];
                    }
                    Some("self") => rest = &rest[1..],
                    Some("super") => {
                        while rest.first().is_some_and(|s| s == "super") {
                            resolved.pop();
                            rest = &rest[1..];
                        }
                    }
                    Some(first) if in_use && children.contains(first) => {}
                    _ => continue,
                }
                resolved.extend(rest.iter().cloned());
                found.push((resolved, at));
            }
        }
        found
    }
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

/// The library's sources under `src` (binaries left out), each with its module path.
fn sources(src: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let relative = file.strip_prefix(src).expect("under src/");
            let mut module: ModPath = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.first().is_some_and(|m| m == "bin") {
                return None;
            }
            let last = module.pop().expect("a file name");
            let stem = last.strip_suffix(".rs").unwrap_or(&last);
            if !matches!(stem, "mod" | "lib") {
                module.push(stem.to_string());
            }
            let text = std::fs::read_to_string(&file).expect("a source file is readable");
            Some(Source {
                name: format!("src/{}", relative.display()),
                module,
                code: without_inline_modules(&blank(&text)),
            })
        })
        .collect()
}

/// Every module-to-module reference of the crate, as (from module, to module, `file:line`).
/// A path is cut to the longest module it names; a name a module re-exports is followed to
/// the module that defines it.
fn references(sources: &[Source]) -> Vec<(ModPath, ModPath, String)> {
    let modules: BTreeSet<ModPath> = sources.iter().map(|s| s.module.clone()).collect();
    let children = |m: &ModPath| -> BTreeSet<String> {
        modules
            .iter()
            .filter(|c| c.len() == m.len() + 1 && c.starts_with(m))
            .map(|c| c[m.len()].clone())
            .collect()
    };
    let module_of = |path: &ModPath| -> ModPath {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains(p))
            .unwrap_or_default()
    };
    // (module, name) -> the path a `pub use` there gives it.
    let mut reexports: BTreeMap<(ModPath, String), ModPath> = BTreeMap::new();
    for s in sources {
        let kids = children(&s.module);
        for (path, at) in s.paths(&kids) {
            let head = s.code[..at].trim_end();
            let public = head.ends_with("use")
                && (head[..head.len() - 3].trim_end().ends_with(')') || head.ends_with("pub use"));
            if let Some(name) = path.last().filter(|_| public) {
                reexports.insert((s.module.clone(), name.clone()), path.clone());
            }
        }
    }
    let mut found = Vec::new();
    for s in sources {
        let kids = children(&s.module);
        for (mut path, at) in s.paths(&kids) {
            for _ in 0..8 {
                let m = module_of(&path);
                let next = path
                    .get(m.len())
                    .and_then(|name| reexports.get(&(m.clone(), name.clone())));
                match next {
                    Some(target) if *target != path => path = target.clone(),
                    _ => break,
                }
            }
            let to = module_of(&path);
            if to != s.module {
                found.push((s.module.clone(), to, s.line_of(at)));
            }
        }
    }
    found
}

/// The edges between the members of each folder (a folder is a module with children; its
/// members are its children, each with everything below it). A reference from a folder's own
/// file to a member, or to the folder, joins no two members and is left out.
fn folder_edges(refs: &[(ModPath, ModPath, String)]) -> BTreeMap<ModPath, Edges> {
    let mut folders: BTreeMap<ModPath, Edges> = BTreeMap::new();
    for (from, to, at) in refs {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if from.len() > common && to.len() > common {
            folders
                .entry(from[..common].to_vec())
                .or_default()
                .entry((from[common].clone(), to[common].clone()))
                .or_insert_with(|| at.clone());
        }
    }
    folders
}

/// Every circle of `edges`, each as `a -> b (file:line), b -> a (file:line)`, one per
/// strongly connected set of members, with the set's members.
fn circles(edges: &Edges) -> Vec<(BTreeSet<String>, String)> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for ((a, b), _) in edges.range((n.clone(), String::new())..) {
                if *a != n {
                    break;
                }
                if seen.insert(b.clone()) {
                    todo.push(b.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut found = Vec::new();
    for n in &nodes {
        if done.contains(*n) || !reaches[n].contains(*n) {
            continue;
        }
        let set: BTreeSet<String> = nodes
            .iter()
            .filter(|m| reaches[n].contains(**m) && reaches[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        // One shortest way round through `n`, by breadth-first search.
        let mut back: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([(*n).clone()]);
        'search: while let Some(a) = queue.pop_front() {
            for ((x, b), _) in edges.range((a.clone(), String::new())..) {
                if *x != a {
                    break;
                }
                if !back.contains_key(b) {
                    back.insert(b.clone(), a.clone());
                    if b == *n {
                        break 'search;
                    }
                    queue.push_back(b.clone());
                }
            }
        }
        let mut way = vec![(*n).clone()];
        while way.len() == 1 || way.last() != Some(*n) {
            let prev = back[way.last().expect("not empty")].clone();
            way.push(prev);
        }
        way.reverse();
        let steps: Vec<String> = way
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
        done.extend(set.iter().cloned());
        found.push((set, steps.join(", ")));
    }
    found
}

fn crate_references() -> Vec<(ModPath, ModPath, String)> {
    references(&sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")))
}

#[test]
fn the_reader_sees_wrapped_nested_and_relative_paths_but_no_comment_string_or_test_module() {
    let code = without_inline_modules(&blank(
        "use crate::{\n    config::X,\n    suite::{Finding, Session},\n};\n\
         // use crate::results::Y;\n\
         let s = \"crate::wire::Z\"; let c = '\"'; let r = r#\"crate::tls\"#;\n\
         fn f<'a>(x: &'a str) { super::super::mock::go(); crate::tier::Tier::Must }\n\
         #[cfg(test)]\nmod tests { use crate::files::write; }\n",
    ));
    let source = Source {
        name: "src/suite/a.rs".into(),
        module: vec!["suite".into(), "a".into()],
        code,
    };
    let paths: Vec<String> = source
        .paths(&BTreeSet::new())
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    assert_eq!(
        paths,
        [
            "config::X",
            "suite::Finding",
            "suite::Session",
            "mock::go",
            "tier::Tier::Must"
        ]
    );
    assert_eq!(
        source.line_of(source.code.find("mock").expect("mock")),
        "src/suite/a.rs:7"
    );
}

#[test]
fn a_wrapped_import_of_the_suite_in_the_mock_and_a_circle_of_siblings_are_both_seen() {
    let source = |name: &str, module: &[&str], text: &str| Source {
        name: name.into(),
        module: module.iter().map(|s| s.to_string()).collect(),
        code: without_inline_modules(&blank(text)),
    };
    let sources = [
        source(
            "src/suite/mod.rs",
            &["suite"],
            "mod a; mod b;\npub use a::Session;\n",
        ),
        source("src/suite/a.rs", &["suite", "a"], "use super::b::Thing;\n"),
        source(
            "src/suite/b.rs",
            &["suite", "b"],
            "pub struct Thing;\nuse crate::suite::Session;\n",
        ),
        source(
            "src/mock/mod.rs",
            &["mock"],
            "use crate::{\n    config::X,\n    suite::{Finding, Session},\n};\n",
        ),
    ];
    let refs = references(&sources);
    assert!(
        refs.iter()
            .any(|(f, t, at)| f == &["mock"] && t == &["suite", "a"] && at == "src/mock/mod.rs:1"),
        "{refs:?}"
    );
    let folders = folder_edges(&refs);
    let found = circles(&folders[&vec!["suite".to_string()]]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].1,
        "a -> b (src/suite/a.rs:1), b -> a (src/suite/b.rs:2)"
    );
}

#[test]
fn config_http_and_the_mock_import_nothing_of_the_suite_and_no_import_circles() {
    let refs = crate_references();
    let top: Edges = refs
        .iter()
        .filter(|(f, t, _)| !f.is_empty() && !t.is_empty() && f[0] != t[0])
        .map(|(f, t, at)| ((f[0].clone(), t[0].clone()), at.clone()))
        .rev()
        .collect();
    assert!(top.len() >= 10, "{top:?}");
    let upward: Vec<String> = top
        .iter()
        .filter(|((from, to), _)| {
            to == "suite" && ["config", "http", "mock", "profile", "tier"].contains(&from.as_str())
        })
        .map(|((from, _), at)| format!("{from} imports the suite at {at}"))
        .collect();
    assert!(
        upward.is_empty(),
        "the suite sits above config, http, the mock and the profile; move what they share \
         below it (src/profile/, src/tier.rs):\n{}",
        upward.join("\n")
    );
    let circles_at_top = circles(&top);
    assert!(
        circles_at_top.is_empty(),
        "an import circle between top-level modules: {}",
        circles_at_top[0].1
    );
}

#[test]
fn no_import_circle_inside_a_folder() {
    let mut unknown = Vec::new();
    let mut seen = BTreeSet::new();
    for (folder, edges) in folder_edges(&crate_references()) {
        let folder = format!("src/{}", folder.join("/"));
        for (members, way) in circles(&edges) {
            let known = KNOWN_CIRCLES.iter().any(|(f, m)| {
                *f == folder && m.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>() == members
            });
            seen.insert((folder.clone(), members.clone()));
            if !known {
                unknown.push(format!("{folder}: {way} (members {members:?})"));
            }
        }
    }
    let gone: Vec<String> = KNOWN_CIRCLES
        .iter()
        .filter(|(f, m)| {
            !seen.contains(&(f.to_string(), m.iter().map(|s| s.to_string()).collect()))
        })
        .map(|(f, m)| format!("{f}: {m:?}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "import circles inside a folder (a module that imports a sibling which imports it \
         back, perhaps through others): move what both need into one of them or below both:\n{}",
        unknown.join("\n")
    );
    assert!(
        gone.is_empty(),
        "circles listed in KNOWN_CIRCLES (src/layering.rs) that are gone: take them out:\n{}",
        gone.join("\n")
    );
}
