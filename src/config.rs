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
//! tenant variables set, the run targets the embedded mock ([`Target::EmbeddedMock`]). Otherwise
//! it targets a PingOne tenant ([`Target::Tenant`]) with one of two kinds of credentials:
//!
//! - client credentials: `PINGONE_CLIENT_ID`, `PINGONE_CLIENT_SECRET` and `PINGONE_ENVIRONMENT_ID`
//!   (the environment that holds the worker app, used in the token URL
//!   `https://auth.pingone.{tld}/{environmentID}/as/token`; pingone-api-facts.md §4), the same
//!   names and the same "all three together" rule as Ping's Terraform provider and Go SDK (§6);
//! - a ready bearer token: `PINGONE_API_ACCESS_TOKEN`, which must not be combined with a client ID
//!   or secret (the Go SDK says "API access token cannot be set with client ID, client secret or
//!   environment ID"; here the environment ID is still allowed, as the target).
//!
//! The environment under test is `PINGONE_TARGET_ENVIRONMENT_ID` if set, else
//! `PINGONE_ENVIRONMENT_ID`. Region hosts follow the table in §4 "Regions and hosts";
//! `PINGONE_API_URL` / `PINGONE_AUTH_URL` override them independently (for a local mock or proxy).
//!
//! # Errors
//!
//! Every problem is collected before anything is returned, so one run shows all of them in one
//! [`ConfigError`]. No problem text contains the client secret or the access token: values are
//! echoed only when they are short and contain neither.
//!
//! Known gaps: `PINGONE_CLIENT_ID` is not checked to be a UUID (the Go SDK does), and the deprecated
//! `PINGONE_REGION` and the SDK's `PINGONE_*_SERVICE_HOSTNAME` variables are not read.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use crate::secret::Secret;

/// Names of the environment variables read by this module.
pub mod var {
    /// Environment that holds the worker app; also the target unless the next one is set.
    pub const ENVIRONMENT_ID: &str = "PINGONE_ENVIRONMENT_ID";
    /// Environment under test, when it differs from the worker app's.
    pub const TARGET_ENVIRONMENT_ID: &str = "PINGONE_TARGET_ENVIRONMENT_ID";
    /// Worker app client ID.
    pub const CLIENT_ID: &str = "PINGONE_CLIENT_ID";
    /// Worker app client secret.
    pub const CLIENT_SECRET: &str = "PINGONE_CLIENT_SECRET";
    /// How the client authenticates at the token endpoint.
    pub const TOKEN_AUTH_METHOD: &str = "PINGONE_TOKEN_AUTH_METHOD";
    /// A ready bearer token, instead of client credentials.
    pub const API_ACCESS_TOKEN: &str = "PINGONE_API_ACCESS_TOKEN";
    /// Region code: NA, EU, AP, CA, AU or SG.
    pub const REGION_CODE: &str = "PINGONE_REGION_CODE";
    /// Full API base URL, overriding the region's.
    pub const API_URL: &str = "PINGONE_API_URL";
    /// Full auth base URL, overriding the region's.
    pub const AUTH_URL: &str = "PINGONE_AUTH_URL";
    /// Population for users the suite creates.
    pub const POPULATION_ID: &str = "PINGONE_POPULATION_ID";
    /// An existing user to test against instead of creating one.
    pub const TEST_USER_ID: &str = "PINGONE_TEST_USER_ID";
    /// Allows writes to a PRODUCTION environment.
    pub const ALLOW_PRODUCTION: &str = "PINGONE_ALLOW_PRODUCTION";
    /// Makes SHOULD-level failures fail the run.
    pub const STRICT: &str = "PINGONE_STRICT";
    /// Per-request timeout in seconds.
    pub const REQUEST_TIMEOUT_SECS: &str = "PINGONE_REQUEST_TIMEOUT_SECS";
    /// Number of cases run at the same time.
    pub const CONCURRENCY: &str = "PINGONE_CONCURRENCY";
    /// Retries after 429 / 503.
    pub const MAX_RETRIES: &str = "PINGONE_MAX_RETRIES";
    /// Longest wait between retries, in seconds.
    pub const RETRY_CAP_SECS: &str = "PINGONE_RETRY_CAP_SECS";
    /// Number of generated (fuzz) cases.
    pub const FUZZ_CASES: &str = "PINGONE_FUZZ_CASES";
}

