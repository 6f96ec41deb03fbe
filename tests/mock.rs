//! Black-box tests of the embeddable PingOne mock (`src/mock/`) and of the standalone
//! `pingone-mock` binary, over HTTP only. Facts behind each expectation:
//! `docs/api-facts.md` (section numbers in comments).
//!
//! Every test starts its own mock, so tests share no state and may run in parallel.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use pingone_mfa_conformance::mock::{
    Alternative, Alternatives, EnvironmentType, Fault, MockPingOne, TokenEndpointAuthMethod,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use reqwest::header::HeaderMap;
use reqwest::{Client, Method};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

const JSON: &str = "application/json";
const IMPORT_JSON: &str = "application/vnd.pingidentity.user.import+json";
const FORM: &str = "application/x-www-form-urlencoded";

// ------------------------------------------------------------------------------------ helpers

fn client() -> Client {
    pingone_mfa_conformance::tls::client_builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("build reqwest client")
}

fn basic(id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

fn basic_for(mock: &MockPingOne) -> String {
    basic(mock.client_id(), mock.client_secret().expose())
}

fn token_url(mock: &MockPingOne, env: impl std::fmt::Display) -> String {
    format!("{}/{env}/as/token", mock.auth_url())
}

/// An answer, read completely.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; panics with the body text if it is not JSON.
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text()))
    }

    /// §7: every answer carries `Content-Type: application/json` and a `Correlation-Id`.
    #[track_caller]
    fn assert_json_headers(&self) {
        let ct = self.header("content-type").unwrap_or("");
        let essence = ct.split(';').next().unwrap_or("").trim();
        assert_eq!(essence, JSON, "Content-Type of a {} answer", self.status);
        self.assert_correlation_id();
    }

    #[track_caller]
    fn assert_correlation_id(&self) {
        let id = self.header("correlation-id").unwrap_or("");
        assert!(
            !id.trim().is_empty(),
            "no Correlation-Id on a {} answer",
            self.status
        );
    }

    /// A success with a JSON body; returns the body.
    #[track_caller]
    fn ok_json(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "status; body: {}", self.text());
        self.assert_json_headers();
        self.json()
    }

    /// An error in the P1Error shape (§2.1): `{id: UUID, code, message, details?: [{code,
    /// target?, message}]}`. Returns the body.
    #[track_caller]
    fn p1_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "status; body: {}", self.text());
        self.assert_json_headers();
        let body = self.json();
        let obj = body.as_object().expect("P1Error is an object");
        let id = obj.get("id").and_then(Value::as_str).expect("P1Error.id");
        assert!(
            Uuid::parse_str(id).is_ok(),
            "P1Error.id {id:?} is not a UUID"
        );
        assert_eq!(
            obj.get("code").and_then(Value::as_str),
            Some(code),
            "P1Error.code in {body}"
        );
        let message = obj.get("message").and_then(Value::as_str).unwrap_or("");
        assert!(!message.is_empty(), "P1Error.message missing in {body}");
        if let Some(details) = obj.get("details") {
            let details = details.as_array().expect("details is an array");
            for d in details {
                assert!(
                    d.get("code").and_then(Value::as_str).is_some(),
                    "detail without code: {d}"
                );
                assert!(
                    d.get("message").and_then(Value::as_str).is_some(),
                    "detail without message: {d}"
                );
                if let Some(t) = d.get("target") {
                    assert!(t.is_string(), "detail target is not a string: {d}");
                }
            }
        }
        assert!(
            obj.get("error").is_none(),
            "P1Error carries an OAuth `error`: {body}"
        );
        body
    }

    /// A P1Error that carries a detail with this code (and target, if given).
    #[track_caller]
    fn p1_error_with_detail(
        &self,
        status: u16,
        code: &str,
        detail: &str,
        target: Option<&str>,
    ) -> Value {
        let body = self.p1_error(status, code);
        assert!(
            has_detail(&body, detail, target),
            "no detail {detail}/{target:?} in {body}"
        );
        body
    }

    /// An OAuth 2 error (RFC 6749 §5.2): `{"error": ...}`, no P1Error `code`.
    #[track_caller]
    fn oauth_error(&self, status: u16, error: &str) -> Value {
        assert_eq!(self.status, status, "status; body: {}", self.text());
        self.assert_json_headers();
        let body = self.json();
        assert_eq!(
            body.get("error").and_then(Value::as_str),
            Some(error),
            "in {body}"
        );
        assert!(
            body.get("code").is_none(),
            "OAuth error carries a P1Error code: {body}"
        );
        body
    }
}

fn has_detail(body: &Value, code: &str, target: Option<&str>) -> bool {
    body.get("details")
        .and_then(Value::as_array)
        .is_some_and(|ds| {
            ds.iter().any(|d| {
                d.get("code").and_then(Value::as_str) == Some(code)
                    && target.is_none_or(|t| d.get("target").and_then(Value::as_str) == Some(t))
            })
        })
}

async fn send(
    client: &Client,
    method: Method,
    url: &str,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Reply {
    let mut req = client.request(method.clone(), url);
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    if let Some(b) = body {
        req = req.body(b);
    }
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e:?}"));
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("read body").to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// `POST /{envID}/as/token` with `client_secret_basic`.
async fn fetch_token(client: &Client, mock: &MockPingOne) -> String {
    let reply = send(
        client,
        Method::POST,
        &token_url(mock, mock.environment_id()),
        Some(&basic_for(mock)),
        Some(FORM),
        Some(b"grant_type=client_credentials".to_vec()),
    )
    .await;
    let body = reply.ok_json(200);
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// An authenticated view of one mock's environment.
struct Api {
    client: Client,
    bearer: String,
    api_url: String,
    env: Uuid,
}

impl Api {
    async fn new(mock: &MockPingOne) -> Api {
        let client = client();
        let token = fetch_token(&client, mock).await;
        Api {
            client,
            bearer: format!("Bearer {token}"),
            api_url: mock.api_url().to_string(),
            env: mock.environment_id(),
        }
    }

    /// `{api}/environments/{env}{path}`.
    fn url(&self, path: &str) -> String {
        format!("{}/environments/{}{path}", self.api_url, self.env)
    }

    fn mfa_path(user: Uuid) -> String {
        format!("/users/{user}/mfaEnabled")
    }

    async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<&[u8]>,
    ) -> Reply {
        send(
            &self.client,
            method,
            &self.url(path),
            Some(&self.bearer),
            content_type,
            body.map(<[u8]>::to_vec),
        )
        .await
    }

    async fn get(&self, path: &str) -> Reply {
        self.raw(Method::GET, path, None, None).await
    }

    async fn json(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.raw(method, path, Some(JSON), Some(body.to_string().as_bytes()))
            .await
    }

    async fn put_mfa(&self, user: Uuid, value: bool) -> Reply {
        let body = json!({ "mfaEnabled": value });
        self.json(Method::PUT, &Self::mfa_path(user), &body).await
    }

    async fn get_mfa(&self, user: Uuid) -> Reply {
        self.get(&Self::mfa_path(user)).await
    }

    /// Create a user; returns the created User.
    async fn create_user(&self, body: &Value) -> Value {
        self.json(Method::POST, "/users", body).await.ok_json(201)
    }
}

fn user_id(user: &Value) -> Uuid {
    Uuid::parse_str(user["id"].as_str().expect("user id")).expect("user id is a UUID")
}

/// The documented UserMFAEnabled resource (§1.3), with hrefs under `api_base`.
fn expected_mfa_body(api_base: &str, env: Uuid, user: Uuid, value: bool) -> Value {
    let user_href = format!("{api_base}/environments/{env}/users/{user}");
    json!({
        "_links": {
            "self": { "href": format!("{user_href}/mfaEnabled") },
            "user": { "href": user_href },
        },
        "mfaEnabled": value,
    })
}

async fn seeded(mfa: bool) -> MockPingOne {
    MockPingOne::builder()
        .seed_user("seeded", mfa)
        .start()
        .await
        .expect("start mock")
}

// ------------------------------------------------------------------------------ token endpoint

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
    let (authorization, body) = match auth {
        ClientAuth::Basic => (
            Some(basic("worker-app", "s3cret")),
            "grant_type=client_credentials".to_string(),
        ),
        ClientAuth::Post => (
            None,
            "grant_type=client_credentials&client_id=worker-app&client_secret=s3cret".to_string(),
        ),
    };
    let reply = send(
        &client,
        Method::POST,
        &token_url(&mock, mock.environment_id()),
        authorization.as_deref(),
        Some(FORM),
        Some(body.into_bytes()),
    )
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
    let (authorization, body) = match (bad, auth) {
        (BadClient::NoCredentials, _) => (None, "grant_type=client_credentials".to_string()),
        (_, ClientAuth::Basic) => (
            Some(basic(id, secret)),
            "grant_type=client_credentials".to_string(),
        ),
        (_, ClientAuth::Post) => (
            None,
            format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"),
        ),
    };
    let reply = send(
        &client(),
        Method::POST,
        &token_url(&mock, env),
        authorization.as_deref(),
        Some(FORM),
        Some(body.into_bytes()),
    )
    .await;
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
    let (authorization, body) = match auth {
        ClientAuth::Basic => (
            Some(basic("worker-app", "s3cret")),
            "grant_type=client_credentials".to_string(),
        ),
        ClientAuth::Post => (
            None,
            "grant_type=client_credentials&client_id=worker-app&client_secret=s3cret".to_string(),
        ),
    };
    let reply = send(
        &client(),
        Method::POST,
        &token_url(&mock, mock.environment_id()),
        authorization.as_deref(),
        Some(FORM),
        Some(body.into_bytes()),
    )
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
    let reply = send(
        &client(),
        Method::POST,
        &token_url(&mock, mock.environment_id()),
        Some(&basic("reader", "r3ad")),
        Some(FORM),
        Some(b"grant_type=client_credentials".to_vec()),
    )
    .await;
    let token = reply.ok_json(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
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
    let mock = MockPingOne::builder()
        .token_lifetime(Duration::from_millis(300))
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    api.get_mfa(user).await.ok_json(200);
    tokio::time::sleep(Duration::from_millis(450)).await;
    api.get_mfa(user)
        .await
        .p1_error_with_detail(401, "ACCESS_FAILED", "INVALID_TOKEN", None);
    // A fresh token works again.
    let api = Api::new(&mock).await;
    api.get_mfa(user).await.ok_json(200);
}

// --------------------------------------------------------------------------- environments

#[rstest]
#[case::sandbox_by_default(None, "SANDBOX")]
#[case::production_when_configured(Some(EnvironmentType::Production), "PRODUCTION")]
#[tokio::test]
async fn read_environment_reports_id_name_type_and_region(
    #[case] kind: Option<EnvironmentType>,
    #[case] expected: &str,
) {
    let mut builder = MockPingOne::builder().region("EU");
    if let Some(kind) = kind {
        builder = builder.environment_type(kind);
    }
    let mock = builder.start().await.unwrap();
    let api = Api::new(&mock).await;
    let body = api.get("").await.ok_json(200);
    assert_eq!(body["id"], mock.environment_id().to_string());
    assert!(
        body["name"].as_str().is_some_and(|n| !n.is_empty()),
        "name in {body}"
    );
    assert_eq!(body["type"], expected);
    assert_eq!(body["region"], "EU");
}

#[tokio::test]
async fn read_environment_reports_region_na_by_default() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    assert_eq!(api.get("").await.ok_json(200)["region"], "NA");
}

