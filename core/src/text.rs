//! The one redaction path for text from elsewhere that the checker shows, logs or returns: server
//! messages, constraint violations, shape-error quotes, parser messages, page titles.
//!
//! Why a rule on runs of characters rather than a token pattern: the text to clean is whatever a
//! server, a proxy or a parser wrote, and the token inside it may be damaged (a wrong separator,
//! an invisible or look-alike character, cut off, doubled). A pattern for well-formed tokens
//! misses those; a damaged token still leaks its secret. So every run of characters a secret can
//! be made of (`A-Z a-z 0-9 _ -`) that is 8 or more long and does not read as words is hidden
//! whole, and so is every other long run in the same whitespace-delimited word (a damaged token
//! is one word with junk inside). What a secret looks like:
//!
//! - any run with a digit in it (base32 and hex secrets, token IDs, legacy tokens);
//! - any run with an upper-case stretch that is not a known acronym or status word (a base32
//!   stretch without digits: `GDFPBEJY`);
//! - any run with a lower-case or capitalised stretch that is not pronounceable: a letter pair
//!   English text hardly uses, or more than four consonants in a row (a random stretch of a
//!   mixed-case or hex secret: `xqvbtrkp`, `deadbeef`).
//!
//! What stays: words, `snake_case` and `NOT_FOUND` made of words, the `camelCase` names the token
//! API uses (scope names such as `apiTokens.read`, field names such as `constraintViolations`;
//! any other camelCase is judged a secret: word by word, a random mixed-case stretch passes too
//! often), and numbers and acronyms shorter than 8. Invisible characters are dropped first, so
//! that a zero-width space cannot split a secret into "harmless" pieces that still read as one.
//! A run shorter than 8 is never hidden: no 8 consecutive secret characters can show.
//!
//! The rule cannot tell a word from a secret stretch that happens to be one: a letters-only
//! stretch of a legacy token (mixed case, no digits) that is all lower case or Capitalised and
//! pronounceable, cut off or set apart by spaces from the rest, stays visible: about 1 in 25 000
//! random 8-character stretches of a legacy token. Every other shape is hidden by construction;
//! `core/tests/promise.rs` and the `redact` fuzz target hold the rule to that.

use crate::token::MASK;

/// Runs shorter than this are never hidden (and never can leak 8 secret characters).
const MIN_RUN: usize = 8;

/// `text` with every secret-looking run replaced by [`MASK`] and invisible characters removed.
/// Everything else is kept as it was, line breaks included.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        let c = match visible(c) {
            Some(c) => c,
            None => continue,
        };
        if c.is_whitespace() {
            redact_word(&word, &mut out);
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    redact_word(&word, &mut out);
    out
}

/// `text` as one short line to put in a sentence: secrets are hidden ([`redact`]), control
/// characters and line breaks become spaces, spaces are collapsed, and anything past
/// `max_chars` is cut and marked with `…`.
pub fn one_line(text: &str, max_chars: usize) -> String {
    // Redacted first, while a control character still glues the pieces of a damaged token into
    // one word; as a space it would cut them apart, and each piece would be judged alone.
    let redacted = redact(text);
    let mut flat = String::with_capacity(redacted.len().min(4 * max_chars + 64));
    let mut space = false;
    for c in redacted.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        if space && !flat.is_empty() {
            flat.push(' ');
        }
        space = false;
        flat.push(c);
    }
    let clean = flat.trim();
    let mut out: String = clean.chars().take(max_chars).collect();
    if clean.chars().nth(max_chars).is_some() {
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

/// Characters that render as nothing are dropped (they would split a secret into pieces that
/// each look harmless but read as one); no-break and figure spaces count as spaces. The
/// invisible characters a token may carry are `token::chars`'s list; the other ranges are the
/// rest of Unicode's default-ignorable characters (invisible operators, variation selectors,
/// tags, fillers), which a token never carries but a hostile echo might.
fn visible(c: char) -> Option<char> {
    match c {
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{180E}' => Some(' '),
        c if crate::token::chars::is_invisible(c) => None,
        '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        // U+2065 (unassigned) is the one code point of U+2060..U+206F the list above lacks.
        | '\u{2065}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' => None,
        c => Some(c),
    }
}

fn is_run_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// One whitespace-free word: if any long run in it looks secret, or it carries a `dt0xNN`
/// prefix, every long run in it is hidden.
fn redact_word(word: &str, out: &mut String) {
    let runs = runs(word);
    let hot = has_dynatrace_prefix(word)
        || runs
            .iter()
            .any(|&(start, end)| end - start >= MIN_RUN && looks_secret(&word[start..end]));
    if !hot {
        out.push_str(word);
        return;
    }
    let mut at = 0;
    for (start, end) in runs {
        if end - start >= MIN_RUN {
            out.push_str(&word[at..start]);
            out.push_str(MASK);
            at = end;
        }
    }
    out.push_str(&word[at..]);
}

/// Byte ranges of the maximal runs of secret characters in `word`.
fn runs(word: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in word.char_indices() {
        match (is_run_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, word.len()));
    }
    runs
}

