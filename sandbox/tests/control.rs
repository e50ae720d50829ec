//! The control API (`/_sandbox/*`) answers only a caller on this machine that holds the admin
//! token, and never with a CORS header: a web page open during `make demo` can neither read
//! the demo tokens nor switch faults. Each refusal, then the allowed case.

mod common;

use common::{assert_schema, schemas, start, Server, EXAMPLE};
use dt_sandbox::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A control call with exactly these `Host` and `Authorization` headers (`None`: left out;
/// reqwest then sends the real `Host`, `127.0.0.1:<port>`).
async fn control(
    s: &Server,
    method: Method,
    path: &str,
    host: Option<&str>,
    auth: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut req = s.client.request(method, format!("{}{path}", s.base));
    if let Some(h) = host {
        req = req.header("Host", h);
    }
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    if path == "/_sandbox/fault" {
        req = req.json(&json!({"kind": "server-error"}));
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

fn port(s: &Server) -> &str {
    s.base.rsplit(':').next().unwrap()
}

/// Nothing a refused caller could use: no token of the sandbox in the answer, and the fault
/// that a refused PUT asked for is not switched on.
async fn assert_refused(
    s: &Server,
    answer: (StatusCode, reqwest::header::HeaderMap, String),
    expected: StatusCode,
    what: &str,
) {
    let (status, headers, body) = answer;
    assert_eq!(status, expected, "{what}: {body}");
    assert_schema(&schemas().v2, "ErrorEnvelope", &body);
    for t in s.demo_tokens().await {
        let token = t["token"].as_str().unwrap();
        assert!(!body.contains(token), "{what}: the answer holds a token");
    }
    let cors: Vec<_> = headers
        .keys()
        .filter(|k| k.as_str().starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{what}: {cors:?}");
    let (status, _) = s.lookup(EXAMPLE, EXAMPLE).await;
    assert_eq!(status, StatusCode::OK, "{what}: a fault was switched on");
}

#[tokio::test]
async fn without_a_token_the_control_api_refuses() {
    let s = start(Config::default()).await;
    for (method, path) in [
        (Method::GET, "/_sandbox/tokens"),
        (Method::PUT, "/_sandbox/fault"),
        (Method::DELETE, "/_sandbox/fault"),
        (Method::GET, "/_sandbox/whatever-comes-next"),
        (Method::GET, "/_sandbox"),
    ] {
        let answer = control(&s, method.clone(), path, None, None).await;
        assert!(answer.2.contains("needs the admin token"), "{}", answer.2);
        assert_refused(
            &s,
            answer,
            StatusCode::UNAUTHORIZED,
            &format!("{method} {path}"),
        )
        .await;
    }
}

#[tokio::test]
async fn a_wrong_token_is_refused() {
    let s = start(Config::default()).await;
    let admin_secret = s.admin.rsplit('.').next().unwrap().to_owned();
    let wrong = [
        // A valid token of the sandbox, but not the admin token.
        format!("Api-Token {EXAMPLE}"),
        // The admin token in another scheme, or only its secret.
        format!("Bearer {}", s.admin),
        format!("Api-Token {admin_secret}"),
        format!("Api-Token {}X", s.admin),
        format!("Api-Token {}", &s.admin[..s.admin.len() - 1]),
        "Api-Token".to_owned(),
        String::new(),
    ];
    for auth in &wrong {
        for (method, path) in [
            (Method::GET, "/_sandbox/tokens"),
            (Method::PUT, "/_sandbox/fault"),
        ] {
            let answer = control(&s, method.clone(), path, None, Some(auth)).await;
            assert_refused(
                &s,
                answer,
                StatusCode::UNAUTHORIZED,
                &format!("{method} {path} with {auth:?}"),
            )
            .await;
        }
    }
    // The token in the query string, as the API allows, does not open the control API.
    let answer = control(
        &s,
        Method::GET,
        &format!("/_sandbox/tokens?api-token={}", s.admin),
        None,
        None,
    )
    .await;
    assert_refused(
        &s,
        answer,
        StatusCode::UNAUTHORIZED,
        "api-token in the query",
    )
    .await;
}

#[tokio::test]
async fn a_host_that_is_not_loopback_is_refused_even_with_the_admin_token() {
    let s = start(Config::default()).await;
    let auth = format!("Api-Token {}", s.admin);
    let p = port(&s);
    // What a page on a rebound name sends, and look-alikes of the loopback names.
    for host in [
        "attacker.example".to_owned(),
        format!("attacker.example:{p}"),
        format!("127.0.0.1.attacker.example:{p}"),
        format!("localhost.attacker.example:{p}"),
        format!("127.0.0.2:{p}"),
        format!("0.0.0.0:{p}"),
        format!("[::2]:{p}"),
        format!("[::1]x:{p}"),
        "[::1".to_owned(),
        "localhost:".to_owned(),
        "localhost:port".to_owned(),
        format!("localhost:{p}:{p}"),
        format!("127.0.0.1:{p}@attacker.example"),
        String::new(),
    ] {
        for (method, path) in [
            (Method::GET, "/_sandbox/tokens"),
            (Method::PUT, "/_sandbox/fault"),
        ] {
            let answer = control(&s, method.clone(), path, Some(&host), Some(&auth)).await;
            if answer.0 == StatusCode::BAD_REQUEST && answer.2.is_empty() {
                // hyper itself turned away a Host header that is not one: refused as well.
                continue;
            }
            assert!(
                answer.2.contains("127.0.0.1, localhost or [::1]"),
                "{host:?}: {}",
                answer.2
            );
            assert_refused(
                &s,
                answer,
                StatusCode::FORBIDDEN,
                &format!("{method} {path} to Host {host:?}"),
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_cross_origin_preflight_gets_no_cors_headers() {
    for cors in [true, false] {
        let s = start(Config {
            cors,
            ..Config::default()
        })
        .await;
        for (path, method) in [
            ("/_sandbox/fault", "PUT"),
            ("/_sandbox/fault", "DELETE"),
            ("/_sandbox/tokens", "GET"),
            ("/_sandbox/health", "GET"),
        ] {
            let res = s.preflight(path, Some(method)).await;
            let what = format!("preflight of {method} {path}, cors {cors}");
            assert!(!res.status().is_success(), "{what}: {}", res.status());
            let found: Vec<_> = res
                .headers()
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .collect();
            assert!(found.is_empty(), "{what}: {found:?}");
        }
        // A cross-origin call that carries the token anyway (a page cannot know it, but even
        // then) is answered without CORS headers, so the page cannot read the answer.
        let res = s
            .client
            .get(format!("{}/_sandbox/tokens", s.base))
            .header("Origin", "http://page.example")
            .header("Authorization", format!("Api-Token {}", s.admin))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res
            .headers()
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")));
    }
}

#[tokio::test]
async fn the_admin_token_from_a_loopback_host_is_allowed() {
    let s = start(Config::default()).await;
    let auth = format!("Api-Token {}", s.admin);
    let p = port(&s);
    for host in [
        format!("127.0.0.1:{p}"),
        "127.0.0.1".to_owned(),
        format!("localhost:{p}"),
        format!("LocalHost:{p}"),
        "localhost".to_owned(),
        format!("[::1]:{p}"),
        "[::1]".to_owned(),
    ] {
        let (status, headers, body) = control(
            &s,
            Method::GET,
            "/_sandbox/tokens",
            Some(&host),
            Some(&auth),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{host}: {body}");
        assert!(headers
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")));
        let tokens: Vec<Value> = serde_json::from_str(&body).unwrap();
        assert!(tokens.iter().any(|t| t["token"] == EXAMPLE), "{host}");
    }
    // The scheme name is case-insensitive, as in the API.
    let lower = format!("api-token {}", s.admin);
    let (status, _, _) = control(&s, Method::PUT, "/_sandbox/fault", None, Some(&lower)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = s.lookup(EXAMPLE, EXAMPLE).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "the fault is on");
    let (status, _, _) = control(&s, Method::DELETE, "/_sandbox/fault", None, Some(&auth)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = s.lookup(EXAMPLE, EXAMPLE).await;
    assert_eq!(status, StatusCode::OK, "the fault is off");
}

#[tokio::test]
async fn health_stays_open_and_says_nothing_else() {
    let s = start(Config::default()).await;
    for host in [None, Some("attacker.example")] {
        let (status, headers, body) =
            control(&s, Method::GET, "/_sandbox/health", host, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"status": "ok"})
        );
        assert!(headers
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")));
    }
}

#[tokio::test]
async fn the_control_paths_cannot_be_reached_by_another_spelling() {
    let s = start(Config::default()).await;
    for path in [
        "/%5Fsandbox/tokens",
        "/_sandbox%2Ftokens",
        "//_sandbox/tokens",
        "/_sandbox//tokens",
        "/api/../_sandbox/tokens",
        "/_SANDBOX/tokens",
    ] {
        let (status, _, body) = control(&s, Method::GET, path, None, None).await;
        assert_ne!(status, StatusCode::OK, "{path}");
        assert!(!body.contains(EXAMPLE), "{path}: {body}");
    }
}
