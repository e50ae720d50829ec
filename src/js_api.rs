//! The JavaScript API for host pages: `parseToken(text)` and `scanText(text)`, reachable as
//! `window.wasmBindings.parseToken` on the built page. What they return never holds a secret.

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// `{ ok: true, token: {...} }` or `{ ok: false, error: { message, index, ... } }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
enum ParseOutcome<'a> {
    Ok { token: &'a dt_core::token::ParsedToken },
    Error { message: String, index: Option<usize> },
}

/// Parses one pasted token or token ID, locally.
#[wasm_bindgen(js_name = parseToken)]
pub fn parse_token(text: &str) -> Result<JsValue, JsError> {
    let parsed = dt_core::token::parse(text);
    let outcome = match &parsed {
        Ok(token) => ParseOutcome::Ok { token },
        Err(error) => ParseOutcome::Error { message: error.to_string(), index: error.index() },
    };
    to_js(&outcome)
}

/// Finds every Dynatrace token and token ID in a text (logs, `.env`, YAML, JSON, ...).
#[wasm_bindgen(js_name = scanText)]
pub fn scan_text(text: &str) -> Result<JsValue, JsError> {
    to_js(&dt_core::token::scan(text))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}
