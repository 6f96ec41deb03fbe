//! Test users that cases share (issue 18): a case whose requests a conforming server must
//! refuse, and which reads nothing but the value it checks, needs a user in a known state, not a
//! new one. Such cases take their users from the session's [`Pool`]: a free user of the value
//! they need, or a new one made for the pool. A case gives its users back when it ended clean
//! (no finding, no error, no main request accepted that could have written): its read-backs then
//! showed the value unchanged, and what the server refused changed nothing. Any other ending
//! deletes them with the case's own users. A case that writes, or reads other attributes after
//! writing, keeps its own users (`user_with`).
//!
//! The pool holds at most [`PER_VALUE`] users of each value; a case that needs one while all are
//! taken waits for one to come back. A case takes all its users at once, so no two cases wait
//! for each other. When no case of the session is running any more, the free users are deleted
//! ([`Pool::leave`]); a user that cannot be deleted is a problem of the run
//! ([`Session::pool_problems`](super::session::Session::pool_problems)), not of the last case,
//! which only happened to end last.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::Notify;

use crate::http::Request;

use super::ctx::{Abort, CaseCtx, Step, lock};
use super::session::Session;

/// Users of each value the pool holds at most.
pub const PER_VALUE: usize = 8;

/// A user of the pool: its id, the value it holds and GET user as its set-up read it.
#[derive(Clone, Debug)]
pub(super) struct Pooled {
    pub(super) id: String,
    pub(super) value: bool,
    pub(super) snapshot: Option<Value>,
}

#[derive(Debug, Default)]
struct State {
    free: Vec<Pooled>,
    /// Users of each value (false, true) that exist: free, taken or being made.
    made: [usize; 2],
    /// Cases of the session running now.
    active: usize,
    /// Free users that could not be deleted once no case ran.
    problems: Vec<String>,
}

/// The session's shared test users.
#[derive(Debug, Default)]
pub(super) struct Pool {
    state: Mutex<State>,
    changed: Notify,
}

/// A user a case takes: a free one, or leave to make one of this value.
enum Taken {
    Free(Pooled),
    Make(bool),
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A case starts.
    pub(super) fn enter(&self) {
        self.lock().active += 1;
    }

    /// A case ended; when it was the last one running, the free users, to delete now (the pool
    /// is empty again).
    pub(super) fn leave(&self) -> Vec<String> {
        let mut s = self.lock();
        s.active = s.active.saturating_sub(1);
        if s.active > 0 {
            return Vec::new();
        }
        let free = std::mem::take(&mut s.free);
        for user in &free {
            s.made[usize::from(user.value)] -= 1;
        }
        free.into_iter().map(|u| u.id).collect()
    }

    /// Users of `values`, all at once: free ones, else leave to make them; waits while the pool
    /// holds [`PER_VALUE`] users of a value and none is free.
    async fn take(&self, values: &[bool]) -> Vec<Taken> {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut s = self.lock();
                let fits = [false, true].iter().all(|&v| {
                    let need = values.iter().filter(|&&x| x == v).count();
                    let free = s.free.iter().filter(|u| u.value == v).count();
                    need <= free + PER_VALUE.saturating_sub(s.made[usize::from(v)])
                });
                if fits {
                    return values
                        .iter()
                        .map(|&v| match s.free.iter().position(|u| u.value == v) {
                            Some(i) => Taken::Free(s.free.swap_remove(i)),
                            None => {
                                s.made[usize::from(v)] += 1;
                                Taken::Make(v)
                            }
                        })
                        .collect();
                }
            }
            changed.await;
        }
    }

    /// Users back in the pool, free for the next case.
    fn give_back(&self, users: Vec<Pooled>) {
        self.lock().free.extend(users);
        self.changed.notify_waiters();
    }

    /// Users of these values that left the pool (deleted, or never made).
    fn forget(&self, values: impl IntoIterator<Item = bool>) {
        let mut s = self.lock();
        for v in values {
            s.made[usize::from(v)] -= 1;
        }
        drop(s);
        self.changed.notify_waiters();
    }

    /// A free user that could not be deleted once no case ran.
    pub(super) fn problem(&self, problem: String) {
        self.lock().problems.push(problem);
    }

    /// The problems so far ([`Pool::problem`]).
    pub(super) fn problems(&self) -> Vec<String> {
        self.lock().problems.clone()
    }
}

