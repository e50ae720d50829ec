//! Incident response over texts and files: find every token in them, say where each was found
//! and which environment it most likely belongs to ([`Sweep`]), what a check of it means
//! ([`status`]), and what to hand over ([`report`]: the summary, the checklist for an exposed
//! token, the export rows).
//!
//! A sweep is fed bytes, file by file, chunk by chunk: the browser reads files as byte streams
//! (a `.gz` decompressed on the way), which need not be UTF-8 and may be hundreds of MB, so
//! nothing here wants a whole file or a `&str`. Tokens come from [`ByteScanner`] (the one set
//! of token rules); environment URLs from the same pass over the same bytes, read by
//! [`EnvironmentUrl::parse`] (the one set of environment rules).
//!
//! Memory stays bounded by what is distinct: one entry per distinct token with an exact count
//! and at most [`PLACES_KEPT`] places, one entry per distinct environment, and per file the runs
//! of environment URLs (a new run only when the environment changes), which is what the nearest
//! environment needs.

pub mod report;
pub mod status;

use std::collections::HashMap;

use crate::dynatrace::{EnvironmentKind, EnvironmentUrl};
use crate::token::{
    without_ids_of_full_tokens, ByteScanner, Hit, HitSink, Secret, TokenKind, HOLD,
};

/// Places kept per distinct token; the count goes on exactly past it.
pub const PLACES_KEPT: usize = 50;

/// Where one occurrence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// Index into [`ScanResult::files`].
    pub file: usize,
    /// 1-based line (counting `\n`).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset in the file (after decompression).
    pub offset: u64,
}

/// One distinct token (or ID), wherever and however often it was found.
#[derive(Clone, Debug)]
pub struct FoundToken {
    /// `prefix.public`: safe to show.
    pub id: String,
    pub kind: TokenKind,
    pub has_secret: bool,
    /// The ID and a mask for the secret: what is shown and exported.
    pub masked: String,
    /// The full token, for its own look-up only.
    secret: Option<Secret>,
    /// Every occurrence, exactly.
    pub count: u64,
    /// The first [`PLACES_KEPT`] occurrences, in the order found.
    pub places: Vec<Place>,
    /// Index into [`ScanResult::environments`]: the environment URL nearest to one of its
    /// places, in the same file.
    pub suggestion: Option<usize>,
    /// Bytes between that URL and the place.
    distance: u64,
}

impl FoundToken {
    /// The whole token, to send in its own look-up; `None` for an ID.
    pub fn full_token(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }
}

/// An environment URL seen in the text: its normalised form, how often, and where first.
#[derive(Clone, Debug)]
pub struct SeenEnvironment {
    pub url: EnvironmentUrl,
    pub count: u64,
    pub first: Place,
}

/// What a sweep found.
#[derive(Clone, Debug, Default)]
pub struct ScanResult {
    /// File names as given (`"pasted text"` for a paste), indexed by [`Place::file`].
    pub files: Vec<String>,
    /// Distinct tokens in the order first found; an ID whose full token was found too is left
    /// out (the scanner's rule).
    pub tokens: Vec<FoundToken>,
    pub environments: Vec<SeenEnvironment>,
    pub bytes: u64,
}

/// A scan over several files, fed chunk by chunk. No `Debug`: it holds the tokens' text.
#[derive(Default)]
pub struct Sweep {
    result: ScanResult,
    by_text: HashMap<String, usize>,
    env_by_base: HashMap<String, usize>,
    /// Candidate URL text -> environment, or [`NOT_DYNATRACE`] (one map type for both maps:
    /// each type of map is a copy of the hash table's code in the page).
    url_cache: HashMap<String, usize>,
    current: Option<FileScan>,
}

struct FileScan {
    file: usize,
    scanner: ByteScanner,
    /// Runs of the same environment: (first offset, last offset, environment).
    runs: Vec<(u64, u64, usize)>,
    /// Stored places in this file: (token, offset).
    places: Vec<(usize, u64)>,
}

impl Sweep {
    pub fn new() -> Self {
        Sweep::default()
    }

    /// Starts the next file (ending the current one). Returns its index.
    pub fn begin(&mut self, name: &str) -> usize {
        self.end();
        let file = self.result.files.len();
        self.result.files.push(name.to_owned());
        self.current = Some(FileScan {
            file,
            scanner: ByteScanner::new(),
            runs: Vec::new(),
            places: Vec::new(),
        });
        file
    }

