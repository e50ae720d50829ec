//! Finding tokens in arbitrary text (logs, `.env`, YAML, JSON, shell history).
//!
//! A hand-written scanner: `memchr`'s SIMD search finds each `dt0`, then a few byte checks
//! confirm or reject the candidate in place. Rules:
//! - a token or ID must stand alone: the byte before `dt0` and the byte after the match may
//!   not be a letter, digit or `_` (so nothing glued inside a longer word matches);
//! - part lengths must be exactly those of the kind where they are known (`dt0c01`/`dt0s01`:
//!   24 and 64, `dt0g02`: 8 and 64, `dt0e01`: 15 and 40); a 65-character secret is no match
//!   at all, not a match of its first 64 characters, nor an ID;
//! - other `dt0xNN` prefixes need a public part of 6 to 32 characters and a 64-character secret;
//! - letters may be in either case, as scanners in the wild match them.
//!
//! Legacy tokens (no prefix) and legacy UUID IDs are not reported: every UUID and every
//! 21-character word in a log would match. The parser still recognises them when pasted.
//!
//! Findings are de-duplicated: the same token found again raises `occurrences` and keeps its
//! first position. An ID is not reported separately when its full token is also in the text:
//! the full token is the finding that matters.

use std::collections::HashMap;

use memchr::memmem;
use serde::Serialize;

use super::kind::TokenKind;
use super::secret::MASK;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// `prefix.public`: safe to show.
    pub id: String,
    pub kind: TokenKind,
    pub has_secret: bool,
    /// `dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••`
    pub masked: String,
    /// Byte offset of the first occurrence.
    pub offset: usize,
    /// 1-based line of the first occurrence.
    pub line: usize,
    /// 1-based column, in characters, of the first occurrence.
    pub column: usize,
    /// Byte length of the match (so a caller can redact it).
    pub length: usize,
    pub occurrences: usize,
}

/// Scans a whole text at once.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut scanner = Scanner::new();
    while !scanner.step(text, usize::MAX) {}
    scanner.into_findings()
}

/// An incremental scan, for callers that must not block (a browser scanning 50 MB): each
/// [`Scanner::step`] looks at the next `budget` bytes, and the findings are the same as
/// [`scan`]'s whatever the budget.
#[derive(Debug, Default)]
pub struct Scanner {
    /// Where the next step starts.
    pos: usize,
    /// Line bookkeeping up to `line_pos`: the line it is on and where that line starts.
    line: usize,
    line_start: usize,
    line_pos: usize,
    findings: Vec<Finding>,
    by_text: HashMap<String, usize>,
    done: bool,
}

impl Scanner {
    pub fn new() -> Self {
        Scanner { line: 1, ..Scanner::default() }
    }

    /// Scans up to `budget` more bytes of `text` (which must be the same text every call).
    /// Returns `true` once the whole text has been scanned.
    pub fn step(&mut self, text: &str, budget: usize) -> bool {
        if self.done || self.pos >= text.len() {
            self.finish();
            return true;
        }
        let bytes = text.as_bytes();
        let end = self.pos.saturating_add(budget.max(1)).min(bytes.len());
        // A candidate may start anywhere before `end`; its tail may run past it.
        let window_end = (end + 2).min(bytes.len());
        let from = self.pos;
        let mut at = from;
        for start in memmem::find_iter(&bytes[from..window_end], b"dt0").map(|i| from + i) {
            // Candidates inside a match just recorded are part of it.
            if start < at {
                continue;
            }
            if start >= end {
                break;
            }
            at = match candidate(bytes, start) {
                Some(m) => {
                    self.record(text, start, m);
                    start + m.len
                }
                None => start + 1,
            };
        }
        self.pos = end.max(at.min(bytes.len()));
        if self.pos >= bytes.len() {
            self.finish();
            return true;
        }
        false
    }

