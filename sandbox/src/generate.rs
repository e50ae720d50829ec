//! `--tokens N`: an environment that looks like a real one grown over years, so that an
//! inventory of it shows every audit finding, and a scan bench has live, disabled and expired
//! tokens to check.
//!
//! Deterministic: the same seed and the same clock give the same tokens, so tests and benches
//! repeat. Dates are relative to the sandbox's clock (`now`), so "expires in 10 days" stays true.
//!
//! What the mix holds (the first tokens are fixed so that even a small `N` shows each finding;
//! the rest are drawn with the weights below):
//! - purposes with the scopes such a token really carries (OpenTelemetry collector, Kubernetes
//!   operator, Terraform, token rotation, log export, ...), covering every risk class of the
//!   scope catalogue in `dt-core` (one unknown scope included); personal access tokens hold only
//!   scopes a personal access token may hold, some of them token management;
//! - about 7% disabled, 5% expired within the last 7 days (Dynatrace deletes expired tokens
//!   after about a week), 8% expiring within 30 days, 30% never expiring;
//! - 15% never used, a fifth unused for 90 days or more, the others used within days or weeks,
//!   each use with an IP address (private ranges, documentation ranges, IPv6);
//! - four service accounts holding a third of the tokens between them (each far above 10), the
//!   rest spread over about one person for every three tokens, the earlier ones holding more;
//! - creation dates over six years, most within the last two.
//! - ActiveGate tokens (`dt0g02`, 8-character public part), some expired, some never expiring,
//!   some in the shape release 1.338 sends (no `seedToken`/`activeGateType`).

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map};

use crate::data::{Kind, Rng, Token};

/// The seed of `--tokens`: fixed, so every start with the same clock gives the same tokens.
pub const SEED: u64 = 0x5EED_D7C0_FFEE;
/// Another seed, for well-formed tokens that the environment does not hold.
pub const UNKNOWN_SEED: u64 = 0x0DD_BA11_5EED;

/// What a token is for, and the scopes such a token carries.
struct Purpose {
    stem: &'static str,
    scopes: &'static [&'static str],
    /// How often it is drawn, relative to the others.
    weight: u64,
}

/// API tokens of integrations and automation (never personal).
#[rustfmt::skip]
const PURPOSES: &[Purpose] = &[
    Purpose { stem: "otel-collector", scopes: &["openTelemetryTrace.ingest", "metrics.ingest", "logs.ingest"], weight: 12 },
    Purpose { stem: "fluent-bit-logs", scopes: &["logs.ingest"], weight: 8 },
    Purpose { stem: "grafana-datasource", scopes: &["metrics.read", "entities.read", "problems.read"], weight: 8 },
    Purpose { stem: "k8s-operator", scopes: &["activeGateTokenManagement.create", "entities.read", "settings.read", "settings.write", "DataExport", "InstallerDownload"], weight: 7 },
    Purpose { stem: "k8s-data-ingest", scopes: &["metrics.ingest", "logs.ingest", "openTelemetryTrace.ingest"], weight: 6 },
    Purpose { stem: "terraform-provider", scopes: &["settings.read", "settings.write", "ReadConfig", "WriteConfig", "entities.read", "slo.read", "slo.write"], weight: 5 },
    Purpose { stem: "monaco-config", scopes: &["settings.read", "settings.write", "ReadConfig", "WriteConfig", "extensions.read", "extensions.write"], weight: 4 },
    Purpose { stem: "token-rotation", scopes: &["apiTokens.read", "apiTokens.write"], weight: 2 },
    Purpose { stem: "paas-installer", scopes: &["InstallerDownload"], weight: 6 },
    Purpose { stem: "log-export", scopes: &["logs.read", "DataExport"], weight: 3 },
    Purpose { stem: "siem-audit-export", scopes: &["auditLogs.read"], weight: 2 },
    Purpose { stem: "credential-sync", scopes: &["credentialVault.read", "credentialVault.write"], weight: 1 },
    Purpose { stem: "servicenow", scopes: &["problems.read", "problems.write", "entities.read", "events.ingest"], weight: 3 },
    Purpose { stem: "cmdb-sync", scopes: &["entities.read", "entities.write"], weight: 3 },
    Purpose { stem: "slo-report", scopes: &["slo.read", "metrics.read"], weight: 4 },
    Purpose { stem: "release-events", scopes: &["events.ingest", "releases.read"], weight: 4 },
    Purpose { stem: "synthetic-runner", scopes: &["ExternalSyntheticIntegration", "syntheticExecutions.read", "syntheticExecutions.write", "syntheticLocations.read"], weight: 2 },
    Purpose { stem: "security-posture", scopes: &["securityProblems.read", "attacks.read"], weight: 2 },
    Purpose { stem: "bizevents-ingest", scopes: &["bizevents.ingest", "openpipeline.events"], weight: 3 },
    Purpose { stem: "Dashboard sharing", scopes: &["ViewDashboard"], weight: 2 },
    Purpose { stem: "tenant-token-rotation", scopes: &["tenantTokenRotation.write", "TenantTokenManagement"], weight: 1 },
    // A scope newer than the catalogue: the inventory shows it as unknown.
    Purpose { stem: "copilot-experiment", scopes: &["davisCopilot.execute", "metrics.read"], weight: 1 },
    Purpose { stem: "host-onboarding", scopes: &["activeGateTokenManagement.create", "InstallerDownload", "oneAgents.read", "oneAgents.write"], weight: 3 },
];

