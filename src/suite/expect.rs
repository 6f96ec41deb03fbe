//! What a case accepts: the [`Expect`] of a row (statuses, schema, codes, what must be stored)
//! and the [`Grade`] (tier and [`Evidence`]) of each sub-check. Built in `cases.rs` with `const`
//! builders; read by the one checker (`checker.rs`).

use super::model::Method;
use crate::schema::Schema;

pub use crate::tier::Tier;

/// What a sub-check rests on, with the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Ping's documentation says so.
    Doc(&'static str),
    /// An OpenAPI document or another specification (an RFC) says so.
    Spec(&'static str),
    /// Ping-maintained client code or tests show it.
    Code(&'static str),
    /// Inferred: sensible, or a choice the documentation leaves open.
    Inferred(&'static str),
    /// Holds for every answer of any HTTP API this suite checks (for example, a body that
    /// claims JSON is JSON).
    Invariant(&'static str),
}

impl Evidence {
    /// `DOC`, `SPEC`, `CODE`, `INFERRED` or `INVARIANT`.
    pub fn marker(self) -> &'static str {
        match self {
            Evidence::Doc(_) => "DOC",
            Evidence::Spec(_) => "SPEC",
            Evidence::Code(_) => "CODE",
            Evidence::Inferred(_) => "INFERRED",
            Evidence::Invariant(_) => "INVARIANT",
        }
    }

    /// The source text.
    pub fn source(self) -> &'static str {
        match self {
            Evidence::Doc(s)
            | Evidence::Spec(s)
            | Evidence::Code(s)
            | Evidence::Inferred(s)
            | Evidence::Invariant(s) => s,
        }
    }
}

impl Evidence {
    /// Whether a check resting on this evidence may be MUST: DOC, SPEC and the invariants.
    pub fn allows_must(self) -> bool {
        matches!(
            self,
            Evidence::Doc(_) | Evidence::Spec(_) | Evidence::Invariant(_)
        )
    }
}

/// The tier of one sub-check and the evidence it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grade {
    /// MUST or SHOULD.
    pub tier: Tier,
    /// What the sub-check rests on.
    pub evidence: Evidence,
}

/// A MUST sub-check resting on `evidence`.
pub const fn must(evidence: Evidence) -> Grade {
    Grade {
        tier: Tier::Must,
        evidence,
    }
}

/// A SHOULD sub-check resting on `evidence`.
pub const fn should(evidence: Evidence) -> Grade {
    Grade {
        tier: Tier::Should,
        evidence,
    }
}

/// Which statuses conform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statuses {
    /// One of these.
    OneOf(&'static [u16]),
    /// Any 4xx.
    ClientError,
}

impl Statuses {
    /// Whether `status` conforms.
    pub fn matches(self, status: u16) -> bool {
        match self {
            Statuses::OneOf(list) => list.contains(&status),
            Statuses::ClientError => (400..500).contains(&status),
        }
    }

    /// `HTTP 415 or 400`, `an HTTP 4xx`.
    pub fn describe(self) -> String {
        match self {
            Statuses::OneOf(list) => {
                let l: Vec<String> = list.iter().map(u16::to_string).collect();
                format!("HTTP {}", l.join(" or "))
            }
            Statuses::ClientError => "an HTTP 4xx".to_string(),
        }
    }
}

/// Accepted top-level error codes (of an error answer whose status conforms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Codes {
    /// The codes that conform.
    pub accepted: &'static [&'static str],
    /// Tier and evidence of the code check.
    pub grade: Grade,
}

/// How the stored value is read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadBack {
    /// GET .../mfaEnabled.
    Mfa,
    /// GET .../mfaEnabled and GET user.
    MfaAndUser,
}

/// Which value must read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoredValue {
    /// The value the request sent.
    Sent,
    /// The value before the request.
    Before,
}

/// What the stored value must be after the main request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Not read back.
    Unchecked,
    /// Whatever the answer, `value` reads back through `read` (checked as "… reads `why`").
    Reads {
        /// Which value.
        value: StoredValue,
        /// Through which requests.
        read: ReadBack,
        /// How the check names the value, e.g. `the value sent`.
        why: &'static str,
        /// Tier and evidence.
        grade: Grade,
    },
    /// Accepted (2xx): the value sent reads back through GET .../mfaEnabled and GET user;
    /// rejected: the value before reads back through GET .../mfaEnabled. MUST.
    AsAnswered,
}

