//! The one checker every answer goes through ([`CaseCtx::check`]), driven by the [`Expect`] of
//! the case's row: the status, a `Correlation-Id`, a JSON body valid against `schemas/`
//! (P1Error on errors, the row's schema on success), the error code, and then what the row
//! asks besides ([`CaseCtx::judge`]): the value carried, a preferred status, `Allow`, a named
//! field, and the value stored afterwards.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::Exchange;
use crate::schema::{self, Schema};

use super::cases::{
    Answer, Evidence, Expect, Grade, Lenient, Method, ReadBack, Rejection, Statuses, Stored,
    StoredValue, must, should,
};
use super::ctx::{Abort, CaseCtx, Step, is_json_media_type, lock};
use super::privacy::describe;
use super::sources::DOC_UPDATE;

/// DOC: Correlation-Id is "returned by every operation" (facts §7). SHOULD: the list comes
/// from a general conventions page, and a gateway may answer before the service.
const CORRELATION_ID: Grade = should(Evidence::Doc(
    "Correlation-Id is \"returned by every operation\" (facts §7)",
));

/// A body that claims JSON is JSON, with a JSON media type, valid against its schema.
const BODY: Grade = must(Evidence::Invariant(
    "an answer matches the schema of the status it claims; an error answer is a P1Error \
     (facts, markers and tiers; §2.1)",
));

/// The body of a 405, 413 or 415: none of them is declared for this endpoint, and each may
/// come from a gateway or the platform's routing layer before the service sees the request.
const GATEWAY_BODY: Grade = should(Evidence::Inferred(
    "405, 413 and 415 are not declared for .../mfaEnabled (SPEC declares 400, 401, 403, 404, \
     409, 429, 500, facts §1.3) and may be answered by a gateway in its own format",
));

/// `id` in an error body where Ping's own spec makes it optional.
const ERROR_ID: Grade = should(Evidence::Doc(
    "error codes page: id is \"always included in an error response\"; yet SPEC GOCLIENT \
     ForbiddenError, TooManyRequestsError and GeneralError leave it optional and CODE TFP meets \
     real errors without one (facts §2.1, §11.3)",
));

/// A successful write stores what it answers, and every read returns it.
const WRITE_IS_STORED: Grade = must(Evidence::Invariant(
    "a 2xx answer's value is the value the request named, is what is stored and what every \
     read returns",
));

/// Reads show a successful write at once, not only after a wait.
const IMMEDIATE_READ: Grade = should(Evidence::Inferred(
    "no source promises read-after-write consistency; GOCLIENT speaks of eventual consistency \
     (facts §3, §11.4), so a short wait (PINGONE_CONSISTENCY_WAIT_MS) is tolerated",
));

/// DOC: a PUT replaces the attributes it names (facts §3); PUT .../mfaEnabled names
/// mfaEnabled only (facts §1.1). Everything else about the user must read as before.
pub(super) const ONLY_MFA: Grade = must(Evidence::Doc(
    "DOC a PUT replaces the attributes the request names (facts §3); Update User MFA Enabled names mfaEnabled only (facts §1.1)",
));

/// The check of [`CaseCtx::snapshot`]: the set-up read of a user the case just created.
pub const NEW_USER_READ: &str = "GET user reads the user just created";

/// The check of [`CaseCtx::expect_other_attributes`].
pub(super) const OTHER_ATTRIBUTES: &str = "GET user: every other attribute reads as before";

/// Attributes of a user that the server changes itself, or that are not attributes.
const SERVER_KEPT: &[&str] = &["mfaEnabled", "updatedAt", "_links", "_embedded"];

