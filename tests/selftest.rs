//! The suite tests itself: every conformance case against the mock with each named fault
//! switched on (mutation testing), and against the faithful mock in each combination of its
//! alternative switches that `Alternatives::combinations` gives (no false alarms).
//!
//! - Every fault must be caught by its target (`Fault::target`: the case(s) and the exact
//!   check written to catch it, compared by the check's bare name, without the context a run
//!   adds) at the target's tier, whatever else fires; a fault caught only collaterally (by
//!   other cases), only by other checks, or only at SHOULD when its target says MUST, fails
//!   the self-test.
//! - A fault aimed at the behaviour profile (it changes only what the documentation leaves
//!   open) must be caught by its probe(s): the profile with the fault on, compared with
//!   `snapshots/profile__mock.snap` by the library's own diff and verdict, reports exactly
//!   them CHANGED, and no case catches it; run through the conformance binary, the profile
//!   fails the run as CHANGED in the console, the results, the report and JUnit.
//! - Every case (requirement ID) must be the target of at least one fault.
//! - A minimum set of (case, fault) pairs is pinned, one named test each (`pinned_kill`).
//! - The faithful mock must pass every case, with no warning but those its alternatives
//!   declare (`warns:` in `alternatives!`), in every one of those combinations (all of them up
//!   to `EXHAUSTIVE_UP_TO` alternatives, a covering set past it), both in-process and as the
//!   standalone `pingone-mock` binary configured only through the suite's variables.
//! - `KILLS.md` holds the table of requirement IDs against the faults that kill them, the
//!   collateral kills and the redundant cases; a test regenerates it and fails when the
//!   committed copy is stale. `UPDATE_KILLS=1` (exactly) rewrites it, and only once every
//!   other assertion of that test holds.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use pingone_mfa_conformance::config::{Config, RunConfig};
use pingone_mfa_conformance::mock::{Alternatives, Fault, MockPingOne};
use pingone_mfa_conformance::profile::{self, snapshot};
use pingone_mfa_conformance::suite::deviations::Deviation;
use pingone_mfa_conformance::suite::profile as probes;
use pingone_mfa_conformance::suite::{
    CASES, Case, CaseResult, Outcome, Session, Tier, bundled_mock, run_cases,
};
use rstest::rstest;

mod support;

const FUZZ_SEED: u64 = 20_261_128;

fn run_config() -> RunConfig {
    RunConfig {
        concurrency: 16,
        fuzz_cases: Some(48),
        // Generous: many mocks share two worker threads here, on a machine that may be busy.
        request_timeout: Duration::from_secs(30),
        // Faults answering 500 UNEXPECTED_ERROR are retried like Ping's clients do; short
        // waits keep the self-test quick.
        retry_cap: Duration::from_millis(50),
        // Faults that lose writes wait this long per read-back before failing.
        consistency_wait: Duration::from_millis(300),
        ..RunConfig::default()
    }
}

fn all_cases() -> Vec<&'static Case> {
    CASES.iter().collect()
}

async fn mock(alternatives: Alternatives, faults: &[Fault]) -> MockPingOne {
    bundled_mock()
        .alternatives(alternatives)
        .faults(faults.iter().copied())
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock starts")
}

/// Whole-suite runs this test binary lets run at once. A run spends most of its time waiting
/// (MFA-TOKEN-03 waits out a 3-s token), so many overlap on two cores; each adapts its requests
/// in flight to the latency it meets (src/http/flow.rs). Unbounded, dozens of runs at once would
/// still turn ordinary scheduling delays into request timeouts.
static RUNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(RUNS_AT_ONCE);
const RUNS_AT_ONCE: usize = 16;

async fn run_against(mock: &MockPingOne) -> Vec<CaseResult> {
    let _permit = RUNS.acquire().await.expect("semaphore open");
    let session = Session::for_mock(mock, run_config())
        .await
        .expect("session opens")
        .with_fuzz_seed(FUZZ_SEED);
    run_cases(Arc::new(session), &all_cases()).await
}

/// [`run_against`], one case after the other.
async fn run_one_at_a_time(mock: &MockPingOne) -> Vec<CaseResult> {
    let _permit = RUNS.acquire().await.expect("semaphore open");
    let session = Arc::new(
        Session::for_mock(mock, run_config())
            .await
            .expect("session opens")
            .with_fuzz_seed(FUZZ_SEED),
    );
    let mut results = Vec::new();
    for case in all_cases() {
        results.extend(run_cases(session.clone(), &[case]).await);
    }
    results
}

/// Data the run left behind: users beyond the seeded one, or the seeded user's value changed.
fn leftovers(mock: &MockPingOne) -> Vec<String> {
    let mut problems = Vec::new();
    if mock.user_count() != 1 {
        problems.push(format!(
            "{} users left, expected only the seeded one",
            mock.user_count()
        ));
    }
    let seeded = mock.seeded_users()[0];
    if mock.stored_mfa_enabled(seeded) != Some(false) {
        problems.push(format!("test user {seeded} not restored to false"));
    }
    problems
}

/// The results that are not clean against the faithful mock with `alternatives` on: anything
/// but a pass, except a warning whose every finding is a SHOULD-level check that one of the
/// alternatives on declares it may draw (`warns:` in `alternatives!`, such as the leniency
/// warning of `--lenient-booleans`). Any other warning is a false alarm.
fn not_clean(results: &[CaseResult], alternatives: Alternatives) -> Vec<String> {
    let allowed: Vec<&str> = alternatives
        .on()
        .iter()
        .flat_map(|a| a.warnings().iter().copied())
        .collect();
    let expected_warning = |r: &CaseResult| {
        r.outcome == Outcome::Warn
            && r.findings
                .iter()
                .all(|f| f.tier == Tier::Should && allowed.contains(&f.check.as_str()))
    };
    results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass && !expected_warning(r))
        .map(CaseResult::render)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faithful_mock_passes_every_case_in_every_alternative() {
    let mut tasks = Vec::new();
    for alternatives in Alternatives::all() {
        tasks.push(tokio::spawn(async move {
            let mock = mock(alternatives, &[]).await;
            let mut problems = not_clean(&run_against(&mock).await, alternatives);
            problems.extend(leftovers(&mock));
            (alternatives, problems)
        }));
    }
    let mut alarms = Vec::new();
    for t in tasks {
        let (alternatives, problems) = t.await.expect("task");
        if !problems.is_empty() {
            alarms.push(format!("{alternatives:?}:\n{}", problems.join("\n")));
        }
    }
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n\n"));
}

/// The Correlation-Id check: it holds every answer, so it is left out of attribution (it would
/// make every case look like it kills `no-correlation-id`, and any case look useful).
const CORRELATION_ID_CHECK: &str = "the answer carries a Correlation-Id header";

/// What one case found against one fault: each finding's tier and check name (the bare name,
/// [`Finding::check`](pingone_mfa_conformance::suite::Finding::check), without the context a
/// run adds to it).
type Found = Vec<(Tier, String)>;

