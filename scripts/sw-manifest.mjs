// Trunk post-build step (Trunk.toml [[hooks]], after minify.mjs, before precompress.mjs): writes
// the service worker's precache list into dist/sw.js, as `self.BUILD = {version, files}` on its
// first line (www/sw.js reads it; see there for what the worker does with it).
//
// `files`: every file of the build as shipped (after minification), relative to the page, except
// the .gz/.br copies (a browser asks for the plain name; the server picks the encoding), hidden
// files, sw.js itself (the browser fetches and updates the worker on its own), and embed.* (the
// widget's example host page: the checker page never loads it, so a first visit does not either).
// `version`: a
// hash over every name and content hash, so any change to any file makes a new cache, and the
// worker's `activate` deletes the old one. Without TRUNK_STAGING_DIR it takes a directory
// argument (`node scripts/sw-manifest.mjs dist`).
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!dir) {
  console.error('sw-manifest: no directory (run me from trunk, or as `node scripts/sw-manifest.mjs dist`)');
  process.exit(1);
}
const WORKER = 'sw.js';

function* files(at) {
  for (const name of readdirSync(at).sort()) {
    if (name.startsWith('.') || /\.(gz|br)$/.test(name) || name.startsWith('embed.')) continue;
    const path = join(at, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const sha = (data) => createHash('sha256').update(data).digest('hex');
const entries = [];
for (const path of files(dir)) {
  const name = relative(dir, path).split(sep).join('/');
  if (name === WORKER) continue;
  entries.push([name, sha(readFileSync(path))]);
}
const version = sha(entries.map(([n, h]) => `${n} ${h}\n`).join('')).slice(0, 16);
const build = { version, files: entries.map(([n]) => n) };

const worker = join(dir, WORKER);
const source = readFileSync(worker, 'utf8').replace(/^self\.BUILD=.*\n/, '');
writeFileSync(worker, `self.BUILD=${JSON.stringify(build)};\n${source}`);
console.log(`sw-manifest: ${build.files.length} files, version ${version}`);
