// The page under a sub-path behind the shipped proxy configurations (deploy/nginx.conf,
// deploy/Caddyfile), in front of the --no-cors sandbox as the "environment": a look-up works
// through the proxy, the same environment called directly is blocked by CORS, the headers a
// security team expects are there, the precompressed files are served, a redirect from the
// environment is neither followed nor rewritten, an environment with an untrusted certificate gets
// nothing, and no secret reaches the proxy's logs. nginx is required; Caddy is tested when
// installed, and skipped loudly when not. The servers: e2e/proxy-servers.mjs.
import { test, expect } from "@playwright/test";
import { readFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createServer as createTlsServer } from "node:https";
import { get, request as httpRequest, createServer } from "node:http";
import { PORTS, PROXY_PORTS, EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET, ADMIN_SECRET } from "./env.mjs";
import { open, paste, setEnvironment, checkButton } from "./helpers.mjs";
import { startProxy, installed, DIST, SUB_PATH } from "./proxy-servers.mjs";

// The sandbox's admin token: its public part is fixed (sandbox/src/data.rs, ADMIN_PUBLIC), its
// secret is the one the end-to-end sandboxes are started with.
const ADMIN_TOKEN = `dt0c01.SANDBOXADMIN222222222222.${ADMIN_SECRET}`;
const LOOKUP = "/api/v2/apiTokens/lookup";