#[tokio::test]
async fn read_environment_answers_404_for_an_unknown_environment() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    let url = format!("{}/environments/{}", mock.api_url(), Uuid::new_v4());
    send(
        &api.client,
        Method::GET,
        &url,
        Some(&api.bearer),
        None,
        None,
    )
    .await
    .p1_error(404, "NOT_FOUND");
}

// -------------------------------------------------------------------------------- create user

#[rstest]
#[case::json_true(JSON, true)]
#[case::json_false(JSON, false)]
#[case::import_true(IMPORT_JSON, true)]
#[case::import_false(IMPORT_JSON, false)]
#[tokio::test]
async fn create_user_answers_201_with_mfa_enabled_as_sent(
    #[case] content_type: &str,
    #[case] mfa: bool,
) {
    // The environment default is the opposite, so that only the sent value can explain the answer.
    let mock = MockPingOne::builder()
        .alternatives(Alternatives {
            mfa_disabled_by_default: mfa,
            ..Default::default()
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let body = json!({"username": "new.user", "email": "new.user@example.com", "mfaEnabled": mfa});
    let user = api
        .raw(
            Method::POST,
            "/users",
            Some(content_type),
            Some(body.to_string().as_bytes()),
        )
        .await
        .ok_json(201);
    let id = user_id(&user);
    assert_eq!(user["username"], "new.user");
    assert_eq!(user["email"], "new.user@example.com");
    assert_eq!(user["mfaEnabled"], mfa);
    assert_eq!(user["environment"]["id"], mock.environment_id().to_string());
    assert_eq!(
        user["population"]["id"],
        mock.population_id().to_string(),
        "default population"
    );
    assert_eq!(mock.stored_mfa_enabled(id), Some(mfa));
    assert_eq!(api.get_mfa(id).await.ok_json(200)["mfaEnabled"], mfa);
    assert_eq!(
        api.get(&format!("/users/{id}")).await.ok_json(200)["mfaEnabled"],
        mfa
    );
}

#[rstest]
#[case::false_when_the_environment_disables_mfa(JSON, false)]
#[case::false_when_the_environment_disables_mfa_on_import(IMPORT_JSON, false)]
#[case::true_by_default(JSON, true)]
#[case::true_by_default_on_import(IMPORT_JSON, true)]
#[tokio::test]
async fn create_user_without_mfa_enabled_takes_the_environment_default(
    #[case] content_type: &str,
    #[case] default: bool,
) {
    let mock = MockPingOne::builder()
        .alternatives(Alternatives {
            mfa_disabled_by_default: !default,
            ..Default::default()
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let body = json!({"username": "defaulted"});
    let user = api
        .raw(
            Method::POST,
            "/users",
            Some(content_type),
            Some(body.to_string().as_bytes()),
        )
        .await
        .ok_json(201);
    assert_eq!(user["mfaEnabled"], default);
    assert_eq!(mock.stored_mfa_enabled(user_id(&user)), Some(default));
}

#[rstest]
#[case::absent(json!({"email": "x@example.com"}))]
#[case::null(json!({"username": null}))]
#[tokio::test]
async fn create_user_requires_a_username(#[case] body: Value) {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    api.json(Method::POST, "/users", &body)
        .await
        .p1_error_with_detail(400, "INVALID_DATA", "REQUIRED_VALUE", Some("username"));
    assert_eq!(mock.user_count(), 0);
}

#[tokio::test]
async fn create_user_accepts_usernames_of_1_to_128_characters_only() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    for len in [1, 128] {
        let user = api.create_user(&json!({"username": "a".repeat(len)})).await;
        assert_eq!(user["username"].as_str().map(str::len), Some(len));
    }
    for len in [0, 129] {
        api.json(
            Method::POST,
            "/users",
            &json!({"username": "b".repeat(len)}),
        )
        .await
        .p1_error_with_detail(400, "INVALID_DATA", "INVALID_VALUE", Some("username"));
    }
    assert_eq!(mock.user_count(), 2);
}

#[tokio::test]
async fn usernames_are_unique_ignoring_case() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    api.create_user(&json!({"username": "Alice"})).await;
    let bob = user_id(&api.create_user(&json!({"username": "bob"})).await);
    for name in ["Alice", "alice", "ALICE"] {
        for ct in [JSON, IMPORT_JSON] {
            let body = json!({ "username": name }).to_string();
            api.raw(Method::POST, "/users", Some(ct), Some(body.as_bytes()))
                .await
                .p1_error_with_detail(
                    400,
                    "INVALID_DATA",
                    "UNIQUENESS_VIOLATION",
                    Some("username"),
                );
        }
    }
    assert_eq!(mock.user_count(), 2);
    // Renaming another user onto the name is rejected too, and changes nothing.
    api.json(
        Method::PATCH,
        &format!("/users/{bob}"),
        &json!({"username": "aLiCe"}),
    )
    .await
    .p1_error_with_detail(
        400,
        "INVALID_DATA",
        "UNIQUENESS_VIOLATION",
        Some("username"),
    );
    assert_eq!(
        api.get(&format!("/users/{bob}")).await.ok_json(200)["username"],
        "bob"
    );
    // A user may keep (or re-case) its own name.
    let body = api
        .json(
            Method::PATCH,
            &format!("/users/{bob}"),
            &json!({"username": "Bob"}),
        )
        .await
        .ok_json(200);
    assert_eq!(body["username"], "Bob");
}

#[tokio::test]
async fn create_user_accepts_the_default_population_and_rejects_another() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    let pop = mock.population_id();
    let user = api
        .create_user(&json!({"username": "with-pop", "population": {"id": pop}}))
        .await;
    assert_eq!(user["population"]["id"], pop.to_string());
    let user = api.create_user(&json!({"username": "without-pop"})).await;
    assert_eq!(user["population"]["id"], pop.to_string());
    api.json(
        Method::POST,
        "/users",
        &json!({"username": "other-pop", "population": {"id": Uuid::new_v4()}}),
    )
    .await
    .p1_error(400, "INVALID_DATA");
    assert_eq!(mock.user_count(), 2);
}

#[rstest]
#[case::text_plain(Some("text/plain"))]
#[case::form(Some(FORM))]
#[case::none(None)]
#[tokio::test]
async fn create_user_rejects_an_unsupported_content_type_with_415(
    #[case] content_type: Option<&str>,
) {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    let body = json!({"username": "x"}).to_string();
    api.raw(Method::POST, "/users", content_type, Some(body.as_bytes()))
        .await
        .p1_error(415, "INVALID_REQUEST");
    assert_eq!(mock.user_count(), 0);
}

// ------------------------------------------------------------------------ read/update/delete

#[tokio::test]
async fn put_user_replaces_attributes_and_patch_merges_them() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&mock).await;
    let user = api
        .create_user(
            &json!({"username": "ann", "email": "ann@example.com", "name": {"given": "Ann"}}),
        )
        .await;
    let path = format!("/users/{}", user_id(&user));

    let put = api
        .json(
            Method::PUT,
            &path,
            &json!({"username": "ann", "email": "ann2@example.com"}),
        )
        .await
        .ok_json(200);
    assert_eq!(put["email"], "ann2@example.com");
    assert!(
        put.get("name").is_none(),
        "PUT keeps an omitted attribute: {put}"
    );
    let read = api.get(&path).await.ok_json(200);
    assert_eq!(read["email"], "ann2@example.com");
    assert!(
        read.get("name").is_none(),
        "PUT keeps an omitted attribute: {read}"
    );

    let patch = api
        .json(Method::PATCH, &path, &json!({"nickname": "Annie"}))
        .await
        .ok_json(200);
    assert_eq!(patch["nickname"], "Annie");
    assert_eq!(
        patch["email"], "ann2@example.com",
        "PATCH drops an omitted attribute: {patch}"
    );
    assert_eq!(patch["username"], "ann");
    let read = api.get(&path).await.ok_json(200);
    assert_eq!(read["nickname"], "Annie");
    assert_eq!(read["email"], "ann2@example.com");
}

