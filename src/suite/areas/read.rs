//! MFA-READ: GET .../mfaEnabled answers the stored value.

use super::super::cases::Method;
use super::super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// Set true, GET .../mfaEnabled (recorded), then read the value back through both views.
    pub(super) async fn read(&mut self) -> Step<()> {
        // Reads change nothing: a user from the session's pool.
        let user = self.pooled_user(true).await?;
        let req = self.request(Method::Get, &self.mfa_url(&user));
        // The answer is recorded; the read-backs that follow check it, and GET user besides.
        self.send_main(req).await?;
        self.judge_stored(&user, None, true, true).await
    }
}
