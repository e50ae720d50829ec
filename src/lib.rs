//! Dynatrace token checker: a Yew app that parses a pasted token locally, looks it up in the
//! Dynatrace environment the person chose, and shows what it is and what it can do.
//!
//! Three ways in, one app:
//! - the page: `index.html` holds `<div id="dt-token-checker" data-mode="page">`, and [`start`]
//!   mounts the full checker there;
//! - the widget: a host page imports `dt-token-checker-element.js` and writes
//!   `<dt-token-checker>`, or loads the bundle and calls [`mount`] on an element of its own
//!   ([`widget`]);
//! - the JavaScript API: [`js_api`] exports `parseToken` and `scanText` for host pages.
//!
//! Layers (see DESIGN.md): `dt_core` owns meaning (tokens, the Dynatrace contract), [`client`]
//! owns I/O, [`state`] owns change, [`components`] only draw and emit callbacks.

pub mod app;
pub mod client;
pub mod components;
pub mod js_api;
pub mod json;
pub mod page;
pub mod route;
pub mod state;
pub mod views;
pub mod widget;

#[cfg(feature = "entry")]
use wasm_bindgen::prelude::*;

pub use app::{App, AppProps, Capabilities};
pub use components::Ids;
pub use widget::{mount, MountOptions, WidgetHandle};

/// How many instances (the page, widgets) have started in this document.
static INSTANCES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Element ids for a new instance: the first gets `dtc-…`, the next `dtc2-…`, `dtc3-…`, so two
/// widgets in one page (or the page and a widget) never share an id.
pub fn next_ids() -> Ids {
    use std::sync::atomic::Ordering;
    match INSTANCES.fetch_add(1, Ordering::Relaxed) + 1 {
        1 => Ids::default(),
        n => Ids::new(&format!("dtc{n}")),
    }
}

/// Runs when the bundle loads. Mounts the full page if the document asks for it, and does
/// nothing otherwise, so that a host page that only wants the widget or the JS API is left alone.
// Only in the bundle itself (feature `entry`): a view module linking this crate must not start the page.
#[cfg_attr(feature = "entry", wasm_bindgen(start))]
pub fn start() {
    page::install_panic_hook();
    let Some(element) = gloo_utils_document().and_then(|d| {
        d.query_selector("#dt-token-checker[data-mode=page]")
            .ok()
            .flatten()
    }) else {
        return;
    };
    // The page only: a widget's host page owns its own origin, and must not get our worker.
    page::register_service_worker();
    // The view modules' Yew apps mark their elements with tree id 1; the page's must differ.
    views::module::leave_tree_id_1();
    let environment = page::initial_environment(&element);
    let token = page::initial_token_id();
    yew::Renderer::<App>::with_root_and_props(
        element,
        AppProps {
            // The page owns its document: it may remember, follow links and show every view.
            capabilities: Capabilities {
                remember: true,
                follow_links: true,
                views: true,
                full_page: true,
            },
            ids: next_ids(),
            environment,
            token,
            ..AppProps::default()
        },
    )
    .render();
}

fn gloo_utils_document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}
