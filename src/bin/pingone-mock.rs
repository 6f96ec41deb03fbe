//! `pingone-mock`: the bundled PingOne mock as a standalone server.
//!
//! `cargo run --bin pingone-mock -- --port 8080` serves until stopped (Ctrl-C or SIGTERM) and
//! prints what a client needs: environment id, client id and secret, a seeded user id and a
//! curl example. `--help` lists every flag; `-h` summarises them.
//!
//! The command line is clap's (`--flag value` or `--flag=value`, a suggestion for a mistyped
//! flag or fault, exit code 2 on a bad argument). The alternative flags and the fault names come
//! from the mock's two tables (`Alternative::ALL`, `Fault::ALL`), so a new row appears here,
//! in `--help` and as a `PINGONE_MOCK_*` variable without an edit to this file.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{ArgAction, ArgMatches, Args, FromArgMatches, Parser};
use pingone_mfa_conformance::mock::profile::{alternatives_for, untold};
use pingone_mfa_conformance::mock::{
    Alternative, Alternatives, EnvironmentType, Fault, MockOptions, MockPingOne,
    TokenEndpointAuthMethod,
};
use pingone_mfa_conformance::profile::{Profile, describe};
use pingone_mfa_conformance::secret::Secret;
use pingone_mfa_conformance::suite::profile::unserved;
use uuid::Uuid;

/// Every flag also reads `PINGONE_MOCK_<FLAG>` (upper case, `-` as `_`) when not given, for
/// containers; a flag on the command line wins.
const ENV_PREFIX: &str = "PINGONE_MOCK_";
const ENV_HELP: &str = "Every flag can also be set as PINGONE_MOCK_<FLAG> (e.g. PINGONE_MOCK_PORT=0, \
PINGONE_MOCK_NON_UUID_400=true, PINGONE_MOCK_FAULT=write-lost,stale-read).";

/// The command line: [`Cli`], every flag also read from `PINGONE_MOCK_<FLAG>` (declared here
/// once, not per flag), with the fault table appended to `--help`.
fn command() -> clap::Command {
    use clap::CommandFactory as _;
    let mut faults = String::from("Faults (--fault NAME):\n");
    for f in Fault::ALL {
        faults.push_str(&format!("  {:<30} {}\n", f.name(), f.description()));
    }
    faults.push('\n');
    faults.push_str(ENV_HELP);
    Cli::command()
        .mut_args(|arg| match arg.get_long() {
            Some(flag) if flag != "list-faults" => {
                // clap wants `'static` names for variables; these are made once per process.
                let env: &'static str = Box::leak(env_name(flag).into_boxed_str());
                arg.env(env)
            }
            _ => arg,
        })
        .after_long_help(faults)
}

