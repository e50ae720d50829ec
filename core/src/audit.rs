//! The audit: which tokens of an environment need a person's attention, and why, in plain
//! words. Pure: `now` is passed in, so every finding is exact in tests.
//!
//! Each [`Finding`] says what it is ([`Finding::title`]), why it matters ([`Finding::why`]) and
//! what to do ([`Finding::what_to_do`]). A token's findings are a [`Findings`] bitset (two
//! bytes), so 100,000 audited rows stay small and a finding filter is one AND.
//!
//! Two passes: [`check`] judges one token from its own metadata; the owner finding needs the
//! whole set (how many tokens each owner holds), counted by [`crowded_owners`] or kept up to
//! date by the inventory as pages arrive, both judged by [`Config::is_crowded`].
//!
//! The windows, and why:
//! - expires within 30 days ([`Config::expiring_within`]): a month is the usual planning
//!   horizon for a rotation (a change request, a deploy); the card's "expiring soon" is the
//!   last week ([`crate::dynatrace::standing()`]), when it is urgent.
//! - unused for 90 days ([`Config::unused_after`]): the common stale-credential threshold
//!   (CIS benchmarks use 90 days for unused credentials); shorter flags quarterly jobs.
//! - an owner with more than 10 tokens ([`Config::owner_limit`]): adjustable; a person with
//!   dozens of tokens is one account whose loss affects them all.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::dynatrace::Risk;

/// A reason to look at a token. The order is the order of the summary: what stops working or
/// is already dead first, then exposure, then hygiene.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    Disabled,
    Expired,
    ExpiresSoon,
    NeverExpires,
    NeverUsed,
    Unused,
    PersonalCritical,
    RiskyScopes,
    CrowdedOwner,
}

impl Finding {
    pub const COUNT: usize = 9;

    pub const ALL: [Finding; Finding::COUNT] = [
        Finding::Disabled,
        Finding::Expired,
        Finding::ExpiresSoon,
        Finding::NeverExpires,
        Finding::NeverUsed,
        Finding::Unused,
        Finding::PersonalCritical,
        Finding::RiskyScopes,
        Finding::CrowdedOwner,
    ];

