//! A time shown relative ("in 3 days"), with the exact local time on hover and focus.
//!
//! A plain function, not a `#[function_component]`: it has no state, and each component type
//! costs the page its own copy of Yew's lifecycle code.

use chrono::{DateTime, Utc};
use yew::prelude::*;

/// `prefix` is words before the relative time, e.g. "Expires"; empty for none.
pub fn rel_time(at: DateTime<Utc>, now: DateTime<Utc>, prefix: &str) -> Html {
    let exact = local_time(at);
    let relative = dt_core::time::relative(at, now);
    let text = if prefix.is_empty() {
        relative
    } else {
        format!("{prefix} {relative}")
    };
    html! {
        <time datetime={dt_core::date::format_iso_millis(at)} title={exact.clone()} tabindex="0" aria-label={format!("{text} ({exact})")}>
            { text }
        </time>
    }
}

/// The person's own time zone and locale, from the browser.
pub fn local_time(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
