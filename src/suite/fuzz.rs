//! MFA-FUZZ-01: property-based invalid bodies. Generated bodies that are not
//! `{"mfaEnabled": <Boolean>}` each go through the same probe as the invalid-body cases; a
//! failing input is shrunk to a minimal one, whose findings are reported.
//!
//! A body that a Jackson-style binder coerces (`"true"`/`"false"` in any case, an integer;
//! facts §11.1) may be accepted: that is a warning, provided the coerced value is what the
//! answer says, what is stored and what reads return. The search goes on past such warnings
//! for a MUST failure, and reports the first warning only when it finds none.
//!
//! A body no binder coerces is sent from false and from true in turn, so a partial write shows
//! whichever way it goes. Every finding names the seed; `PINGONE_FUZZ_SEED` replays the run.

use std::sync::{Arc, Mutex};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as PropConfig, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};
use uuid::Uuid;

use super::cases::{Case, Evidence, Grade, JSON, Lenient, Tier, should};
use super::ctx::{CaseCtx, Shared, Step};
use super::outcome::Finding;
use super::session::Session;

impl CaseCtx {
    /// Property-based: generated bodies that are not `{"mfaEnabled": <Boolean>}` each answer
    /// 400 with a P1Error and change nothing. A failing input is shrunk to a minimal one, whose
    /// findings are reported.
    pub(super) async fn fuzz(&mut self) -> Step<()> {
        let cases =
            self.session
                .run
                .fuzz_cases
                .unwrap_or(if self.session.target.kind.is_tenant() {
                    24
                } else {
                    256
                });
        // The generated bodies are first screened side by side, each worker on its own user
        // (a probe sets and reads its user's value), the users set up side by side too.
        let screen_users = self.users_with(&vec![false; workers(cases)]).await?;
        let user = screen_users[0].clone();
        let seed = self.session.fuzz_seed.unwrap_or_else(random_seed);
        let handle = tokio::runtime::Handle::current();
        let (session, case, shared) = (self.session.clone(), self.case, self.shared.clone());
        let probe_user = user.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            fuzz_blocking(
                &handle,
                session,
                case,
                shared,
                (&probe_user, screen_users),
                cases,
                rng_seed(seed),
            )
        })
        .await;
        if let Ok((_, _, Some(error))) = &outcome {
            self.error = Some(error.clone());
        }
        match outcome {
            Ok((requests, None, _)) => {
                self.requests += requests;
            }
            Ok((requests, Some((body, original, findings)), _)) => {
                self.requests += requests;
                let shown = crate::http::excerpt(&String::from_utf8_lossy(&body), 120);
                let from = crate::http::excerpt(&String::from_utf8_lossy(&original), 120);
                let seen = self.findings.len();
                self.findings.extend(findings);
                self.add_context(
                    seen,
                    &format!(
                        "minimal failing body {shown:?}, shrunk from {from:?}; seed {seed}: \
                         replay with PINGONE_FUZZ_SEED={seed}"
                    ),
                );
            }
            Err(e) => self.note_unjudged("the fuzz run completes", "no panic", e.to_string(), None),
        }
        Ok(())
    }
}

type FuzzFailure = (Vec<u8>, Vec<u8>, Vec<Finding>);

/// A fresh seed for a run without `PINGONE_FUZZ_SEED`.
fn random_seed() -> u64 {
    let (high, _) = Uuid::new_v4().as_u64_pair();
    high
}

/// The 32-byte ChaCha seed of a `u64` seed: the same `u64` always replays the same bodies.
fn rng_seed(seed: u64) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[..8].copy_from_slice(&seed.to_le_bytes());
    s
}

/// What one probe sent, found, and why it stopped (target unavailable), if it did.
type Probed = (u32, Vec<Finding>, Option<String>);

/// The most users MFA-FUZZ-01 screens bodies on at once.
const MAX_WORKERS: usize = 16;

/// Bodies one screening worker probes, one after the other.
const BODIES_PER_WORKER: usize = 6;

