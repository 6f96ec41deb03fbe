//! Real data stays safe when a run is cut short (issue 13).
//!
//! Every [`Session`](super::Session) owns a [`Guard`] that sees each request it sends: the users
//! it creates (a 2xx to `POST .../users` with an `id`) until they are deleted, and, while
//! MFA-EXISTING-01 has it toggled, the original `mfaEnabled` of `PINGONE_TEST_USER_ID`
//! ([`Guard::toggling`], [`Guard::restored`]).
//!
//! # Interruption
//!
//! [`install_signal_handler`] (called by `tests/conformance.rs`, once per process, so under
//! nextest each test process handles its own) waits for SIGINT or SIGTERM on a thread of its
//! own. On the first one the process starts no new request (every session refuses to send), waits
//! for the requests in flight (at most one request timeout), restores the test user, deletes
//! every user still registered, prints what it did and exits with 130 (SIGINT) or 143 (SIGTERM).
//! A second signal exits at once.
//!
//! # The state file
//!
//! Before the test user is toggled its original value is written to
//! `target/pingone-conformance/test-user-<environment>-<user>.json` (`$CARGO_TARGET_DIR` instead
//! of `target` when set); the file goes when the value is back. A run killed outright (SIGKILL, a
//! power cut), or one whose restore the target refused (the run fails and names the user, its
//! original value and the file: [`Guard::restore_advice`]), leaves the file, and the next session
//! opened on the same environment (a run, or `conformance-report sweep`) puts the value back and
//! says so in [`Session::notices`]. A file whose process is still alive is left alone: that run
//! is in progress.
//!
//! [`Session::notices`]: super::Session::notices

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::http::{Exchange, HttpClient, Request, TransportError, is_stopping};

use super::session::{TargetInfo, TokenCache, send_with};

/// The directory of the state files: `$CARGO_TARGET_DIR/pingone-conformance`, else
/// `target/pingone-conformance` under the current directory.
pub fn state_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("pingone-conformance")
}

/// What a state file records while the test user is toggled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToggleState {
    /// API base URL of the target.
    pub api_url: String,
    /// Environment under test.
    pub environment_id: String,
    /// `PINGONE_TEST_USER_ID`.
    pub user_id: String,
    /// Its `mfaEnabled` before the run toggled it.
    pub original: bool,
    /// The process that toggled it.
    pub pid: u32,
    /// When, RFC 3339.
    pub written_at: String,
}

/// What one session created and toggled; see the module documentation.
pub struct Guard {
    target: TargetInfo,
    http: HttpClient,
    token: Arc<TokenCache>,
    state_dir: Option<PathBuf>,
    timeout: Duration,
    created: Mutex<BTreeSet<String>>,
    test_user: Mutex<Option<(String, bool)>>,
    in_flight: AtomicUsize,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("created", &*lock(&self.created))
            .field("test_user", &*lock(&self.test_user))
            .field("in_flight", &self.in_flight.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Every live guard of the process, for the signal handler.
static GUARDS: Mutex<Vec<Weak<Guard>>> = Mutex::new(Vec::new());

/// A request in flight; dropping it ends the count.
pub struct Flight<'a>(&'a AtomicUsize);

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Guard {
    /// A guard for a new session, registered for the signal handler.
    pub(super) fn register(
        target: TargetInfo,
        http: HttpClient,
        token: Arc<TokenCache>,
        state_dir: Option<PathBuf>,
        timeout: Duration,
    ) -> Arc<Guard> {
        let guard = Arc::new(Guard {
            target,
            http,
            token,
            state_dir,
            timeout,
            created: Mutex::new(BTreeSet::new()),
            test_user: Mutex::new(None),
            in_flight: AtomicUsize::new(0),
        });
        let mut all = lock(&GUARDS);
        all.retain(|g| g.strong_count() > 0);
        all.push(Arc::downgrade(&guard));
        guard
    }

    /// Count a request about to be sent, or `None` once the run is stopping.
    pub(super) fn begin(&self) -> Option<Flight<'_>> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let flight = Flight(&self.in_flight);
        (!is_stopping()).then_some(flight)
    }

