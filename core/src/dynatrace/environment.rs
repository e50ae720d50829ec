//! Environment URLs as people paste them, turned into the base of the token API, or rejected
//! with a reason. Hand-written splitting (no `url` crate): the rules are few, and the wasm
//! bundle stays small.

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentUrl {
    kind: EnvironmentKind,
    /// `https://host[:port][/e/<id>]`, without a trailing slash; empty for same-origin.
    base: String,
    environment_id: Option<String>,
    notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvironmentUrlError {
    #[error("The URL contains whitespace; paste only the address")]
    Whitespace,
    #[error("Only http and https URLs are possible, not {0}:")]
    Scheme(String),
    #[error("Plain http is only allowed for localhost; use https://{0}")]
    InsecureHttp(String),
    #[error("Remove the user name or password from the URL; credentials never go in a URL")]
    Credentials,
    #[error("Remove the query or fragment (after ? or #) from the URL")]
    QueryOrFragment,
    #[error("The URL has no host name")]
    NoHost,
    #[error("The host name {0:?} is not valid")]
    BadHost(String),
    #[error("The port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    #[error("The path {0:?} is not an environment: expected nothing, /e/<environment-id> (Managed, ActiveGate) or an /api/... path")]
    NotAnEnvironment(String),
}

impl EnvironmentUrl {
    /// This page's own origin: calls go to `/api/...` on the server that served the page.
    pub fn same_origin() -> Self {
        EnvironmentUrl { kind: EnvironmentKind::SameOrigin, base: String::new(), environment_id: None, notes: vec![] }
    }

    pub fn parse(input: &str) -> Result<Self, EnvironmentUrlError> {
        let input = input.trim();
        if input.is_empty() || input == "/" {
            return Ok(Self::same_origin());
        }
        if input.chars().any(char::is_whitespace) {
            return Err(EnvironmentUrlError::Whitespace);
        }
        let mut notes = Vec::new();

        let (scheme, rest) = match input.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None if input.contains(':') && !input.contains('.') && !input.starts_with("localhost") && !input.starts_with('[') => {
                let scheme = input.split(':').next().unwrap_or_default();
                return Err(EnvironmentUrlError::Scheme(scheme.to_owned()));
            }
            None => (String::new(), input),
        };
        if !scheme.is_empty() && scheme != "http" && scheme != "https" {
            return Err(EnvironmentUrlError::Scheme(scheme));
        }
        if rest.contains('?') || rest.contains('#') {
            return Err(EnvironmentUrlError::QueryOrFragment);
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(EnvironmentUrlError::Credentials);
        }
        let (host, port) = split_host_port(authority)?;
        let host = host.to_ascii_lowercase();
        let local = is_loopback(&host);
        let scheme = match scheme.as_str() {
            "" if local => "http".to_owned(),
            "" => "https".to_owned(),
            s => s.to_owned(),
        };
        if scheme == "http" && !local {
            return Err(EnvironmentUrlError::InsecureHttp(format!("{host}{}", port.map(|p| format!(":{p}")).unwrap_or_default())));
        }

        // The path: nothing, /e/<id>, and/or a pasted /api/... (or a UI path on an apps host).
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (mut environment_id, api_at) = match segments.as_slice() {
            ["e", id, ..] if is_environment_id(id) => (Some((*id).to_owned()), 2),
            _ => (None, 0),
        };
        let rest_segments = &segments[api_at..];
        let mut host = host;
        let mut kind;

        if let Some(id) = host.strip_suffix(".apps.dynatrace.com").filter(|id| is_environment_id(id)) {
            let live = format!("{id}.live.dynatrace.com");
            notes.push(format!("{host} is the Dynatrace platform UI; the token API lives on {live}."));
            environment_id = Some(id.to_owned());
            host = live;
            kind = EnvironmentKind::Saas;
        } else if let Some((id, stage)) = labs_apps(&host) {
            let classic = format!("{id}.{stage}.dynatracelabs.com");
            notes.push(format!("{host} is the platform UI; the token API lives on {classic}."));
            environment_id = Some(id.clone());
            host = classic;
            kind = EnvironmentKind::DynatraceLabs;
        } else if let Some(id) = host.strip_suffix(".live.dynatrace.com").filter(|id| is_environment_id(id)) {
            environment_id = Some(id.to_owned());
            kind = EnvironmentKind::Saas;
        } else if let Some((id, _)) = labs_classic(&host) {
            environment_id = Some(id);
            kind = EnvironmentKind::DynatraceLabs;
        } else if local {
            kind = EnvironmentKind::Local;
        } else {
            kind = EnvironmentKind::Other;
        }
        let ui_host = notes.len() == 1;

        match rest_segments {
            [] => {}
            ["api", ..] => notes.push(format!("Removed the pasted API path /{}.", rest_segments.join("/"))),
            _ if ui_host => notes.push("Ignored the UI path after the host.".to_owned()),
            _ => return Err(EnvironmentUrlError::NotAnEnvironment(path.to_owned())),
        }
        if api_at == 2 {
            kind = if port == Some(9999) { EnvironmentKind::EnvironmentActiveGate } else { EnvironmentKind::Managed };
        }

        let default_port = if scheme == "https" { 443 } else { 80 };
        let port_text = match port {
            Some(p) if p != default_port => format!(":{p}"),
            _ => String::new(),
        };
        let env_path = if api_at == 2 { format!("/e/{}", environment_id.as_deref().unwrap_or_default()) } else { String::new() };
        Ok(EnvironmentUrl { kind, base: format!("{scheme}://{host}{port_text}{env_path}"), environment_id, notes })
    }

    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }

    /// Where the token endpoints live: `https://abc12345.live.dynatrace.com/api`, or `/api`.
    pub fn api_base(&self) -> String {
        format!("{}/api", self.base)
    }

    /// The environment as it should be shown and remembered (empty for same-origin).
    pub fn display(&self) -> &str {
        &self.base
    }

    pub fn environment_id(&self) -> Option<&str> {
        self.environment_id.as_deref()
    }

    /// What was changed to make sense of the input.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn is_local(&self) -> bool {
        matches!(self.kind, EnvironmentKind::Local | EnvironmentKind::SameOrigin)
    }

    /// The environment's Access tokens page, where a token can be revoked. SaaS environments
    /// have moved it into the platform UI; Managed and others keep the classic settings page.
    pub fn access_tokens_page(&self) -> Option<String> {
        match (self.kind, self.environment_id.as_deref()) {
            (EnvironmentKind::Saas, Some(id)) => {
                Some(format!("https://{id}.apps.dynatrace.com/ui/apps/dynatrace.classic.tokens/ui/access-tokens"))
            }
            (EnvironmentKind::Managed | EnvironmentKind::EnvironmentActiveGate | EnvironmentKind::DynatraceLabs | EnvironmentKind::Other, _) => {
                Some(format!("{}/#settings/integration/apikeys", self.base))
            }
            _ => None,
        }
    }

    /// The classic link to a dashboard, for dashboard-sharing tokens.
    pub fn dashboard_url(&self, dashboard_id: &str) -> Option<String> {
        let safe = dashboard_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        (safe && !matches!(self.kind, EnvironmentKind::SameOrigin | EnvironmentKind::Local))
            .then(|| format!("{}/#dashboard;id={dashboard_id}", self.base))
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

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), EnvironmentUrlError> {
    if authority.is_empty() {
        return Err(EnvironmentUrlError::NoHost);
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        // IPv6: [::1]:8080
        let (inner, after) = rest.split_once(']').ok_or_else(|| EnvironmentUrlError::BadHost(authority.to_owned()))?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| EnvironmentUrlError::BadHost(authority.to_owned()))?),
        };
        (format!("[{inner}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => return Err(EnvironmentUrlError::BadPort(p.to_owned())),
        },
    };
    let valid = if host.starts_with('[') {
        host.len() > 2 && host[1..host.len() - 1].chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
    };
    if host.is_empty() {
        return Err(EnvironmentUrlError::NoHost);
    }
    if !valid {
        return Err(EnvironmentUrlError::BadHost(host));
    }
    Ok((host, port))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "[::1]" || host.starts_with("127.") && host.split('.').count() == 4
}

