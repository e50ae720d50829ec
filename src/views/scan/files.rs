//! Reading what the person gives the scan: pasted text and files, as bytes, chunk by chunk,
//! into a [`Sweep`].
//!
//! Why slices on the main thread and not a Web Worker: the scanner does several GB/s natively
//! and hundreds of MB/s in wasm, so the work per chunk is small, and what blocks a page is one
//! long task, not the total. Each file is read through `Blob.stream()` (the browser hands over
//! chunks of about 64 KiB; no whole-file JS string ever exists), `.gz` files through the
//! browser's own `DecompressionStream`, and after every [`SLICE_MS`] of work the loop yields
//! to the event loop, so input, painting and the cancel button stay live. A worker would need a
//! second copy of the module (its own wasm instance, loaded under the page's CSP) and a message
//! protocol for progress, findings and cancel: more bytes on the first load for no gain that
//! `make bench` could show (its longest main-thread block is the measure; README "Figures").

use std::cell::Cell;
use std::rc::Rc;

use dt_core::incident::{ScanResult, Sweep};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, ReadableStream, ReadableStreamDefaultReader, ReadableWritablePair};

/// Work between two yields to the event loop.
pub const SLICE_MS: f64 = 16.0;

/// The largest piece handed to the scanner at once (a pasted text is cut into these).
pub const PIECE: usize = 1 << 20;

#[wasm_bindgen]
extern "C" {
    /// The browser's gzip decoder (`web_sys` has it only behind its unstable flag).
    #[wasm_bindgen(js_name = DecompressionStream)]
    type GzipStream;

    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<GzipStream, JsValue>;
}

/// Something to scan.
#[derive(Clone, PartialEq)]
pub enum Source {
    Text(Rc<str>),
    File(File),
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::Text(_) => "pasted text".to_owned(),
            Source::File(file) => file.name(),
        }
    }

    /// Bytes to read (a `.gz` file's compressed size).
    pub fn size(&self) -> u64 {
        match self {
            Source::Text(text) => text.len() as u64,
            Source::File(file) => file.size() as u64,
        }
    }

    pub fn is_gzip(&self) -> bool {
        matches!(self, Source::File(f) if f.name().to_ascii_lowercase().ends_with(".gz"))
    }
}

/// Where a scan is, for its progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanProgress {
    /// Of the sources' sizes (compressed for `.gz`), how much is read.
    pub read: u64,
    pub total: u64,
    /// Bytes scanned (after decompression).
    pub scanned: u64,
    pub files_done: usize,
    pub files: usize,
    pub tokens: usize,
}

/// A file that could not be read to its end, and why (never quoting its content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub name: String,
    pub message: String,
}

/// Scans every source in turn. `piece` caps the bytes handed to the scanner at once (tests make
/// it small, so that tokens are split across pieces). Returns `None` when `cancelled` was set.
pub async fn scan(
    sources: Vec<Source>,
    piece: usize,
    cancelled: Rc<Cell<bool>>,
    on_progress: impl Fn(ScanProgress),
) -> Option<(ScanResult, Vec<FileProblem>)> {
    let piece = piece.clamp(1, PIECE);
    // The click that started the scan has just redrawn the view: the first slice gets a task
    // of its own.
    yield_now().await;
    let mut sweep = Sweep::new();
    let mut progress = ScanProgress {
        total: sources.iter().map(Source::size).sum(),
        files: sources.len(),
        ..ScanProgress::default()
    };
    let mut problems = Vec::new();
    let mut clock = Clock::start();
    for source in &sources {
        sweep.begin(&source.name());
        let outcome = match source {
            Source::Text(text) => {
                let mut result = Ok(());
                for slice in text.as_bytes().chunks(piece) {
                    sweep.push(slice);
                    progress.read += slice.len() as u64;
                    if clock.due()
                        && !pause(&mut clock, &sweep, &mut progress, &cancelled, &on_progress).await
                    {
                        result = Err(None);
                        break;
                    }
                }
                result
            }
            Source::File(file) => {
                read_file(
                    file,
                    source.is_gzip(),
                    piece,
                    &mut sweep,
                    &mut progress,
                    &mut clock,
                    &cancelled,
                    &on_progress,
                )
                .await
            }
        };
        sweep.end();
        match outcome {
            Ok(()) => {}
            Err(None) => return None,
            Err(Some(message)) => problems.push(FileProblem {
                name: source.name(),
                message,
            }),
        }
        if source.is_gzip() {
            progress.read += source.size();
        }
        progress.files_done += 1;
        if cancelled.get() {
            return None;
        }
    }
    progress.scanned = sweep.bytes();
    progress.tokens = sweep.tokens_found();
    on_progress(progress);
    Some((sweep.finish(), problems))
}

