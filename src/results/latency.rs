//! Latency per operation: the requests a run sent ([`RequestRecord`], noted by the session,
//! see [`crate::suite::requests`]), kept beside the case files as JSON lines, and the report's
//! section built on them: p50, p95 and max per operation and the slowest requests with their
//! case.
//!
//! Each process appends its session's requests to `<dir>/requests-<run id>.jsonl` when it
//! records a case ([`append_requests`]), so one process per case (nextest) and one process for
//! all (`cargo test`) both work without sharing a file. The files hold the operation, the case,
//! the status class, the retries and the time of each request, and nothing else: no URL, no
//! id, no body.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use super::{Results, ResultsError, io_error};
use crate::suite::requests::RequestRecord;

/// The operations the report always lists first, in this order; others follow by name.
pub const MAIN_OPERATIONS: &[&str] = &[
    "token",
    "Create User",
    "PUT mfaEnabled",
    "GET mfaEnabled",
    "GET user",
    "DELETE user",
];

/// How many of the slowest requests the report names.
pub const SLOWEST: usize = 10;

const FILE_PREFIX: &str = "requests-";
const FILE_SUFFIX: &str = ".jsonl";

/// Append `records` to this process's requests file in `dir`, one JSON line each.
pub fn append_requests(dir: &Path, records: &[RequestRecord]) -> Result<(), ResultsError> {
    if records.is_empty() {
        return Ok(());
    }
    let mut lines = String::new();
    for r in records {
        let line = serde_json::to_string(r)
            .map_err(|e| ResultsError(format!("cannot serialise a request record: {e}")))?;
        lines.push_str(&line);
        lines.push('\n');
    }
    let run = crate::suite::session::run_id();
    let path = dir.join(format!("{FILE_PREFIX}{run}{FILE_SUFFIX}"));
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .map_err(|e| io_error("append to", &path, &e))
}

/// Every request in the requests files of `dir`, file by file in name order: those of the
/// processes in `run_ids` (the case files' [`super::RunInfo::run_id`]), so that an earlier run
/// into the same directory does not count; all of them when no case file names its process.
pub fn read_requests(
    dir: &Path,
    run_ids: &BTreeSet<String>,
) -> Result<Vec<RequestRecord>, ResultsError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error("list", dir, &e))? {
        let entry = entry.map_err(|e| io_error("list", dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name
            .strip_prefix(FILE_PREFIX)
            .and_then(|n| n.strip_suffix(FILE_SUFFIX))
        else {
            continue;
        };
        if run_ids.is_empty() || run_ids.contains(id) {
            files.push(entry.path());
        }
    }
    files.sort();
    let mut records = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| io_error("read", &file, &e))?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let record = serde_json::from_str(line).map_err(|e| {
                ResultsError(format!(
                    "{}:{}: not a request record (operation, status, retries, us): {e}",
                    file.display(),
                    n + 1
                ))
            })?;
            records.push(record);
        }
    }
    Ok(records)
}

/// One operation's requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationStats {
    /// E.g. `PUT mfaEnabled`.
    pub operation: String,
    /// Requests sent.
    pub requests: usize,
    /// Of those, answered after at least one retry.
    pub retried: usize,
    /// Of those, without an answer (timeout, no answer, not sent).
    pub unanswered: usize,
    /// Median time of the answered ones, microseconds.
    pub p50_us: u64,
    /// 95th percentile (nearest rank) of the answered ones, microseconds.
    pub p95_us: u64,
    /// Slowest answered one, microseconds.
    pub max_us: u64,
}

/// The requests by operation: [`MAIN_OPERATIONS`] first (those that were sent), then the rest
/// by name. Times are those of answered requests only: a request given up says how long the
/// suite waited, not how fast the target is.
pub fn by_operation(records: &[RequestRecord]) -> Vec<OperationStats> {
    let mut names: Vec<&str> = records.iter().map(|r| r.operation.as_str()).collect();
    names.sort_by_key(|n| {
        let main = MAIN_OPERATIONS.iter().position(|m| m == n);
        (main.unwrap_or(usize::MAX), *n)
    });
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let mine: Vec<&RequestRecord> =
                records.iter().filter(|r| r.operation == name).collect();
            let mut times: Vec<u64> = mine.iter().filter(|r| r.answered()).map(|r| r.us).collect();
            times.sort_unstable();
            OperationStats {
                operation: name.to_string(),
                requests: mine.len(),
                retried: mine
                    .iter()
                    .filter(|r| r.answered() && r.retries > 0)
                    .count(),
                unanswered: mine.iter().filter(|r| !r.answered()).count(),
                p50_us: percentile(&times, 50),
                p95_us: percentile(&times, 95),
                max_us: times.last().copied().unwrap_or(0),
            }
        })
        .collect()
}

