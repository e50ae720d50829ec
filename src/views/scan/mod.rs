//! `#/scan`: find every token in pasted text and files, check them all, hand over the result.
//!
//! - Input: a paste, and files chosen or dropped (several; `.gz` decompressed while read). They
//!   are read as byte streams and scanned in slices that yield to the page ([`files`]); nothing
//!   leaves the browser while scanning.
//! - Environments: the scan suggests one per token (the nearest Dynatrace URL in its file); the
//!   person confirms each environment once before any token goes to it. Tokens without a
//!   suggestion go to the page's environment (the one in the settings above).
//! - Checks: through the request [`Pool`] (bounded concurrency, `Retry-After`, back-off,
//!   timeout, pause, resume, cancel). A full API token looks itself up; IDs and ActiveGate
//!   tokens are read with the access token, as in the checker, but only in the environment in
//!   the settings: the access token never goes to an environment found in the text. What each
//!   answer means is `dt_core::incident::status`.
//! - Hand-over: CSV and JSON exports, the Markdown summary and each active token's checklist,
//!   all from `dt_core::incident::report`, none of which can hold a secret.

pub mod files;
pub mod state;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use chrono::Utc;
use dt_core::dynatrace::{standing, ActiveGateToken, ApiError, ApiToken, EnvironmentUrl, Risk};
use dt_core::export::{self, Format};
use dt_core::incident::report::{self, bytes_text, Outcome};
use dt_core::incident::status::{How, Inactive, Status, Unknown};
use dt_core::incident::{FoundToken, ScanResult};
use dt_core::token::{parse, Lookup, Secret, TokenKind};
use wasm_bindgen::JsCast;
use web_sys::{AbortController, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::ViewProps;
use crate::client::pool::{
    Phase as PoolPhase, Pool, Progress, Work, DEFAULT_CONCURRENCY, MAX_CONCURRENCY,
};
use crate::client::{CallError, Client, Refused, DEFAULT_TIMEOUT};
use crate::components::cards::{ActiveGateCard, ApiTokenCard};
use crate::components::copy::CopyButton;
use crate::components::settings::{environment_edited, standing_note, Settings};
use crate::components::Ids;
use files::{Pasted, Source, PIECE};
use gloo_timers::callback::Timeout;
use state::{Action, Answer, Filter, Phase, ScanState, SortBy};

/// What one look-up brought back.
#[derive(Clone)]
enum Found {
    Api(ApiToken),
    ActiveGate(ActiveGateToken),
    /// The token's own look-up got 401, and the access token then read its ID: disabled,
    /// expired or unknown to the environment can be told apart (Dynatrace's 401 does not say).
    Refused(Result<ApiToken, ApiError>),
}

/// One look-up to make: where, and with which call. Holds a secret (the token itself, or the
/// access token) only until the pool is done with it.
#[derive(Clone)]
struct Job {
    environment: EnvironmentUrl,
    call: Call,
}

#[derive(Clone)]
enum Call {
    /// The token looks itself up; on 401 the access token (if any) reads its ID.
    Itself {
        token: Secret,
        id: String,
        access: Option<Secret>,
    },
    ApiById {
        id: String,
        access: Secret,
    },
    ActiveGateById {
        id: String,
        access: Secret,
    },
}

impl Call {
    fn how(&self) -> How {
        match self {
            Call::Itself { .. } => How::Itself,
            _ => How::WithAccessToken,
        }
    }
}

/// The pool of look-ups in flight and the jobs it knows, by token index.
#[derive(Default)]
struct Checks {
    pool: Option<Pool<Found>>,
    /// By token index (a `Vec`, not a map: a map type of its own costs the page its code).
    jobs: Rc<RefCell<Vec<Option<Job>>>>,
    inbox: Rc<RefCell<Inbox>>,
}

/// Answers waiting to be delivered. A thousand answers redrawn one by one would keep the main
/// thread busy between look-ups (measured: 1.46x the ideal wall time for 1,000 tokens); they
/// are delivered together every [`DELIVERY_MS`].
#[derive(Default)]
struct Inbox {
    answers: Vec<Answer>,
    pool: Option<Progress>,
    timer: Option<Timeout>,
}

const DELIVERY_MS: u32 = 500;

/// Puts answers or the pool's progress in the inbox and makes sure it is delivered soon.
fn deliver(
    inbox: &Rc<RefCell<Inbox>>,
    dispatcher: &UseReducerDispatcher<ScanState>,
    answers: impl IntoIterator<Item = Answer>,
    pool: Option<Progress>,
) {
    let mut held = inbox.borrow_mut();
    held.answers.extend(answers);
    if pool.is_some() {
        held.pool = pool;
    }
    if held.timer.is_none() {
        let (inbox, dispatcher) = (inbox.clone(), dispatcher.clone());
        held.timer = Some(Timeout::new(DELIVERY_MS, move || {
            let (answers, pool) = {
                let mut held = inbox.borrow_mut();
                held.timer = None;
                (std::mem::take(&mut held.answers), held.pool.take())
            };
            dispatcher.dispatch(Action::Answered {
                answers,
                pool,
                now: Utc::now(),
            });
        }));
    }
}

#[function_component]
pub fn ScanView(props: &ViewProps) -> Html {
    let ids = &props.ids;
    // The view's own settings: where tokens without a suggestion go, and the access token for
    // IDs. The access token lives in this view's memory only.
    // What the field holds, and what it means (a token typed there: emptied, and an error).
    let environment_field = use_state(|| environment_edited(props.environment.clone()));
    let access_token = use_state(String::new);
    let (environment_input, parsed) = (*environment_field).clone();
    let environment = parsed.as_ref().ok().cloned();
    let on_environment = {
        let environment_field = environment_field.clone();
        Callback::from(move |text: String| environment_field.set(environment_edited(text)))
    };
    let on_environment_used = {
        let (environment, remember) = (environment.clone(), props.capabilities.remember);
        Callback::from(move |_: ()| {
            if let (true, Some(env)) = (remember, &environment) {
                crate::page::remember_environment(env);
            }
        })
    };
    let on_access_token = {
        let access_token = access_token.clone();
        Callback::from(move |text: String| access_token.set(text))
    };
    let state = use_reducer(ScanState::default);
    // The text field is not state: its text is read once, when the scan starts, and the field
    // is emptied then (`on_scan`). What stays is how many lines were taken, for the note.
    let text_field = use_node_ref();
    let pasted_lines = use_state(|| None::<usize>);
    let chosen = use_state(Vec::<web_sys::File>::new);
    let cancel_scan = use_mut_ref(|| Rc::new(Cell::new(false)));
    let checks = use_mut_ref(Checks::default);
    let concurrency = use_state(|| DEFAULT_CONCURRENCY);
    let timeout_s = use_state(|| DEFAULT_TIMEOUT.as_secs() as u32);
    let dragging = use_state(|| false);

    {
        // Leaving the view stops everything: a view that is not shown holds no requests.
        let (checks, cancel_scan) = (checks.clone(), cancel_scan.clone());
        use_effect_with((), move |_| {
            move || {
                cancel_scan.borrow().set(true);
                if let Some(pool) = checks.borrow_mut().pool.take() {
                    pool.cancel();
                }
                checks.borrow().jobs.borrow_mut().clear();
                // The cancel above reported progress, which armed the delivery timer: dropped
                // here (with what waited), so nothing is dispatched after the view is gone.
                *checks.borrow().inbox.borrow_mut() = Inbox::default();
            }
        })
    }

    {
        // An edit of the environment or the access token ends the checks under way: queued,
        // paused and retrying look-ups were made for the old pair, and must not reach the old
        // environment, nor carry the old access token, afterwards. Unchecked tokens wait for
        // the next "Check tokens"; answers already in keep where they were checked. (The first
        // run, at mount, finds no pool.)
        let (checks, state) = (checks.clone(), state.clone());
        let edited = (environment.clone(), (*access_token).clone());
        use_effect_with(edited, move |_| stop_checks(&checks, &state))
    }

    let on_text = {
        let pasted_lines = pasted_lines.clone();
        Callback::from(move |_: InputEvent| {
            if pasted_lines.is_some() {
                pasted_lines.set(None);
            }
        })
    };
    let on_files = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                chosen.set(file_list(input.files()));
            }
        })
    };
    let on_drag = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let (chosen, dragging) = (chosen.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let dropped = file_list(e.data_transfer().and_then(|d| d.files()));
            if !dropped.is_empty() {
                let mut all = (*chosen).clone();
                all.extend(dropped);
                chosen.set(all);
            }
        })
    };
    let on_clear_files = {
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| chosen.set(Vec::new()))
    };

    let on_scan = {
        let (state, text_field, pasted_lines, chosen, cancel_scan, checks) = (
            state.clone(),
            text_field.clone(),
            pasted_lines.clone(),
            chosen.clone(),
            cancel_scan.clone(),
            checks.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if state.phase == Phase::Scanning {
                return;
            }
            stop_checks(&checks, &state);
            // Answers not yet delivered belong to the old scan's tokens.
            *checks.borrow().inbox.borrow_mut() = Inbox::default();
            let mut sources = Vec::new();
            // Pasted text may hold tokens: it goes from the field into the scan, and nowhere else
            // (the field is emptied, and the scan overwrites its copy when done with it).
            if let Some(area) = text_field.cast::<HtmlTextAreaElement>() {
                let pasted = Pasted::new(area.value());
                if !pasted.is_blank() {
                    area.set_value("");
                    pasted_lines.set(Some(pasted.lines()));
                    sources.push(Source::Text(pasted));
                }
            }
            sources.extend(chosen.iter().cloned().map(Source::File));
            if sources.is_empty() {
                return;
            }
            let cancelled = Rc::new(Cell::new(false));
            *cancel_scan.borrow_mut() = cancelled.clone();
            state.dispatch(Action::ScanStarted {
                total: sources.iter().map(Source::size).sum(),
                files: sources.len(),
            });
            let dispatcher = state.dispatcher();
            wasm_bindgen_futures::spawn_local(async move {
                let progress = {
                    let dispatcher = dispatcher.clone();
                    move |p| dispatcher.dispatch(Action::ScanProgressed(p))
                };
                match files::scan(sources, piece_size(), cancelled, progress).await {
                    Some((result, problems)) => {
                        dispatcher.dispatch(Action::ScanFinished(Rc::new(result), problems))
                    }
                    None => dispatcher.dispatch(Action::ScanCancelled),
                }
            });
        })
    };
    let on_cancel_scan = {
        let cancel_scan = cancel_scan.clone();
        Callback::from(move |_: MouseEvent| cancel_scan.borrow().set(true))
    };

    let on_check = {
        let (state, checks, concurrency, timeout_s) = (
            state.clone(),
            checks.clone(),
            concurrency.clone(),
            timeout_s.clone(),
        );
        let (environment, access) = (environment.clone(), (*access_token).clone());
        Callback::from(move |_: MouseEvent| {
            start_checks(
                &state,
                &checks,
                environment.as_ref(),
                access.trim(),
                *concurrency,
                Duration::from_secs(u64::from(*timeout_s)),
            )
        })
    };
    let on_pause = {
        let checks = checks.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(pool) = &checks.borrow().pool {
                pool.pause();
            }
        })
    };
    let on_resume = {
        let checks = checks.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(pool) = &checks.borrow().pool {
                pool.resume();
            }
        })
    };
    let on_cancel_checks = {
        let (checks, state) = (checks.clone(), state.clone());
        Callback::from(move |_: MouseEvent| stop_checks(&checks, &state))
    };
    let on_concurrency = {
        let (concurrency, checks) = (concurrency.clone(), checks.clone());
        Callback::from(move |e: Event| {
            let value = input_number(&e).clamp(1, MAX_CONCURRENCY as u32) as usize;
            concurrency.set(value);
            if let Some(pool) = &checks.borrow().pool {
                pool.set_concurrency(value);
            }
        })
    };
    let on_timeout = {
        let timeout_s = timeout_s.clone();
        Callback::from(move |e: Event| timeout_s.set(input_number(&e).clamp(1, 120)))
    };

    let scanning = state.phase == Phase::Scanning;
    let p = state.progress;
    let progress_text = format!(
        "{} scanned · {} of {} sources · {} found",
        bytes_text(p.scanned),
        p.files_done,
        p.files,
        plural(p.tokens, "token", "tokens"),
    );

    html! {
        <>
        <Settings
            environment_input={environment_input}
            environment={Some(parsed)}
            access_token={(*access_token).clone()}
            {on_environment}
            {on_environment_used}
            {on_access_token}
            ids={ids.clone()}
        />
        <section class="dtc-panel dtc-scan" aria-labelledby={ids.id("scan-title")}>
            <h2 id={ids.id("scan-title")}>{ "Scan text and files for tokens" }</h2>
            <p class="dtc-hint">{ "Logs, config dumps, CI output, repository exports. Scanning happens in this browser; nothing is sent until you press Check." }</p>
            <div class="dtc-field">
                <label for={ids.id("scan-text")}>{ "Text to scan" }</label>
                <textarea id={ids.id("scan-text")} class="dtc-input dtc-scan-text" rows="5" spellcheck="false" autocomplete="off"
                    ref={text_field} oninput={on_text}
                    aria-describedby={pasted_lines.is_some().then(|| ids.id("scan-text-cleared"))} />
                if let Some(lines) = *pasted_lines {
                    <p class="dtc-hint" id={ids.id("scan-text-cleared")} data-testid="scan-text-cleared">
                        { format!("The pasted text ({}) went into the scan and was cleared from this field, so that tokens in it are not left on screen. Paste it again to scan it again.", plural(lines, "line", "lines")) }
                    </p>
                }
            </div>
            <div class="dtc-field dtc-drop" data-over={if *dragging { "yes" } else { "no" }}
                ondragover={on_drag.clone()} ondragenter={on_drag} ondragleave={on_leave} ondrop={on_drop}>
                <label for={ids.id("scan-files")}>{ "Files to scan" }</label>
                <input id={ids.id("scan-files")} type="file" multiple=true onchange={on_files} aria-describedby={ids.id("scan-files-hint")} />
                <p class="dtc-hint" id={ids.id("scan-files-hint")}>{ "Choose or drop files here, several at once; .gz files are decompressed while read." }</p>
                if !chosen.is_empty() {
                    <ul class="dtc-scan-files" aria-label="Files chosen">
                        { for chosen.iter().map(|f| html! { <li>{ f.name() }{ " · " }{ bytes_text(f.size() as u64) }</li> }) }
                    </ul>
                    <button type="button" class="dtc-btn dtc-btn-small" onclick={on_clear_files}>{ "Remove files" }</button>
                }
            </div>
            <div class="dtc-row">
                <button type="button" class="dtc-btn dtc-btn-primary" onclick={on_scan} disabled={scanning}>{ "Scan" }</button>
                if scanning {
                    <button type="button" class="dtc-btn" onclick={on_cancel_scan}>{ "Cancel scan" }</button>
                }
            </div>
            if state.phase != Phase::Idle {
                <div class="dtc-scan-progress">
                    <progress aria-label="Scan progress" max={p.total.max(1).to_string()} value={p.read.min(p.total).to_string()} />
                    <p role="status" data-testid="scan-progress">
                        { match state.phase {
                            Phase::Cancelled => "Scan cancelled. ".to_owned(),
                            Phase::Done => "Scan done: ".to_owned(),
                            _ => "Scanning: ".to_owned(),
                        } }
                        { progress_text }
                    </p>
                </div>
            }
            if !state.problems.is_empty() {
                <ul class="dtc-notes" data-testid="scan-problems">
                    { for state.problems.iter().map(|p| html! { <li class="dtc-msg dtc-msg-bad">{ p.name.clone() }{ ": " }{ p.message.clone() }</li> }) }
                </ul>
            }
            if let Some(result) = state.result.clone() {
                { environments(ids, &state, &result, environment.as_ref()) }
                { check_controls(ids, &state, &result, *concurrency, *timeout_s, on_concurrency, on_timeout, on_check, on_pause, on_resume, on_cancel_checks) }
                { table(ids, &state, &result, environment.as_ref()) }
                { exports(&state, &result, environment.as_ref()) }
            }
        </section>
        </>
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The bytes handed to the scanner at once. Tests set `window.dtScanPiece` to a small number,
/// so that a token is split across pieces; nothing else does.
fn piece_size() -> usize {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"dtScanPiece".into()).ok())
        .and_then(|v| v.as_f64())
        .filter(|n| *n >= 1.0)
        .map_or(PIECE, |n| n as usize)
}

fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

fn input_number(e: &Event) -> u32 {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .and_then(|i| i.value().trim().parse().ok())
        .unwrap_or(0)
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Where token `i` is checked: its suggestion once confirmed, or the page's environment.
/// `Err(Some(env))`: waiting for the person to confirm environment `env`; `Err(None)`: no
/// environment at all.
fn target<'a>(
    state: &ScanState,
    result: &'a ScanResult,
    token: &FoundToken,
    page: Option<&'a EnvironmentUrl>,
) -> Result<&'a EnvironmentUrl, Option<usize>> {
    match token.suggestion {
        Some(env) if state.confirmed.get(env) == Some(&true) => {
            result.environments.get(env).map(|e| &e.url).ok_or(None)
        }
        Some(env) => Err(Some(env)),
        None => page.ok_or(None),
    }
}

fn stop_checks(checks: &Rc<RefCell<Checks>>, state: &UseReducerHandle<ScanState>) {
    let pool = checks.borrow_mut().pool.take();
    if let Some(pool) = pool {
        pool.cancel();
        state.dispatch(Action::ChecksCancelled);
    }
    checks.borrow().jobs.borrow_mut().clear();
}

/// Queues a look-up for every token not yet checked whose environment is confirmed; tokens no
/// call can check get their status at once.
fn start_checks(
    state: &UseReducerHandle<ScanState>,
    checks: &Rc<RefCell<Checks>>,
    page: Option<&EnvironmentUrl>,
    access: &str,
    concurrency: usize,
    timeout: Duration,
) {
    let Some(result) = state.result.clone() else {
        return;
    };
    let mut keys = Vec::new();
    let mut immediate = Vec::new();
    let (jobs, inbox) = {
        let checks = checks.borrow();
        (checks.jobs.clone(), checks.inbox.clone())
    };
    for (i, token) in result.tokens.iter().enumerate() {
        let check = state.checks.get(i).cloned().unwrap_or_default();
        // A known answer stands; an unknown one (timeout, no access token yet, ...) is what
        // "check again" in its explanation asks for.
        if check.queued || matches!(check.status, Some(Status::Active | Status::Inactive(_))) {
            continue;
        }
        let Ok(environment) = target(state, &result, token, page) else {
            continue;
        };
        // The access token goes only to the environment in the settings, never to one the
        // scanned text suggested: there a full token checks itself and an ID waits.
        let access = match page {
            Some(page) if page.address() == environment.address() => access,
            _ => "",
        };
        let text = token.full_token().map_or(token.id.as_str(), Secret::expose);
        let lookup = parse(text).map(|t| t.lookup());
        let answer = |status| Answer {
            token: i,
            status: Some(Status::Unknown(status)),
            api: None,
            active_gate: None,
            environment: Some(Rc::new(environment.clone())),
        };
        let call = match (lookup, token.full_token()) {
            (Ok(Lookup::ApiTokenBySecret), Some(secret)) => Call::Itself {
                token: secret.clone(),
                id: token.id.clone(),
                access: (!access.is_empty()).then(|| Secret::new(access)),
            },
            (Ok(Lookup::ApiTokenById | Lookup::ActiveGateTokenById), _) if access.is_empty() => {
                immediate.push(answer(Unknown::NeedsAccessToken));
                continue;
            }
            (Ok(Lookup::ApiTokenById), _) => Call::ApiById {
                id: token.id.clone(),
                access: Secret::new(access),
            },
            (Ok(Lookup::ActiveGateTokenById), _) => Call::ActiveGateById {
                id: token.id.clone(),
                access: Secret::new(access),
            },
            _ => {
                immediate.push(answer(Unknown::NotCheckable));
                continue;
            }
        };
        {
            let mut jobs = jobs.borrow_mut();
            if jobs.len() <= i {
                jobs.resize(i + 1, None);
            }
            jobs[i] = Some(Job {
                environment: environment.clone(),
                call,
            });
        }
        keys.push(i);
    }
    if !immediate.is_empty() {
        deliver(&inbox, &state.dispatcher(), immediate, None);
    }
    if keys.is_empty() {
        return;
    }
    state.dispatch(Action::Queued(keys.clone()));
    let existing = checks.borrow().pool.clone();
    let pool = match existing {
        // A pool at work takes more, with the timeout it started with (replacing it would
        // strand its queued tokens); a finished one is rebuilt, so that a changed timeout is used.
        Some(pool)
            if matches!(
                pool.progress().phase,
                PoolPhase::Running | PoolPhase::Paused
            ) =>
        {
            pool
        }
        old => {
            if let Some(old) = old {
                old.cancel();
            }
            let Ok(abort) = AbortController::new() else {
                return;
            };
            let base = page.cloned().unwrap_or_else(EnvironmentUrl::same_origin);
            let Ok(client) = Client::new(&base, "", "token", timeout, &abort) else {
                return;
            };
            let work: Work<Found> = {
                let jobs = jobs.clone();
                Rc::new(move |client: Client, key: usize| {
                    let job = jobs.borrow().get(key).cloned().flatten();
                    Box::pin(async move {
                        let Some(job) = job else {
                            return Err(CallError::Api(ApiError::Aborted));
                        };
                        run(&client, &job).await
                    })
                })
            };
            let on_result = {
                let (dispatcher, jobs, inbox) = (state.dispatcher(), jobs.clone(), inbox.clone());
                move |key: usize, result: Result<Found, CallError>| {
                    let job = jobs.borrow_mut().get_mut(key).and_then(Option::take);
                    let how = job.as_ref().map_or(How::Itself, |j| j.call.how());
                    let (status, api, active_gate) = conclude(result, how, Utc::now());
                    // Where it was checked, kept with the answer: the settings may change.
                    let environment = job
                        .filter(|_| status.is_some())
                        .map(|j| Rc::new(j.environment));
                    let answer = Answer {
                        token: key,
                        status,
                        api: api.map(Rc::new),
                        active_gate: active_gate.map(Rc::new),
                        environment,
                    };
                    deliver(&inbox, &dispatcher, [answer], None);
                }
            };
            let on_progress = {
                let (dispatcher, inbox) = (state.dispatcher(), inbox.clone());
                move |p| deliver(&inbox, &dispatcher, [], Some(p))
            };
            let pool = Pool::new(client, concurrency, work, on_result, on_progress);
            let mut checks = checks.borrow_mut();
            checks.pool = Some(pool.clone());
            pool
        }
    };
    pool.add(keys);
}

