//! No request makes the sandbox panic: random query strings, paths and headers against the
//! in-process router, each answered with a status Dynatrace would give and, for a 400, the
//! error envelope of Dynatrace's OpenAPI spec with constraint violations. Then the edge cases
//! found by hand (the `/w` alignment near chrono's earliest date, huge numbers, bytes that are
//! not UTF-8, a huge `Content-Length`), over a real connection where hyper is involved.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::Router;
use chrono::{NaiveDate, Utc};
use common::{schemas, start, EXAMPLE};
use dt_sandbox::{app, Config, Sandbox};
use proptest::prelude::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// One router and runtime for all cases; validators compiled once.
struct Harness {
    router: Router,
    admin: String,
    runtime: tokio::runtime::Runtime,
    v2: Value,
    v1: Value,
}

impl Harness {
    fn new() -> Self {
        let sandbox: Arc<Sandbox> = Sandbox::new(Config {
            extra_tokens: 30,
            ..Config::default()
        });
        let admin = sandbox.admin_token();
        let spec = schemas();
        Harness {
            router: app(sandbox),
            admin,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            v2: spec.v2,
            v1: spec.v1,
        }
    }

    /// The answer to `request`: status and body. A panic in the sandbox fails the case.
    fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8(body.to_vec()).unwrap())
        })
    }

    fn get(&self, target: &str, auth: Option<&[u8]>) -> Option<(StatusCode, String)> {
        let mut builder = Request::get(target).header(header::HOST, "127.0.0.1:8081");
        match auth {
            Some(value) => {
                builder =
                    builder.header(header::AUTHORIZATION, HeaderValue::from_bytes(value).ok()?)
            }
            None => {
                builder = builder.header(header::AUTHORIZATION, format!("Api-Token {}", self.admin))
            }
        }
        // A target that is no URI at all never reaches the sandbox: hyper refuses it first.
        let request = builder.body(Body::empty()).ok()?;
        Some(self.send(request))
    }
}

/// Holds `body` to `schema` of `spec`; a failure names the request.
fn assert_fits(spec: &Value, schema: &str, body: &str, what: &str) {
    let instance: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {body}"));
    let wrapped = json!({ "$ref": format!("#/components/schemas/{schema}"), "components": spec["components"] });
    let validator = jsonschema::options().build(&wrapped).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: {schema}: {errors:?}\n{body}");
}

/// A 400 as Dynatrace sends it: the envelope, code 400, and at least one violation that names
/// the parameter and where it was.
fn assert_constraint_violation(spec: &Value, body: &str, what: &str) {
    assert_fits(spec, "ErrorEnvelope", body, what);
    let error: Value = serde_json::from_str(body).unwrap();
    assert_eq!(error["error"]["code"], 400, "{what}: {body}");
    let violations = error["error"]["constraintViolations"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no constraintViolations: {body}"));
    assert!(!violations.is_empty(), "{what}");
    for v in violations {
        assert!(
            v["path"].as_str().is_some_and(|p| !p.is_empty()),
            "{what}: {body}"
        );
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: {body}"
        );
        assert!(
            matches!(
                v["parameterLocation"].as_str(),
                Some("QUERY" | "PATH" | "PAYLOAD_BODY")
            ),
            "{what}: {body}"
        );
    }
}

