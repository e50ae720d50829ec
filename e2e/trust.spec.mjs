// Trust by construction (issue 10), through the page: where a token may go, and where it never
// goes. The environment field refuses tokens and stores only a used, valid environment; links
// ask before they change the environment; hosts are labelled; redirects are never followed;
// a credential a header can't carry is refused before sending; and a fixed set of damaged
// tokens leaves no run of 8 secret characters anywhere outside the token fields.
import { test, expect, chromium } from "@playwright/test";
import http from "node:http";
import { PORTS, EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET, ADMIN_SECRET, ADMIN_TOKEN } from "./env.mjs";
import {
  open,
  paste,
  setEnvironment,
  checkButton,
  leakSurfaces,
  expectNoAxeViolations,
  recordConsole,
  expectNoSecretRun,
} from "./helpers.mjs";

const SHOTS = new URL("../docs/screenshots", import.meta.url).pathname;
const APP = `http://127.0.0.1:${PORTS.app}`;
const ENV_KEY = "dt-token-checker.environment";
const BASE = Number(process.env.PORT_BASE || 18180);

const stored = (page) => page.evaluate((k) => localStorage.getItem(k), ENV_KEY);

/** Every request the page makes that does not go to the app's own origin. */
function foreignRequests(page) {
  const seen = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(APP) && !r.url().startsWith("data:")) seen.push(r.url());
  });
  return seen;
}

async function adminToken(request) {
  const res = await request.get(`${APP}/_sandbox/tokens`, { headers: { Authorization: `Api-Token ${ADMIN_TOKEN}` } });
  expect(res.status(), "the control API answers this machine with the admin token").toBe(200);
  const admin = (await res.json()).find((t) => t.token.endsWith(ADMIN_SECRET));
  expect(admin, "admin token listed by the sandbox").toBeTruthy();
  return admin.token;
}

// ---------------------------------------------------------------- item 1: the environment field

test("a token typed into Environment URL is refused, emptied, not stored, not quoted, not looked up", async ({ page }) => {
  const consoleMessages = recordConsole(page);
  const foreign = foreignRequests(page);
  await open(page);
  const edge = "dt0e01.ABCDEFGHIJKLMNO.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH";
  for (const [token, secret] of [
    [EXAMPLE_TOKEN, EXAMPLE_SECRET],
    [edge, edge.split(".")[2]],
    ["abcdefjhij1234567890x", "abcdefjhij1234567890x"], // a legacy token's shape
    [EXAMPLE_SECRET, EXAMPLE_SECRET],
  ]) {
    const field = page.getByLabel("Environment URL");
    await field.fill(token);
    await expect(page.locator("#dtc-environment-where")).toContainText(
      /this looks like a token, not an environment URL; nothing was stored/i,
    );
    await expect(field).toHaveValue("");
    await field.blur();
    await paste(page, EXAMPLE_ID);
    await checkButton(page).click({ force: true });
    expect(await stored(page)).toBeNull();
    await expectNoSecretRun(page, secret, consoleMessages, 8, `after ${token.slice(0, 6)}… in Environment URL`);
  }
  // Not even a DNS look-up: no request left for another host.
  expect(foreign).toEqual([]);
});

test("the environment is stored only once used, only when valid, and normalised", async ({ page }) => {
  await open(page);
  const field = page.getByLabel("Environment URL");
  await field.click();
  await page.keyboard.type("https://ABC12345.live.dynatrace.com/api/v2/apiTokens");
  expect(await stored(page), "nothing is stored while typing").toBeNull();
  await page.keyboard.press("Tab"); // the field is used: it loses focus
  expect(await stored(page)).toBe("https://abc12345.live.dynatrace.com");

  // An invalid value is never stored, and the last valid one stays.
  await field.fill("https://abc12345.live.dynatrace.com/ui/dashboards");
  await field.blur();
  expect(await stored(page)).toBe("https://abc12345.live.dynatrace.com");

  // Pressing Check uses it too.
  await field.fill(`http://127.0.0.1:${PORTS.cors}/`);
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click({ force: true });
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
  expect(await stored(page)).toBe(`http://127.0.0.1:${PORTS.cors}`);

  // A token stored by an older version is deleted on load, not used.
  await page.evaluate(([k, t]) => localStorage.setItem(k, t), [ENV_KEY, EXAMPLE_TOKEN]);
  await page.reload();
  await expect(page.getByLabel("Environment URL")).toHaveValue("");
  expect(await stored(page)).toBeNull();
});

