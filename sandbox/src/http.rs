//! Routing and the behaviour around every request: CORS, latency, rate limits and faults, and
//! the guard of the control API.
//!
//! The control API (`/_sandbox/*`) lists full tokens and switches faults, so it answers only a
//! caller that could have started the sandbox: one that sends the admin token and addresses a
//! loopback host. The `Host` check defeats DNS rebinding (a web page whose own name resolves
//! to 127.0.0.1 still sends its own name); sending no CORS headers there, preflight included,
//! keeps every web page's scripts from reading an answer. `/_sandbox/health` stays open: it is
//! a readiness probe and says nothing but "ok".

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::json;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;
use crate::{api, control, lists, Fault, FaultKind, FaultState, Sandbox};

pub fn app(sandbox: Arc<Sandbox>) -> Router {
    let api_routes = Router::new()
        .route(
            "/api/v2/apiTokens",
            get(lists::list_api_tokens).post(api::read_only),
        )
        .route("/api/v2/apiTokens/lookup", post(api::lookup))
        .route(
            "/api/v2/apiTokens/{id}",
            get(api::get_api_token)
                .put(api::read_only)
                .delete(api::read_only),
        )
        .route(
            "/api/v2/activeGateTokens",
            get(lists::list_activegate_tokens).post(api::read_only),
        )
        .route(
            "/api/v2/activeGateTokens/{id}",
            get(api::get_activegate_token).delete(api::read_only),
        )
        .route("/api/v1/tokens", get(lists::v1_list).post(api::read_only))
        .route("/api/v1/tokens/lookup", post(api::v1_lookup))
        .route(
            "/api/v1/tokens/{id}",
            get(api::v1_get).put(api::read_only).delete(api::read_only),
        )
        .route("/api/{*rest}", any(api::unknown_path))
        .layer(middleware::from_fn_with_state(sandbox.clone(), misbehave));

    let control = Router::new()
        .route(
            "/_sandbox/health",
            get(|| async { Json(json!({"status": "ok"})) }),
        )
        .route("/_sandbox/tokens", get(control_tokens))
        .route("/_sandbox/generated", get(control::generated))
        .route(
            "/_sandbox/fault",
            get(get_fault).put(set_fault).delete(clear_fault),
        )
        .route("/_sandbox/load", get(get_load).delete(reset_load));

    let mut router = api_routes.merge(control);
    if let Some(dir) = &sandbox.config.serve_dir {
        let index = dir.join("index.html");
        router = router.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)));
    }
    router
        .layer(middleware::from_fn_with_state(sandbox.clone(), cors))
        .layer(middleware::from_fn_with_state(
            sandbox.clone(),
            guard_control,
        ))
        .with_state(sandbox)
}

/// The readiness probe, open to anyone: it reveals nothing.
pub const HEALTH_PATH: &str = "/_sandbox/health";

/// `/_sandbox` and everything under it: never any CORS header.
fn in_control_namespace(path: &str) -> bool {
    path == "/_sandbox" || path.starts_with("/_sandbox/")
}

/// Whether `path` belongs to the guarded control API: the namespace but the health probe.
pub fn is_control(path: &str) -> bool {
    in_control_namespace(path) && path != HEALTH_PATH
}

/// Why a control API request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `Host` (or the request target's authority) is missing or not a loopback name.
    NotLoopback,
    /// No `Authorization: Api-Token <admin token>`.
    NoToken,
    /// An `Authorization` header with something other than the admin token.
    WrongToken,
}

impl Refusal {
    pub fn response(self) -> Response {
        let (status, message) = match self {
            Refusal::NotLoopback => (
                StatusCode::FORBIDDEN,
                "The sandbox's control API answers only requests addressed to 127.0.0.1, localhost or [::1].",
            ),
            Refusal::NoToken => (
                StatusCode::UNAUTHORIZED,
                "The sandbox's control API needs the admin token: Authorization: Api-Token <admin token> (printed when the sandbox starts).",
            ),
            Refusal::WrongToken => (
                StatusCode::UNAUTHORIZED,
                "The sandbox's control API needs the admin token; this is not it.",
            ),
        };
        ApiError::new(status, message).into_response()
    }
}

/// `127.0.0.1`, `localhost` or `[::1]`, each with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((name, rest)) => (format!("[{name}]"), rest),
            None => return false,
        },
        None => {
            let end = host.find(':').unwrap_or(host.len());
            (host[..end].to_owned(), &host[end..])
        }
    };
    let port_ok = match port.strip_prefix(':') {
        Some(digits) => {
            !digits.is_empty() && digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit())
        }
        None => port.is_empty(),
    };
    port_ok && (name == "127.0.0.1" || name == "[::1]" || name.eq_ignore_ascii_case("localhost"))
}

/// The rule of the control API: a loopback `Host` (and, if the request target names one, a
/// loopback authority there too), then the admin token. `admin_token` is the full token.
pub fn control_access(
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    admin_token: &str,
) -> Result<(), Refusal> {
    let host_ok = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(is_loopback_host);
    let authority_ok = uri.authority().is_none_or(|a| is_loopback_host(a.as_str()));
    if !host_ok || !authority_ok {
        return Err(Refusal::NotLoopback);
    }
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(Refusal::NoToken);
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Api-Token"))
        .map(|(_, token)| token.trim());
    match presented {
        Some(token) if same_secret(token.as_bytes(), admin_token.as_bytes()) => Ok(()),
        _ => Err(Refusal::WrongToken),
    }
}

