//! Scopes: what a token may do, by how much harm it could do in the wrong hands.
//!
//! Risk classes, most dangerous first (a token's worst scope decides how fast to act when it
//! leaks). The order of [`Risk`]'s variants is this order, so sorting by risk puts the most
//! dangerous first.
//!
//! | class | severity | scopes (examples) | why |
//! |---|---|---|---|
//! | Token management | critical | `apiTokens.*`, `activeGateTokenManagement.*`, `TenantTokenManagement`, `tenantTokenRotation.write`, `agentTokenManagement.read` | `apiTokens.write` mints new tokens with any scope, so it is as good as every scope; reading tokens maps which ones are worth stealing; rotating the tenant token cuts agents off |
//! | Secrets and data export | critical | `credentialVault.read`, `logs.read`, `LogExport`, `DataExport`, `DTAQLAccess`, `auditLogs.read`, `CaptureRequestData`, `MemoryDump`, `DiagnosticExport`, `RestRequestForwarding`, `traces.lookup` | reads stored credentials or data that routinely holds personal data and leaked secrets |
//! | Installer download | high | `InstallerDownload` (PaaS tokens) | installers carry the tenant token: whoever has one can connect agents to this environment |
//! | Configuration | high | `settings.write`, `WriteConfig`, `extensions.write`, `credentialVault.write`, `oneAgents.write`, `networkZones.write`, `DataPrivacy` | can silence alerting, change what is captured, or run extension code on monitored hosts |
//! | Other writes | medium | `entities.write`, `problems.write`, `slo.write`, `metrics.write` | changes monitoring objects and their data |
//! | Ingest | medium | `metrics.ingest`, `logs.ingest`, `events.ingest`, `openTelemetryTrace.ingest`, `bizevents.ingest`, `openpipeline.*` | sends data in: false data can raise or hide alerts and costs ingest volume |
//! | Read | low | `metrics.read`, `entities.read`, `ReadConfig` | reads monitoring data and configuration |
//! | Unknown | unknown | anything not in the catalogue and not recognisable by its suffix | newer than this catalogue, or misspelt |
//!
//! Scopes this version does not know are classified by name ([`classify`]): a `token` in the
//! name (other than `.read`) is token management, `.write`/`.create`/`.delete`/`.install` is a
//! write, `.ingest` and `openpipeline.` are ingest, `.read` is read, the rest unknown.

use serde::Serialize;

#[path = "scope_table.rs"]
mod table;

/// How much harm a scope can do in the wrong hands; variants in order of severity, most
/// dangerous first (see the module documentation for the reasoning).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Risk {
    TokenManagement,
    Secrets,
    Installer,
    Configuration,
    Write,
    Ingest,
    Read,
    Unknown,
}

impl Risk {
    /// Every class, most dangerous first: for legends.
    pub const ALL: [Risk; 8] = [
        Risk::TokenManagement,
        Risk::Secrets,
        Risk::Installer,
        Risk::Configuration,
        Risk::Write,
        Risk::Ingest,
        Risk::Read,
        Risk::Unknown,
    ];

    /// 4 critical, 3 high, 2 medium, 1 low, 0 unknown: higher is worse. (`Unknown` is not
    /// "safe"; it is ranked last because nothing is known, and shown as such.)
    pub fn severity(self) -> u8 {
        match self.severity_name() {
            "critical" => 4,
            "high" => 3,
            "medium" => 2,
            "low" => 1,
            _ => 0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Risk::TokenManagement => "Token management",
            Risk::Secrets => "Secrets and data export",
            Risk::Installer => "Installer download",
            Risk::Configuration => "Configuration changes",
            Risk::Write => "Other writes",
            Risk::Ingest => "Data ingest",
            Risk::Read => "Read",
            Risk::Unknown => "Not in the catalogue",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            Risk::TokenManagement => {
                "Can mint, change or list tokens: revoke a leaked token with these first."
            }
            Risk::Secrets => {
                "Reads credentials or data that often holds personal data and secrets."
            }
            Risk::Installer => {
                "Installers carry the tenant token: agents can join this environment."
            }
            Risk::Configuration => {
                "Can change settings or run extension code: monitoring can be silenced."
            }
            Risk::Write => "Can change monitoring data and objects.",
            Risk::Ingest => "Can send data in: false data can raise or hide alerts.",
            Risk::Read => "Reads monitoring data and configuration.",
            Risk::Unknown => "Newer than this checker's catalogue, or misspelt; judge by its name.",
        }
    }

    /// `critical`, `high`, `medium`, `low` or `unknown`: for styling and sorting at a glance.
    pub fn severity_name(self) -> &'static str {
        match self {
            Risk::TokenManagement | Risk::Secrets => "critical",
            Risk::Installer | Risk::Configuration => "high",
            Risk::Write | Risk::Ingest => "medium",
            Risk::Read => "low",
            Risk::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeInfo {
    /// The API value, e.g. `metrics.read`.
    pub value: &'static str,
    /// Dynatrace's human name.
    pub name: &'static str,
    /// Dynatrace's group (API v2, API v1, PaaS, OpenPipeline, Other).
    pub group: &'static str,
    pub risk: Risk,
    pub description: &'static str,
    /// Described on Dynatrace's "Tokens and authentication" page. `false`: only listed in its
    /// SDK, so the name and description here are our best reading.
    pub documented: bool,
    /// May be given to a personal access token.
    pub personal_access_token: bool,
}

pub fn catalogue() -> &'static [ScopeInfo] {
    table::SCOPES
}

/// What the catalogue says about one scope value, if it lists it. (Named for what it returns:
/// `token::Lookup` is the API call that looks a token up.)
pub fn scope_info(value: &str) -> Option<&'static ScopeInfo> {
    table::SCOPES.iter().find(|s| s.value == value)
}

