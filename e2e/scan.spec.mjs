// The scan view (#/scan, issue 12): paste and files (several, one gzipped, tokens split across
// the pieces the scanner is fed), progress and cancel, environment suggestions and their
// confirmation, every status (active, each inactive and unknown reason), 429s, pause and resume,
// the exports and the summary (content checked, no secret), axe in light and dark, keyboard use.
//
// Environments other than the page's own are Playwright routes: `https://<name>.live.dynatrace.com`
// answered by the test (forwarded to the CORS sandbox, or failing in one way each), so that
// nothing leaves this machine and each unknown reason has a cause of its own.
import { test, expect } from "@playwright/test";
import { gzipSync } from "node:zlib";
import { randomInt } from "node:crypto";
import { PORTS, EXAMPLE_TOKEN, EXAMPLE_ID, EXAMPLE_SECRET, ADMIN_TOKEN } from "./env.mjs";
import { failOnCspViolations, leakSurfaces, expectNoAxeViolations, recordConsole } from "./helpers.mjs";

const SHOTS = new URL("../docs/screenshots", import.meta.url).pathname;
const APP = `http://127.0.0.1:${PORTS.app}`;
const CORS = `http://127.0.0.1:${PORTS.cors}`;
const CONTROL = { headers: { Authorization: `Api-Token ${ADMIN_TOKEN}` } };

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function random(n) {
  let out = "";
  for (let i = 0; i < n; i++) out += B32[randomInt(32)];
  return out;
}
/** A well-formed API token no environment knows. */
const fresh = () => `dt0c01.${random(24)}.${random(64)}`;
const idOf = (token) => token.split(".").slice(0, 2).join(".");
const masked = (token) => `${idOf(token)}.••••••••`;

async function sandboxTokens(request) {
  const res = await request.get(`${APP}/_sandbox/tokens`, CONTROL);
  expect(res.ok()).toBe(true);
  return res.json();
}
async function demo(request, name) {
  const token = (await sandboxTokens(request)).find((t) => t.name === name);
  expect(token, `sandbox token ${name}`).toBeTruthy();
  return token.token;
}
async function fault(request, kind, extra = {}) {
  const res = await request.put(`${APP}/_sandbox/fault`, { ...CONTROL, data: { kind, ...extra } });
  expect(res.ok()).toBe(true);
}

test.afterEach(async ({ request }) => {
  expect((await request.delete(`${APP}/_sandbox/fault`, CONTROL)).ok()).toBe(true);
});

/** Opens the scan view; `piece` makes the scanner take its input in pieces of that many bytes. */
async function openScan(page, { piece } = {}) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  await failOnCspViolations(page);
  if (piece) await page.addInitScript((n) => (window.dtScanPiece = n), piece);
  await page.goto("/#/scan");
  await expect(page.getByLabel("Text to scan")).toBeVisible();
  return problems;
}

async function scan(page) {
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  await expect(page.getByTestId("scan-progress")).toContainText("Scan done");
}

const rows = (page) => page.getByTestId("scan-row");
const rowOf = (page, token) => rows(page).filter({ hasText: masked(token) });

/** Every surface a secret could leak to, the scan's own text field included (a scan empties it). */
async function expectNoSecret(page, secrets, consoleMessages = []) {
  const surfaces = await leakSurfaces(page);
  surfaces.inputs = await page.evaluate(() =>
    [...document.querySelectorAll("input, textarea")]
      .filter((el) => !/access-token$|token$/.test(el.id))
      .map((el) => `${el.id}=${el.value}`)
      .join("\n"),
  );
  surfaces.console = consoleMessages.join("\n");
  // Every run of 8 characters of each secret part, not only its start: a mask that showed the
  // tail, or a text quoting the middle, is a leak too.
  // (The sandbox's demo secrets are words padded with 2s, like their IDs: a run that is also
  // in the token's own ID, which is safe to show, proves nothing.)
  for (const secret of secrets) {
    const [, id, part] = secret.toUpperCase().split(".");
    for (const [where, text] of Object.entries(surfaces)) {
      const haystack = String(text).toUpperCase();
      for (let i = 0; i + 8 <= part.length; i++) {
        if (id.includes(part.slice(i, i + 8))) continue;
        const at = haystack.indexOf(part.slice(i, i + 8));
        expect(at, `a secret in ${where} (characters ${i}-${i + 7})`).toBe(-1);
      }
    }
  }
}

