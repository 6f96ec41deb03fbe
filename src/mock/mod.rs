//! A faithful, stateful, embeddable mock of the slice of PingOne that the suite tests: the
//! worker-app token endpoint, Read Environment, the user CRUD operations and the
//! `users/{userID}/mfaEnabled` resource.
//!
//! Every behaviour cites the fact it rests on in `docs/api-facts.md` (section
//! numbers in comments, `§1.3` and so on). Where PingOne's documentation leaves a choice open, the
//! mock offers both answers through [`Alternatives`] (one table row each, like the faults), and
//! the suite must accept each of them. Deliberate regressions for the suite's self-test are
//! [`Fault`]s.
//!
//! Layout: `state` (storage), `server` (entry, routing, check order), `guards` (the checks, in
//! order), `answers` (P1Error and OAuth errors), `model` (representations), `routes/*` (one
//! file per resource), `faults` and `alternatives` (the two tables), `flaky` (the transient-fault
//! switch: infrastructure faults in front of a faithful API).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use pingone_mfa_conformance::mock::{Fault, MockPingOne};
//! let mock = MockPingOne::builder().fault(Fault::AcceptsStringBoolean).start().await?;
//! println!("{} {}", mock.api_url(), mock.environment_id());
//! # Ok(()) }
//! ```

// Handlers return `Result<Response, Response>`: the error path is a complete answer, built once
// per request, so its size does not matter.
#![allow(clippy::result_large_err)]

mod alternatives;
mod answers;
mod faults;
mod flaky;
mod guards;
mod jwt;
mod model;
pub mod profile;
mod routes;
mod server;
mod state;
mod tls;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::secret::Secret;

pub use alternatives::{Alternative, Alternatives, EXHAUSTIVE_UP_TO};
pub use faults::{Fault, Target, UnknownFault};
#[cfg(test)]
pub(crate) use server::BODY_LIMIT;

/// `type` of a PingOne environment (`EnumEnvironmentType`, docs/api-facts.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EnvironmentType {
    /// A sandbox: the suite may write to it.
    #[default]
    Sandbox,
    /// A production environment: the suite refuses to write unless explicitly allowed.
    Production,
}

impl EnvironmentType {
    /// The wire value, `SANDBOX` or `PRODUCTION`.
    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentType::Sandbox => "SANDBOX",
            EnvironmentType::Production => "PRODUCTION",
        }
    }
}

/// The worker app's `tokenEndpointAuthMethod`: the one way it may authenticate at the token
/// endpoint (docs/api-facts.md §4, §11.5). The other way answers 401 `invalid_client`,
/// "Request denied: Unsupported authentication method", as PingOne does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TokenEndpointAuthMethod {
    /// `CLIENT_SECRET_BASIC`: `Authorization: Basic` (the default of a new worker app).
    #[default]
    ClientSecretBasic,
    /// `CLIENT_SECRET_POST`: `client_id` and `client_secret` in the form body.
    ClientSecretPost,
}

impl TokenEndpointAuthMethod {
    /// Both methods.
    pub const ALL: &'static [TokenEndpointAuthMethod] = &[
        TokenEndpointAuthMethod::ClientSecretBasic,
        TokenEndpointAuthMethod::ClientSecretPost,
    ];

    /// The wire value, `CLIENT_SECRET_BASIC` or `CLIENT_SECRET_POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenEndpointAuthMethod::ClientSecretBasic => "CLIENT_SECRET_BASIC",
            TokenEndpointAuthMethod::ClientSecretPost => "CLIENT_SECRET_POST",
        }
    }
}

impl std::str::FromStr for TokenEndpointAuthMethod {
    type Err = String;

    /// The wire value, ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TokenEndpointAuthMethod::ALL
            .iter()
            .copied()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not CLIENT_SECRET_BASIC or CLIENT_SECRET_POST"))
    }
}

