//! Small components that draw props and emit callbacks. None of them does I/O.

pub mod anatomy;
pub mod cards;
pub mod copy;
pub mod error_panel;
pub mod results;
pub mod scopes;
pub mod settings;
pub mod theme;
pub mod time;
pub mod token_input;
pub mod trust;

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::InputEvent;

/// The current text of the input an `input` event came from.
pub(crate) fn input_value(event: &InputEvent) -> String {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default()
}

/// How this page itself arrived (https, plain http from this machine, or from another).
pub(crate) fn page_transport() -> dt_core::dynatrace::environment::PageTransport {
    let location = web_sys::window().map(|w| w.location());
    let read = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location
            .as_ref()
            .and_then(|l| f(l).ok())
            .unwrap_or_default()
    };
    dt_core::dynatrace::environment::PageTransport::of(
        &read(web_sys::Location::protocol),
        &read(web_sys::Location::hostname),
    )
}

/// A same-origin API base (`/api`) written out in full, so the person sees the real address.
pub(crate) fn absolute_url(url: &str) -> String {
    if url.starts_with('/') {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        format!("{origin}{url}")
    } else {
        url.to_owned()
    }
}
