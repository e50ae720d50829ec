// What one wasm holds, by view: the code of each view's module and of the dt-core modules only it
// uses, from twiggy's table of a release build before wasm-opt (function names are still there).
// scripts/bench.sh runs it on the page's wasm (which should hold no Inventory or Scan code: they
// are modules of their own, src/views/lazy.rs) and on each view module's. Raw bytes of code, not
// gzip: a share, to compare, not a download size (`node scripts/sizes.mjs dist` gives those).
import { readFileSync } from "node:fs";

const rows = readFileSync(0, "utf8").trim().split("\n").slice(1);
const groups = {
  "Check (views::check, cards, token input, anatomy, trust, results)": /dt_token_checker::(views::check|components::(cards|token_input|anatomy|trust|results|error_panel|copy|scopes))/,
  "Inventory (views::inventory, dt_core::inventory, audit, export)": /dt_token_checker::views::inventory|dt_core::(inventory|audit|export)/,
  "Scan (views::scan, dt_core::incident, the byte scanner)": /dt_token_checker::views::scan|dt_core::incident|dt_core::token::scan::stream/,
  "shared: app, route, client, pool, settings": /dt_token_checker::(app|route|client|components::(settings|theme|time))/,
};
const total = { all: 0 };
for (const row of rows) {
  const m = row.match(/^"?(.*?)"?,(\d+),/);
  if (!m) continue;
  const [, name, size] = m;
  if (/function names|wasm_bindgen_unstable/.test(name)) continue;
  total.all += Number(size);
  for (const [label, re] of Object.entries(groups)) {
    if (re.test(name)) total[label] = (total[label] || 0) + Number(size);
  }
}
for (const label of Object.keys(groups)) {
  console.log(`${label.padEnd(72)} ${((total[label] || 0) / 1024).toFixed(1).padStart(7)} KB code`);
}
console.log(`${"whole wasm (code and data, before wasm-opt)".padEnd(72)} ${(total.all / 1024).toFixed(1).padStart(7)} KB`);
