//! The mock from a behaviour profile: each alternative is one dimension of the profile
//! ([`dimension`]), so a recorded profile says which alternatives to switch on
//! ([`alternatives_for`]). `MockPingOne::builder().profile(&profile)` and
//! `pingone-mock --profile snapshots/profile__NAME.snap` start a mock that answers every
//! profiled question the way the recorded target did, as far as the alternatives reach; the
//! probes that no alternative serves are the ones where the target differs from the bundled
//! mock's own profile in a way the mock cannot reproduce (the suite's `profile::unserved` lists
//! them).
//!
//! Adding a row to `alternatives!` fails to compile until [`dimension`] says which probes the
//! new alternative changes and how a profile shows it.

use crate::profile::{AnswerClass, Profile, Stored};

use super::{Alternative, Alternatives};

/// One alternative as a dimension of the behaviour profile.
#[derive(Clone, Copy, Debug)]
pub struct Dimension {
    /// The probes whose answer class the alternative changes (switched on alone, against the
    /// bundled mock's defaults).
    pub probes: &'static [&'static str],
    /// Whether a profile shows the alternative on (`Some(true)`), off (`Some(false)`), or does
    /// not tell (`None`: the probes it would show in are missing or answered otherwise).
    pub reveals: fn(&Profile) -> Option<bool>,
}

fn class<'a>(p: &'a Profile, probe: &str) -> Option<&'a AnswerClass> {
    p.class(probe)
}

/// The probes of `mfaEnabled` values that are not Booleans, in ID order.
const BOOL: [&str; 16] = [
    "MFA-PROBE-BOOL-01",
    "MFA-PROBE-BOOL-02",
    "MFA-PROBE-BOOL-03",
    "MFA-PROBE-BOOL-04",
    "MFA-PROBE-BOOL-05",
    "MFA-PROBE-BOOL-06",
    "MFA-PROBE-BOOL-07",
    "MFA-PROBE-BOOL-08",
    "MFA-PROBE-BOOL-09",
    "MFA-PROBE-BOOL-10",
    "MFA-PROBE-BOOL-11",
    "MFA-PROBE-BOOL-12",
    "MFA-PROBE-BOOL-13",
    "MFA-PROBE-BOOL-14",
    "MFA-PROBE-BOOL-15",
    "MFA-PROBE-BOOL-16",
];

/// [`BOOL`] without `MFA-PROBE-BOOL-09` (`null`, which no binder converts to a Boolean).
const BOOL_BUT_NULL: [&str; 15] = without(BOOL, 8);

