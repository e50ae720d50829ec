// The checker screen: settings, parsing as you type, the trust line, look-ups by secret and by
// ID, every error class in place, the newest input winning, links, theme and accessibility.
import { test, expect } from "@playwright/test";
import { PORTS, EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET, ADMIN_SECRET, ADMIN_TOKEN } from "./env.mjs";
import { open, paste, setEnvironment, checkButton, leakSurfaces, expectNoAxeViolations } from "./helpers.mjs";

const SHOTS = new URL("../docs/screenshots", import.meta.url).pathname;
const APP = `http://127.0.0.1:${PORTS.app}`;

// The sandbox's control API answers only this machine with the admin token (and no browser
// page: it sends no CORS headers). Playwright's `request` runs in Node, on this machine.
const CONTROL = { headers: { Authorization: `Api-Token ${ADMIN_TOKEN}` } };

async function sandboxTokens(request) {
  const res = await request.get(`${APP}/_sandbox/tokens`, CONTROL);
  expect(res.ok()).toBe(true);
  return res.json();
}
async function adminToken(request) {
  const tokens = await sandboxTokens(request);
  const admin = tokens.find((t) => t.token.endsWith(ADMIN_SECRET));
  expect(admin, "admin token listed by the sandbox").toBeTruthy();
  return admin.token;
}
async function fault(request, kind, extra = {}) {
  const res = await request.put(`${APP}/_sandbox/fault`, { ...CONTROL, data: { kind, times: 1, ...extra } });
  expect(res.ok()).toBe(true);
}

test.afterEach(async ({ request }) => {
  const res = await request.delete(`${APP}/_sandbox/fault`, CONTROL);
  expect(res.ok()).toBe(true);
});

test("empty state is clear and accessible, in light and dark", async ({ page }) => {
  await open(page);
  await expect(page.getByTestId("api-base")).toHaveText(`${APP}/api`);
  await expectNoAxeViolations(page, "empty");
  await page.screenshot({ path: `${SHOTS}/empty-light.png`, fullPage: true });
  await page.getByRole("button", { name: "Dark mode" }).click();
  await expect(page.locator(".dtc")).toHaveAttribute("data-theme", "dark");
  await expectNoAxeViolations(page, "empty, dark");
  await page.screenshot({ path: `${SHOTS}/empty-dark.png`, fullPage: true });
});

test("the dark theme follows the system until chosen", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await open(page);
  await expect(page.locator(".dtc")).toHaveAttribute("data-theme", "dark");
  await context.close();
});

test("parsed state: anatomy, kind, trust line, and the secret stays masked", async ({ page }) => {
  await open(page);
  await paste(page, `Authorization: Api-Token ${EXAMPLE_TOKEN}\n`);
  await expect(page.getByTestId("token-kind")).toHaveText("API token");
  await expect(page.getByTestId("anatomy")).toContainText("Api-Token");
  await expect(page.getByTestId("trust-line")).toContainText(
    `The full token is sent only to ${APP}/api to look up its metadata`,
  );
  await expect(page.getByLabel("Token to check")).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByLabel("Token to check")).toHaveAttribute("type", "text");
  await expectNoAxeViolations(page, "parsed");
  await page.screenshot({ path: `${SHOTS}/parsed.png`, fullPage: true });
});

test("a malformed token points at the offending character", async ({ page }) => {
  await open(page);
  // A Cyrillic "О" in the public part looks like a Latin O.
  await paste(page, "dt0c01.ST2EY72KQINMH574WMNVI7YО.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM");
  const error = page.getByTestId("parse-error");
  await expect(error).toContainText("Cyrillic");
  await expect(error.locator(".dtc-mark")).toHaveText("О");
  await expect(error).not.toContainText("G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM");
  await expect(page.locator("#dtc-check-blocker")).toContainText("Fix the token first");
  await expect(checkButton(page)).toHaveAttribute("aria-disabled", "true");
  await expectNoAxeViolations(page, "parse error");
  await page.screenshot({ path: `${SHOTS}/parse-error.png`, fullPage: true });
});

test("an ID is looked up with an access token, and only the ID is sent", async ({ page, request }) => {
  const admin = await adminToken(request);
  await open(page);
  await paste(page, EXAMPLE_ID);
  await expect(page.getByTestId("trust-line")).toContainText(`Only the token ID ${EXAMPLE_ID} is sent`);
  await checkButton(page).click();
  await expect(page.getByTestId("error-panel")).toContainText("An access token is needed");
  await expect(page.getByTestId("error-panel")).toContainText("apiTokens.read");

  await page.getByLabel("Access token").fill(admin);
  const sent = page.waitForRequest((r) => r.url().includes("/api/v2/apiTokens/"));
  await checkButton(page).click();
  const request_ = await sent;
  expect(request_.method()).toBe("GET");
  expect(new URL(request_.url()).pathname).toBe(`/api/v2/apiTokens/${EXAMPLE_ID}`);
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
});