/// The `p`-th percentile of sorted values by nearest rank (0 for none).
pub fn percentile(sorted: &[u64], p: u32) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (sorted.len() * p as usize).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// The `n` slowest requests, slowest first (an unanswered one by how long it was waited for).
pub fn slowest(records: &[RequestRecord], n: usize) -> Vec<&RequestRecord> {
    let mut all: Vec<&RequestRecord> = records.iter().collect();
    all.sort_by_key(|r| std::cmp::Reverse(r.us));
    all.truncate(n);
    all
}

/// Microseconds as milliseconds with one decimal.
pub fn ms(us: u64) -> String {
    format!("{}.{}", us / 1000, (us % 1000) / 100)
}

/// The report's latency section; empty for results without requests.
pub fn render_latency(results: &Results) -> String {
    let records = &results.requests;
    if records.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n## Latency per operation\n\n");
    if results.run.target != "Tenant" {
        let _ = writeln!(
            s,
            "Answered by the {} on the machine that ran the suite: these times say nothing \
             about PingOne's.\n",
            results.run.target_label()
        );
    }
    let _ = writeln!(
        s,
        "{} requests. Times in milliseconds, from sending to the last byte of the answer (of its \
         last attempt), over the answered requests.\n",
        records.len()
    );
    s.push_str("| Operation | Requests | p50 | p95 | max | Retried | Unanswered |\n");
    s.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for o in by_operation(records) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            o.operation,
            o.requests,
            ms(o.p50_us),
            ms(o.p95_us),
            ms(o.max_us),
            o.retried,
            o.unanswered
        );
    }
    s.push_str("\n### Slowest requests\n\n");
    s.push_str("| ms | Operation | Case | Status | Retries |\n");
    s.push_str("| ---: | --- | --- | --- | ---: |\n");
    for r in slowest(records, SLOWEST) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            ms(r.us),
            r.operation,
            r.case.as_deref().unwrap_or("(none)"),
            r.status,
            r.retries
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(operation: &str, case: Option<&str>, status: &str, us: u64) -> RequestRecord {
        RequestRecord {
            operation: operation.to_string(),
            case: case.map(str::to_string),
            status: status.to_string(),
            retries: u32::from(status == "5xx"),
            us,
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&values, 50), 10);
        assert_eq!(percentile(&values, 95), 19);
        assert_eq!(percentile(&values, 100), 20);
        assert_eq!(percentile(&[7], 95), 7);
        assert_eq!(percentile(&[], 50), 0);
    }

    #[test]
    fn operations_come_in_report_order_and_unanswered_requests_are_not_timed() {
        let records = [
            record("PATCH user", None, "2xx", 900),
            record("PUT mfaEnabled", Some("MFA-BODY-01"), "2xx", 2000),
            record("PUT mfaEnabled", Some("MFA-BODY-02"), "timeout", 5_000_000),
            record("PUT mfaEnabled", Some("MFA-BODY-03"), "5xx", 4000),
            record("token", None, "2xx", 1000),
        ];
        let stats = by_operation(&records);
        let names: Vec<&str> = stats.iter().map(|s| s.operation.as_str()).collect();
        assert_eq!(names, ["token", "PUT mfaEnabled", "PATCH user"]);
        let put = &stats[1];
        assert_eq!(
            (put.requests, put.retried, put.unanswered),
            (3, 1, 1),
            "{put:?}"
        );
        assert_eq!((put.p50_us, put.p95_us, put.max_us), (2000, 4000, 4000));
        let slow: Vec<Option<&str>> = slowest(&records, 2)
            .iter()
            .map(|r| r.case.as_deref())
            .collect();
        assert_eq!(slow, [Some("MFA-BODY-02"), Some("MFA-BODY-03")]);
        assert_eq!(ms(1234), "1.2");
        assert_eq!(ms(5_000_000), "5000.0");
    }

    #[test]
    fn requests_files_append_and_read_back_and_a_bad_line_is_named() {
        let dir = std::env::temp_dir().join(format!(
            "pingone-latency-test-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let first = [record("token", None, "2xx", 1000)];
        let second = [record("GET user", Some("MFA-USER-01"), "4xx", 3000)];
        append_requests(&dir, &first).unwrap();
        append_requests(&dir, &second).unwrap();
        append_requests(&dir, &[]).unwrap();
        let this = BTreeSet::from([crate::suite::session::run_id().to_string()]);
        let read = read_requests(&dir, &this).unwrap();
        assert_eq!(read, [first[0].clone(), second[0].clone()]);
        std::fs::write(dir.join("requests-zzzzzzzz.jsonl"), "{\"operation\": 1}\n").unwrap();
        assert_eq!(
            read_requests(&dir, &this).unwrap(),
            read,
            "another run's file"
        );
        let err = read_requests(&dir, &BTreeSet::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("requests-zzzzzzzz.jsonl:1"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
