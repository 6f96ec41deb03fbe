//! Black-box tests, over HTTP only, of the mock as client developers meet PingOne (issue 14):
//! Create User's `Location` and the user's documented `_links`, `users/{id}/enabled`, the
//! environment's MFA settings deciding the default of new users, listing users page by page
//! with a cursor and SCIM filters, the `X-Ping-External-*` and `X-HTTP-Method-Override`
//! headers, and the sliding rate-limit window with `innerError.retryAfter`. Facts:
//! `docs/api-facts.md` (section numbers in comments). The rest of the mock is covered by
//! `tests/mock/`.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pingone_mfa_conformance::mock::MockPingOne;
use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};
use support::api::{Api, Seeded};
use uuid::Uuid;

const TRANSACTION: &str = "x-ping-external-transaction-id";
const SESSION: &str = "x-ping-external-session-id";

// ------------------------------------------------------------------------------------ helpers

async fn mock() -> MockPingOne {
    MockPingOne::builder().start().await.expect("start mock")
}

fn usernames(page: &Value) -> Vec<String> {
    page["_embedded"]["users"]
        .as_array()
        .expect("_embedded.users")
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_string())
        .collect()
}

// ------------------------------------------------------------------ users: Location, _links

/// §11.5 (DOCS-RESP): 201 Create User carries `Location`, the created user's absolute href.
#[tokio::test]
async fn create_user_answers_201_with_the_location_of_the_new_user() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    let reply = api
        .send(
            Method::POST,
            "/users",
            Some(&json!({"username": "located"})),
        )
        .await;
    let user = reply.ok_json(201);
    let location = reply
        .header("location")
        .expect("Location on 201")
        .to_string();
    assert_eq!(
        location,
        format!("{}/users/{}", api.url(""), user["id"].as_str().unwrap())
    );
    assert_eq!(location, user["_links"]["self"]["href"]);
    let read = api
        .send_url(Method::GET, &location, &[], None)
        .await
        .ok_json(200);
    assert_eq!(read["username"], "located");
}

/// §11.5 (DOCS-RESP): a user's `_links` are documented relations only (no `mfaEnabled`
/// relation); the mock gives the ones it serves, `self`, `environment` and `population`, as
/// absolute hrefs, and `self` and `environment` lead to the user and the environment.
#[tokio::test]
async fn user_links_are_the_documented_relations() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    let id = api.create("linked", json!({})).await;
    let listed = api.get("/users").await.ok_json(200)["_embedded"]["users"][0].clone();
    for user in [api.get(&format!("/users/{id}")).await.ok_json(200), listed] {
        let links = user["_links"].as_object().expect("_links");
        let rels: HashSet<&str> = links.keys().map(String::as_str).collect();
        assert_eq!(
            rels,
            HashSet::from(["self", "environment", "population"]),
            "{user}"
        );
        assert_eq!(links["self"]["href"], api.url(&format!("/users/{id}")));
        assert_eq!(links["environment"]["href"], api.url(""));
        assert_eq!(
            links["population"]["href"],
            api.url(&format!("/populations/{}", mock.population_id()))
        );
    }
    let env = api
        .send_url(Method::GET, &api.url(""), &[], None)
        .await
        .ok_json(200);
    assert_eq!(env["id"], mock.environment_id().to_string());
}

// ------------------------------------------------------------------------- users/{id}/enabled

/// §5, §11.5: `GET`/`PUT users/{id}/enabled` read and write the `UserEnabled` resource; the
/// user shows the value; a non-Boolean is refused and changes nothing; other methods 405.
#[tokio::test]
async fn the_enabled_sub_resource_reads_and_writes_the_user_s_enabled() {
    let mock = MockPingOne::builder()
        .readonly_client("reader", "r3ad")
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let id = api.create("switch", json!({})).await;
    let path = format!("/users/{id}/enabled");
    let read = api.get(&path).await.ok_json(200);
    assert_eq!(read["enabled"], true);
    assert_eq!(read["_links"]["self"]["href"], api.url(&path));
    assert_eq!(
        read["_links"]["user"]["href"],
        api.url(&format!("/users/{id}"))
    );
    let written = api
        .send(Method::PUT, &path, Some(&json!({"enabled": false})))
        .await
        .ok_json(200);
    assert_eq!(written["enabled"], false);
    assert_eq!(api.get(&path).await.ok_json(200)["enabled"], false);
    assert_eq!(
        api.get(&format!("/users/{id}")).await.ok_json(200)["enabled"],
        false
    );
    api.send(Method::PUT, &path, Some(&json!({"enabled": "yes"})))
        .await
        .p1_error_with_detail(400, "INVALID_DATA", "INVALID_VALUE", Some("enabled"));
    api.send(Method::PUT, &path, Some(&json!({})))
        .await
        .p1_error_with_detail(400, "INVALID_DATA", "REQUIRED_VALUE", Some("enabled"));
    let reader = Api::with_client(&mock, "reader", "r3ad").await;
    assert_eq!(reader.get(&path).await.ok_json(200)["enabled"], false);
    let refused = reader
        .send(Method::PUT, &path, Some(&json!({"enabled": true})))
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(api.get(&path).await.ok_json(200)["enabled"], false);
    let other = api.send(Method::DELETE, &path, None).await;
    assert_eq!(other.status, 405);
    assert_eq!(other.header("allow"), Some("GET, PUT"));
    let unknown = api.get(&format!("/users/{}/enabled", Uuid::new_v4())).await;
    assert_eq!(unknown.status, 404);
}

