//! MFA-INVALID: invalid bodies are rejected with 400 and change nothing. The probe is shared
//! with MFA-FUZZ-01.

use crate::http::Exchange;

use super::super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// PUT `body` on a user whose value is `baseline`, then on one whose value is the
    /// opposite: a partial write shows whichever way it goes. The two users come from the
    /// session's pool (a rejected body changes nothing; src/suite/pool.rs).
    pub(super) async fn invalid_body(
        &mut self,
        body: &[u8],
        content_type: &str,
        baseline: bool,
    ) -> Step<()> {
        let users = self.pooled_users(&[baseline, !baseline]).await?;
        for (user, from) in users.into_iter().zip([baseline, !baseline]) {
            let seen = self.findings.len();
            let probed = self.invalid_probe(&user, body, content_type, from).await;
            self.add_context(seen, &format!("from baseline {from}"));
            probed?;
        }
        Ok(())
    }

    /// PUT an invalid body to `user`, whose value is `baseline`, and judge the answer by the
    /// row's [`Expect`](super::super::cases::Expect).
    pub(in crate::suite) async fn invalid_probe(
        &mut self,
        user: &str,
        body: &[u8],
        content_type: &str,
        baseline: bool,
    ) -> Step<Exchange> {
        let req = self.put_raw(user, body, Some(content_type));
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(user), None, baseline).await?;
        Ok(ex)
    }
}