/// Which answer a SHOULD-level preference prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx.
    Accepted,
    /// Anything else.
    Rejected,
}

/// A preference between accepting and rejecting, where both conform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefer {
    /// The preferred answer.
    pub answer: Answer,
    /// How the preferred answer is shown in a finding, e.g. `HTTP 415 or 400`.
    pub shown: &'static str,
    /// The name of the check, e.g. `an unknown property is ignored`.
    pub check: &'static str,
    /// Tier and evidence.
    pub grade: Grade,
}

/// Whether a 4xx rejection conforms besides [`Expect::status`]. When it does, a 2xx answer is
/// held to the row's status, schema and value, and any other answer must be a 4xx P1Error (at
/// [`Expect::status_grade`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Only [`Expect::status`] conforms.
    Nonconforming,
    /// A 4xx rejection conforms too, with no preference.
    Conforming,
    /// Both conform; a SHOULD-level check prefers one.
    Either(Prefer),
}

/// A status preferred among the conforming ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreferredStatus {
    /// The preferred status.
    pub status: u16,
    /// The name of the check, e.g. `unsupported method`.
    pub check: &'static str,
    /// Tier and evidence.
    pub grade: Grade,
}

/// What a case accepts of its main answer, and what must be stored afterwards. Built in the
/// row with the `const` builders, e.g.
/// `Expect::p1_error(&[400], must(SPEC)).codes(CODES_400, must(SPEC))`; read by the one
/// checker.
///
/// Every answer is also held, whatever the row says, to the checker's invariants: a
/// `Correlation-Id` header (SHOULD, DOC), and a body that is JSON with a JSON media type and
/// valid against its schema (MUST): P1Error for an error status, [`Expect::success`] for a 2xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The statuses that conform.
    pub status: Statuses,
    /// Tier and evidence of the status check.
    pub status_grade: Grade,
    /// The schema of a 2xx body (`None`: a 2xx body is not validated).
    pub success: Option<Schema>,
    /// Accepted error codes.
    pub codes: Option<Codes>,
    /// A 2xx body's mfaEnabled is the value sent (checked when the status conforms).
    pub carries_sent: Option<Grade>,
    /// Whether a 4xx rejection conforms besides [`Expect::status`].
    pub rejection: Rejection,
    /// A status preferred among the conforming ones (for example 405 among all 4xx).
    pub prefers_status: Option<PreferredStatus>,
    /// When the preferred status came, an `Allow` header naming this method.
    pub allow: Option<(Method, Grade)>,
    /// A `details[].target` naming `mfaEnabled` (checked when the status conforms).
    pub names_field: Option<Grade>,
    /// The stored value afterwards.
    pub stored: Stored,
    /// Tier and evidence of the checks the area's procedure makes of the answer besides these
    /// (the `_links` hrefs of MFA-LINKS, the token response of MFA-TOKEN-01); `None` where it
    /// makes none.
    pub procedure: Option<Grade>,
    /// Tier and evidence of the body checks of the main answer (a JSON media type, JSON, valid
    /// against its schema) where they differ from the checker's default, e.g. for answers that
    /// may come from a gateway rather than the endpoint; `None`: the default.
    pub body: Option<Grade>,
    /// A lenient binder may accept the body and store this value (Jackson's scalar coercion,
    /// facts §11.1): such an answer is a SHOULD-level warning, provided the answer, the stored
    /// value and every read say this value (MUST).
    pub lenient: Option<Lenient>,
}

/// A lenient answer a row tolerates: a body that a Jackson-style binder coerces to `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lenient {
    /// The Boolean the body coerces to.
    pub value: bool,
    /// How the leniency is named in the warning, e.g. `the string "true" coerced to true`.
    pub named: &'static str,
    /// Tier and evidence of the preference for a rejection (SHOULD).
    pub grade: Grade,
}

impl Expect {
    /// One of `statuses`; no body schema for a 2xx.
    pub const fn status(statuses: &'static [u16], grade: Grade) -> Expect {
        Expect::new(Statuses::OneOf(statuses), grade, None)
    }

    /// One of `statuses` with a P1Error, nothing else required.
    pub const fn p1_error(statuses: &'static [u16], grade: Grade) -> Expect {
        Expect::new(Statuses::OneOf(statuses), grade, None)
    }