/// `dt0` + a letter + two digits, in any case: the start of every prefixed token.
fn has_dynatrace_prefix(word: &str) -> bool {
    word.as_bytes().windows(6).any(crate::token::is_prefix)
}

/// Whether a run of 8 or more `A-Z a-z 0-9 _ -` is secret-looking (see the module comment).
fn looks_secret(run: &str) -> bool {
    if is_date(run) {
        return false;
    }
    if run.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    !run.split(['_', '-']).filter(|p| !p.is_empty()).all(|part| {
        let words = segments(part);
        if words.len() == 1 {
            reads_as_word(part)
        } else {
            // camelCase: only the names Dynatrace uses. Judged word by word, a random
            // mixed-case stretch passes far too often (`WstGtnIn`: "wst", "gtn", "in").
            is_known_identifier(part)
        }
    })
}

/// A camelCase name from the token API: a model field, or a piece of a scope name.
fn is_known_identifier(part: &str) -> bool {
    IDENTIFIERS.contains(&part)
        || crate::dynatrace::scopes::all_known_values()
            .any(|scope| scope.split(['.', ':', '_', '-']).any(|piece| piece == part))
}

/// The token API's field names that its messages (constraint violations) may name.
const IDENTIFIERS: &[&str] = &[
    "activeGateToken",
    "activeGateTokens",
    "activeGateType",
    "additionalMetadata",
    "apiToken",
    "apiTokens",
    "constraintViolations",
    "creationDate",
    "expirationDate",
    "lastUsedDate",
    "lastUsedIpAddress",
    "modifiedDate",
    "nextPageKey",
    "pageSize",
    "parameterLocation",
    "personalAccessToken",
    "seedToken",
    "totalCount",
];

/// `2020-11-05` and `2020-11-05T08` (a timestamp's colon ends the run).
fn is_date(run: &str) -> bool {
    let b = run.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 10 || (b.len() == 13 && matches!(b[10], b'T' | b't') && digits(11..13)))
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
}

/// The words of a camelCase name (no `_` or `-` in it): split before a capital that follows a
/// small letter (`api|Tokens`), and before the last capital of an acronym that starts a word
/// (`HTTP|Server`).
fn segments(part: &str) -> Vec<&str> {
    let b = part.as_bytes();
    let mut cuts = vec![0];
    for i in 1..b.len() {
        let lower_to_upper = b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase();
        let acronym_end = b[i - 1].is_ascii_uppercase()
            && b[i].is_ascii_uppercase()
            && b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if lower_to_upper || acronym_end {
            cuts.push(i);
        }
    }
    cuts.push(b.len());
    cuts.windows(2).map(|w| &part[w[0]..w[1]]).collect()
}

/// A known acronym or status word in capitals, a short common word, or a pronounceable word.
fn reads_as_word(segment: &str) -> bool {
    let b = segment.as_bytes();
    if b.len() >= 2 && b.iter().all(u8::is_ascii_uppercase) {
        return UPPER_WORDS.iter().any(|w| w.as_bytes() == b);
    }
    // Capitalised or lower case from here on.
    if b[1..].iter().any(u8::is_ascii_uppercase) {
        return false;
    }
    let lower = segment.to_ascii_lowercase();
    if b.len() < 3 {
        return SHORT_WORDS.contains(&lower.as_str());
    }
    pronounceable(lower.as_bytes())
}

/// Every adjacent letter pair is one English uses, and no more than four consonants in a row.
fn pronounceable(word: &[u8]) -> bool {
    let pairs_ok = word.windows(2).all(|p| {
        let (a, b) = (usize::from(p[0] - b'a'), u32::from(p[1] - b'a'));
        PAIRS[a] & (1 << b) != 0
    });
    let mut consonants = 0;
    let clusters_ok = word.iter().all(|c| {
        consonants = if b"aeiouy".contains(c) {
            0
        } else {
            consonants + 1
        };
        consonants <= 4
    });
    pairs_ok && clusters_ok
}