test("environment errors say what and where without quoting the input", async ({ page }) => {
  await open(page);
  const run = "QZXWVKJHGFDSAPLMNBQZXWVKJH";
  for (const input of [`https://${run}!.example.com`, `https://x.example.com/ui/${run}`, `http://${run}.example.com`, `https://${run}\u2026.com`]) {
    await setEnvironment(page, input);
    const message = page.locator("#dtc-environment-where");
    await expect(message).toBeVisible();
    await expect(page.getByLabel("Environment URL")).toHaveAttribute("aria-invalid", "true");
    const text = (await message.innerText()).toUpperCase();
    for (let i = 0; i + 8 <= run.length; i++) expect(text, input).not.toContain(run.slice(i, i + 8));
  }
  await setEnvironment(page, `https://${run}!.example.com`);
  await expect(page.locator("#dtc-environment-where")).toContainText("position 35");
});

// ---------------------------------------------------------------- item 5: links, hosts, http

test("an #env= link asks before it changes where tokens go, and stores nothing until confirmed", async ({ page }) => {
  const foreign = foreignRequests(page);
  const lookAlike = "https://abc12345.live.dynatrace.com.example.net";
  await open(page, `/#env=${encodeURIComponent(lookAlike)}&id=${EXAMPLE_ID}`);
  const confirm = page.getByTestId("environment-confirm");
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText(`${lookAlike}/api`);
  await expect(confirm.getByTestId("host-standing")).toContainText(/only looks like Dynatrace/);
  // Nothing changed yet: the field, the calls, the storage.
  await expect(page.getByLabel("Environment URL")).toHaveValue("");
  await expect(page.getByTestId("api-base")).toHaveText(`${APP}/api`);
  expect(await stored(page)).toBeNull();
  await expect(checkButton(page)).toHaveAttribute("aria-disabled", "true");
  await checkButton(page).click({ force: true });
  await expectNoAxeViolations(page, "link confirm");
  await page.screenshot({ path: `${SHOTS}/link-confirm-light.png`, fullPage: true });
  await page.getByRole("button", { name: "Dark mode" }).click();
  await expectNoAxeViolations(page, "link confirm, dark");
  await page.screenshot({ path: `${SHOTS}/link-confirm-dark.png`, fullPage: true });
  await page.getByRole("button", { name: "Keep the current one" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId("api-base")).toHaveText(`${APP}/api`);
  expect(await stored(page)).toBeNull();
  expect(foreign).toEqual([]);

  // Accepted by keyboard: now it is used, and remembered.
  const sandbox = `http://127.0.0.1:${PORTS.cors}`;
  await open(page, `/#env=${encodeURIComponent(sandbox)}&id=${EXAMPLE_ID}`);
  await expect(page.getByTestId("environment-confirm")).toBeVisible();
  await page.getByRole("button", { name: "Use the link's environment" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("environment-confirm")).toHaveCount(0);
  await expect(page.getByLabel("Environment URL")).toHaveValue(sandbox);
  await expect(page.getByTestId("api-base")).toHaveText(`${sandbox}/api`);
  expect(await stored(page)).toBe(sandbox);

  // A link to the environment already in use asks nothing (a fresh load of the same link).
  await page.reload();
  await expect(page.getByTestId("token-parts")).toContainText(EXAMPLE_ID);
  await expect(page.getByTestId("environment-confirm")).toHaveCount(0);
});

test("the Calls go to line says what kind of host it is, and warns about look-alikes", async ({ page }) => {
  await open(page);
  const standing = page.getByTestId("host-standing");
  await setEnvironment(page, "abc12345.live.dynatrace.com");
  await expect(page.getByTestId("api-base")).toHaveText("https://abc12345.live.dynatrace.com/api");
  await expect(standing).toHaveCount(0);
  await setEnvironment(page, "https://dt.example.com/e/abc12345");
  await expect(standing).toHaveAttribute("data-tone", "note");
  await expect(standing).toContainText("Not a Dynatrace SaaS host");
  for (const [host, words] of [
    ["abc12345.live.dynatrace.com.example.net", /only looks like Dynatrace/],
    ["https://abc12345.live.xn--dynatrac-9za.com", /internationalised \(xn--\)/],
    ["https://abc12345.live.dynatrce.com", /close to Dynatrace/],
  ]) {
    await setEnvironment(page, host);
    await expect(standing, host).toHaveAttribute("data-tone", "warn");
    await expect(standing, host).toContainText(words);
  }
  await paste(page, EXAMPLE_TOKEN);
  await expect(page.getByTestId("trust-warning")).toContainText("imitation of a Dynatrace address");
  await expectNoAxeViolations(page, "look-alike host");
  await page.screenshot({ path: `${SHOTS}/host-look-alike-light.png`, fullPage: true });
  await page.getByRole("button", { name: "Dark mode" }).click();
  await expectNoAxeViolations(page, "look-alike host, dark");
  await page.screenshot({ path: `${SHOTS}/host-look-alike-dark.png`, fullPage: true });
  await setEnvironment(page, "https://dt.example.com/e/abc12345");
  await page.screenshot({ path: `${SHOTS}/host-note-dark.png`, fullPage: true });
});

test("a page served over plain http from another machine warns before a token is sent", async () => {
  // Another name for this machine, so the page is not on a loopback host.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP checker.example 127.0.0.1"],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`http://checker.example:${PORTS.app}/`);
    await expect(page.getByTestId("plain-http-warning")).toContainText("plain http from another machine");
    await paste(page, EXAMPLE_TOKEN);
    await expect(page.getByTestId("trust-warning")).toContainText("plain http");
    await expectNoAxeViolations(page, "plain http");
    await page.screenshot({ path: `${SHOTS}/plain-http-light.png`, fullPage: true });
  } finally {
    await browser.close();
  }
  // On this machine (the demo) there is no warning.
});

test("no plain-http warning on loopback or https", async ({ page }) => {
  await open(page);
  await paste(page, EXAMPLE_TOKEN);
  await expect(page.getByTestId("plain-http-warning")).toHaveCount(0);
  await expect(page.getByTestId("trust-warning")).toHaveCount(0);
});

// ---------------------------------------------------------------- item 4: redirects

/** A server that records every request it gets, and one that redirects everything to it. */
async function redirectPair(status) {
  const received = [];
  const cors = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  };
  const target = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      res.writeHead(200, { ...cors, "Content-Type": "application/json" });
      res.end("{}");
    });
  });
  const targetPort = BASE + 20;
  await new Promise((r) => target.listen(targetPort, "127.0.0.1", r));
  const redirector = http.createServer((req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      return res.end();
    }
    res.writeHead(status, { ...cors, Location: `http://127.0.0.1:${targetPort}${req.url}` });
    res.end();
  });
  const port = BASE + 21;
  await new Promise((r) => redirector.listen(port, "127.0.0.1", r));
  const close = () => Promise.all([target, redirector].map((s) => new Promise((r) => s.close(r))));
  return { received, url: `http://127.0.0.1:${port}`, close };
}

