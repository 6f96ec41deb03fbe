//! `conformance-report`: reports, comparisons and clean-up around conformance runs. A thin
//! command line (clap) over `pingone_mfa_conformance::results`; see `docs/ci.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use pingone_mfa_conformance::config::Config;
use pingone_mfa_conformance::results::{self, Mode, SweepOptions};
use pingone_mfa_conformance::suite::Session;

/// The longest `--older-than`: 100 years, in minutes. Anything longer is refused with a message
/// rather than overflowing into "any age" (issue 13).
const MAX_OLDER_THAN_MINUTES: u64 = 100 * 365 * 24 * 60;

const AFTER_HELP: &str = "\
RESULTS, BASELINE and CURRENT are a results directory (one <CASE-ID>.json per case, written by
the suite when PINGONE_RESULTS_DIR is set) or a combined file written by `collect`; an INPUT of
`history` and `trends` is either of those or a history file (*.jsonl) written by `history`.

Environment:
  PINGONE_RESULTS_DIR  Read by the conformance suite, not by this tool: where each case's result
                       file is written. Unset: no files.
  PINGONE_*            The suite's configuration, used by `sweep` (see README.md).

Exit status:
  0 success; 1 a change with --fail-on-change, or a sweep that could not list or delete;
  2 a usage error, unreadable results, a session that could not be opened, or a failed
    preflight.";

