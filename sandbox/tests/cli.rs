//! The `dt-sandbox` binary: flags, the start-up lines, a large environment, shutdown; and the
//! behaviour switches that tests of the app rely on (static files, no CORS on the control API,
//! faults from the command line, latency).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{start, EXAMPLE};
use dt_sandbox::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_dt-sandbox");
const SECRET: &str = "CLITESTADMIN2222222222222222222222222222222222222222222222222222";

#[test]
fn bad_flags_exit_2_with_a_message_and_the_usage() {
    for (args, says) in [
        (&["--bogus"][..], "unknown argument"),
        (&["--tokens", "many"], "--tokens"),
        (&["--tokens"], "needs a value"),
        (&["--listen", "0.0.0.0:8081"], "not a loopback address"),
        (&["--listen", "localhost"], "--listen"),
        (&["--fault", "gremlins"], "--fault"),
        (&["--admin-token", "short"], "--admin-token"),
        (&["--rate-limit", "0"], "--rate-limit"),
        (&["--tokens", "99999999999"], "--tokens"),
        (
            &["--retry-after", "7"],
            "--retry-after goes with --fault rate-limit",
        ),
        (&["--fault", "hang", "--retry-after", "7"], "--retry-after"),
        (
            &["--fault", "rate-limit", "--retry-after", "soon"],
            "--retry-after",
        ),
        (&["--serve-dir", "/nonexistent-dir"], "index.html"),
        // A seeded clock with a typo stops the start, never becomes 1970.
        (
            &["--now", "2026-13-01T00:00:00Z"],
            "--now \"2026-13-01T00:00:00Z\" is not a time",
        ),
        (&["--now", "2026-02-30T00:00:00Z"], "--now"),
        (&["--now", "2026-01-01"], "--now"),
        (&["--now", "0"], "--now"),
        (&["--now", "1970-01-01T00:00:00Z"], "from year 2000"),
        (&["--now"], "needs a value"),
        (&["--activegate-tokens", "-3"], "--activegate-tokens"),
        (&["--fault-every", "3"], "--fault-every goes with --fault"),
        (
            &["--fault", "rate-limit", "--fault-every", "0"],
            "--fault-every",
        ),
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr.contains(says) && stderr.contains("usage: dt-sandbox"),
            "{args:?}: {stderr}"
        );
    }
}

