//! Choosing the target: the embedded mock when nothing is set, otherwise a server reached with a
//! ready token ([`token_credentials`]) or client credentials ([`client_credentials`]); tenant
//! variables without either are an error ([`no_credentials`]).

use crate::secret::Secret;

use super::reader::{Reader, are_set};
use super::{
    Credentials, ReadonlyClient, Region, Target, TargetInfo, TargetKind, TokenAuthMethod, var,
};

/// Returns `None` exactly when a problem was recorded that prevents choosing a target (other
/// problems may be recorded while still returning a target).
pub(super) fn read_target(r: &mut Reader<'_>) -> Option<Target> {
    // Validate every target variable that is set, whatever the mode, so all problems show at once.
    let environment_id = r.uuid(var::ENVIRONMENT_ID);
    let target_environment_id = r.uuid(var::TARGET_ENVIRONMENT_ID);
    let population_id = r.uuid(var::POPULATION_ID);
    let test_user_id = r.uuid(var::TEST_USER_ID);
    let api_url = r.url(var::API_URL);
    let auth_url = r.url(var::AUTH_URL);
    let region = region(r);
    let method = token_auth_method(r);
    let kind = target_kind(r);
    let set_urls: Vec<(&str, &str)> = [(var::API_URL, &api_url), (var::AUTH_URL, &auth_url)]
        .into_iter()
        .filter_map(|(name, url)| url.as_deref().map(|u| (name, u)))
        .collect();
    for problem in super::transport::check_urls(&set_urls) {
        r.problem(problem);
    }

    let credentials = if r.is_set(var::API_ACCESS_TOKEN) {
        token_credentials(r)?
    } else if [var::ENVIRONMENT_ID, var::CLIENT_ID, var::CLIENT_SECRET]
        .iter()
        .any(|name| r.is_set(name))
    {
        client_credentials(r, method)?
    } else {
        return no_credentials(r);
    };

    let readonly_client = readonly_client(r);
    // An invalid UUID was already reported; returning None keeps the error path.
    let environment_under_test = target_environment_id.or_else(|| environment_id.clone())?;
    Some(Target::Server(TargetInfo {
        kind,
        api_url: api_url.unwrap_or_else(|| region.api_url()),
        auth_url: auth_url.unwrap_or_else(|| region.auth_url()),
        worker_environment_id: environment_id,
        environment_id: environment_under_test,
        credentials,
        population_id,
        test_user_id,
        readonly_client,
    }))
}

/// `PINGONE_READONLY_CLIENT_ID` and `PINGONE_READONLY_CLIENT_SECRET`: both or neither.
fn readonly_client(r: &mut Reader<'_>) -> Option<ReadonlyClient> {
    let pair = [var::READONLY_CLIENT_ID, var::READONLY_CLIENT_SECRET];
    let set: Vec<&str> = pair.into_iter().filter(|name| r.is_set(name)).collect();
    match set.len() {
        0 => None,
        1 => {
            let missing = pair.into_iter().find(|name| !r.is_set(name))?;
            r.problem(format!(
                "{missing} is missing ({}): the read-only worker needs both",
                are_set(&set)
            ));
            None
        }
        _ => Some(ReadonlyClient {
            client_id: r.get(var::READONLY_CLIENT_ID)?,
            client_secret: Secret::new(r.get(var::READONLY_CLIENT_SECRET)?),
        }),
    }
}

fn region(r: &mut Reader<'_>) -> Region {
    let Some(code) = r.get(var::REGION_CODE) else {
        return Region::default();
    };
    Region::parse(&code).unwrap_or_else(|| {
        let echo = r.echo(&code);
        r.problem(format!(
            "{} is not a known region{echo}; use NA, EU, AP, CA, AU or SG",
            var::REGION_CODE
        ));
        Region::default()
    })
}

fn token_auth_method(r: &mut Reader<'_>) -> TokenAuthMethod {
    let Some(value) = r.get(var::TOKEN_AUTH_METHOD) else {
        return TokenAuthMethod::default();
    };
    TokenAuthMethod::parse(&value).unwrap_or_else(|| {
        let echo = r.echo(&value);
        r.problem(format!(
            "{} is not a known method{echo}; use basic (client_secret_basic) or post (client_secret_post)",
            var::TOKEN_AUTH_METHOD
        ));
        TokenAuthMethod::default()
    })
}

/// `PINGONE_TARGET_KIND`: `tenant` (default) or `mock`.
fn target_kind(r: &mut Reader<'_>) -> TargetKind {
    let Some(value) = r.get(var::TARGET_KIND) else {
        return TargetKind::Tenant;
    };
    match value.to_ascii_lowercase().as_str() {
        "tenant" => TargetKind::Tenant,
        "mock" => TargetKind::StandaloneMock,
        _ => {
            let echo = r.echo(&value);
            r.problem(format!(
                "{} is not a known kind{echo}; use tenant or mock",
                var::TARGET_KIND
            ));
            TargetKind::Tenant
        }
    }
}

/// `PINGONE_API_ACCESS_TOKEN` is set: it must stand alone (no client ID or secret) and needs an
/// environment under test.
fn token_credentials(r: &mut Reader<'_>) -> Option<Credentials> {
    let token = r.get(var::API_ACCESS_TOKEN)?;
    let mut conflicting = vec![var::API_ACCESS_TOKEN];
    conflicting.extend(
        [var::CLIENT_ID, var::CLIENT_SECRET]
            .into_iter()
            .filter(|name| r.is_set(name))
            .map(|name| r.set_as(name)),
    );
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
    if !r.is_set(var::ENVIRONMENT_ID) && !r.is_set(var::TARGET_ENVIRONMENT_ID) {
        r.problem(format!(
            "{} is missing ({}): set it, or {}, to the environment under test",
            var::TARGET_ENVIRONMENT_ID,
            are_set(&[var::API_ACCESS_TOKEN]),
            var::ENVIRONMENT_ID,
        ));
        return None;
    }
    Some(Credentials::AccessToken(Secret::new(token)))
}

/// One of the client-credential trio is set: all three must be, and each missing one is named
/// with what is set.
fn client_credentials(r: &mut Reader<'_>, method: TokenAuthMethod) -> Option<Credentials> {
    let trio = [var::CLIENT_ID, var::CLIENT_SECRET, var::ENVIRONMENT_ID];
    let set: Vec<&str> = trio
        .into_iter()
        .filter(|name| r.is_set(name))
        .map(|name| r.set_as(name))
        .collect();
    let missing: Vec<&str> = trio.into_iter().filter(|name| !r.is_set(name)).collect();
    for name in &missing {
        let hint = if *name == var::ENVIRONMENT_ID {
            "; it names the worker app's environment, used in the token URL"
        } else {
            ""
        };
        r.problem(format!("{name} is missing ({}){hint}", are_set(&set)));
    }
    if !missing.is_empty() {
        return None;
    }
    Some(Credentials::Client {
        client_id: r.get(var::CLIENT_ID)?,
        client_secret: Secret::new(r.get(var::CLIENT_SECRET)?),
        method,
    })
}

/// Neither a token nor any of the client-credential trio: the embedded mock, unless another
/// target variable is set, which is an error naming it rather than a silent fallback.
fn no_credentials(r: &mut Reader<'_>) -> Option<Target> {
    // Each name as set: an alias counts once, under its own name.
    let set: Vec<&str> = super::target_variables()
        .filter(|name| (r.lookup)(name).is_some_and(|v| !v.trim().is_empty()))
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
    None
}