/** Environments answered by the test: `name` -> how (forward to the CORS sandbox, or fail). */
async function environments(page, hows) {
  const seen = [];
  await page.route(/^https:\/\/[a-z0-9]+\.live\.dynatrace\.com\//, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const name = url.hostname.split(".")[0];
    seen.push(`${request.method()} ${name}`);
    const cors = {
      "access-control-allow-origin": APP,
      "access-control-allow-headers": "authorization, content-type",
      "access-control-allow-methods": "GET, POST",
    };
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
    switch (hows[name]) {
      case "forward": {
        const response = await route.fetch({ url: `${CORS}${url.pathname}` });
        return route.fulfill({ response, headers: { ...response.headers(), ...cors } });
      }
      case "cors":
        return route.abort("failed");
      case "hang":
        return; // never answered: the look-up times out
      case "5xx":
        return route.fulfill({ status: 503, headers: cors, contentType: "application/json", body: '{"error":{"code":503,"message":"down"}}' });
      case "429":
        return route.fulfill({ status: 429, headers: { ...cors, "retry-after": "0" }, body: "" });
      case "html":
        return route.fulfill({ status: 200, headers: cors, contentType: "text/html", body: "<html><title>Sign in</title></html>" });
      default:
        return route.abort("failed");
    }
  });
  return seen;
}

test("paste and files: several, one gzipped, tokens split across pieces, each distinct token once with its places", async ({ page }) => {
  const problems = await openScan(page, { piece: 7 });
  const [a, b, c] = [fresh(), fresh(), fresh()];
  await page.getByLabel("Text to scan").fill(`first ${EXAMPLE_TOKEN}\nagain: ${EXAMPLE_TOKEN}\nid only ${EXAMPLE_ID}\n`);
  // A file bigger than the browser's own stream chunks (64 KiB), with a token across 65,536.
  const big = "y".repeat(65536 - 40) + " " + a + "\n" + "z".repeat(1000) + "\n";
  await page.getByLabel("Files to scan").setInputFiles([
    { name: "one.log", mimeType: "text/plain", buffer: Buffer.from(`ok\n\u00e9\u00e9 ${b}\n`) },
    { name: "big.txt", mimeType: "text/plain", buffer: Buffer.from(big) },
  ]);
  // Dropped: a gzipped log and a file that is not UTF-8.
  const gz = gzipSync(Buffer.from(`line one\n\tkey=${c} and ${b}\n`)).toString("base64");
  const latin = Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a, 0xe9, 0x20]), Buffer.from(a)]).toString("base64");
  await page.evaluate(
    ({ files }) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (ch) => ch.charCodeAt(0))], f.name));
      document.querySelector(".dtc-drop").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { files: [{ name: "ci.log.gz", b64: gz }, { name: "latin1.log", b64: latin }] },
  );
  await expect(page.getByRole("list", { name: "Files chosen" }).getByRole("listitem")).toHaveCount(4);
  await scan(page);
  await expect(page.getByTestId("scan-progress")).toContainText("5 of 5 sources");
  // The ID of the example token is left out: its full token is there.
  await expect(rows(page)).toHaveCount(4);
  await expect(rowOf(page, EXAMPLE_TOKEN)).toContainText("2×");
  await expect(rowOf(page, EXAMPLE_TOKEN)).toContainText("pasted text:1:7");
  await expect(rowOf(page, a)).toContainText("2×");
  await expect(rowOf(page, a)).toContainText(`big.txt:1:${65536 - 40 + 2}`);
  await expect(rowOf(page, b)).toContainText("2×");
  await expect(rowOf(page, b)).toContainText("one.log:2:4");
  await expect(rowOf(page, c)).toContainText("ci.log.gz:2:6");
  await rowOf(page, a).getByRole("button").click();
  const card = page.getByTestId("scan-card");
  await expect(card).toContainText("big.txt:1:65498");
  await expect(card).toContainText("latin1.log:2:3");
  await expectNoSecret(page, [EXAMPLE_TOKEN, a, b, c]);
  expect(problems).toEqual([]);
});

test("a corrupt .gz file is named, and what came before is kept", async ({ page }) => {
  await openScan(page);
  const good = gzipSync(Buffer.from(`x ${EXAMPLE_TOKEN}\n`));
  const cut = good.subarray(0, good.length - 6);
  await page.getByLabel("Files to scan").setInputFiles([
    { name: "cut.log.gz", mimeType: "application/gzip", buffer: cut },
    { name: "plain.gz", mimeType: "application/gzip", buffer: Buffer.from("not gzip at all") },
  ]);
  await scan(page);
  const problems = page.getByTestId("scan-problems");
  await expect(problems).toContainText("plain.gz: stopped: not a valid gzip file");
  await expect(problems).toContainText("cut.log.gz: stopped: not a valid gzip file, or cut off; what came before was scanned");
  // The cut file's text came before its damaged end: its token is found.
  await expect(rows(page)).toHaveCount(1);
  await expect(rowOf(page, EXAMPLE_TOKEN)).toContainText("cut.log.gz:1:3");
});