// -------------------------------------------------------------------------------- mfaSettings

/// §1.4, §11.5: the environment's `mfaSettings.users.mfaEnabled` decides the `mfaEnabled` of a
/// new user whose request does not say; it starts `true` (new environments), `false` with
/// `mfa_disabled_by_default`, and a PUT changes it for the users created after it.
#[rstest]
#[case::new_environment(false)]
#[case::disabled_by_default(true)]
#[tokio::test]
async fn mfa_settings_decide_the_default_of_new_users(#[case] disabled: bool) {
    let builder = MockPingOne::builder();
    let builder = if disabled {
        builder.mfa_disabled_by_default()
    } else {
        builder
    };
    let mock = builder.start().await.unwrap();
    let api = Api::new(&mock).await;
    let initial = !disabled;
    let settings = api.get("/mfaSettings").await.ok_json(200);
    assert_eq!(settings["users"]["mfaEnabled"], initial, "{settings}");
    assert_eq!(
        settings["environment"]["id"],
        mock.environment_id().to_string()
    );
    assert_eq!(settings["_links"]["self"]["href"], api.url("/mfaSettings"));
    assert!(
        settings["pairing"]["maxAllowedDevices"].is_u64(),
        "{settings}"
    );
    let first = api.create("first", json!({})).await;
    assert_eq!(mock.stored_mfa_enabled(first), Some(initial));

    let mut changed = settings.clone();
    changed["users"]["mfaEnabled"] = json!(!initial);
    let answer = api
        .send(Method::PUT, "/mfaSettings", Some(&changed))
        .await
        .ok_json(200);
    assert_eq!(answer["users"]["mfaEnabled"], !initial);
    assert_eq!(
        api.get("/mfaSettings").await.ok_json(200)["users"]["mfaEnabled"],
        !initial
    );
    let second = api.create("second", json!({})).await;
    assert_eq!(mock.stored_mfa_enabled(second), Some(!initial));
    assert_eq!(
        mock.stored_mfa_enabled(first),
        Some(initial),
        "old users keep theirs"
    );
    // The request's own value still wins.
    let third = api.create("third", json!({"mfaEnabled": initial})).await;
    assert_eq!(mock.stored_mfa_enabled(third), Some(initial));

    // DELETE resets to the initial settings.
    assert_eq!(
        api.send(Method::DELETE, "/mfaSettings", None).await.status,
        204
    );
    assert_eq!(
        api.get("/mfaSettings").await.ok_json(200)["users"]["mfaEnabled"],
        initial
    );
}

/// SPEC `MFASettings`: `pairing` is required, `users.mfaEnabled` is a Boolean,
/// `authentication.deviceSelection` one of its enum (Schemathesis found it ignored); a refused PUT
/// changes nothing; the read-only worker may read but not write.
#[tokio::test]
async fn mfa_settings_refuse_an_invalid_update() {
    let mock = MockPingOne::builder()
        .readonly_client("reader", "r3ad")
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    let pairing = json!({"maxAllowedDevices": 5, "pairingKeyFormat": "NUMERIC"});
    api.send(
        Method::PUT,
        "/mfaSettings",
        Some(&json!({"users": {"mfaEnabled": false}})),
    )
    .await
    .p1_error_with_detail(400, "INVALID_DATA", "REQUIRED_VALUE", Some("pairing"));
    api.send(
        Method::PUT,
        "/mfaSettings",
        Some(&json!({"pairing": pairing, "users": {"mfaEnabled": "no"}})),
    )
    .await
    .p1_error_with_detail(
        400,
        "INVALID_DATA",
        "INVALID_VALUE",
        Some("users.mfaEnabled"),
    );
    api.send(
        Method::PUT,
        "/mfaSettings",
        Some(&json!({"pairing": {"maxAllowedDevices": 99, "pairingKeyFormat": "NUMERIC"}})),
    )
    .await
    .p1_error_with_detail(400, "INVALID_DATA", "INVALID_VALUE", Some("pairing"));
    api.send(
        Method::PUT,
        "/mfaSettings",
        Some(&json!({"pairing": pairing, "authentication": {"deviceSelection": "RANDOM"}})),
    )
    .await
    .p1_error_with_detail(
        400,
        "INVALID_DATA",
        "INVALID_VALUE",
        Some("authentication.deviceSelection"),
    );
    let reader = Api::with_client(&mock, "reader", "r3ad").await;
    assert_eq!(reader.get("/mfaSettings").await.status, 200);
    let refused = reader
        .send(
            Method::PUT,
            "/mfaSettings",
            Some(&json!({"pairing": pairing, "users": {"mfaEnabled": false}})),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        api.get("/mfaSettings").await.ok_json(200)["users"]["mfaEnabled"],
        true,
        "a refused PUT changed the settings"
    );
}