/// For each fault, each case's findings (cases without findings are left out).
type Kills = BTreeMap<Fault, BTreeMap<&'static str, Found>>;

/// Every fault's whole-suite run, side by side ([`RUNS_AT_ONCE`] at once), each against its own
/// mock.
async fn kill_matrix() -> Kills {
    let mut tasks = Vec::new();
    for &fault in Fault::ALL {
        tasks.push(tokio::spawn(async move { (fault, fault_run(fault).await) }));
    }
    let mut kills = Kills::new();
    for t in tasks {
        let (fault, found) = t.await.expect("task");
        kills.insert(fault, found);
    }
    kills
}

/// One fault's whole-suite run against a mock of its own: each case's findings.
async fn fault_run(fault: Fault) -> BTreeMap<&'static str, Found> {
    let mock = mock(Alternatives::default(), &[fault]).await;
    // A server that writes every user makes each case's findings depend on what the
    // others do at the same time: one case at a time keeps KILLS.md reproducible.
    let results = if fault == Fault::BystanderWritten {
        run_one_at_a_time(&mock).await
    } else {
        run_against(&mock).await
    };
    // Clean-up holds even when cases fail. (A server that creates users on PUT to an
    // unknown id leaves those behind: the suite never knew them; one that writes every
    // user writes the seeded one too; one whose deletes fail keeps every user.)
    if ![
        Fault::UnknownUserUpsert,
        Fault::BystanderWritten,
        Fault::DeleteUserFails,
    ]
    .contains(&fault)
    {
        assert_eq!(leftovers(&mock), Vec::<String>::new(), "{fault}");
    }
    let mut found = BTreeMap::new();
    for (case, r) in CASES.iter().zip(&results) {
        assert_eq!(case.id, r.id);
        if !r.findings.is_empty() {
            let f: Found = r
                .findings
                .iter()
                .map(|f| (f.tier, f.check.clone()))
                .collect();
            found.insert(case.id, f);
        }
    }
    found
}

/// Faults whose runs are repeated the slow way, one after the other with no other run beside
/// them, to show that running every fault side by side changes nothing in KILLS.md: one whose
/// verdict rests on a retry (the first attempt 500, the retry 400), one that loses writes (its
/// read-backs wait), and one that fails every clean-up.
const SLOW_WAY_SAMPLE: &[Fault] = &[
    Fault::ServerErrorThenRejects,
    Fault::WriteLost,
    Fault::DeleteUserFails,
];

/// The tier at which a case caught a fault, the Correlation-Id check left out: MUST when a
/// MUST finding came, SHOULD when only SHOULD ones did.
fn caught_at(found: &Found) -> Option<Tier> {
    found
        .iter()
        .filter(|(_, check)| check != CORRELATION_ID_CHECK)
        .map(|(tier, _)| *tier)
        .min()
}

/// The cases other than `fault`'s targets that caught it at exactly `tier` (Correlation-Id
/// left out): its collateral kills.
fn collateral(kills: &Kills, fault: Fault, tier: Tier) -> BTreeSet<&'static str> {
    kills[&fault]
        .iter()
        .filter(|(id, found)| !fault.target().names(id) && caught_at(found) == Some(tier))
        .map(|(&id, _)| id)
        .collect()
}

/// Whether `found` holds the finding `fault`'s target names: exactly its check, at its tier or
/// stronger.
fn hits(found: &Found, fault: Fault) -> bool {
    let target = fault.target();
    found
        .iter()
        .any(|(tier, check)| check == target.check && *tier <= target.tier)
}

/// Why `fault` is not caught by its target, or `None` when it is: each target case (or probe)
/// must hold a finding of exactly the target's check at the target's tier, whatever else it or
/// any other case found. Kills by other cases are named as collateral; they never stand in for
/// the target. A fault aimed at the profile changes only what the documentation leaves open: a
/// case that catches it is a problem too.
fn attribution_problem(fault: Fault, found: &BTreeMap<&'static str, Found>) -> Option<String> {
    let target = fault.target();
    let tier = target.tier.as_str();
    let check = target.check;
    let mut problems = Vec::new();
    for id in target.ids() {
        let own = found.get(id).cloned().unwrap_or_default();
        if hits(&own, fault) {
            continue;
        }
        if let Some((t, _)) = own.iter().find(|(_, c)| c == check) {
            problems.push(format!(
                "{id} caught it only at {} (`{check}`), its target says {tier}",
                t.as_str()
            ));
        } else if own.is_empty() {
            problems.push(format!(
                "{id} did not catch it at all (target: `{check}` at {tier})"
            ));
        } else {
            let checks: Vec<String> = own
                .iter()
                .map(|(t, c)| format!("[{}] {c}", t.as_str()))
                .collect();
            problems.push(format!(
                "{id} did not fail `{check}` at {tier}; it found only: {}",
                checks.join("; ")
            ));
        }
    }
    let by_cases: Vec<&str> = found
        .iter()
        .filter(|(id, f)| CASES.iter().any(|c| c.id == **id) && caught_at(f).is_some())
        .map(|(id, _)| *id)
        .collect();
    if problems.is_empty() && target.is_profile() && !by_cases.is_empty() {
        return Some(format!(
            "fault `{}` is aimed at the behaviour profile, yet {} caught it: it breaks a \
             documented requirement, so aim it at that case",
            fault.name(),
            by_cases.join(", ")
        ));
    }
    if problems.is_empty() {
        return None;
    }
    let collateral: Vec<String> = found
        .iter()
        .filter(|(id, f)| !target.names(id) && caught_at(f).is_some())
        .map(|(id, f)| format!("{id} ({})", caught_at(f).map_or("", Tier::as_str)))
        .collect();
    Some(format!(
        "fault `{}` is not caught by its target: {}; {}",
        fault.name(),
        problems.join("; "),
        if collateral.is_empty() {
            "nothing else caught it".to_string()
        } else {
            format!("caught only collaterally, by {}", collateral.join(", "))
        }
    ))
}

/// How a case catches faults: each fault it caught, with each check that fired and its tier
/// (Correlation-Id left out).
type Ways = BTreeSet<(Fault, Tier, String)>;

/// [`Ways`] of case `id`.
fn catches(kills: &Kills, id: &str) -> Ways {
    kills
        .iter()
        .flat_map(|(&fault, found)| {
            found
                .get(id)
                .into_iter()
                .flatten()
                .filter(|(_, check)| check != CORRELATION_ID_CHECK)
                .map(move |(tier, check)| (fault, *tier, check.clone()))
        })
        .collect()
}