/// The risk of any scope value; unknown ones are judged by their suffix.
pub fn classify(value: &str) -> Risk {
    if let Some(info) = scope_info(value) {
        return info.risk;
    }
    let v = value.to_ascii_lowercase();
    if v.contains("token") && !v.ends_with(".read") {
        Risk::TokenManagement
    } else if v.ends_with(".write")
        || v.ends_with(".create")
        || v.ends_with(".delete")
        || v.ends_with(".install")
    {
        Risk::Write
    } else if v.ends_with(".ingest") || v.starts_with("openpipeline.") {
        Risk::Ingest
    } else if v.ends_with(".read") {
        Risk::Read
    } else {
        Risk::Unknown
    }
}

/// One scope as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeView {
    pub value: String,
    pub name: String,
    pub description: String,
    /// In this catalogue.
    pub known: bool,
    /// Described by Dynatrace's documentation (`false` for unknown and undescribed scopes).
    pub documented: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeGroup {
    pub risk: Risk,
    pub scopes: Vec<ScopeView>,
}

/// Everything the catalogue knows, in Dynatrace's order.
pub fn all_known_values() -> impl Iterator<Item = &'static str> {
    table::SCOPES.iter().map(|s| s.value)
}

/// Groups a token's scopes by risk, most dangerous group first, scopes by name within a group.
/// Duplicates are shown once.
pub fn group_scopes(scopes: &[String]) -> Vec<ScopeGroup> {
    let mut views: Vec<(Risk, ScopeView)> = scopes.iter().map(|value| view_of(value)).collect();
    // One sort does it all (risk, then name, then value: a total order, so an unstable sort is
    // exact), and leaves duplicates side by side for `dedup`.
    views.sort_unstable_by(|(risk_a, a), (risk_b, b)| {
        (risk_a, a.name.to_ascii_lowercase(), &a.value).cmp(&(
            risk_b,
            b.name.to_ascii_lowercase(),
            &b.value,
        ))
    });
    views.dedup_by(|a, b| a.1.value == b.1.value);
    let mut groups: Vec<ScopeGroup> = Vec::new();
    for (risk, view) in views {
        match groups.last_mut() {
            Some(group) if group.risk == risk => group.scopes.push(view),
            _ => groups.push(ScopeGroup {
                risk,
                scopes: vec![view],
            }),
        }
    }
    groups
}

/// A scope as the chips show it, with its risk class: from the catalogue, or judged by its name.
fn view_of(value: &str) -> (Risk, ScopeView) {
    match scope_info(value) {
        Some(info) => (
            info.risk,
            ScopeView {
                value: value.to_owned(),
                name: info.name.into(),
                description: info.description.into(),
                known: true,
                documented: info.documented,
            },
        ),
        None => {
            let risk = classify(value);
            let description = format!(
                "Not in this checker's catalogue. Judged by its name: {}",
                risk.label().to_ascii_lowercase()
            );
            (
                risk,
                ScopeView {
                    value: value.to_owned(),
                    name: value.to_owned(),
                    description,
                    known: false,
                    documented: false,
                },
            )
        }
    }
}

/// The most dangerous risk among the scopes.
pub fn worst(scopes: &[String]) -> Option<Risk> {
    scopes.iter().map(|s| classify(s)).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_complete_and_unique() {
        let mut values: Vec<_> = catalogue().iter().map(|s| s.value).collect();
        assert!(values.len() >= 97);
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), catalogue().len(), "duplicate scope values");
        assert!(catalogue()
            .iter()
            .all(|s| !s.description.is_empty() && !s.name.is_empty()));
    }

    #[test]
    fn dangerous_scopes_are_classified() {
        assert_eq!(classify("apiTokens.write"), Risk::TokenManagement);
        assert_eq!(classify("credentialVault.read"), Risk::Secrets);
        assert_eq!(classify("settings.write"), Risk::Configuration);
        assert_eq!(classify("metrics.ingest"), Risk::Ingest);
        assert_eq!(classify("metrics.read"), Risk::Read);
        assert_eq!(classify("InstallerDownload"), Risk::Installer);
    }

    #[test]
    fn unknown_scopes_are_judged_by_suffix_and_kept() {
        assert_eq!(classify("quantum.write"), Risk::Write);
        assert_eq!(classify("quantum.read"), Risk::Read);
        assert_eq!(classify("Quantum"), Risk::Unknown);
        let groups = group_scopes(&["Quantum".into()]);
        assert_eq!(groups[0].scopes[0].value, "Quantum");
        assert!(!groups[0].scopes[0].known);
    }
}