/// A local PingOne for the users and mfaEnabled slice of the API.
#[derive(Debug, Parser)]
#[command(name = "pingone-mock", version, after_help = ENV_HELP)]
struct Cli {
    /// Port to listen on (0 picks a free one)
    #[arg(long, value_name = "N", default_value_t = 8080)]
    port: u16,
    /// Address to bind
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    host: IpAddr,
    /// Serve HTTPS with a certificate generated at start; the CA that signed it is written to a
    /// temporary file for PINGONE_CA_CERT
    #[arg(long)]
    tls: bool,
    /// Externally visible base URL for _links hrefs, when behind a proxy
    /// [default: http://HOST:PORT]
    #[arg(long, value_name = "URL")]
    public_base_url: Option<String>,
    /// Environment id [default: random]
    #[arg(long, value_name = "UUID")]
    environment_id: Option<Uuid>,
    /// Default population id [default: random]
    #[arg(long, value_name = "UUID")]
    population_id: Option<Uuid>,
    /// Worker app client id [default: random UUID]
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Worker app client secret [default: random]
    #[arg(long, value_name = "SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// Client id of a read-only worker app: its tokens may read, writes answer 403
    #[arg(long, value_name = "ID", requires = "readonly_client_secret")]
    readonly_client_id: Option<String>,
    /// Client secret of the read-only worker app
    #[arg(
        long,
        value_name = "SECRET",
        requires = "readonly_client_id",
        hide_env_values = true
    )]
    readonly_client_secret: Option<String>,
    /// Region reported by GET /environments/{id}
    #[arg(long, value_name = "CODE", default_value = "NA")]
    region: String,
    /// Report the environment as PRODUCTION instead of SANDBOX
    #[arg(long)]
    production: bool,
    /// The worker app's tokenEndpointAuthMethod: the one client authentication the token
    /// endpoint accepts
    #[arg(
        long,
        value_name = "METHOD",
        default_value = "CLIENT_SECRET_BASIC",
        value_parser = PossibleValuesParser::new(
            TokenEndpointAuthMethod::ALL.iter().map(|m| m.as_str())
        ),
        ignore_case = true
    )]
    token_endpoint_auth_method: String,
    /// Access token lifetime in seconds
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    token_lifetime: u64,
    /// Create a user at start (repeatable; without any, one user `alice`)
    #[arg(long, value_name = "NAME[:true]", value_delimiter = ',')]
    seed_user: Vec<String>,
    /// Answer 429 REQUEST_LIMITED past N requests per second
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// Delay every answer by N milliseconds
    #[arg(long, value_name = "N")]
    latency_ms: Option<u64>,
    /// Every N-th request meets a transient fault before the API (nothing changes), in
    /// rotation: 502 with an HTML page, 503 without Retry-After, 504, a dropped connection; for
    /// testing a client's retries
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    flaky: Option<u32>,
    /// Behave like a recorded target: switch on the alternatives its behaviour profile shows
    /// (a snapshots/profile__NAME.snap file, or the profile.json of a results directory's
    /// profile); alternative flags given besides are switched on too
    #[arg(long, value_name = "FILE")]
    profile: Option<std::path::PathBuf>,
    #[command(flatten)]
    alternatives: AlternativeFlags,
    /// Switch a fault on (repeatable; --list-faults lists them)
    #[arg(
        long = "fault",
        value_name = "NAME",
        value_delimiter = ',',
        value_parser = PossibleValuesParser::new(Fault::ALL.iter().map(|f| f.name())),
        hide_possible_values = true,
        help_heading = "Faults (deliberate regressions, for testing test suites)"
    )]
    faults: Vec<String>,
    /// List the faults and exit
    #[arg(
        long,
        help_heading = "Faults (deliberate regressions, for testing test suites)"
    )]
    list_faults: bool,
}

/// The alternative flags, one per row of the mock's `alternatives!` table: `--<flag>` and its
/// help (and `PINGONE_MOCK_<FLAG>`, as every flag, from [`command`]).
#[derive(Debug, Default)]
struct AlternativeFlags(Alternatives);

const ALTERNATIVES_HEADING: &str =
    "Alternatives (behaviours PingOne's documentation leaves open; the suite accepts both)";

fn env_name(flag: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        flag.to_ascii_uppercase().replace('-', "_")
    )
}

impl Args for AlternativeFlags {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for &a in Alternative::ALL {
            cmd = cmd.arg(
                clap::Arg::new(a.flag())
                    .long(a.flag())
                    .help(a.help())
                    .long_help(a.description())
                    .action(ArgAction::SetTrue)
                    .help_heading(ALTERNATIVES_HEADING),
            );
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        AlternativeFlags::augment_args(cmd)
    }
}

impl FromArgMatches for AlternativeFlags {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = AlternativeFlags::default();
        flags.update_from_arg_matches(m)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        for &a in Alternative::ALL {
            if m.get_flag(a.flag()) {
                self.0.set(a, true);
            }
        }
        Ok(())
    }
}

