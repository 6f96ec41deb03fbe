//! The documentation lines the cases rest on, and the expectations several rows of `cases.rs`
//! share. Sources are cited by the section of `docs/api-facts.md` that quotes them ("facts
//! §N"); the tier of each check follows from its evidence (see [`Tier`](super::expect::Tier)).

use crate::schema::Schema;

use super::expect::{
    Answer, Evidence, Expect, Grade, Prefer, ReadBack, Stored, StoredValue, must, should,
};
use super::model::Method;

pub(super) const DOC_UPDATE: &str = "DOC Update User MFA Enabled, request model: mfaEnabled Boolean Required; \
SPEC pingone-mfa.yml updateUserMFAEnabled 200 UserMFAEnabled (facts §1.1-§1.3)";
pub(super) const DOC_EXAMPLE: &str = "DOC published example response of PUT .../mfaEnabled: _links.self, _links.user, \
absolute hrefs; SPEC LinksHATEOAS href format uri (facts §1.3)";
pub(super) const SPEC_400: &str = "SPEC pingone-mfa.yml responses 400 \"Invalid request received. Malformed JSON, \
malformed HTTP request.\" with P1Error; SPEC GOCLIENT BadRequestError codes INVALID_DATA, INVALID_REQUEST, \
REQUEST_FAILED (facts §2.1, §3)";
pub(super) const DOC_AUTH: &str = "DOC 401 \"You do not have access to this resource.\"; SPEC bearer security scheme, \
401 P1Error; SPEC GOCLIENT UnauthorizedError code ACCESS_FAILED (facts §2.1, §3, §4)";
pub(super) const DOC_NOT_FOUND: &str = "DOC 404 \"The requested resource was not found.\"; SPEC 404 P1Error, \
GOCLIENT NotFoundError code NOT_FOUND (facts §1.3, §2.1, §3)";
pub(super) const DOC_FOREIGN_ENV: &str = "SPEC GOCLIENT 403 \"This may occur if the environment doesn't exist\"; \
DOC error codes within a 4xx class may change (facts §2.1, §3)";
pub(super) const DOC_405: &str = "DOC \"When a method is not supported, the platform returns a 405 METHOD NOT \
ALLOWED error\"; SPEC only GET and PUT on .../mfaEnabled (facts §1.1, §3)";
/// The 405 itself: documented on the conventions page of PingOne's authentication API, not of
/// this one, and a gateway may refuse the method first.
pub(super) const DOC_405_ELSEWHERE: &str = "DOC conventions page of PingOne's authentication API: \"When a method is not \
supported, the platform returns a 405 METHOD NOT ALLOWED error\" (facts §3); that page is not this API's, and a \
gateway may refuse the method first";
pub(super) const SPEC_METHODS: &str = "SPEC declares only GET and PUT on .../mfaEnabled (facts §1.1): another method \
cannot succeed";
pub(super) const DOC_CREATE: &str = "DOC \"You can enable multi-factor authentication by setting mfaEnabled to true \
with POST Create User, POST Create User (Import), or PUT Update User MFA Enabled\"; SPEC Create User 201 \
User (facts §1.4, §5)";
pub(super) const DOC_CANNOT_UPDATE: &str = "DOC \"You cannot update mfaEnabled with PUT Update User or PATCH Update \
User.\" (facts §1.4, §5)";
pub(super) const DOC_CONTENT_TYPE: &str = "DOC Update User MFA Enabled headers: Content-Type application/json; \
SPEC requestBody application/json; SPEC GOCLIENT 415 INVALID_REQUEST (facts §1.1, §3)";
pub(super) const DOC_TOKEN: &str = "DOC worker applications: POST {authPath}/{envID}/as/token with client_credentials \
answers {\"access_token\", \"token_type\": \"Bearer\", \"expires_in\": 3600}; client_secret_basic and \
client_secret_post (facts §4)";
pub(super) const RFC_WRONG_SECRET: &str = "RFC 6749 §5.2 (invalid_client, 400 or 401); DOC token endpoint client authentication (facts §4)";
pub(super) const SPEC_DETAIL_TARGET: &str = "SPEC P1Error details[].target \"The item that caused the error \
(such as a form field ID or an attribute inside a JSON object)\"; INFERRED REQUIRED_VALUE/INVALID_VALUE \
targeting mfaEnabled (facts §2.1, §3)";
pub(super) const SPEC_JSON_TEXT: &str = "RFC 8259 §2 (JSON-text = ws value ws) and §8.1 (UTF-8); SPEC 400 \
\"Malformed JSON\" (facts §3)";
/// The exact top-level code of a 400.
pub(super) const INFERRED_CODES_400: &str = "GOCLIENT's BadRequestError codes INVALID_DATA, INVALID_REQUEST, \
REQUEST_FAILED are SPEC for other operations only (GOCLIENT has no mfaEnabled path, facts §8), and DOC says the \
specific code within a class may change (facts §2.1)";
/// The exact body of a 401.
pub(super) const INFERRED_401_CODE: &str = "GOCLIENT UnauthorizedError code ACCESS_FAILED is SPEC for other \
operations; no source gives this endpoint's 401 body (facts §2.2, §10 question 1)";
/// The exact status for a scheme other than bearer.
pub(super) const INFERRED_BASIC_401: &str = "the spec declares 401 for a request without valid bearer \
authorization; whether a Basic header is refused with 401 or 400 is stated nowhere (facts §1.1, §11.6 item 5)";
/// The only declared security scheme.
pub(super) const SPEC_BEARER_ONLY: &str = "SPEC the only security scheme is bearer (JWT): a request without a \
bearer token is refused, never served (facts §1.1, §4)";
/// Jackson's scalar coercion of Booleans.
pub(super) const INFERRED_JACKSON: &str = "PingOne's services appear Jackson-based, and Jackson's defaults coerce \"true\"/\"false\" \
in any case and integers to Booleans; whether a tenant does is unknown (facts §11.1): accepting is a leniency, \
not a contract failure";
/// A rejected request changes nothing.
pub(super) const REJECTED_CHANGES_NOTHING: &str =
    "a rejected request changes nothing (facts, markers and tiers)";