/// Letter pairs English text uses, one row per first letter, bit `n` for second letter `a + n`:
/// the pairs that make 99% of the pairs in words of this project's documentation and of Python's
/// standard library (as English prose and identifiers), plus those of Dynatrace's own vocabulary
/// and of every scope name. With the consonant rule, a random lower-case stretch of 8 passes
/// about 1 time in 50 (a stretch of `a`–`f`, as in hex, 1 in 11; but 8 hex letters in a row
/// without a digit happen once in 2,600 stretches).
const PAIRS: [u32; 26] = [
    0x1febd6f, 0x1164b15, 0x11e5d95, 0x13e693b, 0x1fffd7f, 0x01e4931, 0x01e69d1, 0x01e4113,
    0x2befc7f, 0x0145011, 0x0542911, 0x11ce93f, 0x09cd91b, 0x1bcfd7d, 0x0fefd7f, 0x11ed99d,
    0x0100000, 0x17efd7f, 0x15efddd, 0x15ef9bd, 0x00ef97f, 0x0004111, 0x0066999, 0x1088115,
    0x04cf110, 0x0004111,
];

/// Acronyms and the words of HTTP status lines and Dynatrace messages, as servers write them in
/// capitals (`401 UNAUTHORIZED`, `NOT_FOUND`, `DTAQLAccess`).
const UPPER_WORDS: &[&str] = &[
    "ACCESS",
    "ALLOWED",
    "API",
    "AUTHENTICATION",
    "BAD",
    "BODY",
    "CONFLICT",
    "CONSTRAINT",
    "CORS",
    "CSRF",
    "DENIED",
    "DNS",
    "DT",
    "DTAQL",
    "ERROR",
    "EXPIRED",
    "FAILED",
    "FORBIDDEN",
    "FOUND",
    "GATEWAY",
    "HEADER",
    "HTML",
    "HTTP",
    "HTTPS",
    "ID",
    "IDS",
    "INTERNAL",
    "INVALID",
    "IP",
    "JSON",
    "JWT",
    "LARGE",
    "MANY",
    "METHOD",
    "MISSING",
    "NOT",
    "OAUTH",
    "OK",
    "PAAS",
    "PARAMETER",
    "PATH",
    "PAYLOAD",
    "QUERY",
    "REQUEST",
    "REQUESTS",
    "REQUIRED",
    "SAAS",
    "SCIM",
    "SCOPE",
    "SERVER",
    "SERVICE",
    "SLO",
    "SSL",
    "SSO",
    "TIMEOUT",
    "TLS",
    "TOKEN",
    "TOO",
    "UI",
    "UNAUTHORIZED",
    "UNAVAILABLE",
    "URI",
    "URL",
    "UTC",
    "UTF",
    "UUID",
    "VIOLATION",
    "VIOLATIONS",
    "XML",
];

