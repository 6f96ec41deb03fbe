//! The mock's storage: users, the environment's MFA settings, live tokens and the rate-limit
//! window, each behind its own lock.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use serde_json::{Map, Value};
use uuid::Uuid;

use super::MockOptions;

/// A stored user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: Uuid,
    /// Insertion order: the stable order of the users list and its cursors.
    pub(crate) seq: u64,
    /// Mutable attributes as sent (username, email, name, ...), without read-only ones.
    pub(crate) attrs: Map<String, Value>,
    pub(crate) population_id: Uuid,
    pub(crate) enabled: bool,
    pub(crate) lifecycle_status: String,
    pub(crate) mfa_enabled: bool,
    /// The value before the last write (for the `stale-read` fault).
    pub(crate) previous_mfa_enabled: bool,
    /// The value at creation (for the `user-view-stale` fault).
    pub(crate) created_mfa_enabled: bool,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// When Create User made the user (for the `user-read-lags` fault); `None` for a user
    /// seeded at start or upserted by a fault.
    pub(crate) created: Option<Instant>,
}

impl User {
    pub(crate) fn username(&self) -> &str {
        self.attrs
            .get("username")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Write `mfaEnabled`, keeping the previous value for the `stale-read` fault.
    pub(crate) fn set_mfa_enabled(&mut self, value: bool) {
        self.previous_mfa_enabled = self.mfa_enabled;
        self.mfa_enabled = value;
    }
}

/// Whether a user other than `except` already has `name`, ignoring case (§5: usernames are
/// unique in an environment). Callers hold the users lock across this check and their write.
pub(crate) fn username_taken(
    users: &HashMap<Uuid, User>,
    name: &str,
    except: Option<Uuid>,
) -> bool {
    let lower = name.to_lowercase();
    users
        .values()
        .any(|u| Some(u.id) != except && u.username().to_lowercase() == lower)
}

/// Whether [`State::insert_user`] checks the username's uniqueness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Username {
    /// Refuse the insert when another user has the username (Create User).
    MustBeUnique,
    /// Insert regardless (seed users, the `unknown-user-upsert` fault).
    Unchecked,
}

/// What an access token allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    /// The worker app: read and write.
    ReadWrite,
    /// The read-only worker: reads only; writes answer 403 (issue 14).
    ReadOnly,
}

/// Shared state of one mock. Its `Debug` counts the live tokens and never prints them
/// (issue 13).
pub(crate) struct State {
    pub(crate) options: MockOptions,
    /// Externally visible API base, ending in `/v1`.
    pub(crate) api_base: String,
    /// `{api_base}/environments/{envID}/users/`, JSON-escaped, for the UserMFAEnabled fast path.
    pub(crate) users_href_json: String,
    /// Live access tokens: expiry and what the token may do.
    pub(crate) tokens: Mutex<HashMap<String, (Instant, Grant)>>,
    pub(crate) users: Mutex<HashMap<Uuid, User>>,
    /// The next [`User::seq`].
    pub(crate) next_seq: std::sync::atomic::AtomicU64,
    /// The environment's MFA settings (`GET/PUT /environments/{envID}/mfaSettings`) as last
    /// written; `users.mfaEnabled` is the default of new users (§1.4, §11.5).
    pub(crate) mfa_settings: Mutex<Map<String, Value>>,
    /// When the requests admitted in the last second arrived (a sliding window).
    pub(crate) rate: Mutex<VecDeque<Instant>>,
    /// The transient-fault switch and its request counter.
    pub(crate) flaky: super::flaky::Flaky,
    /// Hashes of the requests (method, URI, body) seen so far, for faults that answer a
    /// first attempt otherwise than a repeated one.
    pub(crate) seen: Mutex<HashSet<u64>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("options", &self.options)
            .field("api_base", &self.api_base)
            .field("tokens", &format_args!("{} live", lock(&self.tokens).len()))
            .field("users", &lock(&self.users).len())
            .finish_non_exhaustive()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic never happens while a lock is held; if one did, the data is still consistent
    // because every critical section is a single assignment.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Now as RFC 3339, the form of `createdAt` and `updatedAt`.
pub(crate) fn now() -> String {
    crate::wire::rfc3339(SystemTime::now())
}

impl State {
    pub(crate) fn new(options: MockOptions, api_base: String) -> State {
        let prefix = format!("{api_base}/environments/{}/users/", options.environment_id);
        let quoted = serde_json::to_string(&prefix).unwrap_or_default();
        State {
            flaky: super::flaky::Flaky::new(options.flaky),
            options,
            users_href_json: quoted.trim_matches('"').to_string(),
            api_base,
            tokens: Mutex::new(HashMap::new()),
            users: Mutex::new(HashMap::new()),
            next_seq: std::sync::atomic::AtomicU64::new(0),
            mfa_settings: Mutex::new(Map::new()),
            rate: Mutex::new(VecDeque::new()),
            seen: Mutex::new(HashSet::new()),
        }
        .with_initial_mfa_settings()
    }

