// Trunk post-build step (Trunk.toml [[hooks]], after scripts/minify.mjs) for release builds:
// writes `<file>.gz` and `<file>.br` next to every text and WebAssembly file of the build, at the
// highest levels, so that a static server can send them without compressing on each request
// (nginx `gzip_static` + `brotli_static`, Caddy `file_server { precompressed br gzip }`; see
// deploy/). Node's own zlib has both gzip and brotli: no dependency.
//
// It must run last, on the files as shipped (minified, with their Content-Security-Policy
// written in): Trunk runs the hooks of one stage at the same time, so Trunk.toml chains it after
// minify.mjs in one hook. Without TRUNK_STAGING_DIR it takes a directory argument
// (`node scripts/precompress.mjs dist`), for a dist/ built elsewhere.
import { readFileSync, writeFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const fromTrunk = Boolean(process.env.TRUNK_STAGING_DIR);
if (fromTrunk && process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!dir) {
  console.error('precompress: no directory (run me from trunk, or as `node scripts/precompress.mjs dist`)');
  process.exit(1);
}

// What is worth compressing: text and WebAssembly. Images other than SVG are compressed already.
const TEXT = { '.html': 1, '.js': 1, '.mjs': 1, '.css': 1, '.svg': 1, '.json': 1, '.webmanifest': 1, '.txt': 1, '.map': 1, '.wasm': 0 };

function* files(at) {
  for (const name of readdirSync(at)) {
    const path = join(at, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let before = 0, gz = 0, br = 0;
// Copies left over from an earlier run on the same directory are made again from their source.
for (const path of [...files(dir)]) if (path.endsWith('.gz') || path.endsWith('.br')) unlinkSync(path);
for (const path of [...files(dir)]) {
  const ext = extname(path).toLowerCase();
  if (!(ext in TEXT)) continue;
  const source = readFileSync(path);
  const gzipped = gzipSync(source, { level: 9 });
  const brotli = brotliCompressSync(source, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: TEXT[ext] ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
    },
  });
  writeFileSync(`${path}.gz`, gzipped);
  writeFileSync(`${path}.br`, brotli);
  before += source.length;
  gz += gzipped.length;
  br += brotli.length;
}
console.log(`precompress: ${before} bytes -> ${gz} gzip, ${br} brotli (.gz and .br next to each file)`);