// ----------------------------------------------------------------------------- listing users

/// §5: Read All Users pages with `limit`; every page has `count` (all matches) and `size`
/// (this page), an absolute `_links.self`, and an absolute `_links.next` while users remain;
/// following `next` yields every user once, in creation order.
#[tokio::test]
async fn listing_users_pages_with_a_cursor_and_absolute_links() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    let names: Vec<String> = (0..7).map(|i| format!("paged-{i}")).collect();
    for n in &names {
        api.create(n, json!({})).await;
    }
    let mut url = api.url("/users?limit=3");
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..10 {
        let page = api
            .send_url(Method::GET, &url, &[], None)
            .await
            .ok_json(200);
        assert_eq!(page["count"], 7, "{page}");
        let got = usernames(&page);
        assert_eq!(page["size"], got.len(), "{page}");
        sizes.push(got.len());
        let self_href = page["_links"]["self"]["href"].as_str().expect("self");
        assert_eq!(self_href, url, "self is the page's own absolute URL");
        seen.extend(got);
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&api.url("/users?")), "{next}");
                assert!(next.contains("cursor="), "{next}");
                assert!(next.contains("limit=3"), "{next}");
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, names, "every user once, in creation order");
    // Without limit: one page of all, no next.
    let all = api.get("/users").await.ok_json(200);
    assert_eq!(usernames(&all), names);
    assert!(all["_links"].get("next").is_none(), "{all}");
}

/// A client that deletes what it listed (the sweep) and then follows `next` misses nobody:
/// the cursor names the last user shown, not an offset.
#[tokio::test]
async fn deleting_listed_users_does_not_make_the_next_page_skip_any() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    for i in 0..6 {
        api.create(&format!("gone-{i}"), json!({})).await;
    }
    let first = api.get("/users?limit=2").await.ok_json(200);
    for u in first["_embedded"]["users"].as_array().unwrap() {
        let id = u["id"].as_str().unwrap();
        assert_eq!(
            api.send(Method::DELETE, &format!("/users/{id}"), None)
                .await
                .status,
            204
        );
    }
    let next = first["_links"]["next"]["href"].as_str().expect("next");
    let second = api
        .send_url(Method::GET, next, &[], None)
        .await
        .ok_json(200);
    assert_eq!(usernames(&second), ["gone-2", "gone-3"]);
    assert_eq!(second["count"], 4);
}

/// RFC 7644 §3.4.2.2 forms clients use on users: `username eq`/`sw` (case-insensitive),
/// `email eq`, `population.id eq`, joined by `and`; the filter is kept in `next`.
#[rstest]
#[case::username_eq(r#"username eq "Ann.Lee""#, &["ann.lee"])]
#[case::username_sw(r#"username sw "ANN""#, &["ann.lee", "anna.bo"])]
#[case::email_eq(r#"email eq "BO@example.com""#, &["anna.bo"])]
#[case::population(
    r#"population.id eq "5A3AD1E4-0f3c-4e5b-9d7a-3c2b1a000001""#,
    &["ann.lee", "anna.bo", "carl"]
)]
#[case::and(r#"username sw "ann" and email eq "lee@example.com""#, &["ann.lee"])]
#[case::nothing(r#"username eq "nobody""#, &[])]
#[tokio::test]
async fn listing_users_filters_with_the_scim_forms_clients_use(
    #[case] filter: &str,
    #[case] expected: &[&str],
) {
    let mock = MockPingOne::builder()
        .population_id(Uuid::parse_str(POPULATION).unwrap())
        .start()
        .await
        .unwrap();
    let api = Api::new(&mock).await;
    api.create("ann.lee", json!({"email": "lee@example.com"}))
        .await;
    api.create("anna.bo", json!({"email": "bo@example.com"}))
        .await;
    api.create("carl", json!({"email": "carl@example.com"}))
        .await;
    let url = format!(
        "{}?filter={}&limit=1",
        api.url("/users"),
        pingone_mfa_conformance::wire::form_encode(filter)
    );
    let mut seen = Vec::new();
    let mut next = Some(url);
    while let Some(u) = next.take() {
        let page = api.send_url(Method::GET, &u, &[], None).await.ok_json(200);
        assert_eq!(page["count"], expected.len(), "{page}");
        seen.extend(usernames(&page));
        next = page["_links"]["next"]["href"].as_str().map(str::to_string);
        assert!(seen.len() <= 3, "next never ends");
    }
    assert_eq!(seen, expected);
}

