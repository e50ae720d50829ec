//! The token endpoints, answering as Dynatrace does: auth first (401), then scope (403), then
//! input (400 with constraint violations), then the answer (200, or 404 with no body).

// Early returns carry a ready `Response`, as axum handlers do; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Map, Value};

use crate::data::{Kind, Token};
use crate::http::client_ip;
use crate::Sandbox;

type Shared = State<Arc<Sandbox>>;

/// `{"error": {"code", "message", "constraintViolations"}}`
pub fn envelope(status: StatusCode, message: &str, violations: Vec<Value>) -> Response {
    let mut error = json!({"code": status.as_u16(), "message": message});
    if !violations.is_empty() {
        error["constraintViolations"] = Value::Array(violations);
    }
    (status, Json(json!({ "error": error }))).into_response()
}

fn violation(path: &str, message: &str, location: &str) -> Value {
    json!({"path": path, "message": message, "parameterLocation": location})
}

fn bad_request(violations: Vec<Value>) -> Response {
    envelope(StatusCode::BAD_REQUEST, "Constraints violated.", violations)
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// What the request carries that auth needs.
struct Caller {
    headers: HeaderMap,
    query: Option<String>,
    ip: String,
}

impl Caller {
    fn from(request: &Request) -> Caller {
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        Caller {
            headers: request.headers().clone(),
            query: request.uri().query().map(str::to_owned),
            ip: client_ip(request.headers(), peer),
        }
    }
}

fn credential(caller: &Caller) -> Option<String> {
    if let Some(value) = caller.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.trim().split_once(' ')?;
        return scheme.eq_ignore_ascii_case("Api-Token").then(|| token.trim().to_owned());
    }
    caller
        .query
        .as_deref()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "api-token").map(|(_, v)| v.into_owned()))
}

/// Authenticates the caller and checks one of `scopes` (empty: any scope will do). Records the
/// use, as Dynatrace does, in `lastUsedDate` and `lastUsedIpAddress`.
fn authorize(sb: &Sandbox, caller: &Caller, scopes: &[&str]) -> Result<(), Response> {
    let has_header = caller.headers.contains_key(header::AUTHORIZATION);
    let Some(token) = credential(caller) else {
        let message = if has_header { "Token Authentication failed" } else { "Missing authorization parameter." };
        return Err(envelope(StatusCode::UNAUTHORIZED, message, vec![]));
    };
    let now = Utc::now();
    let mut store = sb.store.write().unwrap_or_else(|p| p.into_inner());
    let Some(&index) = store.by_secret.get(&token) else {
        return Err(envelope(StatusCode::UNAUTHORIZED, "Token Authentication failed", vec![]));
    };
    let record = &mut store.tokens[index];
    if !record.enabled || record.is_expired(now) || record.kind == Kind::ActiveGate {
        return Err(envelope(StatusCode::UNAUTHORIZED, "Token Authentication failed", vec![]));
    }
    record.last_used = Some(now);
    record.last_ip = Some(caller.ip.clone());
    if !scopes.is_empty() && !scopes.iter().any(|s| record.scopes.iter().any(|have| have == s)) {
        let message = format!("Token is missing required scope. Use one of: {}", scopes.join(", "));
        return Err(envelope(StatusCode::FORBIDDEN, &message, vec![]));
    }
    Ok(())
}

fn find(sb: &Sandbox, id: &str, kind: Kind) -> Option<Token> {
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    store.by_id.get(id).map(|&i| store.tokens[i].clone()).filter(|t| t.kind == kind || (kind == Kind::Api && t.kind == Kind::Legacy))
}

fn valid_api_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    let alnum = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (parts.len() == 2 && parts[0].len() == 6 && parts[0].starts_with("dt0") && alnum(parts[1])) || is_uuid(id)
}

fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5 && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn get_api_token(State(sb): Shared, Path(id): Path<String>, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["apiTokens.read"]) {
        return r;
    }
    if !valid_api_id(&id) {
        return bad_request(vec![violation("id", "must be a token ID: the prefix and the public part of a token, e.g. dt0c01.ST2EY72KQINMH574WMNVI7YN", "PATH")]);
    }
    match find(&sb, &id, Kind::Api) {
        Some(t) => Json(t.api_json()).into_response(),
        None => not_found(),
    }
}

