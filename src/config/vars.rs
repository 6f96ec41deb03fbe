//! The variables this crate reads: one table, [`VARIABLES`], from which everything else is
//! derived (the [`var`] name constants, the tenant-only list, which values are
//! secrets, and the `.env.example` and README tables, both checked against it by the tests below).
//!
//! A row of `vars!` reads
//!
//! ```text
//! /// One sentence: what the variable means, its values and default.
//! CONSTANT = "PINGONE_NAME", scope: Target, secret: false;
//! ```
//!
//! - the doc comment is the meaning: it documents the constant, and is the comment above the
//!   variable in `.env.example` and its line in the README table (word for word);
//! - `scope: Target` marks a variable that only makes sense with a configured target (a tenant
//!   or a standalone mock): set without credentials it is an error, not a silent fallback to the
//!   embedded mock; `scope: Run` applies to every run;
//! - `secret: true` marks a value that is never echoed in a problem text (and must be held in a
//!   [`Secret`](crate::secret::Secret) once read);
//! - `alias_of: CONSTANT` marks the name one of Ping's own tools (the Go SDK, the Terraform
//!   provider) gives the same setting: it is read as that variable, translated where its values
//!   are spelt differently, and set beside it with another meaning it is an error naming both
//!   (see `src/config/aliases.rs`).

/// Whether a variable needs a configured target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Only meaningful with a configured target (tenant or standalone mock).
    Target,
    /// Applies to every run, the embedded mock included.
    Run,
}

/// One row of the variable table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The variable's name, e.g. `PINGONE_ENVIRONMENT_ID`.
    pub name: &'static str,
    /// One sentence: what it means, its values and its default.
    pub meaning: &'static str,
    /// Whether it needs a configured target.
    pub scope: Scope,
    /// Whether its value is a secret (never echoed).
    pub secret: bool,
    /// The variable this one is another name for, as Ping's own tools name it.
    pub alias_of: Option<&'static str>,
}

macro_rules! alias_of {
    () => {
        None
    };
    ($alias:ident) => {
        Some(var::$alias)
    };
}

