//! Named faults: each one reproduces a single realistic regression that a real PingOne
//! deployment could ship. All are off by default; the suite's self-test switches them on one at a
//! time and expects at least one conformance case to notice (see `tests/selftest.rs` and
//! `KILLS.md`).
//!
//! A fault changes one behaviour and nothing else, so that the case that notices it can be named.

use std::fmt;
use std::str::FromStr;

macro_rules! faults {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
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
        }
    };
}

faults! {
    // --- request body validation on PUT .../mfaEnabled -------------------------------------
    /// Accepts the strings "true" and "false" as Booleans and stores them.
    AcceptsStringBoolean = "accepts-string-boolean",
    /// Accepts the numbers 0 and 1 as Booleans and stores them.
    AcceptsNumberBoolean = "accepts-number-boolean",
    /// Accepts `null` for mfaEnabled and stores false.
    AcceptsNullAsFalse = "accepts-null-as-false",
    /// Treats a missing mfaEnabled as false instead of rejecting the body.
    MissingFieldDefaultsFalse = "missing-field-defaults-false",
    /// Answers 500 UNEXPECTED_ERROR to an empty or unparsable body instead of 400.
    ServerErrorOnMalformedJson = "500-on-malformed-json",
    /// Answers 500 UNEXPECTED_ERROR to a JSON body that is not an object instead of 400.
    ServerErrorOnNonObject = "500-on-non-object-body",
    /// Answers 500 UNEXPECTED_ERROR when mfaEnabled is not a Boolean instead of 400.
    ServerErrorOnWrongType = "500-on-wrong-type",
    /// Rejects invalid bodies with the undocumented top-level code VALIDATION_ERROR.
    UndocumentedErrorCode = "undocumented-error-code",
    /// Sends error bodies without the `code` property.
    ErrorWithoutCode = "error-without-code",
    /// Sends error bodies as text/plain prose instead of the P1Error JSON shape.
    PlainTextErrors = "plain-text-errors",
    /// Rejects an invalid mfaEnabled body with 400 but stores its coerced truthiness first.
    PartialWriteOnReject = "partial-write-on-reject",
    /// Rejects a body that carries a property besides mfaEnabled.
    RejectsUnknownProperties = "rejects-unknown-properties",
    /// Rejects a body that carries the read-only `_links` back.
    RejectsReadOnlyLinks = "rejects-read-only-links",
    /// Rejects `application/json; charset=utf-8` as an unsupported media type.
    RejectsCharsetParameter = "rejects-charset-parameter",
    /// Does not check the request Content-Type at all.
    AcceptsAnyContentType = "accepts-any-content-type",
    /// Answers 409 to a PUT that repeats the stored value.
    NotIdempotent = "not-idempotent",
    // --- response shape ---------------------------------------------------------------------
    /// Answers a successful PUT .../mfaEnabled with 201 Created instead of 200.
    CreatedOnUpdate = "201-on-update",
    /// Answers a successful PUT .../mfaEnabled with 204 and no body instead of 200.
    NoContentOnUpdate = "204-on-update",
    /// Serialises mfaEnabled as the string "true" or "false" in responses.
    ValueAsString = "value-as-string",
    /// Answers a PUT with the value stored before the write.
    EchoesPreviousValue = "echoes-previous-value",
    /// Leaves `_links.self` out of the mfaEnabled resource.
    MissingSelfLink = "missing-self-link",
    /// Names the `user` link relation `users`.
    WrongLinkRelation = "wrong-link-relation",
    /// Writes hrefs relative to the host ("/v1/environments/...").
    RelativeHrefs = "relative-hrefs",
    /// Writes hrefs that name another environment.
    LinkToWrongEnvironment = "link-to-wrong-environment",
    /// Points `_links.self` at the user instead of .../mfaEnabled.
    SelfLinkToUser = "self-link-to-user",
    /// Labels successful JSON responses `Content-Type: text/plain`.
    TextPlainContentType = "text-plain-content-type",
    // --- storage ----------------------------------------------------------------------------
    /// Acknowledges a PUT .../mfaEnabled with 200 but does not store the value.
    WriteLost = "write-lost",
    /// GET .../mfaEnabled answers the value from before the last write.
    StaleRead = "stale-read",
    /// GET user keeps showing the mfaEnabled value the user was created with.
    UserViewStale = "user-view-stale",
    // --- authorization ----------------------------------------------------------------------
    /// Serves /v1 without any Authorization header.
    AuthNotEnforced = "auth-not-enforced",
    /// Accepts any bearer token, issued or not.
    AnyBearerAccepted = "any-bearer-accepted",
    /// Accepts HTTP Basic with the worker's client id on the API, whatever the secret, not only
    /// bearer tokens.
    BasicAuthAccepted = "basic-auth-accepted",
    /// Answers a missing or invalid token with 403 instead of 401.
    AuthFailureAs403 = "auth-failure-as-403",
    /// Issues a token to a known client id whatever secret comes with it.
    TokenAcceptsAnySecret = "token-accepts-any-secret",
    /// Leaves `expires_in` out of the token response.
    TokenWithoutExpiry = "token-without-expiry",
    /// Leaves the documented `Correlation-Id` header out of every answer.
    NoCorrelationId = "no-correlation-id",
    // --- paths ------------------------------------------------------------------------------
    /// Finds a user by id whatever environment the path names.
    CrossEnvironmentAccess = "cross-environment-access",
    /// PUT on an unknown user creates it; GET on one answers 200 with false.
    UnknownUserUpsert = "unknown-user-upsert",
    /// Answers 500 when a path id is not a UUID.
    ServerErrorOnNonUuidId = "500-on-non-uuid-id",
    // --- methods ----------------------------------------------------------------------------
    /// Treats PATCH .../mfaEnabled as PUT.
    PatchActsAsPut = "patch-acts-as-put",
    /// Treats POST .../mfaEnabled as PUT.
    PostActsAsPut = "post-acts-as-put",
    /// DELETE .../mfaEnabled answers 204 and resets the value to false.
    DeleteResetsMfa = "delete-resets-mfa",
    /// Answers unsupported methods with 404 instead of 405.
    UnsupportedMethodAs404 = "unsupported-method-as-404",
    // --- neighbouring user operations -------------------------------------------------------
    /// Create User (both content types) ignores mfaEnabled and stores false.
    CreateIgnoresMfa = "create-ignores-mfa",
    /// Create User (both content types) ignores mfaEnabled and stores true.
    CreateDefaultsMfaTrue = "create-defaults-mfa-true",
    /// Create User (Import) ignores mfaEnabled and stores false.
    ImportIgnoresMfa = "import-ignores-mfa",
    /// PUT Update User changes mfaEnabled.
    PutUserChangesMfa = "put-user-changes-mfa",
    /// PATCH Update User changes mfaEnabled.
    PatchUserChangesMfa = "patch-user-changes-mfa",
    /// Create User answers 200 instead of 201.
    CreateAnswers200 = "create-answers-200",
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
}
