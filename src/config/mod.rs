//! Configuration of a conformance run, read from the process environment and `.env`.
//!
//! # Where values come from
//!
//! [`Config::from_env`] looks each variable up in the real process environment first and falls
//! back to a `.env` file in the current directory. The real environment wins even when it holds
//! an empty value, so `PINGONE_API_ACCESS_TOKEN= cargo test` switches a `.env` value off. `.env` is
//! parsed by dotenvy (`from_read_iter`, after stripping a byte order mark) into a private map;
//! the process environment is never modified (`set_var` is `unsafe` in edition 2024 and racy
//! under parallel tests). A missing `.env` is fine. Surrounding whitespace is ignored, and an empty value (`KEY=`) counts as unset.
//! [`Config::from_lookup`] takes any lookup function instead, which is what the unit tests use.
//!
//! # Which target
//!
//! With neither `PINGONE_ENVIRONMENT_ID` nor `PINGONE_API_ACCESS_TOKEN` and none of the other
//! target variables set, the run targets the embedded mock ([`Target::EmbeddedMock`]). Otherwise
//! it targets a server reached through the variables ([`Target::Server`]) with one of two kinds
//! of credentials:
//!
//! - client credentials: `PINGONE_CLIENT_ID`, `PINGONE_CLIENT_SECRET` and `PINGONE_ENVIRONMENT_ID`
//!   (the environment that holds the worker app, used in the token URL
//!   `https://auth.pingone.{tld}/{environmentID}/as/token`; docs/api-facts.md §4), the same
//!   names and the same "all three together" rule as Ping's Terraform provider and Go SDK (§6);
//! - a ready bearer token: `PINGONE_API_ACCESS_TOKEN`, which must not be combined with a client ID
//!   or secret (the Go SDK says "API access token cannot be set with client ID, client secret or
//!   environment ID"; here the environment ID is still allowed, as the target).
//!
//! The environment under test is `PINGONE_TARGET_ENVIRONMENT_ID` if set, else
//! `PINGONE_ENVIRONMENT_ID`. Region hosts follow the table in §4 "Regions and hosts";
//! `PINGONE_API_URL` / `PINGONE_AUTH_URL` override them independently (for a local mock or proxy).
//!
//! That server is a PingOne tenant ([`TargetKind::Tenant`]) unless `PINGONE_TARGET_KIND=mock`
//! declares it a standalone `pingone-mock` ([`TargetKind::StandaloneMock`]). The declaration is
//! the user's: nothing in the answers is trusted to tell a mock from a tenant, so a server that
//! claimed to be a mock could not switch off tenant-only behaviour by itself.
//!
//! # The variables
//!
//! Each variable is declared once, in the table of `src/config/vars.rs` ([`VARIABLES`]): its
//! name, meaning, [`Scope`] and secrecy. The [`var`] constants, the list of target variables,
//! the values never echoed, `.env.example` and the README's table all follow from it (the last
//! two are checked by tests).
//!
//! # Errors
//!
//! Every problem is collected before anything is returned, so one run shows all of them in one
//! [`ConfigError`]. No problem text contains the client secret or the access token: values are
//! echoed only when they are short and contain neither.
//!
//! Ping's own tools name some settings differently (docs/api-facts.md §6): those names are rows
//! of the same table, marked as aliases (`PINGONE_TOP_LEVEL_DOMAIN`, the deprecated
//! `PINGONE_REGION`, `PINGONE_API_SERVICE_HOSTNAME`, `PINGONE_AUTH_SERVICE_HOSTNAME`,
//! `PINGONE_CLIENT_CREDENTIALS_CLIENT_ID` and `_SECRET`), read as the variable they name; two
//! names of one setting that disagree are a problem naming both.
//!
//! Known gaps: `PINGONE_CLIENT_ID` is not checked to be a UUID (the Go SDK does); the SDKv2
//! acceptance tests' `*_TESTACC` names and the Go SDK's `PINGONE_ROOT_DOMAIN`,
//! `PINGONE_API_DOMAIN` and `PINGONE_CUSTOM_DOMAIN` are not read.

use std::fmt;
use std::time::Duration;

use crate::secret::Secret;

mod aliases;
mod dotenv;
mod reader;
mod region;
mod target;
pub mod transport;
mod vars;

#[cfg(test)]
mod tests;

use dotenv::{layered, read_dotenv};
use reader::Reader;
pub use region::{Region, TokenAuthMethod};
pub use transport::CaCert;
pub use vars::{Scope, VARIABLES, Variable, secret_variables, target_variables, var};

/// The `.env` file read by [`Config::from_env`], relative to the current directory.
pub const DOTENV_FILE: &str = ".env";

/// Names another dotenv file to read instead of `.env`; a path that does not exist reads
/// nothing (useful to run with the real environment only).
pub const DOTENV_OVERRIDE: &str = "PINGONE_DOTENV";

