//! Alternatives: the behaviours PingOne's documentation leaves open. The mock gives the first
//! answer by default and the second when the alternative is on; the conformance suite must
//! pass either way.
//!
//! One row of [`alternatives!`] declares an alternative completely: its doc (the field's and
//! the builder setter's documentation), its [`Alternative`] variant, the [`Alternatives`]
//! field (also the name of the [`MockBuilder`] setter), the `pingone-mock` flag (also the
//! `PINGONE_MOCK_*` variable), its one-line `--help` and, for an alternative that the
//! documentation allows yet a check of this crate's suite prefers otherwise, the SHOULD-level
//! checks it may draw (`warns`, [`Alternative::warnings`]). The self-test's combinations are
//! derived from the table ([`Alternatives::combinations`]). The behaviour itself reads the
//! field where it happens (`self.s.options.alternatives.<field>`).

use super::MockBuilder;

macro_rules! alternatives {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident {
            field: $field:ident, flag: $flag:literal, help: $help:literal
            $(, warns: [$($warn:literal),* $(,)?])? $(,)?
        },
    )+) => {
        /// Behaviours the documentation leaves open. Each field picks the second of two answers
        /// that PingOne may give; the default picks the first. The conformance suite must pass
        /// with every combination ([`Alternatives::combinations`]).
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Alternatives {
            $( $(#[doc = $doc])+ pub $field: bool, )+
        }

        /// One alternative, by name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Alternative {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Alternative {
            /// Every alternative, in declaration order.
            pub const ALL: &'static [Alternative] = &[$(Alternative::$variant,)+];

            /// The `pingone-mock` flag without its leading `--`, e.g. `content-type-400`.
            pub fn flag(self) -> &'static str {
                match self { $(Alternative::$variant => $flag,)+ }
            }

            /// One line for `--help`.
            pub fn help(self) -> &'static str {
                match self { $(Alternative::$variant => $help,)+ }
            }

            /// The full description, with the documentation it rests on.
            pub fn description(self) -> &'static str {
                match self { $(Alternative::$variant => concat!($($doc),+).trim_start(),)+ }
            }

            /// The checks of this crate's suite that may warn (SHOULD, never MUST) against the
            /// mock with this alternative on, each by its exact name (a finding's `check`,
            /// without the context a run adds): the alternative is allowed where the suite
            /// states a preference. Empty for most: the suite passes them without a warning.
            pub fn warnings(self) -> &'static [&'static str] {
                match self { $(Alternative::$variant => &[$($($warn),*)?],)+ }
            }
        }

        impl Alternatives {
            /// Whether `alternative` is on.
            pub fn is_on(&self, alternative: Alternative) -> bool {
                match alternative { $(Alternative::$variant => self.$field,)+ }
            }

            /// Switch `alternative` on or off.
            pub fn set(&mut self, alternative: Alternative, on: bool) {
                match alternative { $(Alternative::$variant => self.$field = on,)+ }
            }
        }

        impl MockBuilder {
            $(
                #[doc = concat!("Switch the alternative `--", $flag, "` on: ", $help, ".")]
                pub fn $field(mut self) -> Self {
                    self.options.alternatives.$field = true;
                    self
                }
            )+
        }
    };
}

