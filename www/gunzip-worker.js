// Decompresses one .gz file for the scan view (src/views/scan/files.rs) in a dedicated worker, so
// that the page's thread only scans.
//
// Why a worker: Chromium runs `DecompressionStream`'s inflate, and the stream plumbing around it,
// on the thread that reads the stream, each input chunk (`Blob.stream()` hands over up to 2 MiB)
// in one go. On the page that was 72-108 ms of "DecompressionStream Inflate" inside one task (a
// CDP trace: `node bench/scan.mjs trace`; README "Figures"), over the 50 ms that `make bench`
// allows. Here it blocks nobody. Plain JS, no wasm: the worker needs nothing of the
// scanner, and loads under the page's `worker-src 'self'`.
//
// Protocol (one file per worker; the page terminates the worker when the file is done, failed or
// cancelled, so nothing outlives the scan):
//   page -> worker  {file: File, chunk: bytes per message, ahead: messages sent before a "more"}
//   page -> worker  "more"                    the page scanned a chunk: one more may come
//   worker -> page  {bytes: ArrayBuffer, length, read}   decompressed bytes (the buffer is
//                   transferred, not copied; its first `length` bytes count); `read`: compressed
//                   bytes read so far, for the progress bar
//   worker -> page  {done: true, read}        the end of the file
//   worker -> page  {error: "gzip" | "unsupported"}   after every byte decompressed before it
// Back-pressure: at most `ahead` chunks wait on the page, so a file is never decompressed faster
// than it is scanned, and memory stays at a few chunks whatever the file's size.
'use strict';

let credit = 0;
let wake = null;

self.onmessage = (event) => {
  const message = event.data;
  if (message === 'more') {
    credit++;
    if (wake) {
      const resume = wake;
      wake = null;
      resume();
    }
  } else if (message && message.file) {
    credit = Math.max(1, message.ahead | 0);
    decompress(message.file, Math.max(1024, message.chunk | 0));
  }
};

async function decompress(file, size) {
  let read = 0;
  let reader;
  try {
    const counted = new TransformStream({
      transform(chunk, controller) {
        read += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    reader = file.stream().pipeThrough(counted).pipeThrough(new DecompressionStream('gzip')).getReader();
  } catch {
    self.postMessage({ error: 'unsupported' });
    return;
  }
  let buffer = new Uint8Array(size);
  let filled = 0;
  const send = async () => {
    while (credit === 0) await new Promise((resume) => (wake = resume));
    credit--;
    self.postMessage({ bytes: buffer.buffer, length: filled, read }, [buffer.buffer]);
    buffer = new Uint8Array(size);
    filled = 0;
  };
  let failed = false;
  for (;;) {
    let next;
    try {
      next = await reader.read();
    } catch {
      failed = true;
      break;
    }
    if (next.done) break;
    // The decoder's own chunks are small (tens of KB): gathered into `size`-byte messages.
    let chunk = next.value;
    while (chunk.length > 0) {
      const n = Math.min(chunk.length, size - filled);
      buffer.set(chunk.subarray(0, n), filled);
      filled += n;
      chunk = chunk.subarray(n);
      if (filled === size) await send();
    }
  }
  // What came before a corrupt or cut-off part is scanned too.
  if (filled > 0) await send();
  self.postMessage(failed ? { error: 'gzip' } : { done: true, read });
}
