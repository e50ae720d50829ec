//! The JavaScript API speaks JavaScript's units: in headless Chromium, a host page that slices
//! `text.slice(offset, offset + length)` from `scanText`/`scanTextAsync` gets exactly the token,
//! whatever comes before it (accents, CJK, emoji outside the BMP, CRLF, a BOM), and redacting that
//! slice leaves no secret character. `parseToken`'s `index` counts the same units.
#![cfg(target_arch = "wasm32")]

use dt_token_checker::js_api::{parse_token, scan_text, scan_text_async};
use js_sys::{JsString, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOKEN: &str =
    "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
const SECRET: &str = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
const AG_TOKEN: &str =
    "dt0g02.4KWZO5EF.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const AG_SECRET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Texts with the two tokens after every kind of character that UTF-8 and UTF-16 count differently.
fn texts() -> Vec<String> {
    vec![
        format!("token: {TOKEN}\nag: {AG_TOKEN}"),
        format!("Café, résumé, naïve — le jeton: {TOKEN} et {AG_TOKEN}"),
        format!("日本語のログ：トークン {TOKEN}\n中文 {AG_TOKEN}"),
        format!("😀🎉 𝄞 emoji first {TOKEN} 👍🏽 then {AG_TOKEN} 🚀"),
        format!("line one\r\nline two\r\nDT_API_TOKEN={TOKEN}\r\n😀\r\nAG={AG_TOKEN}\r\n"),
        format!("\u{FEFF}{TOKEN}\n\u{FEFF}é😀{AG_TOKEN}"),
        format!("ü😀日\r\n\u{FEFF}x {TOKEN} ü😀日 {AG_TOKEN}"),
    ]
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).expect(key)
}

fn number(object: &JsValue, key: &str) -> u32 {
    get(object, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number")) as u32
}

/// Every finding's slice is exactly its token, its column counts UTF-16 units from the line
/// start, and replacing the slices leaves no 8-character run of either secret.
fn check_findings(text: &str, findings: &JsValue) {
    let js_text = JsString::from(text);
    let findings = js_sys::Array::from(findings);
    assert_eq!(findings.length(), 2, "{text}");
    let mut redacted = String::new();
    let mut from = 0;
    for (finding, expected) in findings.iter().zip([TOKEN, AG_TOKEN]) {
        let (offset, length) = (number(&finding, "offset"), number(&finding, "length"));
        let slice = String::from(js_text.slice(offset, offset + length));
        assert_eq!(slice, expected, "{text:?}");
        let line_start = js_text.last_index_of("\n", offset as i32 - 1).max(-1) + 1;
        let line_start = if offset == 0 { 0 } else { line_start as u32 };
        assert_eq!(
            number(&finding, "column"),
            offset - line_start + 1,
            "{text:?}"
        );
        redacted.push_str(&String::from(js_text.slice(from, offset)));
        redacted.push_str("[REDACTED]");
        from = offset + length;
    }
    redacted.push_str(&String::from(js_text.slice(from, js_text.length())));
    for secret in [SECRET, AG_SECRET] {
        for window in secret.as_bytes().windows(8) {
            let run = std::str::from_utf8(window).unwrap();
            assert!(!redacted.contains(run), "{run} left in {redacted:?}");
        }
    }
}

#[wasm_bindgen_test]
fn scan_text_slices_in_utf16_units() {
    for text in texts() {
        check_findings(&text, &scan_text(&text).expect("scanText"));
    }
}

#[wasm_bindgen_test]
async fn scan_text_async_slices_in_utf16_units() {
    for text in texts() {
        let findings = scan_text_async(JsString::from(text.as_str()), None)
            .await
            .expect("scanTextAsync");
        check_findings(&text, &findings);
    }
}

/// A text larger than one slice of `scanTextAsync`, with astral characters before the tokens, so
/// that the conversion runs over several slices.
#[wasm_bindgen_test]
async fn scan_text_async_converts_across_slices() {
    let filler = "😀 ü 日本 log line\r\n".repeat(100_000);
    let text = format!("{filler}{TOKEN}\n{filler}{AG_TOKEN}\n");
    assert!(text.len() > 2 << 20);
    let findings = scan_text_async(JsString::from(text.as_str()), None)
        .await
        .expect("scanTextAsync");
    check_findings(&text, &findings);
}

#[wasm_bindgen_test]
fn parse_token_index_counts_utf16_units() {
    for before in ["😀 token ", "日本語 ", "é\r\nx ", "\u{FEFF}x "] {
        let text = format!("{before}{TOKEN}");
        let outcome = parse_token(&text).expect("parseToken");
        assert_eq!(
            get(&outcome, "status").as_string().as_deref(),
            Some("error")
        );
        let index = number(&outcome, "index");
        let js_text = JsString::from(text.as_str());
        assert_eq!(
            String::from(js_text.slice(index, index + 6)),
            "dt0c01",
            "{text:?}"
        );
        let message = get(&outcome, "message").as_string().unwrap();
        assert!(!message.contains(&SECRET[..8]), "{message}");
    }
}
