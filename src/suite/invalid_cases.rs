//! The invalid-body rows of [`super::cases::CASES`] (area `Invalid`), a table of their own
//! so that `cases.rs` stays readable: the defaults every such row shares, then one row per
//! body. `CASES` takes them in this order, between the LINKS and the HDR rows.

use super::cases::CODES_400;
use super::expect::*;
use super::model::*;
use super::sources::*;

/// An invalid body: 400 (MUST), a documented 400 code (SHOULD), nothing stored (MUST).
pub(super) const INVALID_EXPECT: Expect = Expect::p1_error(&[400], must(Evidence::Spec(SPEC_400)))
    .codes(CODES_400, should(Evidence::Inferred(INFERRED_CODES_400)))
    .stored(unchanged(
        ReadBack::Mfa,
        BEFORE_REJECTED,
        must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
    ));

/// [`INVALID_EXPECT`], and the error should name the field.
const INVALID_FIELD: Expect =
    INVALID_EXPECT.names_field(should(Evidence::Inferred(SPEC_DETAIL_TARGET)));

/// The defaults of an invalid-body row; a row gives its id, title, stimulus and body.
const INVALID: Case = Case {
    id: "",
    area: Area::Invalid,
    tier: Tier::Must,
    title: "",
    source: SPEC_400,
    stimulus: "",
    requirement: "400 with a P1Error whose code is a documented 400 code; the stored value unchanged",
    kind: invalid_body(b"", false),
    expect: INVALID_FIELD,
};

/// A Boolean in another JSON type, which a Jackson-style binder coerces to `value`: SHOULD be
/// rejected like [`INVALID_FIELD`]; accepting it is a warning naming the leniency (`named`),
/// provided the answer, the stored value and every read say `value` (MUST).
const fn coercible(value: bool, named: &'static str) -> Expect {
    INVALID_FIELD.lenient(value, named, should(Evidence::Inferred(INFERRED_JACKSON)))
}

/// The defaults of a coercible-body row: the row's baseline is the opposite of `value`, so
/// that a 200 which stores nothing shows.
const COERCIBLE: Case = Case {
    tier: Tier::Should,
    source: INFERRED_JACKSON,
    requirement: "SHOULD answer 400 with a documented 400 code and store nothing; a lenient server may \
                  accept it (a warning) only if its answer, the stored value and every read say the coerced value",
    ..INVALID
};

/// PUT `body` as application/json on a user whose value is `baseline`.
const fn invalid_body(body: &'static [u8], baseline: bool) -> Kind {
    Kind::InvalidBody {
        body,
        content_type: JSON,
        baseline,
    }
}