    /// Register a user the answer created, forget one it deleted.
    pub(super) fn observe(&self, ex: &Exchange) {
        let users = format!(
            "{}/environments/{}/users",
            self.target.api_url, self.target.environment_id
        );
        let req = &ex.request;
        if req.method == "POST" && req.url == users && (200..300).contains(&ex.status) {
            if let Some(id) = ex
                .json()
                .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string))
            {
                lock(&self.created).insert(id);
            }
        } else if req.method == "DELETE"
            && (ex.status == 404 || (200..300).contains(&ex.status))
            && let Some(id) = req.url.strip_prefix(&format!("{users}/"))
        {
            lock(&self.created).remove(id);
        }
    }

    /// Users created through this session and not deleted yet.
    pub fn created(&self) -> Vec<String> {
        lock(&self.created).iter().cloned().collect()
    }

    /// Record, in the state file first, that `user` is about to be toggled away from `original`.
    ///
    /// # Errors
    ///
    /// The state file cannot be written: the caller must not toggle.
    pub fn toggling(&self, user: &str, original: bool) -> Result<(), String> {
        // Held first, so that an interruption that sees the state file also sees the user (a
        // restore of a value never toggled only writes the same value again).
        *lock(&self.test_user) = Some((user.to_string(), original));
        if let Some(path) = self.state_file(user) {
            let state = ToggleState {
                api_url: self.target.api_url.clone(),
                environment_id: self.target.environment_id.clone(),
                user_id: user.to_string(),
                original,
                pid: std::process::id(),
                written_at: crate::wire::rfc3339(std::time::SystemTime::now()),
            };
            let dir = path.parent().unwrap_or(Path::new("."));
            let text = serde_json::to_string_pretty(&state).unwrap_or_default();
            let written = std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))
                .and_then(|()| crate::files::write_atomically(&path, text.as_bytes()));
            if let Err(e) = written {
                *lock(&self.test_user) = None;
                return Err(e);
            }
        }
        Ok(())
    }

    /// `user` has its original value back: forget it and remove the state file.
    pub fn restored(&self, user: &str) {
        let mut held = lock(&self.test_user);
        if held.as_ref().is_some_and(|(u, _)| u == user) {
            *held = None;
        }
        if let Some(path) = self.state_file(user) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The test user toggled right now, with its original value.
    pub fn toggled(&self) -> Option<(String, bool)> {
        lock(&self.test_user).clone()
    }

    /// What to do about `user`'s value when it could not be put back: by hand, or (when this
    /// target has state files) let the next run put it back from the one that names it.
    pub fn restore_advice(&self, user: &str) -> String {
        match self.state_file(user) {
            Some(path) => format!(
                "set it by hand, or let the next run on this environment put it back from the \
                 state file {}, which keeps the original value",
                path.display()
            ),
            None => "set it by hand".to_string(),
        }
    }

    fn state_file(&self, user: &str) -> Option<PathBuf> {
        let dir = self.state_dir.as_ref()?;
        Some(dir.join(format!(
            "test-user-{}-{}.json",
            file_part(&self.target.environment_id),
            file_part(user)
        )))
    }

    /// Send without the interruption check (clean-up).
    async fn send_now(&self, request: Request) -> Result<Exchange, TransportError> {
        send_with(&self.target, &self.http, &self.token, request).await
    }

    fn mfa_url(&self, user: &str) -> String {
        format!(
            "{}/environments/{}/users/{user}/mfaEnabled",
            self.target.api_url, self.target.environment_id
        )
    }

    /// PUT `value` on `user` and read it back; `Err` says what went wrong.
    async fn put_back(&self, user: &str, value: bool) -> Result<(), String> {
        let put = Request::new("PUT", self.mfa_url(user))
            .json(&json!({ "mfaEnabled": value }))
            .clean_up();
        match self.send_now(put).await {
            Ok(ex) if (200..300).contains(&ex.status) => {}
            Ok(ex) => return Err(format!("PUT answered HTTP {}", ex.status)),
            Err(e) => return Err(format!("PUT failed: {}", e.message)),
        }
        match self
            .send_now(Request::new("GET", self.mfa_url(user)).clean_up())
            .await
        {
            Ok(ex) => {
                let read = ex
                    .json()
                    .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool));
                if ex.status == 200 && read == Some(value) {
                    Ok(())
                } else {
                    Err(format!(
                        "the read-back answered HTTP {} with mfaEnabled {}",
                        ex.status,
                        read.map_or("(none)".to_string(), |v| v.to_string())
                    ))
                }
            }
            Err(e) => Err(format!("the read-back failed: {}", e.message)),
        }
    }

    /// Wait until no request of this session is in flight, at most one request timeout and a
    /// little.
    async fn wait_idle(&self) {
        let until = Instant::now() + self.timeout + Duration::from_secs(2);
        while self.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Restore the test user and delete every registered user; one line per thing done, and
    /// whether all of it succeeded.
    pub async fn clean_up_now(&self) -> (Vec<String>, bool) {
        let mut lines = Vec::new();
        let mut ok = true;
        if let Some((user, original)) = self.toggled() {
            match self.put_back(&user, original).await {
                Ok(()) => {
                    self.restored(&user);
                    lines.push(format!(
                        "restored PINGONE_TEST_USER_ID {user} to mfaEnabled={original}"
                    ));
                }
                Err(e) => {
                    ok = false;
                    lines.push(format!(
                        "FAILED to restore PINGONE_TEST_USER_ID {user} to mfaEnabled={original} \
                         ({e}); {}",
                        self.restore_advice(&user)
                    ));
                }
            }
        }
        for user in self.created() {
            let req = Request::new(
                "DELETE",
                format!(
                    "{}/environments/{}/users/{user}",
                    self.target.api_url, self.target.environment_id
                ),
            )
            .clean_up();
            match self.send_now(req).await {
                Ok(ex) if ex.status == 404 || (200..300).contains(&ex.status) => {
                    lock(&self.created).remove(&user);
                    lines.push(format!("deleted user {user} created by this run"));
                }
                Ok(ex) => {
                    ok = false;
                    lines.push(format!(
                        "FAILED to delete user {user} (HTTP {}); `conformance-report sweep \
                         --delete` removes it later",
                        ex.status
                    ));
                }
                Err(e) => {
                    ok = false;
                    lines.push(format!(
                        "FAILED to delete user {user} ({}); `conformance-report sweep --delete` \
                         removes it later",
                        e.message
                    ));
                }
            }
        }
        (lines, ok)
    }

    /// Put back every test user value a killed run left flipped on this target (state files
    /// of processes no longer alive); one notice per value restored.
    ///
    /// # Errors
    ///
    /// A value could not be put back: the run must not start on top of it.
    pub(super) async fn restore_left_flipped(&self) -> Result<Vec<String>, String> {
        let Some(dir) = &self.state_dir else {
            return Ok(Vec::new());
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(Vec::new());
        };
        let mut notices = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(state) = std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| serde_json::from_str::<ToggleState>(&t).ok())
            else {
                continue;
            };
            if state.api_url != self.target.api_url
                || state.environment_id != self.target.environment_id
                || process_alive(state.pid)
            {
                continue;
            }
            self.put_back(&state.user_id, state.original)
                .await
                .map_err(|e| {
                    format!(
                        "an earlier run (process {}, {}) left PINGONE_TEST_USER_ID {} with \
                         mfaEnabled={} and putting back {} failed ({e}); set it by hand, then \
                         delete {}",
                        state.pid,
                        state.written_at,
                        state.user_id,
                        !state.original,
                        state.original,
                        path.display()
                    )
                })?;
            let _ = std::fs::remove_file(&path);
            // Killed, or its own restore failed: either way the file says what to put back.
            notices.push(format!(
                "an earlier run (process {}, {}) left PINGONE_TEST_USER_ID {} with mfaEnabled \
                 toggled; restored it to {} (state file {})",
                state.pid,
                state.written_at,
                state.user_id,
                state.original,
                path.display()
            ));
        }
        Ok(notices)
    }
}

