//! What a case row is made of: its [`Area`], what it sends ([`Kind`]) and the [`Case`] itself.
//! The rows are in `cases.rs`.

use serde::Serialize;

use super::expect::{Expect, Grade, Rejection, Tier};

/// Groups of cases, for reports and for `cargo test --test conformance <stem>_` selection.
/// Each variant is named as the stem of its IDs (`MFA-HDR-01` is [`Area::Hdr`]); the serialised
/// names of the result files stay the earlier ones (`Headers`, `Paths`, `Methods`, `Users`), so
/// stored results still read.
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
    #[serde(rename = "Headers")]
    Hdr,
    /// Authorization.
    Auth,
    /// Path parameters.
    #[serde(rename = "Paths")]
    Path,
    /// Unsupported methods.
    #[serde(rename = "Methods")]
    Method,
    /// Neighbouring user operations.
    #[serde(rename = "Users")]
    User,
    /// An existing user named by `PINGONE_TEST_USER_ID`.
    Existing,
    /// Generated invalid bodies.
    Fuzz,
    /// The worker app's token endpoint.
    Token,
    /// What a PUT .../mfaEnabled must leave alone: the user's other attributes, other users.
    Side,
    /// A worker whose role may read users but not update them.
    Priv,
}

impl Area {
    /// Every area, in report order.
    pub const ALL: [Area; 14] = [
        Area::Body,
        Area::Read,
        Area::Links,
        Area::Invalid,
        Area::Hdr,
        Area::Auth,
        Area::Path,
        Area::Method,
        Area::User,
        Area::Existing,
        Area::Fuzz,
        Area::Token,
        Area::Side,
        Area::Priv,
    ];

    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            Area::Body => "Valid bodies",
            Area::Read => "Reading mfaEnabled",
            Area::Links => "Hypermedia links",
            Area::Invalid => "Invalid bodies",
            Area::Hdr => "Request headers",
            Area::Auth => "Authorization",
            Area::Path => "Path parameters",
            Area::Method => "Unsupported methods",
            Area::User => "User operations the docs name",
            Area::Existing => "Existing user",
            Area::Fuzz => "Generated invalid bodies",
            Area::Token => "Token endpoint",
            Area::Side => "Side effects",
            Area::Priv => "Least privilege",
        }
    }

    /// The stem of the area's IDs and test names: `hdr` for `MFA-HDR-01` and `hdr_01`.
    pub fn stem(self) -> &'static str {
        match self {
            Area::Body => "body",
            Area::Read => "read",
            Area::Links => "links",
            Area::Invalid => "invalid",
            Area::Hdr => "hdr",
            Area::Auth => "auth",
            Area::Path => "path",
            Area::Method => "method",
            Area::User => "user",
            Area::Existing => "existing",
            Area::Fuzz => "fuzz",
            Area::Token => "token",
            Area::Side => "side",
            Area::Priv => "priv",
        }
    }
}

/// An HTTP method the suite sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// PUT.
    Put,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Which request a case looks at.
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
    /// A token issued by the endpoint, used after it expired (skipped when tokens live longer
    /// than [`EXPIRY_WAIT_SECS`]).
    Expired,
}

/// The longest token lifetime the expired-token case waits out, in seconds.
pub const EXPIRY_WAIT_SECS: u64 = 10;

/// What the side-effect cases send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideProbe {
    /// Set true, then false: every other attribute of the user reads as before.
    OtherAttributes,
    /// `{"mfaEnabled": true}` with other user attributes besides (`enabled: false`, a new
    /// `username`, ...): none of them changes.
    ExtraAttributes,
    /// Set a user's value while another user (the bystander) exists: the bystander keeps its
    /// value and its attributes.
    Bystander,
}

/// What the read-only worker's token is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadonlyProbe {
    /// PUT .../mfaEnabled.
    PutMfa,
    /// PUT Update User (or PATCH: [`Method::Patch`]).
    UpdateUser(Method),
    /// POST Create User.
    CreateUser,
    /// GET .../mfaEnabled.
    Read,
}

/// The media type of a Create User request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserContent {
    /// `application/json` (Create User).
    Json,
    /// `application/vnd.pingidentity.user.import+json` (Create User (Import)).
    Import,
}