/** Records every Worker the page starts, and whether it was terminated. */
function watchWorkers() {
  const Native = window.Worker;
  window.dtWorkers = [];
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      const record = { url: String(url), terminated: false };
      window.dtWorkers.push(record);
      const terminate = this.terminate.bind(this);
      this.terminate = () => {
        record.terminated = true;
        terminate();
      };
    }
  };
}

test(".gz files are decompressed in a worker, which is gone when the file is done or the scan cancelled", async ({ page }) => {
  await page.addInitScript(watchWorkers);
  await openScan(page, { piece: 16 });
  const block = `${"log line without tokens ".repeat(40)}\n`;
  const big = gzipSync(Buffer.from(block.repeat(8000) + EXAMPLE_TOKEN));
  await page.getByLabel("Files to scan").setInputFiles([{ name: "huge.log.gz", mimeType: "application/gzip", buffer: big }]);
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  const progress = page.getByTestId("scan-progress");
  await expect(progress).toContainText(/[1-9][0-9.]* (KB|MB) scanned/);
  await page.getByRole("button", { name: "Cancel scan" }).click();
  await expect(progress).toContainText("Scan cancelled");
  await expect(rows(page)).toHaveCount(0);
  const workers = () => page.evaluate(() => window.dtWorkers);
  expect(await workers()).toEqual([{ url: "gunzip-worker.js", terminated: true }]);
  // To the end: the file's token is found, and its worker is gone too.
  await page.getByLabel("Files to scan").setInputFiles([
    { name: "small.log.gz", mimeType: "application/gzip", buffer: gzipSync(Buffer.from(`a\nb ${EXAMPLE_TOKEN}\n`)) },
  ]);
  await scan(page);
  await expect(rowOf(page, EXAMPLE_TOKEN)).toContainText("small.log.gz:2:3");
  expect(await workers()).toEqual([
    { url: "gunzip-worker.js", terminated: true },
    { url: "gunzip-worker.js", terminated: true },
  ]);
});

test("offline, a .gz file still scans: the gzip worker's script is precached with the app", async ({ page, context }) => {
  await openScan(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
  });
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByLabel("Text to scan")).toBeVisible();
    await page.getByLabel("Files to scan").setInputFiles([
      { name: "offline.log.gz", mimeType: "application/gzip", buffer: gzipSync(Buffer.from(`x ${EXAMPLE_TOKEN}\n`)) },
    ]);
    await scan(page);
    await expect(page.getByTestId("scan-problems")).toHaveCount(0);
    await expect(rowOf(page, EXAMPLE_TOKEN)).toContainText("offline.log.gz:1:3");
  } finally {
    await context.setOffline(false);
  }
});

test("pasted text is cleared from the field once the scan has it: no secret stays on screen or in the field", async ({ page }) => {
  await openScan(page);
  const [a, b] = [fresh(), fresh()];
  const text = page.getByLabel("Text to scan");
  await text.fill(`one ${a}\ntwo\nthree ${b}\n`);
  await scan(page);
  await expect(rowOf(page, a)).toBeVisible();
  await expect(rowOf(page, b)).toContainText("pasted text:3:7");
  await expect(text).toHaveValue("");
  const note = page.getByTestId("scan-text-cleared");
  await expect(note).toContainText("The pasted text (3 lines) went into the scan and was cleared from this field");
  // Screen readers hear why the field is empty when they come back to it.
  await expect(text).toHaveAttribute("aria-describedby", await note.getAttribute("id"));
  await expectNoSecret(page, [a, b]);
  // Undo in the field does not bring the text back.
  await text.focus();
  await page.keyboard.press("Control+z");
  await expect(text).toHaveValue("");
  // Typing again: the note goes, and the new text is what the next scan reads.
  await text.fill(EXAMPLE_TOKEN);
  await expect(note).toHaveCount(0);
  await expect(text).not.toHaveAttribute("aria-describedby");
  await scan(page);
  await expect(rows(page)).toHaveCount(1);
  await expect(text).toHaveValue("");
  await expectNoSecret(page, [EXAMPLE_TOKEN, a, b]);
});

test("progress and cancel", async ({ page }) => {
  await openScan(page, { piece: 16 });
  const block = `${"log line without tokens ".repeat(40)}\n`;
  const big = Buffer.from(block.repeat(8000) + EXAMPLE_TOKEN);
  await page.getByLabel("Files to scan").setInputFiles([{ name: "huge.log", mimeType: "text/plain", buffer: big }]);
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  const progress = page.getByTestId("scan-progress");
  await expect(progress).toContainText("Scanning:");
  await expect(progress).toContainText(/[1-9][0-9.]* (KB|MB) scanned/);
  await page.getByRole("button", { name: "Cancel scan" }).click();
  await expect(progress).toContainText("Scan cancelled");
  await expect(rows(page)).toHaveCount(0);
  // The view is still usable: the next scan runs to its end.
  await page.getByLabel("Files to scan").setInputFiles([]);
  await page.getByLabel("Text to scan").fill(EXAMPLE_TOKEN);
  await scan(page);
  await expect(rows(page)).toHaveCount(1);
});

