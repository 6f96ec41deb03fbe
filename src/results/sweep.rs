//! The sweep: find, and on request delete, users a crashed run left behind.
//!
//! Every user the suite creates has a username starting with
//! [`crate::suite::session::USER_PREFIX`] (`conformance-`), and the runner deletes
//! it when the case ends. A run that dies half-way (killed job, timeout) leaves its users; the
//! nightly workflow sweeps before each run. Like Terraform's sweepers (facts §6), the sweep
//! lists by name prefix, here `GET users?filter=username sw "conformance-"&limit=N`, following
//! `_links.next` when the server pages with cursors (`crate::suite::listing`), and deletes with
//! `DELETE users/{id}`.
//!
//! It never touches another user. The server's filter is checked again on the client. A listed
//! user whose username does not even start with `conformance-` ignoring case is one the filter
//! excludes (the server ignored it): it is counted, never named, never a candidate. Otherwise a
//! user is
//! a candidate only if its username starts with exactly `conformance-` (case-sensitive, although
//! PingOne filters case-insensitively) followed by a run id (`conformance-<8 hex>-...`), its
//! `title` is that run's marker (both set by the suite at creation, see
//! [`crate::suite::session::new_user`]), its id is a UUID, it belongs to the environment under
//! test, it is not `PINGONE_TEST_USER_ID`, and (with `older_than`) it is old enough. Everything
//! else is listed as kept, with the reason. Without `delete` nothing is deleted.
//!
//! The session is opened like the suite's, so a PRODUCTION environment is refused the same way.
//! Against the embedded mock (nothing configured) there is nothing to sweep: it starts empty
//! for every run.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use uuid::Uuid;

use crate::http::Request;
use crate::suite::listing::Listing;
use crate::suite::session::{MARKER_ATTRIBUTE, USER_PREFIX, marker, run_of};
use crate::suite::{Session, TargetKind};

/// Most passes (each reads at most `listing::MAX_PAGES` pages).
const MAX_PASSES: usize = 100;

/// How to sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepOptions {
    /// Delete the candidates; `false` only lists them (dry run).
    pub delete: bool,
    /// `limit` of each list request, 1 to 1000.
    pub page_size: u32,
    /// Only users created at least this long ago are candidates, so that a run in progress
    /// elsewhere keeps its users. `None`: any age.
    pub older_than: Option<Duration>,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            delete: false,
            page_size: 100,
            older_than: None,
        }
    }
}

/// A user the server listed for the prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// User id.
    pub id: String,
    /// Username.
    pub username: String,
    /// `createdAt`, if the server sent it.
    pub created_at: Option<String>,
}

/// What the sweep did with a listed user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A candidate, not deleted (dry run).
    WouldDelete,
    /// Deleted (204).
    Deleted,
    /// The delete answered 404: already gone.
    AlreadyGone,
    /// Not a candidate, with the reason.
    Kept(String),
    /// The delete failed, with the answer.
    Failed(String),
}

/// What a sweep found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// API base URL.
    pub api_url: String,
    /// Environment swept.
    pub environment_id: String,
    /// Whether deletes were requested.
    pub delete: bool,
    /// Every user the server listed within the filter, with what happened to it, in listing
    /// order.
    pub users: Vec<(Listed, Action)>,
    /// Users the server listed although the filter excludes them (their username does not
    /// start with `conformance-`, ignoring case: a server that ignores `filter`). Left alone and
    /// not named: they are other people's accounts.
    pub outside_filter: usize,
    /// Remarks (embedded mock, incomplete paging).
    pub notes: Vec<String>,
    /// Problems that stopped listing.
    pub errors: Vec<String>,
}

impl SweepReport {
    /// Users with this action.
    pub fn with(&self, pred: impl Fn(&Action) -> bool) -> Vec<&Listed> {
        self.users
            .iter()
            .filter(|(_, a)| pred(a))
            .map(|(u, _)| u)
            .collect()
    }

    /// Ids of the users deleted (or found already gone).
    pub fn deleted_ids(&self) -> Vec<&str> {
        self.with(|a| matches!(a, Action::Deleted | Action::AlreadyGone))
            .into_iter()
            .map(|u| u.id.as_str())
            .collect()
    }

