//! Environment URLs as people paste them, turned into the base of the token API, or rejected
//! with a reason that says what to change. Hand-written splitting (no `url` crate): the rules
//! are few, and the wasm bundle stays small.
//!
//! Accepted, and what they become (`api_base()`):
//! - `abc12345.live.dynatrace.com`, with or without `https://`, a trailing slash, `:443`, or a
//!   pasted `/api/v2/...` or `/api/v1/...` path (removed, with a note) -> `https://abc12345.live.dynatrace.com/api`
//! - a bare SaaS environment ID `abc12345` -> the same, with a note
//! - `https://abc12345.apps.dynatrace.com/ui/apps/...` (the platform UI; path, query and
//!   fragment are dropped with a note) -> the classic API on `abc12345.live.dynatrace.com`
//! - Managed `https://host/e/<environment-id>` -> `https://host/e/<environment-id>/api`
//! - Environment ActiveGate `https://host:9999/e/<environment-id>`
//! - Dynatrace's own stages `<id>.sprint.dynatracelabs.com`, `<id>.dev.dynatracelabs.com`, and
//!   their platform UIs `<id>.sprint.apps.dynatracelabs.com` (mapped like SaaS)
//! - `http://localhost:port`, `http://127.0.0.1:port`, `http://[::1]:port` (the sandbox)
//! - `""`, `"/"` or a path such as `/api/v2/apiTokens`: this page's own origin, for deployments
//!   behind a reverse proxy -> `/api`
//! - any other https host (a custom domain or a proxy in front of an environment): kind `Other`
//!
//! Everything else is an [`EnvironmentUrlError`].

use std::fmt;

/// What kind of deployment a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvironmentKind {
    /// `https://<id>.live.dynatrace.com`
    Saas,
    /// `https://<host>/e/<environment-id>`
    Managed,
    /// `https://<host>:9999/e/<environment-id>`
    EnvironmentActiveGate,
    /// Dynatrace's own sprint and dev stages, `<id>.sprint.dynatracelabs.com`.
    DynatraceLabs,
    /// `http://localhost:port` or `http://127.0.0.1:port`: the sandbox, or a local proxy.
    Local,
    /// This page's own origin (`/api`), behind a reverse proxy.
    SameOrigin,
    /// Any other HTTPS host (a custom domain or a proxy in front of an environment).
    Other,
}

/// A checked environment: where the token API lives, and what was changed to get there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentUrl {
    kind: EnvironmentKind,
    /// `scheme://host[:port][/e/<id>]`, without a trailing slash; empty for same-origin.
    base: String,
    environment_id: Option<String>,
    notes: Vec<String>,
    /// The host is this machine (localhost, 127.x.x.x, ::1), or the page's own origin.
    local: bool,
}

/// Why a pasted environment URL was not accepted. Each message says what to change and where
/// (a 1-based character position in the field), and none quotes what was typed: anything typed
/// into any field may be a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvironmentUrlError {
    /// The field holds something that reads as a token (any prefix, an ID, a legacy token, a
    /// bare secret). It is refused before anything else, so it is never stored or looked up.
    #[error("This looks like a token, not an environment URL; nothing was stored. Paste tokens into \u{201c}Token to check\u{201d}, and the address of your Dynatrace environment here")]
    LooksLikeToken,
    #[error("The URL has a space or line break at position {position}; paste only the address")]
    Whitespace { position: usize },
    /// A scheme other than http(s). `known` names well-known ones from a fixed list, never
    /// from the input.
    #[error("Only https URLs (and http for this machine) are possible; this one starts with {}", scheme_words(.known))]
    Scheme { known: Option<&'static str> },
    #[error("Plain http would send the token unencrypted; write https:// instead (http is only for this machine: localhost, 127.0.0.1, [::1])")]
    InsecureHttp,
    #[error("Remove the user name or password from the URL; credentials never go in a URL")]
    Credentials,
    #[error("Remove the query or fragment (from position {position}, the ? or #); the environment URL ends after the host or /e/<environment-id>")]
    QueryOrFragment { position: usize },
    #[error("The URL has no host name")]
    NoHost,
    #[error("The host name is not valid at position {position}: {problem}")]
    BadHost {
        position: usize,
        problem: HostProblem,
    },
    #[error("The port at position {position} is not a number from 1 to 65535")]
    BadPort { position: usize },
    #[error("The path from position {position} is not an environment: use the host alone, add /e/<environment-id> for Managed or an ActiveGate, or paste an /api/... URL")]
    NotAnEnvironment { position: usize },
}

/// What is wrong with a host name, in words that quote nothing of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostProblem {
    /// A character other than a letter, digit, `-`, `_` or `.`.
    Character,
    /// A non-ASCII character: international names must be written in their `xn--` form.
    NonAscii,
    /// Two dots in a row, or a dot at the start.
    EmptyLabel,
    /// A part between dots longer than 63 characters.
    LongLabel,
    /// A part between dots starts or ends with `-`.
    Hyphen,
    /// More than 253 characters.
    TooLong,
    /// `[` without a closing `]`, or something in brackets that is not an IPv6 address.
    Ipv6,
    /// `https:/host` or `https:host`: the scheme is missing its `//`.
    SchemeSlashes,
}

