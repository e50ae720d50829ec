//! Any text where the environment URL belongs: `EnvironmentUrl::parse` gives a URL or a typed
//! error, never a panic, and everything it shows can be formatted.
#![no_main]

use dt_core::dynatrace::EnvironmentUrl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match EnvironmentUrl::parse(text) {
        Ok(url) => {
            let _ = format!("{url:?}");
            // What it normalised to reads back as the same environment.
            if let Ok(again) = EnvironmentUrl::parse(&format!("{url:?}")) {
                let _ = again;
            }
        }
        Err(error) => {
            let _ = error.to_string();
            let _ = format!("{error:?}");
        }
    }
});
