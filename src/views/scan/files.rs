//! Reading what the person gives the scan: pasted text and files, as bytes, chunk by chunk,
//! into a [`Sweep`].
//!
//! Why the scanner runs in slices on the main thread and not in a Web Worker: it does several
//! GB/s natively and hundreds of MB/s in wasm, so the work per chunk is small, and what blocks a
//! page is one long task, not the total. Each file is read through `Blob.stream()` (the browser
//! hands over chunks of about 64 KiB; no whole-file JS string ever exists), and after every
//! [`SLICE_MS`] of work the loop yields to the event loop, so input, painting and the cancel
//! button stay live. A scanning worker would need a second copy of the module (its own wasm
//! instance, loaded under the page's CSP) and a message protocol for progress, findings and
//! cancel: more bytes on the first load for no gain that `make bench` could show (its longest
//! main-thread block is the measure; README "Figures").
//!
//! `.gz` files are the exception, for the decompression only: the browser's `DecompressionStream`
//! runs its inflate on the thread that reads it, in tasks the page cannot slice (measured with a
//! CDP trace, `node bench/scan.mjs trace`: 72-108 ms of inflate inside one task). So a small worker in plain JS (`www/gunzip-worker.js`, no
//! wasm) decompresses the file and hands over chunks of [`GZ_CHUNK`] bytes, transferred, not
//! copied, at most [`GZ_AHEAD`] ahead of the scanner ([`Gunzip`]); the page only scans them. The
//! worker lives as long as its file: done, failed or cancelled, it is terminated.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use dt_core::incident::{ScanResult, Sweep};
use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, ReadableStreamDefaultReader};

/// Work between two yields to the event loop.
pub const SLICE_MS: f64 = 16.0;

/// The largest piece handed to the scanner at once: the time is checked after each piece, so a
/// piece is what a slice may run over [`SLICE_MS`]. Files come in chunks of up to 2 MiB
/// (Chromium's `Blob.stream()`, measured), the gzip worker's in [`GZ_CHUNK`]s, pasted text whole:
/// each is cut into these. 64 KiB: well under a millisecond of scanning once the wasm is warm,
/// a few while it is not, and each piece costs the scanner only its 512 bytes of carry.
pub const PIECE: usize = 64 << 10;

/// Decompressed bytes per message from the gzip worker.
pub const GZ_CHUNK: usize = 1 << 20;

/// Messages the gzip worker may send before the page asks for more.
pub const GZ_AHEAD: u32 = 2;

/// The gzip worker's script, next to index.html (copied there by Trunk; precached by the service
/// worker like every file of the build).
const GUNZIP_WORKER: &str = "gunzip-worker.js";

#[wasm_bindgen]
extern "C" {
    /// A dedicated worker: the few calls the gzip worker needs, bound here rather than through
    /// `web_sys` features.
    #[wasm_bindgen(js_name = Worker)]
    type JsWorker;

    #[wasm_bindgen(constructor, js_class = "Worker", catch)]
    fn new(url: &str) -> Result<JsWorker, JsValue>;

    #[wasm_bindgen(method, js_class = "Worker", js_name = postMessage, catch)]
    fn post_message(this: &JsWorker, message: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_class = "Worker")]
    fn terminate(this: &JsWorker);

    #[wasm_bindgen(method, js_class = "Worker", setter = onmessage)]
    fn set_onmessage(this: &JsWorker, handler: Option<&js_sys::Function>);

    #[wasm_bindgen(method, js_class = "Worker", setter = onerror)]
    fn set_onerror(this: &JsWorker, handler: Option<&js_sys::Function>);

    #[wasm_bindgen(method, js_class = "Worker", setter = onmessageerror)]
    fn set_onmessageerror(this: &JsWorker, handler: Option<&js_sys::Function>);
}

/// Something to scan.
pub enum Source {
    Text(Pasted),
    File(File),
}

/// Pasted text, held only by the scan that reads it. It may hold tokens, so it is never copied
/// (no `Clone`, no `Debug`), and its bytes are overwritten when it is dropped (the scan done,
/// failed or cancelled): the freed memory does not keep it either.
pub struct Pasted(String);

