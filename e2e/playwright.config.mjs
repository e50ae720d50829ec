// End-to-end tests: the built dist/ served by the sandbox (same origin, as behind a reverse
// proxy), plus two sandboxes the page calls directly, with CORS on and off.
import { defineConfig } from "@playwright/test";
import { PORTS, ADMIN_SECRET, INVENTORY_TOKENS, BIG_TOKENS, SLOW_MS } from "./env.mjs";

const sandbox = "../target/debug/dt-sandbox";
const server = (port, flags) => ({
  command: `${sandbox} --listen 127.0.0.1:${port} --admin-token ${ADMIN_SECRET} ${flags}`,
  url: `http://127.0.0.1:${port}/_sandbox/health`,
  reuseExistingServer: false,
  timeout: 30_000,
  stdout: "ignore",
  stderr: "pipe",
});

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.mjs/,
  outputDir: "../target/e2e-results",
  // One sandbox is shared and some tests switch its faults: run the tests one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORTS.app}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    viewport: { width: 1100, height: 900 },
  },
  webServer: [
    server(PORTS.app, "--serve-dir ../dist"),
    server(PORTS.cors, "--cors"),
    server(PORTS.noCors, "--no-cors"),
    server(PORTS.tokens, `--cors --tokens ${INVENTORY_TOKENS}`),
    server(PORTS.big, `--cors --tokens ${BIG_TOKENS}`),
    server(PORTS.slow, `--cors --tokens 100 --latency-ms ${SLOW_MS}`),
  ],
});
