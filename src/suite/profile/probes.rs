//! The probes: one per question the documentation leaves open (docs/api-facts.md §10 and the
//! §11.6 checklist, and every behaviour the mock's alternatives cover). A probe sends one
//! request, applies the invariant MUST checks that hold whatever the server chooses (no 5xx, a
//! rejected request changes nothing, a 2xx answer's value is what is stored) and records the
//! [`AnswerClass`].
//!
//! Not probed (they need more than one environment, an hour, or a configuration the suite does
//! not control): an expired token, the token endpoint of another region, whether the endpoint
//! needs the MFA service, and which roles may read the environment (§11.6 items 5, 10–12).

use std::sync::Arc;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::http::{Auth, Exchange, Request};
use crate::suite::Session;

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

/// An authorization the API must refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadAuth {
    /// No `Authorization` header.
    Missing,
    /// A bearer token that is no token.
    Garbage,
    /// `Authorization: Basic` with the worker's client id and secret.
    Basic,
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

/// The state of one running probe: users to delete afterwards.
struct Ctx {
    session: Arc<Session>,
    probe: &'static Probe,
    created: Vec<String>,
    violations: Vec<Violation>,
}

type Step<T> = Result<T, ()>;

impl Ctx {
    fn violation(&mut self, check: impl Into<String>, actual: impl Into<String>, ex: &Exchange) {
        self.violations.push(Violation {
            probe: self.probe.id,
            check: check.into(),
            actual: actual.into(),
            reproduce: Some(ex.request.curl()),
            no_answer: false,
        });
    }

    async fn send(&mut self, req: Request) -> Step<Exchange> {
        match self.session.send(req).await {
            Ok(ex) => Ok(ex),
            Err(e) => {
                self.violations.push(Violation {
                    probe: self.probe.id,
                    check: "the target answers".into(),
                    actual: e.message.clone(),
                    reproduce: Some(e.request.curl()),
                    no_answer: true,
                });
                Err(())
            }
        }
    }

    fn mfa_url(&self, user: &str) -> String {
        self.session.env_url(&format!("/users/{user}/mfaEnabled"))
    }

    fn user_url(&self, user: &str) -> String {
        self.session.env_url(&format!("/users/{user}"))
    }

    /// POST users; a created user is registered for deletion at once.
    async fn create(
        &mut self,
        import: bool,
        mfa: Option<bool>,
    ) -> Step<(Option<String>, Exchange)> {
        let stem = self
            .probe
            .id
            .trim_start_matches("MFA-")
            .to_ascii_lowercase();
        let (_, mut body) = crate::suite::session::new_user(&stem);
        if let (false, Some(p)) = (import, &self.session.target.population_id) {
            body["population"] = json!({ "id": p });
        }
        if let Some(m) = mfa {
            body["mfaEnabled"] = json!(m);
        }
        let media_type = if import {
            "application/vnd.pingidentity.user.import+json"
        } else {
            "application/json"
        };
        let req = Request::new("POST", self.session.env_url("/users"))
            .body(body.to_string().into_bytes())
            .header("Content-Type", media_type);
        let ex = self.send(req).await?;
        let id = ex
            .json()
            .filter(|_| (200..300).contains(&ex.status))
            .and_then(|j| j.get("id").and_then(Value::as_str).map(str::to_string));
        if let Some(id) = &id {
            self.created.push(id.clone());
        }
        Ok((id, ex))
    }

    /// Set-up: a new user whose stored value is `baseline`.
    async fn user_with(&mut self, baseline: bool) -> Step<String> {
        let (id, ex) = self.create(false, Some(baseline)).await?;
        let Some(id) = id else {
            self.violation(
                "set-up: Create User answers 201 with a user id",
                crate::suite::privacy::summary_for(&self.session, &ex),
                &ex,
            );
            return Err(());
        };
        if self.read(&id).await? != Some(baseline) {
            let req = Request::new("PUT", self.mfa_url(&id)).json(&json!({"mfaEnabled": baseline}));
            let ex = self.send(req).await?;
            if !(200..300).contains(&ex.status) {
                self.violation(
                    "set-up: PUT …/mfaEnabled answers 200",
                    crate::suite::privacy::summary_for(&self.session, &ex),
                    &ex,
                );
                return Err(());
            }
        }
        Ok(id)
    }