/// Keep ids usable as file names.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether process `pid` still runs (Linux: `/proc/<pid>` exists; elsewhere only this process
/// counts as alive).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        false
    }
}

/// Stop, clean up every live session, and say what was done; the lines, and whether all went
/// well.
pub async fn interrupt_and_clean_up() -> (Vec<String>, bool) {
    crate::http::stop_new_requests();
    let guards: Vec<Arc<Guard>> = lock(&GUARDS).iter().filter_map(Weak::upgrade).collect();
    let mut lines = Vec::new();
    let mut ok = true;
    for guard in guards {
        guard.wait_idle().await;
        let (l, o) = guard.clean_up_now().await;
        lines.extend(l);
        ok &= o;
    }
    (lines, ok)
}

/// Once the run is interrupted, never return: the signal handler finishes the clean-up and
/// exits the process. A test calls this after its case, so that the harness does not finish
/// (and exit) while the clean-up is still under way.
pub fn hold_if_interrupted() {
    while is_stopping() {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Handle SIGINT and SIGTERM for the rest of the process (once; later calls do nothing): see
/// the module documentation. Returns once the handler listens.
pub fn install_signal_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let (ready, listening) = std::sync::mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("conformance-signals".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(handle_signals(ready));
            });
        if spawned.is_ok() {
            let _ = listening.recv_timeout(Duration::from_secs(5));
        }
    });
}