impl fmt::Display for HostProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostProblem::Character => "host names have only letters, digits, \u{2018}-\u{2019} and \u{2018}.\u{2019} there",
            HostProblem::NonAscii => "a character outside plain ASCII; write an international name in its xn-- form, and check for a look-alike letter",
            HostProblem::EmptyLabel => "two dots in a row, or a dot at the start",
            HostProblem::LongLabel => "a part between dots is longer than 63 characters",
            HostProblem::Hyphen => "a part between dots starts or ends with \u{2018}-\u{2019}",
            HostProblem::TooLong => "it is longer than 253 characters",
            HostProblem::Ipv6 => "an IPv6 address goes in brackets, like [::1]",
            HostProblem::SchemeSlashes => "write the scheme with two slashes, like https://",
        })
    }
}

fn scheme_words(known: &Option<&'static str>) -> String {
    match known {
        Some(name) => format!("{name}:"),
        None => "another scheme (the part before \u{201c}:\u{201d})".to_owned(),
    }
}

/// Schemes named by name in [`EnvironmentUrlError::Scheme`]; any other is "another scheme".
const KNOWN_SCHEMES: [&str; 8] = [
    "ftp",
    "file",
    "javascript",
    "mailto",
    "ws",
    "wss",
    "data",
    "ssh",
];

/// The parts of an absolute URL, before any Dynatrace meaning is given to them.
struct Parts<'a> {
    /// `http` or `https`, lowercase; `None` if the input had no scheme.
    scheme: Option<&'static str>,
    host: String,
    port: Option<u16>,
    /// From the first `/` up to `?` or `#`; may be empty.
    path: &'a str,
    /// Where a `?query` or `#fragment` starts (1-based position), if the input has one.
    query_at: Option<usize>,
}

/// The input as typed, to turn a slice of it into a 1-based character position for messages.
#[derive(Clone, Copy)]
struct Src<'a> {
    whole: &'a str,
}

impl Src<'_> {
    /// The position of byte `byte` of `part`, which must be a slice of the input.
    fn at(&self, part: &str, byte: usize) -> usize {
        let start = (part.as_ptr() as usize).saturating_sub(self.whole.as_ptr() as usize);
        let end = (start + byte).min(self.whole.len());
        self.whole.get(..end).map_or(end, |s| s.chars().count()) + 1
    }
}

impl EnvironmentUrl {
    /// This page's own origin: calls go to `/api/...` on the server that served the page.
    pub fn same_origin() -> Self {
        EnvironmentUrl {
            kind: EnvironmentKind::SameOrigin,
            base: String::new(),
            environment_id: None,
            notes: Vec::new(),
            local: true,
        }
    }

    /// Reads what a person typed. Something that reads as a token is refused first
    /// ([`looks_like_token`]), so no later rule can quote it, store it or send it anywhere.
    pub fn parse(raw: &str) -> Result<Self, EnvironmentUrlError> {
        let src = Src { whole: raw };
        let input = raw.trim();
        if input.is_empty() || input == "/" {
            return Ok(Self::same_origin());
        }
        if looks_like_token(input) {
            return Err(EnvironmentUrlError::LooksLikeToken);
        }
        if let Some((i, _)) = input.char_indices().find(|(_, c)| c.is_whitespace()) {
            return Err(EnvironmentUrlError::Whitespace {
                position: src.at(input, i),
            });
        }
        if input.starts_with('/') && !input.starts_with("//") {
            return Self::same_origin_path(src, input);
        }
        if let Some(env) = Self::bare_environment_id(input) {
            return Ok(env);
        }
        let parts = split_url(src, input)?;
        Self::from_parts(src, parts)
    }

    /// `/api/v2/apiTokens` and the like: the page's own origin, the path dropped.
    fn same_origin_path(src: Src<'_>, input: &str) -> Result<Self, EnvironmentUrlError> {
        if let Some(i) = input.find(['?', '#']) {
            return Err(EnvironmentUrlError::QueryOrFragment {
                position: src.at(input, i),
            });
        }
        let path = input.trim_end_matches('/');
        if path == "/api" || path.starts_with("/api/") {
            let mut env = Self::same_origin();
            // The path is not quoted: it is free text, and may hold anything.
            env.notes.push(
                "Removed the pasted API path; calls go to this page's own server.".to_owned(),
            );
            return Ok(env);
        }
        Err(EnvironmentUrlError::NotAnEnvironment {
            position: src.at(input, 0),
        })
    }

    /// `abc12345` alone: people copy the ID from the address bar. Only the SaaS shape (one
    /// label, 8 to 10 lowercase letters and digits starting with a letter) is read this way.
    fn bare_environment_id(input: &str) -> Option<Self> {
        let looks_like_id = (8..=10).contains(&input.len())
            && input.starts_with(|c: char| c.is_ascii_lowercase())
            && input
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && input.chars().any(|c| c.is_ascii_digit())
            && input != "localhost";
        looks_like_id.then(|| EnvironmentUrl {
            kind: EnvironmentKind::Saas,
            base: format!("https://{input}.live.dynatrace.com"),
            environment_id: Some(input.to_owned()),
            notes: vec![format!(
                "Read {input} as the SaaS environment {input}.live.dynatrace.com."
            )],
            local: false,
        })
    }

