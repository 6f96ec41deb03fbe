//! A gateway in front of a mock: it forwards every request to the mock unless told otherwise,
//! per request, by the test's [`Action`]. The mock's hrefs name the gateway, and the target it
//! returns talks to the gateway, so that the suite sees one server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::Response;
use pingone_mfa_conformance::mock::{MockBuilder, MockPingOne};
use pingone_mfa_conformance::suite::{TargetInfo, TargetKind};

/// What the gateway does with one request.
pub enum Action {
    /// Pass it to the mock and its answer back.
    Forward,
    /// Answer this instead; the mock never sees the request.
    Answer(Response),
    /// Hold it past any timeout.
    Hang,
    /// Pass it to the mock (which acts on it), then answer this instead: the mock's answer is
    /// lost on the way back.
    Lose(Response),
}

/// Decides, from the method and path, what happens to a request.
type Decide = dyn Fn(&Method, &str) -> Action + Send + Sync;

struct Gateway {
    upstream: String,
    client: reqwest::Client,
    decide: Box<Decide>,
}

/// Start the mock `builder` describes behind a gateway that asks `decide` about every request.
/// Returns the mock and a target that reaches it through the gateway.
pub async fn start(
    builder: MockBuilder,
    decide: impl Fn(&Method, &str) -> Action + Send + Sync + 'static,
) -> (MockPingOne, TargetInfo) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind");
    let gateway_base = format!("http://{}", listener.local_addr().expect("addr"));
    let mock = builder
        .public_base_url(gateway_base.clone())
        .start()
        .await
        .expect("mock starts");
    let mock_base = format!("http://{}", mock.addr());
    let gateway = Arc::new(Gateway {
        upstream: mock_base.clone(),
        client: pingone_mfa_conformance::tls::client_builder()
            .build()
            .expect("client"),
        decide: Box::new(decide),
    });
    let app = axum::Router::new().fallback(handle).with_state(gateway);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut target = TargetInfo::from_mock(&mock, TargetKind::Mock);
    target.api_url = target.api_url.replace(&mock_base, &gateway_base);
    target.auth_url = target.auth_url.replace(&mock_base, &gateway_base);
    assert!(
        target.api_url.starts_with(&gateway_base),
        "{}",
        target.api_url
    );
    assert!(
        target.auth_url.starts_with(&gateway_base),
        "{}",
        target.auth_url
    );
    (mock, target)
}

/// A load balancer's 502 page.
pub fn bad_gateway() -> Response {
    Response::builder()
        .status(502)
        .header("content-type", "text/html")
        .body(Body::from(
            "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
        ))
        .expect("response")
}

async fn handle(State(gw): State<Arc<Gateway>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let lost = match (gw.decide)(&parts.method, parts.uri.path()) {
        Action::Forward => None,
        Action::Answer(response) => return response,
        Action::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            None
        }
        Action::Lose(response) => Some(response),
    };
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut forward = gw
        .client
        .request(parts.method.clone(), format!("{}{path}", gw.upstream))
        .body(body.to_vec());
    for (k, v) in &parts.headers {
        if k != "host" && k != "content-length" {
            forward = forward.header(k, v);
        }
    }
    let answer = forward.send().await.expect("mock answers");
    if let Some(lost) = lost {
        return lost;
    }
    let mut response = Response::builder().status(answer.status().as_u16());
    for (k, v) in answer.headers() {
        if k != "content-length" && k != "transfer-encoding" {
            response = response.header(k, v);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    response.body(Body::from(bytes)).expect("response")
}