#[tokio::test]
async fn delete_user_answers_204_and_then_the_user_is_gone() {
    let mock = seeded(true).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let path = format!("/users/{user}");
    api.get(&path).await.ok_json(200);
    let deleted = api.raw(Method::DELETE, &path, None, None).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    deleted.assert_correlation_id();
    api.get(&path).await.p1_error(404, "NOT_FOUND");
    api.get_mfa(user).await.p1_error(404, "NOT_FOUND");
    api.raw(Method::DELETE, &path, None, None)
        .await
        .p1_error(404, "NOT_FOUND");
    assert_eq!(mock.stored_mfa_enabled(user), None);
    assert_eq!(mock.user_count(), 0);
}

/// §1.4: "You cannot update `mfaEnabled` with PUT Update User or PATCH Update User."
#[rstest]
#[case::put_from_false(Method::PUT, false)]
#[case::put_from_true(Method::PUT, true)]
#[case::patch_from_false(Method::PATCH, false)]
#[case::patch_from_true(Method::PATCH, true)]
#[tokio::test]
async fn mfa_enabled_in_an_update_user_body_is_ignored_by_default(
    #[case] method: Method,
    #[case] stored: bool,
) {
    let mock = seeded(stored).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let body = json!({"username": "seeded", "nickname": "nick", "mfaEnabled": !stored});
    let answer = api
        .json(method, &format!("/users/{user}"), &body)
        .await
        .ok_json(200);
    assert_eq!(answer["mfaEnabled"], stored);
    assert_eq!(answer["nickname"], "nick", "the rest of the update applies");
    assert_eq!(mock.stored_mfa_enabled(user), Some(stored));
    assert_eq!(api.get_mfa(user).await.ok_json(200)["mfaEnabled"], stored);
}

#[rstest]
#[case::put(Method::PUT)]
#[case::patch(Method::PATCH)]
#[tokio::test]
async fn mfa_enabled_in_an_update_user_body_is_rejected_when_configured(#[case] method: Method) {
    let mock = MockPingOne::builder()
        .alternatives(Alternatives {
            reject_mfa_in_user_update: true,
            ..Default::default()
        })
        .seed_user("seeded", false)
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let path = format!("/users/{user}");
    let body = json!({"username": "seeded", "nickname": "nick", "mfaEnabled": true});
    api.json(method, &path, &body)
        .await
        .p1_error(403, "ACCESS_FAILED");
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    let read = api.get(&path).await.ok_json(200);
    assert_eq!(read["mfaEnabled"], false);
    assert!(
        read.get("nickname").is_none(),
        "a rejected update applied: {read}"
    );
}

// ------------------------------------------------------------------------- mfaEnabled resource

#[rstest]
#[case::stored_false(false)]
#[case::stored_true(true)]
#[tokio::test]
async fn get_mfa_enabled_answers_exactly_the_documented_resource(#[case] stored: bool) {
    let mock = seeded(stored).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let body = api.get_mfa(user).await.ok_json(200);
    assert_eq!(
        body,
        expected_mfa_body(mock.api_url(), mock.environment_id(), user, stored)
    );
    assert!(
        mock.api_url().starts_with("http://"),
        "hrefs must be absolute"
    );
}

#[rstest]
#[case::false_to_true(false, true)]
#[case::true_to_false(true, false)]
#[case::true_to_true(true, true)]
#[case::false_to_false(false, false)]
#[tokio::test]
async fn put_mfa_enabled_stores_and_answers_exactly_the_new_value(
    #[case] before: bool,
    #[case] after: bool,
) {
    let mock = seeded(before).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let expected = expected_mfa_body(mock.api_url(), mock.environment_id(), user, after);
    assert_eq!(api.put_mfa(user, after).await.ok_json(200), expected);
    assert_eq!(mock.stored_mfa_enabled(user), Some(after));
    assert_eq!(api.get_mfa(user).await.ok_json(200), expected);
    assert_eq!(
        api.get(&format!("/users/{user}")).await.ok_json(200)["mfaEnabled"],
        after
    );
    // Idempotent: the same PUT again is simply 200.
    assert_eq!(api.put_mfa(user, after).await.ok_json(200), expected);
}

#[rstest]
#[case::charset(JSON.to_string() + "; charset=utf-8", json!({"mfaEnabled": true}))]
#[case::upper_case_media_type("Application/JSON".to_string(), json!({"mfaEnabled": true}))]
#[case::read_only_links_sent_back(JSON.to_string(), json!({"_links": {"self": {"href": "x"}}, "mfaEnabled": true}))]
#[case::unknown_property(JSON.to_string(), json!({"mfaEnabled": true, "comment": "hi"}))]
#[tokio::test]
async fn put_mfa_enabled_tolerates_charset_links_and_unknown_properties(
    #[case] content_type: String,
    #[case] body: Value,
) {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let answer = api
        .raw(
            Method::PUT,
            &Api::mfa_path(user),
            Some(&content_type),
            Some(body.to_string().as_bytes()),
        )
        .await
        .ok_json(200);
    assert_eq!(answer["mfaEnabled"], true);
    assert_eq!(mock.stored_mfa_enabled(user), Some(true));
}

#[rstest]
#[case::without_trailing_slash("https://proxy.example/pingone")]
#[case::with_trailing_slash("https://proxy.example/pingone/")]
#[tokio::test]
async fn hrefs_are_built_from_the_public_base_url(#[case] public: &str) {
    let mock = MockPingOne::builder()
        .public_base_url(public)
        .seed_user("u", true)
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let expected = expected_mfa_body(
        "https://proxy.example/pingone/v1",
        mock.environment_id(),
        user,
        true,
    );
    for body in [
        api.get_mfa(user).await.ok_json(200),
        api.put_mfa(user, true).await.ok_json(200),
    ] {
        assert_eq!(body, expected);
        for rel in ["self", "user"] {
            let href = body["_links"][rel]["href"].as_str().unwrap();
            assert!(
                href.starts_with("https://proxy.example/pingone/v1/environments/"),
                "{href}"
            );
        }
    }
}

