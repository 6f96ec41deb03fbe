//! The conformance cases as data. Each case has a stable ID that is never reused (a retired ID
//! stays in [`RETIRED`] with its reason), the documentation or spec line it rests on, a
//! one-line stimulus and a one-line requirement, in the manner of h2spec, and states both what
//! it sends ([`Kind`]) and what it accepts ([`Expect`]): the statuses, the schema, the error
//! codes, and the tier and evidence of each sub-check. The runner (`runner.rs`) performs the
//! [`Kind`] (one file of procedures per area) and hands every answer to the one checker (`checker.rs`), which reads the
//! [`Expect`] of the row.
//!
//! Sources are cited by the section of `docs/api-facts.md` that quotes them ("facts §N"). The
//! tier of every check follows from its evidence: MUST only for DOC, SPEC and the invariants;
//! CODE and INFERRED are SHOULD (tests below hold every row to it).

pub use super::expect::*;
use super::invalid_cases::{INVALID_CASES, INVALID_EXPECT};
pub use super::model::*;
use super::sources::*;
use crate::schema::Schema;

/// IDs that were used once and must not be reused, with the reason.
pub const RETIRED: &[(&str, &str)] = &[];

/// The documented top-level codes of a 400 (SPEC GOCLIENT `BadRequestError`, facts §2.1).
pub const CODES_400: &[&str] = &["INVALID_DATA", "INVALID_REQUEST", "REQUEST_FAILED"];

/// The rows of the areas before the invalid bodies.
const BEFORE_INVALID: &[Case] = &[
    Case {
        id: "MFA-BODY-01",
        area: Area::Body,
        tier: Tier::Must,
        title: "enable MFA",
        source: DOC_UPDATE,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": true} on a user whose value is false",
        requirement: "200 with a UserMFAEnabled body saying true; GET .../mfaEnabled and GET user read true",
        kind: Kind::SetValues(&[true]),
        expect: WRITE,
    },
    Case {
        id: "MFA-BODY-02",
        area: Area::Body,
        tier: Tier::Must,
        title: "disable MFA",
        source: DOC_UPDATE,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": false} on a user whose value is true",
        requirement: "200 with a UserMFAEnabled body saying false; GET .../mfaEnabled and GET user read false",
        kind: Kind::SetValues(&[false]),
        expect: WRITE,
    },
    Case {
        id: "MFA-BODY-03",
        area: Area::Body,
        tier: Tier::Must,
        title: "toggle MFA",
        source: DOC_UPDATE,
        stimulus: "PUT true, then false, then true",
        requirement: "each answers 200 with the value sent, and each reads back as sent",
        kind: Kind::SetValues(&[true, false, true]),
        expect: WRITE,
    },
    Case {
        id: "MFA-BODY-04",
        area: Area::Body,
        tier: Tier::Must,
        title: "repeat the same value",
        source: "DOC Update User MFA Enabled (PUT); HTTP PUT is idempotent (RFC 9110 §9.2.2); facts §1.4",
        stimulus: "PUT {\"mfaEnabled\": true} twice",
        requirement: "both answer 200 with true, and the value reads back true",
        kind: Kind::SetValues(&[true, true]),
        expect: WRITE,
    },
    Case {
        id: "MFA-BODY-05",
        area: Area::Body,
        tier: Tier::Should,
        title: "an unknown extra property",
        source: "INFERRED: PingOne ignores unknown attributes; facts §3 \"Extra unknown properties\"",
        stimulus: "PUT {\"mfaEnabled\": true, \"conformanceProbe\": \"ignored\"}",
        requirement: "SHOULD answer 200 and store true; if it is rejected, 4xx P1Error and nothing stored",
        kind: Kind::ExtraProperty,
        expect: write_or_reject(
            Answer::Accepted,
            "HTTP 200",
            "an unknown property is ignored",
            Evidence::Inferred("PingOne ignores unknown attributes (facts §3)"),
        ),
    },
    Case {
        id: "MFA-BODY-06",
        area: Area::Body,
        tier: Tier::Should,
        title: "the read-only _links sent back",
        source: "SPEC LinksHATEOAS readOnly; CODE the SDK model serialises _links back (facts §1.2, §3)",
        stimulus: "GET .../mfaEnabled, flip mfaEnabled, PUT the whole body (with _links) back",
        requirement: "SHOULD answer 200 and store the flipped value; if rejected, 4xx P1Error and nothing stored",
        kind: Kind::LinksRoundTrip,
        expect: write_or_reject(
            Answer::Accepted,
            "HTTP 200",
            "the read-only _links sent back is ignored",
            Evidence::Code("the SDK model serialises _links back (facts §1.2, §3)"),
        ),
    },
    Case {
        id: "MFA-READ-01",
        area: Area::Read,
        tier: Tier::Must,
        title: "read the stored value",
        source: DOC_READ,
        stimulus: "set true, then GET .../mfaEnabled and GET user",
        requirement: "200 UserMFAEnabled with true; the User's mfaEnabled is true",
        kind: Kind::Read,
        expect: Expect::ok(
            &[200],
            Schema::UserMfaEnabled,
            must(Evidence::Doc(DOC_READ)),
        )
        .reads(
            StoredValue::Before,
            ReadBack::MfaAndUser,
            "the stored value",
            must(Evidence::Doc(DOC_READ)),
        ),
    },
    Case {
        id: "MFA-LINKS-01",
        area: Area::Links,
        tier: Tier::Must,
        title: "links of the PUT answer",
        source: DOC_EXAMPLE,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": true}",
        requirement: "_links.self is the request URL and _links.user the user's URL, both absolute on the API host",
        kind: Kind::Links(Via::Put),
        expect: LINKS_PUT,
    },
    Case {
        id: "MFA-LINKS-02",
        area: Area::Links,
        tier: Tier::Should,
        title: "links of the GET answer",
        source: "INFERRED: the GET's body has the same shape as the PUT's (facts §1.3); DOC Read User MFA Enabled",
        stimulus: "GET .../mfaEnabled",
        requirement: "MUST answer 200 UserMFAEnabled; SHOULD: _links.self is the request URL and _links.user the user's URL, both absolute on the API host",
        kind: Kind::Links(Via::Get),
        expect: LINKS_GET,
    },
];

