// Prints what a first visit downloads: every file of a dist/ folder (the service worker precaches
// all of them), raw, gzip -9 and brotli -11, and the totals. The widget's example host page
// (embed.*) is listed apart: the checker page never loads it, and the worker does not precache it. Usage: node scripts/sizes.mjs <dist> [<baseline dist>]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Hidden files, and the precompressed copies (scripts/precompress.mjs) of files counted already.
    if (name.startsWith(".") || /\.(gz|br)$/.test(name)) return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function measure(dir, keep = (file) => !file.startsWith("embed.")) {
  const rows = files(dir).sort().filter((path) => keep(relative(dir, path))).map((path) => {
    const data = readFileSync(path);
    return {
      file: relative(dir, path),
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { rows, total };
}

const kb = (n) => (n / 1000).toFixed(1).padStart(8) + " KB";
function print(title, { rows, total }, label = "first-load total") {
  console.log(`\n${title}`);
  console.log(`${"file".padEnd(48)}${"raw".padStart(11)}${"gzip".padStart(11)}${"brotli".padStart(11)}`);
  for (const r of rows) console.log(`${r.file.padEnd(48)}${kb(r.raw)}${kb(r.gzip)}${kb(r.brotli)}`);
  console.log(`${label.padEnd(48)}${kb(total.raw)}${kb(total.gzip)}${kb(total.brotli)}`);
}

const [dist, baseline] = process.argv.slice(2);
const app = measure(dist);
print(`Product bundle (${dist})`, app);
const example = measure(dist, (file) => file.startsWith("embed."));
if (example.rows.length) print("Not loaded by the page: the widget's example host page", example, "total");
if (baseline) {
  const base = measure(baseline);
  print(`Baseline: minimal Yew + gloo-net + serde + chrono app (${baseline})`, base);
  const ratio = (k) => (app.total[k] / base.total[k]).toFixed(2);
  console.log(`\nproduct / baseline: raw ${ratio("raw")}x, gzip ${ratio("gzip")}x, brotli ${ratio("brotli")}x`);
  console.log(`budget: first-load gzip ${(app.total.gzip / 1000).toFixed(1)} KB of 200 KB (aim 150 KB)`);
}
