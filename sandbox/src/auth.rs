//! Authorisation as an extractor: a handler that takes `Authorized<ApiTokensRead>` runs only
//! for a caller whose token authenticates (else 401) and holds the scope (else 403), checked in
//! that order before anything else of the request is looked at, as Dynatrace does.
//!
//! The token comes from `Authorization: Api-Token <token>` or, as Dynatrace also accepts, the
//! `api-token` query parameter. A use is recorded, as Dynatrace records it, in the token's
//! `lastUsedDate` and `lastUsedIpAddress`.

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::data::Kind;
use crate::error::ApiError;
use crate::http::client_ip;
use crate::Sandbox;

/// The scopes an endpoint accepts: any one of them will do; none listed, any token will do.
pub trait Scopes {
    const SCOPES: &'static [&'static str];
}

/// Any token that authenticates (lookup, and the read-only answers to writes).
pub struct AnyScope;
/// `GET /api/v2/apiTokens[/{id}]`.
pub struct ApiTokensRead;
/// `GET /api/v2/activeGateTokens[/{id}]`.
pub struct ActiveGateTokensRead;
/// The v1 token API.
pub struct TenantTokenManagement;

impl Scopes for AnyScope {
    const SCOPES: &'static [&'static str] = &[];
}
impl Scopes for ApiTokensRead {
    const SCOPES: &'static [&'static str] = &["apiTokens.read"];
}
impl Scopes for ActiveGateTokensRead {
    const SCOPES: &'static [&'static str] = &["activeGateTokenManagement.read"];
}
impl Scopes for TenantTokenManagement {
    const SCOPES: &'static [&'static str] = &["TenantTokenManagement"];
}

/// Proof that the caller's token authenticated and holds one of `S::SCOPES`.
pub struct Authorized<S>(PhantomData<S>);

impl<S: Scopes> FromRequestParts<Arc<Sandbox>> for Authorized<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, sb: &Arc<Sandbox>) -> Result<Self, ApiError> {
        let token = credential(&parts.headers, parts.uri.query())?;
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        authorize(sb, &token, client_ip(&parts.headers, peer), S::SCOPES)?;
        Ok(Authorized(PhantomData))
    }
}

/// The presented token, or the 401 Dynatrace gives when there is none (or the header names
/// another scheme).
fn credential(headers: &HeaderMap, query: Option<&str>) -> Result<String, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        return value
            .to_str()
            .ok()
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Api-Token"))
            .map(|(_, token)| token.trim().to_owned())
            .ok_or(ApiError::unauthorized("Token Authentication failed"));
    }
    query
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "api-token")
                .map(|(_, v)| v.into_owned())
        })
        .ok_or(ApiError::unauthorized("Missing authorization parameter."))
}

/// Authenticates `token` (an enabled, unexpired API token) and checks one of `scopes`.
fn authorize(sb: &Sandbox, token: &str, ip: String, scopes: &[&str]) -> Result<(), ApiError> {
    let failed = || ApiError::unauthorized("Token Authentication failed");
    let now = sb.now();
    let mut store = sb.store.write().unwrap_or_else(|p| p.into_inner());
    let index = *store.by_secret.get(token).ok_or_else(failed)?;
    let record = &mut store.tokens[index];
    if !record.enabled || record.is_expired(now) || record.kind == Kind::ActiveGate {
        return Err(failed());
    }
    record.last_used = Some(now);
    record.last_ip = Some(ip);
    if !scopes.is_empty()
        && !scopes
            .iter()
            .any(|s| record.scopes.iter().any(|have| have == s))
    {
        return Err(ApiError::missing_scope(scopes));
    }
    Ok(())
}
