//! The alternatives (`src/mock/alternatives.rs`): what PingOne's documentation leaves open,
//! answered one way by default and the other with the alternative on.

use pingone_mfa_conformance::mock::{Alternatives, MockPingOne};
use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::guards::v1_routes;
use crate::support::api::*;

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
#[case::put(Method::PUT)]
#[case::patch(Method::PATCH)]
#[tokio::test]
async fn mfa_enabled_in_an_update_user_body_is_rejected_when_configured(#[case] method: Method) {
    let Seeded { mock, api, user } = Seeded::start(
        MockPingOne::builder()
            .alternatives(Alternatives {
                reject_mfa_in_user_update: true,
                ..Default::default()
            })
            .seed_user("seeded", false),
    )
    .await;
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

#[rstest]
#[case::forbidden_by_default(false, 403, "ACCESS_FAILED")]
#[case::not_found_when_configured(true, 404, "NOT_FOUND")]
#[tokio::test]
async fn another_environments_id_in_a_user_path_is_refused(
    #[case] as_404: bool,
    #[case] status: u16,
    #[case] code: &str,
) {
    let Seeded { mock, api, user } = Seeded::start(
        MockPingOne::builder()
            .alternatives(Alternatives {
                foreign_environment_404: as_404,
                ..Default::default()
            })
            .seed_user("u", false),
    )
    .await;
    let foreign = Uuid::new_v4();
    // The environment route itself answers 404 for any unknown environment (§3).
    let routes: Vec<_> = v1_routes(foreign, user)
        .into_iter()
        .filter(|(_, p, _)| p.contains("/users"))
        .collect();
    assert_eq!(routes.len(), 8);
    for (method, path, body) in routes {
        let reply = send(
            &api.client,
            method.clone(),
            &format!("{}{path}", mock.auth_url()),
            Some(&api.bearer),
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
    let Seeded { mock, api, user } = Seeded::start(
        MockPingOne::builder()
            .alternatives(Alternatives {
                content_type_400,
                ..Default::default()
            })
            .seed_user("u", false),
    )
    .await;
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

#[rstest]
#[case::not_found_by_default(false, 404, "NOT_FOUND")]
#[case::invalid_request_when_configured(true, 400, "INVALID_REQUEST")]
#[tokio::test]
async fn a_path_id_that_is_not_a_uuid_is_refused(
    #[case] non_uuid_400: bool,
    #[case] status: u16,
    #[case] code: &str,
) {
    let Seeded { mock, api, user } = Seeded::start(
        MockPingOne::builder()
            .alternatives(Alternatives {
                non_uuid_400,
                ..Default::default()
            })
            .seed_user("u", false),
    )
    .await;
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

/// `--lenient-booleans` (§11.1): PUT `.../mfaEnabled` binds like Jackson. What it coerces is
/// answered and stored as the Boolean; other strings and floats fail the conversion with 400
/// `INVALID_REQUEST` (detail `INVALID_VALUE` on `mfaEnabled`), and change nothing; `null`,
/// which no binder converts, keeps `INVALID_DATA`.
#[rstest]
#[case::lower_case_true(json!("true"), false, Ok(true))]
#[case::upper_case_false(json!("FALSE"), true, Ok(false))]
#[case::mixed_case_true(json!("tRuE"), false, Ok(true))]
#[case::padded_true(json!(" True "), false, Ok(true))]
#[case::one(json!(1), false, Ok(true))]
#[case::zero(json!(0), true, Ok(false))]
#[case::negative(json!(-7), false, Ok(true))]
#[case::float(json!(1.5), false, Err("INVALID_REQUEST"))]
#[case::integral_float(json!(1.0), false, Err("INVALID_REQUEST"))]
#[case::other_string(json!("yes"), false, Err("INVALID_REQUEST"))]
#[case::digit_string(json!("1"), false, Err("INVALID_REQUEST"))]
#[case::empty_string(json!(""), true, Err("INVALID_REQUEST"))]
#[case::null(json!(null), true, Err("INVALID_DATA"))]
#[tokio::test]
async fn lenient_booleans_store_what_jackson_coerces_and_reject_the_rest(
    #[case] value: Value,
    #[case] baseline: bool,
    #[case] expected: Result<bool, &str>,
) {
    let mock = MockPingOne::builder()
        .lenient_booleans()
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let id = api.create("lenient", json!({"mfaEnabled": baseline})).await;
    let path = format!("/users/{id}/mfaEnabled");
    let reply = api
        .send(Method::PUT, &path, Some(&json!({ "mfaEnabled": value })))
        .await;
    let stored = match expected {
        Ok(coerced) => {
            assert_eq!(reply.ok_json(200)["mfaEnabled"], json!(coerced), "{value}");
            coerced
        }
        Err(code) => {
            reply.p1_error_with_detail(400, code, "INVALID_VALUE", Some("mfaEnabled"));
            baseline
        }
    };
    assert_eq!(
        api.get(&path).await.ok_json(200)["mfaEnabled"],
        json!(stored)
    );
    assert_eq!(mock.stored_mfa_enabled(id), Some(stored), "{value}");
}

/// `--lenient-booleans` binds the same way wherever a body carries `mfaEnabled`: Create User,
/// Update User (`--reject-mfa-in-user-update` refuses a coerced value that differs, as it
/// refuses a Boolean) and the MFA settings' `users.mfaEnabled`. Without it, Create User
/// refuses a string (the MFA settings' refusal: `tests/mock_client.rs`).
#[tokio::test]
async fn lenient_booleans_bind_mfa_enabled_in_every_body_that_carries_it() {
    let mock = MockPingOne::builder()
        .lenient_booleans()
        .reject_mfa_in_user_update()
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let id = api.create("coerced", json!({"mfaEnabled": "FALSE"})).await;
    assert_eq!(mock.stored_mfa_enabled(id), Some(false));
    api.send(
        Method::POST,
        "/users",
        Some(&json!({"username": "refused", "mfaEnabled": "no"})),
    )
    .await
    .p1_error_with_detail(400, "INVALID_REQUEST", "INVALID_VALUE", Some("mfaEnabled"));
    let user = format!("/users/{id}");
    api.send(Method::PATCH, &user, Some(&json!({"mfaEnabled": 1})))
        .await
        .p1_error_with_detail(
            403,
            "ACCESS_FAILED",
            "INSUFFICIENT_PERMISSIONS",
            Some("mfaEnabled"),
        );
    api.send(Method::PATCH, &user, Some(&json!({"mfaEnabled": "false"})))
        .await
        .ok_json(200);
    assert_eq!(mock.stored_mfa_enabled(id), Some(false));
    let settings = json!({"pairing": {"maxAllowedDevices": 5, "pairingKeyFormat": "NUMERIC"}, "users": {"mfaEnabled": "False"}});
    let put = api.send(Method::PUT, "/mfaSettings", Some(&settings)).await;
    assert_eq!(put.ok_json(200)["users"]["mfaEnabled"], json!(false));

    let strict = MockPingOne::builder().start().await.unwrap();
    let api = Api::new(&strict).await;
    api.send(
        Method::POST,
        "/users",
        Some(&json!({"username": "strict", "mfaEnabled": "true"})),
    )
    .await
    .p1_error_with_detail(400, "INVALID_DATA", "INVALID_VALUE", Some("mfaEnabled"));
}

/// `--error-id-optional` (§2.1): 403 and 429 bodies carry no `id` (nor would a 5xx); the
/// bodies whose schema requires one (400, 401, 404, 405) keep it.
#[tokio::test]
async fn error_id_optional_leaves_id_out_of_403_and_429_only() {
    let mock = MockPingOne::builder()
        .error_id_optional()
        .rate_limit(20)
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let foreign = format!(
        "{}/environments/{}/users/{}/mfaEnabled",
        mock.api_url(),
        Uuid::new_v4(),
        Uuid::new_v4()
    );
    let forbidden = api
        .send_url(
            Method::PUT,
            &foreign,
            &[],
            Some(&json!({"mfaEnabled": true})),
        )
        .await
        .ok_json(403);
    assert!(
        forbidden.get("id").is_none() && forbidden["code"] == "ACCESS_FAILED",
        "{forbidden}"
    );
    let unknown = format!("/users/{}/mfaEnabled", Uuid::new_v4());
    let not_found = api.get(&unknown).await.ok_json(404);
    assert!(not_found["id"].is_string(), "{not_found}");
    let mut limited = None;
    for _ in 0..40 {
        let reply = api.get(&unknown).await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
    }
    let limited = limited
        .expect("a 429 within 40 requests at 20 per second")
        .ok_json(429);
    assert!(
        limited.get("id").is_none() && limited["code"] == "REQUEST_LIMITED",
        "{limited}"
    );
}

/// `--method-405-request-failed` (§3, §11.6 item 6): POST, PATCH and DELETE on
/// `.../mfaEnabled` still answer 405 with `Allow`, with the code `REQUEST_FAILED`.
#[rstest]
#[case::post(Method::POST)]
#[case::patch(Method::PATCH)]
#[case::delete(Method::DELETE)]
#[tokio::test]
async fn method_405_request_failed_changes_the_code_only(#[case] method: Method) {
    let mock = MockPingOne::builder()
        .method_405_request_failed()
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let id = api.create("methods", json!({"mfaEnabled": false})).await;
    let body = (method != Method::DELETE).then(|| json!({"mfaEnabled": true}));
    let reply = api
        .send(method, &format!("/users/{id}/mfaEnabled"), body.as_ref())
        .await;
    assert_eq!(reply.header("allow"), Some("GET, PUT"));
    let body = reply.ok_json(405);
    assert_eq!(body["code"], "REQUEST_FAILED", "{body}");
    assert!(body["id"].is_string(), "{body}");
    assert_eq!(mock.stored_mfa_enabled(id), Some(false));
}
