//! Answers in PingOne's two error shapes, P1Error (§2.1) for `/v1` and the OAuth 2 error
//! (RFC 6749 §5.2) for the token endpoint, and the JSON success answer. The codes are enums,
//! so a typo cannot invent a code; faults that change the error shape live here.

use axum::http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Fault;
use super::server::Ctx;
use crate::wire::JSON;

// Messages as PingOne words them (§2.1, §2.2). The suite never asserts them.
pub(crate) const MSG_INVALID_DATA: &str =
    "The request could not be completed. One or more validation errors were in the request.";
pub(crate) const MSG_INVALID_REQUEST: &str =
    "The request could not be completed. The request was malformed or invalid.";
pub(crate) const MSG_ACCESS_FAILED: &str =
    "The request could not be completed. You do not have access to this resource.";
pub(crate) const MSG_NOT_FOUND: &str =
    "The request could not be completed. The requested resource was not found.";
pub(crate) const MSG_UNEXPECTED: &str =
    "There was an unexpected error with the service. Please try again later.";

/// Top-level P1Error `code` (§2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum P1Code {
    AccessFailed,
    InvalidData,
    InvalidRequest,
    NotFound,
    RequestFailed,
    RequestLimited,
    UnexpectedError,
    /// Not a PingOne code: what the `undocumented-error-code` fault answers.
    ValidationError,
}

impl P1Code {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            P1Code::AccessFailed => "ACCESS_FAILED",
            P1Code::InvalidData => "INVALID_DATA",
            P1Code::InvalidRequest => "INVALID_REQUEST",
            P1Code::NotFound => "NOT_FOUND",
            P1Code::RequestFailed => "REQUEST_FAILED",
            P1Code::RequestLimited => "REQUEST_LIMITED",
            P1Code::UnexpectedError => "UNEXPECTED_ERROR",
            P1Code::ValidationError => "VALIDATION_ERROR",
        }
    }
}

/// `details[].code` of a P1Error (§2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DetailCode {
    InsufficientPermissions,
    InvalidFilter,
    InvalidParameter,
    InvalidToken,
    InvalidValue,
    LimitExceeded,
    RequiredValue,
    SizeLimitExceeded,
    UniquenessViolation,
}

impl DetailCode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DetailCode::InsufficientPermissions => "INSUFFICIENT_PERMISSIONS",
            DetailCode::InvalidFilter => "INVALID_FILTER",
            DetailCode::InvalidParameter => "INVALID_PARAMETER",
            DetailCode::InvalidToken => "INVALID_TOKEN",
            DetailCode::InvalidValue => "INVALID_VALUE",
            DetailCode::LimitExceeded => "LIMIT_EXCEEDED",
            DetailCode::RequiredValue => "REQUIRED_VALUE",
            DetailCode::SizeLimitExceeded => "SIZE_LIMIT_EXCEEDED",
            DetailCode::UniquenessViolation => "UNIQUENESS_VIOLATION",
        }
    }
}

/// One entry of a P1Error's `details`.
pub(crate) fn detail(code: DetailCode, target: Option<&str>, message: &str) -> Value {
    let mut d = json!({"code": code.as_str(), "message": message});
    if let Some(t) = target {
        d["target"] = json!(t);
    }
    d
}

/// `error` of an OAuth 2 error answer (RFC 6749 §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OAuthCode {
    InvalidClient,
    InvalidRequest,
    UnsupportedGrantType,
}

impl OAuthCode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OAuthCode::InvalidClient => "invalid_client",
            OAuthCode::InvalidRequest => "invalid_request",
            OAuthCode::UnsupportedGrantType => "unsupported_grant_type",
        }
    }
}

/// An OAuth 2 error answer (RFC 6749 §5.2), never cached.
pub(crate) fn oauth_error(status: StatusCode, error: OAuthCode, description: &str) -> Response {
    let body = json!({"error": error.as_str(), "error_description": description});
    (
        status,
        [(CONTENT_TYPE, JSON), (CACHE_CONTROL, "no-store")],
        body.to_string(),
    )
        .into_response()
}

