//! The scanner's inner loop: for each 64-byte block of the text, where candidates (`dt0???.`)
//! start and where the newlines are, as bit masks. One pass over the text serves both, so
//! line numbers cost almost nothing extra.
//!
//! Why not `memmem` for `dt0`: logs are full of `dt0` that are not tokens (base64, hashes), and
//! a search that stops at each one pays for restarting. This filter checks `d`, `t`, `0` and the
//! `.` for every position of a block at once, so most near misses never leave it.
//!
//! On x86-64 it uses AVX2 when the CPU has it and SSE2 (which every x86-64 CPU has) otherwise,
//! with explicit intrinsics because the workspace builds with `opt-level = "z"`, which does not
//! vectorise loops. Elsewhere (wasm) `memchr` finds the `d`s and newlines of each block.

/// Positions per block: one bit of a `u64` each.
pub(super) const BLOCK: usize = 64;
/// A candidate is `dt0`, three bytes, then `.`: the filter reads 6 bytes past the block.
const WINDOW: usize = BLOCK + 6;

/// Bit `j` of each mask stands for byte `block_start + j`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Block {
    /// Where `dt0???.` starts.
    pub starts: u64,
    /// Where `\n` is.
    pub newlines: u64,
}

/// Where the walk is, in lines: the line of the next byte (1-based) and the byte that line
/// starts at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Lines {
    pub line: usize,
    pub start: usize,
}

impl Lines {
    /// The line of the byte after `newlines` (bits of the block at `block`), these counted.
    #[inline(always)]
    pub fn after(self, block: usize, newlines: u64) -> Lines {
        // Without branches: whether a block has a newline is a coin toss in a log.
        let after_last = block + BLOCK - newlines.leading_zeros() as usize;
        Lines {
            line: self.line + newlines.count_ones() as usize,
            start: if newlines == 0 {
                self.start
            } else {
                after_last
            },
        }
    }
}

/// Walks the blocks of `from..to` in order, keeping `lines` up to date, and calls
/// `each(block_start, block, lines_at_block_start)` for each block with a candidate. Bits for
/// bytes at or past `to` are clear.
pub(super) fn for_each_candidate_block(
    bytes: &[u8],
    from: usize,
    to: usize,
    lines: &mut Lines,
    mut each: impl FnMut(usize, Block, Lines),
) {
    imp::for_each_block(bytes, from, to, lines, &mut each);
}

/// How many ASCII letters and digits follow `from`, counting no further than `cap`.
#[inline(always)]
pub(super) fn alnum_run(bytes: &[u8], from: usize, cap: usize) -> usize {
    imp::alnum_run(bytes, from, cap)
}

/// The walk over the blocks, shared by every implementation: `block` computes a full window,
/// the last few bytes of the text go through [`scalar_block`].
#[inline(always)]
fn walk(
    bytes: &[u8],
    from: usize,
    to: usize,
    lines: &mut Lines,
    each: &mut impl FnMut(usize, Block, Lines),
    block: impl Fn(&[u8; WINDOW]) -> Block,
) {
    // Kept in locals (registers) in the hot loop, written back at the end.
    let mut at_line = *lines;
    let mut start = from;
    // Whole blocks with their 6 bytes of lookahead: the hot loop.
    while start + BLOCK <= to {
        let Some(window) = bytes
            .get(start..start + WINDOW)
            .and_then(|w| <&[u8; WINDOW]>::try_from(w).ok())
        else {
            break;
        };
        let found = block(window);
        if found.starts != 0 {
            each(start, found, at_line);
        }
        at_line = at_line.after(start, found.newlines);
        start += BLOCK;
    }
    // The rest, near `to` or the end of the text.
    while start < to {
        let end = (start + BLOCK).min(to);
        let found = scalar_block(bytes, start, end);
        if found.starts != 0 {
            each(start, found, at_line);
        }
        at_line = at_line.after(start, found.newlines);
        start = end;
    }
    *lines = at_line;
}

/// One byte at a time, for the end of the text.
fn scalar_block(bytes: &[u8], from: usize, to: usize) -> Block {
    let mut found = Block::default();
    for (j, at) in (from..to).enumerate() {
        if starts_candidate(bytes, at) {
            found.starts |= 1 << j;
        }
        if bytes.get(at) == Some(&b'\n') {
            found.newlines |= 1 << j;
        }
    }
    found
}

fn starts_candidate(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 3) == Some(b"dt0") && bytes.get(at + 6) == Some(&b'.')
}