#[cfg(unix)]
async fn handle_signals(ready: std::sync::mpsc::Sender<()>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return;
    };
    let _ = ready.send(());
    let (name, code) = tokio::select! {
        _ = int.recv() => ("SIGINT", 130),
        _ = term.recv() => ("SIGTERM", 143),
    };
    say(&format!(
        "conformance: {name} received: starting no new requests, waiting for those in flight, \
         then restoring the test user and deleting the users this run created (send it again \
         to exit at once)"
    ));
    tokio::select! {
        (lines, ok) = interrupt_and_clean_up() => {
            for line in &lines {
                say(&format!("conformance:   {line}"));
            }
            say(&format!(
                "conformance: interrupted by {name}: {}; exiting with {code}",
                match (lines.is_empty(), ok) {
                    (true, _) => "nothing to restore or delete",
                    (false, true) => "clean-up complete",
                    (false, false) => "clean-up INCOMPLETE, see above",
                }
            ));
            std::process::exit(code);
        }
        _ = int.recv() => exit_at_once(code),
        _ = term.recv() => exit_at_once(code),
    }
}

#[cfg(not(unix))]
async fn handle_signals(ready: std::sync::mpsc::Sender<()>) {
    let _ = ready.send(());
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    say("conformance: Ctrl-C received: cleaning up (press it again to exit at once)");
    tokio::select! {
        (lines, _) = interrupt_and_clean_up() => {
            for line in &lines {
                say(&format!("conformance:   {line}"));
            }
            std::process::exit(130);
        }
        _ = tokio::signal::ctrl_c() => exit_at_once(130),
    }
}

fn exit_at_once(code: i32) -> ! {
    let left: Vec<String> = lock(&GUARDS)
        .iter()
        .filter_map(Weak::upgrade)
        .flat_map(|g| {
            let mut l: Vec<String> = g.created();
            if let Some((u, v)) = g.toggled() {
                l.push(format!(
                    "test user {u} (original mfaEnabled={v}, state file kept)"
                ));
            }
            l
        })
        .collect();
    say(&format!(
        "conformance: second signal: exiting at once; left behind: {}",
        if left.is_empty() {
            "nothing".to_string()
        } else {
            left.join(", ")
        }
    ));
    std::process::exit(code)
}

/// Straight to stderr, past any test harness capture.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