test("environment suggestions: nothing goes to an environment before it is confirmed", async ({ page }) => {
  await openScan(page);
  const seen = await environments(page, { abc12345: "forward" });
  const near = fresh();
  const managed = fresh();
  await page.getByLabel("Text to scan").fill(
    `deploy to https://abc12345.live.dynatrace.com/api/v2/metrics\nDT_API_TOKEN=${EXAMPLE_TOKEN}\n\n\n` +
      `${"-".repeat(300)}\nmanaged https://dt.example.com/e/1111-2222/#dashboards token ${managed}\n`,
  );
  await page.getByLabel("Files to scan").setInputFiles([{ name: "plain.log", mimeType: "text/plain", buffer: Buffer.from(`no url here ${near}\n`) }]);
  await scan(page);
  const envs = page.getByTestId("scan-environment");
  await expect(envs).toHaveCount(2);
  await expect(envs.nth(0)).toContainText("https://abc12345.live.dynatrace.com");
  await expect(envs.nth(1)).toContainText("https://dt.example.com/e/1111-2222");
  await expect(envs.nth(1).getByTestId("host-standing")).toBeVisible();
  await expect(page.getByTestId("scan-page-environment")).toContainText("1 token without a suggestion");
  await expect(rowOf(page, EXAMPLE_TOKEN)).toContainText("https://abc12345.live.dynatrace.com (to confirm)");

  await page.getByRole("button", { name: "Check tokens" }).click();
  // The token without a suggestion went to the page's own environment (the sandbox): 401.
  await expect(rowOf(page, near)).toHaveAttribute("data-status", "inactive-401");
  await expect(page.getByText("2 tokens wait for their environment to be confirmed.")).toBeVisible();
  expect(seen, "nothing sent to an unconfirmed environment").toEqual([]);
  await expect(rowOf(page, EXAMPLE_TOKEN)).toHaveAttribute("data-status", "unchecked");

  await page.getByRole("button", { name: "Confirm https://abc12345.live.dynatrace.com" }).click();
  await expect(envs.nth(0)).toHaveAttribute("data-confirmed", "yes");
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(rowOf(page, EXAMPLE_TOKEN)).toHaveAttribute("data-status", "active");
  expect(seen.filter((s) => s.startsWith("POST"))).toEqual(["POST abc12345"]);
  await expect(rowOf(page, managed)).toHaveAttribute("data-status", "unchecked");
});

