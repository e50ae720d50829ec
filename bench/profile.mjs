// `PROFILE=1 node bench/inventory.mjs`: what the longest main-thread tasks of the inventory's load
// are made of, measured rather than guessed. Two recordings through the DevTools protocol:
//   - a trace (Tracing): each long task on the page's main thread as a tree of what the browser
//     did in it (script, the wasm's lazy compilation, style, layout, paint, garbage collection);
//   - a CPU profile (Profiler, 100 µs samples): which functions ran in that task, by self and by
//     total time. Function names need a wasm that keeps its name section (a build with wasm-opt's
//     `-g`); the release build's functions show as `$funcN`.
// Figures only; nothing here is pass/fail.

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "v8",
  "v8.execute",
  "v8.wasm",
  "disabled-by-default-v8.wasm.detailed",
  "disabled-by-default-v8.compile",
  "blink.user_timing",
].join(",");

export async function startProfile(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReportEvents" });
  await cdp.send("Profiler.start");
  return {
    /** `whole`: the CPU profile of the whole recording, not of its longest tasks. */
    async report(whole = false) {
      const { profile } = await cdp.send("Profiler.stop");
      const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
      await cdp.send("Tracing.end");
      await done;
      if (whole) {
        console.log("\n== the whole recording: the main thread's time by trace event (nested events counted in their parents too)");
        const spans = mainThread(events);
        const sums = new Map();
        for (const sp of spans) sums.set(sp.name, (sums.get(sp.name) || [0, 0]).map((v, i) => v + (i ? 1 : sp.dur)));
        for (const [name, [us, n]] of [...sums.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) {
          console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name} (×${n})`);
        }
        samples(profile, -Infinity, Infinity);
      } else {
        analyse(events, profile, Number(process.env.PROFILE_TASKS || 3));
      }
    },
  };
}

function mainThread(events) {
  // The renderer's main thread: the CrRendererMain with the most tasks on it.
  const mains = events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`);
  const busy = new Map();
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`;
    if (mains.includes(k) && e.ph === "X" && e.name === "RunTask") busy.set(k, (busy.get(k) || 0) + (e.dur || 0));
  }
  const main = [...busy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = events.filter((e) => `${e.pid}:${e.tid}` === main && (e.ph === "X" || e.ph === "B" || e.ph === "E"));
  return toSpans(mine);
}

function analyse(events, profile, tasks) {
  const spans = mainThread(events);
  const top = spans.filter((s) => s.name === "RunTask").sort((a, b) => b.dur - a.dur).slice(0, tasks);
  const ms = (us) => (us / 1000).toFixed(1);
  const first = spans.length ? Math.min(...spans.map((s) => s.ts)) : 0;
  console.log(`profile: ${spans.filter((s) => s.name === "RunTask" && s.dur > 50_000).length} tasks over 50 ms on the main thread`);
  for (const task of top.sort((a, b) => a.ts - b.ts)) {
    console.log(`\n== task of ${ms(task.dur)} ms at +${ms(task.ts - first)} ms`);
    const inside = spans.filter((s) => s.ts >= task.ts && s.ts + s.dur <= task.ts + task.dur && s !== task);
    printTree(nest(inside), 1, ms);
    samples(profile, task.ts, task.ts + task.dur);
  }
}

/** X events as they are; B/E pairs matched into spans. */
function toSpans(events) {
  const out = [];
  const open = [];
  for (const e of events.slice().sort((a, b) => a.ts - b.ts)) {
    if (e.ph === "X") out.push({ name: label(e), ts: e.ts, dur: e.dur || 0 });
    else if (e.ph === "B") open.push(e);
    else if (e.ph === "E") {
      const b = open.pop();
      if (b) out.push({ name: label(b), ts: b.ts, dur: e.ts - b.ts });
    }
  }
  return out;
}

function label(e) {
  const d = e.args?.data;
  if (e.name === "FunctionCall" && d) return `FunctionCall ${d.functionName || ""} ${(d.url || "").split("/").pop()}`.trim();
  if (e.name === "TimerFire" || e.name === "EventDispatch") return `${e.name} ${d?.type || d?.timerId || ""}`.trim();
  return e.name;
}

function nest(spans) {
  spans.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const roots = [];
  const stack = [];
  for (const s of spans) {
    s.children = [];
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur < s.ts + s.dur) stack.pop();
    (stack.length ? stack[stack.length - 1].children : roots).push(s);
    stack.push(s);
  }
  return roots;
}

function printTree(nodes, depth, ms) {
  if (depth > 6) return;
  // Siblings of one name are summed, so 40 small layouts read as one line.
  const byName = new Map();
  for (const n of nodes) {
    const g = byName.get(n.name) || { name: n.name, dur: 0, count: 0, children: [] };
    g.dur += n.dur;
    g.count++;
    g.children.push(...n.children);
    byName.set(n.name, g);
  }
  for (const g of [...byName.values()].sort((a, b) => b.dur - a.dur)) {
    if (g.dur < 1000) continue;
    console.log(`${"  ".repeat(depth)}${ms(g.dur)} ms  ${g.name}${g.count > 1 ? ` (×${g.count})` : ""}`);
    printTree(g.children, depth + 1, ms);
  }
}

/** Self and total time by function over the CPU profile's samples in [from, to] (µs). */
function samples(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const name = (n) => {
    const f = n.callFrame;
    const where = f.url ? ` ${f.url.split("/").pop()}` : "";
    return `${f.functionName || "(anonymous)"}${where}`;
  };
  const self = new Map();
  const total = new Map();
  let t = profile.startTime;
  let count = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to || byId.get(profile.samples[i]).callFrame.functionName === "(idle)") continue;
    const delta = profile.timeDeltas[i + 1] ?? 100;
    count++;
    let id = profile.samples[i];
    const leaf = byId.get(id);
    self.set(name(leaf), (self.get(name(leaf)) || 0) + delta);
    const seen = new Set();
    while (id !== undefined) {
      const n = name(byId.get(id));
      if (!seen.has(n)) total.set(n, (total.get(n) || 0) + delta);
      seen.add(n);
      id = parent.get(id);
    }
  }
  const top = (m, k) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, us]) => `    ${(us / 1000).toFixed(1).padStart(6)} ms  ${n.slice(0, 140)}`)
      .join("\n");
  console.log(`  CPU samples in this task: ${count}\n  by self time:\n${top(self, 25)}\n  by total time:\n${top(total, 40)}`);
}

/**
 * A light trace (top-level tasks and the timeline) of the page's main thread, for the bench's figures: its
 * longest task by wall time, and the longest by the thread's own CPU time (`tdur`). On a machine
 * shared at a load above its cores, a task's wall time includes the time the thread waited for a
 * core; its CPU time is what the page itself did.
 */
export async function startTasks(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  await cdp.send("Tracing.start", { categories: "toplevel,devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
  return {
    async stop() {
      const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
      await cdp.send("Tracing.end");
      await done;
      const tasks = mainThread(events).filter((s) => s.name === "RunTask");
      const cpu = new Map(events.filter((e) => e.name === "RunTask" && e.ph === "X").map((e) => [e.ts, e.tdur ?? 0]));
      let wall = 0;
      let cpuOfWall = 0;
      let longestCpu = 0;
      for (const t of tasks) {
        const c = cpu.get(t.ts) ?? 0;
        if (t.dur > wall) [wall, cpuOfWall] = [t.dur, c];
        longestCpu = Math.max(longestCpu, c);
      }
      return { wall: wall / 1000, cpuOfWall: cpuOfWall / 1000, longestCpu: longestCpu / 1000 };
    },
  };
}
