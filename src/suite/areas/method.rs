//! MFA-METHOD: methods .../mfaEnabled does not support.

use serde_json::json;

use super::super::cases::Method;
use super::super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// `method` on .../mfaEnabled of a user whose value is `baseline`; a method other than
    /// DELETE carries the opposite value.
    pub(super) async fn unsupported_method(&mut self, method: Method, baseline: bool) -> Step<()> {
        // A refused method changes nothing: a user from the session's pool.
        let user = self.pooled_user(baseline).await?;
        let mut req = self.request(method, &self.mfa_url(&user));
        let sent = (method != Method::Delete).then_some(!baseline);
        if let Some(value) = sent {
            req = req.json(&json!({ "mfaEnabled": value }));
        }
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(&user), sent, baseline).await
    }
}
