//! The token endpoints, answering as Dynatrace does: auth first (401), then scope (403), then
//! input (400 with constraint violations), then the answer (200, or 404 with no body).

// Early returns carry a ready `Response`, as axum handlers do; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Bytes, HttpBody};
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::data::{Kind, Token};
use crate::http::client_ip;
use crate::Sandbox;

type Shared = State<Arc<Sandbox>>;
/// The `{id}` of a path, or why it could not be read (percent-encoded bytes that are not UTF-8).
type PathId = Result<Path<String>, PathRejection>;

/// The ID from the path, or the 400 that Dynatrace gives an ID that is not one.
fn path_id(id: PathId, parameter: &str, example: &str) -> Result<String, Response> {
    id.map(|Path(id)| id).map_err(|_| {
        bad_request(vec![violation(
            parameter,
            &format!(
                "must be a token ID, e.g. {example}; this one is not valid UTF-8 once decoded"
            ),
            "PATH",
        )])
    })
}

/// Bodies larger than this are refused: no lookup body comes anywhere near it.
const BODY_LIMIT: usize = 1 << 20;

/// The body, or a 400 that says why not: too large (refused from its `Content-Length`, before
/// waiting for bytes that would be thrown away), or cut short.
async fn read_body(request: Request) -> Result<Bytes, Response> {
    let refuse = |message: &str| bad_request(vec![violation("body", message, "PAYLOAD_BODY")]);
    let body = request.into_body();
    if body.size_hint().lower() > BODY_LIMIT as u64 {
        return Err(refuse("is larger than 1 MiB"));
    }
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| refuse("could not be read: larger than 1 MiB, or cut short"))
}

/// `{"error": {"code", "message", "constraintViolations"}}`
pub fn envelope(status: StatusCode, message: &str, violations: Vec<Value>) -> Response {
    let mut error = json!({"code": status.as_u16(), "message": message});
    if !violations.is_empty() {
        error["constraintViolations"] = Value::Array(violations);
    }
    (status, Json(json!({ "error": error }))).into_response()
}

pub(crate) fn violation(path: &str, message: &str, location: &str) -> Value {
    json!({"path": path, "message": message, "parameterLocation": location})
}

pub(crate) fn bad_request(violations: Vec<Value>) -> Response {
    envelope(StatusCode::BAD_REQUEST, "Constraints violated.", violations)
}

pub(crate) fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// What the request carries that auth needs.
pub(crate) struct Caller {
    headers: HeaderMap,
    query: Option<String>,
    ip: String,
}

impl Caller {
    pub(crate) fn from(request: &Request) -> Caller {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Caller {
            headers: request.headers().clone(),
            query: request.uri().query().map(str::to_owned),
            ip: client_ip(request.headers(), peer),
        }
    }
}

fn credential(caller: &Caller) -> Option<String> {
    if let Some(value) = caller
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = value.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("Api-Token")
            .then(|| token.trim().to_owned());
    }
    caller.query.as_deref().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "api-token")
            .map(|(_, v)| v.into_owned())
    })
}

/// Authenticates the caller and checks one of `scopes` (empty: any scope will do). Records the
/// use, as Dynatrace does, in `lastUsedDate` and `lastUsedIpAddress`.
pub(crate) fn authorize(sb: &Sandbox, caller: &Caller, scopes: &[&str]) -> Result<(), Response> {
    let has_header = caller.headers.contains_key(header::AUTHORIZATION);
    let Some(token) = credential(caller) else {
        let message = if has_header {
            "Token Authentication failed"
        } else {
            "Missing authorization parameter."
        };
        return Err(envelope(StatusCode::UNAUTHORIZED, message, vec![]));
    };
    let now = sb.now();
    let mut store = sb.store.write().unwrap_or_else(|p| p.into_inner());
    let Some(&index) = store.by_secret.get(&token) else {
        return Err(envelope(
            StatusCode::UNAUTHORIZED,
            "Token Authentication failed",
            vec![],
        ));
    };
    let record = &mut store.tokens[index];
    if !record.enabled || record.is_expired(now) || record.kind == Kind::ActiveGate {
        return Err(envelope(
            StatusCode::UNAUTHORIZED,
            "Token Authentication failed",
            vec![],
        ));
    }
    record.last_used = Some(now);
    record.last_ip = Some(caller.ip.clone());
    if !scopes.is_empty()
        && !scopes
            .iter()
            .any(|s| record.scopes.iter().any(|have| have == s))
    {
        let message = format!(
            "Token is missing required scope. Use one of: {}",
            scopes.join(", ")
        );
        return Err(envelope(StatusCode::FORBIDDEN, &message, vec![]));
    }
    Ok(())
}

