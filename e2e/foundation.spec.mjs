// The walking skeleton: the documented example token, parsed locally and looked up.
import { test, expect } from "@playwright/test";
import { EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET } from "./env.mjs";
import { open, paste, checkButton, leakSurfaces } from "./helpers.mjs";

test("the page loads with no console errors", async ({ page }) => {
  const problems = await open(page);
  await expect(page.getByRole("heading", { name: "Dynatrace token checker" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("the documented example token is parsed locally, looked up, and shown as a card", async ({ page }) => {
  const problems = await open(page);
  const requests = [];
  page.on("request", (r) => requests.push(r));

  await paste(page, EXAMPLE_TOKEN);
  const anatomy = page.getByTestId("anatomy");
  await expect(anatomy.getByTestId("token-kind")).toHaveText("API token");
  await expect(anatomy.getByTestId("token-parts")).toContainText(EXAMPLE_ID);
  await expect(anatomy.getByTestId("token-parts")).toContainText("••••");
  await expect(anatomy).not.toContainText(EXAMPLE_SECRET);
  // Parsing is local: nothing was sent yet.
  expect(requests.filter((r) => r.url().includes("/api/"))).toEqual([]);

  await checkButton(page).click();
  const card = page.getByTestId("token-card");
  await expect(card.getByTestId("token-name")).toHaveText("myToken");
  await expect(card.getByTestId("token-id")).toHaveText(EXAMPLE_ID);
  await expect(card).toContainText("john.smith");
  await expect(card.locator('[data-scope="metrics.read"]')).toBeVisible();
  await expect(page.getByTestId("status-line")).toContainText("Active");

  // Exactly one call, to the chosen environment (this page's own server), the lookup endpoint.
  const api = requests.filter((r) => r.url().includes("/api/"));
  expect(api.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(["POST /api/v2/apiTokens/lookup"]);

  const surfaces = await leakSurfaces(page);
  for (const [where, text] of Object.entries(surfaces)) {
    expect(text.includes(EXAMPLE_SECRET), `secret found in ${where}`).toBe(false);
  }
  await page.screenshot({ path: new URL("../docs/screenshots/checker-loaded.png", import.meta.url).pathname, fullPage: true });
  expect(problems).toEqual([]);
});
