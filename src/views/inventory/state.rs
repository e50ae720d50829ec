//! What the inventory shows and every way it changes. The view dispatches [`Action`]s; only
//! [`State::reduce`] changes state. The loader (`load.rs`) reports back with actions tagged by
//! the load they belong to, so a stopped or replaced load cannot add rows to a newer one.
//!
//! The rows live in dt-core's `Inventory` (compact rows, audited as they arrive); sorting and
//! filtering happen there, over those rows, never over JSON. The state keeps the sorted order
//! and the visible rows as index lists, computed here when rows or the view change.
//!
//! The access token is a secret: memory only, never in the address, never in a message, and
//! `Debug` prints it masked.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, NaiveDate, Utc};
use dt_core::audit::Finding;
use dt_core::dynatrace::queries::{ListQuery, V1Filter};
use dt_core::dynatrace::{EnvironmentUrl, EnvironmentUrlError, Risk};
use dt_core::inventory::{Column, Inventory, Kind, Row, Summary, View};
use yew::Reducible;

use crate::client::pool::Progress;
use crate::client::{CallError, CheckError, Metadata};
use crate::state::{Remote, RequestId};

/// The lists an inventory can read, and the scope each needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// `GET /api/v2/apiTokens`
    V2,
    /// `GET /api/v1/tokens` (deprecated)
    V1,
    /// `GET /api/v2/activeGateTokens`
    ActiveGate,
}

impl List {
    pub const ALL: [List; 3] = [List::V2, List::V1, List::ActiveGate];

    pub fn scope(self) -> &'static str {
        match self {
            List::V2 => "apiTokens.read",
            List::V1 => "TenantTokenManagement",
            List::ActiveGate => "activeGateTokenManagement.read",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            List::V2 => "API tokens (v2)",
            List::V1 => "API tokens (v1, deprecated)",
            List::ActiveGate => "ActiveGate tokens",
        }
    }

    pub fn endpoint(self) -> &'static str {
        match self {
            List::V2 => "GET /api/v2/apiTokens",
            List::V1 => "GET /api/v1/tokens",
            List::ActiveGate => "GET /api/v2/activeGateTokens",
        }
    }
}

/// What the access token may read, from its own look-up (`POST /api/v2/apiTokens/lookup`,
/// which needs no scope). Holds scope names only, never the token.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Access {
    pub scopes: Vec<String>,
}

impl Access {
    pub fn can(&self, list: List) -> bool {
        self.scopes.iter().any(|s| s == list.scope())
    }

    /// The list of API tokens to use: v2 where it can, v1 where only v1 is allowed.
    pub fn api_list(&self) -> Option<List> {
        [List::V2, List::V1].into_iter().find(|l| self.can(*l))
    }
}

/// Which list of API tokens the person chose (v2 by default when both are readable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Source {
    #[default]
    V2,
    V1,
}

/// v1's filters as typed: `user`, `permissions` (a token must have all), last use between
/// `from` and `to` (dates, `YYYY-MM-DD`, UTC), `limit`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct V1Form {
    pub user: String,
    pub permissions: Vec<String>,
    pub from: String,
    pub to: String,
    pub limit: String,
}

/// v2's query as typed: `apiTokenSelector` (owner, personal access token, scopes) and the
/// last-use timeframe.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct V2Form {
    pub owner: String,
    /// "", "true" or "false".
    pub personal: String,
    /// Scope names, comma separated: tokens with any of them.
    pub scopes: String,
    pub from: String,
    pub to: String,
}

/// What the table asks of the v2 list: exactly its columns.
pub const V2_FIELDS: &str =
    "+expirationDate,+lastUsedDate,+lastUsedIpAddress,+personalAccessToken,+scopes";

/// The page size the app asks for. Dynatrace allows up to 10,000, but the browser's
/// `JSON.parse` plus the walk into models costs about 14 ms per 1,000 tokens (measured in
/// Chromium: 140 ms for a 10,000-token page), all on the main thread. At 2,000 a page that is
/// about 30 ms, in a task of its own (the reducer and the render take the next one, `load.rs`).
/// The first page's block (118-135 ms before) was not the JSON: a profile of the load
/// (`PROFILE=1 node bench/inventory.mjs`) showed the parse, the reducer and the first render in
/// one microtask checkpoint, `toLocaleString` for the tooltips, and the summary counted again
/// over every row on every page. 1,000 a page, measured in the same session: no shorter blocks,
/// and all pages took up to twice as long (twice the requests).
/// Tried and not kept: serde_json in wasm (34 ms for 10,000, but +9 KB gzip); reading rows from
/// the JS object directly (it would repeat dt-core's lenient model rules in the app).
pub const PAGE_SIZE: u32 = 2000;

/// The most pages one list is followed for when it does not say how many tokens it has (at
/// [`PAGE_SIZE`] a page, 100 million tokens): a server that always sends a `nextPageKey` must
/// not keep the load going forever.
pub const MAX_PAGES: u32 = 50_000;

