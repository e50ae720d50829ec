//! Everything that can come back instead of metadata, as one typed error that keeps its cause
//! and says what to do. [`decode_response`] is the whole mapping from an HTTP answer to a
//! result; the browser client only adds what needs a browser (fetch failures, timeouts).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::json::{parse_json, FromJson, ParseJson};
use super::models::{ConstraintViolation, ErrorBody, ErrorEnvelope};
use crate::text::{one_line, redact};

/// Everything that can come back instead of metadata. Each variant keeps what caused it
/// (status, Dynatrace's message, the violations, the page title) so that [`ApiError::title`]
/// and [`ApiError::next_step`] can say what happened and what to do.
///
/// Text from the other side (messages, violations, page titles, parser messages) is stored as
/// [`crate::text::one_line`] made it, so that no `Display`, `Debug` or panel can show a token it
/// echoes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 400: the request was malformed; Dynatrace lists what is wrong.
    #[error("Dynatrace rejected the request (400): {message}")]
    BadRequest {
        message: String,
        violations: Vec<ConstraintViolation>,
    },
    /// 401: no valid credential for this environment. Wrong, disabled and expired tokens all
    /// give 401, and so does a good token sent to another environment.
    #[error("Dynatrace did not accept the credential (401)")]
    Unauthorized { message: Option<String> },
    /// 403: a valid token without the scope the call needs. `missing_scope` is the first of
    /// the scopes Dynatrace names (any one of them would do; see [`ApiError::acceptable_scopes`]).
    #[error("The token lacks a required scope (403)")]
    Forbidden {
        missing_scope: Option<String>,
        message: Option<String>,
    },
    /// 404 with no body: no such token in this environment (never existed here, revoked, or
    /// deleted: Dynatrace deletes expired tokens about 7 days after they expire).
    #[error("No such token in this environment (404)")]
    NotFound,
    /// 429: too many requests; `Retry-After` when the server sent one.
    #[error("Rate limited by Dynatrace (429)")]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx with Dynatrace's error body (or none).
    #[error("Server error ({status})")]
    Server {
        status: u16,
        message: Option<String>,
    },
    /// Any other status Dynatrace does not document for these calls.
    #[error("Unexpected answer ({status})")]
    UnexpectedStatus {
        status: u16,
        message: Option<String>,
    },
    /// The body is not JSON: typically an HTML page from a proxy, a web server or a login wall.
    /// `snippet` is a short, sanitised hint of the page (its `<title>` if it has one).
    #[error("The answer was not JSON (status {status}, {content_type})")]
    NotJson {
        status: u16,
        content_type: String,
        snippet: String,
    },
    /// A success without a body, where metadata belongs.
    #[error("The answer was empty (status {status})")]
    EmptyBody { status: u16 },
    /// JSON-looking text that does not parse (cut off, or not JSON after all); `detail` is the
    /// parser's message: where and how it is broken.
    #[error("The answer is broken JSON (status {status}): {detail}")]
    BrokenJson { status: u16, detail: String },
    /// JSON, but not the shape the endpoint documents; `detail` names the field and what is
    /// wrong with it.
    #[error("The answer did not have the expected shape (status {status}): {detail}")]
    UnexpectedShape { status: u16, detail: String },
    /// The call got no answer the page may read. `cross_origin` is the hint the browser client
    /// adds: to another origin the likely cause is CORS, to our own origin a server that is down.
    #[error("The call got no answer: {detail}")]
    Network { detail: String, cross_origin: bool },
    /// The fetch failed while the browser says it is offline: no network at all, so neither
    /// CORS nor the server is to blame.
    #[error("The browser is offline")]
    Offline,
    /// No answer within the client's time limit.
    // u64, not the u128 `as_millis` gives: formatting a u128 costs the page 0.7 KB gzip.
    #[error("No answer within {} ms", u64::try_from(after.as_millis()).unwrap_or(u64::MAX))]
    Timeout { after: Duration },
    /// Cancelled because a newer check replaced it.
    #[error("Cancelled")]
    Aborted,
}

impl ApiError {
    /// A failed fetch; `cross_origin` says whether the target is on another origin than the
    /// page (then the browser blocking it is the likely cause).
    pub fn network(detail: impl Into<String>, cross_origin: bool) -> Self {
        ApiError::Network {
            detail: one_line(&detail.into(), MESSAGE_CHARS),
            cross_origin,
        }
    }