for (const status of [307, 308]) {
  test(`a ${status} redirect is refused and the token is not re-sent anywhere`, async ({ page, request }) => {
    const pair = await redirectPair(status);
    try {
      const consoleMessages = recordConsole(page);
      await open(page);
      await setEnvironment(page, pair.url);
      // The look-up: the full token is in the header and the body.
      await paste(page, EXAMPLE_TOKEN);
      await checkButton(page).click({ force: true });
      const panel = page.getByTestId("error-panel");
      await expect(panel).toContainText("redirect");
      await expect(panel).toContainText(`${pair.url}/api`);
      await expect(checkButton(page)).toHaveText("Check");
      // By ID, with an access token.
      await page.getByLabel("Access token").fill(await adminToken(request));
      await paste(page, EXAMPLE_ID);
      await checkButton(page).click({ force: true });
      await expect(page.getByTestId("error-panel")).toContainText("redirect");
      expect(pair.received, "the redirect target got nothing").toEqual([]);
      await expectNoSecretRun(page, EXAMPLE_SECRET, consoleMessages, 8, "after a redirect");
      if (status === 307) {
        await expectNoAxeViolations(page, "redirect refused");
        await page.screenshot({ path: `${SHOTS}/error-redirect.png`, fullPage: true });
      }
    } finally {
      await pair.close();
    }
  });
}

