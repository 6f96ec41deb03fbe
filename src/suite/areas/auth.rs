//! MFA-AUTH: requests without valid bearer authorization.

use base64::Engine as _;
use uuid::Uuid;

use crate::config::Credentials;
use crate::http::Auth;

use super::super::cases::{BadAuth, Via};
use super::super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// PUT true or GET with `bad` authorization.
    pub(super) async fn unauthorized(&mut self, bad: BadAuth, via: Via) -> Step<()> {
        // A refused request changes nothing: a user from the session's pool.
        let user = self.pooled_user(false).await?;
        let req = self.via(via, &user).auth(self.bad_auth(bad));
        let ex = self.send_main(req).await?;
        let sent = (via == Via::Put).then_some(true);
        self.judge(&ex, Some(&user), sent, false).await
    }

    pub(in crate::suite) fn bad_auth(&self, bad: BadAuth) -> Auth {
        match bad {
            BadAuth::Missing => Auth::None,
            BadAuth::Garbage => {
                Auth::Literal(format!("Bearer conformance.{}", Uuid::new_v4().simple()))
            }
            // The client id with a WRONG secret: a Basic header must be refused whatever it
            // carries, and the real secret never goes to the API host (issue 13).
            BadAuth::Basic => {
                let user = match &self.session.target.credentials {
                    Credentials::Client { client_id, .. } => client_id.as_str(),
                    Credentials::AccessToken(_) => "conformance",
                };
                let pair = format!(
                    "{user}:conformance-wrong-secret-{}",
                    Uuid::new_v4().simple()
                );
                Auth::Literal(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
        }
    }
}
