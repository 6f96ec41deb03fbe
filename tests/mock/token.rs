//! The token endpoint (§4, §11.3, §11.5): client credentials with either client
//! authentication, the OAuth error shape, RS256 JWTs with the published key, the read-only
//! worker, token lifetime.

use std::time::Duration;

use base64::Engine as _;
use pingone_mfa_conformance::mock::{MockPingOne, TokenEndpointAuthMethod};
use reqwest::{Client, Method};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::api::*;

#[derive(Debug, Clone, Copy)]
enum ClientAuth {
    Basic,
    Post,
}

impl ClientAuth {
    /// The `tokenEndpointAuthMethod` that accepts this way of authenticating.
    fn method(self) -> TokenEndpointAuthMethod {
        match self {
            ClientAuth::Basic => TokenEndpointAuthMethod::ClientSecretBasic,
            ClientAuth::Post => TokenEndpointAuthMethod::ClientSecretPost,
        }
    }

    /// A client-credentials token request from `id` with `secret`, authenticated this way.
    async fn token_request(self, client: &Client, url: &str, id: &str, secret: &str) -> Reply {
        let (authorization, body) = match self {
            ClientAuth::Basic => (
                Some(basic(id, secret)),
                "grant_type=client_credentials".to_string(),
            ),
            ClientAuth::Post => (
                None,
                format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"),
            ),
        };
        let body = Some(body.into_bytes());
        send(
            client,
            Method::POST,
            url,
            authorization.as_deref(),
            Some(FORM),
            body,
        )
        .await
    }
}

/// §4: client_credentials with client_secret_basic or client_secret_post.
#[rstest]
#[case::client_secret_basic(ClientAuth::Basic)]
#[case::client_secret_post(ClientAuth::Post)]
#[tokio::test]
async fn token_endpoint_issues_a_bearer_token_with_either_client_authentication(
    #[case] auth: ClientAuth,
) {
    let mock = MockPingOne::builder()
        .client_id("worker-app")
        .client_secret("s3cret")
        .token_endpoint_auth_method(auth.method())
        .seed_user("u", true)
        .start()
        .await
        .unwrap();
    let client = client();
    let url = token_url(&mock, mock.environment_id());
    let reply = auth
        .token_request(&client, &url, "worker-app", "s3cret")
        .await;
    let body = reply.ok_json(200);
    let token = body["access_token"]
        .as_str()
        .expect("access_token is a string");
    assert!(!token.is_empty());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(
        body["expires_in"], 3600,
        "default lifetime is one hour (§4)"
    );

    // The token opens the API.
    let reply = send(
        &client,
        Method::GET,
        &format!(
            "{}/environments/{}/users/{}/mfaEnabled",
            mock.api_url(),
            mock.environment_id(),
            mock.seeded_users()[0]
        ),
        Some(&format!("Bearer {token}")),
        None,
        None,
    )
    .await;
    assert_eq!(reply.ok_json(200)["mfaEnabled"], true);
}

#[derive(Debug, Clone, Copy)]
enum BadClient {
    WrongSecret,
    UnknownClient,
    WrongEnvironmentInPath,
    NoCredentials,
}