    fn from_parts(src: Src<'_>, parts: Parts<'_>) -> Result<Self, EnvironmentUrlError> {
        let Parts {
            scheme,
            host,
            port,
            path,
            query_at,
        } = parts;
        let local = is_loopback(&host);
        let scheme = scheme.unwrap_or(if local { "http" } else { "https" });
        if scheme == "http" && !local {
            return Err(EnvironmentUrlError::InsecureHttp);
        }
        let mut notes = Vec::new();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();

        // The platform UI: everything after the host is UI state, so it is dropped.
        if let Some((id, classic_host, kind)) = platform_ui(&host) {
            notes.push(format!(
                "{host} is the Dynatrace platform UI; the token API lives on {classic_host}."
            ));
            if !segments.is_empty() || query_at.is_some() {
                notes.push("Ignored the rest of the UI address after the host.".to_owned());
            }
            return Ok(EnvironmentUrl {
                kind,
                base: format!("https://{classic_host}"),
                environment_id: Some(id),
                notes,
                local: false,
            });
        }
        if let Some(position) = query_at {
            return Err(EnvironmentUrlError::QueryOrFragment { position });
        }

        let saas_like = classic_host_id(&host);
        // `/e/<environment-id>` names the environment on Managed clusters and ActiveGates.
        let (environment_id, rest) = match (segments.as_slice(), &saas_like) {
            (["e", id, rest @ ..], None) if is_environment_id(id) => (Some((*id).to_owned()), rest),
            (_, Some((id, _))) => (Some(id.clone()), segments.as_slice()),
            _ => (None, segments.as_slice()),
        };
        match rest {
            [] => {}
            // Not quoted: a pasted path is free text, and may hold anything.
            ["api", ..] => notes.push("Removed the pasted API path.".to_owned()),
            _ => {
                return Err(EnvironmentUrlError::NotAnEnvironment {
                    position: src.at(path, 0),
                })
            }
        }
        let managed_path = environment_id.is_some() && saas_like.is_none();
        let kind = match (&saas_like, managed_path) {
            (Some((_, kind)), _) => *kind,
            (None, _) if local => EnvironmentKind::Local,
            (None, true) if port == Some(9999) => EnvironmentKind::EnvironmentActiveGate,
            (None, true) => EnvironmentKind::Managed,
            (None, false) => EnvironmentKind::Other,
        };

        let default_port = if scheme == "https" { 443 } else { 80 };
        let port = port.filter(|p| *p != default_port);
        let env_path = match (&environment_id, managed_path) {
            (Some(id), true) => format!("/e/{id}"),
            _ => String::new(),
        };
        Ok(EnvironmentUrl {
            kind,
            base: format!("{scheme}://{}{env_path}", with_port(&host, port)),
            environment_id,
            notes,
            local,
        })
    }

    /// How the host calls go to stands, by its name: see [`HostStanding`].
    pub fn standing(&self) -> HostStanding {
        match self.kind {
            EnvironmentKind::Saas | EnvironmentKind::DynatraceLabs => HostStanding::DynatraceSaas,
            EnvironmentKind::SameOrigin => HostStanding::SameOrigin,
            EnvironmentKind::Local => HostStanding::ThisMachine,
            _ => {
                let authority = self.base.split("://").nth(1).unwrap_or_default();
                let host_port = authority.split('/').next().unwrap_or_default();
                let host = host_port.split(':').next().unwrap_or_default();
                classify_host(host)
            }
        }
    }

    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }

    /// Where the token endpoints live: `https://abc12345.live.dynatrace.com/api`,
    /// `https://host/e/<id>/api`, or `/api` for this page's own origin.
    pub fn api_base(&self) -> String {
        format!("{}/api", self.base)
    }

    /// The normalised URL, for the trust line and for remembering: `https://abc12345.live.dynatrace.com`,
    /// `https://host/e/<id>`, or `/` for this page's own origin. (Its `Display` is a phrase for
    /// sentences: "this page's own server" there.)
    pub fn address(&self) -> &str {
        if self.base.is_empty() {
            "/"
        } else {
            &self.base
        }
    }

    /// The environment ID: from the SaaS or labs host name, or from `/e/<id>`.
    pub fn environment_id(&self) -> Option<&str> {
        self.environment_id.as_deref()
    }

    /// What was changed to make sense of the input, one sentence each.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Calls stay on this machine or this page's own origin (the sandbox, a local proxy).
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// The environment's Access tokens page, where a token can be revoked.
    ///
    /// - SaaS and Dynatrace's labs stages: the page in the platform UI on the `apps` host
    ///   (`/ui/apps/dynatrace.classic.tokens/ui/access-tokens`), which is where Dynatrace sends
    ///   users today; the classic `#settings/integration/apikeys` page redirects there.
    /// - Managed: the classic settings page, `<base>/#settings/integration/apikeys`, the only one
    ///   Managed clusters have.
    /// - Environment ActiveGate, other hosts, local and same-origin: `None`. An ActiveGate
    ///   serves the API but no UI, and a proxy or the sandbox has no Dynatrace UI to link to.
    pub fn access_tokens_page(&self) -> Option<String> {
        const PLATFORM_PAGE: &str = "/ui/apps/dynatrace.classic.tokens/ui/access-tokens";
        let id = self.environment_id.as_deref();
        match (self.kind, id) {
            (EnvironmentKind::Saas, Some(id)) => {
                Some(format!("https://{id}.apps.dynatrace.com{PLATFORM_PAGE}"))
            }
            (EnvironmentKind::DynatraceLabs, Some(id)) => {
                let stage = self.base.split('.').nth(1).unwrap_or("sprint");
                Some(format!(
                    "https://{id}.{stage}.apps.dynatracelabs.com{PLATFORM_PAGE}"
                ))
            }
            (EnvironmentKind::Managed, Some(_)) => {
                Some(format!("{}/#settings/integration/apikeys", self.base))
            }
            _ => None,
        }
    }

    /// The classic link to a dashboard, for dashboard-sharing tokens.
    pub fn dashboard_url(&self, dashboard_id: &str) -> Option<String> {
        let safe = !dashboard_id.is_empty()
            && dashboard_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        let has_ui = matches!(
            self.kind,
            EnvironmentKind::Saas | EnvironmentKind::Managed | EnvironmentKind::DynatraceLabs
        );
        (safe && has_ui).then(|| format!("{}/#dashboard;id={dashboard_id}", self.base))
    }
}

