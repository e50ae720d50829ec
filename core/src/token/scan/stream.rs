//! The scanner over a stream of byte chunks: files read piece by piece (a 200 MB log, a `.gz`
//! decompressed while it is read), which need not be UTF-8. Tokens are ASCII, so bytes are all
//! the scanner needs; the rules and the candidate loop are the [`Scanner`](super::Scanner)'s own
//! (`for_each_match`), not a copy.
//!
//! Why a carry: a token may be split across two chunks. Every chunk is appended to what is left
//! of the previous one, and only candidates that start at least [`HOLD`] bytes before the end
//! are decided; the last [`HOLD`] bytes (plus the one byte before them, which the
//! "stands alone" rule looks at) wait for the next chunk, or for the end of the stream. A token
//! is at most 7 + 65 + 1 + 65 + 1 bytes long with the byte after it, far less than [`HOLD`], so
//! a decided candidate always sees all of itself: a split token is found exactly once, at the
//! same line and column as in one piece (`a_token_split_anywhere_is_found_once` tries every
//! split point).
//!
//! Lines and columns go on across chunks: the line counter is the block filter's, the column
//! counts characters (every byte but a UTF-8 continuation byte, so a byte that is not UTF-8
//! counts as one) from the line's start, which may lie in a chunk already dropped.

use super::filter::Lines;
use super::{for_each_match, id_and_masked};
use crate::token::TokenKind;

/// Bytes kept back at the end of each chunk until more arrive: enough for the longest token
/// and its neighbours, and for what [`HitSink::window`] callers look ahead at (an environment
/// URL's scheme, host and `/e/<id>`).
pub const HOLD: usize = 512;

/// One occurrence of a token or ID in the stream.
#[derive(Clone, Copy, Debug)]
pub struct Hit<'a> {
    /// Byte offset in the stream (not in the chunk).
    pub offset: u64,
    /// 1-based line (counting `\n`).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The match itself. It holds the secret of a full token: keep it only as long as a
    /// look-up needs it, never show it.
    pub text: &'a str,
    pub kind: TokenKind,
    pub has_secret: bool,
    id_len: usize,
}

impl Hit<'_> {
    /// The ID and the masked token, exactly as [`Finding`](super::Finding) has them.
    pub fn id_and_masked(&self) -> (String, String) {
        id_and_masked(self.text, self.id_len, self.has_secret)
    }
}

/// What the scanner reports to.
pub trait HitSink {
    fn hit(&mut self, hit: Hit<'_>);

    /// Bytes `from..to` of `bytes` (whose index 0 is stream offset `base`) are final: each is
    /// passed once, in order. Bytes past `to` are lookahead (at least [`HOLD`] of them unless the
    /// stream ends), for a caller that finds something else in the same pass.
    fn window(&mut self, bytes: &[u8], base: u64, from: usize, to: usize) {
        let _ = (bytes, base, from, to);
    }
}

impl<F: FnMut(Hit<'_>)> HitSink for F {
    fn hit(&mut self, hit: Hit<'_>) {
        self(hit)
    }
}

/// The state of a scan over a stream. One per file: [`ByteScanner::push`] each chunk, then
/// [`ByteScanner::finish`]. Its `Debug` leaves out the bytes held (they may hold a secret).
pub struct ByteScanner {
    /// What is left of earlier chunks, then the newest chunk.
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Where the next candidate search starts (after the last match).
    resume: usize,
    /// Where the next [`HitSink::window`] starts.
    decided: usize,
    /// The line at `resume`; `start == 0` stands for "the line started at or before `buf[0]`",
    /// with `chars_before` characters of it before `buf[0]`.
    lines: Lines,
    chars_before: usize,
    /// Column cache: on line `col_line`, `col_chars` characters lie before `buf[col_at]`, so
    /// that a long line with many tokens is not counted again for each.
    col_line: usize,
    col_at: usize,
    col_chars: usize,
    done: bool,
}

impl std::fmt::Debug for ByteScanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteScanner")
            .field("base", &self.base)
            .field("held", &self.buf.len())
            .field("line", &self.lines.line)
            .finish_non_exhaustive()
    }
}