    async fn read(&mut self, user: &str) -> Step<Option<bool>> {
        let ex = self.send(Request::new("GET", self.mfa_url(user))).await?;
        Ok(ex
            .json()
            .filter(|_| ex.status == 200)
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool)))
    }

    /// The invariants of a request on `user` (value `before`): no 5xx; a rejection changed
    /// nothing; a 2xx answer that reports `mfaEnabled` reports what is stored.
    async fn judge_write(
        &mut self,
        ex: &Exchange,
        user: &str,
        before: bool,
        class: &mut AnswerClass,
    ) -> Step<()> {
        let after = self.read(user).await?;
        let Some(after) = after else {
            self.violation(
                "the user's mfaEnabled can be read back after the probe",
                "no Boolean mfaEnabled in GET …/mfaEnabled",
                ex,
            );
            return Err(());
        };
        class.stored = Some(Stored::change(before, after));
        if ex.status >= 400 && after != before {
            self.violation(
                "a rejected request changes nothing",
                format!(
                    "answered HTTP {}, yet mfaEnabled changed from {before} to {after}",
                    ex.status
                ),
                ex,
            );
        }
        let reported = ex
            .json()
            .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool));
        if let (true, Some(reported)) = ((200..300).contains(&ex.status), reported)
            && reported != after
        {
            self.violation(
                "a 2xx answer's value is what is stored",
                format!("answered mfaEnabled {reported}, stored {after}"),
                ex,
            );
        }
        Ok(())
    }

    async fn perform(&mut self) -> Step<AnswerClass> {
        let (ex, mut class) = match self.probe.stimulus {
            Stimulus::Put {
                body,
                content_type,
                baseline,
            } => {
                let user = self.user_with(baseline).await?;
                let mut req = Request::new("PUT", self.mfa_url(&user));
                if !body.is_empty() {
                    req = req.body(body.to_vec());
                }
                if let Some(ct) = content_type {
                    req = req.header("Content-Type", ct);
                }
                let ex = self.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                self.judge_write(&ex, &user, baseline, &mut class).await?;
                (ex, class)
            }
            Stimulus::Get => {
                let user = self.user_with(false).await?;
                let ex = self.send(Request::new("GET", self.mfa_url(&user))).await?;
                let class = AnswerClass::of(&ex);
                (ex, class)
            }
            Stimulus::Auth(bad) => {
                let user = self.user_with(false).await?;
                let auth = match bad {
                    BadAuth::Missing => Auth::None,
                    BadAuth::Garbage => Auth::Literal("Bearer not-a-token".into()),
                    BadAuth::Basic => Auth::ClientBasic,
                };
                let req = Request::new("PUT", self.mfa_url(&user))
                    .json(&json!({"mfaEnabled": true}))
                    .auth(auth);
                let ex = self.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                self.judge_write(&ex, &user, false, &mut class).await?;
                (ex, class)
            }
            Stimulus::Method(method) => {
                let user = self.user_with(false).await?;
                let mut req = Request::new(method, self.mfa_url(&user));
                if method != "DELETE" {
                    req = req.json(&json!({"mfaEnabled": true}));
                }
                let ex = self.send(req).await?;
                let mut class = AnswerClass::of(&ex);
                if (200..300).contains(&ex.status) && method == "DELETE" {
                    // A DELETE that succeeded may have removed the value or the user; record
                    // the answer only.
                } else {
                    self.judge_write(&ex, &user, false, &mut class).await?;
                }
                (ex, class)
            }
            Stimulus::Path(bad) => {
                let url = match bad {
                    BadPath::UnknownUser => self.mfa_url(&Uuid::new_v4().to_string()),
                    BadPath::NonUuidUser => self.mfa_url("not-a-uuid"),
                    BadPath::ForeignEnvironment => format!(
                        "{}/environments/{}/users/{}/mfaEnabled",
                        self.session.target.api_url,
                        Uuid::new_v4(),
                        Uuid::new_v4()
                    ),
                };
                let req = Request::new("PUT", url).json(&json!({"mfaEnabled": true}));
                let ex = self.send(req).await?;
                let class = AnswerClass::of(&ex);
                (ex, class)
            }
            Stimulus::UpdateUser(method) => {
                let user = self.user_with(false).await?;
                let current = self
                    .send(Request::new("GET", self.user_url(&user)))
                    .await?
                    .json()
                    .unwrap_or(Value::Null);
                let mut body = json!({"nickname": "conformance-probe", "mfaEnabled": true});
                if method == "PUT" {
                    for key in ["username", "email"] {
                        if let Some(v) = current.get(key) {
                            body[key] = v.clone();
                        }
                    }
                }
                let ex = self
                    .send(Request::new(method, self.user_url(&user)).json(&body))
                    .await?;
                let mut class = AnswerClass::of(&ex);
                // The user answer's mfaEnabled is the user's, not necessarily this write's.
                let after = self.read(&user).await?;
                class.stored = after.map(|a| Stored::change(false, a));
                if ex.status >= 400 && after != Some(false) {
                    self.violation(
                        "a rejected request changes nothing",
                        format!("answered HTTP {}, yet mfaEnabled is {after:?}", ex.status),
                        &ex,
                    );
                }
                (ex, class)
            }
            Stimulus::CreateUser { import, mfa } => {
                let (id, ex) = self.create(import, mfa).await?;
                let mut class = AnswerClass::of(&ex);
                class.stored = Some(match &id {
                    None => Stored::NotCreated,
                    Some(id) => match self.read(id).await? {
                        Some(true) => Stored::CreatedTrue,
                        Some(false) => Stored::CreatedFalse,
                        None => {
                            self.violation(
                                "a created user's mfaEnabled can be read",
                                "no Boolean mfaEnabled in GET …/mfaEnabled",
                                &ex,
                            );
                            return Err(());
                        }
                    },
                });
                let reported = ex
                    .json()
                    .and_then(|j| j.get("mfaEnabled").and_then(Value::as_bool));
                let stored = match class.stored {
                    Some(Stored::CreatedTrue) => Some(true),
                    Some(Stored::CreatedFalse) => Some(false),
                    _ => None,
                };
                if let (Some(r), Some(s)) = (reported, stored)
                    && r != s
                {
                    self.violation(
                        "a 2xx answer's value is what is stored",
                        format!("Create User answered mfaEnabled {r}, stored {s}"),
                        &ex,
                    );
                }
                (ex, class)
            }
        };
        if ex.status >= 500 {
            self.violation(
                "no 5xx for a client's request",
                crate::suite::privacy::summary_for(&self.session, &ex),
                &ex,
            );
        }
        // Keep the class deterministic: a class is a set of facts, not an order of arrival.
        class.headers.sort();
        Ok(class)
    }

    async fn clean_up(&mut self) {
        for user in std::mem::take(&mut self.created) {
            let req = Request::new("DELETE", self.user_url(&user));
            match self.session.send(req).await {
                Ok(ex) if matches!(ex.status, 200 | 204 | 404) => {}
                Ok(ex) => self.violation(
                    "clean-up: the probe's user is deleted",
                    format!(
                        "could not delete user {user}: {}",
                        crate::suite::privacy::summary_for(&self.session, &ex)
                    ),
                    &ex,
                ),
                Err(e) => self.violations.push(Violation {
                    probe: self.probe.id,
                    check: "clean-up: the probe's user is deleted".into(),
                    actual: format!("could not delete user {user}: {}", e.message),
                    reproduce: None,
                    no_answer: true,
                }),
            }
        }
    }
}

/// Run one probe and delete the users it created.
pub async fn run_probe(session: Arc<Session>, probe: &'static Probe) -> ProbeRun {
    let mut ctx = Ctx {
        session,
        probe,
        created: Vec::new(),
        violations: Vec::new(),
    };
    let class = ctx.perform().await.ok();
    ctx.clean_up().await;
    ProbeRun {
        class,
        violations: ctx.violations,
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
