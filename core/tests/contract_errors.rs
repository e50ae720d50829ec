//! Every kind of answer the token API (or something in front of it) gives, through the one
//! classifier the browser client uses, and what the person is then told.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use dt_core::dynatrace::error::{acceptable_scopes, parse_retry_after};
use dt_core::dynatrace::{decode_response, ApiError, ApiToken, ApiTokenList, StubList};
use proptest::prelude::*;

const JSON: Option<&str> = Some("application/json;charset=utf-8");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn token(status: u16, content_type: Option<&str>, body: &str) -> Result<ApiToken, ApiError> {
    decode_response(status, content_type, None, body, now())
}

#[test]
fn a_forbidden_answer_names_the_scope_and_every_alternative() {
    let body = r#"{"error":{"code":403,"message":"Token is missing required scope. Use one of: apiTokens.read, apiTokens.write"}}"#;
    let err = token(403, JSON, body).unwrap_err();
    assert!(
        matches!(&err, ApiError::Forbidden { missing_scope: Some(s), .. } if s == "apiTokens.read")
    );
    assert_eq!(
        err.acceptable_scopes(),
        ["apiTokens.read", "apiTokens.write"]
    );
    assert_eq!(err.title(), "Missing scope apiTokens.read (403)");
    assert!(
        err.next_step()
            .contains("Any one of these would do: apiTokens.read, apiTokens.write"),
        "{}",
        err.next_step()
    );

    let single = token(403, JSON, r#"{"error":{"code":403,"message":"Token is missing required scope. Use one of: activeGateTokenManagement.read"}}"#).unwrap_err();
    assert!(single
        .next_step()
        .contains("lacks the activeGateTokenManagement.read scope"));

    let other = token(
        403,
        JSON,
        r#"{"error":{"code":403,"message":"Access denied from this IP"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        other,
        ApiError::Forbidden {
            missing_scope: None,
            message: Some("Access denied from this IP".into())
        }
    );
    assert!(other.next_step().contains("Access denied from this IP"));
    assert_eq!(
        acceptable_scopes("Use one of: a.read,  ,b.read."),
        ["a.read", "b.read"]
    );
}

#[test]
fn unauthorized_explains_every_cause_of_a_401() {
    let err = token(
        401,
        JSON,
        r#"{"error":{"code":401,"message":"Token Authentication failed"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ApiError::Unauthorized {
            message: Some("Token Authentication failed".into())
        }
    );
    let next = err.next_step();
    for cause in ["disabled", "expired", "another environment"] {
        assert!(next.contains(cause), "{cause}: {next}");
    }
    assert!(matches!(
        token(401, None, "").unwrap_err(),
        ApiError::Unauthorized { message: None }
    ));
}

#[test]
fn not_found_is_an_empty_404_and_mentions_deletion_after_expiry() {
    let err = token(404, None, "").unwrap_err();
    assert_eq!(err, ApiError::NotFound);
    assert!(err.next_step().contains("7 days"));
    assert_eq!(token(404, JSON, "   \n").unwrap_err(), ApiError::NotFound);
    // A web server's 404 page means the path is wrong, not the token.
    match token(
        404,
        Some("text/html"),
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>",
    ) {
        Err(ApiError::NotJson {
            status: 404,
            snippet,
            ..
        }) => assert_eq!(snippet, "404 Not Found"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        token(404, Some("text/plain"), "Not Found"),
        Err(ApiError::NotJson { status: 404, .. })
    ));
}