    /// The HTTP status behind the error, if there was an answer at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::BadRequest { .. } => Some(400),
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound => Some(404),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::Server { status, .. }
            | ApiError::UnexpectedStatus { status, .. }
            | ApiError::NotJson { status, .. }
            | ApiError::EmptyBody { status }
            | ApiError::BrokenJson { status, .. }
            | ApiError::UnexpectedShape { status, .. } => Some(*status),
            ApiError::Network { .. }
            | ApiError::Offline
            | ApiError::Timeout { .. }
            | ApiError::Aborted => None,
        }
    }

    /// Whether trying again unchanged may help (rate limits, server trouble, no answer).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::Network { .. }
                | ApiError::Offline
                | ApiError::Timeout { .. }
        )
    }

    /// For a 403: every scope Dynatrace named, any one of which would do.
    pub fn acceptable_scopes(&self) -> Vec<String> {
        match self {
            ApiError::Forbidden {
                message: Some(message),
                ..
            } => acceptable_scopes(message),
            ApiError::Forbidden {
                missing_scope: Some(scope),
                ..
            } => vec![scope.clone()],
            _ => Vec::new(),
        }
    }

    /// A short headline for the error panel.
    pub fn title(&self) -> String {
        match self {
            ApiError::BadRequest { .. } => "Dynatrace rejected the request (400)".into(),
            ApiError::Unauthorized { .. } => "Not authenticated (401)".into(),
            ApiError::Forbidden {
                missing_scope: Some(scope),
                ..
            } => format!("Missing scope {scope} (403)"),
            ApiError::Forbidden { .. } => "Not allowed (403)".into(),
            ApiError::NotFound => "Token not found in this environment (404)".into(),
            ApiError::RateLimited { .. } => "Rate limited (429)".into(),
            ApiError::Server { status, .. } => format!("Dynatrace server error ({status})"),
            ApiError::UnexpectedStatus { status, .. } => format!("Unexpected answer ({status})"),
            ApiError::NotJson {
                status,
                content_type,
                ..
            } => {
                format!(
                    "The answer is not from the Dynatrace API (status {status}, {content_type})"
                )
            }
            ApiError::EmptyBody { .. } => "The answer was empty".into(),
            ApiError::BrokenJson { .. } => "The answer is broken JSON".into(),
            ApiError::UnexpectedShape { .. } => "The answer has an unexpected shape".into(),
            ApiError::Network {
                cross_origin: true, ..
            } => "Blocked by the browser, or unreachable".into(),
            ApiError::Network {
                cross_origin: false,
                ..
            } => "The server is unreachable".into(),
            ApiError::Offline => "The browser is offline".into(),
            ApiError::Timeout { after } => format!(
                "No answer after {} seconds (timed out)",
                after.as_secs().max(1)
            ),
            ApiError::Aborted => "Cancelled".into(),
        }
    }

    /// What the person can do about it, in a sentence or three.
    pub fn next_step(&self) -> String {
        let says = |m: &Option<String>| {
            m.as_deref()
                .map(|m| format!(" Dynatrace says: \u{201c}{}\u{201d}", sentence(m)))
                .unwrap_or_default()
        };
        match self {
            ApiError::BadRequest { message, violations } if violations.is_empty() => {
                format!("Dynatrace says: \u{201c}{}\u{201d}. Check the token ID for typos.", sentence(message))
            }
            ApiError::BadRequest { .. } => "Dynatrace listed what is wrong:".into(),
            ApiError::Unauthorized { message } => format!(
                "The environment did not accept the access token: it is mistyped, disabled or expired (expired tokens stop working at once), or it belongs to another environment. Check the environment URL and the access token.{}",
                says(message)
            ),
            ApiError::Forbidden { message, .. } => match self.acceptable_scopes().as_slice() {
                [] => format!("The access token is valid but may not make this call.{}", says(message)),
                [one] => format!("The access token is valid but lacks the {one} scope. Use a token that has it (an admin can create one under Access tokens)."),
                several => format!("The access token is valid but lacks the scope for this call. Any one of these would do: {}. Use a token that has one (an admin can create one under Access tokens).", several.join(", ")),
            },
            ApiError::NotFound => "This environment has no such token: it was revoked or deleted (Dynatrace deletes expired tokens about 7 days after they expire), or it belongs to another environment. Check the environment URL.".into(),
            ApiError::RateLimited { retry_after: Some(wait) } => format!("Too many requests. Try again in {}.", wait_text(*wait)),
            ApiError::RateLimited { retry_after: None } => "Too many requests. Wait a few seconds (Dynatrace's own clients wait 5 s) and try again.".into(),
            ApiError::Server { message, .. } => format!(
                "Dynatrace had a problem answering. Try again in a moment; if it persists, check the environment's status.{}",
                says(message)
            ),
            ApiError::UnexpectedStatus { status: 300..=399, .. } => "The answer was a redirect, which the token API does not send: the URL probably points at a login page or a web server. Check the environment URL.".into(),
            ApiError::UnexpectedStatus { message, .. } => format!(
                "This status is not documented for this call. Check the environment URL.{}",
                says(message)
            ),
            ApiError::NotJson { snippet, .. } if snippet.is_empty() => "Something other than the Dynatrace API answered, such as a proxy, a login page or a web server. Check the environment URL, or the proxy that forwards /api/.".into(),
            ApiError::NotJson { snippet, .. } => format!("Something other than the Dynatrace API answered (its page says \u{201c}{snippet}\u{201d}), such as a proxy, a login page or a web server. Check the environment URL, or the proxy that forwards /api/."),
            ApiError::EmptyBody { .. } => "The answer was empty where token metadata belongs: something other than the Dynatrace API may have answered. Check the environment URL and any proxy in between.".into(),
            ApiError::BrokenJson { detail, .. } => format!(
                "The answer is broken JSON ({detail}): it may have been cut off, or something other than the Dynatrace API answered. Try again; if it persists, check the environment URL and any proxy in between."
            ),
            ApiError::UnexpectedShape { detail, .. } => format!("The answer was JSON but not token metadata ({detail}). Check that the URL points at a Dynatrace environment, not at another service."),
            ApiError::Network { cross_origin: true, .. } => "The browser got no answer it may read. Most likely the environment does not allow calls from this page's origin (CORS), which Dynatrace does not document; otherwise the host is unreachable. Serve this page behind a reverse proxy that forwards /api/ to your environment and leave the environment URL empty (see the README), or check the URL and your network.".into(),
            ApiError::Offline => "This browser has no network connection, so nothing was sent. Parsing and scanning still work here; connect to a network, then check again.".into(),
            ApiError::Network { cross_origin: false, .. } => "Nothing answered at this page's own server. Check that the reverse proxy (or the sandbox) is running and forwards /api/.".into(),
            ApiError::Timeout { .. } => "The environment or a proxy in between did not answer in time. Check the URL and your network, then try again.".into(),
            ApiError::Aborted => "A newer check replaced this one.".into(),
        }
    }
}