/// Whether page `number` (1-based), reached with `key`, may be followed by a page reached with
/// `next_key`; `total` is the list's `totalCount` when it said. Every page holds at least one
/// token, so a list of `total` tokens has at most `total` pages. `Err` says why paging stops.
pub fn check_next_page(
    number: u32,
    key: Option<&str>,
    next_key: &str,
    total: Option<u64>,
) -> Result<(), String> {
    if key == Some(next_key) {
        return Err(format!(
            "page {number}'s nextPageKey is the same key that asked for it, so the server would send that page forever; paging stopped there"
        ));
    }
    if let Some(total) = total {
        if u64::from(number) >= total.max(1) {
            return Err(format!(
                "the list says it has {total} tokens, yet after page {number} it still sends a nextPageKey; paging stopped there"
            ));
        }
    }
    if number >= MAX_PAGES {
        return Err(format!(
            "the list still sends a nextPageKey after {MAX_PAGES} pages; paging stopped there"
        ));
    }
    Ok(())
}

/// `YYYY-MM-DD` as the start of that day, UTC, in milliseconds; `None` for an empty field.
pub fn day_millis(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let mut parts = text.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let date = match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(y), Some(m), Some(d)) => {
            // `as i32` would wrap a year past i32::MAX into another, valid-looking one.
            let year = i32::try_from(y).ok().filter(|y| (1970..=9999).contains(y));
            if year.is_none() {
                return Err("the year must be from 1970 to 9999".to_owned());
            }
            year.and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        }
        _ => None,
    };
    date.and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc().timestamp_millis()))
        .ok_or_else(|| "a date is YYYY-MM-DD".to_owned())
}

impl V1Form {
    /// The filter to send, or what is wrong with the form.
    pub fn filter(&self) -> Result<V1Filter, String> {
        let limit = match self.limit.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
                _ => return Err("Limit is a whole number from 1 to 1,000,000.".into()),
            },
        };
        let from = day_millis(&self.from).map_err(|e| format!("Used from: {e}."))?;
        // "to" is the end of that day.
        let to = day_millis(&self.to)
            .map_err(|e| format!("Used until: {e}."))?
            .map(|t| t + 86_400_000 - 1);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err("\"Used from\" is after \"Used until\".".into());
            }
        }
        Ok(V1Filter {
            limit,
            user: Some(self.user.trim().to_owned()).filter(|u| !u.is_empty()),
            permissions: self.permissions.clone(),
            from,
            to,
        })
    }
}

impl V2Form {
    /// The first page's query, or what is wrong with the form.
    pub fn query(&self) -> Result<ListQuery, String> {
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut selector = Vec::new();
        if !self.owner.trim().is_empty() {
            selector.push(format!("owner(\"{}\")", quote(self.owner.trim())));
        }
        if matches!(self.personal.as_str(), "true" | "false") {
            selector.push(format!("personalAccessToken({})", self.personal));
        }
        let scopes: Vec<String> = self
            .scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("\"{}\"", quote(s)))
            .collect();
        if !scopes.is_empty() {
            selector.push(format!("scope({})", scopes.join(",")));
        }
        let from = day_millis(&self.from).map_err(|e| format!("Used from: {e}."))?;
        let to = day_millis(&self.to)
            .map_err(|e| format!("Used until: {e}."))?
            .map(|t| t + 86_400_000 - 1);
        Ok(ListQuery {
            page_size: Some(PAGE_SIZE),
            selector: Some(selector.join(",")).filter(|s| !s.is_empty()),
            fields: Some(V2_FIELDS.to_owned()),
            from: from.map(|f| f.to_string()),
            to: to.map(|t| t.to_string()),
            sort: None,
        })
    }
}

/// One step of a load: a page of a paged list, or the v1 list and its details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Page `number` (1-based) of `list`; `key` is the `nextPageKey` that leads to it, `None`
    /// for the first.
    Page {
        list: List,
        number: u32,
        key: Option<String>,
    },
    /// The v1 list (names and IDs).
    V1List,
    /// The v1 metadata, one `GET /api/v1/tokens/{id}` per token, through the pool.
    V1Details,
}

/// What a load does, decided when it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub api: Option<ApiPlan>,
    pub activegate: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiPlan {
    V2(ListQuery),
    V1(V1Filter),
}

impl Plan {
    /// The first step, and the one after `step` when it is complete.
    pub fn first(&self) -> Option<Step> {
        match &self.api {
            Some(ApiPlan::V2(_)) => Some(Step::Page {
                list: List::V2,
                number: 1,
                key: None,
            }),
            Some(ApiPlan::V1(_)) => Some(Step::V1List),
            None => self.activegate_first(),
        }
    }

    pub fn after(&self, step: &Step) -> Option<Step> {
        match step {
            Step::Page {
                list: List::ActiveGate,
                ..
            } => None,
            Step::V1List => Some(Step::V1Details),
            _ => self.activegate_first(),
        }
    }