/// A request that names no user of this environment cannot succeed.
pub(super) const NO_SUCH_USER: &str = "never a 5xx for a client error, and no user of the environment has an id \
that is not a UUID (SPEC/CODE ids are UUIDs, facts §3), so the request cannot succeed";
pub(super) const INFERRED_CASE: &str = "INFERRED: property names are case-sensitive in JSON (RFC 8259 §4 does not \
fold case); the docs name only mfaEnabled and say nothing of other spellings (facts §1.1, §3)";

pub(super) const DOC_ROLE: &str = "DOC a worker app acts with its own role assignments (facts §4); SPEC GOCLIENT: a \
valid token without the needed role answers 403 ACCESS_FAILED with detail INSUFFICIENT_PERMISSIONS (facts §3)";
pub(super) const INFERRED_READONLY_READS: &str = "INFERRED: PINGONE_READONLY_CLIENT_ID names a worker whose role \
may read users; a read with its token answers like any read (facts §1.1, §4)";
pub(super) const DOC_EXPIRED: &str = "DOC an access token lasts one hour; a bearer token that is expired answers 401 \
(facts §3, §4); SPEC GOCLIENT UnauthorizedError code ACCESS_FAILED, detail INVALID_TOKEN (facts §11.3)";
pub(super) const DOC_ONLY_MFA: &str = "DOC a PUT replaces the attributes the request names and nothing else (facts §3); \
Update User MFA Enabled names mfaEnabled only (facts §1.1, §1.4)";

/// A set-up value: the value before the request reads back through `read`.
pub(super) const fn unchanged(read: ReadBack, why: &'static str, grade: Grade) -> Stored {
    Stored::Reads {
        value: StoredValue::Before,
        read,
        why,
        grade,
    }
}

pub(super) const BEFORE_REJECTED: &str = "the value before the rejected request";

/// A valid write of the value sent: 200 UserMFAEnabled carrying it, read back through both.
pub(super) const WRITE: Expect = Expect::ok(
    &[200],
    Schema::UserMfaEnabled,
    must(Evidence::Doc(DOC_UPDATE)),
)
.carries_sent(must(Evidence::Doc(DOC_UPDATE)))
.reads(
    StoredValue::Sent,
    ReadBack::MfaAndUser,
    "the value sent",
    must(Evidence::Doc(DOC_UPDATE)),
);

/// Either a valid write or a 4xx P1Error that changes nothing, with a SHOULD preference.
pub(super) const fn write_or_reject(
    answer: Answer,
    shown: &'static str,
    check: &'static str,
    why: Evidence,
) -> Expect {
    Expect::ok(
        &[200],
        Schema::UserMfaEnabled,
        must(Evidence::Doc(DOC_UPDATE)),
    )
    .carries_sent(must(Evidence::Doc(DOC_UPDATE)))
    .either(Prefer {
        answer,
        shown,
        check,
        grade: should(why),
    })
    .stored(Stored::AsAnswered)
}

