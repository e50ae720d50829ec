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

/// The person's own time zone and locale, from the browser: what `Date.toLocaleString()` shows,
/// through one `Intl.DateTimeFormat` made once. `toLocaleString` makes a formatter on every call
/// (measured: about 15 ms of the inventory's first render, for its ~100 tooltips).
pub fn local_time(at: DateTime<Utc>) -> String {
    use wasm_bindgen::JsValue;
    thread_local! {
        static FORMAT: js_sys::Function = {
            // toLocaleString's own defaults: every date and time field, numeric.
            let options = js_sys::Object::new();
            for field in ["year", "month", "day", "hour", "minute", "second"] {
                let _ = js_sys::Reflect::set(&options, &field.into(), &"numeric".into());
            }
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format()
        };
    }
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    FORMAT
        .with(|format| format.call1(&JsValue::UNDEFINED, &date))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}