const POPULATION: &str = "5a3ad1e4-0f3c-4e5b-9d7a-3c2b1a000001";

/// A filter the mock does not support is refused with a P1Error naming `filter`, never
/// answered with an unfiltered list; a cursor it did not issue and a bad `limit` likewise.
#[rstest]
#[case::or("filter", r#"username eq "a" or username eq "b""#)]
#[case::not("filter", r#"not (username eq "a")"#)]
#[case::other_attribute("filter", r#"name.given eq "a""#)]
#[case::other_operator("filter", r#"username co "a""#)]
#[case::email_sw("filter", r#"email sw "a""#)]
#[case::unquoted("filter", "username eq a")]
#[case::unclosed("filter", r#"username eq "a"#)]
#[case::empty("filter", "")]
#[case::cursor("cursor", "not-a-cursor")]
#[case::limit_zero("limit", "0")]
#[case::limit_too_big("limit", "1001")]
#[tokio::test]
async fn listing_users_refuses_what_it_does_not_support(#[case] param: &str, #[case] value: &str) {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    api.create("someone", json!({})).await;
    let url = format!(
        "{}?{param}={}",
        api.url("/users"),
        pingone_mfa_conformance::wire::form_encode(value)
    );
    let detail = if param == "filter" {
        "INVALID_FILTER"
    } else {
        "INVALID_VALUE"
    };
    api.send_url(Method::GET, &url, &[], None)
        .await
        .p1_error_with_detail(400, "INVALID_DATA", detail, Some(param));
}

// -------------------------------------------------------------------------------- headers

/// §7, §11.5: `X-Ping-External-Transaction-ID` and `-Session-ID` come back as sent, on
/// successes, P1Errors and the token endpoint alike.
#[tokio::test]
async fn external_ids_are_echoed_when_sent() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    let headers = [(TRANSACTION, "tx-42/a@b=c#d+e.f_g"), (SESSION, "session-7")];
    let token_url = format!("{}/{}/as/token", mock.auth_url(), mock.environment_id());
    for (method, url) in [
        (Method::GET, api.url("")),
        (Method::GET, api.url(&format!("/users/{}", Uuid::new_v4()))),
        (Method::POST, token_url),
    ] {
        let reply = api.send_url(method.clone(), &url, &headers, None).await;
        assert_eq!(
            reply.header(TRANSACTION),
            Some(headers[0].1),
            "{method} {url}"
        );
        assert_eq!(reply.header(SESSION), Some("session-7"), "{method} {url}");
    }
}

/// §7: a unique value is generated when the request sends none.
#[tokio::test]
async fn external_ids_are_generated_when_not_sent() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    let mut seen = HashSet::new();
    for _ in 0..3 {
        let reply = api.get("/users").await;
        for name in [TRANSACTION, SESSION] {
            let value = reply.header(name).unwrap_or_else(|| panic!("no {name}"));
            assert!(!value.trim().is_empty(), "{name} empty");
            assert!(seen.insert(value.to_string()), "{name} {value} repeated");
        }
    }
}

/// §7: values longer than 100 characters are cut, characters outside the allowed set become
/// `_`.
#[tokio::test]
async fn external_ids_are_cleaned_and_cut_to_100_characters() {
    let mock = mock().await;
    let api = Api::new(&mock).await;
    let long = "x".repeat(150);
    let reply = api
        .send_url(
            Method::GET,
            &api.url(""),
            &[(TRANSACTION, &long), (SESSION, "a b;c,d\"e")],
            None,
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header(TRANSACTION), Some("x".repeat(100).as_str()));
    assert_eq!(reply.header(SESSION), Some("a_b_c_d_e"));
}

