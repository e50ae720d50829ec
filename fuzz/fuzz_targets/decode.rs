//! Any answer: `decode_response` gives a model or a typed error, never a panic, for every model;
//! and what a model reads, it writes and reads back unchanged.
#![no_main]

use chrono::{TimeZone, Utc};
use dt_core::dynatrace::{
    decode_response, ActiveGateToken, ActiveGateTokenList, ApiToken, ApiTokenList, FromJson,
    StubList, TokenMetadata,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (u16, bool, &str)| {
    let (status, json_type, body) = data;
    let status = 100 + status % 500;
    let content_type = json_type.then_some("application/json");
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    let _ = decode_response::<ActiveGateToken>(status, content_type, Some(body), body, now);
    let _ = decode_response::<ActiveGateTokenList>(status, content_type, None, body, now);
    let _ = decode_response::<ApiTokenList>(status, content_type, None, body, now);
    let _ = decode_response::<StubList>(status, content_type, None, body, now);
    let _ = decode_response::<TokenMetadata>(status, content_type, None, body, now);
    if let Ok(token) = decode_response::<ApiToken>(status, content_type, None, body, now) {
        let written = serde_json::to_value(&token).expect("a model always serializes");
        assert_eq!(ApiToken::from_json(written).as_ref(), Ok(&token));
    }
});