alternatives! {
    /// A wrong request `Content-Type` answers 400 `INVALID_REQUEST` instead of 415 (§3: the MFA
    /// spec declares no 415 for this endpoint).
    ContentType400 {
        field: content_type_400,
        flag: "content-type-400",
        help: "Wrong Content-Type answers 400 instead of 415",
    },
    /// `mfaEnabled` in a PUT or PATCH Update User body that differs from the stored value
    /// answers 403 `ACCESS_FAILED` instead of being ignored (§5: docs say only "cannot update").
    RejectMfaInUserUpdate {
        field: reject_mfa_in_user_update,
        flag: "reject-mfa-in-user-update",
        help: "mfaEnabled in PUT/PATCH Update User answers 403 instead of being ignored",
    },
    /// A path naming another environment answers 404 `NOT_FOUND` instead of 403 (§3).
    ForeignEnvironment404 {
        field: foreign_environment_404,
        flag: "foreign-environment-404",
        help: "Another environment's id answers 404 instead of 403",
    },
    /// A path id that is not a UUID answers 400 `INVALID_REQUEST` instead of 404 (§3).
    NonUuid400 {
        field: non_uuid_400,
        flag: "non-uuid-400",
        help: "A non-UUID id answers 400 instead of 404",
    },
    /// The environment's MFA settings start with `users.mfaEnabled: false`, so new users get
    /// `mfaEnabled: false` unless the request says otherwise, as the documentation states and
    /// environments created before mid-2025 do; by default it starts `true`, as in new
    /// environments (§1.4, §11.5). `PUT .../mfaSettings` changes it while the mock runs.
    MfaDisabledByDefault {
        field: mfa_disabled_by_default,
        flag: "mfa-disabled-by-default",
        help: "MFA settings start with users.mfaEnabled false (new users default to false)",
    },
    /// A value of the wrong type for `mfaEnabled` (a string, a number, `null`) answers 400
    /// `INVALID_REQUEST` instead of `INVALID_DATA`, detail `INVALID_VALUE` on `mfaEnabled` as
    /// before (§10.3, §11.6 item 2: which of the two codes is unknown).
    WrongTypeInvalidRequest {
        field: wrong_type_invalid_request,
        flag: "wrong-type-invalid-request",
        help: "A wrong-typed mfaEnabled answers 400 INVALID_REQUEST instead of INVALID_DATA",
    },
    /// A 401 answers `{id, code, message}` without `details` and without a `WWW-Authenticate`
    /// header (§10.1: the exact 401 body is unknown).
    UnauthorizedBare {
        field: unauthorized_bare,
        flag: "unauthorized-bare",
        help: "401 answers carry no details and no WWW-Authenticate header",
    },
    /// Success answers are `application/hal+json` instead of `application/json` (§10.6: the
    /// exact success media type is unknown; both are JSON).
    HalJson {
        field: hal_json,
        flag: "hal-json",
        help: "Success answers are application/hal+json instead of application/json",
    },
    /// Create User (Import) without `population.id` answers 400 `INVALID_DATA` with detail
    /// `REQUIRED_VALUE` on `population.id` instead of using the default population (§11.6
    /// item 4: unknown).
    ImportRequiresPopulation {
        field: import_requires_population,
        flag: "import-requires-population",
        help: "Create User (Import) without population.id answers 400 instead of using the default population",
    },
    /// `mfaEnabled` binds as Jackson's defaults do (§11.1, `crate::wire::jackson_boolean`):
    /// the strings `"true"` and `"false"` in any letter case and integers (0 false, anything
    /// else true) are accepted and stored as the Boolean, in PUT `.../mfaEnabled`, Create User,
    /// Update User and the MFA settings; other strings and floats fail the conversion and
    /// answer 400 `INVALID_REQUEST`, detail `INVALID_VALUE` on the field (§11.1). The suite
    /// prefers a rejection (SHOULD) and warns, naming the leniency.
    LenientBooleans {
        field: lenient_booleans,
        flag: "lenient-booleans",
        help: "mfaEnabled binds like Jackson: \"true\"/\"FALSE\" in any case and integers are accepted and stored",
        warns: ["mfaEnabled must be a JSON Boolean"],
    },
    /// 403, 429 and 5xx error bodies carry no `id` (§2.1: Ping's own spec leaves it optional
    /// there; §11.3). The suite prefers one (SHOULD, the error codes page says it is always
    /// included) and warns.
    ErrorIdOptional {
        field: error_id_optional,
        flag: "error-id-optional",
        help: "403, 429 and 5xx error bodies carry no id",
        warns: ["the error carries an id"],
    },
    /// A 405 (POST, PATCH or DELETE on `.../mfaEnabled`, with `Allow` as before) carries the
    /// code `REQUEST_FAILED` instead of `INVALID_REQUEST` (§3, §11.6 item 6: the docs name the
    /// 405, not its body).
    Method405RequestFailed {
        field: method_405_request_failed,
        flag: "method-405-request-failed",
        help: "A 405 carries code REQUEST_FAILED instead of INVALID_REQUEST",
    },
}