    /// Bytes scanned so far, for progress.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn into_findings(mut self) -> Vec<Finding> {
        self.finish();
        self.findings
    }

    fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        // Drop IDs whose full token was found too.
        let full_ids: std::collections::HashSet<String> =
            self.findings.iter().filter(|f| f.has_secret).map(|f| f.id.to_ascii_uppercase()).collect();
        self.findings.retain(|f| f.has_secret || !full_ids.contains(&f.id.to_ascii_uppercase()));
    }

    fn record(&mut self, text: &str, start: usize, m: Match) {
        let matched = &text[start..start + m.len];
        if let Some(&i) = self.by_text.get(matched) {
            self.findings[i].occurrences += 1;
            return;
        }
        let (line, column) = self.line_col(text, start);
        let prefix = matched[..6].to_ascii_lowercase();
        let id = format!("{prefix}{}", &matched[6..m.id_len]);
        let masked = if m.has_secret { format!("{id}.{MASK}") } else { id.clone() };
        self.by_text.insert(matched.to_owned(), self.findings.len());
        self.findings.push(Finding {
            kind: TokenKind::from_prefix(&prefix),
            id,
            has_secret: m.has_secret,
            masked,
            offset: start,
            line,
            column,
            length: m.len,
            occurrences: 1,
        });
    }

    /// Line and column of `offset`, counting forward from the last position asked about.
    fn line_col(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let between = &text.as_bytes()[self.line_pos..offset];
        // memchr counts newlines at memory speed; memrchr then finds where the line starts.
        self.line += memchr::memchr_iter(b'\n', between).count();
        if let Some(nl) = memchr::memrchr(b'\n', between) {
            self.line_start = self.line_pos + nl + 1;
        }
        self.line_pos = offset;
        let column = text[self.line_start..offset].chars().count() + 1;
        (self.line, column)
    }
}

#[derive(Clone, Copy, Debug)]
struct Match {
    /// Bytes of the whole match.
    len: usize,
    /// Bytes of `prefix.public`.
    id_len: usize,
    has_secret: bool,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn run_of_alnum(bytes: &[u8], from: usize) -> usize {
    bytes[from.min(bytes.len())..].iter().take_while(|b| b.is_ascii_alphanumeric()).count()
}

/// Confirms a token or ID starting at `start` (where `dt0` is), or rejects it.
fn candidate(bytes: &[u8], start: usize) -> Option<Match> {
    if start > 0 && is_word(bytes[start - 1]) {
        return None;
    }
    let head = bytes.get(start..start + 7)?;
    if !(head[3].is_ascii_alphabetic() && head[4].is_ascii_digit() && head[5].is_ascii_digit() && head[6] == b'.') {
        return None;
    }
    let (public_ok, secret_len): (fn(usize) -> bool, usize) = match &head[3..6] {
        [b'c' | b'C', b'0', b'1'] => (|n| n == 24, 64),
        [b's' | b'S', b'0', b'1'] => (|n| n == 24, 64),
        [b'g' | b'G', b'0', b'2'] => (|n| n == 8, 64),
        [b'e' | b'E', b'0', b'1'] => (|n| n == 15, 40),
        _ => (|n| (6..=32).contains(&n), 64),
    };
    let public_start = start + 7;
    let public_len = run_of_alnum(bytes, public_start);
    if !public_ok(public_len) {
        return None;
    }
    let id_len = 7 + public_len;
    let after_public = public_start + public_len;
    match bytes.get(after_public) {
        Some(b'.') if bytes.get(after_public + 1).is_some_and(u8::is_ascii_alphanumeric) => {
            let secret_len_found = run_of_alnum(bytes, after_public + 1);
            let end = after_public + 1 + secret_len_found;
            let glued = bytes.get(end).is_some_and(|b| *b == b'_');
            (secret_len_found == secret_len && !glued).then_some(Match { len: end - start, id_len, has_secret: true })
        }
        Some(b) if is_word(*b) => None,
        _ => Some(Match { len: id_len, id_len, has_secret: false }),
    }
}
