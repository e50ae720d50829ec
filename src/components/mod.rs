//! Small components that draw props and emit callbacks. None of them does I/O.

pub mod anatomy;
pub mod cards;
pub mod copy;
pub mod download;
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

/// The element ids of one mounted instance. Ids must be unique in a document, and a page may
/// hold several widgets (or the page and a widget), so each instance gets its own prefix where
/// it starts ([`crate::next_ids`]), handed down as a prop (a Yew context cost the page 4.6 KB
/// gzip, measured), and every `id`, `for` and `aria-*` reference is built with [`Ids::id`].
#[derive(Clone, Debug, PartialEq)]
pub struct Ids(std::rc::Rc<str>);

impl Ids {
    /// Ids prefixed with `prefix` (e.g. `dtc`, `dtc2`).
    pub fn new(prefix: &str) -> Self {
        Ids(prefix.into())
    }

    /// The prefix itself (`dtc`), to hand the ids to a view module (`views::module`).
    pub fn prefix(&self) -> &str {
        &self.0
    }

    /// The element id for `name` in this instance: `dtc-token`, `dtc2-token`, ...
    pub fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.0)
    }
}

impl Default for Ids {
    fn default() -> Self {
        Ids::new("dtc")
    }
}
