//! Known deviations of real tenants from the documentation: one list, each entry with its
//! reason. A listed case that fails is reported as a known deviation instead of a failure; a
//! listed case that passes is reported too, so that the list does not rot (and fails the run in
//! strict mode). Deviations apply to tenants only, never to the mock.
//!
//! Add an entry only with evidence (a run's report) and a reason a reader can check.

use serde::Serialize;

/// One accepted deviation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// Case ID, e.g. `MFA-HDR-02`.
    pub id: &'static str,
    /// Why it is accepted, with evidence.
    pub reason: &'static str,
}

/// The deviations accepted for PingOne tenants. Empty until a tenant run shows one.
pub const KNOWN_DEVIATIONS: &[Deviation] = &[];
