//! The users collection (`GET` lists, `POST` creates, §5), one user (`GET`, `PUT`, `PATCH`,
//! `DELETE`) and its `enabled` sub-resource. Usernames are unique ignoring case; `mfaEnabled` is not writable here (§1.4).

use axum::body::Body;
use axum::http::header::LOCATION;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::mock::Fault;
use crate::mock::answers::DetailCode;
use crate::mock::model::mutable_attrs;
use crate::mock::server::{Answer, Ctx};
use crate::mock::state::{self, User, Username, lock, username_taken};
use crate::wire::{JSON, form_encode, parse_form};

const IMPORT_JSON: &str = "application/vnd.pingidentity.user.import+json";

/// How long GET user does not see a new user with the `user-read-lags` fault: longer than any
/// consistency wait a run tolerates (`PINGONE_CONSISTENCY_WAIT_MS`, at most 60 s).
const USER_READ_LAG: std::time::Duration = std::time::Duration::from_secs(61);

impl Ctx<'_> {
    /// `.../users`: GET lists, POST creates.
    pub(crate) async fn users(&self, parts: &Parts, body: Body) -> Answer {
        match parts.method {
            Method::GET => self.list_users(parts.uri.query().unwrap_or("")),
            Method::POST => self.create_user(parts, body).await,
            _ => Err(self.method_not_allowed("GET, POST")),
        }
    }

    /// Read All Users (§5) as PingOne pages it: `limit` (1-1000, default 100) users per page in
    /// a stable order (creation order), `count` (all matching users) and `size` (this page),
    /// `_links.self` and, while more remain, `_links.next` with an opaque `cursor`, both
    /// absolute. The cursor names the last user shown, so users created or deleted between
    /// pages neither repeat nor go missing. `filter` takes the SCIM forms clients use on users
    /// ([`parse_filter`]); any other filter is refused, never ignored.
    fn list_users(&self, query: &str) -> Answer {
        let params = parse_form(query.as_bytes());
        let limit = match params.get("limit") {
            None => 100,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    return Err(self.invalid_data(
                        DetailCode::InvalidValue,
                        "limit",
                        "limit must be 1 to 1000.",
                    ));
                }
            },
        };
        let ignoring = self.s.options.ignore_list_filter;
        let limit = ignoring.map_or(limit, |page| limit.min(page));
        let filter = match params.get("filter").filter(|_| ignoring.is_none()) {
            None => Vec::new(),
            Some(f) => parse_filter(f)
                .map_err(|why| self.invalid_data(DetailCode::InvalidFilter, "filter", &why))?,
        };
        let after = match params.get("cursor") {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                self.invalid_data(DetailCode::InvalidValue, "cursor", "Unknown cursor.")
            })?),
        };
        let users = lock(&self.s.users);
        let mut matched: Vec<&User> = users
            .values()
            .filter(|u| filter.iter().all(|c| c.matches(u)))
            .collect();
        matched.sort_by_key(|u| u.seq);
        let start = after.map_or(0, |seq| matched.partition_point(|u| u.seq <= seq));
        let shown = &matched[start..matched.len().min(start + limit)];
        let page: Vec<Value> = shown.iter().map(|u| self.user_body(u)).collect();
        let next = (start + shown.len() < matched.len())
            .then(|| shown.last().map(|u| encode_cursor(u.seq)))
            .flatten();
        let count = matched.len();
        drop(users);
        let page_href = |cursor: Option<&str>| {
            let mut query = Vec::new();
            if let Some(f) = params.get("filter") {
                query.push(format!("filter={}", form_encode(f)));
            }
            if params.contains_key("limit") || cursor.is_some() {
                query.push(format!("limit={limit}"));
            }
            if let Some(c) = cursor {
                query.push(format!("cursor={}", form_encode(c)));
            }
            let path = format!("/environments/{}/users", self.env_id());
            if query.is_empty() {
                self.href(&path)
            } else {
                self.href(&format!("{path}?{}", query.join("&")))
            }
        };
        let mut links = Map::new();
        links.insert(
            "self".into(),
            json!({"href": page_href(params.get("cursor").map(String::as_str))}),
        );
        if let Some(n) = &next {
            links.insert("next".into(), json!({"href": page_href(Some(n))}));
        }
        Ok(self.json(
            StatusCode::OK,
            &json!({
                "_links": links,
                "_embedded": {"users": page},
                "count": count,
                "size": page.len(),
            }),
        ))
    }

    /// `.../users/{userID}/enabled` (§5, §11.5): `GET` reads and `PUT {"enabled": <Boolean>}`
    /// writes the `UserEnabled` resource; other methods 405.
    pub(crate) async fn user_enabled(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        let put = match parts.method {
            Method::GET => false,
            Method::PUT => true,
            _ => return Err(self.method_not_allowed("GET, PUT")),
        };
        let id = self.existing_user(raw)?;
        if put {
            self.media_type(&parts.headers, &[JSON])?;
            let bytes = self.read_body(body).await?;
            let obj = self.parse_object(&bytes)?;
            let enabled = match obj.get("enabled") {
                Some(Value::Bool(b)) => *b,
                None => {
                    return Err(self.invalid_data(
                        DetailCode::RequiredValue,
                        "enabled",
                        "enabled is required.",
                    ));
                }
                Some(_) => {
                    return Err(self.invalid_data(
                        DetailCode::InvalidValue,
                        "enabled",
                        "enabled must be a Boolean.",
                    ));
                }
            };
            let mut users = lock(&self.s.users);
            let Some(user) = users.get_mut(&id) else {
                drop(users);
                return Err(self.not_found());
            };
            user.enabled = enabled;
            user.updated_at = state::now();
        }
        let enabled = self.s.user(id).ok_or_else(|| self.not_found())?.enabled;
        let user_href = self.user_href(id);
        Ok(self.json(
            StatusCode::OK,
            &json!({
                "_links": {
                    "self": {"href": format!("{user_href}/enabled")},
                    "user": {"href": user_href},
                },
                "enabled": enabled,
            }),
        ))
    }

    /// Create User and Create User (Import), told apart by content type (§5).
    async fn create_user(&self, parts: &Parts, body: Body) -> Answer {
        let media = self.media_type(&parts.headers, &[JSON, IMPORT_JSON])?;
        let import = media == IMPORT_JSON;
        let bytes = self.read_body(body).await?;
        let obj = self.parse_object(&bytes)?;
        let username = self.validate_username(&obj, None)?;
        let requested_mfa = match obj.get("mfaEnabled") {
            None => None,
            Some(v) => match self.bind_boolean(v) {
                Some(b) => Some(b),
                None => return Err(self.not_a_boolean("mfaEnabled", self.conversion_failed(v))),
            },
        };
        if import
            && self.s.options.alternatives.import_requires_population
            && obj.get("population").and_then(|p| p.get("id")).is_none()
        {
            return Err(self.invalid_data(
                DetailCode::RequiredValue,
                "population.id",
                "population.id is required.",
            ));
        }
        if let Some(pop) = obj.get("population") {
            let id = pop
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok());
            if id != Some(self.s.options.population_id) {
                return Err(self.invalid_data(
                    DetailCode::InvalidValue,
                    "population.id",
                    "Unknown population.",
                ));
            }
        }
        if let Some(email) = obj.get("email")
            && !email.as_str().is_some_and(|e| e.contains('@'))
        {
            return Err(self.invalid_data(
                DetailCode::InvalidValue,
                "email",
                "email must be an email address.",
            ));
        }
        let lifecycle = if import {
            match obj.get("lifecycle").and_then(|l| l.get("status")) {
                None => None,
                Some(Value::String(s)) if s == "ACCOUNT_OK" || s == "VERIFICATION_REQUIRED" => {
                    Some(s.clone())
                }
                Some(_) => {
                    return Err(self.invalid_data(
                        DetailCode::InvalidValue,
                        "lifecycle.status",
                        "Unknown lifecycle status.",
                    ));
                }
            }
        } else {
            None
        };
        // §1.4: the request's value, else the environment's MFA settings' `users.mfaEnabled`.
        let default = self.s.default_mfa_enabled();
        let mfa =
            if self.has(Fault::CreateIgnoresMfa) || (import && self.has(Fault::ImportIgnoresMfa)) {
                false
            } else if self.has(Fault::CreateDefaultsMfaTrue) {
                true
            } else {
                requested_mfa.unwrap_or(default)
            };
        let mut attrs = mutable_attrs(&obj);
        attrs.insert("username".into(), Value::String(username));
        let inserted = self.s.insert_user(
            Uuid::new_v4(),
            attrs,
            mfa,
            lifecycle,
            Username::MustBeUnique,
        );
        let Some(user) = inserted else {
            return Err(self.uniqueness());
        };
        let status = if self.has(Fault::CreateAnswers200) {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        let mut created = self.json(status, &self.user_body(&user));
        // §11.5 (DOCS-RESP): a request that creates a resource answers 201 with `Location`.
        if let Ok(location) = HeaderValue::from_str(&self.user_href(user.id)) {
            created.headers_mut().insert(LOCATION, location);
        }
        Ok(created)
    }

    /// §5: username required, 1-128 characters, no control characters, unique ignoring case.
    fn validate_username(
        &self,
        obj: &Map<String, Value>,
        except: Option<Uuid>,
    ) -> Result<String, Response> {
        let name = match obj.get("username") {
            None | Some(Value::Null) => {
                return Err(self.invalid_data(
                    DetailCode::RequiredValue,
                    "username",
                    "username is required.",
                ));
            }
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(self.invalid_data(
                    DetailCode::InvalidValue,
                    "username",
                    "username must be a string.",
                ));
            }
        };
        let len = name.chars().count();
        if len == 0 || len > 128 || name.chars().any(char::is_control) {
            return Err(self.invalid_data(
                DetailCode::InvalidValue,
                "username",
                "username must be 1 to 128 printable characters.",
            ));
        }
        if username_taken(&lock(&self.s.users), &name, except) {
            return Err(self.uniqueness());
        }
        Ok(name)
    }

    /// `.../users/{userID}`.
    pub(crate) async fn user(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        match parts.method {
            Method::GET => {
                let id = self.existing_user(raw)?;
                self.s
                    .user(id)
                    .filter(|u| {
                        !(self.has(Fault::UserReadLags)
                            && u.created.is_some_and(|t| t.elapsed() < USER_READ_LAG))
                    })
                    .map(|u| self.json(StatusCode::OK, &self.user_body(&u)))
                    .ok_or_else(|| self.not_found())
            }
            Method::PUT | Method::PATCH => self.update_user(parts, body, raw).await,
            Method::DELETE if self.has(Fault::DeleteUserFails) => {
                self.existing_user(raw)?;
                Err(self.unexpected())
            }
            Method::DELETE => {
                let id = self.existing_user(raw)?;
                lock(&self.s.users).remove(&id);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            _ => Err(self.method_not_allowed("GET, PUT, PATCH, DELETE")),
        }
    }

    /// PUT replaces the mutable attributes, PATCH merges them (§5). `mfaEnabled` cannot be
    /// updated here (§1.4): ignored, or 403 by alternative.
    async fn update_user(&self, parts: &Parts, body: Body, raw: &str) -> Answer {
        let replace = parts.method == Method::PUT;
        let id = self.existing_user(raw)?;
        self.media_type(&parts.headers, &[JSON])?;
        let bytes = self.read_body(body).await?;
        let obj = self.parse_object(&bytes)?;
        let Some(current) = self.s.user(id) else {
            return Err(self.not_found());
        };
        let username = if replace || obj.contains_key("username") {
            Some(self.validate_username(&obj, Some(id))?)
        } else {
            None
        };
        let changes_mfa_fault = if replace {
            self.has(Fault::PutUserChangesMfa)
        } else {
            self.has(Fault::PatchUserChangesMfa)
        };
        let new_mfa = match obj.get("mfaEnabled").and_then(|v| self.bind_boolean(v)) {
            Some(b) if changes_mfa_fault => Some(b),
            Some(b)
                if b != current.mfa_enabled
                    && self.s.options.alternatives.reject_mfa_in_user_update =>
            {
                return Err(self.forbidden(
                    Some("mfaEnabled"),
                    "mfaEnabled can be updated only with PUT .../mfaEnabled.",
                ));
            }
            _ => None,
        };
        let mut attrs = if replace {
            Map::new()
        } else {
            current.attrs.clone()
        };
        for (k, v) in mutable_attrs(&obj) {
            if v.is_null() {
                attrs.remove(&k);
            } else {
                attrs.insert(k, v);
            }
        }
        if let Some(name) = username {
            attrs.insert("username".into(), Value::String(name));
        }
        let updated = {
            let mut users = lock(&self.s.users);
            // Uniqueness again under the same lock as the write: a concurrent create or rename
            // may have taken the name since it was validated.
            let name = attrs
                .get("username")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if username_taken(&users, name, Some(id)) {
                drop(users);
                return Err(self.uniqueness());
            }
            let Some(user) = users.get_mut(&id) else {
                drop(users);
                return Err(self.not_found());
            };
            user.attrs = attrs;
            if let Some(m) = new_mfa {
                user.set_mfa_enabled(m);
            }
            user.updated_at = state::now();
            user.clone()
        };
        Ok(self.json(StatusCode::OK, &self.user_body(&updated)))
    }
}

