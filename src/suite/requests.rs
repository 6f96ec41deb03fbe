//! Every request a session sends, timed ([`RequestLog`]): its operation (token, Create User,
//! PUT and GET mfaEnabled, GET user, DELETE user, ...), the case it served when that can be
//! told, its status class, its retries and how long its answer took. No URL, body or header is
//! kept, so a record holds nothing personal and nothing secret; `src/results/latency.rs` turns
//! them into the report's latency section.
//!
//! The case is told from the users the suite creates: a username is
//! `conformance-<run>-<case>-<random>` (see [`super::session::new_user`]), so a Create User
//! names its case, and the id in its answer names the case of every later request on that
//! user. Requests on no user of a case (the token, the environment, the existing test user, an
//! unknown id) have none.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::http::{Exchange, Request, TransportError};

/// One request, as the results keep it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// What it did ([`operation`]), e.g. `PUT mfaEnabled`.
    pub operation: String,
    /// The case it served, e.g. `MFA-BODY-01`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// `2xx`, `3xx`, `4xx` or `5xx` for an answer; `timeout`, `no answer` or `not sent` without.
    pub status: String,
    /// Retries before the answer (transient answers, 429).
    #[serde(default)]
    pub retries: u32,
    /// Microseconds from sending to the last byte of the answer (its last attempt's); without
    /// an answer, until the request was given up.
    pub us: u64,
}

impl RequestRecord {
    /// Whether an answer came back (the record's time is then the server's).
    pub fn answered(&self) -> bool {
        self.status.ends_with("xx")
    }
}

/// What a request did, from its method and path: `token`, `Create User`, `list users`,
/// `GET user`, `PUT user`, `PATCH user`, `DELETE user`, `GET mfaEnabled`, `PUT mfaEnabled`,
/// `GET environment`, `GET mfaSettings`, `GET enabled`, ...; `<METHOD> other` for the rest.
pub fn operation(method: &str, url: &str) -> String {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.find('/').map_or("", |i| &path[i..]);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let resource = match segments.as_slice() {
        [.., "as", "token"] => return "token".to_string(),
        [.., "users"] if method == "POST" => return "Create User".to_string(),
        [.., "users"] if method == "GET" => return "list users".to_string(),
        [.., "users", _, sub @ ("mfaEnabled" | "enabled")] => *sub,
        [.., "users", _] => "user",
        [.., "environments", _, "mfaSettings"] => "mfaSettings",
        [.., "environments", _] => "environment",
        _ => "other",
    };
    format!("{method} {resource}")
}

/// The case of a username the suite made: `conformance-<run>-body-01-<random>` is
/// `MFA-BODY-01`; a username of no case (the preflight's) has none.
pub fn case_of_username(username: &str) -> Option<String> {
    super::session::run_of(username)?;
    let rest = username
        .strip_prefix(super::session::USER_PREFIX)?
        .get(9..)?;
    let (stem, _random) = rest.rsplit_once('-')?;
    let (area, number) = stem.rsplit_once('-')?;
    (!area.is_empty()
        && area.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit()))
    .then(|| format!("MFA-{}", stem.to_ascii_uppercase()))
}

/// A session's requests, in the order their answers came.
#[derive(Debug, Default)]
pub struct RequestLog {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    records: Vec<RequestRecord>,
    /// How many of `records` [`RequestLog::take_new`] has handed out.
    taken: usize,
    /// User id to the case that created it.
    cases: HashMap<String, String>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Note one request and what came of it; `waited` is the time from sending to giving up,
    /// used when no answer came.
    pub(crate) fn observe(
        &self,
        request: &Request,
        result: &Result<Exchange, TransportError>,
        waited: Duration,
    ) {
        let operation = operation(&request.method, &request.url);
        let mut inner = self.lock();
        let case = match (operation.as_str(), result) {
            ("Create User", Ok(ex)) => {
                let case = request
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
                    .and_then(|j| j.get("username")?.as_str().and_then(case_of_username));
                let id = ex
                    .json()
                    .and_then(|j| j.get("id")?.as_str().map(str::to_string));
                if let (Some(case), Some(id), 200..=299) = (&case, id, ex.status) {
                    inner.cases.insert(id, case.clone());
                }
                case
            }
            _ => request
                .url
                .split(['/', '?'])
                .find_map(|segment| inner.cases.get(segment).cloned()),
        };
        let (status, retries, took) = match result {
            Ok(ex) => (format!("{}xx", ex.status / 100), ex.retries, ex.elapsed),
            Err(e) if e.timed_out => ("timeout".to_string(), 0, waited),
            Err(e) if e.not_sent => ("not sent".to_string(), 0, waited),
            Err(_) => ("no answer".to_string(), 0, waited),
        };
        inner.records.push(RequestRecord {
            operation,
            case,
            status,
            retries,
            us: u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
        });
    }

