//! MFA-SIDE: what a PUT .../mfaEnabled must leave alone. Every GET user read-back of any case
//! also compares the user with its set-up snapshot (`checker.rs`); these cases are written for
//! it.

use serde_json::json;
use uuid::Uuid;

use serde_json::Value;

use super::super::cases::{Method, ReadBack, SideProbe};
use super::super::checker::{ONLY_MFA, show};
use super::super::ctx::{Abort, CaseCtx, Step};
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
                    ReadBack::Mfa,
                    "the bystander's own value",
                    ONLY_MFA,
                    false,
                )
                .await?;
                self.expect_untouched(&bystander).await
            }
        }
    }

    /// GET user of `user`, which nothing was sent to since its snapshot: exactly the snapshot,
    /// `updatedAt` and `mfaEnabled` included (a write by another request shows even when it
    /// wrote the same values).
    async fn expect_untouched(&mut self, user: &str) -> Step<()> {
        let Some(before) = self.snapshots.get(user).cloned() else {
            // Set-up keeps one of every user it makes, or stops the case: never compare with
            // nothing.
            self.note_unjudged(
                "set-up: the bystander's snapshot",
                "GET user of the bystander kept after set-up",
                "no snapshot",
                None,
            );
            return Err(Abort);
        };
        let ex = self
            .send(self.request(Method::Get, &self.user_url(user)))
            .await?;
        let after = ex.json().unwrap_or(Value::Null);
        let mut changed = Vec::new();
        if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys
                .into_iter()
                .filter(|k| *k != "_links" && *k != "_embedded")
            {
                if b.get(k) != a.get(k) {
                    changed.push(format!("{k}: {} -> {}", show(b.get(k)), show(a.get(k))));
                }
            }
        } else {
            changed.push(ex.summary());
        }
        self.ensure(
            changed.is_empty(),
            ONLY_MFA,
            "GET user: the bystander reads exactly as before",
            "every attribute, updatedAt and mfaEnabled included, as after set-up",
            || crate::http::excerpt(&changed.join("; "), 400),
            Some(&ex),
        );
        Ok(())
    }
}