/// Reads one file's stream into the sweep. `Err(None)`: cancelled; `Err(Some(why))`: the file
/// could not be read to its end (what was read is kept).
#[allow(clippy::too_many_arguments)]
async fn read_file(
    file: &File,
    gzip: bool,
    piece: usize,
    sweep: &mut Sweep,
    progress: &mut ScanProgress,
    clock: &mut Clock,
    cancelled: &Rc<Cell<bool>>,
    on_progress: &impl Fn(ScanProgress),
) -> Result<(), Option<String>> {
    let mut stream: ReadableStream = file.stream();
    if gzip {
        let decoder = GzipStream::new("gzip").map_err(|_| {
            Some("this browser cannot decompress .gz files (no DecompressionStream)".to_owned())
        })?;
        stream = stream.pipe_through(decoder.unchecked_ref::<ReadableWritablePair>());
    }
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    loop {
        let next = match JsFuture::from(reader.read()).await {
            Ok(next) => next,
            Err(_) => {
                return Err(Some(if gzip {
                    "stopped: not a valid gzip file, or cut off; what came before was scanned"
                        .to_owned()
                } else {
                    "stopped: the browser could not read the file any further (changed or removed?)"
                        .to_owned()
                }))
            }
        };
        let done = js_sys::Reflect::get(&next, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(());
        }
        let Ok(value) = js_sys::Reflect::get(&next, &JsValue::from_str("value")) else {
            return Ok(());
        };
        let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
            continue;
        };
        let bytes = bytes.to_vec();
        for slice in bytes.chunks(piece) {
            sweep.push(slice);
            if !gzip {
                progress.read += slice.len() as u64;
            }
            if clock.due() && !pause(clock, sweep, progress, cancelled, on_progress).await {
                let _ = reader.cancel();
                return Err(None);
            }
        }
    }
}

/// Reports progress (at most every [`PROGRESS_MS`]: each report redraws the view) and gives
/// the event loop its turn. `false` when the scan was cancelled.
async fn pause(
    clock: &mut Clock,
    sweep: &Sweep,
    progress: &mut ScanProgress,
    cancelled: &Rc<Cell<bool>>,
    on_progress: &impl Fn(ScanProgress),
) -> bool {
    if now() - clock.reported >= PROGRESS_MS {
        progress.scanned = sweep.bytes();
        progress.tokens = sweep.tokens_found();
        on_progress(*progress);
        clock.reported = now();
    }
    yield_now().await;
    clock.restart();
    !cancelled.get()
}

/// How often progress is drawn while scanning.
const PROGRESS_MS: f64 = 100.0;

/// Gives the event loop a turn (input, painting, other timers). `setTimeout(0)`, not a message
/// to ourselves: Chromium runs posted messages ahead of timers, so a scan that yields by
/// message starves every timer on the page (measured: the 1 ms heartbeat of `make bench` saw
/// 100+ ms gaps). Browsers hold nested timeouts back to 4 ms, which [`SLICE_MS`] keeps to a
/// fifth of the time.
async fn yield_now() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Time since the last yield, and since progress was last reported.
struct Clock {
    since: f64,
    reported: f64,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            since: now(),
            reported: 0.0,
        }
    }

    fn due(&self) -> bool {
        now() - self.since >= SLICE_MS
    }

    fn restart(&mut self) {
        self.since = now();
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
