//! `pingone-mock`: the bundled PingOne mock as a standalone server.
//!
//! `cargo run --bin pingone-mock -- --port 8080` serves until stopped (Ctrl-C or SIGTERM) and
//! prints what a client needs: environment id, client id and secret, a seeded user id and a
//! curl example. `--help` lists every flag.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use pingone_mfa_conformance::mock::{EnvironmentType, Fault, MockOptions, MockPingOne};
use uuid::Uuid;

const HELP: &str = "\
pingone-mock: a local PingOne for the users and mfaEnabled slice of the API

USAGE:
    cargo run --bin pingone-mock -- [FLAGS]

SERVER:
    --port N                     Port to listen on (default 8080; 0 picks a free one)
    --host ADDR                  Address to bind (default 127.0.0.1)
    --public-base-url URL        Externally visible base URL for _links hrefs, when behind a proxy
                                 (default http://HOST:PORT)
    --environment-id UUID        Environment id (default: random)
    --population-id UUID         Default population id (default: random)
    --client-id ID               Worker app client id (default: random UUID)
    --client-secret SECRET       Worker app client secret (default: random)
    --region CODE                Region reported by GET /environments/{id} (default NA)
    --production                 Report the environment as PRODUCTION instead of SANDBOX
    --token-lifetime SECS        Access token lifetime (default 3600)
    --seed-user NAME[:true]      Create a user at start (repeatable; default one user `alice`)
    --rate-limit N               Answer 429 REQUEST_LIMITED past N requests per second
    --latency-ms N               Delay every answer by N milliseconds

ALTERNATIVES (behaviours PingOne's documentation leaves open; the suite accepts both):
    --content-type-400           Wrong Content-Type answers 400 instead of 415
    --reject-mfa-in-user-update  mfaEnabled in PUT/PATCH Update User answers 403 instead of being ignored
    --foreign-environment-404    Another environment's id answers 404 instead of 403
    --non-uuid-400               A non-UUID id answers 400 instead of 404
    --mfa-enabled-by-default     New users get mfaEnabled true unless the request says otherwise

FAULTS (deliberate regressions, for testing test suites):
    --fault NAME                 Switch a fault on (repeatable)
    --list-faults                List the faults and exit

    -h, --help                   Print this help
";

struct Args {
    options: MockOptions,
    port: u16,
    host: IpAddr,
    seeds: Vec<(String, bool)>,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut options = MockOptions::default();
    let mut port: u16 = 8080;
    let mut host: IpAddr = IpAddr::from([127, 0, 0, 1]);
    let mut seeds = Vec::new();
    while let Some(flag) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(None);
            }
            "--list-faults" => {
                for f in Fault::ALL {
                    println!("{:<30} {}", f.name(), f.description());
                }
                return Ok(None);
            }
            "--port" => port = parse(&flag, &value(&flag)?)?,
            "--host" => host = parse(&flag, &value(&flag)?)?,
            "--public-base-url" => options.public_base_url = Some(value(&flag)?),
            "--environment-id" => options.environment_id = parse_uuid(&flag, &value(&flag)?)?,
            "--population-id" => options.population_id = parse_uuid(&flag, &value(&flag)?)?,
            "--client-id" => options.client_id = value(&flag)?,
            "--client-secret" => {
                options.client_secret = pingone_mfa_conformance::secret::Secret::new(value(&flag)?)
            }
            "--region" => options.region = value(&flag)?,
            "--production" => options.environment_type = EnvironmentType::Production,
            "--token-lifetime" => {
                options.token_lifetime = Duration::from_secs(parse(&flag, &value(&flag)?)?)
            }
            "--seed-user" => {
                let v = value(&flag)?;
                let (name, mfa) = match v.rsplit_once(':') {
                    Some((n, "true")) => (n.to_string(), true),
                    Some((n, "false")) => (n.to_string(), false),
                    _ => (v, false),
                };
                seeds.push((name, mfa));
            }
            "--rate-limit" => options.rate_limit = Some(parse(&flag, &value(&flag)?)?),
            "--latency-ms" => {
                options.latency = Some(Duration::from_millis(parse(&flag, &value(&flag)?)?))
            }
            "--content-type-400" => options.alternatives.content_type_400 = true,
            "--reject-mfa-in-user-update" => options.alternatives.reject_mfa_in_user_update = true,
            "--foreign-environment-404" => options.alternatives.foreign_environment_404 = true,
            "--non-uuid-400" => options.alternatives.non_uuid_400 = true,
            "--mfa-enabled-by-default" => options.alternatives.mfa_enabled_by_default = true,
            "--fault" => {
                let name = value(&flag)?;
                options
                    .faults
                    .insert(name.parse::<Fault>().map_err(|e| e.to_string())?);
            }
            other => return Err(format!("unknown flag `{other}`; --help lists the flags")),
        }
    }
    if seeds.is_empty() {
        seeds.push(("alice".to_string(), false));
    }
    Ok(Some(Args {
        options,
        port,
        host,
        seeds,
    }))
}

fn parse<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: `{v}` is not a valid value"))
}

fn parse_uuid(flag: &str, v: &str) -> Result<Uuid, String> {
    Uuid::parse_str(v).map_err(|_| format!("{flag}: `{v}` is not a UUID"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pingone-mock: {e}");
            return ExitCode::from(2);
        }
    };
    let mut options = args.options;
    options.addr = SocketAddr::new(args.host, args.port);
    options.seed_users = args.seeds;
    let mock = match MockPingOne::builder().options(options).start().await {
        Ok(m) => m,
        Err(e) => {
            eprintln!(
                "pingone-mock: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::from(1);
        }
    };
    print_banner(&mock);
    wait_for_stop().await;
    println!("pingone-mock: stopping");
    mock.shutdown();
    ExitCode::SUCCESS
}

fn print_banner(mock: &MockPingOne) {
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
    for (id, (name, _)) in mock.seeded_users().iter().zip(&o.seed_users) {
        println!("  seeded user       {id} ({name})");
    }
    if !o.faults.is_empty() {
        let names: Vec<&str> = o.faults.iter().map(|f| f.name()).collect();
        println!("  FAULTS ON         {}", names.join(", "));
    }
    println!();
    println!("Try it:");
    println!(
        "  TOKEN=$(curl -s -u '{}:{}' -d grant_type=client_credentials {}/{env}/as/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')",
        mock.client_id(),
        mock.client_secret().expose(),
        mock.auth_url()
    );
    println!(
        "  curl -s -X PUT -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"mfaEnabled\": true}}' {}/environments/{env}/users/{user}/mfaEnabled",
        mock.api_url()
    );
    println!();
    println!("Point the conformance suite at it:");
    println!(
        "  PINGONE_API_URL={} PINGONE_AUTH_URL={} PINGONE_ENVIRONMENT_ID={env} PINGONE_CLIENT_ID={} PINGONE_CLIENT_SECRET=... cargo test --test conformance",
        mock.api_url(),
        mock.auth_url(),
        mock.client_id()
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
