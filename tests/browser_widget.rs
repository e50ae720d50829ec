//! The widget's options, as a host page passes them, in headless Chromium.
#![cfg(target_arch = "wasm32")]

use dt_token_checker::MountOptions;
use wasm_bindgen::{JsCast, JsValue};
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

/// Every id inside `roots`, and every id an element there points to (`for`, `aria-*`).
fn ids_and_references(roots: &[web_sys::Element]) -> (Vec<String>, Vec<String>) {
    let (mut ids, mut references) = (Vec::new(), Vec::new());
    for root in roots {
        let all = root.query_selector_all("*").expect("selector");
        for i in 0..all.length() {
            let element: web_sys::Element = all.item(i).expect("node").unchecked_into();
            if !element.id().is_empty() {
                ids.push(element.id());
            }
            for name in [
                "for",
                "aria-labelledby",
                "aria-describedby",
                "aria-controls",
            ] {
                if let Some(value) = element.get_attribute(name) {
                    references.extend(value.split_whitespace().map(str::to_owned));
                }
            }
        }
    }
    (ids, references)
}

#[wasm_bindgen_test]
async fn two_widgets_in_one_page_share_no_id() {
    let document = web_sys::window().unwrap().document().unwrap();
    let body = document.body().unwrap();
    let hosts: Vec<web_sys::Element> = (0..2)
        .map(|_| {
            let host = document.create_element("div").unwrap();
            body.append_child(&host).unwrap();
            host
        })
        .collect();
    let mut handles: Vec<_> = hosts
        .iter()
        .map(|host| dt_token_checker::mount(host.clone(), JsValue::UNDEFINED).expect("mount"))
        .collect();
    // Yew renders on its scheduler: let it run.
    gloo_timers::future::TimeoutFuture::new(50).await;

    let (ids, references) = ids_and_references(&hosts);
    assert!(
        ids.len() > 10,
        "both widgets rendered their fields: {ids:?}"
    );
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for reference in &references {
        assert!(ids.contains(reference), "{reference} points to no element");
    }
    // Each widget's label names its own field.
    for host in &hosts {
        let label = host.query_selector("label").unwrap().expect("a label");
        let field = label.get_attribute("for").unwrap();
        assert!(host.query_selector(&format!("#{field}")).unwrap().is_some());
    }

    for handle in &mut handles {
        handle.unmount();
    }
    gloo_timers::future::TimeoutFuture::new(0).await;
    assert_eq!(ids_and_references(&hosts).0, Vec::<String>::new());
    for host in hosts {
        host.remove();
    }
}

#[wasm_bindgen_test]
async fn unmount_leaves_the_host_element_as_it_was_and_a_node_that_cannot_hold_it_is_an_error() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    host.set_inner_html("<p>the host's own</p>");
    document.body().unwrap().append_child(&host).unwrap();
    let mut handle = dt_token_checker::mount(host.clone(), JsValue::UNDEFINED).expect("mount");
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert!(host.query_selector(".dtc").unwrap().is_some());
    handle.unmount();
    assert_eq!(host.inner_html(), "<p>the host's own</p>");
    // update() after unmount does nothing, and says nothing.
    assert!(handle.update(JsValue::UNDEFINED).is_ok());
    host.remove();

    let text: JsValue = document.create_text_node("").into();
    assert!(dt_token_checker::mount(text.unchecked_into(), JsValue::UNDEFINED).is_err());
}
