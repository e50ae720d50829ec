// The inventory view (#/inventory): which list the access token may read, the v1 form with every
// filter, v2 paging with a failure in the middle and a resume, the virtualised table at 100,000
// tokens, sorting, filtering, each audit finding and the chart's filters, both exports, a row's
// card, axe-core in light and dark, keyboard use, and no secret anywhere it could leak.
//
// Environments (e2e/playwright.config.mjs): PORTS.tokens has 1,000 generated tokens besides the
// demo ones, PORTS.big 100,000. Faults are switched through the sandbox's control API.
import { test, expect } from "@playwright/test";
import fs from "node:fs";
import { PORTS, ADMIN_TOKEN, ADMIN_SECRET, EXAMPLE_TOKEN, EXAMPLE_SECRET, EXAMPLE_ID, BIG_TOKENS } from "./env.mjs";
import { expectNoAxeViolations, expectNoSecretRun, failOnCspViolations, cspViolations, recordConsole } from "./helpers.mjs";

const TOKENS = `http://127.0.0.1:${PORTS.tokens}`;
const BIG = `http://127.0.0.1:${PORTS.big}`;
const SLOW = `http://127.0.0.1:${PORTS.slow}`;
const CONTROL = { headers: { Authorization: `Api-Token ${ADMIN_TOKEN}` } };
// The sandbox's legacy token: TenantTokenManagement only among the list scopes.
const LEGACY = "SANDBOXLEGACYTOKEN222";
const SHOTS = new URL("../docs/screenshots", import.meta.url).pathname;

async function openInventory(page, environment, accessToken) {
  await failOnCspViolations(page);
  await page.goto("/#/inventory");
  await expect(page.getByRole("heading", { name: "Which lists" })).toBeVisible();
  await page.getByLabel("Environment URL").fill(environment);
  await page.getByLabel("Access token", { exact: true }).fill(accessToken);
  await page.getByRole("button", { name: "Check access" }).click();
}

async function load(page) {
  await page.getByRole("button", { name: "Load tokens" }).click();
  await expect(page.getByTestId("progress-words")).toContainText("All loaded.", { timeout: 150_000 });
}

/** The count line: [shown, loaded]. */
async function counts(page) {
  const text = await page.getByTestId("inventory-count").innerText();
  const [, shown, loaded] = text.match(/Showing ([\d,]+) of ([\d,]+) tokens/);
  return [Number(shown.replaceAll(",", "")), Number(loaded.replaceAll(",", ""))];
}

const rows = (page) => page.locator("[data-testid=inventory-table] tbody tr:not(.dtc-inv-pad)");
const column = async (page, n) => rows(page).locator(`td:nth-child(${n})`).allInnerTexts();

test.afterEach(async ({ request }) => {
  for (const base of [TOKENS, BIG, SLOW]) {
    expect((await request.delete(`${base}/_sandbox/fault`, CONTROL)).ok()).toBe(true);
  }
});

