//! Many calls at once, politely: the inventory's per-token details (one `GET /api/v1/tokens/{id}`
//! per v1 token) and the scan's look-ups go through a [`Pool`] rather than a loop of their own,
//! so that the rules Dynatrace's rate limits ask for hold in one place:
//! - at most `concurrency` jobs at work (1 to 16; 4 by default); for jobs of one call each,
//!   [`Pool::free_on_answer`] counts only calls not answered yet;
//! - each call has its own time limit (the [`Client`]'s) and its own cancel switch, so a timeout
//!   ends one call, not its neighbours;
//! - a 429 holds the whole pool for its `Retry-After` (every call shares the environment's
//!   limit), and any transient failure is tried again after an exponential back-off with
//!   jitter, a few times, before it is reported as failed;
//! - pause aborts everything in flight and puts it back in the queue; cancel aborts it and
//!   forgets the queue. Neither leaves a timer behind.
//!
//! The pool knows jobs by a `usize` key; what a job does is the `work` function it was made
//! with, called with a client of its own and the key. Results and progress are reported through
//! callbacks, called when the pool's own state is no longer borrowed, so a callback may call
//! the pool again.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::time::Duration;

use dt_core::dynatrace::retry::{Policy, Retry};
use dt_core::dynatrace::ApiError;
use gloo_timers::callback::Timeout;
use web_sys::AbortController;

use super::{CallError, Client};

/// What a job does: the call for `key`, made with the client it is given.
pub type Work<T> = Rc<dyn Fn(Client, usize) -> Pin<Box<dyn Future<Output = Result<T, CallError>>>>>;

/// The most calls a pool runs at once; Dynatrace's limits are per environment, not per page.
pub const MAX_CONCURRENCY: usize = 16;
/// The default: what the issue asks for the v1 details.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Where the pool stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    /// Working, or waiting for work.
    #[default]
    Running,
    /// Held by the person: nothing in flight, the queue kept.
    Paused,
    /// Everything added has an answer (or a final failure).
    Finished,
    /// Stopped for good; the queue is gone.
    Cancelled,
}

/// Counts for a progress bar ("312 of 1,204 tokens").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Jobs added in all.
    pub total: usize,
    /// Answered (successes and final failures).
    pub done: usize,
    /// Of `done`, those that failed for good.
    pub failed: usize,
    /// Jobs at work (at most the concurrency); with [`Pool::free_on_answer`], only those whose
    /// call has no answer yet.
    pub in_flight: usize,
    /// Waiting out a back-off or a `Retry-After` before their next try.
    pub retrying: usize,
    pub phase: Phase,
}

/// One job's place in line.
#[derive(Clone, Copy)]
struct Job {
    key: usize,
    /// Tries made so far.
    attempts: u32,
}

struct Running {
    job: Job,
    /// Which start of the job this is, so that a late answer from an aborted try is dropped.
    ticket: u64,
    abort: AbortController,
    /// Its answer's head is in and its place is free ([`Pool::free_on_answer`]); its body is
    /// still being read.
    answered: bool,
}

struct Inner<T> {
    client: Client,
    work: Work<T>,
    on_result: Rc<dyn Fn(usize, Result<T, CallError>)>,
    on_progress: Rc<dyn Fn(Progress)>,
    concurrency: usize,
    /// Whether a job's place is free once its answer's head is in ([`Pool::free_on_answer`]).
    free_on_answer: bool,
    /// When to try again and when to give up: dt-core's rule.
    policy: Policy,
    queue: VecDeque<Job>,
    running: Vec<Running>,
    /// Jobs waiting out a back-off, each with its timer; dropping the timer cancels it.
    backing_off: Vec<(u64, Job, Timeout)>,
    /// A 429's `Retry-After`: nothing new starts until it fires.
    hold: Option<Timeout>,
    phase: Phase,
    total: usize,
    done: usize,
    failed: usize,
    next_ticket: u64,
    /// Randomness is passed in (tests pass a fixed one).
    random: fn() -> f64,
}

/// A bounded, pausable queue of calls. Cloning gives another handle to the same pool.
pub struct Pool<T: 'static> {
    inner: Rc<RefCell<Inner<T>>>,
}

impl<T: 'static> Clone for Pool<T> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
        }
    }
}

/// What happens after the pool's state is updated: calls to make once it is no longer borrowed.
enum Event<T> {
    Result(usize, Result<T, CallError>),
}