fn scalar_alnum_run(bytes: &[u8], from: usize, cap: usize) -> usize {
    bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take(cap)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count()
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use std::arch::x86_64::*;

    use super::{scalar_alnum_run, walk, Block, Lines, WINDOW};

    pub(super) fn for_each_block(
        bytes: &[u8],
        from: usize,
        to: usize,
        lines: &mut Lines,
        each: &mut impl FnMut(usize, Block, Lines),
    ) {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has AVX2 and POPCNT, checked just above.
            unsafe { walk_avx2(bytes, from, to, lines, each) }
        } else {
            // SAFETY: SSE2 is part of the x86-64 baseline.
            unsafe { walk_sse2(bytes, from, to, lines, each) }
        }
    }

    // The walk is compiled inside these so that it and the block function get the CPU
    // features (line counting uses POPCNT).
    #[target_feature(enable = "avx2,popcnt")]
    unsafe fn walk_avx2(
        bytes: &[u8],
        from: usize,
        to: usize,
        lines: &mut Lines,
        each: &mut impl FnMut(usize, Block, Lines),
    ) {
        walk(bytes, from, to, lines, each, |w| block_avx2(w));
    }

    #[target_feature(enable = "sse2")]
    unsafe fn walk_sse2(
        bytes: &[u8],
        from: usize,
        to: usize,
        lines: &mut Lines,
        each: &mut impl FnMut(usize, Block, Lines),
    ) {
        walk(bytes, from, to, lines, each, |w| block_sse2(w));
    }

    // Written out without loops: `opt-level = "z"` would not unroll them.
    #[inline(always)]
    unsafe fn block_avx2(w: &[u8; WINDOW]) -> Block {
        let (starts_low, newlines_low) = half_avx2(w, 0);
        let (starts_high, newlines_high) = half_avx2(w, 32);
        Block {
            starts: u64::from(starts_low) | u64::from(starts_high) << 32,
            newlines: u64::from(newlines_low) | u64::from(newlines_high) << 32,
        }
    }

    /// Candidate starts and newlines among the 32 positions from `at`.
    #[inline(always)]
    unsafe fn half_avx2(w: &[u8; WINDOW], at: usize) -> (u32, u32) {
        let first = load32(w, at);
        let d = _mm256_cmpeq_epi8(first, _mm256_set1_epi8(b'd' as i8));
        let t = _mm256_cmpeq_epi8(load32(w, at + 1), _mm256_set1_epi8(b't' as i8));
        let zero = _mm256_cmpeq_epi8(load32(w, at + 2), _mm256_set1_epi8(b'0' as i8));
        let dot = _mm256_cmpeq_epi8(load32(w, at + 6), _mm256_set1_epi8(b'.' as i8));
        let newline = _mm256_cmpeq_epi8(first, _mm256_set1_epi8(b'\n' as i8));
        let starts = _mm256_and_si256(_mm256_and_si256(d, t), _mm256_and_si256(zero, dot));
        (
            _mm256_movemask_epi8(starts) as u32,
            _mm256_movemask_epi8(newline) as u32,
        )
    }

    #[inline(always)]
    unsafe fn block_sse2(w: &[u8; WINDOW]) -> Block {
        let (a, na) = quarter_sse2(w, 0);
        let (b, nb) = quarter_sse2(w, 16);
        let (c, nc) = quarter_sse2(w, 32);
        let (d, nd) = quarter_sse2(w, 48);
        let join = |a: u16, b: u16, c: u16, d: u16| {
            u64::from(a) | u64::from(b) << 16 | u64::from(c) << 32 | u64::from(d) << 48
        };
        Block {
            starts: join(a, b, c, d),
            newlines: join(na, nb, nc, nd),
        }
    }

    #[inline(always)]
    unsafe fn quarter_sse2(w: &[u8; WINDOW], at: usize) -> (u16, u16) {
        let first = load16(w, at);
        let d = _mm_cmpeq_epi8(first, _mm_set1_epi8(b'd' as i8));
        let t = _mm_cmpeq_epi8(load16(w, at + 1), _mm_set1_epi8(b't' as i8));
        let zero = _mm_cmpeq_epi8(load16(w, at + 2), _mm_set1_epi8(b'0' as i8));
        let dot = _mm_cmpeq_epi8(load16(w, at + 6), _mm_set1_epi8(b'.' as i8));
        let newline = _mm_cmpeq_epi8(first, _mm_set1_epi8(b'\n' as i8));
        let starts = _mm_and_si128(_mm_and_si128(d, t), _mm_and_si128(zero, dot));
        (
            _mm_movemask_epi8(starts) as u16,
            _mm_movemask_epi8(newline) as u16,
        )
    }

    #[inline(always)]
    pub(super) fn alnum_run(bytes: &[u8], from: usize, cap: usize) -> usize {
        let mut run = 0;
        while run < cap && from + run + 16 <= bytes.len() {
            // SAFETY: SSE2 is part of the x86-64 baseline.
            let ones = unsafe { alnum16(bytes, from + run) }.trailing_ones() as usize;
            run += ones;
            if ones < 16 {
                return run.min(cap);
            }
        }
        if run >= cap {
            return cap;
        }
        run + scalar_alnum_run(bytes, from + run, cap - run)
    }

    /// Bit `j` set where `bytes[at + j]` is an ASCII letter or digit.
    #[inline(always)]
    unsafe fn alnum16(bytes: &[u8], at: usize) -> u16 {
        let x = load16(bytes, at);
        let digit = in_range(x, b'0', b'9');
        let letter = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z');
        _mm_movemask_epi8(_mm_or_si128(digit, letter)) as u16
    }

    /// 0xFF in each lane holding `lo..=hi`, unsigned.
    #[inline(always)]
    unsafe fn in_range(x: __m128i, lo: u8, hi: u8) -> __m128i {
        let at_least = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(lo as i8)), x);
        let at_most = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(hi as i8)), x);
        _mm_and_si128(at_least, at_most)
    }

    /// 16 bytes from `bytes[at..]`, or zeros (which match nothing looked for) past the end.
    #[inline(always)]
    unsafe fn load16(bytes: &[u8], at: usize) -> __m128i {
        match bytes.get(at..at + 16) {
            // SAFETY: the slice holds the 16 bytes read; `loadu` needs no alignment.
            Some(chunk) => _mm_loadu_si128(chunk.as_ptr().cast()),
            None => _mm_setzero_si128(),
        }
    }

    #[inline(always)]
    unsafe fn load32(bytes: &[u8], at: usize) -> __m256i {
        match bytes.get(at..at + 32) {
            // SAFETY: the slice holds the 32 bytes read; `loadu` needs no alignment.
            Some(chunk) => _mm256_loadu_si256(chunk.as_ptr().cast()),
            None => _mm256_setzero_si256(),
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    use super::{scalar_alnum_run, starts_candidate, walk, Block, Lines, BLOCK, WINDOW};

    pub(super) fn for_each_block(
        bytes: &[u8],
        from: usize,
        to: usize,
        lines: &mut Lines,
        each: &mut impl FnMut(usize, Block, Lines),
    ) {
        walk(bytes, from, to, lines, each, block);
    }

    fn block(w: &[u8; WINDOW]) -> Block {
        let mut found = Block::default();
        for j in memchr::memchr_iter(b'd', &w[..BLOCK]) {
            if starts_candidate(w, j) {
                found.starts |= 1 << j;
            }
        }
        for j in memchr::memchr_iter(b'\n', &w[..BLOCK]) {
            found.newlines |= 1 << j;
        }
        found
    }

    pub(super) fn alnum_run(bytes: &[u8], from: usize, cap: usize) -> usize {
        scalar_alnum_run(bytes, from, cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector paths agree with the byte-at-a-time one, at every alignment.
    #[test]
    fn blocks_match_the_scalar_reference() {
        let mut text = Vec::new();
        for i in 0..40 {
            text.extend_from_slice(b"x dt0c01.ABC\nq");
            text.extend(std::iter::repeat_n(b'y', i % 7));
            text.extend_from_slice(b"dt0g02.DEFG dt0 dt0s16 .\n");
        }
        for from in 0..70 {
            let mut seen = Vec::new();
            let mut lines = Lines { line: 1, start: 0 };
            for_each_candidate_block(&text, from, text.len(), &mut lines, |start, block, _| {
                seen.push((start, block.starts))
            });
            let mut expected = Vec::new();
            let mut reference_lines = Lines { line: 1, start: 0 };
            let mut start = from;
            while start < text.len() {
                let end = (start + BLOCK).min(text.len());
                let reference = scalar_block(&text, start, end);
                if reference.starts != 0 {
                    expected.push((start, reference.starts));
                }
                reference_lines = reference_lines.after(start, reference.newlines);
                start = end;
            }
            assert_eq!(seen, expected, "from {from}");
            assert_eq!(lines, reference_lines, "from {from}");
        }
    }

    #[test]
    fn alnum_runs() {
        let text = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.xyz";
        assert_eq!(alnum_run(text, 0, 100), 62);
        assert_eq!(alnum_run(text, 0, 40), 40);
        assert_eq!(alnum_run(text, 60, 100), 2);
        assert_eq!(alnum_run(text, 63, 100), 3);
        assert_eq!(alnum_run(text, 200, 100), 0);
        assert_eq!(alnum_run(b"[`@{/:", 0, 10), 0);
        for b in 0..=255u8 {
            assert_eq!(
                alnum_run(&[b; 20], 0, 20) == 20,
                b.is_ascii_alphanumeric(),
                "byte {b}"
            );
        }
    }
}