/// An unsupported method: MUST a 4xx that changes nothing; SHOULD a 405 with `Allow`, in a
/// P1Error (the answer may come from a gateway, so its body is SHOULD too).
pub(super) const METHOD_EXPECT: Expect = Expect::client_error(must(Evidence::Spec(SPEC_METHODS)))
    .prefers_status(
        405,
        "unsupported method",
        should(Evidence::Doc(DOC_405_ELSEWHERE)),
    )
    .allow(
        Method::Put,
        should(Evidence::Spec(
            "RFC 9110 §15.5.6: the origin server MUST generate an Allow header in a 405",
        )),
    )
    .body(should(Evidence::Inferred(
        "an unsupported method may be refused by a gateway or the routing layer before the \
         service sees it, in its own format (facts §3)",
    )))
    .reads(
        StoredValue::Before,
        ReadBack::MfaAndUser,
        "the value before the unsupported request",
        must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
    );

pub(super) const AUTH_PUT: Expect = Expect::p1_error(&[401], must(Evidence::Doc(DOC_AUTH)))
    .codes(
        &["ACCESS_FAILED"],
        should(Evidence::Inferred(INFERRED_401_CODE)),
    )
    .stored(unchanged(
        ReadBack::Mfa,
        "the value before the unauthorized request",
        must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
    ));

/// A scheme other than bearer: MUST a 4xx that changes nothing; SHOULD exactly 401.
pub(super) const AUTH_BASIC: Expect = Expect::client_error(must(Evidence::Spec(SPEC_BEARER_ONLY)))
    .prefers_status(
        401,
        "a scheme other than bearer answers 401",
        should(Evidence::Inferred(INFERRED_BASIC_401)),
    )
    .codes(
        &["ACCESS_FAILED"],
        should(Evidence::Inferred(INFERRED_401_CODE)),
    )
    .stored(unchanged(
        ReadBack::Mfa,
        "the value before the unauthorized request",
        must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
    ));

pub(super) const NOT_FOUND: Expect = Expect::p1_error(&[404], must(Evidence::Doc(DOC_NOT_FOUND)))
    .codes(&["NOT_FOUND"], must(Evidence::Spec(DOC_NOT_FOUND)));

pub(super) const CREATED: Expect =
    Expect::ok(&[201], Schema::User, must(Evidence::Doc(DOC_CREATE)))
        .carries_sent(must(Evidence::Doc(DOC_CREATE)))
        .reads(
            StoredValue::Sent,
            ReadBack::Mfa,
            "the value sent at creation",
            must(Evidence::Doc(DOC_CREATE)),
        );

pub(super) const UPDATE_USER: Expect =
    Expect::ok(&[200], Schema::User, must(Evidence::Doc(DOC_CANNOT_UPDATE)))
        .or_rejected()
        .reads(
            StoredValue::Before,
            ReadBack::MfaAndUser,
            "the value before Update User",
            must(Evidence::Doc(DOC_CANNOT_UPDATE)),
        );

/// The PUT answer's `_links`: `self` and `user` as in the published example (MUST).
pub(super) const LINKS_PUT: Expect = Expect::ok(
    &[200],
    Schema::UserMfaEnabled,
    must(Evidence::Doc(DOC_EXAMPLE)),
)
.procedure(must(Evidence::Doc(DOC_EXAMPLE)));

/// The GET answer's `_links`: the read page documents the model, not its links; that they are
/// the PUT's is inferred (SHOULD).
pub(super) const LINKS_GET: Expect = Expect::ok(
    &[200],
    Schema::UserMfaEnabled,
    must(Evidence::Doc(DOC_READ)),
)
.procedure(should(Evidence::Inferred(
    "the GET's body has the same shape as the PUT's, _links.self and _links.user included \
     (INFERRED, facts §1.3)",
)));

/// GET .../mfaEnabled: 200 UserMFAEnabled (set-up reads).
pub(super) const READ_VALUE: Expect = Expect::ok(
    &[200],
    Schema::UserMfaEnabled,
    must(Evidence::Doc(DOC_READ)),
);

pub(super) const DOC_READ: &str =
    "DOC Read User MFA Enabled; SPEC readUserMFAEnabled 200 UserMFAEnabled (facts §1.1, §1.3)";

pub(super) const HDR_REJECT: &str = "a body without a JSON Content-Type is rejected";

/// The read-only worker's write: 403 P1Error (SHOULD ACCESS_FAILED), nothing stored.
pub(super) const READONLY_WRITE: Expect = Expect::p1_error(&[403], must(Evidence::Spec(DOC_ROLE)))
    .codes(&["ACCESS_FAILED"], should(Evidence::Spec(DOC_ROLE)))
    .stored(unchanged(
        ReadBack::MfaAndUser,
        "the value before the refused request",
        must(Evidence::Spec(DOC_ROLE)),
    ));
