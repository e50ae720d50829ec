//! The sandbox in-process on an ephemeral port: every endpoint, every error, and every body held
//! to Dynatrace's published OpenAPI schemas.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{assert_schema, schemas, start, EXAMPLE, EXAMPLE_ID};
use dt_sandbox::{Config, Sandbox};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn a_token_looks_itself_up_with_the_documented_metadata() {
    let s = start(Config::default()).await;
    let spec = schemas();
    let (status, body) = s.lookup(EXAMPLE, EXAMPLE).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v2, "ApiToken", &body);
    let t: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (t["id"].as_str(), t["name"].as_str(), t["owner"].as_str()),
        (Some(EXAMPLE_ID), Some("myToken"), Some("john.smith"))
    );
    assert_eq!(t["scopes"], json!(["metrics.read"]));
    assert_eq!(
        t["additionalMetadata"]["dashboardId"],
        "82402bab-7370-4359-924d-88ed13c8919a"
    );
}

#[tokio::test]
async fn use_updates_last_used() {
    let s = start(Config::default()).await;
    let before = chrono::Utc::now();
    let (_, body) = s
        .get(&format!("/api/v2/apiTokens/{EXAMPLE_ID}"), Some(&s.admin))
        .await;
    let t: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        t["lastUsedDate"].as_str(),
        Some("2020-11-12T08:15:30.144Z"),
        "reading by ID is not a use of the token"
    );
    s.lookup(EXAMPLE, EXAMPLE).await;
    let (_, body) = s
        .get(&format!("/api/v2/apiTokens/{EXAMPLE_ID}"), Some(&s.admin))
        .await;
    let t: Value = serde_json::from_str(&body).unwrap();
    let used = chrono::DateTime::parse_from_rfc3339(t["lastUsedDate"].as_str().unwrap()).unwrap();
    assert!(used >= before - chrono::Duration::seconds(1));
    assert_eq!(t["lastUsedIpAddress"], "127.0.0.1");
}