/// Up to this many alternatives, [`Alternatives::combinations`] is every combination (2^5 =
/// 32 runs); past it, a covering set that grows about linearly, not exponentially.
pub const EXHAUSTIVE_UP_TO: usize = 5;

impl Alternatives {
    /// Every alternative on.
    pub fn all_on() -> Alternatives {
        let mut a = Alternatives::default();
        for &alt in Alternative::ALL {
            a.set(alt, true);
        }
        a
    }

    /// The alternatives that are on, in declaration order.
    pub fn on(&self) -> Vec<Alternative> {
        Alternative::ALL
            .iter()
            .copied()
            .filter(|a| self.is_on(*a))
            .collect()
    }

    /// The `pingone-mock` flags that switch these alternatives on, e.g. `["--non-uuid-400"]`.
    pub fn flags(&self) -> Vec<String> {
        self.on()
            .iter()
            .map(|a| format!("--{}", a.flag()))
            .collect()
    }

    /// The combinations the self-test proves the suite against, derived from the table:
    ///
    /// - with at most [`EXHAUSTIVE_UP_TO`] alternatives, all 2^n combinations;
    /// - past that: all off, all on, each alone, then combinations added until every three
    ///   alternatives have met in all eight of their on/off states (a covering array of
    ///   strength 3, so every pair also meets in its four states). The count grows as
    ///   n + O(log n) instead of 2^n: 20 alternatives give 43 runs, not a million.
    ///
    /// The set and its order are fixed (no randomness at run time), so a failure names the same
    /// combination on every run.
    pub fn combinations() -> Vec<Alternatives> {
        combination_masks(Alternative::ALL.len())
            .into_iter()
            .map(|mask| {
                let mut a = Alternatives::default();
                for (i, &alt) in Alternative::ALL.iter().enumerate() {
                    a.set(alt, mask & (1 << i) != 0);
                }
                a
            })
            .collect()
    }

    /// The same as [`Alternatives::combinations`].
    pub fn all() -> Vec<Alternatives> {
        Alternatives::combinations()
    }
}

