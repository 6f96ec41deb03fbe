//! Black-box HTTP against a mock: a client, a worker token, the answer read whole ([`Reply`])
//! with assertions on PingOne's answer shapes, and an authenticated view of one environment
//! ([`Api`]). Facts: `docs/api-facts.md` (section numbers in comments).

use std::time::Duration;

use base64::Engine as _;
use pingone_mfa_conformance::mock::{MockBuilder, MockPingOne};
use reqwest::header::HeaderMap;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use uuid::Uuid;

pub const JSON: &str = "application/json";
pub const IMPORT_JSON: &str = "application/vnd.pingidentity.user.import+json";
pub const FORM: &str = "application/x-www-form-urlencoded";

/// A client that ignores proxies and gives up after 20 s.
pub fn client() -> Client {
    pingone_mfa_conformance::tls::client_builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("build reqwest client")
}

/// `Basic base64(id:secret)`.
pub fn basic(id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

/// The worker app's `Basic` authorization for this mock.
pub fn basic_for(mock: &MockPingOne) -> String {
    basic(mock.client_id(), mock.client_secret().expose())
}

/// `{auth}/{env}/as/token`.
pub fn token_url(mock: &MockPingOne, env: impl std::fmt::Display) -> String {
    format!("{}/{env}/as/token", mock.auth_url())
}

/// An answer, read completely.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; panics with the body text if it is not JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text()))
    }

    /// §7: every answer carries `Content-Type: application/json` and a `Correlation-Id`.
    #[track_caller]
    pub fn assert_json_headers(&self) {
        let ct = self.header("content-type").unwrap_or("");
        let essence = ct.split(';').next().unwrap_or("").trim();
        assert_eq!(essence, JSON, "Content-Type of a {} answer", self.status);
        self.assert_correlation_id();
    }

    #[track_caller]
    pub fn assert_correlation_id(&self) {
        let id = self.header("correlation-id").unwrap_or("");
        assert!(
            !id.trim().is_empty(),
            "no Correlation-Id on a {} answer",
            self.status
        );
    }

    /// A success with a JSON body; returns the body.
    #[track_caller]
    pub fn ok_json(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "status; body: {}", self.text());
        self.assert_json_headers();
        self.json()
    }

    /// An error in the P1Error shape (§2.1): `{id: UUID, code, message, details?: [{code,
    /// target?, message}]}`. Returns the body.
    #[track_caller]
    pub fn p1_error(&self, status: u16, code: &str) -> Value {
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
    pub fn p1_error_with_detail(
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
    pub fn oauth_error(&self, status: u16, error: &str) -> Value {
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

pub fn has_detail(body: &Value, code: &str, target: Option<&str>) -> bool {
    body.get("details")
        .and_then(Value::as_array)
        .is_some_and(|ds| {
            ds.iter().any(|d| {
                d.get("code").and_then(Value::as_str) == Some(code)
                    && target.is_none_or(|t| d.get("target").and_then(Value::as_str) == Some(t))
            })
        })
}

/// Send a request with these headers (and body) and read the answer whole.
pub async fn send_with(
    client: &Client,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Reply {
    let mut req = client.request(method.clone(), url);
    for (name, value) in headers {
        req = req.header(*name, *value);
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

/// Send a request with an `Authorization` and a `Content-Type`, each if given.
pub async fn send(
    client: &Client,
    method: Method,
    url: &str,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Reply {
    let headers: Vec<(&str, &str)> = [
        ("authorization", authorization),
        ("content-type", content_type),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value?)))
    .collect();
    send_with(client, method, url, &headers, body).await
}

/// `POST {url}` with client credentials in `client_secret_basic`; the access token.
pub async fn request_token(client: &Client, url: &str, id: &str, secret: &str) -> String {
    let reply = send(
        client,
        Method::POST,
        url,
        Some(&basic(id, secret)),
        Some(FORM),
        Some(b"grant_type=client_credentials".to_vec()),
    )
    .await;
    reply.ok_json(200)["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// The worker app's access token from this mock (§4).
pub async fn fetch_token(client: &Client, mock: &MockPingOne) -> String {
    request_token(
        client,
        &token_url(mock, mock.environment_id()),
        mock.client_id(),
        mock.client_secret().expose(),
    )
    .await
}

/// An authenticated view of one mock's environment.
pub struct Api {
    pub client: Client,
    pub bearer: String,
    pub api_url: String,
    pub env: Uuid,
}

impl Api {
    /// With the worker app's token.
    pub async fn new(mock: &MockPingOne) -> Api {
        Api::with_client(mock, mock.client_id(), mock.client_secret().expose()).await
    }

    /// With the token of another client of the mock (the read-only worker, say).
    pub async fn with_client(mock: &MockPingOne, id: &str, secret: &str) -> Api {
        let client = client();
        let url = token_url(mock, mock.environment_id());
        let token = request_token(&client, &url, id, secret).await;
        Api {
            client,
            bearer: format!("Bearer {token}"),
            api_url: mock.api_url().to_string(),
            env: mock.environment_id(),
        }
    }

    /// `{api}/environments/{env}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/environments/{}{path}", self.api_url, self.env)
    }

    pub fn mfa_path(user: Uuid) -> String {
        format!("/users/{user}/mfaEnabled")
    }

    /// Send to an absolute URL with the bearer token, extra headers and a JSON body if given.
    pub async fn send_url(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let mut all = vec![("authorization", self.bearer.as_str())];
        if body.is_some() {
            all.push(("content-type", JSON));
        }
        all.extend_from_slice(headers);
        let body = body.map(|b| b.to_string().into_bytes());
        send_with(&self.client, method, url, &all, body).await
    }

    /// Send to `path` in the environment, with a JSON body if given.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.send_url(method, &self.url(path), &[], body).await
    }

    /// Send these bytes to `path` in the environment, with this `Content-Type` if given.
    pub async fn raw(
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

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn json(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.send(method, path, Some(body)).await
    }

    pub async fn put_mfa(&self, user: Uuid, value: bool) -> Reply {
        let body = json!({ "mfaEnabled": value });
        self.json(Method::PUT, &Self::mfa_path(user), &body).await
    }

    pub async fn get_mfa(&self, user: Uuid) -> Reply {
        self.get(&Self::mfa_path(user)).await
    }

    /// Create a user; returns the created User.
    pub async fn create_user(&self, body: &Value) -> Value {
        self.json(Method::POST, "/users", body).await.ok_json(201)
    }

    /// Create a user with this username and the attributes in `extra`; its id.
    pub async fn create(&self, username: &str, extra: Value) -> Uuid {
        let mut body = json!({ "username": username });
        if let Value::Object(m) = extra {
            body.as_object_mut().expect("object").extend(m);
        }
        user_id(&self.create_user(&body).await)
    }
}

/// A User's `id`.
pub fn user_id(user: &Value) -> Uuid {
    Uuid::parse_str(user["id"].as_str().expect("user id")).expect("user id is a UUID")
}

/// A started mock with a user seeded, and an [`Api`] with the worker app's token.
pub struct Seeded {
    pub mock: MockPingOne,
    pub api: Api,
    /// The first user `builder` seeded.
    pub user: Uuid,
}

impl Seeded {
    /// Start the mock `builder` describes; it seeds at least one user.
    pub async fn start(builder: MockBuilder) -> Seeded {
        let mock = builder.start().await.expect("start mock");
        let api = Api::new(&mock).await;
        let user = mock.seeded_users()[0];
        Seeded { mock, api, user }
    }
}

/// A mock with one user, `seeded`, stored with this `mfaEnabled`.
pub async fn seeded(mfa: bool) -> Seeded {
    Seeded::start(MockPingOne::builder().seed_user("seeded", mfa)).await
}
