//! MFA-USER: the neighbouring user operations the docs name (Create User sets mfaEnabled,
//! Update User cannot).

use serde_json::{Value, json};

use super::super::cases::{Method, UserContent};
use super::super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// Create User (`content`) with mfaEnabled `mfa`.
    pub(super) async fn create_user_case(&mut self, content: UserContent, mfa: bool) -> Step<()> {
        let (id, ex) = self.create_user(Some(mfa), content).await?;
        self.record(&ex);
        self.judge(&ex, id.as_deref(), Some(mfa), !mfa).await
    }

    /// Update User (`method`: PUT or PATCH) with mfaEnabled true on a user whose value is
    /// false; PUT carries the user's username and email besides.
    pub(super) async fn update_user(&mut self, method: Method) -> Step<()> {
        let user = self.user_with(false).await?;
        // The set-up snapshot is the user as it is (set-up stops the case without one).
        let current = self.snapshots.get(&user).cloned().unwrap_or(Value::Null);
        let mut body = json!({"nickname": "conformance-probe", "mfaEnabled": true});
        if method == Method::Put {
            for key in ["username", "email"] {
                if let Some(v) = current.get(key) {
                    body[key] = v.clone();
                }
            }
        }
        let req = self.request(method, &self.user_url(&user)).json(&body);
        let ex = self.send_main(req).await?;
        // Update User changes the nickname on purpose: no comparison with the set-up snapshot.
        self.snapshots.remove(&user);
        self.judge(&ex, Some(&user), Some(true), false).await
    }
}
