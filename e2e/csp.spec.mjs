// The Content-Security-Policy of the built pages (written in by scripts/minify.mjs, explained in
// scripts/csp.mjs): it is there, it is the strict one, its script hash is the loader's as shipped,
// the browser enforces it, and the page, the widget and the panic page all work under it.
// Every other spec fails on a violation too: open() in helpers.mjs watches for them.
import { test, expect } from "@playwright/test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { PORTS, EXAMPLE_TOKEN, EXAMPLE_SECRET } from "./env.mjs";
import { open, paste, setEnvironment, checkButton, failOnCspViolations, recordCspViolations, cspViolations } from "./helpers.mjs";

const DIST = new URL("../dist/", import.meta.url);

// Written out here, not imported from scripts/csp.mjs: loosening the policy must fail this test.
const policy = (hashes) =>
  [
    "default-src 'none'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...hashes].join(" "),
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
    "manifest-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");

const sha256 = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The page's policy, where it sits, its inline scripts, and any attribute the policy forbids. */
async function pageFacts(page) {
  return page.evaluate(() => {
    const metas = [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]')];
    const head = [...document.head.children];
    return {
      policies: metas.map((m) => m.content),
      // 0 = <meta charset>; the policy must come before every script and stylesheet.
      position: head.indexOf(metas[0]),
      inline: [...document.scripts].filter((s) => !s.src).map((s) => s.textContent),
      forbidden: [...document.querySelectorAll("*")].flatMap((el) =>
        [...el.attributes].filter((a) => /^on/i.test(a.name) || a.name === "style").map((a) => `<${el.localName} ${a.name}>`),
      ),
    };
  });
}

test("the built index.html carries the strict policy, with the hashes of its two inline scripts as shipped", async ({ page }) => {
  await open(page);
  const facts = await pageFacts(page);
  expect(facts.inline, "two inline scripts: the view modules' importer, then Trunk's loader").toHaveLength(2);
  // The one-liner that imports a view module when its view is first opened (src/views/lazy.rs):
  // a same-origin module (script-src 'self'), nothing else.
  expect(facts.inline[0]).toBe("window.dtImportView = (name, attempt) => import(`./${name}.js${attempt ? `?attempt=${attempt}` : \"\"}`);");
  expect(facts.inline[1]).toContain("window.wasmBindings = bindings");
  expect(facts.policies).toEqual([policy(facts.inline.map(sha256))]);
  expect(facts.position).toBe(1);
  expect(facts.forbidden, "inline handlers or style attributes, after the app rendered").toEqual([]);
  // The file itself, not only what the browser made of it.
  const html = readFileSync(new URL("index.html", DIST), "utf8");
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${facts.policies[0]}" />`);
  expect(html).not.toMatch(/\son[a-z]+=|\sstyle=|<style/i);
});

test("the built embed.html carries the policy, with no inline script or style at all", async ({ page }) => {
  await failOnCspViolations(page);
  await page.goto("/embed.html");
  await expect(page.locator("#checker .dtc")).toBeVisible();
  const facts = await pageFacts(page);
  expect(facts.inline).toEqual([]);
  expect(facts.policies).toEqual([policy([])]);
  expect(facts.position).toBe(1);
  expect(facts.forbidden).toEqual([]);
  const html = readFileSync(new URL("embed.html", DIST), "utf8");
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${policy([])}" />`);
  expect(html).not.toMatch(/\son[a-z]+=|\sstyle=|<style|<script(?![^>]*\ssrc=)/i);
  expect(await cspViolations(page)).toEqual([]);
});

