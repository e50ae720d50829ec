//! The widget's options, as a host page passes them, in headless Chromium.
#![cfg(target_arch = "wasm32")]

use dt_token_checker::MountOptions;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn object(source: &str) -> JsValue {
    js_sys::JSON::parse(source).expect("test JSON")
}

#[wasm_bindgen_test]
fn absent_options_mean_the_defaults() {
    assert_eq!(
        MountOptions::from_js(&JsValue::UNDEFINED),
        Ok(MountOptions::default())
    );
    assert_eq!(
        MountOptions::from_js(&JsValue::NULL),
        Ok(MountOptions::default())
    );
    assert_eq!(
        MountOptions::from_js(&object("{}")),
        Ok(MountOptions::default())
    );
}

#[wasm_bindgen_test]
fn every_option_is_read_and_unknown_keys_are_ignored() {
    let options = object(
        r#"{"environment": "https://abc12345.live.dynatrace.com", "hideSettings": true,
            "theme": "dark", "somethingNew": 1, "environment2": null}"#,
    );
    assert_eq!(
        MountOptions::from_js(&options),
        Ok(MountOptions {
            environment: Some("https://abc12345.live.dynatrace.com".into()),
            hide_settings: true,
            theme: Some("dark".into()),
        })
    );
    let nulls = object(r#"{"environment": null, "hideSettings": null, "theme": null}"#);
    assert_eq!(MountOptions::from_js(&nulls), Ok(MountOptions::default()));
}

#[wasm_bindgen_test]
fn a_wrong_type_is_named() {
    assert_eq!(
        MountOptions::from_js(&object(r#"{"hideSettings": "yes"}"#)),
        Err("options.hideSettings must be true or false".into())
    );
    assert_eq!(
        MountOptions::from_js(&object(r#"{"environment": 42}"#)),
        Err("options.environment must be a string".into())
    );
    assert!(
        MountOptions::from_js(&JsValue::from_str("https://example.com"))
            .unwrap_err()
            .starts_with("options must be an object")
    );
}
