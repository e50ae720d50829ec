// Starts Debian's nginx or Caddy with the deploy/ configuration, for e2e/proxy.spec.mjs.
//
// The file is used as shipped: a copy under target/proxy/<server>/ differs only in the
// environment (the --no-cors sandbox on loopback instead of a SaaS host), the listening address
// (127.0.0.1 and a port from PORT_BASE), and the paths of dist/ and the logs. Each replacement
// must match exactly once, so a change to deploy/ that the test would silently stop covering
// fails here instead. The servers run as the current user, in the foreground, with a prefix,
// pid file and logs of their own: nothing of the system's nginx or Caddy is touched.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PORTS, PROXY_PORTS } from "./env.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = `${ROOT}dist/`;
export const SUB_PATH = "/tools/token-checker/";
const SANDBOX = `http://127.0.0.1:${PORTS.noCors}`;

/** Whether a server's program is on the PATH. */
export function installed(program) {
  return spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
}

/** `text` with `from` replaced by `to`, which must occur exactly once. */
function replaceOnce(text, from, to, file) {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`${file}: expected "${from}" once, found it ${count} times`);
  return text.replace(from, () => to);
}

function render(file, replacements) {
  let text = readFileSync(`${ROOT}${file}`, "utf8");
  for (const [from, to] of replacements) text = replaceOnce(text, from, to, file);
  return text;
}

const configs = {
  nginx(dir, port, environment) {
    const site = render("deploy/nginx.conf", [
      ['"https://abc12345.live.dynatrace.com"', `"${environment}"`],
      ["listen 8080;", `listen 127.0.0.1:${port};`],
      ["alias /var/www/token-checker/;", `alias ${DIST};`],
      ["/var/log/nginx/token-checker.access.log", `${dir}/access.log`],
      ["/var/log/nginx/token-checker.error.log", `${dir}/error.log`],
    ]);
    writeFileSync(`${dir}/token-checker.conf`, site);
    // What Debian's /etc/nginx/nginx.conf gives a conf.d file: the brotli module, mime.types.
    writeFileSync(
      `${dir}/nginx.conf`,
      [
        "load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;",
        "worker_processes 1;",
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        "events { worker_connections 64; }",
        "http {",
        "  include /etc/nginx/mime.types;",
        "  default_type application/octet-stream;",
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
        `  include ${dir}/token-checker.conf;`,
        "}",
        "",
      ].join("\n"),
    );
    // nginx makes the temp dirs itself, owned by its worker user (nobody, when started as root).
    mkdirSync(`${dir}/tmp`, { recursive: true });
    return {
      command: "nginx",
      args: ["-p", `${dir}/`, "-e", `${dir}/error.log`, "-c", `${dir}/nginx.conf`, "-g", "daemon off;"],
      logs: [`${dir}/access.log`, `${dir}/error.log`],
    };
  },
  caddy(dir, port, environment) {
    const caddyfile = render("deploy/Caddyfile", [
      ["to https://abc12345.live.dynatrace.com", `to ${environment}`],
      ["\n:8080 {", `\nhttp://127.0.0.1:${port} {`],
      ["root * /var/www/token-checker", `root * ${DIST}`],
      ["/var/log/caddy/token-checker.access.log", `${dir}/access.log`],
    ]);
    writeFileSync(`${dir}/Caddyfile`, caddyfile);
    return {
      command: "caddy",
      args: ["run", "--adapter", "caddyfile", "--config", `${dir}/Caddyfile`],
      // Caddy's own log goes to its stderr: that file is its error log.
      logs: [`${dir}/access.log`, `${dir}/error.log`],
      stderrToErrorLog: true,
      // Caddy keeps its state (certificates, autosave) under XDG dirs: keep them in the prefix.
      env: { XDG_DATA_HOME: `${dir}/data`, XDG_CONFIG_HOME: `${dir}/config`, HOME: dir },
    };
  },
};

/**
 * Starts `kind` ("nginx" or "caddy") in front of `environment` (the --no-cors sandbox unless
 * told) and waits until it serves the page. Returns { origin, page, logs, stop }.
 */
export async function startProxy(kind, { environment = SANDBOX, name = kind, port = PROXY_PORTS[kind] } = {}) {
  const dir = `${ROOT}target/proxy/${name}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const setup = configs[kind](dir, port, environment);
  const errorLog = openSync(`${dir}/error.log`, "a");
  const stdout = openSync(`${dir}/stdout.log`, "a");
  const child = spawn(setup.command, setup.args, {
    cwd: dir,
    env: { ...process.env, ...(setup.env ?? {}) },
    stdio: ["ignore", stdout, setup.stderrToErrorLog ? errorLog : stdout],
  });
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));

  const origin = `http://127.0.0.1:${port}`;
  const page = `${origin}${SUB_PATH}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      const out = ["stdout.log", "error.log"].map((f) => readFileSync(`${dir}/${f}`, "utf8")).join("\n");
      throw new Error(`${kind} exited (${JSON.stringify(exited)}) before serving the page:\n${out}`);
    }
    try {
      if ((await fetch(page)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${kind} did not serve ${page} within 15 s; see ${dir}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    origin,
    page,
    /** Everything the server wrote to its access and error logs so far. */
    logs: () => setup.logs.filter(existsSync).map((f) => ({ file: f, text: readFileSync(f, "utf8") })),
    stop: async () => {
      if (exited) return;
      const gone = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await gone;
    },
  };
}
