//! Everything that can come back instead of metadata, as one typed error that keeps its cause
//! and says what to do. [`decode_response`] is the whole mapping from an HTTP answer to a
//! result; the browser client only adds what needs a browser (fetch failures, timeouts).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::models::{ConstraintViolation, ErrorEnvelope};

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 400: the request was malformed; Dynatrace lists what is wrong.
    #[error("Dynatrace rejected the request (400): {message}")]
    BadRequest { message: String, violations: Vec<ConstraintViolation> },
    /// 401: no valid credential for this environment.
    #[error("Dynatrace did not accept the credential (401)")]
    Unauthorized { message: Option<String> },
    /// 403: a valid token without the scope the call needs.
    #[error("The token lacks a required scope (403)")]
    Forbidden { missing_scope: Option<String>, message: Option<String> },
    /// 404, usually with no body: no such token in this environment.
    #[error("No such token in this environment (404)")]
    NotFound,
    /// 429: too many requests.
    #[error("Rate limited by Dynatrace (429)")]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx.
    #[error("Server error ({status})")]
    Server { status: u16, message: Option<String> },
    /// Any other status Dynatrace does not document for these calls.
    #[error("Unexpected answer ({status})")]
    UnexpectedStatus { status: u16, message: Option<String> },
    /// The body is not JSON: typically an HTML page from a proxy or a login wall.
    #[error("The answer was not JSON (status {status}, {content_type})")]
    NotJson { status: u16, content_type: String, snippet: String },
    /// JSON, but not the shape the endpoint documents.
    #[error("The answer did not have the expected shape (status {status}): {detail}")]
    UnexpectedShape { status: u16, detail: String },
    /// The call got no answer at all: the browser blocked it (CORS) or nothing is listening.
    #[error("The call got no answer: {detail}")]
    Network { detail: String, cross_origin: bool },
    #[error("No answer within {} s", after.as_secs_f32())]
    Timeout { after: Duration },
    /// Cancelled because a newer check replaced it.
    #[error("Cancelled")]
    Aborted,
}

impl ApiError {
    /// A short headline for the error panel.
    pub fn title(&self) -> String {
        match self {
            ApiError::BadRequest { .. } => "Dynatrace rejected the request (400)".into(),
            ApiError::Unauthorized { .. } => "Not authenticated (401)".into(),
            ApiError::Forbidden { missing_scope: Some(scope), .. } => format!("Missing scope {scope} (403)"),
            ApiError::Forbidden { .. } => "Missing scope (403)".into(),
            ApiError::NotFound => "Token not found in this environment (404)".into(),
            ApiError::RateLimited { .. } => "Rate limited (429)".into(),
            ApiError::Server { status, .. } => format!("Dynatrace server error ({status})"),
            ApiError::UnexpectedStatus { status, .. } => format!("Unexpected answer ({status})"),
            ApiError::NotJson { status, content_type, .. } => {
                format!("The answer is not from the Dynatrace API (status {status}, {content_type})")
            }
            ApiError::UnexpectedShape { .. } => "The answer has an unexpected shape".into(),
            ApiError::Network { cross_origin: true, .. } => "Blocked by the browser, or unreachable".into(),
            ApiError::Network { cross_origin: false, .. } => "The server is unreachable".into(),
            ApiError::Timeout { after } => format!("No answer after {} seconds (timed out)", after.as_secs()),
            ApiError::Aborted => "Cancelled".into(),
        }
    }

    /// What the person can do about it.
    pub fn next_step(&self) -> String {
        match self {
            ApiError::BadRequest { message, violations } if violations.is_empty() => {
                format!("Dynatrace says: {message}. Check the token ID for typos.")
            }
            ApiError::BadRequest { .. } => "Dynatrace listed what is wrong:".into(),
            ApiError::Unauthorized { .. } => "The environment did not accept the access token: it is wrong, disabled or expired, or it belongs to another environment. Check the environment URL and the access token.".into(),
            ApiError::Forbidden { missing_scope: Some(scope), .. } => format!("The access token is valid but lacks the {scope} scope. Use a token that has it (an admin can add the scope in Access tokens)."),
            ApiError::Forbidden { message, .. } => format!("The access token is valid but may not make this call{}.", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()),
            ApiError::NotFound => "This environment has no such token: it was revoked or deleted (Dynatrace deletes expired tokens about 7 days after they expire), or it belongs to another environment.".into(),
            ApiError::RateLimited { retry_after: Some(wait) } => format!("Too many requests. Try again in {} s.", wait.as_secs().max(1)),
            ApiError::RateLimited { retry_after: None } => "Too many requests. Wait a few seconds (Dynatrace's own clients wait 5 s) and try again.".into(),
            ApiError::Server { message, .. } => format!("Dynatrace had a problem answering{}. Try again in a moment; if it persists, check the environment's status.", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()),
            ApiError::UnexpectedStatus { message, .. } => format!("This status is not documented for this call{}. Check the environment URL.", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()),
            ApiError::NotJson { snippet, .. } if snippet.is_empty() => "Something other than the Dynatrace API answered, such as a proxy, a login page or a web server. Check the environment URL, or the proxy that forwards /api/.".into(),
            ApiError::NotJson { snippet, .. } => format!("Something other than the Dynatrace API answered (it said \u{201c}{snippet}\u{201d}), such as a proxy, a login page or a web server. Check the environment URL, or the proxy that forwards /api/."),
            ApiError::UnexpectedShape { detail, .. } => format!("The answer was JSON but not token metadata ({detail}). Check that the URL points at a Dynatrace environment."),
            ApiError::Network { cross_origin: true, .. } => "The browser got no answer it may read. Most likely the environment does not allow calls from this page's origin (CORS), which Dynatrace does not document; or the host is unreachable. Serve this page behind a reverse proxy that forwards /api/ to your environment and leave the environment URL empty (see the README), or check the URL and your network.".into(),
            ApiError::Network { cross_origin: false, .. } => "Nothing answered at this page's own server. Check that the proxy or the sandbox is running.".into(),
            ApiError::Timeout { .. } => "The environment or a proxy in between did not answer in time. Check the URL and your network, then try again.".into(),
            ApiError::Aborted => "A newer check replaced this one.".into(),
        }
    }
}

