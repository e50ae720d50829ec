// The embeddable widget, <dt-token-checker> (www/dt-token-checker-element.js) and mount()
// (src/widget.rs), in host pages of their own: e2e/fixtures/widget-host.html throws hostile CSS
// at it, e2e/fixtures/widget-calm.html is a plain page. A small server started here serves them
// on a loopback origin of their own, with a strict Content-Security-Policy as a response header
// (no 'unsafe-inline', no eval; only 'wasm-unsafe-eval', without which no page can compile
// WebAssembly), beside dist/ as built, and forwards /api/ to the sandbox like a reverse proxy.
import { test, expect } from "@playwright/test";
import { readFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import AxeBuilder from "@axe-core/playwright";
import { PORTS, WIDGET_HOST_PORT, EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET, ADMIN_TOKEN } from "./env.mjs";
import { failOnCspViolations, cspViolations, recordConsole } from "./helpers.mjs";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const DIST = new URL("../dist/", import.meta.url);
const HOST = `http://127.0.0.1:${WIDGET_HOST_PORT}`;
const CORS = `http://127.0.0.1:${PORTS.cors}`;
const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  `connect-src 'self' ${CORS}`,
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");
const TYPES = { html: "text/html", css: "text/css", js: "text/javascript", wasm: "application/wasm", svg: "image/svg+xml" };

// A well-formed token the sandbox does not know: looking it up fails with 401.
const UNKNOWN_TOKEN = `${EXAMPLE_ID}.AAAAPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM`;
const UNKNOWN_SECRET = UNKNOWN_TOKEN.split(".")[2];
// A disabled token of the sandbox, looked up by its ID with the admin token.
const DISABLED_ID = "dt0c01.DISABLEDCIDEPLOY22222222";

let server;
test.beforeAll(async () => {
  server = createServer(async (request, response) => {
    const path = new URL(request.url, HOST).pathname;
    if (path.startsWith("/api/")) {
      const chunks = [];
      for await (const chunk of request) chunks.push(chunk);
      const headers = {};
      for (const name of ["authorization", "content-type", "accept"]) {
        if (request.headers[name]) headers[name] = request.headers[name];
      }
      const answer = await fetch(`http://127.0.0.1:${PORTS.app}${request.url}`, {
        method: request.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
      response.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    const name = path.slice(1);
    if (name === "favicon.ico") {
      response.writeHead(204).end();
      return;
    }
    const file = /^widget-(host|calm)\.(html|css|js)$/.test(name) ? new URL(name, FIXTURES) : new URL(name, DIST);
    if (!name || name.includes("..") || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const type = name.split(".").pop();
    const headers = { "content-type": TYPES[type] ?? "application/octet-stream" };
    if (type === "html") headers["content-security-policy"] = POLICY;
    response.writeHead(200, headers);
    response.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(WIDGET_HOST_PORT, "127.0.0.1", done));
});
test.afterAll(() => new Promise((done) => server.close(done)));

/** Opens a fixture page; returns the console errors and uncaught exceptions it will see. */
async function openHost(page, name) {
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await failOnCspViolations(page);
  await page.goto(`${HOST}/${name}.html`);
  return problems;
}

const widget = (page, id) => page.locator(`#${id}`);
const field = (w) => w.getByLabel("Token to check");
const check = (w) => w.getByRole("button", { name: "Check", exact: true });

/** A secret, or any run of 8 of its characters, is absent from `text`. */
function expectNoSecret(text, secret, label) {
  for (let i = 0; i + 8 <= secret.length; i++) {
    expect(text.toUpperCase(), `${label}: a piece of the secret`).not.toContain(secret.slice(i, i + 8).toUpperCase());
  }
}

test("in a hostile host page under a strict policy: three widgets render, work, and stay independent", async ({ page }) => {
  const problems = await openHost(page, "widget-host");
  const [w1, w2, w3] = ["w1", "w2", "w3"].map((id) => widget(page, id));
  for (const w of [w1, w2, w3]) {
    await expect(field(w)).toBeVisible();
    await expect(check(w)).toBeVisible();
  }
  // The host's CSS does not reach inside: the field is a readable, sized input.
  const look = await field(w1).evaluate((input) => {
    const s = getComputedStyle(input);
    const root = input.getRootNode().querySelector(".dtc");
    return { color: s.color, background: s.backgroundColor, font: s.fontFamily, display: s.display, height: input.getBoundingClientRect().height, rootFont: getComputedStyle(root).fontSize, rootStyle: getComputedStyle(root).fontStyle, transform: getComputedStyle(root).textTransform, accent: getComputedStyle(root).getPropertyValue("--accent").trim() };
  });
  expect(look.color).not.toBe("rgba(0, 0, 0, 0)");
  expect(look.background).not.toBe("rgb(255, 0, 0)");
  expect(look.font).not.toContain("Comic Sans");
  expect(look.display).not.toBe("none");
  expect(look.height).toBeGreaterThan(20);
  expect(look.rootFont).toBe("15px");
  expect(look.rootStyle).toBe("normal");
  expect(look.transform).toBe("none");
  // Theming through the documented custom property set by the host on the element.
  expect(look.accent).toBe("#0b6e4f");
  // Two widgets with settings hidden, one with them.
  await expect(w1.getByLabel("Environment URL")).toHaveCount(0);
  await expect(w3.getByLabel("Environment URL")).toBeVisible();

  // Each checks a different token; what one shows is its own.
  await field(w1).fill(EXAMPLE_TOKEN);
  await field(w2).fill(UNKNOWN_TOKEN);
  await w3.getByLabel("Access token").fill(ADMIN_TOKEN);
  await field(w3).fill(DISABLED_ID);
  // One after the other (concurrent clicks would race each other's scrolling), without waiting
  // for the answers: three look-ups at once.
  for (const w of [w1, w2, w3]) await check(w).click();
  await expect(w1.getByTestId("token-name")).toHaveText("myToken");
  await expect(w1.getByTestId("status-line")).toContainText("Active");
  await expect(w2.getByTestId("error-panel")).toContainText("401");
  await expect(w2.getByTestId("token-name")).toHaveCount(0);
  await expect(w3.getByTestId("token-name")).toHaveText("ci-deploy (disabled)");
  await expect(w3.getByTestId("status-line")).toContainText("Disabled");
  // Clearing one leaves the others as they were.
  await w3.getByRole("button", { name: "Clear" }).click();
  await expect(field(w3)).toHaveValue("");
  await expect(w3.getByTestId("token-name")).toHaveCount(0);
  await expect(w1.getByTestId("token-name")).toHaveText("myToken");
  await expect(field(w1)).toHaveValue(EXAMPLE_TOKEN);
  await expect(w2.getByTestId("error-panel")).toContainText("401");

  // Ids are unique across the page, shadow roots included, and every reference resolves in
  // its own widget.
  const ids = await page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll("dt-token-checker")].map((e) => e.shadowRoot)];
    const all = roots.flatMap((r) => [...r.querySelectorAll("[id]")].map((e) => e.id));
    const dangling = roots.flatMap((r) =>
      [...r.querySelectorAll("[for], [aria-labelledby], [aria-describedby]")].flatMap((e) =>
        ["for", "aria-labelledby", "aria-describedby"].flatMap((a) => (e.getAttribute(a) ?? "").split(/\s+/).filter(Boolean)).filter((id) => !r.getElementById(id)),
      ),
    );
    return { all, dangling };
  });
  expect(ids.all.length).toBeGreaterThan(20);
  expect(new Set(ids.all).size).toBe(ids.all.length);
  expect(ids.dangling).toEqual([]);

  expect(await cspViolations(page)).toEqual([]);
  expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
});

test("the widget's styles do not leak into the host page", async ({ page }) => {
  await openHost(page, "widget-host");
  await expect(field(widget(page, "w1"))).toBeVisible();
  const probe = await page.evaluate(() => {
    const p = getComputedStyle(document.getElementById("probe"));
    const b = getComputedStyle(document.getElementById("probe-button"));
    return {
      radius: p.borderTopLeftRadius,
      border: p.borderTopStyle,
      background: p.backgroundColor,
      accent: p.getPropertyValue("--accent"),
      surface: p.getPropertyValue("--surface"),
      buttonPadding: b.paddingTop,
      buttonWeight: b.fontWeight,
      stylesheets: [...document.styleSheets].map((s) => new URL(s.href).pathname),
    };
  });
  // styles.css would give .dtc-panel a radius, a border and a white surface, .dtc-btn padding.
  expect(probe).toEqual({
    radius: "0px",
    border: "none",
    background: "rgba(0, 0, 0, 0)",
    accent: "",
    surface: "",
    buttonPadding: "0px",
    buttonWeight: "400",
    stylesheets: ["/widget-host.css"],
  });
});

test("attribute changes update the running widget: environment, theme, hide-settings", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  const problems = await openHost(page, "widget-calm");
  const w2 = widget(page, "w2");
  const root = w2.locator(".dtc");
  await expect(w2.getByTestId("api-base")).toHaveText(`${HOST}/api`);

  // environment: calls go to the new one.
  const cors = CORS;
  await page.locator("#w2").evaluate((e, url) => e.setAttribute("environment", url), cors);
  await expect(w2.getByTestId("api-base")).toHaveText(`${cors}/api`);
  await expect(w2.getByLabel("Environment URL")).toHaveValue(cors);
  await field(w2).fill(EXAMPLE_TOKEN);
  const [request] = await Promise.all([page.waitForRequest((r) => r.url().includes("/api/v2/apiTokens/lookup")), check(w2).click()]);
  expect(new URL(request.url()).origin).toBe(cors);
  await expect(w2.getByTestId("token-name")).toHaveText("myToken");

  // theme: dark, light, then the system's (light here) again.
  await expect(root).toHaveAttribute("data-theme", "light");
  await page.locator("#w2").evaluate((e) => e.setAttribute("theme", "dark"));
  await expect(root).toHaveAttribute("data-theme", "dark");
  expect(await root.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(15, 17, 21)");
  await page.locator("#w2").evaluate((e) => e.removeAttribute("theme"));
  await expect(root).toHaveAttribute("data-theme", "light");
  // The other widgets did not change.
  await expect(widget(page, "w1").locator(".dtc")).toHaveAttribute("data-theme", "light");

  // hide-settings: gone, and back. The token and its result stay.
  await page.locator("#w2").evaluate((e) => e.setAttribute("hide-settings", ""));
  await expect(w2.getByLabel("Environment URL")).toHaveCount(0);
  await expect(field(w2)).toHaveValue(EXAMPLE_TOKEN);
  await page.locator("#w2").evaluate((e) => e.removeAttribute("hide-settings"));
  await expect(w2.getByLabel("Environment URL")).toHaveValue(cors);
  await expect(w2.getByTestId("token-name")).toHaveText("myToken");
  // And the one with settings hidden shows them when asked.
  await page.locator("#w1").evaluate((e) => e.removeAttribute("hide-settings"));
  await expect(widget(page, "w1").getByLabel("Environment URL")).toBeVisible();

  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

/** Counts the timers the page has running (installed before the page's scripts). */
function trackTimers() {
  const live = new Map();
  window.__liveTimers = () => [...live.values()];
  const { setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: stop } = window;
  window.setTimeout = function (fn, ms, ...args) {
    const id = set.call(window, (...a) => {
      live.delete(id);
      if (typeof fn === "function") fn(...a);
    }, ms, ...args);
    live.set(id, `timeout ${ms}`);
    return id;
  };
  window.clearTimeout = (id) => {
    live.delete(id);
    clear.call(window, id);
  };
  window.setInterval = function (fn, ms, ...args) {
    const id = every.call(window, fn, ms, ...args);
    live.set(id, `interval ${ms}`);
    return id;
  };
  window.clearInterval = (id) => {
    live.delete(id);
    stop.call(window, id);
  };
}

test("removing a widget aborts its look-up and leaves no listener, timer or request; adding it again works", async ({ page }) => {
  await page.addInitScript(trackTimers);
  const problems = await openHost(page, "widget-calm");
  const w1 = widget(page, "w1");
  await expect(field(w1)).toBeVisible();
  const cdp = await page.context().newCDPSession(page);
  // The listeners on an object and, for a node, everything under it, shadow roots included.
  const listeners = async (expression, depth = -1) => {
    const { result } = await cdp.send("Runtime.evaluate", { expression });
    const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId, depth, pierce: depth !== 0 });
    return listeners.map((l) => l.type);
  };
  const globalListeners = async () => [...(await listeners("window", 0)), ...(await listeners("document", 0))].sort();
  const before = await globalListeners();

  // A look-up the server never answers.
  const held = [];
  await page.route("**/api/v2/apiTokens/lookup", (route) => held.push(route));
  await field(w1).fill(EXAMPLE_TOKEN);
  const [lookup] = await Promise.all([page.waitForRequest((r) => r.url().includes("/lookup")), check(w1).click()]);
  await expect(w1.getByRole("button", { name: "Checking…" })).toBeVisible();
  // The element's container in its shadow root, and the <div> mount() renders into there.
  await page.evaluate(() => {
    window.__container = document.getElementById("w1").shadowRoot.lastElementChild;
    window.__root = window.__container.firstElementChild;
  });
  expect((await listeners("window.__root")).length, "the live widget has listeners").toBeGreaterThan(0);
  const running = await page.evaluate(() => window.__liveTimers());
  expect(running, "the look-up's timeout and watchdog").toEqual(expect.arrayContaining(["timeout 15000", "timeout 17000"]));

  const failed = page.waitForEvent("requestfailed", (r) => r === lookup);
  const after = [];
  page.on("request", (r) => after.push(r.url()));
  await page.evaluate(() => {
    window.__removed = document.getElementById("w1");
    window.__removed.remove();
  });
  expect((await failed).failure()?.errorText).toMatch(/ABORTED/i);
  await expect.poll(() => page.evaluate(() => window.__container.childElementCount)).toBe(0);
  await expect.poll(() => page.evaluate(() => window.__liveTimers())).toEqual([]);
  // Yew never removes its listeners from the element it rendered into: that <div> is gone with
  // the widget, and nothing that stays (the container, the element, the page) has one.
  expect(await page.evaluate(() => window.__root.isConnected)).toBe(false);
  expect(await listeners("window.__container")).toEqual([]);
  expect(await listeners("window.__removed")).toEqual([]);
  expect(await globalListeners()).toEqual(before);
  // The other widgets still work, and the removed one sends nothing.
  await page.unroute("**/api/v2/apiTokens/lookup");
  const w2 = widget(page, "w2");
  await field(w2).fill(EXAMPLE_TOKEN);
  await check(w2).click();
  await expect(w2.getByTestId("token-name")).toHaveText("myToken");
  expect(after.filter((u) => u.includes("/api/")), "only the other widget's look-up").toHaveLength(1);

  // Inserted again: a fresh widget that works.
  await page.evaluate(() => document.querySelector("main").append(window.__removed));
  const again = widget(page, "w1");
  await expect(field(again)).toHaveValue("");
  await field(again).fill(EXAMPLE_TOKEN);
  await check(again).click();
  await expect(again.getByTestId("token-name")).toHaveText("myToken");
  await expect(page.locator("dt-token-checker .dtc")).toHaveCount(3);

  for (const route of held) await route.abort().catch(() => {});
  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test("events tell the host what happened, with the kind, ID, status and metadata, never the secret", async ({ page }) => {
  const console = recordConsole(page);
  await openHost(page, "widget-host");
  const w1 = widget(page, "w1");
  const w3 = widget(page, "w3");
  const events = () => page.evaluate(() => window.events);

  // Input that does not parse tells the host nothing (it may be a mistyped secret).
  await field(w1).fill(`${EXAMPLE_TOKEN.slice(0, -3)}!!!`);
  await expect(w1.getByTestId("parse-error")).toBeVisible();
  expect(await events()).toEqual([]);

  await field(w1).fill(EXAMPLE_TOKEN);
  await expect.poll(async () => (await events()).map((e) => e.name)).toEqual(["dt-token-parsed"]);
  await check(w1).click();
  await expect.poll(async () => (await events()).map((e) => e.name)).toEqual(["dt-token-parsed", "dt-token-checked"]);
  const [parsed, checked] = await events();
  for (const event of [parsed, checked]) {
    expect(event).toMatchObject({ target: "w1", bubbles: true, composed: true });
    expect(event.detail).toMatchObject({ kind: "apiToken", id: EXAMPLE_ID });
  }
  expect(parsed.detail).toMatchObject({ status: "parsed", hasSecret: true });
  expect(checked.detail.status).toBe("active");
  expect(checked.detail.metadata).toMatchObject({ id: EXAMPLE_ID, name: "myToken", enabled: true });
  expect(checked.detail.metadata.scopes.length).toBeGreaterThan(0);

  await field(w3).fill(UNKNOWN_TOKEN);
  await check(w3).click();
  await expect.poll(async () => (await events()).length).toBe(4);
  const error = (await events())[3];
  expect(error).toMatchObject({ name: "dt-token-error", target: "w3", bubbles: true, composed: true });
  expect(error.detail).toMatchObject({ kind: "apiToken", id: EXAMPLE_ID, status: "error", code: "unauthorized", httpStatus: 401 });
  expect(error.detail.message).toContain("401");

  const all = (await events()).map((e) => e.json).join("\n");
  expectNoSecret(all, EXAMPLE_SECRET, "event details");
  expectNoSecret(all, UNKNOWN_SECRET, "event details");
  expectNoSecret(console.join("\n"), EXAMPLE_SECRET, "console");
  expect(await cspViolations(page)).toEqual([]);
});

test("mount() and its handle's update() and unmount(), in dist/embed.html beside the element", async ({ page }) => {
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  await failOnCspViolations(page);
  await page.goto("/embed.html");
  const element = page.locator("dt-token-checker");
  const mounted = page.locator("#checker");
  await expect(field(element)).toBeVisible();
  await expect(field(mounted)).toBeVisible();
  await expect(element.getByLabel("Environment URL")).toHaveCount(0);
  await expect(mounted.getByLabel("Environment URL")).toBeVisible();

  // Both tell the page; the element's events come from the element, mount()'s from its element.
  await page.evaluate(() => {
    window.seen = [];
    const who = (e) => e.target.id || e.target.localName;
    document.addEventListener("dt-token-checked", (e) => window.seen.push([who(e), e.detail.metadata.name]));
    document.addEventListener("dt-token-error", (e) => window.seen.push([who(e), e.detail.code]));
  });
  await field(element).fill(EXAMPLE_TOKEN);
  await check(element).click();
  await field(mounted).fill(UNKNOWN_TOKEN);
  await check(mounted).click();
  await expect.poll(() => page.evaluate(() => window.seen.sort())).toEqual([["checker", "unauthorized"], ["dt-token-checker", "myToken"]]);

  await page.evaluate(() => window.checker.update({ environment: "", theme: "dark", hideSettings: true }));
  await expect(mounted.locator(".dtc")).toHaveAttribute("data-theme", "dark");
  await expect(mounted.getByLabel("Environment URL")).toHaveCount(0);
  await expect(mounted.getByTestId("error-panel")).toContainText("401");
  const wrong = await page.evaluate(() => {
    try {
      window.checker.update({ hideSettings: "yes" });
      return "accepted";
    } catch (e) {
      return e.message;
    }
  });
  expect(wrong).toBe("update(options): options.hideSettings must be true or false");
  await page.evaluate(() => window.checker.unmount());
  await expect(mounted.locator(".dtc")).toHaveCount(0);
  await page.evaluate(() => window.checker.update({ theme: "light" }));
  await expect(mounted.locator(".dtc")).toHaveCount(0);
  await expect(element.getByTestId("token-name")).toHaveText("myToken");
  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test("the README's widget snippets are the tested host page's own lines", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.split("### The widget in a page of yours")[1].split("\n### ")[0];
  const snippets = [...section.matchAll(/```(?:html|js)\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(snippets).toHaveLength(2);
  const www = new URL("../www/", import.meta.url);
  const tested = ["embed.html", "embed.js"].flatMap((f) => readFileSync(new URL(f, www), "utf8").split("\n").map((l) => l.trim()));
  for (const line of snippets.join("\n").split("\n").map((l) => l.trim()).filter(Boolean)) {
    expect(tested, "a README line that embed.html / embed.js do not have").toContain(line);
  }
});

test.describe("accessibility", () => {
  // axe-core injects inline styles the host's policy refuses; the policy is tested above.
  test.use({ bypassCSP: true });
for (const scheme of ["light", "dark"]) {
  test(`axe-core finds no serious violation in a host page with three widgets, ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openHost(page, "widget-calm");
    await page.evaluate((theme) => document.querySelectorAll("dt-token-checker").forEach((e) => e.setAttribute("theme", theme)), scheme);
    const w1 = widget(page, "w1");
    await expect(w1.locator(".dtc")).toHaveAttribute("data-theme", scheme);
    // A result in one, an error in another, a parse problem in the third.
    await field(w1).fill(EXAMPLE_TOKEN);
    await check(w1).click();
    await expect(w1.getByTestId("token-name")).toHaveText("myToken");
    await field(widget(page, "w2")).fill(UNKNOWN_TOKEN);
    await check(widget(page, "w2")).click();
    await expect(widget(page, "w2").getByTestId("error-panel")).toBeVisible();
    await field(widget(page, "w3")).fill("dt0c01.ABC");
    await expect(widget(page, "w3").getByTestId("parse-error")).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious).toEqual([]);
    // Whatever else axe reports is listed in the test output, and kept to none inside a widget.
    const inWidgets = results.violations.filter((v) => v.nodes.some((n) => n.target.length > 1));
    expect(inWidgets.map((v) => v.id)).toEqual([]);
  });
}
});