// ---------------------------------------------------------------------------- authorization

/// Every /v1 route of the mock, with a body that would succeed if authorised.
fn v1_routes(env: Uuid, user: Uuid) -> Vec<(Method, String, Option<Value>)> {
    let base = format!("/v1/environments/{env}");
    vec![
        (Method::GET, base.clone(), None),
        (Method::GET, format!("{base}/users"), None),
        (
            Method::POST,
            format!("{base}/users"),
            Some(json!({"username": "intruder"})),
        ),
        (Method::GET, format!("{base}/users/{user}"), None),
        (
            Method::PUT,
            format!("{base}/users/{user}"),
            Some(json!({"username": "renamed"})),
        ),
        (
            Method::PATCH,
            format!("{base}/users/{user}"),
            Some(json!({"nickname": "n"})),
        ),
        (Method::DELETE, format!("{base}/users/{user}"), None),
        (Method::GET, format!("{base}/users/{user}/mfaEnabled"), None),
        (
            Method::PUT,
            format!("{base}/users/{user}/mfaEnabled"),
            Some(json!({"mfaEnabled": true})),
        ),
        (Method::GET, "/v1/no/such/route".to_string(), None),
    ]
}

#[derive(Debug, Clone, Copy)]
enum BadCredentials {
    Missing,
    UnknownBearer,
    EmptyBearer,
    BasicClientCredentials,
    TokenWithoutScheme,
}

#[rstest]
#[case::no_authorization_header(BadCredentials::Missing)]
#[case::unknown_bearer_token(BadCredentials::UnknownBearer)]
#[case::empty_bearer_token(BadCredentials::EmptyBearer)]
#[case::basic_with_the_right_client_credentials(BadCredentials::BasicClientCredentials)]
#[case::valid_token_without_scheme(BadCredentials::TokenWithoutScheme)]
#[tokio::test]
async fn every_v1_route_answers_401_invalid_token_without_a_valid_bearer_token(
    #[case] bad: BadCredentials,
) {
    let mock = seeded(false).await;
    let client = client();
    let token = fetch_token(&client, &mock).await;
    let user = mock.seeded_users()[0];
    let authorization = match bad {
        BadCredentials::Missing => None,
        BadCredentials::UnknownBearer => {
            Some(format!("Bearer mock-at.{}", Uuid::new_v4().simple()))
        }
        BadCredentials::EmptyBearer => Some("Bearer ".to_string()),
        BadCredentials::BasicClientCredentials => Some(basic_for(&mock)),
        BadCredentials::TokenWithoutScheme => Some(token),
    };
    let origin = mock.auth_url();
    for (method, path, body) in v1_routes(mock.environment_id(), user) {
        let reply = send(
            &client,
            method.clone(),
            &format!("{origin}{path}"),
            authorization.as_deref(),
            body.as_ref().map(|_| JSON),
            body.map(|b| b.to_string().into_bytes()),
        )
        .await;
        assert_eq!(reply.status, 401, "{method} {path}: {}", reply.text());
        reply.p1_error_with_detail(401, "ACCESS_FAILED", "INVALID_TOKEN", None);
    }
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    assert_eq!(mock.user_count(), 1);
}

#[rstest]
#[case::forbidden_by_default(false, 403, "ACCESS_FAILED")]
#[case::not_found_when_configured(true, 404, "NOT_FOUND")]
#[tokio::test]
async fn another_environments_id_in_a_user_path_is_refused(
    #[case] as_404: bool,
    #[case] status: u16,
    #[case] code: &str,
) {
    let mock = MockPingOne::builder()
        .alternatives(Alternatives {
            foreign_environment_404: as_404,
            ..Default::default()
        })
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let client = client();
    let bearer = format!("Bearer {}", fetch_token(&client, &mock).await);
    let user = mock.seeded_users()[0];
    let foreign = Uuid::new_v4();
    // The environment route itself answers 404 for any unknown environment (§3).
    let routes: Vec<_> = v1_routes(foreign, user)
        .into_iter()
        .filter(|(_, p, _)| p.contains("/users"))
        .collect();
    assert_eq!(routes.len(), 8);
    for (method, path, body) in routes {
        let reply = send(
            &client,
            method.clone(),
            &format!("{}{path}", mock.auth_url()),
            Some(&bearer),
            body.as_ref().map(|_| JSON),
            body.map(|b| b.to_string().into_bytes()),
        )
        .await;
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text());
        reply.p1_error(status, code);
    }
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    assert_eq!(mock.user_count(), 1);
}

// --------------------------------------------------------------------------- P1Error answers

/// The answer the mock gives an invalid body: 415 for a media type that is not JSON; 400
/// `INVALID_REQUEST` for bytes that are not JSON; 400 `INVALID_DATA` for JSON that is not an
/// object, and with a detail targeting mfaEnabled when it is missing (`REQUIRED_VALUE`) or not a
/// Boolean (`INVALID_VALUE`).
fn mock_answer(body: &[u8], content_type: &str) -> (u16, &'static str, Option<&'static str>) {
    if content_type != JSON {
        return (415, "INVALID_REQUEST", None);
    }
    match serde_json::from_slice::<Value>(body) {
        Err(_) => (400, "INVALID_REQUEST", None),
        Ok(Value::Object(o)) => match o.get("mfaEnabled") {
            None => (400, "INVALID_DATA", Some("REQUIRED_VALUE")),
            Some(v) => {
                assert!(!v.is_boolean(), "a valid body in the invalid table");
                (400, "INVALID_DATA", Some("INVALID_VALUE"))
            }
        },
        Ok(_) => (400, "INVALID_DATA", None),
    }
}

/// Every invalid body of the conformance suite (the MFA-INVALID rows of
/// `pingone_mfa_conformance::suite::CASES`, one table for both): the mock answers it with a
/// status and code the row accepts, in the P1Error shape, with a detail naming mfaEnabled where
/// the body has the field wrong, and changes nothing. The user is stored `false` and every body
/// "means" true to a careless server, so a partial write would show.
#[tokio::test]
async fn put_mfa_enabled_rejects_every_invalid_body_of_the_suite_with_a_p1_error_and_changes_nothing()
 {
    use pingone_mfa_conformance::suite::{Area, CASES, Kind};
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let mut seen = 0;
    for case in CASES.iter().filter(|c| c.area == Area::Invalid) {
        let Kind::InvalidBody {
            body, content_type, ..
        } = case.kind
        else {
            panic!("{}: an invalid-body row without an invalid body", case.id);
        };
        seen += 1;
        let (status, code, detail) = mock_answer(body, content_type);
        let expect = case.expect;
        assert!(
            expect.status.matches(status),
            "{}: the row does not accept {status}",
            case.id
        );
        if let Some(codes) = expect.codes {
            assert!(
                codes.accepted.contains(&code),
                "{}: the row does not accept {code}",
                case.id
            );
        }
        let reply = api
            .raw(
                Method::PUT,
                &Api::mfa_path(user),
                Some(content_type),
                Some(body),
            )
            .await;
        assert_eq!(reply.status, status, "{}: {}", case.id, reply.text());
        match detail {
            Some(detail) => reply.p1_error_with_detail(status, code, detail, Some("mfaEnabled")),
            None => reply.p1_error(status, code),
        };
        assert_eq!(mock.stored_mfa_enabled(user), Some(false), "{}", case.id);
    }
    assert!(
        seen >= 25,
        "the suite's invalid-body table shrank to {seen} rows"
    );
    assert_eq!(api.get_mfa(user).await.ok_json(200)["mfaEnabled"], false);
}

