//! The conformance cases as data. Each case has a stable ID that is never reused (a retired ID
//! stays in [`RETIRED`] with its reason), the documentation or spec line it rests on, a
//! one-line stimulus and a one-line requirement, in the manner of h2spec. One runner
//! (`runner.rs`) interprets the [`Kind`].
//!
//! Sources are cited by the section of `../shared/docs/pingone-api-facts.md` that quotes them.

use serde::Serialize;

/// How binding a requirement is. MUST failures fail the run; SHOULD failures warn, and fail
/// only in strict mode (`PINGONE_STRICT=true`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    /// Documented (DOC) or specified (SPEC) behaviour.
    #[serde(rename = "MUST")]
    Must,
    /// Sensible, inferred behaviour, or a choice the docs leave open in part.
    #[serde(rename = "SHOULD")]
    Should,
}

impl Tier {
    /// `MUST` or `SHOULD`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Must => "MUST",
            Tier::Should => "SHOULD",
        }
    }
}

/// Groups of cases, for reports and for `cargo test <area>_` selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Area {
    /// Valid bodies.
    Body,
    /// GET .../mfaEnabled.
    Read,
    /// `_links`.
    Links,
    /// Invalid bodies.
    Invalid,
    /// Request headers.
    Headers,
    /// Authorization.
    Auth,
    /// Path parameters.
    Paths,
    /// Unsupported methods.
    Methods,
    /// Neighbouring user operations.
    Users,
    /// An existing user named by `PINGONE_TEST_USER_ID`.
    Existing,
    /// Generated invalid bodies.
    Fuzz,
    /// The worker app's token endpoint.
    Token,
}

impl Area {
    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            Area::Body => "Valid bodies",
            Area::Read => "Reading mfaEnabled",
            Area::Links => "Hypermedia links",
            Area::Invalid => "Invalid bodies",
            Area::Headers => "Request headers",
            Area::Auth => "Authorization",
            Area::Paths => "Path parameters",
            Area::Methods => "Unsupported methods",
            Area::Users => "User operations the docs name",
            Area::Existing => "Existing user",
            Area::Fuzz => "Generated invalid bodies",
            Area::Token => "Token endpoint",
        }
    }
}

/// Which request a link check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The answer to PUT .../mfaEnabled.
    Put,
    /// The answer to GET .../mfaEnabled.
    Get,
}

/// Authorization variants for the 401 cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadAuth {
    /// No `Authorization` header.
    Missing,
    /// A bearer token the server never issued.
    Garbage,
    /// The Basic scheme with the worker's client id and secret.
    Basic,
}

/// Token endpoint probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProbe {
    /// Client credentials as configured.
    Issue,
    /// The configured client id with a wrong secret.
    WrongSecret,
}

