//! Tests of reading the whole configuration through [`Config::from_lookup`].

use super::*;
use std::collections::HashMap;

pub(super) const ENV: &str = "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6";
const TARGET: &str = "9c052a8a-14be-44e4-8f07-2662569994ce";
const USER: &str = "05ad3cc6-8723-4f85-9711-05ad549717f6";
const POP: &str = "34f0efac-21d9-4a17-8a35-196bb3362983";
const CLIENT: &str = "1b2c3d4e-0000-4000-8000-00000000c11e";
pub(super) const SECRET: &str = "Sup3r-S3cret-Value~xyz";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.payload.signature";

pub(super) fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
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

pub(super) fn tenant(vars: &[(&str, &str)]) -> TargetInfo {
    match config(vars) {
        Ok(Config {
            target: Target::Server(t),
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
    assert_eq!(c.run.concurrency, 32);
    assert_eq!(c.run.max_retries, 5);
    assert_eq!(c.run.retry_cap, Duration::from_secs(30));
    assert_eq!(c.run.fuzz_cases, None);
    assert_eq!(c.run.consistency_wait, Duration::from_millis(2_000));
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
    assert_eq!(c.run.concurrency, 32);
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
        (var::PROFILE, "eu-sandbox"),
        (var::PROFILE_DIR, "/tmp/profiles"),
        (var::PERMISSION_WAIT_SECS, "0"),
        (var::CONSISTENCY_WAIT_MS, "0"),
        (var::FUZZ_SEED, "42"),
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
            profile: Some("eu-sandbox".into()),
            profile_dir: Some("/tmp/profiles".into()),
            permission_wait: Duration::ZERO,
            consistency_wait: Duration::ZERO,
            fuzz_seed: Some(42),
            ca_cert: None,
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
        (var::CONSISTENCY_WAIT_MS, "60001"),
    ]);
    assert_eq!(problems.len(), 6, "{problems:#?}");
    for name in [
        var::REQUEST_TIMEOUT_SECS,
        var::CONCURRENCY,
        var::MAX_RETRIES,
        var::RETRY_CAP_SECS,
        var::FUZZ_CASES,
        var::CONSISTENCY_WAIT_MS,
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
    assert_eq!(t.worker_environment_id.as_deref(), Some(ENV));
    assert_eq!(t.environment_id, ENV);
    assert_eq!(t.kind, TargetKind::Tenant);
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
    assert_eq!(t.environment_id, TARGET);
    assert_eq!(t.worker_environment_id.as_deref(), Some(ENV));
    assert_eq!(t.population_id.as_deref(), Some(POP));
    assert_eq!(t.test_user_id.as_deref(), Some(USER));
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
    assert_eq!(t.worker_environment_id.as_deref(), Some(ENV));
    assert_eq!(t.environment_id, ENV);
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
        vec![
            "PINGONE_CLIENT_ID is missing (PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID are set)"
                .to_owned()
        ]
    );

    let problems = problems_of(&[(var::ENVIRONMENT_ID, ENV)]);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("PINGONE_CLIENT_ID is missing (PINGONE_ENVIRONMENT_ID is set)")
    );
    assert!(
        problems[1].starts_with("PINGONE_CLIENT_SECRET is missing (PINGONE_ENVIRONMENT_ID is set)")
    );
}