/// §3: "HTTP method overrides are also supported using the X-HTTP-Method-Override header": a
/// POST carrying it is handled as the method it names.
#[tokio::test]
async fn a_post_with_x_http_method_override_acts_as_the_named_method() {
    let Seeded { mock, api, user } =
        Seeded::start(MockPingOne::builder().seed_user("u", false)).await;
    let mfa = api.url(&format!("/users/{user}/mfaEnabled"));
    let body = json!({"mfaEnabled": true});
    // Without the header, POST is not a method of this resource.
    assert_eq!(
        api.send_url(Method::POST, &mfa, &[], Some(&body))
            .await
            .status,
        405
    );
    assert_eq!(mock.stored_mfa_enabled(user), Some(false));
    let put = api
        .send_url(
            Method::POST,
            &mfa,
            &[("X-HTTP-Method-Override", "PUT")],
            Some(&body),
        )
        .await
        .ok_json(200);
    assert_eq!(put["mfaEnabled"], true);
    assert_eq!(mock.stored_mfa_enabled(user), Some(true));
    let patched = api
        .send_url(
            Method::POST,
            &api.url(&format!("/users/{user}")),
            &[("x-http-method-override", "patch")],
            Some(&json!({"nickname": "over"})),
        )
        .await
        .ok_json(200);
    assert_eq!(patched["nickname"], "over");
    let deleted = api
        .send_url(
            Method::POST,
            &api.url(&format!("/users/{user}")),
            &[("X-HTTP-Method-Override", "DELETE")],
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(mock.user_count(), 0);
    // A value that is not a method is refused.
    api.send_url(
        Method::POST,
        &api.url("/users"),
        &[("X-HTTP-Method-Override", "P U T")],
        Some(&json!({"username": "not-created"})),
    )
    .await
    .p1_error_with_detail(
        400,
        "INVALID_REQUEST",
        "INVALID_VALUE",
        Some("X-HTTP-Method-Override"),
    );
    assert_eq!(mock.user_count(), 0);
}

// -------------------------------------------------------------------------------- rate limit

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// §11.4 (GOCLIENT): a 429 carries `details[].innerError.retryAfter`, a date-time no earlier
/// than now and no later than `Retry-After` seconds from now.
#[tokio::test]
async fn a_429_carries_inner_error_retry_after() {
    let mock = MockPingOne::builder().rate_limit(2).start().await.unwrap();
    let api = Api::new(&mock).await;
    let mut limited = None;
    for _ in 0..6 {
        let reply = api.get("/users").await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
    }
    let reply = limited.expect("no 429 after 6 requests at a limit of 2 per second");
    let body = reply.p1_error_with_detail(429, "REQUEST_LIMITED", "LIMIT_EXCEEDED", None);
    let detail = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "LIMIT_EXCEEDED")
        .unwrap();
    let at = detail["innerError"]["retryAfter"]
        .as_str()
        .unwrap_or_else(|| panic!("no innerError.retryAfter in {body}"));
    let at = pingone_mfa_conformance::wire::parse_rfc3339(at)
        .unwrap_or_else(|| panic!("retryAfter {at:?} is not RFC 3339"));
    let header: i64 = reply.header("retry-after").unwrap().parse().unwrap();
    let now = unix_now();
    assert!(
        at >= now - 1 && at <= now + header + 1,
        "retryAfter {at}, now {now}"
    );
}

/// §3: the window slides. A limit of 5: the token request at t=0 and four at t≈0.4 s fill it; at
/// t≈1.1 s a window that reset each second would admit five more, the sliding one admits only
/// the one the t=0 request left.
#[tokio::test]
async fn the_rate_limit_window_slides() {
    let mock = MockPingOne::builder().rate_limit(5).start().await.unwrap();
    // The token request is the one at t=0 (every request counts, the token endpoint's too).
    let start = Instant::now();
    let api = Api::new(&mock).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    for _ in 0..4 {
        assert_eq!(api.get("/users").await.status, 200);
    }
    let filled = start.elapsed();
    if filled > Duration::from_millis(900) {
        // Too slow a machine to tell the windows apart; the assertion below would be void.
        panic!("filling the window took {filled:?}; rerun on a less loaded machine");
    }
    tokio::time::sleep(Duration::from_millis(1100).saturating_sub(start.elapsed())).await;
    let mut admitted = 0;
    for _ in 0..5 {
        if api.get("/users").await.status == 200 {
            admitted += 1;
        }
    }
    assert!(
        admitted <= 1,
        "{admitted} of 5 admitted at t≈1.1 s: the window reset instead of sliding"
    );
}