/// For each redundant case, the other cases that catch everything it catches, the same way
/// (the same fault, by the same check, at the same tier). Two cases that catch exactly the
/// same are each listed with the other.
fn redundant(kills: &Kills) -> BTreeMap<&'static str, Vec<&'static str>> {
    let ways: Vec<(&'static str, Ways)> =
        CASES.iter().map(|c| (c.id, catches(kills, c.id))).collect();
    let mut out = BTreeMap::new();
    for (id, way) in &ways {
        let covering: Vec<&'static str> = ways
            .iter()
            .filter(|(other, theirs)| other != id && way.is_subset(theirs))
            .map(|(other, _)| *other)
            .collect();
        if !covering.is_empty() {
            out.insert(*id, covering);
        }
    }
    out
}

/// `(default, strict)`: how many faults fail the run by default (a MUST finding in some case
/// or profile probe) and in strict mode (any finding, SHOULD ones and the Correlation-Id check
/// included).
fn scores(kills: &Kills) -> (usize, usize) {
    let default = kills
        .values()
        .filter(|found| {
            found
                .values()
                .any(|f| f.iter().any(|(t, _)| *t == Tier::Must))
        })
        .count();
    let strict = kills.values().filter(|found| !found.is_empty()).count();
    (default, strict)
}

fn list(names: Vec<String>) -> String {
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(", ")
    }
}

