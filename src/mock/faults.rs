//! Named faults: each one reproduces a single realistic regression that a real PingOne
//! deployment could ship. All are off by default; the suite's self-test switches them on one at a
//! time and expects the fault's [`Target`] (the case or cases, and the check in them, that were
//! written to catch it) to fail at the stated tier (see `tests/selftest.rs` and `KILLS.md`).
//!
//! A fault changes one behaviour and nothing else, so that the case that notices it can be named.
//! Each row reads:
//!
//! ```text
//! /// What the faulty server does (one sentence).
//! Variant = "kebab-name",
//!     target: Must "the check's name" in ["MFA-AREA-NN", ...];
//! ```
//!
//! The check's name is exact: the name a finding of that check carries, without the context a
//! run adds to it (a baseline, a seed: [`Finding::context`](crate::suite::Finding::context)).
//! The list is never empty (the macro refuses `[]`): a fault that any case could meet would
//! credit whichever case met it first. The Correlation-Id fault, whose check the checker holds
//! every answer to, is aimed at MFA-READ-01, whose one read must carry the header like any.
//!
//! A fault that changes only what the documentation leaves open breaks no case: it is aimed at
//! the behaviour profile instead, at the probe(s) whose answer it changes and the check a
//! changed probe fails ([`ANSWER_AS_RECORDED`](crate::profile::ANSWER_AS_RECORDED); CHANGED
//! fails the run, so MUST):
//!
//! ```text
//! Variant = "kebab-name",
//!     target: Must "the answer class matches the recorded profile" in profile ["MFA-PROBE-…"];
//! ```

use std::fmt;
use std::str::FromStr;

use crate::tier::Tier;

/// Which check must catch a fault: in each of `cases` (or of `probes`), a finding of exactly
/// the check `check`, at `tier` or stronger (a MUST target is not met by a SHOULD finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// Case IDs (`MFA-INVALID-03`); empty only when `probes` names the profile's probes.
    pub cases: &'static [&'static str],
    /// Probe IDs of the behaviour profile (`MFA-PROBE-PATH-02`), for a fault that changes only
    /// what the documentation leaves open (no case is written to catch it; `cases` is empty).
    pub probes: &'static [&'static str],
    /// The check's name, exactly as a finding carries it in
    /// [`Finding::check`](crate::suite::Finding::check) (`status`, `GET .../mfaEnabled reads the
    /// value sent`); never empty.
    pub check: &'static str,
    /// The tier the finding must have.
    pub tier: Tier,
}

impl Target {
    /// The IDs each of which must catch the fault: its cases, or its probes.
    pub fn ids(&self) -> impl Iterator<Item = &'static str> {
        self.cases.iter().chain(self.probes).copied()
    }

    /// Whether it names `id` (a case or a probe).
    pub fn names(&self, id: &str) -> bool {
        self.ids().any(|own| own == id)
    }

    /// Whether it is aimed at the behaviour profile rather than at cases.
    pub fn is_profile(&self) -> bool {
        !self.probes.is_empty()
    }
}

/// One row's [`Target`]: `in [cases]` or `in profile [probes]`.
macro_rules! target {
    ($tier:ident $check:literal in [$($case:literal),+]) => {
        Target { cases: &[$($case),*], probes: &[], check: $check, tier: Tier::$tier }
    };
    ($tier:ident $check:literal in profile [$($probe:literal),+]) => {
        Target { cases: &[], probes: &[$($probe),*], check: $check, tier: Tier::$tier }
    };
}

macro_rules! faults {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal,
        target: $tier:ident $check:literal in $($profile:ident)? [$($id:literal),+ $(,)?]; )+) => {
        /// One deliberate deviation from PingOne's documented behaviour.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Fault {
            /// Every fault, in declaration order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant,)+];

            /// The stable kebab-case name used on the command line and in reports.
            pub fn name(self) -> &'static str {
                match self { $(Fault::$variant => $name,)+ }
            }

            /// One sentence on what the faulty server does.
            pub fn description(self) -> &'static str {
                match self { $(Fault::$variant => concat!($($doc),+).trim_start(),)+ }
            }

            /// The case(s) (or profile probes) and check written to catch this fault, and at
            /// which tier.
            pub fn target(self) -> Target {
                match self {
                    $(Fault::$variant => target!($tier $check in $($profile)? [$($id),+]),)+
                }
            }
        }
    };
}