impl CaseCtx {
    /// Set-up of a case whose requests must change nothing: a user per value of `values`, in
    /// that order, from the session's pool (see the module documentation); the ones the pool
    /// has no free user for are made side by side ([`CaseCtx::users_with`]).
    pub(super) async fn pooled_users(&mut self, values: &[bool]) -> Step<Vec<String>> {
        let session = self.session.clone();
        let pool = session.pool();
        let taken = pool.take(values).await;
        let mut users: Vec<Option<String>> = vec![None; values.len()];
        let mut to_make = Vec::new();
        for (i, t) in taken.into_iter().enumerate() {
            match t {
                Taken::Free(user) => {
                    session.requests().assign(&user.id, self.case.id);
                    if let Some(snapshot) = &user.snapshot {
                        self.snapshots.insert(user.id.clone(), snapshot.clone());
                    }
                    lock(&self.shared)
                        .pooled
                        .push((user.id.clone(), user.value));
                    users[i] = Some(user.id);
                }
                Taken::Make(v) => to_make.push((i, v)),
            }
        }
        let values_to_make: Vec<bool> = to_make.iter().map(|(_, v)| *v).collect();
        match self.users_with(&values_to_make).await {
            Ok(made) => {
                let mut shared = lock(&self.shared);
                for ((i, v), id) in to_make.into_iter().zip(made) {
                    // The pool deletes it, or the case's clean-up if the case does not end clean.
                    shared.created.retain(|c| *c != id);
                    shared.pooled.push((id.clone(), v));
                    users[i] = Some(id);
                }
            }
            Err(Abort) => {
                // What was made is deleted by the case's clean-up, as its own users.
                pool.forget(values_to_make);
                return Err(Abort);
            }
        }
        users.into_iter().collect::<Option<Vec<_>>>().ok_or(Abort)
    }

    /// [`CaseCtx::pooled_users`] for one user.
    pub(super) async fn pooled_user(&mut self, value: bool) -> Step<String> {
        self.pooled_users(&[value]).await?.pop().ok_or(Abort)
    }

    /// At clean-up: the pool's users back to the pool when the case ended clean, else to the
    /// users to delete (returned).
    pub(super) fn release_pooled(&mut self) -> Vec<String> {
        let (pooled, wrote) = {
            let mut s = lock(&self.shared);
            (std::mem::take(&mut s.pooled), s.wrote)
        };
        if pooled.is_empty() {
            return Vec::new();
        }
        let session = self.session.clone();
        let pool = session.pool();
        let clean = self.findings.is_empty()
            && self.error.is_none()
            && self.skipped.is_none()
            && !wrote
            && !crate::http::is_stopping();
        if clean {
            let back = pooled
                .into_iter()
                .map(|(id, value)| Pooled {
                    snapshot: self.snapshots.get(&id).cloned(),
                    id,
                    value,
                })
                .collect();
            pool.give_back(back);
            Vec::new()
        } else {
            pool.forget(pooled.iter().map(|(_, v)| *v));
            pooled.into_iter().map(|(id, _)| id).collect()
        }
    }
}

/// After the last running case: delete the pool's free users, side by side; a failure is a
/// problem of the run ([`Pool::problem`]), not of the case that happened to end last.
pub(super) async fn drain(session: &Arc<Session>, users: Vec<String>) {
    let mut deletes = tokio::task::JoinSet::new();
    for user in users {
        let session = session.clone();
        deletes.spawn(async move {
            // No case's request: the results and the latency report show it as the run's.
            session.requests().unassign(&user);
            let url = session.env_url(&format!("/users/{user}"));
            let failure = match session.send(Request::new("DELETE", url).clean_up()).await {
                Ok(ex) if matches!(ex.status, 200 | 204 | 404) => None,
                Ok(ex) => Some(ex.summary()),
                Err(e) => Some(e.message),
            };
            if let Some(why) = failure {
                session.pool().problem(format!(
                    "could not delete shared test user {user}: {why}; `conformance-report sweep \
                     --delete` removes it later"
                ));
            }
        });
    }
    while deletes.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, value: bool) -> Pooled {
        Pooled {
            id: id.to_string(),
            value,
            snapshot: None,
        }
    }

    fn made(taken: &[Taken]) -> Vec<bool> {
        taken
            .iter()
            .filter_map(|t| match t {
                Taken::Make(v) => Some(*v),
                Taken::Free(_) => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn a_case_takes_free_users_first_and_makes_the_rest_up_to_the_capacity() {
        let pool = Arc::new(Pool::default());
        pool.enter();
        let first = pool.take(&[true, false]).await;
        assert_eq!(made(&first), [true, false]);
        pool.give_back(vec![user("t1", true), user("f1", false)]);
        let again = pool.take(&[false]).await;
        assert!(matches!(&again[..], [Taken::Free(u)] if u.id == "f1"));
        // Fill every place for false: the next case waits until one comes back.
        for _ in 1..PER_VALUE {
            assert_eq!(made(&pool.take(&[false]).await), [false]);
        }
        let waiting = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.take(&[true, false]).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "no place for false");
        pool.forget([false]);
        let taken = waiting.await.expect("task");
        assert!(matches!(&taken[0], Taken::Free(u) if u.id == "t1"));
        assert_eq!(made(&taken), [false]);
    }

    #[tokio::test]
    async fn the_free_users_are_handed_out_for_deletion_when_no_case_runs() {
        let pool = Pool::default();
        pool.enter();
        pool.enter();
        let _ = pool.take(&[true, true]).await;
        pool.give_back(vec![user("a", true), user("b", true)]);
        assert_eq!(pool.leave(), Vec::<String>::new(), "a case still runs");
        let mut left = pool.leave();
        left.sort();
        assert_eq!(left, ["a", "b"]);
        assert_eq!(pool.lock().made, [0, 0], "the pool is empty again");
    }
}
