// Offline: the page is installable (a manifest with the right fields, a service worker that is
// registered, active and controls the page), and once loaded it reloads, parses and scans with
// no network, while a look-up says that the browser is offline. The worker caches only the
// app's own files (never an API answer, not even a GET), and a new build's list replaces the
// old cache. The sandbox serves dist/ on http://127.0.0.1, where service workers are allowed.
import { test, expect } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import { EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET } from "./env.mjs";
import { open, paste, checkButton } from "./helpers.mjs";

const WORKER = new URL("../dist/sw.js", import.meta.url);

/** Opens the page and waits until the service worker is active and controls it. */
async function openControlled(page) {
  const problems = await open(page);
  const state = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    // `ready` resolves with an active worker that may still be "activating".
    const worker = registration.active;
    if (worker.state !== "activated") {
      await new Promise((resolve) => worker.addEventListener("statechange", () => worker.state === "activated" && resolve()));
    }
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
    return {
      scope: registration.scope,
      script: registration.active.scriptURL,
      active: registration.active.state,
      controlled: Boolean(navigator.serviceWorker.controller),
    };
  });
  return { problems, state };
}

/** Every URL in every cache of this origin, by cache name. */
async function cacheContents(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    }
    return out;
  });
}

test("installable: the manifest is linked and parsed with the right fields, the worker controls the page", async ({ page, baseURL }) => {
  const { problems, state } = await openControlled(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const response = await page.request.get(new URL(href, baseURL).href);
  expect(response.ok()).toBe(true);
  const manifest = JSON.parse(await response.text());
  expect(manifest).toMatchObject({ name: "Dynatrace token checker", start_url: "./", scope: "./", display: "standalone" });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);
  expect(manifest.icons).toEqual([expect.objectContaining({ src: "favicon.svg", sizes: "any", type: "image/svg+xml" })]);
  const icon = await page.request.get(new URL(manifest.icons[0].src, response.url()).href);
  expect(icon.ok()).toBe(true);

  // As the browser itself reads it (through the page's CSP), and what Chromium says of installing.
  const cdp = await page.context().newCDPSession(page);
  const read = await cdp.send("Page.getAppManifest");
  expect(read.url).toBe(response.url());
  expect(read.errors).toEqual([]);
  expect(JSON.parse(read.data)).toEqual(manifest);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  // A Playwright context is an off-the-record profile, which Chromium never installs from; that
  // is the only objection allowed (an icon, start_url, display or worker problem would show here).
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito")).toEqual([]);

  expect(state).toEqual({ scope: `${baseURL}/`, script: `${baseURL}/sw.js`, active: "activated", controlled: true });
  expect(problems).toEqual([]);
});