// The check the other specs rely on can fail: what the policy blocks is seen by the recorder.
test("the browser enforces the policy, and the recorder sees each violation", async ({ page }) => {
  await page.addInitScript(recordCspViolations);
  await page.goto("/");
  await expect(page.getByLabel("Token to check")).toBeVisible();
  const outcome = await page.evaluate(async () => {
    const result = {};
    const script = document.createElement("script");
    script.textContent = "window.__inlineRan = true";
    document.head.append(script);
    result.inlineRan = window.__inlineRan === true;
    const handler = document.createElement("div");
    handler.innerHTML = '<img src="./favicon.svg" onload="window.__handlerRan = true">';
    document.body.append(handler);
    await new Promise((done) => setTimeout(done, 500));
    result.handlerRan = window.__handlerRan === true;
    document.body.setAttribute("style", "outline: 3px solid red");
    result.styled = getComputedStyle(document.body).outlineStyle === "solid";
    result.fetch = await fetch("http://192.0.2.1/api/v2/apiTokens/lookup").then(() => "sent", (e) => e.name);
    const image = new Image();
    const loaded = new Promise((done) => { image.onload = () => done("loaded"); image.onerror = () => done("blocked"); });
    image.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    result.image = await loaded;
    return result;
  });
  expect(outcome).toEqual({ inlineRan: false, handlerRan: false, styled: false, fetch: "TypeError", image: "blocked" });
  await expect
    .poll(async () => (await cspViolations(page)).map((v) => v.split(" ")[0]).sort())
    .toEqual(["connect-src", "img-src", "script-src-attr", "script-src-elem", "style-src-attr"]);
});

test("the checker works under the policy: a look-up on this origin and on a loopback sandbox", async ({ page }) => {
  const problems = await open(page);
  await paste(page, EXAMPLE_TOKEN);
  await checkButton(page).click();
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
  // Another port of this machine, over plain http: the policy's loopback sources.
  await setEnvironment(page, `http://127.0.0.1:${PORTS.cors}`);
  await checkButton(page).click();
  await expect(page.getByTestId("api-base")).toHaveText(`http://127.0.0.1:${PORTS.cors}/api`);
  await expect(page.getByTestId("token-name")).toHaveText("myToken");
  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test("the widget in embed.html works under the policy", async ({ page }) => {
  await failOnCspViolations(page);
  await page.goto("/embed.html");
  const widget = page.locator("#checker");
  await widget.getByLabel("Token to check").fill(EXAMPLE_TOKEN);
  await widget.getByRole("button", { name: "Check", exact: true }).click();
  await expect(widget.getByTestId("token-name")).toHaveText("myToken");
  const parsed = await page.evaluate((t) => window.parseTokenFromHost(t), EXAMPLE_TOKEN);
  expect(parsed.status).toBe("ok");
  expect(JSON.stringify(parsed)).not.toContain(EXAMPLE_SECRET);
  expect(await cspViolations(page)).toEqual([]);
});

test("after a panic, the message's Reload button reloads the page under the policy", async ({ page }) => {
  await open(page);
  await paste(page, EXAMPLE_TOKEN);
  // A panic on purpose: a host script moves a widget's own node away, and the next update makes
  // Yew insert before a node that is no longer where it left it (Yew's insert fails and panics).
  // (mount() given something that cannot hold the widget, like a text node, is an error, not a
  // panic.)
  const thrown = await page.evaluate(async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const widget = window.wasmBindings.mount(host, { hideSettings: true });
    while (!host.querySelector("main")) await new Promise(requestAnimationFrame);
    host.querySelector("main").firstElementChild.remove();
    widget.update({ hideSettings: false });
    try {
      window.wasmBindings.mount(document.createTextNode(""), {});
      return "no error";
    } catch (e) {
      return e.message;
    }
  });
  expect(thrown).toBe("mount(element, options): element must be an element that can hold children");
  const alert = page.locator("#dt-token-checker").getByRole("alert").filter({ hasText: "Something went wrong inside the checker" });
  // The widget the script mounted gets the message too.
  await expect(page.getByRole("alert").filter({ hasText: "Something went wrong inside the checker" })).toHaveCount(2);
  await expect(alert, `the panic message (mount threw: ${thrown})`).toBeVisible();
  await expect(page.getByLabel("Token to check")).toHaveCount(0);
  const reload = alert.getByRole("button", { name: "Reload" });
  expect(await reload.getAttribute("onclick")).toBeNull();
  await Promise.all([page.waitForEvent("load"), reload.click()]);
  await expect(page.getByLabel("Token to check")).toBeVisible();
  await expect(page.getByLabel("Token to check")).toHaveValue("");
  await expect(alert).toHaveCount(0);
  expect(await cspViolations(page)).toEqual([]);
});