pub(crate) fn find(sb: &Sandbox, id: &str, kind: Kind) -> Option<Token> {
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    store
        .by_id
        .get(id)
        .map(|&i| store.tokens[i].clone())
        .filter(|t| t.kind == kind || (kind == Kind::Api && t.kind == Kind::Legacy))
}

fn valid_api_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    let alnum = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (parts.len() == 2 && parts[0].len() == 6 && parts[0].starts_with("dt0") && alnum(parts[1]))
        || is_uuid(id)
}

fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn get_api_token(State(sb): Shared, id: PathId, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["apiTokens.read"]) {
        return r;
    }
    let id = match path_id(id, "id", "dt0c01.ST2EY72KQINMH574WMNVI7YN") {
        Ok(id) => id,
        Err(r) => return r,
    };
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
    let body = match read_body(request).await {
        Ok(b) => b,
        Err(r) => return r,
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
        envelope(
            StatusCode::BAD_REQUEST,
            &format!(
                "Could not map JSON at '' near line {} column {}",
                e.line(),
                e.column()
            ),
            vec![],
        )
    })?;
    let problem = match value.get("token") {
        Some(Value::String(t)) if !t.trim().is_empty() => return Ok(t.clone()),
        Some(Value::String(_)) => "must not be empty",
        None | Some(Value::Null) => "must not be null",
        Some(_) => "must be a string",
    };
    Err(bad_request(vec![violation(
        "token",
        problem,
        "PAYLOAD_BODY",
    )]))
}

pub async fn get_activegate_token(State(sb): Shared, id: PathId, request: Request) -> Response {
    if let Err(r) = authorize(
        &sb,
        &Caller::from(&request),
        &["activeGateTokenManagement.read"],
    ) {
        return r;
    }
    let id = match path_id(id, "activeGateTokenIdentifier", "dt0g02.4KWZO5EF") {
        Ok(id) => id,
        Err(r) => return r,
    };
    let parts: Vec<&str> = id.split('.').collect();
    if parts.len() != 2
        || parts[0] != "dt0g02"
        || parts[1].is_empty()
        || !parts[1].bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return bad_request(vec![violation(
            "activeGateTokenIdentifier",
            "must be an ActiveGate token ID, e.g. dt0g02.4KWZO5EF",
            "PATH",
        )]);
    }
    match find(&sb, &id, Kind::ActiveGate) {
        Some(t) => Json(t.activegate_json()).into_response(),
        None => not_found(),
    }
}

pub async fn v1_get(State(sb): Shared, id: PathId, request: Request) -> Response {
    if let Err(r) = authorize(&sb, &Caller::from(&request), &["TenantTokenManagement"]) {
        return r;
    }
    let id = match path_id(id, "id", "dt0c01.ST2EY72KQINMH574WMNVI7YN") {
        Ok(id) => id,
        Err(r) => return r,
    };
    match find(&sb, &id, Kind::Api) {
        Some(t) => Json(t.v1_json()).into_response(),
        // Unlike v2, v1 documents an error envelope with its 404. The path is not quoted: it
        // may be a secret pasted where the ID belongs.
        None => envelope(StatusCode::NOT_FOUND, "Token not found", vec![]),
    }
}

pub async fn v1_lookup(State(sb): Shared, request: Request) -> Response {
    let caller = Caller::from(&request);
    if let Err(r) = authorize(&sb, &caller, &[]) {
        return r;
    }
    let body = match read_body(request).await {
        Ok(b) => b,
        Err(r) => return r,
    };
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
    envelope(
        StatusCode::METHOD_NOT_ALLOWED,
        "The sandbox is read-only: tokens cannot be created, changed or deleted here.",
        vec![],
    )
}

pub async fn unknown_path() -> Response {
    envelope(
        StatusCode::NOT_FOUND,
        "Not found: the sandbox implements the token endpoints only.",
        vec![],
    )
}