impl fmt::Display for EnvironmentUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == EnvironmentKind::SameOrigin {
            f.write_str("this page's own server")
        } else {
            f.write_str(&self.base)
        }
    }
}

/// Whether text reads as a token or a piece of one: anything the token parser accepts (any
/// prefix, a token ID, a legacy token or ID), anything the scanner finds, a `dt0xNN` prefix
/// standing as a word (a damaged token), or a run of 20 or more letters and digits that mixes
/// both (a bare secret, a legacy token, a public part). Host names and environment IDs are
/// shorter runs (labels like `abc12345`, UUID groups of at most 12). Used to refuse such input
/// wherever an address is expected, before any rule could quote, store or send it.
pub fn looks_like_token(text: &str) -> bool {
    let text = text.trim();
    crate::token::parse(text).is_ok()
        || !crate::token::scan(&text.to_ascii_lowercase()).is_empty()
        || has_prefix_word(text)
        || has_long_mixed_run(text)
}

/// `dt0` + a letter + two digits, any case, not glued to a letter or digit on either side.
fn has_prefix_word(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(5)).any(|i| {
        crate::token::is_prefix(&b[i..])
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 6).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// A run of at least 20 ASCII letters and digits with at least one of each.
fn has_long_mixed_run(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|run| {
        run.len() >= 20
            && run.bytes().any(|c| c.is_ascii_digit())
            && run.bytes().any(|c| c.is_ascii_alphabetic())
    })
}

/// Where calls go, judged by the host's name alone: what the "Calls go to" line says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostStanding {
    /// A documented Dynatrace SaaS host: `<id>.live.dynatrace.com` (also what
    /// `<id>.apps.dynatrace.com` becomes), or Dynatrace's own stages
    /// `<id>.sprint|dev.dynatracelabs.com`.
    DynatraceSaas,
    /// This page's own server, which must forward `/api/` to the environment.
    SameOrigin,
    /// This machine (loopback): the sandbox or a local proxy.
    ThisMachine,
    /// Any other host: a Managed cluster, an Environment ActiveGate, a proxy. Its name proves
    /// nothing either way; the person must know it.
    NotSaas,
    /// A name that imitates Dynatrace's.
    LookAlike(LookAlike),
}

/// How a host name imitates Dynatrace's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookAlike {
    /// A Dynatrace name followed by another domain, `abc12345.live.dynatrace.com.example.net`,
    /// or under another top-level domain, `abc12345.live.dynatrace.co`.
    DynatraceNameInOtherDomain,
    /// An `xn--` label: an internationalised name, which can imitate Latin letters.
    Punycode,
    /// A near miss of Dynatrace's names: `dynatrce`, `dyna-trace`, `live-dynatrace`.
    Typo,
}

impl fmt::Display for HostStanding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostStanding::DynatraceSaas => "A Dynatrace SaaS host.",
            HostStanding::SameOrigin => "Not a Dynatrace host: this page's own server, which must forward /api/ to your environment.",
            HostStanding::ThisMachine => "Not a Dynatrace host: this machine (a local proxy or the sandbox).",
            HostStanding::NotSaas => "Not a Dynatrace SaaS host (those end in .live.dynatrace.com): make sure it is your Managed cluster, ActiveGate or proxy before you send a token.",
            HostStanding::LookAlike(LookAlike::DynatraceNameInOtherDomain) => "Warning: this host only looks like Dynatrace's. Its name has a Dynatrace name followed by another domain, so it belongs to that other domain's owner. Do not send a token unless you run it.",
            HostStanding::LookAlike(LookAlike::Punycode) => "Warning: this host name has an internationalised (xn--) part, which can imitate Latin letters. Check it letter by letter before you send a token.",
            HostStanding::LookAlike(LookAlike::Typo) => "Warning: this host name is close to Dynatrace's but not the same (a typo, or an imitation). Check it before you send a token.",
        })
    }
}

