//! The snapshot of a profile, `profile__<name>.snap`: a profile belongs to the target it was
//! recorded from. The file says where and when ([`Recorded`]: API host, environment, what the
//! target was, first-recorded date, suite version; never a secret) and, for each probe, since
//! when the target has answered as it does. [`check`] says what a run makes of it: the same,
//! recorded for the first time, refused in CI (where nothing is recorded), or CHANGED, with
//! the file that would accept the change.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Change, Profile, diff};

/// Where and when a profile was recorded. Holds no secret: the API host without path or user
/// information, the environment ID, what the target was declared as, two dates and a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// Host (and port, if any) of the API base URL, e.g. `api.pingone.eu`.
    pub api_host: String,
    /// The environment under test.
    pub environment_id: String,
    /// What the target was: `tenant`, `standalone mock`, `embedded mock` or `mock`.
    pub target: String,
    /// The date the profile was first recorded (`2026-12-01`, UTC).
    pub first_recorded: String,
    /// The version of the suite that recorded the current answers.
    pub suite_version: String,
}

impl Recorded {
    /// This run: `api_url`'s host, `environment_id`, the target's kind, today's date and this
    /// suite's version.
    pub fn now(api_url: &str, environment_id: &str, target: &str) -> Recorded {
        Recorded {
            api_host: api_host(api_url),
            environment_id: environment_id.to_string(),
            target: target.to_string(),
            first_recorded: today(),
            suite_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// Whether it was recorded from a mock rather than a tenant: the target was declared a mock
    /// kind, or its host is this machine (where the bundled mock listens).
    pub fn from_a_mock(&self) -> bool {
        self.target != "tenant" || is_local_host(&self.api_host)
    }

    /// `api.pingone.eu, environment 9c05…, tenant, first recorded 2026-12-01 (suite 0.1.0)`.
    pub fn words(&self) -> String {
        format!(
            "{}, environment {}, {}, first recorded {} (suite {})",
            self.api_host,
            self.environment_id,
            self.target,
            self.first_recorded,
            self.suite_version
        )
    }
}

/// Today's date, UTC: `2026-12-01`.
pub fn today() -> String {
    crate::wire::rfc3339(std::time::SystemTime::now())[..10].to_string()
}

/// The host (and port) of a URL, without scheme, user information or path.
pub fn api_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    host.to_ascii_lowercase()
}

/// Whether `host` (with or without port) names this machine: `localhost`, `127.0.0.0/8`,
/// `::1` or `0.0.0.0`.
pub fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name == "localhost"
        || name == "::1"
        || name == "0.0.0.0"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Why a committed profile named other than `mock` is not a recording of a tenant, if it is
/// not: it was recorded from a mock, or does not say where it was recorded.
pub fn not_a_tenant_recording(profile: &Profile) -> Option<String> {
    match &profile.recorded {
        None => Some("it does not say where it was recorded (an older format)".into()),
        Some(r) if r.from_a_mock() => Some(format!("it was recorded from a mock: {}", r.words())),
        Some(_) => None,
    }
}

/// The repository's `snapshots/` directory, where profiles live unless `PINGONE_PROFILE_DIR`
/// says otherwise.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

/// `<dir>/profile__<name>.snap`.
pub fn snapshot_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("profile__{name}.snap"))
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

/// How to accept a changed profile.
pub const REVIEW_HELP: &str = "review the new profile with `cargo insta review` (install it with \
`cargo install cargo-insta`), or accept it with `INSTA_UPDATE=always cargo test --test conformance \
profile` and read `git diff snapshots/`; then commit the snapshot.";

/// The description line of a profile snapshot.
pub fn snapshot_description(name: &str) -> String {
    format!(
        "behaviour profile `{name}`: how the target answers what the documentation leaves open \
         (where and when it was recorded; probe ID: question, answer class, since when)"
    )
}

/// A complete insta snapshot file holding `document`, as insta itself writes it.
pub fn snapshot_file(name: &str, document: &str) -> String {
    format!(
        "---\nsource: tests/conformance.rs\ndescription: {}\n---\n{document}\n",
        serde_json::to_string(&snapshot_description(name)).unwrap_or_default()
    )
}

/// What the first run for a profile prints: what to do with it.
pub fn first_run_help(shown: &str) -> String {
    format!(
        "Read {shown} (where it was recorded, each probe's question and how the target \
         answered) and commit it: later runs against this target are checked against it."
    )
}

