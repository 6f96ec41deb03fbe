//! MFA-PATH: path parameters that name no user of this environment.

use serde_json::json;
use uuid::Uuid;

use super::super::cases::{Method, Via};
use super::super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// PUT true or GET on a random user UUID.
    pub(super) async fn unknown_user(&mut self, via: Via) -> Step<()> {
        let user = Uuid::new_v4().to_string();
        let ex = self.send_main(self.via(via, &user)).await?;
        self.judge(&ex, None, Some(true), false).await
    }

    /// PUT true on `users/not-a-uuid/mfaEnabled`.
    pub(super) async fn non_uuid_user(&mut self) -> Step<()> {
        let ex = self.send_main(self.put_value("not-a-uuid", true)).await?;
        self.judge(&ex, None, Some(true), false).await
    }

    /// PUT true on a real user under a random environment id.
    pub(super) async fn foreign_environment(&mut self) -> Step<()> {
        // Refused under another environment, it changes nothing: a user from the pool.
        let user = self.pooled_user(false).await?;
        let url = format!(
            "{}/environments/{}/users/{user}/mfaEnabled",
            self.session.target.api_url,
            Uuid::new_v4()
        );
        let req = self
            .request(Method::Put, &url)
            .json(&json!({"mfaEnabled": true}));
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(&user), Some(true), false).await
    }
}