pub async fn lookup(State(sb): Shared, request: Request) -> Response {
    let caller = Caller::from(&request);
    if let Err(r) = authorize(&sb, &caller, &[]) {
        return r;
    }
    let body = match axum::body::to_bytes(request.into_body(), 1 << 20).await {
        Ok(b) => b,
        Err(_) => return bad_request(vec![violation("body", "could not be read", "PAYLOAD_BODY")]),
    };
    let token = match secret_from_body(&body) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    match store.by_secret.get(&token).map(|&i| &store.tokens[i]) {
        Some(t) if t.kind != Kind::ActiveGate => Json(t.api_json()).into_response(),
        _ => not_found(),
    }
}

fn secret_from_body(body: &Bytes) -> Result<String, Response> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        envelope(StatusCode::BAD_REQUEST, &format!("Could not map JSON at '' near line {} column {}", e.line(), e.column()), vec![])
    })?;
    match value.get("token") {
        Some(Value::String(t)) if !t.is_empty() => Ok(t.clone()),
        _ => Err(bad_request(vec![violation("token", "must not be null", "PAYLOAD_BODY")])),
    }
}

pub async fn get_activegate_token(State(sb): Shared, Path(id): Path<String>, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["activeGateTokenManagement.read"]) {
        return r;
    }
    let parts: Vec<&str> = id.split('.').collect();
    if parts.len() != 2 || parts[0] != "dt0g02" || parts[1].is_empty() || !parts[1].bytes().all(|b| b.is_ascii_alphanumeric()) {
        return bad_request(vec![violation("activeGateTokenIdentifier", "must be an ActiveGate token ID, e.g. dt0g02.4KWZO5EF", "PATH")]);
    }
    match find(&sb, &id, Kind::ActiveGate) {
        Some(t) => Json(t.activegate_json()).into_response(),
        None => not_found(),
    }
}

fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request.uri().query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// A follow-up page carries only `nextPageKey`; it encodes the offset and the first request's query.
fn page_key(offset: usize, query: &[(String, String)]) -> String {
    let encoded: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(query.iter().filter(|(k, _)| k != "api-token")).finish();
    format!("{offset}|{encoded}").bytes().map(|b| format!("{b:02x}")).collect()
}

