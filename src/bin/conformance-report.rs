//! `conformance-report`: reports, comparisons and clean-up around conformance runs. A thin
//! command line over `pingone_mfa_conformance::results`; see `docs/ci.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use pingone_mfa_conformance::config::Config;
use pingone_mfa_conformance::results::{self, Mode, SweepOptions};
use pingone_mfa_conformance::suite::Session;

const HELP: &str = "\
conformance-report: reports, comparisons and clean-up for the PingOne MFA conformance suite

USAGE:
    conformance-report render RESULTS [-o FILE]
    conformance-report collect DIR -o FILE
    conformance-report compare BASELINE CURRENT [--mode parity|nightly] [--fail-on-change] [-o FILE]
    conformance-report sweep [--delete] [--older-than MINUTES] [--page-size N]
    conformance-report --help

RESULTS, BASELINE and CURRENT are a results directory (one <CASE-ID>.json per case, written by
the suite when PINGONE_RESULTS_DIR is set) or a combined file written by `collect`.

COMMANDS:
    render     Markdown report: summary, a table per area, details of failures and warnings.
    collect    Combine a results directory into one JSON file {\"run\": {...}, \"cases\": [...]}.
    compare    List cases whose outcome, status or error code differ between two runs.
               --mode nightly (default): last run (BASELINE) against this run (CURRENT): newly
               failing, newly passing, changed status or code, added and removed cases.
               --mode parity: mock results (BASELINE) against tenant results (CURRENT).
               --fail-on-change: exit 1 if anything differs (default: exit 0).
    sweep      List users whose username starts with \"conformance-\" (left behind by a crashed
               run) in the environment configured like the suite (PINGONE_* variables or .env;
               PRODUCTION is refused unless PINGONE_ALLOW_PRODUCTION=true). Dry run unless
               --delete. --older-than MINUTES keeps younger users (a run in progress);
               --page-size N sets the list request's limit (1-1000, default 100). With nothing
               configured (the embedded mock) there is nothing to sweep.

OPTIONS:
    -o, --output FILE   Write to FILE instead of standard output (`-` is standard output).
    -h, --help          Print this help.

ENVIRONMENT:
    PINGONE_RESULTS_DIR   Read by the conformance suite, not by this tool: where each case's
                          result file is written. Unset: no files.
    PINGONE_*             The suite's configuration, used by `sweep` (see README.md).

EXIT STATUS:
    0 success; 1 a change with --fail-on-change, or a sweep that could not list or delete;
    2 a usage error, unreadable results, or a session that could not be opened.
";

/// A failure with its exit code.
struct Failure {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: format!(
            "{}\nRun `conformance-report --help` for usage.",
            message.into()
        ),
    }
}

fn failed(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: 2,
        message: message.to_string(),
    }
}

/// Parsed arguments of one command.
#[derive(Default)]
struct Args {
    positional: Vec<String>,
    output: Option<String>,
    mode: Option<String>,
    fail_on_change: bool,
    delete: bool,
    older_than: Option<String>,
    page_size: Option<String>,
    help: bool,
}

fn parse(raw: &[String]) -> Result<Args, Failure> {
    let mut a = Args::default();
    let mut it = raw.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |opt: &str| -> Result<String, Failure> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| usage(format!("{opt} needs a value"))),
            }
        };
        match name {
            "-h" | "--help" => a.help = true,
            "-o" | "--output" => a.output = Some(value(name)?),
            "--mode" => a.mode = Some(value(name)?),
            "--older-than" => a.older_than = Some(value(name)?),
            "--page-size" => a.page_size = Some(value(name)?),
            "--fail-on-change" => a.fail_on_change = true,
            "--delete" => a.delete = true,
            "-" => a.positional.push(arg.clone()),
            s if s.starts_with('-') => return Err(usage(format!("unknown option {s}"))),
            _ => a.positional.push(arg.clone()),
        }
    }
    Ok(a)
}