/// Turns an HTTP answer into the expected metadata or the error it means. Pure, so that every
/// status and body is tested natively; never panics.
pub fn decode_response<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<T, ApiError> {
    let content_type = content_type.unwrap_or("").trim().to_owned();
    let is_json = content_type.to_ascii_lowercase().contains("json");
    let trimmed = body.trim();

    if (200..300).contains(&status) {
        if !is_json && !looks_like_json(trimmed) {
            return Err(not_json(status, &content_type, body));
        }
        return serde_json::from_str::<T>(trimmed)
            .map_err(|e| ApiError::UnexpectedShape { status, detail: shape_detail(&e) });
    }

    // An error: the envelope's message if there is one. An HTML page is reported as such.
    let envelope = if trimmed.is_empty() {
        None
    } else {
        match serde_json::from_str::<ErrorEnvelope>(trimmed) {
            Ok(env) => env.error,
            Err(_) if !is_json && !looks_like_json(trimmed) && status != 404 && status != 429 => {
                return Err(not_json(status, &content_type, body));
            }
            Err(_) => None,
        }
    };
    let message = envelope.as_ref().and_then(|e| e.message.clone()).filter(|m| !m.trim().is_empty());
    Err(match status {
        400 => ApiError::BadRequest {
            message: message.unwrap_or_else(|| "the input is invalid".into()),
            violations: envelope.map(|e| e.constraint_violations).unwrap_or_default(),
        },
        401 => ApiError::Unauthorized { message },
        403 => ApiError::Forbidden { missing_scope: message.as_deref().and_then(missing_scope), message },
        404 => ApiError::NotFound,
        429 => ApiError::RateLimited { retry_after: retry_after.and_then(|v| parse_retry_after(v, now)) },
        500..=599 => ApiError::Server { status, message },
        _ => ApiError::UnexpectedStatus { status, message },
    })
}

fn looks_like_json(body: &str) -> bool {
    body.starts_with('{') || body.starts_with('[')
}

fn not_json(status: u16, content_type: &str, body: &str) -> ApiError {
    ApiError::NotJson {
        status,
        content_type: if content_type.is_empty() { "no content type".into() } else { content_type.into() },
        snippet: snippet(body),
    }
}

fn shape_detail(error: &serde_json::Error) -> String {
    let text = error.to_string();
    // serde's messages are precise but long; keep the first clause.
    text.chars().take(160).collect()
}