/// How many users screen `cases` bodies: enough that each probes about
/// [`BODIES_PER_WORKER`], an even number (so that each worker's bodies start from one baseline,
/// see [`screen`], and its user is set only when a probe needs the other value), at most
/// [`MAX_WORKERS`].
fn workers(cases: u32) -> usize {
    let n = (cases as usize)
        .div_ceil(BODIES_PER_WORKER)
        .clamp(1, MAX_WORKERS);
    if n > 1 {
        n.next_multiple_of(2).min(MAX_WORKERS)
    } else {
        n
    }
}

/// How a body is probed: on which baseline when nothing coerces it (`alternate`: true), and
/// whether each request is sent once ([`CaseCtx::single_attempt`]).
#[derive(Clone, Copy)]
struct How {
    alternate: bool,
    single_attempt: bool,
}

/// One probe of `body` on `user`: the requests it sent, its findings, and why it stopped if
/// the target became unavailable. `known` is the value `user` is known to hold (`None`: not
/// known, after a probe that found something or stopped); a probe whose baseline differs sets
/// it first and requires a 2xx, so that a write an earlier probe left behind, or a set-up write
/// a flaky target lost, never passes for a partial write of this body. A probe that found
/// nothing read its baseline back, which is then known.
async fn probe_once(
    session: Arc<Session>,
    case: &'static Case,
    shared: Arc<Mutex<Shared>>,
    user: String,
    body: Vec<u8>,
    how: How,
    known: &mut Option<bool>,
) -> Probed {
    let How {
        alternate,
        single_attempt,
    } = how;
    let mut ctx = CaseCtx::new(session, case, shared);
    ctx.single_attempt = single_attempt;
    let coerced = jackson_boolean(&body);
    ctx.expect.lenient = coerced.map(|value| Lenient {
        value,
        named: "a string \"true\"/\"false\" or an integer coerced to a Boolean",
        grade: JACKSON,
    });
    // The baseline is the opposite of what a coercing server would store, so that an
    // acceptance that stores nothing shows; a body nothing coerces alternates.
    let baseline = coerced.map_or(alternate, |c| !c);
    let set = if *known == Some(baseline) {
        true
    } else {
        match ctx.send(ctx.put_value(&user, baseline)).await {
            Ok(ex) if (200..300).contains(&ex.status) => true,
            Ok(ex) => {
                let seen = ctx.findings.len();
                ctx.note_unjudged(
                    "set-up: PUT .../mfaEnabled sets the baseline before the probe",
                    "HTTP 2xx",
                    ctx.summary(&ex),
                    Some(&ex),
                );
                ctx.add_context(seen, &format!("baseline {baseline}"));
                false
            }
            Err(_) => false,
        }
    };
    if set {
        let _ = ctx.invalid_probe(&user, &body, JSON, baseline).await;
    }
    *known = (set && ctx.findings.is_empty() && ctx.error.is_none()).then_some(baseline);
    // After an outage, what the probe saw before is kept (a MUST finding is still a contract
    // failure); the rest is no verdict.
    (ctx.requests, ctx.findings, ctx.error.take())
}

/// The leniency the fuzzer tolerates (facts §11.1).
const JACKSON: Grade = should(Evidence::Inferred(
    "PingOne's services appear Jackson-based, and Jackson's defaults coerce \"true\"/\"false\" in any case and \
     integers to Booleans; whether a tenant does is unknown (facts §11.1)",
));

/// The Boolean a Jackson-style binder makes of `body`'s mfaEnabled, if it coerces a value
/// that is not a Boolean ([`crate::wire::jackson_boolean`]: a string `true` or `false` in any
/// letter case, an integer).
pub fn jackson_boolean(body: &[u8]) -> Option<bool> {
    let value = serde_json::from_slice::<Value>(body).ok()?;
    match value.as_object()?.get("mfaEnabled")? {
        Value::Bool(_) => None,
        v => crate::wire::jackson_boolean(v),
    }
}

