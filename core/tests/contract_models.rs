//! The models against Dynatrace's own examples (copied into `core/data/examples/`, see its
//! README): every example parses into its model, with the values it shows, and lenient where
//! Dynatrace's examples and releases are sloppy.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use dt_core::dynatrace::{
    decode_response, ActiveGateToken, ActiveGateTokenList, ActiveGateType, ApiError, ApiToken,
    ApiTokenList, ApiTokenSecret, EntityShortRepresentation, ErrorEnvelope, StubList,
    TokenMetadata,
};
use serde::de::DeserializeOwned;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/examples");

fn example<T: DeserializeOwned>(file: &str) -> T {
    let path = format!("{EXAMPLES}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} does not parse: {e}"))
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Each example file, and the model that must accept it. A file added to the folder without
/// an entry here fails `every_example_file_is_covered`.
fn parse_as_its_model(file: &str) -> Result<(), String> {
    fn check<T: DeserializeOwned>(file: &str) -> Result<(), String> {
        let text =
            std::fs::read_to_string(format!("{EXAMPLES}/{file}")).map_err(|e| e.to_string())?;
        serde_json::from_str::<T>(&text)
            .map(drop)
            .map_err(|e| format!("{file}: {e}"))
    }
    match file {
        "docs-api-token-get-by-id.json"
        | "docs-api-token-lookup.json"
        | "docs-api-token-lookup-early-adopter.json"
        | "openapi-v2-ApiToken-properties.json" => check::<ApiToken>(file),
        "docs-activegate-token-model.json"
        | "docs-activegate-token-example.json"
        | "openapi-v2-ActiveGateToken-properties.json" => check::<ActiveGateToken>(file),
        "openapi-v2-ApiTokenList.json" | "openapi-v2-ApiTokenList-properties.json" => {
            check::<ApiTokenList>(file)
        }
        "openapi-v2-ActiveGateTokenList.json"
        | "openapi-v2-ActiveGateTokenList-properties.json" => check::<ActiveGateTokenList>(file),
        "docs-api-token-secret.json"
        | "docs-api-token-secret-early-adopter.json"
        | "openapi-v2-ApiTokenSecret-properties.json"
        | "openapi-v1-Token.json" => check::<ApiTokenSecret>(file),
        "docs-v1-stub-list-model.json"
        | "docs-v1-stub-list-example.json"
        | "openapi-v1-StubList.json" => check::<StubList>(file),
        "openapi-v1-EntityShortRepresentation.json" => check::<EntityShortRepresentation>(file),
        "openapi-v1-TokenMetadata.json" => check::<TokenMetadata>(file),
        other => Err(format!("{other}: no model assigned in contract_models.rs")),
    }
}

