//! A view as a wasm module of its own (`modules/inventory`, `modules/scan`): the options the page
//! hands across ([`options_to_js`], read back by [`options_from_js`]: one contract, in one
//! place), and [`Module`], which a module crate keeps to show its view.
//!
//! A module keeps ONE Yew app for its whole life, and `unmount` only empties it: a second app
//! would take tree id 2, the page's (below), and Yew never removes the listeners it puts on the
//! element it renders into (see `widget.rs`), so a new app per visit would also leave a set
//! behind each time. Its `<div>` is made once, moved into the page's
//! element at each `mount`, and the view is dropped (its loads stopped, its memory of any access
//! token gone) by rendering nothing.
//!
//! Two Yew instances in one document (the page's and a module's, each with its own memory) must
//! not take each other's events. Both listen in the capture phase on their root, so the page's
//! sees every event of the module's view first. Yew marks each element that has listeners with
//! its tree's id (`__yew_subtree_id`, from a counter per wasm instance) and a listener id (from
//! another counter), and handles an event only when the nearest marked element carries its own
//! tree's id; then it looks the listener ids up in its own registry. With equal tree ids the
//! page's Yew ran ITS listeners for the module's listener ids: a click on the inventory's "Check
//! access" toggled the page's theme (measured; e2e/views.spec.mjs holds it). So the ids differ:
//! a module has one root for its whole life, id 1, and the page gives id 1 away before its own
//! root ([`leave_tree_id_1`]), so that the page's trees are 2 and up.
//!
//! Nothing secret crosses: the options are the environment URL (the page's starting one), the
//! view's query (its filters, as in the address), the element id prefix and the capabilities.
//! Each view has its own access-token field, which stays inside the module.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::prelude::*;

use super::ViewProps;
use crate::app::Capabilities;
use crate::components::Ids;

/// The options object for a view module's `mount` and `update`.
pub fn options_to_js(props: &ViewProps) -> JsValue {
    let object: JsValue = Object::new().into();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &key.into(), &value);
    };
    let c = props.capabilities;
    set("remember", c.remember.into());
    set("followLinks", c.follow_links.into());
    set("views", c.views.into());
    set("fullPage", c.full_page.into());
    set("ids", props.ids.prefix().into());
    set("environment", props.environment.as_str().into());
    set("query", props.query.as_str().into());
    object
}

/// Reads what [`options_to_js`] wrote; a missing or mistyped field is an error that names it.
pub fn options_from_js(options: &JsValue) -> Result<ViewProps, String> {
    let field = |name: &str| Reflect::get(options, &name.into()).unwrap_or_default();
    let flag = |name: &str| {
        field(name)
            .as_bool()
            .ok_or(format!("options.{name} must be true or false"))
    };
    let text = |name: &str| {
        field(name)
            .as_string()
            .ok_or(format!("options.{name} must be a string"))
    };
    if !options.is_object() {
        return Err("options must be an object".into());
    }
    Ok(ViewProps {
        capabilities: Capabilities {
            remember: flag("remember")?,
            follow_links: flag("followLinks")?,
            views: flag("views")?,
            full_page: flag("fullPage")?,
        },
        ids: Ids::new(&text("ids")?),
        environment: text("environment")?,
        query: text("query")?,
    })
}

