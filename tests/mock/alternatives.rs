//! The alternatives (`src/mock/alternatives.rs`): what PingOne's documentation leaves open,
//! answered one way by default and the other with the alternative on.

use pingone_mfa_conformance::mock::{Alternatives, MockPingOne};
use reqwest::Method;
use rstest::rstest;
use serde_json::json;
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
