//! Personal data stays out of findings from a tenant (issue 13).
//!
//! An answer from a PingOne tenant can hold a real person's username, e-mail address and name,
//! and findings travel far: the results JSON, the Markdown report, a CI job summary and a
//! 30-day artifact. So against a tenant a finding never quotes a body: [`impersonal_summary`]
//! names the status, the content type, the attributes the suite checks with their values
//! (`mfaEnabled`, `enabled`), an error's `code` and its `details[].code` / `details[].target`,
//! and nothing else; schema violations name only the paths ([`crate::schema::violation_paths`]).
//! Against this crate's mock, whose users are made up, findings keep the body excerpt, which
//! is what a developer debugging the mock wants.

use serde_json::Value;

use crate::http::Exchange;
use crate::schema::{self, Schema};

use super::ctx::CaseCtx;

impl CaseCtx {
    /// How a finding describes an answer: [`Exchange::summary`] against a mock,
    /// [`impersonal_summary`] against a tenant.
    pub(super) fn summary(&self, ex: &Exchange) -> String {
        describe(ex, self.tenant())
    }

    /// Whether the target is (declared as) a tenant, whose answers may hold personal data.
    pub(super) fn tenant(&self) -> bool {
        self.session.target.kind.is_tenant()
    }

    /// The schema violations of `body`: paths and messages against a mock, paths only against
    /// a tenant (a message can quote the offending value).
    pub(super) fn violations(tenant: bool, schema: Schema, body: &Value, ex: &Exchange) -> String {
        if tenant {
            format!(
                "{} (values not quoted)",
                schema::violation_paths(schema, body).join("; ")
            )
        } else {
            format!(
                "{}; body {}",
                schema::validate(schema, body).join("; "),
                ex.body_excerpt()
            )
        }
    }
}

/// How a finding of `session` describes an answer: [`describe`] for its target.
pub fn summary_for(session: &super::Session, ex: &Exchange) -> String {
    describe(ex, session.target.kind.is_tenant())
}

/// [`Exchange::summary`], or with `tenant` [`impersonal_summary`].
pub fn describe(ex: &Exchange, tenant: bool) -> String {
    if tenant {
        impersonal_summary(ex)
    } else {
        ex.summary()
    }
}

/// A one-line account of an answer that quotes no personal data: `HTTP 200 application/json:
/// mfaEnabled true, enabled true (other content not quoted)`.
pub fn impersonal_summary(ex: &Exchange) -> String {
    let ct = ex.header("content-type").unwrap_or("(no content type)");
    let head = format!("HTTP {} {ct}", ex.status);
    if ex.body.is_empty() {
        return format!("{head} (empty body)");
    }
    let Some(Value::Object(body)) = ex.json() else {
        return format!(
            "{head}, {} bytes that are not a JSON object (not quoted: answers from a tenant may \
             hold personal data)",
            ex.body.len()
        );
    };
    let mut shown = Vec::new();
    for key in ["mfaEnabled", "enabled"] {
        if let Some(v) = body.get(key) {
            shown.push(format!("{key} {}", scalar(v)));
        }
    }
    if let Some(code) = body.get("code") {
        shown.push(format!("code {}", token(code)));
    }
    if let Some(Value::Array(details)) = body.get("details") {
        for (i, d) in details.iter().enumerate().take(5) {
            for key in ["code", "target"] {
                if let Some(v) = d.get(key) {
                    shown.push(format!("details[{i}].{key} {}", token(v)));
                }
            }
        }
    }
    if shown.is_empty() {
        format!("{head} (content not quoted: answers from a tenant may hold personal data)")
    } else {
        format!("{head}: {} (other content not quoted)", shown.join(", "))
    }
}

/// A Boolean, number or null as JSON; anything else by its type only.
fn scalar(v: &Value) -> String {
    match v {
        Value::Bool(_) | Value::Number(_) | Value::Null => v.to_string(),
        Value::String(_) => "(a string)".to_string(),
        Value::Array(_) => "(an array)".to_string(),
        Value::Object(_) => "(an object)".to_string(),
    }
}

/// An error code or attribute name (letters, digits, `_ . [ ]`, at most 64 characters) as is;
/// anything else by its type only.
fn token(v: &Value) -> String {
    match v.as_str() {
        Some(s)
            if !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.[]-".contains(c)) =>
        {
            s.to_string()
        }
        _ => scalar(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Request;
    use std::time::Duration;

    fn answer(status: u16, body: &str) -> Exchange {
        Exchange {
            request: Request::new("GET", "https://api.example/v1/x"),
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            elapsed: Duration::ZERO,
            retries: 0,
            earlier: Vec::new(),
        }
    }

    #[test]
    fn a_user_body_is_reduced_to_the_checked_attributes() {
        let ex = answer(
            200,
            r#"{"id":"u1","username":"jane.doe","email":"jane@corp.example","name":{"given":"Jane"},"enabled":true,"mfaEnabled":false}"#,
        );
        let s = impersonal_summary(&ex);
        assert_eq!(
            s,
            "HTTP 200 application/json: mfaEnabled false, enabled true (other content not quoted)"
        );
        for private in ["jane", "Jane", "corp.example", "u1"] {
            assert!(!s.contains(private), "{s}");
        }
    }

    #[test]
    fn an_error_keeps_its_codes_and_targets_but_not_its_messages() {
        let ex = answer(
            400,
            r#"{"code":"INVALID_DATA","message":"jane.doe is taken","details":[{"code":"UNIQUENESS_VIOLATION","target":"username","message":"jane.doe"}]}"#,
        );
        let s = impersonal_summary(&ex);
        assert_eq!(
            s,
            "HTTP 400 application/json: code INVALID_DATA, details[0].code UNIQUENESS_VIOLATION, \
             details[0].target username (other content not quoted)"
        );
        let odd = answer(
            400,
            r#"{"code":"jane doe <jane@corp.example>","mfaEnabled":"x"}"#,
        );
        let s = impersonal_summary(&odd);
        assert!(!s.contains("jane"), "{s}");
        assert!(s.contains("mfaEnabled (a string)"), "{s}");
    }

    #[test]
    fn other_bodies_are_counted_not_quoted() {
        let s = impersonal_summary(&answer(502, "<html>jane.doe</html>"));
        assert!(s.starts_with("HTTP 502 application/json, 21 bytes"), "{s}");
        assert!(!s.contains("jane"), "{s}");
        assert_eq!(
            impersonal_summary(&answer(204, "")),
            "HTTP 204 application/json (empty body)"
        );
    }
}
