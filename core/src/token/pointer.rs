//! What the parse-error pointer may show of the input: the place of the error, with everything
//! that could be secret masked.
//!
//! Why here and not in the view: which characters may be secret depends on the token rules
//! (where a public part ends, how long it may be), and a view that guesses gets it wrong (a
//! wrong separator before the secret once showed 24 of its characters). So the view draws only
//! what [`pointer`] returns.
//!
//! What is shown: the recognised prefix (`dt0` + letter + two digits), the dot after it, the
//! public part when its length is one the [rules table](super::RULES) allows (counted up to the
//! first character that cannot be part of a token, so a lost separator makes the "public part"
//! too long, and it is masked), and the dot after that. The offending character is shown only
//! when it cannot be part of a secret (punctuation, spaces, invisible characters as `U+200B`);
//! letters and digits in any alphabet are masked. Everything else, including whatever surrounds
//! the token, legacy tokens and bare secrets, is `•`, one per character.

use std::ops::Range;

use serde::Serialize;

use super::chars;
use super::parse::{normalise, ParseError, ParseErrorKind};
use super::rules;

/// Characters shown on each side of the error.
const CONTEXT: usize = 24;
/// What stands for a character that may be secret.
pub const MASKED: char = '•';

/// The input around a parse error, ready to draw: `before`, then `at` (marked), then `after`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pointer {
    /// Whether input comes before `before` (draw an ellipsis).
    pub clipped_before: bool,
    pub before: String,
    /// The offending character: itself, `U+XXXX` for an invisible, space or control character,
    /// `•` when it could be part of a secret, `⌷` past the end of the input.
    pub at: String,
    pub after: String,
    /// Whether input follows `after`.
    pub clipped_after: bool,
    /// The character index of the error (0-based), as [`ParseError::index`].
    pub index: usize,
}

/// What the parse-error pointer may show for `error`, which `parse(input)` returned. `None` when
/// the error has no single place (an empty input, an unknown shape).
pub(super) fn pointer(input: &str, error: &ParseError) -> Option<Pointer> {
    let index = error.index()?;
    let at_byte = error.byte_index()?;
    if at_byte > input.len() || !input.is_char_boundary(at_byte) {
        return None;
    }
    let visible = visible_bytes(input, error);
    // Invisible and control characters are masked even where they may be shown: drawn as they
    // are, they would not be seen, or would break the line.
    let show = |(byte, c): (usize, char)| {
        if visible.contains(&byte) && !c.is_control() && !chars::is_invisible(c) {
            c
        } else {
            MASKED
        }
    };

    let mut before_chars: Vec<(usize, char)> = input[..at_byte]
        .char_indices()
        .rev()
        .take(CONTEXT + 1)
        .collect();
    let clipped_before = before_chars.len() > CONTEXT;
    before_chars.truncate(CONTEXT);
    let before: String = before_chars.into_iter().rev().map(show).collect();

    let mut rest = input[at_byte..]
        .char_indices()
        .map(|(i, c)| (at_byte + i, c));
    let at = match rest.next() {
        None => "⌷".to_owned(),
        Some((byte, c)) => marked(c, visible.contains(&byte)),
    };
    let after_chars: Vec<(usize, char)> = rest.take(CONTEXT + 1).collect();
    let clipped_after = after_chars.len() > CONTEXT;
    let after: String = after_chars.into_iter().take(CONTEXT).map(show).collect();

    Some(Pointer {
        clipped_before,
        before,
        at,
        after,
        clipped_after,
        index,
    })
}

/// The marked character as it may be shown.
fn marked(c: char, visible: bool) -> String {
    if c.is_whitespace() || c.is_control() || chars::is_invisible(c) {
        format!("U+{:04X}", c as u32)
    } else if visible || !may_be_word(c) {
        c.to_string()
    } else {
        MASKED.to_string()
    }
}