test("what the browser shows a page about a refused redirect: nothing of where it pointed", async ({ page }) => {
  const pair = await redirectPair(307);
  try {
    await open(page);
    const seen = await page.evaluate(async (url) => {
      const r = await fetch(`${url}/api/v2/apiTokens/x`, { redirect: "manual" });
      return { type: r.type, status: r.status, url: r.url, location: r.headers.get("location"), headers: [...r.headers].length };
    }, pair.url);
    // Chromium hands back an opaque redirect: no status, no headers, the URL that was asked.
    expect(seen).toEqual({ type: "opaqueredirect", status: 0, url: `${pair.url}/api/v2/apiTokens/x`, location: null, headers: 0 });
    expect(pair.received).toEqual([]);
  } finally {
    await pair.close();
  }
});

// ---------------------------------------------------------------- item 6: pending states end

test("an access token with a character a header can't carry is refused before sending, by position", async ({ page, request }) => {
  const consoleMessages = recordConsole(page);
  await open(page);
  const sent = [];
  page.on("request", (r) => r.url().includes("/api/") && sent.push(r.url()));
  const admin = await adminToken(request);
  // An ellipsis, as a document's autocorrect writes it, in place of the last three characters.
  const damaged = `${admin.slice(0, -3)}\u2026`;
  await page.getByLabel("Access token").fill(damaged);
  await paste(page, EXAMPLE_ID);
  await checkButton(page).click({ force: true });
  const panel = page.getByTestId("error-panel");
  await expect(panel).toContainText(`position ${damaged.length}`);
  await expect(panel).toContainText("U+2026");
  await expect(checkButton(page)).toHaveText("Check");
  expect(sent).toEqual([]);
  await expectNoSecretRun(page, ADMIN_SECRET, consoleMessages, 8, "after a header refusal");
  await expectNoAxeViolations(page, "not sendable");
  await page.screenshot({ path: `${SHOTS}/error-not-sendable.png`, fullPage: true });
  // A control character too.
  await page.getByLabel("Access token").fill(`${admin.slice(0, 10)}\u0007${admin.slice(10)}`);
  await checkButton(page).click({ force: true });
  await expect(panel).toContainText("position 11");
  await expect(checkButton(page)).toHaveText("Check");
});

// ---------------------------------------------------------------- item 3: damaged tokens, end to end

const [PREFIX, PUBLIC] = EXAMPLE_TOKEN.split(".");
const S = EXAMPLE_SECRET;
const damaged = [
  ["separator -", `${PREFIX}.${PUBLIC}-${S}`],
  ["separator space", `${PREFIX}.${PUBLIC} ${S}`],
  ["separator full-width dot", `${PREFIX}.${PUBLIC}\uFF0E${S}`],
  ["first separator -", `${PREFIX}-${PUBLIC}.${S}`],
  ["Cyrillic look-alike in the secret", `${PREFIX}.${PUBLIC}.${S.slice(0, 20)}\u041E${S.slice(21)}`],
  ["zero-width space in the secret", `${PREFIX}.${PUBLIC}.${S.slice(0, 30)}\u200B${S.slice(30)}`],
  ["no-break space in the secret", `${PREFIX}.${PUBLIC}.${S.slice(0, 30)}\u00A0${S.slice(30)}`],
  ["truncated secret", `${PREFIX}.${PUBLIC}.${S.slice(0, 63)}`],
  ["one extra character", `${PREFIX}.${PUBLIC}.${S}X`],
  ["lowercase secret with a wrong character", `${PREFIX}.${PUBLIC}.${S.slice(0, 40).toLowerCase()}!${S.slice(41)}`],
  ["duplicated", `${EXAMPLE_TOKEN}${EXAMPLE_TOKEN}`],
  ["duplicated with a space", `${EXAMPLE_TOKEN} ${EXAMPLE_TOKEN}`],
  ["bare secret", S],
  ["secret with a trailing dot", `${S}.`],
  ["token in a sentence", `my token is ${EXAMPLE_TOKEN} thanks`],
];