/// Personal access tokens: only scopes a personal access token may hold (`dt-core`'s
/// catalogue says which), some of them token management.
const PERSONAL: &[Purpose] = &[
    Purpose {
        stem: "local scripts",
        scopes: &["metrics.read", "entities.read"],
        weight: 10,
    },
    Purpose {
        stem: "token cleanup",
        scopes: &["apiTokens.read", "apiTokens.write"],
        weight: 2,
    },
    Purpose {
        stem: "token audit",
        scopes: &["apiTokens.read", "entities.read"],
        weight: 2,
    },
    Purpose {
        stem: "config as code",
        scopes: &["settings.read", "settings.write"],
        weight: 4,
    },
    Purpose {
        stem: "problem triage",
        scopes: &["problems.read", "problems.write", "entities.read"],
        weight: 4,
    },
    Purpose {
        stem: "SLO dashboard",
        scopes: &["slo.read", "slo.write", "metrics.read"],
        weight: 3,
    },
    Purpose {
        stem: "network zones",
        scopes: &["networkZones.read", "networkZones.write"],
        weight: 1,
    },
];

/// The service accounts that hold a third of all tokens.
const SERVICE_ACCOUNTS: &[&str] = &[
    "ci-bot@company.example",
    "platform-team@company.example",
    "k8s-automation@company.example",
    "sre-oncall@company.example",
];
const FIRST: &[&str] = &[
    "anna", "ben", "carla", "david", "elif", "felix", "grace", "hiro", "ines", "jonas", "kim",
    "lena", "marco", "nora", "omar", "paula", "quentin", "rosa", "sven", "tara", "umut", "vera",
    "wei", "xenia", "yusuf", "zoe", "aisha", "bruno", "chloe", "dmitri", "emma", "farid", "gina",
    "hugo", "ivana", "jamal", "katja", "luca", "maya", "nils",
];
const LAST: &[&str] = &[
    "smith", "mueller", "garcia", "rossi", "novak", "tanaka", "kowalski", "dubois", "silva",
    "jensen", "okafor", "schmidt", "nguyen", "larsen", "costa", "weber", "ivanova", "meyer",
    "haddad", "fischer", "kim", "oconnor", "berg", "popescu", "moreau", "horvat", "yilmaz",
    "andersen", "wagner", "lopez", "kaur", "bauer", "hoffmann", "petrov", "schulz", "lind",
    "becker", "santos", "keller", "vogel",
];
const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "identity",
    "data-platform",
    "mobile",
    "billing",
    "catalog",
    "ops",
    "web",
];
const STAGES: &[&str] = &[
    "prod",
    "staging",
    "dev",
    "eu-west-1",
    "us-east-1",
    "ap-southeast-2",
    "qa",
];