/// How much of a message, a violation or a detail is kept: enough for a sentence.
const MESSAGE_CHARS: usize = 200;

/// A stored (already redacted) message inside a sentence that adds its own full stop.
fn sentence(message: &str) -> &str {
    message.trim_end_matches('.')
}

fn wait_text(wait: Duration) -> String {
    match wait.as_secs().max(1) {
        1 => "1 second".into(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

/// Turns an HTTP answer into the expected metadata or the error it means. Pure, so that every
/// status and body is tested natively; never panics.
///
/// - 2xx: the body must be JSON of the expected shape (`NotJson`, `UnexpectedShape` if not).
/// - 404 with an empty body or a JSON envelope: `NotFound`, which is how Dynatrace answers an
///   unknown token. A 404 *page* (HTML, text) comes from something else: `NotJson`.
/// - 429: `RateLimited` whatever the body, with `Retry-After` read as seconds or a date.
/// - Other 4xx/5xx: typed by status, with the envelope's message if there is one; a non-JSON
///   body (a proxy's or login page) is `NotJson`, which names status, type and page title.
pub fn decode_response<T: FromJson>(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<T, ApiError> {
    let answer = Answer {
        status,
        content_type,
        retry_after,
        body,
    };
    decode_response_with(parse_json, answer, now)
}

/// An HTTP answer as [`decode_response_with`] reads it.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub retry_after: Option<&'a str>,
    pub body: &'a str,
}

/// [`decode_response`] with the JSON parser passed in. The page passes the browser's own
/// `JSON.parse`, so that the wasm carries no JSON parser of its own (9 KB gzip); everything else,
/// every decision about statuses, bodies and shapes, is this same code.
pub fn decode_response_with<T: FromJson>(
    parse: ParseJson,
    answer: Answer<'_>,
    now: DateTime<Utc>,
) -> Result<T, ApiError> {
    let value = decode_json(parse, answer, now)?;
    T::from_json(value).map_err(|e| ApiError::UnexpectedShape {
        status: answer.status,
        detail: one_line(&e.to_string(), MESSAGE_CHARS),
    })
}

/// All of [`decode_response`] but the model: a success body as JSON, or the error it means.
/// Kept apart so that it exists once in the page, not once per model.
fn decode_json(
    parse: ParseJson,
    answer: Answer<'_>,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    let Answer {
        status,
        content_type,
        retry_after,
        body,
    } = answer;
    let content_type = content_type.unwrap_or("").trim().to_owned();
    let is_json = content_type.to_ascii_lowercase().contains("json");
    let trimmed = body.trim_start_matches('\u{feff}').trim();

    if (200..300).contains(&status) {
        if trimmed.is_empty() {
            return Err(ApiError::EmptyBody { status });
        }
        if !is_json && !looks_like_json(trimmed) {
            return Err(not_json(status, &content_type, body));
        }
        let value = parse(trimmed).map_err(|detail| ApiError::BrokenJson {
            status,
            detail: one_line(&detail, MESSAGE_CHARS),
        })?;
        // Every model field is optional, so an error envelope would "decode" as empty metadata.
        if let Some(error) = error_in_success(&value) {
            return Err(ApiError::UnexpectedShape {
                status,
                detail: error,
            });
        }
        return Ok(value);
    }
    if status == 429 {
        return Err(ApiError::RateLimited {
            retry_after: retry_after.and_then(|v| parse_retry_after(v, now)),
        });
    }

    // An error status: the envelope's message if there is one; a page is reported as a page.
    let envelope = if trimmed.is_empty() {
        None
    } else {
        match parse(trimmed).and_then(|v| ErrorEnvelope::from_json(v).map_err(|e| e.to_string())) {
            Ok(env) => env.error,
            Err(_) if !looks_like_json(trimmed) => {
                return Err(not_json(status, &content_type, body))
            }
            // JSON, but not Dynatrace's envelope: the status still says what happened.
            Err(_) => None,
        }
    };
    let message = envelope
        .as_ref()
        .and_then(|e| e.message.as_deref())
        .map(|m| one_line(m, MESSAGE_CHARS))
        .filter(|m| !m.is_empty());
    Err(match status {
        400 => ApiError::BadRequest {
            message: message.unwrap_or_else(|| "the input is invalid".into()),
            violations: envelope
                .map(|e| e.constraint_violations.iter().map(redacted).collect())
                .unwrap_or_default(),
        },
        401 => ApiError::Unauthorized { message },
        403 => ApiError::Forbidden {
            missing_scope: message.as_deref().and_then(missing_scope),
            message,
        },
        404 => ApiError::NotFound,
        500..=599 => ApiError::Server { status, message },
        _ => ApiError::UnexpectedStatus { status, message },
    })
}

/// A violation as it may be shown: every field through [`one_line`] (a violation's path or
/// message may quote the token that was sent).
fn redacted(violation: &ConstraintViolation) -> ConstraintViolation {
    let field = |f: &Option<String>| f.as_deref().map(|s| one_line(s, MESSAGE_CHARS));
    ConstraintViolation {
        path: field(&violation.path),
        message: field(&violation.message),
        parameter_location: field(&violation.parameter_location),
        location: field(&violation.location),
    }
}

/// A success status whose body is Dynatrace's error envelope (seen behind proxies that rewrite
/// statuses): the envelope's message, so it is not mistaken for empty metadata.
fn error_in_success(body: &Value) -> Option<String> {
    let envelope = ErrorBody::from_json(body.get("error")?.clone()).ok()?;
    let message = envelope
        .message
        .as_deref()
        .map(|m| one_line(m, MESSAGE_CHARS))
        .unwrap_or_else(|| "no message".into());
    Some(match envelope.code {
        Some(code) => format!("the body is an error ({code}): {message}"),
        None => format!("the body is an error: {message}"),
    })
}

fn looks_like_json(body: &str) -> bool {
    body.starts_with('{') || body.starts_with('[')
}

fn not_json(status: u16, content_type: &str, body: &str) -> ApiError {
    ApiError::NotJson {
        status,
        content_type: if content_type.is_empty() {
            "no content type".into()
        } else {
            one_line(content_type, 80)
        },
        snippet: snippet(body),
    }
}

/// The scope named in `Token is missing required scope. Use one of: apiTokens.read`. When
/// several are listed any one of them is enough, so the first is named; see
/// [`acceptable_scopes`] for all of them.
pub fn missing_scope(message: &str) -> Option<String> {
    acceptable_scopes(message).into_iter().next()
}

/// Every scope listed after `Use one of:` in a 403 message, in Dynatrace's order. Only names a
/// scope can have (letters, digits, `.`, `:`, `_`, `-`) that [`crate::text::redact`] leaves as
/// they are: a message that echoes a token there names no scope.
pub fn acceptable_scopes(message: &str) -> Vec<String> {
    let Some((_, rest)) = message.split_once("Use one of:") else {
        return Vec::new();
    };
    rest.split(',')
        .map(|s| s.trim().trim_end_matches('.').trim())
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 100
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".:_-".contains(c))
                && redact(s) == *s
        })
        .map(str::to_owned)
        .collect()
}

