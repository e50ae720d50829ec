//! `--tokens N`: the generated environment shows every audit finding of the inventory, is the
//! same at every start with the same clock, and its answers fit Dynatrace's schemas.

mod common;

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use common::{assert_schema, schemas, start};
use dt_core::dynatrace::scopes::{self, Risk};
use dt_sandbox::data::{Kind, Token};
use dt_sandbox::{Config, Sandbox};
use reqwest::StatusCode;
use serde_json::Value;

fn clock() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-15T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn environment(api: usize, activegate: Option<usize>) -> Vec<Token> {
    let sandbox = Sandbox::new(Config {
        extra_tokens: api,
        activegate_tokens: activegate,
        clock: Some(clock()),
        ..Config::default()
    });
    let store = sandbox.store.read().unwrap();
    store
        .tokens
        .iter()
        .filter(|t| t.demo.is_none())
        .cloned()
        .collect()
}

/// Every finding the inventory's audit names, counted over the generated API tokens.
fn findings(tokens: &[Token], now: DateTime<Utc>) -> HashMap<&'static str, usize> {
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    let mut count = |name: &'static str, yes: bool| {
        *found.entry(name).or_default() += usize::from(yes);
    };
    let mut per_owner: HashMap<&str, usize> = HashMap::new();
    for t in tokens.iter().filter(|t| t.kind == Kind::Api) {
        *per_owner.entry(&t.owner).or_default() += 1;
        count("disabled but not deleted", !t.enabled);
        count("expired", t.expires.is_some_and(|e| e <= now));
        count(
            "expiring within 30 days",
            t.expires
                .is_some_and(|e| e > now && e <= now + Duration::days(30)),
        );
        count("never expires", t.expires.is_none());
        count("never used", t.last_used.is_none());
        count(
            "unused for 90 days",
            t.last_used.is_some_and(|u| u < now - Duration::days(90)),
        );
        let worst = scopes::worst(&t.scopes);
        count(
            "personal access token with token management",
            t.personal && worst == Some(Risk::TokenManagement),
        );
        for risk in Risk::ALL {
            count(
                risk.label(),
                t.scopes.iter().any(|s| scopes::classify(s) == risk),
            );
        }
    }
    found.insert(
        "owners holding more than 10",
        per_owner.values().filter(|n| **n > 10).count(),
    );
    found.insert("owners", per_owner.len());
    found
}

const FINDINGS: &[&str] = &[
    "disabled but not deleted",
    "expired",
    "expiring within 30 days",
    "never expires",
    "never used",
    "unused for 90 days",
    "personal access token with token management",
];

fn assert_every_finding(tokens: &[Token], now: DateTime<Utc>, owners_over_10: usize) {
    let found = findings(tokens, now);
    for name in FINDINGS {
        assert!(found[name] > 0, "no token shows {name:?}: {found:?}");
    }
    for risk in Risk::ALL {
        assert!(
            found[risk.label()] > 0,
            "no token holds a scope of class {:?}: {found:?}",
            risk.label()
        );
    }
    assert!(
        found["owners holding more than 10"] >= owners_over_10,
        "{found:?}"
    );
}

#[test]
fn a_few_hundred_tokens_show_every_finding() {
    let tokens = environment(300, None);
    let now = clock();
    assert_eq!(
        tokens.iter().filter(|t| t.kind == Kind::Api).count(),
        300,
        "--tokens counts API tokens"
    );
    assert_eq!(
        tokens.iter().filter(|t| t.kind == Kind::ActiveGate).count(),
        15,
        "one ActiveGate token for every 20 API tokens"
    );
    assert_every_finding(&tokens, now, 3);
    let found = findings(&tokens, now);
    assert!(found["owners"] >= 50, "owners spread: {found:?}");
    // Every finding is a minority, as in a real environment.
    for name in ["disabled but not deleted", "expired", "never used"] {
        assert!(found[name] < 60, "{name}: {found:?}");
    }
}

#[test]
fn even_a_handful_shows_each_finding_and_a_hundred_thousand_every_one() {
    let now = clock();
    let few = environment(40, Some(0));
    let found = findings(&few, now);
    for name in FINDINGS {
        assert!(found[name] > 0, "40 tokens: no {name:?}: {found:?}");
    }
    for risk in Risk::ALL {
        assert!(found[risk.label()] > 0, "40 tokens: {risk:?}");
    }

    let many = environment(100_000, None);
    assert_every_finding(&many, now, 4);
    let ag = many.iter().filter(|t| t.kind == Kind::ActiveGate).count();
    assert_eq!(ag, 5_000);
    let ids: HashSet<&str> = many.iter().map(|t| t.id.as_str()).collect();
    let secrets: HashSet<&str> = many.iter().map(|t| t.secret.as_str()).collect();
    assert_eq!(
        (ids.len(), secrets.len()),
        (many.len(), many.len()),
        "IDs and secrets unique"
    );
}

