// `make bench`, the scan's figures (issue 12), each beside its reference from the same run:
//   1. 1,000 distinct tokens planted in a text, checked from the #/scan view against the sandbox
//      with 100 ms latency at concurrency 4: wall time beside the ideal (1,000 x 100 ms / 4 =
//      25 s), then the same while the sandbox answers 1 request in 50 with 429 (with and without
//      Retry-After); every token's status is compared with what the sandbox says it should be.
//   2. A 200 MB file, and the same gzipped, scanned in the view in headless Chromium: throughput
//      and the longest main-thread block (a 1 ms heartbeat), then the same bytes scanned by the
//      browser's own RegExp with Dynatrace's published pattern, as a ratio.
// Figures only, never pass/fail. Needs dist/ (trunk build --release) and target/debug/dt-sandbox.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { createReadStream } from "node:fs";

const ROOT = new URL("..", import.meta.url).pathname;
const PORT = Number(process.env.PORT_BASE || 18180) + 40;
const APP = `http://127.0.0.1:${PORT}`;
const ADMIN = "BENCHADMINSECRET" + "2".repeat(48);
const ADMIN_TOKEN = `dt0c01.SANDBOXADMIN2222222222222.${ADMIN}`;
const CONTROL = { Authorization: `Api-Token ${ADMIN_TOKEN}` };
const only = process.argv[2]; // "checks" or "files": one part only
// Dynatrace's own search pattern (shared/dynatrace/README.md, "Token format").
const DYNATRACE_PATTERN = "dt0[a-zA-Z]{1}[0-9]{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}";

function startSandbox() {
  const child = spawn(
    `${ROOT}target/debug/dt-sandbox`,
    ["--listen", `127.0.0.1:${PORT}`, "--admin-token", ADMIN, "--latency-ms", "100", "--tokens", "1500", "--serve-dir", `${ROOT}dist`],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  return child;
}

async function waitUp() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${APP}/_sandbox/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the sandbox did not start");
}

