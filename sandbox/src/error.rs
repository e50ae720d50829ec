//! One error type for every refusal the sandbox gives, rendered as Dynatrace renders it:
//! `{"error": {"code", "message", "constraintViolations"}}`, or, where Dynatrace sends none
//! (v2's 404 for an unknown token), no body at all. Handlers return `Result<_, ApiError>` and
//! use `?`; nothing else writes an error body.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::query;

/// Where a rejected value was: the spec's `parameterLocation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    PayloadBody,
}

impl Location {
    fn name(self) -> &'static str {
        match self {
            Location::Path => "PATH",
            Location::Query => "QUERY",
            Location::PayloadBody => "PAYLOAD_BODY",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: Cow<'static, str>,
    /// `(path, message, location)` of each constraint violation.
    pub violations: Vec<(Cow<'static, str>, String, Location)>,
    /// `false`: the status alone, as Dynatrace answers an unknown token in v2.
    pub body: bool,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        ApiError {
            status,
            message: message.into(),
            violations: Vec::new(),
            body: true,
            retry_after: None,
        }
    }

    /// 401, as Dynatrace words it.
    pub fn unauthorized(message: &'static str) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403: the token authenticated but holds none of `scopes`.
    pub fn missing_scope(scopes: &[&str]) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "Token is missing required scope. Use one of: {}",
                scopes.join(", ")
            ),
        )
    }

    /// 400 with one constraint violation.
    pub fn constraint(
        path: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        ApiError {
            violations: vec![(path.into(), message.into(), location)],
            ..ApiError::new(StatusCode::BAD_REQUEST, "Constraints violated.")
        }
    }

    /// 404 with no body: v2's answer for a token it does not hold.
    pub fn not_found_empty() -> Self {
        ApiError {
            body: false,
            ..ApiError::new(StatusCode::NOT_FOUND, "")
        }
    }

    /// 429, with `Retry-After` or without.
    pub fn rate_limited(retry_after: Option<u64>) -> Self {
        ApiError {
            retry_after,
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests. Rate limit exceeded.",
            )
        }
    }
}

/// A rejected query parameter of the list endpoints.
impl From<query::Violation> for ApiError {
    fn from(v: query::Violation) -> Self {
        ApiError::constraint(v.parameter, v.message, Location::Query)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = if self.body {
            let mut error = json!({"code": self.status.as_u16(), "message": self.message});
            if !self.violations.is_empty() {
                error["constraintViolations"] = Value::Array(
                    self.violations
                        .iter()
                        .map(|(path, message, location)| {
                            json!({"path": path, "message": message, "parameterLocation": location.name()})
                        })
                        .collect(),
                );
            }
            (self.status, Json(json!({ "error": error }))).into_response()
        } else {
            self.status.into_response()
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
