//! The page parses API answers with the browser's `JSON.parse`; natively, serde_json does it.
//! Both must hand the models the same `Value`, in headless Chromium.
#![cfg(target_arch = "wasm32")]

use dt_token_checker::json::{parse, MAX_DEPTH};
use serde_json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Dynatrace's own examples (core/data/examples), as the models' contract tests read them.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "docs-api-token-get-by-id",
        include_str!("../core/data/examples/docs-api-token-get-by-id.json"),
    ),
    (
        "docs-api-token-lookup",
        include_str!("../core/data/examples/docs-api-token-lookup.json"),
    ),
    (
        "docs-activegate-token-example",
        include_str!("../core/data/examples/docs-activegate-token-example.json"),
    ),
    (
        "docs-v1-stub-list-example",
        include_str!("../core/data/examples/docs-v1-stub-list-example.json"),
    ),
    (
        "openapi-v1-TokenMetadata",
        include_str!("../core/data/examples/openapi-v1-TokenMetadata.json"),
    ),
    (
        "openapi-v2-ApiTokenList",
        include_str!("../core/data/examples/openapi-v2-ApiTokenList.json"),
    ),
    (
        "openapi-v2-ActiveGateTokenList",
        include_str!("../core/data/examples/openapi-v2-ActiveGateTokenList.json"),
    ),
];

#[wasm_bindgen_test]
fn the_browser_reads_dynatrace_examples_as_serde_json_does() {
    for (name, text) in EXAMPLES {
        let native: Value = serde_json::from_str(text).expect(name);
        assert_eq!(parse(text).as_ref(), Ok(&native), "{name}");
    }
}

#[wasm_bindgen_test]
fn every_json_type_survives() {
    let text = r#"{"s":"ünïcode \u2603 \ud83d\ude00","t":true,"f":false,"n":null,"i":-42,
        "big":1604564130000,"frac":0.5,"huge":1e300,"list":[1,"two",[3]],"o":{"k":{}}}"#;
    assert_eq!(
        parse(text),
        Ok(
            json!({"s": "ünïcode ☃ 😀", "t": true, "f": false, "n": null, "i": -42,
            "big": 1_604_564_130_000i64, "frac": 0.5, "huge": 1e300, "list": [1, "two", [3]],
            "o": {"k": {}}})
        )
    );
    // Past 2^53 a double is not exact: it stays a float rather than pretend to be an integer.
    assert!(parse("9007199254740993").unwrap().is_f64());
}

#[wasm_bindgen_test]
fn nesting_is_limited_like_serde_json() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&deep(MAX_DEPTH)).is_ok());
    assert_eq!(
        parse(&deep(10_000)),
        Err(format!("nested more than {MAX_DEPTH} levels deep"))
    );
}

#[wasm_bindgen_test]
fn broken_json_is_reported_without_quoting_a_token() {
    let token = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    let error = parse(&format!("{{\"token\": {token}}}")).unwrap_err();
    // The browser's own words (no prefix of ours: the error variant says it is broken JSON).
    assert!(error.starts_with("Unexpected token"), "{error}");
    assert!(
        !error.contains("G3DF") && !error.contains("ST2EY72K"),
        "{error}"
    );
    // Damaged (a zero-width space inside the secret, a wrong separator): still hidden.
    let damaged = "dt0c01-ST2EY72KQINMH574WMNVI7YN-G3DFPBEJYMOD\u{200B}IDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    let error = parse(&format!("[{damaged}]")).unwrap_err();
    assert!(
        !error.contains("G3DFPBEJ") && !error.contains("IDAEX454"),
        "{error}"
    );
    assert!(parse("").is_err());
    assert!(parse("{\"a\": 1,}").is_err());
}