#[rstest]
#[case::wrong_secret(BadClient::WrongSecret, ClientAuth::Basic)]
#[case::wrong_secret_posted(BadClient::WrongSecret, ClientAuth::Post)]
#[case::unknown_client(BadClient::UnknownClient, ClientAuth::Basic)]
#[case::unknown_client_posted(BadClient::UnknownClient, ClientAuth::Post)]
#[case::wrong_environment_in_path(BadClient::WrongEnvironmentInPath, ClientAuth::Basic)]
#[case::wrong_environment_in_path_posted(BadClient::WrongEnvironmentInPath, ClientAuth::Post)]
#[case::no_credentials(BadClient::NoCredentials, ClientAuth::Post)]
#[tokio::test]
async fn token_endpoint_answers_invalid_client_in_the_oauth_shape(
    #[case] bad: BadClient,
    #[case] auth: ClientAuth,
) {
    let mock = MockPingOne::builder()
        .client_id("worker-app")
        .client_secret("s3cret")
        .token_endpoint_auth_method(auth.method())
        .start()
        .await
        .unwrap();
    let (id, secret, env) = match bad {
        BadClient::WrongSecret => ("worker-app", "wrong", mock.environment_id()),
        BadClient::UnknownClient => ("someone-else", "s3cret", mock.environment_id()),
        BadClient::WrongEnvironmentInPath => ("worker-app", "s3cret", Uuid::new_v4()),
        BadClient::NoCredentials => ("", "", mock.environment_id()),
    };
    let url = token_url(&mock, env);
    let reply = match bad {
        BadClient::NoCredentials => {
            let body = b"grant_type=client_credentials".to_vec();
            send(&client(), Method::POST, &url, None, Some(FORM), Some(body)).await
        }
        _ => auth.token_request(&client(), &url, id, secret).await,
    };
    let body = reply.oauth_error(401, "invalid_client");
    if let BadClient::WrongSecret | BadClient::UnknownClient = bad {
        // §11.3: PingOne's live wording, quoting the answer's own Correlation-Id.
        let correlation = reply.headers["correlation-id"].to_str().unwrap();
        assert_eq!(
            body["error_description"],
            format!("Request denied: Invalid client credentials (Correlation ID: {correlation})")
        );
    }
}

/// §11.5: the token endpoint accepts the one method the application is configured with; the
/// other answers 401 `invalid_client`, "Unsupported authentication method", even with the
/// right secret.
#[rstest]
#[case::basic_when_post_is_configured(TokenEndpointAuthMethod::ClientSecretPost, ClientAuth::Basic)]
#[case::post_when_basic_is_configured(TokenEndpointAuthMethod::ClientSecretBasic, ClientAuth::Post)]
#[case::post_by_default(TokenEndpointAuthMethod::default(), ClientAuth::Post)]
#[tokio::test]
async fn token_endpoint_refuses_the_method_the_client_is_not_configured_for(
    #[case] configured: TokenEndpointAuthMethod,
    #[case] auth: ClientAuth,
) {
    let mock = MockPingOne::builder()
        .client_id("worker-app")
        .client_secret("s3cret")
        .token_endpoint_auth_method(configured)
        .start()
        .await
        .unwrap();
    let url = token_url(&mock, mock.environment_id());
    let reply = auth
        .token_request(&client(), &url, "worker-app", "s3cret")
        .await;
    let body = reply.oauth_error(401, "invalid_client");
    assert_eq!(
        body["error_description"],
        "Request denied: Unsupported authentication method"
    );
}

/// §11.5: the access token is an RS256 JWT with a worker token's claims, verifiable with the
/// key published at `GET /{envID}/as/jwks`.
#[tokio::test]
async fn access_tokens_are_rs256_jwts_verifiable_with_the_published_key() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};

    let mock = MockPingOne::builder()
        .client_id("worker-app")
        .token_lifetime(Duration::from_secs(120))
        .start()
        .await
        .unwrap();
    let client = client();
    let token = fetch_token(&client, &mock).await;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(
        parts.len(),
        3,
        "not a JWS in compact form: {} parts",
        parts.len()
    );
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
    };
    let header = decode(parts[0]);
    let claims = decode(parts[1]);
    assert_eq!(header["alg"], "RS256");
    let env = mock.environment_id().to_string();
    assert_eq!(claims["client_id"], "worker-app");
    assert_eq!(claims["env"], env);
    assert_eq!(claims["iss"], format!("{}/{env}/as", mock.auth_url()));
    assert_eq!(claims["aud"], json!([mock.auth_url()]));
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        120
    );
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));

    let jwks = send(
        &client,
        Method::GET,
        &format!("{}/{env}/as/jwks", mock.auth_url()),
        None,
        None,
        None,
    )
    .await
    .ok_json(200);
    let key = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == header["kid"]))
        .unwrap_or_else(|| panic!("no key {} in {jwks}", header["kid"]));
    assert_eq!((&key["kty"], &key["alg"]), (&json!("RSA"), &json!("RS256")));
    let component = |name: &str| URL_SAFE_NO_PAD.decode(key[name].as_str().unwrap()).unwrap();
    let public = RsaPublicKeyComponents {
        n: component("n"),
        e: component("e"),
    };
    let signed = format!("{}.{}", parts[0], parts[1]);
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    public
        .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature)
        .expect("the published key verifies the token");
    let mut tampered = signed.into_bytes();
    tampered[0] ^= 1;
    assert!(
        public
            .verify(&RSA_PKCS1_2048_8192_SHA256, &tampered, &signature)
            .is_err()
    );
    // Another process's token, signed with the same key, is refused: the mock checks its own.
    let other = MockPingOne::builder()
        .environment_id(mock.environment_id())
        .client_id("worker-app")
        .start()
        .await
        .unwrap();
    let foreign = fetch_token(&client, &other).await;
    let reply = send(
        &client,
        Method::GET,
        &format!("{}/environments/{env}", mock.api_url()),
        Some(&format!("Bearer {foreign}")),
        None,
        None,
    )
    .await;
    reply.p1_error_with_detail(401, "ACCESS_FAILED", "INVALID_TOKEN", None);
}

