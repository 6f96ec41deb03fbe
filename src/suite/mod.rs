//! The conformance suite as a library: cases as data ([`cases`]), one runner that interprets
//! them against any target ([`runner`]), sessions with token handling and the production
//! safety check ([`session`]), and the known-deviation list ([`deviations`]).
//!
//! The rstest file `tests/conformance.rs` is the thin layer that names, parameterizes and
//! selects these cases; the self-test runs the same cases against deliberately broken mocks.

pub mod cases;
pub mod deviations;
pub mod runner;
pub mod session;

pub use cases::{Area, CASES, Case, Kind, Tier};
pub use runner::{CaseResult, Finding, Outcome, run_case, run_cases};
pub use session::{Session, SessionError, TargetInfo, TargetKind};