const MINUTE: i64 = 1;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

impl Rng {
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// A number of minutes in `low..high`.
    fn minutes(&mut self, low: i64, high: i64) -> Duration {
        Duration::minutes(low + self.below((high - low).max(1) as u64) as i64)
    }
}

fn weighted<'a>(rng: &mut Rng, purposes: &'a [Purpose]) -> &'a Purpose {
    let total: u64 = purposes.iter().map(|p| p.weight).sum();
    let mut n = rng.below(total);
    for p in purposes {
        if n < p.weight {
            return p;
        }
        n -= p.weight;
    }
    &purposes[0]
}

/// The `index`-th person: first.last, then first.last2, ... once the names run out.
fn person(index: usize) -> String {
    let (first, last) = (
        FIRST[index % FIRST.len()],
        LAST[(index / FIRST.len()) % LAST.len()],
    );
    match index / (FIRST.len() * LAST.len()) {
        0 => format!("{first}.{last}@company.example"),
        n => format!("{first}.{last}{}@company.example", n + 1),
    }
}

/// A fixed case for the `index`-th token: the first tokens show each finding even when few
/// are generated.
#[derive(Clone, Copy)]
enum Forced {
    Disabled,
    Expired,
    ExpiringSoon,
    NeverExpires,
    NeverUsed,
    Stale,
    PersonalTokenWriter,
    PersonalTokenReader,
}

const FORCED: &[Forced] = &[
    Forced::Disabled,
    Forced::Expired,
    Forced::ExpiringSoon,
    Forced::NeverExpires,
    Forced::NeverUsed,
    Forced::Stale,
    Forced::PersonalTokenWriter,
    Forced::PersonalTokenReader,
];

fn ip(rng: &mut Rng) -> String {
    match rng.below(20) {
        0..=5 => format!(
            "10.{}.{}.{}",
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        ),
        6..=7 => format!(
            "172.{}.{}.{}",
            16 + rng.below(16),
            rng.below(256),
            1 + rng.below(254)
        ),
        8..=9 => format!("192.168.{}.{}", rng.below(256), 1 + rng.below(254)),
        10..=12 => format!("203.0.113.{}", 1 + rng.below(254)),
        13..=14 => format!("198.51.100.{}", 1 + rng.below(254)),
        15..=16 => format!("192.0.2.{}", 1 + rng.below(254)),
        _ => format!(
            "2001:db8:{:x}::{:x}",
            rng.below(0xffff),
            1 + rng.below(0xfffe)
        ),
    }
}

fn uuid(rng: &mut Rng) -> String {
    let hex = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    };
    format!(
        "{}-{}-4{}-a{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        hex(rng, 3),
        hex(rng, 12)
    )
}

fn name(rng: &mut Rng, stem: &str, personal: bool, owner: &str) -> String {
    let stage = *rng.pick(STAGES);
    let team = *rng.pick(TEAMS);
    if personal {
        let first = owner.split('.').next().unwrap_or(owner);
        return match rng.below(3) {
            0 => stem.to_owned(),
            1 => format!("{first}'s {stem}"),
            _ => format!("{stem} ({stage})"),
        };
    }
    if stem == "Dashboard sharing" {
        return format!("Dashboard sharing: {team} overview");
    }
    match rng.below(4) {
        0 => format!("{team}-{stem}-{stage}"),
        1 => format!("{stem} ({stage})"),
        2 => format!("{stem}-{team}"),
        _ => format!("{stem}-{stage}-{:02}", 1 + rng.below(12)),
    }
}