    /// The next chunk of the current file (a file named "pasted text" is begun if none is).
    pub fn push(&mut self, chunk: &[u8]) {
        if self.current.is_none() {
            self.begin("pasted text");
        }
        let Some(mut scan) = self.current.take() else {
            return;
        };
        self.result.bytes += chunk.len() as u64;
        let mut sink = Sink {
            sweep: self,
            file: scan.file,
            runs: &mut scan.runs,
            places: &mut scan.places,
        };
        scan.scanner.push(chunk, &mut sink);
        self.current = Some(scan);
    }

    /// Ends the current file: what it held back is scanned, and each of its tokens gets the
    /// nearest environment URL of this file as a suggestion (if nearer than any other file's).
    pub fn end(&mut self) {
        let Some(mut scan) = self.current.take() else {
            return;
        };
        let mut sink = Sink {
            sweep: self,
            file: scan.file,
            runs: &mut scan.runs,
            places: &mut scan.places,
        };
        scan.scanner.finish(&mut sink);
        for &(token, offset) in &scan.places {
            let Some((env, distance)) = nearest(&scan.runs, offset) else {
                continue;
            };
            if let Some(t) = self.result.tokens.get_mut(token) {
                if t.suggestion.is_none() || distance < t.distance {
                    t.suggestion = Some(env);
                    t.distance = distance;
                }
            }
        }
    }

    /// Bytes scanned so far, over all files.
    pub fn bytes(&self) -> u64 {
        self.result.bytes
    }

    /// Distinct tokens so far (IDs of full tokens included until the end).
    pub fn tokens_found(&self) -> usize {
        self.result.tokens.len()
    }

    pub fn files_begun(&self) -> usize {
        self.result.files.len()
    }

    /// Ends the current file and gives the result.
    pub fn finish(mut self) -> ScanResult {
        self.end();
        let mut result = self.result;
        result.tokens = without_ids_of_full_tokens(result.tokens, |t| (&t.id, t.has_secret));
        result
    }

    fn record(&mut self, file: usize, hit: Hit<'_>, places: &mut Vec<(usize, u64)>) {
        let place = Place {
            file,
            line: hit.line,
            column: hit.column,
            offset: hit.offset,
        };
        let index = match self.by_text.get(hit.text) {
            Some(&i) => i,
            None => {
                let (id, masked) = hit.id_and_masked();
                let i = self.result.tokens.len();
                self.result.tokens.push(FoundToken {
                    id,
                    kind: hit.kind,
                    has_secret: hit.has_secret,
                    masked,
                    secret: hit.has_secret.then(|| Secret::new(hit.text)),
                    count: 0,
                    places: Vec::new(),
                    suggestion: None,
                    distance: 0,
                });
                self.by_text.insert(hit.text.to_owned(), i);
                i
            }
        };
        let Some(token) = self.result.tokens.get_mut(index) else {
            return;
        };
        token.count += 1;
        if token.places.len() < PLACES_KEPT {
            token.places.push(place);
            places.push((index, hit.offset));
        }
    }

    /// The environment a URL candidate stands for, if it is a Dynatrace one.
    fn environment(&mut self, candidate: &str, first: Place) -> Option<usize> {
        if let Some(&known) = self.url_cache.get(candidate) {
            if let Some(env) = self.result.environments.get_mut(known) {
                env.count += 1;
            }
            return (known != NOT_DYNATRACE).then_some(known);
        }
        let env = EnvironmentUrl::parse(candidate).ok().filter(|u| {
            matches!(
                u.kind(),
                EnvironmentKind::Saas
                    | EnvironmentKind::DynatraceLabs
                    | EnvironmentKind::Managed
                    | EnvironmentKind::EnvironmentActiveGate
            )
        });
        let index = env.map(|url| {
            let key = url.address().to_ascii_lowercase();
            match self.env_by_base.get(&key) {
                Some(&i) => {
                    if let Some(env) = self.result.environments.get_mut(i) {
                        env.count += 1;
                    }
                    i
                }
                None => {
                    let i = self.result.environments.len();
                    self.result.environments.push(SeenEnvironment {
                        url,
                        count: 1,
                        first,
                    });
                    self.env_by_base.insert(key, i);
                    i
                }
            }
        });
        // A text full of distinct non-Dynatrace URLs must not grow the cache without end.
        if self.url_cache.len() < 10_000 {
            self.url_cache
                .insert(candidate.to_owned(), index.unwrap_or(NOT_DYNATRACE));
        }
        index
    }
}

/// In `url_cache`: the URL is not a Dynatrace environment.
const NOT_DYNATRACE: usize = usize::MAX;

