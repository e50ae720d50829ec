// What a visit downloads, raw, gzip -9 and brotli -11, from a built dist/ folder:
//   (a) the first load: what the page (`#/`, the checker) loads before it is usable: index.html,
//       every file it references (stylesheet, icon, manifest, Trunk's preloads and loader), the
//       modules those import and the .wasm each wasm-bindgen glue instantiates; compared with
//       the budget (issue 11: at most 230 KB gzip);
//   (b) what each view module adds when its view is first opened (modules/*: its .js and .wasm,
//       see src/views/lazy.rs);
//   (c) what the service worker precaches after a first visit (the list in dist/sw.js, written by
//       scripts/sw-manifest.mjs), so that every view opens offline.
// Files in none of these are listed apart (the widget's example host page, embed.*, which the
// page never loads). With a baseline dist (bench/baseline, a minimal Yew app), its whole first
// load is printed beside.
// Usage: node scripts/sizes.mjs <dist> [<baseline dist>]
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join, relative, dirname, posix } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const BUDGET_KB = 230;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Hidden files, and the precompressed copies (scripts/precompress.mjs) of files counted already.
    if (name.startsWith(".") || /\.(gz|br)$/.test(name)) return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function size(dir, file) {
  const data = readFileSync(join(dir, file));
  return {
    file,
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function table(dir, names) {
  const rows = [...names].sort().map((f) => size(dir, f));
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { rows, total };
}

/** Same-origin relative URLs (no scheme, no `//`, no `#`), resolved against `from` inside dist/. */
function resolveAll(urls, from) {
  return urls
    .filter((u) => u && !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(u))
    .map((u) => posix.normalize(posix.join(posix.dirname(from), u.split(/[?#]/)[0])));
}

/** What a page or a script loads by itself, before anything is clicked. */
function references(dir, file) {
  const text = readFileSync(join(dir, file), "utf8");
  if (file.endsWith(".html")) {
    const attrs = [...text.matchAll(/<(?:link|script|img)\b[^>]*?\s(?:href|src)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
    // Inline scripts: quoted .js/.wasm names (Trunk's loader imports the glue and names the .wasm).
    const inline = [...text.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].flatMap((m) => quoted(m[1]));
    return resolveAll([...attrs, ...inline], file);
  }
  if (file.endsWith(".js")) {
    // Static imports only (a dynamic `import()` is loaded on demand), and the .wasm it instantiates.
    const imports = [...text.matchAll(/(?:^|[;\s}])import\s*(?:[^'"`()]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
    const wasm = quoted(text).filter((u) => u.endsWith(".wasm"));
    return resolveAll([...imports, ...wasm], file);
  }
  return [];
}

function quoted(text) {
  return [...text.matchAll(/["']([^"'\s]+\.(?:js|mjs|wasm|css))["']/g)].map((m) => m[1]);
}

/** `start` and everything it loads, transitively, that exists in dist/. */
function closure(dir, start) {
  const seen = new Set();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file) || !existsSync(join(dir, file))) continue;
    seen.add(file);
    queue.push(...references(dir, file));
  }
  return seen;
}

const kb = (n) => (n / 1000).toFixed(1).padStart(8) + " KB";
function print(title, { rows, total }, label) {
  console.log(`\n${title}`);
  console.log(`${"file".padEnd(48)}${"raw".padStart(11)}${"gzip".padStart(11)}${"brotli".padStart(11)}`);
  for (const r of rows) console.log(`${r.file.padEnd(48)}${kb(r.raw)}${kb(r.gzip)}${kb(r.brotli)}`);
  console.log(`${label.padEnd(48)}${kb(total.raw)}${kb(total.gzip)}${kb(total.brotli)}`);
}

function precacheList(dir) {
  const worker = join(dir, "sw.js");
  if (!existsSync(worker)) return null;
  const line = readFileSync(worker, "utf8").match(/^self\.BUILD=(.*);$/m);
  return line ? JSON.parse(line[1]).files : null;
}

const [dist, baseline] = process.argv.slice(2);
if (!dist) {
  console.error("usage: node scripts/sizes.mjs <dist> [<baseline dist>]");
  process.exit(1);
}
const all = files(dist).map((p) => relative(dist, p).split("\\").join("/"));
const first = closure(dist, "index.html");
const firstLoad = table(dist, first);
print(`(a) First load of the page, #/ (${dist}): index.html and what it loads before it is usable`, firstLoad, "first load");

// (b) A view module: a .js that nothing of the first load imports, with its own _bg.wasm.
const modules = all.filter((f) => f.endsWith(".js") && !first.has(f) && all.includes(f.replace(/\.js$/, "_bg.wasm")));
const opened = new Set(first);
const perView = [];
for (const module of modules) {
  const files = [...closure(dist, module)].filter((f) => !opened.has(f));
  const t = table(dist, files);
  perView.push([module, t]);
  print(`(b) Opening the view of ${module} adds`, t, "view module");
}

// (c) The service worker's precache, fetched in the background after the first visit.
const listed = precacheList(dist);
let precache = null;
if (listed) {
  precache = table(dist, listed);
  console.log(`\n(c) The service worker's precache (dist/sw.js: ${listed.length} files, fetched once the page runs)`);
  console.log(`${"precache total".padEnd(48)}${kb(precache.total.raw)}${kb(precache.total.gzip)}${kb(precache.total.brotli)}`);
}

const counted = new Set([...first, ...perView.flatMap(([, t]) => t.rows.map((r) => r.file)), ...(listed ?? []), "sw.js"]);
const rest = all.filter((f) => !counted.has(f));
if (rest.length) print("Not loaded by the page (the widget's example host page, and the like)", table(dist, rest), "total");

if (baseline) {
  const base = table(baseline, files(baseline).map((p) => relative(baseline, p).split("\\").join("/")));
  print(`Baseline: minimal Yew + gloo-net + serde + chrono app (${baseline})`, base, "first-load total");
  const ratio = (k) => (firstLoad.total[k] / base.total[k]).toFixed(2);
  console.log(`\nfirst load / baseline: raw ${ratio("raw")}x, gzip ${ratio("gzip")}x, brotli ${ratio("brotli")}x`);
}
console.log(`\nbudget: first load of #/ ${(firstLoad.total.gzip / 1000).toFixed(1)} KB gzip of ${BUDGET_KB} KB (issue 11)` +
  (firstLoad.total.gzip / 1000 <= BUDGET_KB ? ": within" : ": OVER"));
for (const [module, t] of perView) console.log(`opening ${module.replace(/\.js$/, "")}: +${(t.total.gzip / 1000).toFixed(1)} KB gzip`);
if (precache) console.log(`service worker precache: ${(precache.total.gzip / 1000).toFixed(1)} KB gzip in the background`);