/// `count` API tokens. Their order is the order of [`crate::Store`] and of the control API's
/// `/_sandbox/generated`.
pub fn api_tokens(count: usize, now: DateTime<Utc>) -> Vec<Token> {
    let mut rng = Rng::new(SEED);
    (0..count)
        .map(|i| {
            let public_part = rng.base32(24);
            let secret = rng.base32(64);
            let forced = FORCED.get(i).copied();
            let each_purpose = (FORCED.len()..FORCED.len() + PURPOSES.len()).contains(&i);
            let personal = match forced {
                Some(Forced::PersonalTokenWriter | Forced::PersonalTokenReader) => true,
                Some(_) => false,
                None => !each_purpose && rng.chance(22),
            };
            let purpose = match forced {
                Some(Forced::PersonalTokenWriter) => &PERSONAL[1],
                Some(Forced::PersonalTokenReader) => &PERSONAL[2],
                // Every purpose once, right after the fixed cases: every risk class occurs.
                _ if each_purpose => &PURPOSES[i - FORCED.len()],
                _ if personal => weighted(&mut rng, PERSONAL),
                _ => weighted(&mut rng, PURPOSES),
            };
            let owner = if !personal && rng.chance(33) {
                (*rng.pick(SERVICE_ACCOUNTS)).to_owned()
            } else {
                // People join over time: the i-th token's owner is one of the first i/3 (at least
                // 20), so early people hold more tokens, and a larger environment starts with the
                // same tokens as a smaller one.
                person(rng.below((i / 3).max(20) as u64) as usize)
            };
            let name = name(&mut rng, purpose.stem, personal, &owner);
            let mut scopes: Vec<String> = purpose.scopes.iter().map(|s| (*s).to_owned()).collect();
            // Now and then one more read scope, as tokens collect them over time.
            if rng.chance(15) {
                let extra = if personal {
                    "releases.read"
                } else {
                    "problems.read"
                };
                if !scopes.iter().any(|s| s == extra) {
                    scopes.push(extra.to_owned());
                }
            }

            // Six years back, most within two.
            let age = if rng.chance(65) {
                rng.minutes(DAY, 730 * DAY)
            } else {
                rng.minutes(730 * DAY, 6 * 365 * DAY)
            };
            // The stale case must be old enough to have gone unused for 200 days.
            let age = match forced {
                Some(Forced::Stale) => age.max(Duration::days(400)),
                _ => age,
            };
            let created = now - age;
            let since = |rng: &mut Rng, low: i64, high: i64| -> DateTime<Utc> {
                // Never before the token existed.
                let back = rng.minutes(low, high).min(age - Duration::minutes(1));
                now - back.max(Duration::minutes(1))
            };
            let mut last_used = match rng.below(100) {
                0..=14 => None,
                15..=59 => Some(since(&mut rng, MINUTE, 7 * DAY)),
                60..=79 => Some(since(&mut rng, 7 * DAY, 90 * DAY)),
                _ => Some(since(&mut rng, 90 * DAY, 5 * 365 * DAY)),
            };
            let mut expires = match rng.below(100) {
                0..=29 => None,
                30..=34 => Some(now - rng.minutes(HOUR, 7 * DAY)),
                35..=42 => Some(now + rng.minutes(HOUR, 30 * DAY)),
                _ => Some(now + rng.minutes(31 * DAY, 2 * 365 * DAY)),
            };
            let mut enabled = !rng.chance(7);
            match forced {
                Some(Forced::Disabled) => enabled = false,
                Some(Forced::Expired) => expires = Some(now - Duration::days(2)),
                Some(Forced::ExpiringSoon) => expires = Some(now + Duration::days(10)),
                Some(Forced::NeverExpires) => expires = None,
                Some(Forced::NeverUsed) => last_used = None,
                Some(Forced::Stale) => last_used = Some(since(&mut rng, 200 * DAY, 201 * DAY)),
                _ => {}
            }
            if let Some(forced) = forced {
                // Each fixed case shows its one finding.
                enabled = !matches!(forced, Forced::Disabled);
                if matches!(
                    forced,
                    Forced::PersonalTokenWriter | Forced::PersonalTokenReader
                ) {
                    expires = Some(now + Duration::days(90));
                    last_used = Some(now - Duration::hours(3));
                }
            }
            // A token expires after it was created, and was last used before it expired.
            if expires.is_some_and(|e| e <= created + Duration::hours(1)) {
                expires = Some(created + (now - created) / 2);
            }
            if let (Some(e), Some(u)) = (expires, last_used) {
                if u >= e {
                    last_used = Some(created + (e - created) / 2);
                }
            }
            let modified = (!enabled || rng.chance(40)).then(|| {
                let span = (now - created).num_minutes().max(2);
                created + Duration::minutes(1 + rng.below(span as u64 - 1) as i64)
            });
            let last_ip = last_used.map(|_| ip(&mut rng));
            let additional = (purpose.stem == "Dashboard sharing").then(|| {
                let mut m = Map::new();
                m.insert("dashboardId".into(), json!(uuid(&mut rng)));
                m
            });
            Token {
                kind: Kind::Api,
                id: format!("dt0c01.{public_part}"),
                secret: format!("dt0c01.{public_part}.{secret}"),
                name,
                owner,
                enabled,
                personal,
                created,
                modified,
                expires,
                last_used,
                last_ip,
                scopes,
                additional,
                seed: None,
                ag_type: None,
                demo: None,
            }
        })
        .collect()
}

