//! Saving an export: the text becomes a Blob behind an object URL that a temporary link
//! downloads, then the URL is revoked (after 40 s). Nothing is uploaded; the file never leaves the browser
//! except to the person's disk. One helper for every view that exports (inventory, scan).

use wasm_bindgen::JsCast;

/// Saves `text` as a file called `name` of type `media_type`. Does nothing when the browser
/// refuses (no document, a Blob it can't build): an export is never half written.
pub fn download(name: &str, media_type: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoked a little later, not at once: Firefox and Safari have cancelled or emptied
    // downloads whose URL was revoked right after the click (FileSaver.js waits 40 s too).
    // The export lives in memory until then, and is never written anywhere else.
    gloo_timers::callback::Timeout::new(40_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}
