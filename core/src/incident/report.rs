//! What is handed over after a scan: the incident summary (Markdown), the checklist for each
//! active token (Dynatrace's steps for an exposed token, filled in), and the export rows
//! ([`crate::export`]: CSV and JSON, whose cells cannot hold a secret).
//!
//! The steps come from Dynatrace's page "Find and replace an exposed token" and the v2 token
//! API (`/work/shared/dynatrace/README.md`, "Exposed tokens and validity"): look the token up
//! (done by the check), tell its owner, revoke it (`PUT /api/v2/apiTokens/{id}` with
//! `{"enabled": false}`) or delete it (`DELETE /api/v2/apiTokens/{id}`; ActiveGate tokens:
//! `DELETE /api/v2/activeGateTokens/{id}`), create a replacement with the same scopes
//! (`POST /api/v2/apiTokens`), and rotate it wherever it was used. All of those need
//! `apiTokens.write`, and a token cannot disable or delete itself.
//!
//! Text from a server or a file name goes through [`one_line`] (the one redaction path) and
//! then Markdown escaping, so a name that holds a token or Markdown cannot leak or inject.

use chrono::{DateTime, Utc};

use super::status::Status;
use super::FoundToken;
use crate::date::format_iso_millis;
use crate::dynatrace::scopes::worst;
use crate::dynatrace::{ActiveGateToken, ApiToken, EnvironmentUrl, Risk};
use crate::export::{Cell, Record};
use crate::text::one_line;
use crate::token::{parse, TokenKind};

/// A found token with what its check said.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    pub token: &'a FoundToken,
    /// `None`: not checked (yet, or cancelled).
    pub status: Option<Status>,
    /// Where it was checked (or will be).
    pub environment: Option<&'a EnvironmentUrl>,
    pub api: Option<&'a ApiToken>,
    pub active_gate: Option<&'a ActiveGateToken>,
    /// File names, indexed by [`super::Place::file`].
    pub files: &'a [String],
}

impl<'a> Outcome<'a> {
    pub fn owner(&self) -> Option<&'a str> {
        self.api
            .and_then(|t| t.owner.as_deref())
            .or_else(|| self.active_gate.and_then(|t| t.owner.as_deref()))
    }

    pub fn name(&self) -> Option<&'a str> {
        self.api
            .and_then(|t| t.name.as_deref())
            .or_else(|| self.active_gate.and_then(|t| t.name.as_deref()))
    }

    pub fn scopes(&self) -> &'a [String] {
        self.api
            .and_then(|t| t.scopes.as_deref())
            .unwrap_or_default()
    }

    /// The riskiest class among its scopes.
    pub fn riskiest(&self) -> Option<Risk> {
        worst(self.scopes())
    }

    /// `file:line:column` of each place kept.
    pub fn places(&self) -> Vec<String> {
        self.token
            .places
            .iter()
            .map(|p| {
                let file = self.files.get(p.file).map_or("?", String::as_str);
                format!("{file}:{}:{}", p.line, p.column)
            })
            .collect()
    }
}

