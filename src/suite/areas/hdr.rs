//! MFA-HDR: request headers (Content-Type).

use super::super::ctx::{CaseCtx, Step};

const BODY_TRUE: &[u8] = b"{\"mfaEnabled\": true}";

impl CaseCtx {
    /// PUT `{"mfaEnabled": true}` with Content-Type `ct` (`None`: no header), which a
    /// conforming server refuses: a user from the session's pool.
    pub(super) async fn wrong_content_type(&mut self, ct: Option<&str>) -> Step<()> {
        let user = self.pooled_user(false).await?;
        self.put_true_with(&user, ct).await
    }

    /// PUT `{"mfaEnabled": true}` with `application/json; charset=utf-8`, which writes: a user
    /// of its own.
    pub(super) async fn charset_parameter(&mut self) -> Step<()> {
        let user = self.user_with(false).await?;
        self.put_true_with(&user, Some("application/json; charset=utf-8"))
            .await
    }

    async fn put_true_with(&mut self, user: &str, ct: Option<&str>) -> Step<()> {
        let req = self.put_raw(user, BODY_TRUE, ct);
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(user), Some(true), false).await
    }
}
