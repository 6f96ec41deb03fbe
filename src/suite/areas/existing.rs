//! MFA-EXISTING: toggle the existing user named by `PINGONE_TEST_USER_ID` and restore it.

use serde_json::Value;

use super::super::cases::Method;
use super::super::ctx::{Abort, CaseCtx, Step, lock};
use super::super::sources::READ_VALUE;

impl CaseCtx {
    pub(super) async fn existing_user(&mut self) -> Step<()> {
        let Some(user) = self.session.target.test_user_id.clone() else {
            self.skipped = Some("PINGONE_TEST_USER_ID is not set".into());
            return Ok(());
        };
        let ex = self
            .send(self.request(Method::Get, &self.mfa_url(&user)))
            .await?;
        self.check(&ex, &READ_VALUE);
        let Some(original) = ex
            .json()
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool))
        else {
            self.note_unjudged(
                "set-up: read PINGONE_TEST_USER_ID's mfaEnabled",
                "HTTP 200 with a Boolean mfaEnabled",
                self.summary(&ex),
                Some(&ex),
            );
            return Err(Abort);
        };
        // The original value goes to the state file before the first write, so that a run
        // killed from here on is put right by the next one (src/suite/guard.rs).
        if let Err(e) = self.session.guard().toggling(&user, original) {
            // Not a verdict on the API: the case cannot run safely, so it is inconclusive.
            self.error = Some(format!(
                "set-up: cannot record PINGONE_TEST_USER_ID's original value in the state file \
                 before toggling it: {e}"
            ));
            return Err(Abort);
        }
        lock(&self.shared).restore = Some((user.clone(), original));
        for v in [!original, original] {
            let ex = self.send_main(self.put_value(&user, v)).await?;
            self.judge(&ex, Some(&user), Some(v), !v).await?;
        }
        if self.findings.is_empty() {
            // The last PUT restored the value already.
            lock(&self.shared).restore = None;
            self.session.guard().restored(&user);
        }
        Ok(())
    }
}