/// `all` without its `skip`-th item.
const fn without<const N: usize, const M: usize>(
    all: [&'static str; N],
    skip: usize,
) -> [&'static str; M] {
    let mut out = [""; M];
    let (mut i, mut j) = (0, 0);
    while i < N {
        if i != skip {
            out[j] = all[i];
            j += 1;
        }
        i += 1;
    }
    out
}

/// The dimension of `alternative`.
pub fn dimension(alternative: Alternative) -> Dimension {
    match alternative {
        Alternative::ContentType400 => Dimension {
            probes: &["MFA-PROBE-HDR-01", "MFA-PROBE-HDR-02"],
            reveals: |p| class(p, "MFA-PROBE-HDR-01").map(|c| c.status == 400),
        },
        Alternative::RejectMfaInUserUpdate => Dimension {
            probes: &["MFA-PROBE-USER-04", "MFA-PROBE-USER-05"],
            reveals: |p| class(p, "MFA-PROBE-USER-04").map(|c| c.status >= 400),
        },
        Alternative::ForeignEnvironment404 => Dimension {
            probes: &["MFA-PROBE-PATH-03"],
            reveals: |p| class(p, "MFA-PROBE-PATH-03").map(|c| c.status == 404),
        },
        Alternative::NonUuid400 => Dimension {
            probes: &["MFA-PROBE-PATH-02"],
            reveals: |p| class(p, "MFA-PROBE-PATH-02").map(|c| c.status == 400),
        },
        Alternative::MfaDisabledByDefault => Dimension {
            probes: &["MFA-PROBE-USER-01"],
            reveals: |p| match class(p, "MFA-PROBE-USER-01")?.stored? {
                Stored::CreatedFalse => Some(true),
                Stored::CreatedTrue => Some(false),
                _ => None,
            },
        },
        Alternative::WrongTypeInvalidRequest => Dimension {
            probes: &BOOL,
            // `null`: a lenient binder's failed conversions of strings and floats answer
            // INVALID_REQUEST whatever this alternative says (§11.1), a null does not convert.
            reveals: |p| {
                class(p, "MFA-PROBE-BOOL-09")
                    .filter(|c| c.status == 400)
                    .map(|c| c.code.as_deref() == Some("INVALID_REQUEST"))
            },
        },
        Alternative::UnauthorizedBare => Dimension {
            probes: &[
                "MFA-PROBE-AUTH-01",
                "MFA-PROBE-AUTH-02",
                "MFA-PROBE-AUTH-03",
            ],
            reveals: |p| {
                class(p, "MFA-PROBE-AUTH-01")
                    .filter(|c| c.status == 401)
                    .map(|c| c.details.is_empty())
            },
        },
        Alternative::HalJson => Dimension {
            probes: &[
                "MFA-PROBE-BODY-03",
                "MFA-PROBE-HDR-03",
                "MFA-PROBE-READ-01",
                "MFA-PROBE-READ-02",
                "MFA-PROBE-USER-01",
                "MFA-PROBE-USER-02",
                "MFA-PROBE-USER-03",
                "MFA-PROBE-USER-04",
                "MFA-PROBE-USER-05",
            ],
            reveals: |p| {
                class(p, "MFA-PROBE-READ-01")
                    .and_then(|c| c.media_type.as_deref())
                    .map(|m| m.starts_with("application/hal+json"))
            },
        },
        Alternative::ImportRequiresPopulation => Dimension {
            probes: &["MFA-PROBE-USER-03"],
            reveals: |p| {
                class(p, "MFA-PROBE-USER-03").map(|c| c.stored == Some(Stored::NotCreated))
            },
        },
        Alternative::LenientBooleans => Dimension {
            probes: &BOOL_BUT_NULL,
            // Which other strings and numbers the target coerces is in the BOOL probes' own
            // classes: where it coerces otherwise than Jackson, the probe is unserved.
            reveals: |p| class(p, "MFA-PROBE-BOOL-01").map(|c| (200..300).contains(&c.status)),
        },
        Alternative::ErrorIdOptional => Dimension {
            probes: &["MFA-PROBE-PATH-03"],
            // Any answer whose status leaves `id` optional tells; none (a 404 for another
            // environment, no 403 elsewhere) does not.
            reveals: |p| {
                p.entries
                    .values()
                    .map(|e| &e.class)
                    .filter(|c| c.status == 403 || c.status == 429 || c.status >= 500)
                    .find_map(|c| body_keys(&c.body))
                    .map(|keys| !keys.contains(&"id"))
            },
        },
        Alternative::Method405RequestFailed => Dimension {
            probes: &[
                "MFA-PROBE-METHOD-01",
                "MFA-PROBE-METHOD-02",
                "MFA-PROBE-METHOD-03",
            ],
            reveals: |p| {
                class(p, "MFA-PROBE-METHOD-01")
                    .filter(|c| c.status == 405)
                    .map(|c| c.code.as_deref() == Some("REQUEST_FAILED"))
            },
        },
    }
}

/// The top-level keys of a JSON object body as its class shows them (`{code, id, message}`),
/// or `None` for a body that is not a JSON object.
fn body_keys(shape: &str) -> Option<Vec<&str>> {
    let inner = shape.strip_prefix('{')?.strip_suffix('}')?;
    Some(inner.split(", ").collect())
}

/// The alternatives a profile shows: each on where its dimension says so, off where it says
/// otherwise or does not tell.
pub fn alternatives_for(profile: &Profile) -> Alternatives {
    let mut alternatives = Alternatives::default();
    for &a in Alternative::ALL {
        if (dimension(a).reveals)(profile) == Some(true) {
            alternatives.set(a, true);
        }
    }
    alternatives
}

/// The alternatives a profile does not tell (its probes are missing or answered in a way the
/// dimension does not recognise).
pub fn untold(profile: &Profile) -> Vec<Alternative> {
    Alternative::ALL
        .iter()
        .copied()
        .filter(|&a| (dimension(a).reveals)(profile).is_none())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_profile_tells_nothing_and_switches_nothing_on() {
        let empty = Profile::default();
        assert_eq!(alternatives_for(&empty), Alternatives::default());
        assert_eq!(untold(&empty), Alternative::ALL.to_vec());
    }
}
