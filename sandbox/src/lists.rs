//! The list endpoints: v2 API tokens and ActiveGate tokens (paged) and the deprecated v1 list.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::auth::{ActiveGateTokensRead, ApiTokensRead, Authorized, TenantTokenManagement};
use crate::data::{Kind, Token};
use crate::error::ApiError;
use crate::query::{self, ActiveGateQuery, ApiTokenQuery, Pairs, V1Query};
use crate::Sandbox;

type Shared = State<Arc<Sandbox>>;
type Answer = Result<Json<Value>, ApiError>;

/// `GET /api/v2/apiTokens`
pub async fn list_api_tokens(
    State(sb): Shared,
    _: Authorized<ApiTokensRead>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q = ApiTokenQuery::parse(raw.as_deref(), sb.now())?;
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let mut matching: Vec<&Token> = store
        .tokens
        .iter()
        .filter(|t| matches!(t.kind, Kind::Api | Kind::Legacy) && q.matches(t))
        .collect();
    matching.sort_by(|a, b| q.sort.compare(a, b));
    let page: Vec<Value> = matching
        .iter()
        .skip(q.offset)
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
    Ok(Json(page_body(
        "apiTokens",
        page,
        matching.len(),
        q.offset,
        q.page_size,
        &q.params,
    )))
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
pub async fn list_activegate_tokens(
    State(sb): Shared,
    _: Authorized<ActiveGateTokensRead>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q = ActiveGateQuery::parse(raw.as_deref())?;
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let all: Vec<&Token> = store
        .tokens
        .iter()
        .filter(|t| t.kind == Kind::ActiveGate)
        .collect();
    let page: Vec<Value> = all
        .iter()
        .skip(q.offset)
        .take(q.page_size)
        .map(|t| t.activegate_json())
        .collect();
    Ok(Json(page_body(
        "activeGateTokens",
        page,
        all.len(),
        q.offset,
        q.page_size,
        &q.params,
    )))
}

/// `GET /api/v1/tokens`.
pub async fn v1_list(
    State(sb): Shared,
    _: Authorized<TenantTokenManagement>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let q = V1Query::parse(raw.as_deref())?;
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let values: Vec<Value> = store
        .tokens
        .iter()
        .filter(|t| t.kind != Kind::ActiveGate && q.matches(t))
        .take(q.limit)
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect();
    Ok(Json(json!({ "values": values })))
}
