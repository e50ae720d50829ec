// The inventory and the scan are wasm modules of their own, loaded when first opened
// (src/views/lazy.rs): the checker's page never downloads them, opening a view downloads its
// module then (and only its own), opening it again reuses it, and a module that does not arrive
// or does not start gets a specific message with a Retry, while the rest of the page works.
// Service workers are blocked here, so that every request seen is the page's own (the worker
// precaches the modules after a first visit; e2e/offline.spec.mjs tests that).
import { test, expect } from "@playwright/test";
import { EXAMPLE_TOKEN, PORTS, ADMIN_TOKEN } from "./env.mjs";
import { failOnCspViolations, cspViolations, paste } from "./helpers.mjs";

test.use({ serviceWorkers: "block" });

const MODULE = /\/(dt-inventory|dt-scan)(_bg\.wasm|\.js)(\?.*)?$/;

/** Every module file the page requests from now on, as `dt-inventory.js`, `dt-scan_bg.wasm`, .... */
function moduleRequests(page) {
  const seen = [];
  page.on("request", (r) => {
    const m = new URL(r.url()).pathname.match(MODULE);
    if (m) seen.push(`${m[1]}${m[2]}`);
  });
  return seen;
}

test("#/ loads no view module; opening a view loads its own module, once", async ({ page }) => {
  await failOnCspViolations(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const seen = moduleRequests(page);
  await page.goto("/");
  await expect(page.getByLabel("Token to check")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(seen, "the checker's page downloads no view module").toEqual([]);

  await page.getByRole("link", { name: "Inventory" }).click();
  await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
  expect(seen.sort()).toEqual(["dt-inventory.js", "dt-inventory_bg.wasm"]);

  // Away and back: the same module shows a new view (its fields empty), and its events work.
  await page.getByLabel("Access token", { exact: true }).fill("not a token");
  await page.getByRole("link", { name: "Check a token" }).click();
  await paste(page, EXAMPLE_TOKEN);
  await expect(page.getByTestId("anatomy").getByTestId("token-kind")).toHaveText("API token");
  await page.getByRole("link", { name: "Inventory" }).click();
  await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
  await expect(page.getByLabel("Access token", { exact: true })).toHaveValue("");
  // Typing reaches the module's view: it reads the environment as it is typed.
  await page.getByLabel("Environment URL").fill("https://abc12345.live.dynatrace.com");
  await expect(page.getByText("environment abc12345")).toBeVisible();
  expect(seen.length, "opening the inventory again downloads nothing").toBe(2);

  await page.getByRole("link", { name: "Scan text" }).click();
  await expect(page.getByLabel("Text to scan")).toBeVisible();
  await page.getByLabel("Text to scan").fill(`DT_API_TOKEN=${EXAMPLE_TOKEN}\n`);
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  await expect(page.getByTestId("scan-progress")).toContainText("1 token found");
  expect(seen.sort()).toEqual(["dt-inventory.js", "dt-inventory_bg.wasm", "dt-scan.js", "dt-scan_bg.wasm"]);
  expect(await cspViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test("an event in a view module reaches the module's listeners only, and the page's own still work", async ({ page }) => {
  await failOnCspViolations(page);
  await page.goto("/#/inventory");
  await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
  const theme = page.locator(".dtc");
  await expect(theme).toHaveAttribute("data-theme", "light");
  await page.getByLabel("Environment URL").fill(`http://127.0.0.1:${PORTS.tokens}`);
  await page.getByLabel("Access token", { exact: true }).fill(ADMIN_TOKEN);
  // With the page's and the module's Yew trees under one id, this click also ran the page's
  // listener with the same listener id, its theme toggle (src/views/module.rs).
  await page.getByRole("button", { name: "Check access" }).click();
  await expect(page.getByRole("button", { name: "Load tokens" })).toBeVisible();
  await expect(theme).toHaveAttribute("data-theme", "light");
  await page.getByRole("button", { name: "Dark mode" }).click();
  await expect(theme).toHaveAttribute("data-theme", "dark");
  await page.getByRole("button", { name: "Load tokens" }).click();
  await expect(page.getByTestId("progress-words")).toContainText("All loaded.", { timeout: 60_000 });
  await expect(theme).toHaveAttribute("data-theme", "dark");
  expect(await cspViolations(page)).toEqual([]);
});

test("a module that does not download or does not start: a specific message, Retry, and the checker still works", async ({ page }) => {
  await failOnCspViolations(page);
  // The server has no inventory module (a 404 page instead).
  await page.route(/\/dt-inventory\.js(\?.*)?$/, (route) => route.fulfill({ status: 404, contentType: "text/html", body: "<h1>Not found</h1>" }));
  await page.goto("/#/inventory");
  const error = page.getByTestId("view-load-error");
  await expect(error).toContainText("The inventory could not be loaded");
  await expect(error).toContainText("Its code (dt-inventory.js) did not download");
  await expect(page.getByRole("status")).toHaveCount(0);

  // The rest of the page works meanwhile.
  await page.getByRole("link", { name: "Check a token" }).click();
  await paste(page, EXAMPLE_TOKEN);
  await expect(page.getByTestId("anatomy").getByTestId("token-kind")).toHaveText("API token");

  // Back, the server has it again: Retry loads the view.
  await page.getByRole("link", { name: "Inventory" }).click();
  await expect(error).toContainText("The inventory could not be loaded");
  await page.unroute(/\/dt-inventory\.js(\?.*)?$/);
  await error.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
  await expect(error).toHaveCount(0);

  // The scan's .wasm answered by an HTML page: it arrives but cannot start.
  await page.route(/\/dt-scan_bg\.wasm$/, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><p>Login</p>" }));
  await page.getByRole("link", { name: "Scan text" }).click();
  await expect(error).toContainText("The scan could not start");
  await expect(error).toContainText("dt-scan_bg.wasm");
  await page.unroute(/\/dt-scan_bg\.wasm$/);
  await error.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByLabel("Text to scan")).toBeVisible();
  expect(await cspViolations(page)).toEqual([]);
});

test("offline with no copy of the module: the message says so", async ({ page, context }) => {
  await page.goto("/");
  await expect(page.getByLabel("Token to check")).toBeVisible();
  await context.setOffline(true);
  try {
    await page.getByRole("link", { name: "Inventory" }).click();
    const error = page.getByTestId("view-load-error");
    await expect(error).toContainText("The browser is offline");
    await context.setOffline(false);
    await error.getByRole("button", { name: "Retry" }).click();
    await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
