//! The widget: what a host page gets from [`mount`] (for frameworks) and from the
//! `<dt-token-checker>` custom element (`www/dt-token-checker-element.js`, built on `mount`).
//!
//! A widget touches nothing of its host page beyond its own element: it remembers nothing,
//! follows no link and registers no service worker ([`crate::Capabilities`]), its element ids
//! are its own ([`crate::next_ids`]), and everything it holds (listeners, the look-up in flight
//! and its timers) goes when it is unmounted. It tells its host what happened with
//! `CustomEvent`s dispatched from the mount element (see [`use_host_events`]); the full page
//! dispatches none, as nobody embeds it.

use chrono::Utc;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::prelude::*;

use crate::app::{App, AppProps, Capabilities};
use crate::client::{CheckError, Metadata, Refused};
use crate::components::cards;
use crate::state::Remote;
use crate::views::check::state::State;

/// Options a host page passes to [`mount`] and [`WidgetHandle::update`], as a plain JS
/// object. All optional.
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
            Reflect::get(options, &JsValue::from_str(name))
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

    /// The root props for these options, keeping what the widget was started with.
    fn props(self, base: &AppProps) -> AppProps {
        AppProps {
            environment: self.environment.unwrap_or_default(),
            show_settings: !self.hide_settings,
            theme: self.theme,
            ..base.clone()
        }
    }
}

/// Mounts the checker as a widget inside `element`. Returns a handle whose `update(options)`
/// changes its options and whose `unmount()` removes it.
///
/// The widget renders into a `<div>` of its own, appended to `element`: Yew registers its event
/// listeners on the element it renders into and never removes them (they live as long as the
/// page, by design), so unmounting removes that `<div>`, and nothing is left on the host's
/// element.
#[cfg_attr(feature = "entry", wasm_bindgen)]
pub fn mount(element: Element, options: JsValue) -> Result<WidgetHandle, JsError> {
    crate::page::install_panic_hook();
    let error = |e: String| JsError::new(&format!("mount(element, options): {e}"));
    let options = MountOptions::from_js(&options).map_err(error)?;
    let root = element
        .owner_document()
        .and_then(|d| d.create_element("div").ok())
        .filter(|root| element.append_child(root).is_ok())
        .ok_or_else(|| error("element must be an element that can hold children".into()))?;
    let base = AppProps {
        // A widget touches nothing of its host page beyond its own element.
        capabilities: Capabilities::default(),
        ids: crate::next_ids(),
        events: Some(element.clone()),
        ..AppProps::default()
    };
    let props = options.props(&base);
    let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    Ok(WidgetHandle {
        handle: Some(handle),
        root,
        base,
    })
}

/// A mounted widget.
#[cfg_attr(feature = "entry", wasm_bindgen)]
pub struct WidgetHandle {
    handle: Option<yew::AppHandle<App>>,
    /// The widget's own `<div>` inside the host's element.
    root: Element,
    /// What the widget was started with: its ids and where its events go.
    base: AppProps,
}

#[cfg_attr(feature = "entry", wasm_bindgen)]
impl WidgetHandle {
    /// Changes the widget's options (the same object as `mount`'s; an option left out goes back
    /// to its default). A new environment replaces whatever was typed in the settings and
    /// cancels a look-up in flight; the token field and the access token are kept. Does nothing
    /// once unmounted.
    pub fn update(&mut self, options: JsValue) -> Result<(), JsError> {
        let options = MountOptions::from_js(&options)
            .map_err(|e| JsError::new(&format!("update(options): {e}")))?;
        if let Some(handle) = &mut self.handle {
            handle.update(options.props(&self.base));
        }
        Ok(())
    }

    /// Removes the widget and everything it holds: any token in memory, its element and its
    /// listeners, the look-up in flight (aborted) and its timers.
    pub fn unmount(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
            self.root.remove();
        }
    }
}

/// Follows one of the host page's options after the start (`WidgetHandle::update`): a new
/// value is handed to `on_change` during the render that sees it. (Compared by hand in render:
/// two `use_effect_with`, one per option,
/// cost the page 1.4 KB gzip, measured.)
#[hook]
pub fn use_host_option<T: PartialEq + Clone + 'static>(value: &T, on_change: impl FnOnce(T)) {
    let seen = use_mut_ref(|| value.clone());
    let mut seen = seen.borrow_mut();
    if *seen != *value {
        *seen = value.clone();
        on_change(value.clone());
    }
}