/// Compares without stopping at the first difference, so the time taken does not tell how
/// much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Runs before everything else: a refused control request never reaches a handler, and its
/// answer (like every control answer) carries no CORS header.
async fn guard_control(State(sb): State<Arc<Sandbox>>, request: Request, next: Next) -> Response {
    if !is_control(request.uri().path()) {
        return next.run(request).await;
    }
    match control_access(request.headers(), request.uri(), &sb.admin_token()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.response(),
    }
}

/// CORS as a server that allows browser calls would do it; with `--no-cors`, none at all, like
/// a server that never heard of it. The control API never gets any (see the module comment).
async fn cors(State(sb): State<Arc<Sandbox>>, request: Request, next: Next) -> Response {
    if in_control_namespace(request.uri().path()) {
        return next.run(request).await;
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    // The API is read-only.
    let methods = "GET, POST, OPTIONS";
    if !sb.config.cors {
        if request.method() == Method::OPTIONS {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        return next.run(request).await;
    }
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        origin.unwrap_or(HeaderValue::from_static("*")),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, Accept"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// Latency, rate limiting and injected faults, for /api only.
async fn misbehave(State(sb): State<Arc<Sandbox>>, request: Request, next: Next) -> Response {
    let _answering = sb.load.enter();
    if !sb.config.latency.is_zero() {
        tokio::time::sleep(sb.config.latency).await;
    }
    if let Some(limit) = sb.config.rate_limit {
        let second = sb.now().timestamp();
        let over = {
            let mut rate = sb.rate.lock().unwrap_or_else(|p| p.into_inner());
            if rate.0 != second {
                *rate = (second, 0);
            }
            rate.1 = rate.1.saturating_add(1);
            rate.1 > limit
        };
        if over {
            return ApiError::rate_limited(Some(1)).into_response();
        }
    }
    let fault = sb
        .fault
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .on_request();
    match fault {
        Some(fault) => fault_response(fault).await,
        None => next.run(request).await,
    }
}

async fn fault_response(fault: Fault) -> Response {
    let html = |status: StatusCode, body: &'static str| {
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    };
    match fault.kind {
        FaultKind::RateLimit => ApiError::rate_limited(Some(fault.retry_after_seconds.unwrap_or(5))).into_response(),
        FaultKind::RateLimitNoRetryAfter => ApiError::rate_limited(None).into_response(),
        FaultKind::ServerError => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        FaultKind::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        FaultKind::ProxyHtml => html(
            StatusCode::BAD_GATEWAY,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        ),
        FaultKind::Html200 => html(
            StatusCode::OK,
            "<!doctype html><html><head><title>Sign in - Corporate SSO</title></head><body><form action=\"/login\"><input name=\"user\"></form></body></html>",
        ),
        FaultKind::MalformedJson => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{\"id\": \"dt0c01.ST2EY72KQINMH574WMNVI7YN\", \"name\": \"myTo").into_response()
        }
        FaultKind::WrongShape => (StatusCode::OK, Json(json!([{"foo": 1}]))).into_response(),
        FaultKind::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        FaultKind::NotFoundEmpty => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The demo tokens with their full strings: this is a sandbox and every token in it is fake.
async fn control_tokens(State(sb): State<Arc<Sandbox>>) -> Response {
    let store = sb.store.read().unwrap_or_else(|p| p.into_inner());
    let list: Vec<_> = store
        .tokens
        .iter()
        .filter(|t| t.demo.is_some())
        .map(|t| json!({"name": t.name, "id": t.id, "token": t.secret, "demonstrates": t.demo}))
        .collect();
    Json(list).into_response()
}

async fn set_fault(State(sb): State<Arc<Sandbox>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(Fault { every: Some(0), .. }) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "Not a fault: every must be 1 or more (1: every request)",
        )
        .into_response(),
        Ok(Fault { times: Some(0), .. }) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "Not a fault: times must be 1 or more (leave it out: until cleared)",
        )
        .into_response(),
        Ok(fault) => {
            *sb.fault.lock().unwrap_or_else(|p| p.into_inner()) = FaultState::new(Some(fault));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, format!("Not a fault: {e}")).into_response()
        }
    }
}

/// The fault switched on (or `null`), the /api requests since it was set and how many got it:
/// a bench checks from these that the faults it asked for happened.
async fn get_fault(State(sb): State<Arc<Sandbox>>) -> Response {
    let state = *sb.fault.lock().unwrap_or_else(|p| p.into_inner());
    Json(json!({
        "fault": state.fault,
        "requests": state.requests,
        "injected": state.injected,
    }))
    .into_response()
}

/// How many /api requests are being answered now, the most at once, and how many came.
async fn get_load(State(sb): State<Arc<Sandbox>>) -> Response {
    let (now, most, requests) = sb.load.read();
    Json(json!({"now": now, "mostAtOnce": most, "requests": requests})).into_response()
}

/// The most at once and the count start again.
async fn reset_load(State(sb): State<Arc<Sandbox>>) -> Response {
    sb.load.reset();
    StatusCode::NO_CONTENT.into_response()
}

/// Switches the fault off; the counts start again from zero.
async fn clear_fault(State(sb): State<Arc<Sandbox>>) -> Response {
    *sb.fault.lock().unwrap_or_else(|p| p.into_inner()) = FaultState::default();
    StatusCode::NO_CONTENT.into_response()
}

/// The client's address as Dynatrace would record it in `lastUsedIpAddress`.
pub fn client_ip(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_owned())
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_else(|| "127.0.0.1".into())
}
