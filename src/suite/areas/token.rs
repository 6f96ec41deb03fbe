//! MFA-TOKEN: the token endpoint the suite authenticates with. The answer is OAuth, not a
//! P1Error, so these checks read the row's statuses and codes themselves.

use base64::Engine as _;
use serde_json::Value;

use crate::config::{Credentials, TokenAuthMethod};
use crate::http::{Auth, Request};

use std::time::Duration;

use super::super::cases::{EXPIRY_WAIT_SECS, TokenProbe};
use super::super::ctx::{Abort, CaseCtx, Step, is_json_media_type};
use super::super::session::SessionError;

impl CaseCtx {
    /// The token endpoint. The answer's body is never quoted in a finding: it may hold a token.
    pub(super) async fn token(&mut self, probe: TokenProbe) -> Step<()> {
        if probe == TokenProbe::Expired {
            return self.expired_token().await;
        }
        let (client_id, method) = match &self.session.target.credentials {
            Credentials::Client {
                client_id, method, ..
            } => (client_id.clone(), *method),
            Credentials::AccessToken(_) => {
                self.skipped =
                    Some("a ready access token is configured, not client credentials".into());
                return Ok(());
            }
        };
        let Some(url) = self.session.token_url() else {
            self.skipped = Some("no token URL".into());
            return Ok(());
        };
        // Asking for a token (or being refused one) changes nothing: retried like any read.
        let mut req = Request::new("POST", url)
            .retry_safe(true)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(b"grant_type=client_credentials".to_vec());
        const WRONG: &str = "conformance-wrong-secret";
        req = match (probe, method) {
            (TokenProbe::Issue, TokenAuthMethod::Basic) => req.auth(Auth::ClientBasic),
            (TokenProbe::Issue, TokenAuthMethod::Post) => req.auth(Auth::ClientPost),
            (TokenProbe::WrongSecret, TokenAuthMethod::Basic) => {
                let pair = format!("{}:{WRONG}", crate::http::form_encode(&client_id));
                req.auth(Auth::Literal(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )))
            }
            (TokenProbe::Expired, _) => return Ok(()),
            (TokenProbe::WrongSecret, TokenAuthMethod::Post) => {
                let body = format!(
                    "grant_type=client_credentials&client_id={}&client_secret={WRONG}",
                    crate::http::form_encode(&client_id)
                );
                req.body(body.into_bytes()).auth(Auth::None)
            }
        };
        let ex = self.send(req).await?;
        self.status = Some(ex.status);
        let body = ex.json().unwrap_or(Value::Null);
        let has_token = body
            .get("access_token")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.is_empty());
        let shape = |b: &Value| {
            let kind = |k: &str| match b.get(k) {
                None => "absent",
                Some(Value::String(_)) => "a string",
                Some(Value::Number(_)) => "a number",
                Some(_) => "another JSON value",
            };
            format!(
                "HTTP {}; access_token {}, token_type {}, expires_in {}",
                ex.status,
                kind("access_token"),
                kind("token_type"),
                kind("expires_in")
            )
        };
        let expect = self.expect;
        let status_ok = expect.status.matches(ex.status);
        match probe {
            TokenProbe::Issue => {
                let ct = ex.header("content-type").unwrap_or("");
                self.ensure(
                    status_ok,
                    expect.status_grade,
                    "status",
                    expect.status.describe(),
                    || shape(&body),
                    Some(&ex),
                );
                self.ensure(
                    is_json_media_type(ct),
                    expect.procedure_grade(),
                    "Content-Type is JSON",
                    "application/json",
                    || format!("Content-Type: {ct}"),
                    Some(&ex),
                );
                let bearer = body
                    .get("token_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
                let expires = body
                    .get("expires_in")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 0);
                self.ensure(
                    has_token && bearer && expires,
                    expect.procedure_grade(),
                    "the token response",
                    "access_token a non-empty string, token_type Bearer, expires_in a positive integer",
                    || shape(&body),
                    Some(&ex),
                );
            }
            TokenProbe::Expired => {}
            TokenProbe::WrongSecret => {
                self.ensure(
                    status_ok && !has_token,
                    expect.status_grade,
                    "a wrong secret gets no token",
                    format!("{} without an access_token", expect.status.describe()),
                    || shape(&body),
                    Some(&ex),
                );
                let error = body
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("(none)");
                self.code = Some(error.to_string());
                if let Some(codes) = expect.codes {
                    self.ensure(
                        codes.accepted.contains(&error),
                        codes.grade,
                        "the OAuth error",
                        format!("error {}", codes.accepted.join(" or ")),
                        || format!("error {error}"),
                        Some(&ex),
                    );
                }
            }
        }
        Ok(())
    }

    /// A token from the endpoint, waited out, then PUT .../mfaEnabled with it: refused, nothing
    /// stored. Needs client credentials and a token that lives at most
    /// [`EXPIRY_WAIT_SECS`]; skipped otherwise, with the reason.
    async fn expired_token(&mut self) -> Step<()> {
        let (client_id, client_secret) = match &self.session.target.credentials {
            Credentials::Client {
                client_id,
                client_secret,
                ..
            } => (client_id.clone(), client_secret.clone()),
            Credentials::AccessToken(_) => {
                self.skipped = Some(
                    "a ready access token is configured, not client credentials: no token to let expire"
                        .into(),
                );
                return Ok(());
            }
        };
        // The token first: whether the case can run is decided before it creates anything, so
        // that a skipped case leaves nothing behind.
        let (token, lifetime) = match self.session.request_token(&client_id, &client_secret).await {
            Ok(t) => t,
            Err(SessionError::Unavailable(why) | SessionError::Certificate(why)) => {
                self.error = Some(why);
                return Err(Abort);
            }
            Err(e) => {
                self.note_unjudged(
                    "set-up: a token to let expire",
                    "HTTP 200 with an access_token",
                    e.to_string(),
                    None,
                );
                return Err(Abort);
            }
        };
        // The server issued it before this instant, so it has expired a second after it.
        let issued = std::time::Instant::now();
        self.requests += 1;
        if lifetime > EXPIRY_WAIT_SECS {
            self.skipped = Some(format!(
                "tokens live {lifetime} s, longer than the {EXPIRY_WAIT_SECS} s this case waits; \
                 an expired token needs a target with a shorter token lifetime (the bundled mock has one)"
            ));
            return Ok(());
        }
        let user = self.user_with(false).await?;
        let expired = Duration::from_secs(lifetime + 1);
        tokio::time::sleep(expired.saturating_sub(issued.elapsed())).await;
        let ex = self
            .send_with_bearer(self.put_value(&user, true), &token)
            .await?;
        self.record(&ex);
        self.judge(&ex, Some(&user), Some(true), false).await
    }
}
