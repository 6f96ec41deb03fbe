//! Flow control of one [`HttpClient`](super::HttpClient): how many requests are in flight, when
//! a retry may go, and what the run met.
//!
//! - **Adaptive concurrency (AIMD).** A window of requests in flight starts at
//!   [`INITIAL_WINDOW`] and grows while answers come back healthy: by one per answer until the
//!   first sign of congestion (slow start, the window doubles every round trip), then by one per
//!   window's worth of answers (additive increase). It halves at once (multiplicative decrease)
//!   on a 429, a 503, a timeout, or an answer that took more than twice the fastest answer of its
//!   operation plus [`LATENCY_SLACK`] (rising latency: queues are filling); once per round trip,
//!   so the answers of one burst count as one sign. The ceiling is `PINGONE_CONCURRENCY`.
//! - **Rate limits.** A 429 also closes a gate until the instant the server names
//!   (`details[].innerError.retryAfter`, else `Retry-After`): no request of the run starts before
//!   it. And from the first 429 on, requests are paced: at most 90% of the answers the server
//!   gave in the second before that 429, per second, a rate that then grows by about one request
//!   per second each second while no 429 comes, and is measured again at the next one. (Without
//!   pacing, at a short round trip even a window of one request outruns a limit per second, and
//!   the burst that follows each gate meets 429s again.) A retry waits for its slot ahead of
//!   requests not yet sent.
//! - **Retry budget** (as gRPC's retry throttling): a run holds [`BUDGET_MAX`] tokens; each
//!   transient failure (a 5xx, 408, `UNEXPECTED_ERROR`, a failed connection) takes one, each
//!   other answer gives back [`BUDGET_REFILL`]; a transient failure is retried once whatever is
//!   left, and again only while half the tokens are left (so a run's first request may still be
//!   retried five times). The first retry is free so that a request answered differently on its
//!   second attempt (500, then 400) shows it in every run the same way, whatever the other
//!   requests met: which requests a spent budget cuts short depends on their order. So occasional failures are retried as Ping's clients retry
//!   them, and when most attempts fail (a server answering 500 to every malformed body), the
//!   rest fail fast instead of each waiting out its back-off. A 429 neither takes nor gives
//!   (the server did not process the request); clean-up requests are retried whatever is left.
//! - **Figures.** Requests, latency percentiles, the peak in flight, the 429s and the retries,
//!   for the run summary ([`FlowSummary`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// The window a run starts with.
pub const INITIAL_WINDOW: usize = 4;

/// Latency above twice an operation's fastest answer plus this is "rising" (congestion).
pub const LATENCY_SLACK: Duration = Duration::from_millis(50);

/// The share of the last second's answers a run is paced to after a 429.
pub const PACING: f64 = 0.9;

/// Tokens of the retry budget.
pub const BUDGET_MAX: f64 = 10.0;

/// Tokens an answer that is not a transient failure gives back.
pub const BUDGET_REFILL: f64 = 0.1;

/// What an attempt met, for the window and the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// An answer that is no transient failure, after this long.
    Answer(Duration),
    /// 429: rate-limited (not processed).
    Limited,
    /// A transient failure that says the server is overloaded: 503 or a timeout.
    Overloaded,
    /// Another transient failure: 408, 500, 502, 504, `UNEXPECTED_ERROR`, a failed connection.
    Failed,
}

struct State {
    ceiling: usize,
    window: f64,
    slow_start: bool,
    in_flight: usize,
    /// Out-of-band requests in flight (token requests): outside the window, not counted in it.
    out_of_band: usize,
    /// Waiting for a slot: retries in front, new requests behind.
    queue: VecDeque<oneshot::Sender<Slot>>,
    /// When the window last shrank: a sign from a request sent before that is already counted.
    last_decrease: Option<Instant>,
    /// Fastest answer per operation.
    fastest: HashMap<String, Duration>,
    /// No request starts before this (a 429's retry instant).
    gate: Option<Instant>,
    /// Requests per second once a 429 was met ([`PACING`]).
    rate: Option<f64>,
    /// When the next paced request may start.
    next_send: Instant,
    /// When the answers of the last second came (for the rate at a 429).
    recent: VecDeque<Instant>,
    tokens: f64,
    // Figures.
    requests: u64,
    latencies: Vec<Duration>,
    peak: usize,
    limited: u64,
    retries: u64,
    refused: u64,
}