#[test]
fn every_example_file_is_covered_and_parses() {
    let files: BTreeSet<String> = std::fs::read_dir(EXAMPLES)
        .expect("core/data/examples exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    assert!(files.len() >= 20, "expected every example, found {files:?}");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| parse_as_its_model(f).err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_documented_api_token_reads_field_by_field() {
    let t: ApiToken = example("docs-api-token-lookup.json");
    assert_eq!(t.id.as_deref(), Some("dt0c01.ST2EY72KQINMH574WMNVI7YN"));
    assert_eq!(t.name.as_deref(), Some("myToken"));
    assert_eq!(t.enabled, Some(true));
    assert_eq!(t.personal_access_token, Some(true));
    assert_eq!(t.owner.as_deref(), Some("john.smith"));
    assert_eq!(t.creation_date, Some(utc("2020-11-05T08:15:30.144Z")));
    assert_eq!(t.modified_date, Some(utc("2020-11-12T08:15:30.144Z")));
    assert_eq!(t.expiration_date, Some(utc("2020-11-12T08:15:30.144Z")));
    assert_eq!(t.last_used_date, Some(utc("2020-11-12T08:15:30.144Z")));
    assert_eq!(t.last_used_ip_address.as_deref(), Some("34.197.2.44"));
    assert_eq!(t.scopes, Some(vec!["metrics.read".to_owned()]));
    let meta = t.additional_metadata.expect("additionalMetadata");
    assert_eq!(meta["dashboardId"], "82402bab-7370-4359-924d-88ed13c8919a");
    assert!(t.extra.is_empty(), "{:?}", t.extra);

    let get: ApiToken = example("docs-api-token-get-by-id.json");
    assert_eq!(get.id, Some("dt0c01.ST2EY72KQINMH574WMNVI7YN".into()));
}

#[test]
fn the_early_adopter_lookup_keeps_its_placeholder_scope_as_data() {
    let t: ApiToken = example("docs-api-token-lookup-early-adopter.json");
    assert_eq!(t.scopes, Some(vec!["string".to_owned()]));
    assert_eq!(t.modified_date, None);
    assert_eq!(t.additional_metadata, None);
}

#[test]
fn activegate_tokens_with_and_without_the_fields_release_1_338_removed() {
    let model: ActiveGateToken = example("docs-activegate-token-model.json");
    assert_eq!(model.id.as_deref(), Some("dt0g02.4KWZO5EF"));
    assert_eq!(model.seed_token, Some(false));
    assert_eq!(model.active_gate_type, Some(ActiveGateType::Environment));
    assert_eq!(model.expiration_date, Some(utc("2020-11-24T08:15:30.144Z")));

    let installer: ActiveGateToken = example("docs-activegate-token-example.json");
    assert_eq!(installer.name.as_deref(), Some("system:installer"));
    assert_eq!(installer.seed_token, Some(true));
    assert_eq!(
        installer.expiration_date, None,
        "no expirationDate: never expires"
    );
    assert_eq!(
        installer.last_used_date, None,
        "no lastUsedDate: never used"
    );

    let current: ActiveGateToken =
        serde_json::from_str(r#"{"id":"dt0g02.4KWZO5EF","name":"ag","owner":"me","creationDate":"2026-01-01T00:00:00Z"}"#).unwrap();
    assert_eq!((current.seed_token, current.active_gate_type), (None, None));

    let future: ActiveGateToken =
        serde_json::from_str(r#"{"activeGateType":"FEDERATED"}"#).unwrap();
    assert_eq!(
        future.active_gate_type,
        Some(ActiveGateType::Other("FEDERATED".into()))
    );
    assert_eq!(
        serde_json::to_value(&future).unwrap()["activeGateType"],
        "FEDERATED"
    );
    let cluster: ActiveGateToken =
        serde_json::from_str(r#"{"activeGateType":"CLUSTER","seedToken":null}"#).unwrap();
    assert_eq!(cluster.active_gate_type, Some(ActiveGateType::Cluster));
}

#[test]
fn the_openapi_list_examples_are_accepted_despite_their_strings_and_missing_brackets() {
    // Dynatrace's example: "pageSize": "1", "apiTokens": { ...one token... }, "disabled": "false".
    let list: ApiTokenList = example("openapi-v2-ApiTokenList.json");
    assert_eq!((list.page_size, list.total_count), (Some(1), Some(1)));
    assert_eq!(list.api_tokens.len(), 1);
    let token = &list.api_tokens[0];
    assert_eq!(token.personal_access_token, Some(true));
    assert_eq!(
        token.extra["disabled"], "false",
        "unknown fields are kept as sent"
    );
    assert_eq!(list.next_page_key, None);

    let ag: ActiveGateTokenList = example("openapi-v2-ActiveGateTokenList.json");
    assert_eq!((ag.page_size, ag.total_count), (Some(100), Some(1000)));
    assert_eq!(ag.active_gate_tokens.len(), 1);
    assert_eq!(ag.active_gate_tokens[0].seed_token, Some(false));
    assert!(ag
        .next_page_key
        .as_deref()
        .is_some_and(|k| k.starts_with("AAAA")));
}

#[test]
fn the_last_page_may_say_null() {
    let list: ApiTokenList = serde_json::from_str(
        r#"{"totalCount":2,"pageSize":200,"nextPageKey":null,"apiTokens":[{"id":"a"},{"id":"b"}]}"#,
    )
    .unwrap();
    assert_eq!(list.next_page_key, None);
    assert_eq!(list.api_tokens.len(), 2);
    let empty: ApiTokenList = serde_json::from_str(r#"{"totalCount":0,"apiTokens":null}"#).unwrap();
    assert!(empty.api_tokens.is_empty());
}

#[test]
fn v1_metadata_dates_are_milliseconds() {
    let t: TokenMetadata = example("openapi-v1-TokenMetadata.json");
    assert_eq!(
        t.id.as_deref(),
        Some("acbed0c4-4ef1-4303-991f-102510a69322")
    );
    assert_eq!(t.user_id.as_deref(), Some("john.smith"));
    assert_eq!(t.revoked, Some(true));
    assert_eq!(t.personal_access_token, Some(true));
    assert_eq!(
        t.created,
        Some(Utc.with_ymd_and_hms(2019, 4, 1, 0, 0, 0).unwrap())
    );
    assert_eq!(
        t.expires,
        Utc.timestamp_millis_opt(1_585_976_400_000).single()
    );
    assert_eq!(
        t.last_use,
        Utc.timestamp_millis_opt(1_554_354_000_000).single()
    );
    assert_eq!(t.scopes.as_deref().map(<[String]>::len), Some(3));
    // Written back the way v1 writes it.
    assert_eq!(
        serde_json::to_value(&t).unwrap()["created"],
        1_554_076_800_000_i64
    );
}

#[test]
fn v1_lists_hold_names_and_ids_only() {
    let list: StubList = example("docs-v1-stub-list-example.json");
    let names: Vec<_> = list
        .values
        .iter()
        .map(|v| v.name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, ["admin", "dev token", "devops"]);
    let model: StubList = example("docs-v1-stub-list-model.json");
    assert_eq!(model.values[2].name, None);
    assert_eq!(
        model.values[0].description.as_deref(),
        Some("Dynatrace entity 1 for the REST API example")
    );
}

#[test]
fn dates_are_read_leniently() {
    let expected = utc("2020-11-05T08:15:30Z");
    for date in [
        r#""2020-11-05T08:15:30Z""#,
        r#""2020-11-05T08:15:30.000Z""#,
        r#""2020-11-05T09:15:30+01:00""#,
        r#""2020-11-05T09:15:30.000+0100""#,
        r#""2020-11-05T08:15:30""#,
        "1604564130000",
        r#""1604564130000""#,
    ] {
        let t: ApiToken = serde_json::from_str(&format!(r#"{{"creationDate": {date}}}"#))
            .unwrap_or_else(|e| panic!("{date}: {e}"));
        assert_eq!(t.creation_date, Some(expected), "{date}");
    }
    let none: ApiToken = serde_json::from_str(
        r#"{"creationDate":null,"expirationDate":"","scopes":null,"enabled":null}"#,
    )
    .unwrap();
    assert_eq!(
        (
            none.creation_date,
            none.expiration_date,
            none.scopes,
            none.enabled
        ),
        (None, None, None, None)
    );
    assert!(serde_json::from_str::<ApiToken>(r#"{"creationDate":"yesterday"}"#).is_err());
    assert!(serde_json::from_str::<ApiToken>(r#"{"enabled":"yes"}"#).is_err());
}

#[test]
fn models_round_trip_without_losing_unknown_fields() {
    let text = r#"{"id":"dt0c01.X","scopes":["metrics.read","brandNew.scope"],"creationDate":"2020-11-05T08:15:30.144Z","futureField":{"a":1}}"#;
    let t: ApiToken = serde_json::from_str(text).unwrap();
    let back: ApiToken = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
    assert_eq!(back, t);
    assert_eq!(back.extra["futureField"]["a"], 1);
    assert_eq!(
        serde_json::to_value(&t).unwrap()["creationDate"],
        "2020-11-05T08:15:30.144Z"
    );
}

#[test]
fn the_lookup_body_never_shows_its_token() {
    let secret: ApiTokenSecret = example("docs-api-token-secret.json");
    let debug = format!("{secret:?}");
    assert!(
        !debug.contains("G3DFPBEJ") && !debug.contains("ST2EY72K"),
        "{debug}"
    );
    assert_eq!(
        serde_json::to_string(&secret).unwrap(),
        r#"{"token":"dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"}"#
    );
}

#[test]
fn error_envelopes_with_and_without_violations() {
    let env: ErrorEnvelope = serde_json::from_str(
        r#"{"error":{"code":400,"message":"Constraints violated.","constraintViolations":[{"path":"id","message":"must not be blank","parameterLocation":"PATH","location":null}]}}"#,
    )
    .unwrap();
    let body = env.error.unwrap();
    assert_eq!(body.code, Some(400));
    assert_eq!(
        body.constraint_violations[0].to_string(),
        "id (path): must not be blank"
    );
    let bare: ErrorEnvelope = serde_json::from_str(r#"{"error":{"code":401,"message":"Missing authorization parameter.","constraintViolations":null}}"#).unwrap();
    assert!(bare.error.unwrap().constraint_violations.is_empty());
}

#[test]
fn a_documented_example_decodes_through_the_classifier() {
    let body =
        std::fs::read_to_string(format!("{EXAMPLES}/docs-api-token-get-by-id.json")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    let t: ApiToken = decode_response(
        200,
        Some("application/json;charset=utf-8"),
        None,
        &body,
        now,
    )
    .unwrap();
    assert_eq!(t.name.as_deref(), Some("myToken"));
    let wrong: Result<ApiTokenList, ApiError> = decode_response(
        200,
        Some("application/json"),
        None,
        r#"{"apiTokens":[{"enabled":"maybe"}]}"#,
        now,
    );
    match wrong {
        Err(ApiError::UnexpectedShape { detail, .. }) => {
            assert_eq!(
                detail,
                r#"apiTokens[0].enabled: expected true or false, got string "maybe""#
            )
        }
        other => panic!("{other:?}"),
    }
}