async fn run(client: &Client, job: &Job) -> Result<Found, CallError> {
    match &job.call {
        Call::Itself { token, id, access } => {
            let own = client
                .for_call(&job.environment, token.expose(), "token")?
                .lookup_api_token(token.expose())
                .await;
            match (own, access) {
                (Err(CallError::Api(ApiError::Unauthorized { .. })), Some(access)) => {
                    // The 401 is known; an access token that can't be sent adds nothing to it.
                    let Ok(by_access) =
                        client.for_call(&job.environment, access.expose(), "access token")
                    else {
                        return Ok(Found::Refused(Err(ApiError::Unauthorized {
                            message: None,
                        })));
                    };
                    let by_id = by_access.api_token(id).await;
                    match by_id {
                        Ok(t) => Ok(Found::Refused(Ok(t))),
                        Err(CallError::Api(e)) => Ok(Found::Refused(Err(e))),
                        Err(e) => Err(e),
                    }
                }
                (own, _) => own.map(Found::Api),
            }
        }
        Call::ApiById { id, access } => client
            .for_call(&job.environment, access.expose(), "access token")?
            .api_token(id)
            .await
            .map(Found::Api),
        Call::ActiveGateById { id, access } => client
            .for_call(&job.environment, access.expose(), "access token")?
            .activegate_token(id)
            .await
            .map(Found::ActiveGate),
    }
}

