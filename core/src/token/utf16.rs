//! Where findings are in JavaScript's units. The scanner works in bytes (what Rust slices count);
//! JavaScript's `String.prototype.slice` counts UTF-16 code units, so a host page that redacts
//! `text.slice(offset, offset + length)` with byte offsets would leave part of a secret visible
//! whenever a non-ASCII character comes before it.
//!
//! Why a separate pass and not in the scanner: converting means reading every byte before the
//! last finding, which the scanner's hot loop does not otherwise do for that purpose; Rust
//! callers, who slice in bytes, should not pay for it. The pass is linear, and can be run in
//! slices ([`Utf16Cursor::advance`] takes a budget) so that a browser never blocks on a 50 MB
//! text.

use serde::Serialize;

use super::scan::Finding;

/// A finding's place in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Utf16Place {
    /// Code units before the first occurrence.
    pub offset: usize,
    /// Code units of the match.
    pub length: usize,
    /// 1-based column, in code units, on its line.
    pub column: usize,
}

/// Walks a text once, front to back, counting UTF-16 code units and where the current line
/// starts. Each call continues where the last one stopped.
#[derive(Clone, Debug, Default)]
pub struct Utf16Cursor {
    byte: usize,
    units: usize,
    /// Code units before the start of the line `byte` is on.
    line_start_units: usize,
}

impl Utf16Cursor {
    pub fn new() -> Self {
        Utf16Cursor::default()
    }

    /// The byte offset reached.
    pub fn position(&self) -> usize {
        self.byte
    }

    /// Moves towards byte `to` of `text` (the same text every call), reading at most about
    /// `budget` bytes. Returns whether it got there. Going back starts again from the beginning.
    pub fn advance(&mut self, text: &str, to: usize, budget: usize) -> bool {
        let to = to.min(text.len());
        if to < self.byte {
            *self = Utf16Cursor::default();
        }
        let mut stop = self.byte.saturating_add(budget.max(1)).min(to);
        while !text.is_char_boundary(stop) {
            stop += 1;
        }
        let chunk = &text.as_bytes()[self.byte..stop];
        match memchr::memrchr(b'\n', chunk) {
            Some(newline) => {
                self.units += utf16_units(&chunk[..=newline]);
                self.line_start_units = self.units;
                self.units += utf16_units(&chunk[newline + 1..]);
            }
            None => self.units += utf16_units(chunk),
        }
        self.byte = stop;
        stop >= to
    }

    /// The place of the `length` bytes that start where the cursor is.
    pub fn place(&self, text: &str, length: usize) -> Utf16Place {
        let end = self.byte.saturating_add(length).min(text.len());
        Utf16Place {
            offset: self.units,
            length: utf16_units(&text.as_bytes()[self.byte..end]),
            column: self.units - self.line_start_units + 1,
        }
    }
}

/// The UTF-16 places of `findings` in `text` (the text they were found in), in one pass when they
/// are in order of offset, as [`scan`](super::scan) returns them.
pub fn utf16_places(text: &str, findings: &[Finding]) -> Vec<Utf16Place> {
    let mut cursor = Utf16Cursor::new();
    findings
        .iter()
        .map(|f| {
            cursor.advance(text, f.offset, usize::MAX);
            cursor.place(text, f.length)
        })
        .collect()
}

/// UTF-16 code units of whole characters in UTF-8 `bytes`: one per character, two for those
/// outside the Basic Multilingual Plane (4-byte sequences).
pub fn utf16_units(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut units = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        units += if word & 0x8080_8080_8080_8080 == 0 {
            8
        } else {
            chunk.iter().map(|&b| byte_units(b)).sum()
        };
    }
    units
        + chunks
            .remainder()
            .iter()
            .map(|&b| byte_units(b))
            .sum::<usize>()
}

/// What a byte adds: 1 for a character's first byte, 2 for the first of four, 0 for the rest.
#[inline(always)]
fn byte_units(b: u8) -> usize {
    usize::from((b as i8) >= -0x40) + usize::from(b >= 0xF0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_javascript_does() {
        for text in [
            "",
            "ascii only, longer than eight bytes",
            "é",
            "ünïcödé and more text",
            "日本語のテキスト",
            "😀 astral 𝄞 and \u{FEFF}BOM\r\n",
        ] {
            assert_eq!(
                utf16_units(text.as_bytes()),
                text.encode_utf16().count(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_budget_changes_nothing_but_the_number_of_calls() {
        let text = "a😀\nbé日\r\nx😀y\nlast line 😀";
        for to in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let whole = {
                let mut c = Utf16Cursor::new();
                assert!(c.advance(text, to, usize::MAX));
                c.place(text, 0)
            };
            for budget in [1, 2, 3, 5] {
                let mut c = Utf16Cursor::new();
                while !c.advance(text, to, budget) {}
                assert_eq!(c.place(text, 0), whole, "to {to} budget {budget}");
            }
            let before = &text[..to];
            assert_eq!(whole.offset, before.encode_utf16().count());
            let line = before.rsplit('\n').next().unwrap_or("");
            assert_eq!(whole.column, line.encode_utf16().count() + 1);
        }
    }
}