#[tokio::test]
async fn every_error_gets_a_fresh_id() {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let mut ids = HashSet::new();
    for _ in 0..3 {
        let reply = api
            .json(Method::PUT, &Api::mfa_path(user), &json!({}))
            .await;
        let body = reply.p1_error(400, "INVALID_DATA");
        ids.insert(body["id"].as_str().unwrap().to_string());
        let reply = api.get(&format!("/users/{}", Uuid::new_v4())).await;
        ids.insert(
            reply.p1_error(404, "NOT_FOUND")["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(ids.len(), 6, "error ids repeat: {ids:?}");
}

#[rstest]
#[case::text_plain(Some("text/plain"), false, 415)]
#[case::xml(Some("application/xml"), false, 415)]
#[case::form(Some(FORM), false, 415)]
#[case::import_media_type(Some(IMPORT_JSON), false, 415)]
#[case::json_lookalike(Some("application/jsonx"), false, 415)]
#[case::missing(None, false, 415)]
#[case::text_plain_as_400(Some("text/plain"), true, 400)]
#[case::missing_as_400(None, true, 400)]
#[tokio::test]
async fn put_mfa_enabled_rejects_a_wrong_content_type(
    #[case] content_type: Option<&str>,
    #[case] content_type_400: bool,
    #[case] status: u16,
) {
    let mock = MockPingOne::builder()
        .alternatives(Alternatives {
            content_type_400,
            ..Default::default()
        })
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    api.raw(
        Method::PUT,
        &Api::mfa_path(user),
        content_type,
        Some(br#"{"mfaEnabled":true}"#),
    )
    .await
    .p1_error(status, "INVALID_REQUEST");
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
}

#[tokio::test]
async fn an_unknown_user_answers_404_not_found() {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let unknown = Uuid::new_v4();
    api.get_mfa(unknown).await.p1_error(404, "NOT_FOUND");
    api.put_mfa(unknown, true).await.p1_error(404, "NOT_FOUND");
    api.get(&format!("/users/{unknown}"))
        .await
        .p1_error(404, "NOT_FOUND");
    api.json(
        Method::PATCH,
        &format!("/users/{unknown}"),
        &json!({"nickname": "x"}),
    )
    .await
    .p1_error(404, "NOT_FOUND");
    assert_eq!(mock.stored_mfa_enabled(unknown), None);
    assert_eq!(mock.user_count(), 1);
}

#[rstest]
#[case::not_found_by_default(false, 404, "NOT_FOUND")]
#[case::invalid_request_when_configured(true, 400, "INVALID_REQUEST")]
#[tokio::test]
async fn a_path_id_that_is_not_a_uuid_is_refused(
    #[case] non_uuid_400: bool,
    #[case] status: u16,
    #[case] code: &str,
) {
    let mock = MockPingOne::builder()
        .alternatives(Alternatives {
            non_uuid_400,
            ..Default::default()
        })
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let env = mock.environment_id();
    let requests = [
        (
            Method::GET,
            format!("/environments/{env}/users/not-a-uuid/mfaEnabled"),
        ),
        (
            Method::PUT,
            format!("/environments/{env}/users/not-a-uuid/mfaEnabled"),
        ),
        (Method::GET, format!("/environments/{env}/users/12345")),
        (
            Method::GET,
            format!("/environments/not-an-env/users/{user}/mfaEnabled"),
        ),
        (
            Method::PUT,
            format!("/environments/not-an-env/users/{user}/mfaEnabled"),
        ),
        (Method::GET, "/environments/not-an-env".to_string()),
    ];
    for (method, path) in requests {
        let url = format!("{}{path}", mock.api_url());
        let reply = send(
            &api.client,
            method.clone(),
            &url,
            Some(&api.bearer),
            Some(JSON),
            Some(br#"{"mfaEnabled":true}"#.to_vec()),
        )
        .await;
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text());
        reply.p1_error(status, code);
    }
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
}

#[rstest]
#[case::delete_mfa_enabled(Method::DELETE, "/users/{user}/mfaEnabled", &["GET", "PUT"])]
#[case::post_mfa_enabled(Method::POST, "/users/{user}/mfaEnabled", &["GET", "PUT"])]
#[case::patch_mfa_enabled(Method::PATCH, "/users/{user}/mfaEnabled", &["GET", "PUT"])]
#[case::post_user(Method::POST, "/users/{user}", &["GET", "PUT", "PATCH", "DELETE"])]
#[case::put_users(Method::PUT, "/users", &["GET", "POST"])]
#[case::delete_users(Method::DELETE, "/users", &["GET", "POST"])]
#[case::put_environment(Method::PUT, "", &["GET"])]
#[tokio::test]
async fn an_unsupported_method_answers_405_with_an_allow_header(
    #[case] method: Method,
    #[case] path: &str,
    #[case] allowed: &[&str],
) {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let path = path.replace("{user}", &user.to_string());
    let reply = api
        .raw(
            method,
            &path,
            Some(JSON),
            Some(br#"{"mfaEnabled":true,"username":"x"}"#),
        )
        .await;
    reply.p1_error(405, "INVALID_REQUEST");
    let allow: HashSet<String> = reply
        .header("allow")
        .expect("Allow header on 405")
        .split(',')
        .map(|m| m.trim().to_string())
        .collect();
    let expected: HashSet<String> = allowed.iter().map(|m| m.to_string()).collect();
    assert_eq!(allow, expected);
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    assert_eq!(mock.user_count(), 1);
}

#[tokio::test]
async fn the_token_endpoint_answers_405_to_other_methods_in_the_oauth_shape() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let reply = send(
        &client(),
        Method::GET,
        &token_url(&mock, mock.environment_id()),
        None,
        None,
        None,
    )
    .await;
    reply.oauth_error(405, "invalid_request");
    assert_eq!(reply.header("allow"), Some("POST"));
}

#[rstest]
#[case::unknown_collection("/v1/environments/{env}/groups")]
#[case::unknown_top_level("/v1/whatever")]
#[case::bare_v1("/v1")]
#[case::below_mfa_enabled("/v1/environments/{env}/users/{user}/mfaEnabled/extra")]
#[case::no_version("/environments/{env}/users/{user}/mfaEnabled")]
#[case::root("/")]
#[tokio::test]
async fn an_unknown_route_answers_404_not_found(#[case] path: &str) {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let path = path
        .replace("{env}", &mock.environment_id().to_string())
        .replace("{user}", &mock.seeded_users()[0].to_string());
    for method in [Method::GET, Method::PUT] {
        let url = format!("{}{path}", mock.auth_url());
        let reply = send(
            &api.client,
            method,
            &url,
            Some(&api.bearer),
            Some(JSON),
            Some(br#"{"mfaEnabled":true}"#.to_vec()),
        )
        .await;
        reply.p1_error(404, "NOT_FOUND");
    }
    assert_eq!(mock.stored_mfa_enabled(mock.seeded_users()[0]), Some(false));
}

#[tokio::test]
async fn a_body_over_64_kib_answers_413_in_the_p1_error_shape() {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let pad = "x".repeat(64 * 1024);
    let big = json!({"mfaEnabled": true, "pad": pad});
    api.json(Method::PUT, &Api::mfa_path(user), &big)
        .await
        .p1_error(413, "INVALID_REQUEST");
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    api.json(
        Method::POST,
        "/users",
        &json!({"username": "big", "pad": pad}),
    )
    .await
    .p1_error(413, "INVALID_REQUEST");
    assert_eq!(mock.user_count(), 1);
    // Just under the limit is fine.
    let pad = "x".repeat(60 * 1024);
    let under = json!({"mfaEnabled": true, "pad": pad});
    api.json(Method::PUT, &Api::mfa_path(user), &under)
        .await
        .ok_json(200);
    assert_eq!(mock.stored_mfa_enabled(user), Some(true));
}

/// A client still sending its body when the mock already has its answer (here 401, decided
/// from the headers) must get that answer, not a reset connection: the mock reads the body
/// before answering.
#[rstest]
#[case::small(4_000)]
#[case::near_the_limit(60_000)]
#[case::over_the_limit(200_000)]
#[tokio::test]
async fn a_request_refused_before_its_body_is_read_still_gets_its_answer(#[case] size: usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = seeded(false).await;
    let user = mock.seeded_users()[0];
    let head = format!(
        "PUT /v1/environments/{}/users/{user}/mfaEnabled HTTP/1.1\r\nhost: {}\r\n\
         authorization: Bearer not-a-token\r\ncontent-type: application/json\r\n\
         content-length: {size}\r\n\r\n",
        mock.environment_id(),
        mock.addr(),
    );
    let mut body = br#"{"mfaEnabled":true}"#.to_vec();
    body.resize(size, b' ');
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..size / 2]).await.unwrap();
    // Give the mock time to answer while the upload is still going on.
    tokio::time::sleep(Duration::from_millis(50)).await;
    for chunk in body[size / 2..].chunks(4096) {
        stream
            .write_all(chunk)
            .await
            .expect("the mock stopped reading the body mid-upload");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
        std::io::Result::Ok(())
    })
    .await;
    assert!(matches!(read, Ok(Ok(()))), "reading the answer: {read:?}");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 401 "), "answer: {text:?}");
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
}

// ----------------------------------------------------------------------- headers everywhere

#[tokio::test]
async fn every_answer_has_a_json_content_type_and_a_correlation_id() {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let mut replies = vec![
        api.get("").await,
        api.get("/users").await,
        api.json(Method::POST, "/users", &json!({"username": "new"}))
            .await,
        api.get(&format!("/users/{user}")).await,
        api.json(
            Method::PATCH,
            &format!("/users/{user}"),
            &json!({"nickname": "n"}),
        )
        .await,
        api.json(
            Method::PUT,
            &format!("/users/{user}"),
            &json!({"username": "seeded"}),
        )
        .await,
        api.get_mfa(user).await,
        api.put_mfa(user, true).await,
        // errors
        api.json(Method::PUT, &Api::mfa_path(user), &json!({}))
            .await,
        api.raw(
            Method::PUT,
            &Api::mfa_path(user),
            Some("text/plain"),
            Some(b"true"),
        )
        .await,
        api.raw(Method::DELETE, &Api::mfa_path(user), None, None)
            .await,
        api.get_mfa(Uuid::new_v4()).await,
        api.get("/nothing-here").await,
        api.json(
            Method::PUT,
            &Api::mfa_path(user),
            &json!({"pad": "x".repeat(70_000)}),
        )
        .await,
        send(&api.client, Method::GET, &api.url(""), None, None, None).await,
        send(
            &api.client,
            Method::GET,
            &format!("{}/environments/{}", mock.api_url(), Uuid::new_v4()),
            Some(&api.bearer),
            None,
            None,
        )
        .await,
    ];
    // token endpoint, success and failure
    for secret in [mock.client_secret().expose(), "wrong"] {
        replies.push(
            send(
                &api.client,
                Method::POST,
                &token_url(&mock, mock.environment_id()),
                Some(&basic(mock.client_id(), secret)),
                Some(FORM),
                Some(b"grant_type=client_credentials".to_vec()),
            )
            .await,
        );
    }
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            200, 200, 201, 200, 200, 200, 200, 200, 400, 415, 405, 404, 404, 413, 401, 404, 200,
            401
        ]
    );
    for reply in &replies {
        reply.assert_json_headers();
        assert!(reply.json().is_object(), "{}", reply.text());
    }
    let ids: HashSet<&str> = replies
        .iter()
        .filter_map(|r| r.header("correlation-id"))
        .collect();
    assert_eq!(ids.len(), replies.len(), "Correlation-Id values repeat");
}

