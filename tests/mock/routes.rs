//! The resources (§1, §3, §5): Read Environment, Create User, read/update/delete a user, and
//! `users/{id}/mfaEnabled` with its documented representation and hrefs.

use pingone_mfa_conformance::mock::{Alternatives, EnvironmentType, MockPingOne};
use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::expected_mfa_body;
use crate::support::api::*;

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
    let Seeded { mock, api, user } = seeded(true).await;
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
    let Seeded { mock, api, user } = seeded(stored).await;
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
#[case::stored_false(false)]
#[case::stored_true(true)]
#[tokio::test]
async fn get_mfa_enabled_answers_exactly_the_documented_resource(#[case] stored: bool) {
    let Seeded { mock, api, user } = seeded(stored).await;
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
    let Seeded { mock, api, user } = seeded(before).await;
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
    let Seeded { mock, api, user } = seeded(false).await;
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
    let Seeded { mock, api, user } = Seeded::start(
        MockPingOne::builder()
            .public_base_url(public)
            .seed_user("u", true),
    )
    .await;
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
