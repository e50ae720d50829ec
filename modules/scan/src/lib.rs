//! The page's scan (`#/scan`) as a wasm module of its own, so that the page's first load carries only the
//! shell and the checker: the page imports `dt-scan.js` when the view is first opened
//! (`src/views/lazy.rs` in the app crate, which says why and how), then calls [`mount`],
//! [`update`] and [`unmount`]. Everything else is the app crate's
//! (`dt_token_checker::views::module`).

use std::cell::RefCell;

use dt_token_checker::views::module::Module;
use dt_token_checker::views::scan::ScanView;
use wasm_bindgen::prelude::*;

thread_local! {
    static VIEW: RefCell<Module<ScanView>> = RefCell::default();
}

/// Shows the view inside `element`, with the page's `options` (`views::module::options_to_js`).
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<(), JsError> {
    VIEW.with_borrow_mut(|view| view.mount(&element, &options))
}

/// Gives the view the page's new options (the address's query changed).
#[wasm_bindgen]
pub fn update(options: JsValue) -> Result<(), JsError> {
    VIEW.with_borrow_mut(|view| view.update(&options))
}

/// Removes the view and everything it holds (loads in flight, any access token in memory).
#[wasm_bindgen]
pub fn unmount() {
    VIEW.with_borrow_mut(|view| view.unmount())
}