/// Every variable this crate reads, with a one-line meaning (for generated docs and for checking
/// `.env.example`).
pub const VARIABLES: &[(&str, &str)] = &[
    (
        var::ENVIRONMENT_ID,
        "UUID of the environment that holds the worker app (token URL); also the environment under test unless PINGONE_TARGET_ENVIRONMENT_ID is set. Unset everything to use the embedded mock.",
    ),
    (
        var::TARGET_ENVIRONMENT_ID,
        "UUID of the environment under test, if it differs from PINGONE_ENVIRONMENT_ID.",
    ),
    (
        var::CLIENT_ID,
        "Client ID of a worker app (roles: Identity Data Admin, plus one that can read the environment such as Environment Admin); needs PINGONE_CLIENT_SECRET and PINGONE_ENVIRONMENT_ID.",
    ),
    (
        var::CLIENT_SECRET,
        "Client secret of that worker app (never printed).",
    ),
    (
        var::TOKEN_AUTH_METHOD,
        "Token endpoint authentication: basic (default, client_secret_basic) or post (client_secret_post).",
    ),
    (
        var::API_ACCESS_TOKEN,
        "A ready bearer access token instead of client credentials (never printed); not together with PINGONE_CLIENT_ID/PINGONE_CLIENT_SECRET.",
    ),
    (
        var::REGION_CODE,
        "Region of the tenant: NA (default), EU, AP, CA, AU or SG.",
    ),
    (
        var::API_URL,
        "Full API base URL overriding the region's, e.g. http://127.0.0.1:8080/v1.",
    ),
    (
        var::AUTH_URL,
        "Full auth base URL overriding the region's, e.g. http://127.0.0.1:8080.",
    ),
    (
        var::POPULATION_ID,
        "UUID of the population for users the suite creates (default: the environment's default population).",
    ),
    (
        var::TEST_USER_ID,
        "UUID of an existing user to toggle as well (MFA-EXISTING-01); its original mfaEnabled is restored.",
    ),
    (
        var::ALLOW_PRODUCTION,
        "true allows writes to a PRODUCTION environment (default false: only SANDBOX).",
    ),
    (
        var::STRICT,
        "true makes SHOULD-level failures fail the run (default false: they are reported).",
    ),
    (
        var::REQUEST_TIMEOUT_SECS,
        "Timeout of each HTTP request in seconds (default 30).",
    ),
    (
        var::CONCURRENCY,
        "Number of cases run at the same time, 1 to 64 (default 4).",
    ),
    (
        var::MAX_RETRIES,
        "Retries of a request answered 429 or 503 (default 5).",
    ),
    (
        var::RETRY_CAP_SECS,
        "Longest wait before a retry in seconds, also capping Retry-After (default 30).",
    ),
    (
        var::FUZZ_CASES,
        "Number of generated invalid bodies MFA-FUZZ-01 sends (default 24 against a tenant, 256 against the mock).",
    ),
];

/// Variables that only make sense against a tenant; any of them set without credentials is an
/// error rather than a silent fallback to the embedded mock.
const TENANT_VARIABLES: &[&str] = &[
    var::CLIENT_ID,
    var::CLIENT_SECRET,
    var::TARGET_ENVIRONMENT_ID,
    var::API_URL,
    var::AUTH_URL,
    var::POPULATION_ID,
    var::TEST_USER_ID,
    var::TOKEN_AUTH_METHOD,
    var::REGION_CODE,
];

/// The `.env` file read by [`Config::from_env`], relative to the current directory.
pub const DOTENV_FILE: &str = ".env";

/// Names another dotenv file to read instead of `.env`; a path that does not exist reads
/// nothing (useful to run with the real environment only).
pub const DOTENV_OVERRIDE: &str = "PINGONE_DOTENV";

/// Defaults of [`RunConfig`].
const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
const DEFAULT_CONCURRENCY: usize = 4;
const MAX_CONCURRENCY: usize = 64;
const DEFAULT_MAX_RETRIES: u32 = 5;
const DEFAULT_RETRY_CAP_SECS: u64 = 30;

/// Values longer than this are never echoed in a problem text.
const MAX_ECHO_CHARS: usize = 16;

/// A PingOne region (pingone-api-facts.md §4 "Regions and hosts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// North America (excluding Canada), `com`. The default, as in Ping's Postman environment.
    #[default]
    NA,
    /// European Union, `eu`.
    EU,
    /// Asia-Pacific, `asia`.
    AP,
    /// Canada, `ca`.
    CA,
    /// Australia, `com.au`.
    AU,
    /// Singapore, `sg`.
    SG,
}

impl Region {
    /// All regions, in the order of the `PINGONE_REGION_CODE` documentation.
    pub const ALL: [Region; 6] = [
        Region::NA,
        Region::EU,
        Region::AP,
        Region::CA,
        Region::AU,
        Region::SG,
    ];

    /// Parses a region code such as `EU` or `eu`.
    #[must_use]
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim();
        Region::ALL
            .into_iter()
            .find(|region| region.code().eq_ignore_ascii_case(code))
    }

    /// The region code, as in `PINGONE_REGION_CODE` and the management API's `EnumRegionCode`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Region::NA => "NA",
            Region::EU => "EU",
            Region::AP => "AP",
            Region::CA => "CA",
            Region::AU => "AU",
            Region::SG => "SG",
        }
    }

    /// The top-level domain of the region's hosts.
    #[must_use]
    pub fn tld(&self) -> &'static str {
        match self {
            Region::NA => "com",
            Region::EU => "eu",
            Region::AP => "asia",
            Region::CA => "ca",
            Region::AU => "com.au",
            Region::SG => "sg",
        }
    }

    /// The API base URL, `https://api.pingone.{tld}/v1`.
    #[must_use]
    pub fn api_url(&self) -> String {
        format!("https://api.pingone.{}/v1", self.tld())
    }

    /// The auth base URL, `https://auth.pingone.{tld}`.
    #[must_use]
    pub fn auth_url(&self) -> String {
        format!("https://auth.pingone.{}", self.tld())
    }
}

/// How the worker app authenticates at the token endpoint (pingone-api-facts.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TokenAuthMethod {
    /// `CLIENT_SECRET_BASIC`: `Authorization: Basic base64(client_id:client_secret)`.
    #[default]
    Basic,
    /// `CLIENT_SECRET_POST`: `client_id` and `client_secret` as form fields.
    Post,
}

impl TokenAuthMethod {
    /// Parses `basic`, `post`, `client_secret_basic` or `client_secret_post`, ignoring case.
    #[must_use]
    pub fn parse(value: &str) -> Option<TokenAuthMethod> {
        match value.trim().to_ascii_lowercase().as_str() {
            "basic" | "client_secret_basic" => Some(TokenAuthMethod::Basic),
            "post" | "client_secret_post" => Some(TokenAuthMethod::Post),
            _ => None,
        }
    }
}

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

