//! The JavaScript API for host pages: `parseToken(text)` and `scanText(text)`, reachable as
//! `window.wasmBindings.parseToken` on the built page. What they return never holds a secret.
//!
//! Positions are in UTF-16 code units, what JavaScript's `String.prototype.slice` counts, so
//! that `text.slice(offset, offset + length)` is exactly the token (dt-core's findings count
//! bytes; [`dt_core::token::Utf16Cursor`] converts them in one pass).

use dt_core::token::{utf16_places, Finding, TokenKind, Utf16Cursor, Utf16Place};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// `{ status: "ok", token: {...} }` or `{ status: "error", message, index }`, where `index` counts
/// UTF-16 code units, as JavaScript strings do.
#[derive(Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
enum ParseOutcome<'a> {
    Ok {
        token: &'a dt_core::token::ParsedToken,
    },
    Error {
        message: String,
        index: Option<usize>,
    },
}

/// Parses one pasted token or token ID, locally.
#[cfg_attr(feature = "entry", wasm_bindgen(js_name = parseToken))]
pub fn parse_token(text: &str) -> Result<JsValue, JsError> {
    let parsed = dt_core::token::parse(text);
    let outcome = match &parsed {
        Ok(token) => ParseOutcome::Ok { token },
        Err(error) => ParseOutcome::Error {
            message: error.to_string(),
            index: error.utf16_index(),
        },
    };
    to_js(&outcome)
}

/// A finding as JavaScript gets it: `offset`, `length` and `column` in UTF-16 code units.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsFinding<'a> {
    id: &'a str,
    kind: TokenKind,
    has_secret: bool,
    masked: &'a str,
    offset: usize,
    line: usize,
    column: usize,
    length: usize,
    occurrences: usize,
}

fn js_findings<'a>(findings: &'a [Finding], places: &[Utf16Place]) -> Vec<JsFinding<'a>> {
    findings
        .iter()
        .zip(places)
        .map(|(f, place)| JsFinding {
            id: &f.id,
            kind: f.kind,
            has_secret: f.has_secret,
            masked: &f.masked,
            offset: place.offset,
            line: f.line,
            column: place.column,
            length: place.length,
            occurrences: f.occurrences,
        })
        .collect()
}

/// Finds every Dynatrace token and token ID in a text (logs, `.env`, YAML, JSON, ...).
#[cfg_attr(feature = "entry", wasm_bindgen(js_name = scanText))]
pub fn scan_text(text: &str) -> Result<JsValue, JsError> {
    let findings = dt_core::token::scan(text);
    let places = utf16_places(text, &findings);
    to_js(&js_findings(&findings, &places))
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// How much of a text one slice of [`scan_text_async`] scans before giving the page its thread
/// back: a few milliseconds of work in a browser.
const SLICE_BYTES: usize = 1 << 20;

/// Scans a large text (a 50 MB log) without blocking the page: the text is copied into wasm and
/// scanned in slices, yielding to the event loop between them (copying 50 MB at once would
/// itself block for a few hundred ms). `onProgress(scannedBytes, totalBytes)` is called after
/// each scanned slice. Resolves to the same findings as `scanText`.
#[cfg_attr(feature = "entry", wasm_bindgen(js_name = scanTextAsync))]
pub async fn scan_text_async(
    text: js_sys::JsString,
    on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsError> {
    let text = copy_in_slices(&text).await;
    let mut scanner = dt_core::token::Scanner::new();
    let total = JsValue::from_f64(text.len() as f64);
    while !scanner.step(&text, SLICE_BYTES) {
        if let Some(callback) = &on_progress {
            let _ = callback.call2(
                &JsValue::NULL,
                &JsValue::from_f64(scanner.position() as f64),
                &total,
            );
        }
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    let findings = scanner.into_findings();
    // The same conversion as `scanText`, yielding after each slice's worth of bytes.
    let mut cursor = Utf16Cursor::new();
    let mut places = Vec::with_capacity(findings.len());
    let mut since_yield = 0;
    for finding in &findings {
        loop {
            let from = cursor.position();
            let reached = cursor.advance(&text, finding.offset, SLICE_BYTES - since_yield);
            since_yield += cursor.position().saturating_sub(from);
            if since_yield >= SLICE_BYTES {
                gloo_timers::future::TimeoutFuture::new(0).await;
                since_yield = 0;
            }
            if reached {
                break;
            }
        }
        places.push(cursor.place(&text, finding.length));
    }
    to_js(&js_findings(&findings, &places))
}

/// Copies a JS string into a Rust `String` a slice at a time. Slices never end between the two
/// halves of a surrogate pair, so no character is damaged.
async fn copy_in_slices(text: &js_sys::JsString) -> String {
    const UNITS: u32 = 1 << 19;
    let length = text.length();
    let mut out = String::with_capacity(length as usize);
    let mut at = 0;
    while at < length {
        let mut end = (at + UNITS).min(length);
        if end < length && (0xD800..0xDC00).contains(&(text.char_code_at(end - 1) as u32)) {
            end -= 1;
        }
        out.push_str(&String::from(text.slice(at, end)));
        at = end;
        if at < length {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
    }
    out
}