    fn activegate_first(&self) -> Option<Step> {
        self.activegate.then_some(Step::Page {
            list: List::ActiveGate,
            number: 1,
            key: None,
        })
    }
}

/// Where a load stands.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Phase {
    #[default]
    Idle,
    Loading,
    /// Stopped by the person; `resume` goes on from `next`.
    Stopped,
    /// A step failed; what loaded is kept, `resume` tries the step again.
    Failed {
        step: Step,
        error: CallError,
    },
    Done,
}

/// A load's progress, for its bar and its words.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Load {
    pub id: RequestId,
    /// The environment the rows came from: exports are named after it and cards look rows up
    /// in it, even after the person types another one.
    pub environment: Option<EnvironmentUrl>,
    pub plan: Option<Plan>,
    pub phase: Phase,
    /// The step to run next (or running now).
    pub next: Option<Step>,
    pub pages: u32,
    /// `totalCount` of the v2 list, when it said.
    pub total: Option<u64>,
    /// The v1 details' pool.
    pub details: Progress,
    /// v1 entries whose metadata failed for good (kept as list entries; tried again on resume).
    pub failed_details: Vec<usize>,
}

impl Load {
    /// Whether Resume can go on: a stop with a step left, or a failed step. An edit of the
    /// environment or the access token leaves neither (the loader's client holds the old pair).
    pub fn can_resume(&self) -> bool {
        match self.phase {
            Phase::Stopped => self.next.is_some(),
            Phase::Failed { .. } => true,
            _ => false,
        }
    }
}

/// The table's rows, shared: dt-core's inventory behind a `RefCell`, so that a page of rows is
/// added in place rather than by copying 100,000 rows. Equality is identity plus `revision`.
#[derive(Clone, Default)]
pub struct Store(pub Rc<RefCell<Inventory>>);

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// `Debug` is written by hand: the access token is a secret.
#[derive(Clone, PartialEq, Default)]
pub struct State {
    pub environment_input: String,
    pub environment: Option<Result<EnvironmentUrl, EnvironmentUrlError>>,
    /// Memory only: never stored, never in the address.
    pub access_token: String,
    /// Bumped on every edit of the environment or the access token: the view then clears the
    /// loader, whose client holds the old pair.
    pub credentials: u64,
    /// The access token's own look-up: what it may read.
    pub access: Remote<Access, CallError>,
    access_request: Option<RequestId>,
    pub source: Source,
    pub v1: V1Form,
    pub v2: V2Form,
    pub form_error: Option<String>,
    pub load: Load,
    pub store: Store,
    /// Bumped whenever the rows change, so that views redraw.
    pub revision: u64,
    /// Filter and sort, live: what the table shows.
    pub view: View,
    /// The free text as of its last `change` (blur, Enter): what the address may carry. Each
    /// keystroke filters, but only the finished text is judged for the address, so that the
    /// prefixes of a secret typed by hand (which may not read like a token yet) never reach it.
    text_committed: String,
    /// Every row's index, sorted by `view.sort`.
    pub order: Rc<Vec<u32>>,
    /// `order` may be out of date: rows were replaced in place (v1 details), or the sort is by
    /// findings, whose owner part changes as pages arrive. Sorted again when the load settles.
    order_stale: bool,
    /// The rows that pass `view.filter`, in sorted order: what the table shows.
    pub visible: Rc<Vec<u32>>,
    /// Counts over every loaded row (the chart): kept by dt-core's `Inventory` as rows arrive,
    /// copied here when rows change, not counted on every keystroke of the filter.
    pub summary: Summary,
    /// The row whose card is open, and its look-up by ID.
    pub open: Option<u32>,
    pub card: Remote<Metadata, CheckError>,
    card_request: Option<RequestId>,
    next_request: RequestId,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("environment", &self.environment)
            .field("access_token", &dt_core::token::MASK)
            .field("rows", &self.store.0.borrow().len())
            .field("visible", &self.visible.len())
            .finish()
    }
}

#[derive(Clone)]
pub enum Action {
    EnvironmentEdited(String),
    AccessTokenEdited(String),
    AccessStarted(RequestId),
    AccessFinished(RequestId, Result<Access, CallError>),
    SourceChosen(Source),
    V1Edited(V1Form),
    V2Edited(V2Form),
    FormRejected(String),
    /// A new load: the old rows go.
    LoadStarted(RequestId, Plan),
    /// Rows of `step` arrived; `next` is the step after it (another page, or the next list).
    Rows {
        load: RequestId,
        rows: Vec<Row>,
        next: Option<Step>,
        total: Option<u64>,
        now: DateTime<Utc>,
    },
    /// v1 tokens' metadata (or final failures), by their keys in the v1 list, and the pool's
    /// progress, handed over in batches.
    Details {
        load: RequestId,
        results: Vec<(usize, Result<Row, CallError>)>,
        progress: Option<Progress>,
        now: DateTime<Utc>,
    },
    StepFailed(RequestId, Step, CallError),
    Stopped(RequestId),
    Resumed(RequestId),
    Finished(RequestId),
    /// The address changed, or the person changed filter or sort.
    ViewChanged(View),
    /// The free text, on each keystroke: the table filters at once.
    Text(String),
    /// The free text's `change` (blur, Enter): now the address may carry it.
    TextCommitted,
    ToggleFinding(Finding),
    ToggleRisk(Risk),
    ToggleKind(Kind),
    SortBy(Column),
    CardOpened(u32, RequestId),
    CardFinished(RequestId, Result<Metadata, CheckError>),
    CardClosed,
}

