//! Finding tokens in arbitrary text (logs, `.env`, YAML, JSON, shell history).
//!
//! A hand-written scanner: a block filter ([`filter`]) finds each `dt0???.` and each newline in
//! one pass, then a few byte checks confirm or reject the candidate in place. Rules:
//! - a token or ID must stand alone: the byte before `dt0` and the byte after the match may
//!   not be a letter, digit or `_` (so nothing glued inside a longer word matches);
//! - part lengths must be those of the kind's row in the [rules table](super::RULES) (`dt0c01`:
//!   24 and 64, `dt0g02`: 8 and 64, ...): a token is found exactly when `parse` reads it without
//!   a length error or warning. A 65-character secret is no match at all, not a match of its
//!   first 64 characters, nor an ID;
//! - `dt0` itself is lowercase, as Dynatrace writes it; the kind letter and the public and
//!   secret parts may be in either case, as scanners in the wild match them.
//!
//! Legacy tokens (no prefix) and legacy UUID IDs are not reported: every UUID and every
//! 21-character word in a log would match. The parser still recognises them when pasted.
//!
//! Findings are de-duplicated: the same token found again raises `occurrences` and keeps its
//! first position. An ID is not reported separately when its full token is also in the text:
//! the full token is the finding that matters.

mod filter;
mod stream;

use filter::Lines;
pub use stream::{ByteScanner, Hit, HitSink, HOLD};

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use super::kind::TokenKind;
use super::rules;
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
    /// Byte offset of the first occurrence (what Rust slices count; JavaScript gets UTF-16
    /// units, see [`utf16_places`](super::utf16_places)).
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
    /// The line `pos` is on (1-based), and the byte where that line starts.
    line: usize,
    line_start: usize,
    /// Columns are counted on from the last finding on the same line, so that a text of one
    /// long line (minified JSON) is not counted again for each finding.
    column_from: usize,
    column_chars: usize,
    findings: Vec<Finding>,
    /// Findings by a hash of their text, for de-duplication (collisions are checked).
    by_hash: HashMap<u64, usize, BuildHasherDefault<AlreadyHashed>>,
    done: bool,
}

impl Scanner {
    pub fn new() -> Self {
        Scanner {
            line: 1,
            ..Scanner::default()
        }
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
        let mut lines = Lines {
            line: self.line,
            start: self.line_start,
        };
        let at = for_each_match(bytes, self.pos, end, &mut lines, |start, m, here| {
            self.record(text, start, m, here.line, here.start)
        });
        (self.line, self.line_start) = (lines.line, lines.start);
        // A match may run past `end`; it holds no newline, so the line bookkeeping stays right.
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
        let findings = std::mem::take(&mut self.findings);
        self.findings = without_ids_of_full_tokens(findings, |f| (&f.id, f.has_secret));
    }