/// Statuses whose error body may lack `id` (SPEC GOCLIENT, facts §2.1).
fn id_optional(status: u16) -> bool {
    status == 403 || status == 429 || status >= 500
}

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
        let tenant = self.tenant();
        let status_ok = expect.status.matches(ex.status);
        self.ensure(
            status_ok,
            expect.status_grade,
            "status",
            expect.status.describe(),
            || describe(ex, tenant),
            Some(ex),
        );
        self.ensure(
            ex.header("correlation-id").is_some(),
            CORRELATION_ID,
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
        let body_grade = expect
            .body
            .unwrap_or(if matches!(ex.status, 405 | 413 | 415) {
                GATEWAY_BODY
            } else {
                BODY
            });
        if ex.body.is_empty() {
            self.note(
                body_grade,
                format!("the body is a {name}"),
                format!("a JSON {name} body"),
                self.summary(ex),
                Some(ex),
            );
            return status_ok;
        }
        let ct = ex.header("content-type").unwrap_or("");
        self.ensure(
            is_json_media_type(ct),
            body_grade,
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
                body_grade,
                "the body is JSON",
                "a JSON document",
                self.summary(ex),
                Some(ex),
            );
            return status_ok;
        };
        let mut validated = body.clone();
        if is_error
            && id_optional(ex.status)
            && let Some(object) = validated.as_object_mut()
            && !object.contains_key("id")
        {
            self.note(
                ERROR_ID,
                "the error carries an id",
                "an id property",
                format!("no id; {}", self.summary(ex)),
                Some(ex),
            );
            // The rest of the body is still held to the schema.
            object.insert("id".into(), json!(""));
        }
        let violations = schema::validate(schema, &validated);
        self.ensure(
            violations.is_empty(),
            body_grade,
            &format!(
                "the body is a valid {name} (schemas/{})",
                schema::file_name(schema)
            ),
            "no schema violations",
            || CaseCtx::violations(tenant, schema, &body, ex),
            Some(ex),
        );
        if let (true, true, Some(codes)) = (is_error, status_ok, expect.codes) {
            let code = body.get("code").and_then(Value::as_str).unwrap_or("(none)");
            self.ensure(
                codes.accepted.contains(&code),
                codes.grade,
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
                grade,
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
        let tenant = self.tenant();
        let expect = self.expect;
        let accepted = (200..300).contains(&ex.status);
        if let (Some(lenient), true) = (expect.lenient, accepted) {
            return self.judge_lenient(ex, user, lenient).await;
        }
        let status_ok = match expect.rejection {
            Rejection::Conforming | Rejection::Either(_) => {
                if let Rejection::Either(p) = expect.rejection
                    && accepted != (p.answer == Answer::Accepted)
                {
                    self.note(p.grade, p.check, p.shown, self.summary(ex), Some(ex));
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
                preferred.grade,
                preferred.check,
                format!("HTTP {}", preferred.status),
                || describe(ex, tenant),
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

    /// A lenient binder accepted the body (a 2xx where the row tolerates `lenient`): a SHOULD
    /// warning naming the leniency; then the answer must be a UserMFAEnabled carrying the
    /// coerced value, and that value must be stored and read back (MUST: a 2xx answer's value
    /// is what is stored). An answer of another value, or a 200 that stored nothing, fails.
    async fn judge_lenient(
        &mut self,
        ex: &Exchange,
        user: Option<&str>,
        lenient: Lenient,
    ) -> Step<()> {
        let seen = self.findings.len();
        self.note(
            lenient.grade,
            "mfaEnabled must be a JSON Boolean",
            "HTTP 400 (a lenient server warns; it fails only if the value it answers is not what it stores)",
            self.summary(ex),
            Some(ex),
        );
        self.add_context(seen, &format!("lenient binding: {}", lenient.named));
        let write = Expect::ok(
            &[200],
            Schema::UserMfaEnabled,
            must(Evidence::Doc(DOC_UPDATE)),
        )
        .carries_sent(WRITE_IS_STORED);
        self.expect_answer(
            ex,
            &write,
            Some(lenient.value),
            "a lenient answer carries the coerced value",
        );
        if let Some(user) = user {
            self.expect_stored(
                user,
                lenient.value,
                ReadBack::MfaAndUser,
                "the value the lenient answer reported",
                WRITE_IS_STORED,
                true,
            )
            .await?;
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
        let expect = self.expect;
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
            // A written value may take a moment to show in reads (bounded wait); a value that
            // must not have changed is read once.
            let settle = value == StoredValue::Sent && sent.is_some();
            let value = match value {
                StoredValue::Sent => sent.unwrap_or(before),
                StoredValue::Before => before,
            };
            self.expect_stored(user, value, read, why, grade, settle)
                .await?;
        }
        Ok(())
    }

    fn carried_check(&self) -> &'static str {
        if self.expect.success == Some(Schema::User) {
            "the created User carries the value sent"
        } else {
            "the answer carries the value sent"
        }
    }

    fn expect_allow(&mut self, ex: &Exchange, method: Method, grade: Grade) {
        let allow = ex.header("allow").unwrap_or("").to_ascii_uppercase();
        self.ensure(
            allow.contains(method.as_str()),
            grade,
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
            grade,
            "the error names the field",
            "details[].target \"mfaEnabled\"",
            || format!("details {}", Value::Array(targets.clone())),
            Some(ex),
        );
    }

    /// The stored value reads `expected` through `read` (checked as "… reads `why`", at
    /// `grade`). With `settle` (a value just written), a read that does not show it yet is
    /// repeated within `PINGONE_CONSISTENCY_WAIT_MS`: a value that shows only then is a SHOULD
    /// warning, one that never shows fails at `grade`.
    pub(super) async fn expect_stored(
        &mut self,
        user: &str,
        expected: bool,
        read: ReadBack,
        why: &str,
        grade: Grade,
        settle: bool,
    ) -> Step<()> {
        let url = self.mfa_url(user);
        let views = [
            (url, Schema::UserMfaEnabled, "GET .../mfaEnabled"),
            (self.user_url(user), Schema::User, "GET user"),
        ];
        let count = if read == ReadBack::MfaAndUser { 2 } else { 1 };
        for (url, schema, what) in views.into_iter().take(count) {
            let ex = self
                .read_back(url, schema, what, expected, why, grade, settle)
                .await?;
            if schema == Schema::User && ex.status == 200 {
                self.expect_other_attributes(user, &ex);
            }
        }
        Ok(())
    }

    /// GET user, then [`CaseCtx::expect_other_attributes`] (when the answer is a 200).
    pub(super) async fn expect_user_unchanged(&mut self, user: &str) -> Step<()> {
        let ex = self
            .send(self.request(Method::Get, &self.user_url(user)))
            .await?;
        if self.ensure(
            ex.status == 200,
            ONLY_MFA,
            OTHER_ATTRIBUTES,
            "GET user answers 200",
            || ex.summary(),
            Some(&ex),
        ) {
            self.expect_other_attributes(user, &ex);
        }
        Ok(())
    }

    /// The user in `ex` (a GET user answer) has every attribute of the snapshot taken when the
    /// case set it up, with the same value, and no other, apart from mfaEnabled and the
    /// attributes the server keeps itself ([`SERVER_KEPT`]). A user without a snapshot is one
    /// no set-up made (every user of [`CaseCtx::user_with`] has one, or the case stopped): the
    /// user a Create User case made, or one whose attributes the case changes on purpose; it
    /// has nothing to compare with. An answer that is not a JSON object fails the check.
    pub(super) fn expect_other_attributes(&mut self, user: &str, ex: &Exchange) {
        let Some(before) = self.snapshots.get(user).cloned() else {
            return;
        };
        let after = ex.json().unwrap_or(Value::Null);
        let (Some(before), Some(after_map)) = (before.as_object(), after.as_object()) else {
            self.note(
                ONLY_MFA,
                OTHER_ATTRIBUTES,
                "a User object to compare with the set-up snapshot",
                self.summary(ex),
                Some(ex),
            );
            return;
        };
        let mut keys: Vec<&String> = before.keys().chain(after_map.keys()).collect();
        keys.sort();
        keys.dedup();
        let changed: Vec<String> = keys
            .into_iter()
            .filter(|k| !SERVER_KEPT.contains(&k.as_str()))
            .filter(|k| before.get(*k) != after_map.get(*k))
            .map(|k| format!("{k}: {} -> {}", show(before.get(k)), show(after_map.get(k))))
            .collect();
        self.ensure(
            changed.is_empty(),
            ONLY_MFA,
            OTHER_ATTRIBUTES,
            "every attribute but mfaEnabled as it was after set-up",
            || crate::http::excerpt(&changed.join("; "), 400),
            Some(ex),
        );
    }

    /// GET `url`: 200 with a `schema` body whose mfaEnabled is `expected`; with `settle`,
    /// repeated with growing pauses within the consistency wait until it is.
    #[allow(clippy::too_many_arguments)]
    async fn read_back(
        &mut self,
        url: String,
        schema: Schema,
        what: &str,
        expected: bool,
        why: &str,
        grade: Grade,
        settle: bool,
    ) -> Step<Exchange> {
        let shows = |ex: &Exchange| {
            ex.status == 200
                && ex.json().and_then(|j| j.get("mfaEnabled").cloned()) == Some(json!(expected))
        };
        let ex = if settle {
            let check = format!("{what} reads {why}");
            let shown = format!("mfaEnabled {expected}");
            self.read_settled(&url, shows, &check, &shown).await?
        } else {
            self.send(self.request(Method::Get, &url)).await?
        };
        let check = format!("{what} reads {why}");
        self.expect_answer(
            &ex,
            &read_back_expect(schema, grade),
            Some(expected),
            &check,
        );
        Ok(ex)
    }

    /// GET `url` until `shows` holds of the answer (it then shows `shown`), repeated with
    /// growing pauses within `PINGONE_CONSISTENCY_WAIT_MS`; the last answer. One that shows
    /// only after a wait is a SHOULD warning (`check` "at once"); one that never shows is left
    /// to the caller to fail.
    pub(super) async fn read_settled(
        &mut self,
        url: &str,
        shows: impl Fn(&Exchange) -> bool,
        check: &str,
        shown: &str,
    ) -> Step<Exchange> {
        let mut ex = self.send(self.request(Method::Get, url)).await?;
        if shows(&ex) {
            return Ok(ex);
        }
        // A case whose earlier read-back waited the whole window in vain does not wait again:
        // the answer is no different, only later (a target that loses writes would otherwise
        // cost the window on every read of every probe).
        let window = if lock(&self.shared).waited_out {
            Duration::ZERO
        } else {
            self.session.run.consistency_wait
        };
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        let mut reads = 1;
        while !shows(&ex) && started.elapsed() < window {
            tokio::time::sleep(pause.min(window.saturating_sub(started.elapsed()))).await;
            pause = pause.saturating_mul(2);
            ex = self.send(self.request(Method::Get, url)).await?;
            reads += 1;
        }
        if !shows(&ex) && !window.is_zero() {
            lock(&self.shared).waited_out = true;
        }
        if shows(&ex) {
            self.note(
                IMMEDIATE_READ,
                format!("{check} at once"),
                format!("{shown} on the first read"),
                format!(
                    "{shown} only on read {reads}, after {} ms",
                    started.elapsed().as_millis()
                ),
                Some(&ex),
            );
        }
        Ok(ex)
    }

    /// Set-up: keep GET user of `user`, which the case just created, as it is now: what every
    /// later GET user must still show besides mfaEnabled (`expect_other_attributes`). A user
    /// that GET user does not answer with a 200 User, within the consistency wait, fails the
    /// case at MUST (a user Create User answered 201 for must read back); the case stops there
    /// rather than compare later reads with nothing.
    pub(super) async fn snapshot(&mut self, user: &str) -> Step<()> {
        let url = self.user_url(user);
        let is_user = |ex: &Exchange| ex.status == 200 && ex.json().is_some_and(|j| j.is_object());
        let ex = self
            .read_settled(&url, is_user, NEW_USER_READ, "HTTP 200 with the User")
            .await?;
        match ex.json().filter(|j| is_user(&ex) && j.is_object()) {
            Some(json) => {
                self.snapshots.insert(user.to_string(), json);
                Ok(())
            }
            None => {
                self.note(
                    WRITE_IS_STORED,
                    NEW_USER_READ,
                    "HTTP 200 with the User",
                    self.summary(&ex),
                    Some(&ex),
                );
                Err(Abort)
            }
        }
    }
}

pub(in crate::suite) fn show(v: Option<&Value>) -> String {
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