impl Default for ByteScanner {
    fn default() -> Self {
        Self::new()
    }
}

impl ByteScanner {
    pub fn new() -> Self {
        ByteScanner {
            buf: Vec::new(),
            base: 0,
            resume: 0,
            decided: 0,
            lines: Lines { line: 1, start: 0 },
            chars_before: 0,
            col_line: 0,
            col_at: 0,
            col_chars: 0,
            done: false,
        }
    }

    /// Bytes pushed so far.
    pub fn bytes_seen(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// Scans the next chunk; occurrences whose every byte (and the byte after) has arrived are
    /// reported to `sink`, in order.
    pub fn push(&mut self, chunk: &[u8], sink: &mut impl HitSink) {
        if self.done {
            return;
        }
        self.buf.extend_from_slice(chunk);
        let to = self.buf.len().saturating_sub(HOLD);
        self.advance(to, sink);
        self.compact(to);
    }

    /// The end of the stream: what was held back is scanned too.
    pub fn finish(&mut self, sink: &mut impl HitSink) {
        if self.done {
            return;
        }
        let to = self.buf.len();
        self.advance(to, sink);
        self.done = true;
        self.buf = Vec::new();
    }

    fn advance(&mut self, to: usize, sink: &mut impl HitSink) {
        if self.decided < to {
            sink.window(&self.buf, self.base, self.decided, to);
            self.decided = to;
        }
        if self.resume >= to {
            return;
        }
        let bytes = self.buf.as_slice();
        let base = self.base;
        let mut lines = self.lines;
        let chars_before = self.chars_before;
        let (mut col_line, mut col_at, mut col_chars) =
            (self.col_line, self.col_at, self.col_chars);
        let at = for_each_match(bytes, self.resume, to, &mut lines, |start, m, here| {
            let column = if col_line == here.line && col_at >= here.start && col_at <= start {
                col_chars + chars(&bytes[col_at..start])
            } else if here.start == 0 {
                chars_before + chars(&bytes[..start])
            } else {
                chars(&bytes[here.start..start])
            };
            (col_line, col_at, col_chars) = (here.line, start, column);
            // The match is ASCII (letters, digits and dots), so this never fails.
            if let Some(text) = bytes
                .get(start..start + m.len)
                .and_then(|t| std::str::from_utf8(t).ok())
            {
                sink.hit(Hit {
                    offset: base + start as u64,
                    line: here.line,
                    column: column + 1,
                    text,
                    kind: m.kind,
                    has_secret: m.has_secret,
                    id_len: m.id_len,
                });
            }
        });
        self.lines = lines;
        (self.col_line, self.col_at, self.col_chars) = (col_line, col_at, col_chars);
        // A match may run past `to`; it holds no newline, so the line bookkeeping stays right.
        self.resume = to.max(at);
    }

    /// Drops what no later candidate can need: everything before the byte before `to`.
    fn compact(&mut self, to: usize) {
        let drop = to.saturating_sub(1);
        if drop == 0 {
            return;
        }
        if self.lines.start == 0 {
            self.chars_before += chars(&self.buf[..drop]);
        } else if self.lines.start <= drop {
            self.chars_before = chars(&self.buf[self.lines.start..drop]);
            self.lines.start = 0;
        } else {
            self.lines.start -= drop;
        }
        if self.col_at >= drop {
            self.col_at -= drop;
        } else {
            self.col_line = 0;
        }
        self.buf.drain(..drop);
        self.base += drop as u64;
        self.resume -= drop;
        self.decided -= drop;
    }
}

/// Characters in `bytes`: every byte but UTF-8 continuation bytes starts one.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::scan;

    const FULL: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

