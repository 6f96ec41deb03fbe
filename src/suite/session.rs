//! A [`Session`] is one connection to a target: the HTTP client, the access token (fetched with
//! client credentials and refreshed before it expires, or given ready), and the safety check
//! that runs before the first write.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::transport::cleartext_to_remote;
use crate::config::{
    Config, ConfigError, Credentials, ReadonlyClient, RunConfig, Target, TokenAuthMethod,
};
use crate::http::{Auth, Exchange, HttpClient, HttpLimits, Request, TransportError, excerpt};
use crate::mock::{MockBuilder, MockPingOne};
use crate::secret::Secret;

use super::deviations::{Deviation, KNOWN_DEVIATIONS};

mod bearer;

use super::guard::{self, Guard};
use super::requests::RequestLog;
use bearer::{SessionToken, live};

/// Prefix of every username the suite creates; the sweep deletes only these.
pub const USER_PREFIX: &str = "conformance-";

/// The user attribute the suite sets on every user it creates, to [`marker`] of its run: the
/// sweep deletes only users whose username carries a run id and whose `title` is that run's
/// marker, so a hand-made `conformance-` account is never touched. `title` is a plain,
/// documented PingOne user attribute that nothing else in the suite reads or writes.
pub const MARKER_ATTRIBUTE: &str = "title";

/// This process's run id: 8 hex digits, in every username the run creates
/// (`conformance-<run>-<case>-<random>`) and in its [`marker`].
pub fn run_id() -> &'static str {
    static RUN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RUN.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..8].to_string())
}

/// The value of [`MARKER_ATTRIBUTE`] for users created by run `run`.
pub fn marker(run: &str) -> String {
    format!("pingone-mfa-conformance test user, run {run}")
}

/// The run id in a username the suite made (`conformance-<8 hex>-...`), if it has one.
pub fn run_of(username: &str) -> Option<&str> {
    let rest = username.strip_prefix(USER_PREFIX)?;
    let (run, tail) = rest.split_at_checked(8)?;
    (run.bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && tail.starts_with('-'))
    .then_some(run)
}