impl State {
    fn room(&self) -> bool {
        (self.in_flight as f64) < self.window.floor().max(1.0)
    }
}

/// The flow control shared by the clones of one client.
pub(crate) struct Flow {
    state: Mutex<State>,
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary().to_string())
    }
}

/// A request's place in the window; dropping it frees the place.
pub(crate) struct Slot {
    /// `None` once the place was taken back without a release.
    flow: Option<Arc<Flow>>,
    /// When the request (this attempt) was sent.
    sent: Instant,
    /// Sent outside the window ([`Request::out_of_band`](super::Request::out_of_band)).
    out_of_band: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(flow) = self.flow.take() {
            flow.release(self.out_of_band);
        }
    }
}

impl Slot {
    /// Mark the attempt as sent now (after waiting for the gate).
    fn sent_now(&mut self) {
        self.sent = Instant::now();
    }
}

impl Flow {
    /// Flow control with this ceiling on requests in flight.
    pub(crate) fn new(ceiling: usize) -> Arc<Flow> {
        let ceiling = ceiling.max(1);
        Arc::new(Flow {
            state: Mutex::new(State {
                ceiling,
                window: INITIAL_WINDOW.min(ceiling) as f64,
                slow_start: true,
                in_flight: 0,
                out_of_band: 0,
                queue: VecDeque::new(),
                last_decrease: None,
                fastest: HashMap::new(),
                gate: None,
                rate: None,
                next_send: Instant::now(),
                recent: VecDeque::new(),
                tokens: BUDGET_MAX,
                requests: 0,
                latencies: Vec::new(),
                peak: 0,
                limited: 0,
                retries: 0,
                refused: 0,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place in the window, after the rate-limit gate; a `retry` goes ahead of new requests,
    /// and an `out_of_band` request (see [`Request::out_of_band`](super::Request::out_of_band))
    /// does not wait for room.
    pub(crate) async fn acquire(self: &Arc<Flow>, retry: bool, out_of_band: bool) -> Slot {
        let waiting = {
            let mut s = self.lock();
            if out_of_band {
                Err(self.grant_out_of_band(&mut s))
            } else if s.queue.is_empty() && s.room() {
                Err(self.grant(&mut s))
            } else {
                let (tx, rx) = oneshot::channel();
                if retry {
                    s.queue.push_front(tx);
                } else {
                    s.queue.push_back(tx);
                }
                Ok(rx)
            }
        };
        let mut slot = match waiting {
            Err(slot) => slot,
            // The sender is only dropped with the flow, which outlives every slot's future.
            Ok(rx) => rx.await.unwrap_or_else(|_| self.grant(&mut self.lock())),
        };
        loop {
            let gate = self.lock().gate;
            match gate {
                Some(at) if at > Instant::now() => tokio::time::sleep_until(at.into()).await,
                _ => break,
            }
        }
        let paced = {
            let mut s = self.lock();
            s.rate.map(|rate| {
                let at = s.next_send.max(Instant::now());
                s.next_send = at + Duration::from_secs_f64(1.0 / rate);
                at
            })
        };
        if let Some(at) = paced {
            tokio::time::sleep_until(at.into()).await;
        }
        slot.sent_now();
        slot
    }

    fn grant(self: &Arc<Flow>, s: &mut State) -> Slot {
        s.in_flight += 1;
        s.peak = s.peak.max(s.in_flight);
        s.requests += 1;
        Slot {
            flow: Some(self.clone()),
            sent: Instant::now(),
            out_of_band: false,
        }
    }

    /// A slot outside the window: counted as a request, not as one in flight.
    fn grant_out_of_band(self: &Arc<Flow>, s: &mut State) -> Slot {
        s.out_of_band += 1;
        s.requests += 1;
        Slot {
            flow: Some(self.clone()),
            sent: Instant::now(),
            out_of_band: true,
        }
    }

    fn release(self: &Arc<Flow>, out_of_band: bool) {
        let mut s = self.lock();
        if out_of_band {
            s.out_of_band -= 1;
        } else {
            s.in_flight -= 1;
            self.wake(&mut s);
        }
    }

    /// Hand free places to the waiting requests, first in line first.
    fn wake(self: &Arc<Flow>, s: &mut State) {
        while s.room() {
            let Some(tx) = s.queue.pop_front() else { break };
            let slot = self.grant(s);
            if let Err(mut slot) = tx.send(slot) {
                // That request gave up waiting: take the place back here, under the lock.
                slot.flow = None;
                s.in_flight -= 1;
                s.requests -= 1;
            }
        }
    }

    /// Count what the attempt in `slot` of `operation` met: grow the window on a healthy
    /// answer while the window limits the run, shrink it on a sign of congestion, and keep the
    /// budget.
    pub(crate) fn observe(self: &Arc<Flow>, slot: &Slot, operation: &str, signal: Signal) {
        let mut s = self.lock();
        let congested = match signal {
            Signal::Answer(latency) => {
                s.latencies.push(latency);
                let now = Instant::now();
                s.recent.push_back(now);
                while s
                    .recent
                    .front()
                    .is_some_and(|t| now - *t > Duration::from_secs(1))
                {
                    s.recent.pop_front();
                }
                if let Some(rate) = s.rate {
                    s.rate = Some(rate + 1.0 / rate);
                }
                s.tokens = (s.tokens + BUDGET_REFILL).min(BUDGET_MAX);
                let fastest = *s
                    .fastest
                    .entry(operation.to_string())
                    .and_modify(|f| *f = (*f).min(latency))
                    .or_insert(latency);
                latency > fastest * 2 + LATENCY_SLACK
            }
            Signal::Limited => {
                s.limited += 1;
                true
            }
            Signal::Overloaded => {
                s.tokens = (s.tokens - 1.0).max(0.0);
                true
            }
            Signal::Failed => {
                s.tokens = (s.tokens - 1.0).max(0.0);
                return;
            }
        };
        if congested {
            // One decrease per round trip: a request sent before the last one is already counted.
            if s.last_decrease.is_none_or(|at| slot.sent >= at) {
                s.window = (s.window / 2.0).max(1.0);
                s.slow_start = false;
                s.last_decrease = Some(Instant::now());
                if signal == Signal::Limited {
                    let now = Instant::now();
                    let answered = s
                        .recent
                        .iter()
                        .filter(|t| now - **t <= Duration::from_secs(1))
                        .count();
                    s.rate = Some((answered as f64 * PACING).max(1.0));
                }
            }
        } else if !s.queue.is_empty() || s.in_flight as f64 >= s.window.floor() {
            // Only a window that limits the run grows: requests wait, or it is full.
            let step = if s.slow_start { 1.0 } else { 1.0 / s.window };
            s.window = (s.window + step).min(s.ceiling as f64);
            self.wake(&mut s);
        }
    }

    /// After a 429: no request starts before `at`.
    pub(crate) fn close_until(&self, at: Instant) {
        let mut s = self.lock();
        s.gate = Some(s.gate.map_or(at, |g| g.max(at)));
    }

    /// Whether the budget allows retrying a transient failure (always when `free`: a first
    /// retry, or clean-up); counts the retry, or the refusal.
    pub(crate) fn may_retry(&self, free: bool, limited: bool) -> bool {
        let mut s = self.lock();
        let allowed = limited || free || s.tokens >= BUDGET_MAX / 2.0;
        if allowed {
            s.retries += 1;
        } else {
            s.refused += 1;
        }
        allowed
    }

    /// The figures so far.
    pub(crate) fn summary(&self) -> FlowSummary {
        let s = self.lock();
        let mut sorted = s.latencies.clone();
        sorted.sort_unstable();
        let pct =
            |p: usize| (!sorted.is_empty()).then(|| sorted[((sorted.len() - 1) * p).div_ceil(100)]);
        FlowSummary {
            requests: s.requests,
            p50: pct(50),
            p95: pct(95),
            peak_in_flight: s.peak,
            ceiling: s.ceiling,
            window: s.window,
            paced: s.rate,
            rate_limited: s.limited,
            retries: s.retries,
            retries_refused: s.refused,
        }
    }
}

/// What a client's requests met: the run summary's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowSummary {
    /// Requests sent (every attempt, retries included).
    pub requests: u64,
    /// Median latency of the answered attempts.
    pub p50: Option<Duration>,
    /// 95th percentile latency of the answered attempts.
    pub p95: Option<Duration>,
    /// Most requests in flight at once in the window (never above the ceiling; a token request,
    /// sent outside the window, is not counted).
    pub peak_in_flight: usize,
    /// `PINGONE_CONCURRENCY`, the window's ceiling.
    pub ceiling: usize,
    /// The window at the end.
    pub window: f64,
    /// Requests per second the run was paced to at the end, if it met a 429.
    pub paced: Option<f64>,
    /// Answers 429 met.
    pub rate_limited: u64,
    /// Retries sent.
    pub retries: u64,
    /// Transient failures not retried because the run's retry budget was spent.
    pub retries_refused: u64,
}

impl std::fmt::Display for FlowSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms =
            |d: Option<Duration>| d.map_or("-".to_string(), |d| format!("{} ms", d.as_millis()));
        write!(
            f,
            "{} requests ({} retries, {} refused by the retry budget), latency p50 {} p95 {}, \
             peak {} in flight (ceiling {}), {} answers 429",
            self.requests,
            self.retries,
            self.retries_refused,
            ms(self.p50),
            ms(self.p95),
            self.peak_in_flight,
            self.ceiling,
            self.rate_limited
        )?;
        match self.paced {
            Some(rate) => write!(f, " (paced to {rate:.0} requests per second)"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(ms: u64) -> Signal {
        Signal::Answer(Duration::from_millis(ms))
    }

    async fn take(flow: &Arc<Flow>, n: usize) -> Vec<Slot> {
        let mut slots = Vec::new();
        for _ in 0..n {
            slots.push(flow.acquire(false, false).await);
        }
        slots
    }

    fn window(flow: &Flow) -> f64 {
        flow.summary().window
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_window_grows_while_requests_wait_up_to_the_ceiling() {
        let flow = Flow::new(10);
        assert_eq!(window(&flow), INITIAL_WINDOW as f64);
        let mut tasks = Vec::new();
        for _ in 0..60 {
            let flow = flow.clone();
            tasks.push(tokio::spawn(async move {
                let slot = flow.acquire(false, false).await;
                tokio::time::sleep(Duration::from_millis(2)).await;
                flow.observe(&slot, "GET /x", answer(2));
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let s = flow.summary();
        assert_eq!(s.window, 10.0, "capped by the ceiling");
        assert_eq!((s.peak_in_flight, s.requests), (10, 60));
    }

    #[tokio::test]
    async fn an_out_of_band_request_goes_at_once_and_is_not_counted_in_flight() {
        let flow = Flow::new(2);
        let full = take(&flow, 2).await;
        let token = tokio::time::timeout(Duration::from_secs(1), flow.acquire(false, true))
            .await
            .expect("an out-of-band request does not wait for room");
        let s = flow.summary();
        assert_eq!(
            (s.peak_in_flight, s.requests),
            (2, 3),
            "peak within the ceiling"
        );
        drop(token);
        // Its release frees no place in the window: a new request still waits.
        let waiting = tokio::time::timeout(Duration::from_millis(50), flow.acquire(false, false));
        assert!(waiting.await.is_err(), "the window is still full");
        drop(full);
        assert_eq!(flow.summary().peak_in_flight, 2);
    }

    #[tokio::test]
    async fn answers_to_a_window_that_is_not_full_do_not_grow_it() {
        let flow = Flow::new(32);
        for _ in 0..20 {
            let slot = flow.acquire(false, false).await;
            flow.observe(&slot, "GET /x", answer(10));
        }
        assert_eq!(window(&flow), INITIAL_WINDOW as f64);
    }

    #[tokio::test]
    async fn a_429_halves_the_window_once_per_round_trip_and_closes_the_gate() {
        let flow = Flow::new(32);
        let slots = take(&flow, 4).await;
        for slot in &slots {
            flow.observe(slot, "PUT /x", Signal::Limited);
        }
        assert_eq!(window(&flow), 2.0, "one burst is one sign");
        drop(slots);
        let slot = flow.acquire(false, false).await;
        flow.observe(&slot, "PUT /x", Signal::Limited);
        assert_eq!(
            window(&flow),
            1.0,
            "a request sent after the decrease counts again"
        );
        drop(slot);
        assert_eq!(flow.summary().rate_limited, 5);
        flow.close_until(Instant::now() + Duration::from_millis(150));
        let started = Instant::now();
        let _slot = flow.acquire(false, false).await;
        assert!(
            started.elapsed() >= Duration::from_millis(140),
            "the gate holds"
        );
    }

    #[tokio::test]
    async fn rising_latency_halves_the_window_and_ends_slow_start() {
        let flow = Flow::new(32);
        let slot = flow.acquire(false, false).await;
        flow.observe(&slot, "GET /x", answer(100));
        drop(slot);
        let slot = flow.acquire(false, false).await;
        // Another operation may be slower without it being a sign.
        flow.observe(&slot, "POST /users", answer(400));
        assert_eq!(window(&flow), INITIAL_WINDOW as f64);
        flow.observe(&slot, "GET /x", answer(260));
        assert_eq!(window(&flow), 2.0);
        let s = flow.summary();
        assert_eq!(
            (s.p50, s.p95),
            (
                Some(Duration::from_millis(260)),
                Some(Duration::from_millis(400))
            )
        );
    }

    #[tokio::test]
    async fn the_window_bounds_the_requests_in_flight_and_a_retry_goes_first() {
        let flow = Flow::new(1);
        let first = flow.acquire(false, false).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, retry) in [("new", false), ("retry", true)] {
            let (flow, order) = (flow.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = flow.acquire(retry, false).await;
                order.lock().unwrap().push(name);
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(order.lock().unwrap().is_empty(), "the window is full");
        drop(first);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["retry", "new"]);
    }

    #[tokio::test]
    async fn the_retry_budget_runs_out_when_most_attempts_fail_and_refills_with_answers() {
        let flow = Flow::new(4);
        let mut allowed = 0;
        for _ in 0..20 {
            let slot = flow.acquire(false, false).await;
            flow.observe(&slot, "PUT /x", Signal::Failed);
            allowed += usize::from(flow.may_retry(false, false));
        }
        assert_eq!(allowed, 5, "retries while half the tokens are left");
        assert!(flow.may_retry(true, false), "clean-up is always retried");
        assert!(flow.may_retry(false, true), "a 429 is always retried");
        for _ in 0..60 {
            let slot = flow.acquire(false, false).await;
            flow.observe(&slot, "PUT /x", answer(1));
        }
        assert!(flow.may_retry(false, false), "answers refill the budget");
        let s = flow.summary();
        assert_eq!((s.retries, s.retries_refused), (8, 15));
    }
}
