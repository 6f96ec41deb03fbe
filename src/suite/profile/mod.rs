//! The behaviour profile's probes and their recording: each [probe](probes::PROBES) asks one
//! question of a target through a [`Session`] and records the class of the answer; [`record`]
//! assembles the target's [`Profile`]. The model, the answer classes and the diff live in
//! [`crate::profile`], below both the suite and the mock. The profile is kept as
//! `snapshots/profile__<name>.snap` (the name from `PINGONE_PROFILE`: `mock` for the bundled
//! mock, `tenant` otherwise).

pub mod probes;

use std::sync::Arc;

pub use probes::{PROBES, Probe, Violation, run_probe};

use super::session::{Session, TargetKind};
use crate::profile::{Change, Entry, Profile, diff};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_default_by_target() {
        assert_eq!(profile_name(None, TargetKind::EmbeddedMock), "mock");
        assert_eq!(profile_name(None, TargetKind::Tenant), "tenant");
        assert_eq!(
            profile_name(Some("eu-sandbox"), TargetKind::Tenant),
            "eu-sandbox"
        );
    }
}
