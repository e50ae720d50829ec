// Trunk post-build hook (Trunk.toml [[hooks]]) for release builds: minifies the JavaScript glue
// (terser) and the CSS (clean-css), then writes the Content-Security-Policy into every page
// (scripts/csp.mjs says what it allows and why). Debug builds (`trunk serve`) get neither.
//
// Minification: Trunk's own minifier cannot parse wasm-bindgen's glue (it warns
// "Failed to minify JS" and copies it as is), so Trunk's `minify` stays off and this does it:
// the glue goes from 9.2 to 6.6 KB gzip, the CSS from 2.9 to 2.5 KB (see README, "Figures").
//
// Trunk has already written each file's Subresource Integrity hash into index.html, so the hashes
// are rewritten to match; if an old one cannot be found the build fails rather than ship a page
// whose script or styles the browser would refuse.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, withPolicy } from './csp.mjs';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('minify: TRUNK_STAGING_DIR is not set (run me from trunk)');
  process.exit(1);
}

let terser, CleanCSS;
try {
  terser = await import('terser');
  CleanCSS = (await import('clean-css')).default;
} catch {
  console.error('minify: terser or clean-css is missing; run `npm ci` (make build does) and build again');
  process.exit(1);
}

const minifiers = {
  '.js': async (source) => (await terser.minify(source, { module: true, compress: true, mangle: true })).code,
  '.css': async (source) => {
    const result = new CleanCSS({ level: 2 }).minify(source);
    if (result.errors.length) throw new Error(result.errors.join('; '));
    return result.styles;
  },
};

const sri = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const index = join(staging, 'index.html');
let html = existsSync(index) ? readFileSync(index, 'utf8') : null;

for (const file of readdirSync(staging)) {
  const minify = minifiers[file.slice(file.lastIndexOf('.'))];
  if (!minify) continue;
  const path = join(staging, file);
  const source = readFileSync(path, 'utf8');
  const code = await minify(source);
  writeFileSync(path, code);
  if (html !== null && html.includes(file)) {
    const before = sri(source);
    if (!html.includes(before)) {
      console.error(`minify: index.html has no integrity hash for ${file}; not minifying blindly`);
      process.exit(1);
    }
    html = html.replaceAll(before, sri(code));
  }
  console.log(`minify: ${file} ${source.length} -> ${code.length} bytes`);
}
if (html !== null) writeFileSync(index, html);

// Last, so that the hashes are those of the pages as shipped.
for (const file of readdirSync(staging).filter((f) => f.endsWith('.html'))) {
  const path = join(staging, file);
  const page = readFileSync(path, 'utf8');
  const problems = check(page, file);
  if (problems.length) {
    console.error(`minify: ${file} would break its Content-Security-Policy or weaken it:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  writeFileSync(path, withPolicy(page, file));
  console.log(`minify: ${file} Content-Security-Policy written`);
}