/// A username for a new user of `stem` (a case or probe, e.g. `body-01`) and the body that
/// creates it: username, an `example.com` e-mail address and the run's marker.
pub fn new_user(stem: &str) -> (String, Value) {
    let username = format!(
        "{USER_PREFIX}{}-{stem}-{}",
        run_id(),
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let body = serde_json::json!({
        "username": username,
        "email": format!("{username}@example.com"),
        MARKER_ATTRIBUTE: marker(run_id()),
    });
    (username, body)
}

/// The attributes of a user the suite made, `current`, that a PUT Update User body must send
/// back, added to `body`: PUT removes what it omits, and the sweep finds a user only by its
/// username and [`MARKER_ATTRIBUTE`].
pub(crate) fn keep_on_put(body: &mut Value, current: &Value) {
    for key in ["username", "email", MARKER_ATTRIBUTE] {
        if let Some(v) = current.get(key) {
            body[key] = v.clone();
        }
    }
}

pub use crate::config::{TargetInfo, TargetKind};

impl TargetInfo {
    /// The target of a running mock, with its first seeded user as the existing test user.
    pub fn from_mock(mock: &MockPingOne, kind: TargetKind) -> TargetInfo {
        TargetInfo {
            kind,
            api_url: mock.api_url().to_string(),
            auth_url: mock.auth_url().to_string(),
            worker_environment_id: Some(mock.environment_id().to_string()),
            environment_id: mock.environment_id().to_string(),
            credentials: Credentials::Client {
                client_id: mock.client_id().to_string(),
                client_secret: mock.client_secret().clone(),
                method: TokenAuthMethod::Basic,
            },
            // The mock's default population, sent as Create User (Import) may require it.
            population_id: Some(mock.population_id().to_string()),
            test_user_id: mock.seeded_users().first().map(ToString::to_string),
            readonly_client: mock.options().readonly_client.as_ref().map(|(id, secret)| {
                ReadonlyClient {
                    client_id: id.clone(),
                    client_secret: secret.clone(),
                }
            }),
        }
    }
}

/// Client id of the bundled mock's read-only worker (its secret is new at every start).
pub const BUNDLED_READONLY_CLIENT_ID: &str = "conformance-readonly-worker";

/// Token lifetime of the bundled mock: short enough for MFA-TOKEN-03 to wait a token out.
pub const BUNDLED_TOKEN_LIFETIME: Duration = Duration::from_secs(3);

/// The mock the suite starts itself when nothing is configured (and the self-test's): a
/// read-only worker besides the worker app, so the least-privilege cases run, and tokens that
/// expire within [`BUNDLED_TOKEN_LIFETIME`], so the expired-token case runs.
pub fn bundled_mock() -> MockBuilder {
    MockPingOne::builder()
        .readonly_client(
            BUNDLED_READONLY_CLIENT_ID,
            format!("readonly-{}", uuid::Uuid::new_v4().simple()),
        )
        .token_lifetime(BUNDLED_TOKEN_LIFETIME)
}

/// Why a session could not be opened: always one message.
#[derive(Debug)]
pub enum SessionError {
    /// The configuration is incomplete or invalid.
    Config(ConfigError),
    /// No access token could be obtained.
    Token(String),
    /// The safety check refused to write to this environment.
    Refused(String),
    /// The target is usable in principle, but the suite cannot set up its cases there (no
    /// population, no permission to create users, a missing role): the cause.
    Setup(String),
    /// The target did not answer, or only its gateway did.
    Unavailable(String),
    /// The target's TLS certificate was refused (unknown authority, expired, another host's
    /// name): reported at once, with what to do.
    Certificate(String),
    /// Anything else (mock start, HTTP client).
    Other(String),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::Config(e) => write!(f, "{e}"),
            SessionError::Token(m) => write!(f, "cannot obtain an access token: {m}"),
            SessionError::Refused(m) => write!(f, "refusing to run: {m}"),
            SessionError::Setup(m) => write!(f, "set-up impossible, no case was run: {m}"),
            SessionError::Unavailable(m) => {
                write!(f, "inconclusive: target unavailable, no case was run: {m}")
            }
            SessionError::Certificate(m) => write!(f, "no case was run: {m}"),
            SessionError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SessionError {}

/// One connection to a target.
#[derive(Debug)]
pub struct Session {
    /// Where the session points.
    pub target: TargetInfo,
    /// Run settings.
    pub run: RunConfig,
    /// `type` of the target environment as read before the first write.
    pub environment_type: Option<String>,
    /// Known deviations that apply to this target.
    pub deviations: Vec<Deviation>,
    /// Seed for the generated bodies of MFA-FUZZ-01; random when `None`.
    pub fuzz_seed: Option<u64>,
    /// What a killed or interrupted run left behind and this session put right (a test user's
    /// value restored from the state file), one line each, for the run's banner.
    pub notices: Vec<String>,
    http: HttpClient,
    token: Arc<TokenCache>,
    /// The test users cases share (src/suite/pool.rs).
    pool: super::pool::Pool,
    /// The read-only worker's cached token, with its issue and expiry times.
    readonly_token: tokio::sync::Mutex<Option<(Secret, Instant, Instant)>>,
    guard: Arc<Guard>,
    _mock: Option<MockPingOne>,
}

/// What a session and its guard share: the cached access token with its issue and expiry
/// times, and the log of every request sent with the session's credentials.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    token: tokio::sync::Mutex<Option<(Secret, Instant, Instant)>>,
    log: RequestLog,
}

impl Session {
    /// Open a session from configuration: the embedded mock when nothing is configured, the
    /// configured tenant otherwise.
    pub async fn from_config(config: Config) -> Result<Session, SessionError> {
        match config.target {
            Target::EmbeddedMock => {
                let mock = bundled_mock()
                    .seed_user(format!("{USER_PREFIX}existing-user"), false)
                    .start()
                    .await
                    .map_err(|e| {
                        SessionError::Other(format!("cannot start the bundled mock: {e}"))
                    })?;
                let target = TargetInfo::from_mock(&mock, TargetKind::EmbeddedMock);
                Session::open(target, config.run, Some(mock)).await
            }
            Target::Server(target) => Session::open(target, config.run, None).await,
        }
    }

    /// Open a session on a mock the caller holds (self-tests).
    pub async fn for_mock(mock: &MockPingOne, run: RunConfig) -> Result<Session, SessionError> {
        Session::open(TargetInfo::from_mock(mock, TargetKind::Mock), run, None).await
    }

    /// Open a session: build the client, obtain a token, and read the target environment.
    pub async fn open(
        target: TargetInfo,
        run: RunConfig,
        mock: Option<MockPingOne>,
    ) -> Result<Session, SessionError> {
        let http = HttpClient::with_ca(
            HttpLimits {
                timeout: run.request_timeout,
                concurrency: run.concurrency,
                max_retries: run.max_retries,
                retry_cap: run.retry_cap,
            },
            run.ca_cert.as_ref(),
        )
        .map_err(SessionError::Other)?;
        let deviations = if target.kind.is_tenant() {
            KNOWN_DEVIATIONS.to_vec()
        } else {
            Vec::new()
        };
        let token = Arc::new(TokenCache::default());
        // A mock started in-process dies with the run, so only a server reached through the
        // variables gets a state file for its test user.
        let state_dir = matches!(target.kind, TargetKind::Tenant | TargetKind::StandaloneMock)
            .then(guard::state_dir);
        let guard = Guard::register(
            target.clone(),
            http.clone(),
            token.clone(),
            state_dir,
            run.request_timeout,
        );
        let fuzz_seed = run.fuzz_seed;
        let mut session = Session {
            target,
            run,
            environment_type: None,
            deviations,
            fuzz_seed,
            notices: Vec::new(),
            http,
            token,
            pool: super::pool::Pool::default(),
            readonly_token: tokio::sync::Mutex::new(None),
            guard,
            _mock: mock,
        };
        session.token().await?;
        session.environment_type = Some(session.check_environment().await?);
        // Only after the safety check: putting back a value a killed run left flipped is a write.
        session.notices = session
            .guard
            .restore_left_flipped()
            .await
            .map_err(SessionError::Refused)?;
        Ok(session)
    }

    /// Replace the known deviations (self-tests of the deviation list).
    pub fn with_deviations(mut self, deviations: Vec<Deviation>) -> Session {
        self.deviations = deviations;
        self
    }

    /// Generate MFA-FUZZ-01's bodies from this seed, for reproducible runs.
    pub fn with_fuzz_seed(mut self, seed: u64) -> Session {
        self.fuzz_seed = Some(seed);
        self
    }

    /// The token endpoint, `{auth}/{workerEnvID}/as/token`, when the session has one.
    pub fn token_url(&self) -> Option<String> {
        self.target.token_url()
    }

    /// `{api}/environments/{envID}{path}`.
    pub fn env_url(&self, path: &str) -> String {
        format!(
            "{}/environments/{}{path}",
            self.target.api_url, self.target.environment_id
        )
    }

    /// A live access token: the ready one, or a cached one with a minute left, or a new one.
    pub async fn bearer(&self) -> Result<Secret, String> {
        obtain_bearer(&self.target, &self.http, &self.token).await
    }

    /// [`Session::bearer`], telling an unavailable token endpoint from refused credentials.
    async fn token(&self) -> Result<Secret, SessionError> {
        obtain_token(&self.target, &self.http, &self.token).await
    }

    /// What the session's requests met so far: counts, latency, peak in flight, 429s and
    /// retries (the run summary).
    pub fn http_summary(&self) -> crate::http::FlowSummary {
        self.http.summary()
    }

    /// The test users cases share.
    pub(super) fn pool(&self) -> &super::pool::Pool {
        &self.pool
    }

    /// Shared test users that could not be deleted once no case ran (one line each); the run
    /// fails on any (tests/conformance.rs).
    pub fn pool_problems(&self) -> Vec<String> {
        self.pool.problems()
    }

    /// What this session created and toggled, for clean-up after an interruption.
    pub fn guard(&self) -> &Arc<Guard> {
        &self.guard
    }

    /// Send a request with the session's credentials, retrying transient answers; after
    /// [`crate::http::HANG_THRESHOLD`] timeouts of one operation its further requests fail at
    /// once (see [`crate::http`]).
    pub async fn send(&self, request: Request) -> Result<Exchange, TransportError> {
        // Counted before the check, so that an interruption either sees this request in flight
        // or this request sees the interruption (src/suite/guard.rs).
        let Some(_flight) = self.guard.begin() else {
            return Err(TransportError {
                request,
                message: "not sent: the run was interrupted and is cleaning up".to_string(),
                timed_out: false,
                not_sent: true,
                certificate: false,
            });
        };
        let own_token = request.auth == Auth::SessionBearer
            && matches!(self.target.credentials, Credentials::Client { .. });
        let mut result = send_with(&self.target, &self.http, &self.token, request.clone()).await;
        if own_token && matches!(&result, Ok(ex) if ex.status == 401) {
            // The token may have expired sooner than its `expires_in` said (or said nothing):
            // drop it, and try once more with a new one. Tokens expire, and a short-lived one
            // may be stale by the time a queued request goes out.
            *self.token.token.lock().await = None;
            result = send_with(&self.target, &self.http, &self.token, request).await;
        }
        if let Ok(ex) = &result {
            self.guard.observe(ex);
        }
        result
    }

    /// A new token for `client_id` from the session's token endpoint, with the configured
    /// client authentication method, and its `expires_in` (3600 when absent).
    pub async fn request_token(
        &self,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<(Secret, u64), SessionError> {
        let method = match &self.target.credentials {
            Credentials::Client { method, .. } => *method,
            Credentials::AccessToken(_) => TokenAuthMethod::Basic,
        };
        let log = &self.token.log;
        request_token_at(
            &self.target,
            &self.http,
            log,
            client_id,
            client_secret,
            method,
        )
        .await
    }

    /// Every request this session has sent so far, timed (see [`RequestLog`]).
    pub fn requests(&self) -> &RequestLog {
        &self.token.log
    }

    /// The id of the user the suite made with this username (a name from [`new_user`]), if
    /// there is one, to find the user a lost Create User answer may have made. Every page of
    /// `GET users?filter=username eq "…"` is read and each listed user checked here: the
    /// username, and the run's marker. A listing that ends early without it is an error, not
    /// "no such user".
    pub async fn find_user(&self, username: &str) -> Result<Option<String>, String> {
        use super::listing::{Listing, PAGE_SIZE, id_of, made_by_run, username_is};
        let mut listing = Listing::new(self, &format!("username eq \"{username}\""), PAGE_SIZE);
        while let Some(url) = listing.next_url() {
            let ex = self
                .send(Request::new("GET", url))
                .await
                .map_err(|e| e.to_string())?;
            let found = listing
                .page(&ex)?
                .iter()
                .find(|u| username_is(u, username) && made_by_run(u))
                .and_then(id_of);
            if found.is_some() {
                return Ok(found);
            }
        }
        match listing.cut_short {
            Some(why) => Err(format!("the user list was not read to its end: {why}")),
            None => Ok(None),
        }
    }

    /// Check, before any case, that the suite can set up its cases: create a user the way the
    /// cases do (in `PINGONE_POPULATION_ID`'s population, if set) and delete it again. A missing
    /// permission or population stops the run here with one message naming the cause, instead
    /// of failing every case; any other answer is left for the cases to judge.
    pub async fn preflight(&self) -> Result<(), SessionError> {
        let env = &self.target.environment_id;
        let mut attempt = 0;
        let (ex, username) = loop {
            // Marked like every user the suite creates, so that the sweep finds it if lost.
            let (username, mut body) = new_user("preflight");
            if let Some(p) = &self.target.population_id {
                body["population"] = serde_json::json!({ "id": p });
            }
            let result = self
                .send(Request::new("POST", self.env_url("/users")).json(&body))
                .await;
            let lost = match &result {
                Ok(ex) => ex.unavailable().is_some() || ex.is_transient(),
                Err(e) => !e.certificate,
            };
            if !lost || attempt >= self.run.max_retries {
                let ex = result.map_err(|e| {
                    if e.certificate {
                        SessionError::Certificate(e.to_string())
                    } else {
                        SessionError::Unavailable(e.to_string())
                    }
                })?;
                break (ex, username);
            }
            // A lost answer: the user may exist. Delete it if it does, then try a new one.
            if let Ok(Some(id)) = self.find_user(&username).await {
                let url = self.env_url(&format!("/users/{id}"));
                let _ = self.send(Request::new("DELETE", &url).clean_up()).await;
            }
            let wait = crate::http::retry_delay(None, attempt, self.run.retry_cap);
            tokio::time::sleep(wait).await;
            attempt += 1;
        };
        if let Some(why) = ex.unavailable() {
            return Err(SessionError::Unavailable(format!(
                "POST {}: {why}: {}",
                ex.request.url,
                ex.summary()
            )));
        }
        let mentions_population = String::from_utf8_lossy(&ex.body)
            .to_ascii_lowercase()
            .contains("population");
        let url = &ex.request.url;
        match ex.status {
            401 | 403 => Err(SessionError::Setup(format!(
                "the worker app may not create users in environment {env} (POST {url} answered \
                 {}); give it the Identity Data Admin role on that environment (see README)",
                ex.summary()
            ))),
            400 | 404 if mentions_population => {
                Err(SessionError::Setup(match &self.target.population_id {
                    Some(p) => format!(
                        "population {p} (PINGONE_POPULATION_ID) cannot take new users in \
                         environment {env} (POST {url} answered {}); check the id",
                        ex.summary()
                    ),
                    None => format!(
                        "environment {env} has no default population for new users (POST {url} \
                         answered {}); set PINGONE_POPULATION_ID",
                        ex.summary()
                    ),
                }))
            }
            200..=299 => {
                let id = ex
                    .json()
                    .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string));
                let Some(id) = id else { return Ok(()) };
                let url = self.env_url(&format!("/users/{id}"));
                match self.send(Request::new("DELETE", &url).clean_up()).await {
                    Ok(d) if d.status == 401 || d.status == 403 => {
                        Err(SessionError::Setup(format!(
                            "the worker app may create users in environment {env} but not \
                             delete them (DELETE {url} answered {}; user {username} is left \
                             behind); give it the Identity Data Admin role on that environment",
                            d.summary()
                        )))
                    }
                    // Any other trouble deleting is left to the cases' clean-up and the sweep.
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// `GET` the environment, waiting up to `PINGONE_PERMISSION_WAIT_SECS` while it answers the
    /// 403 of permissions that have not propagated yet (a freshly created worker app; Ping's
    /// Terraform provider waits up to 10 minutes, facts §11.4).
    async fn read_environment(&self) -> Result<Exchange, TransportError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            let ex = self.send(Request::new("GET", self.env_url(""))).await?;
            let wait = crate::http::retry_delay(None, attempt, Duration::from_secs(10));
            if !permissions_propagating(&ex) || started.elapsed() + wait > self.run.permission_wait
            {
                return Ok(ex);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Read the target environment before any write; refuse PRODUCTION or an unreadable type
    /// unless `PINGONE_ALLOW_PRODUCTION=true`.
    async fn check_environment(&self) -> Result<String, SessionError> {
        let env = &self.target.environment_id;
        let allow = self.run.allow_production;
        let hint = "set PINGONE_ALLOW_PRODUCTION=true only if writing test users there is intended";
        let exchange = match self.read_environment().await {
            Ok(e) if e.unavailable().is_some() => {
                return Err(SessionError::Unavailable(format!(
                    "GET {}: {}: {}",
                    e.request.url,
                    e.unavailable().unwrap_or_default(),
                    e.summary()
                )));
            }
            Ok(e) => e,
            Err(e) if e.certificate => return Err(SessionError::Certificate(e.to_string())),
            Err(e) if allow => {
                return Ok(format!("UNKNOWN (read failed: {})", e.message));
            }
            Err(e) => {
                return Err(SessionError::Unavailable(format!(
                    "cannot read environment {env} to check that it is not PRODUCTION ({e})"
                )));
            }
        };
        let kind = exchange
            .json()
            .filter(|_| exchange.status == 200)
            .and_then(|j| j.get("type").and_then(Value::as_str).map(str::to_string));
        // Only a SANDBOX is written to without the explicit opt-in; any other answer, including
        // an unrecognised type, is treated as possibly production.
        match kind {
            Some(k) if k.eq_ignore_ascii_case("SANDBOX") || allow => Ok(k),
            Some(k) if k.eq_ignore_ascii_case("PRODUCTION") => Err(SessionError::Refused(format!(
                "environment {env} is a PRODUCTION environment and the suite creates, changes and \
                 deletes users; {hint}"
            ))),
            Some(k) => Err(SessionError::Refused(format!(
                "environment {env} reports type {:?}, neither SANDBOX nor PRODUCTION; {hint}",
                excerpt(&k, 40)
            ))),
            None if allow => Ok("UNKNOWN".to_string()),
            None => Err(SessionError::Refused(format!(
                "cannot read the type of environment {env} (GET {} answered HTTP {}); the worker app \
                 needs a role that can read the environment (see README); {hint}",
                self.env_url(""),
                exchange.status
            ))),
        }
    }
}

/// Whether an answer is the 403 PingOne gives while a new worker app's permissions propagate:
/// "You do not have access to this resource." (newer) or "The actor attempting to perform the
/// request is not authorized." (older), facts §11.4.
fn permissions_propagating(ex: &Exchange) -> bool {
    let text = String::from_utf8_lossy(&ex.body);
    ex.status == 403
        && (text.contains("You do not have access to this resource")
            || text.contains("The actor attempting to perform the request is not authorized"))
}

/// A live access token for `target`: the ready one, or one cached in `cache` with a minute left,
/// or a new one from the token endpoint; an unavailable endpoint is told from refused
/// credentials.
pub(crate) async fn obtain_token(
    target: &TargetInfo,
    http: &HttpClient,
    cache: &TokenCache,
) -> Result<Secret, SessionError> {
    let (client_id, client_secret, method) = match &target.credentials {
        Credentials::AccessToken(t) => return Ok(t.clone()),
        Credentials::Client {
            client_id,
            client_secret,
            method,
        } => (client_id, client_secret, *method),
    };
    let mut cached = cache.token.lock().await;
    if let Some(token) = live(cached.as_ref()) {
        return Ok(token);
    }
    let issued = Instant::now();
    let (secret, lifetime) =
        request_token_at(target, http, &cache.log, client_id, client_secret, method).await?;
    *cached = Some((
        secret.clone(),
        issued,
        issued + Duration::from_secs(lifetime),
    ));
    Ok(secret)
}

/// A new token for `client_id` from `target`'s token endpoint with `method`, and its
/// `expires_in` (3600 when absent); an unavailable endpoint is told from refused credentials.
pub(crate) async fn request_token_at(
    target: &TargetInfo,
    http: &HttpClient,
    log: &RequestLog,
    client_id: &str,
    client_secret: &Secret,
    method: TokenAuthMethod,
) -> Result<(Secret, u64), SessionError> {
    let url = target
        .token_url()
        .ok_or_else(|| SessionError::Token("no worker environment id for the token URL".into()))?;
    if cleartext_to_remote(&url) {
        return Err(SessionError::Token(format!(
            "not sending the client secret to {url}: credentials go only to https:// URLs \
                 or a loopback host"
        )));
    }
    let auth = match method {
        TokenAuthMethod::Basic => Auth::ClientBasic,
        TokenAuthMethod::Post => Auth::ClientPost,
    };
    let request = Request::new("POST", &url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(b"grant_type=client_credentials".to_vec())
        .auth(auth)
        // Asking for a token again changes nothing on the server.
        .retry_safe(true)
        // The request that needs the token may be holding its place in the window.
        .out_of_band();
    let exchange = timed(log, request, |r| {
        http.send(r, None, Some((client_id, client_secret)))
    })
    .await
    .map_err(|e| {
        let message = format!("POST {url}: {}", e.message);
        if e.certificate {
            SessionError::Certificate(message)
        } else {
            SessionError::Unavailable(message)
        }
    })?;
    if let Some(why) = exchange.unavailable() {
        return Err(SessionError::Unavailable(format!(
            "POST {url}: {why}: {}",
            exchange.summary()
        )));
    }
    let json = exchange.json().unwrap_or(Value::Null);
    let token = json.get("access_token").and_then(Value::as_str);
    match token {
        Some(t) if exchange.status == 200 && !t.is_empty() => {
            let lifetime = json
                .get("expires_in")
                .and_then(Value::as_u64)
                .unwrap_or(3600);
            Ok((Secret::new(t), lifetime))
        }
        _ => {
            let error = json
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("no OAuth error");
            let description = json
                .get("error_description")
                .and_then(Value::as_str)
                .map(|d| format!(" ({})", excerpt(d, 200)))
                .unwrap_or_default();
            Err(SessionError::Token(format!(
                "POST {url} answered HTTP {} {error}{description}; check PINGONE_CLIENT_ID, \
                     PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID, PINGONE_TOKEN_AUTH_METHOD and the region",
                exchange.status
            )))
        }
    }
}

/// [`obtain_token`] with the problem as text.
pub(crate) async fn obtain_bearer(
    target: &TargetInfo,
    http: &HttpClient,
    cache: &TokenCache,
) -> Result<Secret, String> {
    obtain_token(target, http, cache)
        .await
        .map_err(|e| match e {
            SessionError::Token(m) => m,
            other => other.to_string(),
        })
}

/// Send `request` to `target` with its credentials: the bearer token for
/// [`Auth::SessionBearer`], the client id and secret for Basic or Post. Credentials never go
/// to a plain-http URL that is not loopback.
pub(crate) async fn send_with(
    target: &TargetInfo,
    http: &HttpClient,
    cache: &TokenCache,
    request: Request,
) -> Result<Exchange, TransportError> {
    if request.auth != Auth::None && cleartext_to_remote(&request.url) {
        // The configured URLs were checked before the run; this catches a link or a URL
        // built in code.
        return Err(cleartext_refused(request));
    }
    // Taken once the request has its place in the window: a token never waits in the queue.
    let bearer = SessionToken {
        needed: request.auth == Auth::SessionBearer,
        target,
        http,
        cache,
    };
    let basic = match &target.credentials {
        Credentials::Client {
            client_id,
            client_secret,
            ..
        } => Some((client_id.as_str(), client_secret)),
        Credentials::AccessToken(_) => None,
    };
    timed(&cache.log, request, |r| {
        http.send_authorized(r, &bearer, basic)
    })
    .await
}

/// Credentials go only to https:// URLs or a loopback host: `request` is not sent.
pub(super) fn cleartext_refused(request: Request) -> TransportError {
    TransportError {
        request,
        message: "not sent: credentials go only to https:// URLs or a loopback host".to_string(),
        timed_out: false,
        not_sent: true,
        certificate: false,
    }
}

/// Send `request` with `send` and note it, its answer and its time in `log`.
async fn timed<F>(
    log: &RequestLog,
    request: Request,
    send: impl FnOnce(Request) -> F,
) -> Result<Exchange, TransportError>
where
    F: Future<Output = Result<Exchange, TransportError>>,
{
    let started = Instant::now();
    let noted = request.clone();
    let result = send(request).await;
    log.observe(&noted, &result, started.elapsed());
    result
}