/// Tells the host page what happened, with `CustomEvent`s dispatched from `target` (the mount
/// element) that bubble and are composed, so that they leave a shadow root:
/// - `dt-token-parsed` when the field holds a new token or token ID: `detail` is what
///   `parseToken` returns for it (kind, ID, masked form, ...) with `status: "parsed"`;
/// - `dt-token-checked` when a look-up answered: `{kind, id, status, metadata}`, `status` being
///   the token's standing (`active`, `expiringSoon`, `expired`, `disabled`) and `metadata` the
///   environment's answer as the card's "Copy JSON" exports it;
/// - `dt-token-error` when a look-up failed: `{kind, id, status: "error", code, message,
///   httpStatus}`, the message as the error panel shows it (what a server said is redacted
///   when the answer is decoded).
///
/// A detail never holds the secret, and input that does not parse raises no event at all (it
/// may be a secret with a typo): the widget shows what is wrong, the host learns nothing of it.
/// What changed is found in render, by comparing small keys, and the event is dispatched just
/// after the render (a microtask), when the widget shows it. Details are built by hand: serde
/// derives, or a hook per event, cost more (see DESIGN.md "Size").
#[hook]
pub fn use_host_events(target: Option<&Element>, state: &State) {
    let seen = use_mut_ref(|| (None, (0, false)));
    let Some(target) = target else { return };
    let parsed = state
        .token()
        .map(|t| (t.id().to_owned(), t.secret().is_some()));
    let answered = (
        state.next_request_id(),
        matches!(state.lookup, Remote::Loaded(_) | Remote::Failed(_)),
    );
    let mut seen = seen.borrow_mut();
    let mut events = Vec::new();
    let token = state.token();
    if seen.0 != parsed {
        seen.0 = parsed;
        if let Some(detail) = token.and_then(|t| crate::js_api::to_js(t).ok()) {
            set(&detail, "status", "parsed");
            events.push(("dt-token-parsed", detail));
        }
    }
    if seen.1 != answered {
        seen.1 = answered;
        if let (Some(token), Some((name, detail))) = (token, answer(&state.lookup)) {
            if let Ok(kind) = crate::js_api::to_js(&token.kind) {
                let _ = Reflect::set(&detail, &"kind".into(), &kind);
            }
            set(&detail, "id", token.id());
            events.push((name, detail));
        }
    }
    if !events.is_empty() {
        let target = target.clone();
        wasm_bindgen_futures::spawn_local(async move {
            for (name, detail) in events {
                dispatch(&target, name, &detail);
            }
        });
    }
}

/// The event for a finished look-up, and its detail without the token's kind and ID.
fn answer(lookup: &Remote<Metadata, CheckError>) -> Option<(&'static str, JsValue)> {
    let detail: JsValue = Object::new().into();
    let name = match lookup {
        Remote::Loaded(metadata) => {
            set(
                &detail,
                "status",
                cards::standing_of(metadata, Utc::now()).key(),
            );
            let json = js_sys::JSON::parse(&cards::export(metadata)).unwrap_or_default();
            let _ = Reflect::set(&detail, &"metadata".into(), &json);
            "dt-token-checked"
        }
        Remote::Failed(error) => {
            set(&detail, "status", "error");
            set(&detail, "code", error_code(error));
            set(&detail, "message", &error.to_string());
            let status = match error {
                CheckError::Api(e) => e.status().map(JsValue::from),
                _ => None,
            };
            let _ = Reflect::set(
                &detail,
                &"httpStatus".into(),
                &status.unwrap_or(JsValue::NULL),
            );
            "dt-token-error"
        }
        Remote::Idle | Remote::Loading => return None,
    };
    Some((name, detail))
}

fn set(object: &JsValue, key: &str, value: &str) {
    let _ = Reflect::set(object, &key.into(), &value.into());
}

fn dispatch(target: &Element, name: &str, detail: &JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        // A listener that throws is reported by the browser; it cannot reach the widget.
        let _ = target.dispatch_event(&event);
    }
}

/// A stable name for each failure, for hosts that branch on it.
fn error_code(error: &CheckError) -> &'static str {
    use dt_core::dynatrace::ApiError as E;
    match error {
        CheckError::Api(api) => match api {
            E::BadRequest { .. } => "badRequest",
            E::Unauthorized { .. } => "unauthorized",
            E::Forbidden { .. } => "forbidden",
            E::NotFound => "notFound",
            E::RateLimited { .. } => "rateLimited",
            E::Server { .. } => "serverError",
            E::UnexpectedStatus { .. } => "unexpectedStatus",
            E::NotJson { .. } => "notJson",
            E::EmptyBody { .. } => "emptyBody",
            E::BrokenJson { .. } => "brokenJson",
            E::UnexpectedShape { .. } => "unexpectedShape",
            E::Network { .. } => "network",
            E::Offline => "offline",
            E::Timeout { .. } => "timeout",
            E::Aborted => "aborted",
        },
        CheckError::NeedsAccessToken { .. } => "needsAccessToken",
        CheckError::NotPossible { .. } => "notPossible",
        CheckError::Refused(Refused::Redirect { .. }) => "redirected",
        CheckError::Refused(Refused::NotSendable { .. }) => "notSendable",
    }
}
