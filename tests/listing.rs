//! Every user listing the suite relies on checks each listed user itself and reads every page
//! (issue 20): MFA-PRIV-04's check that the read-only worker created no user, the lookup of
//! the user a lost Create User answer may have made, and the sweep. The target here is the
//! mock with [`MockBuilder::ignore_list_filter`]: Read All Users ignores `filter` and lists
//! every user, two to a page, as a careless server (or a proxy that drops the query) would.
//!
//! [`MockBuilder::ignore_list_filter`]: pingone_mfa_conformance::mock::MockBuilder::ignore_list_filter

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::Method;
use pingone_mfa_conformance::config::RunConfig;
use pingone_mfa_conformance::mock::{Fault, MockBuilder};
use pingone_mfa_conformance::suite::{CaseResult, Outcome, Session, bundled_mock, cases, run_case};
use support::gateway::{self, Action};

/// Users the server lists before any the suite makes: five pages' worth with two to a page.
const OTHERS: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
];

/// Users on a page of the filter-ignoring mock.
const PAGE: usize = 2;

/// The bundled mock (with its read-only worker) listing everyone, [`PAGE`] to a page, with
/// [`OTHERS`] seeded.
fn everyone_lister() -> MockBuilder {
    OTHERS
        .iter()
        .fold(bundled_mock().ignore_list_filter(PAGE), |b, name| {
            b.seed_user(*name, false)
        })
}

/// The tests' run, with two new attempts after a lost Create User answer.
fn run_config() -> RunConfig {
    RunConfig {
        max_retries: 2,
        ..support::suite::run_config()
    }
}

async fn run(session: Session, id: &str) -> CaseResult {
    let case = cases::by_id(id).expect("a case of the suite");
    run_case(Arc::new(session), case).await
}

/// The mock really ignores the filter and pages: a name no user has lists everyone.
#[tokio::test]
async fn the_mock_switch_lists_everyone_over_several_pages() {
    let mock = everyone_lister().start().await.expect("mock starts");
    let session = Session::for_mock(&mock, run_config())
        .await
        .expect("session");
    let url = session.env_url("/users?filter=username%20eq%20%22nobody%22&limit=100");
    let ex = session
        .send(pingone_mfa_conformance::http::Request::new("GET", url))
        .await
        .expect("an answer");
    let body = ex.json().expect("JSON");
    assert_eq!(body["count"], OTHERS.len(), "{}", ex.summary());
    assert_eq!(body["size"], PAGE, "{}", ex.summary());
    assert!(
        body.pointer("/_links/next/href").is_some(),
        "{}",
        ex.summary()
    );
}

/// MFA-PRIV-04 against the filter-ignoring mock with `fault` on (if any): its result, and the
/// users left on the mock afterwards besides [`OTHERS`].
async fn priv_04(fault: Option<Fault>) -> (CaseResult, usize) {
    let builder = fault
        .into_iter()
        .fold(everyone_lister(), |b, fault| b.fault(fault));
    let mock = builder.start().await.expect("mock starts");
    let session = Session::for_mock(&mock, run_config())
        .await
        .expect("session");
    let result = run(session, "MFA-PRIV-04").await;
    (result, mock.user_count() - OTHERS.len())
}

/// The finding of MFA-PRIV-04's listing check, which must say that exactly one user was made.
fn one_user_found(result: &CaseResult) {
    let check = result
        .findings
        .iter()
        .find(|f| f.check == "no user was created")
        .unwrap_or_else(|| panic!("the listing check fails: {}", result.render()));
    assert!(
        check.actual.starts_with("1 user(s) named conformance-"),
        "{}",
        result.render()
    );
}

/// MFA-PRIV-04 counts the users named as it asked, not the page: against a server that lists
/// everyone it passes, and nothing is left behind.
#[tokio::test]
async fn priv_04_does_not_count_a_page_of_other_users() {
    let (result, left) = priv_04(None).await;
    assert_eq!(result.outcome, Outcome::Pass, "{}", result.render());
    assert_eq!(left, 0, "{}", result.render());
}

/// And it still finds the user that was made, five pages down behind everyone else: exactly
/// one, which the clean-up deletes.
#[tokio::test]
async fn priv_04_finds_a_created_user_on_a_later_page() {
    let (result, left) = priv_04(Some(Fault::AnyTokenMayWrite)).await;
    assert_eq!(result.outcome, Outcome::Fail, "{}", result.render());
    one_user_found(&result);
    assert_eq!(left, 0, "{}", result.render());
}

/// A user made despite the 403 (no id in the answer to delete it by) is found on its page,
/// named in the only finding, and deleted by the clean-up.
#[tokio::test]
async fn priv_04_finds_and_deletes_a_user_made_despite_the_refusal() {
    let (result, left) = priv_04(Some(Fault::ReadonlyCreateStillCreates)).await;
    assert_eq!(result.outcome, Outcome::Fail, "{}", result.render());
    assert_eq!(result.status, Some(403), "{}", result.render());
    assert_eq!(result.findings.len(), 1, "{}", result.render());
    one_user_found(&result);
    assert!(result.cleanup.is_empty(), "{}", result.render());
    assert_eq!(left, 0, "{}", result.render());
}

/// A lost Create User answer: the user it made is found although the server lists everyone
/// and it sits on the last page, and deleted with the case's other user; the case passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_is_recovered_from_a_listing_of_everyone() {
    // The gateway loses the answer to the first Create User: the user is made, the suite sees
    // a load balancer's 502 page.
    let lose_next_create = Arc::new(AtomicBool::new(true));
    let lose = lose_next_create.clone();
    let (mock, target) = gateway::start(everyone_lister(), move |method, path| {
        if method == Method::POST && path.ends_with("/users") && lose.swap(false, Ordering::SeqCst)
        {
            Action::Lose(gateway::bad_gateway())
        } else {
            Action::Forward
        }
    })
    .await;
    let session = Session::open(target, run_config(), None)
        .await
        .expect("session through the gateway");
    let result = run(session, "MFA-READ-01").await;
    assert!(
        !lose_next_create.load(Ordering::SeqCst),
        "the gateway lost a Create User answer"
    );
    assert_eq!(result.outcome, Outcome::Pass, "{}", result.render());
    assert!(result.cleanup.is_empty(), "{}", result.render());
    assert_eq!(
        mock.user_count(),
        OTHERS.len(),
        "the user of the lost answer is left behind: {}",
        result.render()
    );
}