test("every status: active, each inactive reason, each unknown reason", async ({ page, request }) => {
  test.setTimeout(90_000);
  await openScan(page);
  await environments(page, { cors0001: "cors", slow0001: "hang", down0001: "5xx", busy0001: "429", html0001: "html" });
  const disabled = await demo(request, "ci-deploy (disabled)");
  const expired = await demo(request, "old-exporter (expired)");
  const refused = `${EXAMPLE_ID}.${random(64)}`; // a known ID with a wrong secret: 401
  const stranger = fresh(); // 401, and its ID is unknown: 404
  const network = fresh();
  const byEnv = { cors0001: fresh(), slow0001: fresh(), down0001: fresh(), busy0001: fresh(), html0001: fresh() };
  const oauth = `dt0s02.${random(8)}.${random(64)}`;
  const unknownId = `dt0c01.${random(24)}`;
  // The page's own environment: the pasted text (no URL in it).
  await page.getByLabel("Text to scan").fill(
    [EXAMPLE_TOKEN, disabled, expired, refused, stranger, network, oauth, unknownId].map((t) => `token: ${t}`).join("\n"),
  );
  // One environment per unknown reason, each next to its token.
  const lines = Object.entries(byEnv).map(([name, token]) => `${"\n".repeat(3)}https://${name}.live.dynatrace.com ${token}`);
  await page.getByLabel("Files to scan").setInputFiles([{ name: "envs.log", mimeType: "text/plain", buffer: Buffer.from(lines.join("\n")) }]);
  // The same-origin call for `network` fails like a dropped connection.
  await page.route(`${APP}/api/v2/apiTokens/lookup`, (route) =>
    (route.request().postData() || "").includes(network.split(".")[2]) ? route.abort("failed") : route.continue(),
  );
  await page.getByLabel("Access token").fill(ADMIN_TOKEN);
  await scan(page);
  for (const name of Object.keys(byEnv)) {
    await page.getByRole("button", { name: `Confirm https://${name}.live.dynatrace.com` }).click();
  }
  await page.getByLabel("Timeout per look-up (seconds)").fill("1");
  await page.getByLabel("Timeout per look-up (seconds)").dispatchEvent("change");
  await page.getByRole("button", { name: "Check tokens" }).click();
  const expected = [
    [EXAMPLE_TOKEN, "active", "active"],
    [disabled, "inactive-disabled", "inactive: disabled"],
    [expired, "inactive-expired", "inactive: expired"],
    [refused, "inactive-401", "inactive: 401: does not authenticate"],
    [stranger, "inactive-404", "inactive: unknown to that environment"],
    [unknownId, "inactive-404", "inactive: unknown to that environment"],
    [network, "unknown-network", "unknown: network error"],
    [byEnv.cors0001, "unknown-cors", "unknown: blocked by the browser (CORS)"],
    [byEnv.slow0001, "unknown-timeout", "unknown: timeout"],
    [byEnv.down0001, "unknown-5xx", "unknown: server error (5xx)"],
    [byEnv.busy0001, "unknown-429", "unknown: rate limited, gave up"],
    [byEnv.html0001, "unknown-answer", "unknown: unreadable answer"],
    [oauth, "unknown-not-checkable", "unknown: no look-up for this kind"],
  ];
  for (const [token, key, text] of expected) {
    // The refused token has the example's ID: its row is told apart by where it was found.
    const row =
      token === unknownId
        ? rows(page).filter({ hasText: unknownId })
        : token === refused
          ? rows(page).filter({ hasText: "pasted text:4:8" })
          : rowOf(page, token).filter({ hasNotText: "pasted text:4:8" });
    await expect(row, text).toHaveAttribute("data-status", key, { timeout: 30_000 });
    await expect(row).toContainText(text);
  }
  await expect(page.getByTestId("check-progress")).toContainText("1 active · 5 inactive · 7 unknown · 0 not checked");
  // The README's picture: the pasted text cleared first (the results stay).
  await page.getByLabel("Text to scan").fill("");
  await page.locator(".dtc-scan").screenshot({ path: `${SHOTS}/scan-statuses.png` });
  // The active token's card: its metadata and the checklist, filled in.
  await rowOf(page, EXAMPLE_TOKEN).filter({ hasNotText: "pasted text:4:8" }).getByRole("button").click();
  const card = page.getByTestId("scan-card");
  await expect(card.getByTestId("token-card")).toContainText("john.smith");
  const checklist = card.getByTestId("scan-checklist");
  await expect(checklist).toContainText("- [x] Look it up: done. ID `dt0c01.ST2EY72KQINMH574WMNVI7YN`");
  await expect(checklist).toContainText("- [ ] Tell john.smith");
  await expect(checklist).toContainText("PUT /api/v2/apiTokens/dt0c01.ST2EY72KQINMH574WMNVI7YN");
  await expect(checklist).toContainText('"scopes": ["metrics.read"]');
  await expect(checklist).toContainText("pasted text:1:8");
  // Filters and sorting.
  await page.getByLabel("Status", { exact: true }).selectOption("inactive");
  await expect(rows(page)).toHaveCount(5);
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.getByLabel("Owner").selectOption("john.smith");
  await expect(rows(page)).toHaveCount(2); // the example token, and the refused one read by ID
  await page.getByLabel("Owner").selectOption("");
  await page.getByLabel("Kind").selectOption("OAuth client");
  await expect(rows(page)).toHaveCount(1);
  await page.getByLabel("Kind").selectOption("");
  await page.getByLabel("Sort by").selectOption("status");
  await expect(rows(page).first()).toHaveAttribute("data-status", "active");
  await expectNoSecret(page, [EXAMPLE_TOKEN, disabled, expired, refused, stranger, network, ...Object.values(byEnv), oauth]);
});

