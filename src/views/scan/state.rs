//! The scan view's state and its reducer: what was found, which environments the person
//! confirmed, what each check said, and how the table is sorted and filtered. The I/O (reading
//! files, the pool of look-ups) lives in `mod.rs` and only dispatches actions here.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use dt_core::dynatrace::{scopes::worst, ActiveGateToken, ApiToken, EnvironmentUrl, Risk};
use dt_core::incident::status::Status;
use dt_core::incident::ScanResult;
use yew::Reducible;

use super::files::{FileProblem, ScanProgress};
use crate::client::pool::Progress;

/// Where the scan itself is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Idle,
    Scanning,
    Cancelled,
    Done,
}

/// What a look-up brought back for one token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Check {
    /// `None`: not checked (yet).
    pub status: Option<Status>,
    /// Shared, not copied: the state is copied at every action.
    pub api: Option<Rc<ApiToken>>,
    pub active_gate: Option<Rc<ActiveGateToken>>,
    /// Where it was checked (not where the settings point now).
    pub environment: Option<Rc<EnvironmentUrl>>,
    /// In the pool right now.
    pub queued: bool,
}

/// One token's answer, as delivered to the reducer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub token: usize,
    /// `None`: not checked after all (cancelled).
    pub status: Option<Status>,
    pub api: Option<Rc<ApiToken>>,
    pub active_gate: Option<Rc<ActiveGateToken>>,
    /// Where it was checked; `None` with no status.
    pub environment: Option<Rc<EnvironmentUrl>>,
}

impl Check {
    pub fn owner(&self) -> Option<&str> {
        self.api
            .as_deref()
            .and_then(|t| t.owner.as_deref())
            .or_else(|| self.active_gate.as_deref().and_then(|t| t.owner.as_deref()))
    }

    pub fn risk(&self) -> Option<Risk> {
        self.api
            .as_deref()
            .and_then(|t| t.scopes.as_deref())
            .and_then(worst)
    }
}

/// How rows are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Active first, then inactive, unknown, not checked.
    #[default]
    Status,
    Kind,
    Owner,
    /// Riskiest first.
    Risk,
    /// Most often found first.
    Count,
}

impl SortBy {
    pub const ALL: [(SortBy, &'static str, &'static str); 5] = [
        (SortBy::Status, "status", "Status"),
        (SortBy::Kind, "kind", "Kind"),
        (SortBy::Owner, "owner", "Owner"),
        (SortBy::Risk, "risk", "Risk"),
        (SortBy::Count, "count", "Times found"),
    ];
}

/// Which rows are shown; empty strings show all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// `active`, `inactive`, `unknown`, `unchecked`.
    pub status: String,
    /// A kind's label.
    pub kind: String,
    pub owner: String,
    /// A severity name (`critical`, `high`, ...).
    pub risk: String,
}

pub struct ScanState {
    pub phase: Phase,
    pub progress: ScanProgress,
    /// The findings (they hold the full tokens, for their own look-ups only).
    pub result: Option<Rc<ScanResult>>,
    pub problems: Vec<FileProblem>,
    /// Per environment of `result.environments`: confirmed by the person.
    pub confirmed: Vec<bool>,
    /// Per token of `result.tokens`.
    pub checks: Vec<Check>,
    pub pool: Option<Progress>,
    pub sort: SortBy,
    pub filter: Filter,
    /// The row whose card is open.
    pub open: Option<usize>,
    /// When the last check answered (for expiry: `now` is an input).
    pub now: Option<DateTime<Utc>>,
    /// Rows drawn (a table of thousands redrawn at each answer would hold the page).
    pub shown: usize,
    pub environments_shown: usize,
}

/// Rows drawn at first, and added by "Show more".
pub const ROWS: usize = 25;

/// Environments listed at first, and added by "Show more environments".
pub const ENVIRONMENTS: usize = 10;

impl Default for ScanState {
    fn default() -> Self {
        ScanState {
            phase: Phase::Idle,
            progress: ScanProgress::default(),
            result: None,
            problems: Vec::new(),
            confirmed: Vec::new(),
            checks: Vec::new(),
            pool: None,
            sort: SortBy::Status,
            filter: Filter::default(),
            open: None,
            now: None,
            shown: ROWS,
            environments_shown: ENVIRONMENTS,
        }
    }
}

pub enum Action {
    ScanStarted {
        total: u64,
        files: usize,
    },
    ScanProgressed(ScanProgress),
    ScanFinished(Rc<ScanResult>, Vec<FileProblem>),
    ScanCancelled,
    Confirmed(usize),
    Queued(Vec<usize>),
    /// Answers (also for tokens no call can check) and where the pool stands, delivered
    /// together a few times a second: one redraw for many answers.
    Answered {
        answers: Vec<Answer>,
        pool: Option<Progress>,
        now: DateTime<Utc>,
    },
    /// The pool was cancelled: what waited is no longer queued.
    ChecksCancelled,
    Sorted(SortBy),
    Filtered(Filter),
    Opened(Option<usize>),
    ShowMore,
    ShowMoreEnvironments,
}

