//! A target's history: a series of nights' results folded into one small file of JSON lines,
//! one [`Night`] each (kept between nightly runs as a CI artifact or cache), from which
//! [`mod@super::trends`] draws the pictures and says since when a case fails and since when a
//! probe answers as it does.
//!
//! A night keeps only what the trends need: each case's outcome, per operation the count and
//! the p50, p95 and max of its requests' times, and per probe of the behaviour profile a
//! fingerprint of its answer class with the changes the run reported. No finding, no request,
//! no URL beyond the run's own metadata: a night is a few kilobytes, and [`KEEP`] nights are
//! kept.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::latency::by_operation;
use super::profile::class_cell;
use super::{Results, ResultsError, RunInfo, io_error, load};

/// How many nights a history keeps: the newest.
pub const KEEP: usize = 60;

/// One operation's requests in one night (times in microseconds, over answered requests).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationNight {
    /// Requests sent.
    pub requests: usize,
    /// Median.
    pub p50_us: u64,
    /// 95th percentile.
    pub p95_us: u64,
    /// Slowest.
    pub max_us: u64,
}

/// One changed probe of a night's profile, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeChange {
    /// Probe ID.
    pub probe: String,
    /// What changed.
    pub words: String,
}

/// A night's behaviour profile, reduced to what tells a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileNight {
    /// The profile's name.
    pub name: String,
    /// Its outcome that night (`pass`, `changed`, ...).
    pub outcome: String,
    /// Probe ID to a fingerprint of its answer class: equal fingerprints, equal answers.
    pub answers: BTreeMap<String, String>,
    /// The probes the run found changed against its snapshot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ProbeChange>,
}

/// One night of a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Night {
    /// The run's metadata (its timestamp is the night's).
    pub run: RunInfo,
    /// Case ID to outcome label (`pass`, `fail`, `warn`, `error`, ...).
    pub outcomes: BTreeMap<String, String>,
    /// Operation (`PUT mfaEnabled`, ...) to its requests' times; empty for runs before
    /// requests were recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub latency: BTreeMap<String, OperationNight>,
    /// The behaviour profile, when the run recorded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileNight>,
}

impl Night {
    /// The night of one run's results.
    pub fn of(results: &Results) -> Night {
        let mut run = results.run.clone();
        run.run_id = None;
        let latency = by_operation(&results.requests)
            .into_iter()
            .map(|o| {
                let night = OperationNight {
                    requests: o.requests,
                    p50_us: o.p50_us,
                    p95_us: o.p95_us,
                    max_us: o.max_us,
                };
                (o.operation, night)
            })
            .collect();
        let profile = results.profile.as_ref().map(|p| ProfileNight {
            name: p.name.clone(),
            outcome: p.outcome.clone(),
            answers: p
                .profile
                .entries
                .iter()
                .map(|(probe, entry)| (probe.clone(), fingerprint(&class_cell(&entry.class))))
                .collect(),
            changes: p
                .changes
                .iter()
                .map(|c| ProbeChange {
                    probe: c.probe.clone(),
                    words: c.words.clone(),
                })
                .collect(),
        });
        Night {
            run,
            outcomes: results
                .cases
                .iter()
                .map(|c| (c.id.clone(), c.outcome.clone()))
                .collect(),
            latency,
            profile,
        }
    }

    /// The night's date and time as the pictures label it: `11-29`, or `11-29 03:17` where
    /// two nights share a date.
    pub fn label(&self, with_time: bool) -> String {
        let t = &self.run.timestamp;
        let end = if with_time { 16 } else { 10 };
        t.get(5..end).unwrap_or(t).replace('T', " ")
    }

    /// The night's date, `2026-11-29`.
    pub fn date(&self) -> &str {
        self.run.timestamp.get(..10).unwrap_or(&self.run.timestamp)
    }
}

/// A short, stable fingerprint of a text (FNV-1a, 64 bits, as 12 hex digits).
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")[..12].to_string()
}

/// A series of nights of one target, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// The nights, oldest first, at most [`KEEP`].
    pub nights: Vec<Night>,
}

impl History {
    /// Fold nights into a history: sorted by time, one night per run (a later input wins), the
    /// newest [`KEEP`]. Nights of different targets are refused: each target has its own
    /// history.
    pub fn fold(nights: impl IntoIterator<Item = Night>) -> Result<History, ResultsError> {
        let mut by_time: BTreeMap<String, Night> = BTreeMap::new();
        for night in nights {
            if let Some(other) = by_time.values().next()
                && !other.run.same_target(&night.run)
            {
                return Err(ResultsError(format!(
                    "a history is of one target: a night of {} {} environment {} beside nights \
                     of {} {} environment {}; keep one history per target",
                    night.run.target_label(),
                    night.run.api_url,
                    night.run.environment_id,
                    other.run.target_label(),
                    other.run.api_url,
                    other.run.environment_id
                )));
            }
            by_time.insert(night.run.timestamp.clone(), night);
        }
        let mut nights: Vec<Night> = by_time.into_values().collect();
        let surplus = nights.len().saturating_sub(KEEP);
        nights.drain(..surplus);
        Ok(History { nights })
    }