/// What an answer means for the token: `dt_core::incident::status` decides.
fn conclude(
    result: Result<Found, CallError>,
    how: How,
    now: chrono::DateTime<Utc>,
) -> (Option<Status>, Option<ApiToken>, Option<ActiveGateToken>) {
    match result {
        Ok(Found::Api(t)) => (Some(Status::of_api_token(&t, now)), Some(t), None),
        Ok(Found::ActiveGate(t)) => (Some(Status::of_active_gate_token(&t, now)), None, Some(t)),
        Ok(Found::Refused(by_id)) => {
            let refused = Status::Inactive(Inactive::Unauthorized);
            match by_id {
                // Enabled and unexpired, yet refused: the 401 is what is known.
                Ok(t) => match Status::of_api_token(&t, now) {
                    Status::Active => (Some(refused), Some(t), None),
                    status => (Some(status), Some(t), None),
                },
                Err(ApiError::NotFound) => (Some(Status::Inactive(Inactive::NotFound)), None, None),
                Err(_) => (Some(refused), None, None),
            }
        }
        Err(CallError::Api(e)) => (Status::of_error(&e, how), None, None),
        // A redirect was refused: the answer is not Dynatrace's.
        Err(CallError::Refused(Refused::Redirect { .. })) => {
            (Some(Status::Unknown(Unknown::Unreadable)), None, None)
        }
        // The access token holds a character a header can't carry.
        Err(CallError::Refused(Refused::NotSendable { .. })) => (
            Some(Status::Unknown(Unknown::AccessTokenNotSendable)),
            None,
            None,
        ),
    }
}