/// The mock's options from the command line and the `PINGONE_MOCK_*` variables, with the
/// alternatives of `profile` switched on.
fn options_from(cli: Cli, profile: Option<&Profile>) -> MockOptions {
    let mut options = MockOptions {
        addr: SocketAddr::new(cli.host, cli.port),
        public_base_url: cli.public_base_url,
        region: cli.region,
        token_lifetime: Duration::from_secs(cli.token_lifetime),
        // The value parser admits only the two wire values.
        token_endpoint_auth_method: cli.token_endpoint_auth_method.parse().unwrap_or_default(),
        rate_limit: cli.rate_limit,
        latency: cli.latency_ms.map(Duration::from_millis),
        flaky: cli.flaky,
        alternatives: cli.alternatives.0,
        tls: cli.tls,
        ..MockOptions::default()
    };
    if let Some(profile) = profile {
        for a in alternatives_for(profile).on() {
            options.alternatives.set(a, true);
        }
    }
    if let Some(id) = cli.environment_id {
        options.environment_id = id;
    }
    if let Some(id) = cli.population_id {
        options.population_id = id;
    }
    if let Some(id) = cli.client_id {
        options.client_id = id;
    }
    if let Some(secret) = cli.client_secret {
        options.client_secret = Secret::new(secret);
    }
    if let (Some(id), Some(secret)) = (cli.readonly_client_id, cli.readonly_client_secret) {
        options.readonly_client = Some((id, Secret::new(secret)));
    }
    if cli.production {
        options.environment_type = EnvironmentType::Production;
    }
    // The value parser admits only fault names.
    options.faults = cli.faults.iter().filter_map(|f| f.parse().ok()).collect();
    options.seed_users = cli
        .seed_user
        .into_iter()
        .map(|v| match v.rsplit_once(':') {
            Some((n, "true")) => (n.to_string(), true),
            Some((n, "false")) => (n.to_string(), false),
            _ => (v, false),
        })
        .collect();
    if options.seed_users.is_empty() {
        options.seed_users.push(("alice".to_string(), false));
    }
    options
}

fn list_faults() {
    for f in Fault::ALL {
        println!("{:<30} {}", f.name(), f.description());
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // `--help`, `--version` and errors (exit 2, with a suggestion for a mistyped flag or
    // fault) are clap's.
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if cli.list_faults {
        list_faults();
        return ExitCode::SUCCESS;
    }
    let profile = match cli.profile.as_deref().map(load_profile).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("pingone-mock: --profile: {e}");
            return ExitCode::from(2);
        }
    };
    let options = options_from(cli, profile.as_ref());
    let addr = options.addr;
    let mock = match MockPingOne::builder().options(options).start().await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("pingone-mock: cannot listen on {addr}: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(profile) = &profile {
        report_profile(&mock, profile).await;
    }
    let ca_file = match write_ca_file(&mock) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("pingone-mock: cannot write the TLS CA certificate: {e}");
            return ExitCode::from(1);
        }
    };
    print_banner(&mock, ca_file.as_deref());
    wait_for_stop().await;
    println!("pingone-mock: stopping");
    mock.shutdown().await;
    ExitCode::SUCCESS
}

/// A profile from a `.snap` file, a bare profile document, or a results directory's
/// `profile.json` (its `profile` member).
fn load_profile(path: &std::path::Path) -> Result<Profile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Ok(record) = serde_json::from_str::<serde_json::Value>(&text)
        && let Some(inner) = record
            .get("profile")
            .filter(|_| record.get("outcome").is_some())
    {
        return Profile::parse(&inner.to_string()).map_err(|e| format!("{}: {e}", path.display()));
    }
    Profile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Ask the mock the profile's questions and say what it serves as recorded and what not.
async fn report_profile(mock: &MockPingOne, profile: &Profile) {
    let untold: Vec<&str> = untold(profile).iter().map(|a| a.flag()).collect();
    if !untold.is_empty() {
        println!(
            "profile: does not tell these alternatives (left off): {}",
            untold.join(", ")
        );
    }
    match unserved(mock, profile).await {
        Ok(changes) if changes.is_empty() => println!(
            "profile: every one of its {} probes is answered as recorded",
            profile.entries.len()
        ),
        Ok(changes) => {
            println!(
                "profile: {} of its {} probes are answered differently from the record \
                 (no alternative of the mock serves them):",
                changes.len(),
                profile.entries.len()
            );
            println!("{}", describe(&changes));
        }
        Err(e) => println!("profile: could not check the mock against the profile: {e}"),
    }
}