test("calls to the API and anything not the app's go to the network without waking the worker (static routes)", async ({ page }) => {
  await openControlled(page);
  const sources = await page.evaluate(async (token) => {
    performance.clearResourceTimings();
    const urls = ["api/v2/apiTokens/lookup", "api/v1/tokens/dt0c01.ST2EY72KQINMH574WMNVI7YN", "styles.css", "styles.css?v=2", "not-ours.txt"];
    const absolute = urls.map((u) => new URL(u, location.href).href);
    await fetch(absolute[0], { method: "POST", headers: { Authorization: `Api-Token ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
    for (const url of absolute.slice(1)) await fetch(url, { headers: url.includes("/api/") ? { Authorization: `Api-Token ${token}` } : {} });
    // Resource Timing entries are added after the fetch resolves.
    const entries = () => absolute.map((u) => performance.getEntriesByName(u)[0]);
    while (entries().some((e) => !e)) await new Promise((r) => setTimeout(r, 50));
    return Object.fromEntries(urls.map((u, i) => [u, entries()[i].workerMatchedSourceType]));
  }, EXAMPLE_TOKEN);
  expect(sources).toEqual({
    "api/v2/apiTokens/lookup": "network",
    "api/v1/tokens/dt0c01.ST2EY72KQINMH574WMNVI7YN": "network",
    // One of the build's files: the worker's fetch handler (network first, the cache offline).
    "styles.css": "fetch-event",
    "styles.css?v=2": "network",
    "not-ours.txt": "network",
  });
});

test("offline: the page reloads from the cache, parses and scans, and a Check says the browser is offline", async ({ page, context }) => {
  await openControlled(page);
  await context.setOffline(true);
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.reload();
  await expect(page.getByLabel("Token to check")).toBeVisible();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  await paste(page, EXAMPLE_TOKEN);
  const anatomy = page.getByTestId("anatomy");
  await expect(anatomy.getByTestId("token-kind")).toHaveText("API token");
  await expect(anatomy.getByTestId("token-parts")).toContainText(EXAMPLE_ID);

  const scanned = await page.evaluate((t) => window.wasmBindings.scanText(`x\nDT_API_TOKEN=${t}\n`), EXAMPLE_TOKEN);
  expect(scanned).toHaveLength(1);
  expect(scanned[0].line).toBe(2);

  await checkButton(page).click();
  const error = page.getByTestId("error-panel");
  await expect(error).toContainText("The browser is offline");
  await expect(error).not.toContainText(/CORS|Blocked by the browser|unreachable/);
  await expect(error).not.toContainText(EXAMPLE_SECRET);
  await context.setOffline(false);
});

test("offline: the inventory and the scan, separate modules, open from the cache after a first visit", async ({ page, context }) => {
  await openControlled(page);
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByLabel("Token to check")).toBeVisible();
    await page.getByRole("link", { name: "Inventory" }).click();
    await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
    await page.getByRole("link", { name: "Scan text" }).click();
    await expect(page.getByLabel("Text to scan")).toBeVisible();
    await expect(page.getByTestId("view-load-error")).toHaveCount(0);
  } finally {
    await context.setOffline(false);
  }
});

test("the worker never caches an API answer, not even a GET; only the app's own files", async ({ page, baseURL }) => {
  await openControlled(page);
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  await expect(page.getByTestId("token-card").getByTestId("token-id")).toHaveText(EXAMPLE_ID);
  // A GET to the API from the controlled page, with a credential: goes through, is not kept.
  const status = await page.evaluate(async (token) => {
    const r = await fetch("./api/v2/apiTokens", { headers: { Authorization: `Api-Token ${token}` } });
    await r.text();
    return r.status;
  }, EXAMPLE_TOKEN);
  expect(status).toBeGreaterThanOrEqual(200);

  const contents = await cacheContents(page);
  const names = Object.keys(contents);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/^dt-token-checker-[0-9a-f]{16}$/);
  const urls = contents[names[0]];
  for (const url of urls) {
    expect(url.startsWith(`${baseURL}/`), url).toBe(true);
    expect(url).not.toContain("/api/");
    expect(url).not.toContain("/_sandbox/");
    expect(url).not.toMatch(/\.(gz|br)$|sw\.js$/);
  }
  const files = urls.map((u) => u.slice(baseURL.length + 1)).sort();
  expect(files).toEqual(expect.arrayContaining(["index.html", "dt-token-checker.js", "dt-token-checker_bg.wasm", "styles.css", "manifest.webmanifest", "favicon.svg"]));
  // The view modules too, so that every view opens offline (src/views/lazy.rs).
  expect(files).toEqual(expect.arrayContaining(["dt-inventory.js", "dt-inventory_bg.wasm", "dt-scan.js", "dt-scan_bg.wasm"]));
  // Exactly the build's list, nothing added at run time.
  const listed = JSON.parse(readFileSync(WORKER, "utf8").match(/^self\.BUILD=(.*);$/m)[1]).files.sort();
  expect(files).toEqual(listed);
});

test("a new build's list replaces the old cache on the next load", async ({ page }) => {
  await openControlled(page);
  const before = Object.keys(await cacheContents(page));
  expect(before).toHaveLength(1);

  // Simulate a new build: same worker, another version in its generated list.
  const original = readFileSync(WORKER, "utf8");
  const build = JSON.parse(original.match(/^self\.BUILD=(.*);$/m)[1]);
  const next = { ...build, version: "0123456789abcdef" === build.version ? "fedcba9876543210" : "0123456789abcdef" };
  try {
    writeFileSync(WORKER, original.replace(/^self\.BUILD=.*;$/m, `self.BUILD=${JSON.stringify(next)};`));
    await page.reload();
    await expect(page.getByLabel("Token to check")).toBeVisible();
    await expect.poll(async () => Object.keys(await cacheContents(page))).toEqual([`dt-token-checker-${next.version}`]);
    const after = await cacheContents(page);
    expect(after[`dt-token-checker-${next.version}`].length).toBe(build.files.length);
  } finally {
    writeFileSync(WORKER, original);
  }
});

test("the widget never registers the worker: a host page keeps its origin to itself", async ({ page }) => {
  await page.goto("/embed.html");
  await expect(page.locator("#checker").getByLabel("Token to check")).toBeVisible();
  await expect(page.locator("dt-token-checker").getByLabel("Token to check")).toBeVisible();
  await expect.poll(() => page.evaluate(() => typeof window.checker)).toBe("object");
  const registrations = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
  await page.waitForLoadState("networkidle");
  expect(await registrations()).toBe(0);
  expect(await page.evaluate(() => caches.keys())).toEqual([]);
  // The control: the page itself, measured the same way, has registered it.
  await page.goto("/");
  await expect(page.getByLabel("Token to check")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await registrations()).toBe(1);
});
