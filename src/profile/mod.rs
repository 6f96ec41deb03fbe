//! The behaviour profile: how a target answers the questions the documentation leaves open.
//!
//! Each probe (in the suite, `suite::profile::PROBES`) asks one question and records the
//! [`AnswerClass`] of the answer (status, codes, media type, which headers are present, the
//! body's shape, what was stored; never wording, ids or timestamps). The classes of all probes
//! form the target's [`Profile`], kept as an insta snapshot `snapshots/profile__<name>.snap`
//! ([`snapshot`]): sorted by probe ID, with where and when it was recorded ([`Recorded`]) and,
//! for each probe, since when it has answered as it does ([`Entry::since`]). A profile that
//! differs from its snapshot is the outcome CHANGED: [`diff`] says probe by probe, in plain
//! words, what the answer was, since when, and what it is now.
//!
//! This module is the profile's model, its answer classes, its snapshot file and its diff. It
//! sits below both the suite (which probes a target and records the profile) and the mock
//! (which starts from a recorded profile, `mock::profile`), and imports neither.

pub mod class;
mod diff;
pub mod snapshot;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use class::{AnswerClass, Stored};
pub use diff::{ANSWER_AS_RECORDED, Change, describe, diff};
pub use snapshot::{Recorded, snapshot_body};

/// One probe's entry in the profile: the question, the class of the answer, and since when the
/// target has answered so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What was asked (the probe's question).
    pub question: String,
    /// How the target answered.
    #[serde(flatten)]
    pub class: AnswerClass,
    /// The date (`2026-12-01`, UTC) this answer was first seen: the run that recorded the
    /// profile, or the run whose change to this answer was accepted. Absent in a profile just
    /// measured, not yet dated against its snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// A target's behaviour profile: probe ID to entry, sorted by ID, and where and when it was
/// recorded.
///
/// The document is `{"recorded": {…}, "probes": {"MFA-PROBE-…": {…}, …}}`; a bare map of
/// probes (the format before the profile recorded its origin) still reads, without
/// [`Profile::recorded`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Where and when it was recorded; `None` for a profile just measured, or one in the
    /// older format.
    pub recorded: Option<Recorded>,
    /// The entries.
    pub entries: BTreeMap<String, Entry>,
}

#[derive(Serialize)]
struct DocumentOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<&'a Recorded>,
    probes: &'a BTreeMap<String, Entry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DocumentIn {
    Current {
        #[serde(default)]
        recorded: Option<Recorded>,
        probes: BTreeMap<String, Entry>,
    },
    Bare(BTreeMap<String, Entry>),
}

impl Serialize for Profile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        DocumentOut {
            recorded: self.recorded.as_ref(),
            probes: &self.entries,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match DocumentIn::deserialize(deserializer)? {
            DocumentIn::Current { recorded, probes } => Profile {
                recorded,
                entries: probes,
            },
            DocumentIn::Bare(entries) => Profile {
                recorded: None,
                entries,
            },
        })
    }
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
            recorded: None,
            entries: entries
                .iter()
                .map(|(id, c)| {
                    (
                        id.to_string(),
                        Entry {
                            question: question(id).into(),
                            class: c.clone(),
                            since: None,
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
        // Dated, with its origin first.
        let now = Recorded::now("https://api.pingone.eu/v1", "env-1", "tenant");
        let dated = snapshot::dated(&p, None, &now);
        let doc = dated.to_document();
        assert!(doc.starts_with("{\n  \"recorded\": {\n    \"api_host\": \"api.pingone.eu\""));
        assert!(doc.contains(&format!("\"since\": \"{}\"", now.first_recorded)));
        assert_eq!(Profile::parse(&doc).unwrap(), dated);
        // The older format, a bare map of probes, still reads.
        let bare = serde_json::to_string(&p.entries).unwrap();
        assert_eq!(Profile::parse(&bare).unwrap(), p);
    }
}