/// Every invalid-body case, in ID order.
pub(super) const INVALID_CASES: &[Case] = &[
    Case {
        id: "MFA-INVALID-01",
        title: "{\"enabled\": true} (mfaEnabled missing)",
        stimulus: "PUT .../mfaEnabled with body {\"enabled\": true} (mfaEnabled missing)",
        kind: invalid_body(b"{\"enabled\": true}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-02",
        title: "{}",
        stimulus: "PUT .../mfaEnabled with body {}",
        kind: invalid_body(b"{}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-03",
        title: "{\"mfaEnabled\": \"true\"}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": \"true\"}",
        kind: invalid_body(b"{\"mfaEnabled\": \"true\"}", false),
        expect: coercible(true, "the string \"true\" coerced to true"),
        ..COERCIBLE
    },
    Case {
        id: "MFA-INVALID-04",
        title: "{\"mfaEnabled\": \"false\"}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": \"false\"}",
        kind: invalid_body(b"{\"mfaEnabled\": \"false\"}", true),
        expect: coercible(false, "the string \"false\" coerced to false"),
        ..COERCIBLE
    },
    Case {
        id: "MFA-INVALID-05",
        title: "{\"mfaEnabled\": 1}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": 1}",
        kind: invalid_body(b"{\"mfaEnabled\": 1}", false),
        expect: coercible(true, "the number 1 coerced to true"),
        ..COERCIBLE
    },
    Case {
        id: "MFA-INVALID-06",
        title: "{\"mfaEnabled\": 0}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": 0}",
        kind: invalid_body(b"{\"mfaEnabled\": 0}", true),
        expect: coercible(false, "the number 0 coerced to false"),
        ..COERCIBLE
    },
    Case {
        id: "MFA-INVALID-07",
        title: "{\"mfaEnabled\": null}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": null}",
        kind: invalid_body(b"{\"mfaEnabled\": null}", true),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-08",
        title: "{\"mfaEnabled\": [true]}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": [true]}",
        kind: invalid_body(b"{\"mfaEnabled\": [true]}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-09",
        title: "{\"mfaEnabled\": {\"value\": true}}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": {\"value\": true}}",
        kind: invalid_body(b"{\"mfaEnabled\": {\"value\": true}}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-10",
        title: "(empty)",
        stimulus: "PUT .../mfaEnabled with body (empty)",
        kind: invalid_body(b"", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-11",
        title: "{\"mfaEnabled\": tru (malformed JSON)",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": tru (malformed JSON)",
        kind: invalid_body(b"{\"mfaEnabled\": tru", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-12",
        title: "[{\"mfaEnabled\": true}] (top-level array)",
        stimulus: "PUT .../mfaEnabled with body [{\"mfaEnabled\": true}] (top-level array)",
        kind: invalid_body(b"[{\"mfaEnabled\": true}]", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-13",
        title: "\"true\" (top-level string)",
        stimulus: "PUT .../mfaEnabled with body \"true\" (top-level string)",
        kind: invalid_body(b"\"true\"", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-14",
        title: "1 (top-level number)",
        stimulus: "PUT .../mfaEnabled with body 1 (top-level number)",
        kind: invalid_body(b"1", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-15",
        title: "true (top-level Boolean)",
        stimulus: "PUT .../mfaEnabled with body true (top-level Boolean)",
        kind: invalid_body(b"true", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-16",
        title: "{\"mfaEnabled\": 1.5}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": 1.5}",
        kind: invalid_body(b"{\"mfaEnabled\": 1.5}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-17",
        title: "\" \\r\\n\\t\" (whitespace only)",
        source: SPEC_JSON_TEXT,
        stimulus: "PUT .../mfaEnabled with body \" \\r\\n\\t\" (whitespace only)",
        kind: invalid_body(b" \r\n\t", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-18",
        title: "{\"mfaEnabled\": true} x (trailing garbage)",
        source: SPEC_JSON_TEXT,
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": true} x (trailing garbage)",
        kind: invalid_body(b"{\"mfaEnabled\": true} x", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-19",
        title: "{\"mfaEnabled\": <byte FF>} (not UTF-8)",
        source: SPEC_JSON_TEXT,
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": <byte FF>} (not UTF-8)",
        kind: invalid_body(b"{\"mfaEnabled\": \xff}", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-20",
        title: "mfaEnabled=true (form-encoded)",
        source: DOC_CONTENT_TYPE,
        stimulus: "PUT .../mfaEnabled with body mfaEnabled=true and Content-Type: application/x-www-form-urlencoded",
        requirement: "415 or 400 with a P1Error (SHOULD: a documented code); the stored value unchanged",
        kind: Kind::InvalidBody {
            body: b"mfaEnabled=true",
            content_type: "application/x-www-form-urlencoded",
            baseline: false,
        },
        expect: Expect::p1_error(&[415, 400], must(Evidence::Doc(DOC_CONTENT_TYPE)))
            .codes(
                CODES_400,
                should(Evidence::Inferred(
                    "SPEC GOCLIENT 415 INVALID_REQUEST and 400 codes; the endpoint lists no 415 (facts §3)",
                )),
            )
            .stored(unchanged(
                ReadBack::Mfa,
                BEFORE_REJECTED,
                must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
            )),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-21",
        tier: Tier::Should,
        title: "{\"MFAEnabled\": true} (wrong case)",
        source: INFERRED_CASE,
        stimulus: "PUT .../mfaEnabled with body {\"MFAEnabled\": true} (wrong case)",
        requirement: "SHOULD answer 400 with a documented 400 code (mfaEnabled is missing) and store nothing",
        kind: invalid_body(b"{\"MFAEnabled\": true}", false),
        expect: Expect::p1_error(&[400], should(Evidence::Inferred(INFERRED_CASE)))
            .codes(CODES_400, should(Evidence::Inferred(INFERRED_CASE)))
            .names_field(should(Evidence::Inferred(SPEC_DETAIL_TARGET)))
            .stored(unchanged(
                ReadBack::Mfa,
                BEFORE_REJECTED,
                should(Evidence::Inferred(INFERRED_CASE)),
            )),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-22",
        title: "{\"_links\": {\"self\": {\"href\": \"x\"}}} (mfaEnabled missing)",
        stimulus: "PUT .../mfaEnabled with body {\"_links\": {\"self\": {\"href\": \"x\"}}} (mfaEnabled missing)",
        kind: invalid_body(b"{\"_links\": {\"self\": {\"href\": \"x\"}}}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-23",
        title: "{\"mfaEnabled\": \"yes\"}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": \"yes\"}",
        kind: invalid_body(b"{\"mfaEnabled\": \"yes\"}", false),
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-24",
        title: "null (top-level null)",
        stimulus: "PUT .../mfaEnabled with body null (top-level null)",
        kind: invalid_body(b"null", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-25",
        title: "{\"mfaEnabled\": true (truncated JSON)",
        source: SPEC_JSON_TEXT,
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": true (truncated JSON)",
        kind: invalid_body(b"{\"mfaEnabled\": true", false),
        expect: INVALID_EXPECT,
        ..INVALID
    },
    Case {
        id: "MFA-INVALID-26",
        title: "{\"mfaEnabled\": \"FALSE\"}",
        stimulus: "PUT .../mfaEnabled with body {\"mfaEnabled\": \"FALSE\"} on a user whose value is true",
        kind: invalid_body(b"{\"mfaEnabled\": \"FALSE\"}", true),
        expect: coercible(false, "the upper-case string \"FALSE\" coerced to false"),
        ..COERCIBLE
    },
];
