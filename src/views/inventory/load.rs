//! The inventory's side effects: the access token's own look-up, the paged lists, the v1 details
//! through the request pool, and a row's card. Each reports back with actions tagged by the
//! load (or request) it belongs to; stopping aborts what is in flight and leaves no timer.
//!
//! Pages are fetched one after the other (`nextPageKey` makes them a chain); each page's rows
//! are handed to the reducer as soon as they arrive, so the first rows show while later pages
//! still load. A failed page is reported with its number and the error, and the load waits:
//! resuming asks for that same page again (its `nextPageKey` is kept in the step).
//!
//! A page's work is split in two tasks of the browser's: reading the answer (`JSON.parse`, the
//! walk into models, the rows) in one, and the reducer and the render in the next, after a
//! `setTimeout(0)`. Measured with a profile of the load (`PROFILE=1 node bench/inventory.mjs`):
//! both ran in one microtask checkpoint, so the first page blocked the page for their sum.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::Utc;
use dt_core::dynatrace::queries::Page;
use dt_core::inventory::Row;
use dt_core::token::Lookup;
use gloo_timers::callback::Timeout;
use web_sys::AbortController;
use yew::UseReducerDispatcher;

use super::state::{Access, Action, ApiPlan, List, Phase, Plan, State, Step};
use crate::client::pool::{Pool, Work, DEFAULT_CONCURRENCY};
use crate::client::{self, CallError, CheckError, CheckRequest, Client, DEFAULT_TIMEOUT};
use crate::state::RequestId;

/// What is running for the current load: its cancel switch, and the v1 details' pool.
#[derive(Default)]
pub struct Loader {
    abort: Option<AbortController>,
    pool: Option<Pool<Row>>,
    /// The v1 list's entries, by pool key.
    stubs: Rc<Vec<String>>,
    client: Option<Client>,
    /// The access token's own look-up and the open card's look-up, when in flight.
    access_abort: Option<AbortController>,
    card_abort: Option<AbortController>,
}

pub type Shared = Rc<RefCell<Loader>>;

impl Loader {
    /// Aborts everything in flight (pages, details, the pool's timers).
    pub fn stop(&mut self) {
        if let Some(abort) = self.abort.take() {
            abort.abort();
        }
        if let Some(pool) = &self.pool {
            pool.pause();
        }
    }

    /// Aborts the open card's look-up, if any (the card closed, or another opened).
    pub fn stop_card(&mut self) {
        if let Some(abort) = self.card_abort.take() {
            abort.abort();
        }
    }

    /// Forgets the load (and the credential the client holds), and aborts the look-ups.
    pub fn clear(&mut self) {
        self.stop();
        self.stop_card();
        if let Some(abort) = self.access_abort.take() {
            abort.abort();
        }
        if let Some(pool) = self.pool.take() {
            pool.cancel();
        }
        self.client = None;
        self.stubs = Rc::new(Vec::new());
    }
}

fn client_for(state: &State, abort: &AbortController) -> Result<Client, CallError> {
    let environment = state.environment().cloned().ok_or_else(|| {
        CallError::Api(dt_core::dynatrace::ApiError::network(
            "no environment",
            false,
        ))
    })?;
    Client::new(
        &environment,
        &state.access_token,
        "access token",
        DEFAULT_TIMEOUT,
        abort,
    )
}

/// Looks the access token itself up to learn its scopes.
pub fn check_access(state: &State, loader: &Shared, dispatcher: UseReducerDispatcher<State>) {
    let id = state.next_request_id();
    let Ok(abort) = AbortController::new() else {
        return;
    };
    if let Some(old) = loader.borrow_mut().access_abort.replace(abort.clone()) {
        old.abort();
    }
    let client = client_for(state, &abort);
    let token = state.access_token.clone();
    dispatcher.dispatch(Action::AccessStarted(id));
    wasm_bindgen_futures::spawn_local(async move {
        let result = match client {
            Ok(client) => client.lookup_api_token(&token).await.map(|t| Access {
                scopes: t.scopes.unwrap_or_default(),
            }),
            Err(e) => Err(e),
        };
        // Aborted: a newer look-up, an edit or leaving the view replaced it.
        if !matches!(
            result,
            Err(CallError::Api(dt_core::dynatrace::ApiError::Aborted))
        ) {
            dispatcher.dispatch(Action::AccessFinished(id, result));
        }
    });
}