fn kills_markdown(kills: &Kills) -> String {
    let (default, strict) = scores(kills);
    let total = kills.len();
    let mut out = String::from(
        "# Which faults each requirement catches\n\n\
         Generated by `tests/selftest.rs` (`UPDATE_KILLS=1 cargo test --test selftest` rewrites it once every \
         assertion of the self-test holds; the test fails when this copy is stale). Each fault is one realistic \
         regression switched on in the mock (`cargo run --bin pingone-mock -- --list-faults`). Each fault names its \
         **target**: the case(s) and the exact check written to catch it, and the tier (`src/mock/faults.rs`); the \
         self-test fails when that check does not fire in each target case at that tier, whatever else fires. \
         A case *kills* a fault at MUST when it fails against it, at SHOULD when it only warns (a failure with \
         `PINGONE_STRICT=true`); a kill by a case that is not the fault's target is *collateral*. Checks are \
         compared by their bare name, without the context a run adds (a baseline, a seed). The Correlation-Id \
         check holds every answer and is left out of the kills; it is the target of `no-correlation-id` only. \
         A fault that changes only what the documentation leaves open is aimed at the behaviour profile \
         instead: its probe must answer differently from `snapshots/profile__mock.snap` (CHANGED, which fails \
         the run), and no case may catch it.\n\n",
    );
    out.push_str(&format!(
        "Mutation score, default mode (a fault is killed when some case, or the behaviour profile, fails at MUST): **{default}/{total}**.\n\n\
         Mutation score, strict mode (`PINGONE_STRICT=true`: SHOULD findings fail too): **{strict}/{total}**.\n\n\
         Every fault is caught by its target at the target's tier, and every case is the target of at least one fault.\n\n"
    ));
    out.push_str(
        "| Requirement | Tier | Title | Target of | Killed at MUST | Killed at SHOULD only |\n|---|---|---|---|---|---|\n",
    );
    for case in CASES {
        let mut target_of = Vec::new();
        let mut at_must = Vec::new();
        let mut at_should = Vec::new();
        for (fault, found) in kills {
            if fault.target().cases.contains(&case.id) {
                target_of.push(format!("`{}`", fault.name()));
            }
            match found.get(case.id).and_then(caught_at) {
                Some(Tier::Must) => at_must.push(format!("`{}`", fault.name())),
                Some(Tier::Should) => at_should.push(format!("`{}`", fault.name())),
                None => {}
            }
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            case.id,
            case.tier.as_str(),
            case.title.replace('|', "\\|"),
            list(target_of),
            list(at_must),
            list(at_should)
        ));
    }
    out.push_str(
        "\n## Faults\n\nThe target caught each fault as its row says; the last two columns are the collateral \
         kills, by cases that are not its target.\n\n\
         | Fault | What the server does | Target | Collateral, failing (MUST) | Collateral, warning (SHOULD only) |\n|---|---|---|---|---|\n",
    );
    for &fault in kills.keys() {
        let target = fault.target();
        let cases = if target.is_profile() {
            format!("the behaviour profile's {}", target.probes.join(", "))
        } else {
            target.cases.join(", ")
        };
        let strings = |s: BTreeSet<&str>| s.into_iter().map(str::to_string).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} `{}` in {} | {} | {} |\n",
            fault.name(),
            fault.description(),
            target.tier.as_str(),
            target.check,
            cases,
            list(strings(collateral(kills, fault, Tier::Must))),
            list(strings(collateral(kills, fault, Tier::Should))),
        ));
    }
    out.push_str(
        "\n## Redundant cases\n\nA case is listed here when another case catches every fault it catches, the same \
         way: by the same check, at the same tier. It adds no kill of its own among these faults; a fault that it \
         alone catches, or catches another way, takes it off this list.\n\n",
    );
    let redundant = redundant(kills);
    if redundant.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| Case | Caught the same way by |\n|---|---|\n");
        for (id, covering) in redundant {
            out.push_str(&format!("| {id} | {} |\n", covering.join(", ")));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_by_its_target_and_every_case_is_a_target() {
    let mut kills = kill_matrix().await;
    // The side-by-side runs find what the slow way (one fault's run at a time, alone) finds.
    {
        // Every permit but the one the run takes: no other run of this binary beside it.
        let _alone = RUNS
            .acquire_many(RUNS_AT_ONCE as u32 - 1)
            .await
            .expect("semaphore open");
        for &fault in SLOW_WAY_SAMPLE {
            assert_eq!(
                fault_run(fault).await,
                kills[&fault],
                "{fault}: run alone, the cases find other things than side by side"
            );
        }
    }
    // A fault aimed at the profile is caught by its probes: their findings join its row.
    for &fault in Fault::ALL.iter().filter(|f| f.target().is_profile()) {
        kills
            .entry(fault)
            .or_default()
            .extend(profile_found(&[fault]).await);
    }
    let (default, strict) = scores(&kills);
    // Past the test harness's output capture, so that every run shows it.
    let _ = writeln!(
        std::io::stderr(),
        "mutation score: {default}/{total} faults killed by default, {strict}/{total} in strict mode",
        total = kills.len()
    );
    let markdown = kills_markdown(&kills);
    let misattributed: Vec<String> = kills
        .iter()
        .filter_map(|(&fault, found)| attribution_problem(fault, found))
        .collect();
    assert!(
        misattributed.is_empty(),
        "faults not caught by their target:\n{}",
        misattributed.join("\n")
    );
    let untargeted: Vec<&str> = CASES
        .iter()
        .filter(|c| !Fault::ALL.iter().any(|f| f.target().cases.contains(&c.id)))
        .map(|c| c.id)
        .collect();
    assert!(
        untargeted.is_empty(),
        "cases that are the target of no fault (redundant, or a fault is missing): {untargeted:?}"
    );
    // Only now, with every assertion above held, and only when asked exactly: a broken
    // attribution never reaches KILLS.md, and no stray value of the variable rewrites it.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/KILLS.md");
    let update = std::env::var_os("UPDATE_KILLS");
    if rewrite_kills(update.as_deref()) {
        std::fs::write(path, &markdown).expect("write KILLS.md");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == markdown,
        "KILLS.md is stale: run `UPDATE_KILLS=1 cargo test --test selftest` and commit it{}",
        match update {
            Some(v) => format!(" (UPDATE_KILLS={v:?} is not 1: nothing was written)"),
            None => String::new(),
        }
    );
}

/// Whether the value of `UPDATE_KILLS` asks for KILLS.md to be rewritten: only `1` does (an
/// empty value, `0`, `true` or `yes` leave it to be compared).
fn rewrite_kills(value: Option<&std::ffi::OsStr>) -> bool {
    value == Some("1".as_ref())
}

#[test]
fn only_update_kills_1_rewrites_kills_md() {
    assert!(rewrite_kills(Some("1".as_ref())));
    for other in ["", "0", "true", "yes", " 1"] {
        assert!(!rewrite_kills(Some(other.as_ref())), "{other:?}");
    }
    assert!(!rewrite_kills(None));
}

/// Attribution on made-up findings: only the target's exact check, in each target case, at
/// its tier, satisfies it; a set-up failure, another check, a longer name, a collateral kill
/// or a weaker tier does not.
#[test]
fn attribution_needs_the_exact_check_in_each_target_case() {
    let fault = Fault::RejectsUnknownProperties;
    let target = fault.target();
    assert_eq!(target.cases, ["MFA-BODY-05"]);
    let found = |pairs: &[(&'static str, Tier, &str)]| {
        let mut m: BTreeMap<&'static str, Found> = BTreeMap::new();
        for &(id, tier, check) in pairs {
            m.entry(id).or_default().push((tier, check.to_string()));
        }
        m
    };
    let exact = found(&[("MFA-BODY-05", Tier::Should, target.check)]);
    assert_eq!(attribution_problem(fault, &exact), None);
    let stronger = found(&[("MFA-BODY-05", Tier::Must, target.check)]);
    assert_eq!(attribution_problem(fault, &stronger), None);
    let longer = format!("{} (from baseline true)", target.check);
    for (wrong, why) in [
        (
            found(&[("MFA-BODY-05", Tier::Must, "the case runs to completion")]),
            "did not fail",
        ),
        (
            found(&[("MFA-BODY-05", Tier::Should, "status")]),
            "did not fail",
        ),
        (
            found(&[("MFA-BODY-05", Tier::Should, &longer)]),
            "did not fail",
        ),
        (
            found(&[("MFA-BODY-06", Tier::Should, target.check)]),
            "caught only collaterally, by MFA-BODY-06",
        ),
        (found(&[]), "did not catch it at all"),
    ] {
        let problem = attribution_problem(fault, &wrong).expect("not attributed");
        assert!(problem.contains(why), "{problem}");
    }
    let must = Fault::NotIdempotent;
    let weaker = found(&[("MFA-BODY-04", Tier::Should, must.target().check)]);
    let problem = attribution_problem(must, &weaker).expect("not attributed");
    assert!(problem.contains("only at SHOULD"), "{problem}");
}

/// Redundancy on a made-up matrix: a case whose kills another case makes the same way is
/// listed; one with a kill of its own, or the same kill by another check, is not.
#[test]
fn a_case_that_adds_no_kill_of_its_own_is_listed_as_redundant() {
    let (a, b, c) = (CASES[0].id, CASES[1].id, CASES[2].id);
    let mut kills = Kills::new();
    let both = BTreeMap::from([
        (a, vec![(Tier::Must, "status".to_string())]),
        (b, vec![(Tier::Must, "status".to_string())]),
        (c, vec![(Tier::Must, "another check".to_string())]),
    ]);
    kills.insert(Fault::NotIdempotent, both);
    kills.insert(
        Fault::WriteLost,
        BTreeMap::from([(b, vec![(Tier::Must, "status".to_string())])]),
    );
    let listed = redundant(&kills);
    assert_eq!(listed.get(a), Some(&vec![b]), "{listed:?}");
    assert!(
        !listed.contains_key(b) && !listed.contains_key(c),
        "{listed:?}"
    );
}

/// Attribution of a fault aimed at the profile, on made-up findings: its probe must report
/// exactly the profile's check at MUST; another probe, a broken invariant, or a case that
/// catches it does not do.
#[test]
fn a_profile_fault_needs_its_probe_and_no_case() {
    let fault = profile_faults()[0];
    let probe = fault.target().probes[0];
    let found = |pairs: &[(&'static str, &str)]| {
        let mut m: BTreeMap<&'static str, Found> = BTreeMap::new();
        for &(id, check) in pairs {
            m.entry(id)
                .or_default()
                .push((Tier::Must, check.to_string()));
        }
        m
    };
    let changed = profile::ANSWER_AS_RECORDED;
    assert_eq!(
        attribution_problem(fault, &found(&[(probe, changed)])),
        None
    );
    for (wrong, why) in [
        (found(&[]), "did not catch it at all"),
        (
            found(&[(probe, "no 5xx for a client's request")]),
            "did not fail",
        ),
        (
            found(&[("MFA-PROBE-READ-01", changed)]),
            "caught only collaterally, by MFA-PROBE-READ-01",
        ),
        (
            found(&[(probe, changed), ("MFA-PATH-03", "status")]),
            "aimed at the behaviour profile, yet MFA-PATH-03 caught it",
        ),
    ] {
        let problem = attribution_problem(fault, &wrong).expect("not attributed");
        assert!(problem.contains(why), "{problem}");
    }
}

/// The faults aimed at the behaviour profile.
fn profile_faults() -> Vec<Fault> {
    let aimed: Vec<Fault> = Fault::ALL
        .iter()
        .copied()
        .filter(|f| f.target().is_profile())
        .collect();
    assert!(!aimed.is_empty(), "no fault is aimed at the profile");
    aimed
}

/// What the behaviour profile finds, probe by probe, against the mock with `faults` on:
/// compared with the committed `snapshots/profile__mock.snap` through the library's own diff
/// and verdict (`profile::snapshot::check`, as in CI: nothing is recorded) and named by
/// `ProfileRun::findings`, each a check's bare name at its tier, like a case's.
async fn profile_found(faults: &[Fault]) -> BTreeMap<&'static str, Found> {
    let mock = mock(Alternatives::default(), faults).await;
    let _permit = RUNS.acquire().await.expect("semaphore open");
    let session = Arc::new(
        Session::for_mock(&mock, run_config())
            .await
            .expect("session opens"),
    );
    let run = probes::record(session.clone()).await;
    let path = snapshot::snapshot_path(&snapshot::default_dir(), "mock");
    let committed = std::fs::read_to_string(&path).expect("snapshots/profile__mock.snap");
    let now = probes::recorded_now(&session);
    let check = snapshot::check("mock", Some(&committed), &run.profile, &now, true);
    assert_eq!(leftovers(&mock), Vec::<String>::new(), "{faults:?}");
    let mut found: BTreeMap<&'static str, Found> = BTreeMap::new();
    for f in run.findings(&check.verdict) {
        let probe = probes::PROBES
            .iter()
            .find(|p| p.id == f.probe)
            .expect("a probe of PROBES");
        found.entry(probe.id).or_default().push((f.tier, f.check));
    }
    found
}

/// Issue 17's "the profile changes": a fault aimed at the profile is caught by exactly its
/// probes, by the profile's check at MUST, and nothing else is found; the faithful mock's
/// profile (the control) finds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_fault_changes_exactly_its_probes() {
    let faithful = profile_found(&[]).await;
    assert!(faithful.is_empty(), "the faithful mock: {faithful:?}");
    for fault in profile_faults() {
        let found = profile_found(&[fault]).await;
        if let Some(problem) = attribution_problem(fault, &found) {
            panic!("{problem}");
        }
        let target = fault.target();
        let only: BTreeMap<&'static str, Found> = target
            .probes
            .iter()
            .map(|&p| (p, vec![(target.tier, target.check.to_string())]))
            .collect();
        assert_eq!(found, only, "`{fault}` changes its probes and nothing else");
    }
}

/// A fault aimed at the profile, run as a user would (the conformance binary against a
/// standalone `pingone-mock --fault`, configured as a tenant whose profile is the committed
/// `mock` one): every case passes (or skips), and the run fails on the profile alone,
/// labelled CHANGED, not PASS, in the console, the results JSON, the Markdown report and
/// JUnit; the snapshot is left as it was.
#[test]
fn a_profile_fault_fails_the_run_as_changed_in_every_report() {
    for fault in profile_faults() {
        let temp = support::suite::TempDir::new("selftest-profile-fault");
        let dir = temp.path();
        let committed = snapshot::snapshot_path(&snapshot::default_dir(), "mock");
        let copy = dir.join("profile__mock.snap");
        std::fs::copy(&committed, &copy).expect("copy the mock's profile");
        let before = std::fs::read_to_string(&copy).expect("snapshot");
        let results = dir.join("results");
        let results_dir = results.to_string_lossy().into_owned();
        let mock = support::binaries::StandaloneMock::start(&["--fault", fault.name()]);
        let target = fault.target();
        let cases: Vec<String> = CASES.iter().map(Case::test_name).collect();
        let tests: Vec<&str> = cases.iter().map(String::as_str).collect();
        let (passed, said) = support::binaries::run_profile(
            &mock,
            dir,
            &[
                ("PINGONE_PROFILE", "mock"),
                ("PINGONE_RESULTS_DIR", results_dir.as_str()),
            ],
            &tests,
        );
        assert!(!passed, "`{fault}`: the run passed:\n{said}");
        // The console: the profile fails as CHANGED, probe by probe, and nothing else fails.
        assert!(
            said.contains("test profile ... FAILED")
                && said.contains(&format!("{} passed; 1 failed", CASES.len()))
                && said.contains("profile mock: CHANGED: the target's behaviour profile differs"),
            "`{fault}`:\n{said}"
        );
        let changed: Vec<&str> = said
            .lines()
            .filter_map(|l| l.strip_prefix("- MFA-PROBE-"))
            .collect();
        let expected: Vec<String> = target
            .probes
            .iter()
            .map(|p| format!("{}: ", p.trim_start_matches("MFA-PROBE-")))
            .collect();
        assert!(
            changed.len() == expected.len()
                && changed
                    .iter()
                    .zip(&expected)
                    .all(|(l, e)| l.starts_with(e.as_str())),
            "`{fault}` changes {expected:?}, the console says {changed:?}:\n{said}"
        );
        // The results JSON.
        let json = std::fs::read_to_string(results.join("profile.json")).expect("profile.json");
        let record: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(record["outcome"], "changed", "{json}");
        let probes_changed: Vec<&str> = record["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|c| c["probe"].as_str())
            .collect();
        assert_eq!(probes_changed, target.probes, "{json}");
        let loaded = pingone_mfa_conformance::results::load(&results).expect("results");
        let not_passed: Vec<(&str, &str)> = loaded
            .cases
            .iter()
            .filter(|c| !matches!(c.outcome.as_str(), "pass" | "skipped"))
            .map(|c| (c.id.as_str(), c.outcome.as_str()))
            .collect();
        assert!(
            loaded.cases.len() == CASES.len() && not_passed.is_empty(),
            "`{fault}`: {} results; not passed: {not_passed:?}",
            loaded.cases.len()
        );
        // The report: the headline is CHANGED, never PASS.
        let report = pingone_mfa_conformance::results::render(&loaded);
        let n = target.probes.len();
        let headline = format!(
            "**Result: CHANGED: {n} probe{}**",
            if n == 1 { "" } else { "s" }
        );
        assert!(
            report.contains(&headline)
                && report.contains("Profile: **CHANGED**")
                && !report.contains("Result: PASS"),
            "`{fault}`:\n{report}"
        );
        // JUnit: the profile is the one failure, of its own type.
        let junit = pingone_mfa_conformance::results::junit(&loaded);
        assert!(
            junit.contains(" failures=\"1\" errors=\"0\" ")
                && junit.contains("<testcase name=\"profile\" classname=\"conformance.profile\"")
                && junit.contains("<failure type=\"changed\" message=\"CHANGED: "),
            "`{fault}`:\n{junit}"
        );
        assert_eq!(
            std::fs::read_to_string(&copy).expect("snapshot"),
            before,
            "the snapshot is left as it was"
        );
    }
}

/// A minimum set of (case, fault) pairs, one test each: a lost kill is a failing test with a
/// name. Each case runs alone against the mock with the fault on and must fail the fault's
/// target check at the target's tier. (The full matrix is `KILLS.md`; this is its floor.)
#[rstest]
#[case::body_01_write_lost("MFA-BODY-01", Fault::WriteLost)]
#[case::body_03_stale_read("MFA-BODY-03", Fault::StaleRead)]
#[case::body_04_not_idempotent("MFA-BODY-04", Fault::NotIdempotent)]
#[case::body_05_rejects_unknown_properties("MFA-BODY-05", Fault::RejectsUnknownProperties)]
#[case::read_01_value_as_string("MFA-READ-01", Fault::ValueAsString)]
#[case::links_01_relative_hrefs("MFA-LINKS-01", Fault::RelativeHrefs)]
#[case::invalid_03_string_boolean("MFA-INVALID-03", Fault::AcceptsStringBoolean)]
#[case::invalid_03_partial_write("MFA-INVALID-03", Fault::PartialWriteOnReject)]
#[case::invalid_07_null_as_false("MFA-INVALID-07", Fault::AcceptsNullAsFalse)]
#[case::invalid_26_lenient_false_as_true("MFA-INVALID-26", Fault::LenientFalseAsTrue)]
#[case::invalid_06_lenient_zero_as_true("MFA-INVALID-06", Fault::LenientZeroAsTrue)]
#[case::invalid_05_lenient_answer_not_stored("MFA-INVALID-05", Fault::LenientAnswerNotStored)]
#[case::invalid_03_lenient_echoes_raw_value("MFA-INVALID-03", Fault::LenientEchoesRawValue)]
#[case::invalid_02_missing_field("MFA-INVALID-02", Fault::MissingFieldDefaultsFalse)]
#[case::hdr_01_any_content_type("MFA-HDR-01", Fault::AcceptsAnyContentType)]
#[case::auth_01_not_enforced("MFA-AUTH-01", Fault::AuthNotEnforced)]
#[case::auth_02_any_bearer("MFA-AUTH-02", Fault::AnyBearerAccepted)]
#[case::path_04_cross_environment("MFA-PATH-04", Fault::CrossEnvironmentAccess)]
#[case::method_02_patch_as_put("MFA-METHOD-02", Fault::PatchActsAsPut)]
#[case::user_05_put_user_changes_mfa("MFA-USER-05", Fault::PutUserChangesMfa)]
#[case::existing_01_write_lost("MFA-EXISTING-01", Fault::WriteLost)]
#[case::fuzz_01_wrong_type("MFA-FUZZ-01", Fault::ServerErrorOnWrongType)]
#[case::token_02_any_secret("MFA-TOKEN-02", Fault::TokenAcceptsAnySecret)]
#[case::token_03_expired_token_accepted("MFA-TOKEN-03", Fault::ExpiredTokenAccepted)]
#[case::invalid_20_form_encoded("MFA-INVALID-20", Fault::AcceptsFormEncoded)]
#[case::side_01_disables_account("MFA-SIDE-01", Fault::DisablesAccount)]
#[case::side_02_mass_assignment("MFA-SIDE-02", Fault::MassAssignment)]
#[case::side_03_bystander_written("MFA-SIDE-03", Fault::BystanderWritten)]
#[case::priv_01_readonly_may_write_mfa("MFA-PRIV-01", Fault::ReadonlyMayWriteMfa)]
#[case::priv_04_any_token_may_write("MFA-PRIV-04", Fault::AnyTokenMayWrite)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_kill(#[case] id: &'static str, #[case] fault: Fault) {
    let target = fault.target();
    assert!(
        target.cases.contains(&id),
        "{id} is not a target of `{fault}`"
    );
    let case = pingone_mfa_conformance::suite::cases::by_id(id).expect("case");
    let faulty = mock(Alternatives::default(), &[fault]).await;
    let session = Session::for_mock(&faulty, run_config())
        .await
        .expect("session")
        .with_fuzz_seed(FUZZ_SEED);
    let r = run_cases(Arc::new(session), &[case]).await.remove(0);
    let found: Found = r
        .findings
        .iter()
        .map(|f| (f.tier, f.check.clone()))
        .collect();
    assert!(
        hits(&found, fault),
        "{id} no longer catches `{fault}` with `{}` at {}:\n{}",
        target.check,
        target.tier.as_str(),
        r.render()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn should_level_failures_warn_and_fail_only_in_strict_mode() {
    let mock = mock(Alternatives::default(), &[Fault::RejectsUnknownProperties]).await;
    let results = run_against(&mock).await;
    let extra = results
        .iter()
        .find(|r| r.id == "MFA-BODY-05")
        .expect("case");
    assert_eq!(extra.outcome, Outcome::Warn, "{}", extra.render());
    assert!(extra.findings.iter().all(|f| f.tier == Tier::Should));
    assert!(!extra.fails_run(false));
    assert!(extra.fails_run(true));
    let must = results.iter().filter(|r| r.fails_run(false)).count();
    assert_eq!(must, 0, "a SHOULD-only fault must not fail the run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_deviation_is_reported_and_a_fixed_one_too() {
    let deviation = Deviation {
        id: "MFA-INVALID-03",
        reason: "test: the tenant coerces \"true\"",
    };
    let faulty = mock(Alternatives::default(), &[Fault::AcceptsStringBoolean]).await;
    let session = Session::for_mock(&faulty, run_config())
        .await
        .expect("session")
        .with_deviations(vec![deviation.clone()]);
    let case = pingone_mfa_conformance::suite::cases::by_id("MFA-INVALID-03").expect("case");
    let r = run_cases(Arc::new(session), &[case]).await.remove(0);
    assert!(
        matches!(r.outcome, Outcome::KnownDeviation(_)),
        "{}",
        r.render()
    );
    assert!(!r.fails_run(true));

    let faithful = mock(Alternatives::default(), &[]).await;
    let session = Session::for_mock(&faithful, run_config())
        .await
        .expect("session")
        .with_deviations(vec![deviation]);
    let r = run_cases(Arc::new(session), &[case]).await.remove(0);
    assert!(
        matches!(r.outcome, Outcome::FixedDeviation(_)),
        "{}",
        r.render()
    );
    assert!(
        r.render().contains("now passes: remove it"),
        "{}",
        r.render()
    );
    assert!(!r.fails_run(false) && r.fails_run(true));
}

/// A server that accepts `"true"` and `"false"` and stores them consistently is lenient, not
/// broken: the cases warn at SHOULD level, naming the leniency, and fail nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consistent_lenient_answer_is_a_warning_naming_the_leniency() {
    let faulty = mock(Alternatives::default(), &[Fault::AcceptsStringBoolean]).await;
    let results = run_against(&faulty).await;
    for id in ["MFA-INVALID-03", "MFA-INVALID-04"] {
        let r = results.iter().find(|r| r.id == id).expect("case");
        assert_eq!(r.outcome, Outcome::Warn, "{}", r.render());
        assert!(
            r.findings
                .iter()
                .all(|f| f.tier == Tier::Should && f.evidence == Some("INFERRED")),
            "{}",
            r.render()
        );
        assert!(
            r.render().contains("lenient binding: the string"),
            "{}",
            r.render()
        );
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.fails_run(false))
        .map(CaseResult::render)
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A failure report reads: ID and requirement, expected, actual, and a curl line with `$TOKEN`;
/// pinned so that a change that makes it unreadable or leaks a secret shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_report_is_readable_and_leaks_no_secret() {
    let faulty = mock(Alternatives::default(), &[Fault::PartialWriteOnReject]).await;
    let session = Arc::new(
        Session::for_mock(&faulty, run_config())
            .await
            .expect("session"),
    );
    let token = session.bearer().await.expect("token");
    let case = pingone_mfa_conformance::suite::cases::by_id("MFA-INVALID-03").expect("case");
    let r = run_cases(session.clone(), &[case]).await.remove(0);
    let report = r.render();
    for secret in [token.expose(), faulty.client_secret().expose()] {
        assert!(!report.contains(secret), "secret in report:\n{report}");
        assert!(
            !format!("{r:?}").contains(secret),
            "secret in Debug of the result"
        );
        assert!(
            !format!("{session:?}").contains(secret),
            "secret in Debug of the session"
        );
        let json = serde_json::to_string(&r).expect("json");
        assert!(!json.contains(secret), "secret in the JSON result");
    }
    let pinned = report
        .replace(faulty.api_url(), "{{apiPath}}")
        .replace(&faulty.environment_id().to_string(), "{{envID}}");
    let pinned = redact_uuids(&pinned);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("failure_report_MFA-INVALID-03", pinned));
}

fn redact_uuids(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        if i + 36 <= bytes.len()
            && let Some(candidate) = s.get(i..i + 36)
            && uuid::Uuid::parse_str(candidate).is_ok()
        {
            out.push_str("[uuid]");
            i += 36;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

// ---------------------------------------------------------------- the standalone binary

struct MockProcess {
    child: Child,
    api: String,
    auth: String,
    env: String,
    population: String,
    user: String,
}

impl MockProcess {
    /// The suite's variables that point it at this process.
    fn variables(&self) -> BTreeMap<&'static str, String> {
        [
            ("PINGONE_API_URL", self.api.clone()),
            ("PINGONE_AUTH_URL", self.auth.clone()),
            ("PINGONE_ENVIRONMENT_ID", self.env.clone()),
            ("PINGONE_POPULATION_ID", self.population.clone()),
            ("PINGONE_CLIENT_ID", "selftest-client".to_string()),
            ("PINGONE_CLIENT_SECRET", "selftest-secret".to_string()),
            (
                "PINGONE_READONLY_CLIENT_ID",
                "selftest-readonly".to_string(),
            ),
            (
                "PINGONE_READONLY_CLIENT_SECRET",
                "selftest-readonly-secret".to_string(),
            ),
        ]
        .into_iter()
        .collect()
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_mock(flags: &[&str]) -> MockProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pingone-mock"))
        .args([
            "--port",
            "0",
            "--client-id",
            "selftest-client",
            "--client-secret",
            "selftest-secret",
            "--readonly-client-id",
            "selftest-readonly",
            "--readonly-client-secret",
            "selftest-readonly-secret",
            "--token-lifetime",
            "3",
        ])
        .args(["--seed-user", "conformance-existing-user"])
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pingone-mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let (mut api, mut auth, mut env, mut population, mut user) = Default::default();
    for line in lines.by_ref() {
        let line = line.expect("line");
        // Banner lines: "  API base URL      http://...", "  environment id    <uuid> (SANDBOX)".
        let words: Vec<&str> = line.split_whitespace().collect();
        let word = |i: usize| words.get(i).copied().unwrap_or_default().to_string();
        match words.as_slice() {
            ["API", "base", "URL", ..] => api = word(3),
            ["auth", "base", "URL", ..] => auth = word(3),
            ["environment", "id", ..] => env = word(2),
            ["population", "id", ..] => population = word(2),
            ["seeded", "user", ..] => user = word(2),
            ["Press", "Ctrl-C", ..] => break,
            _ => {}
        }
    }
    std::thread::spawn(move || for _ in lines {});
    MockProcess {
        child,
        api,
        auth,
        env,
        population,
        user,
    }
}

/// The suite configured only through its `PINGONE_*` variables (no `.env`), in strict mode,
/// against the `pingone-mock` binary in each of the table's combinations of the alternative
/// switches ([`Alternatives::combinations`]), alternating the two client authentication
/// methods so both meet every alternative across the set. The combinations run side by side
/// ([`STANDALONE_RUNS`] at once): each run spends most of its time waiting out MFA-TOKEN-03's
/// 3-s token, not on the CPU.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_mock_passes_in_every_alternative_configured_by_variables() {
    static STANDALONE_RUNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(12);
    let combinations = Alternatives::combinations();
    let mut runs = tokio::task::JoinSet::new();
    for (i, alternatives) in combinations.iter().copied().enumerate() {
        runs.spawn(async move {
            let _permit = STANDALONE_RUNS.acquire().await.expect("semaphore open");
            let method = if i % 2 == 0 { "basic" } else { "post" };
            let mut flags = alternatives.flags();
            // The mock accepts only the configured client authentication (issue 14).
            flags.push(format!(
                "--token-endpoint-auth-method=client_secret_{method}"
            ));
            let spawned = flags.clone();
            let process = tokio::task::spawn_blocking(move || {
                spawn_mock(&spawned.iter().map(String::as_str).collect::<Vec<_>>())
            })
            .await
            .expect("pingone-mock starts");
            let mut vars = process.variables();
            vars.insert("PINGONE_TOKEN_AUTH_METHOD", method.to_string());
            vars.insert("PINGONE_STRICT", "true".to_string());
            vars.insert("PINGONE_FUZZ_CASES", "24".to_string());
            vars.insert("PINGONE_TEST_USER_ID", process.user.clone());
            let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
            let session = Session::from_config(config).await.expect("session");
            let results = run_cases(Arc::new(session), &all_cases()).await;
            let problems = not_clean(&results, alternatives);
            (i, flags, method, problems)
        });
    }
    let mut alarms = Vec::new();
    while let Some(run) = runs.join_next().await {
        let (i, flags, method, problems) = run.expect("run");
        if !problems.is_empty() {
            alarms.push((i, format!("{flags:?} ({method}):\n{}", problems.join("\n"))));
        }
    }
    alarms.sort();
    let alarms: Vec<String> = alarms.into_iter().map(|(_, a)| a).collect();
    assert!(
        combinations.len() >= 2 && combinations.contains(&Alternatives::all_on()),
        "the combinations include all off and all on"
    );
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_production_environment_is_refused_before_any_write() {
    let process = spawn_mock(&["--production"]);
    let vars = process.variables();
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
    let err = Session::from_config(config).await.expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("PRODUCTION") && message.contains("PINGONE_ALLOW_PRODUCTION"),
        "{message}"
    );
    assert!(!message.contains("selftest-secret"), "{message}");

    let mut allowed = vars.clone();
    allowed.insert("PINGONE_ALLOW_PRODUCTION", "true".to_string());
    let config = Config::from_lookup(|k| allowed.get(k).cloned()).expect("config");
    let session = Session::from_config(config)
        .await
        .expect("allowed explicitly");
    assert_eq!(session.environment_type.as_deref(), Some("PRODUCTION"));
}

/// `cargo test --test conformance` with a half-set configuration stops once, with one message
/// naming what is missing, and runs no case.
#[test]
fn a_half_set_configuration_fails_once_with_one_message() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // A clean environment: the variables the outer `cargo test` sets would make the nested
    // cargo rebuild C dependencies whose build scripts watch them.
    let mut command = Command::new(cargo);
    command.env_clear();
    for keep in [
        "PATH",
        "HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO_HOME",
        "CARGO_TARGET_DIR",
        "TMPDIR",
    ] {
        if let Some(v) = std::env::var_os(keep) {
            command.env(keep, v);
        }
    }
    let output = command
        .args([
            "test",
            "--quiet",
            "--test",
            "conformance",
            "--",
            "--test-threads",
            "4",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PINGONE_CLIENT_ID", "5f3c9a1e-7f64-4c3b-9d7e-0a1b2c3d4e5f")
        .env("PINGONE_DOTENV", "/nonexistent/.env")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("PingOne configuration is incomplete")
            .count(),
        1,
        "one message, once:\n{stderr}"
    );
    assert!(stderr.contains("PINGONE_CLIENT_SECRET"), "{stderr}");
    assert!(!stderr.contains("panicked"), "no panics:\n{stderr}");
}

/// Every request has a timeout, and after two timeouts of an operation its remaining requests
/// fail at once: a hanging API fails the run (as ERROR, target unavailable) in bounded time
/// instead of hanging it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_target_fails_the_run_in_bounded_time() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hanging = format!("http://{}/v1", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(256) {
            held.push(stream);
        }
    });
    let mock = mock(Alternatives::default(), &[]).await;
    let mut target = pingone_mfa_conformance::suite::TargetInfo::from_mock(
        &mock,
        pingone_mfa_conformance::suite::TargetKind::Mock,
    );
    target.api_url = hanging;
    let run = RunConfig {
        request_timeout: Duration::from_millis(500),
        // One request at a time: without the breaker, 50 cases would take 25 s.
        concurrency: 1,
        allow_production: true,
        ..run_config()
    };
    let started = std::time::Instant::now();
    let session = Session::open(target, run, None)
        .await
        .expect("token from the mock");
    let results = run_cases(Arc::new(session), &all_cases()).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(8), "took {elapsed:?}");
    // A hanging target is unavailable, not in breach of its contract: ERROR, which still fails
    // the run.
    let not_errors: Vec<&str> = results
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Error(_)) && !r.id.starts_with("MFA-TOKEN"))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        not_errors.is_empty(),
        "cases that are not an ERROR: {not_errors:?}"
    );
    assert!(results[0].fails_run(false), "an ERROR fails the run");
    let report = results[0].render();
    assert!(report.contains(": ERROR\n"), "{report}");
}