impl<T: 'static> Pool<T> {
    /// A pool that runs `work` with copies of `client` (each with its own cancel switch),
    /// `concurrency` at a time (clamped to 1..=16).
    pub fn new(
        client: Client,
        concurrency: usize,
        work: Work<T>,
        on_result: impl Fn(usize, Result<T, CallError>) + 'static,
        on_progress: impl Fn(Progress) + 'static,
    ) -> Pool<T> {
        Pool {
            inner: Rc::new(RefCell::new(Inner {
                client,
                work,
                on_result: Rc::new(on_result),
                on_progress: Rc::new(on_progress),
                concurrency: concurrency.clamp(1, MAX_CONCURRENCY),
                free_on_answer: false,
                policy: Policy::default(),
                queue: VecDeque::new(),
                running: Vec::new(),
                backing_off: Vec::new(),
                hold: None,
                phase: Phase::Running,
                total: 0,
                done: 0,
                failed: 0,
                next_ticket: 0,
                random: js_sys::Math::random,
            })),
        }
    }

    /// How often a job is tried, and how long the pool waits in between.
    pub fn set_policy(&self, policy: Policy) {
        self.inner.borrow_mut().policy = policy;
    }

    /// For jobs that make one call each: a job's place goes to the next job as soon as its
    /// answer's status and headers are in, while its body is read and decoded. The limit is on
    /// calls Dynatrace is working on, and it has finished with this one: at 50 ms of latency,
    /// keeping the place until the body was read and decoded cost 4 calls in flight a further
    /// 3-5 ms each on Chromium's main thread (`bench/inventory.mjs`, the v1 path; the sandbox's
    /// `GET /_sandbox/load` shows it never answers more than `concurrency` at once). A 429 keeps
    /// its place until its `Retry-After` holds the pool. Not for jobs of several calls: the
    /// second would go out beside `concurrency` others. At most twice `concurrency` jobs are
    /// at work, answered or not.
    pub fn free_on_answer(&self) {
        self.inner.borrow_mut().free_on_answer = true;
    }

    /// Changes how many calls may be in flight (1..=16); takes effect as calls end or start.
    pub fn set_concurrency(&self, concurrency: usize) {
        self.inner.borrow_mut().concurrency = concurrency.clamp(1, MAX_CONCURRENCY);
        self.pump();
    }

    /// Adds jobs at the end of the queue and starts what may start.
    pub fn add(&self, keys: impl IntoIterator<Item = usize>) {
        {
            let mut inner = self.inner.borrow_mut();
            if inner.phase == Phase::Cancelled {
                return;
            }
            let before = inner.queue.len();
            inner
                .queue
                .extend(keys.into_iter().map(|key| Job { key, attempts: 0 }));
            inner.total += inner.queue.len() - before;
            if inner.phase == Phase::Finished {
                inner.phase = Phase::Running;
            }
        }
        self.pump();
    }

    pub fn progress(&self) -> Progress {
        self.inner.borrow().progress()
    }

    /// Aborts every call in flight and stops the back-off timers; all of them go back to the
    /// front of the queue, to start again on [`Pool::resume`].
    pub fn pause(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if inner.phase != Phase::Running {
                return;
            }
            // A 429's hold stays: the environment's limit does not end because we paused.
            inner.phase = Phase::Paused;
            let mut back: Vec<Job> = inner.running.drain(..).map(|r| r.stop()).collect();
            back.extend(inner.backing_off.drain(..).map(|(_, job, _)| job));
            for job in back.into_iter().rev() {
                inner.queue.push_front(job);
            }
        }
        self.report_progress();
    }

    pub fn resume(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if inner.phase != Phase::Paused {
                return;
            }
            inner.phase = Phase::Running;
        }
        self.pump();
    }

    /// Aborts everything in flight and forgets the queue; no callback is called after this
    /// but the final progress.
    pub fn cancel(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if inner.phase == Phase::Cancelled {
                return;
            }
            inner.phase = Phase::Cancelled;
            inner.hold = None;
            inner.queue.clear();
            inner.backing_off.clear();
            for running in inner.running.drain(..) {
                running.stop();
            }
        }
        self.report_progress();
    }

    /// Starts jobs while there is room, then reports progress.
    fn pump(&self) {
        let mut starts = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            while inner.phase == Phase::Running
                && inner.hold.is_none()
                && inner.awaiting() < inner.concurrency
                // Answers still being read count too, up to as many again: a proxy that
                // trickles its bodies must not turn the limit into the whole queue at once.
                && inner.running.len() < 2 * inner.concurrency
            {
                let Some(job) = inner.queue.pop_front() else {
                    break;
                };
                let Ok(abort) = AbortController::new() else {
                    // No AbortController: no call can be made either. Report it, don't spin.
                    inner.queue.push_front(job);
                    break;
                };
                inner.next_ticket += 1;
                let ticket = inner.next_ticket;
                let mut client = inner.client.with_abort(&abort);
                if inner.free_on_answer {
                    let weak = Rc::downgrade(&self.inner);
                    client = client.on_answer(move |status| {
                        if let Some(inner) = weak.upgrade() {
                            Pool { inner }.answered(ticket, status);
                        }
                    });
                }
                starts.push((job.key, ticket, client, inner.work.clone()));
                inner.running.push(Running {
                    job: Job {
                        key: job.key,
                        attempts: job.attempts + 1,
                    },
                    ticket,
                    abort,
                    answered: false,
                });
            }
            if inner.phase == Phase::Running
                && inner.queue.is_empty()
                && inner.running.is_empty()
                && inner.backing_off.is_empty()
            {
                inner.phase = Phase::Finished;
            }
        }
        for (key, ticket, client, work) in starts {
            let weak = Rc::downgrade(&self.inner);
            wasm_bindgen_futures::spawn_local(async move {
                let result = work(client, key).await;
                if let Some(inner) = weak.upgrade() {
                    Pool { inner }.finished(ticket, result);
                }
            });
        }
        self.report_progress();
    }

    /// A try's answer has its status and headers (only with [`Pool::free_on_answer`]).
    fn answered(&self, ticket: u64, status: u16) {
        // A 429 keeps its place: its Retry-After must hold the pool (`finished`) before
        // anything else starts.
        if status == 429 {
            return;
        }
        {
            let mut inner = self.inner.borrow_mut();
            let Some(running) = inner.running.iter_mut().find(|r| r.ticket == ticket) else {
                return;
            };
            running.answered = true;
        }
        self.pump();
    }

    /// A try ended: report it, or try again later, or drop it if the pool no longer waits for it.
    fn finished(&self, ticket: u64, result: Result<T, CallError>) {
        let mut events = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            let Some(at) = inner.running.iter().position(|r| r.ticket == ticket) else {
                return; // paused or cancelled while in flight: not an answer anyone waits for
            };
            let job = inner.running.swap_remove(at).job;
            match result {
                Err(error) if error.is_retryable() => {
                    let retry_after = match error.api() {
                        Some(ApiError::RateLimited { retry_after }) => *retry_after,
                        _ => None,
                    };
                    let wait = match inner.policy.after_failure(
                        job.attempts,
                        retry_after,
                        (inner.random)(),
                    ) {
                        Retry::After(wait) => wait,
                        Retry::GiveUp => {
                            inner.done += 1;
                            inner.failed += 1;
                            events.push(Event::Result(job.key, Err(error)));
                            drop(inner);
                            return self.deliver(events);
                        }
                    };
                    if retry_after.is_some() {
                        // The limit is the environment's: hold every call, not just this one.
                        let weak = Rc::downgrade(&self.inner);
                        inner.hold = Some(Timeout::new(millis(wait), move || {
                            if let Some(inner) = weak.upgrade() {
                                inner.borrow_mut().hold = None;
                                Pool { inner }.pump();
                            }
                        }));
                    }
                    inner.next_ticket += 1;
                    let id = inner.next_ticket;
                    let weak: Weak<RefCell<Inner<T>>> = Rc::downgrade(&self.inner);
                    let timer = Timeout::new(millis(wait), move || {
                        if let Some(inner) = weak.upgrade() {
                            {
                                let mut state = inner.borrow_mut();
                                if let Some(at) =
                                    state.backing_off.iter().position(|(i, _, _)| *i == id)
                                {
                                    let (_, job, _) = state.backing_off.swap_remove(at);
                                    state.queue.push_front(job);
                                }
                            }
                            Pool { inner }.pump();
                        }
                    });
                    inner.backing_off.push((id, job, timer));
                }
                result => {
                    inner.done += 1;
                    if result.is_err() {
                        inner.failed += 1;
                    }
                    events.push(Event::Result(job.key, result));
                }
            }
        }
        self.deliver(events);
    }

    /// Calls back with the results, then starts what may start.
    fn deliver(&self, events: Vec<Event<T>>) {
        let on_result = self.inner.borrow().on_result.clone();
        for Event::Result(key, result) in events {
            on_result(key, result);
        }
        self.pump();
    }

    fn report_progress(&self) {
        let (progress, on_progress) = {
            let inner = self.inner.borrow();
            (inner.progress(), inner.on_progress.clone())
        };
        on_progress(progress);
    }
}

impl<T> Inner<T> {
    /// Jobs at work whose place is not free yet: what the limit counts.
    fn awaiting(&self) -> usize {
        self.running.iter().filter(|r| !r.answered).count()
    }

    fn progress(&self) -> Progress {
        Progress {
            total: self.total,
            done: self.done,
            failed: self.failed,
            in_flight: self.awaiting(),
            retrying: self.backing_off.len(),
            phase: self.phase,
        }
    }
}

impl Running {
    /// Aborts the call; the job, with this try not counted, goes back in line.
    fn stop(self) -> Job {
        self.abort.abort();
        Job {
            key: self.job.key,
            attempts: self.job.attempts - 1,
        }
    }
}

impl<T> Drop for Inner<T> {
    fn drop(&mut self) {
        for running in &self.running {
            running.abort.abort();
        }
    }
}

fn millis(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}
