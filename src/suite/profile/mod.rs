//! The behaviour profile: how a target answers the questions the documentation leaves open.
//!
//! Each [probe](probes::PROBES) asks one question and records the [`AnswerClass`] of the answer
//! (status, codes, media type, which headers are present, the body's shape, what was stored;
//! never wording, ids or timestamps). The classes of all probes form the target's
//! [`Profile`]: one sorted, target-independent document, kept as an insta snapshot
//! `snapshots/profile__<name>.snap` (the name from `PINGONE_PROFILE`: `mock` for the bundled
//! mock, `tenant` otherwise). A profile that differs from its snapshot is the outcome CHANGED:
//! [`diff`] says probe by probe, in plain words, what changed.

pub mod class;
pub mod probes;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use class::{AnswerClass, Stored};
pub use probes::{PROBES, Probe, Violation, run_probe};

use super::session::{Session, TargetKind};

/// One probe's entry in the profile: the question and the class of the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What was asked (the probe's question).
    pub question: String,
    /// How the target answered.
    #[serde(flatten)]
    pub class: AnswerClass,
}

/// A target's behaviour profile: probe ID to entry, sorted by ID.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Profile {
    /// The entries.
    pub entries: BTreeMap<String, Entry>,
}

/// A profile read from a file that is not one.
#[derive(Debug)]
pub struct ProfileError(pub String);

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// The document: pretty JSON, sorted by probe ID, one attribute per line.
    pub fn to_document(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Read a document, either bare or inside an insta `.snap` file (its `---` header is
    /// skipped).
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        serde_json::from_str(snapshot_body(text))
            .map_err(|e| ProfileError(format!("not a behaviour profile: {e}")))
    }

    /// Read a profile from a file (a `.snap` or a bare document).
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ProfileError(format!("cannot read {}: {e}", path.display())))?;
        Profile::parse(&text).map_err(|e| ProfileError(format!("{}: {e}", path.display())))
    }

    /// The class a probe was answered with.
    pub fn class(&self, probe: &str) -> Option<&AnswerClass> {
        self.entries.get(probe).map(|e| &e.class)
    }
}

/// The content of an insta snapshot file: what follows its `---` … `---` header, or the whole
/// text when there is none.
pub fn snapshot_body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(at) => &rest[at + 5..],
        None => text,
    }
}

/// What a profile run gives: the profile and the invariants any probe broke.
#[derive(Debug, Default)]
pub struct ProfileRun {
    /// The classes of the probes that could be run.
    pub profile: Profile,
    /// Broken invariants (MUST) and probes that got no answer.
    pub violations: Vec<Violation>,
}

/// Run every probe against `session` (concurrently; the session bounds the requests in
/// flight) and assemble the profile.
pub async fn record(session: Arc<Session>) -> ProfileRun {
    let handles: Vec<_> = PROBES
        .iter()
        .map(|p| (p, tokio::spawn(run_probe(session.clone(), p))))
        .collect();
    let mut run = ProfileRun::default();
    for (probe, handle) in handles {
        match handle.await {
            Ok(r) => {
                if let Some(class) = r.class {
                    run.profile.entries.insert(
                        probe.id.to_string(),
                        Entry {
                            question: probe.question.to_string(),
                            class,
                        },
                    );
                }
                run.violations.extend(r.violations);
            }
            Err(e) => run.violations.push(Violation {
                probe: probe.id,
                check: "the probe runs to completion".into(),
                actual: e.to_string(),
                reproduce: None,
                no_answer: false,
            }),
        }
    }
    run
}

/// The probes a running mock answers differently from `wanted` (an empty list when it serves
/// the whole profile): the profile's questions asked of the mock, compared with the record.
pub async fn unserved(
    mock: &crate::mock::MockPingOne,
    wanted: &Profile,
) -> Result<Vec<Change>, String> {
    let session = Session::for_mock(mock, crate::config::RunConfig::default())
        .await
        .map_err(|e| e.to_string())?;
    let run = record(Arc::new(session)).await;
    if let Some(v) = run.violations.first() {
        return Err(format!("{}: {}: {}", v.probe, v.check, v.actual));
    }
    Ok(diff(wanted, &run.profile))
}

