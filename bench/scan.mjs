// `make bench`, the scan's figures (issue 12), each beside its reference from the same run:
//   1. 1,000 distinct tokens planted in a text, checked from the #/scan view against the sandbox
//      with 100 ms latency at concurrency 4: wall time beside the ideal (1,000 x 100 ms / 4 =
//      25 s), then the same while the sandbox answers 1 request in 50 with 429 (with and without
//      Retry-After); every token's status is compared with what the sandbox says it should be.
//   2. A 200 MB file, and the same gzipped, scanned in the view in headless Chromium: throughput
//      and the longest main-thread block (a 1 ms heartbeat), then the same bytes scanned by the
//      browser's own RegExp with Dynatrace's published pattern, as a ratio.
// Figures only, never pass/fail. Needs dist/ (trunk build --release) and target/debug/dt-sandbox.
// `node bench/scan.mjs trace`: what the longest main-thread tasks of each file scan are, from a
// Chrome trace (the task, where it was posted from, and its longest parts), to measure a block
// before changing anything about it.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { createReadStream } from "node:fs";
import { idleHeartbeat } from "./heartbeat.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const PORT = Number(process.env.PORT_BASE || 18180) + 40;
const APP = `http://127.0.0.1:${PORT}`;
const ADMIN = "BENCHADMINSECRET" + "2".repeat(48);
const ADMIN_TOKEN = `dt0c01.SANDBOXADMIN222222222222.${ADMIN}`;
const CONTROL = { Authorization: `Api-Token ${ADMIN_TOKEN}` };
const only = process.argv[2]; // "checks", "files" or "trace": one part only
const DEPTH = Number(process.env.DEPTH || 1); // trace: frames shown of each sampled stack
const RUNS = Number(process.env.RUNS || 1); // files: scans of each file (a loaded machine varies)
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
  // The reference: the same 1,000 look-ups from Node, 4 at a time, against the same sandbox.
  const floor = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < tokens.length) {
        const t = tokens[next++].token;
        await fetch(`${APP}/api/v2/apiTokens/lookup`, {
          method: "POST",
          headers: { Authorization: `Api-Token ${t}`, "content-type": "application/json" },
          body: JSON.stringify({ token: t }),
        }).then((r) => r.arrayBuffer());
      }
    }),
  );
  const nodeWall = (Date.now() - floor) / 1000;
  console.log(`  reference, same sandbox: the same look-ups from a plain Node loop, 4 at a time: ${nodeWall.toFixed(1)} s = ${(nodeWall / 25).toFixed(2)}x the ideal`);
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
    // A log that compresses like a real one (about 5:1): varied request lines, with a
    // distinct token and an environment URL every 5,000 lines.
    const out = createWriteStream(plain);
    const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let seed = 42;
    const rnd = (n) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 16) % n;
    };
    const word = (n, alphabet) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join("");
    const services = ["checkout", "cart", "auth", "search", "payments", "inventory", "gateway"];
    const paths = ["metrics/query", "entities", "problems", "logs/search", "settings/objects", "apiTokens"];
    let written = 0;
    let i = 0;
    let chunk = "";
    while (written < size) {
      const t = new Date(Date.UTC(2026, 10, 22, 12) + i * 37).toISOString();
      const l =
        i % 5000 === 0
          ? `${t} WARN ${services[i % 7]} env=https://abc${String(i % 90000).padStart(5, "0")}.live.dynatrace.com DT_API_TOKEN=dt0c01.${word(24, B32)}.${word(64, B32)}\n`
          : `${t} INFO ${services[rnd(7)]} req=${word(16, "0123456789abcdef")} user=u${rnd(5000)} path=/api/v2/${paths[rnd(6)]} status=${[200, 200, 200, 404, 500][rnd(5)]} took=${rnd(900)}ms dt0c01 ok\n`;
      chunk += l;
      written += l.length;
      i++;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
        chunk = "";
      }
    }
    out.write(chunk);
    await new Promise((r) => out.end(r));
  }
  if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(plain).mtimeMs) {
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gz));
  }
  return { plain, gz };
}

