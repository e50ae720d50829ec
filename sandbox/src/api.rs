//! The token endpoints, answering as Dynatrace does: auth first (401), then scope (403; both
//! by the [`Authorized`] extractor, see `auth.rs`), then input (400 with constraint
//! violations), then the answer (200, or 404: with no body in v2, an error envelope in v1).
//! Every refusal is an [`ApiError`].

use std::sync::Arc;

use axum::body::{Bytes, HttpBody};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use crate::auth::{
    ActiveGateTokensRead, AnyScope, ApiTokensRead, Authorized, TenantTokenManagement,
};
use crate::data::{Kind, Token};
use crate::error::{ApiError, Location};
use crate::Sandbox;

type Shared = State<Arc<Sandbox>>;
/// The `{id}` of a path, or why it could not be read (percent-encoded bytes that are not UTF-8).
type PathId = Result<Path<String>, PathRejection>;
type Answer = Result<Json<Value>, ApiError>;

/// The ID from the path, or the 400 that Dynatrace gives an ID that is not one.
fn path_id(id: PathId, parameter: &'static str, example: &str) -> Result<String, ApiError> {
    id.map(|Path(id)| id).map_err(|_| {
        ApiError::constraint(
            parameter,
            format!("must be a token ID, e.g. {example}; this one is not valid UTF-8 once decoded"),
            Location::Path,
        )
    })
}

/// Bodies larger than this are refused: no lookup body comes anywhere near it.
const BODY_LIMIT: usize = 1 << 20;

/// The body, or a 400 that says why not: too large (refused from its `Content-Length`, before
/// waiting for bytes that would be thrown away), or cut short.
async fn read_body(request: Request) -> Result<Bytes, ApiError> {
    let refuse = |message: &str| ApiError::constraint("body", message, Location::PayloadBody);
    let body = request.into_body();
    if body.size_hint().lower() > BODY_LIMIT as u64 {
        return Err(refuse("is larger than 1 MiB"));
    }
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| refuse("could not be read: larger than 1 MiB, or cut short"))
}

pub(crate) fn find(sb: &Sandbox, id: &str, kind: Kind) -> Option<Token> {
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    store
        .by_id
        .get(id)
        .map(|&i| store.tokens[i].clone())
        .filter(|t| t.kind == kind || (kind == Kind::Api && t.kind == Kind::Legacy))
}

/// The token whose full string is `secret`, unless it is an ActiveGate token (which lookup
/// does not answer).
fn by_secret(sb: &Sandbox, secret: &str) -> Option<Token> {
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    store
        .by_secret
        .get(secret)
        .map(|&i| &store.tokens[i])
        .filter(|t| t.kind != Kind::ActiveGate)
        .cloned()
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

pub async fn get_api_token(State(sb): Shared, _: Authorized<ApiTokensRead>, id: PathId) -> Answer {
    let id = path_id(id, "id", "dt0c01.ST2EY72KQINMH574WMNVI7YN")?;
    if !valid_api_id(&id) {
        return Err(ApiError::constraint("id", "must be a token ID: the prefix and the public part of a token, e.g. dt0c01.ST2EY72KQINMH574WMNVI7YN", Location::Path));
    }
    let token = find(&sb, &id, Kind::Api).ok_or_else(ApiError::not_found_empty)?;
    Ok(Json(token.api_json()))
}

/// `POST /api/v2/apiTokens/lookup`: any token may look any token up, itself included.
pub async fn lookup(State(sb): Shared, _: Authorized<AnyScope>, request: Request) -> Answer {
    let secret = secret_from_body(&read_body(request).await?)?;
    let token = by_secret(&sb, &secret).ok_or_else(ApiError::not_found_empty)?;
    Ok(Json(token.api_json()))
}

fn secret_from_body(body: &Bytes) -> Result<String, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "Could not map JSON at '' near line {} column {}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let problem = match value.get("token") {
        Some(Value::String(t)) if !t.trim().is_empty() => return Ok(t.clone()),
        Some(Value::String(_)) => "must not be empty",
        None | Some(Value::Null) => "must not be null",
        Some(_) => "must be a string",
    };
    Err(ApiError::constraint(
        "token",
        problem,
        Location::PayloadBody,
    ))
}

pub async fn get_activegate_token(
    State(sb): Shared,
    _: Authorized<ActiveGateTokensRead>,
    id: PathId,
) -> Answer {
    let id = path_id(id, "activeGateTokenIdentifier", "dt0g02.4KWZO5EF")?;
    let parts: Vec<&str> = id.split('.').collect();
    if parts.len() != 2
        || parts[0] != "dt0g02"
        || parts[1].is_empty()
        || !parts[1].bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(ApiError::constraint(
            "activeGateTokenIdentifier",
            "must be an ActiveGate token ID, e.g. dt0g02.4KWZO5EF",
            Location::Path,
        ));
    }
    let token = find(&sb, &id, Kind::ActiveGate).ok_or_else(ApiError::not_found_empty)?;
    Ok(Json(token.activegate_json()))
}

pub async fn v1_get(State(sb): Shared, _: Authorized<TenantTokenManagement>, id: PathId) -> Answer {
    let id = path_id(id, "id", "dt0c01.ST2EY72KQINMH574WMNVI7YN")?;
    // Unlike v2, v1 documents an error envelope with its 404. The path is not quoted: it may be
    // a secret pasted where the ID belongs.
    let token = find(&sb, &id, Kind::Api)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Token not found"))?;
    Ok(Json(token.v1_json()))
}

pub async fn v1_lookup(State(sb): Shared, _: Authorized<AnyScope>, request: Request) -> Answer {
    let secret = secret_from_body(&read_body(request).await?)?;
    let token = by_secret(&sb, &secret).ok_or_else(ApiError::not_found_empty)?;
    Ok(Json(token.v1_json()))
}

/// Creating, changing and deleting tokens is out of scope: the sandbox is read-only.
/// (Authentication comes first, as everywhere in Dynatrace's API.)
pub async fn read_only(_: Authorized<AnyScope>) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "The sandbox is read-only: tokens cannot be created, changed or deleted here.",
    )
}

pub async fn unknown_path() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "Not found: the sandbox implements the token endpoints only.",
    )
}
