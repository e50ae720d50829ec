//! dt-sandbox: a local server that behaves like the Dynatrace token API (auth, scopes, errors,
//! paging, rate limits, CORS on or off), for the demo and the tests. Read-only: the endpoints
//! that create, change or delete tokens answer 405.
//!
//! Besides `/api`, it has a control API for tests under `/_sandbox` (faults, the demo tokens,
//! generated tokens with the answer each look-up gets), and can serve a built single-page app
//! from a folder, so page and API share one origin. `--tokens N` fills it with a generated
//! environment (`generate.rs`) that shows every finding of the inventory's audit.

pub mod api;
pub mod auth;
pub mod control;
pub mod data;
pub mod error;
pub mod generate;
pub mod http;
pub mod lists;
pub mod query;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};

pub use http::app;

#[derive(Clone, Debug)]
pub struct Config {
    pub cors: bool,
    /// `--tokens N`: this many generated API tokens (see [`generate`]).
    pub extra_tokens: usize,
    /// `--activegate-tokens N`: this many generated ActiveGate tokens; `None`: one for every
    /// 20 generated API tokens.
    pub activegate_tokens: Option<usize>,
    /// `--now`: where the sandbox's clock starts (it runs on from there); `None`: the real time.
    pub clock: Option<DateTime<Utc>>,
    pub latency: Duration,
    pub admin_secret: String,
    /// Faults applied to every /api request from the start.
    pub fault: Option<Fault>,
    /// At most this many /api requests a second, then 429.
    pub rate_limit: Option<u32>,
    pub serve_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cors: true,
            extra_tokens: 0,
            activegate_tokens: None,
            clock: None,
            latency: Duration::ZERO,
            admin_secret: data::Rng::new(0xAD111).base32(64),
            fault: None,
            rate_limit: None,
            serve_dir: None,
        }
    }
}

/// A misbehaviour to imitate, for tests of the app's error handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    RateLimit,
    RateLimitNoRetryAfter,
    ServerError,
    ServiceUnavailable,
    ProxyHtml,
    #[serde(rename = "html-200")]
    Html200,
    MalformedJson,
    WrongShape,
    Hang,
    NotFoundEmpty,
}

impl FaultKind {
    pub fn parse(name: &str) -> Option<FaultKind> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    pub kind: FaultKind,
    /// How many requests get it; `None`: until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    /// Only every Nth /api request gets it (counted from when it was set); `None`: each one.
    #[serde(default)]
    pub every: Option<u32>,
    #[serde(default)]
    pub retry_after_seconds: Option<u64>,
}

/// The environment and its switches, shared by all requests.
pub struct Sandbox {
    pub config: Config,
    /// The sandbox's clock at start: `--now`, or the real time.
    pub started: DateTime<Utc>,
    /// When it started, to run the clock on from `started`.
    pub started_at: Instant,
    pub store: RwLock<Store>,
    pub fault: Mutex<FaultState>,
    /// (second, count) of /api requests, for `--rate-limit`.
    pub rate: Mutex<(i64, u32)>,
    /// How many /api requests it is answering at once, and the most so far.
    pub load: Load,
}

/// /api requests being answered at this moment, and the most there have been at once: what a
/// client's concurrency limit looks like from the server's side (`GET /_sandbox/load`). A
/// request counts from its arrival until its answer is ready, latency included; the answer's
/// bytes on their way back no longer count, as at Dynatrace.
#[derive(Debug, Default)]
pub struct Load {
    at_once: AtomicUsize,
    most: AtomicUsize,
    requests: AtomicU64,
}

impl Load {
    /// Counts a request in until the returned guard is dropped (answered, or the client left).
    pub fn enter(&self) -> Answering<'_> {
        let now = self.at_once.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.requests.fetch_add(1, Ordering::SeqCst);
        Answering(self)
    }

    /// (now, the most at once, requests) since the start or the last reset.
    pub fn read(&self) -> (usize, usize, u64) {
        (
            self.at_once.load(Ordering::SeqCst),
            self.most.load(Ordering::SeqCst),
            self.requests.load(Ordering::SeqCst),
        )
    }

    /// Starts the most and the count again from what is being answered now.
    pub fn reset(&self) {
        // Zero first, then what is there: a request that enters in between is counted.
        self.most.store(0, Ordering::SeqCst);
        self.most
            .fetch_max(self.at_once.load(Ordering::SeqCst), Ordering::SeqCst);
        self.requests.store(0, Ordering::SeqCst);
    }
}

/// One request being answered; see [`Load::enter`].
pub struct Answering<'a>(&'a Load);

impl Drop for Answering<'_> {
    fn drop(&mut self) {
        self.0.at_once.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The fault switched on, and what it has done since.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultState {
    pub fault: Option<Fault>,
    /// /api requests since the fault was set.
    pub requests: u64,
    /// Requests that got the fault.
    pub injected: u64,
}

impl FaultState {
    pub fn new(fault: Option<Fault>) -> Self {
        FaultState {
            fault,
            requests: 0,
            injected: 0,
        }
    }

    /// Counts one /api request and says whether it gets the fault (and which).
    pub fn on_request(&mut self) -> Option<Fault> {
        self.requests = self.requests.saturating_add(1);
        let fault = self.fault?;
        if let Some(every) = fault.every {
            if self.requests % u64::from(every.max(1)) != 0 {
                return None;
            }
        }
        self.injected = self.injected.saturating_add(1);
        if let Some(n) = fault.times {
            self.fault = (n > 1).then_some(Fault {
                times: Some(n - 1),
                ..fault
            });
        }
        Some(fault)
    }
}

pub struct Store {
    pub tokens: Vec<data::Token>,
    pub by_id: HashMap<String, usize>,
    pub by_secret: HashMap<String, usize>,
}

impl Store {
    pub fn new(tokens: Vec<data::Token>) -> Self {
        let by_id = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let by_secret = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.secret.clone(), i))
            .collect();
        Store {
            tokens,
            by_id,
            by_secret,
        }
    }
}

impl Sandbox {
    pub fn new(config: Config) -> Arc<Self> {
        // Whole milliseconds, as Dynatrace keeps its dates: a date sent in an answer then
        // compares exactly with the one kept here (in `from`/`to`, say).
        let now = config.clock.unwrap_or_else(Utc::now);
        let now = now.trunc_subsecs(3);
        let started_at = Instant::now();
        let activegate = config.activegate_tokens.unwrap_or(config.extra_tokens / 20);
        let mut tokens = data::demo_tokens(now, &config.admin_secret);
        tokens.extend(generate::api_tokens(config.extra_tokens, now));
        tokens.extend(generate::activegate_tokens(activegate, now));
        Arc::new(Sandbox {
            fault: Mutex::new(FaultState::new(config.fault)),
            config,
            started: now,
            started_at,
            store: RwLock::new(Store::new(tokens)),
            rate: Mutex::new((0, 0)),
            load: Load::default(),
        })
    }

    /// The sandbox's clock: where it started (`--now` or the real time), run on since.
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = chrono::Duration::from_std(self.started_at.elapsed()).unwrap_or_default();
        (self.started + elapsed).trunc_subsecs(3)
    }

    /// The full admin token.
    pub fn admin_token(&self) -> String {
        format!("dt0c01.{}.{}", data::ADMIN_PUBLIC, self.config.admin_secret)
    }
}