// ------------------------------------------------------------------------- rejected = no-op

/// Every kind of rejection of a PUT that asks for `true` leaves the stored `false` alone.
#[tokio::test]
async fn a_rejected_request_changes_nothing() {
    let mock = seeded(false).await;
    let api = Api::new(&mock).await;
    let user = mock.seeded_users()[0];
    let mfa = Api::mfa_path(user);
    let url = api.url(&mfa);
    let want_true = br#"{"mfaEnabled":true}"#.to_vec();
    let foreign = format!(
        "{}/environments/{}/users/{user}/mfaEnabled",
        mock.api_url(),
        Uuid::new_v4()
    );
    let mut pad = br#"{"mfaEnabled":true,"pad":""#.to_vec();
    pad.extend(std::iter::repeat_n(b'x', 70_000));
    pad.extend(br#""}"#);
    let cases: Vec<(&str, Reply)> = vec![
        (
            "no token",
            send(
                &api.client,
                Method::PUT,
                &url,
                None,
                Some(JSON),
                Some(want_true.clone()),
            )
            .await,
        ),
        (
            "unknown token",
            send(
                &api.client,
                Method::PUT,
                &url,
                Some("Bearer nope"),
                Some(JSON),
                Some(want_true.clone()),
            )
            .await,
        ),
        (
            "basic",
            send(
                &api.client,
                Method::PUT,
                &url,
                Some(&basic_for(&mock)),
                Some(JSON),
                Some(want_true.clone()),
            )
            .await,
        ),
        (
            "foreign environment",
            send(
                &api.client,
                Method::PUT,
                &foreign,
                Some(&api.bearer),
                Some(JSON),
                Some(want_true.clone()),
            )
            .await,
        ),
        (
            "content type",
            api.raw(Method::PUT, &mfa, Some("text/plain"), Some(&want_true))
                .await,
        ),
        (
            "string",
            api.raw(
                Method::PUT,
                &mfa,
                Some(JSON),
                Some(br#"{"mfaEnabled":"true"}"#),
            )
            .await,
        ),
        (
            "number",
            api.raw(Method::PUT, &mfa, Some(JSON), Some(br#"{"mfaEnabled":1}"#))
                .await,
        ),
        (
            "array value",
            api.raw(
                Method::PUT,
                &mfa,
                Some(JSON),
                Some(br#"{"mfaEnabled":[true]}"#),
            )
            .await,
        ),
        (
            "non-object",
            api.raw(
                Method::PUT,
                &mfa,
                Some(JSON),
                Some(br#"[{"mfaEnabled":true}]"#),
            )
            .await,
        ),
        (
            "malformed",
            api.raw(
                Method::PUT,
                &mfa,
                Some(JSON),
                Some(br#"{"mfaEnabled":true"#),
            )
            .await,
        ),
        (
            "too large",
            api.raw(Method::PUT, &mfa, Some(JSON), Some(&pad)).await,
        ),
        (
            "PATCH",
            api.raw(Method::PATCH, &mfa, Some(JSON), Some(&want_true))
                .await,
        ),
        (
            "POST",
            api.raw(Method::POST, &mfa, Some(JSON), Some(&want_true))
                .await,
        ),
        ("DELETE", api.raw(Method::DELETE, &mfa, None, None).await),
        (
            "PUT user",
            api.json(
                Method::PUT,
                &format!("/users/{user}"),
                &json!({"username": "seeded", "mfaEnabled": true}),
            )
            .await,
        ),
        (
            "PATCH user",
            api.json(
                Method::PATCH,
                &format!("/users/{user}"),
                &json!({"mfaEnabled": true}),
            )
            .await,
        ),
    ];
    for (what, reply) in &cases {
        assert_eq!(
            mock.stored_mfa_enabled(user),
            Some(false),
            "{what} ({}) changed the value",
            reply.status
        );
        if !what.ends_with("user") {
            assert!(reply.status >= 400, "{what} was accepted: {}", reply.status);
        }
    }
    assert_eq!(api.get_mfa(user).await.ok_json(200)["mfaEnabled"], false);
}

// ------------------------------------------------------------------- rate limit and latency

#[tokio::test]
async fn past_the_rate_limit_requests_answer_429_with_retry_after() {
    let mock = MockPingOne::builder()
        .rate_limit(5)
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let api = Arc::new(Api::new(&mock).await);
    let user = mock.seeded_users()[0];
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { api.get_mfa(user).await })
        })
        .collect();
    let mut ok = 0;
    let mut limited = 0;
    for t in tasks {
        let reply = t.await.unwrap();
        match reply.status {
            200 => ok += 1,
            _ => {
                reply.p1_error(429, "REQUEST_LIMITED");
                let retry = reply.header("retry-after").expect("Retry-After on 429");
                let secs: u64 = retry
                    .parse()
                    .unwrap_or_else(|_| panic!("Retry-After {retry:?} is not an integer"));
                assert!(secs >= 1, "Retry-After {secs}");
                limited += 1;
            }
        }
    }
    assert!(ok >= 1, "nothing got through");
    assert!(limited >= 10, "only {limited} of 20 were limited");
    // A limited write changes nothing (the window is still full).
    let reply = api.put_mfa(user, true).await;
    reply.p1_error(429, "REQUEST_LIMITED");
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let mock = MockPingOne::builder()
        .latency(Duration::from_millis(150))
        .seed_user("u", false)
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let api = Api::new(&mock).await;
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "token: {:?}",
        started.elapsed()
    );
    let user = mock.seeded_users()[0];
    for reply_of in [0, 1, 2] {
        let started = Instant::now();
        let reply = match reply_of {
            0 => api.get_mfa(user).await,
            1 => api.put_mfa(user, true).await,
            _ => api.get_mfa(Uuid::new_v4()).await,
        };
        assert!(reply.status == 200 || reply.status == 404);
        assert!(
            started.elapsed() >= Duration::from_millis(150),
            "took {:?}",
            started.elapsed()
        );
    }
}

// ----------------------------------------------------------------------------- concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_puts_all_succeed_and_one_of_them_is_stored() {
    let mock = seeded(false).await;
    let api = Arc::new(Api::new(&mock).await);
    let user = mock.seeded_users()[0];
    let permits = Arc::new(tokio::sync::Semaphore::new(64));
    let wave = |values: Vec<bool>| {
        let tasks: Vec<_> = values
            .into_iter()
            .map(|value| {
                let (api, permits) = (api.clone(), permits.clone());
                tokio::spawn(async move {
                    let _permit = permits.acquire_owned().await.unwrap();
                    (value, api.put_mfa(user, value).await)
                })
            })
            .collect();
        async move {
            let mut acknowledged = HashSet::new();
            for t in tasks {
                let (value, reply) = t.await.unwrap();
                let body = reply.ok_json(200);
                assert_eq!(body["mfaEnabled"], value, "a PUT answered another value");
                acknowledged.insert(value);
            }
            acknowledged
        }
    };

    let values: Vec<bool> = (0..1000)
        .map(|_| Uuid::new_v4().as_bytes()[0] & 1 == 1)
        .collect();
    let acknowledged = wave(values).await;
    let stored = mock.stored_mfa_enabled(user).unwrap();
    assert!(
        acknowledged.contains(&stored),
        "stored {stored}, acknowledged {acknowledged:?}"
    );
    assert_eq!(api.get_mfa(user).await.ok_json(200)["mfaEnabled"], stored);

    // A second wave that all asks for the other value must leave exactly that value.
    let acknowledged = wave(vec![!stored; 200]).await;
    assert_eq!(acknowledged, HashSet::from([!stored]));
    assert_eq!(mock.stored_mfa_enabled(user), Some(!stored));
    assert_eq!(api.get_mfa(user).await.ok_json(200)["mfaEnabled"], !stored);
}

// ---------------------------------------------------------------------------- property test

#[derive(Clone)]
struct ArbRequest {
    method: Method,
    path: String,
    authorization: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    body: Vec<u8>,
}

/// A readable summary: byte arrays as lossy text, long values cut.
impl std::fmt::Debug for ArbRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn cut(bytes: &[u8]) -> String {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]).into_owned();
            if bytes.len() > 120 {
                format!("{text}...")
            } else {
                text
            }
        }
        f.debug_struct("ArbRequest")
            .field("method", &self.method)
            .field("path", &cut(self.path.as_bytes()))
            .field("path_len", &self.path.len())
            .field("authorization", &self.authorization.as_deref().map(cut))
            .field("content_type", &self.content_type.as_deref().map(cut))
            .field("body", &cut(&self.body))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Bytes valid in an HTTP header value (visible ASCII, space, tab and obs-text).
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![8 => 0x20u8..0x7f, 1 => 0x80u8..=0xff, 1 => Just(b'\t')],
        0..120,
    )
}