test("IDs and ActiveGate tokens need the access token; a refused access token is said", async ({ page }) => {
  await openScan(page);
  const ag = "dt0g02.4KWZO5EF";
  await page.getByLabel("Text to scan").fill(`${EXAMPLE_ID}\n${ag}\n`);
  await scan(page);
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(rows(page).filter({ hasText: ag })).toHaveAttribute("data-status", "unknown-needs-access-token");
  await expect(rows(page).filter({ hasText: EXAMPLE_ID })).toContainText("unknown: needs an access token");
  // What the status says to do, done: an access token given, "Check tokens" again (no new
  // scan) checks the unknown ones again. This one is wrong, and said so.
  await page.getByLabel("Access token").fill(`dt0c01.${random(24)}.${random(64)}`);
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(rows(page).filter({ hasText: EXAMPLE_ID })).toHaveAttribute("data-status", "unknown-access-token");
  // One that no header can carry is said at the field, and nothing is sent with it.
  const sent = [];
  page.on("request", (r) => { if (r.url().includes("/api/")) sent.push(r.url()); });
  await page.getByLabel("Access token").fill(`${ADMIN_TOKEN.slice(0, 20)} ${ADMIN_TOKEN.slice(20)}`);
  await expect(page.getByTestId("access-token-unsendable")).toContainText("a space at position 21");
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(rows(page).filter({ hasText: EXAMPLE_ID })).toHaveAttribute("data-status", "unknown-access-token-not-sendable");
  await expect(rows(page).filter({ hasText: EXAMPLE_ID })).toContainText("the access token can't be sent");
  expect(sent).toEqual([]);
  // The message says where, never what: no run of the access token's secret anywhere but its field.
  await expectNoSecret(page, [ADMIN_TOKEN]);
});

test("an edit of the environment or the access token ends the checks under way: nothing more goes to the old pair", async ({ page }) => {
  await openScan(page);
  // Every look-up by ID is held until the test lets it go.
  const held = [];
  const byId = [];
  await page.route(`${APP}/api/v2/apiTokens/*`, (route) => {
    byId.push(route.request().url());
    held.push(route);
  });
  const ids = Array.from({ length: 6 }, () => `dt0c01.${random(24)}`);
  await page.getByLabel("Text to scan").fill(ids.join("\n"));
  await page.getByLabel("Access token").fill(ADMIN_TOKEN);
  await scan(page);
  await page.getByLabel("Look-ups at once").fill("1");
  await page.getByLabel("Look-ups at once").dispatchEvent("change");
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect.poll(() => byId.length).toBe(1);
  // The environment is edited while a look-up is in flight and five wait.
  await page.getByLabel("Environment URL").fill("https://abc12345.live.dynatrace.com");
  const progress = page.getByTestId("check-progress");
  await expect(progress).toContainText("Checks cancelled.");
  await expect(progress).toContainText("6 not checked");
  // The held look-up is let go; a new round, in the new environment, checks all six there.
  // Had the old round gone on, its next look-ups would have reached the first environment.
  await environments(page, { abc12345: "forward" });
  for (const route of held) await route.continue().catch(() => {});
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(progress).toContainText("0 active · 6 inactive · 0 unknown · 0 not checked");
  expect(byId).toHaveLength(1);
});

test("the access token goes only to the environment in the settings, never to one found in the text", async ({ page }) => {
  await openScan(page);
  await environments(page, { abc12345: "forward" });
  // What each request carried, by host.
  const sent = [];
  page.on("request", (r) => sent.push({ host: new URL(r.url()).hostname, auth: r.headers()["authorization"] || "" }));
  const id = `dt0c01.${random(24)}`; // an ID: read with the access token
  const ag = "dt0g02.4KWZO5EF";
  const stranger = fresh(); // 401; its ID read with the access token would say 404
  // The pasted text has no URL: its ID goes to the environment in the settings (this page).
  await page.getByLabel("Text to scan").fill(`token: ${EXAMPLE_ID}\n`);
  await page.getByLabel("Files to scan").setInputFiles([
    { name: "envs.log", mimeType: "text/plain", buffer: Buffer.from(`deploy to https://abc12345.live.dynatrace.com\nid ${id}\nag ${ag}\ntoken ${stranger}\n`) },
  ]);
  await page.getByLabel("Access token").fill(ADMIN_TOKEN);
  await scan(page);
  await expect(rows(page).filter({ hasText: id })).toContainText("https://abc12345.live.dynatrace.com (to confirm)");
  await page.getByRole("button", { name: "Confirm https://abc12345.live.dynatrace.com" }).click();
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(page.getByTestId("check-progress")).toContainText("1 active · 1 inactive · 2 unknown · 0 not checked");
  // In the settings' environment the access token read the ID.
  await expect(rows(page).filter({ hasText: EXAMPLE_ID })).toHaveAttribute("data-status", "active");
  expect(sent.some((r) => r.host === "127.0.0.1" && r.auth.includes(ADMIN_TOKEN)), "the access token was used in the settings' environment").toBe(true);
  // In the suggested one: the ID and the ActiveGate token wait for an access token there, and
  // the full token checked itself, without the 401 fallback (which would have said 404).
  for (const token of [id, ag]) {
    await expect(rows(page).filter({ hasText: token })).toHaveAttribute("data-status", "unknown-needs-access-token");
    await expect(rows(page).filter({ hasText: token })).toContainText("unknown: needs an access token");
  }
  await expect(rowOf(page, stranger)).toHaveAttribute("data-status", "inactive-401");
  const there = sent.filter((r) => r.host === "abc12345.live.dynatrace.com");
  expect(there.some((r) => r.auth.includes(stranger)), "the full token checked itself there").toBe(true);
  expect(there.filter((r) => r.auth.includes(ADMIN_TOKEN)), "no request there carried the access token").toEqual([]);
  await rows(page).filter({ hasText: id }).getByRole("button").click();
  await expect(page.getByTestId("scan-card")).toContainText("the access token is only sent to the environment in the settings");
});

