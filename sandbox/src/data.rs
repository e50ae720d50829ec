//! The sandbox's environment: a deterministic set of tokens with realistic variety, relative to
//! the moment the sandbox starts (so "expires in 3 days" stays true in the demo).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Map, Value};

/// The documented example token from Dynatrace's docs.
pub const EXAMPLE_TOKEN: &str =
    "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
/// 24 characters, as every public part Dynatrace issues: the checker parses the admin token too.
pub const ADMIN_PUBLIC: &str = "SANDBOXADMIN222222222222";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Api,
    ActiveGate,
    /// A pre-1.205 token: opaque secret, UUID ID, reachable through API v1 and lookup.
    Legacy,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Kind,
    pub id: String,
    /// The full token string, as used in `Authorization` and lookup.
    pub secret: String,
    pub name: String,
    pub owner: String,
    pub enabled: bool,
    pub personal: bool,
    pub created: DateTime<Utc>,
    pub modified: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
    pub last_ip: Option<String>,
    pub scopes: Vec<String>,
    pub additional: Option<Map<String, Value>>,
    /// ActiveGate tokens: `seedToken` and `activeGateType`, dropped by release 1.338.
    pub seed: Option<bool>,
    pub ag_type: Option<&'static str>,
    /// What this token demonstrates, for the start-up table.
    pub demo: Option<&'static str>,
}

impl Token {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }

    /// `ApiToken` as Dynatrace sends it: absent fields are left out, never `null`.
    pub fn api_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("name".into(), json!(self.name));
        o.insert("enabled".into(), json!(self.enabled));
        o.insert("personalAccessToken".into(), json!(self.personal));
        o.insert("owner".into(), json!(self.owner));
        o.insert("creationDate".into(), json!(iso(self.created)));
        if let Some(m) = self.modified {
            o.insert("modifiedDate".into(), json!(iso(m)));
        }
        if let Some(e) = self.expires {
            o.insert("expirationDate".into(), json!(iso(e)));
        }
        if let Some(u) = self.last_used {
            o.insert("lastUsedDate".into(), json!(iso(u)));
        }
        if let Some(ip) = &self.last_ip {
            o.insert("lastUsedIpAddress".into(), json!(ip));
        }
        o.insert("scopes".into(), json!(self.scopes));
        if let Some(a) = &self.additional {
            o.insert("additionalMetadata".into(), Value::Object(a.clone()));
        }
        Value::Object(o)
    }

    pub fn activegate_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("name".into(), json!(self.name));
        o.insert("owner".into(), json!(self.owner));
        o.insert("creationDate".into(), json!(iso(self.created)));
        if let Some(e) = self.expires {
            o.insert("expirationDate".into(), json!(iso(e)));
        }
        if let Some(u) = self.last_used {
            o.insert("lastUsedDate".into(), json!(iso(u)));
        }
        if let Some(s) = self.seed {
            o.insert("seedToken".into(), json!(s));
        }
        if let Some(t) = self.ag_type {
            o.insert("activeGateType".into(), json!(t));
        }
        Value::Object(o)
    }

    /// v1 `TokenMetadata`: milliseconds, `userId`, `revoked`.
    pub fn v1_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("name".into(), json!(self.name));
        o.insert("userId".into(), json!(self.owner));
        o.insert("revoked".into(), json!(!self.enabled));
        o.insert("created".into(), json!(self.created.timestamp_millis()));
        if let Some(e) = self.expires {
            o.insert("expires".into(), json!(e.timestamp_millis()));
        }
        if let Some(u) = self.last_used {
            o.insert("lastUse".into(), json!(u.timestamp_millis()));
        }
        o.insert("scopes".into(), json!(self.scopes));
        o.insert("personalAccessToken".into(), json!(self.personal));
        Value::Object(o)
    }
}

pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Every read scope (from Dynatrace's scope list), for the admin token: whatever the app asks
/// about a token, the admin token may read it.
pub const READ_SCOPES: &[&str] = &[
    "apiTokens.read",
    "activeGateTokenManagement.read",
    "TenantTokenManagement",
    "ReadConfig",
    "ReadSyntheticData",
    "activeGates.read",
    "attacks.read",
    "auditLogs.read",
    "credentialVault.read",
    "entities.read",
    "events.read",
    "extensionConfigurations.read",
    "extensionEnvironment.read",
    "extensions.read",
    "geographicRegions.read",
    "hub.read",
    "javaScriptMappingFiles.read",
    "logs.read",
    "metrics.read",
    "networkZones.read",
    "oneAgents.read",
    "problems.read",
    "releases.read",
    "securityProblems.read",
    "settings.read",
    "slo.read",
    "syntheticExecutions.read",
    "syntheticLocations.read",
    "unifiedAnalysis.read",
];

/// A small deterministic generator (xorshift64*): the same seed gives the same environment.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// `len` characters of base32 (`A-Z2-7`), as Dynatrace's token parts use.
    pub fn base32(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        (0..len)
            .map(|_| ALPHABET[self.below(32) as usize] as char)
            .collect()
    }
}

/// A 64-character secret that reads as fake: the label, then padding.
fn fake_secret(label: &str) -> String {
    let mut s: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    s.truncate(64);
    while s.len() < 64 {
        s.push('A');
    }
    s
}

fn public(label: &str) -> String {
    let mut s: String = label.to_ascii_uppercase();
    s.truncate(24);
    while s.len() < 24 {
        s.push('2');
    }
    s
}