/// The environment run nearest to `offset`, and how far it is.
fn nearest(runs: &[(u64, u64, usize)], offset: u64) -> Option<(usize, u64)> {
    let after = runs.partition_point(|r| r.0 <= offset);
    let before = after
        .checked_sub(1)
        .and_then(|i| runs.get(i))
        .map(|r| (r.2, offset.saturating_sub(r.1)));
    let next = runs.get(after).map(|r| (r.2, r.0 - offset));
    match (before, next) {
        (Some(b), Some(n)) => Some(if n.1 < b.1 { n } else { b }),
        (b, n) => b.or(n),
    }
}

struct Sink<'a> {
    sweep: &'a mut Sweep,
    file: usize,
    runs: &'a mut Vec<(u64, u64, usize)>,
    places: &'a mut Vec<(usize, u64)>,
}

impl HitSink for Sink<'_> {
    fn hit(&mut self, hit: Hit<'_>) {
        self.sweep.record(self.file, hit, self.places);
    }

    fn window(&mut self, bytes: &[u8], base: u64, from: usize, to: usize) {
        const SCHEME: &[u8] = b"https://";
        let end = (to + SCHEME.len()).min(bytes.len());
        let Some(hay) = bytes.get(from..end) else {
            return;
        };
        // `memchr` for each `h`, then a compare: `memmem`'s searchers would add their code to
        // the page for a needle this short.
        for i in memchr::memchr_iter(b'h', hay) {
            if !hay[i..].starts_with(SCHEME) {
                continue;
            }
            let start = from + i;
            let Some(candidate) = url_candidate(bytes, start) else {
                continue;
            };
            let place = Place {
                file: self.file,
                line: 0,
                column: 0,
                offset: base + start as u64,
            };
            if let Some(env) = self.sweep.environment(candidate, place) {
                match self.runs.last_mut() {
                    Some(run) if run.2 == env => run.1 = place.offset,
                    _ => self.runs.push((place.offset, place.offset, env)),
                }
            }
        }
    }
}