/// The environments suggested, each confirmed once by the person before any token goes there.
fn environments(
    ids: &Ids,
    state: &UseReducerHandle<ScanState>,
    result: &ScanResult,
    page: Option<&EnvironmentUrl>,
) -> Html {
    let mut used = vec![0usize; result.environments.len()];
    let mut without = 0;
    for token in &result.tokens {
        match token.suggestion {
            Some(e) => {
                if let Some(n) = used.get_mut(e) {
                    *n += 1;
                }
            }
            None => without += 1,
        }
    }
    let page_text = page.map_or_else(
        || "no environment: enter one in the settings above".to_owned(),
        |e| e.to_string(),
    );
    html! {
        <div class="dtc-scan-envs" role="group" aria-labelledby={ids.id("scan-envs-title")}>
            <h3 id={ids.id("scan-envs-title")}>{ "Where the tokens go" }</h3>
            if result.environments.is_empty() {
                <p class="dtc-hint">{ "No Dynatrace environment URL was found in the text." }</p>
            }
            <ul class="dtc-scan-env-list">
                { for result.environments.iter().enumerate().filter(|(e, _)| used[*e] > 0).take(state.environments_shown).map(|(e, env)| {
                    let confirmed = state.confirmed.get(e) == Some(&true);
                    let onclick = {
                        let dispatcher = state.dispatcher();
                        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Confirmed(e)))
                    };
                    let label = format!("Confirm {}", env.url.address());
                    html! {
                        <li data-testid="scan-environment" data-confirmed={if confirmed { "yes" } else { "no" }}>
                            <span class="dtc-scan-mono">{ env.url.address().to_owned() }</span>
                            <span class="dtc-hint">{ format!(" · suggested for {}", plural(used[e], "token", "tokens")) }</span>
                            { standing_note(env.url.standing()) }
                            if confirmed {
                                <span class="dtc-badge">{ "confirmed" }</span>
                            } else {
                                <button type="button" class="dtc-btn dtc-btn-small" aria-label={label} {onclick}>{ "Confirm" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
            if used.iter().filter(|n| **n > 0).count() > state.environments_shown {
                <button type="button" class="dtc-btn dtc-btn-small" onclick={{
                    let dispatcher = state.dispatcher();
                    Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::ShowMoreEnvironments))
                }}>{ format!("Show more environments ({} of {} shown)", state.environments_shown, used.iter().filter(|n| **n > 0).count()) }</button>
            }
            if without > 0 {
                <p class="dtc-hint" data-testid="scan-page-environment">
                    { format!("{} without a suggestion go to the environment in the settings: ", plural(without, "token", "tokens")) }
                    <span class="dtc-scan-mono">{ page_text }</span>
                </p>
            }
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
fn check_controls(
    ids: &Ids,
    state: &UseReducerHandle<ScanState>,
    result: &ScanResult,
    concurrency: usize,
    timeout_s: u32,
    on_concurrency: Callback<Event>,
    on_timeout: Callback<Event>,
    on_check: Callback<MouseEvent>,
    on_pause: Callback<MouseEvent>,
    on_resume: Callback<MouseEvent>,
    on_cancel: Callback<MouseEvent>,
) -> Html {
    let [active, inactive, unknown, unchecked] = state.counts();
    let waiting = result
        .tokens
        .iter()
        .filter(|t| {
            t.suggestion
                .is_some_and(|e| state.confirmed.get(e) != Some(&true))
        })
        .count();
    let pool = state.pool;
    let phase = pool.map(|p| p.phase);
    let busy = matches!(phase, Some(PoolPhase::Running | PoolPhase::Paused));
    html! {
        <div class="dtc-scan-checks" role="group" aria-labelledby={ids.id("scan-checks-title")}>
            <h3 id={ids.id("scan-checks-title")}>{ "Check" }</h3>
            <div class="dtc-row">
                <div class="dtc-field">
                    <label for={ids.id("scan-concurrency")}>{ "Look-ups at once" }</label>
                    <input id={ids.id("scan-concurrency")} class="dtc-input dtc-scan-number" type="number" min="1" max="16"
                        value={concurrency.to_string()} onchange={on_concurrency} />
                </div>
                <div class="dtc-field">
                    <label for={ids.id("scan-timeout")}>{ "Timeout per look-up (seconds)" }</label>
                    <input id={ids.id("scan-timeout")} class="dtc-input dtc-scan-number" type="number" min="1" max="120"
                        value={timeout_s.to_string()} onchange={on_timeout} disabled={busy} />
                </div>
            </div>
            <div class="dtc-row">
                <button type="button" class="dtc-btn dtc-btn-primary" onclick={on_check}>{ "Check tokens" }</button>
                if phase == Some(PoolPhase::Running) {
                    <button type="button" class="dtc-btn" onclick={on_pause}>{ "Pause" }</button>
                }
                if phase == Some(PoolPhase::Paused) {
                    <button type="button" class="dtc-btn" onclick={on_resume}>{ "Resume" }</button>
                }
                if busy {
                    <button type="button" class="dtc-btn" onclick={on_cancel}>{ "Cancel checks" }</button>
                }
            </div>
            if waiting > 0 {
                <p class="dtc-hint">{ format!("{} wait for their environment to be confirmed.", plural(waiting, "token", "tokens")) }</p>
            }
            if let Some(p) = pool {
                <progress aria-label="Check progress" max={p.total.max(1).to_string()} value={p.done.to_string()} />
            }
            <p role="status" data-testid="check-progress">
                { match phase {
                    Some(PoolPhase::Paused) => "Paused. ",
                    Some(PoolPhase::Running) => "Checking. ",
                    Some(PoolPhase::Cancelled) => "Checks cancelled. ",
                    _ => "",
                } }
                { format!("{active} active · {inactive} inactive · {unknown} unknown · {unchecked} not checked") }
                if let Some(p) = pool.filter(|p| p.retrying > 0) {
                    { format!(" · {} waiting to retry", p.retrying) }
                }
            </p>
        </div>
    }
}

/// One row per distinct token, sortable and filterable; a row opens its card.
fn table(
    ids: &Ids,
    state: &UseReducerHandle<ScanState>,
    result: &Rc<ScanResult>,
    page: Option<&EnvironmentUrl>,
) -> Html {
    let rows = state.rows();
    let mut kinds: Vec<&'static str> = result.tokens.iter().map(|t| t.kind.label()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut owners: Vec<&str> = state.checks.iter().filter_map(|c| c.owner()).collect();
    owners.sort_unstable();
    owners.dedup();
    let filter = |apply: fn(&mut Filter, String)| {
        let dispatcher = state.dispatcher();
        let current = state.filter.clone();
        Callback::from(move |e: Event| {
            let mut next = current.clone();
            apply(&mut next, select_value(&e));
            dispatcher.dispatch(Action::Filtered(next));
        })
    };
    let on_sort = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            let sort = SortBy::ALL
                .iter()
                .find(|(_, key, _)| *key == value)
                .map_or(SortBy::Status, |(s, _, _)| *s);
            dispatcher.dispatch(Action::Sorted(sort))
        })
    };
    let f = &state.filter;
    let option = |value: &str, label: &str, current: &str| {
        html! { <option value={value.to_owned()} selected={value == current}>{ label.to_owned() }</option> }
    };
    html! {
        <div class="dtc-scan-results">
            <h3>{ "Tokens found" }</h3>
            <div class="dtc-row dtc-scan-filters">
                <div class="dtc-field">
                    <label for={ids.id("scan-sort")}>{ "Sort by" }</label>
                    <select id={ids.id("scan-sort")} class="dtc-input" onchange={on_sort}>
                        { for SortBy::ALL.iter().map(|(s, key, label)| html! { <option value={*key} selected={*s == state.sort}>{ *label }</option> }) }
                    </select>
                </div>
                <div class="dtc-field">
                    <label for={ids.id("scan-f-status")}>{ "Status" }</label>
                    <select id={ids.id("scan-f-status")} class="dtc-input" onchange={filter(|f, v| f.status = v)}>
                        { option("", "all", &f.status) }
                        { for ["active", "inactive", "unknown", "unchecked"].iter().map(|s| option(s, s, &f.status)) }
                    </select>
                </div>
                <div class="dtc-field">
                    <label for={ids.id("scan-f-kind")}>{ "Kind" }</label>
                    <select id={ids.id("scan-f-kind")} class="dtc-input" onchange={filter(|f, v| f.kind = v)}>
                        { option("", "all", &f.kind) }
                        { for kinds.iter().map(|k| option(k, k, &f.kind)) }
                    </select>
                </div>
                <div class="dtc-field">
                    <label for={ids.id("scan-f-owner")}>{ "Owner" }</label>
                    <select id={ids.id("scan-f-owner")} class="dtc-input" onchange={filter(|f, v| f.owner = v)}>
                        { option("", "all", &f.owner) }
                        { for owners.iter().map(|o| option(o, o, &f.owner)) }
                    </select>
                </div>
                <div class="dtc-field">
                    <label for={ids.id("scan-f-risk")}>{ "Risk" }</label>
                    <select id={ids.id("scan-f-risk")} class="dtc-input" onchange={filter(|f, v| f.risk = v)}>
                        { option("", "all", &f.risk) }
                        { for ["critical", "high", "medium", "low", "unknown"].iter().map(|r| option(r, r, &f.risk)) }
                    </select>
                </div>
            </div>
            <div class="dtc-scan-table-wrap">
                <table class="dtc-scan-table" data-testid="scan-table">
                    <caption class="dtc-visually-hidden">{ "Distinct tokens found; choose a token to open its card" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Token" }</th>
                        <th scope="col">{ "Kind" }</th>
                        <th scope="col">{ "Found" }</th>
                        <th scope="col">{ "Environment" }</th>
                        <th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Owner" }</th>
                        <th scope="col">{ "Risk" }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().take(state.shown).map(|&i| row(state, result, i, page)) }
                    </tbody>
                </table>
            </div>
            if rows.len() > state.shown {
                <button type="button" class="dtc-btn dtc-btn-small" onclick={{
                    let dispatcher = state.dispatcher();
                    Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::ShowMore))
                }}>{ format!("Show more ({} of {} shown)", state.shown, rows.len()) }</button>
            }
            if rows.is_empty() {
                <p class="dtc-hint">{ if result.tokens.is_empty() { "No tokens found." } else { "No token matches the filters." } }</p>
            }
            if let Some(open) = state.open {
                { card(ids, state, result, open, page) }
            }
        </div>
    }
}

