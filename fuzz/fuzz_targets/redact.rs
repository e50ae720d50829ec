//! The redaction invariant over arbitrary input: a random token of any kind, damaged as the
//! fuzzer likes (anything inserted anywhere, cut, doubled) and put in any text, never leaves 8
//! consecutive characters of its secret in what `redact` or `one_line` return.
//!
//! The secret comes from a generator seeded by the input, not from the input itself: the
//! promise is about secrets, which are random, not about text that only looks like one.
#![no_main]

use dt_core::text::{one_line, redact};
use libfuzzer_sys::fuzz_target;

/// splitmix64: small, and good enough to make secrets the fuzzer cannot choose.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn chars(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n)
            .map(|_| a[(self.next() % a.len() as u64) as usize] as char)
            .collect()
    }
}

const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX: &str = "0123456789abcdef";
const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `(text before the secret, the secret)` for a token of kind `kind`.
fn token(kind: u8, rng: &mut Rng, sep: char) -> (String, String) {
    let prefixed = |prefix: &str, public: String, secret: String| {
        (format!("{prefix}{sep}{public}{sep}"), secret)
    };
    match kind % 13 {
        0 => prefixed("dt0c01", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        1 => prefixed("dt0g02", rng.chars(BASE32, 8), rng.chars(BASE32, 64)),
        2 => prefixed("dt0s01", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        3 => prefixed("dt0s02", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        4 => prefixed("dt0s03", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        5 => prefixed("dt0s06", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        6 => prefixed("dt0s08", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        7 => prefixed("dt0s16", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        8 => prefixed("dt0e01", rng.chars(BASE32, 15), rng.chars(BASE32, 40)),
        9 => prefixed(
            "dt0a01",
            rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", 8),
            rng.chars(HEX, 64),
        ),
        10 => prefixed("dt0x42", rng.chars(BASE32, 24), rng.chars(BASE32, 64)),
        11 => (String::new(), rng.chars(ALNUM, 21)),
        _ => (String::new(), rng.chars(BASE32, 64)),
    }
}

fn assert_no_secret_run(output: &str, secret: &str, input: &str) {
    let shown: String = output
        .chars()
        .filter(|c| !matches!(c, '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'))
        .flat_map(char::to_lowercase)
        .collect();
    let secret: Vec<char> = secret.chars().flat_map(char::to_lowercase).collect();
    for window in secret.windows(8) {
        let window: String = window.iter().collect();
        assert!(
            !shown.contains(&window),
            "{window:?} shown in {output:?} for {input:?}"
        );
    }
}

fuzz_target!(|data: (
    &str,
    &str,
    u64,
    u8,
    char,
    Vec<(u16, char)>,
    Option<u16>,
    bool
)| {
    let (before, after, seed, kind, sep, inserted, truncate, doubled) = data;
    let mut rng = Rng(seed);
    let (head, secret) = token(kind, &mut rng, sep);
    let mut chars: Vec<char> = format!("{head}{secret}").chars().collect();
    for (at, c) in inserted.into_iter().take(16) {
        let at = usize::from(at) % (chars.len() + 1);
        chars.insert(at, c);
    }
    if let Some(keep) = truncate {
        chars.truncate(usize::from(keep) % (chars.len() + 1));
    }
    let mut pasted: String = chars.into_iter().collect();
    if doubled {
        pasted = format!("{pasted}{pasted}");
    }
    let text = format!("{before}{pasted}{after}");
    assert_no_secret_run(&redact(&text), &secret, &text);
    assert_no_secret_run(&one_line(&text, 200), &secret, &text);
    assert_no_secret_run(&one_line(&text, usize::from(kind)), &secret, &text);
});