/// What a case does; the runner interprets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// PUT each value in turn (from the opposite baseline); each answers 200 with that value and
    /// reads back the same.
    SetValues(&'static [bool]),
    /// A valid body with one unknown property besides mfaEnabled.
    ExtraProperty,
    /// The GET representation, `_links` included, PUT back with the value flipped.
    LinksRoundTrip,
    /// GET .../mfaEnabled answers the stored value.
    Read,
    /// `_links.self` and `_links.user` of the PUT or GET answer.
    Links(Via),
    /// An invalid body: 400, a documented code, nothing changed. `baseline` is the opposite of
    /// what a coercing server would store; `field` says whether a detail should target
    /// mfaEnabled.
    InvalidBody {
        /// Raw request body.
        body: &'static [u8],
        /// Stored value before the request.
        baseline: bool,
        /// Whether the error concerns the `mfaEnabled` field itself.
        field: bool,
    },
    /// A request Content-Type other than application/json (`None`: no header).
    WrongContentType(Option<&'static str>),
    /// `application/json; charset=utf-8`.
    CharsetParameter,
    /// A request without valid bearer authorization.
    Unauthorized(BadAuth, Via),
    /// A user id that does not exist.
    UnknownUser(Via),
    /// A user id that is not a UUID.
    NonUuidUser,
    /// A real user's id under another environment's id.
    ForeignEnvironment,
    /// An unsupported method on .../mfaEnabled.
    UnsupportedMethod(&'static str),
    /// Create User (`import`: the import content type) with mfaEnabled.
    CreateUser {
        /// Use `application/vnd.pingidentity.user.import+json`.
        import: bool,
        /// The value sent.
        mfa: bool,
    },
    /// PUT (false) or PATCH (true) Update User with a different mfaEnabled.
    UpdateUserIgnoresMfa {
        /// PATCH instead of PUT.
        patch: bool,
    },
    /// Toggle `PINGONE_TEST_USER_ID`'s value and restore it.
    ExistingUser,
    /// Generated invalid bodies, shrunk on failure.
    Fuzz,
    /// The token endpoint the suite authenticates with.
    Token(TokenProbe),
}

/// One conformance case.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// Stable ID, e.g. `MFA-BODY-03`.
    pub id: &'static str,
    /// Area.
    pub area: Area,
    /// Tier of the headline requirement (sub-checks may be SHOULD in a MUST case).
    pub tier: Tier,
    /// Short title.
    pub title: &'static str,
    /// The documentation or spec line it rests on.
    pub source: &'static str,
    /// What is sent.
    pub stimulus: &'static str,
    /// What must happen.
    pub requirement: &'static str,
    /// How the runner performs it.
    pub kind: Kind,
}

impl Case {
    /// The rstest-style name: `MFA-BODY-03` becomes `body_03`.
    pub fn test_name(&self) -> String {
        self.id
            .trim_start_matches("MFA-")
            .to_ascii_lowercase()
            .replace('-', "_")
    }
}

/// IDs that were used once and must not be reused, with the reason.
pub const RETIRED: &[(&str, &str)] = &[];

const DOC_UPDATE: &str = "DOC Update User MFA Enabled, request model: mfaEnabled Boolean Required; \
SPEC pingone-mfa.yml updateUserMFAEnabled 200 UserMFAEnabled (facts §1.1-§1.3)";
const DOC_EXAMPLE: &str = "DOC published example response of PUT .../mfaEnabled: _links.self, _links.user, \
absolute hrefs; SPEC LinksHATEOAS href format uri (facts §1.3)";
const SPEC_400: &str = "SPEC pingone-mfa.yml responses 400 \"Invalid request received. Malformed JSON, \
malformed HTTP request.\" with P1Error; SPEC GOCLIENT BadRequestError codes INVALID_DATA, INVALID_REQUEST, \
REQUEST_FAILED (facts §2.1, §3)";
const DOC_AUTH: &str = "DOC 401 \"You do not have access to this resource.\"; SPEC bearer security scheme, \
401 P1Error; SPEC GOCLIENT UnauthorizedError code ACCESS_FAILED (facts §2.1, §3, §4)";
const DOC_NOT_FOUND: &str = "DOC 404 \"The requested resource was not found.\"; SPEC 404 P1Error, \
GOCLIENT NotFoundError code NOT_FOUND (facts §1.3, §2.1, §3)";
const DOC_FOREIGN_ENV: &str = "SPEC GOCLIENT 403 \"This may occur if the environment doesn't exist\"; \
DOC error codes within a 4xx class may change (facts §2.1, §3)";
const DOC_405: &str = "DOC \"When a method is not supported, the platform returns a 405 METHOD NOT \
ALLOWED error\"; SPEC only GET and PUT on .../mfaEnabled (facts §1.1, §3)";
const DOC_CREATE: &str = "DOC \"You can enable multi-factor authentication by setting mfaEnabled to true \
with POST Create User, POST Create User (Import), or PUT Update User MFA Enabled\"; SPEC Create User 201 \
User (facts §1.4, §5)";
const DOC_CANNOT_UPDATE: &str = "DOC \"You cannot update mfaEnabled with PUT Update User or PATCH Update \
User.\" (facts §1.4, §5)";
const DOC_CONTENT_TYPE: &str = "DOC Update User MFA Enabled headers: Content-Type application/json; \
SPEC requestBody application/json; SPEC GOCLIENT 415 INVALID_REQUEST (facts §1.1, §3)";

macro_rules! invalid {
    ($id:literal, $title:literal, $body:expr, $baseline:literal, $field:literal) => {
        Case {
            id: $id,
            area: Area::Invalid,
            tier: Tier::Must,
            title: $title,
            source: SPEC_400,
            stimulus: concat!("PUT .../mfaEnabled with body ", $title),
            requirement: "400 with a P1Error whose code is a documented 400 code; the stored value unchanged",
            kind: Kind::InvalidBody {
                body: $body,
                baseline: $baseline,
                field: $field,
            },
        }
    };
}

/// Every case, in ID order within areas.
pub const CASES: &[Case] = &[
    Case {
        id: "MFA-BODY-01",
        area: Area::Body,
        tier: Tier::Must,
        title: "enable MFA",
        source: DOC_UPDATE,
        stimulus: "PUT .../mfaEnabled {\"mfaEnabled\": true} on a user whose value is false",
        requirement: "200 with a UserMFAEnabled body saying true; GET .../mfaEnabled and GET user read true",
        kind: Kind::SetValues(&[true]),
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
    },
    Case {
        id: "MFA-READ-01",
        area: Area::Read,
        tier: Tier::Must,
        title: "read the stored value",
        source: "DOC Read User MFA Enabled; SPEC readUserMFAEnabled 200 UserMFAEnabled (facts §1.1, §1.3)",
        stimulus: "set true, then GET .../mfaEnabled and GET user",
        requirement: "200 UserMFAEnabled with true; the User's mfaEnabled is true",
        kind: Kind::Read,
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
    },
    Case {
        id: "MFA-LINKS-02",
        area: Area::Links,
        tier: Tier::Must,
        title: "links of the GET answer",
        source: DOC_EXAMPLE,
        stimulus: "GET .../mfaEnabled",
        requirement: "_links.self is the request URL and _links.user the user's URL, both absolute on the API host",
        kind: Kind::Links(Via::Get),
    },
    invalid!(
        "MFA-INVALID-01",
        "{\"enabled\": true} (mfaEnabled missing)",
        b"{\"enabled\": true}",
        false,
        true
    ),
    invalid!("MFA-INVALID-02", "{}", b"{}", false, true),
    invalid!(
        "MFA-INVALID-03",
        "{\"mfaEnabled\": \"true\"}",
        b"{\"mfaEnabled\": \"true\"}",
        false,
        true
    ),
    invalid!(
        "MFA-INVALID-04",
        "{\"mfaEnabled\": \"false\"}",
        b"{\"mfaEnabled\": \"false\"}",
        true,
        true
    ),
    invalid!(
        "MFA-INVALID-05",
        "{\"mfaEnabled\": 1}",
        b"{\"mfaEnabled\": 1}",
        false,
        true
    ),
    invalid!(
        "MFA-INVALID-06",
        "{\"mfaEnabled\": 0}",
        b"{\"mfaEnabled\": 0}",
        true,
        true
    ),
    invalid!(
        "MFA-INVALID-07",
        "{\"mfaEnabled\": null}",
        b"{\"mfaEnabled\": null}",
        true,
        true
    ),
    invalid!(
        "MFA-INVALID-08",
        "{\"mfaEnabled\": [true]}",
        b"{\"mfaEnabled\": [true]}",
        false,
        true
    ),
    invalid!(
        "MFA-INVALID-09",
        "{\"mfaEnabled\": {\"value\": true}}",
        b"{\"mfaEnabled\": {\"value\": true}}",
        false,
        true
    ),
    invalid!("MFA-INVALID-10", "(empty)", b"", false, false),
    invalid!(
        "MFA-INVALID-11",
        "{\"mfaEnabled\": tru (malformed JSON)",
        b"{\"mfaEnabled\": tru",
        false,
        false
    ),
    invalid!(
        "MFA-INVALID-12",
        "[{\"mfaEnabled\": true}] (top-level array)",
        b"[{\"mfaEnabled\": true}]",
        false,
        false
    ),
    invalid!(
        "MFA-INVALID-13",
        "\"true\" (top-level string)",
        b"\"true\"",
        false,
        false
    ),
    invalid!("MFA-INVALID-14", "1 (top-level number)", b"1", false, false),
    invalid!(
        "MFA-INVALID-15",
        "true (top-level Boolean)",
        b"true",
        false,
        false
    ),
    invalid!(
        "MFA-INVALID-16",
        "{\"mfaEnabled\": 1.5}",
        b"{\"mfaEnabled\": 1.5}",
        false,
        true
    ),
    Case {
        id: "MFA-HDR-01",
        area: Area::Headers,
        tier: Tier::Must,
        title: "a text/plain body",
        source: DOC_CONTENT_TYPE,
        stimulus: "PUT {\"mfaEnabled\": true} with Content-Type: text/plain",
        requirement: "415 or 400 with a P1Error; the stored value unchanged",
        kind: Kind::WrongContentType(Some("text/plain")),
    },
    Case {
        id: "MFA-HDR-02",
        area: Area::Headers,
        tier: Tier::Should,
        title: "no Content-Type",
        source: DOC_CONTENT_TYPE,
        stimulus: "PUT {\"mfaEnabled\": true} without a Content-Type header",
        requirement: "SHOULD answer 415 or 400 with a P1Error; if rejected, nothing stored",
        kind: Kind::WrongContentType(None),
    },
    Case {
        id: "MFA-HDR-03",
        area: Area::Headers,
        tier: Tier::Should,
        title: "a charset parameter",
        source: "RFC 8259 / RFC 9110 media type parameters; DOC Content-Type application/json (facts §1.1)",
        stimulus: "PUT {\"mfaEnabled\": true} with Content-Type: application/json; charset=utf-8",
        requirement: "SHOULD answer 200 and store true; if rejected, 4xx P1Error and nothing stored",
        kind: Kind::CharsetParameter,
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
    },
    Case {
        id: "MFA-AUTH-03",
        area: Area::Auth,
        tier: Tier::Must,
        title: "the Basic scheme with client credentials",
        source: DOC_AUTH,
        stimulus: "PUT {\"mfaEnabled\": true} with Authorization: Basic <client id:secret>",
        requirement: "401 with a P1Error; the stored value unchanged",
        kind: Kind::Unauthorized(BadAuth::Basic, Via::Put),
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
    },
    Case {
        id: "MFA-PATH-01",
        area: Area::Paths,
        tier: Tier::Must,
        title: "PUT on an unknown user",
        source: DOC_NOT_FOUND,
        stimulus: "PUT {\"mfaEnabled\": true} on a random user UUID",
        requirement: "404 with a P1Error whose code is NOT_FOUND",
        kind: Kind::UnknownUser(Via::Put),
    },
    Case {
        id: "MFA-PATH-02",
        area: Area::Paths,
        tier: Tier::Must,
        title: "GET on an unknown user",
        source: DOC_NOT_FOUND,
        stimulus: "GET .../mfaEnabled on a random user UUID",
        requirement: "404 with a P1Error whose code is NOT_FOUND",
        kind: Kind::UnknownUser(Via::Get),
    },
    Case {
        id: "MFA-PATH-03",
        area: Area::Paths,
        tier: Tier::Must,
        title: "a user id that is not a UUID",
        source: "SPEC path parameter userID; GOCLIENT/CODE ids are UUIDs; response undocumented (facts §3)",
        stimulus: "PUT {\"mfaEnabled\": true} on users/not-a-uuid/mfaEnabled",
        requirement: "4xx with a P1Error (400 and 404 both conform)",
        kind: Kind::NonUuidUser,
    },
    Case {
        id: "MFA-PATH-04",
        area: Area::Paths,
        tier: Tier::Must,
        title: "a real user under another environment",
        source: DOC_FOREIGN_ENV,
        stimulus: "PUT {\"mfaEnabled\": true} on /environments/<random>/users/<real user>/mfaEnabled",
        requirement: "400, 401, 403 or 404 with a P1Error, never 2xx; the user's value unchanged",
        kind: Kind::ForeignEnvironment,
    },
    Case {
        id: "MFA-METHOD-01",
        area: Area::Methods,
        tier: Tier::Should,
        title: "POST",
        source: DOC_405,
        stimulus: "POST .../mfaEnabled {\"mfaEnabled\": true}",
        requirement: "SHOULD answer 405 with Allow; MUST be a 4xx that changes nothing",
        kind: Kind::UnsupportedMethod("POST"),
    },
    Case {
        id: "MFA-METHOD-02",
        area: Area::Methods,
        tier: Tier::Should,
        title: "PATCH",
        source: DOC_405,
        stimulus: "PATCH .../mfaEnabled {\"mfaEnabled\": true}",
        requirement: "SHOULD answer 405 with Allow; MUST be a 4xx that changes nothing",
        kind: Kind::UnsupportedMethod("PATCH"),
    },
    Case {
        id: "MFA-METHOD-03",
        area: Area::Methods,
        tier: Tier::Should,
        title: "DELETE",
        source: DOC_405,
        stimulus: "DELETE .../mfaEnabled on a user whose value is true",
        requirement: "SHOULD answer 405 with Allow; MUST be a 4xx that changes nothing",
        kind: Kind::UnsupportedMethod("DELETE"),
    },
    Case {
        id: "MFA-USER-01",
        area: Area::Users,
        tier: Tier::Must,
        title: "Create User with mfaEnabled true",
        source: DOC_CREATE,
        stimulus: "POST users (application/json) {username, mfaEnabled: true}",
        requirement: "201 User with mfaEnabled true; GET .../mfaEnabled reads true",
        kind: Kind::CreateUser {
            import: false,
            mfa: true,
        },
    },
    Case {
        id: "MFA-USER-02",
        area: Area::Users,
        tier: Tier::Must,
        title: "Create User with mfaEnabled false",
        source: DOC_CREATE,
        stimulus: "POST users (application/json) {username, mfaEnabled: false}",
        requirement: "201 User with mfaEnabled false; GET .../mfaEnabled reads false",
        kind: Kind::CreateUser {
            import: false,
            mfa: false,
        },
    },
    Case {
        id: "MFA-USER-03",
        area: Area::Users,
        tier: Tier::Must,
        title: "Create User (Import) with mfaEnabled true",
        source: DOC_CREATE,
        stimulus: "POST users (application/vnd.pingidentity.user.import+json) {username, mfaEnabled: true}",
        requirement: "201 User with mfaEnabled true; GET .../mfaEnabled reads true",
        kind: Kind::CreateUser {
            import: true,
            mfa: true,
        },
    },
    Case {
        id: "MFA-USER-04",
        area: Area::Users,
        tier: Tier::Must,
        title: "Create User (Import) with mfaEnabled false",
        source: DOC_CREATE,
        stimulus: "POST users (application/vnd.pingidentity.user.import+json) {username, mfaEnabled: false}",
        requirement: "201 User with mfaEnabled false; GET .../mfaEnabled reads false",
        kind: Kind::CreateUser {
            import: true,
            mfa: false,
        },
    },
    Case {
        id: "MFA-USER-05",
        area: Area::Users,
        tier: Tier::Must,
        title: "PUT Update User cannot change mfaEnabled",
        source: DOC_CANNOT_UPDATE,
        stimulus: "PUT user {username, nickname, mfaEnabled: true} on a user whose value is false",
        requirement: "200 (ignored) or 4xx (rejected), both conform; mfaEnabled still reads false",
        kind: Kind::UpdateUserIgnoresMfa { patch: false },
    },
    Case {
        id: "MFA-USER-06",
        area: Area::Users,
        tier: Tier::Must,
        title: "PATCH Update User cannot change mfaEnabled",
        source: DOC_CANNOT_UPDATE,
        stimulus: "PATCH user {nickname, mfaEnabled: true} on a user whose value is false",
        requirement: "200 (ignored) or 4xx (rejected), both conform; mfaEnabled still reads false",
        kind: Kind::UpdateUserIgnoresMfa { patch: true },
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
    },
    Case {
        id: "MFA-FUZZ-01",
        area: Area::Fuzz,
        tier: Tier::Must,
        title: "generated invalid bodies",
        source: SPEC_400,
        stimulus: "PUT .../mfaEnabled with generated JSON values and byte strings that are not {\"mfaEnabled\": <Boolean>}",
        requirement: "each answers 400 with a P1Error (never 2xx or 5xx) and leaves the value unchanged",
        kind: Kind::Fuzz,
    },
    Case {
        id: "MFA-TOKEN-01",
        area: Area::Token,
        tier: Tier::Must,
        title: "a token for the worker app",
        source: TOKEN_DOC,
        stimulus: "POST .../as/token grant_type=client_credentials with the configured client authentication",
        requirement: "200 JSON with a non-empty access_token, token_type Bearer and a positive expires_in",
        kind: Kind::Token(TokenProbe::Issue),
    },
    Case {
        id: "MFA-TOKEN-02",
        area: Area::Token,
        tier: Tier::Must,
        title: "no token for a wrong secret",
        source: "RFC 6749 §5.2 (invalid_client, 400 or 401); DOC token endpoint client authentication (facts §4)",
        stimulus: "POST .../as/token with the configured client id and a wrong secret",
        requirement: "400 or 401 without an access_token; SHOULD: OAuth error invalid_client",
        kind: Kind::Token(TokenProbe::WrongSecret),
    },
];

/// Appended after the original table so that existing IDs keep their place.
const TOKEN_DOC: &str = "DOC worker applications: POST {authPath}/{envID}/as/token with client_credentials \
answers {\"access_token\", \"token_type\": \"Bearer\", \"expires_in\": 3600}; client_secret_basic and \
client_secret_post (facts §4)";

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
}
