//! The one checker every answer goes through ([`CaseCtx::check`]), driven by the [`Expect`] of
//! the case's row: the status, a `Correlation-Id`, a JSON body valid against `schemas/`
//! (P1Error on errors, the row's schema on success), the error code, and then what the row
//! asks besides ([`CaseCtx::judge`]): the value carried, a preferred status, `Allow`, a named
//! field, and the value stored afterwards.

use serde_json::{Value, json};

use crate::http::Exchange;
use crate::schema::{self, Schema};

use super::cases::{
    Answer, Evidence, Expect, Grade, Method, ReadBack, Rejection, Statuses, Stored, StoredValue,
    Tier, must,
};
use super::ctx::{CaseCtx, Step, is_json_media_type};

/// DOC: Correlation-Id is "returned by every operation" (facts §7).
const CORRELATION_ID: Grade = Grade {
    tier: Tier::Should,
    evidence: Evidence::Doc("Correlation-Id is \"returned by every operation\" (facts §7)"),
};

/// A body that claims JSON is JSON, with a JSON media type, valid against its schema.
const BODY: Grade = must(Evidence::Invariant(
    "a body is JSON with a JSON media type, valid against the schema its status implies",
));

/// How a read-back is checked: GET `200` with the schema, at the grade of the stored check.
const fn read_back_expect(schema: Schema, grade: Grade) -> Expect {
    Expect::ok(&[200], schema, grade).carries_sent(grade)
}

impl CaseCtx {
    /// The one checker. Checks the status against `expect` at its grade; then, whatever the
    /// status, a `Correlation-Id` header and that a body is JSON with a JSON media type and
    /// valid against the schema its status implies (P1Error for errors, [`Expect::success`]
    /// for 2xx); and, for an error with a conforming status, that `code` is one of the row's
    /// codes. Returns whether the status conformed.
    pub(super) fn check(&mut self, ex: &Exchange, expect: &Expect) -> bool {
        let status_ok = expect.status.matches(ex.status);
        self.ensure(
            status_ok,
            expect.status_grade.tier,
            "status",
            expect.status.describe(),
            || ex.summary(),
            Some(ex),
        );
        self.ensure(
            ex.header("correlation-id").is_some(),
            CORRELATION_ID.tier,
            "the answer carries a Correlation-Id header",
            "a Correlation-Id header",
            || "no Correlation-Id header".to_string(),
            Some(ex),
        );
        let is_error = ex.status >= 400;
        let schema = if is_error {
            Some(Schema::P1Error)
        } else {
            expect.success
        };
        let Some(schema) = schema else {
            return status_ok;
        };
        let name = schema.name();
        if ex.body.is_empty() {
            self.note(
                BODY.tier,
                format!("the body is a {name}"),
                format!("a JSON {name} body"),
                ex.summary(),
                Some(ex),
            );
            return status_ok;
        }
        let ct = ex.header("content-type").unwrap_or("");
        self.ensure(
            is_json_media_type(ct),
            BODY.tier,
            "Content-Type is JSON",
            "application/json (or another +json type)",
            || {
                format!(
                    "Content-Type: {}",
                    if ct.is_empty() { "(none)" } else { ct }
                )
            },
            Some(ex),
        );
        let Some(body) = ex.json() else {
            self.note(
                BODY.tier,
                "the body is JSON",
                "a JSON document",
                ex.summary(),
                Some(ex),
            );
            return status_ok;
        };
        let violations = schema::validate(schema, &body);
        self.ensure(
            violations.is_empty(),
            BODY.tier,
            &format!(
                "the body is a valid {name} (schemas/{})",
                schema::file_name(schema)
            ),
            "no schema violations",
            || format!("{}; body {}", violations.join("; "), ex.body_excerpt()),
            Some(ex),
        );
        if let (true, true, Some(codes)) = (is_error, status_ok, expect.codes) {
            let code = body.get("code").and_then(Value::as_str).unwrap_or("(none)");
            self.ensure(
                codes.accepted.contains(&code),
                codes.grade.tier,
                "error code",
                format!("code {}", codes.accepted.join(" or ")),
                || format!("code {code}"),
                Some(ex),
            );
        }
        status_ok
    }

    /// [`CaseCtx::check`], then, when the status conformed and the row asks for it, that the
    /// body's mfaEnabled is `sent` (checked as `what`). Returns whether the status conformed.
    pub(super) fn expect_answer(
        &mut self,
        ex: &Exchange,
        expect: &Expect,
        sent: Option<bool>,
        what: &str,
    ) -> bool {
        if !self.check(ex, expect) {
            return false;
        }
        if let (Some(grade), Some(sent)) = (expect.carries_sent, sent) {
            let got = ex.json().and_then(|j| j.get("mfaEnabled").cloned());
            self.ensure(
                got == Some(json!(sent)),
                grade.tier,
                what,
                format!("mfaEnabled {sent}"),
                || format!("mfaEnabled {}", show(got.as_ref())),
                Some(ex),
            );
        }
        true
    }

