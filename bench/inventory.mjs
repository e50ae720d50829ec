// `make bench`, the inventory's figures (issue 11), in headless Chromium against the sandbox:
//   - 100,000 API tokens: time to the first rows, time until all pages are in, the longest
//     main-thread block while loading (long tasks), DOM rows, filter keystroke latency (median
//     and p95 over 40 keystrokes);
//   - the v1 path with 1,000 tokens at 50 ms latency and concurrency 4, against the ideal
//     1,000 × 50 ms / 4 = 12.5 s.
// Each figure is printed beside its reference. Needs dist/ (trunk build --release) and
// target/debug/dt-sandbox. Ports: PORT_BASE + 40, 41.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { idleHeartbeat } from "./heartbeat.mjs";
import { startProfile, startTasks } from "./profile.mjs";

const BASE = Number(process.env.PORT_BASE || 18180);
const ADMIN = "ADMINBENCHSECRET22222222222222222222222222222222222222222222222222".slice(0, 64);
const ADMIN_TOKEN = `dt0c01.SANDBOXADMIN222222222222.${ADMIN}`;
const sandboxes = [];

async function sandbox(port, args) {
  const p = spawn(process.env.SANDBOX || "target/release/dt-sandbox", ["--listen", `127.0.0.1:${port}`, "--admin-token", ADMIN, "--serve-dir", process.env.DIST || "dist", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  sandboxes.push(p);
  await new Promise((resolve, reject) => {
    p.stdout.on("data", (d) => String(d).includes("listening on") && resolve());
    p.on("exit", (code) => reject(new Error(`sandbox exited (${code})`)));
  });
  return `http://127.0.0.1:${port}`;
}

const line = (what, value, reference) => console.log(`${what.padEnd(52)} ${String(value).padStart(12)}   (${reference})`);

async function openInventory(page, url) {
  await page.goto(`${url}/#/inventory`);
  await page.getByLabel("Access token").fill(ADMIN_TOKEN);
  await page.getByRole("button", { name: "Check access" }).click();
  await page.getByTestId("lists").waitFor();
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  // ONLY_V1=1 skips the 100,000 tokens.
  if (!process.env.ONLY_V1) {
    // 100,000 API tokens, same origin.
    const big = await sandbox(BASE + 40, ["--tokens", "100000"]);
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await openInventory(page, big);
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          window.__longest = Math.max(window.__longest, e.duration);
          (window.__long ||= []).push([Math.round(e.startTime), Math.round(e.duration)]);
        }
      }).observe({ type: "longtask", buffered: false });
    });
    // PROFILE=1: a CPU profile (CDP Profiler) and a trace (CDP Tracing) of the load, then what
    // the longest main-thread task was made of (bench/profile.mjs).
    const profiler = process.env.PROFILE ? await startProfile(page) : null;
    const tasks = profiler ? null : await startTasks(page);
    const t0 = Date.now();
    const clicked = await page.evaluate(() => performance.now());
    await page.getByRole("button", { name: "Load tokens" }).click();
    await page.locator("[data-testid=inventory-table] tbody tr[data-row]").first().waitFor({ timeout: 60_000 });
    const first = Date.now() - t0;
    await page.getByTestId("progress-words").filter({ hasText: "All loaded." }).waitFor({ timeout: 120_000 });
    const all = Date.now() - t0;
    const longest = await page.evaluate(() => window.__longest);
    if (profiler) await profiler.report();
    const traced = await tasks?.stop();
    // The reference for this machine's load, same page, same run: a 1 ms heartbeat on the idle
    // page for 5 s; its longest gap is how long the page waited for a core with nothing to do.
    const idle = await idleHeartbeat(page, 5000);
    if (process.env.VERBOSE) console.log("long tasks [start, ms]:", JSON.stringify(await page.evaluate(() => window.__long || [])), "clicked at", Math.round(clicked), "done at", await page.evaluate(() => Math.round(performance.now())));
    const rows = await page.locator("tr").count();
    const count = await page.getByTestId("inventory-count").innerText();
    line("time to the first rows (100,000 tokens)", `${first} ms`, "shown while later pages load");
    line("time until all pages are in", `${all} ms`, count);
    line("longest main-thread block while loading", `${Math.round(longest)} ms`, "reference: at most 100 ms; 0 = no long task (>50 ms)");
    if (traced) {
      line("  the same, traced: longest task (wall, its CPU)", `${traced.wall.toFixed(0)} ms`, `${traced.cpuOfWall.toFixed(0)} ms of it on a core`);
      line("  the longest task by the thread's CPU time", `${traced.longestCpu.toFixed(0)} ms`, "what the page itself did; the rest of a task's wall time it waited for a core");
    }
    line("  reference: longest 1 ms heartbeat gap, idle page, 5 s", `${idle.toFixed(0)} ms`, "what this machine's load alone costs a task");
    line("DOM rows (table, all loaded)", rows, "reference: at most 200");

    // Filter keystrokes: input event to DOM updated, one character at a time.
    const times = await page.evaluate(async () => {
      const input = document.querySelector("input[type=search]");
      const text = "platform-team jane.doe sre-oncall ci-bot x".slice(0, 40);
      const out = [];
      for (let i = 1; i <= text.length; i++) {
        const t = performance.now();
        input.value = text.slice(0, i);
        input.dispatchEvent(new InputEvent("input", { bubbles: true }));
        // Yew renders in a microtask after the dispatch: a macrotask later the DOM is updated.
        await new Promise((r) => setTimeout(r, 0));
        out.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 30));
      }
      return out;
    });
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
    line("filter keystroke latency, median", `${q(0.5).toFixed(1)} ms`, "reference: at most 16 ms");
    line("filter keystroke latency, p95", `${q(0.95).toFixed(1)} ms`, "reference: at most 50 ms");
    await page.close();
  }

  // v1: 1,000 tokens, 50 ms latency, concurrency 4 (ONLY_BIG=1 skips it; ONLY_V1=1 runs it
  // alone), beside the ideal and two references from the same run: the same 1,000 calls from a
  // plain Node loop, 4 at a time (what this machine allows), and from a plain loop in a page of
  // the same browser (what Chromium allows a page: each call there costs the page's main thread
  // about 2 ms, and its answer waits for it).
  if (!process.env.ONLY_BIG) {
    const slow = await sandbox(BASE + 41, ["--tokens", "1000", "--latency-ms", "50"]);
    const auth = { Authorization: `Api-Token ${ADMIN_TOKEN}` };
    const list = await (await fetch(`${slow}/api/v1/tokens?limit=1000`, { headers: auth })).json();
    const ids = list.values.map((v) => v.id);
    const n0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          await fetch(`${slow}/api/v1/tokens/${id}`, { headers: auth }).then((r) => r.arrayBuffer());
        }
      }),
    );
    const nodeWall = (Date.now() - n0) / 1000;

    const plain = await browser.newPage();
    await plain.goto(`${slow}/favicon.svg`);
    const plainWall = await plain.evaluate(
      async ({ ids, token }) => {
        const t = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (next < ids.length) {
              const id = ids[next++];
              const r = await fetch(`/api/v1/tokens/${id}`, { headers: { Authorization: `Api-Token ${token}` } });
              JSON.parse(await r.text());
            }
          }),
        );
        return (performance.now() - t) / 1000;
      },
      { ids, token: ADMIN_TOKEN },
    );
    await plain.close();

    // NO_SW=1: the page without its service worker.
    const context = await browser.newContext(process.env.NO_SW ? { serviceWorkers: "block" } : {});
    const v1 = await context.newPage();
    // Each detail call as the browser timed it (Resource Timing: no wrapper around fetch, which
    // would cost the page time of its own), from the page's own clock.
    await v1.addInitScript(() => performance.setResourceTimingBufferSize(10_000));
    await openInventory(v1, slow);
    await v1.getByRole("radio", { name: /v1/ }).check();
    await v1.getByLabel("Limit").fill("1000");
    // The wall time on the page's clock: from the click to the view showing the 1,000th token's
    // details (Playwright's own polling of the page would add up to 0.5 s of its own).
    await v1.evaluate(() => {
      document.addEventListener("click", () => (window.__clicked ??= performance.now()), true);
      window.__shown = new Promise((done) =>
        new MutationObserver(() => {
          if (document.querySelector("[data-testid=progress-words]")?.textContent.includes("1,000 of 1,000 tokens")) done(performance.now());
        }).observe(document.body, { subtree: true, childList: true, characterData: true }),
      );
    });
    const cdp = await context.newCDPSession(v1);
    await cdp.send("Performance.enable");
    const busy = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value;
    const busy0 = await busy();
    // What the sandbox saw: the most /api calls it was answering at once.
    await fetch(`${slow}/_sandbox/load`, { method: "DELETE", headers: auth });
    const v1Profiler = process.env.PROFILE ? await startProfile(v1) : null;
    await v1.getByRole("button", { name: "Load tokens" }).click();
    const wall = await v1.evaluate(async () => ((await window.__shown) - window.__clicked) / 1000);
    const mainBusy = (await busy()) - busy0;
    const load = await (await fetch(`${slow}/_sandbox/load`, { headers: auth })).json();
    if (v1Profiler) await v1Profiler.report(true);
    const calls = await v1.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => /\/api\/v1\/tokens\/[^?]/.test(e.name))
        .map((e) => [e.startTime, e.responseStart, e.responseEnd]),
    );
    const first = Math.min(...calls.map((c) => c[0]));
    const last = Math.max(...calls.map((c) => c[2]));
    const waiting = calls.reduce((sum, [a, b]) => sum + (b - a), 0);
    line("v1: 1,000 tokens, 50 ms latency, concurrency 4", `${wall.toFixed(2)} s`, `ideal 12.5 s; ${(wall / 12.5).toFixed(2)}× (reference: at most 1.2×)`);
    line("  reference: a plain loop in a page, 4 at a time", `${plainWall.toFixed(2)} s`, `${(plainWall / 12.5).toFixed(2)}× the ideal: what this browser allows a page`);
    line("  reference: a plain Node loop, 4 at a time", `${nodeWall.toFixed(2)} s`, `${(nodeWall / 12.5).toFixed(2)}× the ideal: what this machine allows`);
    line("  the sandbox: most calls answered at once", load.mostAtOnce, `of ${load.requests} calls (the limit: 4)`);
    line("  the page's detail calls", `${calls.length} calls`, `mean ${(waiting / calls.length).toFixed(1)} ms from sent to answered (50 ms of latency), ${(waiting / (last - first)).toFixed(2)} waiting on average, first to last ${((last - first) / 1000).toFixed(2)} s`);
    line("  the page's main thread busy during the load", `${mainBusy.toFixed(2)} s`, `of ${wall.toFixed(2)} s (CDP Performance TaskDuration; the plain loop's: about 2 s)`);
    await context.close();
  }
} finally {
  await browser.close();
  for (const p of sandboxes) p.kill();
}