    fn with_initial_mfa_settings(self) -> State {
        *lock(&self.mfa_settings) = self.initial_mfa_settings();
        self
    }

    /// The MFA settings of a new environment: PingOne's documented defaults, and
    /// `users.mfaEnabled` true unless `--mfa-disabled-by-default` (§1.4, §11.5).
    pub(crate) fn initial_mfa_settings(&self) -> Map<String, Value> {
        let mfa = !self.options.alternatives.mfa_disabled_by_default;
        let settings = serde_json::json!({
            "pairing": {"maxAllowedDevices": 5, "pairingKeyFormat": "ALPHANUMERIC"},
            "lockout": {"failureCount": 5, "durationSeconds": 600},
            "phoneExtensions": {"enabled": false},
            "users": {"mfaEnabled": mfa},
            "updatedAt": now(),
        });
        match settings {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// `users.mfaEnabled` of the MFA settings: what a new user gets when its creation request
    /// does not say.
    pub(crate) fn default_mfa_enabled(&self) -> bool {
        lock(&self.mfa_settings)
            .get("users")
            .and_then(|u| u.get("mfaEnabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Create the users of [`MockOptions::seed_users`]; their ids, in order.
    pub(crate) fn seed(&self) -> Vec<Uuid> {
        let seeds = self.options.seed_users.clone();
        seeds
            .into_iter()
            .filter_map(|(name, mfa)| {
                let mut attrs = Map::new();
                attrs.insert("username".into(), Value::String(name));
                self.insert_user(Uuid::new_v4(), attrs, mfa, None, Username::Unchecked)
                    .map(|u| u.id)
            })
            .collect()
    }

    /// Insert a user; with [`Username::MustBeUnique`], only if no other user has its username,
    /// checked under the same lock as the insert.
    pub(crate) fn insert_user(
        &self,
        id: Uuid,
        attrs: Map<String, Value>,
        mfa: bool,
        lifecycle: Option<String>,
        username: Username,
    ) -> Option<User> {
        let now = now();
        let user = User {
            id,
            seq: self
                .next_seq
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            attrs,
            population_id: self.options.population_id,
            enabled: true,
            lifecycle_status: lifecycle.unwrap_or_else(|| "ACCOUNT_OK".into()),
            mfa_enabled: mfa,
            previous_mfa_enabled: mfa,
            created_mfa_enabled: mfa,
            created_at: now.clone(),
            updated_at: now,
            // Create User is the one caller that checks the username's uniqueness.
            created: (username == Username::MustBeUnique).then(Instant::now),
        };
        let mut users = lock(&self.users);
        if username == Username::MustBeUnique && username_taken(&users, user.username(), None) {
            return None;
        }
        users.insert(user.id, user.clone());
        Some(user)
    }

    /// A copy of one user.
    pub(crate) fn user(&self, id: Uuid) -> Option<User> {
        lock(&self.users).get(&id).cloned()
    }

    pub(crate) fn has_user(&self, id: Uuid) -> bool {
        lock(&self.users).contains_key(&id)
    }

    pub(crate) fn stored_mfa_enabled(&self, id: Uuid) -> Option<bool> {
        lock(&self.users).get(&id).map(|u| u.mfa_enabled)
    }

    pub(crate) fn user_count(&self) -> usize {
        lock(&self.users).len()
    }

    /// Whether no request with this method, URI and body came before; remembers this one.
    pub(crate) fn first_attempt(
        &self,
        method: &axum::http::Method,
        uri: &axum::http::Uri,
        body: &[u8],
    ) -> bool {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (method.as_str(), uri.to_string(), body).hash(&mut h);
        lock(&self.seen).insert(h.finish())
    }
}