#[tokio::test]
async fn auth_errors_are_dynatrace_shaped() {
    let s = start(Config::default()).await;
    let spec = schemas();
    let path = format!("/api/v2/apiTokens/{EXAMPLE_ID}");

    let (status, body) = s.get(&path, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_schema(&spec.v2, "ErrorEnvelope", &body);

    let (status, body) = s.get(&path, Some("dt0c01.ZZZZZZZZZZZZZZZZZZZZZZZZ.ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("Token Authentication failed"));

    let (status, body) = s.get(&path, Some(EXAMPLE)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_schema(&spec.v2, "ErrorEnvelope", &body);
    assert!(
        body.contains("Token is missing required scope. Use one of: apiTokens.read"),
        "{body}"
    );

    // Bearer is not how the token API authenticates.
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .header("Authorization", format!("Bearer {}", s.admin))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The query parameter works as in Dynatrace.
    let (status, _) = s.get(&format!("{path}?api-token={}", s.admin), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn disabled_and_expired_tokens_fail_to_authenticate_but_answer_by_id() {
    let s = start(Config::default()).await;
    let tokens = s.demo_tokens().await;
    for name in ["ci-deploy (disabled)", "old-exporter (expired)"] {
        let t = tokens.iter().find(|t| t["name"] == name).unwrap();
        let (status, _) = s
            .lookup(t["token"].as_str().unwrap(), t["token"].as_str().unwrap())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}");
        let (status, _) = s
            .get(
                &format!("/api/v2/apiTokens/{}", t["id"].as_str().unwrap()),
                Some(&s.admin),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{name}");
    }
}

#[tokio::test]
async fn unknown_tokens_are_404_without_a_body_and_bad_input_is_400() {
    let s = start(Config::default()).await;
    let spec = schemas();
    let (status, body) = s
        .get(
            "/api/v2/apiTokens/dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA",
            Some(&s.admin),
        )
        .await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, ""));
    let (status, body) = s.lookup(&s.admin, "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, ""));

    let (status, body) = s.get("/api/v2/apiTokens/not-an-id!", Some(&s.admin)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_schema(&spec.v2, "ErrorEnvelope", &body);
    assert!(body.contains("constraintViolations"));

    let (status, _, body) = s
        .call(
            Method::POST,
            "/api/v2/apiTokens/lookup",
            Some(&s.admin),
            Some(json!({"nope": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_schema(&spec.v2, "ErrorEnvelope", &body);
}

#[tokio::test]
async fn activegate_tokens_with_and_without_the_removed_fields() {
    let s = start(Config::default()).await;
    let spec = schemas();
    for (id, has_fields) in [("dt0g02.4KWZO5EF", true), ("dt0g02.NEWFMT22", false)] {
        let (status, body) = s
            .get(&format!("/api/v2/activeGateTokens/{id}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert_schema(&spec.v2, "ActiveGateToken", &body);
        let t: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(t.get("seedToken").is_some(), has_fields, "{id}");
        assert_eq!(t.get("activeGateType").is_some(), has_fields, "{id}");
    }
    let (status, body) = s.get("/api/v2/activeGateTokens", Some(&s.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v2, "ActiveGateTokenList", &body);
    let (status, _) = s
        .get("/api/v2/activeGateTokens/dt0g02.4KWZO5EF", Some(EXAMPLE))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_v2_list_pages_filters_and_picks_fields() {
    let s = start(Config {
        extra_tokens: 250,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let (status, body) = s
        .get("/api/v2/apiTokens?pageSize=100", Some(&s.admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v2, "ApiTokenList", &body);
    let page: Value = serde_json::from_str(&body).unwrap();
    let total = page["totalCount"].as_u64().unwrap() as usize;
    assert!(total > 250);
    assert_eq!(page["apiTokens"].as_array().unwrap().len(), 100);
    assert_eq!(
        page["apiTokens"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .len(),
        5,
        "default fields"
    );

    // Follow the pages: only nextPageKey on follow-ups.
    let mut seen = page["apiTokens"].as_array().unwrap().len();
    let mut key = page["nextPageKey"].as_str().map(str::to_owned);
    while let Some(k) = key {
        let (status, body) = s
            .get(
                &format!("/api/v2/apiTokens?nextPageKey={k}"),
                Some(&s.admin),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let page: Value = serde_json::from_str(&body).unwrap();
        seen += page["apiTokens"].as_array().unwrap().len();
        key = page["nextPageKey"].as_str().map(str::to_owned);
        if key.is_none() {
            let (status, body) = s
                .get(
                    &format!("/api/v2/apiTokens?nextPageKey={k}&pageSize=100"),
                    Some(&s.admin),
                )
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        }
    }
    assert_eq!(seen, total);

    let (_, body) = s
        .get(
            "/api/v2/apiTokens?fields=%2Bscopes,-owner&apiTokenSelector=owner(%22john.smith%22)",
            Some(&s.admin),
        )
        .await;
    assert_schema(&spec.v2, "ApiTokenList", &body);
    let page: Value = serde_json::from_str(&body).unwrap();
    for t in page["apiTokens"].as_array().unwrap() {
        assert!(t.get("scopes").is_some() && t.get("owner").is_none(), "{t}");
    }
    let (_, body) = s.get("/api/v2/apiTokens?apiTokenSelector=scope(%22apiTokens.write%22),personalAccessToken(true)&fields=name", Some(&s.admin)).await;
    let page: Value = serde_json::from_str(&body).unwrap();
    assert!(page["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "automation-god-mode"));

    for bad in [
        "pageSize=5",
        "fields=%2Bnope",
        "apiTokenSelector=color(red)",
        "sort=shoeSize",
        "from=yesterday",
    ] {
        let (status, body) = s
            .get(&format!("/api/v2/apiTokens?{bad}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_schema(&spec.v2, "ErrorEnvelope", &body);
    }
}

#[tokio::test]
async fn the_v1_endpoints() {
    let s = start(Config::default()).await;
    let spec = schemas();
    let (status, body) = s.get("/api/v1/tokens", Some(&s.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v1, "StubList", &body);
    let list: Value = serde_json::from_str(&body).unwrap();
    assert!(list["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == "d5836312-5790-4e80-afcf-09971954c3ea"));

    let (_, body) = s
        .get(
            "/api/v1/tokens?permissions=DataExport&permissions=logs.read&limit=10",
            Some(&s.admin),
        )
        .await;
    let names: Vec<String> = serde_json::from_str::<Value>(&body).unwrap()["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["automation-god-mode"]);
    let (_, body) = s
        .get("/api/v1/tokens?user=john.smith", Some(&s.admin))
        .await;
    assert!(body.contains("myToken") && !body.contains("sandbox admin"));

    let (status, body) = s
        .get(
            "/api/v1/tokens/d5836312-5790-4e80-afcf-09971954c3ea",
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v1, "TokenMetadata", &body);
    let t: Value = serde_json::from_str(&body).unwrap();
    assert!(t["created"].is_i64(), "v1 dates are milliseconds");

    let (status, _, body) = s
        .call(
            Method::POST,
            "/api/v1/tokens/lookup",
            Some(EXAMPLE),
            Some(json!({"token": EXAMPLE})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v1, "TokenMetadata", &body);
    // The spec's minimum is 0.
    let (status, body) = s.get("/api/v1/tokens?limit=0", Some(&s.admin)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"values":[]}"#)
    );
    for bad in ["limit=1000001", "limit=-1", "from=yesterday", "to=1.5"] {
        let (status, body) = s
            .get(&format!("/api/v1/tokens?{bad}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_schema(&spec.v1, "ErrorEnvelope", &body);
    }
}

#[tokio::test]
async fn cors_on_and_off() {
    let on = start(Config::default()).await;
    let preflight = on.preflight("/api/v2/apiTokens/lookup", Some("POST")).await;
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://page.example"
    );
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("Authorization"));

    let off = start(Config {
        cors: false,
        ..Config::default()
    })
    .await;
    let preflight = off.preflight("/api/v2/apiTokens/lookup", None).await;
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let (status, headers, _) = off
        .call(
            Method::POST,
            "/api/v2/apiTokens/lookup",
            Some(EXAMPLE),
            Some(json!({"token": EXAMPLE})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn faults_and_rate_limits() {
    let s = start(Config::default()).await;
    let spec = schemas();
    let set = |kind: &str| json!({"kind": kind, "times": 1, "retryAfterSeconds": 9});
    let cases: &[(&str, u16, Option<&str>)] = &[
        ("rate-limit", 429, Some("application/json")),
        ("rate-limit-no-retry-after", 429, Some("application/json")),
        ("server-error", 500, Some("application/json")),
        ("service-unavailable", 503, None),
        ("proxy-html", 502, Some("text/html; charset=utf-8")),
        ("html-200", 200, Some("text/html; charset=utf-8")),
        ("malformed-json", 200, Some("application/json")),
        ("wrong-shape", 200, Some("application/json")),
        ("not-found-empty", 404, None),
    ];
    for (kind, status, content_type) in cases {
        let (st, _, _) = s
            .control(Method::PUT, "/_sandbox/fault", Some(set(kind)))
            .await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{kind}");
        let (st, headers, body) = s
            .call(
                Method::POST,
                "/api/v2/apiTokens/lookup",
                Some(EXAMPLE),
                Some(json!({"token": EXAMPLE})),
            )
            .await;
        assert_eq!(st.as_u16(), *status, "{kind}");
        assert_eq!(
            headers.get("content-type").map(|v| v.to_str().unwrap()),
            *content_type,
            "{kind}"
        );
        if *kind == "rate-limit" {
            assert_eq!(headers["retry-after"], "9");
            assert_schema(&spec.v2, "ErrorEnvelope", &body);
        }
        if *kind == "rate-limit-no-retry-after" {
            assert!(headers.get("retry-after").is_none());
        }
        // One time only: the next call is normal again.
        let (st, _) = s.lookup(EXAMPLE, EXAMPLE).await;
        assert_eq!(st, StatusCode::OK, "after {kind}");
    }

    let (st, _, _) = s
        .control(
            Method::PUT,
            "/_sandbox/fault",
            Some(json!({"kind": "hang"})),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let hung = s
        .client
        .get(format!("{}/api/v2/apiTokens/{EXAMPLE_ID}", s.base))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());
    s.control(Method::DELETE, "/_sandbox/fault", None).await;
    let (st, _, _) = s
        .control(
            Method::PUT,
            "/_sandbox/fault",
            Some(json!({"kind": "gremlins"})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    let limited = start(Config {
        rate_limit: Some(3),
        ..Config::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(limited.lookup(EXAMPLE, EXAMPLE).await.0.as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn the_read_only_endpoints_say_so() {
    let s = start(Config::default()).await;
    let (status, _, body) = s
        .call(
            Method::DELETE,
            &format!("/api/v2/apiTokens/{EXAMPLE_ID}"),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_schema(&schemas().v2, "ErrorEnvelope", &body);
}

#[test]
fn a_large_environment_starts_quickly() {
    let started = Instant::now();
    let sandbox: Arc<Sandbox> = Sandbox::new(Config {
        extra_tokens: 100_000,
        ..Config::default()
    });
    let elapsed = started.elapsed();
    assert_eq!(
        sandbox.store.read().unwrap().tokens.len(),
        100_000 + 5_000 + 12,
        "the API tokens, one ActiveGate token for every 20, the demo tokens"
    );
    // A figure, not a pass/fail: debug builds are several times slower than release.
    eprintln!(
        "100,000 generated tokens built in {} ms (debug build)",
        elapsed.as_millis()
    );
}
