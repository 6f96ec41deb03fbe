//! How binding a requirement is: the tier that a case's requirement, each finding and each of
//! the mock's faults (the check that must catch it) carry. Below both the suite and the mock,
//! which name it alike.

use serde::Serialize;

/// How binding a requirement is. MUST failures fail the run; SHOULD failures warn, and fail
/// only in strict mode (`PINGONE_STRICT=true`). The tier follows from the evidence: MUST only
/// for what Ping's documentation (DOC) or an OpenAPI document (SPEC) states, and for the
/// invariants every correct server keeps (INVARIANT); what rests on Ping's client code (CODE)
/// or on inference (INFERRED) is SHOULD. A unit test of `suite/cases.rs` holds every row to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    /// Documented (DOC) or specified (SPEC) behaviour.
    #[serde(rename = "MUST")]
    Must,
    /// Sensible, inferred behaviour, or a choice the docs leave open in part.
    #[serde(rename = "SHOULD")]
    Should,
}

impl Tier {
    /// `MUST` or `SHOULD`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Must => "MUST",
            Tier::Should => "SHOULD",
        }
    }
}