impl Args {
    /// Refuse options this command does not take, and check the number of positionals.
    fn only(&self, command: &str, allowed: &[&str], positionals: &[&str]) -> Result<(), Failure> {
        let given = [
            ("--output", self.output.is_some()),
            ("--mode", self.mode.is_some()),
            ("--fail-on-change", self.fail_on_change),
            ("--delete", self.delete),
            ("--older-than", self.older_than.is_some()),
            ("--page-size", self.page_size.is_some()),
        ];
        if let Some((opt, _)) = given.iter().find(|(o, set)| *set && !allowed.contains(o)) {
            return Err(usage(format!("`{command}` does not take {opt}")));
        }
        if self.positional.len() != positionals.len() {
            return Err(usage(format!(
                "`{command}` takes {} argument{} ({}), got {}",
                positionals.len(),
                if positionals.len() == 1 { "" } else { "s" },
                if positionals.is_empty() {
                    "none".to_string()
                } else {
                    positionals.join(" ")
                },
                self.positional.len()
            )));
        }
        Ok(())
    }
}

fn main() -> ExitCode {
    let mut raw = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(s) => raw.push(s),
            Err(arg) => {
                eprintln!("conformance-report: argument {arg:?} is not UTF-8");
                return ExitCode::from(2);
            }
        }
    }
    match run(&raw) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("conformance-report: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(raw: &[String]) -> Result<u8, Failure> {
    let Some((command, rest)) = raw.split_first() else {
        return Err(usage("no command given"));
    };
    let args = parse(rest)?;
    if args.help || matches!(command.as_str(), "-h" | "--help" | "help") {
        print!("{HELP}");
        return Ok(0);
    }
    match command.as_str() {
        "render" => {
            args.only("render", &["--output"], &["RESULTS"])?;
            let results = results::load(&args.positional[0]).map_err(failed)?;
            emit(args.output.as_deref(), &results::render(&results))?;
            Ok(0)
        }
        "collect" => {
            args.only("collect", &["--output"], &["DIR"])?;
            let Some(out) = args.output.as_deref().filter(|o| *o != "-") else {
                let results = results::load(&args.positional[0]).map_err(failed)?;
                emit(None, &results.to_json())?;
                return Ok(0);
            };
            let results =
                results::collect(Path::new(&args.positional[0]), Path::new(out)).map_err(failed)?;
            eprintln!(
                "conformance-report: wrote {} case result{} to {out}",
                results.cases.len(),
                if results.cases.len() == 1 { "" } else { "s" }
            );
            Ok(0)
        }
        "compare" => {
            args.only(
                "compare",
                &["--output", "--mode", "--fail-on-change"],
                &["BASELINE", "CURRENT"],
            )?;
            let mode = match args.mode.as_deref() {
                None => Mode::Nightly,
                Some(m) => Mode::parse(m)
                    .ok_or_else(|| usage(format!("--mode must be parity or nightly, not {m:?}")))?,
            };
            let baseline = results::load(&args.positional[0]).map_err(failed)?;
            let current = results::load(&args.positional[1]).map_err(failed)?;
            let comparison = results::compare(&baseline, &current, mode);
            emit(args.output.as_deref(), &comparison.render())?;
            Ok(if args.fail_on_change && comparison.changed() {
                1
            } else {
                0
            })
        }
        "sweep" => {
            args.only("sweep", &["--delete", "--older-than", "--page-size"], &[])?;
            let mut options = SweepOptions {
                delete: args.delete,
                ..SweepOptions::default()
            };
            if let Some(m) = &args.older_than {
                let minutes: u64 = m
                    .parse()
                    .map_err(|_| usage(format!("--older-than takes whole minutes, not {m:?}")))?;
                options.older_than = Some(Duration::from_secs(minutes * 60));
            }
            if let Some(p) = &args.page_size {
                options.page_size = p
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| usage(format!("--page-size takes 1 to 1000, not {p:?}")))?;
            }
            sweep(&options)
        }
        other => Err(usage(format!("unknown command {other:?}"))),
    }
}

fn sweep(options: &SweepOptions) -> Result<u8, Failure> {
    let config = Config::from_env().map_err(failed)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the tokio runtime: {e}")))?;
    let report = rt.block_on(async {
        let session = Session::from_config(config).await.map_err(failed)?;
        Ok::<_, Failure>(results::sweep_with(&session, options).await)
    })?;
    print!("{}", report.render());
    Ok(if report.ok() { 0 } else { 1 })
}

/// Write `text` to the file, or to standard output for `None` or `-`.
fn emit(output: Option<&str>, text: &str) -> Result<(), Failure> {
    match output {
        None | Some("-") => {
            print!("{text}");
            Ok(())
        }
        Some(path) => {
            results::write_atomically(&PathBuf::from(path), text.as_bytes()).map_err(failed)?;
            eprintln!("conformance-report: wrote {path}");
            Ok(())
        }
    }
}