/// A seeded date, read when the sandbox is compiled: a typo is a build error that says what
/// is wrong, never a date quietly turned into 1970.
macro_rules! seeded {
    ($text:literal) => {
        const { seeded_date($text) }
    };
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form Dynatrace writes. A `const fn` so that [`seeded!`]
/// runs it at compile time, where each failed check stops the build with its message.
pub const fn seeded_date(text: &str) -> DateTime<Utc> {
    let b = text.as_bytes();
    assert!(
        b.len() == 24
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'.'
            && b[23] == b'Z',
        "a seeded date is written YYYY-MM-DDTHH:MM:SS.mmmZ"
    );
    let Some(day) =
        NaiveDate::from_ymd_opt(digits(b, 0, 4) as i32, digits(b, 5, 2), digits(b, 8, 2))
    else {
        panic!("a seeded date names a day that does not exist");
    };
    let Some(time) = day.and_hms_milli_opt(
        digits(b, 11, 2),
        digits(b, 14, 2),
        digits(b, 17, 2),
        digits(b, 20, 3),
    ) else {
        panic!("a seeded date names a time that does not exist");
    };
    time.and_utc()
}

const fn digits(b: &[u8], start: usize, len: usize) -> u32 {
    let mut n = 0;
    let mut i = start;
    while i < start + len {
        assert!(
            b[i].is_ascii_digit(),
            "a seeded date has a non-digit where a digit belongs"
        );
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    n
}

fn api(
    name: &str,
    public_part: &str,
    secret: &str,
    owner: &str,
    scopes: &[&str],
    now: DateTime<Utc>,
) -> Token {
    Token {
        kind: Kind::Api,
        id: format!("dt0c01.{public_part}"),
        secret: format!("dt0c01.{public_part}.{secret}"),
        name: name.into(),
        owner: owner.into(),
        enabled: true,
        personal: false,
        created: now - Duration::days(120),
        modified: Some(now - Duration::days(30)),
        expires: Some(now + Duration::days(180)),
        last_used: Some(now - Duration::hours(5)),
        last_ip: Some("10.20.30.40".into()),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        additional: None,
        seed: None,
        ag_type: None,
        demo: None,
    }
}

/// The default environment: every case a person (or a test) wants to see.
pub fn demo_tokens(now: DateTime<Utc>, admin_secret: &str) -> Vec<Token> {
    let mut tokens = Vec::new();

    // The documented example, with the documented metadata, but expiring next year so it works.
    let mut example = api(
        "myToken",
        "ST2EY72KQINMH574WMNVI7YN",
        "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
        "john.smith",
        &["metrics.read"],
        now,
    );
    example.personal = true;
    example.created = seeded!("2020-11-05T08:15:30.144Z");
    example.modified = Some(seeded!("2020-11-12T08:15:30.144Z"));
    example.last_used = Some(seeded!("2020-11-12T08:15:30.144Z"));
    example.last_ip = Some("34.197.2.44".into());
    example.expires = Some(now + Duration::days(365));
    example.additional = Some(
        json!({"dashboardId": "82402bab-7370-4359-924d-88ed13c8919a"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    example.demo = Some("the documented example token (Dynatrace docs)");
    tokens.push(example);

    let mut admin = api(
        "sandbox admin",
        ADMIN_PUBLIC,
        admin_secret,
        "admin@sandbox.example",
        READ_SCOPES,
        now,
    );
    admin.expires = None;
    admin.demo = Some("admin: every read scope; use it as the access token to look up IDs");
    tokens.push(admin);

    let mut disabled = api(
        "ci-deploy (disabled)",
        &public("DISABLEDCIDEPLOY"),
        &fake_secret("SANDBOXDISABLEDTOKEN"),
        "ci-bot",
        &["entities.read", "settings.write"],
        now,
    );
    disabled.enabled = false;
    disabled.demo = Some("disabled: answers by ID, fails to authenticate (401)");
    tokens.push(disabled);

    let mut expired = api(
        "old-exporter (expired)",
        &public("EXPIREDOLDEXPORTER"),
        &fake_secret("SANDBOXEXPIREDTOKEN"),
        "jane.doe",
        &["metrics.read", "DataExport"],
        now,
    );
    expired.expires = Some(now - Duration::days(2));
    expired.last_used = Some(now - Duration::days(3));
    expired.demo = Some("expired 2 days ago: answers by ID, fails to authenticate (401)");
    tokens.push(expired);

    let mut soon = api(
        "k8s-operator",
        &public("EXPIRESSOONK8SOPERATOR"),
        &fake_secret("SANDBOXEXPIRINGSOON"),
        "platform-team",
        &[
            "activeGateTokenManagement.create",
            "entities.read",
            "settings.read",
            "settings.write",
            "DataExport",
            "InstallerDownload",
        ],
        now,
    );
    soon.expires = Some(now + Duration::days(3));
    soon.demo = Some("expires in 3 days");
    tokens.push(soon);

    let mut unused = api(
        "never-used",
        &public("NEVERUSED"),
        &fake_secret("SANDBOXNEVERUSED"),
        "john.smith",
        &["logs.ingest", "metrics.ingest", "openTelemetryTrace.ingest"],
        now,
    );
    unused.last_used = None;
    unused.last_ip = None;
    unused.modified = None;
    unused.expires = None;
    unused.demo = Some("never used, never expires; ingest scopes");
    tokens.push(unused);

    let mut dashboard = api(
        "Dashboard sharing: SRE overview",
        &public("DASHBOARDSHARE"),
        &fake_secret("SANDBOXDASHBOARDSHARING"),
        "john.smith",
        &["ViewDashboard"],
        now,
    );
    dashboard.additional = Some(
        json!({"dashboardId": "1c4e3f0a-5b6c-4d7e-8f90-a1b2c3d4e5f6"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    dashboard.expires = None;
    dashboard.demo = Some("dashboard-sharing token with additionalMetadata");
    tokens.push(dashboard);

    let mut dangerous = api(
        "automation-god-mode",
        &public("DANGEROUSAUTOMATION"),
        &fake_secret("SANDBOXDANGEROUS"),
        "former.employee",
        &[
            "apiTokens.write",
            "apiTokens.read",
            "settings.write",
            "credentialVault.read",
            "DataExport",
            "logs.read",
            "WriteConfig",
            "InstallerDownload",
            "metrics.ingest",
            "entities.read",
            "futureScope.write",
        ],
        now,
    );
    dangerous.personal = true;
    dangerous.last_ip = Some("203.0.113.77".into());
    dangerous.last_used = Some(now - Duration::minutes(12));
    dangerous.demo = Some("dangerous scopes (token management, secrets) and an unknown scope");
    tokens.push(dangerous);

    tokens.push(Token {
        kind: Kind::Legacy,
        id: "d5836312-5790-4e80-afcf-09971954c3ea".into(),
        secret: "SANDBOXLEGACYTOKEN222".into(),
        name: "admin".into(),
        owner: "legacy.admin".into(),
        enabled: true,
        personal: false,
        created: seeded!("2019-03-01T10:00:00.000Z"),
        modified: None,
        expires: None,
        last_used: Some(now - Duration::days(40)),
        last_ip: Some("10.0.0.9".into()),
        scopes: vec![
            "DataExport".into(),
            "ReadConfig".into(),
            "TenantTokenManagement".into(),
        ],
        additional: None,
        seed: None,
        ag_type: None,
        demo: Some("legacy token (pre-1.205, UUID ID, API v1)"),
    });

    let ag = |id: &str,
              name: &str,
              owner: &str,
              seed: Option<bool>,
              ag_type: Option<&'static str>,
              demo: &'static str| Token {
        kind: Kind::ActiveGate,
        id: format!("dt0g02.{id}"),
        secret: format!(
            "dt0g02.{id}.{}",
            fake_secret(&format!("SANDBOXACTIVEGATE{id}"))
        ),
        name: name.into(),
        owner: owner.into(),
        enabled: true,
        personal: false,
        created: now - Duration::days(60),
        modified: None,
        expires: Some(now + Duration::days(90)),
        last_used: Some(now - Duration::hours(1)),
        last_ip: None,
        scopes: vec![],
        additional: None,
        seed,
        ag_type,
        demo: Some(demo),
    };
    let mut documented = ag(
        "4KWZO5EF",
        "myToken",
        "john.smith",
        Some(false),
        Some("ENVIRONMENT"),
        "ActiveGate token (the documented example ID)",
    );
    documented.created = seeded!("2020-11-22T08:15:30.144Z");
    tokens.push(documented);
    let mut seed = ag(
        "SEEDTKN2",
        "system:installer",
        "max.mustermann@company.com",
        Some(true),
        Some("ENVIRONMENT"),
        "ActiveGate seed token",
    );
    seed.expires = None;
    seed.last_used = None;
    tokens.push(seed);
    tokens.push(ag(
        "NEWFMT22",
        "gateway-eu-1",
        "platform-team",
        None,
        None,
        "ActiveGate token as release 1.338+ sends it (no seedToken/activeGateType)",
    ));
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_dates_read_as_written() {
        for text in [
            "2020-11-05T08:15:30.144Z",
            "2019-03-01T10:00:00.000Z",
            "2024-02-29T23:59:59.999Z",
        ] {
            let parsed = DateTime::parse_from_rfc3339(text).map(|d| d.with_timezone(&Utc));
            assert_eq!(Ok(seeded_date(text)), parsed, "{text}");
        }
    }

    /// At compile time each of these stops the build (`seeded!` evaluates in a `const`); here,
    /// called at run time, the same checks panic with the same messages.
    #[test]
    fn a_seeded_date_with_a_typo_is_refused() {
        for typo in [
            "2020-13-05T08:15:30.144Z",
            "2020-11-31T08:15:30.144Z",
            "2023-02-29T08:15:30.144Z",
            "2020-11-05T24:15:30.144Z",
            "2020-11-05T08:60:30.144Z",
            "2020-11-O5T08:15:30.144Z",
            "2020-11-05 08:15:30.144Z",
            "2020-11-05T08:15:30.144",
            "2020-11-05T08:15:30Z",
            "",
        ] {
            assert!(
                std::panic::catch_unwind(|| seeded_date(typo)).is_err(),
                "{typo:?}"
            );
        }
    }
}
