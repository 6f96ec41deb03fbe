//! MFA-BODY: valid bodies, written and read back.

use serde_json::{Value, json};

use super::super::cases::Method;
use super::super::ctx::{Abort, CaseCtx, Step};
use super::super::sources::READ_VALUE;

impl CaseCtx {
    /// PUT each value in turn, from the opposite baseline.
    pub(super) async fn set_values(&mut self, values: &[bool]) -> Step<()> {
        let user = self.user_with(!values[0]).await?;
        for &v in values {
            let ex = self.send_main(self.put_value(&user, v)).await?;
            self.judge(&ex, Some(&user), Some(v), !v).await?;
        }
        Ok(())
    }

    /// PUT true with one unknown property besides mfaEnabled.
    pub(super) async fn extra_property(&mut self) -> Step<()> {
        let user = self.user_with(false).await?;
        let body = json!({"mfaEnabled": true, "conformanceProbe": "ignored"});
        let req = self.request(Method::Put, &self.mfa_url(&user)).json(&body);
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(&user), Some(true), false).await
    }

    /// GET the representation, flip mfaEnabled, PUT it back with its `_links`.
    pub(super) async fn links_round_trip(&mut self) -> Step<()> {
        let user = self.user_with(false).await?;
        let ex = self
            .send(self.request(Method::Get, &self.mfa_url(&user)))
            .await?;
        self.check(&ex, &READ_VALUE);
        let Some(mut body) = ex.json().filter(Value::is_object) else {
            return Err(Abort);
        };
        body["mfaEnabled"] = json!(true);
        let req = self.request(Method::Put, &self.mfa_url(&user)).json(&body);
        let ex = self.send_main(req).await?;
        self.judge(&ex, Some(&user), Some(true), false).await
    }
}