    /// (offset, line, column, text) of each occurrence, chunked as `sizes` says (cycled).
    fn hits(bytes: &[u8], sizes: &[usize]) -> Vec<(u64, usize, usize, String)> {
        let mut out = Vec::new();
        let mut sink = |h: Hit<'_>| out.push((h.offset, h.line, h.column, h.text.to_owned()));
        let mut s = ByteScanner::new();
        let mut rest = bytes;
        let mut i = 0;
        while !rest.is_empty() {
            let n = sizes[i % sizes.len()].max(1).min(rest.len());
            s.push(&rest[..n], &mut sink);
            rest = &rest[n..];
            i += 1;
        }
        s.finish(&mut sink);
        out
    }

    fn sample() -> String {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!(
                "line {i} é ünïcödé {FULL} and dt0g02.4KWZO5EF x\n"
            ));
            text.push_str(&"y".repeat(i * 37));
            text.push_str(" dt0c01.ST2EY72KQINMH574WMNVI7YN\n");
        }
        text
    }

    #[test]
    fn the_same_places_as_the_whole_text_scanner_whatever_the_chunks() {
        let text = sample();
        let whole = hits(text.as_bytes(), &[usize::MAX]);
        // The whole-text scanner's first occurrence of each distinct token, for reference.
        let reference = scan(&text);
        for f in &reference {
            let first = whole
                .iter()
                .find(|h| {
                    h.3.eq_ignore_ascii_case(&text[f.offset..f.offset + f.length])
                })
                .expect("found");
            assert_eq!(
                (first.0, first.1, first.2),
                (f.offset as u64, f.line, f.column)
            );
        }
        assert_eq!(whole.len(), 40 * 3);
        for sizes in [
            &[1usize][..],
            &[7],
            &[64, 3],
            &[511, 513],
            &[1000],
            &[4096, 1, 17],
        ] {
            assert_eq!(hits(text.as_bytes(), sizes), whole, "chunks {sizes:?}");
        }
    }

    #[test]
    fn a_token_split_anywhere_is_found_once() {
        let mut text = "x".repeat(700).into_bytes();
        text.extend_from_slice(b"\nab ");
        text.extend_from_slice(FULL.as_bytes());
        text.extend_from_slice(b" cd\n");
        let whole = hits(&text, &[usize::MAX]);
        assert_eq!(whole.len(), 1);
        assert_eq!((whole[0].1, whole[0].2), (2, 4));
        for split in 1..text.len() {
            assert_eq!(hits(&text, &[split, usize::MAX]), whole, "split at {split}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_scanned() {
        let mut text = vec![0xff, 0xfe, b'\n', 0xc3, 0x28, 0x80, b' '];
        text.extend_from_slice(FULL.as_bytes());
        let found = hits(&text, &[3]);
        assert_eq!(found.len(), 1);
        // 0xc3 and 0x28 start characters, 0x80 continues one: column 4 after "\n".
        assert_eq!((found[0].1, found[0].2), (2, 4));
    }

    #[test]
    fn glued_and_too_long_tokens_stay_unmatched_across_chunks() {
        let glued = format!("{FULL}_x and x{FULL} and {FULL}A");
        assert!(hits(glued.as_bytes(), &[5]).is_empty());
    }

    #[test]
    fn windows_tile_the_stream() {
        struct Tiles(Vec<u8>, u64);
        impl HitSink for Tiles {
            fn hit(&mut self, _: Hit<'_>) {}
            fn window(&mut self, bytes: &[u8], base: u64, from: usize, to: usize) {
                assert_eq!(base + from as u64, self.1);
                self.0.extend_from_slice(&bytes[from..to]);
                self.1 = base + to as u64;
            }
        }
        let text = sample();
        let mut tiles = Tiles(Vec::new(), 0);
        let mut s = ByteScanner::new();
        for chunk in text.as_bytes().chunks(333) {
            s.push(chunk, &mut tiles);
        }
        s.finish(&mut tiles);
        assert_eq!(tiles.0, text.as_bytes());
    }
}
