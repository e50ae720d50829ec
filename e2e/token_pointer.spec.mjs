// Issue 10, items 3 and 7 through the built page: the parse-error pointer never shows a secret,
// whatever is wrong with the token, and the JS API's positions are JavaScript's (UTF-16 units).
import { test, expect } from "@playwright/test";
import { EXAMPLE_ID, EXAMPLE_SECRET } from "./env.mjs";
import { open, paste, leakSurfaces } from "./helpers.mjs";

const PUBLIC = EXAMPLE_ID.split(".")[1];

/** Every run of 8 characters of `secret` that `text` contains. */
function runsOf(secret, text) {
  const runs = [];
  for (let i = 0; i + 8 <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + 8))) runs.push(secret.slice(i, i + 8));
  }
  return runs;
}

const DAMAGED = {
  "a hyphen before the secret": `dt0c01.${PUBLIC}-${EXAMPLE_SECRET}`,
  "a space before the secret": `dt0c01.${PUBLIC} ${EXAMPLE_SECRET}`,
  "a full-width dot before the secret": `dt0c01.${PUBLIC}．${EXAMPLE_SECRET}`,
  "full-width dots throughout": `dt0c01．${PUBLIC}．${EXAMPLE_SECRET}`,
  "a no-break space before the secret": `dt0c01.${PUBLIC}\u00A0${EXAMPLE_SECRET}`,
  "a lost separator": `dt0c01.${PUBLIC}${EXAMPLE_SECRET}`,
  "a secret cut short": `dt0c01.${PUBLIC}.${EXAMPLE_SECRET.slice(0, 63)}`,
  "a secret one too long": `dt0c01.${PUBLIC}.${EXAMPLE_SECRET}Q`,
  "a Cyrillic letter in the secret": `dt0c01.${PUBLIC}.${EXAMPLE_SECRET.slice(0, 20)}О${EXAMPLE_SECRET.slice(21)}`,
  "a zero-width space in the secret": `dt0c01.${PUBLIC}.${EXAMPLE_SECRET.slice(0, 30)}\u200B${EXAMPLE_SECRET.slice(30)}`,
  "a bare secret with a stray character": `${EXAMPLE_SECRET.slice(0, 40)}!`,
};

for (const [name, token] of Object.entries(DAMAGED)) {
  test(`the error pointer shows no secret: ${name}`, async ({ page }) => {
    await open(page);
    await paste(page, token);
    const error = page.getByTestId("parse-error");
    await expect(error).toBeVisible();
    const surfaces = await leakSurfaces(page);
    const secret = name.startsWith("a bare secret") ? token.slice(0, 40) : EXAMPLE_SECRET;
    for (const [where, text] of Object.entries(surfaces)) {
      expect(runsOf(secret, text), `secret characters in ${where}`).toEqual([]);
    }
  });
}

test("a wrong separator is marked, with the public part before it", async ({ page }) => {
  await open(page);
  await paste(page, `dt0c01.${PUBLIC}-${EXAMPLE_SECRET}`);
  const pointer = page.locator(".dtc-pointer");
  await expect(pointer.locator(".dtc-mark")).toHaveText("-");
  await expect(pointer).toContainText(`${PUBLIC}-••••••••`);
});

test("scanText offsets are UTF-16 units: slicing them redacts the whole token", async ({ page }) => {
  await open(page);
  const result = await page.evaluate(({ id, secret }) => {
    const token = `${id}.${secret}`;
    const text = `\uFEFFé 日本語 😀🎉\r\nDT_API_TOKEN=${token}\r\n𝄞 again ${token}`;
    const [finding] = window.wasmBindings.scanText(text);
    const slice = text.slice(finding.offset, finding.offset + finding.length);
    const redacted = text.slice(0, finding.offset) + "[REDACTED]" + text.slice(finding.offset + finding.length);
    return { slice, token, redacted, column: finding.column, line: finding.line };
  }, { id: EXAMPLE_ID, secret: EXAMPLE_SECRET });
  expect(result.slice).toBe(result.token);
  expect(result.line).toBe(2);
  expect(result.column).toBe("DT_API_TOKEN=".length + 1);
  expect(runsOf(EXAMPLE_SECRET, result.redacted.split("\r\n").slice(0, 2).join("\n"))).toEqual([]);
});