faults! {
    // --- request body validation on PUT .../mfaEnabled -------------------------------------
    /// Accepts the strings "true" and "false" as Booleans and stores them.
    AcceptsStringBoolean = "accepts-string-boolean",
        target: Should "mfaEnabled must be a JSON Boolean" in ["MFA-INVALID-03", "MFA-INVALID-04"];
    /// Accepts the numbers 0 and 1 as Booleans and stores them.
    AcceptsNumberBoolean = "accepts-number-boolean",
        target: Should "mfaEnabled must be a JSON Boolean" in ["MFA-INVALID-05", "MFA-INVALID-06"];
    /// Accepts `null` for mfaEnabled and stores false.
    AcceptsNullAsFalse = "accepts-null-as-false",
        target: Must "status" in ["MFA-INVALID-07"];
    /// Treats a missing mfaEnabled as false instead of rejecting the body.
    MissingFieldDefaultsFalse = "missing-field-defaults-false",
        target: Must "status" in ["MFA-INVALID-01", "MFA-INVALID-02", "MFA-INVALID-22"];
    /// Answers 500 UNEXPECTED_ERROR to an empty or unparsable body instead of 400.
    ServerErrorOnMalformedJson = "500-on-malformed-json",
        target: Must "status" in ["MFA-INVALID-10", "MFA-INVALID-11", "MFA-INVALID-17", "MFA-INVALID-18", "MFA-INVALID-19", "MFA-INVALID-25"];
    /// Answers an empty or unparsable body with a P1Error 502 (UNEXPECTED_ERROR, the
    /// service's own JSON error, not a gateway's page) instead of 400.
    P1ErrorBadGatewayOnMalformedJson = "502-p1error-on-malformed-json",
        target: Must "status" in ["MFA-INVALID-10", "MFA-INVALID-11", "MFA-INVALID-17", "MFA-INVALID-18", "MFA-INVALID-19", "MFA-INVALID-25"];
    /// Answers an empty or unparsable body with its web framework's HTML error page and status
    /// 500 instead of a 400 P1Error.
    HtmlServerErrorOnMalformedJson = "html-500-on-malformed-json",
        target: Must "status" in ["MFA-INVALID-10", "MFA-INVALID-11", "MFA-INVALID-17", "MFA-INVALID-18", "MFA-INVALID-19", "MFA-INVALID-25"];
    /// Answers the first attempt of a request with an empty or unparsable body 500
    /// UNEXPECTED_ERROR, and the same request sent again 400.
    ServerErrorThenRejects = "500-then-400-on-malformed-json",
        target: Must "no attempt answers a 5xx to a client error" in ["MFA-INVALID-10", "MFA-INVALID-11", "MFA-INVALID-17", "MFA-INVALID-18", "MFA-INVALID-19", "MFA-INVALID-25"];
    /// Answers 500 UNEXPECTED_ERROR to a JSON body that is not an object instead of 400.
    ServerErrorOnNonObject = "500-on-non-object-body",
        target: Must "status" in ["MFA-INVALID-12", "MFA-INVALID-13", "MFA-INVALID-14", "MFA-INVALID-15", "MFA-INVALID-24"];
    /// Answers 500 UNEXPECTED_ERROR when mfaEnabled is not a Boolean instead of 400.
    ServerErrorOnWrongType = "500-on-wrong-type",
        target: Must "status" in ["MFA-INVALID-08", "MFA-INVALID-09", "MFA-INVALID-16", "MFA-INVALID-23", "MFA-FUZZ-01"];
    /// Rejects invalid bodies with the undocumented top-level code VALIDATION_ERROR.
    UndocumentedErrorCode = "undocumented-error-code",
        target: Should "error code" in ["MFA-INVALID-02"];
    /// Sends error bodies without the `code` property.
    ErrorWithoutCode = "error-without-code",
        target: Must "the body is a valid P1Error (schemas/p1-error.schema.json)" in ["MFA-INVALID-02", "MFA-AUTH-01"];
    /// Sends error bodies as text/plain prose instead of the P1Error JSON shape.
    PlainTextErrors = "plain-text-errors",
        target: Must "Content-Type is JSON" in ["MFA-INVALID-02", "MFA-AUTH-01"];
    /// Rejects an invalid mfaEnabled body with 400 but stores its coerced truthiness first.
    PartialWriteOnReject = "partial-write-on-reject",
        target: Must "GET .../mfaEnabled reads the value before the rejected request" in ["MFA-INVALID-03", "MFA-INVALID-04", "MFA-INVALID-05", "MFA-INVALID-06", "MFA-INVALID-07", "MFA-INVALID-08", "MFA-INVALID-09", "MFA-INVALID-16", "MFA-INVALID-26"];
    /// Rejects a body that carries a property besides mfaEnabled.
    RejectsUnknownProperties = "rejects-unknown-properties",
        target: Should "an unknown property is ignored" in ["MFA-BODY-05"];
    /// Rejects a body that carries the read-only `_links` back.
    RejectsReadOnlyLinks = "rejects-read-only-links",
        target: Should "the read-only _links sent back is ignored" in ["MFA-BODY-06"];
    /// Rejects `application/json; charset=utf-8` as an unsupported media type.
    RejectsCharsetParameter = "rejects-charset-parameter",
        target: Should "a charset parameter is accepted" in ["MFA-HDR-03"];
    /// Does not check the request Content-Type at all.
    AcceptsAnyContentType = "accepts-any-content-type",
        target: Must "status" in ["MFA-HDR-01"];
    /// Reads a body without any Content-Type as JSON.
    AcceptsMissingContentType = "accepts-missing-content-type",
        target: Should "a body without a JSON Content-Type is rejected" in ["MFA-HDR-02"];
    /// Reads an `application/x-www-form-urlencoded` body (`mfaEnabled=true`) and stores it.
    AcceptsFormEncoded = "accepts-form-encoded",
        target: Must "status" in ["MFA-INVALID-20"];
    /// Matches property names regardless of case: `{"MFAEnabled": true}` sets mfaEnabled.
    CaseInsensitiveProperties = "case-insensitive-properties",
        target: Should "status" in ["MFA-INVALID-21"];
    /// Answers 409 to a PUT that repeats the stored value.
    NotIdempotent = "not-idempotent",
        target: Must "status" in ["MFA-BODY-04"];
    // --- lenient binding: a server that coerces like Jackson (facts §11.1), wrongly ----------
    /// Coerces like Jackson, except that the string "false" in any case becomes true: answered
    /// and stored.
    LenientFalseAsTrue = "lenient-false-as-true",
        target: Must "a lenient answer carries the coerced value" in ["MFA-INVALID-04", "MFA-INVALID-26"];
    /// Coerces like Jackson, except that the number 0 becomes true: answered and stored.
    LenientZeroAsTrue = "lenient-zero-as-true",
        target: Must "a lenient answer carries the coerced value" in ["MFA-INVALID-06"];
    /// Coerces like Jackson and answers the coerced value, but stores nothing.
    LenientAnswerNotStored = "lenient-answer-not-stored",
        target: Must "GET .../mfaEnabled reads the value the lenient answer reported" in ["MFA-INVALID-03", "MFA-INVALID-04", "MFA-INVALID-05", "MFA-INVALID-06", "MFA-INVALID-26"];
    /// Coerces like Jackson only when it stores and reads: the PUT answer echoes the value as
    /// sent ("true", 1) instead of the Boolean.
    LenientEchoesRawValue = "lenient-echoes-raw-value",
        target: Must "the body is a valid UserMFAEnabled (schemas/user-mfa-enabled.schema.json)" in ["MFA-INVALID-03", "MFA-INVALID-04", "MFA-INVALID-05", "MFA-INVALID-06", "MFA-INVALID-26"];
    // --- response shape ---------------------------------------------------------------------
    /// Answers a successful PUT .../mfaEnabled with 201 Created instead of 200.
    CreatedOnUpdate = "201-on-update",
        target: Must "status" in ["MFA-BODY-01", "MFA-BODY-02"];
    /// Answers a successful PUT .../mfaEnabled with 204 and no body instead of 200.
    NoContentOnUpdate = "204-on-update",
        target: Must "status" in ["MFA-BODY-01", "MFA-BODY-02"];
    /// Serialises mfaEnabled as the string "true" or "false" in responses.
    ValueAsString = "value-as-string",
        target: Must "the body is a valid UserMFAEnabled (schemas/user-mfa-enabled.schema.json)" in ["MFA-READ-01"];
    /// Answers a PUT with the value stored before the write.
    EchoesPreviousValue = "echoes-previous-value",
        target: Must "the answer carries the value sent" in ["MFA-BODY-01", "MFA-BODY-02", "MFA-BODY-03"];
    /// Leaves `_links.self` out of the mfaEnabled resource.
    MissingSelfLink = "missing-self-link",
        target: Must "_links.self.href is the request URL" in ["MFA-LINKS-01"];
    /// Names the `user` link relation `users`.
    WrongLinkRelation = "wrong-link-relation",
        target: Should "_links.user.href is the user's URL" in ["MFA-LINKS-01", "MFA-LINKS-02"];
    /// Writes hrefs relative to the host ("/v1/environments/...").
    RelativeHrefs = "relative-hrefs",
        target: Must "_links.self.href is the request URL" in ["MFA-LINKS-01"];
    /// Writes hrefs that name another environment.
    LinkToWrongEnvironment = "link-to-wrong-environment",
        target: Must "_links.self.href is the request URL" in ["MFA-LINKS-01"];
    /// Points `_links.self` at the user instead of .../mfaEnabled.
    SelfLinkToUser = "self-link-to-user",
        target: Must "_links.self.href is the request URL" in ["MFA-LINKS-01"];
    /// Labels successful JSON responses `Content-Type: text/plain`.
    TextPlainContentType = "text-plain-content-type",
        target: Must "Content-Type is JSON" in ["MFA-READ-01"];
    // --- storage ----------------------------------------------------------------------------
    /// Acknowledges a PUT .../mfaEnabled with 200 but does not store the value.
    WriteLost = "write-lost",
        target: Must "GET .../mfaEnabled reads the value sent" in ["MFA-BODY-01", "MFA-BODY-02", "MFA-EXISTING-01"];
    /// GET .../mfaEnabled answers the value from before the last write.
    StaleRead = "stale-read",
        target: Must "GET .../mfaEnabled reads the value sent" in ["MFA-BODY-03"];
    /// GET user keeps showing the mfaEnabled value the user was created with.
    UserViewStale = "user-view-stale",
        target: Must "GET user reads the value sent" in ["MFA-BODY-01"];
    /// GET user answers 404 NOT_FOUND for a minute after Create User made the user (a read
    /// replica that lags behind writes).
    UserReadLags = "user-read-lags",
        target: Must "GET user reads the user just created" in ["MFA-SIDE-01", "MFA-SIDE-02", "MFA-SIDE-03"];
    /// Delete User answers 500 UNEXPECTED_ERROR and keeps the user.
    DeleteUserFails = "delete-user-fails",
        target: Must "clean-up: Delete User answers 204 and removes the user" in ["MFA-TOKEN-03"];
    // --- side effects of PUT .../mfaEnabled ---------------------------------------------------
    /// Stores the body's other user attributes too (mass assignment): `enabled`, `username`,
    /// `email`, `lifecycle`, `name`.
    MassAssignment = "mass-assignment",
        target: Must "GET user: every other attribute reads as before" in ["MFA-SIDE-02"];
    /// Disables the account (`enabled` false) when mfaEnabled is set to false.
    DisablesAccount = "disables-account",
        target: Must "GET user: every other attribute reads as before" in ["MFA-SIDE-01"];
    /// Resets the account's lifecycle status to VERIFICATION_REQUIRED on every write.
    LifecycleReset = "lifecycle-reset",
        target: Must "GET user: every other attribute reads as before" in ["MFA-SIDE-01"];
    /// Writes the value to every user in the environment, not only the one in the path.
    BystanderWritten = "bystander-written",
        target: Must "GET user: the bystander reads exactly as before" in ["MFA-SIDE-03"];
    // --- authorization ----------------------------------------------------------------------
    /// Serves /v1 without any Authorization header.
    AuthNotEnforced = "auth-not-enforced",
        target: Must "status" in ["MFA-AUTH-01", "MFA-AUTH-04"];
    /// Accepts any bearer token, issued or not.
    AnyBearerAccepted = "any-bearer-accepted",
        target: Must "status" in ["MFA-AUTH-02"];
    /// Accepts HTTP Basic with the worker's client id on the API, whatever the secret, not only
    /// bearer tokens.
    BasicAuthAccepted = "basic-auth-accepted",
        target: Must "status" in ["MFA-AUTH-03"];
    /// Answers a missing or invalid token with 403 instead of 401.
    AuthFailureAs403 = "auth-failure-as-403",
        target: Must "status" in ["MFA-AUTH-01", "MFA-AUTH-02", "MFA-AUTH-04"];
    /// Issues a token to a known client id whatever secret comes with it.
    TokenAcceptsAnySecret = "token-accepts-any-secret",
        target: Must "a wrong secret gets no token" in ["MFA-TOKEN-02"];
    /// Leaves `expires_in` out of the token response.
    TokenWithoutExpiry = "token-without-expiry",
        target: Must "the token response" in ["MFA-TOKEN-01"];
    /// Accepts an access token after it expired.
    ExpiredTokenAccepted = "expired-token-accepted",
        target: Must "status" in ["MFA-TOKEN-03"];
    /// The read-only worker's token may PUT .../mfaEnabled (the role is not checked there).
    ReadonlyMayWriteMfa = "readonly-may-write-mfa",
        target: Must "status" in ["MFA-PRIV-01"];
    /// Any live token may write: no route checks the role.
    AnyTokenMayWrite = "any-token-may-write",
        target: Must "status" in ["MFA-PRIV-01", "MFA-PRIV-02", "MFA-PRIV-03", "MFA-PRIV-04"];
    /// Refuses the read-only worker's Create User with 403 and creates the user all the same.
    ReadonlyCreateStillCreates = "readonly-create-still-creates",
        target: Must "no user was created" in ["MFA-PRIV-04"];
    /// The read-only worker's token is refused on reads too (403).
    ReadonlyCannotRead = "readonly-cannot-read",
        target: Should "status" in ["MFA-PRIV-05"];
    /// Leaves the documented `Correlation-Id` header out of every answer.
    NoCorrelationId = "no-correlation-id",
        target: Should "the answer carries a Correlation-Id header" in ["MFA-READ-01"];
    // --- paths ------------------------------------------------------------------------------
    /// Finds a user by id whatever environment the path names.
    CrossEnvironmentAccess = "cross-environment-access",
        target: Must "status" in ["MFA-PATH-04"];
    /// PUT on an unknown user creates it; GET on one answers 200 with false.
    UnknownUserUpsert = "unknown-user-upsert",
        target: Must "status" in ["MFA-PATH-01", "MFA-PATH-02"];
    /// Answers 500 when a path id is not a UUID.
    ServerErrorOnNonUuidId = "500-on-non-uuid-id",
        target: Must "status" in ["MFA-PATH-03"];
    /// Answers a path id that is not a UUID with 400 INVALID_REQUEST where its profile records
    /// 404 (what `--non-uuid-400` answers): both conform, so only the profile sees the change.
    NonUuidIdAs400 = "non-uuid-id-as-400",
        target: Must "the answer class matches the recorded profile" in profile ["MFA-PROBE-PATH-02"];
    // --- methods ----------------------------------------------------------------------------
    /// Treats PATCH .../mfaEnabled as PUT.
    PatchActsAsPut = "patch-acts-as-put",
        target: Must "status" in ["MFA-METHOD-02"];
    /// Treats POST .../mfaEnabled as PUT.
    PostActsAsPut = "post-acts-as-put",
        target: Must "status" in ["MFA-METHOD-01"];
    /// DELETE .../mfaEnabled answers 204 and resets the value to false.
    DeleteResetsMfa = "delete-resets-mfa",
        target: Must "status" in ["MFA-METHOD-03"];
    /// Answers unsupported methods with 404 instead of 405.
    UnsupportedMethodAs404 = "unsupported-method-as-404",
        target: Should "unsupported method" in ["MFA-METHOD-01", "MFA-METHOD-02", "MFA-METHOD-03"];
    // --- neighbouring user operations -------------------------------------------------------
    /// Create User (both content types) ignores mfaEnabled and stores false.
    CreateIgnoresMfa = "create-ignores-mfa",
        target: Must "the created User carries the value sent" in ["MFA-USER-01", "MFA-USER-03"];
    /// Create User (both content types) ignores mfaEnabled and stores true.
    CreateDefaultsMfaTrue = "create-defaults-mfa-true",
        target: Must "the created User carries the value sent" in ["MFA-USER-02", "MFA-USER-04"];
    /// Create User (Import) ignores mfaEnabled and stores false.
    ImportIgnoresMfa = "import-ignores-mfa",
        target: Must "the created User carries the value sent" in ["MFA-USER-03"];
    /// PUT Update User changes mfaEnabled.
    PutUserChangesMfa = "put-user-changes-mfa",
        target: Must "GET .../mfaEnabled reads the value before Update User" in ["MFA-USER-05"];
    /// PATCH Update User changes mfaEnabled.
    PatchUserChangesMfa = "patch-user-changes-mfa",
        target: Must "GET .../mfaEnabled reads the value before Update User" in ["MFA-USER-06"];
    /// Create User answers 200 instead of 201.
    CreateAnswers200 = "create-answers-200",
        target: Must "status" in ["MFA-USER-01", "MFA-USER-02", "MFA-USER-03", "MFA-USER-04"];
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown fault name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFault(pub String);

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown fault `{}`; `--list-faults` lists them", self.0)
    }
}