for (const [name, text] of damaged) {
  test(`damaged token in "Token to check": ${name}`, async ({ page }) => {
    const consoleMessages = recordConsole(page);
    await open(page);
    await paste(page, text);
    await checkButton(page).click({ force: true });
    await page.waitForTimeout(300);
    await expectNoSecretRun(page, S, consoleMessages, 8, `(${name})`);
  });
  test(`damaged token in "Environment URL": ${name}`, async ({ page }) => {
    const consoleMessages = recordConsole(page);
    const foreign = foreignRequests(page);
    await open(page);
    await setEnvironment(page, text);
    await page.getByLabel("Environment URL").blur();
    await paste(page, EXAMPLE_ID);
    await checkButton(page).click({ force: true });
    await expectNoSecretRun(page, S, consoleMessages, 8, `(${name})`);
    expect(foreign).toEqual([]);
  });
}

test("a token in the access-token field stays there", async ({ page }) => {
  const consoleMessages = recordConsole(page);
  await open(page);
  await page.getByLabel("Access token").fill(`${PREFIX}.${PUBLIC}-${S}`);
  await paste(page, EXAMPLE_ID);
  await checkButton(page).click({ force: true });
  await expect(page.getByTestId("error-panel")).toBeVisible();
  await expectNoSecretRun(page, S, consoleMessages, 8, "(access token)");
});

// Server answers that echo the token back: each shown, none with the secret.
const echoes = [
  ["400 with constraint violations quoting it", 400, "application/json", JSON.stringify({ error: { code: 400, message: `Token ${EXAMPLE_TOKEN} is invalid`, constraintViolations: [{ path: "token", message: `must not be ${EXAMPLE_TOKEN}`, parameterLocation: "PAYLOAD_BODY", location: null }] } })],
  ["401 quoting it", 401, "application/json", JSON.stringify({ error: { code: 401, message: `Token Authentication failed for ${EXAMPLE_TOKEN}` } })],
  ["403 quoting it", 403, "application/json", JSON.stringify({ error: { code: 403, message: `Token ${EXAMPLE_TOKEN} is missing required scope` } })],
  ["500 text/plain", 500, "text/plain", `Internal error while handling Api-Token ${EXAMPLE_TOKEN}`],
  ["502 HTML", 502, "text/html", `<html><body><h1>502 Bad Gateway</h1><p>upstream said: ${EXAMPLE_TOKEN}</p></body></html>`],
  ["200 HTML (an SSO page)", 200, "text/html", `<html><body>Sign in <input value="${EXAMPLE_TOKEN}"></body></html>`],
  ["200 wrong shape", 200, "application/json", JSON.stringify({ name: EXAMPLE_TOKEN, scopes: EXAMPLE_TOKEN })],
];

for (const [name, status, contentType, body] of echoes) {
  test(`a server answer echoing the token is shown without it: ${name}`, async ({ page }) => {
    const consoleMessages = recordConsole(page);
    await page.route("**/api/v2/apiTokens/lookup", (route) => route.fulfill({ status, contentType, body }));
    await open(page);
    await paste(page, EXAMPLE_TOKEN);
    await checkButton(page).click({ force: true });
    await expect(page.getByTestId("result")).not.toContainText("Looking the token up");
    await expect(page.getByTestId("error-panel").or(page.getByTestId("token-card"))).toBeVisible();
    await expectNoSecretRun(page, S, consoleMessages, 8, `(${name})`);
  });
}

test("after every case: the secret is nowhere in storage, cookies or the URL", async ({ page }) => {
  await open(page);
  const surfaces = await leakSurfaces(page);
  for (const where of ["local", "session", "cookies", "url"]) {
    expect(surfaces[where].includes(EXAMPLE_SECRET), where).toBe(false);
  }
});