    /// Everything the row's [`Expect`] asks of the main answer `ex` to a request that sent
    /// `sent` (if it sent a value) to `user` (if any), whose value was `before`: the answer
    /// ([`CaseCtx::expect_answer`], or a 4xx where a rejection conforms, with the row's
    /// preference), a preferred status and its `Allow` header, the value stored afterwards,
    /// and a `details[].target` naming the field.
    pub(super) async fn judge(
        &mut self,
        ex: &Exchange,
        user: Option<&str>,
        sent: Option<bool>,
        before: bool,
    ) -> Step<()> {
        let expect = self.case.expect;
        let accepted = (200..300).contains(&ex.status);
        let status_ok = match expect.rejection {
            Rejection::Conforming | Rejection::Either(_) => {
                if let Rejection::Either(p) = expect.rejection
                    && accepted != (p.answer == Answer::Accepted)
                {
                    self.note(p.grade.tier, p.check, p.shown, ex.summary(), Some(ex));
                }
                if accepted {
                    self.expect_answer(ex, &expect, sent, "the answer carries the value sent")
                } else {
                    let rejected = Expect {
                        status: Statuses::ClientError,
                        success: None,
                        codes: None,
                        ..expect
                    };
                    self.check(ex, &rejected)
                }
            }
            Rejection::Nonconforming => self.expect_answer(ex, &expect, sent, self.carried_check()),
        };
        if let Some(preferred) = expect.prefers_status
            && self.ensure(
                ex.status == preferred.status,
                preferred.grade.tier,
                preferred.check,
                format!("HTTP {}", preferred.status),
                || ex.summary(),
                Some(ex),
            )
            && let Some((method, grade)) = expect.allow
        {
            self.expect_allow(ex, method, grade);
        }
        if let Some(user) = user {
            self.judge_stored(user, sent, before, accepted).await?;
        }
        if let Some(grade) = expect.names_field
            && status_ok
            && ex.status >= 400
        {
            self.expect_named_field(ex, grade);
        }
        Ok(())
    }

    /// The value stored after the main request, as the row's [`Stored`] asks: `accepted` says
    /// whether the answer was a 2xx (for [`Stored::AsAnswered`]).
    pub(super) async fn judge_stored(
        &mut self,
        user: &str,
        sent: Option<bool>,
        before: bool,
        accepted: bool,
    ) -> Step<()> {
        let expect = self.case.expect;
        let stored = match expect.stored {
            Stored::AsAnswered if accepted => Stored::Reads {
                value: StoredValue::Sent,
                read: ReadBack::MfaAndUser,
                why: "the value sent",
                grade: expect.status_grade,
            },
            Stored::AsAnswered => Stored::Reads {
                value: StoredValue::Before,
                read: ReadBack::Mfa,
                why: "the value before the rejected request",
                grade: expect.status_grade,
            },
            other => other,
        };
        if let Stored::Reads {
            value,
            read,
            why,
            grade,
        } = stored
        {
            let value = match value {
                StoredValue::Sent => sent.unwrap_or(before),
                StoredValue::Before => before,
            };
            self.expect_stored(user, value, read, why, grade).await?;
        }
        Ok(())
    }

    fn carried_check(&self) -> &'static str {
        if self.case.expect.success == Some(Schema::User) {
            "the created User carries the value sent"
        } else {
            "the answer carries the value sent"
        }
    }

    fn expect_allow(&mut self, ex: &Exchange, method: Method, grade: Grade) {
        let allow = ex.header("allow").unwrap_or("").to_ascii_uppercase();
        self.ensure(
            allow.contains(method.as_str()),
            grade.tier,
            "the 405 lists the allowed methods",
            format!("an Allow header naming {}", method.as_str()),
            || format!("Allow: {allow}"),
            Some(ex),
        );
    }

    fn expect_named_field(&mut self, ex: &Exchange, grade: Grade) {
        let targets = ex
            .json()
            .and_then(|j| j.get("details").cloned())
            .and_then(|d| d.as_array().cloned())
            .unwrap_or_default();
        let named = targets
            .iter()
            .any(|d| d.get("target").and_then(Value::as_str) == Some("mfaEnabled"));
        self.ensure(
            named,
            grade.tier,
            "the error names the field",
            "details[].target \"mfaEnabled\"",
            || format!("details {}", Value::Array(targets.clone())),
            Some(ex),
        );
    }

    /// The stored value reads `expected` through `read` (checked as "… reads `why`", at
    /// `grade`).
    pub(super) async fn expect_stored(
        &mut self,
        user: &str,
        expected: bool,
        read: ReadBack,
        why: &str,
        grade: Grade,
    ) -> Step<()> {
        let url = self.mfa_url(user);
        self.read_back(
            url,
            Schema::UserMfaEnabled,
            "GET .../mfaEnabled",
            expected,
            why,
            grade,
        )
        .await?;
        if read == ReadBack::MfaAndUser {
            let url = self.user_url(user);
            self.read_back(url, Schema::User, "GET user", expected, why, grade)
                .await?;
        }
        Ok(())
    }

    /// GET `url`: 200 with a `schema` body whose mfaEnabled is `expected`.
    async fn read_back(
        &mut self,
        url: String,
        schema: Schema,
        what: &str,
        expected: bool,
        why: &str,
        grade: Grade,
    ) -> Step<()> {
        let ex = self.send(self.request(Method::Get, &url)).await?;
        let check = format!("{what} reads {why}");
        self.expect_answer(
            &ex,
            &read_back_expect(schema, grade),
            Some(expected),
            &check,
        );
        Ok(())
    }
}

pub(super) fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "(absent)".to_string(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json;charset=UTF-8"));
        assert!(is_json_media_type("application/hal+json"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type(""));
    }

    #[test]
    fn statuses_describe_and_match() {
        assert_eq!(Statuses::OneOf(&[415, 400]).describe(), "HTTP 415 or 400");
        assert_eq!(Statuses::OneOf(&[400]).describe(), "HTTP 400");
        assert!(Statuses::ClientError.matches(404) && !Statuses::ClientError.matches(500));
    }
}