impl std::error::Error for UnknownFault {}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFault(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for &f in Fault::ALL {
            assert!(seen.insert(f.name()), "duplicate fault name {}", f.name());
            assert_eq!(f.name().parse::<Fault>(), Ok(f));
            assert!(!f.description().is_empty());
        }
        assert!("no-such-fault".parse::<Fault>().is_err());
    }

    /// A target names cases or probes, never both; one aimed at the profile names the check a
    /// changed probe fails, at MUST (CHANGED fails the run). (That its probes exist is checked
    /// in the suite, above the mock: `suite::cases`.)
    /// No target is "every answer": a fault any case could meet is attributed to none.
    #[test]
    fn every_target_names_a_case_or_a_probe() {
        for &f in Fault::ALL {
            assert!(f.target().ids().next().is_some(), "{f} has an empty target");
        }
    }

    #[test]
    fn a_profile_target_names_existing_probes_and_the_profile_check() {
        let mut aimed = 0;
        for &f in Fault::ALL {
            let t = f.target();
            assert!(t.cases.is_empty() || t.probes.is_empty(), "{f}");
            if !t.is_profile() {
                continue;
            }
            aimed += 1;
            assert_eq!(t.check, crate::profile::ANSWER_AS_RECORDED, "{f}");
            assert_eq!(t.tier, Tier::Must, "{f}");
            assert!(t.names(t.probes[0]));
        }
        assert!(aimed > 0, "some fault is aimed at the profile");
    }
}
