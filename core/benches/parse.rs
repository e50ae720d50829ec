//! `cargo bench -p dt-core --bench parse`: how long `parse` takes on pastes of 1 KB, 64 KiB and
//! 1 MiB (the token field parses on every keystroke, so a large paste must stay fast). Prints
//! figures; asserts nothing.
//!
//! The shapes are the ones that make the parser read the whole paste: a log with a token in
//! it, a token whose public part never ends, and a token padded with whitespace.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dt_core::token::parse;

const EXAMPLE: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

/// Pastes of about `size` bytes, by name.
fn shapes(size: usize) -> Vec<(&'static str, String)> {
    let line = "2026-11-22T12:00:00Z INFO request took 12 ms path=/api/v2/metrics. ok\n";
    let mut log = line.repeat(size / line.len() / 2);
    log.push_str(EXAMPLE);
    log.push('\n');
    log.push_str(&line.repeat(size / line.len() / 2));
    let mut run_on = String::from("dt0c01.");
    run_on.push_str(&"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(size / 32));
    let pad = " \n".repeat(size / 4);
    vec![
        ("a log with a token in it", log),
        ("a public part that never ends", run_on),
        ("a token in whitespace", format!("{pad}{EXAMPLE}{pad}")),
    ]
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    println!("parse, best of 5 runs:");
    for (label, size) in [("1 KB", 1000), ("64 KiB", 64 << 10), ("1 MiB", 1 << 20)] {
        for (shape, input) in shapes(size) {
            let d = best_of(5, || {
                let _ = black_box(parse(black_box(&input)));
            });
            println!("  {label:>7} {shape:<32}{:>12.3} ms", d.as_secs_f64() * 1e3);
        }
    }
}
