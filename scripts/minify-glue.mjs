// Trunk post-build hook (Trunk.toml [[hooks]]): minifies wasm-bindgen's JavaScript glue in
// release builds. Trunk's own `minify` covers HTML and CSS but leaves the glue as generated, with
// every doc comment copied in: terser takes it from 9.2 to 6.4 KB gzip (see README, "Figures").
//
// Trunk has already written the glue's Subresource Integrity hash into index.html, so the hash
// is rewritten to match; if the old one cannot be found the build fails rather than ship a page
// whose script the browser would refuse.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('minify-glue: TRUNK_STAGING_DIR is not set (run me from trunk)');
  process.exit(1);
}

let minify;
try {
  ({ minify } = await import('terser'));
} catch {
  console.error('minify-glue: terser is missing; run `npm ci` (make build does) and build again');
  process.exit(1);
}

const sri = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const index = join(staging, 'index.html');
let html = existsSync(index) ? readFileSync(index, 'utf8') : null;

for (const file of readdirSync(staging).filter((f) => f.endsWith('.js'))) {
  const path = join(staging, file);
  const source = readFileSync(path, 'utf8');
  const { code } = await minify(source, { module: true, compress: true, mangle: true });
  writeFileSync(path, code);
  if (html !== null) {
    const before = sri(source);
    if (!html.includes(before)) {
      console.error(`minify-glue: index.html has no integrity hash for ${file}; not minifying blindly`);
      process.exit(1);
    }
    html = html.replaceAll(before, sri(code));
  }
  console.log(`minify-glue: ${file} ${source.length} -> ${code.length} bytes`);
}
if (html !== null) writeFileSync(index, html);
