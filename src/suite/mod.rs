//! The conformance suite as a library: cases as data ([`cases`]: what each sends and what it
//! accepts), one runner that performs them against any target ([`runner`]) and hands every
//! answer to one checker, sessions with token handling and the production safety check
//! ([`session`]) that time every request they send ([`requests`]), and the known-deviation
//! list ([`deviations`]).
//!
//! Inside: the result model ([`outcome`]), the case vocabulary (`model.rs`, `expect.rs`,
//! re-exported by [`cases`]), the per-case context (`ctx.rs`), the checker (`checker.rs`), one
//! file of procedures per area (`areas/`), the fuzzer ([`fuzz`]) and the one way to read a user
//! listing (`listing.rs`: every page, every user checked on the client). The behaviour profile's
//! probes ([`profile`]) record how a target answers what the documentation leaves open (the
//! profile's model is [`crate::profile`]).
//!
//! The rstest file `tests/conformance.rs` is the thin layer that names and selects these cases
//! (one test per ID); the self-test runs the same cases against deliberately broken mocks.

mod areas;
pub mod cases;
mod checker;
mod ctx;
pub mod deviations;
mod expect;
pub mod fuzz;
pub mod guard;
mod invalid_cases;
pub(crate) mod listing;
mod model;
pub mod outcome;
mod pool;
pub mod privacy;
pub mod profile;
pub mod requests;
pub mod runner;
pub mod session;
mod sources;

pub use areas::redact;
pub use cases::{Area, CASES, Case, Expect, Kind, Tier};
pub use runner::{CaseResult, Finding, Outcome, run_case, run_cases};
pub use session::{Session, SessionError, TargetInfo, TargetKind, bundled_mock};
