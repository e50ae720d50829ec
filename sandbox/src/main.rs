//! `dt-sandbox`: start a local Dynatrace token API. See `--help`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use dt_sandbox::{app, Config, Fault, FaultKind, Sandbox};

/// Enough for any paging or performance test; more would only exhaust memory.
const MAX_TOKENS: usize = 10_000_000;

const USAGE: &str = "\
dt-sandbox: a local server that behaves like the Dynatrace token API

usage: dt-sandbox [--listen 127.0.0.1:8081] [--cors | --no-cors] [--tokens N]
                  [--activegate-tokens N] [--now TIME] [--latency-ms N]
                  [--admin-token SECRET] [--fault KIND] [--fault-every N]
                  [--retry-after SECONDS] [--rate-limit N] [--serve-dir DIR]
                  [--allow-remote]

  --listen ADDR         address to listen on (default 127.0.0.1:8081; loopback only
                        unless --allow-remote)
  --cors / --no-cors    answer browsers' cross-origin calls, or behave like a server that
                        sends no CORS headers (default --cors)
  --tokens N            add N generated API tokens, the same ones at every start: owners
                        (a few with hundreds of tokens), realistic names and scopes of every
                        risk class, personal access tokens, disabled, expired, expiring
                        within 30 days, never expiring, never used, unused for 90+ days,
                        dates over six years, last-use IP addresses
  --activegate-tokens N add N generated ActiveGate tokens (default: N of --tokens / 20)
  --now TIME            start the sandbox's clock at TIME (ISO 8601, e.g.
                        2026-01-01T00:00:00Z; it runs on from there): with it, every
                        generated date is the same at each start (default: the real time)
  --latency-ms N        delay every /api answer by N ms
  --admin-token SECRET  the 64-character secret of the admin token (default: generated
                        at each start; the full token is printed on start)
  --fault KIND          misbehave on every /api request: rate-limit, rate-limit-no-retry-after,
                        server-error, service-unavailable, proxy-html, html-200,
                        malformed-json, wrong-shape, hang, not-found-empty
  --fault-every N       only every Nth /api request gets --fault (e.g. --fault rate-limit
                        --fault-every 10: one request in ten answers 429)
  --retry-after SECONDS the Retry-After of --fault rate-limit (default 5)
  --rate-limit N        at most N /api requests a second, then 429 with Retry-After: 1
  --serve-dir DIR       also serve a built single-page app (e.g. dist/) at /