    /// The history as JSON lines, oldest night first.
    pub fn to_jsonl(&self) -> String {
        let mut s = String::new();
        for night in &self.nights {
            s.push_str(&serde_json::to_string(night).unwrap_or_default());
            s.push('\n');
        }
        s
    }

    /// The newest night.
    pub fn latest(&self) -> Option<&Night> {
        self.nights.last()
    }

    /// The pictures' labels of the nights, with the time where two share a date.
    pub fn labels(&self) -> Vec<String> {
        let dates: Vec<&str> = self.nights.iter().map(Night::date).collect();
        let shared = (1..dates.len()).any(|i| dates[i] == dates[i - 1]);
        self.nights.iter().map(|n| n.label(shared)).collect()
    }
}

/// The nights of one input: a history file (`*.jsonl`), or one run's results (a results
/// directory or a combined file), which is one night.
pub fn read_nights(path: &Path) -> Result<Vec<Night>, ResultsError> {
    let is_history = path.is_file() && path.extension().is_some_and(|e| e == "jsonl");
    if !is_history {
        return Ok(vec![Night::of(&load(path)?)]);
    }
    let text = std::fs::read_to_string(path).map_err(|e| io_error("read", path, &e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).map_err(|e| {
                ResultsError(format!(
                    "{}:{}: not a night of a history (run, outcomes, latency, profile): {e}",
                    path.display(),
                    n + 1
                ))
            })
        })
        .collect()
}

/// Fold every input (history files and results) into one history.
pub fn history_of(inputs: &[impl AsRef<Path>]) -> Result<History, ResultsError> {
    let mut nights = Vec::new();
    for input in inputs {
        nights.extend(read_nights(input.as_ref())?);
    }
    History::fold(nights)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn night(timestamp: &str, api: &str) -> Night {
        Night {
            run: RunInfo {
                target: "Tenant".into(),
                api_url: api.into(),
                environment_id: "e".into(),
                environment_type: None,
                timestamp: timestamp.into(),
                crate_version: "0".into(),
                run_id: None,
            },
            outcomes: BTreeMap::from([("MFA-BODY-01".to_string(), "pass".to_string())]),
            latency: BTreeMap::new(),
            profile: None,
        }
    }

    #[test]
    fn folding_sorts_keeps_one_night_per_run_and_the_newest() {
        let mut later = night("2026-11-29T03:00:00.000Z", "a");
        later.outcomes.insert("MFA-BODY-01".into(), "fail".into());
        let history = History::fold([
            night("2026-11-29T03:00:00.000Z", "a"),
            night("2026-11-28T03:00:00.000Z", "a"),
            later.clone(),
        ])
        .unwrap();
        assert_eq!(history.nights.len(), 2);
        assert_eq!(history.latest(), Some(&later));
        assert_eq!(history.labels(), ["11-28", "11-29"]);
        let many = (0..KEEP + 5).map(|i| night(&format!("2026-{:02}-01T03:00:00.000Z", i), "a"));
        assert_eq!(History::fold(many).unwrap().nights.len(), KEEP);
    }

    #[test]
    fn a_history_is_of_one_target_and_round_trips_as_json_lines() {
        let err = History::fold([
            night("2026-11-28T03:00:00.000Z", "a"),
            night("2026-11-29T03:00:00.000Z", "b"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("one history per target"), "{err}");
        let history = History::fold([
            night("2026-11-28T03:00:00.000Z", "a"),
            night("2026-11-28T15:00:00.000Z", "a"),
        ])
        .unwrap();
        assert_eq!(history.labels(), ["11-28 03:00", "11-28 15:00"]);
        let dir = std::env::temp_dir().join(format!(
            "pingone-history-test-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("history.jsonl");
        std::fs::write(&file, history.to_jsonl()).unwrap();
        assert_eq!(history_of(&[&file]).unwrap(), history);
        std::fs::write(&file, "{\"run\": 1}\n").unwrap();
        let err = history_of(&[&file]).unwrap_err().to_string();
        assert!(err.contains("history.jsonl:1"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn fingerprints_tell_different_texts_apart() {
        assert_eq!(
            fingerprint("400 INVALID_DATA"),
            fingerprint("400 INVALID_DATA")
        );
        assert_ne!(
            fingerprint("400 INVALID_DATA"),
            fingerprint("400 INVALID_REQUEST")
        );
        assert_eq!(fingerprint("x").len(), 12);
    }
}