    /// Number of candidates: users deleted, already gone, failed or that would be deleted.
    pub fn candidates(&self) -> usize {
        self.with(|a| !matches!(a, Action::Kept(_))).len()
    }

    /// Whether everything went through: no listing error and no failed delete.
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.with(|a| matches!(a, Action::Failed(_))).is_empty()
    }

    /// A plain-text account, one line per user.
    pub fn render(&self) -> String {
        let n = self.candidates();
        let mut s = format!(
            "sweep: environment {} at {}: {n} user{} named {USER_PREFIX}*",
            self.environment_id,
            self.api_url,
            if n == 1 { "" } else { "s" }
        );
        if !self.delete {
            s.push_str(" (dry run: nothing deleted; pass --delete to delete them)");
        }
        s.push('\n');
        for (u, action) in &self.users {
            let what = match action {
                Action::WouldDelete => "would delete".to_string(),
                Action::Deleted => "deleted".to_string(),
                Action::AlreadyGone => "already gone".to_string(),
                Action::Kept(why) => format!("kept ({why})"),
                Action::Failed(why) => format!("FAILED to delete: {why}"),
            };
            let created = u
                .created_at
                .as_deref()
                .map(|c| format!(" created {c}"))
                .unwrap_or_default();
            let _ = writeln!(s, "  {what}: {} {}{created}", u.id, u.username);
        }
        for note in &self.notes {
            let _ = writeln!(s, "note: {note}");
        }
        for e in &self.errors {
            let _ = writeln!(s, "error: {e}");
        }
        s
    }
}

/// Sweep with the default options: list (and with `delete`, delete) every `conformance-` user.
pub async fn sweep(session: &Session, delete: bool) -> SweepReport {
    sweep_with(
        session,
        &SweepOptions {
            delete,
            ..SweepOptions::default()
        },
    )
    .await
}

/// Sweep with these options.
pub async fn sweep_with(session: &Session, options: &SweepOptions) -> SweepReport {
    let mut report = SweepReport {
        api_url: session.target.api_url.clone(),
        environment_id: session.target.environment_id.clone(),
        delete: options.delete,
        ..SweepReport::default()
    };
    // Test user values a killed run left flipped, put back when the session opened.
    report.notes.extend(session.notices.iter().cloned());
    if session.target.kind == TargetKind::EmbeddedMock {
        report.notes.push(
            "nothing configured: the embedded mock starts empty for every run, so no user can \
             be left behind; set the PINGONE_* variables to sweep a tenant"
                .to_string(),
        );
        return report;
    }
    let mut seen = HashSet::new();
    let mut reported = 0u64;
    for _ in 0..MAX_PASSES {
        let before = report.deleted_ids().len();
        match list_pass(session, options, &mut seen, &mut report).await {
            Ok(count) => reported = count,
            Err(e) => {
                report.errors.push(e);
                return report;
            }
        }
        // Without cursor links a server shows only the first page; deleting it uncovers the
        // next, so delete passes repeat while they make progress.
        if !options.delete || report.deleted_ids().len() == before {
            break;
        }
    }
    let listed = seen.len() as u64;
    let stays = (report
        .with(|a| matches!(a, Action::Kept(_) | Action::Failed(_)))
        .len()
        + report.outside_filter) as u64;
    let unlisted = if options.delete {
        reported.saturating_sub(stays)
    } else {
        reported.saturating_sub(listed)
    };
    if report.outside_filter > 0 {
        let n = report.outside_filter;
        report.notes.push(format!(
            "the server also listed {n} user{} whose username does not start with \
             {USER_PREFIX:?} (it ignored the filter): left alone and not shown",
            if n == 1 { "" } else { "s" }
        ));
    }
    if unlisted > 0 {
        report.notes.push(format!(
            "the server reports {reported} matching user{} of which {unlisted} were not listed \
             (no link to a next page); run again{}",
            if reported == 1 { "" } else { "s" },
            if options.delete {
                ""
            } else {
                " with a larger --page-size"
            }
        ));
    }
    report
}