/// Starts the binary on a free port; returns it with its base URL and the time to the first line.
fn spawn(extra: &[&str]) -> (Child, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--admin-token", SECRET])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let elapsed = started.elapsed();
    let base = first
        .trim()
        .strip_prefix("dt-sandbox listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    (child, base, elapsed)
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "no graceful exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn starts_announces_itself_and_stops_on_sigterm() {
    let (mut child, base, elapsed) = spawn(&[]);
    eprintln!(
        "default environment: first line after {} ms (debug build)",
        elapsed.as_millis()
    );
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let res = reqwest::get(format!("{base}/_sandbox/health"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(terminate(&mut child).success());
}

#[tokio::test]
async fn a_hundred_thousand_tokens() {
    let (mut child, base, elapsed) = spawn(&["--tokens", "100000"]);
    eprintln!(
        "--tokens 100000: first line after {} ms (debug build)",
        elapsed.as_millis()
    );
    let admin = format!("dt0c01.SANDBOXADMIN222222222222.{SECRET}");
    let client = reqwest::Client::new();
    let page: Value = client
        .get(format!("{base}/api/v2/apiTokens?pageSize=10000"))
        .header("Authorization", format!("Api-Token {admin}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["totalCount"].as_u64(),
        Some(100_000 + 9),
        "the generated tokens and the nine demo API tokens"
    );
    assert_eq!(page["apiTokens"].as_array().map(Vec::len), Some(10_000));
    assert!(terminate(&mut child).success());
}

#[tokio::test]
async fn serves_the_app_with_a_fallback_to_index_html() {
    let dir = std::env::temp_dir().join(format!("dt-sandbox-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dir.join("app.js"), "console.log(1)").unwrap();
    let s = start(Config {
        serve_dir: Some(dir.clone()),
        ..Config::default()
    })
    .await;
    for (path, body) in [
        ("/", "<!doctype html><title>app</title>"),
        ("/app.js", "console.log(1)"),
        ("/check/some/route", "<!doctype html><title>app</title>"),
    ] {
        let (status, text) = s.get(path, None).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, body), "{path}");
    }
    // The API is never answered by the page.
    let (status, body) = s.get("/api/v2/nothing", Some(&s.admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.starts_with("{\"error\""), "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_control_api_sends_no_cors_headers_with_cors_on_or_off() {
    let on = start(Config::default()).await;
    // A page's preflight before PUT /_sandbox/fault: no CORS header, so the browser stops there.
    let preflight = on.preflight("/_sandbox/fault", Some("PUT")).await;
    assert_no_cors(preflight.headers(), "preflight, CORS on");
    // Even the allowed call, with the admin token, carries none.
    let (status, headers, _) = on.control(Method::GET, "/_sandbox/tokens", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_no_cors(&headers, "GET /_sandbox/tokens, CORS on");
    let health = on
        .client
        .get(format!("{}/_sandbox/health", on.base))
        .header("Origin", "http://page.example")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_no_cors(health.headers(), "health, CORS on");
    // The API itself keeps its CORS.
    let api = on.preflight("/api/v2/apiTokens/lookup", None).await;
    assert_eq!(
        api.headers()["access-control-allow-methods"],
        "GET, POST, OPTIONS"
    );
    assert_eq!(
        api.headers()["access-control-expose-headers"],
        "Retry-After"
    );
    assert!(api.headers().get("access-control-max-age").is_some());

    let off = start(Config {
        cors: false,
        ..Config::default()
    })
    .await;
    let (status, headers, _) = off
        .control(
            Method::PUT,
            "/_sandbox/fault",
            Some(json!({"kind": "server-error", "times": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_no_cors(&headers, "PUT /_sandbox/fault, CORS off");
    let (status, _) = off.lookup(EXAMPLE, EXAMPLE).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, headers, _) = off
        .call(Method::OPTIONS, "/api/v2/apiTokens/lookup", None, None)
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(headers.get("access-control-allow-origin").is_none());
}

fn assert_no_cors(headers: &reqwest::header::HeaderMap, what: &str) {
    let cors: Vec<&str> = headers
        .keys()
        .map(|k| k.as_str())
        .filter(|k| k.starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{what}: {cors:?}");
}

/// Started without `--admin-token`, the sandbox makes up an admin token, prints it, and the
/// control API takes exactly that one (this is how `make demo` runs).
#[tokio::test]
async fn a_generated_admin_token_is_printed_and_opens_the_control_api() {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    let base = next()
        .strip_prefix("dt-sandbox listening on ")
        .expect("first line")
        .to_owned();
    let admin = loop {
        if next().starts_with("Access token for looking up IDs") {
            break next().trim().to_owned();
        }
    };
    assert!(admin.starts_with("dt0c01.SANDBOXADMIN"), "{admin}");
    assert_ne!(
        admin,
        format!("dt0c01.SANDBOXADMIN222222222222.{SECRET}"),
        "generated, not fixed"
    );
    let client = reqwest::Client::new();
    let tokens = |auth: Option<String>| {
        let mut req = client.get(format!("{base}/_sandbox/tokens"));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        req.send()
    };
    assert_eq!(
        tokens(None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let listed: Value = tokens(Some(format!("Api-Token {admin}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["token"] == admin.as_str()));
    assert!(terminate(&mut child).success());
}

/// The browser tests start one sandbox per fault, so the rate limit's Retry-After is a flag.
#[tokio::test]
async fn a_fault_from_the_command_line_with_its_retry_after() {
    let (mut child, base, _) = spawn(&["--fault", "rate-limit", "--retry-after", "7"]);
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let res = client
            .post(format!("{base}/api/v2/apiTokens/lookup"))
            .header("Authorization", format!("Api-Token {EXAMPLE}"))
            .json(&json!({ "token": EXAMPLE }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()["retry-after"], "7");
    }
    assert!(terminate(&mut child).success());
}

/// A bench starts the sandbox with its flags: a fixed clock gives the same generated tokens at
/// every start, and `--fault-every` limits one request in N.
#[tokio::test]
async fn a_fixed_clock_repeats_and_faults_come_every_nth_request() {
    let flags = [
        "--tokens",
        "300",
        "--activegate-tokens",
        "7",
        "--now",
        "2026-06-01T08:00:00+02:00",
        "--fault",
        "rate-limit-no-retry-after",
        "--fault-every",
        "3",
    ];
    let admin = format!("dt0c01.SANDBOXADMIN222222222222.{SECRET}");
    let client = reqwest::Client::new();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (mut child, base, _) = spawn(&flags);
        let generated: Value = client
            .get(format!("{base}/_sandbox/generated?limit=400"))
            .header("Authorization", format!("Api-Token {admin}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(generated["total"], 307);
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let res = client
                .get(format!("{base}/api/v2/apiTokens?pageSize=1000&fields=%2BexpirationDate,%2BlastUsedDate"))
                .header("Authorization", format!("Api-Token {admin}"))
                .send()
                .await
                .unwrap();
            assert!(res.headers().get("retry-after").is_none());
            statuses.push(res.status().as_u16());
            if res.status() == StatusCode::OK {
                let page: Value = res.json().await.unwrap();
                // The clock starts where --now says: nothing was created after it.
                for t in page["apiTokens"].as_array().unwrap() {
                    assert!(
                        t["creationDate"].as_str().unwrap() < "2026-06-01T06:00:01",
                        "{t}"
                    );
                }
            }
        }
        assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
        runs.push(generated);
        assert!(terminate(&mut child).success());
    }
    assert_eq!(runs[0], runs[1], "the same tokens at each start");
}

#[test]
fn the_help_lists_every_flag_and_the_control_api() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--tokens N",
        "--activegate-tokens N",
        "--now TIME",
        "--fault-every N",
        "--rate-limit N",
        "GET /_sandbox/generated",
        "PUT /_sandbox/fault",
        "GET /_sandbox/fault",
        "GET /_sandbox/load",
        "DELETE /_sandbox/load",
        "\"every\": 10",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

// Behaviour, not speed: with a latency of a minute, the control API still answers (within a
// generous 20 s, so a loaded machine cannot fail it) while a look-up has not answered after 2 s
// (the sandbox sleeps before answering, so this cannot pass early or flake).
#[tokio::test]
async fn latency_delays_the_api_only() {
    let s = start(Config {
        latency: Duration::from_secs(60),
        ..Config::default()
    })
    .await;
    let health =
        tokio::time::timeout(Duration::from_secs(20), s.get("/_sandbox/health", None)).await;
    assert!(
        health.is_ok(),
        "the control API waited for the API's latency"
    );
    let lookup = tokio::time::timeout(Duration::from_secs(2), s.lookup(EXAMPLE, EXAMPLE)).await;
    assert!(lookup.is_err(), "the look-up answered before its latency");
}

// The load the sandbox sees, for the bench and the pool's tests: requests waiting out their
// latency count as being answered. With a minute of latency the three look-ups are all still
// there when it is read, so nothing here depends on timing.
#[tokio::test]
async fn the_load_counts_requests_being_answered_at_once() {
    let s = std::sync::Arc::new(
        start(Config {
            latency: Duration::from_secs(60),
            ..Config::default()
        })
        .await,
    );
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.lookup(EXAMPLE, EXAMPLE).await })
        })
        .collect();
    let load = || async {
        let (status, _, body) = s.control(Method::GET, "/_sandbox/load", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let mut seen = load().await;
    for _ in 0..200 {
        if seen["now"] == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = load().await;
    }
    assert_eq!(seen, json!({"now": 3, "mostAtOnce": 3, "requests": 3}));
    let (status, _, _) = s.control(Method::DELETE, "/_sandbox/load", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The three still wait: they are the most at once now; no request has come since.
    assert_eq!(
        load().await,
        json!({"now": 3, "mostAtOnce": 3, "requests": 0})
    );
    for call in calls {
        call.abort();
    }
}
