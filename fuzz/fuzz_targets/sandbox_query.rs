//! The sandbox's query parsers, exactly as its list handlers call them, at any moment chrono
//! can represent: never a panic, and what they return holds together (a page size within its
//! bounds, a page key that reads back as written, a relative time that does not lie ahead).
#![no_main]

use chrono::{DateTime, Utc};
use dt_sandbox::query::{self, ActiveGateQuery, ApiTokenQuery, V1Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first 8 bytes pick "now", anywhere from chrono's first to its last millisecond (the
    // `/w` panic needed a moment near one end); the rest is the query string.
    let Some((clock, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let first = DateTime::<Utc>::MIN_UTC.timestamp_millis();
    let span = DateTime::<Utc>::MAX_UTC.timestamp_millis() - first;
    let millis = first + i64::from_le_bytes(*clock).rem_euclid(span);
    let Some(now) = DateTime::<Utc>::from_timestamp_millis(millis) else {
        return;
    };
    // A request's query arrives as text: hyper admits only URI characters, and any bytes
    // (percent-encoded) come out of `form_urlencoded` as text anyway.
    let text = String::from_utf8_lossy(rest);
    let raw = Some(text.as_ref());

    if let Ok(q) = ApiTokenQuery::parse(raw, now) {
        assert!((100..=10_000).contains(&q.page_size));
        assert!(q.fields.contains(&"id"));
        let key = query::page_key(q.offset, &q.params);
        assert_eq!(
            query::paging(vec![("nextPageKey".into(), key)]),
            Ok((q.offset, q.params.clone()))
        );
    }
    if let Ok(q) = ActiveGateQuery::parse(raw) {
        assert!((100..=3000).contains(&q.page_size));
    }
    if let Ok(q) = V1Query::parse(raw) {
        assert!(q.limit <= 1_000_000);
    }
    // Each language on its own, on the whole text.
    if let Some(t) = query::timestamp(&text, now) {
        if text.trim().starts_with("now") {
            assert!(t <= now, "{text:?} at {now} gave {t}, which lies ahead");
        }
    }
    let _ = query::selector(&text);
    let _ = query::fields(Some(&text));
    let _ = query::sort(Some(&text));
    let _ = query::paging(vec![("nextPageKey".into(), text.clone().into_owned())]);
});