test("the nav leads to the inventory and back; the checker's links still work", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByLabel("Token to check")).toBeVisible();
  await page.getByRole("link", { name: "Inventory" }).click();
  await expect(page).toHaveURL(/#\/inventory$/);
  await expect(page.getByRole("link", { name: "Inventory" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByLabel("Token to check")).toHaveCount(0);
  await page.getByRole("link", { name: "Check a token" }).click();
  await expect(page.getByLabel("Token to check")).toBeVisible();
  await page.goto("/#id=dt0c01.ST2EY72KQINMH574WMNVI7YN");
  await expect(page.getByLabel("Token to check")).toHaveValue("dt0c01.ST2EY72KQINMH574WMNVI7YN");
  await page.getByRole("link", { name: "Scan text" }).click();
  await expect(page).toHaveURL(/#\/scan$/);
});

test("which list: v2 where the access token may, v1 where only v1, none with the scopes named", async ({ page }) => {
  await openInventory(page, TOKENS, ADMIN_TOKEN);
  const lists = page.getByTestId("lists");
  for (const list of ["v2", "v1", "activegate"]) {
    await expect(lists.locator(`[data-list=${list}]`)).toHaveAttribute("data-can", "true");
  }
  await expect(page.locator("[data-testid=inventory-form] [data-list=v2]")).toBeVisible();

  await page.getByLabel("Access token", { exact: true }).fill(LEGACY);
  await page.getByRole("button", { name: "Check access" }).click();
  await expect(lists.locator("[data-list=v1]")).toHaveAttribute("data-can", "true");
  await expect(lists.locator("[data-list=v2]")).toContainText("needs the apiTokens.read scope");
  await expect(lists.locator("[data-list=activegate]")).toContainText("needs the activeGateTokenManagement.read scope");
  await expect(page.locator("[data-testid=inventory-form] [data-list=v1]")).toBeVisible();
  await expect(page.getByRole("radio")).toHaveCount(0);

  await page.getByLabel("Access token", { exact: true }).fill(EXAMPLE_TOKEN);
  await page.getByRole("button", { name: "Check access" }).click();
  for (const [list, scope] of [["v2", "apiTokens.read"], ["v1", "TenantTokenManagement"], ["activegate", "activeGateTokenManagement.read"]]) {
    await expect(lists.locator(`[data-list=${list}]`)).toContainText(`needs the ${scope} scope`);
  }
  await page.getByRole("button", { name: "Load tokens" }).click();
  await expect(page.getByRole("alert")).toContainText("can read none of the token lists");
  await expect(page.getByTestId("inventory-table")).toHaveCount(0);
});

test("the v1 list with every filter, then each token's details with a progress bar", async ({ page }) => {
  await openInventory(page, TOKENS, ADMIN_TOKEN);
  await page.getByRole("radio", { name: /v1/ }).check();
  await page.getByLabel("User (owner)").fill("john.smith");
  await page.getByLabel("Permissions (scopes)").selectOption(["metrics.read"]);
  await page.getByLabel("Used from").fill("2000-01-01");
  await page.getByLabel("Used until").fill("2100-12-31");
  await page.getByLabel("Limit").fill("25");
  const listed = page.waitForRequest((r) => r.url().includes("/api/v1/tokens?"));
  await page.getByRole("button", { name: "Load tokens" }).click();
  const url = new URL((await listed).url());
  await expect(page.getByTestId("progress-words")).toContainText(/\d+ of \d+ tokens|All loaded/);
  expect(url.searchParams.get("user")).toBe("john.smith");
  expect(url.searchParams.getAll("permissions")).toEqual(["metrics.read"]);
  expect(url.searchParams.get("from")).toBe(String(Date.UTC(2000, 0, 1)));
  expect(url.searchParams.get("to")).toBe(String(Date.UTC(2100, 11, 31) + 86_400_000 - 1));
  expect(url.searchParams.get("limit")).toBe("25");
  await expect(page.getByTestId("progress-words")).toContainText("All loaded.", { timeout: 30_000 });
  // The v1 rows (ActiveGate tokens follow them, the admin token may read those too).
  await page.locator('button[data-filter="v1"]').click();
  const [loaded] = await counts(page);
  expect(loaded).toBeGreaterThan(0);
  expect(loaded).toBeLessThanOrEqual(25);
  // Every row came through GET /api/v1/tokens/{id}: owners and scopes are there, all john.smith's.
  expect(new Set(await column(page, 4))).toEqual(new Set(["john.smith"]));
  for (const kind of await column(page, 1)) expect(kind).toBe("API token (v1)");
});

test("v1 only: the legacy access token reads the v1 list, every token's details four at a time", async ({ page, request }) => {
  // The slow environment: each answer after 100 ms, so the details overlap.
  await openInventory(page, SLOW, LEGACY);
  await page.getByLabel("Limit").fill("40");
  expect((await request.delete(`${SLOW}/_sandbox/load`, CONTROL)).ok()).toBe(true);
  await load(page);
  const [, loaded] = await counts(page);
  expect(loaded).toBe(40);
  // Four at a time as the environment saw them: a call counts until its answer is ready (the
  // pool frees its place once the answer's head is in, while the body is read).
  const seen = await (await request.get(`${SLOW}/_sandbox/load`, CONTROL)).json();
  expect(seen.mostAtOnce).toBe(4);
  // The v1 list and 40 details (this access token may not read the ActiveGate list).
  expect(seen.requests).toBe(41);
  for (const kind of await column(page, 1)) expect(kind).toBe("API token (v1)");
  // A row's card is read the way the row was, through v1: this access token may not read v2.
  const v2 = [];
  page.on("request", (r) => r.url().includes("/api/v2/apiTokens/") && v2.push(r.url()));
  const name = (await column(page, 2))[0];
  const read = page.waitForRequest((r) => /\/api\/v1\/tokens\/[^?]/.test(r.url()));
  await rows(page).first().getByRole("button").click();
  await read;
  const card = page.getByTestId("inventory-card");
  await expect(card.getByTestId("token-name")).toHaveText(name);
  await expect(card.getByRole("alert")).toHaveCount(0);
  expect(v2).toEqual([]);
});

test("v2 paging: a failed page says which and why, keeps what loaded, and resumes", async ({ page, request }) => {
  test.setTimeout(180_000);
  await openInventory(page, BIG, ADMIN_TOKEN);
  await expect(page.getByTestId("lists")).toBeVisible();
  // The look-up was request 1 since the fault is set; pages 1 and 2 pass, page 3 fails once.
  const set = await request.put(`${BIG}/_sandbox/fault`, { ...CONTROL, data: { kind: "server-error", times: 1, every: 3 } });
  expect(set.ok()).toBe(true);
  await page.getByRole("button", { name: "Load tokens" }).click();
  const error = page.getByTestId("load-error");
  await expect(error).toContainText("Page 3 of API tokens (v2) failed");
  await expect(error).toContainText("500");
  expect((await counts(page))[1]).toBe(4000);
  await expect(page.getByTestId("progress-words")).toContainText("Page 2 · 4,000 of");
  await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("progress-words")).toContainText("All loaded.", { timeout: 150_000 });
  expect((await counts(page))[1]).toBeGreaterThanOrEqual(BIG_TOKENS);
});

test("after an edit of the environment, Resume and Load never send the old access token to the old environment", async ({ page, request }) => {
  test.setTimeout(180_000);
  await openInventory(page, BIG, ADMIN_TOKEN);
  await expect(page.getByTestId("lists")).toBeVisible();
  // Page 3 fails once: the load waits with a Resume that would go on against BIG.
  const set = await request.put(`${BIG}/_sandbox/fault`, { ...CONTROL, data: { kind: "server-error", times: 1, every: 3 } });
  expect(set.ok()).toBe(true);
  await page.getByRole("button", { name: "Load tokens" }).click();
  await expect(page.getByTestId("load-error")).toContainText("Page 3 of API tokens (v2) failed");
  await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
  const sent = [];
  page.on("request", (r) => sent.push({ url: r.url(), auth: r.headers()["authorization"] ?? "" }));
  await page.getByLabel("Environment URL").fill(TOKENS);
  // The old load cannot go on: its client holds BIG and the old token.
  await expect(page.getByRole("button", { name: "Resume" })).toHaveCount(0);
  await expect(page.getByTestId("progress-words")).toContainText("load the tokens again to go on");
  expect((await counts(page))[1]).toBe(4000);
  await page.getByRole("button", { name: "Check access" }).click();
  await load(page);
  expect((await counts(page))[1]).toBeLessThan(BIG_TOKENS);
  expect(sent.some((r) => r.url.startsWith(TOKENS))).toBe(true);
  expect(sent.filter((r) => r.url.startsWith(BIG))).toEqual([]);
  expect(sent.filter((r) => !r.url.startsWith(TOKENS) && r.auth.includes(ADMIN_TOKEN))).toEqual([]);
});

test("stop and resume while pages load", async ({ page }) => {
  test.setTimeout(180_000);
  await openInventory(page, BIG, ADMIN_TOKEN);
  await page.getByRole("button", { name: "Load tokens" }).click();
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("progress-words")).toContainText("Stopped. What loaded is kept.");
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
  const kept = Number((await page.getByTestId("progress-words").innerText()).match(/· ([\d,]+) (of|tokens)/)[1].replaceAll(",", ""));
  expect(kept).toBeLessThan(BIG_TOKENS);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("progress-words")).toContainText("All loaded.", { timeout: 150_000 });
  expect((await counts(page))[1]).toBeGreaterThanOrEqual(BIG_TOKENS);
});