/// Reports, comparisons and clean-up for the PingOne MFA conformance suite.
#[derive(Parser, Debug)]
#[command(name = "conformance-report", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Markdown report: summary, a table per area, details of failures and warnings.
    Render {
        /// Results directory or collected file.
        #[arg(value_name = "RESULTS")]
        results: String,
        #[command(flatten)]
        output: Output,
    },
    /// JUnit XML: one testcase per case; a MUST failure is a "failure" element, a case that met
    /// an unavailable target (outcome error) or has no result an "error" element.
    Junit {
        /// Results directory or collected file.
        #[arg(value_name = "RESULTS")]
        results: String,
        #[command(flatten)]
        output: Output,
    },
    /// Combine a results directory into one JSON file {"run": {...}, "cases": [...]}.
    Collect {
        /// Results directory.
        #[arg(value_name = "DIR")]
        dir: String,
        #[command(flatten)]
        output: Output,
    },
    /// List cases whose outcome, status or error code differ between two runs.
    Compare {
        /// The earlier run (nightly) or the mock's results (parity).
        #[arg(value_name = "BASELINE")]
        baseline: String,
        /// This run (nightly) or the tenant's results (parity).
        #[arg(value_name = "CURRENT")]
        current: String,
        /// nightly: last run against this run (newly failing, newly passing, changed status or
        /// code, added and removed cases); parity: mock results against tenant results.
        #[arg(long, value_enum, default_value_t = ModeArg::Nightly)]
        mode: ModeArg,
        /// Exit 1 if anything differs (default: exit 0).
        #[arg(long)]
        fail_on_change: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Fold nights' results into one history of the target (JSON lines, one night each, the
    /// newest nights kept): the file a nightly job keeps between runs.
    History {
        /// Results directories, combined files, or an earlier history file (*.jsonl).
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Markdown trends of a history, for a job summary: pictures (outcomes per night, cases not
    /// passing by area, p95 latency per operation), failing since, and since when each changed
    /// probe of the behaviour profile answers as it does.
    Trends {
        /// A history file (*.jsonl), or results to fold first, as for `history`.
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Several targets' results side by side (the nightly matrix): each target's verdict,
    /// which case does not pass where, and p95 latency per operation per target.
    SideBySide {
        /// LABEL=RESULTS, one per target (a results directory or combined file; without
        /// `LABEL=`, the file or directory name labels it).
        #[arg(value_name = "LABEL=RESULTS", required = true)]
        targets: Vec<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Check that the suite can run its cases on the configured target, before any case.
    ///
    /// Opens a session like the suite (PINGONE_* variables or .env: token, the production
    /// safety check), then creates one user the way the cases do and deletes it. A missing
    /// permission, role or population, or an unavailable target, is one message and exit
    /// status 2, instead of every case failing.
    Preflight,
    /// List (or delete) users left behind by a crashed run.
    ///
    /// Lists users whose username starts with "conformance-" in
    /// the environment configured like the suite (PINGONE_* variables or .env; PRODUCTION is
    /// refused unless PINGONE_ALLOW_PRODUCTION=true). Dry run unless --delete. With nothing
    /// configured (the embedded mock) there is nothing to sweep.
    Sweep {
        /// Delete the leftover users (default: only list them).
        #[arg(long)]
        delete: bool,
        /// Keep users younger than this many minutes (a run in progress).
        #[arg(long, value_name = "MINUTES", value_parser = parse_minutes)]
        older_than: Option<Duration>,
        /// The list request's limit.
        #[arg(long, value_name = "N", default_value_t = 100,
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        page_size: u32,
    },
}

/// `-o FILE`, shared by the commands that write.
#[derive(clap::Args, Debug)]
struct Output {
    /// Write to FILE instead of standard output (`-` is standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    path: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ModeArg {
    Parity,
    Nightly,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Mode {
        match mode {
            ModeArg::Parity => Mode::Parity,
            ModeArg::Nightly => Mode::Nightly,
        }
    }
}

/// Whole minutes, at most [`MAX_OLDER_THAN_MINUTES`].
fn parse_minutes(value: &str) -> Result<Duration, String> {
    let minutes: u64 = value
        .trim()
        .parse()
        .map_err(|_| format!("takes whole minutes, not {value:?}"))?;
    if minutes > MAX_OLDER_THAN_MINUTES {
        return Err(format!(
            "{minutes} minutes is more than {MAX_OLDER_THAN_MINUTES} (100 years)"
        ));
    }
    Ok(Duration::from_secs(minutes * 60))
}

/// A failure after parsing: a message and exit status 2.
struct Failure(String);

fn failed(message: impl std::fmt::Display) -> Failure {
    Failure(message.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("conformance-report: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<u8, Failure> {
    match command {
        Command::Render { results, output } => {
            let results = results::load(&results).map_err(failed)?;
            emit(output.path.as_deref(), &results::render(&results))?;
            Ok(0)
        }
        Command::Junit { results, output } => {
            let results = results::load(&results).map_err(failed)?;
            emit(output.path.as_deref(), &results::junit(&results))?;
            Ok(0)
        }
        Command::Collect { dir, output } => {
            let Some(out) = output.path.as_deref().filter(|o| *o != "-") else {
                let results = results::load(&dir).map_err(failed)?;
                emit(None, &results.to_json())?;
                return Ok(0);
            };
            let results = results::collect(Path::new(&dir), Path::new(out)).map_err(failed)?;
            eprintln!(
                "conformance-report: wrote {} case result{} to {out}",
                results.cases.len(),
                if results.cases.len() == 1 { "" } else { "s" }
            );
            Ok(0)
        }
        Command::Compare {
            baseline,
            current,
            mode,
            fail_on_change,
            output,
        } => {
            let baseline = results::load(&baseline).map_err(failed)?;
            let current = results::load(&current).map_err(failed)?;
            let comparison = results::compare(&baseline, &current, mode.into());
            let (left, right) = comparison.mode.sides();
            let profiles = results::profile::compare_profiles(&baseline, &current, left, right);
            let mut text = comparison.render();
            if let Some((section, _)) = &profiles {
                text.push_str(section);
            }
            emit(output.path.as_deref(), &text)?;
            let profile_changed = profiles.is_some_and(|(_, changed)| changed);
            Ok(u8::from(
                fail_on_change && (comparison.changed() || profile_changed),
            ))
        }
        Command::History { inputs, output } => {
            let history = results::history::history_of(&inputs).map_err(failed)?;
            emit(output.path.as_deref(), &history.to_jsonl())?;
            Ok(0)
        }
        Command::Trends { inputs, output } => {
            let history = results::history::history_of(&inputs).map_err(failed)?;
            emit(
                output.path.as_deref(),
                &results::trends::render_trends(&history),
            )?;
            Ok(0)
        }
        Command::SideBySide { targets, output } => {
            let mut loaded = Vec::new();
            for target in &targets {
                let (label, path) = match target.split_once('=') {
                    Some((label, path)) if !label.is_empty() => (label.to_string(), path),
                    _ => {
                        let name = Path::new(target)
                            .file_stem()
                            .map_or_else(|| target.clone(), |n| n.to_string_lossy().into_owned());
                        (name, target.as_str())
                    }
                };
                loaded.push((label, results::load(path).map_err(failed)?));
            }
            emit(
                output.path.as_deref(),
                &results::side_by_side::render_side_by_side(&loaded),
            )?;
            Ok(0)
        }
        Command::Preflight => preflight(),
        Command::Sweep {
            delete,
            older_than,
            page_size,
        } => sweep(&SweepOptions {
            delete,
            page_size,
            older_than,
        }),
    }
}

fn preflight() -> Result<u8, Failure> {
    let config = Config::from_env().map_err(failed)?;
    let rt = runtime()?;
    let session = rt.block_on(async {
        let session = Session::from_config(config).await.map_err(failed)?;
        session.preflight().await.map_err(failed)?;
        Ok::<_, Failure>(session)
    })?;
    println!(
        "conformance-report: ready: {} environment {} ({}) can take the suite's users",
        session.target.api_url,
        session.target.environment_id,
        session
            .environment_type
            .as_deref()
            .unwrap_or("type unknown")
    );
    Ok(0)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the tokio runtime: {e}")))
}

fn sweep(options: &SweepOptions) -> Result<u8, Failure> {
    let config = Config::from_env().map_err(failed)?;
    let rt = runtime()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