    /// A stable name for links (`#/inventory?finding=expired`), exports and test ids.
    pub fn key(self) -> &'static str {
        match self {
            Finding::Disabled => "disabled",
            Finding::Expired => "expired",
            Finding::ExpiresSoon => "expires-soon",
            Finding::NeverExpires => "never-expires",
            Finding::NeverUsed => "never-used",
            Finding::Unused => "unused",
            Finding::PersonalCritical => "personal-critical",
            Finding::RiskyScopes => "risky-scopes",
            Finding::CrowdedOwner => "crowded-owner",
        }
    }

    pub fn from_key(key: &str) -> Option<Finding> {
        Finding::ALL.into_iter().find(|f| f.key() == key)
    }

    /// What it is, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            Finding::Disabled => "Disabled but not deleted",
            Finding::Expired => "Expired",
            Finding::ExpiresSoon => "Expires within 30 days",
            Finding::NeverExpires => "Never expires",
            Finding::NeverUsed => "Never used",
            Finding::Unused => "Unused for 90 days",
            Finding::PersonalCritical => "Personal access token with critical scopes",
            Finding::RiskyScopes => "High-risk scopes",
            Finding::CrowdedOwner => "Owner holds many tokens",
        }
    }

    /// Why it matters.
    pub fn why(self) -> &'static str {
        match self {
            Finding::Disabled => "A switched-off token still exists: anyone allowed to manage tokens can switch it back on, and it hides the tokens that matter in every list.",
            Finding::Expired => "It no longer authenticates, so whatever still uses it is failing. Dynatrace deletes expired tokens about 7 days after they expire.",
            Finding::ExpiresSoon => "Whatever uses it stops working on that day.",
            Finding::NeverExpires => "If it leaks, it works until someone notices and revokes it.",
            Finding::NeverUsed => "A credential nothing uses has no purpose; it can only leak.",
            Finding::Unused => "Stale tokens are forgotten in scripts, configs and CI variables, which is where they leak from.",
            Finding::PersonalCritical => "It acts as its owner and can manage tokens or read secrets and exported data; it leaves with its owner's machine, browser history or job.",
            Finding::RiskyScopes => "In the wrong hands its riskiest scope can mint tokens, read secrets, download installers or change what is monitored.",
            Finding::CrowdedOwner => "One person holding many tokens is one account whose loss or departure affects them all, and a sign that tokens are made instead of reused or cleaned up.",
        }
    }

    /// What to do about it.
    pub fn what_to_do(self) -> &'static str {
        match self {
            Finding::Disabled => "Delete it if nothing needs it any more; otherwise note why it is kept.",
            Finding::Expired => "Find what used it (last use, owner), give that a new token, and delete this one.",
            Finding::ExpiresSoon => "Create a replacement with the same scopes now and rotate it in before the date.",
            Finding::NeverExpires => "Give its replacement an expiration date and rotate to it.",
            Finding::NeverUsed => "Ask its owner whether it is still needed; delete it if not.",
            Finding::Unused => "Ask its owner; disable it, and delete it once nothing has broken.",
            Finding::PersonalCritical => "Move the automation to an API token owned by a service account with only the scopes it needs, then revoke this one.",
            Finding::RiskyScopes => "Check that each high-risk scope is needed; drop the others or split the token.",
            Finding::CrowdedOwner => "Review that owner's tokens together: delete the unused ones and move service use to shared ownership.",
        }
    }

    /// `bad` (act now), `warn` (plan) or `info` (hygiene): the `data-tone` views draw it with.
    pub fn tone(self) -> &'static str {
        match self {
            Finding::Expired | Finding::PersonalCritical => "bad",
            Finding::ExpiresSoon | Finding::NeverExpires | Finding::RiskyScopes => "warn",
            Finding::Disabled | Finding::NeverUsed | Finding::Unused | Finding::CrowdedOwner => {
                "info"
            }
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of findings in two bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Findings(u16);

impl Findings {
    pub const EMPTY: Findings = Findings(0);

    pub fn contains(self, f: Finding) -> bool {
        self.0 & f.bit() != 0
    }

    pub fn insert(&mut self, f: Finding) {
        self.0 |= f.bit();
    }

    pub fn remove(&mut self, f: Finding) {
        self.0 &= !f.bit();
    }

    pub fn with(mut self, f: Finding) -> Findings {
        self.insert(f);
        self
    }

    /// Whether every finding of `other` is here too.
    pub fn contains_all(self, other: Findings) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn union(self, other: Findings) -> Findings {
        Findings(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// In [`Finding::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Finding> {
        Finding::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

impl FromIterator<Finding> for Findings {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        let mut set = Findings::EMPTY;
        for f in iter {
            set.insert(f);
        }
        set
    }
}

/// The audit's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// An owner holding more than this many tokens is flagged.
    pub owner_limit: u32,
    /// "Expires within": an expiry in `(now, now + expiring_within]`.
    pub expiring_within: Duration,
    /// "Unused": last used more than this long before `now`.
    pub unused_after: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            owner_limit: 10,
            expiring_within: Duration::days(30),
            unused_after: Duration::days(90),
        }
    }
}

impl Config {
    /// The owner rule: more than `owner_limit` tokens.
    pub fn is_crowded(&self, tokens_held: u32) -> bool {
        tokens_held > self.owner_limit
    }
}

/// What the audit reads of one token. `None` is "not sent" (ActiveGate tokens have no enabled
/// flag, scopes or personal flag); `dated: false` is a token whose metadata has not arrived
/// (the v1 list gives names and IDs only), so nothing is said about its dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub enabled: Option<bool>,
    pub personal: Option<bool>,
    pub expires: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
    /// The most dangerous class among its scopes; `None` without scopes.
    pub riskiest: Option<Risk>,
    pub dated: bool,
}

/// One token's findings (all but [`Finding::CrowdedOwner`], which needs the whole set).
pub fn check(facts: &Facts, config: &Config, now: DateTime<Utc>) -> Findings {
    let mut found = Findings::EMPTY;
    if facts.enabled == Some(false) {
        found.insert(Finding::Disabled);
    }
    if facts.dated {
        match facts.expires {
            None => found.insert(Finding::NeverExpires),
            Some(at) if at <= now => found.insert(Finding::Expired),
            Some(at) if at - now <= config.expiring_within => found.insert(Finding::ExpiresSoon),
            Some(_) => {}
        }
        match facts.last_used {
            None => found.insert(Finding::NeverUsed),
            Some(at) if now - at > config.unused_after => found.insert(Finding::Unused),
            Some(_) => {}
        }
    }
    if let Some(risk) = facts.riskiest {
        if facts.personal == Some(true) && risk.severity() >= 4 {
            found.insert(Finding::PersonalCritical);
        }
        if risk.severity() >= 3 {
            found.insert(Finding::RiskyScopes);
        }
    }
    found
}

