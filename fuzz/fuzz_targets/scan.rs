//! Any input: `scan` never panics, findings are in bounds and re-parse, and the incremental
//! scanner agrees with the whole-text one.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (&str, u8)| {
    let (text, budget) = data;
    let findings = dt_core::token::scan(text);
    for f in &findings {
        let matched = text
            .get(f.offset..f.offset + f.length)
            .expect("finding in bounds");
        let parsed = dt_core::token::parse(matched).expect("a finding parses");
        assert_eq!(parsed.secret().is_some(), f.has_secret);
        assert!(f.line >= 1 && f.column >= 1);
    }
    let mut scanner = dt_core::token::Scanner::new();
    while !scanner.step(text, usize::from(budget).max(1)) {}
    assert_eq!(scanner.into_findings(), findings);
});
