//! The mock under load and under arbitrary input: a thousand concurrent PUTs, and a property
//! test of requests that never break the connection or answer 5xx.

use std::collections::HashSet;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::api::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_puts_all_succeed_and_one_of_them_is_stored() {
    let Seeded { mock, api, user } = seeded(false).await;
    let api = Arc::new(api);
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
    let mock = runtime.block_on(seeded(false)).mock;
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