/// With `--tls`, the CA certificate in a file named after the port, for `PINGONE_CA_CERT`.
fn write_ca_file(mock: &MockPingOne) -> std::io::Result<Option<String>> {
    let Some(pem) = mock.tls_ca_pem() else {
        return Ok(None);
    };
    let path = std::env::temp_dir().join(format!("pingone-mock-ca-{}.pem", mock.addr().port()));
    std::fs::write(&path, pem)?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

fn print_banner(mock: &MockPingOne, ca_file: Option<&str>) {
    let o = mock.options();
    let env = mock.environment_id();
    let user = mock.seeded_users().first().copied().unwrap_or_default();
    println!("pingone-mock listening on {}", mock.addr());
    println!("  API base URL      {}", mock.api_url());
    println!("  auth base URL     {}", mock.auth_url());
    println!(
        "  environment id    {env} ({})",
        o.environment_type.as_str()
    );
    println!("  population id     {}", mock.population_id());
    println!("  client id         {}", mock.client_id());
    println!("  client secret     {}", mock.client_secret().expose());
    if let Some((id, secret)) = &o.readonly_client {
        println!("  read-only client  {id} (secret {})", secret.expose());
    }
    println!(
        "  token auth method {}",
        o.token_endpoint_auth_method.as_str()
    );
    for (id, (name, _)) in mock.seeded_users().iter().zip(&o.seed_users) {
        println!("  seeded user       {id} ({name})");
    }
    if o.alternatives != Alternatives::default() {
        let flags: Vec<&str> = o.alternatives.on().iter().map(|a| a.flag()).collect();
        println!("  alternatives on   {}", flags.join(", "));
    }
    if let Some(path) = ca_file {
        println!("  TLS CA file       {path}");
    }
    if !o.faults.is_empty() {
        let names: Vec<&str> = o.faults.iter().map(|f| f.name()).collect();
        println!("  FAULTS ON         {}", names.join(", "));
    }
    println!();
    println!("Try it:");
    let (id, secret) = (mock.client_id(), mock.client_secret().expose());
    let cacert = ca_file
        .map(|p| format!(" --cacert {p}"))
        .unwrap_or_default();
    let (credentials, suite_method) = match o.token_endpoint_auth_method {
        TokenEndpointAuthMethod::ClientSecretBasic => (format!("-u '{id}:{secret}'"), "basic"),
        TokenEndpointAuthMethod::ClientSecretPost => (
            format!("--data-urlencode 'client_id={id}' --data-urlencode 'client_secret={secret}'"),
            "post",
        ),
    };
    println!(
        "  TOKEN=$(curl -s{cacert} {credentials} -d grant_type=client_credentials {}/{env}/as/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')",
        mock.auth_url()
    );
    println!(
        "  curl -s{cacert} -X PUT -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"mfaEnabled\": true}}' {}/environments/{env}/users/{user}/mfaEnabled",
        mock.api_url()
    );
    println!();
    println!("Point the conformance suite at it:");
    println!(
        "  {}PINGONE_API_URL={} PINGONE_AUTH_URL={} PINGONE_ENVIRONMENT_ID={env} PINGONE_CLIENT_ID={id} PINGONE_CLIENT_SECRET=... PINGONE_TOKEN_AUTH_METHOD={suite_method} cargo test --test conformance",
        ca_file
            .map(|p| format!("PINGONE_CA_CERT={p} "))
            .unwrap_or_default(),
        mock.api_url(),
        mock.auth_url(),
    );
    println!("Press Ctrl-C to stop.");
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        command().debug_assert();
    }

    /// One declaration in [`command`] gives every flag its variable, named after the flag.
    #[test]
    fn every_flag_reads_its_pingone_mock_variable() {
        let cmd = command();
        let mut flags = 0;
        for arg in cmd.get_arguments() {
            let Some(flag) = arg.get_long() else { continue };
            let env = arg.get_env().and_then(|e| e.to_str());
            if flag == "list-faults" {
                assert_eq!(env, None);
            } else {
                assert_eq!(env, Some(env_name(flag).as_str()), "--{flag}");
                flags += 1;
            }
        }
        assert!(flags > Alternative::ALL.len() + 15, "{flags} flags");
    }

    #[test]
    fn every_alternative_has_a_flag_and_a_variable() {
        for &a in Alternative::ALL {
            let cli =
                Cli::try_parse_from(["pingone-mock", &format!("--{}", a.flag())]).expect("parses");
            assert_eq!(cli.alternatives.0.on(), vec![a]);
            assert!(env_name(a.flag()).starts_with("PINGONE_MOCK_"));
        }
    }
}