/// Where and how to reach a PingOne tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantConfig {
    /// API base URL without a trailing slash, e.g. `https://api.pingone.eu/v1`.
    pub api_url: String,
    /// Auth base URL without a trailing slash, e.g. `https://auth.pingone.eu`.
    pub auth_url: String,
    /// Environment that holds the worker app (always set with client credentials).
    pub environment_id: Option<String>,
    /// Environment under test.
    pub target_environment_id: String,
    /// How to get a token.
    pub credentials: Credentials,
    /// Population for created users, if configured.
    pub population_id: Option<String>,
    /// Existing user to test against, if configured.
    pub test_user_id: Option<String>,
    /// The configured region (its URLs may be overridden by `api_url` / `auth_url`).
    pub region: Region,
}

impl TenantConfig {
    /// The token endpoint, `{auth_url}/{environment_id}/as/token`, when the worker app's
    /// environment is known (pingone-api-facts.md §4).
    #[must_use]
    pub fn token_url(&self) -> Option<String> {
        self.environment_id
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
    /// Number of cases run at the same time (1..=64).
    pub concurrency: usize,
    /// Retries of a request answered 429 or 503.
    pub max_retries: u32,
    /// Longest wait before a retry.
    pub retry_cap: Duration,
    /// Number of generated cases, if configured.
    pub fuzz_cases: Option<u32>,
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
        }
    }
}

/// What the suite runs against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per run; `Tenant(TenantConfig)` is kept unboxed so callers can match on it directly"
)]
pub enum Target {
    /// The mock embedded in this crate.
    EmbeddedMock,
    /// A real (or externally hosted) PingOne tenant.
    Tenant(TenantConfig),
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
        for (name, _) in VARIABLES {
            if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(name) {
                problems.push(format!("{name} is not valid UTF-8"));
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

/// The value of a variable given its value in the process environment and in `.env`: the
/// process environment wins whenever the variable exists there, even if empty or not UTF-8.
fn layered(process: Option<std::ffi::OsString>, dotenv: Option<&String>) -> Option<String> {
    match process {
        Some(value) => value.into_string().ok(),
        None => dotenv.cloned(),
    }
}

/// Reads `path` as a dotenv file into a map (first occurrence wins, as in dotenvy's `load`).
/// A missing file gives an empty map; other failures are returned as problems.
///
/// The file is read whole and parsed with `dotenvy::from_read_iter` rather than
/// `dotenvy::from_path_iter`: the iterators, unlike dotenvy's `load`, do not strip a UTF-8 byte
/// order mark, which would make the first line unparsable.
fn read_dotenv(path: &Path) -> (HashMap<String, String>, Vec<String>) {
    let mut map = HashMap::new();
    let mut problems = Vec::new();
    let file = path.display();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (map, problems),
        Err(e) => {
            problems.push(format!("{file} cannot be read: {e}"));
            return (map, problems);
        }
    };
    let content = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    for item in dotenvy::from_read_iter(content) {
        match item {
            Ok((key, value)) => {
                map.entry(key).or_insert(value);
            }
            Err(e @ dotenvy::Error::Io(_)) => {
                // E.g. invalid UTF-8; stop rather than risk repeating the same error.
                problems.push(format!(
                    "{file} cannot be read: {}",
                    describe_dotenv_error(&e)
                ));
                break;
            }
            Err(e) => problems.push(format!("{file}: {}", describe_dotenv_error(&e))),
        }
    }
    (map, problems)
}

/// Describes a dotenvy error without quoting the offending line, which may hold a secret.
fn describe_dotenv_error(error: &dotenvy::Error) -> String {
    match error {
        dotenvy::Error::LineParse(line, _) => {
            let key = line
                .split('=')
                .next()
                .map(|k| k.trim().trim_start_matches("export ").trim())
                .filter(|k| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            match key {
                Some(key) => format!(
                    "the line for {key} cannot be parsed (check its quoting; the line is not shown as it may hold a secret)"
                ),
                None => "a line cannot be parsed (check its quoting; the line is not shown as it may hold a secret)".to_owned(),
            }
        }
        dotenvy::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Looks variables up, trimming and treating empty values as unset, and collects problems.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
    /// Values that must never appear in a problem text.
    secrets: Vec<String>,
}

impl Reader<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    /// ` (got "value")` for a short value that contains no secret, else an empty string.
    fn echo(&self, value: &str) -> String {
        let hides_secret = self
            .secrets
            .iter()
            .any(|secret| value.contains(secret.as_str()) || secret.contains(value));
        if value.chars().count() <= MAX_ECHO_CHARS && !hides_secret {
            format!(" (got {value:?})")
        } else {
            String::new()
        }
    }

    fn uuid(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        match uuid::Uuid::parse_str(&value) {
            // Canonical lower-case hyphenated form, as PingOne returns and the SDKs validate.
            Ok(id) => Some(id.to_string()),
            Err(_) => {
                let echo = self.echo(&value);
                self.problem(format!(
                    "{name} is not a UUID{echo}; expected e.g. 9c052a8a-14be-44e4-8f07-2662569994ce"
                ));
                None
            }
        }
    }

    fn url(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        let lower = value.to_ascii_lowercase();
        let rest = ["http://", "https://"]
            .into_iter()
            .find_map(|scheme| lower.strip_prefix(scheme));
        match rest {
            Some(rest) if !rest.trim_matches('/').is_empty() => {
                Some(value.trim_end_matches('/').to_owned())
            }
            Some(_) => {
                self.problem(format!("{name} has no host after http:// or https://"));
                None
            }
            None => {
                // URLs are not echoed: they can carry user:password.
                self.problem(format!(
                    "{name} must be a full URL starting with http:// or https://"
                ));
                None
            }
        }
    }

    fn boolean(&mut self, name: &str) -> bool {
        let Some(value) = self.get(name) else {
            return false;
        };
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                let echo = self.echo(&value);
                self.problem(format!(
                    "{name} is not a boolean{echo}; use true/false, yes/no or 1/0"
                ));
                false
            }
        }
    }

    /// An unsigned number within `min..=max`, or `default` when unset.
    fn number<T>(&mut self, name: &str, default: T, min: T, max: T) -> T
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        self.optional_number(name, min, max).unwrap_or(default)
    }