    /// Requests on `user` serve `case` from now on: a shared test user (src/suite/pool.rs)
    /// changes hands.
    pub(crate) fn assign(&self, user: &str, case: &str) {
        self.lock().cases.insert(user.to_string(), case.to_string());
    }

    /// Requests on `user` serve no case from now on: the pool deletes a shared test user
    /// after the last case.
    pub(crate) fn unassign(&self, user: &str) {
        self.lock().cases.remove(user);
    }

    /// Every request so far.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.lock().records.clone()
    }

    /// The requests since the last call, for writing them out once each.
    pub fn take_new(&self) -> Vec<RequestRecord> {
        let mut inner = self.lock();
        let new = inner.records[inner.taken..].to_vec();
        inner.taken = inner.records.len();
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_by_method_and_resource() {
        let env = "https://api.pingone.eu/v1/environments/0b2c";
        for (method, url, expected) in [
            ("POST", "https://auth.pingone.eu/0b2c/as/token", "token"),
            ("POST", &format!("{env}/users") as &str, "Create User"),
            ("GET", &format!("{env}/users?filter=x"), "list users"),
            ("GET", &format!("{env}/users/u-1"), "GET user"),
            ("DELETE", &format!("{env}/users/u-1"), "DELETE user"),
            (
                "PUT",
                &format!("{env}/users/u-1/mfaEnabled"),
                "PUT mfaEnabled",
            ),
            (
                "GET",
                &format!("{env}/users/not-a-uuid/mfaEnabled"),
                "GET mfaEnabled",
            ),
            (
                "PATCH",
                &format!("{env}/users/u-1/mfaEnabled"),
                "PATCH mfaEnabled",
            ),
            ("GET", env, "GET environment"),
            ("GET", "http://127.0.0.1:1/v1/whatever", "GET other"),
        ] {
            assert_eq!(operation(method, url), expected, "{method} {url}");
        }
    }

    #[test]
    fn a_username_names_its_case() {
        let (username, _) = super::super::session::new_user("body-01");
        assert_eq!(case_of_username(&username).as_deref(), Some("MFA-BODY-01"));
        let (username, _) = super::super::session::new_user("invalid-26");
        assert_eq!(
            case_of_username(&username).as_deref(),
            Some("MFA-INVALID-26")
        );
        let (preflight, _) = super::super::session::new_user("preflight");
        assert_eq!(case_of_username(&preflight), None);
        assert_eq!(case_of_username("alice"), None);
        assert_eq!(case_of_username("conformance-existing-user"), None);
    }

    #[test]
    fn a_user_s_requests_are_its_case_s_and_no_url_is_kept() {
        let log = RequestLog::default();
        let env = "http://127.0.0.1:1/v1/environments/e";
        let (username, body) = super::super::session::new_user("side-02");
        let created = Request::new("POST", format!("{env}/users")).json(&body);
        let exchange = |request: Request, status: u16, body: &str| Exchange {
            request,
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            elapsed: Duration::from_micros(1500),
            retries: 1,
            earlier: Vec::new(),
        };
        let answer = exchange(created.clone(), 201, r#"{"id":"user-7"}"#);
        log.observe(&created, &Ok(answer), Duration::ZERO);
        let put = Request::new("PUT", format!("{env}/users/user-7/mfaEnabled"));
        log.observe(&put, &Ok(exchange(put.clone(), 400, "{}")), Duration::ZERO);
        let other = Request::new("GET", format!("{env}/users/user-8"));
        let lost = TransportError {
            request: other.clone(),
            message: "timed out".into(),
            timed_out: true,
            not_sent: false,
            certificate: false,
        };
        log.observe(&other, &Err(lost), Duration::from_secs(2));
        let records = log.take_new();
        let seen: Vec<(&str, Option<&str>, &str, u32, u64)> = records
            .iter()
            .map(|r| {
                let case = r.case.as_deref();
                (
                    r.operation.as_str(),
                    case,
                    r.status.as_str(),
                    r.retries,
                    r.us,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Create User", Some("MFA-SIDE-02"), "2xx", 1, 1500),
                ("PUT mfaEnabled", Some("MFA-SIDE-02"), "4xx", 1, 1500),
                ("GET user", None, "timeout", 0, 2_000_000),
            ]
        );
        assert!(log.take_new().is_empty(), "each record is handed out once");
        assert_eq!(log.records().len(), 3);
        let json = serde_json::to_string(&records).expect("JSON");
        assert!(
            !json.contains(&username) && !json.contains("127.0.0.1"),
            "{json}"
        );
    }
}
