//! MFA-SIDE: what a PUT .../mfaEnabled must leave alone. Every GET user read-back of any case
//! also compares the user with its set-up snapshot (`checker.rs`); these cases are written for
//! it.

use serde_json::json;
use uuid::Uuid;

use super::super::cases::{Method, ReadBack, SideProbe};
use super::super::checker::ONLY_MFA;
use super::super::ctx::{CaseCtx, Step};
use super::super::session::USER_PREFIX;

impl CaseCtx {
    pub(super) async fn side_effects(&mut self, probe: SideProbe) -> Step<()> {
        match probe {
            SideProbe::OtherAttributes => {
                let user = self.user_with(false).await?;
                for v in [true, false] {
                    let ex = self.send_main(self.put_value(&user, v)).await?;
                    self.judge(&ex, Some(&user), Some(v), !v).await?;
                }
                Ok(())
            }
            SideProbe::ExtraAttributes => {
                let user = self.user_with(false).await?;
                let renamed = format!(
                    "{USER_PREFIX}renamed-{}",
                    &Uuid::new_v4().simple().to_string()[..12]
                );
                let body = json!({
                    "mfaEnabled": true,
                    "enabled": false,
                    "username": renamed,
                    "email": format!("{renamed}@example.com"),
                    "lifecycle": {"status": "VERIFICATION_REQUIRED"},
                    "name": {"given": "Conformance", "family": "Probe"},
                });
                let req = self.request(Method::Put, &self.mfa_url(&user)).json(&body);
                let ex = self.send_main(req).await?;
                let accepted = (200..300).contains(&ex.status);
                self.judge(&ex, Some(&user), Some(true), false).await?;
                // An accepted write read GET user back already, and compared it.
                if !accepted {
                    self.expect_user_unchanged(&user).await?;
                }
                Ok(())
            }
            SideProbe::Bystander => {
                let bystander = self.user_with(false).await?;
                let user = self.user_with(false).await?;
                let ex = self.send_main(self.put_value(&user, true)).await?;
                self.judge(&ex, Some(&user), Some(true), false).await?;
                self.expect_stored(
                    &bystander,
                    false,
                    ReadBack::MfaAndUser,
                    "the bystander's own value",
                    ONLY_MFA,
                    false,
                )
                .await
            }
        }
    }
}