/// How `host` (lowercase, no port) stands, for hosts that are not a documented SaaS host,
/// this machine or the page's own server: a look-alike, or simply not SaaS.
pub fn classify_host(host: &str) -> HostStanding {
    match look_alike(host) {
        Some(kind) => HostStanding::LookAlike(kind),
        None => HostStanding::NotSaas,
    }
}

const DYNATRACE_NAMES: [&str; 2] = ["dynatrace", "dynatracelabs"];
/// Top-level names for private networks: `dynatrace.corp` is someone's own Managed cluster.
const PRIVATE_TLDS: [&str; 8] = [
    "local",
    "internal",
    "lan",
    "corp",
    "home",
    "intranet",
    "localdomain",
    "private",
];

fn look_alike(host: &str) -> Option<LookAlike> {
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels.len().saturating_sub(1);
    for (i, label) in labels.iter().enumerate() {
        if !DYNATRACE_NAMES.contains(label) {
            continue;
        }
        let next = labels.get(i + 1).copied();
        if next == Some("com") && i + 1 == last {
            continue; // Dynatrace's own domain
        }
        let saas_shaped = i > 0 && matches!(labels[i - 1], "live" | "apps" | "sprint" | "dev");
        let other_tld = i + 1 == last && !next.is_some_and(|t| PRIVATE_TLDS.contains(&t));
        if next == Some("com") || other_tld || saas_shaped {
            return Some(LookAlike::DynatraceNameInOtherDomain);
        }
    }
    if labels.iter().any(|l| l.starts_with("xn--")) {
        return Some(LookAlike::Punycode);
    }
    let typo = labels.iter().any(|label| {
        let joined: String = label.chars().filter(|c| !matches!(c, '-' | '_')).collect();
        if DYNATRACE_NAMES.contains(label) {
            return false;
        }
        DYNATRACE_NAMES
            .iter()
            .any(|name| edit_distance(&joined, name) <= 2)
            || DYNATRACE_NAMES.iter().any(|name| {
                ["live", "apps", "com", "my"].iter().any(|extra| {
                    joined.strip_prefix(extra) == Some(*name)
                        || joined.strip_suffix(extra) == Some(*name)
                })
            })
    });
    typo.then_some(LookAlike::Typo)
}

/// Optimal string alignment distance (insertions, deletions, substitutions, swaps of two
/// neighbours), on ASCII bytes; labels are ASCII here.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    // One flat table, row `i` at `i * w`: a `Vec` of `Vec`s costs the page its own code.
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

/// How this page itself arrived, from `location.protocol` and `location.hostname`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageTransport {
    /// `https:`: the page and what it sends to its own server are encrypted.
    Https,
    /// Plain `http:` from this machine (the demo): nothing crosses a network.
    Loopback,
    /// Plain `http:` from another machine: anyone on the way could read or change the page,
    /// and a token sent to the page's own server travels unencrypted.
    PlainHttp,
    /// Anything else (`file:`, an extension page): no server of its own to send to.
    Other,
}

impl PageTransport {
    pub fn of(protocol: &str, hostname: &str) -> Self {
        match protocol.to_ascii_lowercase().trim_end_matches(':') {
            "https" => PageTransport::Https,
            "http" if is_loopback(&hostname.to_ascii_lowercase()) => PageTransport::Loopback,
            "http" => PageTransport::PlainHttp,
            _ => PageTransport::Other,
        }
    }
}

/// Splits `[scheme://]host[:port][/path][?query][#fragment]` and checks each part.
fn split_url<'a>(src: Src<'_>, input: &'a str) -> Result<Parts<'a>, EnvironmentUrlError> {
    let (scheme, rest) = split_scheme(src, input)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(EnvironmentUrlError::Credentials);
    }
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let (path, tail) = after.split_at(path_end);
    let (host, port) = split_host_port(src, authority)?;
    Ok(Parts {
        scheme,
        host,
        port,
        path,
        query_at: (!tail.is_empty()).then(|| src.at(tail, 0)),
    })
}