/// Defaults of [`RunConfig`].
const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
/// The one licence rate Ping has published, in operations per second (docs/api-facts.md §3).
pub const PUBLISHED_LICENCE_RATE: usize = 100;
/// The share of a licence's rate one IP address may use by default, in percent (§11.4).
pub const PER_IP_SHARE_PERCENT: usize = 35;
/// The ceiling of requests in flight: a full window is no more than one second's share for one
/// IP address of the published licence rate; the HTTP client's window finds a lower limit
/// through 429s.
const DEFAULT_CONCURRENCY: usize = 32;
const _: () = assert!(
    DEFAULT_CONCURRENCY * 100 <= PUBLISHED_LICENCE_RATE * PER_IP_SHARE_PERCENT,
    "the default ceiling exceeds one second's per-IP share of the published licence rate"
);
const MAX_CONCURRENCY: usize = 64;
const DEFAULT_MAX_RETRIES: u32 = 5;
const DEFAULT_RETRY_CAP_SECS: u64 = 30;
const DEFAULT_PERMISSION_WAIT_SECS: u64 = 60;
const DEFAULT_CONSISTENCY_WAIT_MS: u64 = 2_000;

/// How the suite gets a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Client credentials grant against the worker app's environment.
    Client {
        /// Worker app client ID.
        client_id: String,
        /// Worker app client secret.
        client_secret: Secret,
        /// Token endpoint authentication method.
        method: TokenAuthMethod,
    },
    /// A ready bearer token.
    AccessToken(Secret),
}

/// A second worker app whose role may read users but not update them (the least-privilege
/// cases); its tokens come from the same token URL, with the same authentication method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadonlyClient {
    /// Client ID.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
}

/// What kind of server a run talks to. Tenant-only behaviour (the known deviations of
/// `src/suite/deviations.rs`, the smaller default fuzz budget) applies only where
/// [`TargetKind::is_tenant`] is true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum TargetKind {
    /// The mock started in-process because nothing was configured.
    EmbeddedMock,
    /// A mock handed over in code (self-tests).
    Mock,
    /// A standalone `pingone-mock` reached through the variables, declared with
    /// `PINGONE_TARGET_KIND=mock`.
    StandaloneMock,
    /// A PingOne tenant, or any other server configured through the variables without
    /// `PINGONE_TARGET_KIND=mock`.
    Tenant,
}

impl TargetKind {
    /// Whether the target is (declared as) a real PingOne tenant.
    #[must_use]
    pub fn is_tenant(self) -> bool {
        self == TargetKind::Tenant
    }

    /// Whether the target is this crate's mock, in-process or standalone.
    #[must_use]
    pub fn is_mock(self) -> bool {
        !self.is_tenant()
    }
}

/// Where and how to connect: read from the variables, or built from a running mock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    /// Kind of target.
    pub kind: TargetKind,
    /// API base URL ending in `/v1`, no trailing slash, e.g. `https://api.pingone.eu/v1`.
    pub api_url: String,
    /// Auth base URL without a trailing slash, e.g. `https://auth.pingone.eu`.
    pub auth_url: String,
    /// Environment that holds the worker app (token URL); always set with client credentials,
    /// `None` with a ready token and no `PINGONE_ENVIRONMENT_ID`.
    pub worker_environment_id: Option<String>,
    /// Environment whose users are tested.
    pub environment_id: String,
    /// How to get a token.
    pub credentials: Credentials,
    /// Population for created users, if configured.
    pub population_id: Option<String>,
    /// Existing user that MFA-EXISTING-01 toggles and restores, if configured.
    pub test_user_id: Option<String>,
    /// The read-only worker app, if configured (`PINGONE_READONLY_CLIENT_ID`).
    pub readonly_client: Option<ReadonlyClient>,
}

impl TargetInfo {
    /// The token endpoint, `{auth_url}/{worker_environment_id}/as/token`, when the worker app's
    /// environment is known (docs/api-facts.md §4).
    #[must_use]
    pub fn token_url(&self) -> Option<String> {
        self.worker_environment_id
            .as_ref()
            .map(|env| format!("{}/{env}/as/token", self.auth_url))
    }
}

/// Settings of the run itself, independent of the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunConfig {
    /// Whether writes to a PRODUCTION environment are allowed.
    pub allow_production: bool,
    /// Whether SHOULD-level failures fail the run.
    pub strict: bool,
    /// Timeout of each HTTP request.
    pub request_timeout: Duration,
    /// Most HTTP requests in flight at once, across all cases (1..=64): the ceiling of the
    /// HTTP client's adaptive window (see [`crate::http`]).
    pub concurrency: usize,
    /// Retries of a request that met a transient answer or a failed connection.
    pub max_retries: u32,
    /// Longest wait before a retry.
    pub retry_cap: Duration,
    /// Number of generated cases, if configured.
    pub fuzz_cases: Option<u32>,
    /// Name of the behaviour profile snapshot (`PINGONE_PROFILE`), if configured.
    pub profile: Option<String>,
    /// Directory of the behaviour profile snapshots (`PINGONE_PROFILE_DIR`), if configured.
    pub profile_dir: Option<std::path::PathBuf>,
    /// Longest wait at session start for a fresh worker app's permissions to propagate.
    pub permission_wait: Duration,
    /// Longest wait for a successful write to show in the reads that follow it.
    pub consistency_wait: Duration,
    /// Seed of the generated cases, if configured (`PINGONE_FUZZ_SEED`: replays a run).
    pub fuzz_seed: Option<u64>,
    /// Extra certificate authorities to trust (`PINGONE_CA_CERT`), besides the system's.
    pub ca_cert: Option<CaCert>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            allow_production: false,
            strict: false,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
            concurrency: DEFAULT_CONCURRENCY,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_cap: Duration::from_secs(DEFAULT_RETRY_CAP_SECS),
            fuzz_cases: None,
            profile: None,
            profile_dir: None,
            permission_wait: Duration::from_secs(DEFAULT_PERMISSION_WAIT_SECS),
            consistency_wait: Duration::from_millis(DEFAULT_CONSISTENCY_WAIT_MS),
            fuzz_seed: None,
            ca_cert: None,
        }
    }
}

