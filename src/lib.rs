//! Dynatrace token checker: a Yew app that parses a pasted token locally, looks it up in the
//! Dynatrace environment the person chose, and shows what it is and what it can do.
//!
//! Three ways in, one app:
//! - the page: `index.html` holds `<div id="dt-token-checker" data-mode="page">`, and [`start`]
//!   mounts the full checker there;
//! - the widget: a host page loads the bundle and calls [`mount`] on an element of its own;
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

use wasm_bindgen::prelude::*;

pub use app::{App, AppProps, Capabilities};
pub use components::Ids;

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
#[wasm_bindgen(start)]
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

/// Options a host page passes to [`mount`], as a plain JS object. All optional.
#[derive(Debug, Default, PartialEq)]
pub struct MountOptions {
    /// The environment URL to check against (e.g. `https://abc12345.live.dynatrace.com`, or
    /// `""` for the host page's own origin behind a reverse proxy).
    pub environment: Option<String>,
    /// Hide the settings panel: the host decides where calls go.
    pub hide_settings: bool,
    /// `"light"`, `"dark"` or absent to follow the system.
    pub theme: Option<String>,
}

impl MountOptions {
    /// Reads `{environment, hideSettings, theme}` from the object a host page passes; `undefined`
    /// and `null` mean "not set", unknown keys are ignored, and a key of the wrong type is an
    /// error that names it. (Read by hand: serde here would cost the page more than the rest
    /// of the widget API.)
    pub fn from_js(options: &JsValue) -> Result<Self, String> {
        if options.is_undefined() || options.is_null() {
            return Ok(Self::default());
        }
        if !options.is_object() {
            return Err("options must be an object, like { environment: \"https://…\" }".into());
        }
        let field = |name: &str| {
            js_sys::Reflect::get(options, &JsValue::from_str(name))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let string = |name: &str| match field(name) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or(format!("options.{name} must be a string")),
        };
        let hide_settings = match field("hideSettings") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or("options.hideSettings must be true or false")?,
        };
        Ok(MountOptions {
            environment: string("environment")?,
            hide_settings,
            theme: string("theme")?,
        })
    }
}

/// Mounts the checker as a widget inside `element`. Returns a handle whose `unmount()` removes it.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<WidgetHandle, JsError> {
    page::install_panic_hook();
    let options = MountOptions::from_js(&options)
        .map_err(|e| JsError::new(&format!("mount(element, options): {e}")))?;
    let props = AppProps {
        // A widget touches nothing of its host page beyond its own element.
        capabilities: Capabilities::default(),
        ids: next_ids(),
        environment: options.environment.unwrap_or_default(),
        show_settings: !options.hide_settings,
        theme: options.theme,
        token: None,
    };
    let handle = yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(WidgetHandle {
        handle: Some(handle),
    })
}

/// A mounted widget.
#[wasm_bindgen]
pub struct WidgetHandle {
    handle: Option<yew::AppHandle<App>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Removes the widget and everything it holds (including any token in memory).
    pub fn unmount(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
    }
}

fn gloo_utils_document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}
