//! The browser's own JSON parser for the API's answers: `JSON.parse`, then the result walked into
//! a `serde_json::Value` for the models (`dt_core::dynatrace::json`).
//!
//! Why not serde_json's parser: the browser already has a fast one, and leaving serde_json's out
//! of the wasm saves 9 KB gzip of the page's first load. Everything after parsing, every
//! decision about statuses, bodies and shapes, is the same tested code as natively.

use js_sys::{Array, Object, JSON};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// serde_json's own nesting limit, so that both parsers accept the same documents.
pub const MAX_DEPTH: usize = 128;

/// Parses JSON text as the browser does. An error says where or how the text is broken, worded
/// like the native parser's (`it ends too early (line 1, column 9)` there, the browser's own words
/// here), through `dt_core::text::one_line`: a parser may quote the text, and the text may echo
/// the token that was sent.
pub fn parse(text: &str) -> Result<Value, String> {
    let parsed = JSON::parse(text).map_err(|e| dt_core::text::one_line(&message_of(&e), 120))?;
    to_value(&parsed, 0).ok_or_else(|| format!("nested more than {MAX_DEPTH} levels deep"))
}

fn message_of(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => "the browser could not parse it".into(),
    }
}

/// `None` when nested deeper than [`MAX_DEPTH`] (a hostile answer must not exhaust the stack).
fn to_value(js: &JsValue, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(text) = js.as_string() {
        return Some(Value::String(text));
    }
    if let Some(n) = js.as_f64() {
        return Some(number(n));
    }
    if let Some(b) = js.as_bool() {
        return Some(Value::Bool(b));
    }
    if js.is_null() || js.is_undefined() {
        return Some(Value::Null);
    }
    if Array::is_array(js) {
        let array: &Array = js.unchecked_ref();
        return array
            .iter()
            .map(|item| to_value(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array);
    }
    let mut map = Map::new();
    for entry in Object::entries(js.unchecked_ref()).iter() {
        let pair: Array = entry.unchecked_into();
        map.insert(pair.get(0).as_string()?, to_value(&pair.get(1), depth + 1)?);
    }
    Some(Value::Object(map))
}

/// JavaScript has only doubles: whole numbers within 2^53 (exact there) become integers again, as
/// serde_json would read them; others stay floating point.
fn number(n: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() < EXACT {
        Value::from(n as i64)
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}