/// `Retry-After`, read in one place: [`super::retry`].
pub use super::retry::parse_retry_after;

/// A short, readable hint of what answered: the HTML `<title>` if any, else the text without
/// markup, with common entities decoded, as [`one_line`] shows it (a page might echo the
/// request). At most 120 characters.
fn snippet(body: &str) -> String {
    let head: String = body.chars().take(8192).collect();
    let lower = head.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|open| {
        let start = open + lower.get(open..)?.find('>')? + 1;
        let end = start + lower.get(start..)?.find("</title")?;
        head.get(start..end)
    });
    let text = match title {
        Some(t) if !t.trim().is_empty() => t.to_owned(),
        _ => strip_tags(&head),
    };
    one_line(&decode_entities(&text), 120)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(512));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
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
    fn offline_says_offline_and_blames_neither_cors_nor_the_server() {
        let e = ApiError::Offline;
        assert_eq!(e.title(), "The browser is offline");
        assert!(e.next_step().contains("no network connection"));
        assert!(!e.next_step().contains("CORS"));
        assert_eq!(e.status(), None);
        assert!(e.is_transient());
    }

    #[test]
    fn metadata_decodes() {
        let t = decode(
            200,
            JSON,
            r#"{"id":"dt0c01.X","name":"myToken","scopes":["metrics.read","future.scope"]}"#,
        )
        .unwrap();
        assert_eq!(t.name.as_deref(), Some("myToken"));
        assert_eq!(t.scopes.unwrap()[1], "future.scope");
    }

    #[test]
    fn bad_request_keeps_the_violations() {
        let body = r#"{"error":{"code":400,"message":"Constraints violated.","constraintViolations":[{"path":"id","message":"must match","parameterLocation":"PATH","location":null}]}}"#;
        match decode(400, JSON, body) {
            Err(ApiError::BadRequest {
                message,
                violations,
            }) => {
                assert_eq!(message, "Constraints violated.");
                assert_eq!(violations[0].to_string(), "id (path): must match");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unauthorized_and_forbidden() {
        assert!(matches!(
            decode(
                401,
                JSON,
                r#"{"error":{"code":401,"message":"Token Authentication failed"}}"#
            ),
            Err(ApiError::Unauthorized { .. })
        ));
        match decode(
            403,
            JSON,
            r#"{"error":{"code":403,"message":"Token is missing required scope. Use one of: apiTokens.read, apiTokens.write"}}"#,
        ) {
            Err(ApiError::Forbidden { missing_scope, .. }) => {
                assert_eq!(missing_scope.as_deref(), Some("apiTokens.read"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_found_has_no_body() {
        assert_eq!(decode(404, None, ""), Err(ApiError::NotFound));
        assert_eq!(
            decode(
                404,
                JSON,
                r#"{"error":{"code":404,"message":"Token not found"}}"#
            ),
            Err(ApiError::NotFound)
        );
        // A 404 *page* is a web server or proxy that does not know the path, not Dynatrace.
        assert!(matches!(
            decode(
                404,
                Some("text/html"),
                "<html><title>Not Found</title></html>"
            ),
            Err(ApiError::NotJson { status: 404, .. })
        ));
    }

    #[test]
    fn rate_limits_read_retry_after_as_seconds_or_date() {
        let r: Result<ApiToken, _> = decode_response(429, JSON, Some("7"), "", now());
        assert_eq!(
            r,
            Err(ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            })
        );
        let r: Result<ApiToken, _> =
            decode_response(429, JSON, Some("Sun, 22 Nov 2026 12:00:30 GMT"), "", now());
        assert_eq!(
            r,
            Err(ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(30))
            })
        );
        let r: Result<ApiToken, _> = decode_response(429, None, None, "", now());
        assert_eq!(r, Err(ApiError::RateLimited { retry_after: None }));
    }

    #[test]
    fn server_errors_keep_status_and_message() {
        assert_eq!(
            decode(500, JSON, r#"{"error":{"code":500,"message":"boom"}}"#),
            Err(ApiError::Server {
                status: 500,
                message: Some("boom".into())
            })
        );
        assert_eq!(
            decode(503, None, ""),
            Err(ApiError::Server {
                status: 503,
                message: None
            })
        );
    }

    #[test]
    fn html_pages_are_reported_with_status_type_and_title() {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
        match decode(502, Some("text/html"), page) {
            Err(ApiError::NotJson {
                status,
                content_type,
                snippet,
            }) => {
                assert_eq!(
                    (status, content_type.as_str(), snippet.as_str()),
                    (502, "text/html", "502 Bad Gateway")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode(
                200,
                Some("text/html; charset=utf-8"),
                "<!doctype html><title>Sign in</title>"
            ),
            Err(ApiError::NotJson { status: 200, .. })
        ));
    }

    #[test]
    fn malformed_or_wrong_json_is_a_shape_error() {
        assert!(matches!(
            decode(200, JSON, r#"{"id": "dt0c01.X", "name": "#),
            Err(ApiError::BrokenJson { status: 200, .. })
        ));
        assert_eq!(
            decode(200, JSON, " \n"),
            Err(ApiError::EmptyBody { status: 200 })
        );
        assert!(matches!(
            decode(200, JSON, r#"[1,2]"#),
            Err(ApiError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode(200, JSON, r#"{"enabled":"yes"}"#),
            Err(ApiError::UnexpectedShape { .. })
        ));
    }

    #[test]
    fn broken_empty_and_misshapen_answers_are_told_apart() {
        let broken = decode(200, JSON, r#"{"id": "dt0c01.X", "name": "#).unwrap_err();
        assert_eq!(broken.title(), "The answer is broken JSON");
        assert!(
            broken
                .next_step()
                .starts_with("The answer is broken JSON (it ends too early"),
            "{}",
            broken.next_step()
        );
        let empty = decode(200, JSON, "  ").unwrap_err();
        assert!(
            empty.next_step().starts_with("The answer was empty"),
            "{}",
            empty.next_step()
        );
        let misshapen = decode(200, JSON, r#"{"enabled":"yes"}"#).unwrap_err();
        assert_eq!(misshapen.title(), "The answer has an unexpected shape");
        assert!(
            misshapen
                .next_step()
                .starts_with("The answer was JSON but not token metadata (enabled: "),
            "{}",
            misshapen.next_step()
        );
    }

    proptest::proptest! {
        #[test]
        fn decoding_never_panics(status in 0u16..1000, ct in proptest::option::of(".{0,40}"), ra in proptest::option::of(".{0,40}"), body in ".{0,400}") {
            let _ = decode_response::<ApiToken>(status, ct.as_deref(), ra.as_deref(), &body, now());
        }
    }
}
