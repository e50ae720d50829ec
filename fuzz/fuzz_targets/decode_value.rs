//! The browser's decode path: whatever `JSON.parse` hands over (here: any JSON the fuzzer writes,
//! as a `serde_json::Value`) goes through `decode_response_with` into every model, for every
//! status, and gives a model or a typed error, never a panic; what a model reads, it writes and
//! reads back unchanged.
#![no_main]

use std::cell::RefCell;

use chrono::{TimeZone, Utc};
use dt_core::dynatrace::{
    decode_response_with, ActiveGateToken, ActiveGateTokenList, Answer, ApiError, ApiToken,
    ApiTokenList, FromJson, StubList, TokenMetadata,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

thread_local! {
    /// The `Value` the stand-in for `JSON.parse` returns (a `ParseJson` is a plain `fn`).
    static PARSED: RefCell<Value> = const { RefCell::new(Value::Null) };
}

fn browser_parse(_: &str) -> Result<Value, String> {
    Ok(PARSED.with(|v| v.borrow().clone()))
}

fn shown(error: &ApiError) {
    let _ = (
        error.title(),
        error.next_step(),
        error.to_string(),
        format!("{error:?}"),
    );
}

fn all_models(answer: Answer<'_>) {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    macro_rules! each {
        ($($model:ty),*) => {$(
            if let Err(e) = decode_response_with::<$model>(browser_parse, answer, now) { shown(&e) }
        )*};
    }
    each!(
        ActiveGateToken,
        ActiveGateTokenList,
        ApiTokenList,
        StubList,
        TokenMetadata
    );
    match decode_response_with::<ApiToken>(browser_parse, answer, now) {
        Ok(token) => {
            let written = serde_json::to_value(&token).expect("a model always serializes");
            assert_eq!(ApiToken::from_json(written).as_ref(), Ok(&token));
        }
        Err(e) => shown(&e),
    }
}

fuzz_target!(|data: (u8, &str)| {
    let (status, text) = data;
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    PARSED.with(|v| *v.borrow_mut() = value);
    let status = [200, 200, 201, 400, 401, 403, 404, 500, 502][usize::from(status) % 9];
    for content_type in [Some("application/json"), None] {
        all_models(Answer {
            status,
            content_type,
            retry_after: None,
            body: "{}",
        });
    }
});
