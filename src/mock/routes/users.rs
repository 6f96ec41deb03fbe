//! The users collection (`GET` lists, `POST` creates, §5) and one user (`GET`, `PUT`, `PATCH`,
//! `DELETE`). Usernames are unique ignoring case; `mfaEnabled` is not writable here (§1.4).

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::mock::Fault;
use crate::mock::answers::DetailCode;
use crate::mock::model::mutable_attrs;
use crate::mock::server::{Answer, Ctx};
use crate::mock::state::{self, User, Username, lock, username_taken};
use crate::wire::{JSON, parse_form};

const IMPORT_JSON: &str = "application/vnd.pingidentity.user.import+json";

impl Ctx<'_> {
    /// `.../users`: GET lists, POST creates.
    pub(crate) async fn users(&self, parts: &Parts, body: Body) -> Answer {
        match parts.method {
            Method::GET => self.list_users(parts.uri.query().unwrap_or("")),
            Method::POST => self.create_user(parts, body).await,
            _ => Err(self.method_not_allowed("GET, POST")),
        }
    }

    /// `GET users?filter=username sw "x"` (or `eq`) and `limit` (§5).
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
        let filter = match params.get("filter") {
            None => None,
            Some(f) => Some(parse_filter(f).ok_or_else(|| {
                self.invalid_data(
                    DetailCode::InvalidFilter,
                    "filter",
                    "Supported: username eq \"...\" and username sw \"...\".",
                )
            })?),
        };
        let users = lock(&self.s.users);
        let mut matched: Vec<&User> = users
            .values()
            .filter(|u| {
                filter.as_ref().is_none_or(|(op, value)| {
                    let name = u.username().to_lowercase();
                    match *op {
                        FilterOp::Eq => name == *value,
                        FilterOp::Sw => name.starts_with(value.as_str()),
                    }
                })
            })
            .collect();
        matched.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        let page: Vec<Value> = matched
            .iter()
            .take(limit)
            .map(|u| self.user_body(u))
            .collect();
        let env = self.env_id();
        Ok(self.json(
            StatusCode::OK,
            &json!({
                "_links": {"self": {"href": self.href(&format!("/environments/{env}/users"))}},
                "_embedded": {"users": page},
                "count": matched.len(),
                "size": page.len(),
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
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                return Err(self.invalid_data(
                    DetailCode::InvalidValue,
                    "mfaEnabled",
                    "mfaEnabled must be a Boolean.",
                ));
            }
        };
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
        // §1.4: the request's value, else the environment's default.
        let default = self.s.options.alternatives.mfa_enabled_by_default;
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
        Ok(self.json(status, &self.user_body(&user)))
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
                    .map(|u| self.json(StatusCode::OK, &self.user_body(&u)))
                    .ok_or_else(|| self.not_found())
            }
            Method::PUT | Method::PATCH => self.update_user(parts, body, raw).await,
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
        let new_mfa = match obj.get("mfaEnabled") {
            Some(Value::Bool(b)) if changes_mfa_fault => Some(*b),
            Some(Value::Bool(b))
                if *b != current.mfa_enabled
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

#[derive(Debug, Clone, Copy)]
enum FilterOp {
    Eq,
    Sw,
}

/// `username eq "x"` or `username sw "x"` (SCIM-style, case-insensitive).
fn parse_filter(f: &str) -> Option<(FilterOp, String)> {
    let mut parts = f.trim().splitn(3, ' ');
    let attr = parts.next()?;
    let op = parts.next()?;
    let value = parts.next()?.trim();
    if !attr.eq_ignore_ascii_case("username") {
        return None;
    }
    let op = match op.to_ascii_lowercase().as_str() {
        "eq" => FilterOp::Eq,
        "sw" => FilterOp::Sw,
        _ => return None,
    };
    let value = value.strip_prefix('"')?.strip_suffix('"')?;
    Some((op, value.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse() {
        assert!(
            matches!(parse_filter("username sw \"Conf\""), Some((FilterOp::Sw, v)) if v == "conf")
        );
        assert!(parse_filter("email sw \"x\"").is_none());
        assert!(parse_filter("username sw x").is_none());
    }
}
