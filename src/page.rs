//! What only the full page does: remember the environment URL, read `#env=...&id=...` links,
//! and keep a panic from leaving a dead page.
//!
//! Only a valid environment is remembered, in its normalised form, and only once it is used
//! (the field loses focus, or Check is pressed): never raw keystrokes, which may be a token
//! pasted into the wrong field. A link's environment is never taken as is: the app asks first.

use dt_core::dynatrace::environment::looks_like_token;
use dt_core::dynatrace::{EnvironmentKind, EnvironmentUrl};
use wasm_bindgen::JsCast;
use web_sys::Element;

const ENVIRONMENT_KEY: &str = "dt-token-checker.environment";
const THEME_KEY: &str = "dt-token-checker.theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The environment is not secret, so the page remembers it once used. Nothing else is stored.
pub fn remember_environment(environment: &EnvironmentUrl) {
    if let Some(s) = storage() {
        let _ = s.set_item(ENVIRONMENT_KEY, &stored_form(environment));
    }
}

/// What is remembered and put back into the field: the normalised URL, or empty for this
/// page's own server.
pub fn stored_form(environment: &EnvironmentUrl) -> String {
    match environment.kind() {
        EnvironmentKind::SameOrigin => String::new(),
        _ => environment.address().to_owned(),
    }
}

pub fn remember_theme(theme: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match theme {
            Some(t) => s.set_item(THEME_KEY, t),
            None => s.remove_item(THEME_KEY),
        };
    }
}

pub fn remembered_theme() -> Option<String> {
    storage()?.get_item(THEME_KEY).ok().flatten()
}

/// What the person used last time, then the page's default (`data-environment` on the mount
/// element; empty means this page's own server). A link's `#env=` is not read here: it is
/// only proposed ([`link_environment`]). A remembered value that is not a valid environment
/// (older versions stored keystrokes, which could be a token) is deleted, not used.
pub fn initial_environment(element: &Element) -> String {
    if let Some(s) = storage() {
        if let Some(env) = s.get_item(ENVIRONMENT_KEY).ok().flatten() {
            match EnvironmentUrl::parse(&env) {
                Ok(env) => return stored_form(&env),
                Err(_) => {
                    let _ = s.remove_item(ENVIRONMENT_KEY);
                }
            }
        }
    }
    element
        .get_attribute("data-environment")
        .unwrap_or_default()
}

/// The environment a `#env=` link asks for, to be confirmed by the person. A link that carries
/// a token there has its address cleaned, so the token does not linger in history.
pub fn link_environment() -> Option<String> {
    let env = hash_param("env")?;
    if looks_like_token(&env) {
        clear_hash();
        return None;
    }
    Some(env)
}

/// `#id=` opens a token ID directly. A link must never carry a secret: unless the value reads as
/// an ID without a secret, the `id` is taken out of the address bar (keeping `env`, which the
/// app reads after this) so that it does not linger in history; a full token is reduced to its ID.
pub fn initial_token_id() -> Option<String> {
    let raw = hash_param("id")?;
    match dt_core::token::parse(&raw) {
        Ok(token) if token.secret().is_none() => Some(raw),
        Ok(token) => {
            drop_id_from_hash();
            Some(token.id().to_owned())
        }
        // Damaged (a wrong separator, a bare secret): it may hold a secret, so it leaves the
        // address bar, and the input field shows it masked with its parse error.
        Err(_) => {
            drop_id_from_hash();
            Some(raw)
        }
    }
}

/// What a `#env=...&id=...` link asks for.
pub struct Link {
    pub environment: Option<String>,
    pub token: Option<String>,
}

/// Calls `on_link` whenever the address's `#...` changes (a person following a link to another
/// token on the same page). Listening stops when the returned guard is dropped.
pub fn on_hash_change(on_link: impl Fn(Link) + 'static) -> Option<HashListener> {
    let window = web_sys::window()?;
    let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        on_link(Link {
            environment: link_environment(),
            token: initial_token_id(),
        });
    });
    window
        .add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(HashListener { window, closure })
}

pub struct HashListener {
    window: web_sys::Window,
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Drop for HashListener {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback(
            "hashchange",
            self.closure.as_ref().unchecked_ref(),
        );
    }
}