/** The page's main-thread tasks between two `console.timeStamp` marks of a trace. */
function mainTasks(events, from, to) {
  const mains = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const mark = (name) => events.find((e) => e.name === "TimeStamp" && e.args?.data?.message === name)?.ts;
  const [t0, t1] = [mark(from), mark(to)];
  const tasks = events.filter(
    (e) => e.ph === "X" && e.dur && mains.has(`${e.pid}:${e.tid}`) && (e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask") && e.ts >= t0 && e.ts <= t1,
  );
  return { tasks, t0 };
}

/** The task that kept the main thread busiest in thread CPU time (`tdur`): what the page itself
 * computed in one go, without the time the machine's other work kept the thread off a core
 * (which the heartbeat counts too). */
function longestCpuTask(trace, from, to) {
  const { tasks, t0 } = mainTasks(JSON.parse(trace.toString("utf8")).traceEvents, from, to);
  const task = tasks.filter((e) => e.tdur).sort((a, b) => b.tdur - a.tdur)[0];
  return task ? { cpu: task.tdur / 1000, wall: task.dur / 1000, at: (task.ts - t0) / 1e6 } : null;
}

/** The longest tasks of the page's main thread while it scanned, and what took their time: the
 * trace's own events, and the functions the CPU profiler sampled inside the task (wasm ones too). */
function longestTasks(trace, profile, from, to) {
  const events = JSON.parse(trace.toString("utf8")).traceEvents;
  const mains = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const spans = events.filter((e) => e.ph === "X" && e.dur && mains.has(`${e.pid}:${e.tid}`));
  // The scan's window in trace time: the page's own marks.
  const mark = (name) => events.find((e) => e.name === "TimeStamp" && e.args?.data?.message === name)?.ts;
  const [t0, t1] = [mark(from), mark(to)];
  const tasks = spans
    .filter((e) => (e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask") && (!t0 || e.ts >= t0) && (!t1 || e.ts <= t1))
    .sort((a, b) => b.dur - a.dur)
    // A task is often two nested events (RunTask, ThreadControllerImpl::RunTask): once each.
    .filter((e, i, all) => !all.slice(0, i).some((o) => o.ts <= e.ts && e.ts + e.dur <= o.ts + o.dur))
    .slice(0, 3);
  const describe = (e) => {
    const d = e.args?.data ?? {};
    const what = [d.functionName, d.url && d.url.split("/").pop(), d.type, e.args?.src_func && `posted from ${e.args.src_file?.split("/").slice(-2).join("/")}:${e.args.src_func}`].filter(Boolean).join(" ");
    return `${e.name}${what ? ` (${what})` : ""} ${(e.dur / 1000).toFixed(1)} ms`;
  };
  // CPU time of the thread (`tdur`): what the page itself computed in one task, without the time
  // the machine's other work kept the thread off a core.
  const cpu = spans
    .filter((e) => (e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask") && e.tdur && (!t0 || e.ts >= t0) && (!t1 || e.ts <= t1))
    .sort((a, b) => b.tdur - a.tdur)[0];
  const header = cpu ? [`longest task in thread CPU time: ${(cpu.tdur / 1000).toFixed(1)} ms (${(cpu.dur / 1000).toFixed(1)} ms of wall time), ${t0 ? ((cpu.ts - t0) / 1e6).toFixed(2) : "?"} s in`] : ["(no thread CPU times in the trace)"];
  return header.concat(tasks.map((task) => {
    const inside = spans.filter((e) => e !== task && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    const parts = inside.sort((a, b) => b.dur - a.dur).slice(0, 8).map(describe);
    // Self time per function among the samples inside the task (same clock as the trace).
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
    const frame = (id) => {
      const f = byId.get(id).callFrame;
      return `${f.functionName || "(anonymous)"}${f.url ? ` ${f.url.split("/").pop().replace("dt-token-checker", "")}` : ""}`;
    };
    const self = new Map();
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i];
      if (at < task.ts || at > task.ts + task.dur) return;
      // The sampled function and its callers (DEPTH frames), innermost first.
      const stack = [];
      for (let n = id; n !== undefined && stack.length < DEPTH; n = parent.get(n)) stack.push(frame(n));
      const name = stack.join(" < ");
      self.set(name, (self.get(name) ?? 0) + 1);
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
    const functions = [...self].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, c]) => `${n} ${((100 * c) / total).toFixed(0)}%`);
    if (DEPTH > 1) return `${describe(task)}, ${t0 ? ((task.ts - t0) / 1e6).toFixed(2) : "?"} s in; sampled stacks:\n    ${functions.join("\n    ")}`;
    return `${describe(task)}, ${t0 ? ((task.ts - t0) / 1e6).toFixed(2) : "?"} s in; longest parts: ${parts.join("; ")}; sampled: ${functions.join(", ")}`;
  }));
}

/** One scan of `path` in a new page. `trace`: false, "cpu" (a light trace for the longest task in
 * CPU time) or "profile" (a full trace and the CPU profiler, for `trace` mode). */
async function scanFile(browser, path, trace = false) {
  const page = await openScan(browser);
  let cdp;
  if (trace === "cpu") await browser.startTracing(page, { categories: ["toplevel", "devtools.timeline"] });
  if (trace === "profile") {
    cdp = await page.context().newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    await browser.startTracing(page, {
      categories: ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8", "blink", "disabled-by-default-v8.gc"],
    });
  }
  await page.getByLabel("Files to scan").setInputFiles(path);
  await page.evaluate(() => {
    // A 1 ms heartbeat: the longest gap between beats is the longest the main thread was busy.
    window.__beat = { last: performance.now(), longest: 0, at: 0, on: true };
    const beat = () => {
      const now = performance.now();
      if (now - window.__beat.last > window.__beat.longest) window.__beat.at = now;
      window.__beat.longest = Math.max(window.__beat.longest, now - window.__beat.last);
      window.__beat.last = now;
      if (window.__beat.on) setTimeout(beat, 1);
    };
    setTimeout(beat, 1);
    // The same with a user-blocking task (`scheduler.postTask`): how long work the person starts
    // (a key, a click) waits. Timers queue behind the file stream's own tasks; this one does not.
    window.__ubeat = { last: performance.now(), longest: 0 };
    const ubeat = () => {
      const now = performance.now();
      window.__ubeat.longest = Math.max(window.__ubeat.longest, now - window.__ubeat.last);
      window.__ubeat.last = now;
      if (window.__beat.on) scheduler.postTask(ubeat, { priority: "user-blocking", delay: 1 });
    };
    scheduler.postTask(ubeat, { priority: "user-blocking", delay: 1 });
  });
  // The harness's own work on the page's thread stays out of the figure: the button is found by
  // its role before the heartbeat window (Playwright's role query computes accessible names over
  // the whole page: a 57 ms task in a trace), and the end is watched with one cheap query every
  // 50 ms instead of a locator's polling.
  const button = await page.getByRole("button", { name: "Scan", exact: true }).elementHandle();
  await page.waitForTimeout(50);
  const started = await page.evaluate(() => performance.now());
  await page.evaluate(() => console.timeStamp("scan-start"));
  await button.evaluate((b) => b.click());
  await page.waitForFunction(() => document.querySelector("[data-testid=scan-progress]")?.textContent.includes("Scan done"), null, {
    polling: 50,
    timeout: 600_000,
  });
  const result = await page.evaluate((t0) => {
    window.__beat.on = false;
    console.timeStamp("scan-end");
    return { ms: performance.now() - t0, longest: window.__beat.longest, urgent: window.__ubeat.longest, at: window.__beat.at - t0, status: document.querySelector("[data-testid=scan-progress]").innerText };
  }, started);
  if (trace === "cpu") {
    result.cpu = longestCpuTask(await browser.stopTracing(), "scan-start", "scan-end");
    await page.close();
    return result;
  }
  if (trace) {
    const { profile } = await cdp.send("Profiler.stop");
    result.tasks = longestTasks(await browser.stopTracing(), profile, "scan-start", "scan-end");
    await page.close();
    return result;
  }
  const bytes = statSync(path).size;
  // References from the same page: the heartbeat on an idle page for as long (what this machine
  // itself costs the 1 ms timer), and reading the same stream without scanning it.
  const idle = await idleHeartbeat(page, result.ms);
  const read = await page.evaluate(async () => {
    const file = document.querySelector("input[type=file]").files[0];
    const t = performance.now();
    let stream = file.stream();
    if (file.name.endsWith(".gz")) stream = stream.pipeThrough(new DecompressionStream("gzip"));
    const reader = stream.getReader();
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
    }
    return { read: performance.now() - t, n };
  });
  const reference = { idle, ...read };
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
  return { ...result, bytes, regex, reference };
}

async function traces(browser) {
  const { plain, gz } = await bigFiles();
  for (const path of [plain, gz]) {
    const r = await scanFile(browser, path, "profile");
    console.log(`${path.split("/").pop()}: longest main-thread block ${r.longest.toFixed(0)} ms (heartbeat), ${(r.at / 1000).toFixed(2)} s in (scan ${(r.ms / 1000).toFixed(2)} s, traced)`);
    for (const task of r.tasks) console.log(`  ${task}`);
  }
}

async function files(browser) {
  const { plain, gz } = await bigFiles();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  // FILE=plain or FILE=gz: that file only.
  for (const path of [plain, gz].filter((p) => !process.env.FILE || (process.env.FILE === "gz") === p.endsWith(".gz"))) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await scanFile(browser, path);
      runs.push(r);
      const mb = 200; // decompressed size, both files
      const name = path.endsWith(".gz") ? `the same gzipped (${(r.bytes / 1e6).toFixed(1)} MB)` : `${(r.bytes / 1e6).toFixed(0)} MB log`;
      console.log(
        `${name}: scanned in ${(r.ms / 1000).toFixed(2)} s = ${(mb / (r.ms / 1000)).toFixed(0)} MB/s (read, ${path.endsWith(".gz") ? "decompress, " : ""}scan, progress), longest main-thread block ${r.longest.toFixed(0)} ms by a timer heartbeat (limit 50 ms; it ended ${(r.at / 1000).toFixed(2)} s in), ${r.urgent.toFixed(0)} ms by a user-blocking heartbeat; ` +
          `RegExp with Dynatrace's pattern on the same bytes: ${(r.regex.ms / 1000).toFixed(2)} s = ${(mb / (r.regex.ms / 1000)).toFixed(0)} MB/s (+${(r.regex.decode / 1000).toFixed(2)} s to make the JS string), ${r.regex.matches} matches; ` +
          `the view ${(r.regex.ms / r.ms).toFixed(2)}x the RegExp's speed`,
      );
      console.log(
        `  references, same page: reading the same stream${path.endsWith(".gz") ? " (decompressed)" : ""} without scanning ${(r.reference.read / 1000).toFixed(2)} s = ${(mb / (r.reference.read / 1000)).toFixed(0)} MB/s; ` +
          `longest heartbeat gap on the idle page for as long: ${r.reference.idle.toFixed(0)} ms (what the machine's load alone costs)`,
      );
      console.log(`  (${r.status.replace(/\s+/g, " ")})`);
    }
    // One more scan, traced: the longest task in CPU time (tracing slows the scan a little, so
    // it is a run of its own, not one of the above).
    const traced = await scanFile(browser, path, "cpu");
    if (traced.cpu) {
      console.log(
        `  traced scan: longest main-thread task ${traced.cpu.cpu.toFixed(1)} ms of CPU time (${traced.cpu.wall.toFixed(1)} ms of wall time, ${traced.cpu.at.toFixed(2)} s in); its heartbeat: ${traced.longest.toFixed(0)} ms`,
      );
    }
    if (RUNS > 1) {
      const blocks = runs.map((r) => r.longest);
      console.log(
        `  ${RUNS} runs: longest block median ${median(blocks).toFixed(0)} ms (${Math.min(...blocks).toFixed(0)}-${Math.max(...blocks).toFixed(0)}), ` +
          `throughput median ${median(runs.map((r) => 200 / (r.ms / 1000))).toFixed(0)} MB/s; idle heartbeat gap median ${median(runs.map((r) => r.reference.idle)).toFixed(0)} ms (${Math.min(...runs.map((r) => r.reference.idle)).toFixed(0)}-${Math.max(...runs.map((r) => r.reference.idle)).toFixed(0)})`,
      );
    }
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
  if (only === "trace") await traces(browser);
  else {
    if (only !== "files") await checks(browser);
    if (only !== "checks") await files(browser);
  }
} finally {
  await browser?.close();
  sandbox.kill();
}