fn arb_request(
    env: Uuid,
    user: Uuid,
    token: String,
    basic: String,
) -> impl Strategy<Value = ArbRequest> {
    let method = prop_oneof![
        Just(Method::GET),
        Just(Method::PUT),
        Just(Method::POST),
        Just(Method::PATCH),
        Just(Method::DELETE),
        Just(Method::OPTIONS),
        Just(Method::HEAD),
    ];
    let segment = prop_oneof![
        4 => "[a-zA-Z0-9._~-]{0,12}",
        2 => "(%[0-9A-Fa-f]{2}){1,6}",
        1 => "%[^/?#]{0,2}",
        1 => "\\PC{0,10}",
        1 => "[a-z]{1000,6000}",
        1 => Just("mfaEnabled".to_string()),
        1 => Just("users".to_string()),
    ];
    let env_segment = prop_oneof![
        4 => Just(env.to_string()),
        1 => Just(Uuid::new_v4().to_string()),
        1 => Just(env.to_string().to_uppercase()),
        1 => segment.clone(),
    ];
    let user_segment = prop_oneof![
        4 => Just(user.to_string()),
        1 => Just(Uuid::new_v4().to_string()),
        1 => segment.clone(),
    ];
    let real = (env_segment, user_segment, 0..7u8).prop_map(|(e, u, shape)| match shape {
        0 => format!("/{e}/as/token"),
        1 => format!("/v1/environments/{e}"),
        2 => format!("/v1/environments/{e}/users"),
        3 => format!("/v1/environments/{e}/users/{u}"),
        4 | 5 => format!("/v1/environments/{e}/users/{u}/mfaEnabled"),
        _ => format!("/v1/environments/{e}/users/{u}/mfaEnabled/{u}"),
    });
    let random_segments =
        prop::collection::vec(segment, 0..5).prop_map(|s| format!("/{}", s.join("/")));
    let random_string = "\\PC{0,64}".prop_map(|s| format!("/{s}"));
    let path = prop_oneof![5 => real, 2 => random_segments, 1 => random_string];

    let authorization = prop_oneof![
        1 => Just(None),
        4 => Just(Some(format!("Bearer {token}").into_bytes())),
        1 => Just(Some(basic.into_bytes())),
        1 => "[ -~]{0,60}".prop_map(|s| Some(format!("Bearer {s}").into_bytes())),
        1 => header_bytes().prop_map(Some),
    ];
    let content_type = prop_oneof![
        1 => Just(None),
        4 => Just(Some(JSON.as_bytes().to_vec())),
        1 => Just(Some(b"application/json; charset=utf-8".to_vec())),
        1 => Just(Some(IMPORT_JSON.as_bytes().to_vec())),
        1 => Just(Some(FORM.as_bytes().to_vec())),
        1 => header_bytes().prop_map(Some),
    ];
    let body = prop_oneof![
        2 => Just(Vec::new()),
        3 => any::<bool>().prop_map(|b| json!({ "mfaEnabled": b }).to_string().into_bytes()),
        1 => "[a-zA-Z0-9]{1,20}".prop_map(|n| json!({ "username": n, "mfaEnabled": true }).to_string().into_bytes()),
        1 => Just(b"grant_type=client_credentials".to_vec()),
        1 => "\\PC{0,64}".prop_map(String::into_bytes),
        2 => prop::collection::vec(any::<u8>(), 0..512),
        // Around the 64 KiB limit: a valid body padded to 65535, 65536 or 65537 bytes.
        1 => (0usize..3).prop_map(|extra| {
            let mut body = br#"{"mfaEnabled":true}"#.to_vec();
            body.resize(64 * 1024 - 1 + extra, b' ');
            body
        }),
    ];
    (method, path, authorization, content_type, body).prop_map(
        |(method, path, authorization, content_type, body)| ArbRequest {
            method,
            path,
            authorization,
            content_type,
            body,
        },
    )
}

