//! Fidelity: the documented examples fit Dynatrace's schemas, and so does every kind of answer
//! the sandbox gives, for every demo token.

mod common;

use common::{assert_schema, schemas, start, EXAMPLE};
use dt_sandbox::{Config, Fault, FaultKind};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Which schema a documented example is an instance of.
fn schema_of(example: &Value) -> &'static str {
    let id = example["id"].as_str().unwrap_or_default();
    if example.get("values").is_some() {
        "StubList"
    } else if example.get("token").is_some() {
        "ApiTokenSecret"
    } else if id.starts_with("dt0g02.") {
        "ActiveGateToken"
    } else {
        "ApiToken"
    }
}

#[test]
fn every_documented_example_parses_and_fits_the_schema() {
    let spec = schemas();
    // The documentation pages' JSON, as copied into core/data/examples (docs-*.json; see its
    // README, and core/tests/data_copies.rs for the check that the copies are complete).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/data/examples");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("docs-")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let example: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema = schema_of(&example);
        let doc = if schema == "StubList" {
            &spec.v1
        } else {
            &spec.v2
        };
        assert_schema(doc, schema, &text);
        checked.push(format!(
            "{} {schema}",
            path.file_name().unwrap().to_string_lossy()
        ));
    }
    eprintln!("documented examples checked: {checked:#?}");
    assert!(checked.len() >= 8, "{checked:?}");
}

/// The spec's own `example`s: all fit their schema but the two list examples, which have an
/// object for the list and strings for numbers or booleans. A client must not take them as
/// fixtures.
#[test]
fn the_spec_s_own_examples_fit_their_schemas_except_the_lists() {
    let spec = schemas();
    let mut misfits = Vec::new();
    for (doc, label) in [(&spec.v2, "v2"), (&spec.v1, "v1")] {
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            let Some(example) = schema.get("example") else {
                continue;
            };
            let instance = json!({ "$ref": format!("#/components/schemas/{name}"), "components": doc["components"] });
            let validator = jsonschema::options().build(&instance).unwrap();
            if !validator.is_valid(example) {
                misfits.push(format!("{label} {name}"));
            }
        }
    }
    assert_eq!(misfits, ["v2 ActiveGateTokenList", "v2 ApiTokenList"]);
}

#[tokio::test]
async fn every_demo_token_s_answers_fit_the_schemas() {
    let s = start(Config {
        extra_tokens: 50,
        ..Config::default()
    })
    .await;
    let spec = schemas();
    let demo = s.demo_tokens().await;
    for t in &demo {
        let id = t["id"].as_str().unwrap();
        if id.starts_with("dt0g02.") {
            let (status, body) = s
                .get(&format!("/api/v2/activeGateTokens/{id}"), Some(&s.admin))
                .await;
            assert_eq!(status, StatusCode::OK, "{id}");
            assert_schema(&spec.v2, "ActiveGateToken", &body);
        } else {
            let (status, body) = s
                .get(&format!("/api/v2/apiTokens/{id}"), Some(&s.admin))
                .await;
            assert_eq!(status, StatusCode::OK, "{id}");
            assert_schema(&spec.v2, "ApiToken", &body);
            let (status, body) = s.lookup(&s.admin, t["token"].as_str().unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{id}");
            assert_schema(&spec.v2, "ApiToken", &body);
        }
    }
    let every_field = "fields=%2BpersonalAccessToken,%2BexpirationDate,%2BlastUsedDate,%2BlastUsedIpAddress,%2BmodifiedDate,%2Bscopes,%2BadditionalMetadata";
    let (_, body) = s
        .get(
            &format!("/api/v2/apiTokens?pageSize=100&{every_field}"),
            Some(&s.admin),
        )
        .await;
    assert_schema(&spec.v2, "ApiTokenList", &body);
    let (_, body) = s.get("/api/v1/tokens", Some(&s.admin)).await;
    assert_schema(&spec.v1, "StubList", &body);
}

#[tokio::test]
async fn every_error_is_an_error_envelope() {
    let s = start(Config::default()).await;
    let spec = schemas();
    let not_json = s
        .client
        .post(format!("{}/api/v2/apiTokens/lookup", s.base))
        .header("Authorization", format!("Api-Token {}", s.admin))
        .body("{\"token\":")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_schema(&spec.v2, "ErrorEnvelope", &not_json.text().await.unwrap());

    let answers = [
        s.get("/api/v2/apiTokens/x", None).await,
        s.get("/api/v2/apiTokens/x", Some("dt0c01.NOPE")).await,
        s.get("/api/v2/apiTokens", Some(EXAMPLE)).await,
        s.get("/api/v2/apiTokens/dt0c01.", Some(&s.admin)).await,
        s.get(
            "/api/v2/activeGateTokens/dt0c01.ST2EY72KQINMH574WMNVI7YN",
            Some(&s.admin),
        )
        .await,
        s.get("/api/v2/apiTokens?pageSize=10001", Some(&s.admin))
            .await,
        s.get("/api/v2/apiTokens?from=soon", Some(&s.admin)).await,
    ];
    let codes: Vec<u16> = answers.iter().map(|(status, _)| status.as_u16()).collect();
    assert_eq!(codes, [401, 401, 403, 400, 400, 400, 400]);
    for (_, body) in &answers {
        assert_schema(&spec.v2, "ErrorEnvelope", body);
        let error: Value = serde_json::from_str(body).unwrap();
        assert!(
            error["error"]["code"].is_u64() && error["error"]["message"].is_string(),
            "{body}"
        );
    }
    // Missing body on lookup: a violation that names the field.
    let (status, _, body) = s
        .call(
            Method::POST,
            "/api/v2/apiTokens/lookup",
            Some(&s.admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["constraintViolations"][0]["path"], "token");

    for kind in [FaultKind::RateLimit, FaultKind::ServerError] {
        let fault = Fault {
            kind,
            times: Some(1),
            every: None,
            retry_after_seconds: None,
        };
        let faulty = start(Config {
            fault: Some(fault),
            ..Config::default()
        })
        .await;
        let (_, body) = faulty.get("/api/v2/apiTokens", Some(&faulty.admin)).await;
        assert_schema(&spec.v2, "ErrorEnvelope", &body);
    }
}
