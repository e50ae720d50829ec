//! What the scan bench and its end-to-end tests need from the sandbox (issue 12): generated
//! full tokens with the answer each look-up gets (`GET /_sandbox/generated`), tokens unknown to
//! the environment, and 429s injected at a rate, with and without `Retry-After`.

mod common;

use std::collections::HashSet;

use common::{assert_schema, schemas, start, Server};
use dt_sandbox::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn generated(s: &Server, query: &str) -> Value {
    let (status, _, body) = s
        .control(Method::GET, &format!("/_sandbox/generated?{query}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn tokens(answer: &Value) -> Vec<Value> {
    answer["tokens"].as_array().unwrap().clone()
}

fn field<'a>(t: &'a Value, name: &str) -> &'a str {
    t[name].as_str().unwrap()
}

#[tokio::test]
async fn a_thousand_generated_tokens_look_up_as_their_status_says() {
    let s = start(Config {
        extra_tokens: 2_000,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let answer = generated(&s, "limit=1000").await;
    assert_eq!(answer["total"].as_u64(), Some(2_000 + 100));
    let list = tokens(&answer);
    assert_eq!(list.len(), 1000);
    let statuses: HashSet<&str> = list.iter().map(|t| field(t, "status")).collect();
    assert_eq!(
        statuses,
        HashSet::from(["active", "disabled", "expired"]),
        "a mix"
    );
    let distinct: HashSet<&str> = list.iter().map(|t| field(t, "token")).collect();
    assert_eq!(distinct.len(), 1000);

    // Each status checked the way a scanner checks: the token looks itself up.
    for t in list.iter().step_by(7) {
        let (token, id, status) = (field(t, "token"), field(t, "id"), field(t, "status"));
        assert!(token.starts_with(&format!("{id}.")), "{id}");
        assert_eq!(field(t, "kind"), "api");
        let (by_itself, body) = s.lookup(token, token).await;
        let (by_admin, admin_body) = s.lookup(&s.admin, token).await;
        assert_eq!(by_admin, StatusCode::OK, "{id}");
        assert_schema(&spec.v2, "ApiToken", &admin_body);
        let metadata: Value = serde_json::from_str(&admin_body).unwrap();
        assert_eq!(metadata["id"], id);
        match status {
            "active" => {
                assert_eq!(by_itself, StatusCode::OK, "{id}: {body}");
                assert_eq!(metadata["enabled"], true);
            }
            "disabled" => {
                assert_eq!(by_itself, StatusCode::UNAUTHORIZED, "{id}");
                assert_eq!(metadata["enabled"], false);
            }
            "expired" => {
                assert_eq!(by_itself, StatusCode::UNAUTHORIZED, "{id}");
                assert_eq!(metadata["enabled"], true);
                let expires = chrono::DateTime::parse_from_rfc3339(
                    metadata["expirationDate"].as_str().unwrap(),
                )
                .unwrap();
                assert!(expires < chrono::Utc::now(), "{id}");
            }
            other => panic!("{id}: status {other}"),
        }
    }
}

#[tokio::test]
async fn each_status_on_its_own_and_tokens_the_environment_does_not_hold() {
    let s = start(Config {
        extra_tokens: 500,
        ..Config::default()
    })
    .await;
    for status in ["active", "disabled", "expired"] {
        let answer = generated(&s, &format!("status={status}&kind=api&limit=20")).await;
        let list = tokens(&answer);
        assert!(!list.is_empty(), "{status}");
        assert!(answer["total"].as_u64().unwrap() >= list.len() as u64);
        for t in &list {
            assert_eq!(field(t, "status"), status);
            let (by_itself, _) = s.lookup(field(t, "token"), field(t, "token")).await;
            let expected = if status == "active" {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(by_itself, expected, "{status} {}", field(t, "id"));
        }
    }

    // Unknown: well-formed, never held. By itself 401; looked up by the admin, 404 with no body.
    let unknown = tokens(&generated(&s, "status=unknown&limit=30").await);
    assert_eq!(unknown.len(), 30);
    let again = tokens(&generated(&s, "status=unknown&limit=10&offset=20").await);
    assert_eq!(
        again[..],
        unknown[20..],
        "offset pages through the same tokens"
    );
    for t in &unknown {
        let token = field(t, "token");
        assert!(token.starts_with("dt0c01.") && token.len() == 7 + 24 + 1 + 64);
        assert_eq!(field(t, "status"), "unknown");
        let (by_itself, _) = s.lookup(token, token).await;
        assert_eq!(by_itself, StatusCode::UNAUTHORIZED);
        let (by_admin, body) = s.lookup(&s.admin, token).await;
        assert_eq!((by_admin, body.as_str()), (StatusCode::NOT_FOUND, ""));
        let (status, _) = s
            .get(
                &format!("/api/v2/apiTokens/{}", field(t, "id")),
                Some(&s.admin),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    // ActiveGate tokens: answered by ID with the ActiveGate scope; unknown ones 404.
    let ag = tokens(&generated(&s, "kind=activegate&limit=100").await);
    assert_eq!(ag.len(), 25);
    assert!(ag.iter().any(|t| field(t, "status") == "expired"));
    for t in &ag {
        assert!(field(t, "token").starts_with("dt0g02."));
        let (status, _) = s
            .get(
                &format!("/api/v2/activeGateTokens/{}", field(t, "id")),
                Some(&s.admin),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (by_itself, _) = s.lookup(field(t, "token"), field(t, "token")).await;
        assert_eq!(
            by_itself,
            StatusCode::UNAUTHORIZED,
            "ActiveGate tokens call no API"
        );
    }
    for t in tokens(&generated(&s, "kind=activegate&status=unknown&limit=3").await) {
        assert!(field(&t, "token").starts_with("dt0g02."));
        let (status, _) = s
            .get(
                &format!("/api/v2/activeGateTokens/{}", field(&t, "id")),
                Some(&s.admin),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn bad_parameters_and_no_admin_token_are_refused() {
    let s = start(Config {
        extra_tokens: 10,
        ..Config::default()
    })
    .await;
    for bad in [
        "limit=-1",
        "limit=100001",
        "limit=many",
        "offset=x",
        "status=alive",
        "kind=paas",
        "secret=1",
        "status=unknown&offset=18446744073709551615",
        "status=unknown&offset=100001",
    ] {
        let (status, _, body) = s
            .control(Method::GET, &format!("/_sandbox/generated?{bad}"), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_schema(&schemas().v2, "ErrorEnvelope", &body);
    }
    let example = common::EXAMPLE;
    let (status, _) = s.get("/_sandbox/generated", Some(example)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s.get("/_sandbox/generated", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The demo tokens are not among the generated ones.
    let list = tokens(&generated(&s, "limit=100").await);
    assert_eq!(list.len(), 10);
    assert!(list.iter().all(|t| t["token"] != example));
}

/// Every 4th /api request answers 429: with `Retry-After`, or without it. The other answers
/// are what they would have been, and the control API counts what it did.
#[tokio::test]
async fn rate_limits_every_nth_request_with_and_without_retry_after() {
    let s = start(Config {
        extra_tokens: 50,
        ..Config::default()
    })
    .await;
    let list = tokens(&generated(&s, "limit=40").await);
    for (kind, retry_after) in [
        ("rate-limit", Some("1")),
        ("rate-limit-no-retry-after", None),
    ] {
        let (status, _, _) = s
            .control(
                Method::PUT,
                "/_sandbox/fault",
                Some(json!({"kind": kind, "every": 4, "retryAfterSeconds": 1})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let mut limited = 0;
        for (n, t) in list.iter().enumerate() {
            let token = field(t, "token");
            let (status, headers, body) = s
                .call(
                    Method::POST,
                    "/api/v2/apiTokens/lookup",
                    Some(token),
                    Some(json!({ "token": token })),
                )
                .await;
            if (n + 1) % 4 == 0 {
                limited += 1;
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{kind} #{n}");
                assert_eq!(
                    headers.get("retry-after").map(|v| v.to_str().unwrap()),
                    retry_after,
                    "{kind}"
                );
                assert_schema(&schemas().v2, "ErrorEnvelope", &body);
            } else {
                let expected = if field(t, "status") == "active" {
                    StatusCode::OK
                } else {
                    StatusCode::UNAUTHORIZED
                };
                assert_eq!(status, expected, "{kind} #{n}");
            }
        }
        let (_, _, body) = s.control(Method::GET, "/_sandbox/fault", None).await;
        let state: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(state["requests"], 40, "{body}");
        assert_eq!(state["injected"], limited, "{body}");
        assert_eq!(state["fault"]["kind"], kind, "{body}");
        assert_eq!(state["fault"]["every"], 4, "{body}");
    }

    // `every` with `times`: the fault stops after `times` injections.
    s.control(
        Method::PUT,
        "/_sandbox/fault",
        Some(json!({"kind": "server-error", "every": 2, "times": 2})),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(s.lookup(common::EXAMPLE, common::EXAMPLE).await.0.as_u16());
    }
    assert_eq!(statuses, [200, 500, 200, 500, 200, 200, 200, 200]);
    let (_, _, body) = s.control(Method::GET, "/_sandbox/fault", None).await;
    let state: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (&state["fault"], &state["injected"]),
        (&Value::Null, &json!(2))
    );

    for bad in [
        json!({"kind": "rate-limit", "every": 0}),
        json!({"kind": "rate-limit", "times": 0}),
        json!({"kind": "rate-limit", "evry": 3}),
    ] {
        let (status, _, _) = s
            .control(Method::PUT, "/_sandbox/fault", Some(bad.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _, _) = s.control(Method::DELETE, "/_sandbox/fault", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, _, body) = s.control(Method::GET, "/_sandbox/fault", None).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"fault": null, "requests": 0, "injected": 0})
    );
}

/// The demo tokens are the tokens people paste first: each must be one the checker parses as
/// what it is (a public part of 24 characters, as Dynatrace issues them), the admin token too.
#[test]
fn every_demo_token_parses_as_a_dynatrace_token() {
    let now = chrono::Utc::now();
    let secret = "ADMINSECRET".repeat(6)[..64].to_owned();
    for token in dt_sandbox::data::demo_tokens(now, &secret) {
        let parsed = dt_core::token::parse(&token.secret);
        assert!(parsed.is_ok(), "{}: {:?}", token.name, parsed.err());
    }
}