impl Reducible for ScanState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = ScanState {
            phase: self.phase,
            progress: self.progress,
            result: self.result.clone(),
            problems: self.problems.clone(),
            confirmed: self.confirmed.clone(),
            checks: self.checks.clone(),
            pool: self.pool,
            sort: self.sort,
            filter: self.filter.clone(),
            open: self.open,
            now: self.now,
            shown: self.shown,
            environments_shown: self.environments_shown,
        };
        match action {
            Action::ScanStarted { total, files } => {
                next = ScanState {
                    phase: Phase::Scanning,
                    progress: ScanProgress {
                        total,
                        files,
                        ..ScanProgress::default()
                    },
                    sort: self.sort,
                    ..ScanState::default()
                };
            }
            Action::ScanProgressed(progress) => {
                if next.phase == Phase::Scanning {
                    next.progress = progress;
                }
            }
            Action::ScanFinished(result, problems) => {
                next.phase = Phase::Done;
                next.confirmed = vec![false; result.environments.len()];
                next.checks = vec![Check::default(); result.tokens.len()];
                next.progress.scanned = result.bytes;
                next.progress.tokens = result.tokens.len();
                next.progress.read = next.progress.total;
                next.progress.files_done = next.progress.files;
                next.result = Some(result);
                next.problems = problems;
            }
            Action::ScanCancelled => {
                next.phase = Phase::Cancelled;
                next.result = None;
            }
            Action::Confirmed(env) => {
                if let Some(c) = next.confirmed.get_mut(env) {
                    *c = true;
                }
            }
            Action::Queued(tokens) => {
                for t in tokens {
                    if let Some(check) = next.checks.get_mut(t) {
                        check.queued = true;
                    }
                }
            }
            Action::Answered { answers, pool, now } => {
                for a in answers {
                    if let Some(check) = next.checks.get_mut(a.token) {
                        *check = Check {
                            status: a.status,
                            api: a.api,
                            active_gate: a.active_gate,
                            environment: a.environment,
                            queued: false,
                        };
                    }
                }
                if pool.is_some() {
                    next.pool = pool;
                }
                next.now = Some(now);
            }
            Action::ChecksCancelled => {
                for check in &mut next.checks {
                    check.queued = false;
                }
            }
            Action::Sorted(sort) => next.sort = sort,
            Action::Filtered(filter) => next.filter = filter,
            Action::Opened(open) => next.open = open,
            Action::ShowMore => next.shown += ROWS,
            Action::ShowMoreEnvironments => next.environments_shown += ENVIRONMENTS,
        }
        Rc::new(next)
    }
}

impl ScanState {
    /// Rows to show, filtered and sorted: indexes into `result.tokens`.
    pub fn rows(&self) -> Vec<usize> {
        let Some(result) = &self.result else {
            return Vec::new();
        };
        let f = &self.filter;
        let mut rows: Vec<usize> = (0..result.tokens.len())
            .filter(|&i| {
                let token = &result.tokens[i];
                let check = self.checks.get(i).cloned().unwrap_or_default();
                let status = check.status.map_or("unchecked", Status::word);
                (f.status.is_empty() || f.status == status)
                    && (f.kind.is_empty() || f.kind == token.kind.label())
                    && (f.owner.is_empty() || Some(f.owner.as_str()) == check.owner())
                    && (f.risk.is_empty()
                        || Some(f.risk.as_str()) == check.risk().map(Risk::severity_name))
            })
            .collect();
        let check = |i: usize| self.checks.get(i);
        match self.sort {
            SortBy::Status => rows.sort_by_key(|&i| {
                let status = check(i).and_then(|c| c.status);
                (status.is_none(), status)
            }),
            SortBy::Kind => rows.sort_by_key(|&i| result.tokens[i].kind.label()),
            SortBy::Owner => rows.sort_by_key(|&i| {
                let owner = check(i).and_then(Check::owner);
                (owner.is_none(), owner.map(str::to_owned))
            }),
            SortBy::Risk => rows.sort_by_key(|&i| {
                let risk = check(i).and_then(Check::risk);
                (risk.is_none(), risk)
            }),
            SortBy::Count => rows.sort_by_key(|&i| std::cmp::Reverse(result.tokens[i].count)),
        }
        rows
    }

    /// Counts per status word, and not checked: `[active, inactive, unknown, unchecked]`.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for check in &self.checks {
            let at = match check.status.map(Status::word) {
                Some("active") => 0,
                Some("inactive") => 1,
                Some(_) => 2,
                None => 3,
            };
            counts[at] += 1;
        }
        counts
    }
}