/** A POST of a look-up body, answer not decoded and redirects not followed. */
function rawPost(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A GET whose answer is not decoded (Playwright's and fetch's are): status, headers, raw bytes. */
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

for (const kind of ["nginx", "caddy"]) {
  test.describe(`behind ${kind}`, () => {
    test.describe.configure({ mode: "serial" });
    const missing = !installed(kind);
    if (missing && kind === "caddy") {
      console.warn(
        "\n\x1b[1;33m*** SKIPPING the Caddy proxy tests: `caddy` is not installed " +
          "(scripts/bootstrap.sh test installs it as root; Debian package `caddy`). " +
          "deploy/Caddyfile is NOT tested on this machine. ***\x1b[0m\n",
      );
    }
    // nginx is never skipped: without it, startProxy fails and so does every test here.
    test.skip(missing && kind === "caddy", "caddy is not installed: deploy/Caddyfile is not tested here");

    let proxy;
    test.beforeAll(async () => {
      proxy = await startProxy(kind);
    });
    test.afterAll(async () => {
      await proxy?.stop();
    });

    test("a look-up works through the proxy, from the page under a sub-path", async ({ page }) => {
      // Without the trailing slash, the server sends the browser to the directory.
      const problems = await open(page, proxy.page.replace(/\/$/, ""));
      expect(new URL(page.url()).pathname).toBe(SUB_PATH);
      // Empty environment: this page's own server, which forwards /api/ at its root.
      await expect(page.getByTestId("api-base")).toHaveText(`${proxy.origin}/api`);
      await paste(page, EXAMPLE_TOKEN);
      const sent = page.waitForRequest((r) => r.url().includes(LOOKUP));
      await checkButton(page).click();
      expect((await sent).url()).toBe(`${proxy.origin}${LOOKUP}`);
      await expect(page.getByTestId("token-name")).toHaveText("myToken");

      // An ID look-up, with the admin token as the access token, through the proxy as well.
      await page.getByLabel("Access token").fill(ADMIN_TOKEN);
      await paste(page, EXAMPLE_ID);
      const byId = page.waitForResponse((r) => r.url().includes(`/api/v2/apiTokens/${EXAMPLE_ID}`));
      await checkButton(page).click();
      expect((await byId).status()).toBe(200);
      await expect(page.getByTestId("token-name")).toHaveText("myToken");
      expect(problems).toEqual([]);
    });

    test("the same environment called directly is blocked by CORS", async ({ page }) => {
      await open(page, proxy.page);
      await setEnvironment(page, `http://127.0.0.1:${PORTS.noCors}`);
      await paste(page, EXAMPLE_TOKEN);
      await checkButton(page).click();
      await expect(page.getByTestId("error-panel")).toContainText(/blocked|CORS/i);
    });

    test("pages and files carry the security headers, and revalidate", async ({ request }) => {
      for (const file of ["", "index.html", "dt-token-checker.js", "dt-token-checker_bg.wasm", "styles.css", "favicon.svg", "embed.html"]) {
        const res = await request.get(`${proxy.page}${file}`);
        const where = `${kind}: ${SUB_PATH}${file}`;
        expect(res.status(), where).toBe(200);
        const h = res.headers();
        expect(h["content-security-policy"], where).toContain("frame-ancestors 'none'");
        expect(h["referrer-policy"], where).toBe("no-referrer");
        expect(h["x-content-type-options"], where).toBe("nosniff");
        expect(h["cache-control"], where).toBe("no-cache");
        expect(h["etag"], where).toBeTruthy();
        const again = await request.get(`${proxy.page}${file}`, { headers: { "If-None-Match": h["etag"] } });
        expect(again.status(), `${where} revalidated with its ETag`).toBe(304);
      }
      const wasm = await request.get(`${proxy.page}dt-token-checker_bg.wasm`);
      expect(wasm.headers()["content-type"]).toBe("application/wasm");
      expect((await request.get(`${proxy.page}dt-token-checker.js`)).headers()["content-type"]).toMatch(/^(application|text)\/javascript/);
    });

    test("API answers are never cached and carry the same headers", async ({ request }) => {
      const ok = await request.post(`${proxy.origin}${LOOKUP}`, {
        headers: { Authorization: `Api-Token ${EXAMPLE_TOKEN}`, "Content-Type": "application/json" },
        data: { token: EXAMPLE_TOKEN },
      });
      const refused = await request.get(`${proxy.origin}/api/v2/apiTokens`);
      expect(ok.status()).toBe(200);
      expect((await ok.json()).name).toBe("myToken");
      expect(refused.status()).toBe(401);
      for (const res of [ok, refused]) {
        const h = res.headers();
        expect(h["cache-control"]).toBe("no-store");
        expect(h["x-content-type-options"]).toBe("nosniff");
        expect(h["referrer-policy"]).toBe("no-referrer");
        expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
        expect(h["set-cookie"]).toBeUndefined();
      }
      // Only /api/ is forwarded: the sandbox's other paths are not reachable through the proxy.
      expect((await request.get(`${proxy.origin}/_sandbox/health`)).status()).toBe(404);
    });

    test("the page cannot be framed", async ({ page }) => {
      // A host page on another origin (fulfilled by the test, no server) that frames the checker.
      const host = `http://127.0.0.1:${PORTS.app + 99}/host.html`;
      await page.route(host, (route) =>
        route.fulfill({ contentType: "text/html", body: `<!doctype html><iframe src="${proxy.page}"></iframe>` }),
      );
      // `load` waits for the frame too; a refused frame shows the browser's error page instead.
      await page.goto(host);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame, "the host page has its frame").toBeTruthy();
      expect(frame.url()).not.toBe(proxy.page);
      expect(await frame.locator("#dt-token-checker").count()).toBe(0);
    });

    test("precompressed copies are served when the browser accepts them", async () => {
      for (const file of ["index.html", "dt-token-checker.js", "dt-token-checker_bg.wasm", "styles.css"]) {
        for (const [accept, encoding, copy] of [
          ["br", "br", `${file}.br`],
          ["gzip, deflate", "gzip", `${file}.gz`],
          ["br;q=0, gzip", "gzip", `${file}.gz`],
          ["identity", undefined, file],
        ]) {
          const where = `${kind}: ${file} with Accept-Encoding: ${accept}`;
          const res = await rawGet(`${proxy.page}${file}`, { "Accept-Encoding": accept });
          expect(res.status, where).toBe(200);
          expect(res.headers["content-encoding"], where).toBe(encoding);
          // A cache in between must not hand a compressed copy to a browser that did not ask for it.
          if (encoding) expect(res.headers["vary"] ?? "", where).toMatch(/accept-encoding/i);
          // The bytes on the wire are the copy in dist/, as written at build time.
          expect(res.body.equals(readFileSync(`${DIST}${copy}`)), `${where}: the bytes of ${copy}`).toBe(true);
        }
      }
    });

    test("a redirect from the environment reaches the page unchanged, and is not followed", async () => {
      // A fake environment (an SSO gateway in front of the API) that redirects every call to its
      // own login page, and counts the calls it gets.
      const gateway = `http://127.0.0.1:${PROXY_PORTS.redirecting}`;
      const calls = [];
      const server = createServer((req, res) => {
        calls.push(`${req.method} ${req.url}`);
        req.resume();
        res.writeHead(307, { Location: `${gateway}/sso/login` }).end();
      });
      await new Promise((r) => server.listen(PROXY_PORTS.redirecting, "127.0.0.1", r));
      const behind = await startProxy(kind, {
        environment: gateway,
        name: `${kind}-to-redirecting`,
        port: PROXY_PORTS[`${kind}ToRedirecting`],
      });
      try {
        const res = await rawPost(
          `${behind.origin}${LOOKUP}`,
          { Authorization: `Api-Token ${EXAMPLE_TOKEN}`, "Content-Type": "application/json" },
          JSON.stringify({ token: EXAMPLE_TOKEN }),
        );
        expect(res.status).toBe(307);
        // Not rewritten into a same-origin URL, which the page would take for its own server.
        expect(res.headers.location).toBe(`${gateway}/sso/login`);
        expect(res.headers["cache-control"]).toBe("no-store");
        // The proxy made the one call and did not follow the redirect with the token.
        expect(calls).toEqual([`POST ${LOOKUP}`]);
      } finally {
        await behind.stop();
        await new Promise((r) => server.close(r));
      }
    });

    test("an environment whose TLS certificate is not trusted gets nothing", async () => {
      // A fake environment on https with a self-signed certificate for 127.0.0.1.
      const dir = new URL(`../target/proxy/untrusted-cert-${kind}/`, import.meta.url).pathname;
      mkdirSync(dir, { recursive: true });
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", `${dir}key.pem`, "-out", `${dir}cert.pem`,
      ], { stdio: "ignore" });
      const calls = [];
      const server = createTlsServer({ key: readFileSync(`${dir}key.pem`), cert: readFileSync(`${dir}cert.pem`) }, (req, res) => {
        calls.push(`${req.method} ${req.url}`);
        res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      });
      await new Promise((r) => server.listen(PROXY_PORTS.untrusted, "127.0.0.1", r));
      const behind = await startProxy(kind, {
        environment: `https://127.0.0.1:${PROXY_PORTS.untrusted}`,
        name: `${kind}-to-untrusted`,
        port: PROXY_PORTS[`${kind}ToUntrusted`],
      });
      try {
        const res = await rawPost(
          `${behind.origin}${LOOKUP}`,
          { Authorization: `Api-Token ${EXAMPLE_TOKEN}`, "Content-Type": "application/json" },
          JSON.stringify({ token: EXAMPLE_TOKEN }),
        );
        // The proxy refuses the certificate, so the request (and its token) is never sent.
        expect(res.status).toBe(502);
        expect(calls).toEqual([]);
      } finally {
        await behind.stop();
        await new Promise((r) => server.close(r));
      }
    });

    test("no secret reaches the proxy's access and error logs", async ({ request }) => {
      // Secrets in every place a request can carry them: the Authorization header, a cookie, the
      // body, and the query string (a misuse the app never makes; Dynatrace accepts it).
      await request.post(`${proxy.origin}${LOOKUP}?Api-Token=${ADMIN_SECRET}`, {
        headers: { Authorization: `Api-Token ${EXAMPLE_TOKEN}`, Cookie: `s=${ADMIN_SECRET}` },
        data: { token: EXAMPLE_TOKEN },
      });
      const byId = await request.get(`${proxy.origin}/api/v2/apiTokens/${EXAMPLE_ID}`, {
        headers: { Authorization: `Api-Token ${ADMIN_TOKEN}` },
      });
      expect(byId.status()).toBe(200);
      // A body too large for a token call: refused, and written to the error log.
      const big = await request.post(`${proxy.origin}${LOOKUP}`, {
        headers: { Authorization: `Api-Token ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
        data: JSON.stringify({ token: EXAMPLE_TOKEN, padding: "x".repeat(64 * 1024) }),
      });
      // nginx refuses it with 413; Caddy 2.6 reports the cut-off body as a failed proxy call (502).
      expect([413, 502]).toContain(big.status());

      const logs = proxy.logs();
      const access = logs.find((l) => l.file.endsWith("access.log"));
      // The logs are real: the look-ups are in the access log.
      expect(access.text).toContain(LOOKUP);
      expect(access.text).toContain(`/api/v2/apiTokens/${EXAMPLE_ID}`);
      // ... and the refused body is in the error log, with the request it came with.
      const errors = logs.find((l) => l.file.endsWith("error.log"));
      expect(errors.text).toContain(LOOKUP);
      for (const { file, text } of logs) {
        for (const secret of [EXAMPLE_SECRET, ADMIN_SECRET]) {
          expect(text.includes(secret), `${file} contains a secret`).toBe(false);
        }
        expect(text, file).not.toMatch(/Api-Token/i);
      }
    });
  });
}