/// The scope named in `Token is missing required scope. Use one of: apiTokens.read`. When
/// several are listed, any one of them is enough, so the first is named.
pub fn missing_scope(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("Use one of:")?;
    rest.split(',')
        .map(|s| s.trim().trim_end_matches('.').trim())
        .find(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `Retry-After` is seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// A short, readable hint of what answered: the HTML `<title>` if any, else the start of the
/// text without markup. Never more than 120 characters.
fn snippet(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    let text = match (lower.find("<title>"), lower.find("</title>")) {
        (Some(start), Some(end)) if end > start + 7 => body.get(start + 7..end).unwrap_or_default().to_owned(),
        _ => strip_tags(body),
    };
    let clean = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = clean.chars().take(120).collect();
    if clean.chars().count() > 120 {
        out.push('…');
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(512));
    let mut in_tag = false;
    for c in html.chars().take(4096) {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynatrace::models::ApiToken;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    fn decode(status: u16, ct: Option<&str>, body: &str) -> Result<ApiToken, ApiError> {
        decode_response(status, ct, None, body, now())
    }

    const JSON: Option<&str> = Some("application/json;charset=utf-8");

    #[test]
    fn metadata_decodes() {
        let t = decode(200, JSON, r#"{"id":"dt0c01.X","name":"myToken","scopes":["metrics.read","future.scope"]}"#).unwrap();
        assert_eq!(t.name.as_deref(), Some("myToken"));
        assert_eq!(t.scopes.unwrap()[1], "future.scope");
    }

    #[test]
    fn bad_request_keeps_the_violations() {
        let body = r#"{"error":{"code":400,"message":"Constraints violated.","constraintViolations":[{"path":"id","message":"must match","parameterLocation":"PATH","location":null}]}}"#;
        match decode(400, JSON, body) {
            Err(ApiError::BadRequest { message, violations }) => {
                assert_eq!(message, "Constraints violated.");
                assert_eq!(violations[0].to_string(), "id (path): must match");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unauthorized_and_forbidden() {
        assert!(matches!(decode(401, JSON, r#"{"error":{"code":401,"message":"Token Authentication failed"}}"#), Err(ApiError::Unauthorized { .. })));
        match decode(403, JSON, r#"{"error":{"code":403,"message":"Token is missing required scope. Use one of: apiTokens.read, apiTokens.write"}}"#) {
            Err(ApiError::Forbidden { missing_scope, .. }) => assert_eq!(missing_scope.as_deref(), Some("apiTokens.read")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_found_has_no_body() {
        assert_eq!(decode(404, None, ""), Err(ApiError::NotFound));
        assert_eq!(decode(404, Some("text/html"), "<html>nope</html>"), Err(ApiError::NotFound));
    }

    #[test]
    fn rate_limits_read_retry_after_as_seconds_or_date() {
        let r: Result<ApiToken, _> = decode_response(429, JSON, Some("7"), "", now());
        assert_eq!(r, Err(ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)) }));
        let r: Result<ApiToken, _> = decode_response(429, JSON, Some("Sun, 22 Nov 2026 12:00:30 GMT"), "", now());
        assert_eq!(r, Err(ApiError::RateLimited { retry_after: Some(Duration::from_secs(30)) }));
        let r: Result<ApiToken, _> = decode_response(429, None, None, "", now());
        assert_eq!(r, Err(ApiError::RateLimited { retry_after: None }));
    }

    #[test]
    fn server_errors_keep_status_and_message() {
        assert_eq!(
            decode(500, JSON, r#"{"error":{"code":500,"message":"boom"}}"#),
            Err(ApiError::Server { status: 500, message: Some("boom".into()) })
        );
        assert_eq!(decode(503, None, ""), Err(ApiError::Server { status: 503, message: None }));
    }

    #[test]
    fn html_pages_are_reported_with_status_type_and_title() {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
        match decode(502, Some("text/html"), page) {
            Err(ApiError::NotJson { status, content_type, snippet }) => {
                assert_eq!((status, content_type.as_str(), snippet.as_str()), (502, "text/html", "502 Bad Gateway"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(decode(200, Some("text/html; charset=utf-8"), "<!doctype html><title>Sign in</title>"), Err(ApiError::NotJson { status: 200, .. })));
    }

    #[test]
    fn malformed_or_wrong_json_is_a_shape_error() {
        assert!(matches!(decode(200, JSON, r#"{"id": "dt0c01.X", "name": "#), Err(ApiError::UnexpectedShape { .. })));
        assert!(matches!(decode(200, JSON, r#"[1,2]"#), Err(ApiError::UnexpectedShape { .. })));
        assert!(matches!(decode(200, JSON, r#"{"enabled":"yes"}"#), Err(ApiError::UnexpectedShape { .. })));
    }

    #[test]
    fn every_error_has_a_title_and_a_next_step() {
        let errors = [
            ApiError::BadRequest { message: "x".into(), violations: vec![] },
            ApiError::Unauthorized { message: None },
            ApiError::Forbidden { missing_scope: Some("apiTokens.read".into()), message: None },
            ApiError::NotFound,
            ApiError::RateLimited { retry_after: None },
            ApiError::Server { status: 500, message: None },
            ApiError::UnexpectedStatus { status: 418, message: None },
            ApiError::NotJson { status: 502, content_type: "text/html".into(), snippet: String::new() },
            ApiError::UnexpectedShape { status: 200, detail: "x".into() },
            ApiError::Network { detail: "x".into(), cross_origin: true },
            ApiError::Timeout { after: Duration::from_secs(15) },
            ApiError::Aborted,
        ];
        for e in errors {
            assert!(!e.title().is_empty() && !e.next_step().is_empty(), "{e:?}");
        }
        assert!(ApiError::Network { detail: String::new(), cross_origin: true }.next_step().contains("CORS"));
    }

    proptest::proptest! {
        #[test]
        fn decoding_never_panics(status in 0u16..1000, ct in proptest::option::of(".{0,40}"), ra in proptest::option::of(".{0,40}"), body in ".{0,400}") {
            let _ = decode_response::<ApiToken>(status, ct.as_deref(), ra.as_deref(), &body, now());
        }
    }
}
