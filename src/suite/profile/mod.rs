//! The behaviour profile's probes and their recording: each [probe](probes::PROBES) asks one
//! question of a target through a [`Session`] and records the class of the answer; [`record`]
//! assembles the target's [`Profile`]. The model, the answer classes, the snapshot and the diff
//! live in [`crate::profile`], below both the suite and the mock.
//!
//! A profile belongs to the target it was recorded from: it is kept as
//! `snapshots/profile__<name>.snap` ([`snapshot_dir`] when `PINGONE_PROFILE_DIR` moves it), the
//! name from `PINGONE_PROFILE`, else `mock` for the bundled mock and, for anything configured, a
//! name of the target's own ([`profile_name`]: its region, or API host, and environment ID), so
//! that two tenants never share one by default.

pub mod probes;

use std::sync::Arc;

pub use probes::{PROBES, Probe, Violation, run_probe};

use super::session::{Session, TargetInfo, TargetKind};
use crate::config::{Region, RunConfig};
use crate::profile::snapshot::{Verdict, api_host, default_dir};
use crate::profile::{ANSWER_AS_RECORDED, Change, Entry, Profile, Recorded, diff};
use crate::tier::Tier;

/// What a profile run gives: the profile and the invariants any probe broke.
#[derive(Debug, Default)]
pub struct ProfileRun {
    /// The classes of the probes that could be run.
    pub profile: Profile,
    /// Broken invariants (MUST) and probes that got no answer.
    pub violations: Vec<Violation>,
}

/// What a profile run found at one probe, named as a case's finding is: the check, bare, and
/// its tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeFinding {
    /// Probe ID.
    pub probe: String,
    /// The tier: MUST, since each fails the run.
    pub tier: Tier,
    /// The check's name: a broken invariant's, or [`ANSWER_AS_RECORDED`] for a changed answer.
    pub check: String,
}

impl ProfileRun {
    /// What this run found, given its snapshot's `verdict`, probe by probe: each broken
    /// invariant, then, when the verdict is CHANGED, each probe whose answer class differs from
    /// the snapshot's ([`ANSWER_AS_RECORDED`]). A probe that got no answer is no finding (the
    /// target was unavailable: ERROR), and neither is a first recording or a rewording.
    pub fn findings(&self, verdict: &Verdict) -> Vec<ProbeFinding> {
        let broken = self
            .violations
            .iter()
            .filter(|v| !v.no_answer)
            .map(|v| (v.probe.to_string(), v.check.clone()));
        let changed = match verdict {
            Verdict::Changed { changes, .. } => changes.as_slice(),
            _ => &[],
        }
        .iter()
        .map(|c| (c.probe.clone(), ANSWER_AS_RECORDED.to_string()));
        broken
            .chain(changed)
            .map(|(probe, check)| ProbeFinding {
                probe,
                tier: Tier::Must,
                check,
            })
            .collect()
    }
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
                            since: None,
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

/// The profile's name: `PINGONE_PROFILE` if set, else `mock` for the bundled mock, else the
/// target's own: its region's code (or, for another host, the host) and the environment ID, as
/// in `eu-9c052a8a-14be-44e4-8f07-2662569994ce` or `127-0-0-1-8080-9c05…`.
pub fn profile_name(configured: Option<&str>, target: &TargetInfo) -> String {
    if let Some(name) = configured {
        return name.to_string();
    }
    if target.kind == TargetKind::EmbeddedMock {
        return "mock".into();
    }
    let slug = |s: &str| -> String {
        s.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let host = api_host(&target.api_url);
    let environment = slug(&target.environment_id);
    let place = Region::ALL
        .iter()
        .find(|r| api_host(&r.api_url()) == host)
        .map_or_else(|| slug(&host), |r| r.code().to_ascii_lowercase());
    // A profile name has at most 64 characters: the environment ID is kept whole.
    let room = 64usize.saturating_sub(environment.len() + 1).max(1);
    let place: String = place.chars().take(room).collect();
    let name = format!("{}-{environment}", place.trim_end_matches('-'));
    name.chars().take(64).collect()
}

/// Where the profile snapshots are: `PINGONE_PROFILE_DIR`, else the repository's `snapshots/`.
pub fn snapshot_dir(run: &RunConfig) -> std::path::PathBuf {
    run.profile_dir.clone().unwrap_or_else(default_dir)
}

/// Where and when this session's profile is recorded: its API host, environment, kind of
/// target, today and this suite's version.
pub fn recorded_now(session: &Session) -> Recorded {
    let target = match session.target.kind {
        TargetKind::EmbeddedMock => "embedded mock",
        TargetKind::Mock => "mock",
        TargetKind::StandaloneMock => "standalone mock",
        TargetKind::Tenant => "tenant",
    };
    Recorded::now(
        &session.target.api_url,
        &session.target.environment_id,
        target,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Credentials, TokenAuthMethod};

    fn target(kind: TargetKind, api_url: &str) -> TargetInfo {
        TargetInfo {
            kind,
            api_url: api_url.into(),
            auth_url: String::new(),
            worker_environment_id: None,
            environment_id: "9C052A8A-14be-44e4-8f07-2662569994ce".into(),
            credentials: Credentials::Client {
                client_id: "c".into(),
                client_secret: crate::secret::Secret::new("s"),
                method: TokenAuthMethod::Basic,
            },
            population_id: None,
            test_user_id: None,
            readonly_client: None,
        }
    }

    #[test]
    fn names_default_by_target_and_two_tenants_never_share_one() {
        let eu = "https://api.pingone.eu/v1";
        assert_eq!(
            profile_name(
                None,
                &target(TargetKind::EmbeddedMock, "http://127.0.0.1:1/v1")
            ),
            "mock"
        );
        assert_eq!(
            profile_name(None, &target(TargetKind::Tenant, eu)),
            "eu-9c052a8a-14be-44e4-8f07-2662569994ce"
        );
        assert_eq!(
            profile_name(
                None,
                &target(TargetKind::Tenant, "https://api.pingone.com/v1")
            ),
            "na-9c052a8a-14be-44e4-8f07-2662569994ce"
        );
        assert_eq!(
            profile_name(
                None,
                &target(TargetKind::StandaloneMock, "http://127.0.0.1:8080/v1")
            ),
            "127-0-0-1-8080-9c052a8a-14be-44e4-8f07-2662569994ce"
        );
        let long = format!("https://{}.example/v1", "x".repeat(80));
        let name = profile_name(None, &target(TargetKind::Tenant, &long));
        assert!(name.len() <= 64 && name.ends_with("-9c052a8a-14be-44e4-8f07-2662569994ce"));
        assert_eq!(
            profile_name(Some("eu-sandbox"), &target(TargetKind::Tenant, eu)),
            "eu-sandbox"
        );
        for kind in [TargetKind::Tenant, TargetKind::StandaloneMock] {
            let name = profile_name(None, &target(kind, &long));
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
        }
    }
}