async function control(method, path, body) {
  const res = await fetch(`${APP}${path}`, {
    method,
    headers: { ...CONTROL, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

async function openScan(browser) {
  const page = await browser.newPage();
  await page.goto(`${APP}/#/scan`);
  await page.getByLabel("Text to scan").waitFor();
  return page;
}

/** Part 1: one run of 1,000 checks; returns wall seconds and how many statuses were right. */
async function checkRun(browser, tokens, fault) {
  const page = await openScan(browser);
  const noise = "2026-12-01T06:00:00Z INFO job=deploy step=3 ok\n";
  await page.getByLabel("Text to scan").fill(tokens.map((t, i) => `${noise}${i % 3 ? "token" : "DT_API_TOKEN"}=${t.token}\n`).join(""));
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  await page.getByTestId("scan-progress").filter({ hasText: "Scan done" }).waitFor();
  await control("DELETE", "/_sandbox/fault");
  if (fault) await control("PUT", "/_sandbox/fault", fault);
  const started = Date.now();
  await page.getByRole("button", { name: "Check tokens" }).click();
  await page.getByTestId("check-progress").filter({ hasText: / 0 not checked$/ }).waitFor({ timeout: 300_000 });
  await page.waitForFunction(() => !document.body.innerText.includes("Checking."), null, { timeout: 300_000 });
  const wall = (Date.now() - started) / 1000;
  const counts = fault ? await control("GET", "/_sandbox/fault") : null;
  await control("DELETE", "/_sandbox/fault");
  // Every status, from the JSON export (it holds IDs and statuses, never a secret).
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download JSON" }).click()]);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const rows = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const byId = new Map(rows.map((r) => [r.id, r]));
  let right = 0;
  for (const t of tokens) {
    const row = byId.get(t.id);
    // Without an access token an inactive token is a 401 (Dynatrace does not say why).
    const want = t.status === "active" ? ["active", ""] : ["inactive", "401: does not authenticate"];
    if (row && row.status === want[0] && (row.reason ?? "") === want[1]) right++;
  }
  await page.close();
  return { wall, right, rows: rows.length, injected: counts?.injected ?? 0 };
}

async function checks(browser) {
  const { tokens } = await control("GET", "/_sandbox/generated?limit=1000&kind=api");
  const statuses = {};
  for (const t of tokens) statuses[t.status] = (statuses[t.status] ?? 0) + 1;
  console.log(`1,000 distinct tokens (${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(", ")}), sandbox latency 100 ms, concurrency 4; ideal 25.0 s`);
  const runs = [
    ["no 429", null],
    ["429 on 1 request in 50, Retry-After: 1", { kind: "rate-limit", every: 50, retryAfterSeconds: 1 }],
    ["429 on 1 request in 50, no Retry-After", { kind: "rate-limit-no-retry-after", every: 50 }],
  ];
  for (const [name, fault] of runs) {
    const r = await checkRun(browser, tokens, fault);
    const injected = fault ? `, ${r.injected} answered 429` : "";
    console.log(`  ${name}: ${r.wall.toFixed(1)} s = ${(r.wall / 25).toFixed(2)}x the ideal${injected}; statuses right: ${r.right} of ${tokens.length}`);
  }
}

/** Part 2: writes the 200 MB file (a log with a token every 5,000 lines) and its gzip copy. */
async function bigFiles() {
  const dir = `${ROOT}target/bench-scan`;
  mkdirSync(dir, { recursive: true });
  const plain = `${dir}/big.log`;
  const gz = `${plain}.gz`;
  const size = 200 * 1000 * 1000;
  if (!existsSync(plain) || statSync(plain).size < size) {
    const out = createWriteStream(plain);
    const line = "2026-11-22T12:00:00Z INFO request ok path=/api/v2/metrics took 12 ms dt0c01 noise ünï\n";
    const token = (i) => `dt0c01.${String(i).padStart(24, "A").replace(/[^A-Z0-9]/g, "B").slice(-24)}.${"G".repeat(64)}`;
    let written = 0;
    let i = 0;
    while (written < size) {
      const l = i % 5000 === 0 ? `DT_API_TOKEN=${token(i % 250000)} https://abc12345.live.dynatrace.com\n` : line;
      if (!out.write(l)) await new Promise((r) => out.once("drain", r));
      written += Buffer.byteLength(l);
      i++;
    }
    await new Promise((r) => out.end(r));
  }
  if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(plain).mtimeMs) {
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gz));
  }
  return { plain, gz };
}

async function scanFile(browser, path) {
  const page = await openScan(browser);
  await page.getByLabel("Files to scan").setInputFiles(path);
  await page.evaluate(() => {
    // A 1 ms heartbeat: the longest gap between beats is the longest the main thread was busy.
    window.__beat = { last: performance.now(), longest: 0, on: true };
    const beat = () => {
      const now = performance.now();
      window.__beat.longest = Math.max(window.__beat.longest, now - window.__beat.last);
      window.__beat.last = now;
      if (window.__beat.on) setTimeout(beat, 1);
    };
    setTimeout(beat, 1);
  });
  await page.waitForTimeout(50);
  const started = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: "Scan", exact: true }).click();
  await page.getByTestId("scan-progress").filter({ hasText: "Scan done" }).waitFor({ timeout: 600_000 });
  const result = await page.evaluate((t0) => {
    window.__beat.on = false;
    return { ms: performance.now() - t0, longest: window.__beat.longest, status: document.querySelector("[data-testid=scan-progress]").innerText };
  }, started);
  const bytes = statSync(path).size;
  // The same bytes through the browser's RegExp with Dynatrace's pattern (the decode to a JS
  // string is timed apart: the scan view never makes one).
  const regex = await page.evaluate(async (pattern) => {
    const file = document.querySelector("input[type=file]").files[0];
    let t = performance.now();
    let text;
    if (file.name.endsWith(".gz")) {
      text = await new Response(file.stream().pipeThrough(new DecompressionStream("gzip"))).text();
    } else {
      text = await file.text();
    }
    const decode = performance.now() - t;
    t = performance.now();
    const re = new RegExp(pattern, "g");
    let matches = 0;
    while (re.exec(text)) matches++;
    return { decode, ms: performance.now() - t, matches, length: text.length };
  }, DYNATRACE_PATTERN);
  await page.close();
  return { ...result, bytes, regex };
}

async function files(browser) {
  const { plain, gz } = await bigFiles();
  for (const path of [plain, gz]) {
    const r = await scanFile(browser, path);
    const mb = 200; // decompressed size, both files
    const name = path.endsWith(".gz") ? `the same gzipped (${(r.bytes / 1e6).toFixed(1)} MB)` : "200 MB log";
    console.log(
      `${name}: scanned in ${(r.ms / 1000).toFixed(2)} s = ${(mb / (r.ms / 1000)).toFixed(0)} MB/s (read, ${path.endsWith(".gz") ? "decompress, " : ""}scan, progress), longest main-thread block ${r.longest.toFixed(0)} ms (limit 50 ms); ` +
        `RegExp with Dynatrace's pattern on the same bytes: ${(r.regex.ms / 1000).toFixed(2)} s = ${(mb / (r.regex.ms / 1000)).toFixed(0)} MB/s (+${(r.regex.decode / 1000).toFixed(2)} s to make the JS string), ${r.regex.matches} matches; ` +
        `the view ${(r.regex.ms / r.ms).toFixed(2)}x the RegExp's speed`,
    );
    console.log(`  (${r.status.replace(/\s+/g, " ")})`);
  }
}

const sandbox = startSandbox();
let browser;
try {
  await waitUp();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-timer-throttling"],
  });
  if (only !== "files") await checks(browser);
  if (only !== "checks") await files(browser);
} finally {
  await browser?.close();
  sandbox.kill();
}