/// The bytes of `input` that may be shown: the token's prefix and public part, and their dots.
fn visible_bytes(input: &str, error: &ParseError) -> Range<usize> {
    let (start, text, _) = normalise(input);
    let token_start = if starts_with_dt0(text) {
        start
    } else {
        match (&error.kind, error.byte_index()) {
            // "There is more than a token here": the error points at where one seems to start.
            (ParseErrorKind::UnknownShape { hint: Some(_) }, Some(at))
                if input.get(at..).is_some_and(starts_with_dt0) =>
            {
                at
            }
            _ => return 0..0,
        }
    };
    let token = &input.as_bytes()[token_start..];
    let prefix_ok = super::rules::is_prefix(token);
    if !prefix_ok {
        // Only `dt0`: what follows is not a prefix, and may be anything.
        return token_start..token_start + 3;
    }
    let mut end = token_start + 6;
    if token.get(6) != Some(&b'.') {
        return token_start..end;
    }
    end += 1;
    // ASCII (checked above), so a plain slice: no `from_utf8_lossy` in the page.
    let prefix = input
        .get(token_start..token_start + 6)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let Some(public) = rules::for_prefix(&prefix).public else {
        return token_start..end;
    };
    // The public part is what runs to the first character that cannot be in a token (letters
    // and digits of any alphabet count: a look-alike is still a character of the part), or the
    // same with invisible characters skipped over (one copied into the middle of the part), or
    // what the parser reads as one (up to the next dot). The first of these whose length the
    // rules allow is shown; none, and nothing of it is.
    let rest = &input[end..];
    let candidates = [
        measure(rest, may_be_word, false),
        measure(rest, may_be_word, true),
        measure(rest, |c| c != '.', true),
    ];
    let Some((_, public_len)) = candidates
        .into_iter()
        .find(|(chars, _)| public.contains(*chars))
    else {
        return token_start..end;
    };
    end += public_len;
    if input.as_bytes().get(end) == Some(&b'.') {
        end += 1;
    }
    token_start..end
}

/// How many characters and bytes of `text` come before the first character that is not
/// `part_of`; invisible characters, when `skip_invisible`, are passed over without counting.
fn measure(text: &str, part_of: impl Fn(char) -> bool, skip_invisible: bool) -> (usize, usize) {
    let mut chars = 0;
    for (i, c) in text.char_indices() {
        let invisible = chars::is_invisible(c);
        if invisible && skip_invisible {
            continue;
        }
        if !part_of(c) || invisible {
            return (chars, i);
        }
        chars += 1;
    }
    (chars, text.len())
}

/// Whether `c` may be a letter or digit of some alphabet, so part of a token. Exact for ASCII.
/// For any other character it is `true` unless `c` is in a short list of punctuation, spaces and
/// symbols (Latin-1, General Punctuation, CJK and full-width punctuation), none of which is a
/// letter or digit: an unlisted character is treated as a letter, so masked, never shown. Why not
/// `char::is_alphanumeric`: it brings Unicode's letter and digit tables into the page (2.0 KB
/// gzip), and the only price here is that a rare symbol (an emoji, an arrow) is masked.
pub(crate) fn may_be_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(
        c,
        '\u{A0}'..='\u{A9}'
            | '\u{AB}'..='\u{B1}'
            | '\u{B4}'
            | '\u{B6}'..='\u{B8}'
            | '\u{BB}'
            | '\u{BF}'
            | '\u{D7}'
            | '\u{F7}'
            | '\u{2000}'..='\u{206F}'
            | '\u{3000}'..='\u{3004}'
            | '\u{3008}'..='\u{3020}'
            | '\u{3030}'
            | '\u{FEFF}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}'
    )
}

fn starts_with_dt0(text: &str) -> bool {
    text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("dt0"))
}

#[cfg(test)]
mod tests {
    use super::may_be_word;

    /// The short list never lets a letter or digit of any alphabet be shown, and ASCII is exact.
    #[test]
    fn may_be_word_covers_every_letter_and_digit() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_alphanumeric() {
                assert!(may_be_word(c), "U+{:04X}", c as u32);
            }
            if c.is_ascii() {
                assert_eq!(may_be_word(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
            }
        }
        for c in ['．', '。', '「', '…', '–', '«', '¿', '\u{3000}'] {
            assert!(!may_be_word(c), "{c}");
        }
    }
}
