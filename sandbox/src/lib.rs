//! dt-sandbox: a local server that behaves like the Dynatrace token API (auth, scopes, errors,
//! paging, rate limits, CORS on or off), for the demo and the tests. Read-only: the endpoints
//! that create, change or delete tokens answer 405.
//!
//! Besides `/api`, it has a control API for tests under `/_sandbox` (faults, the token list),
//! and can serve a built single-page app from a folder, so page and API share one origin.

pub mod api;
pub mod data;
pub mod http;
pub mod lists;
pub mod query;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use http::app;

#[derive(Clone, Debug)]
pub struct Config {
    pub cors: bool,
    pub extra_tokens: usize,
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
            latency: Duration::ZERO,
            admin_secret: data::Rng::new(0xAD111).base32(64),
            fault: None,
            rate_limit: None,
            serve_dir: None,
        }
    }
}

/// A misbehaviour to imitate, for tests of the app's error handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub kind: FaultKind,
    /// How many requests get it; `None`: until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    #[serde(default)]
    pub retry_after_seconds: Option<u64>,
}

/// The environment and its switches, shared by all requests.
pub struct Sandbox {
    pub config: Config,
    pub started: DateTime<Utc>,
    pub store: RwLock<Store>,
    pub fault: Mutex<Option<Fault>>,
    /// (second, count) of /api requests, for `--rate-limit`.
    pub rate: Mutex<(i64, u32)>,
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
        let now = Utc::now();
        let mut tokens = data::demo_tokens(now, &config.admin_secret);
        tokens.extend(data::generated(config.extra_tokens, now));
        Arc::new(Sandbox {
            fault: Mutex::new(config.fault),
            config,
            started: now,
            store: RwLock::new(Store::new(tokens)),
            rate: Mutex::new((0, 0)),
        })
    }

    /// The full admin token.
    pub fn admin_token(&self) -> String {
        format!("dt0c01.{}.{}", data::ADMIN_PUBLIC, self.config.admin_secret)
    }
}