/// `https://`, `http://` (any case), or none. `ftp://x`, `file:///x`, `mailto:x`, `javascript:x`
/// are refused as schemes; `host:8080` is a host and a port, not a scheme.
fn split_scheme<'a>(
    src: Src<'_>,
    input: &'a str,
) -> Result<(Option<&'static str>, &'a str), EnvironmentUrlError> {
    let foreign = |name: &str| {
        let lower = name.to_ascii_lowercase();
        EnvironmentUrlError::Scheme {
            known: KNOWN_SCHEMES.into_iter().find(|k| *k == lower),
        }
    };
    if let Some((scheme, rest)) = input.split_once("://") {
        return match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok((Some("https"), rest)),
            "http" => Ok((Some("http"), rest)),
            _ if is_scheme_name(scheme) => Err(foreign(scheme)),
            _ => Err(EnvironmentUrlError::BadHost {
                position: src.at(input, 0),
                problem: HostProblem::Character,
            }),
        };
    }
    if let Some((name, rest)) = input.split_once(':') {
        // A port follows a host; anything else after `name:` means `name` is a scheme.
        let port = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let port_like =
            port.chars().all(|c| c.is_ascii_digit()) && (!port.is_empty() || rest.is_empty());
        if is_scheme_name(name) && !port_like && !name.contains('.') {
            let lower = name.to_ascii_lowercase();
            return Err(match lower.as_str() {
                // `https:/host` or `https:host`: a mangled scheme, not a foreign one.
                "http" | "https" => EnvironmentUrlError::BadHost {
                    position: src.at(rest, 0),
                    problem: HostProblem::SchemeSlashes,
                },
                _ => foreign(name),
            });
        }
    }
    Ok((None, input))
}

fn is_scheme_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn split_host_port(
    src: Src<'_>,
    authority: &str,
) -> Result<(String, Option<u16>), EnvironmentUrlError> {
    if authority.is_empty() {
        return Err(EnvironmentUrlError::NoHost);
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        // IPv6: [::1]:8080
        let bad = || EnvironmentUrlError::BadHost {
            position: src.at(authority, 0),
            problem: HostProblem::Ipv6,
        };
        let (inner, after) = rest.split_once(']').ok_or_else(bad)?;
        let valid = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !valid {
            return Err(bad());
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(bad)?),
        };
        (format!("[{}]", inner.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        // A trailing dot is the fully qualified spelling of the same host.
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() {
            return Err(EnvironmentUrlError::NoHost);
        }
        if let Some((byte, problem)) = host_problem(host) {
            return Err(EnvironmentUrlError::BadHost {
                position: src.at(host, byte),
                problem,
            });
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => Some(n),
            // The position of the `:` before the port (the port itself may be empty).
            _ => {
                return Err(EnvironmentUrlError::BadPort {
                    position: src.at(p, 0) - 1,
                })
            }
        },
    };
    Ok((host, port))
}

/// Where a host name breaks the rules, as a byte offset into it: DNS labels of ASCII letters,
/// digits, `-` (and `_`, seen in internal names), none empty or longer than 63, at most 253 in
/// all.
fn host_problem(host: &str) -> Option<(usize, HostProblem)> {
    if let Some((i, c)) = host
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        let problem = if c.is_ascii() {
            HostProblem::Character
        } else {
            HostProblem::NonAscii
        };
        return Some((i, problem));
    }
    let mut start = 0;
    for label in host.split('.') {
        if label.is_empty() {
            return Some((start, HostProblem::EmptyLabel));
        }
        if label.len() > 63 {
            return Some((start + 63, HostProblem::LongLabel));
        }
        if label.starts_with('-') {
            return Some((start, HostProblem::Hyphen));
        }
        if label.ends_with('-') {
            return Some((start + label.len() - 1, HostProblem::Hyphen));
        }
        start += label.len() + 1;
    }
    (host.len() > 253).then_some((253, HostProblem::TooLong))
}