/// Makes (and drops) an empty Yew app on an element of its own, which takes tree id 1 in this
/// wasm instance: called by the page before it mounts, so that no tree of the page shares an id
/// with a view module's (see above).
pub fn leave_tree_id_1() {
    #[function_component]
    fn Nothing() -> Html {
        Html::default()
    }
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("div").ok());
    if let Some(element) = element {
        yew::Renderer::<Nothing>::with_root(element)
            .render()
            .destroy();
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct HostProps {
    /// The view's props while it is shown; `None` once unmounted.
    pub view: Option<ViewProps>,
}

/// The module's root: its view `V`, or nothing.
#[function_component]
pub fn Host<V>(props: &HostProps) -> Html
where
    V: BaseComponent<Properties = ViewProps>,
{
    match &props.view {
        Some(view) => html! { <V ..view.clone() /> },
        None => html! {},
    }
}

/// What a module crate keeps: its Yew app (made at the first `mount`) and the `<div>` it renders
/// into.
pub struct Module<V: BaseComponent<Properties = ViewProps>> {
    app: Option<(yew::AppHandle<Host<V>>, Element)>,
}

impl<V: BaseComponent<Properties = ViewProps>> Default for Module<V> {
    fn default() -> Self {
        Module { app: None }
    }
}

fn error(call: &str, e: String) -> JsError {
    JsError::new(&format!("{call}: {e}"))
}

impl<V: BaseComponent<Properties = ViewProps>> Module<V> {
    /// Shows the view inside `element` (moving the module's `<div>` there).
    pub fn mount(&mut self, element: &Element, options: &JsValue) -> Result<(), JsError> {
        crate::page::install_panic_hook();
        let props = options_from_js(options).map_err(|e| error("mount(element, options)", e))?;
        if self.app.is_none() {
            let root = element
                .owner_document()
                .and_then(|d| d.create_element("div").ok())
                .ok_or_else(|| error("mount(element, options)", "no document".into()))?;
            let app = yew::Renderer::<Host<V>>::with_root_and_props(
                root.clone(),
                HostProps { view: None },
            )
            .render();
            self.app = Some((app, root));
        }
        let Some((app, root)) = &mut self.app else {
            return Ok(());
        };
        element.append_child(root).map_err(|_| {
            error(
                "mount(element, options)",
                "element cannot hold children".into(),
            )
        })?;
        app.update(HostProps { view: Some(props) });
        Ok(())
    }

    /// Gives the shown view new options; nothing when it is not shown.
    pub fn update(&mut self, options: &JsValue) -> Result<(), JsError> {
        let props = options_from_js(options).map_err(|e| error("update(options)", e))?;
        if let Some((app, root)) = &mut self.app {
            if root.is_connected() {
                app.update(HostProps { view: Some(props) });
            }
        }
        Ok(())
    }

    /// Drops the view (its effects' clean-ups stop its loads and forget its credentials) and
    /// takes the module's `<div>` out of the page.
    pub fn unmount(&mut self) {
        if let Some((app, root)) = &mut self.app {
            app.update(HostProps { view: None });
            root.remove();
        }
    }
}

/// The three exports of a module crate (`modules/*`), for view `$view`: one [`Module`] per wasm
/// instance, and `mount`, `update` and `unmount` as the page's `src/views/lazy.rs` calls them.
/// One definition, so the modules cannot drift apart.
#[macro_export]
macro_rules! view_module {
    ($view:ty) => {
        thread_local! {
            static VIEW: ::std::cell::RefCell<$crate::views::module::Module<$view>> =
                ::std::cell::RefCell::default();
        }

        /// Shows the view inside `element`, with the page's `options`
        /// (`views::module::options_to_js`).
        #[::wasm_bindgen::prelude::wasm_bindgen]
        pub fn mount(
            element: ::web_sys::Element,
            options: ::wasm_bindgen::JsValue,
        ) -> ::std::result::Result<(), ::wasm_bindgen::JsError> {
            VIEW.with_borrow_mut(|view| view.mount(&element, &options))
        }

        /// Gives the view the page's new options (the address's query changed).
        #[::wasm_bindgen::prelude::wasm_bindgen]
        pub fn update(
            options: ::wasm_bindgen::JsValue,
        ) -> ::std::result::Result<(), ::wasm_bindgen::JsError> {
            VIEW.with_borrow_mut(|view| view.update(&options))
        }

        /// Removes the view and everything it holds (loads in flight, any access token in
        /// memory).
        #[::wasm_bindgen::prelude::wasm_bindgen]
        pub fn unmount() {
            VIEW.with_borrow_mut(|view| view.unmount())
        }
    };
}
