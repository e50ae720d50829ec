// Service worker for the page (registered by src/page.rs `register_service_worker`, never by the
// widget): makes the checker installable and lets a page loaded once load, parse and scan offline.
//
// What it promises:
// - It caches ONLY the app's own files, listed at build time by scripts/sw-manifest.mjs, which
//   writes `self.BUILD = {version, files}` at the top of dist/sw.js (file names are stable,
//   filehash = false, so the version is a hash over every file's content).
// - It never touches an API call: anything not a same-origin GET of a listed file (any path with
//   /api/, any POST, any other origin, the sandbox's control API) goes to the network untouched,
//   and nothing it fetches at run time is ever written to a cache.
// - A new build replaces the old files on the next load. Choice: skipWaiting + clients.claim,
//   with NETWORK FIRST for the app's files. Online, every load gets the server's current build
//   (index.html and the integrity-checked JS/wasm always match); the cache is only the offline
//   fallback, and it is one build's files written at once in `install`, so versions never mix
//   (cache first + skipWaiting could hand an old index.html new JS and fail its integrity check;
//   cache first without skipWaiting would keep the old build until every tab closed). `activate`
//   deletes every cache of ours that is not this build's. No reload prompt is needed.
'use strict';

const BUILD = self.BUILD || { version: 'dev', files: [] };
const PREFIX = 'dt-token-checker-';
const CACHE = PREFIX + BUILD.version;
const SCOPE = new URL('./', self.location).href;
const FILES = new Set(BUILD.files.map((f) => new URL(f, SCOPE).href));

/** A URL pattern that matches this one file, whatever its fragment (`cachedKey` drops it). */
function exactly(href) {
  const url = new URL(href);
  const literal = (text) => text.replace(/[\\:*?+(){}]/g, '\\$&');
  return new URLPattern({
    protocol: url.protocol.slice(0, -1),
    hostname: literal(url.hostname),
    port: url.port,
    pathname: literal(url.pathname),
    search: '',
    hash: '*',
  });
}

self.addEventListener('install', (event) => {
  // Static routes (Chromium 123+): every request `cachedKey` would pass through untouched (any
  // API call, anything not one of this build's files and not a page load) goes to the network
  // without this worker being woken at all. Without them each call from the page crossed to this
  // worker and back first, about 1 ms a call (`bench/inventory.mjs`, the v1 path). The first
  // rule that matches wins, so the page loads and the build's files come first: a browser that
  // drops a condition it does not know (`or` is newer than `addRoutes`) or refuses the rules
  // wakes the worker for more requests, never for fewer. The fetch handler keeps its own checks.
  let routed = Promise.resolve();
  if (typeof event.addRoutes === 'function' && typeof URLPattern === 'function') {
    try {
      const ours = { or: [{ requestMode: 'navigate' }, ...[...FILES].map((href) => ({ urlPattern: exactly(href) }))] };
      routed = Promise.resolve(
        event.addRoutes([
          { condition: ours, source: 'fetch-event' },
          { condition: { urlPattern: new URLPattern({}) }, source: 'network' },
        ]),
      ).catch((refused) => console.warn('sw.js: no static routes;', String(refused)));
    } catch (refused) {
      console.warn('sw.js: no static routes;', String(refused));
    }
  }
  event.waitUntil(
    (async () => {
      await routed;
      const cache = await caches.open(CACHE);
      // `reload`: past the HTTP cache, so the files are this build's, as the server has them now.
      await cache.addAll(BUILD.files.map((f) => new Request(new URL(f, SCOPE), { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

/** The cached file a request may fall back to, or null when the request is not ours to touch. */
function cachedKey(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.includes('/api/')) return null;
  if (!url.href.startsWith(SCOPE)) return null;
  // A page load (the start URL, `?token=`, `#…`) falls back to index.html.
  if (request.mode === 'navigate') return new URL('index.html', SCOPE).href;
  url.hash = '';
  return FILES.has(url.href) ? url.href : null;
}

self.addEventListener('fetch', (event) => {
  const key = cachedKey(event.request);
  // Not ours: no respondWith at all, so the browser sends it exactly as the page made it.
  if (key === null) return;
  event.respondWith(
    (async () => {
      try {
        return await fetch(event.request);
      } catch (offline) {
        const cached = await caches.match(key, { cacheName: CACHE });
        if (cached) return cached;
        throw offline;
      }
    })(),
  );
});