/// The profile's name: `PINGONE_PROFILE` if set, else `mock` for the bundled mock and `tenant`
/// for anything configured.
pub fn profile_name(configured: Option<&str>, kind: TargetKind) -> String {
    match configured {
        Some(name) => name.to_string(),
        None if kind == TargetKind::EmbeddedMock => "mock".into(),
        None => "tenant".into(),
    }
}

/// Whether `name` can name a profile: 1 to 64 of `a-z`, `0-9`, `-`, `_`.
pub fn valid_profile_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `snapshots/profile__<name>.snap` under `root`.
pub fn snapshot_path(root: &Path, name: &str) -> PathBuf {
    root.join("snapshots").join(format!("profile__{name}.snap"))
}

/// How to accept a changed profile.
pub const REVIEW_HELP: &str = "review the new profile with `cargo insta review` (install it with \
`cargo install cargo-insta`), or accept it with `INSTA_UPDATE=always cargo test --test conformance \
profile` and read `git diff snapshots/`; then commit the snapshot.";

/// The description line of a profile snapshot.
pub fn snapshot_description(name: &str) -> String {
    format!(
        "behaviour profile `{name}`: how the target answers what the documentation leaves open \
         (probe ID: question and answer class)"
    )
}

/// A complete insta snapshot file holding `document`, as insta itself writes it.
pub fn snapshot_file(name: &str, document: &str) -> String {
    format!(
        "---\nsource: tests/conformance.rs\ndescription: {}\n---\n{document}\n",
        serde_json::to_string(&snapshot_description(name)).unwrap_or_default()
    )
}

/// What the first run for a profile prints: how to review and commit it.
pub fn first_run_help(name: &str, shown: &str) -> String {
    format!(
        "Record it against the target with `PINGONE_PROFILE={name} cargo test --test conformance \
         profile` (outside CI), read {shown} (each probe's question and how the target answered), \
         and commit it: later runs are checked against it."
    )
}

/// One probe whose answer changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Probe ID.
    pub probe: String,
    /// The question.
    pub question: String,
    /// The recorded class; `None` for a probe the snapshot does not have.
    pub before: Option<AnswerClass>,
    /// The class now; `None` for a probe that no longer has an answer.
    pub after: Option<AnswerClass>,
}

impl Change {
    /// Plain words: `MFA-PROBE-BOOL-01: {"mfaEnabled": "true"} on a user whose value is false
    /// was accepted with 200; stored as true; now rejected with 400 INVALID_REQUEST; nothing
    /// changed`, then the attributes that changed besides.
    pub fn words(&self) -> String {
        let mut s = format!("{}: {}", self.probe, self.question);
        match (&self.before, &self.after) {
            (None, Some(a)) => {
                let _ = write!(s, " is a new probe: {}", a.words());
            }
            (Some(b), None) => {
                let _ = write!(s, " was {}; now no answer was recorded", b.words());
            }
            (Some(b), Some(a)) => {
                if b.words() != a.words() {
                    let _ = write!(s, " was {}; now {}", b.words(), a.words());
                } else {
                    let _ = write!(s, " is still {}, but", a.words());
                }
                let detail: Vec<String> = b
                    .attributes()
                    .into_iter()
                    .zip(a.attributes())
                    .filter(|((name, _), _)| {
                        !matches!(*name, "status" | "code" | "details" | "stored")
                    })
                    .filter(|((_, x), (_, y))| x != y)
                    .map(|((name, x), (_, y))| format!("{name} was {x}, now {y}"))
                    .collect();
                if !detail.is_empty() {
                    let _ = write!(s, " ({})", detail.join("; "));
                }
            }
            (None, None) => {}
        }
        s
    }
}

