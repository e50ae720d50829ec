//! Any input: `parse` never panics, and nothing it shows holds the secret.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match dt_core::token::parse(text) {
        Ok(token) => {
            // (Unless the secret also stands in the ID, which is public by design.)
            if let Some(secret) = token
                .secret()
                .filter(|s| s.len() >= 8 && !token.id().contains(s.expose()))
            {
                let secret = secret.expose();
                for shown in [
                    format!("{token:?}"),
                    token.masked(),
                    serde_json::to_string(&token).unwrap_or_default(),
                ] {
                    assert!(!shown.contains(secret), "secret shown");
                }
            }
            // The ID re-parses to the same ID.
            if !token.id().is_empty() {
                let again = dt_core::token::parse(token.id()).expect("an ID re-parses");
                assert_eq!(again.id(), token.id());
            }
        }
        Err(error) => {
            let _ = error.to_string();
            if let Some(i) = error.index() {
                assert!(i <= text.chars().count(), "error index past the input");
            }
        }
    }
});