/// `count` ActiveGate tokens (`dt0g02`), some expired, some never expiring, a third in the
/// shape of release 1.338 (without `seedToken` and `activeGateType`).
pub fn activegate_tokens(count: usize, now: DateTime<Utc>) -> Vec<Token> {
    let mut rng = Rng::new(SEED ^ 0xAC71_6A7E);
    const REGIONS: &[&str] = &[
        "eu-west-1",
        "eu-central-1",
        "us-east-1",
        "us-west-2",
        "ap-southeast-2",
        "onprem-dc1",
        "onprem-dc2",
    ];
    (0..count)
        .map(|i| {
            let public_part = rng.base32(8);
            let secret = rng.base32(64);
            let region = *rng.pick(REGIONS);
            let owner = if rng.chance(60) {
                (*rng.pick(SERVICE_ACCOUNTS)).to_owned()
            } else {
                person(rng.below(200) as usize)
            };
            let age = rng.minutes(DAY, 3 * 365 * DAY);
            let created = now - age;
            let expires = match (i, rng.below(100)) {
                (0, _) => Some(now - Duration::days(1)),
                (1, _) => None,
                (_, 0..=19) => None,
                (_, 20..=24) => Some(now - rng.minutes(HOUR, 7 * DAY)),
                (_, 25..=34) => Some(now + rng.minutes(HOUR, 30 * DAY)),
                _ => Some(now + rng.minutes(31 * DAY, 2 * 365 * DAY)),
            };
            let last_used = (!rng.chance(10)).then(|| {
                let latest = expires.filter(|e| *e < now).unwrap_or(now);
                let back = rng
                    .minutes(MINUTE, 30 * DAY)
                    .min(latest - created - Duration::minutes(1));
                latest - back.max(Duration::zero())
            });
            let new_shape = rng.below(3) == 0;
            let seed = !new_shape && rng.chance(5);
            Token {
                kind: Kind::ActiveGate,
                id: format!("dt0g02.{public_part}"),
                secret: format!("dt0g02.{public_part}.{secret}"),
                name: if seed {
                    "system:installer".to_owned()
                } else {
                    format!("activegate-{region}-{:02}", 1 + rng.below(40))
                },
                owner,
                enabled: true,
                personal: false,
                created,
                modified: None,
                expires,
                last_used,
                last_ip: None,
                scopes: vec![],
                additional: None,
                seed: (!new_shape).then_some(seed),
                ag_type: (!new_shape).then(|| {
                    if rng.chance(80) {
                        "ENVIRONMENT"
                    } else {
                        "CLUSTER"
                    }
                }),
                demo: None,
            }
        })
        .collect()
}

/// `count` well-formed tokens of `kind` that no environment holds: from their own seed, and
/// checked against `known` (the environment's full tokens) to be sure.
pub fn unknown_tokens(count: usize, kind: Kind, known: impl Fn(&str) -> bool) -> Vec<String> {
    let mut rng = Rng::new(UNKNOWN_SEED ^ if kind == Kind::ActiveGate { 0xA6 } else { 0 });
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let token = match kind {
            Kind::ActiveGate => format!("dt0g02.{}.{}", rng.base32(8), rng.base32(64)),
            _ => format!("dt0c01.{}.{}", rng.base32(24), rng.base32(64)),
        };
        if !known(&token) {
            out.push(token);
        }
    }
    out
}