fn row(
    state: &UseReducerHandle<ScanState>,
    result: &ScanResult,
    i: usize,
    page: Option<&EnvironmentUrl>,
) -> Html {
    let token = &result.tokens[i];
    let check = state.checks.get(i).cloned().unwrap_or_default();
    let first = token.places.first().map_or_else(String::new, |p| {
        let file = result.files.get(p.file).map_or("?", String::as_str);
        format!("{file}:{}:{}", p.line, p.column)
    });
    let checked = check.environment.as_deref();
    let env = match checked.map_or_else(|| target(state, result, token, page), Ok) {
        Ok(env) => env.to_string(),
        Err(Some(e)) => format!("{} (to confirm)", result.environments[e].url.address()),
        Err(None) => "none".to_owned(),
    };
    let (status, key) = match check.status {
        Some(s) => (s.label(), s.key()),
        None if check.queued => ("queued".to_owned(), "queued"),
        None => ("not checked".to_owned(), "unchecked"),
    };
    html! {
        <Row
            key={i}
            index={i}
            dispatcher={state.dispatcher()}
            selected={state.open == Some(i)}
            masked={token.masked.clone()}
            kind={token.kind.label()}
            count={token.count}
            first={first}
            env={env}
            status={status}
            status_key={key}
            owner={check.owner().unwrap_or("").to_owned()}
            risk={check.risk().map_or("", Risk::severity_name)}
        />
    }
}

