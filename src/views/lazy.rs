//! The inventory and the scan, loaded when first opened: each is a wasm module of its own
//! (`modules/inventory` → `dt-inventory.js` + `dt-inventory_bg.wasm`, `modules/scan` →
//! `dt-scan.*`), so that the page's first load carries only the shell and the checker (README,
//! "Figures"; DESIGN.md, "Size").
//!
//! [`LazyView`] stands where the view goes: it imports the module (through
//! `window.dtImportView`, a one-line inline script of index.html: `import()` is syntax, which
//! wasm cannot call, and a wasm-bindgen snippet would add a file that every widget host would
//! have to serve), starts it, and calls its `mount` with the view's props, `update` when they
//! change and `unmount` when the view goes (`views/module.rs` is the other side). Until then it
//! says "Loading the inventory…"; a module that cannot be downloaded or started gets a message
//! that says which and a Retry button, and the rest of the page keeps working.
//!
//! The service worker precaches the modules with the rest of the build (www/sw.js), so every
//! view opens offline after a first visit. The widget never gets here: it is the checker alone.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use super::module::options_to_js;
use super::ViewProps;
use crate::route::View;

#[derive(Clone, PartialEq, Properties)]
pub struct LazyViewProps {
    /// Which view (the inventory or the scan).
    pub view: View,
    /// What the view is given, as if it were drawn here.
    pub props: ViewProps,
}

/// The module's file name, without `.js` (the crate's name in modules/, as Trunk names it).
fn module_name(view: View) -> &'static str {
    match view {
        View::Scan => "dt-scan",
        _ => "dt-inventory",
    }
}

/// "the inventory", "The inventory": for the messages.
fn what(view: View) -> (&'static str, &'static str) {
    match view {
        View::Scan => ("the scan", "The scan"),
        _ => ("the inventory", "The inventory"),
    }
}

/// The attempt (`?attempt=N`, see [`load`]) that last worked or was last tried, per module: the
/// view opened again imports that address, which the browser has loaded already.
static ATTEMPTS: [AtomicU32; 2] = [AtomicU32::new(0), AtomicU32::new(0)];

fn attempts(view: View) -> &'static AtomicU32 {
    &ATTEMPTS[usize::from(view == View::Scan)]
}

#[derive(Clone, PartialEq)]
enum Status {
    Loading,
    Ready,
    /// The module's JavaScript did not arrive (offline and not cached, a 404, a wrong type).
    NotDownloaded {
        offline: bool,
    },
    /// It arrived but did not start (its .wasm missing or broken): what the browser said.
    NotStarted(String),
}

