//! The behaviour profile: how a target answers the questions the documentation leaves open.
//!
//! Each probe (in the suite, `suite::profile::PROBES`) asks one question and records the
//! [`AnswerClass`] of the answer (status, codes, media type, which headers are present, the
//! body's shape, what was stored; never wording, ids or timestamps). The classes of all probes
//! form the target's [`Profile`]: one sorted, target-independent document, kept as an insta
//! snapshot `snapshots/profile__<name>.snap`. A profile that differs from its snapshot is the
//! outcome CHANGED: [`diff`] says probe by probe, in plain words, what changed.
//!
//! This module is the profile's model, its answer classes and its diff. It sits below both the
//! suite (which probes a target and records the profile) and the mock (which starts from a
//! recorded profile, `mock::profile`), and imports neither.

pub mod class;
mod diff;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use class::{AnswerClass, Stored};
pub use diff::{Change, describe, diff};

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

/// Profiles for unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{AnswerClass, Entry, Profile, Stored};

    /// A JSON answer with a Correlation-Id.
    pub(crate) fn class(status: u16, code: Option<&str>, stored: Option<Stored>) -> AnswerClass {
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

    /// A profile of these probes, with the questions of the two the tests use.
    pub(crate) fn profile(entries: &[(&str, AnswerClass)]) -> Profile {
        let question = |id: &str| match id {
            "MFA-PROBE-BOOL-01" => "{\"mfaEnabled\": \"true\"} on a user whose value is false",
            "MFA-PROBE-READ-01" => "GET …/mfaEnabled",
            _ => "?",
        };
        Profile {
            entries: entries
                .iter()
                .map(|(id, c)| {
                    (
                        id.to_string(),
                        Entry {
                            question: question(id).into(),
                            class: c.clone(),
                        },
                    )
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{class, profile};
    use super::*;

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
}