/// The rows of the areas after the invalid bodies.
const AFTER_INVALID: &[Case] = &[
    Case {
        id: "MFA-HDR-01",
        area: Area::Hdr,
        tier: Tier::Must,
        title: "a text/plain body",
        source: DOC_CONTENT_TYPE,
        stimulus: "PUT {\"mfaEnabled\": true} with Content-Type: text/plain",
        requirement: "415 or 400 with a P1Error; the stored value unchanged",
        kind: Kind::WrongContentType(Some("text/plain")),
        expect: Expect::p1_error(&[415, 400], must(Evidence::Doc(DOC_CONTENT_TYPE))).stored(
            unchanged(
                ReadBack::Mfa,
                BEFORE_REJECTED,
                must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
            ),
        ),
    },
    Case {
        id: "MFA-HDR-02",
        area: Area::Hdr,
        tier: Tier::Should,
        title: "no Content-Type",
        source: DOC_CONTENT_TYPE,
        stimulus: "PUT {\"mfaEnabled\": true} without a Content-Type header",
        requirement: "SHOULD answer 415 or 400 with a P1Error; if rejected, nothing stored",
        kind: Kind::WrongContentType(None),
        expect: write_or_reject(
            Answer::Rejected,
            "HTTP 415 or 400",
            HDR_REJECT,
            Evidence::Doc(DOC_CONTENT_TYPE),
        ),
    },
    Case {
        id: "MFA-HDR-03",
        area: Area::Hdr,
        tier: Tier::Should,
        title: "a charset parameter",
        source: "RFC 8259 / RFC 9110 media type parameters; DOC Content-Type application/json (facts §1.1)",
        stimulus: "PUT {\"mfaEnabled\": true} with Content-Type: application/json; charset=utf-8",
        requirement: "SHOULD answer 200 and store true; if rejected, 4xx P1Error and nothing stored",
        kind: Kind::CharsetParameter,
        expect: write_or_reject(
            Answer::Accepted,
            "HTTP 200",
            "a charset parameter is accepted",
            Evidence::Spec("RFC 9110 §8.3.1 media type parameters"),
        ),
    },
    Case {
        id: "MFA-AUTH-01",
        area: Area::Auth,
        tier: Tier::Must,
        title: "no Authorization header",
        source: DOC_AUTH,
        stimulus: "PUT {\"mfaEnabled\": true} without Authorization",
        requirement: "401 with a P1Error; the stored value unchanged",
        kind: Kind::Unauthorized(BadAuth::Missing, Via::Put),
        expect: AUTH_PUT,
    },
    Case {
        id: "MFA-AUTH-02",
        area: Area::Auth,
        tier: Tier::Must,
        title: "a bearer token never issued",
        source: DOC_AUTH,
        stimulus: "PUT {\"mfaEnabled\": true} with Authorization: Bearer <random>",
        requirement: "401 with a P1Error; the stored value unchanged",
        kind: Kind::Unauthorized(BadAuth::Garbage, Via::Put),
        expect: AUTH_PUT,
    },
    Case {
        id: "MFA-AUTH-03",
        area: Area::Auth,
        tier: Tier::Must,
        title: "the Basic scheme with the client id and a wrong secret",
        source: SPEC_BEARER_ONLY,
        stimulus: "PUT {\"mfaEnabled\": true} with Authorization: Basic <client id:a wrong secret>",
        requirement: "a 4xx with a P1Error, never served (SHOULD: 401); the stored value unchanged",
        kind: Kind::Unauthorized(BadAuth::Basic, Via::Put),
        expect: AUTH_BASIC,
    },
    Case {
        id: "MFA-AUTH-04",
        area: Area::Auth,
        tier: Tier::Must,
        title: "reading without a token",
        source: DOC_AUTH,
        stimulus: "GET .../mfaEnabled without Authorization",
        requirement: "401 with a P1Error",
        kind: Kind::Unauthorized(BadAuth::Missing, Via::Get),
        expect: Expect::p1_error(&[401], must(Evidence::Doc(DOC_AUTH))).codes(
            &["ACCESS_FAILED"],
            should(Evidence::Inferred(INFERRED_401_CODE)),
        ),
    },
    Case {
        id: "MFA-PATH-01",
        area: Area::Path,
        tier: Tier::Must,
        title: "PUT on an unknown user",
        source: DOC_NOT_FOUND,
        stimulus: "PUT {\"mfaEnabled\": true} on a random user UUID",
        requirement: "404 with a P1Error whose code is NOT_FOUND",
        kind: Kind::UnknownUser(Via::Put),
        expect: NOT_FOUND,
    },
    Case {
        id: "MFA-PATH-02",
        area: Area::Path,
        tier: Tier::Must,
        title: "GET on an unknown user",
        source: DOC_NOT_FOUND,
        stimulus: "GET .../mfaEnabled on a random user UUID",
        requirement: "404 with a P1Error whose code is NOT_FOUND",
        kind: Kind::UnknownUser(Via::Get),
        expect: NOT_FOUND,
    },
    Case {
        id: "MFA-PATH-03",
        area: Area::Path,
        tier: Tier::Must,
        title: "a user id that is not a UUID",
        source: "SPEC path parameter userID; GOCLIENT/CODE ids are UUIDs; response undocumented (facts §3)",
        stimulus: "PUT {\"mfaEnabled\": true} on users/not-a-uuid/mfaEnabled",
        requirement: "4xx with a P1Error (400 and 404 both conform)",
        kind: Kind::NonUuidUser,
        expect: Expect::client_error(must(Evidence::Invariant(NO_SUCH_USER))),
    },
    Case {
        id: "MFA-PATH-04",
        area: Area::Path,
        tier: Tier::Must,
        title: "a real user under another environment",
        source: DOC_FOREIGN_ENV,
        stimulus: "PUT {\"mfaEnabled\": true} on /environments/<random>/users/<real user>/mfaEnabled",
        requirement: "400, 401, 403 or 404 with a P1Error, never 2xx; the user's value unchanged",
        kind: Kind::ForeignEnvironment,
        expect: Expect::p1_error(&[400, 401, 403, 404], must(Evidence::Spec(DOC_FOREIGN_ENV)))
            .stored(unchanged(
                ReadBack::Mfa,
                "the value before the cross-environment request",
                must(Evidence::Invariant(REJECTED_CHANGES_NOTHING)),
            )),
    },
    Case {
        id: "MFA-METHOD-01",
        area: Area::Method,
        tier: Tier::Should,
        title: "POST",
        source: DOC_405,
        stimulus: "POST .../mfaEnabled {\"mfaEnabled\": true}",
        requirement: "SHOULD answer 405 with Allow; MUST be a 4xx that changes nothing",
        kind: Kind::UnsupportedMethod {
            method: Method::Post,
            baseline: false,
        },
        expect: METHOD_EXPECT,
    },
    Case {
        id: "MFA-METHOD-02",
        area: Area::Method,
        tier: Tier::Should,
        title: "PATCH",
        source: DOC_405,
        stimulus: "PATCH .../mfaEnabled {\"mfaEnabled\": true}",
        requirement: "SHOULD answer 405 with Allow; MUST be a 4xx that changes nothing",
        kind: Kind::UnsupportedMethod {
            method: Method::Patch,
            baseline: false,
        },
        expect: METHOD_EXPECT,
    },
    Case {
        id: "MFA-METHOD-03",
        area: Area::Method,
        tier: Tier::Should,
        title: "DELETE",
        source: DOC_405,
        stimulus: "DELETE .../mfaEnabled on a user whose value is true",
        requirement: "SHOULD answer 405 with Allow; MUST be a 4xx that changes nothing",
        kind: Kind::UnsupportedMethod {
            method: Method::Delete,
            baseline: true,
        },
        expect: METHOD_EXPECT,
    },
    Case {
        id: "MFA-USER-01",
        area: Area::User,
        tier: Tier::Must,
        title: "Create User with mfaEnabled true",
        source: DOC_CREATE,
        stimulus: "POST users (application/json) {username, mfaEnabled: true}",
        requirement: "201 User with mfaEnabled true; GET .../mfaEnabled reads true",
        kind: Kind::CreateUser {
            content: UserContent::Json,
            mfa: true,
        },
        expect: CREATED,
    },
    Case {
        id: "MFA-USER-02",
        area: Area::User,
        tier: Tier::Must,
        title: "Create User with mfaEnabled false",
        source: DOC_CREATE,
        stimulus: "POST users (application/json) {username, mfaEnabled: false}",
        requirement: "201 User with mfaEnabled false; GET .../mfaEnabled reads false",
        kind: Kind::CreateUser {
            content: UserContent::Json,
            mfa: false,
        },
        expect: CREATED,
    },
    Case {
        id: "MFA-USER-03",
        area: Area::User,
        tier: Tier::Must,
        title: "Create User (Import) with mfaEnabled true",
        source: DOC_CREATE,
        stimulus: "POST users (application/vnd.pingidentity.user.import+json) {username, mfaEnabled: true}",
        requirement: "201 User with mfaEnabled true; GET .../mfaEnabled reads true",
        kind: Kind::CreateUser {
            content: UserContent::Import,
            mfa: true,
        },
        expect: CREATED,
    },
    Case {
        id: "MFA-USER-04",
        area: Area::User,
        tier: Tier::Must,
        title: "Create User (Import) with mfaEnabled false",
        source: DOC_CREATE,
        stimulus: "POST users (application/vnd.pingidentity.user.import+json) {username, mfaEnabled: false}",
        requirement: "201 User with mfaEnabled false; GET .../mfaEnabled reads false",
        kind: Kind::CreateUser {
            content: UserContent::Import,
            mfa: false,
        },
        expect: CREATED,
    },
    Case {
        id: "MFA-USER-05",
        area: Area::User,
        tier: Tier::Must,
        title: "PUT Update User cannot change mfaEnabled",
        source: DOC_CANNOT_UPDATE,
        stimulus: "PUT user {username, email, title, nickname, mfaEnabled: true} on a user whose value is false",
        requirement: "200 (ignored) or 4xx (rejected), both conform; mfaEnabled still reads false",
        kind: Kind::UpdateUserIgnoresMfa {
            method: Method::Put,
        },
        expect: UPDATE_USER,
    },
    Case {
        id: "MFA-USER-06",
        area: Area::User,
        tier: Tier::Must,
        title: "PATCH Update User cannot change mfaEnabled",
        source: DOC_CANNOT_UPDATE,
        stimulus: "PATCH user {nickname, mfaEnabled: true} on a user whose value is false",
        requirement: "200 (ignored) or 4xx (rejected), both conform; mfaEnabled still reads false",
        kind: Kind::UpdateUserIgnoresMfa {
            method: Method::Patch,
        },
        expect: UPDATE_USER,
    },
    Case {
        id: "MFA-EXISTING-01",
        area: Area::Existing,
        tier: Tier::Must,
        title: "toggle an existing user and restore it",
        source: DOC_UPDATE,
        stimulus: "PUT the opposite of PINGONE_TEST_USER_ID's value, then the original value",
        requirement: "both answer 200 with the value sent and read back as sent; the original value is restored",
        kind: Kind::ExistingUser,
        expect: WRITE,
    },
    Case {
        id: "MFA-FUZZ-01",
        area: Area::Fuzz,
        tier: Tier::Must,
        title: "generated invalid bodies",
        source: SPEC_400,
        stimulus: "PUT .../mfaEnabled with generated JSON values and byte strings that are not {\"mfaEnabled\": <Boolean>}",
        requirement: "each answers 400 with a P1Error (never 5xx) and leaves the value unchanged; a body a \
                      Jackson-style binder coerces (\"true\", \"FALSE\", 1, 0) may be accepted with a warning if \
                      the answer, the stored value and every read say the coerced value",
        kind: Kind::Fuzz,
        expect: INVALID_EXPECT,
    },
    Case {
        id: "MFA-TOKEN-01",
        area: Area::Token,
        tier: Tier::Must,
        title: "a token for the worker app",
        source: DOC_TOKEN,
        stimulus: "POST .../as/token grant_type=client_credentials with the configured client authentication",
        requirement: "200 JSON with a non-empty access_token, token_type Bearer and a positive expires_in",
        kind: Kind::Token(TokenProbe::Issue),
        expect: Expect::status(&[200], must(Evidence::Doc(DOC_TOKEN)))
            .procedure(must(Evidence::Doc(DOC_TOKEN))),
    },
    Case {
        id: "MFA-TOKEN-02",
        area: Area::Token,
        tier: Tier::Must,
        title: "no token for a wrong secret",
        source: RFC_WRONG_SECRET,
        stimulus: "POST .../as/token with the configured client id and a wrong secret",
        requirement: "400 or 401 without an access_token; SHOULD: OAuth error invalid_client",
        kind: Kind::Token(TokenProbe::WrongSecret),
        expect: Expect::status(&[400, 401], must(Evidence::Spec(RFC_WRONG_SECRET))).codes(
            &["invalid_client"],
            should(Evidence::Spec(RFC_WRONG_SECRET)),
        ),
    },
    Case {
        id: "MFA-TOKEN-03",
        area: Area::Token,
        tier: Tier::Must,
        title: "an expired token is refused",
        source: DOC_EXPIRED,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": true} with a token from the token endpoint, sent after it expired (skipped when tokens live longer than the case waits)",
        requirement: "401 with a P1Error (SHOULD: code ACCESS_FAILED); mfaEnabled still reads false",
        kind: Kind::Token(TokenProbe::Expired),
        expect: Expect::p1_error(&[401], must(Evidence::Doc(DOC_EXPIRED)))
            .codes(&["ACCESS_FAILED"], should(Evidence::Spec(DOC_EXPIRED)))
            .stored(unchanged(
                ReadBack::Mfa,
                "the value before the request with an expired token",
                must(Evidence::Doc(DOC_EXPIRED)),
            )),
    },
    Case {
        id: "MFA-SIDE-01",
        area: Area::Side,
        tier: Tier::Must,
        title: "a PUT changes nothing but mfaEnabled",
        source: DOC_ONLY_MFA,
        stimulus: "PUT .../mfaEnabled true, then false, on a user whose value is false",
        requirement: "200 each time; GET user reads every other attribute (enabled, username, email, lifecycle, population, ...) as it was after set-up",
        kind: Kind::SideEffects(SideProbe::OtherAttributes),
        expect: WRITE,
    },
    Case {
        id: "MFA-SIDE-02",
        area: Area::Side,
        tier: Tier::Must,
        title: "other attributes in the body change nothing",
        source: DOC_ONLY_MFA,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": true, \"enabled\": false, \"username\": <new>, \"email\": <new>, \"lifecycle\": {...}, \"name\": {...}} on a user whose value is false",
        requirement: "200 (the other properties ignored) or 4xx (rejected), both conform; none of the other attributes changes; mfaEnabled reads as answered",
        kind: Kind::SideEffects(SideProbe::ExtraAttributes),
        expect: Expect::ok(
            &[200],
            Schema::UserMfaEnabled,
            must(Evidence::Doc(DOC_ONLY_MFA)),
        )
        .carries_sent(must(Evidence::Doc(DOC_UPDATE)))
        .or_rejected()
        .stored(Stored::AsAnswered),
    },
    Case {
        id: "MFA-SIDE-03",
        area: Area::Side,
        tier: Tier::Must,
        title: "another user keeps its value",
        source: DOC_ONLY_MFA,
        stimulus: "PUT .../mfaEnabled true on one user while a second user (the bystander) has false",
        requirement: "the bystander still reads false, and GET user shows it exactly as before (updatedAt included): nothing wrote to it",
        kind: Kind::SideEffects(SideProbe::Bystander),
        expect: WRITE,
    },
    Case {
        id: "MFA-PRIV-01",
        area: Area::Priv,
        tier: Tier::Must,
        title: "read-only worker: PUT .../mfaEnabled refused",
        source: DOC_ROLE,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": true} with the read-only worker's token on a user whose value is false (skipped without PINGONE_READONLY_CLIENT_ID)",
        requirement: "403 with a P1Error (SHOULD: code ACCESS_FAILED); mfaEnabled still reads false, the user otherwise unchanged",
        kind: Kind::Readonly(ReadonlyProbe::PutMfa),
        expect: READONLY_WRITE,
    },
    Case {
        id: "MFA-PRIV-02",
        area: Area::Priv,
        tier: Tier::Must,
        title: "read-only worker: PUT Update User refused",
        source: DOC_ROLE,
        stimulus: "PUT user {username, email, title, nickname} with the read-only worker's token (skipped without PINGONE_READONLY_CLIENT_ID)",
        requirement: "403 with a P1Error (SHOULD: code ACCESS_FAILED); the user unchanged",
        kind: Kind::Readonly(ReadonlyProbe::UpdateUser(Method::Put)),
        expect: READONLY_WRITE,
    },
    Case {
        id: "MFA-PRIV-03",
        area: Area::Priv,
        tier: Tier::Must,
        title: "read-only worker: PATCH Update User refused",
        source: DOC_ROLE,
        stimulus: "PATCH user {nickname} with the read-only worker's token (skipped without PINGONE_READONLY_CLIENT_ID)",
        requirement: "403 with a P1Error (SHOULD: code ACCESS_FAILED); the user unchanged",
        kind: Kind::Readonly(ReadonlyProbe::UpdateUser(Method::Patch)),
        expect: READONLY_WRITE,
    },
    Case {
        id: "MFA-PRIV-04",
        area: Area::Priv,
        tier: Tier::Must,
        title: "read-only worker: Create User refused",
        source: DOC_ROLE,
        stimulus: "POST users {username, email} with the read-only worker's token (skipped without PINGONE_READONLY_CLIENT_ID)",
        requirement: "403 with a P1Error (SHOULD: code ACCESS_FAILED); no user with that username exists afterwards",
        kind: Kind::Readonly(ReadonlyProbe::CreateUser),
        expect: Expect::p1_error(&[403], must(Evidence::Spec(DOC_ROLE)))
            .codes(&["ACCESS_FAILED"], should(Evidence::Spec(DOC_ROLE)))
            .procedure(must(Evidence::Spec(DOC_ROLE))),
    },
    Case {
        id: "MFA-PRIV-05",
        area: Area::Priv,
        tier: Tier::Should,
        title: "read-only worker: reading is allowed",
        source: INFERRED_READONLY_READS,
        stimulus: "GET .../mfaEnabled with the read-only worker's token on a user whose value is true (skipped without PINGONE_READONLY_CLIENT_ID)",
        requirement: "200 with a UserMFAEnabled body saying true",
        kind: Kind::Readonly(ReadonlyProbe::Read),
        expect: Expect::ok(
            &[200],
            Schema::UserMfaEnabled,
            should(Evidence::Inferred(INFERRED_READONLY_READS)),
        )
        .carries_sent(should(Evidence::Inferred(INFERRED_READONLY_READS))),
    },
];