/// Any bytes as a query-string or path fragment: reserved and non-ASCII bytes percent-encoded,
/// so the target is always a URI (and may decode to bytes that are not UTF-8).
fn escape(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'+'
            | b','
            | b'('
            | b')'
            | b'!'
            | b'*'
            | b'\''
            | b':'
            | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Values that reach the edges: huge and negative numbers, every relative-time unit and
/// alignment with any count, dates at chrono's limits, page keys, selectors, field lists.
fn value() -> impl Strategy<Value = Vec<u8>> {
    let units = prop::sample::select(vec!["m", "h", "d", "w", "M", "y", "", "x", "s"]);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        any::<i64>().prop_map(|n| n.to_string().into_bytes()),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        "[0-9]{15,40}".prop_map(String::into_bytes),
        (any::<i64>(), units.clone(), prop::option::of(units)).prop_map(|(n, unit, align)| {
            let n = if n % 2 == 0 { n } else { n % 200_000_000 };
            let align = align.map(|a| format!("/{a}")).unwrap_or_default();
            format!("now-{}{unit}{align}", n.unsigned_abs()).into_bytes()
        }),
        "now(-[0-9]{0,12}[mhdwMy]?)?(/[mhdwMy])?".prop_map(String::into_bytes),
        "[+-]?[0-9]{1,7}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?".prop_map(String::into_bytes),
        "[0-9a-fA-F]{0,64}".prop_map(String::into_bytes),
        "(owner|scope|personalAccessToken|x)?\\(?\"?[a-z.,\"() ]{0,20}\\)?(,[a-z()\" ]{0,10})?".prop_map(String::into_bytes),
        "[+ -]?(id|name|scopes|owner|creationDate|lastUsedDate|expirationDate|modifiedDate|nope)(,[+-]?[a-zA-Z]{0,12}){0,4}".prop_map(String::into_bytes),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "pageSize",
            "nextPageKey",
            "apiTokenSelector",
            "fields",
            "sort",
            "from",
            "to",
            "limit",
            "user",
            "permissions",
            "api-token",
            "offset",
            "status",
            "kind"
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z]{0,8}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec((name(), value()), 0..5).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", escape(k.as_bytes()), escape(v)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn harness() -> &'static Harness {
    static HARNESS: std::sync::OnceLock<Harness> = std::sync::OnceLock::new();
    HARNESS.get_or_init(Harness::new)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_list_query_is_answered_200_or_400_as_the_spec_says(q in query()) {
        let h = harness();
        for (path, list) in [("/api/v2/apiTokens", "ApiTokenList"), ("/api/v2/activeGateTokens", "ActiveGateTokenList"), ("/api/v1/tokens", "StubList")] {
            let target = format!("{path}?{q}");
            let Some((status, body)) = h.get(&target, None) else { continue };
            let spec = if path.starts_with("/api/v1") { &h.v1 } else { &h.v2 };
            match status {
                StatusCode::OK => assert_fits(spec, list, &body, &target),
                StatusCode::BAD_REQUEST => assert_constraint_violation(spec, &body, &target),
                // `api-token` in the query is a credential: a wrong one fails to authenticate.
                StatusCode::UNAUTHORIZED if q.contains("api-token=") => assert_fits(spec, "ErrorEnvelope", &body, &target),
                other => panic!("{target}: {other}: {body}"),
            }
        }
    }

    /// The control API's generated tokens: 200 with tokens, or 400 in the error envelope.
    #[test]
    fn any_generated_tokens_query_is_answered_200_or_400(q in query()) {
        let h = harness();
        let target = format!("/_sandbox/generated?{q}");
        let Some((status, body)) = h.get(&target, None) else { return Ok(()) };
        match status {
            StatusCode::OK => {
                let answer: Value = serde_json::from_str(&body).unwrap();
                prop_assert!(answer["tokens"].is_array(), "{target}: {body}");
            }
            StatusCode::BAD_REQUEST => assert_fits(&h.v2, "ErrorEnvelope", &body, &target),
            other => panic!("{target}: {other}: {body}"),
        }
    }

    #[test]
    fn any_path_id_is_answered_200_400_or_404(id in prop::collection::vec(any::<u8>(), 1..60)) {
        let h = harness();
        for (path, schema) in [("/api/v2/apiTokens/", "ApiToken"), ("/api/v2/activeGateTokens/", "ActiveGateToken"), ("/api/v1/tokens/", "TokenMetadata")] {
            let target = format!("{path}{}", escape(&id));
            let Some((status, body)) = h.get(&target, None) else { continue };
            let spec = if path.starts_with("/api/v1") { &h.v1 } else { &h.v2 };
            match status {
                StatusCode::OK => assert_fits(spec, schema, &body, &target),
                StatusCode::BAD_REQUEST => assert_constraint_violation(spec, &body, &target),
                StatusCode::NOT_FOUND => {}
                other => panic!("{target}: {other}: {body}"),
            }
        }
    }

    #[test]
    fn any_authorization_header_is_answered_as_dynatrace_does(auth in prop::collection::vec(any::<u8>(), 0..120)) {
        let h = harness();
        let Some((status, body)) = h.get("/api/v2/apiTokens", Some(&auth)) else { return Ok(()) };
        prop_assert!(matches!(status.as_u16(), 200 | 401 | 403), "{status}: {body}");
        if status != StatusCode::OK {
            assert_fits(&h.v2, "ErrorEnvelope", &body, "authorization");
        }
        // And the control API refuses it (it is not the admin token, but by chance).
        let request = Request::get("/_sandbox/tokens")
            .header(header::HOST, "127.0.0.1")
            .header(header::AUTHORIZATION, HeaderValue::from_bytes(&auth).unwrap())
            .body(Body::empty())
            .unwrap();
        let (status, _) = h.send(request);
        prop_assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn any_host_header_on_the_control_api_is_refused_unless_loopback(host in prop::collection::vec(any::<u8>(), 0..40)) {
        let h = harness();
        let Ok(value) = HeaderValue::from_bytes(&host) else { return Ok(()) };
        let request = Request::get("/_sandbox/tokens")
            .header(header::HOST, value)
            .header(header::AUTHORIZATION, format!("Api-Token {}", h.admin))
            .body(Body::empty())
            .unwrap();
        let (status, _) = h.send(request);
        let loopback = dt_sandbox::http::is_loopback_host(&String::from_utf8_lossy(&host));
        prop_assert_eq!(status, if loopback { StatusCode::OK } else { StatusCode::FORBIDDEN });
    }

    #[test]
    fn any_lookup_body_is_answered_without_a_panic(body in prop::collection::vec(any::<u8>(), 0..200)) {
        let h = harness();
        for path in ["/api/v2/apiTokens/lookup", "/api/v1/tokens/lookup"] {
            let request = Request::post(path)
                .header(header::AUTHORIZATION, format!("Api-Token {}", h.admin))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.clone()))
                .unwrap();
            let (status, answer) = h.send(request);
            prop_assert!(matches!(status.as_u16(), 200 | 400 | 404), "{path}: {status}: {answer}");
            if status == StatusCode::BAD_REQUEST {
                assert_fits(if path.contains("v1") { &h.v1 } else { &h.v2 }, "ErrorEnvelope", &answer, path);
            }
        }
    }
}

