//! Reading a user listing (Read All Users, `GET .../users?filter=…&limit=…`) the one way every
//! listing of the suite needs it: MFA-PRIV-04's check that no user was created, the lookup of
//! a user a lost Create User answer may have made ([`super::session::Session::find_user`]) and
//! the sweep (`crate::results::sweep`).
//!
//! **The server's filter is never trusted.** A server may ignore `filter` and list everyone (or
//! apply it its own way: PingOne compares usernames ignoring case), so each caller checks every
//! listed user itself ([`username_is`], [`made_by_run`], the sweep's own rules), and a count is
//! a count of the users the caller recognised: never the size of a page, nor the server's
//! `count`.
//!
//! **Paging.** Every page is read: the next one is `_links.next.href`, followed only under the
//! API URL (a link elsewhere ends the listing, with a note), never to a page already read (a
//! server that links back ends there), at most [`MAX_PAGES`] pages; an empty page is the last.
//! A listing that ended early says why ([`Listing::cut_short`]), so that a caller that found
//! nothing does not conclude that there is nothing.

use std::collections::HashSet;

use serde_json::Value;

use crate::http::Exchange;

use super::session::{MARKER_ATTRIBUTE, Session, marker, run_of};

/// Most pages one listing reads; a server that pages forever is cut off.
pub(crate) const MAX_PAGES: usize = 1000;

/// `limit` of a listing that expects one user or none (PingOne's default page size).
pub(crate) const PAGE_SIZE: u32 = 100;

/// One listing, page by page: `while let Some(url) = listing.next_url()`, send a GET to `url`,
/// and hand the answer to [`Listing::page`] for its users.
#[derive(Debug)]
pub(crate) struct Listing {
    api_url: String,
    next: Option<String>,
    read: HashSet<String>,
    /// The server's `count` on the first page (all users it says match; not to be trusted as
    /// a count of anything the caller looks for).
    pub(crate) count: Option<u64>,
    /// Why the listing ended before its last page, if it did.
    pub(crate) cut_short: Option<String>,
}

impl Listing {
    /// A listing of the session's environment's users with this SCIM `filter`, `limit` (1 to
    /// 1000) to a page.
    pub(crate) fn new(session: &Session, filter: &str, limit: u32) -> Listing {
        let first = session.env_url(&format!(
            "/users?filter={}&limit={}",
            crate::wire::form_encode(filter),
            limit.clamp(1, 1000)
        ));
        Listing {
            api_url: session.target.api_url.clone(),
            next: Some(first),
            read: HashSet::new(),
            count: None,
            cut_short: None,
        }
    }

    /// The URL of the next page to read, or `None` once the listing has ended.
    pub(crate) fn next_url(&mut self) -> Option<String> {
        let url = self.next.take()?;
        if self.read.len() >= MAX_PAGES {
            self.cut_short = Some(format!("stopped after {MAX_PAGES} pages"));
            return None;
        }
        if !self.read.insert(url.clone()) {
            self.cut_short = Some(format!(
                "the next-page link {url} leads back to a page already read"
            ));
            return None;
        }
        Some(url)
    }

    /// The users on the page `ex` answered for [`Listing::next_url`]'s URL, every one of them
    /// (whether it matches the filter is the caller's to check); notes the next page.
    pub(crate) fn page(&mut self, ex: &Exchange) -> Result<Vec<Value>, String> {
        if ex.status != 200 {
            return Err(format!("listing users answered {}", ex.summary()));
        }
        let body = ex
            .json()
            .ok_or_else(|| format!("listing users answered non-JSON: {}", ex.summary()))?;
        if self.count.is_none() {
            self.count = body.get("count").and_then(Value::as_u64);
        }
        let users = body
            .pointer("/_embedded/users")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        self.next = match body.pointer("/_links/next/href").and_then(Value::as_str) {
            _ if users.is_empty() => None,
            None => None,
            Some(next) if next.starts_with(&format!("{}/", self.api_url)) => Some(next.to_string()),
            Some(next) => {
                self.cut_short = Some(format!(
                    "not following the next-page link {next}: it is not under {}",
                    self.api_url
                ));
                None
            }
        };
        Ok(users)
    }
}

/// Whether a listed user has this username (PingOne's usernames are unique ignoring case).
pub(crate) fn username_is(user: &Value, username: &str) -> bool {
    user.get("username")
        .and_then(Value::as_str)
        .is_some_and(|u| u.eq_ignore_ascii_case(username))
}

/// Whether a listed user carries the marks of the suite's run that named it: a username with a
/// run id and that run's marker in [`MARKER_ATTRIBUTE`] (see `session::new_user`).
pub(crate) fn made_by_run(user: &Value) -> bool {
    let Some(run) = user
        .get("username")
        .and_then(Value::as_str)
        .and_then(run_of)
    else {
        return false;
    };
    user.get(MARKER_ATTRIBUTE).and_then(Value::as_str) == Some(marker(run).as_str())
}

/// A listed user's id.
pub(crate) fn id_of(user: &Value) -> Option<String> {
    user.get("id").and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_user_is_recognised_by_its_own_attributes() {
        let name = "conformance-0a1b2c3d-read-01-0123456789ab";
        let user = json!({"id": "u", "username": name.to_uppercase(), "title": marker("0a1b2c3d")});
        assert!(username_is(&user, name));
        assert!(!username_is(&json!({"username": "alice"}), name));
        assert!(!username_is(&json!({}), name));
        // The run id is read from the username as listed, and must be lower-case hex.
        assert!(!made_by_run(&user));
        let user = json!({"username": name, "title": marker("0a1b2c3d")});
        assert!(made_by_run(&user));
        assert!(!made_by_run(
            &json!({"username": name, "title": marker("ffffffff")})
        ));
        assert!(!made_by_run(&json!({"username": name})));
        assert!(!made_by_run(
            &json!({"username": "alice", "title": marker("0a1b2c3d")})
        ));
        assert_eq!(id_of(&json!({"id": "u"})).as_deref(), Some("u"));
    }
}