const CASE_COUNT: usize = BEFORE_INVALID.len() + INVALID_CASES.len() + AFTER_INVALID.len();

/// Every case, in ID order within areas: the rows above, the invalid bodies of
/// `invalid_cases.rs` (a table of their own), and the rows below, in that order.
pub const CASES: &[Case] = &concat::<CASE_COUNT>([BEFORE_INVALID, INVALID_CASES, AFTER_INVALID]);

/// The rows of `parts` one after the other, as one array.
const fn concat<const N: usize>(parts: [&[Case]; 3]) -> [Case; N] {
    let mut out = [parts[0][0]; N];
    let (mut at, mut p) = (0, 0);
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[at] = parts[p][i];
            at += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(at == N, "CASE_COUNT is the number of rows");
    out
}

/// The case with this ID.
pub fn by_id(id: &str) -> Option<&'static Case> {
    CASES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_well_formed_and_never_retired() {
        let mut seen = HashSet::new();
        for c in CASES {
            assert!(seen.insert(c.id), "duplicate {}", c.id);
            assert!(c.id.starts_with("MFA-"), "{}", c.id);
            assert!(
                !RETIRED.iter().any(|(r, _)| *r == c.id),
                "{} is retired",
                c.id
            );
            assert!(!c.source.is_empty() && !c.stimulus.is_empty() && !c.requirement.is_empty());
        }
        assert_eq!(
            by_id("MFA-BODY-03").map(Case::test_name).as_deref(),
            Some("body_03")
        );
    }

    /// MUST only for DOC, SPEC and the invariants; CODE and INFERRED are SHOULD.
    #[test]
    fn every_tier_follows_from_its_evidence() {
        for c in CASES {
            for g in c.expect.grades() {
                assert!(
                    g.tier == Tier::Should || g.evidence.allows_must(),
                    "{}: MUST resting on {} ({})",
                    c.id,
                    g.evidence.marker(),
                    g.evidence.source()
                );
                assert!(!g.evidence.source().is_empty(), "{}: empty evidence", c.id);
            }
            assert_eq!(c.headline().tier, c.tier, "{}: headline grade", c.id);
        }
    }

    /// The regrades of issue 10: what no DOC or SPEC states for this endpoint is SHOULD.
    #[test]
    fn undocumented_details_are_should() {
        let grade = |id: &str| by_id(id).expect(id).expect;
        for id in ["MFA-INVALID-01", "MFA-INVALID-10", "MFA-FUZZ-01"] {
            assert_eq!(
                grade(id).codes.map(|c| c.grade.tier),
                Some(Tier::Should),
                "{id}"
            );
        }
        for id in [
            "MFA-INVALID-03",
            "MFA-INVALID-04",
            "MFA-INVALID-05",
            "MFA-INVALID-06",
            "MFA-INVALID-26",
        ] {
            let l = grade(id).lenient.expect(id);
            assert_eq!(l.grade.tier, Tier::Should, "{id}");
            assert_eq!(by_id(id).map(|c| c.tier), Some(Tier::Should), "{id}");
        }
        let basic = grade("MFA-AUTH-03");
        assert_eq!(basic.status, Statuses::ClientError);
        assert_eq!(
            basic.prefers_status.map(|p| (p.status, p.grade.tier)),
            Some((401, Tier::Should))
        );
        assert_eq!(
            grade("MFA-LINKS-02").procedure.map(|g| g.tier),
            Some(Tier::Should)
        );
        assert_eq!(
            grade("MFA-LINKS-01").procedure.map(|g| g.tier),
            Some(Tier::Must)
        );
        for c in CASES.iter().filter(|c| c.area == Area::Method) {
            assert_eq!(
                c.expect.body.map(|g| g.tier),
                Some(Tier::Should),
                "{}",
                c.id
            );
        }
    }

    #[test]
    fn rows_whose_procedure_checks_more_grade_those_checks() {
        for c in CASES {
            let checks_more = matches!(
                c.kind,
                Kind::Links(_)
                    | Kind::Token(TokenProbe::Issue)
                    | Kind::Readonly(ReadonlyProbe::CreateUser)
            );
            assert_eq!(c.expect.procedure.is_some(), checks_more, "{}", c.id);
        }
    }

    #[test]
    fn each_id_carries_its_area_stem() {
        for c in CASES {
            let stem = format!("{}_", c.area.stem());
            assert!(
                c.test_name().starts_with(&stem),
                "{} is not in {:?}",
                c.id,
                c.area
            );
        }
        for area in Area::ALL {
            assert!(CASES.iter().any(|c| c.area == area), "{area:?} has no case");
        }
    }

    /// The mock's faults (`mock::faults`) aim at cases (or profile probes) that exist, each at
    /// a named check.
    #[test]
    fn targets_name_existing_cases_and_a_check() {
        for &f in crate::mock::Fault::ALL {
            let target = f.target();
            for id in target.cases {
                assert!(by_id(id).is_some(), "fault {f} targets unknown case {id}");
            }
            for id in target.probes {
                assert!(
                    crate::suite::profile::probes::by_id(id).is_some(),
                    "fault {f} targets unknown probe {id}"
                );
            }
            assert!(
                !target.check.trim().is_empty(),
                "fault {f}: a target names the exact check written to catch it"
            );
        }
    }
}