test("a token typed into the scan's Environment URL is refused, emptied, and nothing is sent", async ({ page }) => {
  await openScan(page);
  const api = [];
  page.on("request", (r) => (r.url().includes("/api/v2/") || r.url().includes("marker")) && api.push(r.url()));
  await page.getByLabel("Text to scan").fill(`token: ${EXAMPLE_TOKEN}\n`);
  await scan(page);
  const field = page.getByLabel("Environment URL");
  await field.fill(EXAMPLE_TOKEN);
  await expect(page.getByText(/this looks like a token, not an environment URL; nothing was stored/i)).toBeVisible();
  await expect(field).toHaveValue("");
  await expect(page.getByTestId("scan-page-environment")).not.toContainText(EXAMPLE_SECRET.slice(0, 8));
  api.length = 0;
  await page.getByRole("button", { name: "Check tokens" }).click();
  // A request made by the page after the click: any look-up the click started comes before it.
  await page.evaluate(() => fetch("/?marker").then(() => {}));
  await expect.poll(() => api.length).toBeGreaterThan(0);
  expect(api[0], "nothing was sent after the token in Environment URL").toContain("marker");
  await expect(rowOf(page, EXAMPLE_TOKEN)).toHaveAttribute("data-status", "unchecked");
  // Emptied again by the person (this page's server): Check works, so the test could see a call.
  await field.fill("x");
  await field.fill("");
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(rowOf(page, EXAMPLE_TOKEN)).toHaveAttribute("data-status", "active");
  expect(api.filter((u) => u.includes("/api/v2/apiTokens/lookup")).length).toBe(1);
  await expectNoSecret(page, [EXAMPLE_TOKEN]);
});

for (const [kind, extra] of [
  ["rate-limit", { retryAfterSeconds: 1 }],
  ["rate-limit-no-retry-after", {}],
]) {
  test(`429s (${kind}) are waited out and every status is still right`, async ({ page, request }) => {
    await openScan(page);
    const lookups = [];
    page.on("request", (r) => r.url().endsWith("/api/v2/apiTokens/lookup") && r.method() === "POST" && lookups.push(r.url()));
    const tokens = [EXAMPLE_TOKEN, fresh(), fresh()];
    await page.getByLabel("Text to scan").fill(tokens.join("\n"));
    await scan(page);
    await fault(request, kind, { times: 2, ...extra });
    await page.getByRole("button", { name: "Check tokens" }).click();
    await expect(page.getByTestId("check-progress")).toContainText("1 active · 2 inactive · 0 unknown · 0 not checked", { timeout: 20_000 });
    await expect(rowOf(page, EXAMPLE_TOKEN)).toHaveAttribute("data-status", "active");
    expect(lookups.length, "the refused look-ups were made again").toBe(tokens.length + 2);
  });
}

test("pause and resume, and cancel", async ({ page }) => {
  await openScan(page);
  // Each look-up answers after 400 ms, so that there is time to pause.
  await page.route(`${APP}/api/v2/apiTokens/lookup`, async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue().catch(() => {});
  });
  const tokens = Array.from({ length: 8 }, fresh);
  await page.getByLabel("Text to scan").fill(tokens.join("\n"));
  await scan(page);
  await page.getByLabel("Look-ups at once").fill("1");
  await page.getByLabel("Look-ups at once").dispatchEvent("change");
  await page.getByRole("button", { name: "Check tokens" }).click();
  const progress = page.getByTestId("check-progress");
  await expect(progress).toContainText(/[12] inactive/);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(progress).toContainText("Paused.");
  const paused = await progress.textContent();
  await page.waitForTimeout(1200);
  expect(await progress.textContent(), "nothing is checked while paused").toBe(paused);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(progress).toContainText(/Checking/);
  await expect(progress).toContainText("0 active · 8 inactive · 0 unknown · 0 not checked", { timeout: 15_000 });
  // Cancel: a new round, stopped at once.
  await page.getByLabel("Text to scan").fill(Array.from({ length: 6 }, fresh).join("\n"));
  await scan(page);
  await page.getByRole("button", { name: "Check tokens" }).click();
  await page.getByRole("button", { name: "Cancel checks" }).click();
  await expect(progress).toContainText("Checks cancelled.");
  await expect(progress).toContainText(/· [1-6] not checked/);
  await expect(page.getByRole("button", { name: "Check tokens" })).toBeEnabled();
});