/// Starts a new load with `plan`, replacing any other.
pub fn start(state: &State, plan: Plan, loader: &Shared, dispatcher: UseReducerDispatcher<State>) {
    loader.borrow_mut().clear();
    let id = state.next_request_id();
    let Ok(abort) = AbortController::new() else {
        return;
    };
    let client = match client_for(state, &abort) {
        Ok(client) => client,
        Err(e) => {
            dispatcher.dispatch(Action::FormRejected(e.to_string()));
            return;
        }
    };
    {
        let mut l = loader.borrow_mut();
        l.client = Some(client.clone());
        l.abort = Some(abort);
    }
    let first = plan.first();
    dispatcher.dispatch(Action::LoadStarted(id, plan.clone()));
    if let Some(step) = first {
        run(id, plan, step, client, loader.clone(), dispatcher);
    }
}

/// Stops the current load: what loaded stays.
pub fn stop(state: &State, loader: &Shared, dispatcher: &UseReducerDispatcher<State>) {
    loader.borrow_mut().stop();
    dispatcher.dispatch(Action::Stopped(state.load.id));
}

/// Goes on from where the load stopped or failed.
pub fn resume(state: &State, loader: &Shared, dispatcher: UseReducerDispatcher<State>) {
    let load = &state.load;
    if !load.can_resume() {
        return;
    }
    let (Some(plan), Some(base)) = (load.plan.clone(), loader.borrow().client.clone()) else {
        return;
    };
    let step = match &load.phase {
        Phase::Failed { step, .. } => Some(step.clone()),
        Phase::Stopped => load.next.clone(),
        _ => return,
    };
    let Some(step) = step else { return };
    let Some(client) = fresh(&base, loader) else {
        return;
    };
    dispatcher.dispatch(Action::Resumed(load.id));
    let mut step = step;
    if step == Step::V1Details {
        let pool = loader.borrow().pool.clone();
        if let Some(pool) = pool {
            let all_in = pool.progress().phase == crate::client::pool::Phase::Finished;
            if !all_in || !load.failed_details.is_empty() {
                // Details that failed for good are tried again; the rest were paused. When
                // the pool finishes again, the list after the details starts (`details`).
                pool.add(load.failed_details.iter().copied());
                pool.resume();
                return;
            }
            // Every detail was in, and the list after them had not answered when the load
            // stopped (the load's `next` still names the details then): go on with that list.
            match plan.after(&Step::V1Details) {
                Some(next) => step = next,
                None => return dispatcher.dispatch(Action::Finished(load.id)),
            }
        }
    }
    run(load.id, plan, step, client, loader.clone(), dispatcher);
}

/// The load's client with a new cancel switch (the old one may have been used by a stop).
fn fresh(base: &Client, loader: &Shared) -> Option<Client> {
    let abort = AbortController::new().ok()?;
    let client = base.with_abort(&abort);
    loader.borrow_mut().abort = Some(abort);
    Some(client)
}

/// Runs `step` and the steps after it.
fn run(
    id: RequestId,
    plan: Plan,
    step: Step,
    client: Client,
    loader: Shared,
    dispatcher: UseReducerDispatcher<State>,
) {
    // This run's cancel switch: a stop during the hand-over below drops the page.
    let signal = loader.borrow().abort.as_ref().map(AbortController::signal);
    wasm_bindgen_futures::spawn_local(async move {
        let mut step = step;
        loop {
            match &step {
                Step::Page { list, number, key } => {
                    let fetched = page(&plan, *list, key.as_deref(), &client).await;
                    // The page's rows are ready: the browser gets its turn (paint, input)
                    // before the reducer and the render take theirs.
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                        return;
                    }
                    match fetched {
                        Ok((rows, next_key, total)) => {
                            // A key that repeats, or more pages than the list's size allows:
                            // this page's rows are kept, and paging stops with why.
                            let runaway = next_key.as_deref().and_then(|next| {
                                super::state::check_next_page(*number, key.as_deref(), next, total)
                                    .err()
                            });
                            if let Some(why) = runaway {
                                dispatcher.dispatch(Action::Rows {
                                    load: id,
                                    rows,
                                    next: None,
                                    total,
                                    now: Utc::now(),
                                });
                                let error = dt_core::dynatrace::ApiError::UnexpectedShape {
                                    status: 200,
                                    detail: why,
                                };
                                return fail(id, step, CallError::Api(error), &dispatcher);
                            }
                            let next = match next_key {
                                Some(key) => Some(Step::Page {
                                    list: *list,
                                    number: number + 1,
                                    key: Some(key),
                                }),
                                None => plan.after(&step),
                            };
                            dispatcher.dispatch(Action::Rows {
                                load: id,
                                rows,
                                next: next.clone(),
                                total,
                                now: Utc::now(),
                            });
                            match next {
                                Some(n) => step = n,
                                None => break,
                            }
                        }
                        Err(error) => return fail(id, step, error, &dispatcher),
                    }
                }
                Step::V1List => {
                    let Some(ApiPlan::V1(filter)) = &plan.api else {
                        break;
                    };
                    match client.v1_tokens(filter).await {
                        Ok(list) => {
                            let rows: Vec<Row> =
                                list.values.iter().map(Row::from_v1_stub).collect();
                            let ids: Vec<String> =
                                list.values.into_iter().filter_map(|v| v.id).collect();
                            loader.borrow_mut().stubs = Rc::new(ids);
                            dispatcher.dispatch(Action::Rows {
                                load: id,
                                rows,
                                next: Some(Step::V1Details),
                                total: None,
                                now: Utc::now(),
                            });
                            step = Step::V1Details;
                        }
                        Err(error) => return fail(id, step, error, &dispatcher),
                    }
                }
                Step::V1Details => {
                    // The pool reports each token; when it is finished, the next step starts.
                    details(
                        id,
                        plan.clone(),
                        client.clone(),
                        loader.clone(),
                        dispatcher.clone(),
                    );
                    return;
                }
            }
        }
        dispatcher.dispatch(Action::Finished(id));
    });
}