#[derive(Clone, PartialEq, Properties)]
struct RowProps {
    index: usize,
    dispatcher: UseReducerDispatcher<ScanState>,
    selected: bool,
    masked: AttrValue,
    kind: &'static str,
    count: u64,
    first: AttrValue,
    env: AttrValue,
    status: AttrValue,
    status_key: &'static str,
    owner: AttrValue,
    risk: &'static str,
}

/// One row. A component so that a row whose props did not change is not drawn again: the table
/// is redrawn as answers arrive, and drawing every row each time held the main thread long
/// enough to delay the next look-ups (measured: 29 ms between an answer and the next call,
/// 7 ms without the redraws).
#[function_component]
fn Row(p: &RowProps) -> Html {
    let onclick = {
        let (dispatcher, i) = (p.dispatcher.clone(), p.index);
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Opened(Some(i))))
    };
    html! {
        <tr data-testid="scan-row" data-status={p.status_key} aria-selected={if p.selected { "true" } else { "false" }} onclick={onclick.clone()}>
            <td><button type="button" class="dtc-scan-link dtc-scan-mono" {onclick}>{ p.masked.clone() }</button></td>
            <td>{ p.kind }</td>
            <td>{ format!("{}× ", p.count) }<span class="dtc-hint">{ p.first.clone() }</span></td>
            <td class="dtc-scan-mono">{ p.env.clone() }</td>
            <td data-status={p.status_key}>{ p.status.clone() }</td>
            <td>{ p.owner.clone() }</td>
            <td>{ p.risk }</td>
        </tr>
    }
}