/// Generate, probe and shrink on a blocking thread (proptest's value trees are not `Send`).
/// Returns the requests sent, the minimal failure if any, and why the fuzzing stopped early
/// if a probe met an unavailable target.
fn fuzz_blocking(
    handle: &tokio::runtime::Handle,
    session: Arc<Session>,
    case: &'static Case,
    shared: Arc<Mutex<Shared>>,
    users: (&str, Vec<String>),
    cases: u32,
    seed: [u8; 32],
) -> (u32, Option<FuzzFailure>, Option<String>) {
    let config = PropConfig {
        cases,
        failure_persistence: None,
        ..PropConfig::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let strategy = invalid_bodies();
    let requests = std::cell::Cell::new(0u32);
    let error: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    let (user, screen_users) = users;
    // What the shrinking probes know of their user's value: nothing at first.
    let known = std::cell::Cell::new(None);
    let probe = |body: &[u8], alternate: bool, single_attempt: bool| -> Vec<Finding> {
        // Once the target is unavailable, shrinking stops: the failure found stands as it is.
        if error.borrow().is_some() {
            return Vec::new();
        }
        let mut value = known.get();
        let (sent, findings, stopped) = handle.block_on(probe_once(
            session.clone(),
            case,
            shared.clone(),
            user.to_string(),
            body.to_vec(),
            How {
                alternate,
                single_attempt,
            },
            &mut value,
        ));
        known.set(value);
        requests.set(requests.get() + sent);
        if let Some(e) = stopped {
            *error.borrow_mut() = Some(e);
        }
        findings
    };
    // Generate every body, then screen them side by side: worker k probes bodies k, k + W, ...
    // on its own user, in order. What the screen finds is then shrunk one probe at a time.
    let mut trees = Vec::new();
    for _ in 0..cases {
        if let Ok(tree) = strategy.new_tree(&mut runner) {
            trees.push(tree);
        }
    }
    let bodies: Vec<Vec<u8>> = trees.iter().map(ValueTree::current).collect();
    let screened = handle.block_on(screen(&session, case, &shared, &screen_users, &bodies));
    let must = |f: &[Finding]| f.iter().any(|f| f.tier == Tier::Must);
    // Every screened body counts, also those after one that met an unavailable target: an
    // outage ends the search for more, never the findings already made.
    for (sent, _, stopped) in &screened {
        requests.set(requests.get() + sent);
        if let Some(e) = stopped {
            error.borrow_mut().get_or_insert_with(|| e.clone());
        }
    }
    let mut warning: Option<FuzzFailure> = None;
    for (n, ((mut tree, original), (_, findings, _))) in
        trees.into_iter().zip(bodies).zip(screened).enumerate()
    {
        let alternate = n % 2 == 1;
        if findings.is_empty() {
            continue;
        }
        if !must(&findings) {
            // A warning (a leniency, say): kept, and the search goes on for a failure.
            warning.get_or_insert((original.clone(), original, findings));
            continue;
        }
        let (mut minimal, mut minimal_findings) = (original.clone(), findings.clone());
        let mut budget = 64;
        // Shrinking probes are sent once each: against a server that answers 5xx, a retry's
        // wait per probe made shrinking the run's longest chain (64 probes, 250 ms each).
        // The minimal body found is then probed again with retries, as every other request
        // is, and only what that confirms is reported.
        if tree.simplify() {
            while budget > 0 {
                budget -= 1;
                let candidate = tree.current();
                let f = probe(&candidate, alternate, true);
                if !must(&f) {
                    if !tree.complicate() {
                        break;
                    }
                } else {
                    minimal = candidate;
                    minimal_findings = f;
                    if !tree.simplify() {
                        break;
                    }
                }
            }
        }
        if minimal != original {
            let confirmed = probe(&minimal, alternate, false);
            if must(&confirmed) {
                minimal_findings = confirmed;
            } else {
                // Not confirmed with retries: the screened body, as the screen found it.
                (minimal, minimal_findings) = (original.clone(), findings);
            }
        }
        let stopped = error.borrow_mut().take();
        return (
            requests.get(),
            Some((minimal, original, minimal_findings)),
            stopped,
        );
    }
    let stopped = error.borrow_mut().take();
    (requests.get(), warning, stopped)
}

/// Probe every body once, worker `k` (on `users[k]`) taking bodies `k`, `k + W`, ... in order;
/// the results in the bodies' order.
async fn screen(
    session: &Arc<Session>,
    case: &'static Case,
    shared: &Arc<Mutex<Shared>>,
    users: &[String],
    bodies: &[Vec<u8>],
) -> Vec<Probed> {
    let workers = users.len().max(1);
    let mut set = tokio::task::JoinSet::new();
    for (k, user) in users.iter().enumerate() {
        let mine: Vec<(usize, Vec<u8>)> = bodies
            .iter()
            .enumerate()
            .skip(k)
            .step_by(workers)
            .map(|(i, b)| (i, b.clone()))
            .collect();
        let (session, shared, user) = (session.clone(), shared.clone(), user.clone());
        set.spawn(async move {
            let mut out = Vec::with_capacity(mine.len());
            // Each worker's user was set up with false.
            let mut known = Some(false);
            for (i, body) in mine {
                let result = probe_once(
                    session.clone(),
                    case,
                    shared.clone(),
                    user.clone(),
                    body,
                    How {
                        alternate: i % 2 == 1,
                        single_attempt: false,
                    },
                    &mut known,
                )
                .await;
                let stop = result.2.is_some();
                out.push((i, result));
                if stop {
                    break;
                }
            }
            out
        });
    }
    let mut results: Vec<Option<Probed>> = (0..bodies.len()).map(|_| None).collect();
    while let Some(done) = set.join_next().await {
        for (i, r) in done.unwrap_or_default() {
            results[i] = Some(r);
        }
    }
    // A body a stopped worker never probed counts as unprobed: no findings, no requests.
    results
        .into_iter()
        .map(|r| r.unwrap_or((0, Vec::new(), None)))
        .collect()
}

/// Bodies that are not a valid UserMFAEnabled: JSON values of every shape (with mfaEnabled
/// anything but a Boolean) and arbitrary bytes.
pub fn invalid_bodies() -> impl Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        "[ -~]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("true"),
            Just("false"),
            Just("1"),
            Just("0"),
            Just("yes")
        ]
        .prop_map(|s| json!(s)),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("mfaEnabled".to_string()), "[a-zA-Z_]{1,8}"],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let non_boolean = value
        .clone()
        .prop_filter("mfaEnabled must not be a Boolean", |v| !v.is_boolean())
        .prop_map(|v| json!({ "mfaEnabled": v }));
    prop_oneof![
        value.prop_map(|v| v.to_string().into_bytes()),
        non_boolean.prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..48),
    ]
    .prop_filter("not a valid body", |b| !is_valid_body(b))
}

