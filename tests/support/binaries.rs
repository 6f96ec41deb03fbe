//! Driving the binaries as a user would: the conformance test binary, and a standalone
//! `pingone-mock` in a child process, with what its banner says and the `PINGONE_*` variables
//! that point the suite at it; [`run_conformance`] runs the one against the other, and
//! [`conformance_report`] the report tool.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// The conformance test binary: the newest `conformance-<hash>` next to this test's own
/// binary (cargo, and nextest, build every test binary before running any, so under `cargo
/// test` it is current; run `cargo test --test conformance --no-run` first when running one
/// test file alone after a change).
pub fn conformance_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let me = std::env::current_exe().expect("current exe");
        let dir = me.parent().expect("deps dir");
        let newest = std::fs::read_dir(dir)
            .expect("deps dir")
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_prefix("conformance-").is_some_and(|hash| {
                    hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit())
                })
            })
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .max();
        let (built, path) =
            newest.expect("the conformance test binary is built (cargo test builds it)");
        // Stale when a source it was built from (the test's own, and the library's as cargo's
        // dep-info files of the library's .rlib files list them) changed after it was linked.
        // (Not compared with the .rlib files: `cargo build` of a binary makes one of another
        // configuration, newer than a current test binary; nor with every file of src/: a
        // file of the library's unit tests only is no source of the binary.)
        let mut sources = dep_info_sources(&path.with_extension("d"));
        for entry in std::fs::read_dir(dir).expect("deps dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".d")
                && stem.starts_with("pingone_mfa_conformance-")
                && dir.join(format!("lib{stem}.rlib")).exists()
            {
                sources.extend(dep_info_sources(&entry.path()));
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let changed = sources.iter().find(|source| {
            std::fs::metadata(root.join(source))
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified > built)
        });
        assert!(
            changed.is_none(),
            "{} is older than {}: run the whole `cargo test`, or `cargo test --test \
             conformance --no-run` first",
            path.display(),
            changed.map_or(String::new(), |c| c.display().to_string())
        );
        path
    })
}

/// The sources a cargo dep-info file (`<artifact>.d`, Makefile syntax) names for its
/// artifact: the paths after the first line's colon; none if it cannot be read.
fn dep_info_sources(file: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let Some((_, deps)) = text.lines().next().and_then(|l| l.split_once(": ")) else {
        return Vec::new();
    };
    // A space inside a path is escaped as `\ `.
    deps.replace("\\ ", "\0")
        .split_whitespace()
        .map(|p| PathBuf::from(p.replace('\0', " ")))
        .collect()
}

/// What a `pingone-mock` child started with a piped stdout prints up to its "Press Ctrl-C"
/// line.
pub fn banner(child: &mut Child) -> Vec<String> {
    let stdout = child.stdout.take().expect("stdout");
    let mut banner = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("banner");
        let done = line.starts_with("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    banner
}

/// A standalone mock in a child process (killed when dropped), and what its banner says.
pub struct StandaloneMock {
    pub child: Child,
    pub api_url: String,
    pub auth_url: String,
    pub environment_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub test_user: String,
}

impl StandaloneMock {
    /// `pingone-mock --port 0 --seed-user existing-person` with `args` besides.
    pub fn start(args: &[&str]) -> StandaloneMock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pingone-mock"))
            .args(["--port", "0", "--seed-user", "existing-person"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pingone-mock starts");
        let banner = banner(&mut child);
        let field = |label: &str| {
            banner
                .iter()
                .find_map(|l| l.trim_start().strip_prefix(label))
                .map(|rest| {
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .unwrap_or_else(|| panic!("no {label} in the banner: {banner:#?}"))
        };
        StandaloneMock {
            api_url: field("API base URL"),
            auth_url: field("auth base URL"),
            environment_id: field("environment id"),
            client_id: field("client id"),
            client_secret: field("client secret"),
            test_user: field("seeded user"),
            child,
        }
    }

    /// The variables that point the suite at this mock, as at a tenant (add
    /// `PINGONE_TARGET_KIND=mock` to declare it a mock).
    pub fn target_variables(&self) -> [(&'static str, &str); 6] {
        [
            ("PINGONE_API_URL", &self.api_url),
            ("PINGONE_AUTH_URL", &self.auth_url),
            ("PINGONE_ENVIRONMENT_ID", &self.environment_id),
            ("PINGONE_CLIENT_ID", &self.client_id),
            ("PINGONE_CLIENT_SECRET", &self.client_secret),
            ("PINGONE_TEST_USER_ID", &self.test_user),
        ]
    }
}

impl Drop for StandaloneMock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `conformance-report` with these arguments, run to completion.
pub fn conformance_report(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conformance-report"))
        .args(args)
        .output()
        .expect("run conformance-report")
}

/// A process's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A run of the `profile` test of the conformance binary (and the `tests` named besides)
/// against `mock`, configured as a tenant through the `PINGONE_*` variables, with its
/// snapshots in `dir` and the variables `extra`: whether it passed, and what it said.
pub fn run_profile(
    mock: &StandaloneMock,
    dir: &Path,
    extra: &[(&str, &str)],
    tests: &[&str],
) -> (bool, String) {
    let mut args = vec!["--exact", "profile"];
    args.extend_from_slice(tests);
    run_conformance(mock, dir, extra, &args)
}

/// The conformance binary with these libtest arguments (none: every case and the profile),
/// configured only through the target's variables, its profiles kept in `dir`.
pub fn run_conformance(
    mock: &StandaloneMock,
    dir: &Path,
    extra: &[(&str, &str)],
    args: &[&str],
) -> (bool, String) {
    let mut cmd = Command::new(conformance_binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("PINGONE_") || name.starts_with("INSTA_") {
            cmd.env_remove(name);
        }
    }
    let out = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CI")
        .env_remove("TF_BUILD")
        .env("PINGONE_DOTENV", dir.join("no.env"))
        .env("CARGO_TARGET_DIR", dir)
        .envs(mock.target_variables())
        .env("PINGONE_PROFILE_DIR", dir)
        .envs(extra.iter().copied())
        .args(args)
        .output()
        .expect("the conformance binary runs");
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    (out.status.success(), said)
}