macro_rules! vars {
    ($( $(#[doc = $doc:literal])+ $constant:ident = $name:literal, scope: $scope:ident, secret: $secret:literal $(, alias_of: $alias:ident)?; )+) => {
        /// Names of the environment variables read by this module, one constant per row of
        /// [`VARIABLES`](crate::config::VARIABLES).
        pub mod var {
            $( $(#[doc = $doc])+ pub const $constant: &str = $name; )+
        }

        /// Every variable this crate reads, with its meaning, scope and secrecy.
        pub const VARIABLES: &[Variable] = &[
            $( Variable {
                name: $name,
                meaning: concat!($($doc),+).trim_ascii_start(),
                scope: Scope::$scope,
                secret: $secret,
                alias_of: alias_of!($($alias)?),
            }, )+
        ];
    };
}

vars! {
    // --- which target ------------------------------------------------------------------------
    /// UUID of the environment that holds the worker app (token URL); also the environment under test unless PINGONE_TARGET_ENVIRONMENT_ID is set. Unset everything to use the embedded mock.
    ENVIRONMENT_ID = "PINGONE_ENVIRONMENT_ID", scope: Target, secret: false;
    /// UUID of the environment under test, if it differs from PINGONE_ENVIRONMENT_ID.
    TARGET_ENVIRONMENT_ID = "PINGONE_TARGET_ENVIRONMENT_ID", scope: Target, secret: false;
    /// What the configured server is: tenant (default, a PingOne tenant) or mock (a standalone pingone-mock; tenant-only behaviour such as known deviations and the smaller fuzz budget does not apply).
    TARGET_KIND = "PINGONE_TARGET_KIND", scope: Target, secret: false;
    /// Region of the tenant: NA (default), EU, AP, CA, AU or SG.
    REGION_CODE = "PINGONE_REGION_CODE", scope: Target, secret: false;
    /// The region as Ping's Go SDK names it, by its hosts' top-level domain: com, eu, asia, ca, com.au or sg (PINGONE_REGION_CODE NA, EU, AP, CA, AU or SG).
    TOP_LEVEL_DOMAIN = "PINGONE_TOP_LEVEL_DOMAIN", scope: Target, secret: false, alias_of: REGION_CODE;
    /// The region by the long name of the Terraform provider and SDKv2 (deprecated there): NorthAmerica, Europe, AsiaPacific, Canada, Australia-AsiaPacific or Singapore.
    REGION = "PINGONE_REGION", scope: Target, secret: false, alias_of: REGION_CODE;
    /// Full API base URL overriding the region's, e.g. http://127.0.0.1:8080/v1.
    API_URL = "PINGONE_API_URL", scope: Target, secret: false;
    /// The API host as the Terraform provider and SDKv2 name it, e.g. api.pingone.eu, read as the PINGONE_API_URL of that host: its https base URL with /v1.
    API_SERVICE_HOSTNAME = "PINGONE_API_SERVICE_HOSTNAME", scope: Target, secret: false, alias_of: API_URL;
    /// Full auth base URL overriding the region's, e.g. http://127.0.0.1:8080.
    AUTH_URL = "PINGONE_AUTH_URL", scope: Target, secret: false;
    /// The auth host as the Terraform provider and SDKv2 name it, e.g. auth.pingone.eu, read as the PINGONE_AUTH_URL of that host: its https base URL.
    AUTH_SERVICE_HOSTNAME = "PINGONE_AUTH_SERVICE_HOSTNAME", scope: Target, secret: false, alias_of: AUTH_URL;
    /// Path of a PEM file of certificate authorities to trust besides the system's, e.g. a corporate proxy's private CA. Credentials go only to https:// URLs, except to 127.0.0.0/8, ::1 and localhost.
    CA_CERT = "PINGONE_CA_CERT", scope: Target, secret: false;
    // --- credentials -------------------------------------------------------------------------
    /// Client ID of a worker app (roles: Identity Data Admin, plus one that can read the environment such as Environment Admin); needs PINGONE_CLIENT_SECRET and PINGONE_ENVIRONMENT_ID.
    CLIENT_ID = "PINGONE_CLIENT_ID", scope: Target, secret: false;
    /// PINGONE_CLIENT_ID as Ping's Go SDK names it.
    CLIENT_CREDENTIALS_CLIENT_ID = "PINGONE_CLIENT_CREDENTIALS_CLIENT_ID", scope: Target, secret: false, alias_of: CLIENT_ID;
    /// Client secret of that worker app (never printed).
    CLIENT_SECRET = "PINGONE_CLIENT_SECRET", scope: Target, secret: true;
    /// PINGONE_CLIENT_SECRET as Ping's Go SDK names it (never printed).
    CLIENT_CREDENTIALS_CLIENT_SECRET = "PINGONE_CLIENT_CREDENTIALS_CLIENT_SECRET", scope: Target, secret: true, alias_of: CLIENT_SECRET;
    /// Token endpoint authentication: basic (default, client_secret_basic) or post (client_secret_post).
    TOKEN_AUTH_METHOD = "PINGONE_TOKEN_AUTH_METHOD", scope: Target, secret: false;
    /// A ready bearer access token instead of client credentials (never printed); not together with PINGONE_CLIENT_ID/PINGONE_CLIENT_SECRET.
    API_ACCESS_TOKEN = "PINGONE_API_ACCESS_TOKEN", scope: Target, secret: true;
    /// Client ID of a second worker app in the same environment whose role may read users but not update them (least-privilege cases MFA-PRIV-*; skipped when unset); needs PINGONE_READONLY_CLIENT_SECRET.
    READONLY_CLIENT_ID = "PINGONE_READONLY_CLIENT_ID", scope: Target, secret: false;
    /// Client secret of that read-only worker app (never printed).
    READONLY_CLIENT_SECRET = "PINGONE_READONLY_CLIENT_SECRET", scope: Target, secret: true;
    // --- test data ---------------------------------------------------------------------------
    /// UUID of the population for users the suite creates (default: the environment's default population).
    POPULATION_ID = "PINGONE_POPULATION_ID", scope: Target, secret: false;
    /// UUID of an existing user that MFA-EXISTING-01 toggles and then restores; every other case works on users the suite creates.
    TEST_USER_ID = "PINGONE_TEST_USER_ID", scope: Target, secret: false;
    // --- how to run --------------------------------------------------------------------------
    /// true allows writes to a PRODUCTION environment (default false: only SANDBOX).
    ALLOW_PRODUCTION = "PINGONE_ALLOW_PRODUCTION", scope: Run, secret: false;
    /// true makes SHOULD-level failures fail the run (default false: they are reported).
    STRICT = "PINGONE_STRICT", scope: Run, secret: false;
    /// Timeout of each HTTP request in seconds (default 30).
    REQUEST_TIMEOUT_SECS = "PINGONE_REQUEST_TIMEOUT_SECS", scope: Run, secret: false;
    /// Most HTTP requests in flight at once, across all cases, 1 to 64 (default 32): the ceiling of a window that grows while answers come back healthy and halves on a 429, a 503, a timeout or rising latency.
    CONCURRENCY = "PINGONE_CONCURRENCY", scope: Run, secret: false;
    /// Retries of a request that met a transient answer (408, 429, 500, 502, 503, 504 or UNEXPECTED_ERROR) or a failed connection, as Ping's own clients retry them (default 5).
    MAX_RETRIES = "PINGONE_MAX_RETRIES", scope: Run, secret: false;
    /// Longest wait before a retry in seconds, also capping Retry-After (default 30).
    RETRY_CAP_SECS = "PINGONE_RETRY_CAP_SECS", scope: Run, secret: false;
    /// Longest wait in seconds at session start for the permissions of a freshly created worker app to propagate (a 403 "You do not have access to this resource." reading the environment), retried with back-off (default 60; 0 does not wait).
    PERMISSION_WAIT_SECS = "PINGONE_PERMISSION_WAIT_SECS", scope: Run, secret: false;
    /// Number of generated invalid bodies MFA-FUZZ-01 sends (default 24 against a tenant, 256 against a mock).
    FUZZ_CASES = "PINGONE_FUZZ_CASES", scope: Run, secret: false;
    /// Name of the behaviour profile snapshot, snapshots/profile__NAME.snap, that the run's profile is checked against and the first run records (default mock for the embedded mock; otherwise the region, or the API host, and the environment ID, e.g. eu-9c052a8a-14be-44e4-8f07-2662569994ce).
    PROFILE = "PINGONE_PROFILE", scope: Run, secret: false;
    /// Directory of the behaviour profile snapshots profile__NAME.snap (default: snapshots/ of this repository).
    PROFILE_DIR = "PINGONE_PROFILE_DIR", scope: Run, secret: false;
    /// Longest wait in milliseconds for a successful write to show in GET .../mfaEnabled and GET user before the read-back counts as wrong, 0 to 60000 (default 2000; a value that shows only after a wait is a SHOULD-level warning).
    CONSISTENCY_WAIT_MS = "PINGONE_CONSISTENCY_WAIT_MS", scope: Run, secret: false;
    /// Seed of MFA-FUZZ-01's generated bodies, to replay a reported run (default: a new random seed, printed in any finding).
    FUZZ_SEED = "PINGONE_FUZZ_SEED", scope: Run, secret: false;
}

/// The variables that need a configured target ([`Scope::Target`]).
pub fn target_variables() -> impl Iterator<Item = &'static str> {
    VARIABLES
        .iter()
        .filter(|v| v.scope == Scope::Target)
        .map(|v| v.name)
}

/// The variables whose values are secrets.
pub fn secret_variables() -> impl Iterator<Item = &'static str> {
    VARIABLES.iter().filter(|v| v.secret).map(|v| v.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_listed_once_with_a_one_line_meaning() {
        let mut names: Vec<&str> = VARIABLES.iter().map(|v| v.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), VARIABLES.len(), "duplicate names");
        for v in VARIABLES {
            assert!(v.name.starts_with("PINGONE_"), "{}", v.name);
            assert!(
                !v.meaning.is_empty()
                    && !v.meaning.contains('\n')
                    && !v.meaning.starts_with(' ')
                    && v.meaning.ends_with('.'),
                "{}: {:?}",
                v.name,
                v.meaning
            );
        }
        assert_eq!(var::CLIENT_SECRET, "PINGONE_CLIENT_SECRET");
        let secrets: Vec<&str> = secret_variables().collect();
        assert_eq!(
            secrets,
            [
                var::CLIENT_SECRET,
                var::CLIENT_CREDENTIALS_CLIENT_SECRET,
                var::API_ACCESS_TOKEN,
                var::READONLY_CLIENT_SECRET
            ]
        );
        // An alias names a variable of the table that is no alias itself, with its scope and
        // secrecy.
        for v in VARIABLES {
            let Some(of) = v.alias_of else { continue };
            let target = VARIABLES
                .iter()
                .find(|t| t.name == of)
                .unwrap_or_else(|| panic!("{} is an alias of {of}, not in the table", v.name));
            assert_eq!(target.alias_of, None, "{} aliases an alias", v.name);
            assert_eq!(
                (v.scope, v.secret),
                (target.scope, target.secret),
                "{}",
                v.name
            );
        }
        assert!(target_variables().any(|n| n == var::TEST_USER_ID));
        assert!(!target_variables().any(|n| n == var::STRICT));
    }

    /// `.env.example` lists every variable, empty, under its one-line meaning.
    #[test]
    fn env_example_lists_every_variable_with_its_meaning_and_no_value() {
        let example = include_str!("../../.env.example");
        let lines: Vec<&str> = example.lines().collect();
        for v in VARIABLES {
            let at = lines
                .iter()
                .position(|l| *l == format!("{}=", v.name))
                .unwrap_or_else(|| panic!("{}= missing from .env.example", v.name));
            assert!(
                at > 0 && lines[at - 1] == format!("# {}", v.meaning),
                "{}: the comment above it in .env.example differs from its meaning in src/config/vars.rs",
                v.name
            );
        }
        for line in lines
            .iter()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (name, value) = line.split_once('=').expect("NAME=");
            assert!(value.is_empty(), "{name} has a value in .env.example");
            assert!(
                VARIABLES.iter().any(|v| v.name == name),
                "{name} is in .env.example but not in src/config/vars.rs"
            );
        }
    }

    /// The README's variable table has one row per variable, `` | `NAME` | meaning | ``, in the
    /// order of the table, with the meaning word for word.
    #[test]
    fn readme_variable_table_matches_the_table() {
        let readme = include_str!("../../README.md");
        let rows: Vec<(&str, &str)> = readme
            .lines()
            .filter_map(|l| l.strip_prefix("| `PINGONE_"))
            .filter_map(|l| l.split_once("` | "))
            .map(|(name, rest)| (name, rest.strip_suffix(" |").unwrap_or(rest)))
            .collect();
        let expected: Vec<(String, &str)> = VARIABLES
            .iter()
            .map(|v| (v.name.trim_start_matches("PINGONE_").to_owned(), v.meaning))
            .collect();
        let found: Vec<(String, &str)> = rows.iter().map(|(n, m)| ((*n).to_owned(), *m)).collect();
        assert_eq!(
            found, expected,
            "README.md's variable table differs from src/config/vars.rs (one row per variable, \
             `| `NAME` | meaning |`, same order, meaning word for word)"
        );
    }
}