/// Everything that configures a mock. Build it with [`MockPingOne::builder`].
#[derive(Clone, Debug)]
pub struct MockOptions {
    /// Address to bind; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The one environment the mock serves.
    pub environment_id: Uuid,
    /// The environment's default population.
    pub population_id: Uuid,
    /// The worker app's client id.
    pub client_id: String,
    /// The worker app's client secret.
    pub client_secret: Secret,
    /// A second worker app, `(client id, secret)`, whose tokens may read but not write: any
    /// other method than GET on a user route answers 403 `ACCESS_FAILED`. `None` by default.
    pub readonly_client: Option<(String, Secret)>,
    /// Externally visible base URL (scheme and authority, optionally a path prefix), used in
    /// `_links` hrefs; defaults to `http://{bound address}`. Set it when the mock runs behind a
    /// proxy.
    pub public_base_url: Option<String>,
    /// Lifetime of issued access tokens (PingOne: one hour, §4).
    pub token_lifetime: Duration,
    /// How the worker app authenticates at the token endpoint.
    pub token_endpoint_auth_method: TokenEndpointAuthMethod,
    /// `SANDBOX` or `PRODUCTION`.
    pub environment_type: EnvironmentType,
    /// Region code reported by Read Environment.
    pub region: String,
    /// Answers the documentation leaves open.
    pub alternatives: Alternatives,
    /// Requests per second before 429 `REQUEST_LIMITED`; `None` for no limit.
    pub rate_limit: Option<u32>,
    /// Delay added before every answer.
    pub latency: Option<Duration>,
    /// Every N-th request meets a transient infrastructure fault instead of the API (see
    /// [`MockBuilder::flaky`]); `None` for none.
    pub flaky: Option<u32>,
    /// Deliberate regressions.
    pub faults: BTreeSet<Fault>,
    /// Users created at start: `(username, mfaEnabled)`.
    pub seed_users: Vec<(String, bool)>,
    /// Serve HTTPS with a certificate generated at start ([`MockBuilder::tls`]).
    pub tls: bool,
    /// Not PingOne's behaviour, for tests of the suite's listings: Read All Users ignores
    /// `filter` and lists every user, at most this many to a page ([`MockBuilder::ignore_list_filter`]).
    pub ignore_list_filter: Option<usize>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            environment_id: Uuid::new_v4(),
            population_id: Uuid::new_v4(),
            client_id: Uuid::new_v4().to_string(),
            client_secret: Secret::new(format!("mock-secret-{}", Uuid::new_v4().simple())),
            readonly_client: None,
            public_base_url: None,
            token_lifetime: Duration::from_secs(3600),
            token_endpoint_auth_method: TokenEndpointAuthMethod::default(),
            environment_type: EnvironmentType::Sandbox,
            region: "NA".to_string(),
            alternatives: Alternatives::default(),
            rate_limit: None,
            latency: None,
            flaky: None,
            faults: BTreeSet::new(),
            seed_users: Vec::new(),
            tls: false,
            ignore_list_filter: None,
        }
    }
}

/// Builds a [`MockPingOne`]; every setter is optional.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct MockBuilder {
    options: MockOptions,
}

impl MockBuilder {
    /// Bind this address instead of `127.0.0.1:0`.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.options.addr = addr;
        self
    }
    /// Serve this environment id.
    pub fn environment_id(mut self, id: Uuid) -> Self {
        self.options.environment_id = id;
        self
    }
    /// Use this id for the default population.
    pub fn population_id(mut self, id: Uuid) -> Self {
        self.options.population_id = id;
        self
    }
    /// Use this worker client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.options.client_id = id.into();
        self
    }
    /// Use this worker client secret.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.options.client_secret = Secret::new(secret);
        self
    }
    /// Add a read-only worker app with these credentials (same token endpoint auth method).
    pub fn readonly_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.options.readonly_client = Some((id.into(), Secret::new(secret)));
        self
    }
    /// Build hrefs from this externally visible base URL.
    pub fn public_base_url(mut self, url: impl Into<String>) -> Self {
        self.options.public_base_url = Some(url.into());
        self
    }
    /// Accept only this client authentication at the token endpoint (default
    /// `CLIENT_SECRET_BASIC`).
    pub fn token_endpoint_auth_method(mut self, method: TokenEndpointAuthMethod) -> Self {
        self.options.token_endpoint_auth_method = method;
        self
    }
    /// Issue tokens with this lifetime.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.options.token_lifetime = lifetime;
        self
    }
    /// Report this environment type.
    pub fn environment_type(mut self, kind: EnvironmentType) -> Self {
        self.options.environment_type = kind;
        self
    }
    /// Report this region code.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.options.region = region.into();
        self
    }
    /// Pick the answers the documentation leaves open.
    pub fn alternatives(mut self, alternatives: Alternatives) -> Self {
        self.options.alternatives = alternatives;
        self
    }
    /// Answer every profiled question as the profile records it, as far as the alternatives
    /// reach: switch on each alternative whose dimension the profile shows on (see
    /// [`profile::alternatives_for`]), and every other one off.
    pub fn profile(mut self, profile: &crate::profile::Profile) -> Self {
        self.options.alternatives = profile::alternatives_for(profile);
        self
    }
    /// Answer 429 past this many requests per second.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.options.rate_limit = Some(per_second);
        self
    }
    /// Every `n`-th request meets a transient infrastructure fault before it reaches the API
    /// (nothing changes), in rotation: 502 with an HTML body, 503 without `Retry-After`, 504,
    /// a dropped connection. For testing a client's retries; see the `flaky` module.
    pub fn flaky(mut self, n: u32) -> Self {
        self.options.flaky = Some(n);
        self
    }
    /// Delay every answer by this much.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.options.latency = Some(latency);
        self
    }
    /// Switch a fault on.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.options.faults.insert(fault);
        self
    }
    /// Switch several faults on.
    pub fn faults(mut self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.options.faults.extend(faults);
        self
    }
    /// Create this user at start.
    pub fn seed_user(mut self, username: impl Into<String>, mfa_enabled: bool) -> Self {
        self.options.seed_users.push((username.into(), mfa_enabled));
        self
    }
    /// Not PingOne's behaviour, for tests of the suite's listings (MFA-PRIV-04's check, the
    /// lookup after a lost Create User answer, the sweep), which must check each listed user
    /// themselves: Read All Users ignores `filter` and lists every user, at most `page` to a
    /// page whatever `limit` asks (at least 1), with the usual next-page links. No case judges
    /// how a server filters, so this is no [`Fault`].
    pub fn ignore_list_filter(mut self, page: usize) -> Self {
        self.options.ignore_list_filter = Some(page.max(1));
        self
    }
    /// Replace all options at once.
    pub fn options(mut self, options: MockOptions) -> Self {
        self.options = options;
        self
    }
    /// The options as they stand.
    pub fn build_options(self) -> MockOptions {
        self.options
    }

    /// Bind the address and start serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MockPingOne> {
        MockPingOne::start_with(self.options).await
    }
}