#[function_component]
pub fn LazyView(props: &LazyViewProps) -> Html {
    let status = use_state(|| Status::Loading);
    let attempt = use_state(|| attempts(props.view).load(Ordering::Relaxed));
    let container = use_node_ref();
    // The module once mounted (its exports), and the latest props, for a mount that ends after
    // they changed.
    let module = use_mut_ref(|| None::<JsValue>);
    let latest = use_mut_ref(|| props.props.clone());
    *latest.borrow_mut() = props.props.clone();
    let view = props.view;

    {
        let (status, container, module, latest) = (
            status.clone(),
            container.clone(),
            module.clone(),
            latest.clone(),
        );
        use_effect_with(*attempt, move |&attempt| {
            let alive = Rc::new(Cell::new(true));
            {
                let (alive, module) = (alive.clone(), module.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = load(view, attempt).await;
                    if !alive.get() {
                        return;
                    }
                    let mounted = loaded.and_then(|exports| {
                        let element = container
                            .get()
                            .ok_or(Status::NotStarted("the page had no place for it".into()))?;
                        let options = options_to_js(&latest.borrow());
                        call(&exports, "mount", &[element.into(), options])
                            .map_err(|e| Status::NotStarted(message(&e)))?;
                        Ok(exports)
                    });
                    match mounted {
                        Ok(exports) => {
                            *module.borrow_mut() = Some(exports);
                            status.set(Status::Ready);
                        }
                        Err(failed) => status.set(failed),
                    }
                });
            }
            move || {
                alive.set(false);
                if let Some(exports) = module.borrow_mut().take() {
                    let _ = call(&exports, "unmount", &[]);
                }
            }
        });
    }
    // The view follows the root's props (the address's query changed) once it is mounted.
    {
        let module = module.clone();
        use_effect_with(props.props.clone(), move |props| {
            if let Some(exports) = module.borrow().as_ref() {
                let _ = call(exports, "update", &[options_to_js(props)]);
            }
        });
    }

    let (what, title) = what(view);
    let retry = {
        let (status, attempt) = (status.clone(), attempt.clone());
        Callback::from(move |_: MouseEvent| {
            status.set(Status::Loading);
            attempt.set(*attempt + 1);
            attempts(view).store(*attempt + 1, Ordering::Relaxed);
        })
    };
    let failed = |title: String, next: String| {
        html! {
            <div class="dtc-panel dtc-error" role="alert" data-testid="view-load-error">
                <h2>{ title }</h2>
                <p>{ next }</p>
                <p><button type="button" class="dtc-btn dtc-btn-primary" onclick={retry.clone()}>{ "Retry" }</button></p>
            </div>
        }
    };
    let state = match &*status {
        Status::Ready => html! {},
        Status::Loading => html! {
            <div class="dtc-panel dtc-loading" role="status">
                <span class="dtc-spinner" aria-hidden="true"></span>
                { format!("Loading {what}…") }
            </div>
        },
        Status::NotDownloaded { offline } => failed(
            format!("{title} could not be loaded"),
            if *offline {
                format!("The browser is offline, and {what} has not been saved on this device yet (it is, after one visit online). Retry once you are online; the checker works meanwhile.")
            } else {
                format!("Its code ({}.js) did not download from this page's server. Retry, or reload the page; the checker works meanwhile.", module_name(view))
            },
        ),
        Status::NotStarted(why) => failed(
            format!("{title} could not start"),
            format!("Its code ({}.js and {0}_bg.wasm) arrived, but did not start: {why}. Retry, or reload the page; the checker works meanwhile.", module_name(view)),
        ),
    };
    html! {
        <>
            { state }
            <div ref={container}></div>
        </>
    }
}

/// Imports the view's module and starts it: its exports, or why not. A retry imports it under
/// another address (`?attempt=N`): a browser remembers a failed module import for the page's
/// life and would fail again without asking the server.
async fn load(view: View, attempt: u32) -> Result<JsValue, Status> {
    let not_downloaded = || Status::NotDownloaded {
        offline: web_sys::window().is_some_and(|w| !w.navigator().on_line()),
    };
    let window = web_sys::window().ok_or_else(not_downloaded)?;
    let import = Reflect::get(&window, &"dtImportView".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(not_downloaded)?;
    let imported = import
        .call2(
            &JsValue::NULL,
            &module_name(view).into(),
            &JsValue::from(attempt),
        )
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok())
        .ok_or_else(not_downloaded)?;
    let exports = JsFuture::from(imported)
        .await
        .map_err(|_| not_downloaded())?;
    // wasm-bindgen's `init`: fetches and instantiates the .wasm next to the module's .js.
    let started = call(&exports, "default", &[])
        .and_then(|p| p.dyn_into::<Promise>().map_err(|_| "no start".into()));
    match started {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    }
    .map_err(|e| Status::NotStarted(message(&e)))?;
    Ok(exports)
}

/// Calls `exports[name](...args)`.
fn call(exports: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(exports, &name.into())?.dyn_into()?;
    function.apply(&JsValue::NULL, &args.iter().collect())
}

/// An exception's message (the browser's words about the module, never the person's input).
fn message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "it gave no reason".into())
}
