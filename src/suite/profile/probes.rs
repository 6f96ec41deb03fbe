//! The probes: one per question the documentation leaves open (docs/api-facts.md §10 and the
//! §11.6 checklist, and every behaviour the mock's alternatives cover). A probe sends one
//! request, applies the invariant MUST checks that hold whatever the server chooses (no 5xx, a
//! rejected request changes nothing, a 2xx answer's value is what is stored) and records the
//! [`AnswerClass`].
//!
//! Not probed (they need more than one environment, an hour, or a configuration the suite does
//! not control): an expired token, the token endpoint of another region, whether the endpoint
//! needs the MFA service, and which roles may read the environment (§11.6 items 5, 10–12).

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::{Exchange, Request};
use crate::suite::Session;
use crate::suite::cases::{
    Area, BadAuth, Case, Evidence, Expect, Grade, Kind, Method, Tier, UserContent, must,
};
use crate::suite::ctx::{Abort, CaseCtx, Shared, Step, lock};
use crate::suite::session::keep_on_put;

use crate::profile::{AnswerClass, Stored};

/// What a probe sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stimulus {
    /// `PUT …/mfaEnabled` with this body and `Content-Type` (`None`: no header) on a new user
    /// whose value is `baseline`; the stored value is read back.
    Put {
        /// Body bytes (empty: no body).
        body: &'static [u8],
        /// `Content-Type`, or none.
        content_type: Option<&'static str>,
        /// The user's value before.
        baseline: bool,
    },
    /// `GET …/mfaEnabled` of a new user whose value is false.
    Get,
    /// `PUT …/mfaEnabled` `{"mfaEnabled": true}` on a user whose value is false, with this
    /// authorization instead of the session's token.
    Auth(BadAuth),
    /// Another method on `…/mfaEnabled` of a user whose value is false (POST and PATCH carry
    /// `{"mfaEnabled": true}`).
    Method(&'static str),
    /// `PUT …/mfaEnabled` `{"mfaEnabled": true}` on a path that names no user of this
    /// environment.
    Path(BadPath),
    /// PUT or PATCH Update User carrying `mfaEnabled: true` on a user whose value is false.
    UpdateUser(&'static str),
    /// Create User; `import` uses Create User (Import)'s media type and sends no population.
    CreateUser {
        /// Create User (Import) without `population.id`.
        import: bool,
        /// `mfaEnabled` in the body, if any.
        mfa: Option<bool>,
    },
}

/// A path that names no user of this environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadPath {
    /// A random UUID as user id.
    UnknownUser,
    /// `not-a-uuid` as user id.
    NonUuidUser,
    /// A random UUID as environment id.
    ForeignEnvironment,
}

/// One open question.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// `MFA-PROBE-<STEM>-NN`.
    pub id: &'static str,
    /// The question in plain words, as the diff quotes it: what is sent.
    pub question: &'static str,
    /// Where the question comes from.
    pub source: &'static str,
    /// What is sent.
    pub stimulus: Stimulus,
}

const fn put(body: &'static [u8], baseline: bool) -> Stimulus {
    Stimulus::Put {
        body,
        content_type: Some("application/json"),
        baseline,
    }
}

