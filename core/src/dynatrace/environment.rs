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

/// Why a pasted environment URL was not accepted. Each message says what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvironmentUrlError {
    #[error("The URL contains a space or line break; paste only the address")]
    Whitespace,
    #[error("Only https URLs (and http for localhost) are possible, not {0}:")]
    Scheme(String),
    #[error(
        "Plain http would send the token unencrypted; use https://{0} (http is only for localhost)"
    )]
    InsecureHttp(String),
    #[error("Remove the user name or password from the URL; credentials never go in a URL")]
    Credentials,
    #[error("Remove the query or fragment (from ? or #) from the URL; the environment URL ends after the host or /e/<environment-id>")]
    QueryOrFragment,
    #[error("The URL has no host name")]
    NoHost,
    #[error("The host name \u{201c}{0}\u{201d} is not valid")]
    BadHost(String),
    #[error("The port \u{201c}{0}\u{201d} is not a number from 1 to 65535")]
    BadPort(String),
    #[error("The path \u{201c}{0}\u{201d} is not an environment: use the host alone, add /e/<environment-id> for Managed or an ActiveGate, or paste an /api/... URL")]
    NotAnEnvironment(String),
}

/// The parts of an absolute URL, before any Dynatrace meaning is given to them.
struct Parts<'a> {
    /// `http` or `https`, lowercase; `None` if the input had no scheme.
    scheme: Option<&'static str>,
    host: String,
    port: Option<u16>,
    /// From the first `/` up to `?` or `#`; may be empty.
    path: &'a str,
    /// The input had a `?query` or `#fragment`.
    has_query_or_fragment: bool,
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

    pub fn parse(input: &str) -> Result<Self, EnvironmentUrlError> {
        let input = input.trim();
        if input.is_empty() || input == "/" {
            return Ok(Self::same_origin());
        }
        if input.chars().any(char::is_whitespace) {
            return Err(EnvironmentUrlError::Whitespace);
        }
        if input.starts_with('/') && !input.starts_with("//") {
            return Self::same_origin_path(input);
        }
        if let Some(env) = Self::bare_environment_id(input) {
            return Ok(env);
        }
        let parts = split_url(input)?;
        Self::from_parts(parts)
    }

    /// `/api/v2/apiTokens` and the like: the page's own origin, the path dropped.
    fn same_origin_path(input: &str) -> Result<Self, EnvironmentUrlError> {
        if input.contains(['?', '#']) {
            return Err(EnvironmentUrlError::QueryOrFragment);
        }
        let path = input.trim_end_matches('/');
        if path == "/api" || path.starts_with("/api/") {
            let mut env = Self::same_origin();
            env.notes.push(format!(
                "Removed the pasted API path {path}; calls go to this page's own server."
            ));
            return Ok(env);
        }
        Err(EnvironmentUrlError::NotAnEnvironment(short(input)))
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

    fn from_parts(parts: Parts<'_>) -> Result<Self, EnvironmentUrlError> {
        let Parts {
            scheme,
            host,
            port,
            path,
            has_query_or_fragment,
        } = parts;
        let local = is_loopback(&host);
        let scheme = scheme.unwrap_or(if local { "http" } else { "https" });
        if scheme == "http" && !local {
            return Err(EnvironmentUrlError::InsecureHttp(with_port(&host, port)));
        }
        let mut notes = Vec::new();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();

        // The platform UI: everything after the host is UI state, so it is dropped.
        if let Some((id, classic_host, kind)) = platform_ui(&host) {
            notes.push(format!(
                "{host} is the Dynatrace platform UI; the token API lives on {classic_host}."
            ));
            if !segments.is_empty() || has_query_or_fragment {
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
        if has_query_or_fragment {
            return Err(EnvironmentUrlError::QueryOrFragment);
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
            ["api", ..] => notes.push(format!("Removed the pasted API path /{}.", rest.join("/"))),
            _ => return Err(EnvironmentUrlError::NotAnEnvironment(short(path))),
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

    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }

    /// Where the token endpoints live: `https://abc12345.live.dynatrace.com/api`,
    /// `https://host/e/<id>/api`, or `/api` for this page's own origin.
    pub fn api_base(&self) -> String {
        format!("{}/api", self.base)
    }

    /// The normalised URL, for the trust line and for remembering: `https://abc12345.live.dynatrace.com`,
    /// `https://host/e/<id>`, or `/` for this page's own origin.
    pub fn display(&self) -> &str {
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

/// Splits `[scheme://]host[:port][/path][?query][#fragment]` and checks each part.
fn split_url(input: &str) -> Result<Parts<'_>, EnvironmentUrlError> {
    let (scheme, rest) = split_scheme(input)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(EnvironmentUrlError::Credentials);
    }
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let (path, tail) = after.split_at(path_end);
    let (host, port) = split_host_port(authority)?;
    Ok(Parts {
        scheme,
        host,
        port,
        path,
        has_query_or_fragment: !tail.is_empty(),
    })
}

/// `https://`, `http://` (any case), or none. `ftp://x`, `file:///x`, `mailto:x`, `javascript:x`
/// are refused by name; `host:8080` is a host and a port, not a scheme.
fn split_scheme(input: &str) -> Result<(Option<&'static str>, &str), EnvironmentUrlError> {
    if let Some((scheme, rest)) = input.split_once("://") {
        return match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok((Some("https"), rest)),
            "http" => Ok((Some("http"), rest)),
            _ if is_scheme_name(scheme) => {
                Err(EnvironmentUrlError::Scheme(scheme.to_ascii_lowercase()))
            }
            _ => Err(EnvironmentUrlError::BadHost(short(input))),
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
                "http" | "https" => EnvironmentUrlError::BadHost(short(input)),
                _ => EnvironmentUrlError::Scheme(lower),
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

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), EnvironmentUrlError> {
    if authority.is_empty() {
        return Err(EnvironmentUrlError::NoHost);
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        // IPv6: [::1]:8080
        let bad = || EnvironmentUrlError::BadHost(short(authority));
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
        let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if host.is_empty() {
            return Err(EnvironmentUrlError::NoHost);
        }
        if !is_host_name(&host) {
            return Err(EnvironmentUrlError::BadHost(short(&host)));
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => Some(n),
            _ => return Err(EnvironmentUrlError::BadPort(short(p))),
        },
    };
    Ok((host, port))
}

/// DNS labels of letters, digits, `-` (and `_`, seen in internal names), none empty or longer
/// than 63, at most 253 in all.
fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
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

/// Input quoted back in a message: at most 80 characters, control characters shown as `?`.
fn short(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(80)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
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
        assert_eq!(
            env.notes(),
            ["Removed the pasted API path /api/v2/apiTokens."]
        );
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
    fn rejections_say_why() {
        use EnvironmentUrlError::*;
        let err = |s: &str| EnvironmentUrl::parse(s).unwrap_err();
        assert_eq!(
            err("http://abc12345.live.dynatrace.com"),
            InsecureHttp("abc12345.live.dynatrace.com".into())
        );
        assert_eq!(
            err("https://user:pw@abc12345.live.dynatrace.com"),
            Credentials
        );
        assert_eq!(
            err("https://abc12345.live.dynatrace.com/?x=1"),
            QueryOrFragment
        );
        assert_eq!(
            err("https://abc12345.live.dynatrace.com/#x"),
            QueryOrFragment
        );
        assert_eq!(
            err("https://abc12345.live.dynatrace.com/ui/dashboards"),
            NotAnEnvironment("/ui/dashboards".into())
        );
        assert_eq!(err("ftp://host"), Scheme("ftp".into()));
        assert_eq!(err("https://host:99999"), BadPort("99999".into()));
        assert_eq!(err("https://"), NoHost);
        assert_eq!(err("https://exa mple.com"), Whitespace);
        assert_eq!(
            err("https://bad_host!.com"),
            BadHost("bad_host!.com".into())
        );
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