impl State {
    pub fn new(environment_input: String, view: View) -> Self {
        State {
            environment: Some(EnvironmentUrl::parse(&environment_input)),
            environment_input,
            text_committed: view.filter.query().text().to_owned(),
            view,
            ..State::default()
        }
    }

    pub fn environment(&self) -> Option<&EnvironmentUrl> {
        self.environment.as_ref().and_then(|e| e.as_ref().ok())
    }

    /// The view as the address shows it (`#/inventory?...`): the free text as last committed.
    pub fn address_view(&self) -> View {
        let mut view = self.view.clone();
        if view.filter.query().text() != self.text_committed {
            view.filter.set_text(&self.text_committed);
        }
        view
    }

    pub fn next_request_id(&self) -> RequestId {
        self.next_request + 1
    }

    /// Why "Check access" can't run now.
    pub fn blocker(&self) -> Option<&'static str> {
        match &self.environment {
            Some(Ok(_)) => {}
            None => return Some("Enter your Dynatrace environment URL first."),
            Some(Err(_)) => return Some("Fix the environment URL first."),
        }
        if self.access_token.trim().is_empty() {
            return Some("Paste an access token first: the inventory reads lists with it.");
        }
        None
    }

    /// The plan for "Load tokens", from what the access token may read and the form.
    pub fn plan(&self) -> Result<Plan, String> {
        let Remote::Loaded(access) = &self.access else {
            return Err("Check the access token first.".into());
        };
        let api = match (self.source, access.can(List::V2), access.can(List::V1)) {
            (Source::V1, _, true) | (Source::V2, false, true) => {
                Some(ApiPlan::V1(self.v1.filter()?))
            }
            (_, true, _) => Some(ApiPlan::V2(self.v2.query()?)),
            _ => None,
        };
        let activegate = access.can(List::ActiveGate);
        if api.is_none() && !activegate {
            return Err("This access token can read none of the token lists.".into());
        }
        Ok(Plan { api, activegate })
    }

    /// The list of API tokens in use (what the form shows).
    pub fn api_list(&self) -> Option<List> {
        let Remote::Loaded(access) = &self.access else {
            return None;
        };
        match (self.source, access.can(List::V2), access.can(List::V1)) {
            (Source::V1, _, true) | (Source::V2, false, true) => Some(List::V1),
            (_, true, _) => Some(List::V2),
            _ => None,
        }
    }

    fn refresh_summary(&mut self) {
        self.summary = self.store.0.borrow().totals();
    }

    fn refresh_order(&mut self) {
        let inventory = self.store.0.borrow();
        self.order = Rc::new(inventory.sorted(self.view.sort));
        self.visible = Rc::new(inventory.filter(&self.order, &self.view.filter));
        self.order_stale = false;
    }

    /// A page's new rows (`new`, appended to the store) join the order: sorted alone and merged
    /// in (dt-core's `Inventory::merge`), so the table is sorted while pages arrive, for the
    /// work of one page rather than a sort of every row per page (which blocked the page).
    fn merge_rows(&mut self, new: std::ops::Range<u32>) {
        if new.is_empty() {
            return;
        }
        let inventory = self.store.0.borrow();
        let new: Vec<u32> = new.collect();
        let shown = inventory.filter(&new, &self.view.filter);
        self.order = Rc::new(inventory.merge(&self.order, &new, self.view.sort));
        self.visible = Rc::new(inventory.merge(&self.visible, &shown, self.view.sort));
        self.order_stale |= self.view.sort.column == Column::Findings;
    }

    /// Rows were replaced in place (`any`): the order is sorted again when the load settles, and
    /// the filter runs again now (their text or findings changed).
    fn replaced(&mut self, any: bool) {
        if any {
            self.order_stale = true;
            if !self.view.filter.is_empty() {
                self.refresh_visible();
            }
        }
    }

    /// The load ended, stopped or failed: the order is sorted again only if it may be out of
    /// date, and the filter runs again (a finding filter may see owners that crossed the limit).
    fn settle_order(&mut self) {
        if self.order_stale {
            self.refresh_order();
        } else {
            self.refresh_visible();
        }
    }

    fn refresh_visible(&mut self) {
        let inventory = self.store.0.borrow();
        self.visible = Rc::new(inventory.filter(&self.order, &self.view.filter));
    }

    fn set_view(&mut self, view: View) {
        let resort = view.sort != self.view.sort;
        self.view = view;
        if resort {
            self.refresh_order();
        } else {
            self.refresh_visible();
        }
    }

    /// The environment or the access token changed: the access is looked up again, and the load
    /// (whose client holds the old pair) cannot go on. Its rows stay, with its environment; it
    /// gets a new id so that whatever its loader still reports is dropped.
    fn credentials_edited(&mut self) {
        self.credentials += 1;
        self.access = Remote::Idle;
        self.access_request = None;
        if !matches!(self.load.phase, Phase::Idle | Phase::Done) {
            self.load.phase = Phase::Stopped;
            self.settle_order();
        }
        self.load.next = None;
        self.next_request += 1;
        self.load.id = self.next_request;
    }

    fn reset_load(&mut self) {
        self.load = Load::default();
        self.store.0.borrow_mut().clear();
        self.revision += 1;
        self.summary = Summary::default();
        self.open = None;
        self.card = Remote::Idle;
        self.refresh_order();
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let current = |load: RequestId| next.load.id == load;
        match action {
            Action::EnvironmentEdited(input) => {
                if input == next.environment_input {
                    return self;
                }
                let (kept, parsed) = crate::components::settings::environment_edited(input);
                next.environment_input = kept;
                next.environment = Some(parsed);
                next.credentials_edited();
            }
            Action::AccessTokenEdited(token) => {
                if token == next.access_token {
                    return self;
                }
                next.access_token = token;
                next.credentials_edited();
            }
            Action::AccessStarted(id) => {
                next.next_request = next.next_request.max(id);
                next.access_request = Some(id);
                next.access = Remote::Loading;
            }
            Action::AccessFinished(id, result) => {
                if next.access_request != Some(id) {
                    return self;
                }
                next.access_request = None;
                next.access = match result {
                    Ok(access) => {
                        next.source = if access.can(List::V2) {
                            Source::V2
                        } else {
                            Source::V1
                        };
                        Remote::Loaded(access)
                    }
                    Err(e) => Remote::Failed(e),
                };
            }
            Action::SourceChosen(source) => next.source = source,
            Action::V1Edited(form) => {
                next.v1 = form;
                next.form_error = None;
            }
            Action::V2Edited(form) => {
                next.v2 = form;
                next.form_error = None;
            }
            Action::FormRejected(why) => next.form_error = Some(why),
            Action::LoadStarted(id, plan) => {
                next.next_request = next.next_request.max(id);
                next.reset_load();
                next.form_error = None;
                next.load.id = id;
                next.load.environment = next.environment().cloned();
                next.load.next = plan.first();
                next.load.plan = Some(plan);
                next.load.phase = Phase::Loading;
            }
            Action::Rows {
                load,
                rows,
                next: step,
                total,
                now,
            } => {
                if !current(load) {
                    return self;
                }
                let rows_in = rows.len() as u32;
                if matches!(next.load.next, Some(Step::Page { .. })) {
                    next.load.pages += 1;
                }
                if total.is_some() {
                    next.load.total = total;
                }
                let before = next.store.0.borrow().len() as u32;
                next.store.0.borrow_mut().extend(rows, now);
                let after = next.store.0.borrow().len() as u32;
                next.revision += 1;
                next.refresh_summary();
                next.load.next = step;
                next.merge_rows(before..after);
                // Rows that replaced others in place are already listed, but their keys changed:
                // the order is sorted again when the load settles.
                next.replaced(after - before < rows_in);
            }
            Action::Details {
                load,
                results,
                progress,
                now,
            } => {
                if !current(load) {
                    return self;
                }
                if let Some(progress) = progress {
                    next.load.details = progress;
                }
                if !results.is_empty() {
                    let before = next.store.0.borrow().len();
                    let replaced_or_new = results.iter().filter(|(_, r)| r.is_ok()).count();
                    for (key, result) in results {
                        match result {
                            Ok(row) => {
                                next.store.0.borrow_mut().push(row, now);
                            }
                            Err(_) => next.load.failed_details.push(key),
                        }
                    }
                    next.revision += 1;
                    next.refresh_summary();
                    let after = next.store.0.borrow().len();
                    next.merge_rows(before as u32..after as u32);
                    // Replaced in place: list entries' metadata.
                    next.replaced(after - before < replaced_or_new);
                }
            }
            Action::StepFailed(load, step, error) => {
                if !current(load) {
                    return self;
                }
                next.load.phase = Phase::Failed { step, error };
                next.settle_order();
            }
            Action::Stopped(load) => {
                if !current(load) || next.load.phase != Phase::Loading {
                    return self;
                }
                next.load.phase = Phase::Stopped;
                next.settle_order();
            }
            Action::Resumed(load) => {
                if !current(load) {
                    return self;
                }
                next.load.phase = Phase::Loading;
                next.load.failed_details.clear();
            }
            Action::Finished(load) => {
                if !current(load) {
                    return self;
                }
                next.load.next = None;
                next.load.phase = Phase::Done;
                next.settle_order();
            }
            Action::ViewChanged(view) => {
                if view == next.view {
                    return self;
                }
                next.text_committed = view.filter.query().text().to_owned();
                next.set_view(view);
            }
            Action::TextCommitted => {
                if next.text_committed == next.view.filter.query().text() {
                    return self;
                }
                next.text_committed = next.view.filter.query().text().to_owned();
            }
            Action::Text(text) => {
                let mut view = next.view.clone();
                view.filter.set_text(&text);
                next.set_view(view);
            }
            Action::ToggleFinding(finding) => {
                let mut view = next.view.clone();
                if view.filter.findings.contains(finding) {
                    view.filter.findings.remove(finding);
                } else {
                    view.filter.findings.insert(finding);
                }
                next.set_view(view);
            }
            Action::ToggleRisk(risk) => {
                let mut view = next.view.clone();
                if view.filter.risks.contains(risk) {
                    view.filter.risks.remove(risk);
                } else {
                    view.filter.risks.insert(risk);
                }
                next.set_view(view);
            }
            Action::ToggleKind(kind) => {
                let mut view = next.view.clone();
                if view.filter.kinds.contains(kind) {
                    view.filter.kinds.remove(kind);
                } else {
                    view.filter.kinds.insert(kind);
                }
                next.set_view(view);
            }
            Action::SortBy(column) => {
                let mut view = next.view.clone();
                view.sort = view.sort.toggled(column);
                next.set_view(view);
            }
            Action::CardOpened(row, id) => {
                next.next_request = next.next_request.max(id);
                next.open = Some(row);
                next.card = Remote::Loading;
                next.card_request = Some(id);
            }
            Action::CardFinished(id, result) => {
                if next.card_request != Some(id) {
                    return self;
                }
                next.card_request = None;
                next.card = match result {
                    Ok(m) => Remote::Loaded(m),
                    Err(e) => Remote::Failed(e),
                };
            }
            Action::CardClosed => {
                next.open = None;
                next.card = Remote::Idle;
                next.card_request = None;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dt_core::dynatrace::ApiToken;

    fn access(scopes: &[&str]) -> Access {
        Access {
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_list_follows_the_access_tokens_scopes() {
        assert_eq!(
            access(&["apiTokens.read", "TenantTokenManagement"]).api_list(),
            Some(List::V2)
        );
        assert_eq!(
            access(&["TenantTokenManagement"]).api_list(),
            Some(List::V1)
        );
        assert_eq!(access(&["metrics.read"]).api_list(), None);
        assert!(access(&["activeGateTokenManagement.read"]).can(List::ActiveGate));
    }

    fn loaded(scopes: &[&str]) -> State {
        let mut state = State::new(String::new(), View::default());
        state.access = Remote::Loaded(access(scopes));
        state
    }

    #[test]
    fn a_plan_uses_v2_where_it_can_and_v1_where_only_v1_is_allowed() {
        let plan = loaded(&["apiTokens.read", "activeGateTokenManagement.read"])
            .plan()
            .unwrap();
        assert!(matches!(plan.api, Some(ApiPlan::V2(_))));
        assert!(plan.activegate);
        let plan = loaded(&["TenantTokenManagement"]).plan().unwrap();
        assert!(matches!(plan.api, Some(ApiPlan::V1(_))));
        assert_eq!(plan.first(), Some(Step::V1List));
        assert_eq!(plan.after(&Step::V1List), Some(Step::V1Details));
        assert_eq!(plan.after(&Step::V1Details), None);
        assert!(loaded(&["metrics.read"]).plan().is_err());
    }

    #[test]
    fn v1_filters_are_read_and_checked() {
        let form = V1Form {
            user: " john ".into(),
            permissions: vec!["DataExport".into()],
            from: "2024-01-01".into(),
            to: "2024-01-01".into(),
            limit: "50".into(),
        };
        let filter = form.filter().unwrap();
        assert_eq!(filter.user.as_deref(), Some("john"));
        assert_eq!(filter.limit, Some(50));
        assert_eq!(filter.from, Some(1_704_067_200_000));
        assert_eq!(filter.to, Some(1_704_067_200_000 + 86_400_000 - 1));
        for bad in [
            V1Form {
                limit: "0".into(),
                ..V1Form::default()
            },
            V1Form {
                from: "2024-13-01".into(),
                ..V1Form::default()
            },
            V1Form {
                from: "2024-02-01".into(),
                to: "2024-01-01".into(),
                ..V1Form::default()
            },
        ] {
            assert!(bad.filter().is_err());
        }
    }

    #[test]
    fn the_v2_selector_quotes_what_was_typed() {
        let form = V2Form {
            owner: "a\"b".into(),
            personal: "false".into(),
            scopes: "metrics.read, logs.read".into(),
            ..V2Form::default()
        };
        let q = form.query().unwrap();
        assert_eq!(
            q.selector.as_deref(),
            Some(r#"owner("a\"b"),personalAccessToken(false),scope("metrics.read","logs.read")"#)
        );
        assert_eq!(q.page_size, Some(PAGE_SIZE));
        assert_eq!(q.fields.as_deref(), Some(V2_FIELDS));
    }

    #[test]
    fn rows_of_an_old_load_are_dropped_and_a_new_one_starts_empty() {
        let state = Rc::new(loaded(&["apiTokens.read"]));
        let plan = state.plan().unwrap();
        let state = state.reduce(Action::LoadStarted(1, plan.clone()));
        let row = |id: &str| {
            Row::from_api_token(&ApiToken {
                id: Some(id.into()),
                name: Some(id.into()),
                ..ApiToken::default()
            })
        };
        let now = Utc::now();
        let state = state.reduce(Action::Rows {
            load: 1,
            rows: vec![row("dt0c01.A"), row("dt0c01.B")],
            next: None,
            total: Some(2),
            now,
        });
        assert_eq!(state.visible.len(), 2);
        assert_eq!(state.load.pages, 1);
        let state = state.reduce(Action::Text("dt0c01.B".into()));
        assert_eq!(state.visible.len(), 1);
        let state = state.reduce(Action::LoadStarted(2, plan));
        assert_eq!(state.visible.len(), 0);
        let state = state.reduce(Action::Rows {
            load: 1,
            rows: vec![row("dt0c01.C")],
            next: None,
            total: None,
            now,
        });
        assert_eq!(state.store.0.borrow().len(), 0, "a late page of load 1");
    }

    #[test]
    fn pages_are_merged_into_the_sorted_order_and_replaced_rows_filtered_again() {
        let state = Rc::new(loaded(&["apiTokens.read"]));
        let plan = state.plan().unwrap();
        let mut state = state.reduce(Action::LoadStarted(1, plan));
        let row = |n: u32, scope: &str, owner: &str| {
            Row::from_api_token(&ApiToken {
                id: Some(format!("dt0c01.ROW{n:04}")),
                name: Some(format!("token {n}")),
                owner: Some(owner.into()),
                scopes: Some(vec![scope.into()]),
                ..ApiToken::default()
            })
        };
        let scopes = [
            "metrics.read",
            "apiTokens.write",
            "logs.ingest",
            "DataExport",
        ];
        let page = |rows| Action::Rows {
            load: 1,
            rows,
            next: Some(Step::Page {
                list: List::V2,
                number: 2,
                key: Some("k".into()),
            }),
            total: None,
            now: Utc::now(),
        };
        for p in 0..3u32 {
            let rows = (0..7)
                .map(|i| row(p * 7 + i, scopes[((p + i) % 4) as usize], "ann"))
                .collect();
            state = state.reduce(page(rows));
            let inventory = state.store.0.borrow();
            assert_eq!(*state.order, inventory.sorted(state.view.sort), "page {p}");
            assert_eq!(*state.visible, *state.order);
            assert_eq!(state.summary, inventory.summary(&inventory.all()));
        }
        // A filter, then rows that replace others in place with another owner: the filter sees
        // them at once.
        let state = state.reduce(Action::Text("bob".into()));
        assert!(state.visible.is_empty());
        let state = state.reduce(page(vec![
            row(3, "metrics.read", "bob"),
            row(40, "logs.ingest", "bob"),
        ]));
        let ids: Vec<&str> = {
            let inventory = state.store.0.borrow();
            state
                .visible
                .iter()
                .map(|&i| {
                    if inventory.row(i).id.ends_with("0003") {
                        "3"
                    } else {
                        "40"
                    }
                })
                .collect()
        };
        assert_eq!(ids.len(), 2, "{ids:?}");
        let state = state.reduce(Action::Finished(1));
        let inventory = state.store.0.borrow();
        assert_eq!(
            *state.order,
            inventory.sorted(state.view.sort),
            "sorted again once done"
        );
    }

    #[test]
    fn an_edit_of_the_environment_or_the_access_token_ends_the_load_but_keeps_its_rows() {
        let mut start = loaded(&["apiTokens.read"]);
        start.environment_input = "https://abc12345.live.dynatrace.com".into();
        start.environment = Some(EnvironmentUrl::parse(&start.environment_input));
        let x = start.environment().cloned();
        let state = Rc::new(start);
        let plan = state.plan().unwrap();
        let page2 = Step::Page {
            list: List::V2,
            number: 2,
            key: Some("k".into()),
        };
        let rows = |load| Action::Rows {
            load,
            rows: vec![Row::from_api_token(&ApiToken {
                id: Some("dt0c01.A".into()),
                ..ApiToken::default()
            })],
            next: Some(page2.clone()),
            total: None,
            now: Utc::now(),
        };
        for edit in [
            Action::AccessTokenEdited("dt0c01.OTHER".into()),
            Action::EnvironmentEdited("https://xyz98765.live.dynatrace.com".into()),
        ] {
            let state = state.clone().reduce(Action::LoadStarted(1, plan.clone()));
            let state = state.reduce(rows(1)).reduce(Action::Stopped(1));
            assert!(state.load.can_resume());
            let credentials = state.credentials;
            let state = state.reduce(edit);
            assert!(
                !state.load.can_resume(),
                "Resume would reuse the old client"
            );
            assert_eq!(state.credentials, credentials + 1);
            assert_eq!(state.load.environment, x, "the rows' environment stays");
            assert_eq!(state.store.0.borrow().len(), 1);
            let state = state.reduce(rows(1));
            assert!(!state.load.can_resume(), "a late page of the old loader");
        }
    }

    #[test]
    fn paging_stops_on_a_repeated_key_or_more_pages_than_the_total_allows() {
        assert!(check_next_page(1, None, "a", Some(5000)).is_ok());
        assert!(check_next_page(2, Some("a"), "b", Some(5000)).is_ok());
        assert!(check_next_page(2, Some("a"), "b", None).is_ok());
        let repeated = check_next_page(3, Some("b"), "b", None).unwrap_err();
        assert!(
            repeated.contains("page 3's nextPageKey is the same key"),
            "{repeated}"
        );
        let total = check_next_page(3, Some("b"), "c", Some(3)).unwrap_err();
        assert!(total.contains("says it has 3 tokens"), "{total}");
        assert!(check_next_page(1, None, "a", Some(0)).is_err());
        let cap = check_next_page(MAX_PAGES, Some("x"), "y", None).unwrap_err();
        assert!(cap.contains("after 50000 pages"), "{cap}");
    }

    #[test]
    fn the_address_gets_the_free_text_only_once_it_is_committed() {
        // Only a token ID is ever shared (typed words may be secrets: `core/tests/inventory.rs`).
        const A: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN";
        const B: &str = "dt0c01.DISABLEDCIDEPLOY22222222";
        let state = Rc::new(State::new(
            String::new(),
            View::from_hash(&format!("q={A}")),
        ));
        assert_eq!(state.address_view().to_hash(), format!("#/inventory?q={A}"));
        let state = state.reduce(Action::Text("dt0c01".into()));
        assert_eq!(
            state.view.filter.query().text(),
            "dt0c01",
            "filters at once"
        );
        assert_eq!(state.address_view().to_hash(), format!("#/inventory?q={A}"));
        let state = state.reduce(Action::Text(B.into()));
        let state = state.reduce(Action::SortBy(Column::Name));
        assert_eq!(
            state.address_view().to_hash(),
            format!("#/inventory?q={A}&sort=name")
        );
        let state = state.reduce(Action::TextCommitted);
        assert_eq!(
            state.address_view().to_hash(),
            format!("#/inventory?q={B}&sort=name")
        );
        // Committed words filter, and leave the address without text.
        let state = state.reduce(Action::Text("ops".into()));
        let state = state.reduce(Action::TextCommitted);
        assert_eq!(state.address_view().to_hash(), "#/inventory?sort=name");
    }

    #[test]
    fn a_date_is_read_and_its_year_is_checked() {
        assert_eq!(day_millis(" "), Ok(None));
        assert_eq!(day_millis("2024-01-01"), Ok(Some(1_704_067_200_000)));
        assert_eq!(day_millis("1970-01-01"), Ok(Some(0)));
        assert!(day_millis("9999-12-31").unwrap().is_some());
        // 4294967295 would wrap to -1 with `as i32`, 2147483648 to i32::MIN.
        for year in ["4294967295", "2147483648", "1969", "10000", "0"] {
            assert_eq!(
                day_millis(&format!("{year}-01-01")),
                Err("the year must be from 1970 to 9999".to_owned()),
                "{year}"
            );
        }
        assert_eq!(
            day_millis("2024-02-30"),
            Err("a date is YYYY-MM-DD".to_owned())
        );
        assert_eq!(
            day_millis("2024-01"),
            Err("a date is YYYY-MM-DD".to_owned())
        );
        let form = V1Form {
            from: "99999-01-01".into(),
            ..V1Form::default()
        };
        assert_eq!(
            form.filter().unwrap_err(),
            "Used from: the year must be from 1970 to 9999."
        );
    }

    #[test]
    fn debug_never_shows_the_access_token() {
        let mut state = State::new(String::new(), View::default());
        state.access_token = "dt0c01.ST2EY72KQINMH574WMNVI7YN.SECRETSECRETSECRET".into();
        assert!(!format!("{state:?}").contains("SECRET"));
    }
}