    fn optional_number<T>(&mut self, name: &str, min: T, max: T) -> Option<T>
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        let value = self.get(name)?;
        match value.parse::<T>() {
            Ok(n) if n >= min && n <= max => Some(n),
            Ok(_) => {
                let echo = self.echo(&value);
                self.problem(format!("{name} must be between {min} and {max}{echo}"));
                None
            }
            Err(_) => {
                let echo = self.echo(&value);
                self.problem(format!(
                    "{name} is not a whole number between {min} and {max}{echo}"
                ));
                None
            }
        }
    }
}

/// `A is set` / `A, B are set`.
fn are_set(names: &[&str]) -> String {
    let verb = if names.len() == 1 { "is" } else { "are" };
    format!("{} {verb} set", names.join(", "))
}

fn build(
    lookup: &dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
) -> Result<Config, ConfigError> {
    let mut reader = Reader {
        lookup,
        problems,
        secrets: Vec::new(),
    };
    reader.secrets = [var::CLIENT_SECRET, var::API_ACCESS_TOKEN]
        .into_iter()
        .filter_map(|name| reader.get(name))
        .collect();

    let run = read_run(&mut reader);
    let target = read_target(&mut reader);

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
    }
}

/// Returns `None` exactly when a problem was recorded that prevents choosing a target (other
/// problems may be recorded while still returning a target).
fn read_target(r: &mut Reader<'_>) -> Option<Target> {
    // Validate every tenant variable that is set, whatever the mode, so all problems show at once.
    let environment_id = r.uuid(var::ENVIRONMENT_ID);
    let target_environment_id = r.uuid(var::TARGET_ENVIRONMENT_ID);
    let population_id = r.uuid(var::POPULATION_ID);
    let test_user_id = r.uuid(var::TEST_USER_ID);
    let api_url = r.url(var::API_URL);
    let auth_url = r.url(var::AUTH_URL);
    let region = match r.get(var::REGION_CODE) {
        None => Region::default(),
        Some(code) => Region::parse(&code).unwrap_or_else(|| {
            let echo = r.echo(&code);
            r.problem(format!(
                "{} is not a known region{echo}; use NA, EU, AP, CA, AU or SG",
                var::REGION_CODE
            ));
            Region::default()
        }),
    };
    let method = match r.get(var::TOKEN_AUTH_METHOD) {
        None => TokenAuthMethod::default(),
        Some(value) => TokenAuthMethod::parse(&value).unwrap_or_else(|| {
            let echo = r.echo(&value);
            r.problem(format!(
                "{} is not a known method{echo}; use basic (client_secret_basic) or post (client_secret_post)",
                var::TOKEN_AUTH_METHOD
            ));
            TokenAuthMethod::default()
        }),
    };

    let token = r.get(var::API_ACCESS_TOKEN);
    let client_id = r.get(var::CLIENT_ID);
    let client_secret = r.get(var::CLIENT_SECRET);
    let environment_set = r.is_set(var::ENVIRONMENT_ID);
    let target_set = r.is_set(var::TARGET_ENVIRONMENT_ID);

    let credentials = if let Some(token) = token {
        let mut conflicting = vec![var::API_ACCESS_TOKEN];
        if client_id.is_some() {
            conflicting.push(var::CLIENT_ID);
        }
        if client_secret.is_some() {
            conflicting.push(var::CLIENT_SECRET);
        }
        if conflicting.len() > 1 {
            r.problem(format!(
                "set either {} or {} and {}, not both ({})",
                var::API_ACCESS_TOKEN,
                var::CLIENT_ID,
                var::CLIENT_SECRET,
                are_set(&conflicting),
            ));
            return None;
        }
        if !environment_set && !target_set {
            r.problem(format!(
                "{} is missing ({}): set it, or {}, to the environment under test",
                var::TARGET_ENVIRONMENT_ID,
                are_set(&[var::API_ACCESS_TOKEN]),
                var::ENVIRONMENT_ID,
            ));
            return None;
        }
        Credentials::AccessToken(Secret::new(token))
    } else if environment_set || client_id.is_some() || client_secret.is_some() {
        let trio = [var::CLIENT_ID, var::CLIENT_SECRET, var::ENVIRONMENT_ID];
        let set: Vec<&str> = trio.into_iter().filter(|name| r.is_set(name)).collect();
        let missing: Vec<&str> = trio.into_iter().filter(|name| !r.is_set(name)).collect();
        for name in &missing {
            let hint = if *name == var::ENVIRONMENT_ID {
                "; it names the worker app's environment, used in the token URL"
            } else {
                ""
            };
            r.problem(format!("{name} is missing ({}){hint}", are_set(&set)));
        }
        match (client_id, client_secret) {
            (Some(client_id), Some(client_secret)) if missing.is_empty() => Credentials::Client {
                client_id,
                client_secret: Secret::new(client_secret),
                method,
            },
            _ => return None,
        }
    } else {
        let set: Vec<&str> = TENANT_VARIABLES
            .iter()
            .copied()
            .filter(|name| r.is_set(name))
            .collect();
        if set.is_empty() {
            return Some(Target::EmbeddedMock);
        }
        r.problem(format!(
            "{} and {} are both missing ({}): to test a tenant set {}, {} and {}, or {}; \
             to test the embedded mock unset {}",
            var::ENVIRONMENT_ID,
            var::API_ACCESS_TOKEN,
            are_set(&set),
            var::ENVIRONMENT_ID,
            var::CLIENT_ID,
            var::CLIENT_SECRET,
            var::API_ACCESS_TOKEN,
            set.join(", "),
        ));
        return None;
    };

    // An invalid UUID was already reported; returning None keeps the error path.
    let target_environment_id = target_environment_id.or_else(|| environment_id.clone())?;
    Some(Target::Tenant(TenantConfig {
        api_url: api_url.unwrap_or_else(|| region.api_url()),
        auth_url: auth_url.unwrap_or_else(|| region.auth_url()),
        environment_id,
        target_environment_id,
        credentials,
        population_id,
        test_user_id,
        region,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str = "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6";
    const TARGET: &str = "9c052a8a-14be-44e4-8f07-2662569994ce";
    const USER: &str = "05ad3cc6-8723-4f85-9711-05ad549717f6";
    const POP: &str = "34f0efac-21d9-4a17-8a35-196bb3362983";
    const CLIENT: &str = "1b2c3d4e-0000-4000-8000-00000000c11e";
    const SECRET: &str = "Sup3r-S3cret-Value~xyz";
    const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.payload.signature";

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    fn problems_of(vars: &[(&str, &str)]) -> Vec<String> {
        match config(vars) {
            Ok(c) => panic!("expected an error, got {c:?}"),
            Err(e) => e.problems,
        }
    }

    fn tenant(vars: &[(&str, &str)]) -> TenantConfig {
        match config(vars) {
            Ok(Config {
                target: Target::Tenant(t),
                ..
            }) => t,
            other => panic!("expected a tenant, got {other:?}"),
        }
    }

    fn client_vars() -> Vec<(&'static str, &'static str)> {
        vec![
            (var::CLIENT_ID, CLIENT),
            (var::CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, ENV),
        ]
    }

    fn with(
        mut base: Vec<(&'static str, &'static str)>,
        extra: &[(&'static str, &'static str)],
    ) -> Vec<(&'static str, &'static str)> {
        base.extend_from_slice(extra);
        base
    }

    fn assert_one_problem_containing(vars: &[(&str, &str)], needle: &str) {
        let problems = problems_of(vars);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains(needle),
            "{:?} lacks {needle:?}",
            problems[0]
        );
    }

    #[test]
    fn nothing_set_targets_the_embedded_mock_with_defaults() {
        let c = config(&[]).expect("valid");
        assert_eq!(c.target, Target::EmbeddedMock);
        assert_eq!(c.run, RunConfig::default());
        assert_eq!(c.run.request_timeout, Duration::from_secs(30));
        assert_eq!(c.run.concurrency, 4);
        assert_eq!(c.run.max_retries, 5);
        assert_eq!(c.run.retry_cap, Duration::from_secs(30));
        assert_eq!(c.run.fuzz_cases, None);
        assert!(!c.run.allow_production && !c.run.strict);
    }

    #[test]
    fn empty_and_blank_values_count_as_unset() {
        let c = config(&[
            (var::CLIENT_ID, ""),
            (var::ENVIRONMENT_ID, "   "),
            (var::CONCURRENCY, ""),
        ])
        .expect("valid");
        assert_eq!(c.target, Target::EmbeddedMock);
        assert_eq!(c.run.concurrency, 4);
    }

    #[test]
    fn run_variables_are_read_in_mock_mode() {
        let c = config(&[
            (var::ALLOW_PRODUCTION, "YES"),
            (var::STRICT, "1"),
            (var::REQUEST_TIMEOUT_SECS, "7"),
            (var::CONCURRENCY, "64"),
            (var::MAX_RETRIES, "0"),
            (var::RETRY_CAP_SECS, "2"),
            (var::FUZZ_CASES, "250"),
        ])
        .expect("valid");
        assert_eq!(c.target, Target::EmbeddedMock);
        assert_eq!(
            c.run,
            RunConfig {
                allow_production: true,
                strict: true,
                request_timeout: Duration::from_secs(7),
                concurrency: 64,
                max_retries: 0,
                retry_cap: Duration::from_secs(2),
                fuzz_cases: Some(250),
            }
        );
    }

    #[test]
    fn booleans_accept_the_documented_spellings() {
        for (text, expected) in [
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("yes", true),
            ("Yes", true),
            ("false", false),
            ("False", false),
            ("0", false),
            ("no", false),
            ("NO", false),
        ] {
            let c = config(&[(var::STRICT, text)]).expect("valid");
            assert_eq!(c.run.strict, expected, "{text}");
        }
    }

    #[test]
    fn an_invalid_boolean_is_a_problem() {
        assert_one_problem_containing(
            &[(var::ALLOW_PRODUCTION, "maybe")],
            "PINGONE_ALLOW_PRODUCTION is not a boolean (got \"maybe\")",
        );
    }

    #[test]
    fn invalid_numbers_are_problems() {
        let problems = problems_of(&[
            (var::REQUEST_TIMEOUT_SECS, "ten"),
            (var::CONCURRENCY, "0"),
            (var::MAX_RETRIES, "-1"),
            (var::RETRY_CAP_SECS, "1.5"),
            (var::FUZZ_CASES, "many"),
        ]);
        assert_eq!(problems.len(), 5, "{problems:#?}");
        for name in [
            var::REQUEST_TIMEOUT_SECS,
            var::CONCURRENCY,
            var::MAX_RETRIES,
            var::RETRY_CAP_SECS,
            var::FUZZ_CASES,
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(name)),
                "{name}: {problems:#?}"
            );
        }
    }

    #[test]
    fn concurrency_must_be_between_1_and_64() {
        assert_one_problem_containing(
            &[(var::CONCURRENCY, "65")],
            "PINGONE_CONCURRENCY must be between 1 and 64",
        );
        assert_one_problem_containing(
            &[(var::CONCURRENCY, "0")],
            "PINGONE_CONCURRENCY must be between 1 and 64",
        );
        assert_eq!(
            config(&[(var::CONCURRENCY, "1")])
                .expect("valid")
                .run
                .concurrency,
            1
        );
    }

    #[test]
    fn client_credentials_give_a_tenant_in_the_default_region() {
        let t = tenant(&client_vars());
        assert_eq!(t.api_url, "https://api.pingone.com/v1");
        assert_eq!(t.auth_url, "https://auth.pingone.com");
        assert_eq!(t.environment_id.as_deref(), Some(ENV));
        assert_eq!(t.target_environment_id, ENV);
        assert_eq!(t.region, Region::NA);
        assert_eq!(t.population_id, None);
        assert_eq!(t.test_user_id, None);
        assert_eq!(
            t.credentials,
            Credentials::Client {
                client_id: CLIENT.to_owned(),
                client_secret: Secret::new(SECRET),
                method: TokenAuthMethod::Basic,
            }
        );
        assert_eq!(
            t.token_url().as_deref(),
            Some(format!("https://auth.pingone.com/{ENV}/as/token").as_str())
        );
    }

    #[test]
    fn all_tenant_options_are_read() {
        let t = tenant(&with(
            client_vars(),
            &[
                (var::TARGET_ENVIRONMENT_ID, TARGET),
                (var::POPULATION_ID, POP),
                (var::TEST_USER_ID, USER),
                (var::REGION_CODE, "eu"),
                (var::TOKEN_AUTH_METHOD, "CLIENT_SECRET_POST"),
            ],
        ));
        assert_eq!(t.target_environment_id, TARGET);
        assert_eq!(t.environment_id.as_deref(), Some(ENV));
        assert_eq!(t.population_id.as_deref(), Some(POP));
        assert_eq!(t.test_user_id.as_deref(), Some(USER));
        assert_eq!(t.region, Region::EU);
        assert_eq!(t.api_url, "https://api.pingone.eu/v1");
        assert_eq!(t.auth_url, "https://auth.pingone.eu");
        assert!(matches!(
            t.credentials,
            Credentials::Client {
                method: TokenAuthMethod::Post,
                ..
            }
        ));
    }

    #[test]
    fn uuids_are_normalised_to_lower_case_hyphenated() {
        let t = tenant(&[
            (var::CLIENT_ID, CLIENT),
            (var::CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, "ABFBA8F649EB49F5A5D980AD5C98F9F6"),
        ]);
        assert_eq!(t.environment_id.as_deref(), Some(ENV));
        assert_eq!(t.target_environment_id, ENV);
    }

    #[test]
    fn token_auth_method_spellings() {
        for (text, expected) in [
            ("basic", TokenAuthMethod::Basic),
            ("BASIC", TokenAuthMethod::Basic),
            ("client_secret_basic", TokenAuthMethod::Basic),
            ("post", TokenAuthMethod::Post),
            ("Client_Secret_Post", TokenAuthMethod::Post),
        ] {
            assert_eq!(TokenAuthMethod::parse(text), Some(expected), "{text}");
        }
        assert_eq!(TokenAuthMethod::parse("private_key_jwt"), None);
        assert_one_problem_containing(
            &with(client_vars(), &[(var::TOKEN_AUTH_METHOD, "jwt")]),
            "PINGONE_TOKEN_AUTH_METHOD is not a known method (got \"jwt\")",
        );
    }

    #[test]
    fn regions_map_to_their_hosts() {
        let expected = [
            ("NA", "com"),
            ("EU", "eu"),
            ("AP", "asia"),
            ("CA", "ca"),
            ("AU", "com.au"),
            ("SG", "sg"),
        ];
        for (code, tld) in expected {
            for spelling in [code.to_owned(), code.to_ascii_lowercase()] {
                let region = Region::parse(&spelling).expect("known region");
                assert_eq!(region.code(), code);
                assert_eq!(region.api_url(), format!("https://api.pingone.{tld}/v1"));
                assert_eq!(region.auth_url(), format!("https://auth.pingone.{tld}"));
            }
        }
        assert_eq!(Region::parse("US"), None);
        assert_eq!(Region::parse(""), None);
        let t = tenant(&with(client_vars(), &[(var::REGION_CODE, "au")]));
        assert_eq!(t.api_url, "https://api.pingone.com.au/v1");
    }

    #[test]
    fn an_invalid_region_is_a_problem() {
        assert_one_problem_containing(
            &with(client_vars(), &[(var::REGION_CODE, "Europe")]),
            "PINGONE_REGION_CODE is not a known region (got \"Europe\")",
        );
    }

    #[test]
    fn url_overrides_are_independent_and_lose_trailing_slashes() {
        let t = tenant(&with(
            client_vars(),
            &[
                (var::API_URL, "http://127.0.0.1:8080/v1/"),
                (var::REGION_CODE, "CA"),
            ],
        ));
        assert_eq!(t.api_url, "http://127.0.0.1:8080/v1");
        assert_eq!(t.auth_url, "https://auth.pingone.ca");

        let t = tenant(&with(
            client_vars(),
            &[(var::AUTH_URL, "HTTP://127.0.0.1:8080//")],
        ));
        assert_eq!(t.api_url, "https://api.pingone.com/v1");
        assert_eq!(t.auth_url, "HTTP://127.0.0.1:8080");
    }

    #[test]
    fn urls_without_http_scheme_are_problems() {
        let problems = problems_of(&with(
            client_vars(),
            &[
                (var::API_URL, "api.pingone.com/v1"),
                (var::AUTH_URL, "https://"),
            ],
        ));
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0]
                .contains("PINGONE_API_URL must be a full URL starting with http:// or https://")
        );
        assert!(problems[1].contains("PINGONE_AUTH_URL has no host"));
    }

    #[test]
    fn every_missing_client_credential_is_named_with_what_is_set() {
        let problems = problems_of(&[(var::CLIENT_ID, CLIENT)]);
        assert_eq!(
            problems,
            vec![
                "PINGONE_CLIENT_SECRET is missing (PINGONE_CLIENT_ID is set)".to_owned(),
                "PINGONE_ENVIRONMENT_ID is missing (PINGONE_CLIENT_ID is set); it names the worker app's environment, used in the token URL".to_owned(),
            ]
        );

        let problems = problems_of(&[(var::ENVIRONMENT_ID, ENV), (var::CLIENT_SECRET, SECRET)]);
        assert_eq!(
            problems,
            vec!["PINGONE_CLIENT_ID is missing (PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID are set)".to_owned()]
        );

        let problems = problems_of(&[(var::ENVIRONMENT_ID, ENV)]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0].starts_with("PINGONE_CLIENT_ID is missing (PINGONE_ENVIRONMENT_ID is set)")
        );
        assert!(
            problems[1]
                .starts_with("PINGONE_CLIENT_SECRET is missing (PINGONE_ENVIRONMENT_ID is set)")
        );
    }

    #[test]
    fn a_tenant_variable_without_credentials_is_an_error_not_the_mock() {
        for name in TENANT_VARIABLES
            .iter()
            .filter(|n| **n != var::CLIENT_ID && **n != var::CLIENT_SECRET)
        {
            let value = match *name {
                var::API_URL | var::AUTH_URL => "http://127.0.0.1:8080",
                var::REGION_CODE => "EU",
                var::TOKEN_AUTH_METHOD => "post",
                _ => TARGET,
            };
            let problems = problems_of(&[(name, value)]);
            assert_eq!(problems.len(), 1, "{name}: {problems:#?}");
            assert!(
                problems[0].starts_with(&format!(
                    "PINGONE_ENVIRONMENT_ID and PINGONE_API_ACCESS_TOKEN are both missing ({name} is set)"
                )),
                "{problems:#?}"
            );
            assert!(
                problems[0].contains(&format!("unset {name}")),
                "{problems:#?}"
            );
        }
    }

    #[test]
    fn access_token_mode_uses_the_target_or_the_environment() {
        let t = tenant(&[
            (var::API_ACCESS_TOKEN, TOKEN),
            (var::TARGET_ENVIRONMENT_ID, TARGET),
        ]);
        assert_eq!(t.credentials, Credentials::AccessToken(Secret::new(TOKEN)));
        assert_eq!(t.target_environment_id, TARGET);
        assert_eq!(t.environment_id, None);
        assert_eq!(t.token_url(), None);

        let t = tenant(&[(var::API_ACCESS_TOKEN, TOKEN), (var::ENVIRONMENT_ID, ENV)]);
        assert_eq!(t.target_environment_id, ENV);
        assert_eq!(t.environment_id.as_deref(), Some(ENV));

        let t = tenant(&[
            (var::API_ACCESS_TOKEN, TOKEN),
            (var::ENVIRONMENT_ID, ENV),
            (var::TARGET_ENVIRONMENT_ID, TARGET),
        ]);
        assert_eq!(t.target_environment_id, TARGET);
    }

    #[test]
    fn access_token_without_any_environment_is_a_problem() {
        assert_one_problem_containing(
            &[(var::API_ACCESS_TOKEN, TOKEN)],
            "PINGONE_TARGET_ENVIRONMENT_ID is missing (PINGONE_API_ACCESS_TOKEN is set)",
        );
    }

    #[test]
    fn access_token_with_client_credentials_is_a_problem() {
        let both = with(client_vars(), &[(var::API_ACCESS_TOKEN, TOKEN)]);
        assert_one_problem_containing(
            &both,
            "set either PINGONE_API_ACCESS_TOKEN or PINGONE_CLIENT_ID and PINGONE_CLIENT_SECRET, not both",
        );
        assert_one_problem_containing(
            &[
                (var::API_ACCESS_TOKEN, TOKEN),
                (var::CLIENT_SECRET, SECRET),
                (var::ENVIRONMENT_ID, ENV),
            ],
            "(PINGONE_API_ACCESS_TOKEN, PINGONE_CLIENT_SECRET are set)",
        );
    }

    #[test]
    fn each_non_uuid_id_is_named() {
        let problems = problems_of(&[
            (var::CLIENT_ID, CLIENT),
            (var::CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, "not-a-uuid"),
            (
                var::TARGET_ENVIRONMENT_ID,
                "abfba8f6-49eb-49f5-a5d9-80ad5c98f9fZ",
            ),
            (var::POPULATION_ID, "pop"),
            (var::TEST_USER_ID, "user@example.com"),
        ]);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        for (problem, name) in problems.iter().zip([
            var::ENVIRONMENT_ID,
            var::TARGET_ENVIRONMENT_ID,
            var::POPULATION_ID,
            var::TEST_USER_ID,
        ]) {
            assert!(
                problem.starts_with(&format!("{name} is not a UUID")),
                "{problem}"
            );
        }
        assert!(
            problems[0].contains("(got \"not-a-uuid\")"),
            "short values are echoed"
        );
        assert!(
            !problems[1].contains("got"),
            "long values are not echoed: {}",
            problems[1]
        );
    }

    #[test]
    fn all_problems_are_collected_into_one_error() {
        let e = config(&[
            (var::CLIENT_ID, CLIENT),
            (var::REGION_CODE, "XX"),
            (var::STRICT, "sometimes"),
            (var::CONCURRENCY, "100"),
            (var::TEST_USER_ID, "nope"),
        ])
        .expect_err("invalid");
        assert_eq!(e.problems.len(), 6, "{:#?}", e.problems);
        let text = e.to_string();
        assert!(
            text.starts_with("PingOne configuration is incomplete or invalid:\n  - "),
            "{text}"
        );
        assert!(
            text.ends_with("\nSee .env.example and README.md."),
            "{text}"
        );
        assert_eq!(
            text.lines().filter(|l| l.starts_with("  - ")).count(),
            6,
            "{text}"
        );
        assert!(
            text.contains("  - PINGONE_CLIENT_SECRET is missing (PINGONE_CLIENT_ID is set)\n"),
            "{text}"
        );
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn secrets_never_appear_in_debug_or_problem_texts() {
        // A valid client-credentials config and a valid token config.
        let c = config(&client_vars()).expect("valid");
        let debug = format!("{c:?} {c:#?}");
        assert!(!debug.contains(SECRET), "{debug}");
        let c =
            config(&[(var::API_ACCESS_TOKEN, TOKEN), (var::ENVIRONMENT_ID, ENV)]).expect("valid");
        let debug = format!("{c:?} {c:#?}");
        assert!(!debug.contains(TOKEN), "{debug}");

        // Secrets pasted into the wrong variables, in every problem path.
        let short_secret = "hunter2";
        let e = config(&[
            (var::CLIENT_SECRET, short_secret),
            (var::API_ACCESS_TOKEN, TOKEN),
            (var::ENVIRONMENT_ID, short_secret),
            (var::TARGET_ENVIRONMENT_ID, TOKEN),
            (var::REGION_CODE, short_secret),
            (var::TOKEN_AUTH_METHOD, short_secret),
            (var::STRICT, short_secret),
            (var::CONCURRENCY, short_secret),
            (var::API_URL, short_secret),
            (var::AUTH_URL, TOKEN),
        ])
        .expect_err("invalid");
        let text = format!("{e} {e:?}");
        assert!(e.problems.len() >= 8, "{text}");
        assert!(!text.contains(short_secret), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }

    #[test]
    fn variables_lists_every_variable_once_with_a_meaning() {
        let mut names: Vec<&str> = VARIABLES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), 18);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 18, "duplicate names");
        for (name, meaning) in VARIABLES {
            assert!(name.starts_with("PINGONE_"), "{name}");
            assert!(!meaning.is_empty() && !meaning.contains('\n'), "{name}");
        }
        for name in TENANT_VARIABLES {
            assert!(VARIABLES.iter().any(|(n, _)| n == name), "{name}");
        }
    }

    #[test]
    fn the_process_environment_wins_over_dotenv_even_when_empty() {
        let from_file = "from-file".to_owned();
        assert_eq!(
            layered(None, Some(&from_file)).as_deref(),
            Some("from-file")
        );
        assert_eq!(
            layered(Some("env".into()), Some(&from_file)).as_deref(),
            Some("env")
        );
        assert_eq!(
            layered(Some("".into()), Some(&from_file)).as_deref(),
            Some("")
        );
        assert_eq!(layered(None, None), None);
    }

    #[test]
    fn dotenv_file_is_read_into_a_map_first_value_wins_and_bom_is_ignored() {
        let dir = std::env::temp_dir().join(format!("p1-mfa-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(".env");
        std::fs::write(
            &path,
            "\u{feff}PINGONE_REGION_CODE=EU\n# comment\nPINGONE_STRICT=\nexport PINGONE_CONCURRENCY=\"8\"\nPINGONE_REGION_CODE=CA\n",
        )
        .expect("write .env");
        let (map, problems) = read_dotenv(&path);
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(
            map.get("PINGONE_REGION_CODE").map(String::as_str),
            Some("EU")
        );
        assert_eq!(map.get("PINGONE_STRICT").map(String::as_str), Some(""));
        assert_eq!(
            map.get("PINGONE_CONCURRENCY").map(String::as_str),
            Some("8")
        );

        std::fs::write(&path, format!("PINGONE_CLIENT_SECRET='{SECRET}\n")).expect("write .env");
        let (_, problems) = read_dotenv(&path);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains("PINGONE_CLIENT_SECRET cannot be parsed"),
            "{problems:#?}"
        );
        assert!(!problems[0].contains(SECRET), "{problems:#?}");

        std::fs::write(&path, b"PINGONE_STRICT=true\nPINGONE_REGION_CODE=\xFF\n")
            .expect("write .env");
        let (map, problems) = read_dotenv(&path);
        assert_eq!(map.get("PINGONE_STRICT").map(String::as_str), Some("true"));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("cannot be read"), "{problems:#?}");

        let (map, problems) = read_dotenv(&dir.join("missing.env"));
        assert!(map.is_empty() && problems.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
mod env_example {
    use super::VARIABLES;

    /// `.env.example` lists every variable, empty, under its one-line meaning.
    #[test]
    fn env_example_lists_every_variable_with_its_meaning_and_no_value() {
        let example = include_str!("../.env.example");
        let lines: Vec<&str> = example.lines().collect();
        for (name, meaning) in VARIABLES {
            let at = lines
                .iter()
                .position(|l| *l == format!("{name}="))
                .unwrap_or_else(|| panic!("{name}= missing from .env.example"));
            assert!(
                at > 0 && lines[at - 1] == format!("# {meaning}"),
                "{name}: comment differs from VARIABLES"
            );
        }
        for line in lines
            .iter()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (name, value) = line.split_once('=').expect("NAME=");
            assert!(value.is_empty(), "{name} has a value in .env.example");
            assert!(
                VARIABLES.iter().any(|(n, _)| *n == name),
                "{name} is not a known variable"
            );
        }
    }
}