test("exports and the summary: content checked, no secret in them", async ({ page, request, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const console = recordConsole(page);
  await openScan(page);
  const expired = await demo(request, "old-exporter (expired)");
  const stranger = fresh();
  await page.getByLabel("Text to scan").fill(`=cmd ${EXAMPLE_TOKEN}\n${expired}\n`);
  await page.getByLabel("Files to scan").setInputFiles([{ name: "=evil.csv", mimeType: "text/plain", buffer: Buffer.from(`${stranger}\n`) }]);
  await page.getByLabel("Access token").fill(ADMIN_TOKEN);
  await scan(page);
  await page.getByRole("button", { name: "Check tokens" }).click();
  await expect(page.getByTestId("check-progress")).toContainText("1 active · 2 inactive · 0 unknown · 0 not checked");

  const download = async (name) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
    const stream = await file.createReadStream();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
  };
  const csv = await download("Download CSV");
  // Named after the environment in the settings: this page's own server here.
  expect(csv.name).toMatch(/^dt-scan-same-origin-\d{4}-\d\d-\d\d\.csv$/);
  const lines = csv.text.trim().split(/\r?\n/);
  expect(lines[0]).toBe("token,id,kind,status,reason,environment,owner,name,enabled,expirationDate,lastUsedDate,scopes,riskiest,occurrences,places");
  expect(lines).toHaveLength(4);
  const example = lines.find((l) => l.startsWith(masked(EXAMPLE_TOKEN)));
  expect(example).toContain(",active,,");
  expect(example).toContain("john.smith");
  expect(example).toContain("metrics.read");
  expect(lines.find((l) => l.startsWith(masked(expired)))).toContain(",inactive,expired,");
  // A file name that starts a formula is escaped.
  expect(lines.find((l) => l.startsWith(masked(stranger)))).toContain("'=evil.csv:1:1");

  const json = JSON.parse((await download("Download JSON")).text);
  expect(json).toHaveLength(3);
  const row = json.find((r) => r.id === EXAMPLE_ID);
  expect(row).toMatchObject({ token: masked(EXAMPLE_TOKEN), status: "active", owner: "john.smith", occurrences: 1 });
  expect(row.places).toEqual(["pasted text:1:6"]);

  await page.getByRole("button", { name: "Copy summary (Markdown)" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const summary = await page.evaluate(() => navigator.clipboard.readText());
  expect(summary).toContain("# Dynatrace tokens found: incident summary");
  expect(summary).toContain("| **active** | 1 |");
  expect(summary).toContain("| inactive: expired | 1 |");
  expect(summary).toContain("| inactive: unknown to that environment | 1 |");
  expect(summary).toContain(`### \`${masked(EXAMPLE_TOKEN)}\``);
  expect(summary).toContain("- Owner: john.smith");
  expect(summary).toContain("- Scopes: `metrics.read`");
  expect(summary).toContain("- Riskiest class: Read (low)");

  for (const text of [csv.text, JSON.stringify(json), summary]) {
    for (const secret of [EXAMPLE_SECRET, expired.split(".")[2], stranger.split(".")[2]]) {
      expect(text.toUpperCase()).not.toContain(secret.slice(0, 10).toUpperCase());
    }
  }
  await expectNoSecret(page, [EXAMPLE_TOKEN, expired, stranger], console);
});

test("accessible in light and dark, and usable with the keyboard", async ({ page, request }) => {
  await openScan(page);
  await page.getByLabel("Access token").fill(ADMIN_TOKEN);
  const text = page.getByLabel("Text to scan");
  await text.focus();
  await page.keyboard.insertText(`https://abc12345.live.dynatrace.com\n${EXAMPLE_TOKEN}\n${await demo(request, "ci-deploy (disabled)")}\n`);
  // Tab to the Scan button through the file field.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    if (await page.getByRole("button", { name: "Scan", exact: true }).evaluate((b) => b === document.activeElement)) break;
  }
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("scan-progress")).toContainText("Scan done");
  await page.getByRole("button", { name: "Confirm https://abc12345.live.dynatrace.com" }).focus();
  await environments(page, { abc12345: "forward" });
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Check tokens" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("check-progress")).toContainText("1 active · 1 inactive");
  await rows(page).first().getByRole("button").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("scan-card")).toBeVisible();
  await expectNoAxeViolations(page, "scan, light");
  await page.screenshot({ path: `${SHOTS}/scan-light.png`, fullPage: true });
  await page.getByRole("button", { name: "Dark mode" }).click();
  await expectNoAxeViolations(page, "scan, dark");
  await page.screenshot({ path: `${SHOTS}/scan-dark.png`, fullPage: true });
});