/// Every probe, in ID order.
pub const PROBES: &[Probe] = &[
    Probe {
        id: "MFA-PROBE-AUTH-01",
        question: "PUT …/mfaEnabled without Authorization",
        source: "facts §10.1, §11.6 item 5",
        stimulus: Stimulus::Auth(BadAuth::Missing),
    },
    Probe {
        id: "MFA-PROBE-AUTH-02",
        question: "PUT …/mfaEnabled with a garbage bearer token",
        source: "facts §10.1, §11.6 item 5",
        stimulus: Stimulus::Auth(BadAuth::Garbage),
    },
    Probe {
        id: "MFA-PROBE-AUTH-03",
        question: "PUT …/mfaEnabled with Authorization: Basic (the worker's client credentials)",
        source: "facts §10.1, §11.6 item 5",
        stimulus: Stimulus::Auth(BadAuth::Basic),
    },
    Probe {
        id: "MFA-PROBE-BODY-01",
        question: "{} on a user whose value is true",
        source: "facts §10.3, §11.6 item 1",
        stimulus: put(b"{}", true),
    },
    Probe {
        id: "MFA-PROBE-BODY-02",
        question: "no body (Content-Type: application/json) on a user whose value is true",
        source: "facts §10.3",
        stimulus: put(b"", true),
    },
    Probe {
        id: "MFA-PROBE-BODY-03",
        question: "{\"mfaEnabled\": true, \"unknownProperty\": 1} on a user whose value is false",
        source: "facts §10.3 (extra properties)",
        stimulus: put(b"{\"mfaEnabled\": true, \"unknownProperty\": 1}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-01",
        question: "{\"mfaEnabled\": \"true\"} on a user whose value is false",
        source: "facts §10.3, §11.1, §11.6 items 1–2",
        stimulus: put(b"{\"mfaEnabled\": \"true\"}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-02",
        question: "{\"mfaEnabled\": \"TRUE\"} on a user whose value is false",
        source: "facts §11.1, §11.6 item 1",
        stimulus: put(b"{\"mfaEnabled\": \"TRUE\"}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-03",
        question: "{\"mfaEnabled\": \"false\"} on a user whose value is true",
        source: "facts §11.1",
        stimulus: put(b"{\"mfaEnabled\": \"false\"}", true),
    },
    Probe {
        id: "MFA-PROBE-BOOL-04",
        question: "{\"mfaEnabled\": 1} on a user whose value is false",
        source: "facts §11.1, §11.6 item 1",
        stimulus: put(b"{\"mfaEnabled\": 1}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-05",
        question: "{\"mfaEnabled\": 0} on a user whose value is true",
        source: "facts §11.1, §11.6 item 1",
        stimulus: put(b"{\"mfaEnabled\": 0}", true),
    },
    Probe {
        id: "MFA-PROBE-BOOL-06",
        question: "{\"mfaEnabled\": 2} on a user whose value is false",
        source: "facts §11.1, §11.6 item 1",
        stimulus: put(b"{\"mfaEnabled\": 2}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-07",
        question: "{\"mfaEnabled\": 1.5} on a user whose value is false",
        source: "facts §11.1, §11.6 item 1",
        stimulus: put(b"{\"mfaEnabled\": 1.5}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-08",
        question: "{\"mfaEnabled\": \"yes\"} on a user whose value is false",
        source: "facts §11.1, §11.6 item 2",
        stimulus: put(b"{\"mfaEnabled\": \"yes\"}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-09",
        question: "{\"mfaEnabled\": null} on a user whose value is true",
        source: "facts §10.3, §11.6 item 1",
        stimulus: put(b"{\"mfaEnabled\": null}", true),
    },
    Probe {
        id: "MFA-PROBE-BOOL-10",
        question: "{\"mfaEnabled\": \"FALSE\"} on a user whose value is true",
        source: "facts §11.1 (letter case)",
        stimulus: put(b"{\"mfaEnabled\": \"FALSE\"}", true),
    },
    Probe {
        id: "MFA-PROBE-BOOL-11",
        question: "{\"mfaEnabled\": \"tRuE\"} on a user whose value is false",
        source: "facts §11.1 (letter case: Jackson itself takes only true, True and TRUE)",
        stimulus: put(b"{\"mfaEnabled\": \"tRuE\"}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-12",
        question: "{\"mfaEnabled\": \" true \"} on a user whose value is false",
        source: "facts §11.1 (surrounding whitespace)",
        stimulus: put(b"{\"mfaEnabled\": \" true \"}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-13",
        question: "{\"mfaEnabled\": -1} on a user whose value is false",
        source: "facts §11.1 (a negative integer)",
        stimulus: put(b"{\"mfaEnabled\": -1}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-14",
        question: "{\"mfaEnabled\": 1.0} on a user whose value is false",
        source: "facts §11.1 (a float with an integral value)",
        stimulus: put(b"{\"mfaEnabled\": 1.0}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-15",
        question: "{\"mfaEnabled\": \"1\"} on a user whose value is false",
        source: "facts §11.1 (a digit as a string)",
        stimulus: put(b"{\"mfaEnabled\": \"1\"}", false),
    },
    Probe {
        id: "MFA-PROBE-BOOL-16",
        question: "{\"mfaEnabled\": \"\"} on a user whose value is true",
        source: "facts §11.1 (an empty string, which Jackson may bind as null)",
        stimulus: put(b"{\"mfaEnabled\": \"\"}", true),
    },
    Probe {
        id: "MFA-PROBE-HDR-01",
        question: "{\"mfaEnabled\": true} as text/plain on a user whose value is false",
        source: "facts §3, §11.6 item 7",
        stimulus: Stimulus::Put {
            body: b"{\"mfaEnabled\": true}",
            content_type: Some("text/plain"),
            baseline: false,
        },
    },
    Probe {
        id: "MFA-PROBE-HDR-02",
        question: "{\"mfaEnabled\": true} without Content-Type on a user whose value is false",
        source: "facts §3, §11.6 item 7",
        stimulus: Stimulus::Put {
            body: b"{\"mfaEnabled\": true}",
            content_type: None,
            baseline: false,
        },
    },
    Probe {
        id: "MFA-PROBE-HDR-03",
        question: "{\"mfaEnabled\": true} as application/json; charset=utf-8 on a user whose value is false",
        source: "facts §11.6 item 7",
        stimulus: Stimulus::Put {
            body: b"{\"mfaEnabled\": true}",
            content_type: Some("application/json; charset=utf-8"),
            baseline: false,
        },
    },
    Probe {
        id: "MFA-PROBE-METHOD-01",
        question: "POST …/mfaEnabled",
        source: "facts §11.6 item 6",
        stimulus: Stimulus::Method("POST"),
    },
    Probe {
        id: "MFA-PROBE-METHOD-02",
        question: "PATCH …/mfaEnabled",
        source: "facts §11.6 item 6",
        stimulus: Stimulus::Method("PATCH"),
    },
    Probe {
        id: "MFA-PROBE-METHOD-03",
        question: "DELETE …/mfaEnabled",
        source: "facts §11.6 item 6",
        stimulus: Stimulus::Method("DELETE"),
    },
    Probe {
        id: "MFA-PROBE-PATH-01",
        question: "PUT …/mfaEnabled for a user id that does not exist",
        source: "facts §3",
        stimulus: Stimulus::Path(BadPath::UnknownUser),
    },
    Probe {
        id: "MFA-PROBE-PATH-02",
        question: "PUT …/mfaEnabled for a user id that is not a UUID",
        source: "facts §10.4",
        stimulus: Stimulus::Path(BadPath::NonUuidUser),
    },
    Probe {
        id: "MFA-PROBE-PATH-03",
        question: "PUT …/mfaEnabled in an environment the worker has no access to",
        source: "facts §3, §11.3",
        stimulus: Stimulus::Path(BadPath::ForeignEnvironment),
    },
    Probe {
        id: "MFA-PROBE-READ-01",
        question: "GET …/mfaEnabled",
        source: "facts §10.5–6, §11.6 items 3 and 8",
        stimulus: Stimulus::Get,
    },
    Probe {
        id: "MFA-PROBE-READ-02",
        question: "{\"mfaEnabled\": true} on a user whose value is false",
        source: "facts §10.6, §11.6 item 8",
        stimulus: put(b"{\"mfaEnabled\": true}", false),
    },
    Probe {
        id: "MFA-PROBE-USER-01",
        question: "Create User without mfaEnabled",
        source: "facts §10.9",
        stimulus: Stimulus::CreateUser {
            import: false,
            mfa: None,
        },
    },
    Probe {
        id: "MFA-PROBE-USER-02",
        question: "Create User with mfaEnabled true",
        source: "facts §10.2, §11.6 item 4",
        stimulus: Stimulus::CreateUser {
            import: false,
            mfa: Some(true),
        },
    },
    Probe {
        id: "MFA-PROBE-USER-03",
        question: "Create User (Import) without population.id, with mfaEnabled true",
        source: "facts §11.6 item 4",
        stimulus: Stimulus::CreateUser {
            import: true,
            mfa: Some(true),
        },
    },
    Probe {
        id: "MFA-PROBE-USER-04",
        question: "PUT Update User carrying mfaEnabled true on a user whose value is false",
        source: "facts §10.2, §11.6 item 9",
        stimulus: Stimulus::UpdateUser("PUT"),
    },
    Probe {
        id: "MFA-PROBE-USER-05",
        question: "PATCH Update User carrying mfaEnabled true on a user whose value is false",
        source: "facts §10.2, §11.6 item 9",
        stimulus: Stimulus::UpdateUser("PATCH"),
    },
];

/// The probe with this ID.
pub fn by_id(id: &str) -> Option<&'static Probe> {
    PROBES.iter().find(|p| p.id == id)
}

/// An invariant a probe's answer broke, or a probe that could not be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The probe.
    pub probe: &'static str,
    /// What was checked.
    pub check: String,
    /// What came back.
    pub actual: String,
    /// A curl line that reproduces the request.
    pub reproduce: Option<String>,
    /// Whether the target did not answer at all (an outage, not a broken contract).
    pub no_answer: bool,
}

/// What running one probe gave: its class (none when it could not be run) and any violations.
#[derive(Debug, Default)]
pub struct ProbeRun {
    /// The answer class.
    pub class: Option<AnswerClass>,
    /// Broken invariants and failures.
    pub violations: Vec<Violation>,
}

/// The case row every probe runs under. A probe is judged by the cases' engine ([`CaseCtx`]):
/// its sending and outage classification (a gateway's page or a lasting 429 makes the probe
/// inconclusive, never a violation), Create User's lost answers, the set-up of users,
/// read-backs within `PINGONE_CONSISTENCY_WAIT_MS` and clean-up; the probe's own ID names what
/// it finds.
static PROBE_CASE: Case = Case {
    id: "MFA-PROBE",
    area: Area::Read,
    tier: Tier::Must,
    title: "a behaviour profile probe",
    source: "facts §10, §11.6",
    stimulus: "the probe's request",
    requirement: "the invariants that hold whatever the server chooses",
    kind: Kind::Read,
    expect: Expect::status(&[200], INVARIANT),
};

/// What holds whatever the server chooses to answer a probe.
const INVARIANT: Grade = must(Evidence::Invariant(
    "no 5xx for a client's request; a rejected request changes nothing; a 2xx answer's value \
     is what is stored",
));

/// One running probe on the cases' engine.
struct Ctx {
    case: CaseCtx,
    probe: &'static Probe,
}

/// The `mfaEnabled` a 200 answer's body holds.
fn shown(ex: &Exchange) -> Option<bool> {
    ex.json()
        .filter(|_| ex.status == 200)
        .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool))
}

/// The `mfaEnabled` a 2xx answer reports.
fn reported(ex: &Exchange) -> Option<bool> {
    ex.json()
        .filter(|_| (200..300).contains(&ex.status))
        .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool))
}

impl Ctx {
    fn violation(&mut self, check: &str, actual: String, ex: &Exchange) {
        self.case.note(INVARIANT, check, check, actual, Some(ex));
    }

    /// The stored value of `user` after the probe's request `ex`: a value its answer reported
    /// is waited for within the consistency window, as a case's read-back waits; else one read.
    async fn stored(&mut self, user: &str, ex: &Exchange) -> Step<bool> {
        let url = self.case.mfa_url(user);
        let read = match reported(ex) {
            Some(v) => {
                let check = "GET .../mfaEnabled reads the value answered";
                let shows = |e: &Exchange| shown(e) == Some(v);
                let what = format!("mfaEnabled {v}");
                self.case.read_settled(&url, shows, check, &what).await?
            }
            None => self.case.send(self.case.request(Method::Get, &url)).await?,
        };
        match shown(&read) {
            Some(v) => Ok(v),
            None => {
                self.violation(
                    "the user's mfaEnabled can be read back after the probe",
                    self.case.summary(&read),
                    ex,
                );
                Err(Abort)
            }
        }
    }

    /// The invariants of a request on `user` (value `before`): a rejection changed nothing; a
    /// 2xx answer that reports `mfaEnabled` reports what is stored.
    async fn judge_write(
        &mut self,
        ex: &Exchange,
        user: &str,
        before: bool,
        class: &mut AnswerClass,
    ) -> Step<()> {
        let after = self.stored(user, ex).await?;
        class.stored = Some(Stored::change(before, after));
        if ex.status >= 400 && after != before {
            let actual = format!(
                "answered HTTP {}, yet mfaEnabled changed from {before} to {after}",
                ex.status
            );
            self.violation("a rejected request changes nothing", actual, ex);
        }
        if let Some(r) = reported(ex).filter(|&r| r != after) {
            let actual = format!("answered mfaEnabled {r}, stored {after}");
            self.violation("a 2xx answer's value is what is stored", actual, ex);
        }
        Ok(())
    }

    /// Create User (Import) without `population.id`: sent once (a second attempt would make a
    /// second user), the user registered for deletion.
    async fn import(&mut self, mfa: Option<bool>) -> Step<(Option<String>, Exchange)> {
        let (_, mut body) = crate::suite::session::new_user("probe");
        if let Some(m) = mfa {
            body["mfaEnabled"] = json!(m);
        }
        let req = self
            .case
            .request(Method::Post, &self.case.session.env_url("/users"))
            .body(body.to_string().into_bytes())
            .header("Content-Type", UserContent::Import.media_type());
        let ex = self.case.send(req).await?;
        let id = reported_id(&ex);
        if let Some(id) = &id {
            lock(&self.case.shared).created.push(id.clone());
        }
        Ok((id, ex))
    }

    async fn perform(&mut self) -> Step<AnswerClass> {
        let put_true = json!({"mfaEnabled": true});
        let (ex, mut class) = match self.probe.stimulus {
            Stimulus::Put {
                body,
                content_type,
                baseline,
            } => {
                let user = self.case.user_with(baseline).await?;
                let mut req = self.case.request(Method::Put, &self.case.mfa_url(&user));
                if !body.is_empty() {
                    req = req.body(body.to_vec());
                }
                if let Some(ct) = content_type {
                    req = req.header("Content-Type", ct);
                }
                let ex = self.case.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                self.judge_write(&ex, &user, baseline, &mut class).await?;
                (ex, class)
            }
            Stimulus::Get => {
                let user = self.case.user_with(false).await?;
                let req = self.case.request(Method::Get, &self.case.mfa_url(&user));
                let ex = self.case.send(req).await?;
                let class = AnswerClass::of(&ex);
                (ex, class)
            }
            Stimulus::Auth(bad) => {
                let user = self.case.user_with(false).await?;
                let req = self
                    .case
                    .put_value(&user, true)
                    .auth(self.case.bad_auth(bad));
                let ex = self.case.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                self.judge_write(&ex, &user, false, &mut class).await?;
                (ex, class)
            }
            Stimulus::Method(method) => {
                let user = self.case.user_with(false).await?;
                let mut req = Request::new(method, self.case.mfa_url(&user));
                if method != "DELETE" {
                    req = req.json(&put_true);
                }
                let ex = self.case.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                // A DELETE that succeeded may have removed the value or the user: the answer only.
                if !((200..300).contains(&ex.status) && method == "DELETE") {
                    self.judge_write(&ex, &user, false, &mut class).await?;
                }
                (ex, class)
            }
            Stimulus::Path(bad) => {
                let url = match bad {
                    BadPath::UnknownUser => self.case.mfa_url(&Uuid::new_v4().to_string()),
                    BadPath::NonUuidUser => self.case.mfa_url("not-a-uuid"),
                    BadPath::ForeignEnvironment => format!(
                        "{}/environments/{}/users/{}/mfaEnabled",
                        self.case.session.target.api_url,
                        Uuid::new_v4(),
                        Uuid::new_v4()
                    ),
                };
                let req = self.case.request(Method::Put, &url).json(&put_true);
                let ex = self.case.send(req).await?;
                let class = AnswerClass::of(&ex);
                (ex, class)
            }
            Stimulus::UpdateUser(method) => {
                let user = self.case.user_with(false).await?;
                let mut body = json!({"nickname": "conformance-probe", "mfaEnabled": true});
                if method == "PUT"
                    && let Some(current) = self.case.snapshots.get(&user)
                {
                    keep_on_put(&mut body, current);
                }
                let req = Request::new(method, self.case.user_url(&user)).json(&body);
                let ex = self.case.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                // The user answer's mfaEnabled is the user's, not necessarily this write's.
                let after = self.stored(&user, &ex).await?;
                class.stored = Some(Stored::change(false, after));
                if ex.status >= 400 && after {
                    let actual = format!("answered HTTP {}, yet mfaEnabled is true", ex.status);
                    self.violation("a rejected request changes nothing", actual, &ex);
                }
                (ex, class)
            }
            Stimulus::CreateUser { import, mfa } => {
                let (id, ex) = if import {
                    self.import(mfa).await?
                } else {
                    self.case.create_user(mfa, UserContent::Json).await?
                };
                let mut class = AnswerClass::of(&ex);
                class.stored = Some(match &id {
                    None => Stored::NotCreated,
                    Some(id) => {
                        // The new user is read once it shows, within the consistency window.
                        self.case.snapshot(id).await?;
                        match self.stored(id, &ex).await? {
                            true => Stored::CreatedTrue,
                            false => Stored::CreatedFalse,
                        }
                    }
                });
                (ex, class)
            }
        };
        if ex.status >= 500 {
            let actual = self.case.summary(&ex);
            self.violation("no 5xx for a client's request", actual, &ex);
        }
        // Keep the class deterministic: a class is a set of facts, not an order of arrival.
        class.headers.sort();
        Ok(class)
    }

    /// What the probe found: its MUST findings and, when the target did not answer, why.
    fn violations(self) -> Vec<Violation> {
        let probe = self.probe.id;
        let mut found: Vec<Violation> = self
            .case
            .findings
            .into_iter()
            .filter(|f| f.tier == Tier::Must)
            .map(|f| Violation {
                probe,
                check: f.check,
                actual: f.actual,
                reproduce: f.reproduce,
                no_answer: false,
            })
            .collect();
        if let Some(why) = self.case.error {
            found.push(Violation {
                probe,
                check: "the target answers".into(),
                actual: why,
                reproduce: None,
                no_answer: true,
            });
        }
        found
    }
}

/// The user id of a 2xx answer.
fn reported_id(ex: &Exchange) -> Option<String> {
    ex.json()
        .filter(|_| (200..300).contains(&ex.status))
        .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string))
}

/// Run one probe and delete the users it created (the cases' clean-up).
pub async fn run_probe(session: Arc<Session>, probe: &'static Probe) -> ProbeRun {
    let shared = Arc::new(Mutex::new(Shared::default()));
    let mut ctx = Ctx {
        case: CaseCtx::new(session, &PROBE_CASE, shared.clone()),
        probe,
    };
    let class = ctx.perform().await.ok();
    crate::suite::runner::clean_up(&mut ctx.case, &shared).await;
    ProbeRun {
        class,
        violations: ctx.violations(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_ids_are_unique_sorted_and_well_formed() {
        let ids: Vec<&str> = PROBES.iter().map(|p| p.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "PROBES must be in ID order, without duplicates"
        );
        for p in PROBES {
            let rest = p.id.strip_prefix("MFA-PROBE-").expect(p.id);
            let (stem, n) = rest.rsplit_once('-').expect(p.id);
            assert!(stem.chars().all(|c| c.is_ascii_uppercase()), "{}", p.id);
            assert!(
                n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()),
                "{}",
                p.id
            );
            assert!(!p.question.is_empty() && p.source.starts_with("facts §"));
        }
    }

    /// The mock's dimensions (`mock::profile`) name probes that exist.
    #[test]
    fn every_dimension_names_existing_probes() {
        use crate::mock::Alternative;
        use crate::mock::profile::dimension;
        for &a in Alternative::ALL {
            let d = dimension(a);
            assert!(!d.probes.is_empty(), "{a:?}");
            for id in d.probes {
                assert!(by_id(id).is_some(), "{a:?}: no probe {id}");
            }
        }
    }
}
