//! `POST /{envID}/as/token`, client credentials (§4). Errors use the OAuth 2 shape
//! (RFC 6749 §5.2), not P1Error. Three steps: the request itself ([`Ctx::token`]), client
//! authentication ([`Ctx::authenticate_client`]) and issuing the token ([`Ctx::issue_token`]).

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::header::{ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use crate::mock::answers::{OAuthCode, oauth_error};
use crate::mock::jwt;
use crate::mock::server::{BODY_LIMIT, Ctx};
use crate::mock::state::{Grant, lock};
use crate::mock::{Fault, TokenEndpointAuthMethod};
use crate::wire::{FORM, JSON, MediaType, decode_basic, parse_form};

/// Tokens kept before expired ones are pruned.
const TOKEN_PRUNE_THRESHOLD: usize = 10_000;

impl Ctx<'_> {
    /// The token request: POST, form-encoded, within the size limit, `grant_type`
    /// `client_credentials`; then client authentication and the token.
    pub(crate) async fn token(&self, parts: &Parts, body: Body, env: &str) -> Response {
        if parts.method != Method::POST {
            let mut r = oauth_error(
                StatusCode::METHOD_NOT_ALLOWED,
                OAuthCode::InvalidRequest,
                "Use POST.",
            );
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
        let ct = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !MediaType::parse(ct).is(FORM) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                OAuthCode::InvalidRequest,
                "The token request must be application/x-www-form-urlencoded.",
            );
        }
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return oauth_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                OAuthCode::InvalidRequest,
                "Body too large.",
            );
        };
        let form = parse_form(&bytes);
        match form.get("grant_type").map(String::as_str) {
            None => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    OAuthCode::InvalidRequest,
                    "grant_type is required.",
                );
            }
            Some("client_credentials") => {}
            Some(_) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    OAuthCode::UnsupportedGrantType,
                    "Only client_credentials is supported.",
                );
            }
        }
        match self.authenticate_client(parts, &form, env) {
            Ok((grant, client_id)) => self.issue_token(grant, &client_id),
            Err(r) => r,
        }
    }

    /// Client authentication (RFC 6749 §2.3.1) for this environment's worker app, by its one
    /// `tokenEndpointAuthMethod` (§11.5): both methods at once is 400 `invalid_request`, the
    /// other method 401 `invalid_client` "Unsupported authentication method", wrong or missing
    /// credentials 401 `invalid_client` in PingOne's live wording (§11.3).
    fn authenticate_client(
        &self,
        parts: &Parts,
        form: &HashMap<String, String>,
        env: &str,
    ) -> Result<(Grant, String), Response> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let basic = header.and_then(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| decode_basic(rest.trim()))
        });
        let posted = match (form.get("client_id"), form.get("client_secret")) {
            (Some(id), Some(secret)) => Some((id.clone(), secret.clone())),
            _ => None,
        };
        let (credentials, used) = match (basic, posted) {
            (Some(_), Some(_)) => {
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    OAuthCode::InvalidRequest,
                    "Use one client authentication method, not two.",
                ));
            }
            (Some(decoded), None) => (decoded, Some(TokenEndpointAuthMethod::ClientSecretBasic)),
            (None, Some(posted)) => (
                Some(posted),
                Some(TokenEndpointAuthMethod::ClientSecretPost),
            ),
            (None, None) => (None, None),
        };
        if used.is_some_and(|m| m != self.s.options.token_endpoint_auth_method) {
            return Err(self.invalid_client("Request denied: Unsupported authentication method"));
        }
        let env_ok = Uuid::parse_str(env).is_ok_and(|e| e == self.env_id());
        let grant = credentials.as_ref().and_then(|(id, secret)| {
            self.client_grant(id, secret).or_else(|| {
                (self.has(Fault::TokenAcceptsAnySecret) && *id == self.s.options.client_id)
                    .then_some(Grant::ReadWrite)
            })
        });
        if let (Some(grant), Some((id, _)), true) = (grant, credentials, env_ok) {
            return Ok((grant, id));
        }
        let correlation = self.correlation_id.to_str().unwrap_or_default();
        Err(self.invalid_client(&format!(
            "Request denied: Invalid client credentials (Correlation ID: {correlation})"
        )))
    }

    /// 401 `invalid_client` with a `WWW-Authenticate` challenge (RFC 6749 §5.2).
    fn invalid_client(&self, description: &str) -> Response {
        let mut r = oauth_error(
            StatusCode::UNAUTHORIZED,
            OAuthCode::InvalidClient,
            description,
        );
        r.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static("Basic realm=\"PingOne\""),
        );
        r
    }

    /// A fresh access token with this grant, live for `token_lifetime`: an RS256 JWT with the
    /// claims of a PingOne worker token (`client_id`, `iss`, `aud`, `env`, `iat`, `exp`, `jti`),
    /// also remembered here, so that only this process's unexpired tokens are accepted.
    fn issue_token(&self, grant: Grant, client_id: &str) -> Response {
        let origin = self
            .s
            .api_base
            .strip_suffix("/v1")
            .unwrap_or(&self.s.api_base);
        let env = self.env_id();
        let lifetime_secs = self.s.options.token_lifetime.as_secs_f64().ceil() as u64;
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let token = jwt::sign(&json!({
            "client_id": client_id,
            "iss": format!("{origin}/{env}/as"),
            "aud": [origin],
            "env": env,
            "iat": iat,
            "exp": iat + lifetime_secs,
            "jti": Uuid::new_v4(),
        }));
        let lifetime = self.s.options.token_lifetime;
        {
            let mut tokens = lock(&self.s.tokens);
            if tokens.len() >= TOKEN_PRUNE_THRESHOLD {
                let now = Instant::now();
                tokens.retain(|_, (expiry, _)| *expiry > now);
            }
            tokens.insert(token.clone(), (Instant::now() + lifetime, grant));
        }
        let mut body = json!({
            "access_token": token,
            "token_type": "Bearer",
            // Whole seconds, rounded up: a sub-second lifetime is not "0".
            "expires_in": lifetime_secs,
        });
        if self.has(Fault::TokenWithoutExpiry)
            && let Some(obj) = body.as_object_mut()
        {
            obj.remove("expires_in");
        }
        (
            StatusCode::OK,
            [(CONTENT_TYPE, JSON), (CACHE_CONTROL, "no-store")],
            body.to_string(),
        )
            .into_response()
    }

    /// `GET /{envID}/as/jwks`: the key that signs this environment's tokens (RFC 7517).
    pub(crate) fn jwks(&self, method: &Method, env: &str) -> Response {
        if !Uuid::parse_str(env).is_ok_and(|e| e == self.env_id()) {
            return self.not_found();
        }
        if *method != Method::GET {
            return self.method_not_allowed("GET");
        }
        (
            StatusCode::OK,
            [(CONTENT_TYPE, JSON)],
            jwt::jwks().to_string(),
        )
            .into_response()
    }
}
