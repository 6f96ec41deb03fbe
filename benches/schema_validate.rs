//! Cost of `pingone_mfa_conformance::schema::validate` per response body, in ns/op.
//!
//! No criterion: `std::time::Instant`, a warm-up (which also compiles the validators in their
//! `LazyLock`s), then `ROUNDS` timed rounds of `ITERS` calls each; prints the median round and
//! the spread (min, max) in ns per call. The bodies are what the mock answers: a
//! `UserMFAEnabled`, a `P1Error` with one detail, and for comparison an invalid
//! `UserMFAEnabled` (whose errors are formatted into strings) and the `serde_json` parse of the
//! valid body (what every response costs before validation).
//!
//! Run: `cargo bench --bench schema_validate` (or through `scripts/bench`).
//! Environment: `SCHEMA_BENCH_ITERS` (default 20000), `SCHEMA_BENCH_ROUNDS` (default 11),
//! `SCHEMA_BENCH_RESULT_LINES` (set: also print one machine-readable `RESULT` line per row).

use std::hint::black_box;
use std::time::Instant;

use pingone_mfa_conformance::schema::{Schema, validate};
use serde_json::Value;

const USER_MFA_ENABLED: &str = r#"{"_links":{"self":{"href":"http://127.0.0.1:40000/v1/environments/6f1e7a3c-2b4d-4e8f-9a0b-1c2d3e4f5a6b/users/0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d/mfaEnabled"},"user":{"href":"http://127.0.0.1:40000/v1/environments/6f1e7a3c-2b4d-4e8f-9a0b-1c2d3e4f5a6b/users/0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d"}},"mfaEnabled":true}"#;

const P1_ERROR: &str = r#"{"id":"6e5abbdd-1079-40fe-8a72-06c246e37bd4","code":"INVALID_DATA","message":"The request could not be completed. One or more validation errors were in the request.","details":[{"code":"INVALID_VALUE","target":"mfaEnabled","message":"mfaEnabled must be a Boolean."}]}"#;

const USER_MFA_ENABLED_INVALID: &str = r#"{"_links":{"self":{"href":"/v1/environments/6f1e7a3c-2b4d-4e8f-9a0b-1c2d3e4f5a6b/users/0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d/mfaEnabled"},"user":{"href":"http://127.0.0.1:40000/v1/environments/6f1e7a3c-2b4d-4e8f-9a0b-1c2d3e4f5a6b/users/0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d"}},"mfaEnabled":"true"}"#;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// Median, min and max of `rounds` rounds of `iters` calls, in ns per call.
fn measure(iters: usize, rounds: usize, mut op: impl FnMut()) -> (f64, f64, f64) {
    // Warm-up: about a tenth of the work, at least 1000 calls.
    for _ in 0..(iters / 10).max(1000) {
        op();
    }
    let mut per_op: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                op();
            }
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    per_op.sort_by(f64::total_cmp);
    (
        per_op[per_op.len() / 2],
        per_op[0],
        per_op[per_op.len() - 1],
    )
}

fn main() {
    // `cargo bench` passes `--bench`; filters are not supported, every row is cheap.
    let iters = env_usize("SCHEMA_BENCH_ITERS", 20_000);
    let rounds = env_usize("SCHEMA_BENCH_ROUNDS", 11);
    // Machine-readable `RESULT` lines for scripts/bench.
    let result_lines = std::env::var_os("SCHEMA_BENCH_RESULT_LINES").is_some();

    let mfa: Value = serde_json::from_str(USER_MFA_ENABLED).expect("json");
    let err: Value = serde_json::from_str(P1_ERROR).expect("json");
    let bad: Value = serde_json::from_str(USER_MFA_ENABLED_INVALID).expect("json");
    assert!(
        validate(Schema::UserMfaEnabled, &mfa).is_empty(),
        "UserMFAEnabled body must be valid"
    );
    assert!(
        validate(Schema::P1Error, &err).is_empty(),
        "P1Error body must be valid"
    );
    let bad_errors = validate(Schema::UserMfaEnabled, &bad);
    assert!(!bad_errors.is_empty(), "invalid body must be rejected");

    let rows: Vec<(String, (f64, f64, f64))> = vec![
        (
            "validate(UserMfaEnabled, valid body)".into(),
            measure(iters, rounds, || {
                black_box(validate(Schema::UserMfaEnabled, black_box(&mfa)));
            }),
        ),
        (
            "validate(P1Error, valid body)".into(),
            measure(iters, rounds, || {
                black_box(validate(Schema::P1Error, black_box(&err)));
            }),
        ),
        (
            format!(
                "validate(UserMfaEnabled, invalid body: {} errors)",
                bad_errors.len()
            ),
            measure(iters, rounds, || {
                black_box(validate(Schema::UserMfaEnabled, black_box(&bad)));
            }),
        ),
        (
            "serde_json::from_str (UserMFAEnabled body, for scale)".into(),
            measure(iters, rounds, || {
                let v: Value = serde_json::from_str(black_box(USER_MFA_ENABLED)).expect("json");
                black_box(v);
            }),
        ),
    ];

    println!("schema_validate: {rounds} rounds x {iters} calls, after warm-up; ns per call");
    println!(
        "{:<58} {:>10} {:>10} {:>10}",
        "operation", "median", "min", "max"
    );
    for (name, (median, min, max)) in rows {
        println!("{name:<58} {median:>10.0} {min:>10.0} {max:>10.0}");
        if result_lines {
            println!(
                "RESULT schema op=\"{name}\" median_ns={median:.0} min_ns={min:.0} max_ns={max:.0}"
            );
        }
    }
}