fn fail(id: RequestId, step: Step, error: CallError, dispatcher: &UseReducerDispatcher<State>) {
    // A stop aborts the call in flight: that is not a failure to report.
    if !matches!(error, CallError::Api(dt_core::dynatrace::ApiError::Aborted)) {
        dispatcher.dispatch(Action::StepFailed(id, step, error));
    }
}

type PageRows = (Vec<Row>, Option<String>, Option<u64>);

async fn page(
    plan: &Plan,
    list: List,
    key: Option<&str>,
    client: &Client,
) -> Result<PageRows, CallError> {
    match list {
        List::V2 => {
            let Some(ApiPlan::V2(query)) = &plan.api else {
                return Ok((Vec::new(), None, None));
            };
            let page = match key {
                Some(key) => Page::Next(key),
                None => Page::First(query),
            };
            let answer = client.api_tokens_page(page).await?;
            let rows = answer.api_tokens.iter().map(Row::from_api_token).collect();
            Ok((rows, answer.next_page_key, answer.total_count))
        }
        List::ActiveGate => {
            let query = dt_core::dynatrace::queries::ListQuery {
                page_size: Some(super::state::PAGE_SIZE),
                ..Default::default()
            };
            let page = match key {
                Some(key) => Page::Next(key),
                None => Page::First(&query),
            };
            let answer = client.activegate_tokens_page(page).await?;
            let rows = answer
                .active_gate_tokens
                .iter()
                .map(Row::from_active_gate)
                .collect();
            Ok((rows, answer.next_page_key, None))
        }
        List::V1 => Ok((Vec::new(), None, None)),
    }
}

/// How often, at most, a batch of v1 details is handed to the reducer (and the view rendered).
/// Measured (`bench/inventory.mjs`, 1,000 details at concurrency 4, same session): every 50 ms,
/// the page's main thread was busy 12.2 s of a 23.5 s load (renders, their layout and paint), and
/// each call took 94 ms as the page saw it against 50 ms of latency, because answers waited
/// for the thread; every 200 ms, 6.2 s. Five updates a second still read as a moving bar.
const BATCH_MS: u32 = 200;

/// v1 details waiting for the next hand-over.
#[derive(Default)]
struct Batch {
    results: Vec<(usize, Result<Row, CallError>)>,
    progress: Option<crate::client::pool::Progress>,
    timer: Option<Timeout>,
}