#[test]
fn a_tenant_variable_without_credentials_is_an_error_not_the_mock() {
    let ca_file = ca_pem_file("without-credentials");
    for name in target_variables().filter(|n| {
        ![
            var::CLIENT_ID,
            var::CLIENT_SECRET,
            var::CLIENT_CREDENTIALS_CLIENT_ID,
            var::CLIENT_CREDENTIALS_CLIENT_SECRET,
            var::ENVIRONMENT_ID,
            var::API_ACCESS_TOKEN,
        ]
        .contains(n)
    }) {
        let value = match name {
            var::API_URL | var::AUTH_URL => "http://127.0.0.1:8080",
            var::API_SERVICE_HOSTNAME | var::AUTH_SERVICE_HOSTNAME => "api.pingone.eu",
            var::REGION_CODE | var::TOP_LEVEL_DOMAIN => "EU",
            var::REGION => "Europe",
            var::TOKEN_AUTH_METHOD => "post",
            var::TARGET_KIND => "mock",
            var::CA_CERT => ca_file,
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
    assert_eq!(t.environment_id, TARGET);
    assert_eq!(t.worker_environment_id, None);
    assert_eq!(t.token_url(), None);

    let t = tenant(&[(var::API_ACCESS_TOKEN, TOKEN), (var::ENVIRONMENT_ID, ENV)]);
    assert_eq!(t.environment_id, ENV);
    assert_eq!(t.worker_environment_id.as_deref(), Some(ENV));

    let t = tenant(&[
        (var::API_ACCESS_TOKEN, TOKEN),
        (var::ENVIRONMENT_ID, ENV),
        (var::TARGET_ENVIRONMENT_ID, TARGET),
    ]);
    assert_eq!(t.environment_id, TARGET);
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
    let c = config(&[(var::API_ACCESS_TOKEN, TOKEN), (var::ENVIRONMENT_ID, ENV)]).expect("valid");
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
fn target_kind_declares_a_standalone_mock() {
    assert_eq!(tenant(&client_vars()).kind, TargetKind::Tenant);
    assert!(TargetKind::Tenant.is_tenant() && !TargetKind::Tenant.is_mock());
    let t = tenant(&with(client_vars(), &[(var::TARGET_KIND, "MOCK")]));
    assert_eq!(t.kind, TargetKind::StandaloneMock);
    assert!(!t.kind.is_tenant() && t.kind.is_mock());
    for kind in [TargetKind::EmbeddedMock, TargetKind::Mock] {
        assert!(!kind.is_tenant(), "{kind:?}");
    }
    let t = tenant(&with(client_vars(), &[(var::TARGET_KIND, "tenant")]));
    assert_eq!(t.kind, TargetKind::Tenant);
    assert_one_problem_containing(
        &with(client_vars(), &[(var::TARGET_KIND, "staging")]),
        "PINGONE_TARGET_KIND is not a known kind (got \"staging\"); use tenant or mock",
    );
}

#[test]
fn a_profile_name_must_be_usable_as_a_file_name() {
    assert_one_problem_containing(
        &[(var::PROFILE, "../tenant")],
        "PINGONE_PROFILE is not a profile name (got \"../tenant\")",
    );
    assert_eq!(config(&[]).expect("valid").run.profile, None);
    assert!(super::reader::valid_profile_name("eu-sandbox_2"));
    for bad in ["", "../x", "Tenant", "a b", &"x".repeat(65)] {
        assert!(!super::reader::valid_profile_name(bad), "{bad:?}");
    }
}

#[test]
fn the_readonly_worker_needs_both_variables_and_its_secret_is_never_echoed() {
    let t = tenant(&with(
        client_vars(),
        &[
            (var::READONLY_CLIENT_ID, "readonly-client"),
            (var::READONLY_CLIENT_SECRET, "R3adonly-S3cret"),
        ],
    ));
    assert_eq!(
        t.readonly_client,
        Some(crate::config::ReadonlyClient {
            client_id: "readonly-client".to_owned(),
            client_secret: Secret::new("R3adonly-S3cret"),
        })
    );
    assert!(!format!("{t:?}").contains("R3adonly-S3cret"));
    assert_eq!(tenant(&client_vars()).readonly_client, None);
    assert_one_problem_containing(
        &with(
            client_vars(),
            &[(var::READONLY_CLIENT_SECRET, "R3adonly-S3cret")],
        ),
        "PINGONE_READONLY_CLIENT_ID is missing",
    );
    let problems = problems_of(&with(
        client_vars(),
        &[(var::READONLY_CLIENT_SECRET, "R3adonly-S3cret")],
    ));
    assert!(
        problems.iter().all(|p| !p.contains("R3adonly-S3cret")),
        "{problems:?}"
    );
    assert_one_problem_containing(
        &with(
            client_vars(),
            &[(var::READONLY_CLIENT_ID, "readonly-client")],
        ),
        "PINGONE_READONLY_CLIENT_SECRET is missing",
    );
}

/// A PEM file holding one freshly generated self-signed certificate.
fn ca_pem_file(name: &str) -> &'static str {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let dir = std::env::temp_dir().join(format!("pingone-ca-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("ca.pem");
    std::fs::write(&path, cert.cert.pem()).expect("write");
    leak(path.to_string_lossy().into_owned())
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[test]
fn plain_http_to_a_remote_host_is_refused_with_one_message() {
    for (name, url) in [
        (var::API_URL, "http://api.pingone.eu/v1"),
        (var::AUTH_URL, "http://10.1.2.3:8080"),
    ] {
        assert_one_problem_containing(
            &with(client_vars(), &[(name, url)]),
            &format!("{name} uses plain http:// to a host that is not loopback"),
        );
    }
    // The same with a ready token: any credentials.
    let problems = problems_of(&[
        (var::API_ACCESS_TOKEN, TOKEN),
        (var::ENVIRONMENT_ID, ENV),
        (var::API_URL, "http://proxy.corp/v1"),
        (var::AUTH_URL, "http://proxy.corp"),
    ]);
    assert_eq!(
        problems,
        [
            "PINGONE_API_URL and PINGONE_AUTH_URL use plain http:// to a host that is not loopback: \
          the client secret and the access token would travel unencrypted; use https:// (plain \
          http is allowed only for 127.0.0.0/8, ::1 and localhost)"
        ]
    );
    // Loopback and https are fine.
    for url in [
        "http://127.0.0.1:8080/v1",
        "http://localhost:8080/v1",
        "http://[::1]:8080/v1",
        "https://proxy.corp/v1",
    ] {
        let t = tenant(&with(client_vars(), &[(var::API_URL, url)]));
        assert_eq!(t.api_url, url);
    }
}

#[test]
fn user_and_password_in_a_url_are_refused_and_never_echoed() {
    let problems = problems_of(&with(
        client_vars(),
        &[
            (var::API_URL, "https://admin:hunter22@api.pingone.eu/v1"),
            (var::AUTH_URL, "http://admin:hunter22@127.0.0.1:9000"),
        ],
    ));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("PINGONE_API_URL and PINGONE_AUTH_URL carry user:password@"),
        "{problems:#?}"
    );
    assert!(!problems[0].contains("hunter22"));
}

#[test]
fn ca_cert_names_a_readable_pem_file() {
    let path = ca_pem_file("readable");
    let c = config(&with(client_vars(), &[(var::CA_CERT, path)])).expect("valid");
    let ca = c.run.ca_cert.expect("read");
    assert_eq!(ca.source, path);
    assert_eq!(ca.certificates().expect("parses").len(), 1);
    assert!(format!("{ca:?}").starts_with("CaCert("));

    let missing = leak(format!("{path}.missing"));
    assert_one_problem_containing(
        &with(client_vars(), &[(var::CA_CERT, missing)]),
        &format!("PINGONE_CA_CERT: cannot read {missing}"),
    );
    let not_pem = leak(format!("{path}.txt"));
    std::fs::write(not_pem, "just text\n").expect("write");
    assert_one_problem_containing(
        &with(client_vars(), &[(var::CA_CERT, not_pem)]),
        "holds no PEM CERTIFICATE block",
    );
}