/// On/off masks of `n` alternatives, bit `i` for the `i`-th (see
/// [`Alternatives::combinations`]).
fn combination_masks(n: usize) -> Vec<u64> {
    assert!(n <= 64, "at most 64 alternatives");
    if n <= EXHAUSTIVE_UP_TO {
        return (0u64..1 << n).collect();
    }
    let full = u64::MAX >> (64 - n);
    let mut masks = vec![0, full];
    masks.extend((0..n).map(|i| 1u64 << i));
    let mut triples = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                triples.push([i, j, k]);
            }
        }
    }
    let state = |m: u64, t: &[usize; 3]| {
        t.iter()
            .enumerate()
            .fold(0u8, |s, (b, &i)| s | (((m >> i) & 1) as u8) << b)
    };
    // Per triple, the bit set of its eight states not yet met.
    let mut missing: Vec<u8> = vec![0xFF; triples.len()];
    let cover = |missing: &mut [u8], m: u64| {
        let mut newly = 0;
        for (left, t) in missing.iter_mut().zip(&triples) {
            let bit = 1u8 << state(m, t);
            if *left & bit != 0 {
                *left &= !bit;
                newly += 1;
            }
        }
        newly
    };
    for &m in &masks {
        cover(&mut missing, m);
    }
    // Greedy, with a fixed xorshift sequence: each new combination forces the first missing
    // state of the first incomplete triple and keeps, of 32 candidates, the one that meets the
    // most missing states.
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    while let Some(at) = missing.iter().position(|&m| m != 0) {
        let wanted = missing[at].trailing_zeros();
        let best = (0..32)
            .map(|_| {
                let mut m = next() & full;
                for (b, &i) in triples[at].iter().enumerate() {
                    m = (m & !(1 << i)) | (u64::from(wanted >> b & 1) << i);
                }
                let gain = cover(&mut missing.clone(), m);
                (gain, m)
            })
            .max_by_key(|&(gain, _)| gain)
            .map_or(0, |(_, m)| m);
        cover(&mut missing, best);
        masks.push(best);
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn flags_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &a in Alternative::ALL {
            assert!(seen.insert(a.flag()), "duplicate flag {}", a.flag());
            assert!(
                a.flag()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                a.flag()
            );
            assert!(!a.help().is_empty() && !a.description().is_empty());
            let mut one = Alternatives::default();
            one.set(a, true);
            assert_eq!(one.on(), vec![a]);
            assert_eq!(one.flags(), vec![format!("--{}", a.flag())]);
        }
    }

    #[test]
    fn few_alternatives_give_every_combination() {
        for n in 1..=EXHAUSTIVE_UP_TO {
            let masks = combination_masks(n);
            assert_eq!(masks.len(), 1 << n, "{n}");
            assert_eq!(masks.iter().collect::<HashSet<_>>().len(), masks.len());
        }
        let all = Alternatives::combinations();
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len());
        assert!(all.contains(&Alternatives::default()) && all.contains(&Alternatives::all_on()));
    }

    #[test]
    fn many_alternatives_give_a_small_strength_3_covering_set() {
        for n in EXHAUSTIVE_UP_TO + 1..=24 {
            let masks = combination_masks(n);
            assert!(masks.len() <= n + 40, "{n}: {} combinations", masks.len());
            assert_eq!(masks.iter().collect::<HashSet<_>>().len(), masks.len());
            let full = u64::MAX >> (64 - n);
            assert!(masks.contains(&0) && masks.contains(&full));
            for i in 0..n {
                assert!(masks.contains(&(1 << i)), "{n}: {i} alone");
                for j in i + 1..n {
                    for k in j + 1..n {
                        let met: HashSet<u64> = masks
                            .iter()
                            .map(|m| (m >> i & 1) | (m >> j & 1) << 1 | (m >> k & 1) << 2)
                            .collect();
                        assert_eq!(met.len(), 8, "{n}: {i},{j},{k} meet only {met:?}");
                    }
                }
            }
        }
        assert_eq!(combination_masks(20).len(), 43);
    }

    /// The README's alternatives table has one row per alternative, `` | `--flag` | help | ``,
    /// in the order of the table, with the `--help` line word for word.
    #[test]
    fn readme_lists_every_alternative_with_its_help() {
        let readme = include_str!("../../README.md");
        let found: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `--")).collect();
        let expected: Vec<String> = Alternative::ALL
            .iter()
            .map(|a| format!("| `--{}` | {} |", a.flag(), a.help()))
            .collect();
        assert_eq!(
            found,
            expected,
            "README.md's alternatives table differs from src/mock/alternatives.rs; it reads:\n\
             | Alternative | What changes |\n|---|---|\n{}",
            expected.join("\n")
        );
    }

    #[test]
    fn warnings_name_checks() {
        for &a in Alternative::ALL {
            assert!(a.warnings().iter().all(|w| !w.trim().is_empty()), "{a:?}");
        }
    }

    #[test]
    fn every_builder_setter_switches_its_own_alternative() {
        let built = MockBuilder::default()
            .content_type_400()
            .non_uuid_400()
            .build_options();
        assert_eq!(
            built.alternatives.on(),
            vec![Alternative::ContentType400, Alternative::NonUuid400]
        );
    }
}
