//! `.ci/run` cannot be talked out of its checks: whatever the caller's environment holds, the
//! switches that would rewrite KILLS.md or a snapshot, or pass a differing one, are gone by the
//! time a check runs (`.ci/clean-env`).

use std::collections::BTreeMap;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The environment `.ci/clean-env` leaves, sourced by bash with `hostile` set on top of a
/// minimal environment.
fn cleaned(hostile: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut command = Command::new("bash");
    command
        .args(["-c", "source .ci/clean-env && env -0"])
        .current_dir(ROOT)
        .env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(hostile.iter().copied());
    let out = command.output().expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_update_and_pass_switches_are_cleared_whatever_their_value() {
    let hostile = [
        ("UPDATE_KILLS", ""),
        ("INSTA_UPDATE", "always"),
        ("INSTA_FORCE_PASS", "1"),
        ("INSTA_FORCE_UPDATE", "1"),
        ("INSTA_FORCE_UPDATE_SNAPSHOTS", "1"),
        ("INSTA_WORKSPACE_ROOT", "/tmp"),
        ("INSTA_GLOB_FILTER", "nothing"),
        ("CI", "false"),
        ("PINGONE_FUZZ_CASES", "0"),
        ("PINGONE_PROFILE", "elsewhere"),
        (
            "PINGONE_ENVIRONMENT_ID",
            "5f3c9a1e-7f64-4c3b-9d7e-0a1b2c3d4e5f",
        ),
        ("RUSTFLAGS", "--cap-lints allow"),
        ("CARGO_BUILD_RUSTFLAGS", "--cap-lints allow"),
        ("CARGO_ENCODED_RUSTFLAGS", "--cap-lints\u{1f}allow"),
        (
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
            "--cap-lints allow",
        ),
        // Kept: where the build goes is no switch of a check.
        ("CARGO_TARGET_DIR", "/tmp/ci-target"),
    ];
    for update_kills in ["", "1", "yes"] {
        let mut env = hostile.to_vec();
        env[0].1 = update_kills;
        let after = cleaned(&env);
        let left: Vec<&String> = after
            .keys()
            .filter(|k| {
                k.starts_with("PINGONE_")
                    || k.starts_with("UPDATE_")
                    || k.contains("RUSTFLAGS")
                    || k.contains("RUSTDOCFLAGS")
            })
            .collect();
        assert!(left.is_empty(), "left set: {left:?}");
        let insta: BTreeMap<&str, &str> = after
            .iter()
            .filter(|(k, _)| k.starts_with("INSTA_"))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            insta,
            BTreeMap::from([("INSTA_FORCE_PASS", "0"), ("INSTA_UPDATE", "no")]),
            "insta compares and never rewrites or passes a differing snapshot"
        );
        assert_eq!(after.get("CI").map(String::as_str), Some("true"));
        assert_eq!(
            after.get("CARGO_TARGET_DIR").map(String::as_str),
            Some("/tmp/ci-target")
        );
    }
}

/// `.ci/run` sources `.ci/clean-env` before its first cargo command, and sets no switch again
/// after it.
#[test]
fn ci_run_cleans_its_environment_before_any_check() {
    let script = std::fs::read_to_string(format!("{ROOT}/.ci/run")).expect(".ci/run");
    let lines: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    let sourced = lines
        .iter()
        .position(|l| *l == "source .ci/clean-env")
        .expect(".ci/run sources .ci/clean-env");
    let first_cargo = lines
        .iter()
        .position(|l| l.starts_with("cargo ") || l.contains(" cargo "))
        .expect("a cargo command");
    assert!(sourced < first_cargo, "cleaned only after a cargo command");
    for switch in ["UPDATE_KILLS", "INSTA_", "PINGONE_", "RUSTFLAGS"] {
        assert!(
            !lines.iter().any(|l| l.contains(switch)),
            ".ci/run sets {switch} itself"
        );
    }
}
