//! A time shown relative ("in 3 days"), with the exact local time on hover and focus.

use chrono::{DateTime, Utc};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct RelTimeProps {
    pub at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// Words before the relative time, e.g. "expires".
    #[prop_or_default]
    pub prefix: AttrValue,
}

#[function_component]
pub fn RelTime(props: &RelTimeProps) -> Html {
    let exact = local_time(props.at);
    let relative = dt_core::time::relative(props.at, props.now);
    let text = if props.prefix.is_empty() { relative } else { format!("{} {relative}", props.prefix) };
    html! {
        <time datetime={dt_core::date::format_iso_millis(props.at)} title={exact.clone()} tabindex="0" aria-label={format!("{text} ({exact})")}>
            { text }
        </time>
    }
}

/// The person's own time zone and locale, from the browser.
pub fn local_time(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