/// The probes whose class differs between `before` (the snapshot) and `after` (this run), in
/// probe order. A changed question alone is not a change of behaviour.
pub fn diff(before: &Profile, after: &Profile) -> Vec<Change> {
    let mut ids: Vec<&String> = before.entries.keys().chain(after.entries.keys()).collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let b = before.entries.get(id);
            let a = after.entries.get(id);
            if b.map(|e| &e.class) == a.map(|e| &e.class) {
                return None;
            }
            Some(Change {
                probe: id.clone(),
                question: a.or(b).map(|e| e.question.clone()).unwrap_or_default(),
                before: b.map(|e| e.class.clone()),
                after: a.map(|e| e.class.clone()),
            })
        })
        .collect()
}

/// The whole difference in plain words, one probe per paragraph.
pub fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| format!("- {}", c.words()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(status: u16, code: Option<&str>, stored: Option<Stored>) -> AnswerClass {
        AnswerClass {
            status,
            code: code.map(str::to_string),
            details: Vec::new(),
            media_type: Some("application/json".into()),
            headers: vec!["Correlation-Id".into()],
            body: "{}".into(),
            stored,
        }
    }

    fn profile(entries: &[(&str, AnswerClass)]) -> Profile {
        Profile {
            entries: entries
                .iter()
                .map(|(id, c)| {
                    (
                        id.to_string(),
                        Entry {
                            question: probes::by_id(id).map_or("?", |p| p.question).into(),
                            class: c.clone(),
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn the_document_round_trips_through_a_snap_file() {
        let p = profile(&[
            (
                "MFA-PROBE-BOOL-01",
                class(400, Some("INVALID_DATA"), Some(Stored::Unchanged)),
            ),
            ("MFA-PROBE-READ-01", class(200, None, None)),
        ]);
        let doc = p.to_document();
        let snap = format!("---\nsource: tests/conformance.rs\ndescription: x\n---\n{doc}\n");
        assert_eq!(Profile::parse(&snap).unwrap(), p);
        assert_eq!(Profile::parse(&doc).unwrap(), p);
        assert!(doc.find("MFA-PROBE-BOOL-01") < doc.find("MFA-PROBE-READ-01"));
        assert!(Profile::parse("---\nx\n---\nnot json").is_err());
    }

    #[test]
    fn a_changed_answer_is_told_in_plain_words() {
        let before = profile(&[
            ("MFA-PROBE-BOOL-01", class(200, None, Some(Stored::SetTrue))),
            ("MFA-PROBE-READ-01", class(200, None, None)),
        ]);
        let mut after = profile(&[
            (
                "MFA-PROBE-BOOL-01",
                class(400, Some("INVALID_REQUEST"), Some(Stored::Unchanged)),
            ),
            ("MFA-PROBE-READ-01", class(200, None, None)),
        ]);
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].words(),
            "MFA-PROBE-BOOL-01: {\"mfaEnabled\": \"true\"} on a user whose value is false was \
             accepted with 200; stored as true; now rejected with 400 INVALID_REQUEST; nothing changed"
        );
        after
            .entries
            .get_mut("MFA-PROBE-READ-01")
            .unwrap()
            .class
            .media_type = Some("application/hal+json".into());
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[1].words(),
            "MFA-PROBE-READ-01: GET …/mfaEnabled is still accepted with 200, but (media type was \
             application/json, now application/hal+json)"
        );
        assert!(diff(&after, &after).is_empty());
        after.entries.remove("MFA-PROBE-READ-01");
        assert!(
            diff(&before, &after)[1]
                .words()
                .ends_with("now no answer was recorded")
        );
    }

    #[test]
    fn names_default_by_target_and_are_checked() {
        assert_eq!(profile_name(None, TargetKind::EmbeddedMock), "mock");
        assert_eq!(profile_name(None, TargetKind::Tenant), "tenant");
        assert_eq!(
            profile_name(Some("eu-sandbox"), TargetKind::Tenant),
            "eu-sandbox"
        );
        assert!(valid_profile_name("eu-sandbox_2"));
        for bad in ["", "../x", "Tenant", "a b", &"x".repeat(65)] {
            assert!(!valid_profile_name(bad), "{bad:?}");
        }
    }
}
