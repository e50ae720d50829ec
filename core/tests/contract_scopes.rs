//! The scope catalogue: complete, in our own words, and classified so that the dangerous
//! scopes come first.

use std::collections::HashSet;

use dt_core::dynatrace::scopes::{
    all_known_values, catalogue, classify, group_scopes, scope_info, worst, Risk,
};

#[test]
fn the_catalogue_holds_every_known_value_once() {
    let values: Vec<&str> = all_known_values().collect();
    // Dynatrace's SDK lists 97 values; its docs describe 77 of them.
    assert_eq!(values.len(), 97);
    assert_eq!(
        values.iter().collect::<HashSet<_>>().len(),
        97,
        "duplicates"
    );
    assert_eq!(catalogue().iter().filter(|s| !s.documented).count(), 20);
    assert_eq!(
        catalogue()
            .iter()
            .filter(|s| s.personal_access_token)
            .count(),
        17
    );
    for value in [
        "apiTokens.read",
        "TenantTokenManagement",
        "InstallerDownload",
        "openpipeline.events_smartscape",
        "bizevents.ingest",
    ] {
        assert!(scope_info(value).is_some(), "{value}");
    }
    assert!(!scope_info("DataImport").unwrap().documented);
    assert!(scope_info("settings.write").unwrap().personal_access_token);
}

#[test]
fn descriptions_are_ours_short_and_distinct() {
    let mut seen = HashSet::new();
    for scope in catalogue() {
        let d = scope.description;
        assert!(seen.insert(d), "duplicate description: {d}");
        assert!(d.len() <= 140, "{}: too long ({})", scope.value, d.len());
        assert!(
            d.ends_with('.') && d.starts_with(char::is_uppercase),
            "{}: {d}",
            scope.value
        );
        // Dynatrace's own sentences start like this; ours say what a holder can do.
        assert!(!d.starts_with("Grants access"), "{}: {d}", scope.value);
        assert!(!scope.name.is_empty() && !scope.group.is_empty());
    }
}

#[test]
fn the_dangerous_scopes_are_classified_as_such() {
    for (value, risk) in [
        ("apiTokens.write", Risk::TokenManagement),
        ("apiTokens.read", Risk::TokenManagement),
        ("activeGateTokenManagement.create", Risk::TokenManagement),
        ("TenantTokenManagement", Risk::TokenManagement),
        ("tenantTokenRotation.write", Risk::TokenManagement),
        ("credentialVault.read", Risk::Secrets),
        ("logs.read", Risk::Secrets),
        ("DataExport", Risk::Secrets),
        ("MemoryDump", Risk::Secrets),
        ("InstallerDownload", Risk::Installer),
        ("settings.write", Risk::Configuration),
        ("WriteConfig", Risk::Configuration),
        ("extensions.write", Risk::Configuration),
        ("credentialVault.write", Risk::Configuration),
        ("entities.write", Risk::Write),
        ("metrics.ingest", Risk::Ingest),
        ("openpipeline.events", Risk::Ingest),
        ("bizevents.ingest", Risk::Ingest),
        ("metrics.read", Risk::Read),
    ] {
        assert_eq!(classify(value), risk, "{value}");
    }
    // Every class but Unknown is used by the catalogue.
    let used: HashSet<Risk> = catalogue().iter().map(|s| s.risk).collect();
    assert_eq!(used.len(), Risk::ALL.len() - 1);
}

#[test]
fn unknown_scopes_are_judged_by_their_name_and_kept_as_they_are() {
    assert_eq!(classify("platformTokens.write"), Risk::TokenManagement);
    assert_eq!(classify("quantum.write"), Risk::Write);
    assert_eq!(classify("quantum.ingest"), Risk::Ingest);
    assert_eq!(classify("quantum.read"), Risk::Read);
    assert_eq!(classify("Quantum"), Risk::Unknown);
    assert_eq!(classify(""), Risk::Unknown);
    let groups = group_scopes(&["Quantum".into()]);
    let view = &groups[0].scopes[0];
    assert_eq!(
        (
            view.value.as_str(),
            view.name.as_str(),
            view.known,
            view.documented
        ),
        ("Quantum", "Quantum", false, false)
    );
    assert!(view.description.contains("Not in this checker's catalogue"));
}

#[test]
fn groups_come_most_dangerous_first_without_duplicates() {
    let scopes: Vec<String> = [
        "metrics.read",
        "logs.ingest",
        "apiTokens.write",
        "metrics.read",
        "settings.write",
        "brandNew.scope",
        "DataExport",
    ]
    .map(String::from)
    .to_vec();
    let groups = group_scopes(&scopes);
    let risks: Vec<Risk> = groups.iter().map(|g| g.risk).collect();
    assert_eq!(
        risks,
        [
            Risk::TokenManagement,
            Risk::Secrets,
            Risk::Configuration,
            Risk::Ingest,
            Risk::Read,
            Risk::Unknown
        ]
    );
    assert_eq!(groups.iter().map(|g| g.scopes.len()).sum::<usize>(), 6);
    assert_eq!(worst(&scopes), Some(Risk::TokenManagement));
    assert_eq!(worst(&[]), None);
    assert!(group_scopes(&[]).is_empty());
}

#[test]
fn risk_classes_explain_themselves_in_order() {
    let severities: Vec<u8> = Risk::ALL.iter().map(|r| r.severity()).collect();
    assert!(
        severities.windows(2).all(|w| w[0] >= w[1]),
        "{severities:?}"
    );
    let mut sorted = Risk::ALL;
    sorted.sort();
    assert_eq!(sorted, Risk::ALL, "Ord follows severity");
    for risk in Risk::ALL {
        assert!(
            !risk.label().is_empty() && risk.explanation().ends_with('.'),
            "{risk:?}"
        );
    }
    assert_eq!(Risk::TokenManagement.severity_name(), "critical");
    assert_eq!(Risk::Read.severity_name(), "low");
}

#[test]
fn groups_show_each_scope_once_sorted_by_name() {
    let scopes = [
        "metrics.read",
        "entities.read",
        "apiTokens.write",
        "metrics.read",
        "apiTokens.read",
        "entities.read",
    ]
    .map(String::from);
    let groups = group_scopes(&scopes);
    let shown: Vec<(Risk, Vec<&str>)> = groups
        .iter()
        .map(|g| (g.risk, g.scopes.iter().map(|s| s.value.as_str()).collect()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                Risk::TokenManagement,
                vec!["apiTokens.read", "apiTokens.write"]
            ),
            (Risk::Read, vec!["entities.read", "metrics.read"]),
        ]
    );
}