#[test]
fn bad_requests_list_their_violations() {
    let body = r#"{"error":{"code":400,"message":"Constraints violated.","constraintViolations":[
        {"path":"id","message":"Invalid token ID format","parameterLocation":"PATH","location":null},
        {"path":"pageSize","message":"must be greater than or equal to 100","parameterLocation":"QUERY"}]}}"#;
    match token(400, JSON, body) {
        Err(ApiError::BadRequest {
            message,
            violations,
        }) => {
            assert_eq!(message, "Constraints violated.");
            let lines: Vec<String> = violations.iter().map(ToString::to_string).collect();
            assert_eq!(
                lines,
                [
                    "id (path): Invalid token ID format",
                    "pageSize (query): must be greater than or equal to 100"
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    let plain = token(
        400,
        JSON,
        r#"{"error":{"code":400,"message":"Invalid token ID"}}"#,
    )
    .unwrap_err();
    assert!(plain.next_step().contains("Invalid token ID"));
}

#[test]
fn retry_after_as_seconds_or_any_http_date() {
    let n = now();
    assert_eq!(parse_retry_after("120", n), Some(Duration::from_secs(120)));
    assert_eq!(parse_retry_after(" 0 ", n), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Sun, 22 Nov 2026 12:01:00 GMT", n),
        Some(Duration::from_secs(60))
    );
    assert_eq!(
        parse_retry_after("Sunday, 22-Nov-26 12:00:10 GMT", n),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        parse_retry_after("Sun Nov 22 12:00:05 2026", n),
        Some(Duration::from_secs(5))
    );
    assert_eq!(
        parse_retry_after("Sun, 22 Nov 2026 11:00:00 GMT", n),
        Some(Duration::ZERO),
        "past dates mean now"
    );
    assert_eq!(parse_retry_after("soon", n), None);
    assert_eq!(parse_retry_after("-5", n), None);

    let limited: Result<ApiToken, _> =
        decode_response(429, Some("text/html"), Some("30"), "<h1>Slow down</h1>", n);
    let err = limited.unwrap_err();
    assert_eq!(
        err,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(30))
        }
    );
    assert!(err.next_step().contains("30 seconds"));
    assert!(err.is_transient());
}

#[test]
fn server_errors_and_undocumented_statuses() {
    assert_eq!(
        token(
            500,
            JSON,
            r#"{"error":{"code":500,"message":"Internal Server Error"}}"#
        ),
        Err(ApiError::Server {
            status: 500,
            message: Some("Internal Server Error".into())
        })
    );
    assert_eq!(
        token(503, JSON, "{}"),
        Err(ApiError::Server {
            status: 503,
            message: None
        })
    );
    assert_eq!(
        token(418, JSON, r#"{"error":{}}"#),
        Err(ApiError::UnexpectedStatus {
            status: 418,
            message: None
        })
    );
    let redirect = token(302, None, "").unwrap_err();
    assert!(
        redirect.next_step().contains("redirect"),
        "{}",
        redirect.next_step()
    );
    assert_eq!(token(0, None, "").unwrap_err().status(), Some(0));
}

#[test]
fn pages_from_proxies_show_status_type_and_a_clean_title() {
    let page = "<html>\n<head><title>\n  502 Bad   Gateway &amp; friends\u{7}</title></head><body>nginx</body></html>";
    match token(502, Some("text/html"), page) {
        Err(e @ ApiError::NotJson { .. }) => {
            assert_eq!(
                e,
                ApiError::NotJson {
                    status: 502,
                    content_type: "text/html".into(),
                    snippet: "502 Bad Gateway & friends".into()
                }
            );
            assert!(e.title().contains("502") && e.title().contains("text/html"));
            assert!(e.next_step().contains("502 Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    // A login wall answering 200.
    let login = token(
        200,
        Some("text/html; charset=utf-8"),
        "<!doctype html><html><title>Sign in – Dynatrace</title>",
    )
    .unwrap_err();
    assert!(
        matches!(&login, ApiError::NotJson { status: 200, snippet, .. } if snippet == "Sign in – Dynatrace")
    );
    // No title: the text without markup, cut short.
    let long = format!("<p>{}</p>", "word ".repeat(100));
    match token(500, None, &long) {
        Err(ApiError::NotJson {
            snippet,
            content_type,
            ..
        }) => {
            assert!(
                snippet.chars().count() <= 121 && snippet.ends_with('…'),
                "{snippet}"
            );
            assert_eq!(content_type, "no content type");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_page_that_echoes_a_token_does_not_show_it() {
    let page = "<html><body>Bad request: Api-Token dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM</body></html>";
    let err = token(400, Some("text/html"), page).unwrap_err();
    let text = format!("{err:?} {} {}", err.title(), err.next_step());
    assert!(!text.contains("G3DFPBEJ"), "{text}");
    assert!(text.contains(dt_core::token::MASK), "{text}");
    assert!(!text.contains("ST2EY72K"), "{text}");
}

#[test]
fn shape_errors_name_the_field() {
    match token(200, JSON, r#"{"id":"dt0c01.X","enabled":"yes"}"#) {
        Err(ApiError::UnexpectedShape {
            status: 200,
            detail,
        }) => {
            assert!(detail.starts_with("enabled: "), "{detail}");
            assert!(detail.contains("yes"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    match decode_response::<StubList>(200, JSON, None, r#"{"values": 42}"#, now()) {
        Err(ApiError::UnexpectedShape { detail, .. }) => {
            assert!(detail.starts_with("values: expected a list"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        token(200, JSON, "[]"),
        Err(ApiError::UnexpectedShape { .. })
    ));
    assert!(matches!(
        token(200, JSON, r#"{"id": "#),
        Err(ApiError::BrokenJson { status: 200, .. })
    ));
    assert_eq!(
        token(
            200,
            JSON,
            r#"{"error":{"code":401,"message":"Token Authentication failed"}}"#
        ),
        Err(ApiError::UnexpectedShape {
            status: 200,
            detail: "the body is an error (401): Token Authentication failed".into()
        })
    );
    // A token *named* "error" is still a token.
    assert!(token(200, JSON, r#"{"name":"error","id":"dt0c01.X"}"#).is_ok());
    assert_eq!(
        token(200, JSON, ""),
        Err(ApiError::EmptyBody { status: 200 })
    );
}

#[test]
fn json_is_recognised_by_body_when_the_type_is_wrong_and_a_bom_is_ignored() {
    let t = token(200, Some("text/plain"), "\u{feff} {\"name\":\"x\"}").unwrap();
    assert_eq!(t.name.as_deref(), Some("x"));
    let list: ApiTokenList =
        decode_response(200, None, None, r#"{"apiTokens":[],"totalCount":0}"#, now()).unwrap();
    assert_eq!(list.total_count, Some(0));
}

#[test]
fn network_errors_say_which_cause_is_likely() {
    let cors = ApiError::network("TypeError: Failed to fetch", true);
    assert!(cors.next_step().contains("CORS") && cors.next_step().contains("reverse proxy"));
    assert_eq!(cors.title(), "Blocked by the browser, or unreachable");
    let local = ApiError::network("TypeError: Failed to fetch", false);
    assert!(!local.next_step().contains("CORS") && local.next_step().contains("running"));
    assert_eq!(local.status(), None);
    assert_eq!(
        ApiError::Timeout {
            after: Duration::from_secs(15)
        }
        .title(),
        "No answer after 15 seconds (timed out)"
    );
}

#[test]
fn every_error_has_a_distinct_title_and_a_next_step() {
    let errors = [
        ApiError::BadRequest {
            message: "x".into(),
            violations: vec![],
        },
        ApiError::Unauthorized { message: None },
        ApiError::Forbidden {
            missing_scope: Some("apiTokens.read".into()),
            message: None,
        },
        ApiError::NotFound,
        ApiError::RateLimited { retry_after: None },
        ApiError::Server {
            status: 500,
            message: None,
        },
        ApiError::UnexpectedStatus {
            status: 418,
            message: None,
        },
        ApiError::NotJson {
            status: 502,
            content_type: "text/html".into(),
            snippet: String::new(),
        },
        ApiError::UnexpectedShape {
            status: 200,
            detail: "x".into(),
        },
        ApiError::network("x", true),
        ApiError::network("x", false),
        ApiError::Timeout {
            after: Duration::from_secs(15),
        },
        ApiError::Aborted,
    ];
    let titles: std::collections::HashSet<String> = errors.iter().map(ApiError::title).collect();
    assert_eq!(titles.len(), errors.len());
    for e in &errors {
        assert!(e.next_step().len() > 10, "{e:?}");
        assert!(!e.to_string().is_empty());
    }
}

/// Bodies that look like what comes back: envelopes, metadata, pages, garbage.
fn body_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,300}",
        r#"\{"error":\{"code":[0-9]{1,3},"message":".{0,60}"(,"constraintViolations":(null|\[\]|\[\{"path":".{0,5}"\}\]))?\}\}"#,
        r#"\{"(id|name|enabled|scopes|creationDate|apiTokens|values)":("[^"]{0,20}"|[0-9]{1,15}|true|null|\[\]|\{\})\}"#,
        "<html><title>.{0,40}</title>.{0,80}",
        "<title.{0,20}",
    ]
}

proptest! {
    #[test]
    fn the_classifier_never_panics(
        status in prop_oneof![Just(200u16), Just(400), Just(401), Just(403), Just(404), Just(429), Just(500), 0u16..1000],
        content_type in proptest::option::of(prop_oneof![Just("application/json".to_owned()), Just("text/html".to_owned()), ".{0,30}"]),
        retry_after in proptest::option::of(".{0,40}"),
        body in body_strategy(),
    ) {
        for err in [
            decode_response::<ApiToken>(status, content_type.as_deref(), retry_after.as_deref(), &body, now()).err(),
            decode_response::<ApiTokenList>(status, content_type.as_deref(), retry_after.as_deref(), &body, now()).err(),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!(!err.title().is_empty());
            prop_assert!(!err.next_step().is_empty());
        }
    }

    #[test]
    fn error_statuses_are_never_success(status in 400u16..600, body in body_strategy()) {
        prop_assert!(decode_response::<ApiToken>(status, Some("application/json"), None, &body, now()).is_err());
    }
}