impl Pasted {
    pub fn new(text: String) -> Pasted {
        Pasted(text)
    }

    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Lines, counting a last one without `\n`.
    pub fn lines(&self) -> usize {
        self.0.lines().count()
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl Drop for Pasted {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.fill(0);
        // Keeps the writes: without it the compiler may drop stores to memory freed right after.
        std::hint::black_box(&mut bytes);
    }
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
            Source::Text(text) => text.as_bytes().len() as u64,
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
    // The click that started the scan has just redrawn the view: the first slice gets a task
    // of its own.
    yield_now().await;
    let mut feed = Feed {
        sweep: Sweep::new(),
        progress: ScanProgress {
            total: sources.iter().map(Source::size).sum(),
            files: sources.len(),
            ..ScanProgress::default()
        },
        clock: Clock::start(),
        piece: piece.clamp(1, PIECE),
        cancelled: &cancelled,
        on_progress: &on_progress,
    };
    let mut problems = Vec::new();
    for source in &sources {
        feed.sweep.begin(&source.name());
        let read_before = feed.progress.read;
        let outcome = match source {
            Source::Text(text) => match feed.scan(text.as_bytes(), true).await {
                true => Ok(()),
                false => Err(None),
            },
            Source::File(file) if source.is_gzip() => read_gzip(file, &mut feed, read_before).await,
            Source::File(file) => read_file(file, &mut feed).await,
        };
        feed.sweep.end();
        match outcome {
            Ok(()) => {}
            Err(None) => return None,
            Err(Some(message)) => problems.push(FileProblem {
                name: source.name(),
                message,
            }),
        }
        // Read to its end, or as far as it could be: the bar moves on to the next source.
        feed.progress.read = read_before + source.size();
        feed.progress.files_done += 1;
        if cancelled.get() {
            return None;
        }
    }
    let Feed {
        sweep,
        mut progress,
        ..
    } = feed;
    progress.scanned = sweep.bytes();
    progress.tokens = sweep.tokens_found();
    on_progress(progress);
    Some((sweep.finish(), problems))
}

/// The scan under way: the sweep, where it is, and when it last gave the page its turn.
struct Feed<'a, P: Fn(ScanProgress)> {
    sweep: Sweep,
    progress: ScanProgress,
    clock: Clock,
    piece: usize,
    cancelled: &'a Cell<bool>,
    on_progress: &'a P,
}

impl<P: Fn(ScanProgress)> Feed<'_, P> {
    /// Scans `bytes` in pieces of at most `piece`, yielding whenever a slice of time is used up.
    /// `counts_as_read`: the bytes are the source's own (not decompressed ones), so the progress
    /// bar moves with them. `false` when the scan was cancelled.
    async fn scan(&mut self, bytes: &[u8], counts_as_read: bool) -> bool {
        for slice in bytes.chunks(self.piece) {
            self.sweep.push(slice);
            if counts_as_read {
                self.progress.read += slice.len() as u64;
            }
            if self.clock.due() && !self.pause().await {
                return false;
            }
        }
        true
    }

    /// Reports progress (at most every [`PROGRESS_MS`]: each report redraws the view) and gives
    /// the event loop its turn. `false` when the scan was cancelled.
    async fn pause(&mut self) -> bool {
        if now() - self.clock.reported >= PROGRESS_MS {
            self.progress.scanned = self.sweep.bytes();
            self.progress.tokens = self.sweep.tokens_found();
            (self.on_progress)(self.progress);
            self.clock.reported = now();
        }
        yield_now().await;
        self.clock.restart();
        !self.cancelled.get()
    }
}

/// Reads one plain file's stream into the sweep. `Err(None)`: cancelled; `Err(Some(why))`: the
/// file could not be read to its end (what was read is kept).
async fn read_file<P: Fn(ScanProgress)>(
    file: &File,
    feed: &mut Feed<'_, P>,
) -> Result<(), Option<String>> {
    let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let Ok(next) = JsFuture::from(reader.read()).await else {
            return Err(Some(
                "stopped: the browser could not read the file any further (changed or removed?)"
                    .to_owned(),
            ));
        };
        if field(&next, "done").as_bool().unwrap_or(true) {
            return Ok(());
        }
        let Some(chunk) = field(&next, "value").dyn_into::<Uint8Array>().ok() else {
            continue;
        };
        bytes.resize(chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes);
        if !feed.scan(&bytes, true).await {
            let _ = reader.cancel();
            return Err(None);
        }
    }
}

