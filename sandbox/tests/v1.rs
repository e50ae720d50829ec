//! The deprecated v1 token API over a generated environment, as Dynatrace documents it:
//! `GET /api/v1/tokens` with `limit`, `user`, `permissions` (every one required), `from`/`to`
//! (last use, UTC milliseconds), and `GET /api/v1/tokens/{id}`; both need `TenantTokenManagement`.

mod common;

use std::collections::HashSet;

use common::{assert_schema, schemas, start, Server, EXAMPLE};
use dt_sandbox::Config;
use reqwest::StatusCode;
use serde_json::Value;

async fn v1_ids(s: &Server, query: &str) -> Vec<String> {
    let list = s.json(&format!("/api/v1/tokens?{query}"), &s.admin).await;
    list["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every API token of the environment, with all fields, from the v2 list.
async fn every_token(s: &Server) -> Vec<Value> {
    let page = s
        .json(
            "/api/v2/apiTokens?pageSize=10000&fields=%2Bscopes,%2BlastUsedDate,%2BpersonalAccessToken,%2BexpirationDate",
            &s.admin,
        )
        .await;
    assert!(page.get("nextPageKey").is_none());
    page["apiTokens"].as_array().unwrap().clone()
}

fn millis(date: &Value) -> Option<i64> {
    date.as_str().map(|d| {
        chrono::DateTime::parse_from_rfc3339(d)
            .unwrap()
            .timestamp_millis()
    })
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn the_list_filters_as_documented() {
    let s = start(Config {
        extra_tokens: 1_500,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let all = every_token(&s).await;

    // No parameter: at most 1000 (the default limit), short representations only.
    let (status, body) = s.get("/api/v1/tokens", Some(&s.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v1, "StubList", &body);
    let list: Value = serde_json::from_str(&body).unwrap();
    let values = list["values"].as_array().unwrap();
    assert_eq!(values.len(), 1000, "the default limit");
    for v in values {
        let keys: HashSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys.is_subset(&HashSet::from(["id", "name", "description"])),
            "{v}"
        );
    }
    assert_eq!(v1_ids(&s, "limit=1000000").await.len(), all.len());
    assert_eq!(v1_ids(&s, "limit=7").await.len(), 7);

    // `user`: exactly the owner's tokens, as v2's owner() selector finds them.
    let owner = "ci-bot@company.example";
    let expected: Vec<String> = all
        .iter()
        .filter(|t| t["owner"] == owner)
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() > 10, "{}", expected.len());
    let by_user = v1_ids(&s, &format!("user={owner}&limit=1000000")).await;
    assert!(sorted(by_user) == sorted(expected), "user={owner}");
    assert!(v1_ids(&s, "user=nobody%40nowhere.example").await.is_empty());

    // `permissions`, repeated: a token must have all of them.
    let with = |t: &Value, scope: &str| t["scopes"].as_array().unwrap().iter().any(|s| s == scope);
    let expected: Vec<String> = all
        .iter()
        .filter(|t| with(t, "settings.write") && with(t, "WriteConfig"))
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let only_settings = all.iter().filter(|t| with(t, "settings.write")).count();
    assert!(!expected.is_empty() && expected.len() < only_settings);
    let both = v1_ids(
        &s,
        "permissions=settings.write&permissions=WriteConfig&limit=1000000",
    )
    .await;
    assert!(sorted(both) == sorted(expected.clone()), "permissions");
    // The spec's array has unique items: the same scope twice asks nothing more.
    let twice = v1_ids(
        &s,
        "permissions=settings.write&permissions=WriteConfig&permissions=WriteConfig&limit=1000000",
    )
    .await;
    assert!(sorted(twice) == sorted(expected), "permissions twice");

    // `from`/`to`: last use in UTC milliseconds; never-used tokens match no bound.
    let mut used: Vec<i64> = all
        .iter()
        .filter_map(|t| millis(&t["lastUsedDate"]))
        .collect();
    used.sort_unstable();
    let (from, to) = (used[used.len() / 4], used[used.len() / 2]);
    let expected: Vec<String> = all
        .iter()
        .filter(|t| millis(&t["lastUsedDate"]).is_some_and(|u| u >= from && u <= to))
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let between = v1_ids(&s, &format!("from={from}&to={to}&limit=1000000")).await;
    assert!(between.len() > 100);
    assert!(sorted(between) == sorted(expected), "from={from}&to={to}");

    // All together.
    let combined = v1_ids(
        &s,
        &format!("user={owner}&permissions=metrics.ingest&from={from}&limit=1000000"),
    )
    .await;
    let expected: Vec<String> = all
        .iter()
        .filter(|t| {
            t["owner"] == owner
                && with(t, "metrics.ingest")
                && millis(&t["lastUsedDate"]).is_some_and(|u| u >= from)
        })
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!expected.is_empty());
    assert!(sorted(combined) == sorted(expected), "combined");
}

#[tokio::test]
async fn bad_values_are_400s_in_the_error_envelope() {
    let s = start(Config::default()).await;
    let spec = schemas();
    for (bad, parameter) in [
        ("limit=-1", "limit"),
        ("limit=1000001", "limit"),
        ("limit=ten", "limit"),
        ("from=yesterday", "from"),
        ("from=2021-01-25T05:57:01Z", "from"),
        ("to=1.5", "to"),
        ("permissions=superpowers", "permissions"),
        ("permissions=metrics.read&permissions=", "permissions"),
    ] {
        let (status, body) = s
            .get(&format!("/api/v1/tokens?{bad}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_schema(&spec.v1, "ErrorEnvelope", &body);
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            error["error"]["constraintViolations"][0]["path"], parameter,
            "{bad}: {body}"
        );
    }
    // AppMonIntegration: in the spec's enum, though retired.
    let (status, _) = s
        .get(
            "/api/v1/tokens?permissions=AppMonIntegration",
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn one_token_s_metadata_and_404_for_an_unknown_id() {
    let s = start(Config {
        extra_tokens: 200,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let all = every_token(&s).await;
    for t in all.iter().step_by(23) {
        let id = t["id"].as_str().unwrap();
        let (status, body) = s.get(&format!("/api/v1/tokens/{id}"), Some(&s.admin)).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert_schema(&spec.v1, "TokenMetadata", &body);
        let v1: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v1["id"], t["id"]);
        assert_eq!(v1["name"], t["name"]);
        assert_eq!(v1["userId"], t["owner"]);
        assert_eq!(v1["revoked"].as_bool(), t["enabled"].as_bool().map(|e| !e));
        assert_eq!(v1["personalAccessToken"], t["personalAccessToken"]);
        assert_eq!(v1["scopes"], t["scopes"]);
        assert_eq!(v1["created"].as_i64(), millis(&t["creationDate"]));
        assert_eq!(v1["expires"].as_i64(), millis(&t["expirationDate"]));
        // The admin's own calls move its last use; no other token's.
        if t["name"] != "sandbox admin" {
            assert_eq!(v1["lastUse"].as_i64(), millis(&t["lastUsedDate"]));
        }
    }

    // Unknown: 404 with v1's error envelope (v2 answers its 404 with no body).
    for unknown in [
        "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA",
        "6a98d7bc-abb9-44f8-ae6a-73e68e71812a",
        "dt0g02.4KWZO5EF",
    ] {
        let (status, body) = s
            .get(&format!("/api/v1/tokens/{unknown}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
        assert_schema(&spec.v1, "ErrorEnvelope", &body);
        assert!(!body.contains(unknown), "the path is not quoted: {body}");
    }
}

#[tokio::test]
async fn v1_needs_tenant_token_management() {
    let s = start(Config::default()).await;
    // The documented example token holds metrics.read only.
    for path in [
        "/api/v1/tokens",
        "/api/v1/tokens/dt0c01.ST2EY72KQINMH574WMNVI7YN",
    ] {
        let (status, body) = s.get(path, Some(EXAMPLE)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(body.contains("TenantTokenManagement"), "{body}");
        let (status, _) = s.get(path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    // The legacy demo token holds it.
    let legacy = s.token("admin").await;
    let (status, _) = s.get("/api/v1/tokens", Some(&legacy)).await;
    assert_eq!(status, StatusCode::OK);
}