test("100,000 tokens: the DOM holds only the rows in view", async ({ page }) => {
  test.setTimeout(180_000);
  await openInventory(page, BIG, ADMIN_TOKEN);
  await load(page);
  const [shown, loaded] = await counts(page);
  expect(loaded).toBeGreaterThanOrEqual(BIG_TOKENS);
  expect(shown).toBe(loaded);
  expect(await rows(page).count()).toBeLessThanOrEqual(200);
  expect(await page.locator("tr").count()).toBeLessThanOrEqual(200);
  const table = page.getByTestId("inventory-table");
  await expect(table).toHaveAttribute("aria-rowcount", String(loaded + 1));
  // Scrolled to the end, the last row is drawn, still with a small DOM.
  await page.locator(".dtc-inv-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(rows(page).last()).toHaveAttribute("aria-rowindex", String(loaded + 1));
  expect(await rows(page).count()).toBeLessThanOrEqual(200);
});

test.describe("the table over 1,000 tokens", () => {
  test.beforeEach(async ({ page }) => {
    await openInventory(page, TOKENS, ADMIN_TOKEN);
    await load(page);
  });

  test("sorting by any column, both ways", async ({ page }) => {
    await page.getByRole("button", { name: "Name", exact: true }).click();
    await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
    await expect(page).toHaveURL(/sort=name/);
    const up = await column(page, 2);
    const fold = (s) => s.toLowerCase();
    expect(up.map(fold)).toEqual([...up].map(fold).sort());
    await page.getByRole("button", { name: "Name", exact: true }).click();
    await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");
    await expect(page).toHaveURL(/sort=-name/);
    const down = await column(page, 2);
    expect(down.map(fold)).toEqual([...down].map(fold).sort().reverse());
    for (const label of ["Kind", "ID", "Owner", "Enabled", "Personal", "Created", "Last used", "Expires", "Scopes", "Riskiest scope", "Findings"]) {
      await page.getByRole("button", { name: label, exact: true }).click();
      await expect(page.getByRole("columnheader", { name: label })).toHaveAttribute("aria-sort", "ascending");
    }
  });

  test("the free-text filter: typed text never reaches the address, a token ID does", async ({ page }) => {
    const [, all] = await counts(page);
    const filter = page.getByLabel("Filter by name, ID or owner");
    const hash = await page.evaluate(() => location.hash);
    await page.evaluate(() => {
      window.__addresses = [];
      const replace = history.replaceState.bind(history);
      history.replaceState = (state, title, url) => {
        window.__addresses.push(String(url));
        return replace(state, title, url);
      };
    });
    // Any typed text may be a secret (a password is not token-shaped): it filters, and stays
    // out of the address even once committed (Enter, or leaving the field).
    for (const typed of ["jane.doe", "Pa$$w0rd!"]) {
      await filter.fill("");
      await filter.pressSequentially(typed);
      await filter.press("Enter");
      await filter.blur();
      await expect(page.getByTestId("inventory-count")).toContainText("not kept in the address");
      expect(await page.evaluate(() => location.hash)).toBe(hash);
    }
    await filter.fill("jane.doe");
    await expect.poll(async () => (await counts(page))[0]).toBeLessThan(all);
    for (const owner of await column(page, 4)) expect(owner).toBe("jane.doe");
    // A full token typed there finds its row (by its ID), and is never in the address, not
    // even in part.
    await filter.fill("");
    await filter.pressSequentially(EXAMPLE_TOKEN);
    await filter.press("Enter");
    await expect.poll(async () => (await counts(page))[0]).toBe(1);
    await expect(page.getByTestId("inventory-count")).toContainText("not kept in the address");
    expect(page.url()).not.toContain(EXAMPLE_SECRET.slice(0, 8));
    for (const address of await page.evaluate(() => window.__addresses)) {
      expect(address).not.toContain("dt0c01");
      expect(address).not.toContain("jane");
      expect(address).not.toContain("w0rd");
    }
    // A token ID (public) is kept in its normal form, and a shared link opens the same view.
    await filter.fill("");
    await filter.pressSequentially(` ${EXAMPLE_ID} `);
    await filter.press("Enter");
    await expect(page).toHaveURL(new RegExp(`q=${EXAMPLE_ID}`));
    await expect(page.getByTestId("inventory-count")).not.toContainText("not kept in the address");
    const [shown] = await counts(page);
    expect(shown).toBe(1);
    const link = page.url();
    await page.goto("about:blank");
    await page.goto(link);
    await page.getByLabel("Environment URL").fill(TOKENS);
    await page.getByLabel("Access token", { exact: true }).fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Check access" }).click();
    await load(page);
    await expect(page.getByLabel("Filter by name, ID or owner")).toHaveValue(EXAMPLE_ID);
    expect((await counts(page))[0]).toBe(1);
  });

  test("each audit finding and each chart bar filters the table", async ({ page }) => {
    const [, all] = await counts(page);
    const bars = page.getByTestId("inventory-summary").locator("button[data-filter]");
    const keys = await bars.evaluateAll((bs) => bs.map((b) => b.dataset.filter));
    const findings = ["disabled", "expired", "expires-soon", "never-expires", "never-used", "unused", "personal-critical", "risky-scopes", "crowded-owner"];
    for (const key of findings) expect(keys).toContain(key);
    for (const key of keys) {
      const bar = page.locator(`button[data-filter="${key}"]`);
      const expected = Number((await bar.locator(".dtc-bar-count").innerText()).replaceAll(",", ""));
      await bar.click();
      await expect(bar).toHaveAttribute("aria-pressed", "true");
      const [shown] = await counts(page);
      expect(shown, key).toBe(expected);
      if (findings.includes(key)) {
        expect(shown, `the sandbox has tokens with ${key}`).toBeGreaterThan(0);
        const title = (await bar.getAttribute("title")) ?? "";
        expect(title.length).toBeGreaterThan(0);
        const label = await bar.locator(".dtc-bar-label").innerText();
        for (const cell of await rows(page).locator("td:nth-child(12)").evaluateAll((cs) => cs.map((c) => c.title))) {
          expect(cell).toContain(label);
        }
        await expect(page).toHaveURL(new RegExp(`finding=${key}`));
      } else if (["v2", "v1", "activegate"].includes(key)) {
        const label = await bar.locator(".dtc-bar-label").innerText();
        for (const kind of await column(page, 1)) expect(kind).toBe(label);
      } else if (shown > 0) {
        const label = await bar.locator(".dtc-bar-label").innerText();
        for (const risk of await column(page, 11)) expect(risk).toBe(label);
      }
      await bar.click();
      await expect(bar).toHaveAttribute("aria-pressed", "false");
      expect((await counts(page))[0]).toBe(all);
    }
  });

  test("exports of the visible rows and of their findings, with no secret in them", async ({ page }) => {
    await page.getByLabel("Filter by name, ID or owner").fill("platform-team");
    const [shown] = await counts(page);
    expect(shown).toBeGreaterThan(0);
    const save = async (name) => {
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name }).click();
      const d = await download;
      return { name: d.suggestedFilename(), text: fs.readFileSync(await d.path(), "utf8") };
    };
    const csv = await save("Export rows (CSV)");
    expect(csv.name).toMatch(/^dt-tokens-127-0-0-1-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.text.trim().split(/\r\n/);
    expect(lines.length).toBe(shown + 1);
    expect(lines[0].toLowerCase()).toContain("name");
    for (const line of lines.slice(1)) expect(line).toContain("platform-team");
    const json = await save("Export rows (JSON)");
    expect(json.name).toMatch(/\.json$/);
    expect(JSON.parse(json.text)).toHaveLength(shown);
    const findingsCsv = await save("Export findings (CSV)");
    expect(findingsCsv.name).toMatch(/^dt-findings-/);
    expect(findingsCsv.text.split(/\r\n/).length).toBeGreaterThan(1);
    const findingsJson = JSON.parse((await save("Export findings (JSON)")).text);
    expect(findingsJson.length).toBeGreaterThan(0);
    for (const file of [csv, json, findingsCsv]) {
      expect(file.text).not.toContain(ADMIN_SECRET.slice(0, 12));
      expect(file.text).not.toContain(EXAMPLE_SECRET.slice(0, 12));
    }
  });

  test("a row opens the token's card, looked up by ID", async ({ page }) => {
    await page.getByLabel("Filter by name, ID or owner").fill("dt0c01.ST2EY72KQINMH574WMNVI7YN");
    await expect(rows(page)).toHaveCount(1);
    await rows(page).first().getByRole("button").click();
    const card = page.getByTestId("inventory-card");
    await expect(card.getByTestId("token-name")).toHaveText("myToken");
    await expect(card).toContainText("metrics.read");
    await card.getByRole("button", { name: "Close card" }).click();
    await expect(card).toHaveCount(0);
  });

  test("keyboard only: filter, sort and open a card", async ({ page }) => {
    await page.getByLabel("Filter by name, ID or owner").focus();
    await page.keyboard.type("dt0c01.ST2EY72KQINMH574WMNVI7YN");
    await expect(rows(page)).toHaveCount(1);
    const header = page.getByRole("button", { name: "Owner", exact: true });
    await header.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("columnheader", { name: "Owner" })).toHaveAttribute("aria-sort", "ascending");
    await rows(page).first().getByRole("button").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("inventory-card").getByTestId("token-name")).toHaveText("myToken");
  });

  test("accessible in light and dark, and the access token leaks nowhere", async ({ page }) => {
    const messages = recordConsole(page);
    await expectNoAxeViolations(page, "inventory loaded");
    await page.screenshot({ path: `${SHOTS}/inventory-light.png`, fullPage: true });
    await page.getByRole("button", { name: "Dark mode" }).click();
    await expect(page.locator(".dtc")).toHaveAttribute("data-theme", "dark");
    await expectNoAxeViolations(page, "inventory loaded, dark");
    await page.screenshot({ path: `${SHOTS}/inventory-dark.png`, fullPage: false });
    // The secret's distinctive part: its tail of 2s also occurs in the admin token's public ID,
    // which the table shows (an ID is not a secret).
    await expectNoSecretRun(page, ADMIN_SECRET.slice(0, 20), messages);
    expect(await cspViolations(page)).toEqual([]);
  });
});