/// List every page once, handling each user not seen before; returns the server's `count` of
/// the first page.
async fn list_pass(
    session: &Session,
    options: &SweepOptions,
    seen: &mut HashSet<String>,
    report: &mut SweepReport,
) -> Result<u64, String> {
    let filter = format!("username sw \"{USER_PREFIX}\"");
    let mut listing = Listing::new(session, &filter, options.page_size);
    while let Some(url) = listing.next_url() {
        let ex = session
            .send(Request::new("GET", &url))
            .await
            .map_err(|e| format!("listing users failed: {e}"))?;
        let users = listing.page(&ex).map_err(|e| {
            format!(
                "{e}; the worker app needs a role that can read users (Identity Data Admin), \
                 see docs/ci.md"
            )
        })?;
        for user in &users {
            let listed = Listed {
                id: str_at(user, "/id"),
                username: str_at(user, "/username"),
                created_at: user
                    .get("createdAt")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            };
            if !seen.insert(listed.id.clone()) {
                continue;
            }
            if !starts_with_ignoring_case(&listed.username, USER_PREFIX) {
                report.outside_filter += 1;
                continue;
            }
            let action = match keep_reason(session, options, user, &listed) {
                Some(why) => Action::Kept(why),
                None if !options.delete => Action::WouldDelete,
                None => delete(session, &listed.id).await,
            };
            report.users.push((listed, action));
        }
    }
    report.notes.extend(listing.cut_short);
    Ok(listing.count.unwrap_or(0))
}

/// Whether `s` starts with `prefix`, ignoring ASCII case (as PingOne's `sw` compares).
fn starts_with_ignoring_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Why a listed user is not a candidate, if it is not.
fn keep_reason(
    session: &Session,
    options: &SweepOptions,
    user: &Value,
    listed: &Listed,
) -> Option<String> {
    if !listed.username.starts_with(USER_PREFIX) {
        return Some(format!("username does not start with {USER_PREFIX:?}"));
    }
    if session.target.test_user_id.as_deref() == Some(listed.id.as_str()) {
        return Some("it is PINGONE_TEST_USER_ID".to_string());
    }
    // The run marker: a run id in the username and the same run's marker in `title`, both set
    // by the suite at creation, so an account someone named `conformance-...` by hand stays.
    let Some(run) = run_of(&listed.username) else {
        return Some(format!(
            "no run id in the username ({USER_PREFIX}<8 hex digits>-...): not made by this suite"
        ));
    };
    if user.get(MARKER_ATTRIBUTE).and_then(Value::as_str) != Some(marker(run).as_str()) {
        return Some(format!(
            "{MARKER_ATTRIBUTE} is not the suite's marker of run {run}: not made by this suite"
        ));
    }
    if Uuid::parse_str(&listed.id).is_err() {
        return Some("id is not a UUID".to_string());
    }
    if let Some(env) = user.pointer("/environment/id").and_then(Value::as_str)
        && env != session.target.environment_id
    {
        return Some(format!("belongs to environment {env}"));
    }
    if let Some(min_age) = options.older_than {
        let created = listed.created_at.as_deref().and_then(super::parse_rfc3339);
        let Some(created) = created else {
            return Some("no readable createdAt to check the minimum age".to_string());
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let age = now - created;
        // A minimum age beyond i64 seconds keeps everything rather than wrapping to "any age".
        if age < i64::try_from(min_age.as_secs()).unwrap_or(i64::MAX) {
            return Some(format!(
                "created {} min ago, younger than {} min",
                age.max(0) / 60,
                min_age.as_secs() / 60
            ));
        }
    }
    None
}

async fn delete(session: &Session, id: &str) -> Action {
    match session
        .send(Request::new(
            "DELETE",
            session.env_url(&format!("/users/{id}")),
        ))
        .await
    {
        Ok(ex) if ex.status == 204 || ex.status == 200 => Action::Deleted,
        Ok(ex) if ex.status == 404 => Action::AlreadyGone,
        Ok(ex) => Action::Failed(ex.summary()),
        Err(e) => Action::Failed(e.message),
    }
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