/// A running mock. Dropping it (or calling [`MockPingOne::shutdown`]) stops the server.
#[derive(Debug)]
pub struct MockPingOne {
    addr: SocketAddr,
    api_url: String,
    auth_url: String,
    state: Arc<state::State>,
    seeded: Vec<Uuid>,
    shutdown: Option<oneshot::Sender<()>>,
    /// The task serving the listener; it ends once the listener is closed.
    task: Option<JoinHandle<()>>,
    tls: Option<tls::Tls>,
}

impl MockPingOne {
    /// A builder with the faithful defaults.
    pub fn builder() -> MockBuilder {
        MockBuilder::default()
    }

    async fn start_with(options: MockOptions) -> std::io::Result<MockPingOne> {
        let listener = TcpListener::bind(options.addr).await?;
        let addr = listener.local_addr()?;
        let tls = tls::Tls::generate(options.tls, addr)?;
        let local = format!("{}://{addr}", tls::scheme(tls.as_ref()));
        let public = options
            .public_base_url
            .clone()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| local.clone());
        let state = Arc::new(state::State::new(options, format!("{public}/v1")));
        let seeded = state.seed();
        let (tx, rx) = oneshot::channel::<()>();
        let app = server::router(state.clone());
        let task = tokio::spawn(tls::serve(listener, tls.clone(), app, async move {
            let _ = rx.await;
        }));
        Ok(MockPingOne {
            addr,
            api_url: format!("{local}/v1"),
            auth_url: local,
            state,
            seeded,
            shutdown: Some(tx),
            task: Some(task),
            tls,
        })
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// API base URL, `http://127.0.0.1:PORT/v1` (the `{apiPath}` of PingOne's docs).
    pub fn api_url(&self) -> &str {
        &self.api_url
    }
    /// Auth base URL, `http://127.0.0.1:PORT`; the token endpoint is `{auth}/{envID}/as/token`.
    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }
    /// The environment the mock serves.
    pub fn environment_id(&self) -> Uuid {
        self.state.options.environment_id
    }
    /// The environment's default population.
    pub fn population_id(&self) -> Uuid {
        self.state.options.population_id
    }
    /// The worker app's client id.
    pub fn client_id(&self) -> &str {
        &self.state.options.client_id
    }
    /// The worker app's client secret.
    pub fn client_secret(&self) -> &Secret {
        &self.state.options.client_secret
    }
    /// Ids of the users created from [`MockBuilder::seed_user`], in order.
    pub fn seeded_users(&self) -> &[Uuid] {
        &self.seeded
    }
    /// The options the mock runs with.
    pub fn options(&self) -> &MockOptions {
        &self.state.options
    }
    /// The stored `mfaEnabled` of a user, read directly from the mock's state (for tests).
    pub fn stored_mfa_enabled(&self, user: Uuid) -> Option<bool> {
        self.state.stored_mfa_enabled(user)
    }
    /// Number of users stored.
    pub fn user_count(&self) -> usize {
        self.state.user_count()
    }
    /// Stop serving and wait until the server task has ended: the listener is closed (a new
    /// connection is refused) and the requests in flight have been answered. Dropping the
    /// mock stops it too, without waiting.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // The task only ends by itself; a panic in it has been reported already.
            let _ = task.await;
        }
    }
}

impl Drop for MockPingOne {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