/// Environment IDs are short lowercase alphanumerics (`abc12345`); Managed IDs are UUIDs.
fn is_environment_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn labs_apps(host: &str) -> Option<(String, &'static str)> {
    ["sprint", "dev"].into_iter().find_map(|stage| {
        let id = host.strip_suffix(&format!(".{stage}.apps.dynatracelabs.com"))?;
        is_environment_id(id).then(|| (id.to_owned(), stage))
    })
}

fn labs_classic(host: &str) -> Option<(String, &'static str)> {
    ["sprint", "dev"].into_iter().find_map(|stage| {
        let id = host.strip_suffix(&format!(".{stage}.dynatracelabs.com"))?;
        is_environment_id(id).then(|| (id.to_owned(), stage))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(input: &str) -> String {
        EnvironmentUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}")).api_base()
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
            assert_eq!(base(input), "https://abc12345.live.dynatrace.com/api", "{input}");
        }
        let env = EnvironmentUrl::parse("https://abc12345.live.dynatrace.com/api/v2/apiTokens").unwrap();
        assert_eq!(env.environment_id(), Some("abc12345"));
        assert_eq!(env.kind(), EnvironmentKind::Saas);
        assert_eq!(env.notes(), ["Removed the pasted API path /api/v2/apiTokens."]);
    }

    #[test]
    fn the_platform_ui_maps_to_the_classic_api_host() {
        let env = EnvironmentUrl::parse("https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.dashboards").unwrap();
        assert_eq!(env.api_base(), "https://abc12345.live.dynatrace.com/api");
        assert!(env.notes()[0].contains("platform UI"));
        assert_eq!(base("xyz98765.sprint.apps.dynatracelabs.com"), "https://xyz98765.sprint.dynatracelabs.com/api");
        assert_eq!(base("https://xyz98765.dev.dynatracelabs.com"), "https://xyz98765.dev.dynatracelabs.com/api");
    }

    #[test]
    fn managed_and_activegate() {
        let managed = EnvironmentUrl::parse("https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/api/v2/apiTokens").unwrap();
        assert_eq!(managed.api_base(), "https://dt.example.com/e/1a2b3c4d-0000-4e80-afcf-09971954c3ea/api");
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
        assert_eq!(EnvironmentUrl::parse("/").unwrap().kind(), EnvironmentKind::SameOrigin);
    }

    #[test]
    fn rejections_say_why() {
        use EnvironmentUrlError::*;
        let err = |s: &str| EnvironmentUrl::parse(s).unwrap_err();
        assert_eq!(err("http://abc12345.live.dynatrace.com"), InsecureHttp("abc12345.live.dynatrace.com".into()));
        assert_eq!(err("https://user:pw@abc12345.live.dynatrace.com"), Credentials);
        assert_eq!(err("https://abc12345.live.dynatrace.com/?x=1"), QueryOrFragment);
        assert_eq!(err("https://abc12345.live.dynatrace.com/#x"), QueryOrFragment);
        assert_eq!(err("https://abc12345.live.dynatrace.com/ui/dashboards"), NotAnEnvironment("/ui/dashboards".into()));
        assert_eq!(err("ftp://host"), Scheme("ftp".into()));
        assert_eq!(err("https://host:99999"), BadPort("99999".into()));
        assert_eq!(err("https://"), NoHost);
        assert_eq!(err("https://exa mple.com"), Whitespace);
        assert_eq!(err("https://bad_host!.com"), BadHost("bad_host!.com".into()));
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