/// Whether bytes are a JSON object with a Boolean `mfaEnabled`.
pub fn is_valid_body(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|v| v.get("mfaEnabled").map(Value::is_boolean))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_bodies_are_recognised() {
        assert!(is_valid_body(b"{\"mfaEnabled\": true}"));
        assert!(is_valid_body(b"{\"mfaEnabled\": false, \"x\": 1}"));
        assert!(!is_valid_body(b"{\"mfaEnabled\": \"true\"}"));
        assert!(!is_valid_body(b"[true]"));
        assert!(!is_valid_body(b""));
    }

    #[test]
    fn jackson_coercion_follows_facts_11_1() {
        for (body, expected) in [
            (&b"{\"mfaEnabled\": \"true\"}"[..], Some(true)),
            (b"{\"mfaEnabled\": \"FALSE\"}", Some(false)),
            (b"{\"mfaEnabled\": \" True \"}", Some(true)),
            (b"{\"mfaEnabled\": 1}", Some(true)),
            (b"{\"mfaEnabled\": -7}", Some(true)),
            (b"{\"mfaEnabled\": 0}", Some(false)),
            (b"{\"mfaEnabled\": 1.5}", None),
            (b"{\"mfaEnabled\": 1.0}", None),
            (b"{\"mfaEnabled\": \"yes\"}", None),
            (b"{\"mfaEnabled\": null}", None),
            (b"{\"mfaEnabled\": [1]}", None),
            (b"[{\"mfaEnabled\": 1}]", None),
            (b"{\"enabled\": 1}", None),
        ] {
            assert_eq!(
                jackson_boolean(body),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn generated_bodies_are_never_valid() {
        let mut runner = TestRunner::deterministic();
        let s = invalid_bodies();
        for _ in 0..500 {
            let body = s.new_tree(&mut runner).expect("tree").current();
            assert!(
                !is_valid_body(&body),
                "{:?}",
                String::from_utf8_lossy(&body)
            );
        }
    }
}
