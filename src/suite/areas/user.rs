//! MFA-USER: the neighbouring user operations the docs name (Create User sets mfaEnabled,
//! Update User cannot).

use serde_json::{Value, json};

use super::super::cases::{Method, UserContent};
use super::super::ctx::{CaseCtx, Step};
use super::super::session::keep_on_put;

impl CaseCtx {
    /// Create User (`content`) with mfaEnabled `mfa`.
    pub(super) async fn create_user_case(&mut self, content: UserContent, mfa: bool) -> Step<()> {
        let (id, ex) = self.create_user(Some(mfa), content).await?;
        self.record(&ex);
        self.judge(&ex, id.as_deref(), Some(mfa), !mfa).await
    }

    /// Update User (`method`: PUT or PATCH) with mfaEnabled true on a user whose value is
    /// false; PUT sends back what it must keep (`session::keep_on_put`).
    pub(super) async fn update_user(&mut self, method: Method) -> Step<()> {
        let user = self.user_with(false).await?;
        // The set-up snapshot is the user as it is (set-up stops the case without one).
        let current = self.snapshots.get(&user).cloned().unwrap_or(Value::Null);
        let mut body = json!({"nickname": "conformance-probe", "mfaEnabled": true});
        if method == Method::Put {
            keep_on_put(&mut body, &current);
        }
        let req = self.request(method, &self.user_url(&user)).json(&body);
        let ex = self.send_main(req).await?;
        // Update User changes the nickname on purpose: no comparison with the set-up snapshot.
        self.snapshots.remove(&user);
        self.judge(&ex, Some(&user), Some(true), false).await
    }
}