/// Under a rate limit the suite waits for `Retry-After` and still passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_paces_itself_under_a_rate_limit() {
    let mock = MockPingOne::builder()
        .rate_limit(25)
        .seed_user("conformance-existing-user", false)
        .start()
        .await
        .expect("mock");
    let session = Session::for_mock(
        &mock,
        RunConfig {
            concurrency: 8,
            // Retry-After is honoured up to the cap: the default's.
            retry_cap: RunConfig::default().retry_cap,
            ..run_config()
        },
    )
    .await
    .expect("session");
    let picked: Vec<&'static Case> = CASES
        .iter()
        .filter(|c| c.id.starts_with("MFA-BODY") || c.id.starts_with("MFA-INVALID-0"))
        .collect();
    let results = run_cases(Arc::new(session), &picked).await;
    let problems: Vec<String> = not_clean(&results, Alternatives::default());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A stand-in PingOne that issues tokens and answers Read Environment with `status` and `body`,
/// for the safety check's edge cases.
async fn fake_environment(
    status: u16,
    body: serde_json::Value,
) -> (String, tokio::task::JoinHandle<()>) {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let body = body.clone();
        async move {
            if req.uri().path().ends_with("/as/token") {
                let token = serde_json::json!({"access_token": "fake", "token_type": "Bearer", "expires_in": 3600});
                return axum::Json(token).into_response();
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            (status, axum::Json(body)).into_response()
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, task)
}

/// Only a SANDBOX is written to without `PINGONE_ALLOW_PRODUCTION=true`: PRODUCTION in any
/// case, an unrecognised type, or an unreadable environment stop the run before any write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_sandbox_is_written_to_without_the_opt_in() {
    let env = uuid::Uuid::new_v4().to_string();
    let answers = [
        (200, serde_json::json!({"id": env, "type": "SANDBOX"}), true),
        (200, serde_json::json!({"id": env, "type": "Sandbox"}), true),
        (
            200,
            serde_json::json!({"id": env, "type": "PRODUCTION"}),
            false,
        ),
        (
            200,
            serde_json::json!({"id": env, "type": "production"}),
            false,
        ),
        (200, serde_json::json!({"id": env, "type": "DEV"}), false),
        (200, serde_json::json!({"id": env}), false),
        (403, serde_json::json!({"code": "ACCESS_FAILED"}), false),
    ];
    for (status, body, opens) in answers {
        let (base, task) = fake_environment(status, body.clone()).await;
        for allow in [false, true] {
            let vars: BTreeMap<&str, String> = [
                ("PINGONE_API_URL", format!("{base}/v1")),
                ("PINGONE_AUTH_URL", base.clone()),
                ("PINGONE_ENVIRONMENT_ID", env.clone()),
                ("PINGONE_CLIENT_ID", "fake-client".to_string()),
                ("PINGONE_CLIENT_SECRET", "fake-secret".to_string()),
                ("PINGONE_ALLOW_PRODUCTION", allow.to_string()),
            ]
            .into_iter()
            .collect();
            let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
            let opened = Session::from_config(config).await;
            assert_eq!(
                opened.is_ok(),
                opens || allow,
                "HTTP {status} {body} with PINGONE_ALLOW_PRODUCTION={allow}: {:?}",
                opened.err().map(|e| e.to_string())
            );
        }
        task.abort();
    }
}