/// The most dangerous class among `scopes` (catalogue first, then by name; see
/// [`crate::dynatrace::scopes::classify`]), and how many there are.
pub fn riskiest<'a>(scopes: impl IntoIterator<Item = &'a str>) -> (Option<Risk>, usize) {
    let mut worst: Option<Risk> = None;
    let mut count = 0;
    for scope in scopes {
        count += 1;
        let risk = crate::dynatrace::classify(scope);
        worst = Some(worst.map_or(risk, |w| w.min(risk)));
    }
    (worst, count)
}

/// The whole-set pass: for each token (by its owner; `None` when not reported), whether its
/// owner holds more than [`Config::owner_limit`] tokens in the set.
pub fn crowded_owners<'a>(owners: &[Option<&'a str>], config: &Config) -> Vec<bool> {
    let mut held: HashMap<&'a str, u32> = HashMap::new();
    for owner in owners.iter().flatten() {
        *held.entry(owner).or_default() += 1;
    }
    owners
        .iter()
        .map(|o| o.is_some_and(|o| config.is_crowded(held[o])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    /// A healthy token: enabled, used yesterday, expires in a year, reads metrics.
    fn healthy() -> Facts {
        Facts {
            enabled: Some(true),
            personal: Some(false),
            expires: Some(now() + Duration::days(365)),
            last_used: Some(now() - Duration::days(1)),
            riskiest: Some(Risk::Read),
            dated: true,
        }
    }

    fn found(facts: Facts) -> Vec<Finding> {
        check(&facts, &Config::default(), now()).iter().collect()
    }

    #[test]
    fn a_healthy_token_has_no_findings() {
        assert_eq!(found(healthy()), []);
    }

    #[test]
    fn disabled() {
        let f = Facts {
            enabled: Some(false),
            ..healthy()
        };
        assert_eq!(found(f), [Finding::Disabled]);
        let unknown = Facts {
            enabled: None,
            ..healthy()
        };
        assert_eq!(found(unknown), []);
    }

    #[test]
    fn expiry_findings_at_their_edges() {
        let n = now();
        let at = |expires| {
            found(Facts {
                expires,
                ..healthy()
            })
        };
        assert_eq!(at(Some(n - Duration::days(3))), [Finding::Expired]);
        assert_eq!(at(Some(n)), [Finding::Expired]);
        assert_eq!(at(Some(n + Duration::seconds(1))), [Finding::ExpiresSoon]);
        assert_eq!(at(Some(n + Duration::days(30))), [Finding::ExpiresSoon]);
        assert_eq!(at(Some(n + Duration::days(30) + Duration::seconds(1))), []);
        assert_eq!(at(None), [Finding::NeverExpires]);
    }

    #[test]
    fn use_findings_at_their_edges() {
        let n = now();
        let used = |last_used| {
            found(Facts {
                last_used,
                ..healthy()
            })
        };
        assert_eq!(used(None), [Finding::NeverUsed]);
        assert_eq!(used(Some(n - Duration::days(90))), []);
        assert_eq!(
            used(Some(n - Duration::days(90) - Duration::seconds(1))),
            [Finding::Unused]
        );
        assert_eq!(used(Some(n - Duration::days(1000))), [Finding::Unused]);
        // A last use "in the future" (clock skew) is recent, not stale.
        assert_eq!(used(Some(n + Duration::days(1))), []);
    }

    #[test]
    fn undated_tokens_get_no_date_findings() {
        let stub = Facts {
            dated: false,
            expires: None,
            last_used: None,
            ..healthy()
        };
        assert_eq!(found(stub), []);
    }

    #[test]
    fn scope_findings() {
        let risk = |personal, riskiest| {
            found(Facts {
                personal,
                riskiest,
                ..healthy()
            })
        };
        assert_eq!(
            risk(Some(true), Some(Risk::TokenManagement)),
            [Finding::PersonalCritical, Finding::RiskyScopes]
        );
        assert_eq!(
            risk(Some(true), Some(Risk::Secrets)),
            [Finding::PersonalCritical, Finding::RiskyScopes]
        );
        assert_eq!(
            risk(Some(false), Some(Risk::TokenManagement)),
            [Finding::RiskyScopes]
        );
        assert_eq!(risk(None, Some(Risk::Secrets)), [Finding::RiskyScopes]);
        assert_eq!(
            risk(Some(true), Some(Risk::Installer)),
            [Finding::RiskyScopes]
        );
        assert_eq!(
            risk(Some(true), Some(Risk::Configuration)),
            [Finding::RiskyScopes]
        );
        assert_eq!(risk(Some(true), Some(Risk::Write)), []);
        assert_eq!(risk(Some(true), Some(Risk::Ingest)), []);
        assert_eq!(risk(Some(true), Some(Risk::Unknown)), []);
        assert_eq!(risk(Some(true), None), []);
    }

    #[test]
    fn everything_at_once() {
        let f = Facts {
            enabled: Some(false),
            personal: Some(true),
            expires: Some(now() - Duration::days(1)),
            last_used: None,
            riskiest: Some(Risk::TokenManagement),
            dated: true,
        };
        assert_eq!(
            found(f),
            [
                Finding::Disabled,
                Finding::Expired,
                Finding::NeverUsed,
                Finding::PersonalCritical,
                Finding::RiskyScopes
            ]
        );
    }

    #[test]
    fn riskiest_scope_and_count() {
        assert_eq!(riskiest([]), (None, 0));
        assert_eq!(
            riskiest(["metrics.read", "apiTokens.write", "logs.ingest"]),
            (Some(Risk::TokenManagement), 3)
        );
        assert_eq!(
            riskiest(["metrics.read", "InstallerDownload"]),
            (Some(Risk::Installer), 2)
        );
        assert_eq!(riskiest(["made.up"]), (Some(Risk::Unknown), 1));
        assert_eq!(riskiest(["made.up", "metrics.read"]), (Some(Risk::Read), 2));
    }

    #[test]
    fn owners_with_more_than_the_limit() {
        let config = Config {
            owner_limit: 2,
            ..Config::default()
        };
        let owners = [
            Some("ann"),
            Some("bob"),
            Some("ann"),
            None,
            Some("ann"),
            Some("bob"),
            None,
            None,
        ];
        assert_eq!(
            crowded_owners(&owners, &config),
            [true, false, true, false, true, false, false, false]
        );
        assert!(!config.is_crowded(2) && config.is_crowded(3));
        assert!(Config::default().is_crowded(11) && !Config::default().is_crowded(10));
        assert_eq!(crowded_owners(&[], &config), Vec::<bool>::new());
    }

    #[test]
    fn every_finding_has_words_and_a_key_that_reads_back() {
        let mut keys = std::collections::HashSet::new();
        for f in Finding::ALL {
            assert!(!f.title().is_empty() && !f.why().is_empty() && !f.what_to_do().is_empty());
            assert!(f.why().ends_with('.') && f.what_to_do().ends_with('.'));
            assert_eq!(Finding::from_key(f.key()), Some(f));
            assert!(keys.insert(f.key()));
            assert!(["bad", "warn", "info"].contains(&f.tone()));
        }
        assert_eq!(Finding::from_key("nope"), None);
    }

    #[test]
    fn the_bitset() {
        let mut set = Findings::EMPTY;
        assert!(set.is_empty());
        assert_eq!(set.len(), 0);
        set.insert(Finding::CrowdedOwner);
        set.insert(Finding::Disabled);
        set.insert(Finding::Disabled);
        assert_eq!(set.len(), 2);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Finding::Disabled, Finding::CrowdedOwner]
        );
        assert!(set.contains_all(Findings::EMPTY.with(Finding::Disabled)));
        assert!(!set.contains_all(Findings::EMPTY.with(Finding::Expired)));
        set.remove(Finding::Disabled);
        assert_eq!(set, Findings::EMPTY.with(Finding::CrowdedOwner));
        let all: Findings = Finding::ALL.into_iter().collect();
        assert_eq!(all.len(), Finding::COUNT);
        assert_eq!(std::mem::size_of::<Findings>(), 2);
    }
}