fn read_page_key(key: &str) -> Option<(usize, Vec<(String, String)>)> {
    let bytes: Option<Vec<u8>> = (0..key.len()).step_by(2).map(|i| key.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (offset, query) = text.split_once('|')?;
    Some((offset.parse().ok()?, form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
}

/// Resolves `nextPageKey` against the other parameters: alone, or a 400.
fn paging(pairs: Vec<(String, String)>) -> Result<(usize, Vec<(String, String)>), Response> {
    let params: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "api-token").collect();
    match params.iter().find(|(k, _)| k == "nextPageKey") {
        None => Ok((0, params)),
        Some((_, key)) => {
            if params.len() > 1 {
                let others: Vec<&str> = params.iter().filter(|(k, _)| k != "nextPageKey").map(|(k, _)| k.as_str()).collect();
                return Err(bad_request(vec![violation("nextPageKey", &format!("must be the only query parameter; also found: {}", others.join(", ")), "QUERY")]));
            }
            read_page_key(key).ok_or_else(|| bad_request(vec![violation("nextPageKey", "is not a valid page key", "QUERY")]))
        }
    }
}

fn page_size(params: &[(String, String)]) -> Result<usize, Response> {
    match params.iter().find(|(k, _)| k == "pageSize") {
        None => Ok(200),
        Some((_, v)) => match v.parse::<usize>() {
            Ok(n) if (100..=10000).contains(&n) => Ok(n),
            _ => Err(bad_request(vec![violation("pageSize", "must be a number from 100 to 10000", "QUERY")])),
        },
    }
}

/// `now`, `now-2d`, ISO 8601, or UTC milliseconds.
fn parse_time(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if text == "now" {
        return Some(now);
    }
    if let Some(rel) = text.strip_prefix("now-") {
        let (n, unit) = rel.split_at(rel.find(|c: char| !c.is_ascii_digit())?);
        let n: i64 = n.parse().ok()?;
        let d = match unit {
            "s" => Duration::seconds(n),
            "m" => Duration::minutes(n),
            "h" => Duration::hours(n),
            "d" => Duration::days(n),
            "w" => Duration::weeks(n),
            "M" => Duration::days(30 * n),
            "y" => Duration::days(365 * n),
            _ => return None,
        };
        return Some(now - d);
    }
    if let Ok(ms) = text.parse::<i64>() {
        return Utc.timestamp_millis_opt(ms).single();
    }
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// `owner("x")`, `personalAccessToken(true)`, `scope("metrics.read")`, comma-separated (AND).
fn selector(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut terms = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let open = rest.find('(').ok_or("expected name(value)")?;
        let close = rest.find(')').ok_or("missing )")?;
        if close < open {
            return Err("misplaced )".into());
        }
        let name = rest[..open].trim().to_owned();
        let value = rest[open + 1..close].trim().trim_matches('"').to_owned();
        if !matches!(name.as_str(), "owner" | "personalAccessToken" | "scope") {
            return Err(format!("unknown selector {name}; use owner(), personalAccessToken() or scope()"));
        }
        terms.push((name, value));
        rest = rest[close + 1..].trim_start().trim_start_matches(',').trim_start();
    }
    Ok(terms)
}

const ALL_FIELDS: &[&str] = &["id", "name", "enabled", "personalAccessToken", "owner", "creationDate", "modifiedDate", "expirationDate", "lastUsedDate", "lastUsedIpAddress", "scopes", "additionalMetadata"];
const DEFAULT_FIELDS: &[&str] = &["id", "name", "enabled", "owner", "creationDate"];

/// `fields`: a list replaces the defaults; `+x`/`-x` add to or remove from them.
fn fields(spec: Option<&str>) -> Result<Vec<String>, String> {
    let mut chosen: Vec<String> = DEFAULT_FIELDS.iter().map(|s| s.to_string()).collect();
    let Some(spec) = spec else { return Ok(chosen) };
    let items: Vec<&str> = spec.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if items.iter().all(|i| !i.starts_with(['+', '-'])) {
        chosen.clear();
    }
    for item in items {
        let (op, name) = match item.as_bytes()[0] {
            b'+' => ('+', &item[1..]),
            b'-' => ('-', &item[1..]),
            _ => ('+', item),
        };
        if !ALL_FIELDS.contains(&name) {
            return Err(format!("unknown field {name}"));
        }
        if op == '+' && !chosen.iter().any(|c| c == name) {
            chosen.push(name.to_owned());
        } else if op == '-' {
            chosen.retain(|c| c != name);
        }
    }
    if !chosen.iter().any(|c| c == "id") {
        chosen.insert(0, "id".into());
    }
    Ok(chosen)
}

pub async fn list_api_tokens(State(sb): Shared, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["apiTokens.read"]) {
        return r;
    }
    let (offset, params) = match paging(query_pairs(&request)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let size = match page_size(&params) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let terms = match get("apiTokenSelector").map(selector).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => return bad_request(vec![violation("apiTokenSelector", &e, "QUERY")]),
    };
    let chosen = match fields(get("fields")) {
        Ok(f) => f,
        Err(e) => return bad_request(vec![violation("fields", &e, "QUERY")]),
    };
    let now = Utc::now();
    let mut bounds = [None, None];
    for (i, key) in ["from", "to"].iter().enumerate() {
        if let Some(v) = get(key) {
            match parse_time(v, now) {
                Some(t) => bounds[i] = Some(t),
                None => return bad_request(vec![violation(key, "must be a timestamp (ISO 8601, milliseconds, or now-<n><unit>)", "QUERY")]),
            }
        }
    }
    let sort = get("sort").unwrap_or("-creationDate");
    let (descending, sort_field) = match sort.strip_prefix('-') {
        Some(f) => (true, f),
        None => (false, sort.trim_start_matches('+')),
    };
    if !["name", "owner", "creationDate", "modifiedDate", "expirationDate", "lastUsedDate"].contains(&sort_field) {
        return bad_request(vec![violation("sort", "must be one of name, owner, creationDate, modifiedDate, expirationDate, lastUsedDate, with + or -", "QUERY")]);
    }

    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let mut matching: Vec<&Token> = store
        .tokens
        .iter()
        .filter(|t| t.kind == Kind::Api)
        .filter(|t| {
            terms.iter().all(|(name, value)| match name.as_str() {
                "owner" => t.owner == *value,
                "personalAccessToken" => t.personal.to_string() == *value,
                _ => t.scopes.iter().any(|s| s == value),
            })
        })
        .filter(|t| bounds[0].is_none_or(|from| t.last_used.is_some_and(|u| u >= from)))
        .filter(|t| bounds[1].is_none_or(|to| t.last_used.is_some_and(|u| u <= to)))
        .collect();
    let key = |t: &Token| -> (String, Option<DateTime<Utc>>) {
        match sort_field {
            "name" => (t.name.to_lowercase(), None),
            "owner" => (t.owner.to_lowercase(), None),
            "modifiedDate" => (String::new(), t.modified),
            "expirationDate" => (String::new(), t.expires),
            "lastUsedDate" => (String::new(), t.last_used),
            _ => (String::new(), Some(t.created)),
        }
    };
    matching.sort_by(|a, b| {
        let order = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
        if descending { order.reverse() } else { order }
    });
    let total = matching.len();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(size)
        .map(|t| {
            let full = t.api_json();
            let selected: Map<String, Value> = chosen.iter().filter_map(|f| full.get(f).map(|v| (f.clone(), v.clone()))).collect();
            Value::Object(selected)
        })
        .collect();
    let mut body = json!({"totalCount": total, "pageSize": size, "apiTokens": page});
    if offset + size < total {
        body["nextPageKey"] = json!(page_key(offset + size, &params));
    }
    Json(body).into_response()
}

pub async fn list_activegate_tokens(State(sb): Shared, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["activeGateTokenManagement.read"]) {
        return r;
    }
    let (offset, params) = match paging(query_pairs(&request)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let size = match page_size(&params) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let all: Vec<&Token> = store.tokens.iter().filter(|t| t.kind == Kind::ActiveGate).collect();
    let page: Vec<Value> = all.iter().skip(offset).take(size).map(|t| t.activegate_json()).collect();
    let mut body = json!({"totalCount": all.len(), "pageSize": size, "activeGateTokens": page});
    if offset + size < all.len() {
        body["nextPageKey"] = json!(page_key(offset + size, &params));
    }
    Json(body).into_response()
}

pub async fn v1_list(State(sb): Shared, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["TenantTokenManagement"]) {
        return r;
    }
    let params = query_pairs(&request);
    let limit = match params.iter().find(|(k, _)| k == "limit") {
        None => 1000,
        Some((_, v)) => match v.parse::<usize>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => return bad_request(vec![violation("limit", "must be a number from 1 to 1000000", "QUERY")]),
        },
    };
    let user = params.iter().find(|(k, _)| k == "user").map(|(_, v)| v.clone());
    let permissions: Vec<&str> = params.iter().filter(|(k, _)| k == "permissions").map(|(_, v)| v.as_str()).collect();
    let mut bounds = [None, None];
    for (i, key) in ["from", "to"].iter().enumerate() {
        if let Some((_, v)) = params.iter().find(|(k, _)| k == key) {
            match v.parse::<i64>().ok().and_then(|ms| Utc.timestamp_millis_opt(ms).single()) {
                Some(t) => bounds[i] = Some(t),
                None => return bad_request(vec![violation(key, "must be UTC milliseconds", "QUERY")]),
            }
        }
    }
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let values: Vec<Value> = store
        .tokens
        .iter()
        .filter(|t| t.kind != Kind::ActiveGate)
        .filter(|t| user.as_ref().is_none_or(|u| &t.owner == u))
        .filter(|t| permissions.iter().all(|p| t.scopes.iter().any(|s| s == p)))
        .filter(|t| bounds[0].is_none_or(|from| t.last_used.is_some_and(|u| u >= from)))
        .filter(|t| bounds[1].is_none_or(|to| t.last_used.is_some_and(|u| u <= to)))
        .take(limit)
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect();
    Json(json!({ "values": values })).into_response()
}