/// The one message of a run in CI that finds no profile for its target.
pub fn unrecorded_message(name: &str, shown: &str) -> String {
    format!(
        "no behaviour profile {shown} for this target, and CI records none. Record it on your \
         machine against the same target (the same PINGONE_* variables, outside CI): \
         `PINGONE_PROFILE={name} cargo test --test conformance profile`, then review and commit \
         {shown}."
    )
}

/// `profile` as this run's snapshot document: the answers measured now, each dated from
/// `before` (a probe answered as before keeps its date; a new or changed answer is dated
/// today), and where and when it was recorded: `before`'s record while no answer changed,
/// else this run's place and suite version with `before`'s first date.
pub fn dated(profile: &Profile, before: Option<&Profile>, now: &Recorded) -> Profile {
    let changed = before.is_none_or(|b| !diff(b, profile).is_empty());
    let recorded = match before.and_then(|b| b.recorded.as_ref()) {
        Some(r) if !changed => r.clone(),
        Some(r) => Recorded {
            first_recorded: r.first_recorded.clone(),
            ..now.clone()
        },
        None => now.clone(),
    };
    let mut dated = profile.clone();
    for (id, entry) in &mut dated.entries {
        entry.since = before
            .and_then(|b| b.entries.get(id))
            .filter(|old| old.class == entry.class)
            .and_then(|old| old.since.clone())
            .or_else(|| Some(now.first_recorded.clone()));
    }
    dated.recorded = Some(recorded);
    dated
}

/// What a run makes of its profile and the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The snapshot records exactly this run's answers.
    Same,
    /// No snapshot yet, outside CI: write `file`, the first recording.
    Record {
        /// The snapshot file to write.
        file: String,
    },
    /// No snapshot, in CI, where nothing is recorded.
    Unrecorded,
    /// Some probes answer differently from the snapshot.
    Changed {
        /// The probes, with what they were, since when, and what they are now.
        changes: Vec<Change>,
        /// The snapshot file that accepts the change.
        file: String,
    },
    /// Every probe answers as recorded, but the document differs (a reworded question, the
    /// older format without dates).
    Reworded {
        /// The snapshot file that accepts it.
        file: String,
    },
    /// Nothing is recorded: this run's target is not the one the profile belongs to
    /// ([`refusal`]).
    Refused {
        /// Why, in one message.
        why: String,
    },
    /// The snapshot is no profile.
    Unreadable {
        /// Why.
        error: String,
        /// The snapshot file that replaces it.
        file: String,
    },
}

/// A run's profile checked against its snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The profile of this run, dated against the snapshot (what the report shows).
    pub profile: Profile,
    /// The verdict.
    pub verdict: Verdict,
    /// A notice: the snapshot was recorded from another host or environment than this run's.
    pub notice: Option<String>,
}

/// Why profile `name`, recorded at `before` (if it was), may not be recorded from this run's
/// target `now`, if it may not: the profile names another host or environment (two mocks,
/// whose ports and environments change run by run, are one target), or a mock would be
/// recorded under a name other than `mock` or its own (one ending in its environment ID).
pub fn refusal(name: &str, before: Option<&Recorded>, now: &Recorded) -> Option<String> {
    if let Some(r) = before {
        let elsewhere = r.api_host != now.api_host || r.environment_id != now.environment_id;
        if elsewhere && !(r.from_a_mock() && now.from_a_mock()) {
            return Some(format!(
                "profile {name} belongs to {} environment {}, and this run's target is {} \
                 environment {}: a profile is recorded only from its own target; set \
                 PINGONE_PROFILE to this target's own name, or unset it",
                r.api_host, r.environment_id, now.api_host, now.environment_id
            ));
        }
    }
    let own = name == "mock" || name.ends_with(&now.environment_id.to_ascii_lowercase());
    (now.target != "tenant" && !own).then(|| {
        format!(
            "profile {name} is not recorded from a {} ({}): a mock's answers are recorded only \
             as `mock` or under the mock's own name; unset PINGONE_PROFILE",
            now.target, now.api_host
        )
    })
}