/// The panic the issue names: `from=now-<n>d/w`, where n days back lands in the first days of
/// chrono's calendar, so that the Monday of that week lies before its first date.
#[test]
fn week_alignment_at_the_earliest_date_is_a_400() {
    let h = harness();
    let days_to_min = (Utc::now().date_naive() - NaiveDate::MIN).num_days();
    let mut answers = Vec::new();
    for back in days_to_min - 10..=days_to_min + 2 {
        for parameter in ["from", "to"] {
            let target = format!("/api/v2/apiTokens?{parameter}=now-{back}d%2Fw");
            let (status, body) = h.get(&target, None).unwrap();
            match status {
                StatusCode::OK => {}
                StatusCode::BAD_REQUEST => assert_constraint_violation(&h.v2, &body, &target),
                other => panic!("{target}: {other}"),
            }
            answers.push(status.as_u16());
        }
    }
    assert!(
        answers.contains(&400),
        "the earliest weeks reach past chrono's first date: {answers:?}"
    );
}

#[test]
fn huge_and_odd_values_are_400s_that_name_the_parameter() {
    let h = harness();
    for (query, parameter) in [
        ("pageSize=99999999999999999999999", "pageSize"),
        ("pageSize=-1", "pageSize"),
        ("from=now-9999999999999d", "from"),
        ("from=now-2147483647w", "from"),
        ("from=now-2147483647y", "from"),
        ("from=99999999999999999999", "from"),
        ("from=9223372036854775807", "from"),
        (
            "nextPageKey=ffffffffffffffffffffffffffffffffffffff7c",
            "nextPageKey",
        ),
        ("nextPageKey=%FF%FE", "nextPageKey"),
        ("fields=%FF", "fields"),
        ("sort=%C0", "sort"),
        ("apiTokenSelector=owner(%22%FF", "apiTokenSelector"),
    ] {
        let target = format!("/api/v2/apiTokens?{query}");
        let (status, body) = h.get(&target, None).unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}: {body}");
        assert_constraint_violation(&h.v2, &body, &target);
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            error["error"]["constraintViolations"][0]["path"], parameter,
            "{target}"
        );
    }
    // Dates at chrono's limits: a page or a 400, whichever chrono makes of them.
    for query in [
        "to=-262144-01-01T00:00:00Z",
        "to=-262143-01-01T00:00%2B01:00",
        "to=%2B262143-12-31T23:59:59.999-01:00",
        "from=%2B262142-12-31T23:59:59.999999999Z",
        "from=-262144-01-01%2000:00",
    ] {
        let target = format!("/api/v2/apiTokens?{query}");
        let (status, body) = h.get(&target, None).unwrap();
        match status {
            StatusCode::OK => assert_fits(&h.v2, "ApiTokenList", &body, &target),
            StatusCode::BAD_REQUEST => assert_constraint_violation(&h.v2, &body, &target),
            other => panic!("{target}: {other}"),
        }
    }
    for (query, parameter) in [
        ("limit=99999999999999999999", "limit"),
        ("from=-9223372036854775808", "from"),
        ("to=9223372036854775807", "to"),
    ] {
        let target = format!("/api/v1/tokens?{query}");
        let (status, body) = h.get(&target, None).unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            error["error"]["constraintViolations"][0]["path"], parameter,
            "{target}"
        );
    }
    // A page key whose offset is as large as it gets: an empty page, not an overflow.
    let key = dt_sandbox::query::page_key(usize::MAX, &vec![]);
    let (status, body) = h
        .get(&format!("/api/v2/apiTokens?nextPageKey={key}"), None)
        .unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["apiTokens"], json!([]));
    assert!(page.get("nextPageKey").is_none());
}