/// What the suite runs against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per run; `Server(TargetInfo)` is kept unboxed so callers can match on it directly"
)]
pub enum Target {
    /// The mock embedded in this crate.
    EmbeddedMock,
    /// A server reached through the variables: a PingOne tenant or a standalone
    /// `pingone-mock` ([`TargetInfo::kind`] says which).
    Server(TargetInfo),
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// What to test.
    pub target: Target,
    /// How to run.
    pub run: RunConfig,
}

/// Every problem found in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// One line per problem, without secret values.
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "PingOne configuration is incomplete or invalid:")?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        write!(f, "See .env.example and README.md.")
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the configuration from the process environment, falling back to `.env` in the
    /// current directory (see the module documentation).
    ///
    /// # Errors
    ///
    /// Returns every problem found, including an unreadable or malformed `.env`.
    pub fn from_env() -> Result<Config, ConfigError> {
        let path = std::env::var_os(DOTENV_OVERRIDE)
            .filter(|p| !p.is_empty())
            .map_or_else(
                || std::path::PathBuf::from(DOTENV_FILE),
                std::path::PathBuf::from,
            );
        let (dotenv, mut problems) = read_dotenv(&path);
        for v in VARIABLES {
            if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(v.name) {
                problems.push(format!("{} is not valid UTF-8", v.name));
            }
        }
        let lookup = |name: &str| layered(std::env::var_os(name), dotenv.get(name));
        build(&lookup, problems)
    }

    /// Reads the configuration through `lookup` (variable name to value; `None` or an empty
    /// value means unset).
    ///
    /// # Errors
    ///
    /// Returns every problem found.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        build(&lookup, Vec::new())
    }
}

fn build(
    lookup: &dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
) -> Result<Config, ConfigError> {
    let mut reader = Reader {
        lookup,
        problems,
        secrets: Vec::new(),
        aliased: Default::default(),
    };
    reader.secrets = secret_variables()
        .filter_map(|name| reader.get(name))
        .collect();
    reader.resolve_aliases();

    let run = read_run(&mut reader);
    let target = target::read_target(&mut reader);

    match target {
        Some(target) if reader.problems.is_empty() => Ok(Config { target, run }),
        _ => {
            if reader.problems.is_empty() {
                // Unreachable by construction: a missing target always records a problem.
                reader.problem("the target could not be determined".to_owned());
            }
            Err(ConfigError {
                problems: reader.problems,
            })
        }
    }
}

fn read_run(r: &mut Reader<'_>) -> RunConfig {
    RunConfig {
        allow_production: r.boolean(var::ALLOW_PRODUCTION),
        strict: r.boolean(var::STRICT),
        request_timeout: Duration::from_secs(r.number(
            var::REQUEST_TIMEOUT_SECS,
            DEFAULT_REQUEST_TIMEOUT_SECS,
            1,
            86_400,
        )),
        concurrency: r.number(var::CONCURRENCY, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
        max_retries: r.number(var::MAX_RETRIES, DEFAULT_MAX_RETRIES, 0, 100),
        retry_cap: Duration::from_secs(r.number(
            var::RETRY_CAP_SECS,
            DEFAULT_RETRY_CAP_SECS,
            0,
            3_600,
        )),
        fuzz_cases: r.optional_number(var::FUZZ_CASES, 0, u32::MAX),
        profile: r.profile_name(var::PROFILE),
        profile_dir: r.get(var::PROFILE_DIR).map(std::path::PathBuf::from),
        permission_wait: Duration::from_secs(r.number(
            var::PERMISSION_WAIT_SECS,
            DEFAULT_PERMISSION_WAIT_SECS,
            0,
            3_600,
        )),
        consistency_wait: Duration::from_millis(r.number(
            var::CONSISTENCY_WAIT_MS,
            DEFAULT_CONSISTENCY_WAIT_MS,
            0,
            60_000,
        )),
        fuzz_seed: r.optional_number(var::FUZZ_SEED, 0, u64::MAX),
        ca_cert: r
            .get(var::CA_CERT)
            .and_then(|path| match CaCert::read(&path) {
                Ok(ca) => Some(ca),
                Err(e) => {
                    r.problem(format!("{}: {e}", var::CA_CERT));
                    None
                }
            }),
    }
}
