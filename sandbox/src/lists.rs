//! The list endpoints: v2 API tokens and ActiveGate tokens (paged) and the deprecated v1 list.

// Early returns carry a ready `Response`, as axum handlers do; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Map, Value};

use crate::api::{authorize, bad_request, violation, Caller};
use crate::data::{Kind, Token};
use crate::query::{self, Pairs};
use crate::Sandbox;

type Shared = State<Arc<Sandbox>>;

fn query_error(parameter: &str, message: String) -> Response {
    bad_request(vec![violation(parameter, &message, "QUERY")])
}

/// What a first-page request asks for.
struct ApiTokenQuery {
    page_size: usize,
    criteria: Vec<query::Criterion>,
    fields: Vec<&'static str>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    sort: query::Sort,
}

impl ApiTokenQuery {
    fn parse(params: &Pairs, now: DateTime<Utc>) -> Result<Self, Response> {
        let param = |name: &str| query::get(params, name);
        let time = |name: &str| -> Result<Option<DateTime<Utc>>, Response> {
            param(name)
                .map(|text| {
                    query::timestamp(text, now).ok_or_else(|| {
                        query_error(name, "must be UTC milliseconds, an ISO 8601 time like 2021-01-25T05:57:01.123+01:00, or now-NU/A like now-2d".into())
                    })
                })
                .transpose()
        };
        Ok(ApiTokenQuery {
            page_size: query::page_size(params, 100, 10_000, 200)
                .map_err(|e| query_error("pageSize", e))?,
            criteria: query::selector(param("apiTokenSelector").unwrap_or_default())
                .map_err(|e| query_error("apiTokenSelector", e))?,
            fields: query::fields(param("fields")).map_err(|e| query_error("fields", e))?,
            from: time("from")?,
            to: time("to")?,
            sort: query::sort(param("sort")).map_err(|e| query_error("sort", e))?,
        })
    }

    fn matches(&self, token: &Token) -> bool {
        self.criteria.iter().all(|c| c.matches(token))
            && last_used_within(token, self.from, self.to)
    }
}

/// The last-use filter of both list versions: a token never used matches no bound.
fn last_used_within(token: &Token, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> bool {
    let after_from = from.is_none_or(|from| token.last_used.is_some_and(|used| used >= from));
    let before_to = to.is_none_or(|to| token.last_used.is_some_and(|used| used <= to));
    after_from && before_to
}

/// `GET /api/v2/apiTokens`
pub async fn list_api_tokens(State(sb): Shared, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["apiTokens.read"]) {
        return r;
    }
    let (offset, params) = match query::paging(query::pairs(request.uri().query())) {
        Ok(p) => p,
        Err(e) => return query_error("nextPageKey", e),
    };
    let q = match ApiTokenQuery::parse(&params, Utc::now()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let mut matching: Vec<&Token> = store
        .tokens
        .iter()
        .filter(|t| matches!(t.kind, Kind::Api | Kind::Legacy) && q.matches(t))
        .collect();
    matching.sort_by(|a, b| q.sort.compare(a, b));
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(q.page_size)
        .map(|t| {
            let full = t.api_json();
            let picked: Map<String, Value> = q
                .fields
                .iter()
                .filter_map(|f| full.get(*f).map(|v| ((*f).to_owned(), v.clone())))
                .collect();
            Value::Object(picked)
        })
        .collect();
    Json(page_body(
        "apiTokens",
        page,
        matching.len(),
        offset,
        q.page_size,
        &params,
    ))
    .into_response()
}

/// `{totalCount, pageSize, <items>, nextPageKey}`. The last page leaves `nextPageKey` out: the
/// spec's text calls it `null` there, but its schema allows no `null`, and clients must accept
/// both anyway.
fn page_body(
    items: &str,
    page: Vec<Value>,
    total: usize,
    offset: usize,
    size: usize,
    params: &Pairs,
) -> Value {
    let mut body = json!({ "totalCount": total, "pageSize": size });
    body[items] = Value::Array(page);
    if offset.saturating_add(size) < total {
        body["nextPageKey"] = json!(query::page_key(offset + size, params));
    }
    body
}

/// `GET /api/v2/activeGateTokens`: pages of 100 to 3000, 100 by default.
pub async fn list_activegate_tokens(State(sb): Shared, request: Request) -> Response {
    if let Err(r) = authorize(
        &sb,
        &Caller::from(&request),
        &["activeGateTokenManagement.read"],
    ) {
        return r;
    }
    let (offset, params) = match query::paging(query::pairs(request.uri().query())) {
        Ok(p) => p,
        Err(e) => return query_error("nextPageKey", e),
    };
    let size = match query::page_size(&params, 100, 3000, 100) {
        Ok(s) => s,
        Err(e) => return query_error("pageSize", e),
    };
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let all: Vec<&Token> = store
        .tokens
        .iter()
        .filter(|t| t.kind == Kind::ActiveGate)
        .collect();
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(size)
        .map(|t| t.activegate_json())
        .collect();
    Json(page_body(
        "activeGateTokens",
        page,
        all.len(),
        offset,
        size,
        &params,
    ))
    .into_response()
}

/// `GET /api/v1/tokens`: `limit`, `user`, every `permissions` (all must match), `from`/`to` in
/// milliseconds.
pub async fn v1_list(State(sb): Shared, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["TenantTokenManagement"]) {
        return r;
    }
    let params = query::pairs(request.uri().query());
    let limit = match query::get(&params, "limit") {
        None => 1000,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n <= 1_000_000 => n,
            _ => return query_error("limit", "must be a number from 0 to 1000000".into()),
        },
    };
    let user = query::get(&params, "user");
    let permissions: Vec<&str> = params
        .iter()
        .filter(|(k, _)| k == "permissions")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut bounds = [None, None];
    for (bound, name) in bounds.iter_mut().zip(["from", "to"]) {
        if let Some(v) = query::get(&params, name) {
            match v
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
            {
                Some(t) => *bound = Some(t),
                None => return query_error(name, "must be a timestamp in UTC milliseconds".into()),
            }
        }
    }
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let values: Vec<Value> = store
        .tokens
        .iter()
        .filter(|t| t.kind != Kind::ActiveGate)
        .filter(|t| user.is_none_or(|u| t.owner == u))
        .filter(|t| permissions.iter().all(|p| t.scopes.iter().any(|s| s == p)))
        .filter(|t| last_used_within(t, bounds[0], bounds[1]))
        .take(limit)
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect();
    Json(json!({ "values": values })).into_response()
}