#[test]
fn ids_that_are_not_utf8_are_400s() {
    let h = harness();
    for (target, parameter) in [
        ("/api/v2/apiTokens/%FF%FE", "id"),
        (
            "/api/v2/activeGateTokens/dt0g02.%C0",
            "activeGateTokenIdentifier",
        ),
        ("/api/v1/tokens/%80", "id"),
    ] {
        let (status, body) = h.get(target, None).unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}: {body}");
        let spec = if target.contains("v1") { &h.v1 } else { &h.v2 };
        assert_constraint_violation(spec, &body, target);
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["constraintViolations"][0]["path"], parameter);
    }
}

/// Over a real connection: what hyper sees first (a `Content-Length` too large for a number,
/// or larger than the sandbox reads) and headers that are not UTF-8.
#[tokio::test]
async fn huge_content_lengths_and_raw_bytes_over_the_wire() {
    let s = start(Config::default()).await;
    let address = s.base.trim_start_matches("http://").to_owned();
    let raw = |head: Vec<u8>| {
        let address = address.clone();
        async move {
            let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
            stream.write_all(&head).await.unwrap();
            let mut answer = Vec::new();
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                stream.read_to_end(&mut answer),
            )
            .await;
            String::from_utf8_lossy(&answer).into_owned()
        }
    };
    let status_of = |answer: &str| answer.split(' ').nth(1).unwrap_or_default().to_owned();
    let admin = s.admin.clone();
    // Lengths that are no number hyper accepts: hyper refuses them before the sandbox sees them
    // (400, or 431 for u64::MAX). A length the sandbox sees: its own 400, from the header alone.
    for (length, refused_by) in [
        ("99999999999999999999999", "hyper"),
        ("18446744073709551615", "hyper"),
        ("10485760", "sandbox"),
        ("1048577", "sandbox"),
    ] {
        for path in ["/api/v2/apiTokens/lookup", "/api/v1/tokens/lookup"] {
            let head = format!("POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Api-Token {admin}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{{\"token\":\"x\"}}");
            let answer = raw(head.into_bytes()).await;
            let what = format!("Content-Length {length} on {path}: {answer}");
            if refused_by == "hyper" {
                assert!(
                    matches!(status_of(&answer).as_str(), "400" | "431"),
                    "{what}"
                );
            } else {
                assert_eq!(status_of(&answer), "400", "{what}");
                let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
                let spec = if path.contains("v1") {
                    &schemas().v1
                } else {
                    &schemas().v2
                };
                assert_constraint_violation(spec, body, &what);
            }
        }
    }
    let mut head = format!("GET /api/v2/apiTokens HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nAuthorization: Api-Token ").into_bytes();
    head.extend_from_slice(b"\xff\xfe\x80\r\nX-Forwarded-For: \xc0\xc1\r\n\r\n");
    let answer = raw(head).await;
    assert_eq!(status_of(&answer), "401", "{answer}");
    let mut head = format!("GET /api/v2/apiTokens?fields=%FF HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nAuthorization: Api-Token {admin}\r\nX-Forwarded-For: ").into_bytes();
    head.extend_from_slice(b"\xc0\xc1\r\n\r\n");
    let answer = raw(head).await;
    assert_eq!(status_of(&answer), "400", "{answer}");
    // The sandbox still answers normally afterwards.
    let (status, _) = s.lookup(EXAMPLE, EXAMPLE).await;
    assert_eq!(status, StatusCode::OK);
}

/// The control API's fault body at the edges of its numbers: taken or refused, never a panic.
#[tokio::test]
async fn fault_numbers_at_their_limits() {
    let s = start(Config::default()).await;
    let max = json!({"kind": "rate-limit", "times": u32::MAX, "retryAfterSeconds": u64::MAX});
    let (status, _, _) = s
        .control(reqwest::Method::PUT, "/_sandbox/fault", Some(max))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, headers, _) = s
        .call(
            reqwest::Method::POST,
            "/api/v2/apiTokens/lookup",
            Some(EXAMPLE),
            Some(json!({"token": EXAMPLE})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], u64::MAX.to_string().as_str());
    for bad in [
        json!({"kind": "rate-limit", "retryAfterSeconds": 1e30}),
        json!({"kind": "rate-limit", "retryAfterSeconds": -1}),
        json!({"kind": "rate-limit", "times": 4294967296u64}),
        json!({"kind": "rate-limit", "times": -1}),
        json!({"kind": ["rate-limit"]}),
        json!(null),
    ] {
        let (status, _, body) = s
            .control(reqwest::Method::PUT, "/_sandbox/fault", Some(bad.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_fits(&schemas().v2, "ErrorEnvelope", &body, &bad.to_string());
    }
}