/// Whatever arrives, the mock answers below 500 on an intact connection, and every error
/// except to HEAD has a JSON body: P1Error with `code`, or OAuth `error` on the token route.
#[test]
fn arbitrary_requests_never_break_the_connection_or_answer_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = runtime.block_on(seeded(false));
    let client = client();
    let token = runtime.block_on(fetch_token(&client, &mock));
    let origin = mock.auth_url().to_string();
    let strategy = arb_request(
        mock.environment_id(),
        mock.seeded_users()[0],
        token,
        basic_for(&mock),
    );
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |req| {
        runtime.block_on(async {
            let url = reqwest::Url::parse(&format!("{origin}{}", req.path))
                .map_err(|e| TestCaseError::reject(format!("unparsable URL: {e}")))?;
            let sent_path = url.path().to_string();
            let mut builder = client
                .request(req.method.clone(), url)
                .body(req.body.clone());
            if let Some(a) = &req.authorization {
                builder = builder.header("authorization", a.as_slice());
            }
            if let Some(ct) = &req.content_type {
                builder = builder.header("content-type", ct.as_slice());
            }
            let resp = match builder.send().await {
                Ok(resp) => resp,
                Err(e) => {
                    let why = format!(
                        "{} {sent_path}: request failed at the HTTP level: {e:?}",
                        req.method
                    );
                    return Err(TestCaseError::fail(why));
                }
            };
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = match resp.bytes().await {
                Ok(body) => body,
                Err(e) => {
                    return Err(TestCaseError::fail(format!(
                        "{} {sent_path}: body broke off: {e:?}",
                        req.method
                    )));
                }
            };
            prop_assert!(
                status < 500,
                "{} {sent_path} answered {status}: {:?}",
                req.method,
                String::from_utf8_lossy(&body)
            );
            prop_assert!(
                headers.contains_key("correlation-id"),
                "no Correlation-Id on {status}"
            );
            if status != 204 {
                let ct = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                prop_assert_eq!(ct.split(';').next().unwrap_or("").trim(), JSON);
            }
            if status >= 400 && req.method != Method::HEAD {
                let parsed: Result<Value, _> = serde_json::from_slice(&body);
                prop_assert!(
                    parsed.is_ok(),
                    "{status} body is not JSON: {:?}",
                    String::from_utf8_lossy(&body)
                );
                let parsed = parsed.unwrap();
                let segments: Vec<&str> = sent_path.trim_start_matches('/').split('/').collect();
                let token_route = matches!(segments.as_slice(), [_, "as", "token"]);
                let key = if token_route { "error" } else { "code" };
                prop_assert!(
                    parsed.get(key).is_some_and(Value::is_string),
                    "{status} body without `{key}`: {parsed}"
                );
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    drop(mock);
}

// ---------------------------------------------------------------------- standalone binary

const BIN: &str = env!("CARGO_BIN_EXE_pingone-mock");

#[test]
fn the_binary_prints_help_listing_its_flags() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut expected: Vec<String> = [
        "--port",
        "--fault",
        "--list-faults",
        "--environment-id",
        "PINGONE_MOCK_PORT",
    ]
    .map(String::from)
    .to_vec();
    // Generated from the two tables: every alternative's flag and variable, every fault.
    for a in Alternative::ALL {
        expected.push(format!("--{}\n", a.flag()));
        expected.push(format!(
            "PINGONE_MOCK_{}",
            a.flag().to_uppercase().replace('-', "_")
        ));
    }
    expected.extend(Fault::ALL.iter().map(|f| format!("  {} ", f.name())));
    for wanted in expected {
        assert!(
            text.contains(&wanted),
            "--help does not mention {wanted:?}:\n{text}"
        );
    }
}

#[test]
fn the_binary_lists_its_faults() {
    let out = Command::new(BIN).arg("--list-faults").output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("write-lost")), "{text}");
}

#[rstest]
#[case::unknown_flag(&["--no-such-flag"], "--no-such-flag")]
#[case::unknown_fault(&["--fault", "no-such-fault"], "no-such-fault")]
#[case::missing_value(&["--port"], "--port")]
#[case::bad_uuid(&["--environment-id", "nope"], "nope")]
#[case::bad_uuid_after_equals(&["--environment-id=nope"], "nope")]
#[case::mistyped_alternative(&["--non-uuid-40"], "tip: a similar argument exists: '--non-uuid-400'")]
#[case::mistyped_fault(&["--fault", "wirte-lost"], "tip: a similar value exists: 'write-lost'")]
#[case::readonly_id_without_secret(&["--readonly-client-id", "r"], "--readonly-client-secret")]
fn the_binary_exits_2_with_a_message_on_bad_arguments(
    #[case] args: &[&str],
    #[case] mentioned: &str,
) {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(mentioned),
        "stderr does not mention {mentioned}: {err}"
    );
}

/// Start the binary and read its banner, up to "Press Ctrl-C"; the child dies with the guard.
fn banner_of(command: &mut Command) -> (KillOnDrop, Vec<String>) {
    let mut child = KillOnDrop(
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("banner ended early: {banner:?}"));
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            return (child, banner);
        }
    }
}

/// The banner line that starts with `label`, without the label.
fn banner_value<'a>(banner: &'a [String], label: &str) -> &'a str {
    banner
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {banner:?}"))
        .trim()
}

#[test]
fn the_binary_reads_flags_with_equals_and_pingone_mock_variables_and_the_flag_wins() {
    let env = Uuid::new_v4();
    let population = Uuid::new_v4();
    let (_child, banner) = banner_of(
        Command::new(BIN)
            .args(["--port=0", &format!("--environment-id={env}")])
            .arg("--client-id=from-flag")
            .env("PINGONE_MOCK_CLIENT_ID", "from-variable")
            .env("PINGONE_MOCK_POPULATION_ID", population.to_string())
            .env("PINGONE_MOCK_NON_UUID_400", "true")
            .env("PINGONE_MOCK_FOREIGN_ENVIRONMENT_404", "false")
            .env("PINGONE_MOCK_SEED_USER", "ann,bob:true")
            .env("PINGONE_MOCK_FAULT", "write-lost,stale-read")
            .env("PINGONE_MOCK_PRODUCTION", "true"),
    );
    assert_eq!(
        banner_value(&banner, "environment id"),
        format!("{env} (PRODUCTION)")
    );
    assert_eq!(
        banner_value(&banner, "population id"),
        population.to_string()
    );
    assert_eq!(banner_value(&banner, "client id"), "from-flag");
    assert_eq!(banner_value(&banner, "alternatives on"), "non-uuid-400");
    assert_eq!(banner_value(&banner, "FAULTS ON"), "write-lost, stale-read");
    let seeded: Vec<&String> = banner
        .iter()
        .filter(|l| l.contains("seeded user"))
        .collect();
    assert!(
        seeded.len() == 2 && seeded[0].ends_with("(ann)") && seeded[1].ends_with("(bob)"),
        "{seeded:?}"
    );
}

#[test]
fn the_binary_without_alternatives_names_none() {
    let (_child, banner) = banner_of(Command::new(BIN).args(["--port", "0"]));
    assert!(
        !banner.iter().any(|l| l.contains("alternatives on")),
        "{banner:?}"
    );
}

#[tokio::test]
async fn shutdown_returns_once_the_listener_is_closed() {
    let mock = MockPingOne::builder().start().await.unwrap();
    let addr = mock.addr();
    let probe = tokio::net::TcpStream::connect(addr).await;
    assert!(probe.is_ok(), "not serving before shutdown: {probe:?}");
    drop(probe);
    mock.shutdown().await;
    let after = tokio::net::TcpStream::connect(addr).await;
    assert!(after.is_err(), "still accepting after shutdown: {after:?}");
}

/// Kills the child when the test ends, pass or fail.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_a_token_and_an_mfa_round_trip() {
    let env = Uuid::new_v4();
    let mut child = KillOnDrop(
        Command::new(BIN)
            .args(["--port", "0", "--environment-id", &env.to_string()])
            .args(["--client-id", "cid", "--client-secret", "s3cret"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    // Read the banner on a thread so that a silent binary fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || {
        rx.recv_timeout(Duration::from_secs(10))
            .expect("banner line")
    };
    let first = next();
    let addr = first
        .strip_prefix("pingone-mock listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_string();
    let port: u16 = addr.rsplit_once(':').unwrap().1.parse().unwrap();
    assert_ne!(port, 0);
    let mut banner = vec![first.clone()];
    let user = loop {
        let line = next();
        banner.push(line.clone());
        if let Some(rest) = line.trim().strip_prefix("seeded user") {
            break Uuid::parse_str(rest.split_whitespace().next().unwrap()).unwrap();
        }
    };
    assert!(
        banner.iter().any(|l| l.contains(&env.to_string())),
        "the banner does not name the environment: {banner:?}"
    );

    let origin = format!("http://{addr}");
    let client = client();
    let reply = send(
        &client,
        Method::POST,
        &format!("{origin}/{env}/as/token"),
        Some(&basic("cid", "s3cret")),
        Some(FORM),
        Some(b"grant_type=client_credentials".to_vec()),
    )
    .await;
    let token = reply.ok_json(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    let url = format!("{origin}/v1/environments/{env}/users/{user}/mfaEnabled");
    let put = send(
        &client,
        Method::PUT,
        &url,
        Some(&bearer),
        Some(JSON),
        Some(br#"{"mfaEnabled":true}"#.to_vec()),
    )
    .await;
    let expected = expected_mfa_body(&format!("{origin}/v1"), env, user, true);
    assert_eq!(put.ok_json(200), expected);
    let get = send(&client, Method::GET, &url, Some(&bearer), None, None).await;
    assert_eq!(get.ok_json(200), expected);
    drop(child);
}