/// localhost, 127.0.0.0/8 written as four numbers, and the IPv6 loopback in either spelling.
fn is_loopback(host: &str) -> bool {
    if host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host == "[0:0:0:0:0:0:0:1]"
    {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets.first() == Some(&"127")
        && octets
            .iter()
            .all(|o| o.len() <= 3 && o.parse::<u8>().is_ok())
}

/// Environment IDs are short lowercase alphanumerics (`abc12345`); Managed IDs are UUIDs.
fn is_environment_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `<id>.apps.dynatrace.com` and `<id>.<stage>.apps.dynatracelabs.com`: the environment ID,
/// the host of its classic API, and the kind.
fn platform_ui(host: &str) -> Option<(String, String, EnvironmentKind)> {
    if let Some(id) = host
        .strip_suffix(".apps.dynatrace.com")
        .filter(|id| is_single_label_id(id))
    {
        return Some((
            id.to_owned(),
            format!("{id}.live.dynatrace.com"),
            EnvironmentKind::Saas,
        ));
    }
    LABS_STAGES.into_iter().find_map(|stage| {
        let id = host
            .strip_suffix(&format!(".{stage}.apps.dynatracelabs.com"))
            .filter(|id| is_single_label_id(id))?;
        Some((
            id.to_owned(),
            format!("{id}.{stage}.dynatracelabs.com"),
            EnvironmentKind::DynatraceLabs,
        ))
    })
}

/// `<id>.live.dynatrace.com` and `<id>.<stage>.dynatracelabs.com`: the ID and the kind.
fn classic_host_id(host: &str) -> Option<(String, EnvironmentKind)> {
    if let Some(id) = host
        .strip_suffix(".live.dynatrace.com")
        .filter(|id| is_single_label_id(id))
    {
        return Some((id.to_owned(), EnvironmentKind::Saas));
    }
    LABS_STAGES.into_iter().find_map(|stage| {
        let id = host
            .strip_suffix(&format!(".{stage}.dynatracelabs.com"))
            .filter(|id| is_single_label_id(id))?;
        Some((id.to_owned(), EnvironmentKind::DynatraceLabs))
    })
}

const LABS_STAGES: [&str; 2] = ["sprint", "dev"];

fn is_single_label_id(id: &str) -> bool {
    is_environment_id(id) && !id.contains('.')
}

fn with_port(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(input: &str) -> String {
        EnvironmentUrl::parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .api_base()
    }

    #[test]
    fn saas_in_every_pasted_form() {
        for input in [
            "abc12345.live.dynatrace.com",
            "https://abc12345.live.dynatrace.com",
            "https://abc12345.live.dynatrace.com/",
            "HTTPS://ABC12345.LIVE.DYNATRACE.COM",
            "https://abc12345.live.dynatrace.com:443",
            "https://abc12345.live.dynatrace.com/api/v2/apiTokens/lookup",
            "  https://abc12345.live.dynatrace.com/api  ",
        ] {
            assert_eq!(
                base(input),
                "https://abc12345.live.dynatrace.com/api",
                "{input}"
            );
        }
        let env =
            EnvironmentUrl::parse("https://abc12345.live.dynatrace.com/api/v2/apiTokens").unwrap();
        assert_eq!(env.environment_id(), Some("abc12345"));
        assert_eq!(env.kind(), EnvironmentKind::Saas);
        assert_eq!(env.notes(), ["Removed the pasted API path."]);
    }

    #[test]
    fn the_platform_ui_maps_to_the_classic_api_host() {
        let env = EnvironmentUrl::parse(
            "https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.dashboards",
        )
        .unwrap();
        assert_eq!(env.api_base(), "https://abc12345.live.dynatrace.com/api");
        assert!(env.notes()[0].contains("platform UI"));
        assert_eq!(
            base("xyz98765.sprint.apps.dynatracelabs.com"),
            "https://xyz98765.sprint.dynatracelabs.com/api"
        );
        assert_eq!(
            base("https://xyz98765.dev.dynatracelabs.com"),
            "https://xyz98765.dev.dynatracelabs.com/api"
        );
    }

    #[test]
    fn managed_and_activegate() {
        let managed = EnvironmentUrl::parse(
            "https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/api/v2/apiTokens",
        )
        .unwrap();
        assert_eq!(
            managed.api_base(),
            "https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/api"
        );
        assert_eq!(managed.kind(), EnvironmentKind::Managed);
        let ag = EnvironmentUrl::parse("https://ag.example.com:9999/e/abc12345").unwrap();
        assert_eq!(ag.api_base(), "https://ag.example.com:9999/e/abc12345/api");
        assert_eq!(ag.kind(), EnvironmentKind::EnvironmentActiveGate);
        assert_eq!(ag.environment_id(), Some("abc12345"));
    }

    #[test]
    fn local_and_same_origin() {
        assert_eq!(base("http://127.0.0.1:8081"), "http://127.0.0.1:8081/api");
        assert_eq!(base("localhost:8081/"), "http://localhost:8081/api");
        assert_eq!(base("http://[::1]:8081"), "http://[::1]:8081/api");
        assert_eq!(base(""), "/api");
        assert_eq!(
            EnvironmentUrl::parse("/").unwrap().kind(),
            EnvironmentKind::SameOrigin
        );
    }

    #[test]
    fn rejections_say_why_and_where() {
        use EnvironmentUrlError::*;
        let err = |s: &str| EnvironmentUrl::parse(s).unwrap_err();
        assert_eq!(err("http://abc12345.live.dynatrace.com"), InsecureHttp);
        assert_eq!(
            err("https://user:pw@abc12345.live.dynatrace.com"),
            Credentials
        );
        assert_eq!(
            err("https://abc12345.live.dynatrace.com/?x=1"),
            QueryOrFragment { position: 37 }
        );
        assert_eq!(
            err("https://abc12345.live.dynatrace.com/ui/dashboards"),
            NotAnEnvironment { position: 36 }
        );
        assert_eq!(err("ftp://host"), Scheme { known: Some("ftp") });
        assert_eq!(err("gopher://host"), Scheme { known: None });
        assert_eq!(err("https://host:99999"), BadPort { position: 13 });
        assert_eq!(err("https://"), NoHost);
        assert_eq!(err("https://exa mple.com"), Whitespace { position: 12 });
        assert_eq!(
            err("  https://bad_host!.com"),
            BadHost {
                position: 19,
                problem: HostProblem::Character
            }
        );
    }

    #[test]
    fn host_problems_point_at_the_character() {
        let at = |s: &str| match EnvironmentUrl::parse(s) {
            Err(EnvironmentUrlError::BadHost { position, problem }) => (position, problem),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(at("https://a..b.com"), (11, HostProblem::EmptyLabel));
        assert_eq!(at("https://-a.com"), (9, HostProblem::Hyphen));
        assert_eq!(at("https://a-.com"), (10, HostProblem::Hyphen));
        assert_eq!(at("https://ex\u{e4}mple.com"), (11, HostProblem::NonAscii));
        assert_eq!(
            at("https:/abc12345.live.dynatrace.com"),
            (7, HostProblem::SchemeSlashes)
        );
        assert_eq!(at("https://[::1"), (9, HostProblem::Ipv6));
        let long = format!("https://{}.com", "a".repeat(64));
        assert_eq!(at(&long), (72, HostProblem::LongLabel));
    }

    #[test]
    fn tokens_are_refused_before_anything_else() {
        for input in [
            "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
            "dt0c01.ST2EY72KQINMH574WMNVI7YN",
            "dt0e01.ABCDEFGHIJKLMNO.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH",
            "https://dt0e01.abcdefghijklmno.abcdefghijklmnopqrstuvwxyz234567abcdefgh",
            "Api-Token dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
            "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
            "abcdefjhij1234567890x",
            "https://abcdefjhij1234567890x.example.com",
            "DT0C01-ST2EY72KQ",
        ] {
            assert_eq!(
                EnvironmentUrl::parse(input),
                Err(EnvironmentUrlError::LooksLikeToken),
                "{input}"
            );
        }
    }

    #[test]
    fn hosts_are_classified_by_name() {
        let standing = |s: &str| EnvironmentUrl::parse(s).unwrap().standing();
        use HostStanding::*;
        assert_eq!(standing("abc12345.live.dynatrace.com"), DynatraceSaas);
        assert_eq!(standing("abc12345.apps.dynatrace.com"), DynatraceSaas);
        assert_eq!(standing("xyz98765.sprint.dynatracelabs.com"), DynatraceSaas);
        assert_eq!(standing(""), SameOrigin);
        assert_eq!(standing("http://127.0.0.1:8081"), ThisMachine);
        assert_eq!(standing("https://dt.example.com/e/abc12345"), NotSaas);
        assert_eq!(standing("https://dynatrace-proxy.corp.example"), NotSaas);
        assert_eq!(standing("https://dynatrace.corp.example.com"), NotSaas);
        assert_eq!(standing("https://dynatrace.internal"), NotSaas);
        assert_eq!(standing("https://abc12345.dynatrace.com"), NotSaas);
        for look_alike in [
            "abc12345.live.dynatrace.com.example.net",
            "abc12345.live.dynatrace.co",
            "abc12345.live.dynatrace.example.net",
            "abc12345.apps.dynatracelabs.com.evil.io",
        ] {
            assert_eq!(
                standing(look_alike),
                LookAlike(super::LookAlike::DynatraceNameInOtherDomain),
                "{look_alike}"
            );
        }
        assert_eq!(
            standing("abc12345.live.xn--dynatrac-9za.com"),
            LookAlike(super::LookAlike::Punycode)
        );
        for typo in [
            "abc12345.live.dynatrce.com",
            "abc12345.live.dyna-trace.com",
            "abc12345.live-dynatrace.com",
            "abc12345.dynatrase.com",
            "abc12345.live.dynatarce.com",
        ] {
            assert_eq!(standing(typo), LookAlike(super::LookAlike::Typo), "{typo}");
        }
    }

    #[test]
    fn the_page_itself_over_plain_http_is_told_apart() {
        use PageTransport::*;
        assert_eq!(PageTransport::of("https:", "checker.example.com"), Https);
        assert_eq!(PageTransport::of("http:", "127.0.0.1"), Loopback);
        assert_eq!(PageTransport::of("http:", "localhost"), Loopback);
        assert_eq!(PageTransport::of("http:", "[::1]"), Loopback);
        assert_eq!(PageTransport::of("http:", "checker.example.com"), PlainHttp);
        assert_eq!(PageTransport::of("http:", "127.evil.example"), PlainHttp);
        assert_eq!(PageTransport::of("file:", ""), Other);
    }

    #[test]
    fn links_to_the_environment() {
        let saas = EnvironmentUrl::parse("abc12345.live.dynatrace.com").unwrap();
        assert_eq!(saas.access_tokens_page().as_deref(), Some("https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.classic.tokens/ui/access-tokens"));
        assert_eq!(saas.dashboard_url("82402bab-7370-4359-924d-88ed13c8919a").as_deref(), Some("https://abc12345.live.dynatrace.com/#dashboard;id=82402bab-7370-4359-924d-88ed13c8919a"));
        assert_eq!(saas.dashboard_url("x\"><script>"), None);
        assert_eq!(EnvironmentUrl::same_origin().access_tokens_page(), None);
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(input in ".{0,80}") {
            let _ = EnvironmentUrl::parse(&input);
        }

        #[test]
        fn accepted_urls_are_https_or_local(input in "[a-zA-Z0-9:/.@?#\\[\\]-]{0,40}") {
            if let Ok(env) = EnvironmentUrl::parse(&input) {
                let b = env.api_base();
                prop_assert!(b.starts_with("https://") || b.starts_with('/') || env.is_local(), "{}", b);
            }
        }
    }

    use proptest::prop_assert;
}
