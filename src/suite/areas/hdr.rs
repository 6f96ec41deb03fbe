//! MFA-HDR: request headers (Content-Type).

use super::super::ctx::{CaseCtx, Step};

const BODY_TRUE: &[u8] = b"{\"mfaEnabled\": true}";

impl CaseCtx {
    /// PUT `{"mfaEnabled": true}` with Content-Type `ct` (`None`: no header).
    pub(super) async fn wrong_content_type(&mut self, ct: Option<&str>) -> Step<()> {
        let user = self.user_with(false).await?;
        let req = self.put_raw(&user, BODY_TRUE, ct);
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(&user), Some(true), false).await
    }

    /// PUT `{"mfaEnabled": true}` with `application/json; charset=utf-8`.
    pub(super) async fn charset_parameter(&mut self) -> Step<()> {
        self.wrong_content_type(Some("application/json; charset=utf-8"))
            .await
    }
}
