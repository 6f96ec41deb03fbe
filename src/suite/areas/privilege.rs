//! MFA-PRIV: a worker whose role may read users but not update them
//! (`PINGONE_READONLY_CLIENT_ID`): its token is refused on every write and changes nothing;
//! it may read.

use serde_json::{Value, json};

use crate::http::{Exchange, Request};
use crate::secret::Secret;

use super::super::cases::{Method, ReadonlyProbe, UserContent};
use super::super::ctx::{Abort, CaseCtx, Step, lock};
use super::super::listing::{Listing, PAGE_SIZE, id_of, username_is};
use super::super::session::{SessionError, keep_on_put, new_user};

impl CaseCtx {
    pub(super) async fn readonly(&mut self, probe: ReadonlyProbe) -> Step<()> {
        if self.session.target.readonly_client.is_none() {
            self.skipped = Some(
                "PINGONE_READONLY_CLIENT_ID and PINGONE_READONLY_CLIENT_SECRET are not set: \
                 no read-only worker to test least privilege with"
                    .into(),
            );
            return Ok(());
        }
        // The read-only worker's writes are refused and its reads change nothing: its cases
        // take users from the session's pool.
        match probe {
            ReadonlyProbe::PutMfa => {
                let user = self.pooled_user(false).await?;
                let ex = self.send_readonly(self.put_value(&user, true)).await?;
                self.record(&ex);
                self.judge(&ex, Some(&user), Some(true), false).await
            }
            ReadonlyProbe::UpdateUser(method) => {
                let user = self.pooled_user(false).await?;
                let mut body = json!({"nickname": "conformance-readonly-probe"});
                if method == Method::Put
                    && let Some(before) = self.snapshots.get(&user)
                {
                    keep_on_put(&mut body, before);
                }
                let req = self.request(method, &self.user_url(&user)).json(&body);
                let ex = self.send_readonly(req).await?;
                self.record(&ex);
                self.judge(&ex, Some(&user), None, false).await
            }
            ReadonlyProbe::CreateUser => {
                // Named and marked like every user the suite creates, so that one made despite
                // the refusal is found by the check below and, if all else fails, by the sweep.
                let (username, mut body) = new_user("priv-04");
                if let Some(p) = &self.session.target.population_id {
                    body["population"] = json!({ "id": p });
                }
                // Sent again after a lost answer like a read: usernames are unique in an
                // environment, so a second POST cannot make a second user.
                let req = self
                    .request(Method::Post, &self.session.env_url("/users"))
                    .body(body.to_string().into_bytes())
                    .header("Content-Type", UserContent::Json.media_type())
                    .retry_safe(true);
                let ex = self.send_readonly(req).await?;
                self.record(&ex);
                // A user created anyway is deleted by the clean-up.
                if let Some(id) = ex
                    .json()
                    .filter(|_| (200..300).contains(&ex.status))
                    .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string))
                {
                    lock(&self.shared).created.push(id);
                }
                self.judge(&ex, None, None, false).await?;
                self.expect_no_user_named(&username).await
            }
            ReadonlyProbe::Read => {
                let user = self.pooled_user(true).await?;
                let req = self.request(Method::Get, &self.mfa_url(&user));
                let ex = self.send_readonly(req).await?;
                self.record(&ex);
                self.expect_answer(
                    &ex,
                    &self.case.expect,
                    Some(true),
                    "the read-only worker reads the stored value",
                );
                Ok(())
            }
        }
    }

    /// Send `req` with the read-only worker's token (shared by the cases, as the session's
    /// own); a 401 (the token may have expired while the request waited) is tried once more
    /// with a new one.
    async fn send_readonly(&mut self, req: Request) -> Step<Exchange> {
        // Fetched here first, so that a worker refused a token is told from an outage; the
        // request then takes the cached token when it has its place in the window.
        self.readonly_token(false).await?;
        let ex = self.send_as_readonly(req.clone()).await?;
        if ex.status != 401 {
            return Ok(ex);
        }
        self.readonly_token(true).await?;
        self.send_as_readonly(req).await
    }

    /// A token of the read-only worker: the session's cached one, or with `renew` a new one.
    async fn readonly_token(&mut self, renew: bool) -> Step<Secret> {
        match self.session.readonly_bearer(renew).await {
            Some(Ok(token)) => Ok(token),
            Some(Err(SessionError::Unavailable(why) | SessionError::Certificate(why))) => {
                // No verdict: the target is not there to refuse anything.
                self.error = Some(why);
                Err(Abort)
            }
            other => {
                let e = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "no read-only worker configured".to_string(),
                };
                self.note_unjudged(
                    "set-up: a token for the read-only worker",
                    "HTTP 200 with an access_token",
                    e,
                    None,
                );
                Err(Abort)
            }
        }
    }

    /// List users filtered by `username` with the session's token: none has it. Every page is
    /// read and each listed user's name checked here (a server may ignore the filter and list
    /// everyone); a user found is deleted by the clean-up. A list that cannot be read to its
    /// end leaves the check unmade, which fails the case as a set-up failure.
    async fn expect_no_user_named(&mut self, username: &str) -> Step<()> {
        let filter = format!("username eq \"{username}\"");
        let mut listing = Listing::new(&self.session, &filter, PAGE_SIZE);
        let mut found = Vec::new();
        let mut last = None;
        while let Some(url) = listing.next_url() {
            let ex = self.send(self.request(Method::Get, &url)).await?;
            match listing.page(&ex) {
                Ok(users) => found.extend(
                    users
                        .iter()
                        .filter(|u| username_is(u, username))
                        .map(|u| id_of(u).unwrap_or_default()),
                ),
                Err(why) => {
                    self.note_unjudged(LIST_CHECK, "HTTP 200 with a user list", why, Some(&ex));
                    return Err(Abort);
                }
            }
            last = Some(ex);
        }
        if let Some(why) = listing.cut_short.filter(|_| found.is_empty()) {
            self.note_unjudged(
                LIST_CHECK,
                "every page of the user list",
                why,
                last.as_ref(),
            );
            return Err(Abort);
        }
        {
            let mut shared = lock(&self.shared);
            for id in found.iter().filter(|id| !id.is_empty()) {
                if !shared.created.contains(id) {
                    shared.created.push(id.clone());
                }
            }
        }
        let grade = self.case.expect.procedure_grade();
        self.ensure(
            found.is_empty(),
            grade,
            "no user was created",
            format!("no user named {username}"),
            || format!("{} user(s) named {username}", found.len()),
            last.as_ref(),
        );
        Ok(())
    }
}

/// The set-up step that lists users for MFA-PRIV-04's check.
const LIST_CHECK: &str = "set-up: list users to check that none was created";