pub async fn v1_get(State(sb): Shared, Path(id): Path<String>, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["TenantTokenManagement"]) {
        return r;
    }
    match find(&sb, &id, Kind::Api) {
        Some(t) => Json(t.v1_json()).into_response(),
        None => not_found(),
    }
}

pub async fn v1_lookup(State(sb): Shared, request: Request) -> Response {
    let caller = Caller::from(&request);
    if let Err(r) = authorize(&sb, &caller, &[]) {
        return r;
    }
    let body = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap_or_default();
    let token = match secret_from_body(&body) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    match store.by_secret.get(&token).map(|&i| &store.tokens[i]) {
        Some(t) if t.kind != Kind::ActiveGate => Json(t.v1_json()).into_response(),
        _ => not_found(),
    }
}

/// Creating, changing and deleting tokens is out of scope: the sandbox is read-only.
pub async fn read_only(State(sb): Shared, request: Request) -> Response {
    // Authentication comes first, as everywhere in Dynatrace's API.
    if let Err(r) = authorize(&sb, &Caller::from(&request), &[]) {
        return r;
    }
    envelope(StatusCode::METHOD_NOT_ALLOWED, "The sandbox is read-only: tokens cannot be created, changed or deleted here.", vec![])
}

pub async fn unknown_path() -> Response {
    envelope(StatusCode::NOT_FOUND, "Not found: the sandbox implements the token endpoints only.", vec![])
}