/// The v1 details: one `GET /api/v1/tokens/{id}` per entry, four at a time.
fn details(
    id: RequestId,
    plan: Plan,
    client: Client,
    loader: Shared,
    dispatcher: UseReducerDispatcher<State>,
) {
    let stubs = loader.borrow().stubs.clone();
    let count = stubs.len();
    let work: Work<Row> = Rc::new(move |client: Client, key| {
        let stubs = stubs.clone();
        Box::pin(async move {
            let id = stubs.get(key).cloned().unwrap_or_default();
            client.v1_token(&id).await.map(|t| Row::from_v1(&t))
        })
    });
    // Results and progress are handed to the reducer in batches, at most every BATCH_MS: each
    // dispatch renders the view, and two renders per token (result, progress) cost the v1 path
    // a quarter of its time at 1,000 tokens. The timer belongs to the batch, which the pool's
    // callbacks own: dropping the pool (a new load, leaving the view) drops it.
    let batch = Rc::new(RefCell::new(Batch::default()));
    let flush = {
        // Weak: the timer holds `flush`, and the batch holds the timer.
        let (batch, dispatcher) = (Rc::downgrade(&batch), dispatcher.clone());
        Rc::new(move || {
            let Some(batch) = batch.upgrade() else { return };
            let (results, progress) = {
                let mut b = batch.borrow_mut();
                b.timer = None;
                (std::mem::take(&mut b.results), b.progress.take())
            };
            if !results.is_empty() || progress.is_some() {
                dispatcher.dispatch(Action::Details {
                    load: id,
                    results,
                    progress,
                    now: Utc::now(),
                });
            }
        })
    };
    let schedule = {
        let (batch, flush) = (Rc::downgrade(&batch), flush.clone());
        move || {
            let Some(batch) = batch.upgrade() else { return };
            if batch.borrow().timer.is_none() {
                let flush = flush.clone();
                batch.borrow_mut().timer = Some(Timeout::new(BATCH_MS, move || flush()));
            }
        }
    };
    let on_result = {
        let (batch, schedule) = (batch.clone(), schedule.clone());
        move |key, result| {
            batch.borrow_mut().results.push((key, result));
            schedule();
        }
    };
    let finished = Rc::new(std::cell::Cell::new(false));
    let on_progress = {
        let (dispatcher, loader) = (dispatcher.clone(), loader.clone());
        move |progress: crate::client::pool::Progress| {
            batch.borrow_mut().progress = Some(progress);
            if progress.phase != crate::client::pool::Phase::Finished {
                // Running again (failed details re-added on Resume): its next finish goes on.
                finished.set(false);
                schedule();
                return;
            }
            if finished.replace(true) {
                return;
            }
            flush();
            // Failures are kept (the reducer lists them); the next list starts.
            let next = plan.after(&Step::V1Details);
            let base = loader.borrow().client.clone();
            let client = base.and_then(|base| fresh(&base, &loader));
            match (next, client) {
                (Some(step), Some(client)) => run(
                    id,
                    plan.clone(),
                    step,
                    client,
                    loader.clone(),
                    dispatcher.clone(),
                ),
                _ => dispatcher.dispatch(Action::Finished(id)),
            }
        }
    };
    let pool = Pool::new(client, DEFAULT_CONCURRENCY, work, on_result, on_progress);
    // One call per token: its place is free once its answer's head is in.
    pool.free_on_answer();
    loader.borrow_mut().pool = Some(pool.clone());
    pool.add(0..count);
}

/// Looks a row's token up by ID (the checker's own look-up), for its card.
pub fn open_card(
    state: &State,
    row: u32,
    loader: &Shared,
    dispatcher: UseReducerDispatcher<State>,
) {
    let id = state.next_request_id();
    // `row` comes from a click on an earlier render; the store may have been cleared since.
    let Some((token_id, kind)) = state
        .store
        .0
        .borrow()
        .rows()
        .get(row as usize)
        .map(|r| (r.id.to_string(), r.kind))
    else {
        return;
    };
    let Some(environment) = state.load.environment.clone() else {
        return;
    };
    // An ID the parser refuses (a server's own format) opens a card that says so, not nothing.
    let token = dt_core::token::parse(&token_id);
    let Ok(abort) = AbortController::new() else {
        return;
    };
    {
        let mut l = loader.borrow_mut();
        l.stop_card();
        l.card_abort = Some(abort.clone());
    }
    dispatcher.dispatch(Action::CardOpened(row, id));
    // The access token goes only to the environment it was typed for.
    if state.environment() != Some(&environment) {
        let reason = "These rows were loaded from another environment than the one entered now: load the tokens again to open their cards.";
        dispatcher.dispatch(Action::CardFinished(
            id,
            Err(CheckError::NotPossible { reason }),
        ));
        return;
    }
    let access_token = state.access_token.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let result = match &token {
            Ok(token) => {
                let request = CheckRequest {
                    environment: &environment,
                    token,
                    access_token: Some(access_token.as_str()),
                    timeout: DEFAULT_TIMEOUT,
                };
                // A row read through the v1 list is opened through v1 as well: its list was
                // chosen because the access token may read v1 (`TenantTokenManagement`) and not
                // v2, and the ID alone (`dt0c01.…`) would pick v2's `GET /apiTokens/{id}`, refused with 403.
                match kind {
                    dt_core::inventory::Kind::ApiTokenV1 => {
                        client::check_by(request, Lookup::V1TokenById, &abort).await
                    }
                    _ => client::check(request, &abort).await,
                }
            }
            Err(_) => Err(CheckError::NotPossible {
                reason: "This row's ID is not in a form the checker can look up.",
            }),
        };
        // Aborted: the card closed, another opened, or the view was left.
        if !matches!(
            result,
            Err(CheckError::Api(dt_core::dynatrace::ApiError::Aborted))
        ) {
            dispatcher.dispatch(Action::CardFinished(id, result));
        }
    });
}