/// Check `measured` (this run's profile, `now` its place and date) against the snapshot file
/// `existing` of profile `name`; `in_ci` when nothing may be recorded.
pub fn check(
    name: &str,
    existing: Option<&str>,
    measured: &Profile,
    now: &Recorded,
    in_ci: bool,
) -> Check {
    let Some(text) = existing else {
        let profile = dated(measured, None, now);
        let verdict = if in_ci {
            Verdict::Unrecorded
        } else if let Some(why) = refusal(name, None, now) {
            Verdict::Refused { why }
        } else {
            Verdict::Record {
                file: snapshot_file(name, &profile.to_document()),
            }
        };
        return Check {
            profile,
            verdict,
            notice: None,
        };
    };
    let before = match Profile::parse(text) {
        Ok(before) => before,
        Err(e) => {
            let profile = dated(measured, None, now);
            let file = snapshot_file(name, &profile.to_document());
            let verdict = match refusal(name, None, now) {
                Some(why) => Verdict::Refused { why },
                None => Verdict::Unreadable { error: e.0, file },
            };
            return Check {
                profile,
                verdict,
                notice: None,
            };
        }
    };
    let profile = dated(measured, Some(&before), now);
    let document = profile.to_document();
    let file = snapshot_file(name, &document);
    let changes = diff(&before, measured);
    let verdict = if snapshot_body(text).trim_end() == document.trim_end() {
        Verdict::Same
    } else if let Some(why) = refusal(name, before.recorded.as_ref(), now) {
        Verdict::Refused { why }
    } else if changes.is_empty() {
        Verdict::Reworded { file }
    } else {
        Verdict::Changed { changes, file }
    };
    let notice = before
        .recorded
        .as_ref()
        .filter(|r| r.api_host != now.api_host || r.environment_id != now.environment_id)
        .map(|r| {
            format!(
                "recorded from {} environment {}; this run's target is {} environment {}",
                r.api_host, r.environment_id, now.api_host, now.environment_id
            )
        });
    Check {
        profile,
        verdict,
        notice,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{class, profile};
    use super::*;
    use crate::profile::Stored;

    fn now(date: &str) -> Recorded {
        Recorded {
            first_recorded: date.into(),
            ..Recorded::now("https://api.pingone.eu/v1", "env-1", "tenant")
        }
    }

    fn measured(status: u16) -> Profile {
        profile(&[
            (
                "MFA-PROBE-BOOL-01",
                class(status, None, Some(Stored::SetTrue)),
            ),
            ("MFA-PROBE-READ-01", class(200, None, None)),
        ])
    }

    #[test]
    fn hosts_are_read_without_secrets_and_local_ones_are_known() {
        assert_eq!(api_host("https://api.pingone.eu/v1"), "api.pingone.eu");
        assert_eq!(
            api_host("http://user:pw@127.0.0.1:8080/v1"),
            "127.0.0.1:8080"
        );
        for local in [
            "127.0.0.1:8080",
            "localhost",
            "[::1]:80",
            "0.0.0.0:1",
            "127.1.2.3",
        ] {
            assert!(is_local_host(local), "{local}");
        }
        for remote in ["api.pingone.eu", "10.0.0.1:8080", "[2001:db8::1]:443"] {
            assert!(!is_local_host(remote), "{remote}");
        }
    }

    #[test]
    fn the_first_run_records_and_ci_refuses() {
        let first = check("t", None, &measured(200), &now("2026-12-01"), false);
        let Verdict::Record { file } = &first.verdict else {
            panic!("{first:?}")
        };
        let recorded = Profile::parse(file).unwrap();
        assert_eq!(recorded, first.profile);
        let r = recorded.recorded.as_ref().unwrap();
        assert_eq!(
            (r.api_host.as_str(), r.environment_id.as_str()),
            ("api.pingone.eu", "env-1")
        );
        assert_eq!(r.first_recorded, "2026-12-01");
        assert_eq!(r.suite_version, env!("CARGO_PKG_VERSION"));
        assert!(
            recorded
                .entries
                .values()
                .all(|e| e.since.as_deref() == Some("2026-12-01"))
        );
        let ci = check("t", None, &measured(200), &now("2026-12-01"), true);
        assert_eq!(ci.verdict, Verdict::Unrecorded);
    }

    #[test]
    fn a_later_run_keeps_the_dates_and_a_change_says_since_when() {
        let Verdict::Record { file } =
            check("t", None, &measured(200), &now("2026-12-01"), false).verdict
        else {
            panic!()
        };
        let again = check("t", Some(&file), &measured(200), &now("2027-01-05"), true);
        assert_eq!(again.verdict, Verdict::Same);
        assert_eq!(again.notice, None);

        let changed = check("t", Some(&file), &measured(400), &now("2027-01-05"), true);
        let Verdict::Changed { changes, file: new } = &changed.verdict else {
            panic!("{changed:?}")
        };
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].words(),
            "MFA-PROBE-BOOL-01: {\"mfaEnabled\": \"true\"} on a user whose value is false was \
             accepted with 200; stored as true (since 2026-12-01); now rejected with 400; \
             stored as true"
        );
        // Accepting the change dates the changed probe today, keeps the others' dates and the
        // first-recorded date.
        let accepted = Profile::parse(new).unwrap();
        let since = |id: &str| accepted.entries[id].since.clone().unwrap();
        assert_eq!(since("MFA-PROBE-BOOL-01"), "2027-01-05");
        assert_eq!(since("MFA-PROBE-READ-01"), "2026-12-01");
        assert_eq!(
            accepted.recorded.as_ref().unwrap().first_recorded,
            "2026-12-01"
        );
        let after = check("t", Some(new), &measured(400), &now("2027-02-01"), true);
        assert_eq!(after.verdict, Verdict::Same);
    }

    #[test]
    fn a_profile_is_recorded_only_from_its_own_target() {
        let tenant = |host: &str, env: &str| Recorded {
            api_host: host.into(),
            environment_id: env.into(),
            ..now("2026-12-01")
        };
        let eu = tenant("api.pingone.eu", "env-1");
        let Verdict::Record { file } = check("eu-env-1", None, &measured(200), &eu, false).verdict
        else {
            panic!()
        };
        for other in [
            tenant("api.pingone.com", "env-1"),
            tenant("api.pingone.eu", "env-2"),
        ] {
            let run = check("eu-env-1", Some(&file), &measured(400), &other, false);
            let Verdict::Refused { why } = run.verdict else {
                panic!("{:?}", run.verdict)
            };
            assert!(why.contains("recorded only from its own target"), "{why}");
        }
        let mock = Recorded {
            target: "standalone mock".into(),
            ..tenant("127.0.0.1:8080", "env-3")
        };
        let run = check("eu-sandbox", None, &measured(200), &mock, false);
        assert!(
            matches!(run.verdict, Verdict::Refused { .. }),
            "{:?}",
            run.verdict
        );
        for own in ["mock", "127-0-0-1-8080-env-3"] {
            let run = check(own, None, &measured(200), &mock, false);
            assert!(matches!(run.verdict, Verdict::Record { .. }), "{own}");
        }
    }

    #[test]
    fn another_target_is_noticed_and_an_older_format_is_reworded_not_changed() {
        let Verdict::Record { file } =
            check("t", None, &measured(200), &now("2026-12-01"), false).verdict
        else {
            panic!()
        };
        let elsewhere = Recorded {
            environment_id: "env-2".into(),
            ..now("2026-12-02")
        };
        let run = check("t", Some(&file), &measured(200), &elsewhere, true);
        assert_eq!(run.verdict, Verdict::Same);
        assert!(
            run.notice
                .unwrap()
                .contains("environment env-1; this run's target")
        );

        let bare = serde_json::to_string_pretty(&measured(200).entries).unwrap();
        let old = check("t", Some(&bare), &measured(200), &now("2026-12-02"), true);
        assert!(
            matches!(old.verdict, Verdict::Reworded { .. }),
            "{:?}",
            old.verdict
        );
        let broken = check(
            "t",
            Some("---\nx\n---\nnot json"),
            &measured(200),
            &now("x"),
            true,
        );
        assert!(matches!(broken.verdict, Verdict::Unreadable { .. }));
    }

    #[test]
    fn a_tenant_profile_recorded_from_a_mock_is_told_apart() {
        let mut p = measured(200);
        assert!(not_a_tenant_recording(&p).unwrap().contains("older format"));
        p.recorded = Some(now("2026-12-01"));
        assert_eq!(not_a_tenant_recording(&p), None);
        p.recorded = Some(Recorded::now("http://127.0.0.1:8080/v1", "e", "tenant"));
        assert!(
            not_a_tenant_recording(&p)
                .unwrap()
                .contains("recorded from a mock: 127.0.0.1:8080")
        );
        p.recorded = Some(Recorded::now(
            "https://mock.example",
            "e",
            "standalone mock",
        ));
        assert!(not_a_tenant_recording(&p).is_some());
    }
}
