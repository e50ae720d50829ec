// The Content-Security-Policy of the built pages (dist/index.html, dist/embed.html), written into
// each page as a <meta http-equiv> by the post-build hook (scripts/minify.mjs), so that it travels
// with dist/ to any static host, with or without a configurable server.
//
// Why each source is allowed:
// - script-src 'self': the wasm-bindgen glue (and embed.js), loaded as module scripts from the
//   page's own origin; 'wasm-unsafe-eval': compiling the .wasm (WebAssembly.instantiateStreaming);
//   the sha256 of each inline script of the page: Trunk's loader (`import init ...; await init(...);
//   window.wasmBindings = ...`), whose text depends on the build, so its hash is computed here,
//   from the page as built. Nothing else: no 'unsafe-inline', no 'unsafe-eval', no inline
//   event handler (the panic message's Reload button gets a listener from Rust).
// - style-src 'self': styles.css (and embed.css). Neither Yew nor the app writes a style attribute,
//   and Trunk injects no inline style into a release build; check() below refuses a page that has one.
// - img-src 'self': the favicon. No data: URL is used anywhere.
// - connect-src 'self' https: http://127.0.0.1:* http://localhost:*: the .wasm and the token API,
//   on this origin (the demo, a reverse proxy) or on any https environment the person chooses.
//   Plain http only to this machine, as EnvironmentUrl allows (the sandbox in the demo and the
//   tests): the policy repeats that rule, so a token can never go over plain http to another host.
//   `http://[::1]:port` cannot be written in a CSP (no IPv6 literals in host-source) and is blocked.
// - base-uri 'none', form-action 'none': no <base> can redirect relative URLs, no form posts.
// - manifest-src 'self': manifest.webmanifest (the page is installable); worker-src 'self': sw.js,
//   the service worker that keeps the app's own files for offline use (it never caches an API answer).
// - default-src 'none': everything not listed (fonts, frames, objects, other workers) is refused.
// frame-ancestors cannot be set from a <meta>; a host that must not be framed sends it as a header
// (the README's proxy configurations say so). embed.html is framed by nobody: it is a host page.
import { createHash } from 'node:crypto';

/** The policy, without the hashes of a page's own inline scripts. */
export const POLICY = [
  ["default-src", "'none'"],
  ["script-src", "'self'", "'wasm-unsafe-eval'"],
  ["style-src", "'self'"],
  ["img-src", "'self'"],
  ["connect-src", "'self'", "https:", "http://127.0.0.1:*", "http://localhost:*"],
  ["manifest-src", "'self'"],
  ["worker-src", "'self'"],
  ["base-uri", "'none'"],
  ["form-action", "'none'"],
];

/** `'sha256-…'` of a script's text, as CSP computes it (UTF-8 bytes of the element's text). */
export const scriptHash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Every <script> element of a page: its attributes and its text. */
export function scripts(html) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)].map((m) => ({ attributes: m[1], text: m[2] }));
}

/** The policy for one page: POLICY plus the hash of each of its inline scripts. */
export function policyFor(html) {
  const hashes = scripts(html).filter((s) => !/\bsrc\s*=/i.test(s.attributes)).map((s) => scriptHash(s.text));
  return POLICY.map(([name, ...sources]) => [name, ...sources, ...(name === 'script-src' ? hashes : [])].join(' ')).join('; ');
}

/** What the policy would break, or lets through only by a hole: each a sentence, none when clean. */
export function check(html, name) {
  const problems = [];
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
    const handler = tag.match(/\s(on[a-z]+)\s*=/i);
    if (handler) problems.push(`${name}: inline event handler ${handler[1]}= in ${tag}`);
    if (/\sstyle\s*=/i.test(tag)) problems.push(`${name}: style attribute in ${tag}`);
    if (/javascript:/i.test(tag)) problems.push(`${name}: javascript: URL in ${tag}`);
  }
  if (/<style\b/i.test(html)) problems.push(`${name}: inline <style> element (move it to a .css file)`);
  for (const { attributes } of scripts(html)) {
    const src = attributes.match(/\bsrc\s*=\s*["']?([^"'\s>]+)/i);
    if (src && /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(src[1])) problems.push(`${name}: script from another origin: ${src[1]}`);
  }
  if (/http-equiv\s*=\s*["']?content-security-policy/i.test(html)) problems.push(`${name}: already has a Content-Security-Policy`);
  return problems;
}

/** The page with its policy as the first element after <meta charset>, so that it covers everything. */
export function withPolicy(html, name) {
  const charset = html.match(/<meta\s+charset\s*=[^>]*>/i);
  if (!charset) throw new Error(`${name}: no <meta charset>, so nowhere to put the Content-Security-Policy`);
  const at = charset.index + charset[0].length;
  const meta = `\n    <meta http-equiv="Content-Security-Policy" content="${policyFor(html)}" />`;
  return html.slice(0, at) + meta + html.slice(at);
}
