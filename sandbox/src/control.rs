//! `GET /_sandbox/generated`: full generated tokens, with the answer a look-up of each should
//! get, for scan benches and end-to-end tests (issue 12). Behind the control API's guard (admin
//! token, loopback `Host`; see `http.rs`): it hands out secrets, fake as they are.
//!
//! Query: `limit` (0 to 100000, default 100), `offset` (default 0; at most 100000 for
//! `unknown`), `status` (`active`, `disabled`, `expired` or `unknown`; default: the generated
//! tokens as they come, a mix) and `kind` (`api` or `activegate`; default both, API tokens
//! first). Answer:
//! `{"total": <how many match>, "tokens": [{"token", "id", "kind", "status", "name", "owner"}]}`
//! (`unknown` tokens have no name or owner, and `total` is `null`: there is no end to them).
//!
//! What each status means for a look-up (Dynatrace's documented behaviour):
//! - `active`: `POST /api/v2/apiTokens/lookup` authenticated by the token itself answers 200;
//! - `disabled`, `expired`: authenticated by itself, 401; by the admin token, 200 with
//!   `enabled: false` or an `expirationDate` in the past;
//! - `unknown`: well-formed tokens the environment does not hold (their own seed, checked
//!   against the store): by itself 401, by the admin token 404 with no body.
//!
//! ActiveGate tokens (`dt0g02`) never authenticate API calls (401 by themselves, 404 in a
//! lookup); `GET /api/v2/activeGateTokens/{id}` with the admin token answers them (`active` or
//! `expired`; `unknown`: 404).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::data::{Kind, Token};
use crate::error::ApiError;
use crate::{generate, query, Sandbox};

/// More than any bench needs in one call, few enough to answer at once.
pub const MAX_LIMIT: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Disabled,
    Expired,
    Unknown,
}

impl Status {
    fn parse(text: &str) -> Option<Status> {
        match text {
            "active" => Some(Status::Active),
            "disabled" => Some(Status::Disabled),
            "expired" => Some(Status::Expired),
            "unknown" => Some(Status::Unknown),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Disabled => "disabled",
            Status::Expired => "expired",
            Status::Unknown => "unknown",
        }
    }
    /// A disabled token that has also expired counts as disabled: it was switched off first.
    pub fn of(token: &Token, now: DateTime<Utc>) -> Status {
        if !token.enabled {
            Status::Disabled
        } else if token.is_expired(now) {
            Status::Expired
        } else {
            Status::Active
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::ActiveGate => "activegate",
        Kind::Api | Kind::Legacy => "api",
    }
}

fn refuse(message: &str) -> Response {
    ApiError::new(StatusCode::BAD_REQUEST, message.to_owned()).into_response()
}

pub async fn generated(State(sb): State<Arc<Sandbox>>, RawQuery(raw): RawQuery) -> Response {
    let params = query::pairs(raw.as_deref());
    for (name, _) in &params {
        if !["limit", "offset", "status", "kind"].contains(&name.as_str()) {
            return refuse(&format!(
                "unknown parameter {name:?}: use limit, offset, status or kind"
            ));
        }
    }
    let number = |name: &str, default: usize, max: usize| -> Result<usize, String> {
        match query::get(&params, name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("{name} must be a number from 0 to {max}")),
        }
    };
    let (limit, offset) = match (
        number("limit", 100, MAX_LIMIT),
        number("offset", 0, usize::MAX),
    ) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(message), _) | (_, Err(message)) => return refuse(&message),
    };
    let status = match query::get(&params, "status").map(|s| Status::parse(s).ok_or(s)) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(s)) => {
            return refuse(&format!(
                "status {s:?}: use active, disabled, expired or unknown"
            ))
        }
    };
    let kind = match query::get(&params, "kind") {
        None => None,
        Some("api") => Some(Kind::Api),
        Some("activegate") => Some(Kind::ActiveGate),
        Some(other) => return refuse(&format!("kind {other:?}: use api or activegate")),
    };

    let now = sb.now();
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    if status == Some(Status::Unknown) {
        // Made one after another from their seed: an offset means making what it skips.
        if offset > MAX_LIMIT {
            return refuse(&format!(
                "offset with status=unknown must be a number from 0 to {MAX_LIMIT}"
            ));
        }
        let kind = kind.unwrap_or(Kind::Api);
        let tokens: Vec<Value> =
            generate::unknown_tokens(offset.saturating_add(limit), kind, |t| {
                store.by_secret.contains_key(t)
            })
            .into_iter()
            .skip(offset)
            .map(|token| {
                let id = token.rsplit_once('.').map(|(id, _)| id.to_owned());
                json!({"token": token, "id": id, "kind": kind_name(kind), "status": "unknown"})
            })
            .collect();
        return Json(json!({"total": Value::Null, "tokens": tokens})).into_response();
    }
    let matching = store.tokens.iter().filter(|t| {
        t.demo.is_none()
            && kind.is_none_or(|k| kind_name(k) == kind_name(t.kind))
            && status.is_none_or(|s| Status::of(t, now) == s)
    });
    let total = matching.clone().count();
    let tokens: Vec<Value> = matching
        .skip(offset)
        .take(limit)
        .map(|t| {
            json!({
                "token": t.secret,
                "id": t.id,
                "kind": kind_name(t.kind),
                "status": Status::of(t, now).name(),
                "name": t.name,
                "owner": t.owner,
            })
        })
        .collect();
    Json(json!({"total": total, "tokens": tokens})).into_response()
}