impl UserContent {
    /// The Content-Type header value.
    pub fn media_type(self) -> &'static str {
        match self {
            UserContent::Json => JSON,
            UserContent::Import => "application/vnd.pingidentity.user.import+json",
        }
    }
}

/// `application/json`.
pub const JSON: &str = "application/json";

/// What a case sends; the runner performs it and hands the main answer to the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// PUT each value in turn (from the opposite baseline).
    SetValues(&'static [bool]),
    /// A valid body with one unknown property besides mfaEnabled.
    ExtraProperty,
    /// The GET representation, `_links` included, PUT back with the value flipped.
    LinksRoundTrip,
    /// GET .../mfaEnabled of a user whose value is true.
    Read,
    /// The PUT or GET answer, whose `_links.self` and `_links.user` are then checked.
    Links(Via),
    /// PUT .../mfaEnabled with an invalid body, from `baseline` and then from its opposite.
    InvalidBody {
        /// Raw request body.
        body: &'static [u8],
        /// The request's Content-Type.
        content_type: &'static str,
        /// Stored value before the first request: the opposite of what a coercing server would
        /// store (the second request starts from the other value).
        baseline: bool,
    },
    /// PUT `{"mfaEnabled": true}` with a Content-Type other than application/json (`None`: no
    /// header).
    WrongContentType(Option<&'static str>),
    /// PUT `{"mfaEnabled": true}` with `application/json; charset=utf-8`.
    CharsetParameter,
    /// A request without valid bearer authorization.
    Unauthorized(BadAuth, Via),
    /// A user id that does not exist.
    UnknownUser(Via),
    /// A user id that is not a UUID.
    NonUuidUser,
    /// A real user's id under another environment's id.
    ForeignEnvironment,
    /// An unsupported method on .../mfaEnabled; a method other than DELETE carries a body with
    /// the opposite of `baseline`.
    UnsupportedMethod {
        /// The method sent.
        method: Method,
        /// Stored value before the request.
        baseline: bool,
    },
    /// Create User with mfaEnabled.
    CreateUser {
        /// Create User or Create User (Import).
        content: UserContent,
        /// The value sent.
        mfa: bool,
    },
    /// Update User (PUT or PATCH) with a different mfaEnabled.
    UpdateUserIgnoresMfa {
        /// [`Method::Put`] or [`Method::Patch`].
        method: Method,
    },
    /// Toggle `PINGONE_TEST_USER_ID`'s value and restore it.
    ExistingUser,
    /// Generated invalid bodies, shrunk on failure.
    Fuzz,
    /// The token endpoint the suite authenticates with.
    Token(TokenProbe),
    /// What a PUT .../mfaEnabled must leave alone.
    SideEffects(SideProbe),
    /// The read-only worker's token (`PINGONE_READONLY_CLIENT_ID`).
    Readonly(ReadonlyProbe),
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
    /// What the runner sends.
    pub kind: Kind,
    /// What the checker accepts.
    pub expect: Expect,
}

impl Case {
    /// The grade of the headline requirement: the first of the row's SHOULD preference (accept
    /// or reject), preferred status, procedure checks and status check whose tier is the
    /// case's [`Case::tier`]. Reports show its evidence next to the tier.
    pub fn headline(&self) -> Grade {
        let e = &self.expect;
        let preference = match e.rejection {
            Rejection::Either(p) => Some(p.grade),
            _ => None,
        };
        [
            preference,
            e.lenient
                .map(|l| l.grade)
                .filter(|_| self.tier == Tier::Should),
            e.prefers_status.map(|p| p.grade),
            e.procedure,
            Some(e.status_grade),
        ]
        .into_iter()
        .flatten()
        .find(|g| g.tier == self.tier)
        .unwrap_or(e.status_grade)
    }

    /// The marker of the evidence the headline requirement rests on: `DOC`, `SPEC`, `CODE`,
    /// `INFERRED` or `INVARIANT`.
    pub fn evidence(&self) -> &'static str {
        self.headline().evidence.marker()
    }

    /// The test name: `MFA-BODY-03` becomes `body_03`.
    pub fn test_name(&self) -> String {
        self.id
            .trim_start_matches("MFA-")
            .to_ascii_lowercase()
            .replace('-', "_")
    }
}
