//! The Dynatrace token domain, with no web dependencies so that all of it builds and is tested
//! natively (`cargo test -p dt-core`), fuzzed, and benchmarked.
//!
//! - [`token`]: what a pasted string is (parse, classify, mask, scan), all local.
//! - [`dynatrace`]: the contract with Dynatrace's token API (models, environment URLs, the scope
//!   catalogue, error mapping).
//! - [`audit`]: what in an environment's tokens needs attention, and why (pure, `now` passed in).
//! - [`inventory`]: compact rows of every token, sorted, filtered, summed up and exported.
//! - [`export`]: CSV and JSON of metadata, built so that no secret can go in.
//! - [`date`]: the few date formats the API and HTTP use, read and written by hand.
//! - [`time`]: relative times ("expires in 3 days") with `now` passed in.
//! - [`text`]: the one redaction path for text from elsewhere that is shown, logged or returned.

pub mod audit;
pub mod date;
pub mod dynatrace;
pub mod export;
pub mod incident;
pub mod inventory;
pub mod text;
pub mod time;
pub mod token;
