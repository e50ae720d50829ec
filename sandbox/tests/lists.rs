//! The list endpoints' query languages, as Dynatrace's spec describes them.

mod common;

use common::{assert_schema, schemas, start, Server};
use dt_sandbox::Config;
use reqwest::StatusCode;
use serde_json::Value;

fn names(page: &Value, items: &str) -> Vec<String> {
    page[items]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect()
}

async fn api_names(s: &Server, query: &str) -> Vec<String> {
    names(
        &s.json(&format!("/api/v2/apiTokens?{query}"), &s.admin)
            .await,
        "apiTokens",
    )
}

#[tokio::test]
async fn sorting_follows_the_documented_orders() {
    let s = start(Config::default()).await;
    let by_name = api_names(&s, "sort=name").await;
    let mut sorted = by_name.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(by_name, sorted);
    assert_eq!(
        api_names(&s, "sort=-name").await,
        sorted.iter().rev().cloned().collect::<Vec<_>>()
    );

    // `+expirationDate`: soonest first, unlimited last; `-`: unlimited first.
    let soonest = api_names(&s, "sort=%2BexpirationDate").await;
    assert_eq!(
        soonest.first().map(String::as_str),
        Some("old-exporter (expired)")
    );
    assert_eq!(soonest.get(1).map(String::as_str), Some("k8s-operator"));
    let latest = api_names(&s, "sort=-expirationDate").await;
    assert!(
        [
            "never-used",
            "sandbox admin",
            "admin",
            "Dashboard sharing: SRE overview"
        ]
        .contains(&latest[0].as_str()),
        "{latest:?}"
    );

    // `+lastUsedDate`: never used first. `-lastUsedDate`: the admin, which just made this call.
    assert_eq!(
        api_names(&s, "sort=lastUsedDate")
            .await
            .first()
            .map(String::as_str),
        Some("never-used")
    );
    assert_eq!(
        api_names(&s, "sort=-lastUsedDate")
            .await
            .first()
            .map(String::as_str),
        Some("sandbox admin")
    );

    // Default: newest first.
    let page = s
        .json("/api/v2/apiTokens?fields=creationDate", &s.admin)
        .await;
    let dates: Vec<&str> = page["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["creationDate"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[tokio::test]
async fn selectors_combine_with_and_while_scopes_combine_with_or() {
    let s = start(Config::default()).await;
    let either = api_names(
        &s,
        "apiTokenSelector=scope(%22ViewDashboard%22,%22logs.ingest%22)",
    )
    .await;
    assert_eq!(either.len(), 2, "{either:?}");
    assert!(
        either.contains(&"never-used".to_owned())
            && either.contains(&"Dashboard sharing: SRE overview".to_owned())
    );
    let both = api_names(
        &s,
        "apiTokenSelector=owner(%22john.smith%22),personalAccessToken(true)",
    )
    .await;
    assert_eq!(both, ["myToken"]);
    let none = s
        .json(
            "/api/v2/apiTokens?apiTokenSelector=owner(%22nobody%22)",
            &s.admin,
        )
        .await;
    assert_eq!(
        (none["totalCount"].as_u64(), none.get("nextPageKey")),
        (Some(0), None)
    );
}

#[tokio::test]
async fn from_and_to_filter_on_last_use() {
    let s = start(Config::default()).await;
    // The admin used itself for this very call, the dangerous token 12 minutes ago.
    let recent = api_names(&s, "from=now-30m").await;
    assert_eq!(recent.len(), 2, "{recent:?}");
    assert!(
        recent.contains(&"sandbox admin".to_owned())
            && recent.contains(&"automation-god-mode".to_owned())
    );
    let old = api_names(&s, "to=2021-01-01T00:00:00Z").await;
    assert_eq!(
        old,
        ["myToken"],
        "the documented example was last used in November 2020"
    );
    let millis = chrono::Utc::now().timestamp_millis() - 30 * 60 * 1000;
    assert_eq!(api_names(&s, &format!("from={millis}")).await.len(), 2);
    assert!(
        api_names(&s, "from=2020-11-01%2000:00&to=2020-11-30%2023:59")
            .await
            .contains(&"myToken".to_owned())
    );

    // v1: milliseconds only.
    let v1 = s
        .json(&format!("/api/v1/tokens?from={millis}"), &s.admin)
        .await;
    assert_eq!(names(&v1, "values").len(), 2);
    let (status, _) = s.get("/api/v1/tokens?from=now-30m", Some(&s.admin)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn follow_up_pages_keep_the_first_request_s_query() {
    let s = start(Config {
        extra_tokens: 300,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let first = s.json("/api/v2/apiTokens?pageSize=100&fields=%2Bscopes&apiTokenSelector=scope(%22metrics.read%22,%22metrics.ingest%22)", &s.admin).await;
    let total = first["totalCount"].as_u64().unwrap();
    let key = first["nextPageKey"].as_str().unwrap().to_owned();
    let (status, body) = s
        .get(
            &format!("/api/v2/apiTokens?nextPageKey={key}"),
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&spec.v2, "ApiTokenList", &body);
    let second: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(second["totalCount"].as_u64(), Some(total));
    for t in second["apiTokens"].as_array().unwrap() {
        assert!(
            t["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == "metrics.read" || s == "metrics.ingest"),
            "{t}"
        );
    }
    let (status, body) = s
        .get("/api/v2/apiTokens?nextPageKey=not-a-key", Some(&s.admin))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("\"parameterLocation\":\"QUERY\""), "{body}");
}

#[tokio::test]
async fn legacy_tokens_are_listed_in_v2_too() {
    let s = start(Config::default()).await;
    let page = s.json("/api/v2/apiTokens?fields=%2Bscopes", &s.admin).await;
    assert!(page["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == "d5836312-5790-4e80-afcf-09971954c3ea"));
    let (status, _) = s
        .get(
            "/api/v2/apiTokens/d5836312-5790-4e80-afcf-09971954c3ea",
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn activegate_pages_are_100_to_3000() {
    let s = start(Config::default()).await;
    let page = s.json("/api/v2/activeGateTokens", &s.admin).await;
    assert_eq!(
        (page["pageSize"].as_u64(), page["totalCount"].as_u64()),
        (Some(100), Some(3))
    );
    assert_eq!(
        s.json("/api/v2/activeGateTokens?pageSize=3000", &s.admin)
            .await["pageSize"]
            .as_u64(),
        Some(3000)
    );
    for bad in ["pageSize=99", "pageSize=3001", "pageSize=many"] {
        let (status, _) = s
            .get(&format!("/api/v2/activeGateTokens?{bad}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

/// Pages of a large environment, followed to the end, in the order asked for: each token once.
#[tokio::test]
async fn every_page_of_a_large_environment_in_order() {
    let s = start(Config {
        extra_tokens: 25_000,
        activegate_tokens: Some(6_500),
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let mut names = Vec::new();
    let mut ids = std::collections::HashSet::new();
    let mut pages = 0;
    let (status, body) = s
        .get(
            "/api/v2/apiTokens?pageSize=10000&sort=name&fields=name",
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut page: Value = serde_json::from_str(&body).unwrap();
    loop {
        pages += 1;
        assert_eq!(page["pageSize"].as_u64(), Some(10_000));
        assert_eq!(page["totalCount"].as_u64(), Some(25_009));
        for t in page["apiTokens"].as_array().unwrap() {
            names.push(t["name"].as_str().unwrap().to_lowercase());
            assert!(ids.insert(t["id"].as_str().unwrap().to_owned()), "{t}");
        }
        let Some(key) = page["nextPageKey"].as_str().map(str::to_owned) else {
            break;
        };
        page = s
            .json(&format!("/api/v2/apiTokens?nextPageKey={key}"), &s.admin)
            .await;
    }
    assert_eq!((pages, ids.len()), (3, 25_009));
    assert!(
        names.windows(2).all(|w| w[0] <= w[1]),
        "sorted by name across pages"
    );
    // 10,000 is the largest page.
    let (status, body) = s
        .get("/api/v2/apiTokens?pageSize=10001", Some(&s.admin))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_schema(&spec.v2, "ErrorEnvelope", &body);

    // ActiveGate tokens: pages of up to 3,000, then nextPageKey alone.
    let mut seen = std::collections::HashSet::new();
    let mut page = s
        .json("/api/v2/activeGateTokens?pageSize=3000", &s.admin)
        .await;
    let mut sizes = Vec::new();
    loop {
        assert_schema(&spec.v2, "ActiveGateTokenList", &page.to_string());
        let tokens = page["activeGateTokens"].as_array().unwrap();
        sizes.push(tokens.len());
        for t in tokens {
            assert!(seen.insert(t["id"].as_str().unwrap().to_owned()));
        }
        let Some(key) = page["nextPageKey"].as_str().map(str::to_owned) else {
            break;
        };
        let (status, _) = s
            .get(
                &format!("/api/v2/activeGateTokens?nextPageKey={key}&pageSize=3000"),
                Some(&s.admin),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "nextPageKey with another parameter"
        );
        page = s
            .json(
                &format!("/api/v2/activeGateTokens?nextPageKey={key}"),
                &s.admin,
            )
            .await;
    }
    assert_eq!(sizes, [3000, 3000, 503]);
    assert_eq!(seen.len(), 6_503);
}
