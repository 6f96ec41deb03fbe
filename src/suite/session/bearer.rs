//! The tokens a session's requests carry: taken when a request has its place in the HTTP
//! client's window ([`crate::http::BearerSource`]), so that a short-lived token never ages in
//! the queue; the session's own ([`SessionToken`]) and the read-only worker's, cached like it.

use std::time::{Duration, Instant};

use crate::config::transport::cleartext_to_remote;
use crate::http::{Auth, Exchange, HttpClient, Request, TransportError};
use crate::secret::Secret;

use super::{
    Session, SessionError, TargetInfo, TokenCache, cleartext_refused, obtain_bearer, timed,
};

impl Session {
    /// A token of the read-only worker (`PINGONE_READONLY_CLIENT_ID`), or `None` when none is
    /// configured: the cached one while it has time left, as for the session's own token, else
    /// (or with `renew`, after a 401) a new one.
    pub async fn readonly_bearer(&self, renew: bool) -> Option<Result<Secret, SessionError>> {
        let client = self.target.readonly_client.as_ref()?;
        let mut cached = self.readonly_token.lock().await;
        if !renew && let Some(token) = live(cached.as_ref()) {
            return Some(Ok(token));
        }
        let issued = Instant::now();
        let result = self
            .request_token(&client.client_id, &client.client_secret)
            .await;
        *cached = result.as_ref().ok().map(|(token, lifetime)| {
            (
                token.clone(),
                issued,
                issued + Duration::from_secs(*lifetime),
            )
        });
        Some(result.map(|(token, _)| token))
    }

    /// Send a request with `bearer` as its token (an expired one, say): recorded as
    /// `Bearer $TOKEN`, never with the token itself.
    pub async fn send_with_bearer(
        &self,
        request: Request,
        bearer: &Secret,
    ) -> Result<Exchange, TransportError> {
        self.send_with_source(request, &Some(bearer)).await
    }

    /// Send a request with the read-only worker's token ([`Session::readonly_bearer`]), taken
    /// when the request has its place in the window: recorded as `Bearer $TOKEN`.
    pub async fn send_readonly(&self, request: Request) -> Result<Exchange, TransportError> {
        self.send_with_source(request, &ReadonlyToken(self)).await
    }

    async fn send_with_source(
        &self,
        request: Request,
        bearer: &impl crate::http::BearerSource,
    ) -> Result<Exchange, TransportError> {
        if cleartext_to_remote(&request.url) {
            return Err(cleartext_refused(request));
        }
        timed(&self.token.log, request.auth(Auth::SessionBearer), |r| {
            self.http.send_authorized(r, bearer, None)
        })
        .await
    }
}

/// The cached token while it has time left: refreshed with a minute left, or half its
/// lifetime for a short-lived token.
pub(super) fn live(cached: Option<&(Secret, Instant, Instant)>) -> Option<Secret> {
    let (token, issued, expiry) = cached?;
    let margin = Duration::from_secs(60).min((*expiry - *issued) / 2);
    (*expiry > Instant::now() + margin).then(|| token.clone())
}

/// The session's own token, when a request needs one ([`obtain_bearer`]).
pub(super) struct SessionToken<'a> {
    pub(super) needed: bool,
    pub(super) target: &'a TargetInfo,
    pub(super) http: &'a HttpClient,
    pub(super) cache: &'a TokenCache,
}

impl crate::http::BearerSource for SessionToken<'_> {
    async fn bearer(&self) -> Result<Option<Secret>, String> {
        if self.needed {
            obtain_bearer(self.target, self.http, self.cache)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    }
}

/// The read-only worker's token, the cached one while it has time left.
struct ReadonlyToken<'a>(&'a Session);

impl crate::http::BearerSource for ReadonlyToken<'_> {
    async fn bearer(&self) -> Result<Option<Secret>, String> {
        match self.0.readonly_bearer(false).await {
            Some(Ok(token)) => Ok(Some(token)),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("no read-only worker is configured".to_string()),
        }
    }
}
