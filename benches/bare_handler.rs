//! The ceiling for `scripts/bench`: a bare handler in the same server stack as the mock
//! (axum 0.8 with the crate's features, `axum::serve`, tokio multi-thread runtime with the
//! default worker count, like `#[tokio::main]` in `pingone-mock`) that reads the request body
//! and answers a fixed `UserMFAEnabled` body of the same size and content type as the mock's.
//!
//! `cargo bench` runs every bench target, so without `--serve` this binary only prints how to
//! use it and exits. `scripts/bench` runs it as
//! `bare_handler --serve --port 0 --max-secs N`; it prints `listening on 127.0.0.1:PORT` and
//! exits by itself after `--max-secs` (default 900) even if nobody stops it.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

/// Same shape and length as the mock's answer for a seeded user on a 5-digit port.
const BODY: &str = concat!(
    r#"{"_links":{"self":{"href":"http://127.0.0.1:40000/v1/environments/"#,
    r#"6f1e7a3c-2b4d-4e8f-9a0b-1c2d3e4f5a6b/users/0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d/mfaEnabled"},"#,
    r#""user":{"href":"http://127.0.0.1:40000/v1/environments/"#,
    r#"6f1e7a3c-2b4d-4e8f-9a0b-1c2d3e4f5a6b/users/0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d"}},"mfaEnabled":true}"#
);

/// The mock's body limit, so that the PUT path reads its body the same way.
const BODY_LIMIT: usize = 64 * 1024;

async fn handle(req: Request) -> Response {
    // Read the body as the mock does (keep-alive needs it consumed anyway).
    let _ = axum::body::to_bytes(req.into_body(), BODY_LIMIT).await;
    ([(CONTENT_TYPE, "application/json")], BODY).into_response()
}

struct Args {
    serve: bool,
    port: u16,
    max_secs: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        serve: false,
        port: 0,
        max_secs: 900,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--serve" => args.serve = true,
            "--port" => args.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--max-secs" => {
                args.max_secs = value()?.parse().map_err(|e| format!("--max-secs: {e}"))?
            }
            // Flags cargo passes to bench binaries (`--bench`, filters) are ignored.
            _ => {}
        }
    }
    Ok(args)
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bare_handler: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if !args.serve {
        println!(
            "bare_handler: the bare-handler server for scripts/bench; run `scripts/bench`, \
             or `bare_handler --serve [--port N] [--max-secs N]` to serve by hand."
        );
        return std::process::ExitCode::SUCCESS;
    }
    // Stop by ourselves, whatever happens to the script that started us.
    let max = Duration::from_secs(args.max_secs);
    std::thread::spawn(move || {
        std::thread::sleep(max);
        eprintln!("bare_handler: --max-secs reached, exiting");
        std::process::exit(0);
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind 127.0.0.1");
        println!(
            "listening on {}",
            listener.local_addr().expect("local addr")
        );
        let app = Router::new().fallback(handle);
        axum::serve(listener, app).await.expect("serve");
    });
    std::process::ExitCode::SUCCESS
}