    fn record(&mut self, text: &str, start: usize, m: Match, line: usize, line_start: usize) {
        let Some(matched) = text.get(start..start + m.len) else {
            return;
        };
        let key = fnv1a(matched.as_bytes());
        let same = |f: &Finding| text.get(f.offset..f.offset + f.length) == Some(matched);
        let existing = match self.by_hash.get(&key) {
            Some(&i) if self.findings.get(i).is_some_and(same) => Some(i),
            // A hash collision: rare enough that a linear search is fine.
            Some(_) => self.findings.iter().position(same),
            None => None,
        };
        if let Some(i) = existing {
            if let Some(f) = self.findings.get_mut(i) {
                f.occurrences += 1;
            }
            return;
        }
        self.by_hash.entry(key).or_insert(self.findings.len());
        let column = self.column(text, line_start, start);
        let (id, masked) = id_and_masked(matched, m.id_len, m.has_secret);
        self.findings.push(Finding {
            kind: m.kind,
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

    /// 1-based column, in characters, of `offset` on the line starting at `line_start`.
    fn column(&mut self, text: &str, line_start: usize, offset: usize) -> usize {
        if self.column_from < line_start || self.column_from > offset {
            self.column_from = line_start;
            self.column_chars = 0;
        }
        let between = text
            .as_bytes()
            .get(self.column_from..offset)
            .unwrap_or_default();
        // Every byte but UTF-8 continuation bytes starts a character.
        self.column_chars += between.iter().filter(|&&b| (b as i8) >= -0x40).count();
        self.column_from = offset;
        self.column_chars + 1
    }
}

/// The ID (the prefix in lowercase, the public part as written) and the masked form of a match:
/// `dt0c01.ST2EY72KQINMH574WMNVI7YN` and `dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••`.
fn id_and_masked(matched: &str, id_len: usize, has_secret: bool) -> (String, String) {
    let mut id = String::with_capacity(id_len);
    id.extend(matched[..6].chars().map(|c| c.to_ascii_lowercase()));
    id.push_str(&matched[6..id_len]);
    let mut masked = String::with_capacity(id_len + 1 + MASK.len());
    masked.push_str(&id);
    if has_secret {
        masked.push('.');
        masked.push_str(MASK);
    }
    (id, masked)
}

/// The rule that an ID is not reported when its full token was found too (the ID's case may
/// differ): the full token is the finding that matters. `key` gives an item's ID and whether it
/// is a full token. Shared by [`Scanner`] and the streaming scan of files.
pub fn without_ids_of_full_tokens<T>(items: Vec<T>, key: impl Fn(&T) -> (&str, bool)) -> Vec<T> {
    let mut full_ids: HashMap<u64, usize, BuildHasherDefault<AlreadyHashed>> = HashMap::default();
    for (i, item) in items.iter().enumerate() {
        let (id, full) = key(item);
        if full {
            full_ids.entry(case_blind_hash(id)).or_insert(i);
        }
    }
    if full_ids.is_empty() {
        return items;
    }
    let has_full = |id: &str| match full_ids.get(&case_blind_hash(id)) {
        Some(&i)
            if items
                .get(i)
                .is_some_and(|f| key(f).0.eq_ignore_ascii_case(id)) =>
        {
            true
        }
        // A collision: look through them all.
        Some(_) => items.iter().any(|f| {
            let (other, full) = key(f);
            full && other.eq_ignore_ascii_case(id)
        }),
        None => false,
    };
    let keep: Vec<bool> = items
        .iter()
        .map(|f| {
            let (id, full) = key(f);
            full || !has_full(id)
        })
        .collect();
    items
        .into_iter()
        .zip(keep)
        .filter_map(|(f, keep)| keep.then_some(f))
        .collect()
}

/// FNV-1a of the ASCII-uppercased text.
fn case_blind_hash(text: &str) -> u64 {
    text.bytes().fold(FNV_OFFSET, |hash, b| {
        (hash ^ u64::from(b.to_ascii_uppercase())).wrapping_mul(FNV_PRIME)
    })
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The hasher for maps keyed by [`fnv1a`] values: they are hashes already.
#[derive(Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; this keeps any other key correct, if slower.
        self.0 = bytes.iter().fold(self.0 ^ FNV_OFFSET, |hash, &b| {
            (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
        });
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// FNV-1a: a small, fast hash for de-duplicating matches (not for anything adversarial:
/// collisions are checked against the text).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

#[derive(Clone, Copy, Debug)]
struct Match {
    /// Bytes of the whole match.
    len: usize,
    /// Bytes of `prefix.public`.
    id_len: usize,
    has_secret: bool,
    kind: TokenKind,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Longest secret or public part there is (64) plus one: a run this long is too long for any kind
/// (`core/tests/token_rules.rs` checks it against the table).
pub(crate) const RUN_CAP: usize = 65;

/// How many ASCII letters and digits follow `from`, counting no further than [`RUN_CAP`].
#[inline(always)]
fn run_of_alnum(bytes: &[u8], from: usize) -> usize {
    filter::alnum_run(bytes, from, RUN_CAP)
}

/// Every token or ID that starts in `from..to` of `bytes`, in order: `each(start, match, line)`
/// with the line the match is on. The one candidate loop of both scanners ([`Scanner`] over a
/// text, [`ByteScanner`] over a stream of chunks). A match may end past `to`; a candidate inside
/// a match is part of it, not a match of its own. `lines` is the line at `from` on the way in
/// and at `to` on the way out. Returns the byte after the last match, or `from` with none.
#[inline(always)]
fn for_each_match(
    bytes: &[u8],
    from: usize,
    to: usize,
    lines: &mut Lines,
    mut each: impl FnMut(usize, Match, Lines),
) -> usize {
    // The next byte not covered by a match already reported.
    let mut at = from;
    filter::for_each_candidate_block(bytes, from, to, lines, |block, found, lines_at_block| {
        let mut starts = found.starts;
        while starts != 0 {
            let j = starts.trailing_zeros();
            starts &= starts - 1;
            let start = block + j as usize;
            if start < at {
                continue;
            }
            at = match candidate(bytes, start) {
                Some(m) => {
                    each(
                        start,
                        m,
                        lines_at_block.after(block, found.newlines & ((1u64 << j) - 1)),
                    );
                    start + m.len
                }
                None => start + 1,
            };
        }
    });
    at
}

/// Confirms a token or ID starting at `start` (where `dt0` is), or rejects it.
fn candidate(bytes: &[u8], start: usize) -> Option<Match> {
    if start > 0 && is_word(bytes[start - 1]) {
        return None;
    }
    let head = bytes.get(start..start + 7)?;
    if !(head.starts_with(b"dt0")
        && head[3].is_ascii_alphabetic()
        && head[4].is_ascii_digit()
        && head[5].is_ascii_digit()
        && head[6] == b'.')
    {
        return None;
    }
    let rule = rules::for_prefix_tail(head[3], [head[4], head[5]]);
    let (Some(public), Some(secret)) = (rule.public, rule.secret) else {
        return None;
    };
    let public_start = start + 7;
    let public_len = run_of_alnum(bytes, public_start);
    if !public.contains(public_len) {
        return None;
    }
    let id_len = 7 + public_len;
    let after_public = public_start + public_len;
    match bytes.get(after_public) {
        Some(b'.')
            if bytes
                .get(after_public + 1)
                .is_some_and(u8::is_ascii_alphanumeric) =>
        {
            let secret_len_found = run_of_alnum(bytes, after_public + 1);
            let end = after_public + 1 + secret_len_found;
            let glued = bytes.get(end).is_some_and(|b| *b == b'_');
            (secret.contains(secret_len_found) && !glued).then_some(Match {
                len: end - start,
                id_len,
                has_secret: true,
                kind: rule.kind,
            })
        }
        Some(b) if is_word(*b) => None,
        _ => Some(Match {
            len: id_len,
            id_len,
            has_secret: false,
            kind: rule.kind,
        }),
    }
}
