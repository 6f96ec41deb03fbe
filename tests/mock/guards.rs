//! The checks every request passes (`src/mock/guards.rs`): authorization on every route, body
//! size, the body read before a refusal is answered, the rate limit and added latency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pingone_mfa_conformance::mock::MockPingOne;
use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::api::*;

/// Every /v1 route of the mock, with a body that would succeed if authorised.
pub(crate) fn v1_routes(env: Uuid, user: Uuid) -> Vec<(Method, String, Option<Value>)> {
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
    let mock = seeded(false).await.mock;
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

#[tokio::test]
async fn a_body_over_64_kib_answers_413_in_the_p1_error_shape() {
    let Seeded { mock, api, user } = seeded(false).await;
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
    let mock = seeded(false).await.mock;
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

#[tokio::test]
async fn past_the_rate_limit_requests_answer_429_with_retry_after() {
    let Seeded { mock, api, user } =
        Seeded::start(MockPingOne::builder().rate_limit(5).seed_user("u", false)).await;
    let api = Arc::new(api);
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