/// `https://host[:port][/e/<id>]` from the URL starting at `start`: what
/// [`EnvironmentUrl::parse`] needs to tell an environment, and no more (a path, a query or a
/// fragment could hold anything). At most [`HOLD`] bytes are looked at: they are there.
fn url_candidate(bytes: &[u8], start: usize) -> Option<&str> {
    let limit = (start + HOLD).min(bytes.len());
    let text = bytes.get(start..limit)?;
    let host_at = 8;
    let host_len = text[host_at..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        .count();
    if host_len == 0 {
        return None;
    }
    let mut end = host_at + host_len;
    if text[end..].starts_with(b"/e/") {
        let id_len = text[end + 3..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if id_len > 0 {
            end += 3 + id_len;
        }
    }
    // A trailing dot ends a sentence, not a host name.
    while end > host_at && text[end - 1] == b'.' {
        end -= 1;
    }
    std::str::from_utf8(&text[..end]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    const B: &str = "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const G: &str = "dt0g02.4KWZO5EF";

    fn sweep(files: &[(&str, &[u8])], chunk: usize) -> ScanResult {
        let mut s = Sweep::new();
        for (name, bytes) in files {
            s.begin(name);
            for c in bytes.chunks(chunk) {
                s.push(c);
            }
        }
        s.finish()
    }

    #[test]
    fn each_distinct_token_once_with_every_place_and_its_count() {
        let a = format!("x {A}\ny {A} {G}\n");
        let b = format!("{B}\n\n   {A}\n");
        for chunk in [1, 5, 64, 600, 100_000] {
            let r = sweep(&[("a.log", a.as_bytes()), ("b.log", b.as_bytes())], chunk);
            assert_eq!(r.files, ["a.log", "b.log"]);
            assert_eq!(r.bytes, (a.len() + b.len()) as u64);
            let ids: Vec<_> = r.tokens.iter().map(|t| t.id.as_str()).collect();
            assert_eq!(
                ids,
                [
                    "dt0c01.ST2EY72KQINMH574WMNVI7YN",
                    G,
                    "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX"
                ]
            );
            let a_tok = &r.tokens[0];
            assert_eq!(a_tok.count, 3);
            let places: Vec<_> = a_tok
                .places
                .iter()
                .map(|p| (p.file, p.line, p.column))
                .collect();
            assert_eq!(places, [(0, 1, 3), (0, 2, 3), (1, 3, 4)]);
            assert_eq!(a_tok.full_token().map(Secret::expose), Some(A));
            assert!(a_tok.masked.ends_with(".••••••••") && !a_tok.masked.contains("G3DF"));
            assert!(r.tokens[1].full_token().is_none());
        }
    }

    #[test]
    fn places_are_capped_and_the_count_stays_exact() {
        let text = format!("{A}\n").repeat(PLACES_KEPT * 3);
        let r = sweep(&[("big", text.as_bytes())], 1000);
        assert_eq!(r.tokens[0].count, (PLACES_KEPT * 3) as u64);
        assert_eq!(r.tokens[0].places.len(), PLACES_KEPT);
        assert_eq!(r.tokens[0].places[PLACES_KEPT - 1].line, PLACES_KEPT);
    }

    #[test]
    fn an_id_whose_full_token_is_there_is_left_out() {
        let text = format!("id dt0c01.st2ey72kqinmh574wmnvi7yn then {A}");
        let r = sweep(&[("t", text.as_bytes())], 7);
        assert_eq!(r.tokens.len(), 1);
        assert!(r.tokens[0].has_secret);
    }

    #[test]
    fn environments_are_read_with_the_environment_rules() {
        let text = "see https://abc12345.live.dynatrace.com/api/v2/apiTokens?x=1 and \
                    https://abc12345.apps.dynatrace.com/ui/apps. Managed: https://dt.example.com/e/0a1b2c3d-1111/#dashboards \
                    not https://example.com/path nor http://xyz98765.live.dynatrace.com \
                    https://qqq11111.live.dynatrace.com.";
        let r = sweep(&[("t", text.as_bytes())], 13);
        let seen: Vec<_> = r
            .environments
            .iter()
            .map(|e| (e.url.address().to_owned(), e.count))
            .collect();
        assert_eq!(
            seen,
            [
                ("https://abc12345.live.dynatrace.com".to_owned(), 2),
                ("https://dt.example.com/e/0a1b2c3d-1111".to_owned(), 1),
                ("https://qqq11111.live.dynatrace.com".to_owned(), 1),
            ]
        );
    }

    #[test]
    fn each_token_gets_the_nearest_environment_in_its_own_file() {
        let one = format!(
            "env https://aaa11111.live.dynatrace.com\n{}\n{A}\n{}\nhttps://bbb22222.live.dynatrace.com\n{B}\n",
            "x".repeat(100),
            "y".repeat(300)
        );
        let two = format!(
            "{G} far away {}\nhttps://dt.example.com/e/abc\n",
            "z".repeat(2000)
        );
        let three = "dt0g02.ZZZZZZZZ alone\n";
        for chunk in [3, 100, 4096] {
            let r = sweep(
                &[
                    ("one", one.as_bytes()),
                    ("two", two.as_bytes()),
                    ("three", three.as_bytes()),
                ],
                chunk,
            );
            let env_of = |id: &str| {
                let t = r
                    .tokens
                    .iter()
                    .find(|t| t.id.starts_with(id))
                    .expect("token");
                t.suggestion
                    .map(|i| r.environments[i].url.address().to_owned())
            };
            assert_eq!(
                env_of("dt0c01.ST2E").as_deref(),
                Some("https://aaa11111.live.dynatrace.com")
            );
            assert_eq!(
                env_of("dt0c01.ABCD").as_deref(),
                Some("https://bbb22222.live.dynatrace.com")
            );
            assert_eq!(env_of(G).as_deref(), Some("https://dt.example.com/e/abc"));
            assert_eq!(env_of("dt0g02.ZZZZ"), None);
        }
    }

    #[test]
    fn a_token_in_a_url_path_is_a_token_and_the_url_still_an_environment() {
        let text = format!("https://abc12345.live.dynatrace.com/api/v2/metrics?Api-Token={A}");
        let r = sweep(&[("t", text.as_bytes())], 9);
        assert_eq!(r.tokens.len(), 1);
        assert_eq!(r.environments.len(), 1);
        assert_eq!(r.tokens[0].suggestion, Some(0));
    }

    #[test]
    fn the_nearest_run() {
        let runs = [(10, 20, 0), (100, 100, 1)];
        assert_eq!(nearest(&runs, 0), Some((0, 10)));
        assert_eq!(nearest(&runs, 15), Some((0, 0)));
        assert_eq!(nearest(&runs, 70), Some((1, 30)));
        assert_eq!(nearest(&runs, 60), Some((0, 40)));
        assert_eq!(nearest(&runs, 200), Some((1, 100)));
        assert_eq!(nearest(&[], 5), None);
    }
}