    /// Any 4xx with a P1Error.
    pub const fn client_error(grade: Grade) -> Expect {
        Expect::new(Statuses::ClientError, grade, None)
    }

    /// `status` with a `schema` body.
    pub const fn ok(status: &'static [u16], schema: Schema, grade: Grade) -> Expect {
        Expect::new(Statuses::OneOf(status), grade, Some(schema))
    }

    const fn new(status: Statuses, status_grade: Grade, success: Option<Schema>) -> Expect {
        Expect {
            status,
            status_grade,
            success,
            codes: None,
            carries_sent: None,
            rejection: Rejection::Nonconforming,
            prefers_status: None,
            allow: None,
            names_field: None,
            stored: Stored::Unchecked,
            procedure: None,
            body: None,
            lenient: None,
        }
    }

    /// An error's code is one of `accepted`.
    pub const fn codes(mut self, accepted: &'static [&'static str], grade: Grade) -> Expect {
        self.codes = Some(Codes { accepted, grade });
        self
    }

    /// A 2xx body carries the value sent.
    pub const fn carries_sent(mut self, grade: Grade) -> Expect {
        self.carries_sent = Some(grade);
        self
    }

    /// A 4xx rejection conforms too.
    pub const fn or_rejected(mut self) -> Expect {
        self.rejection = Rejection::Conforming;
        self
    }

    /// A 4xx rejection conforms too, and `prefer` says which of the two is preferred.
    pub const fn either(mut self, prefer: Prefer) -> Expect {
        self.rejection = Rejection::Either(prefer);
        self
    }

    /// `status` is preferred among the conforming ones (checked as `check`).
    pub const fn prefers_status(
        mut self,
        status: u16,
        check: &'static str,
        grade: Grade,
    ) -> Expect {
        self.prefers_status = Some(PreferredStatus {
            status,
            check,
            grade,
        });
        self
    }

    /// The preferred status carries an `Allow` header naming `method`.
    pub const fn allow(mut self, method: Method, grade: Grade) -> Expect {
        self.allow = Some((method, grade));
        self
    }

    /// The error names the field.
    pub const fn names_field(mut self, grade: Grade) -> Expect {
        self.names_field = Some(grade);
        self
    }

    /// The stored value afterwards.
    pub const fn stored(mut self, stored: Stored) -> Expect {
        self.stored = stored;
        self
    }

    /// The grade of the body checks of the main answer, instead of the checker's default.
    pub const fn body(mut self, grade: Grade) -> Expect {
        self.body = Some(grade);
        self
    }

    /// A Jackson-style binder may accept the body and store `value`; `named` names the
    /// leniency in the warning, `grade` is the preference for a rejection (SHOULD).
    pub const fn lenient(mut self, value: bool, named: &'static str, grade: Grade) -> Expect {
        self.lenient = Some(Lenient {
            value,
            named,
            grade,
        });
        self
    }

    /// Every grade the row states, for the tests that hold tiers to their evidence.
    pub fn grades(&self) -> Vec<Grade> {
        let mut g = vec![self.status_grade];
        g.extend(self.codes.map(|c| c.grade));
        g.extend(self.carries_sent);
        if let Rejection::Either(p) = self.rejection {
            g.push(p.grade);
        }
        g.extend(self.prefers_status.map(|p| p.grade));
        g.extend(self.allow.map(|(_, grade)| grade));
        g.extend(self.names_field);
        if let Stored::Reads { grade, .. } = self.stored {
            g.push(grade);
        }
        g.extend(self.procedure);
        g.extend(self.body);
        g.extend(self.lenient.map(|l| l.grade));
        g
    }

    /// The grade of the area procedure's own checks.
    pub const fn procedure(mut self, grade: Grade) -> Expect {
        self.procedure = Some(grade);
        self
    }

    /// The grade of the area procedure's own checks (MUST when a row forgot to give it, and
    /// a unit test of `cases.rs` makes sure none does).
    pub fn procedure_grade(&self) -> Grade {
        self.procedure.unwrap_or(Grade {
            tier: Tier::Must,
            evidence: Evidence::Invariant("no grade given"),
        })
    }

    /// `value` reads back through `read`, checked as "… reads `why`".
    pub const fn reads(
        self,
        value: StoredValue,
        read: ReadBack,
        why: &'static str,
        grade: Grade,
    ) -> Expect {
        self.stored(Stored::Reads {
            value,
            read,
            why,
            grade,
        })
    }
}