/// Writes `#env=...&id=...` for the current check: it is safe to share, it has no secret.
pub fn link_for(environment: &str, token_id: &str) -> String {
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    format!("{base}#env={}&id={}", enc(environment), enc(token_id))
}

fn hash_param(name: &str) -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    // Another view's address (`#/inventory?...`) is not a checker link, whatever it holds.
    if crate::route::Route::parse(&hash) != crate::route::Route::Check {
        return None;
    }
    hash.trim_start_matches('#').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name)
            .then(|| js_sys::decode_uri_component(value).ok().map(String::from))
            .flatten()
    })
}

/// Rewrites the address without its `#...`.
fn clear_hash() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let (Ok(history), Ok(path)) = (window.history(), window.location().pathname()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// Rewrites the address without `#...&id=...`, keeping a link's `env=` for the confirmation.
fn drop_id_from_hash() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Ok(history), Ok(path), Ok(hash)) = (
        window.history(),
        window.location().pathname(),
        window.location().hash(),
    ) else {
        return;
    };
    let kept: Vec<&str> = hash
        .trim_start_matches('#')
        .split('&')
        .filter(|pair| pair.starts_with("env="))
        .collect();
    let url = if kept.is_empty() {
        path
    } else {
        format!("{path}#{}", kept.join("&"))
    };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}

/// A panic must not leave a blank page: replace every mounted checker (page, widgets, and
/// widgets in a `<dt-token-checker>` shadow root) with a short message and
/// a way to start again. The message never includes the panic text (it could echo input).
///
/// The Reload button gets its listener here, not an `onclick` attribute, which the page's
/// Content-Security-Policy forbids (no inline script). The listener is `location.reload` itself,
/// bound to `location`: a plain JS function, because after this hook returns the wasm instance
/// aborts (`panic = "abort"`), and a click must not depend on calling back into it.
pub fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // Debug builds (tests) keep the standard report; release builds never print the panic
        // text, which could echo what was pasted. Through Yew: a plain std::panic::set_hook is
        // replaced by Yew's own hook (which prints the panic text) on the first render.
        yew::set_custom_panic_hook(Box::new(move |info| {
            if cfg!(debug_assertions) {
                web_sys::console::error_1(&info.to_string().into());
            }
            web_sys::console::error_1(&"dt-token-checker: internal error; the checker restarted".into());
            let Some(window) = web_sys::window() else { return };
            let Some(document) = window.document() else { return };
            let location = window.location();
            let reload = js_sys::Reflect::get(&location, &"reload".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .map(|f| f.bind0(&location));
            // The page and mount() widgets are in the document; <dt-token-checker> widgets
            // each in the shadow root of their element.
            let mut roots = Vec::new();
            let mut add = |list: Result<web_sys::NodeList, _>| {
                if let Ok(list) = list {
                    roots.extend((0..list.length()).filter_map(|i| list.item(i)));
                }
            };
            add(document.query_selector_all(".dtc"));
            if let Ok(hosts) = document.query_selector_all("dt-token-checker") {
                for i in 0..hosts.length() {
                    let host = hosts.item(i).and_then(|h| h.dyn_into::<Element>().ok());
                    if let Some(shadow) = host.and_then(|h| h.shadow_root()) {
                        add(shadow.query_selector_all(".dtc"));
                    }
                }
            }
            for root in roots {
                if let Ok(root) = root.dyn_into::<Element>() {
                    root.set_inner_html(
                        "<div class=\"dtc-shell\"><div class=\"dtc-panel dtc-error\" role=\"alert\">\
                         <h2>Something went wrong inside the checker</h2>\
                         <p>Nothing was sent or stored because of this. Reload the page to start again.</p>\
                         <p><button type=\"button\" class=\"dtc-btn dtc-btn-primary\">Reload</button></p>\
                         </div></div>",
                    );
                    if let (Some(reload), Ok(Some(button))) = (&reload, root.query_selector("button")) {
                        let _ = button.add_event_listener_with_callback("click", reload);
                    }
                }
            }
        }));
    });
}

/// Registers `sw.js` (next to index.html, so its scope is the app), which makes the page
/// installable and lets it load, parse and scan offline. Where there are no service workers
/// (plain http on another host, some private modes) nothing happens; a failed registration
/// (CSP, a broken sw.js) is ignored too: the page works online without it.
pub fn register_service_worker() {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let registration = navigator.service_worker().register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(registration).await;
    });
}
