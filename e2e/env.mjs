// Shared facts of the end-to-end environment.
// PORT_BASE (default 18180; scripts/test.sh exports it) lets two checkouts test side by side.
const BASE = Number(process.env.PORT_BASE || 18180);
export const PORTS = { app: BASE + 10, cors: BASE + 11, noCors: BASE + 12, tokens: BASE + 13, big: BASE + 14, slow: BASE + 15 };
// The inventory's environments (e2e/inventory*.spec.mjs): 1,000 generated tokens, and 100,000.
export const INVENTORY_TOKENS = 1000;
export const BIG_TOKENS = 100000;
// A slow environment (every /api answer after SLOW_MS), so that calls overlap and the sandbox's
// count of calls answered at once (`GET /_sandbox/load`) means something.
export const SLOW_MS = 100;
// The widget's host pages (e2e/widget.spec.mjs starts that server itself).
export const WIDGET_HOST_PORT = BASE + 30;
// deploy/nginx.conf and deploy/Caddyfile in front of the --no-cors sandbox (e2e/proxy.spec.mjs).
// Second copies of each in front of fake environments: one that only redirects (ports + 22..24),
// one whose TLS certificate nobody trusts (+ 25..27).
export const PROXY_PORTS = {
  nginx: BASE + 20,
  caddy: BASE + 21,
  redirecting: BASE + 22,
  nginxToRedirecting: BASE + 23,
  caddyToRedirecting: BASE + 24,
  untrusted: BASE + 25,
  nginxToUntrusted: BASE + 26,
  caddyToUntrusted: BASE + 27,
};

// The documented example token from Dynatrace's docs; the sandbox knows it as `myToken`.
export const EXAMPLE_TOKEN =
  "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
export const EXAMPLE_ID = "dt0c01.ST2EY72KQINMH574WMNVI7YN";
export const EXAMPLE_SECRET = EXAMPLE_TOKEN.split(".")[2];

// The sandbox's admin token (every read scope) gets this secret in the tests.
export const ADMIN_SECRET = "ADMINE2ETESTSECRET2222222222222222222222222222222222222222222222";
// The whole admin token, as the sandbox builds it from that secret.
export const ADMIN_TOKEN = `dt0c01.SANDBOXADMIN222222222222.${ADMIN_SECRET}`;