fn outcome<'a>(
    state: &'a ScanState,
    result: &'a ScanResult,
    i: usize,
    page: Option<&'a EnvironmentUrl>,
) -> Outcome<'a> {
    let token = &result.tokens[i];
    let check = state.checks.get(i);
    Outcome {
        token,
        status: check.and_then(|c| c.status),
        // Where it was checked; an unchecked token, where it would go.
        environment: check
            .and_then(|c| c.environment.as_deref())
            .or_else(|| target(state, result, token, page).ok()),
        api: check.and_then(|c| c.api.as_deref()),
        active_gate: check.and_then(|c| c.active_gate.as_deref()),
        files: &result.files,
    }
}

/// A token's card: where it was found, what the check said, its metadata, and for an active
/// token the checklist to copy.
fn card(
    ids: &Ids,
    state: &UseReducerHandle<ScanState>,
    result: &ScanResult,
    i: usize,
    page: Option<&EnvironmentUrl>,
) -> Html {
    let Some(token) = result.tokens.get(i) else {
        return html! {};
    };
    let o = outcome(state, result, i, page);
    let check = state.checks.get(i).cloned().unwrap_or_default();
    let now = state.now.unwrap_or_else(Utc::now);
    let close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Opened(None)))
    };
    let places = o.places();
    let more = token.count.saturating_sub(places.len() as u64);
    html! {
        <article class="dtc-panel dtc-scan-card" data-testid="scan-card" aria-labelledby={ids.id("scan-card-title")}>
            <div class="dtc-row">
                <h3 id={ids.id("scan-card-title")} class="dtc-scan-mono dtc-grow">{ token.masked.clone() }</h3>
                <button type="button" class="dtc-btn dtc-btn-small" onclick={close}>{ "Close" }</button>
            </div>
            <p>{ token.kind.label() }{ " · " }{ match o.status { Some(s) => s.label(), None => "not checked".to_owned() } }</p>
            if let Some(s) = o.status {
                <p class="dtc-hint">{ s.explanation() }</p>
            }
            <h4>{ format!("Found {}", plural(token.count as usize, "time", "times")) }</h4>
            <ul class="dtc-scan-places">
                { for places.iter().map(|p| html! { <li class="dtc-scan-mono">{ p.clone() }</li> }) }
                if more > 0 { <li>{ format!("and {more} more") }</li> }
            </ul>
            if let Some(api) = check.api.as_deref().cloned() {
                <ApiTokenCard standing={standing(api.enabled, api.expiration_date, now)} ids={ids.clone()} token={api} environment={o.environment.cloned()} {now} authenticated_itself={token.has_secret && token.kind == TokenKind::ApiToken} />
            }
            if let Some(ag) = check.active_gate.as_deref().cloned() {
                <ActiveGateCard standing={standing(None, ag.expiration_date, now)} ids={ids.clone()} token={ag} {now} />
            }
            if o.status == Some(Status::Active) {
                <h4>{ "What to do: exposed token checklist" }</h4>
                <pre class="dtc-scan-checklist" data-testid="scan-checklist">{ report::checklist(&o) }</pre>
                <CopyButton label="Copy checklist" text={report::checklist(&o)} />
            }
        </article>
    }
}

fn exports(
    state: &UseReducerHandle<ScanState>,
    result: &Rc<ScanResult>,
    page: Option<&EnvironmentUrl>,
) -> Html {
    // Built when asked for, not at each render: a thousand rows change a thousand times.
    let make = {
        let (state, result, page) = (state.clone(), result.clone(), page.cloned());
        move |what: Option<Format>| {
            let outcomes: Vec<Outcome<'_>> = (0..result.tokens.len())
                .map(|i| outcome(&state, &result, i, page.as_ref()))
                .collect();
            let now = Utc::now();
            match what {
                Some(format) => {
                    // Named after the page's environment; tokens checked elsewhere are in the rows.
                    let env = page.clone().unwrap_or_else(EnvironmentUrl::same_origin);
                    let name = export::file_name("scan", &env, now, format);
                    crate::components::download::download(
                        &name,
                        format.media_type(),
                        &export::write(format, outcomes.iter()),
                    );
                    String::new()
                }
                None => report::summary(&outcomes, &result.files, result.bytes, now),
            }
        }
    };
    let download = |format: Format| {
        let make = make.clone();
        Callback::from(move |_: MouseEvent| {
            make(Some(format));
        })
    };
    html! {
        <div class="dtc-row dtc-scan-exports" role="group" aria-label="Hand-over">
            <button type="button" class="dtc-btn" onclick={download(Format::Csv)}>{ "Download CSV" }</button>
            <button type="button" class="dtc-btn" onclick={download(Format::Json)}>{ "Download JSON" }</button>
            <LazyCopy label="Copy summary (Markdown)" make={Callback::from(move |_: ()| make(None))} />
        </div>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct LazyCopyProps {
    label: AttrValue,
    /// Builds the text when the button is pressed.
    make: Callback<(), String>,
}

/// A copy button whose text is built on press (the summary of a thousand tokens).
#[function_component]
fn LazyCopy(props: &LazyCopyProps) -> Html {
    let copied = use_state(|| false);
    let onclick = {
        let (copied, make) = (copied.clone(), props.make.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
                return;
            };
            let promise = clipboard.write_text(&make.emit(()));
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
            });
        })
    };
    html! {
        <button type="button" class="dtc-btn" {onclick}>
            { if *copied { "Copied" } else { props.label.as_str() } }
            <span class="dtc-visually-hidden" aria-live="polite">{ if *copied { " to the clipboard" } else { "" } }</span>
        </button>
    }
}