test("an ActiveGate token ID gets its own card", async ({ page, request }) => {
  const admin = await adminToken(request);
  await open(page);
  await page.getByLabel("Access token").fill(admin);
  await paste(page, "dt0g02.4KWZO5EF");
  await expect(page.getByTestId("token-kind")).toHaveText("ActiveGate token");
  // An ID is safe to show: the field is not masked for it.
  await expect(page.getByLabel("Token to check")).toHaveAttribute("type", "text");
  await checkButton(page).click();
  await expect(page.getByTestId("token-card")).toContainText("dt0g02.4KWZO5EF");
  await expectNoAxeViolations(page, "activegate");
  await page.screenshot({ path: `${SHOTS}/activegate.png`, fullPage: true });
});

test("a platform token is recognised and explained, and nothing is sent", async ({ page }) => {
  await open(page);
  const requests = [];
  page.on("request", (r) => r.url().includes("/api/") && requests.push(r.url()));
  await paste(page, "dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  await expect(page.getByTestId("trust-line")).toContainText("Nothing will be sent");
  await checkButton(page).click();
  await expect(page.getByTestId("error-panel")).toContainText("can't be looked up");
  expect(requests).toEqual([]);
});

const errorCases = [
  ["401 wrong access token", { accessToken: "dt0c01.ZZZZZZZZZZZZZZZZZZZZZZZZ.ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", input: EXAMPLE_ID }, /401|authenticat/i],
  ["403 missing scope", { accessToken: EXAMPLE_TOKEN, input: EXAMPLE_ID }, /apiTokens\.read/],
  ["404 unknown token", { input: "dt0c01.ST2EY72KQINMH574WMNVI7YN.AAAAPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM", admin: true }, /not (found|in this environment)/i],
  ["429 rate limited", { fault: "rate-limit", retryAfterSeconds: 30 }, /30 s|30 seconds|rate/i],
  ["500 server error", { fault: "server-error" }, /500/],
  ["502 HTML page from a proxy", { fault: "proxy-html" }, /text\/html/],
  ["malformed JSON", { fault: "malformed-json" }, /JSON|shape|unexpected/i],
];

for (const [name, setup, message] of errorCases) {
  test(`error in place: ${name}`, async ({ page, request }) => {
    await open(page);
    if (setup.fault) await fault(request, setup.fault, setup.retryAfterSeconds ? { retryAfterSeconds: setup.retryAfterSeconds } : {});
    if (setup.accessToken) await page.getByLabel("Access token").fill(setup.accessToken);
    if (setup.admin) await page.getByLabel("Access token").fill(await adminToken(request));
    await paste(page, setup.input ?? EXAMPLE_TOKEN);
    await checkButton(page).click();
    const panel = page.getByTestId("error-panel");
    await expect(panel).toBeVisible();
    await expect(panel).toContainText(message);
    await expectNoAxeViolations(page, name);
    // The error as the person sees it (before the recovery below).
    await page.screenshot({ path: `${SHOTS}/error-${name.split(" ")[0].toLowerCase()}.png`, fullPage: true });
    // The app stays usable: the same check works once the fault is gone.
    expect((await request.delete(`${APP}/_sandbox/fault`, CONTROL)).ok()).toBe(true);
    if (!setup.accessToken && !setup.input) {
      await checkButton(page).click();
      await expect(page.getByTestId("token-card")).toBeVisible();
    }
  });
}

test("a hanging server times out with a clear message", async ({ page, request }) => {
  await page.clock.install();
  await open(page);
  await fault(request, "hang");
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  await expect(page.getByRole("status")).toContainText("Looking the token up");
  await expectNoAxeViolations(page, "loading");
  await page.screenshot({ path: `${SHOTS}/loading.png`, fullPage: true });
  await page.clock.runFor(16_000);
  await expect(page.getByTestId("error-panel")).toContainText(/did not answer|timed out|time/i);
  await expectNoAxeViolations(page, "timeout");
  await page.screenshot({ path: `${SHOTS}/error-timeout.png`, fullPage: true });
});

test("a call the browser blocks (no CORS) is explained", async ({ page }) => {
  await open(page);
  await setEnvironment(page, `http://127.0.0.1:${PORTS.noCors}`);
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  const panel = page.getByTestId("error-panel");
  await expect(panel).toContainText(/blocked|CORS/i);
  await expect(panel).toContainText(/proxy/i);
  await expectNoAxeViolations(page, "cors");
  await page.screenshot({ path: `${SHOTS}/error-cors.png`, fullPage: true });
});

test("a CORS-enabled environment is called directly", async ({ page }) => {
  await open(page);
  await setEnvironment(page, `http://127.0.0.1:${PORTS.cors}`);
  await expect(page.getByTestId("api-base")).toHaveText(`http://127.0.0.1:${PORTS.cors}/api`);
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
});

test("a wrong environment URL is rejected with a reason", async ({ page }) => {
  await open(page);
  await setEnvironment(page, "http://abc12345.live.dynatrace.com");
  await expect(page.getByLabel("Environment URL")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#dtc-environment-where")).toContainText(/https/i);
});

test("the environment URL is remembered, the secret is not", async ({ page }) => {
  await open(page);
  await setEnvironment(page, `http://127.0.0.1:${PORTS.cors}`);
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
  const surfaces = await leakSurfaces(page);
  for (const [where, text] of Object.entries(surfaces)) {
    expect(text.includes(EXAMPLE_SECRET), `secret found in ${where}`).toBe(false);
  }
  await page.reload();
  await expect(page.getByLabel("Environment URL")).toHaveValue(`http://127.0.0.1:${PORTS.cors}`);
  await expect(page.getByLabel("Token to check")).toHaveValue("");
});

test("a newer input wins over a late answer", async ({ page }) => {
  await open(page);
  let first = true;
  await page.route("**/api/v2/apiTokens/lookup", async (route) => {
    if (first) {
      first = false;
      await new Promise((r) => setTimeout(r, 1500)); // the first answer arrives late
    }
    await route.continue();
  });
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  await paste(page, "dt0g02.4KWZO5EF");
  await page.waitForTimeout(2000);
  await expect(page.getByTestId("token-card")).toHaveCount(0);
  await expect(page.getByTestId("token-kind")).toHaveText("ActiveGate token");
});

test("a #env=&id= link opens a token ID; a secret in a link is dropped", async ({ page }) => {
  await open(page, `/#env=${encodeURIComponent(`http://127.0.0.1:${PORTS.cors}`)}&id=${EXAMPLE_ID}`);
  // A link's environment is used only once the person accepts it (trust.spec.mjs has the rest).
  await page.getByRole("button", { name: "Use the link's environment" }).click();
  await expect(page.getByLabel("Environment URL")).toHaveValue(`http://127.0.0.1:${PORTS.cors}`);
  await expect(page.getByTestId("token-parts")).toContainText(EXAMPLE_ID);

  await open(page, `/#id=${EXAMPLE_TOKEN}`);
  await expect(page.getByTestId("token-parts")).toContainText(EXAMPLE_ID);
  expect(page.url()).not.toContain(EXAMPLE_SECRET);
  await expect(page.getByTestId("anatomy")).toContainText("token ID only");
});

test("keyboard only: tab to the field, paste, Enter checks", async ({ page }) => {
  await open(page);
  await page.getByLabel("Token to check").focus();
  await page.keyboard.insertText(EXAMPLE_TOKEN);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
  // Times are relative, with the exact time on focus.
  const created = page.locator("time").first();
  await created.focus();
  await expect(created).toHaveAttribute("title", /\d/);
  await expectNoAxeViolations(page, "loaded");
});

test("the widget mounts into a host page and the JS API answers", async ({ page }) => {
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto("/embed.html");
  await expect(page.locator("#checker .dtc")).toBeVisible();
  await page.locator("#checker").getByLabel("Token to check").fill(EXAMPLE_TOKEN);
  await page.locator("#checker").getByRole("button", { name: "Check", exact: true }).click();
  await expect(page.locator("#checker").getByTestId("token-name")).toHaveText("myToken");
  const parsed = await page.evaluate((t) => window.parseTokenFromHost(t), EXAMPLE_TOKEN);
  expect(parsed.status).toBe("ok");
  expect(JSON.stringify(parsed)).not.toContain(EXAMPLE_SECRET);
  await page.evaluate(() => window.checker.unmount());
  await expect(page.locator("#checker .dtc")).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("the built page exposes parseToken and scanText on window.wasmBindings", async ({ page }) => {
  await open(page);
  const result = await page.evaluate((t) => {
    const text = `log line\nDT_API_TOKEN=${t}\nother ${t}\n`;
    return { parsed: window.wasmBindings.parseToken(t), scanned: window.wasmBindings.scanText(text) };
  }, EXAMPLE_TOKEN);
  expect(result.parsed.token.id).toBe(EXAMPLE_ID);
  expect(result.scanned).toHaveLength(1);
  expect(result.scanned[0].line).toBe(2);
  expect(result.scanned[0].occurrences).toBe(2);
  expect(JSON.stringify(result)).not.toContain(EXAMPLE_SECRET);
});

test("a dangerous token: scopes grouped by risk, most dangerous first, unknown ones kept", async ({ page, request }) => {
  const tokens = await sandboxTokens(request);
  const dangerous = tokens.find((t) => t.name === "automation-god-mode");
  await open(page);
  await paste(page, dangerous.token);
  await checkButton(page).click();
  const scopes = page.getByTestId("scopes");
  await expect(scopes.locator("h3").first()).toContainText("Token management");
  await expect(page.getByTestId("risk-summary")).toContainText("11 scopes; most dangerous: token management (critical)");
  await expect(scopes.locator('[data-scope="apiTokens.write"]')).toHaveAttribute("data-risk", "critical");
  await expect(scopes.locator('[data-scope="futureScope.write"]')).toContainText("futureScope.write");
  // The description opens on demand.
  await scopes.locator('[data-scope="credentialVault.read"] summary').click();
  await expect(scopes.locator('[data-scope="credentialVault.read"] p')).toBeVisible();
  await expectNoAxeViolations(page, "dangerous token");
  await page.screenshot({ path: `${SHOTS}/dangerous-light.png`, fullPage: true });
  await page.getByRole("button", { name: "Dark mode" }).click();
  await expectNoAxeViolations(page, "dangerous token, dark");
  await page.screenshot({ path: `${SHOTS}/dangerous-dark.png`, fullPage: true });
});

test("an expiring and a disabled token get the right status line", async ({ page, request }) => {
  const tokens = await sandboxTokens(request);
  const admin = await adminToken(request);
  await open(page);
  await page.getByLabel("Access token").fill(admin);
  const soon = tokens.find((t) => t.name === "k8s-operator");
  await paste(page, soon.id);
  await checkButton(page).click();
  await expect(page.getByTestId("status-line")).toContainText("Expiring soon");
  await expect(page.getByTestId("status-line")).toContainText("Expires in 3 days");
  const disabled = tokens.find((t) => t.name === "ci-deploy (disabled)");
  await paste(page, disabled.id);
  await checkButton(page).click();
  await expect(page.getByTestId("status-line")).toContainText("Disabled");
  const expired = tokens.find((t) => t.name === "old-exporter (expired)");
  await paste(page, expired.id);
  await checkButton(page).click();
  await expect(page.getByTestId("status-line")).toContainText("Expired");
  await expect(page.getByTestId("token-card")).toContainText("Expired 2 days ago");
  // A disabled token looking itself up gets 401, explained for what it means here.
  await page.getByLabel("Access token").fill("");
  await paste(page, disabled.token);
  await checkButton(page).click();
  await expect(page.getByTestId("error-panel")).toContainText("did not authenticate");
  await expect(page.getByTestId("error-panel")).toContainText("disabled, expired");
});

// The longest block is a figure (printed, and by make bench), not an assertion: timing is for
// benchmarks. What is asserted is that the scan yields in slices and finds what it should.
test("a 50 MB scan in the browser runs in slices, yielding to the page", async ({ page }) => {
  await open(page);
  const result = await page.evaluate(async (token) => {
    const line = "2026-11-22T12:00:00Z INFO request ok path=/api/v2/metrics took 12 ms dt0c01 noise\n";
    const parts = [];
    let size = 0;
    let i = 0;
    while (size < 50 * 1024 * 1024) {
      const l = i % 5000 === 0 ? `DT_API_TOKEN=${token}\n` : line;
      parts.push(l);
      size += l.length;
      i++;
    }
    const text = parts.join("");
    // Measure the longest stretch the main thread was busy, with a 1 ms heartbeat.
    let last = performance.now();
    let longest = 0;
    let beating = true;
    const beat = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (beating) setTimeout(beat, 1);
    };
    setTimeout(beat, 1);
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    let progressCalls = 0;
    const findings = await window.wasmBindings.scanTextAsync(text, () => progressCalls++);
    const elapsed = performance.now() - started;
    beating = false;
    return { findings: findings.length, occurrences: findings[0]?.occurrences, longest, elapsed, progressCalls, size };
  }, EXAMPLE_TOKEN);
  console.log(`50 MB scan: ${result.elapsed.toFixed(0)} ms in total, longest block ${result.longest.toFixed(0)} ms, ${result.progressCalls} slices`);
  expect(result.findings).toBe(1);
  expect(result.occurrences).toBeGreaterThan(100);
  expect(result.progressCalls).toBeGreaterThan(10);
});