Control API, for tests on this machine: requests addressed to 127.0.0.1, localhost or [::1]
with Authorization: Api-Token <the admin token>; it sends no CORS headers, so web pages cannot
use it. GET /_sandbox/health is open and says only {\"status\": \"ok\"}.
  GET /_sandbox/tokens      the demo tokens, with their full strings
  GET /_sandbox/generated?limit=1000&offset=0&status=S&kind=K
                            generated full tokens and what a look-up of each gets: status
                            active (looked up by itself: 200), disabled or expired (by itself:
                            401; by the admin token: 200), unknown (tokens this environment
                            does not hold: by itself 401, by the admin token 404); kind api
                            or activegate. Answer: {\"total\": N, \"tokens\": [{\"token\", \"id\",
                            \"kind\", \"status\", \"name\", \"owner\"}]}
  PUT /_sandbox/fault {\"kind\": \"rate-limit\", \"times\": 1, \"every\": 10,
                       \"retryAfterSeconds\": 1}
                            switch a fault on (kinds as --fault; times: how many requests get
                            it, default until cleared; every: only every Nth /api request)
  GET /_sandbox/fault       {\"fault\": ..., \"requests\": N, \"injected\": N}: the fault and
                            the /api requests since it was set, and how many got it
  DELETE /_sandbox/fault    switch it off
  GET /_sandbox/load        {\"now\": N, \"mostAtOnce\": N, \"requests\": N}: /api requests being
                            answered now, the most at once, and how many came (a client's
                            concurrency as this server sees it)
  DELETE /_sandbox/load     start the most at once and the count again
";

fn fail(message: &str) -> ! {
    eprintln!("dt-sandbox: {message}\n\n{USAGE}");
    std::process::exit(2);
}

fn parse_args() -> (SocketAddr, Config) {
    let mut config = Config::default();
    let mut listen: SocketAddr = "127.0.0.1:8081"
        .parse()
        .unwrap_or_else(|_| fail("bad default address"));
    let mut allow_remote = false;
    let mut retry_after = None;
    let mut fault_every = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| fail(&format!("{name} needs a value")))
        };
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--listen" => {
                let v = value("--listen");
                // `localhost` is loopback by definition; other names would need a resolver.
                let v = match v.strip_prefix("localhost:") {
                    Some(port) => format!("127.0.0.1:{port}"),
                    None => v,
                };
                listen = v.parse().unwrap_or_else(|_| {
                    fail(&format!(
                        "--listen {v:?} is not an address like 127.0.0.1:8081"
                    ))
                });
            }
            "--cors" => config.cors = true,
            "--no-cors" => config.cors = false,
            "--allow-remote" => allow_remote = true,
            "--tokens" => {
                let v = value("--tokens");
                config.extra_tokens =
                    v.parse()
                        .ok()
                        .filter(|n| *n <= MAX_TOKENS)
                        .unwrap_or_else(|| {
                            fail(&format!(
                                "--tokens {v:?} is not a number from 0 to {MAX_TOKENS}"
                            ))
                        });
            }
            "--activegate-tokens" => {
                let v = value("--activegate-tokens");
                config.activegate_tokens = Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n <= MAX_TOKENS)
                        .unwrap_or_else(|| {
                            fail(&format!(
                                "--activegate-tokens {v:?} is not a number from 0 to {MAX_TOKENS}"
                            ))
                        }),
                );
            }
            "--now" => {
                let v = value("--now");
                config.clock = Some(clock(&v).unwrap_or_else(|| {
                    fail(&format!(
                        "--now {v:?} is not a time like 2026-01-01T00:00:00Z (ISO 8601, with a zone, \
                         from year 2000 to 9997)"
                    ))
                }));
            }
            "--fault-every" => {
                let v = value("--fault-every");
                fault_every = Some(v.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| {
                    fail(&format!("--fault-every {v:?} is not a positive number"))
                }));
            }
            "--latency-ms" => {
                let v = value("--latency-ms");
                config.latency = Duration::from_millis(
                    v.parse()
                        .unwrap_or_else(|_| fail(&format!("--latency-ms {v:?} is not a number"))),
                );
            }
            "--rate-limit" => {
                let v = value("--rate-limit");
                config.rate_limit = Some(v.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| {
                    fail(&format!("--rate-limit {v:?} is not a positive number"))
                }));
            }
            "--admin-token" => {
                let v = value("--admin-token");
                if v.len() != 64
                    || !v
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                {
                    fail("--admin-token must be 64 characters of A-Z and 0-9 (the secret part of a dt0c01 token)");
                }
                config.admin_secret = v;
            }
            "--fault" => {
                let v = value("--fault");
                let kind = FaultKind::parse(&v)
                    .unwrap_or_else(|| fail(&format!("--fault {v:?} is not a known fault")));
                config.fault = Some(Fault {
                    kind,
                    times: None,
                    every: None,
                    retry_after_seconds: None,
                });
            }
            "--retry-after" => {
                let v = value("--retry-after");
                let seconds: u64 = v.parse().unwrap_or_else(|_| {
                    fail(&format!("--retry-after {v:?} is not a number of seconds"))
                });
                retry_after = Some(seconds);
            }
            "--serve-dir" => {
                let dir = PathBuf::from(value("--serve-dir"));
                if !dir.join("index.html").is_file() {
                    fail(&format!(
                        "--serve-dir {}: no index.html there (build the app first: make build)",
                        dir.display()
                    ));
                }
                config.serve_dir = Some(dir);
            }
            other => fail(&format!("unknown argument {other:?}")),
        }
    }
    if !listen.ip().is_loopback() && !allow_remote {
        fail(&format!("refusing to listen on {listen}: not a loopback address (add --allow-remote if you mean it)"));
    }
    match (&mut config.fault, retry_after) {
        (Some(fault), Some(seconds)) if fault.kind == FaultKind::RateLimit => {
            fault.retry_after_seconds = Some(seconds)
        }
        (_, Some(_)) => fail("--retry-after goes with --fault rate-limit"),
        _ => {}
    }
    match (&mut config.fault, fault_every) {
        (Some(fault), Some(every)) => fault.every = Some(every),
        (None, Some(_)) => fail("--fault-every goes with --fault"),
        _ => {}
    }
    if !std::env::args().any(|a| a == "--admin-token") {
        config.admin_secret = generated_secret();
    }
    (listen, config)
}