/// Reads one `.gz` file, decompressed by the gzip worker, into the sweep; the results as for
/// [`read_file`]. `read_before`: the progress bar's position when the file began.
async fn read_gzip<P: Fn(ScanProgress)>(
    file: &File,
    feed: &mut Feed<'_, P>,
    read_before: u64,
) -> Result<(), Option<String>> {
    const NOT_GZIP: &str =
        "stopped: not a valid gzip file, or cut off; what came before was scanned";
    let gunzip = Gunzip::start(file)?;
    let mut bytes = Vec::new();
    loop {
        let message = gunzip.next().await;
        if feed.cancelled.get() {
            return Err(None);
        }
        if message.is_null() {
            return Err(Some(
                "stopped: the browser could not run its gzip decompressor (gunzip-worker.js)"
                    .to_owned(),
            ));
        }
        if let Some(error) = field(&message, "error").as_string() {
            return Err(Some(if error == "unsupported" {
                "this browser cannot decompress .gz files (no DecompressionStream)".to_owned()
            } else {
                NOT_GZIP.to_owned()
            }));
        }
        if let Some(read) = field(&message, "read").as_f64() {
            feed.progress.read = read_before + read as u64;
        }
        if field(&message, "done").as_bool() == Some(true) {
            return Ok(());
        }
        let Some(buffer) = field(&message, "bytes").dyn_into::<ArrayBuffer>().ok() else {
            return Err(Some(NOT_GZIP.to_owned()));
        };
        let length = field(&message, "length")
            .as_f64()
            .map_or(0, |n| n as u32)
            .min(buffer.byte_length());
        bytes.resize(length as usize, 0);
        Uint8Array::new_with_byte_offset_and_length(&buffer, 0, length).copy_to(&mut bytes);
        // The worker decompresses the next chunk while this one is scanned.
        gunzip.more();
        if !feed.scan(&bytes, false).await {
            return Err(None);
        }
    }
}

/// `object[name]`, or `undefined`.
fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// One `.gz` file's worker (protocol: `www/gunzip-worker.js`) and the messages it sent that were
/// not read yet. Dropping it terminates the worker, whatever it was doing.
struct Gunzip {
    worker: JsWorker,
    inbox: Rc<RefCell<Inbox>>,
    _on_message: Closure<dyn FnMut(JsValue)>,
}

#[derive(Default)]
struct Inbox {
    /// Each message's `data`, or `null` for an error event (the script failed to load or run).
    messages: VecDeque<JsValue>,
    /// Resolves the promise [`Gunzip::next`] waits on.
    waiting: Option<js_sys::Function>,
}

impl Gunzip {
    fn start(file: &File) -> Result<Gunzip, Option<String>> {
        let cannot =
            |_| Some("this browser cannot decompress .gz files here (no Web Worker)".to_owned());
        let worker = JsWorker::new(GUNZIP_WORKER).map_err(cannot)?;
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let data = match field(&event, "type").as_string().as_deref() {
                    Some("message") => field(&event, "data"),
                    _ => JsValue::NULL,
                };
                let waiting = {
                    let mut inbox = inbox.borrow_mut();
                    inbox.messages.push_back(data);
                    inbox.waiting.take()
                };
                if let Some(resolve) = waiting {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            })
        };
        let handler = Some(on_message.as_ref().unchecked_ref());
        worker.set_onmessage(handler);
        worker.set_onerror(handler);
        worker.set_onmessageerror(handler);
        let gunzip = Gunzip {
            worker,
            inbox,
            _on_message: on_message,
        };
        let start = js_sys::Object::new();
        let _ = Reflect::set(&start, &"file".into(), file);
        let _ = Reflect::set(&start, &"chunk".into(), &(GZ_CHUNK as f64).into());
        let _ = Reflect::set(&start, &"ahead".into(), &GZ_AHEAD.into());
        gunzip.worker.post_message(&start).map_err(cannot)?;
        Ok(gunzip)
    }

    /// The next message (see [`Inbox::messages`]).
    async fn next(&self) -> JsValue {
        loop {
            if let Some(message) = self.inbox.borrow_mut().messages.pop_front() {
                return message;
            }
            let inbox = self.inbox.clone();
            let arrived = js_sys::Promise::new(&mut |resolve, _| {
                inbox.borrow_mut().waiting = Some(resolve);
            });
            let _ = JsFuture::from(arrived).await;
        }
    }

    /// One more chunk may come.
    fn more(&self) {
        let _ = self.worker.post_message(&JsValue::from_str("more"));
    }
}

impl Drop for Gunzip {
    fn drop(&mut self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
    }
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