/// A fuzz finding names its seed, and the seed replays the same minimal failing body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fuzz_finding_reports_its_seed_and_the_seed_replays_it() {
    let faulty = mock(Alternatives::default(), &[Fault::ServerErrorOnWrongType]).await;
    let case = pingone_mfa_conformance::suite::cases::by_id("MFA-FUZZ-01").expect("case");
    let first = Session::for_mock(&faulty, run_config())
        .await
        .expect("session");
    assert_eq!(first.fuzz_seed, None, "a random seed this time");
    let r = run_cases(Arc::new(first), &[case]).await.remove(0);
    let finding = r.findings.first().expect("a finding");
    // The seed is context, kept apart from the check's name, and shown after it.
    assert!(!finding.check.contains("SEED"), "{:?}", finding.check);
    let shown = finding.label();
    let seed: u64 = shown
        .split("PINGONE_FUZZ_SEED=")
        .nth(1)
        .and_then(|s| s.trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("no seed in {shown:?}"));
    let replay = Session::for_mock(&faulty, run_config())
        .await
        .expect("session")
        .with_fuzz_seed(seed);
    let again = run_cases(Arc::new(replay), &[case]).await.remove(0);
    let checks = |r: &CaseResult| {
        r.findings
            .iter()
            .map(pingone_mfa_conformance::suite::Finding::label)
            .collect::<Vec<_>>()
    };
    assert_eq!(checks(&r), checks(&again), "the seed replays the run");
}