/// Users are compared on these attributes by a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterAttr {
    Username,
    Email,
    PopulationId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterOp {
    Eq,
    Sw,
}

/// One `attribute op "value"` comparison; a filter is one or more joined by `and`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    attr: FilterAttr,
    op: FilterOp,
    /// Lower-cased: PingOne compares case-insensitively.
    value: String,
}

impl Clause {
    fn matches(&self, u: &User) -> bool {
        let actual = match self.attr {
            FilterAttr::Username => u.username().to_lowercase(),
            FilterAttr::Email => u
                .attrs
                .get("email")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_lowercase(),
            FilterAttr::PopulationId => u.population_id.to_string(),
        };
        match self.op {
            FilterOp::Eq => actual == self.value,
            FilterOp::Sw => actual.starts_with(&self.value),
        }
    }
}

/// The SCIM filter forms clients use on users (RFC 7644 §3.4.2.2): `username eq "x"`,
/// `username sw "x"`, `email eq "x"`, `population.id eq "x"`, joined by `and`. Attribute
/// names and operators ignore case; values are quoted JSON strings. Anything else (`or`,
/// `not`, parentheses, other attributes or operators) is an error naming what is supported.
fn parse_filter(f: &str) -> Result<Vec<Clause>, String> {
    const SUPPORTED: &str = "Supported: username eq, username sw, email eq and population.id eq \
        with a quoted value, joined by and.";
    let tokens = tokenize(f).ok_or_else(|| format!("Unbalanced quotes. {SUPPORTED}"))?;
    let mut clauses = Vec::new();
    let mut rest = tokens.as_slice();
    loop {
        let [
            Token::Word(attr),
            Token::Word(op),
            Token::Quoted(value),
            tail @ ..,
        ] = rest
        else {
            return Err(format!("Unsupported filter. {SUPPORTED}"));
        };
        let attr = match attr.to_ascii_lowercase().as_str() {
            "username" => FilterAttr::Username,
            "email" => FilterAttr::Email,
            "population.id" => FilterAttr::PopulationId,
            other => return Err(format!("Unsupported attribute `{other}`. {SUPPORTED}")),
        };
        let op = match (attr, op.to_ascii_lowercase().as_str()) {
            (_, "eq") => FilterOp::Eq,
            (FilterAttr::Username, "sw") => FilterOp::Sw,
            (_, other) => return Err(format!("Unsupported operator `{other}`. {SUPPORTED}")),
        };
        clauses.push(Clause {
            attr,
            op,
            value: value.to_lowercase(),
        });
        match tail {
            [] => return Ok(clauses),
            [Token::Word(and), more @ ..] if and.eq_ignore_ascii_case("and") => rest = more,
            _ => return Err(format!("Unsupported filter. {SUPPORTED}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
}

/// Words and JSON-style quoted strings (`\"` and `\\` escapes); `None` for an unclosed quote.
fn tokenize(f: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = f.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut value = String::new();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => value.push(chars.next()?),
                    other => value.push(other),
                }
            }
            tokens.push(Token::Quoted(value));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| !c.is_whitespace() && **c != '"') {
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        }
    }
    Some(tokens)
}

/// An opaque cursor naming the last user of a page (by [`User::seq`]).
fn encode_cursor(seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("users:{seq}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("users:")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse() {
        let clause = |attr, op, value: &str| Clause {
            attr,
            op,
            value: value.into(),
        };
        assert_eq!(
            parse_filter("username sw \"Conf\""),
            Ok(vec![clause(FilterAttr::Username, FilterOp::Sw, "conf")])
        );
        assert_eq!(
            parse_filter(
                "UserName EQ \"a \\\"b\\\"\" and email eq \"x@y\" AND population.id eq \"P\""
            ),
            Ok(vec![
                clause(FilterAttr::Username, FilterOp::Eq, "a \"b\""),
                clause(FilterAttr::Email, FilterOp::Eq, "x@y"),
                clause(FilterAttr::PopulationId, FilterOp::Eq, "p"),
            ])
        );
        for bad in [
            "email sw \"x\"",
            "username sw x",
            "username eq \"x",
            "username eq \"x\" or email eq \"y\"",
            "username eq \"x\" and",
            "(username eq \"x\")",
            "name.given eq \"x\"",
            "",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("garbage"), None);
        assert_eq!(decode_cursor(""), None);
    }
}