/// Markdown-safe, one line, redacted, at most `max` characters.
fn md(text: &str, max: usize) -> String {
    let flat = one_line(text, max);
    let mut out = String::with_capacity(flat.len() + 8);
    for c in flat.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '(' | ')' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `12.3 MB`, `4.0 KB`, `17 bytes`, without float formatting (it costs the page size).
pub fn bytes_text(bytes: u64) -> String {
    let (unit, name) = match bytes {
        b if b >= 1_000_000_000 => (1_000_000_000, "GB"),
        b if b >= 1_000_000 => (1_000_000, "MB"),
        b if b >= 1_000 => (1_000, "KB"),
        b => return format!("{b} bytes"),
    };
    let tenths = (bytes * 10 + unit / 2) / unit;
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The incident summary: what was scanned, counts per status (each reason on its own line),
/// then each active token with its owner, name, scopes and riskiest class.
pub fn summary(
    outcomes: &[Outcome<'_>],
    files: &[String],
    bytes: u64,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::from("# Dynatrace tokens found: incident summary\n\n");
    out.push_str(&format!(
        "Scanned {} ({}) on {}: {}.\n\n",
        plural(files.len(), "source", "sources"),
        bytes_text(bytes),
        format_iso_millis(now),
        plural(outcomes.len(), "distinct token", "distinct tokens"),
    ));
    // Counts per status and reason, in the order active, inactive, unknown.
    let mut counts: Vec<(Option<Status>, usize)> = Vec::new();
    for o in outcomes {
        match counts.iter_mut().find(|(s, _)| *s == o.status) {
            Some((_, n)) => *n += 1,
            None => counts.push((o.status, 1)),
        }
    }
    counts.sort_unstable_by_key(|(s, _)| (s.is_none(), *s));
    let words = ["active", "inactive", "unknown"];
    out.push_str("| status | tokens |\n|---|---|\n");
    for word in words {
        let n: usize = counts
            .iter()
            .filter(|(s, _)| s.is_some_and(|s| s.word() == word))
            .map(|(_, n)| n)
            .sum();
        out.push_str(&format!("| **{word}** | {n} |\n"));
        for (s, n) in counts
            .iter()
            .filter(|(s, _)| s.is_some_and(|s| s.word() == word))
        {
            if let Some(s) = s.filter(|s| !s.reason().is_empty()) {
                out.push_str(&format!("| {word}: {} | {n} |\n", md(s.reason(), 60)));
            }
        }
    }
    let unchecked = counts
        .iter()
        .filter(|(s, _)| s.is_none())
        .map(|(_, n)| n)
        .sum::<usize>();
    if unchecked > 0 {
        out.push_str(&format!("| not checked | {unchecked} |\n"));
    }
    let active: Vec<_> = outcomes
        .iter()
        .filter(|o| o.status == Some(Status::Active))
        .collect();
    out.push_str("\n## Active tokens\n\n");
    if active.is_empty() {
        out.push_str("None.\n");
    }
    for o in active {
        out.push_str(&format!("### `{}`\n\n", o.token.masked));
        out.push_str(&format!("- Kind: {}\n", o.token.kind.label()));
        if let Some(env) = o.environment {
            out.push_str(&format!("- Environment: {}\n", md(&env.to_string(), 200)));
        }
        out.push_str(&format!(
            "- Owner: {}\n",
            o.owner().map_or("not known".into(), |s| md(s, 120))
        ));
        out.push_str(&format!(
            "- Name: {}\n",
            o.name().map_or("not known".into(), |s| md(s, 120))
        ));
        let scopes = o.scopes();
        if scopes.is_empty() {
            out.push_str("- Scopes: not known\n");
        } else {
            let list: Vec<String> = scopes
                .iter()
                .map(|s| format!("`{}`", md(s, 80).replace('`', "")))
                .collect();
            out.push_str(&format!("- Scopes: {}\n", list.join(", ")));
        }
        match o.riskiest() {
            Some(r) => out.push_str(&format!(
                "- Riskiest class: {} ({})\n",
                r.label(),
                r.severity_name()
            )),
            None => out.push_str("- Riskiest class: not known\n"),
        }
        out.push_str(&format!(
            "- Found {}: {}\n\n",
            plural(o.token.count as usize, "time", "times"),
            places_line(o)
        ));
    }
    out
}

fn places_line(o: &Outcome<'_>) -> String {
    let places = o.places();
    let shown: Vec<String> = places.iter().take(10).map(|p| md(p, 200)).collect();
    let mut line = shown.join(", ");
    if o.token.count > shown.len() as u64 {
        line.push_str(&format!(" and {} more", o.token.count - shown.len() as u64));
    }
    line
}

/// Dynatrace's steps for an exposed token, filled in for one active token: a Markdown checklist
/// to copy into a ticket.
pub fn checklist(o: &Outcome<'_>) -> String {
    let id = &o.token.id;
    let base = o
        .environment
        .map(EnvironmentUrl::api_base)
        .unwrap_or_else(|| "/api".to_owned());
    let owner = o.owner().map_or(
        "its owner (not known: find who created it)".to_owned(),
        |s| md(s, 120),
    );
    let name = o.name().map(|s| md(s, 120));
    let active_gate = o.token.kind == TokenKind::ActiveGate;
    let mut out = format!("## Exposed token `{}`\n\n", o.token.masked);
    out.push_str(&format!(
        "- [x] Look it up: done. ID `{id}`{}, owner {owner}{}.\n",
        name.as_deref()
            .map(|n| format!(", name \"{n}\""))
            .unwrap_or_default(),
        match o.riskiest() {
            Some(r) => format!(
                ", riskiest scope class: {} ({})",
                r.label(),
                r.severity_name()
            ),
            None => String::new(),
        }
    ));
    out.push_str(&format!(
        "- [ ] Tell {owner} that the token was exposed, where, and since when.\n"
    ));
    if active_gate {
        out.push_str(&format!(
            "- [ ] Delete it: `DELETE {base}/v2/activeGateTokens/{id}` (needs `activeGateTokenManagement.write`).\n"
        ));
    } else {
        out.push_str(&format!(
            "- [ ] Revoke it at once: `PUT {base}/v2/apiTokens/{id}` with `{{\"enabled\": false}}`, then delete it: `DELETE {base}/v2/apiTokens/{id}` (both need `apiTokens.write`, with another token: a token cannot disable or delete itself).\n"
        ));
    }
    if let Some(page) = o.environment.and_then(EnvironmentUrl::access_tokens_page) {
        out.push_str(&format!(
            "  Or in the environment's Access tokens page: {page}\n"
        ));
    }
    if active_gate {
        out.push_str(&format!(
            "- [ ] Create a replacement: `POST {base}/v2/activeGateTokens` with the same type and an expiration date.\n"
        ));
    } else {
        let scopes: Vec<String> = o
            .scopes()
            .iter()
            .map(|s| format!("\"{}\"", md(s, 80).replace('"', "")))
            .collect();
        let scopes = if scopes.is_empty() {
            "the scopes it had (not known here: read them before deleting it)".to_owned()
        } else {
            format!("`{{\"name\": \"…\", \"scopes\": [{}]}}`", scopes.join(", "))
        };
        out.push_str(&format!(
            "- [ ] Create a replacement with the same scopes: `POST {base}/v2/apiTokens` with {scopes}, and an expiration date.\n"
        ));
    }
    out.push_str(&format!(
        "- [ ] Rotate it wherever it was used: put the replacement in place of the old token in {}, and anything that was configured with it.\n",
        places_line(o)
    ));
    out
}

impl Record for Outcome<'_> {
    fn columns() -> &'static [&'static str] {
        &[
            "token",
            "id",
            "kind",
            "status",
            "reason",
            "environment",
            "owner",
            "name",
            "enabled",
            "expirationDate",
            "lastUsedDate",
            "scopes",
            "riskiest",
            "occurrences",
            "places",
        ]
    }

    fn cells(&self, out: &mut Vec<Cell>) {
        // The masked token: through the parser's own mask, so a cell can never hold a secret.
        let masked = match self.token.full_token().map(|s| parse(s.expose())) {
            Some(Ok(parsed)) => Cell::masked(&parsed),
            _ => Cell::id(&self.token.id),
        };
        out.push(masked);
        out.push(Cell::id(&self.token.id));
        out.push(Cell::label(self.token.kind.label()));
        out.push(
            self.status
                .map_or_else(|| Cell::label("not checked"), |s| Cell::label(s.word())),
        );
        out.push(self.status.map_or_else(Cell::empty, |s| match s.reason() {
            "" => Cell::empty(),
            reason => Cell::label(reason),
        }));
        out.push(self.environment.map_or_else(Cell::empty, Cell::environment));
        out.push(Cell::text_opt(self.owner()));
        out.push(Cell::text_opt(self.name()));
        out.push(Cell::flag(self.api.and_then(|t| t.enabled)));
        out.push(Cell::date(
            self.api
                .and_then(|t| t.expiration_date)
                .or_else(|| self.active_gate.and_then(|t| t.expiration_date)),
        ));
        out.push(Cell::date(
            self.api
                .and_then(|t| t.last_used_date)
                .or_else(|| self.active_gate.and_then(|t| t.last_used_date)),
        ));
        out.push(Cell::texts(self.scopes().iter().map(String::as_str)));
        out.push(
            self.riskiest()
                .map_or_else(Cell::empty, |r| Cell::label(r.label())),
        );
        out.push(Cell::count(self.token.count));
        let places = self.places();
        out.push(Cell::texts(places.iter().map(String::as_str)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::status::{Inactive, Unknown};
    use super::super::Sweep;
    use super::*;
    use crate::export::{csv, json};
    use chrono::TimeZone;

    const A: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    const B: &str = "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.77776666555544443333222211110000ZZZZYYYY9999WWWWVVVV8888TTTTSSSS";
    const G: &str = "dt0g02.4KWZO5EF";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    fn secrets() -> [&'static str; 2] {
        [&A[32..], &B[32..]]
    }

    fn leaks(text: &str) -> bool {
        secrets()
            .iter()
            .any(|s| text.contains(&s[..8]) || text.contains(&s[20..28]))
    }

    #[test]
    fn summary_checklist_and_exports_say_it_all_and_hold_no_secret() {
        let mut sweep = Sweep::new();
        sweep.begin("ci=1.log");
        sweep.push(
            format!("https://abc12345.live.dynatrace.com\nexport DT={A}\n{B} {G}\n").as_bytes(),
        );
        let result = sweep.finish();
        let env = EnvironmentUrl::parse("https://abc12345.live.dynatrace.com").unwrap();
        let api = ApiToken {
            // A name that echoes a secret and tries Markdown.
            name: Some(format!("deploy | *bold* {}", &A[32..])),
            owner: Some("john.smith".into()),
            enabled: Some(true),
            scopes: Some(vec!["metrics.read".into(), "apiTokens.write".into()]),
            ..ApiToken::default()
        };
        let outcomes = [
            Outcome {
                token: &result.tokens[0],
                status: Some(Status::Active),
                environment: Some(&env),
                api: Some(&api),
                active_gate: None,
                files: &result.files,
            },
            Outcome {
                token: &result.tokens[1],
                status: Some(Status::Inactive(Inactive::Expired)),
                environment: Some(&env),
                api: None,
                active_gate: None,
                files: &result.files,
            },
            Outcome {
                token: &result.tokens[2],
                status: Some(Status::Unknown(Unknown::NeedsAccessToken)),
                environment: None,
                api: None,
                active_gate: None,
                files: &result.files,
            },
        ];
        let text = summary(&outcomes, &result.files, result.bytes, now());
        assert!(!leaks(&text), "{text}");
        assert!(text.contains("| **active** | 1 |"));
        assert!(text.contains("| **inactive** | 1 |\n| inactive: expired | 1 |"));
        assert!(text.contains("| unknown: needs an access token | 1 |"));
        assert!(text.contains("- Owner: john.smith"));
        assert!(text.contains("deploy \\| \\*bold\\*"));
        assert!(text.contains("`metrics.read`, `apiTokens.write`"));
        assert!(text.contains("- Riskiest class: Token management (critical)"));
        assert!(text.contains("ci=1.log:2:11"));
        assert!(text.contains("on 2026-12-01T12:00:00.000Z"));

        let list = checklist(&outcomes[0]);
        assert!(!leaks(&list), "{list}");
        assert!(list.contains("- [x] Look it up: done. ID `dt0c01.ST2EY72KQINMH574WMNVI7YN`"));
        assert!(list.contains("- [ ] Tell john.smith"));
        assert!(list.contains("PUT https://abc12345.live.dynatrace.com/api/v2/apiTokens/dt0c01.ST2EY72KQINMH574WMNVI7YN"));
        assert!(list.contains("\"scopes\": [\"metrics.read\", \"apiTokens.write\"]"));
        assert!(list.contains(
            "https://abc12345.apps.dynatrace.com/ui/apps/dynatrace.classic.tokens/ui/access-tokens"
        ));
        assert!(list.contains("- [ ] Rotate it wherever it was used"));

        let c = csv(outcomes.iter());
        let j = json(outcomes.iter());
        for out in [&c, &j] {
            assert!(!leaks(out), "{out}");
            assert!(out.contains("dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••"));
            assert!(out.contains("expired"));
            assert!(out.contains("ci=1.log:3:1"));
            assert!(out.contains("https://abc12345.live.dynatrace.com"));
        }
        assert!(c.starts_with("token,id,kind,status,reason,environment,owner,"));
        assert_eq!(c.lines().count(), 4);
    }

    #[test]
    fn sizes_read_without_floats() {
        assert_eq!(bytes_text(17), "17 bytes");
        assert_eq!(bytes_text(4_049), "4.0 KB");
        assert_eq!(bytes_text(209_715_200), "209.7 MB");
        assert_eq!(bytes_text(2_000_000_000), "2.0 GB");
    }
}
