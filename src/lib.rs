//! # pingone-mfa-conformance
//!
//! A contract and conformance suite for PingOne's *Update User MFA Enabled* API
//! (`PUT {apiPath}/environments/{envID}/users/{userID}/mfaEnabled`) and the neighbouring
//! operations its documentation names, together with a faithful, embeddable mock of that slice
//! of PingOne.
//!
//! The crate is both the suite and a library other teams embed (the mock, in their own tests).
//! Its modules:
//!
//! - [`mock`]: the mock server, [`mock::MockPingOne`], its faults and alternatives.
//! - [`suite`]: the conformance suite as a library: cases as data, the runner and its checker,
//!   sessions (token handling, the production safety check), known deviations, and the probes
//!   that record a target's behaviour profile.
//! - [`profile`]: the behaviour profile's model (how a target answers what the documentation
//!   leaves open), its answer classes, its snapshot file and the diff of two profiles; used by
//!   the suite, which records it, and the mock, which can start from one.
//! - [`tier`]: how binding a requirement is (MUST, SHOULD), named by the suite's cases and the
//!   mock's faults alike.
//! - [`config`]: configuration from the environment and `.env`; every variable is declared once
//!   in [`config::VARIABLES`].
//! - [`http`]: the suite's HTTP client: bounded concurrency, timeouts, retries of 429 and 503,
//!   and recorded exchanges that reproduce as curl lines.
//! - [`schema`]: JSON Schemas of the documented models, derived from Ping's OpenAPI documents.
//! - [`results`]: machine-readable results, the Markdown report, comparisons and the sweep.
//! - [`secret`]: a wrapper that keeps secrets out of output.
//! - [`files`]: atomic writes (a temporary file renamed into place).
//! - [`tls`]: rustls set-up (the `ring` provider) for the HTTP client.
//! - [`wire`]: media types, form encoding, Basic credentials and RFC 3339, shared by the suite
//!   and the mock.
//!
//! Imports point down, never in a circle: `results` uses the `suite`, which uses the `mock`,
//! `profile`, `http` and `config`; the `mock` uses `profile` and `tier` and nothing of the suite;
//! `config` and `http` use nothing above them (a unit test below holds the sources to it).
//!
//! `README.md` is the user's guide; `docs/` holds the rest (CI, API facts, benchmarks).

pub mod config;
pub mod files;
pub mod http;
pub mod mock;
pub mod profile;
pub mod results;
pub mod schema;
pub mod secret;
pub mod suite;
pub mod tier;
pub mod tls;
pub mod wire;

#[cfg(test)]
mod figures;

/// The crate documentation above lists every public module.
#[cfg(test)]
mod crate_doc {
    #[test]
    fn the_crate_doc_lists_every_public_module() {
        let source = include_str!("lib.rs");
        let doc: String = source
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let modules: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod "))
            .filter_map(|l| l.strip_suffix(';'))
            .collect();
        assert!(modules.len() >= 8, "{modules:?}");
        for module in modules {
            assert!(
                doc.contains(&format!("- [`{module}`]:")),
                "src/lib.rs: the crate doc does not list module `{module}`"
            );
        }
    }
}

/// Imports point down, never in a circle (between top-level modules and inside folders).
#[cfg(test)]
mod layering;