#[test]
fn tokens_are_realistic() {
    let now = clock();
    let tokens = environment(2_000, None);
    let api: Vec<&Token> = tokens.iter().filter(|t| t.kind == Kind::Api).collect();

    // Names say what a token is for, and vary.
    let names: HashSet<&str> = api.iter().map(|t| t.name.as_str()).collect();
    assert!(names.len() > 500, "{} distinct names", names.len());
    assert!(api.iter().all(|t| !t.name.starts_with("generated-")));
    assert!(names.iter().any(|n| n.contains("otel-collector")));

    // Dates spread over years, in a consistent order.
    let oldest = api.iter().map(|t| t.created).min().unwrap();
    let newest = api.iter().map(|t| t.created).max().unwrap();
    assert!(oldest < now - Duration::days(4 * 365), "{oldest}");
    assert!(newest > now - Duration::days(30), "{newest}");
    let used: Vec<DateTime<Utc>> = api.iter().filter_map(|t| t.last_used).collect();
    assert!(used.iter().any(|u| *u > now - Duration::days(1)));
    assert!(used.iter().any(|u| *u < now - Duration::days(365)));
    for t in &api {
        assert!(t.created < now, "{}", t.name);
        if let Some(u) = t.last_used {
            assert!(u >= t.created && u <= now, "{}: used {u}", t.name);
            if let Some(e) = t.expires {
                assert!(u <= e, "{}: used {u} after it expired {e}", t.name);
            }
        }
        if let Some(e) = t.expires {
            assert!(e > t.created, "{}", t.name);
            // Dynatrace deletes an expired token after about a week.
            assert!(e > now - Duration::days(8), "{}: expired {e}", t.name);
        }
        if let Some(m) = t.modified {
            assert!(m >= t.created && m <= now, "{}", t.name);
        }
        // Every use records an address; no use, no address.
        assert_eq!(t.last_used.is_some(), t.last_ip.is_some(), "{}", t.name);
        if let Some(ip) = &t.last_ip {
            assert!(ip.parse::<IpAddr>().is_ok(), "{ip}");
        }
        // A personal access token holds only what a personal access token may hold.
        if t.personal {
            for s in &t.scopes {
                assert!(
                    scopes::scope_info(s).is_some_and(|i| i.personal_access_token),
                    "{}: personal access token with {s}",
                    t.name
                );
            }
        }
        assert!(!t.scopes.is_empty());
    }
    assert!(api
        .iter()
        .any(|t| t.last_ip.as_deref().is_some_and(|ip| ip.contains(':'))));
    assert!(api.iter().any(|t| t.additional.is_some()));

    // Owners: a few hold a great many, most hold one or a few.
    let mut per_owner: HashMap<&str, usize> = HashMap::new();
    for t in &api {
        *per_owner.entry(t.owner.as_str()).or_default() += 1;
    }
    let mut counts: Vec<usize> = per_owner.values().copied().collect();
    counts.sort_unstable();
    assert!(counts[counts.len() - 1] > 100, "{counts:?}");
    assert!(counts[counts.len() / 2] <= 5, "median {counts:?}");

    // ActiveGate tokens: some expired, some never expiring, both shapes.
    let ag: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.kind == Kind::ActiveGate)
        .collect();
    assert_eq!(ag.len(), 100);
    assert!(ag.iter().any(|t| t.expires.is_some_and(|e| e <= now)));
    assert!(ag.iter().any(|t| t.expires.is_none()));
    assert!(ag.iter().any(|t| t.ag_type.is_none()) && ag.iter().any(|t| t.ag_type.is_some()));
    assert!(ag.iter().all(|t| t.id.len() == "dt0g02.".len() + 8));
}

#[test]
fn the_same_clock_gives_the_same_environment() {
    let key = |t: &Token| {
        (
            t.secret.clone(),
            t.name.clone(),
            t.owner.clone(),
            t.enabled,
            t.personal,
            t.created,
            t.expires,
            t.last_used,
            t.last_ip.clone(),
            t.scopes.clone(),
        )
    };
    let a: Vec<_> = environment(500, None).iter().map(key).collect();
    let b: Vec<_> = environment(500, None).iter().map(key).collect();
    assert_eq!(a, b);
    // A larger environment starts with the same tokens.
    let c: Vec<_> = environment(800, Some(25)).iter().map(key).collect();
    assert_eq!(a[..500], c[..500]);
}

#[tokio::test]
async fn generated_answers_fit_the_schemas() {
    let s = start(Config {
        extra_tokens: 400,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let page = s
        .json(
            "/api/v2/apiTokens?pageSize=1000&fields=%2Bscopes,%2BexpirationDate,%2BlastUsedDate,%2BlastUsedIpAddress,%2BpersonalAccessToken,%2BmodifiedDate,%2BadditionalMetadata",
            &s.admin,
        )
        .await;
    assert_schema(&spec.v2, "ApiTokenList", &page.to_string());
    let ids: Vec<String> = page["apiTokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 409);
    for id in ids.iter().step_by(37) {
        let (status, body) = s
            .get(&format!("/api/v2/apiTokens/{id}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert_schema(&spec.v2, "ApiToken", &body);
        let (status, body) = s.get(&format!("/api/v1/tokens/{id}"), Some(&s.admin)).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert_schema(&spec.v1, "TokenMetadata", &body);
    }
    let ag = s
        .json("/api/v2/activeGateTokens?pageSize=100", &s.admin)
        .await;
    assert_schema(&spec.v2, "ActiveGateTokenList", &ag.to_string());
    assert_eq!(ag["totalCount"].as_u64(), Some(20 + 3));
    let sample: Vec<Value> = ag["activeGateTokens"].as_array().unwrap().clone();
    for t in sample.iter().take(5) {
        let id = t["id"].as_str().unwrap();
        let (status, body) = s
            .get(&format!("/api/v2/activeGateTokens/{id}"), Some(&s.admin))
            .await;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert_schema(&spec.v2, "ActiveGateToken", &body);
    }
}