impl Ctx<'_> {
    /// A JSON success response.
    pub(crate) fn json(&self, status: StatusCode, body: &Value) -> Response {
        let ct = if self.has(Fault::TextPlainContentType) {
            "text/plain"
        } else {
            self.success_media_type()
        };
        (status, [(CONTENT_TYPE, ct)], body.to_string()).into_response()
    }

    /// The media type of success answers: `application/json`, or `application/hal+json` by
    /// alternative (§10.6).
    pub(crate) fn success_media_type(&self) -> &'static str {
        if self.s.options.alternatives.hal_json {
            "application/hal+json"
        } else {
            JSON
        }
    }

    /// An error in the P1Error shape (§2.1): `{id, code, message, details}`.
    pub(crate) fn error(
        &self,
        status: StatusCode,
        code: P1Code,
        message: &str,
        details: Vec<Value>,
    ) -> Response {
        if self.has(Fault::PlainTextErrors) {
            return (
                status,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{message}\n"),
            )
                .into_response();
        }
        let mut body =
            json!({"id": Uuid::new_v4().to_string(), "code": code.as_str(), "message": message});
        if !details.is_empty() {
            body["details"] = Value::Array(details);
        }
        if self.has(Fault::ErrorWithoutCode)
            && let Some(obj) = body.as_object_mut()
        {
            obj.remove("code");
        }
        // §2.1: Ping's spec leaves `id` optional in 403, 429 and 5xx bodies.
        let id_optional = status == StatusCode::FORBIDDEN
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error();
        if id_optional
            && self.s.options.alternatives.error_id_optional
            && let Some(obj) = body.as_object_mut()
        {
            obj.remove("id");
        }
        (status, [(CONTENT_TYPE, JSON)], body.to_string()).into_response()
    }

    /// A 400 for a rejected body; `undocumented-error-code` replaces the documented code.
    pub(crate) fn invalid(&self, code: P1Code, message: &str, details: Vec<Value>) -> Response {
        let code = if self.has(Fault::UndocumentedErrorCode) {
            P1Code::ValidationError
        } else {
            code
        };
        self.error(StatusCode::BAD_REQUEST, code, message, details)
    }

    /// 400 `INVALID_DATA` with one detail naming the offending `target`.
    pub(crate) fn invalid_data(&self, code: DetailCode, target: &str, message: &str) -> Response {
        self.invalid(
            P1Code::InvalidData,
            MSG_INVALID_DATA,
            vec![detail(code, Some(target), message)],
        )
    }

    /// 400 for a value of `target` that is not a Boolean: `INVALID_DATA`, or `INVALID_REQUEST`
    /// when `failed_conversion` (a binder failed to convert it, §11.1, or the
    /// `wrong-type-invalid-request` alternative), detail `INVALID_VALUE` on `target` either way.
    pub(crate) fn not_a_boolean(&self, target: &str, failed_conversion: bool) -> Response {
        let message = format!("{target} must be a Boolean.");
        if !failed_conversion {
            return self.invalid_data(DetailCode::InvalidValue, target, &message);
        }
        self.invalid(
            P1Code::InvalidRequest,
            MSG_INVALID_REQUEST,
            vec![detail(DetailCode::InvalidValue, Some(target), &message)],
        )
    }

    /// 400 `INVALID_REQUEST` for a body that is not JSON (500, a P1Error 502 or an HTML 500
    /// with the faults that break it).
    pub(crate) fn malformed(&self, why: &str) -> Response {
        if self.has(Fault::ServerErrorOnMalformedJson)
            || (self.has(Fault::ServerErrorThenRejects) && self.first_attempt)
        {
            return self.unexpected();
        }
        if self.has(Fault::P1ErrorBadGatewayOnMalformedJson) {
            return self.error(
                StatusCode::BAD_GATEWAY,
                P1Code::UnexpectedError,
                MSG_UNEXPECTED,
                vec![],
            );
        }
        if self.has(Fault::HtmlServerErrorOnMalformedJson) {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(CONTENT_TYPE, "text/html;charset=utf-8")],
                "<html><body><h1>Whitelabel Error Page</h1><p>This application has no explicit \
                 mapping for /error.</p><div>There was an unexpected error (type=Internal Server \
                 Error, status=500).</div><div>JSON parse error</div></body></html>",
            )
                .into_response();
        }
        self.invalid(
            P1Code::InvalidRequest,
            MSG_INVALID_REQUEST,
            vec![detail(DetailCode::InvalidValue, None, why)],
        )
    }

    /// 500 `UNEXPECTED_ERROR`, what the server-error faults answer.
    pub(crate) fn unexpected(&self) -> Response {
        self.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            P1Code::UnexpectedError,
            MSG_UNEXPECTED,
            vec![],
        )
    }

    /// 404 `NOT_FOUND`.
    pub(crate) fn not_found(&self) -> Response {
        self.error(
            StatusCode::NOT_FOUND,
            P1Code::NotFound,
            MSG_NOT_FOUND,
            vec![],
        )
    }

    /// 403 `ACCESS_FAILED` with detail `INSUFFICIENT_PERMISSIONS`.
    pub(crate) fn forbidden(&self, target: Option<&str>, message: &str) -> Response {
        self.error(
            StatusCode::FORBIDDEN,
            P1Code::AccessFailed,
            MSG_ACCESS_FAILED,
            vec![detail(DetailCode::InsufficientPermissions, target, message)],
        )
    }

    /// 405 with `Allow` (404 with `unsupported-method-as-404`).
    pub(crate) fn method_not_allowed(&self, allow: &'static str) -> Response {
        if self.has(Fault::UnsupportedMethodAs404) {
            return self.not_found();
        }
        // Docs: "When a method is not supported, the platform returns a 405" (§3).
        let code = if self.s.options.alternatives.method_405_request_failed {
            P1Code::RequestFailed
        } else {
            P1Code::InvalidRequest
        };
        let mut r = self.error(
            StatusCode::METHOD_NOT_ALLOWED,
            code,
            "The request could not be completed. The HTTP method is not supported for this resource.",
            vec![],
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
        r
    }

    /// 400 `INVALID_DATA` / `UNIQUENESS_VIOLATION` on `username`.
    pub(crate) fn uniqueness(&self) -> Response {
        self.invalid_data(
            DetailCode::UniquenessViolation,
            "username",
            "A user with this username already exists in the environment.",
        )
    }
}
