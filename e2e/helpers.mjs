import { expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Opens the page and collects console errors and uncaught exceptions. Any Content-Security-Policy
 * violation fails the test (see `failOnCspViolations`). */
export async function open(page, path = "/") {
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await failOnCspViolations(page);
  await page.goto(path);
  await expect(page.getByLabel("Token to check")).toBeVisible();
  expect(await cspViolations(page), "Content-Security-Policy violations while loading").toEqual([]);
  return problems;
}

const watched = new WeakSet();

/** Records every `securitypolicyviolation` event of every document `page` loads from now on (in
 * `window.__cspViolations`, and as a console error), and fails the running test, without stopping
 * it, on each one, and on every console message of the browser about the policy (a blocked load
 * it reports only there, or a policy it cannot parse). */
export async function failOnCspViolations(page) {
  if (watched.has(page)) return;
  watched.add(page);
  await page.addInitScript(recordCspViolations);
  page.on("console", (m) => {
    const text = m.text();
    if (/Content Security Policy|CSP violation/i.test(text)) {
      expect.soft([text], "no Content-Security-Policy violation").toEqual([]);
    }
  });
}

/** Runs in the page before its own scripts (page.addInitScript). */
export function recordCspViolations() {
  window.__cspViolations = [];
  document.addEventListener(
    "securitypolicyviolation",
    (e) => {
      const violation = `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile || "?"}:${e.lineNumber}`;
      window.__cspViolations.push(violation);
      console.error(`CSP violation: ${violation}`);
    },
    true,
  );
}

/** What `recordCspViolations` has seen in the current document. */
export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? ["the CSP recorder is not installed"]);
}

export async function setEnvironment(page, url) {
  const field = page.getByLabel("Environment URL");
  await field.fill(url);
}

export async function paste(page, text) {
  await page.getByLabel("Token to check").fill(text);
}

export function checkButton(page) {
  return page.getByRole("button", { name: "Check", exact: true });
}

/** Everything a secret could leak into, other than the input the person typed it in. */
export async function leakSurfaces(page) {
  return page.evaluate(() => {
    const dump = (s) => JSON.stringify(Object.entries(s));
    const clone = document.documentElement.cloneNode(true);
    return {
      html: clone.outerHTML,
      text: document.body.innerText,
      url: location.href,
      local: dump(localStorage),
      session: dump(sessionStorage),
      cookies: document.cookie,
    };
  });
}

export async function expectNoAxeViolations(page, state) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary, `axe violations in state "${state}"`).toEqual([]);
}

/** Every console message of any type, for leak checks (call before the page is opened). */
export function recordConsole(page) {
  const messages = [];
  page.on("console", (m) => messages.push(m.text()));
  page.on("pageerror", (e) => messages.push(String(e)));
  return messages;
}

/**
 * Asserts that no run of `run` or more consecutive characters of `secret` (compared without
 * regard to case) appears anywhere a secret could leak to: the DOM text and markup (attributes
 * included), the values of inputs other than the two token fields, localStorage,
 * sessionStorage, cookies, the URL, and the console messages given.
 */
export async function expectNoSecretRun(page, secret, consoleMessages = [], run = 8, label = "") {
  const surfaces = await leakSurfaces(page);
  surfaces.inputs = await page.evaluate(() =>
    [...document.querySelectorAll("input, textarea")]
      .filter((el) => !["dtc-token", "dtc-access-token"].includes(el.id))
      .map((el) => `${el.id}=${el.value}`)
      .join("\n"),
  );
  surfaces.console = consoleMessages.join("\n");
  const upper = secret.toUpperCase();
  const found = [];
  for (const [where, text] of Object.entries(surfaces)) {
    const haystack = String(text).toUpperCase();
    for (let i = 0; i + run <= upper.length; i++) {
      const piece = upper.slice(i, i + run);
      if (haystack.includes(piece)) {
        found.push(`${where}: "${piece}"`);
        break;
      }
    }
  }
  expect(found, `secret runs of ${run}+ characters found ${label}`).toEqual([]);
}