/// Issue 14: a read-only worker's token reads, and every write answers 403 `ACCESS_FAILED`
/// and changes nothing; the worker app's token still writes.
#[tokio::test]
async fn a_read_only_worker_may_read_but_not_write() {
    let mock = MockPingOne::builder()
        .readonly_client("reader", "r3ad")
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let user = mock.seeded_users()[0];
    let reader = Api::with_client(&mock, "reader", "r3ad").await;
    let bearer = reader.bearer;
    let base = format!(
        "{}/environments/{}/users",
        mock.api_url(),
        mock.environment_id()
    );
    let read = send(
        &client(),
        Method::GET,
        &format!("{base}/{user}/mfaEnabled"),
        Some(&bearer),
        None,
        None,
    )
    .await;
    assert_eq!(read.ok_json(200)["mfaEnabled"], false);
    let writes = [
        (
            Method::PUT,
            format!("{base}/{user}/mfaEnabled"),
            r#"{"mfaEnabled":true}"#,
        ),
        (Method::POST, base.clone(), r#"{"username":"new"}"#),
        (
            Method::PATCH,
            format!("{base}/{user}"),
            r#"{"nickname":"x"}"#,
        ),
        (Method::DELETE, format!("{base}/{user}"), ""),
    ];
    for (method, url, body) in writes {
        let reply = send(
            &client(),
            method.clone(),
            &url,
            Some(&bearer),
            Some(JSON),
            Some(body.as_bytes().to_vec()),
        )
        .await;
        reply.p1_error_with_detail(403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", None);
    }
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    assert_eq!(mock.user_count(), 1);
    let writer = Api::new(&mock).await;
    writer.put_mfa(user, true).await.ok_json(200);
    assert_eq!(mock.stored_mfa_enabled(user), Some(true));
}

#[rstest]
#[case::missing_grant_type("", "invalid_request")]
#[case::only_a_scope("scope=openid", "invalid_request")]
#[case::authorization_code("grant_type=authorization_code", "unsupported_grant_type")]
#[case::password("grant_type=password&username=a&password=b", "unsupported_grant_type")]
#[case::refresh_token("grant_type=refresh_token", "unsupported_grant_type")]
#[tokio::test]
async fn token_endpoint_answers_400_to_a_missing_or_unsupported_grant_type(
    #[case] form: &str,
    #[case] error: &str,
) {
    let mock = MockPingOne::builder().start().await.unwrap();
    let reply = send(
        &client(),
        Method::POST,
        &token_url(&mock, mock.environment_id()),
        Some(&basic_for(&mock)),
        Some(FORM),
        Some(form.as_bytes().to_vec()),
    )
    .await;
    reply.oauth_error(400, error);
}

#[tokio::test]
async fn access_tokens_expire_after_the_configured_lifetime() {
    let Seeded { mock, api, user } = Seeded::start(
        MockPingOne::builder()
            .token_lifetime(Duration::from_millis(300))
            .seed_user("u", false),
    )
    .await;
    api.get_mfa(user).await.ok_json(200);
    tokio::time::sleep(Duration::from_millis(450)).await;
    api.get_mfa(user)
        .await
        .p1_error_with_detail(401, "ACCESS_FAILED", "INVALID_TOKEN", None);
    // A fresh token works again.
    let api = Api::new(&mock).await;
    api.get_mfa(user).await.ok_json(200);
}
