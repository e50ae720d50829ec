//! `cargo bench -p dt-core --bench inventory`: the inventory at 100,000 tokens, natively (the
//! page runs the same code in wasm, typically 1.5 to 3 times slower). Prints figures; asserts
//! nothing.
//!
//! - building: 100,000 rows pushed (each audited, its owner counted, its text indexed);
//! - sorting by name and by last use;
//! - one filter keystroke: each prefix of a few typed words, filtered over the sorted order,
//!   median and p95, beside the reference measured in the same run: the obvious filter that
//!   lower-cases each row's name, ID and owner and searches it (what per-row strings cost);
//! - the summary and a CSV export of every row.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use dt_core::audit::Config;
use dt_core::dynatrace::scopes::catalogue;
use dt_core::dynatrace::ApiToken;
use dt_core::export::Format;
use dt_core::inventory::{Column, Filter, Inventory, Row, Sort};

const ROWS: usize = 100_000;

/// A small deterministic generator (no crate): xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn tokens() -> Vec<ApiToken> {
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const WORDS: [&str; 12] = [
        "ci",
        "deploy",
        "monaco",
        "terraform",
        "k8s",
        "operator",
        "ingest",
        "logs",
        "prod",
        "staging",
        "backup",
        "dashboard",
    ];
    const PEOPLE: [&str; 10] = [
        "john", "anna", "li", "maria", "omar", "sven", "yuki", "ines", "paul", "zoe",
    ];
    let scopes = catalogue();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n = now();
    (0..ROWS)
        .map(|i| {
            let public: String = (0..24)
                .map(|_| BASE32[rng.below(32) as usize] as char)
                .collect();
            let name = format!(
                "{}-{}-{}",
                WORDS[rng.below(12) as usize],
                WORDS[rng.below(12) as usize],
                i
            );
            let owner = format!(
                "{}.{}{}@example.com",
                PEOPLE[rng.below(10) as usize],
                PEOPLE[rng.below(10) as usize],
                rng.below(400)
            );
            let day =
                |rng: &mut Rng, span: i64| chrono::Duration::days(rng.below(span as u64) as i64);
            ApiToken {
                id: Some(format!("dt0c01.{public}")),
                name: Some(name),
                owner: Some(owner),
                enabled: Some(rng.below(10) != 0),
                personal_access_token: Some(rng.below(4) == 0),
                creation_date: Some(n - day(&mut rng, 2000)),
                expiration_date: (rng.below(3) != 0)
                    .then(|| n + day(&mut rng, 800) - day(&mut rng, 400)),
                last_used_date: (rng.below(5) != 0).then(|| n - day(&mut rng, 700)),
                last_used_ip_address: Some(format!("10.0.{}.{}", rng.below(256), rng.below(256))),
                scopes: Some(
                    (0..1 + rng.below(6))
                        .map(|_| {
                            scopes[rng.below(scopes.len() as u64) as usize]
                                .value
                                .to_owned()
                        })
                        .collect(),
                ),
                ..ApiToken::default()
            }
        })
        .collect()
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median and p95 of one keystroke: every prefix of each typed text, `rounds` times.
fn keystrokes(typed: &[&str], rounds: usize, mut filter: impl FnMut(&str) -> usize) -> (f64, f64) {
    let mut times = Vec::new();
    for _ in 0..rounds {
        for text in typed {
            for end in 1..=text.len() {
                let (_, d) = time(|| black_box(filter(&text[..end])));
                times.push(d);
            }
        }
    }
    times.sort();
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    (at(0.5), at(0.95))
}

fn main() {
    let models = tokens();
    let n = now();
    let rows: Vec<Row> = models.iter().map(Row::from_api_token).collect();
    let (inventory, build) = time(|| {
        let mut inventory = Inventory::new(Config::default());
        inventory.extend(rows, n);
        inventory
    });
    println!("inventory of {ROWS} API tokens (native, release):");
    println!(
        "  build (audit, owners, search text)   {:>9.2} ms",
        ms(build)
    );
    let (by_name, sort_name) = time(|| {
        inventory.sorted(Sort {
            column: Column::Name,
            descending: false,
        })
    });
    let (_, sort_used) = time(|| {
        inventory.sorted(Sort {
            column: Column::LastUsed,
            descending: true,
        })
    });
    println!(
        "  sort by name                          {:>9.2} ms",
        ms(sort_name)
    );
    println!(
        "  sort by last use                      {:>9.2} ms",
        ms(sort_used)
    );

    let typed = ["john.z", "terraform-prod", "dt0c01.abc", "@example"];
    let (median, p95) = keystrokes(&typed, 5, |q| {
        let mut f = Filter::default();
        f.set_text(q);
        inventory.filter(&by_name, &f).len()
    });
    // The reference: a lower-cased string per row, searched one by one.
    let (ref_median, ref_p95) = keystrokes(&typed, 1, |q| {
        let q = q.to_lowercase();
        by_name
            .iter()
            .filter(|&&i| {
                let r = inventory.row(i);
                let text = format!("{}\n{}\n{}", r.name, r.id, r.owner.as_deref().unwrap_or(""))
                    .to_lowercase();
                text.contains(&q)
            })
            .count()
    });
    println!(
        "  filter keystroke: median {median:.2} ms, p95 {p95:.2} ms   (reference, per-row lower-case + contains: median {ref_median:.2} ms, p95 {ref_p95:.2} ms)"
    );

    let all = inventory.all();
    let (_, summary) = time(|| black_box(inventory.summary(&all)));
    println!(
        "  summary over every row                {:>9.2} ms",
        ms(summary)
    );
    let (csv, export) = time(|| inventory.export(&all, Format::Csv));
    println!(
        "  CSV export of every row               {:>9.2} ms ({:.1} MB)",
        ms(export),
        csv.len() as f64 / 1e6
    );
}
