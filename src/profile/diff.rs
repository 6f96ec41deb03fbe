//! The difference between two profiles, probe by probe, in plain words: what a CHANGED
//! outcome says.

use std::fmt::Write as _;

use super::{AnswerClass, Profile};

/// The check a probe fails when its answer class differs from the snapshot's: the name a
/// CHANGED probe's finding carries, and the check a fault aimed at the profile names as its
/// target (`mock::faults`). It is a MUST: CHANGED fails the run.
pub const ANSWER_AS_RECORDED: &str = "the answer class matches the recorded profile";

/// One probe whose answer changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Probe ID.
    pub probe: String,
    /// The question.
    pub question: String,
    /// The recorded class; `None` for a probe the snapshot does not have.
    pub before: Option<AnswerClass>,
    /// Since when the recorded class held (the snapshot's date for the probe), if known.
    pub since: Option<String>,
    /// The class now; `None` for a probe that no longer has an answer.
    pub after: Option<AnswerClass>,
}

impl Change {
    /// Plain words: `MFA-PROBE-BOOL-01: {"mfaEnabled": "true"} on a user whose value is false
    /// was accepted with 200; stored as true (since 2026-12-01); now rejected with 400
    /// INVALID_REQUEST; nothing changed`, then the attributes that changed besides.
    pub fn words(&self) -> String {
        let mut s = format!("{}: {}", self.probe, self.question);
        let since = self
            .since
            .as_deref()
            .map(|d| format!(" (since {d})"))
            .unwrap_or_default();
        match (&self.before, &self.after) {
            (None, Some(a)) => {
                let _ = write!(s, " is a new probe: {}", a.words());
            }
            (Some(b), None) => {
                let _ = write!(s, " was {}{since}; now no answer was recorded", b.words());
            }
            (Some(b), Some(a)) => {
                if b.words() != a.words() {
                    let _ = write!(s, " was {}{since}; now {}", b.words(), a.words());
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
                if let (true, Some(d)) = (b.words() == a.words(), &self.since) {
                    let _ = write!(s, "; the old answer held since {d}");
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
                since: b.and_then(|e| e.since.clone()),
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
    use super::super::testing::{class, profile};
    use super::*;
    use crate::profile::Stored;

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
        // With the snapshot's dates, each change says since when the old answer held.
        let mut dated = before.clone();
        for entry in dated.entries.values_mut() {
            entry.since = Some("2026-12-01".into());
        }
        let changes = diff(&dated, &after);
        assert!(
            changes[0]
                .words()
                .contains("accepted with 200; stored as true (since 2026-12-01); now rejected"),
            "{}",
            changes[0].words()
        );
        assert!(
            changes[1]
                .words()
                .ends_with("now application/hal+json); the old answer held since 2026-12-01"),
            "{}",
            changes[1].words()
        );
        after.entries.remove("MFA-PROBE-READ-01");
        assert!(
            diff(&dated, &after)[1]
                .words()
                .ends_with("(since 2026-12-01); now no answer was recorded")
        );
    }
}
