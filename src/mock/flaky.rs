//! The transient-fault switch (`--flaky N`, [`MockBuilder::flaky`](super::MockBuilder::flaky),
//! `PINGONE_MOCK_FLAKY`): every N-th request meets a transient infrastructure fault before it
//! reaches the API, so nothing changes, in rotation:
//!
//! 1. `502 Bad Gateway` with an HTML page, as a load balancer sends it;
//! 2. `503 Service Unavailable` without `Retry-After`;
//! 3. `504 Gateway Timeout` with an HTML page;
//! 4. a dropped connection: no answer at all.
//!
//! This is what a nightly run against a SaaS API meets now and then (issue 10). A client that
//! retries the way Ping's own SDKs do (facts §11.4) passes against a flaky mock; one that does
//! not, fails. Unlike a [`Fault`](super::Fault), it is not a regression of the API: the answers
//! that do reach the API are the faithful mock's.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::response::Response;

/// The rotation's faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transient {
    /// 502 with an HTML body.
    BadGateway,
    /// 503 without `Retry-After`.
    Unavailable,
    /// 504 with an HTML body.
    GatewayTimeout,
    /// The connection is dropped without an answer.
    Dropped,
}

const ROTATION: [Transient; 4] = [
    Transient::BadGateway,
    Transient::Unavailable,
    Transient::GatewayTimeout,
    Transient::Dropped,
];

/// The switch and its request counter.
#[derive(Debug, Default)]
pub(crate) struct Flaky {
    every: Option<u64>,
    seen: AtomicU64,
}

impl Flaky {
    /// Every `every`-th request meets a fault; `None` or 0: none does.
    pub(crate) fn new(every: Option<u32>) -> Flaky {
        Flaky {
            every: every.filter(|n| *n > 0).map(u64::from),
            seen: AtomicU64::new(0),
        }
    }

    /// Count a request; the fault it meets, if it is an N-th one.
    pub(crate) fn next(&self) -> Option<Transient> {
        let every = self.every?;
        let n = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
        if !n.is_multiple_of(every) {
            return None;
        }
        let k = (n / every - 1) % ROTATION.len() as u64;
        Some(ROTATION[k as usize])
    }
}

/// The answer to a request that met `fault`.
pub(crate) fn answer(fault: Transient) -> Response {
    let html = |status: u16, title: &str| {
        Response::builder()
            .status(status)
            .header("content-type", "text/html")
            .body(Body::from(format!(
                "<html>\r\n<head><title>{status} {title}</title></head>\r\n<body>\r\n\
                 <center><h1>{status} {title}</h1></center>\r\n</body>\r\n</html>\r\n"
            )))
    };
    let response = match fault {
        Transient::BadGateway => html(502, "Bad Gateway"),
        Transient::GatewayTimeout => html(504, "Gateway Time-out"),
        Transient::Unavailable => Response::builder()
            .status(503)
            .header("content-type", "text/plain")
            .body(Body::from("Service Unavailable")),
        // A body that fails at once: hyper closes the connection without an answer.
        Transient::Dropped => Response::builder()
            .status(502)
            .body(Body::from_stream(failing_stream())),
    };
    response.unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A body stream whose first item is an error.
fn failing_stream()
-> impl futures_core::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send {
    struct Failing(bool);
    impl futures_core::Stream for Failing {
        type Item = Result<axum::body::Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            if self.0 {
                return std::task::Poll::Ready(None);
            }
            self.0 = true;
            std::task::Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "flaky: connection dropped",
            ))))
        }
    }
    Failing(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_request_meets_the_next_fault_of_the_rotation() {
        let flaky = Flaky::new(Some(3));
        let met: Vec<Option<Transient>> = (0..15).map(|_| flaky.next()).collect();
        let expected = [
            None,
            None,
            Some(Transient::BadGateway),
            None,
            None,
            Some(Transient::Unavailable),
            None,
            None,
            Some(Transient::GatewayTimeout),
            None,
            None,
            Some(Transient::Dropped),
            None,
            None,
            Some(Transient::BadGateway),
        ];
        assert_eq!(met, expected);
        assert_eq!(Flaky::new(None).next(), None);
        assert_eq!(Flaky::new(Some(0)).next(), None);
    }
}