/// Words under three letters that identifiers glue to others (`tokenId`, `isEnabled`).
const SHORT_WORDS: &[&str] = &[
    "a", "an", "as", "at", "be", "by", "do", "go", "id", "if", "in", "is", "it", "me", "my", "no",
    "of", "ok", "on", "or", "so", "to", "up", "us", "we",
];

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

    #[test]
    fn server_english_stays_readable() {
        for text in [
            "Token is missing required scope. Use one of: apiTokens.read, apiTokens.write",
            "Token Authentication failed",
            "Constraints violated.",
            "constraintViolations[0].parameterLocation must match the pattern",
            "502 Bad Gateway",
            "401 UNAUTHORIZED",
            "503 SERVICE UNAVAILABLE",
            "NOT_FOUND: no such token",
            "Missing scope activeGateTokenManagement.read or DTAQLAccess",
            "The environment abc12 is unavailable since 2020-11-05T08:15:30Z",
            "Unexpected token 'x', \"hello\" is not valid JSON",
            "Sign in to Dynatrace",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn every_scope_name_stays_readable() {
        let hidden: Vec<_> = crate::dynatrace::scopes::all_known_values()
            .filter(|scope| redact(scope) != *scope)
            .collect();
        assert!(hidden.is_empty(), "{hidden:?}");
    }

    #[test]
    fn a_well_formed_token_is_hidden_whatever_its_kind() {
        for token in [
            format!("dt0c01.ST2EY72KQINMH574WMNVI7YN.{SECRET}"),
            format!("dt0s16.ST2EY72K.{SECRET}"),
            format!("DT0C01.ST2EY72KQINMH574WMNVI7YN.{SECRET}"),
            format!("dt0a01.abc12345.{}", "0123456789abcdef".repeat(4)),
            format!("dt0e01.ABCDEFGHIJKLMNO.{}", &SECRET[..40]),
            format!("dt0x99.ANYTHING.{SECRET}"),
        ] {
            let shown = redact(&format!("Token {token} is invalid"));
            assert!(shown.starts_with("Token "), "{shown}");
            assert!(shown.ends_with(" is invalid"), "{shown}");
            assert!(
                !shown.contains(&SECRET[..8]) && !shown.contains("01234567"),
                "{shown}"
            );
        }
    }

    #[test]
    fn a_bare_secret_and_a_legacy_token_are_hidden() {
        assert_eq!(
            redact(&format!("secret={SECRET}")),
            format!("secret={MASK}")
        );
        assert_eq!(
            redact("token abcDEF123ghiJKL456mno here"),
            format!("token {MASK} here")
        );
        assert_eq!(redact(&"0123456789abcdef".repeat(4)), MASK);
    }

    #[test]
    fn wrong_separators_do_not_matter() {
        for sep in ["-", ",", " ", "．", "。", ":", "_"] {
            let text = format!("dt0c01{sep}ST2EY72KQINMH574WMNVI7YN{sep}{SECRET}");
            let shown = redact(&text);
            assert!(!shown.contains(&SECRET[..8]), "{sep:?}: {shown}");
            assert!(!shown.contains("ST2EY72K"), "{sep:?}: {shown}");
        }
    }

    #[test]
    fn invisible_characters_cannot_split_a_secret_into_visible_pieces() {
        let split = format!(
            "{}\u{200B}{}\u{FEFF}{}",
            &SECRET[..5],
            &SECRET[5..30],
            &SECRET[30..]
        );
        assert_eq!(redact(&split), MASK);
        // A no-break space is a space: each side is judged alone, and both are secret-looking.
        let spaced = format!("{}\u{00A0}{}", &SECRET[..20], &SECRET[20..]);
        assert_eq!(redact(&spaced), format!("{MASK} {MASK}"));
    }

    #[test]
    fn look_alikes_inside_a_secret_leave_only_short_pieces_or_none() {
        // A Cyrillic А splits the runs, but the word is one: every long run in it goes.
        let text = format!("{}А{}", &SECRET[..30], &SECRET[30..]);
        assert_eq!(redact(&text), format!("{MASK}А{MASK}"));
        // A letter-only stretch glued to a secret-looking one goes with it.
        assert_eq!(
            redact("QWERTYUIOPASDF．AB3DEFGH2"),
            format!("{MASK}．{MASK}")
        );
    }

    #[test]
    fn stretches_without_digits_are_hidden_when_they_do_not_read_as_words() {
        for run in [
            "GDFPBEJYMODI",
            "xqvbtrkpzz",
            "deadbeefcafe",
            "aBcDeFgHiJ",
            "ABCDEFGH",
            "WstGtnIn",
            "someUnknownName",
        ] {
            assert_eq!(redact(run), MASK, "{run}");
        }
    }

    #[test]
    fn short_runs_stay() {
        assert_eq!(redact("dt0c01 ABC 1234567"), "dt0c01 ABC 1234567");
    }

    #[test]
    fn one_line_flattens_redacts_and_cuts() {
        assert_eq!(one_line("a\n\tb\u{7}  c\r\n", 80), "a b c");
        assert_eq!(
            one_line(&format!("key:\n{SECRET}\n"), 80),
            format!("key: {MASK}")
        );
        let long = "word ".repeat(100);
        let cut = one_line(&long, 20);
        assert_eq!(cut, "word word word word…");
        assert_eq!(one_line("", 10), "");
    }

    #[test]
    fn one_line_judges_a_word_before_control_characters_become_spaces() {
        // Found by the `redact` fuzz target: a control character between two pieces of a legacy
        // token made them two words once it was a space, and the letters-only piece passed as
        // camelCase words.
        let text = "dd zzm WstGtnIn\u{8d}q7xSfNz4 Ra";
        let shown = one_line(text, 200);
        assert!(!shown.contains("WstGtnIn"), "{shown}");
        assert_eq!(shown, format!("dd zzm {MASK} {MASK} Ra"));
        assert!(!one_line("dd WstGtnIn Ra", 200).contains("WstGtnIn"));
    }

    #[test]
    fn one_line_never_shows_a_secret_it_cut() {
        // Cut after redaction: the cut cannot turn a hidden run into a visible stretch.
        let shown = one_line(&format!("x {SECRET}"), 12);
        assert!(!shown.contains(&SECRET[..8]), "{shown}");
    }
}
