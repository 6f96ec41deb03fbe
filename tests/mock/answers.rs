//! PingOne's answer shapes (`src/mock/answers.rs`): P1Error for every invalid body and error,
//! a fresh id each time, 404 and 405 with `Allow`, JSON and a Correlation-Id on every answer, and
//! a rejected request changing nothing.

use std::collections::HashSet;

use pingone_mfa_conformance::mock::MockPingOne;
use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::api::*;

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
    let Seeded { mock, api, user } = seeded(false).await;
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
    let Seeded {
        mock: _mock,
        api,
        user,
    } = seeded(false).await;
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

#[tokio::test]
async fn an_unknown_user_answers_404_not_found() {
    let Seeded { mock, api, .. } = seeded(false).await;
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
    let Seeded { mock, api, user } = seeded(false).await;
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
    let Seeded { mock, api, user } = seeded(false).await;
    let path = path
        .replace("{env}", &mock.environment_id().to_string())
        .replace("{user}", &user.to_string());
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
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
}

#[tokio::test]
async fn every_answer_has_a_json_content_type_and_a_correlation_id() {
    let Seeded { mock, api, user } = seeded(false).await;
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

/// Every kind of rejection of a PUT that asks for `true` leaves the stored `false` alone.
#[tokio::test]
async fn a_rejected_request_changes_nothing() {
    let Seeded { mock, api, user } = seeded(false).await;
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