/// `--now`: an RFC 3339 time, with its zone. A typo is refused, never read as 1970; so are
/// years outside 2000..=9997: before Dynatrace, or where dates two years ahead leave what
/// Dynatrace (and the ISO strings it sends) can hold.
fn clock(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::Datelike;
    let time = chrono::DateTime::parse_from_rfc3339(text.trim()).ok()?;
    let time = time.with_timezone(&chrono::Utc);
    (2000..=9997).contains(&time.year()).then_some(time)
}

/// A fresh admin secret per start, from the clock: the sandbox needs no real randomness.
fn generated_secret() -> String {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    dt_sandbox::data::Rng::new(seed).base32(64)
}

#[tokio::main]
async fn main() {
    let (listen, config) = parse_args();
    let started = Instant::now();
    let cors = config.cors;
    let sandbox = Sandbox::new(config);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .unwrap_or_else(|e| fail(&format!("cannot listen on {listen}: {e}")));
    let address = listener.local_addr().unwrap_or(listen);

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "dt-sandbox listening on http://{address}");
    let count = sandbox.store.read().map(|s| s.tokens.len()).unwrap_or(0);
    let _ = writeln!(
        out,
        "{count} tokens ready in {} ms; CORS {}",
        started.elapsed().as_millis(),
        if cors {
            "on"
        } else {
            "off (like a server that sends no CORS headers)"
        }
    );
    if sandbox.config.serve_dir.is_some() {
        let _ = writeln!(out, "serving the app at http://{address}/ (same origin as the API: leave the environment URL empty)");
    }
    let _ = writeln!(out, "\nTokens to paste (all fake, sandbox only):\n  {:<32} what it demonstrates / the full token", "name");
    if let Ok(store) = sandbox.store.read() {
        for t in store.tokens.iter().filter(|t| t.demo.is_some()) {
            let _ = writeln!(out, "  {:<32} {}", t.name, t.demo.unwrap_or_default());
            let _ = writeln!(out, "      {}", t.secret);
        }
    }
    let _ = writeln!(
        out,
        "\nAccess token for looking up IDs (admin, every read scope):\n      {}",
        sandbox.admin_token()
    );
    let _ = writeln!(
        out,
        "\nThe control API (/_sandbox/*) answers only this machine, with the admin token above."
    );
    let _ = out.flush();
    drop(out);

    let service = app(sandbox).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, service).with_graceful_shutdown(async {
        shutdown_signal().await;
    });
    // A "hang" fault holds connections open: do not wait for them on shutdown.
    tokio::select! {
        result = server => {
            if let Err(e) = result {
                eprintln!("dt-sandbox: {e}");
                std::process::exit(1);
            }
        }
        _ = async { shutdown_signal().await; tokio::time::sleep(Duration::from_millis(500)).await } => {}
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
