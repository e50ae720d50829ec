//! The inventory: rows built from every list's model, each audit finding through the whole set
//! (exact `now`), sorting by every column both ways, filtering, the summary, the address round
//! trip, and both exports' content.

use chrono::{DateTime, Duration, TimeZone, Utc};
use dt_core::audit::{Config, Finding, Findings};
use dt_core::dynatrace::{
    ActiveGateToken, ApiToken, EntityShortRepresentation, Risk, TokenMetadata,
};
use dt_core::export::Format;
use dt_core::inventory::{Column, Filter, Inventory, Kind, Row, Sort, View};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// A healthy v2 token: enabled, not personal, used yesterday, expires in a year, reads metrics.
fn token(id: &str, name: &str, owner: &str) -> ApiToken {
    ApiToken {
        id: Some(id.into()),
        name: Some(name.into()),
        owner: Some(owner.into()),
        enabled: Some(true),
        personal_access_token: Some(false),
        creation_date: Some(now() - days(400)),
        expiration_date: Some(now() + days(365)),
        last_used_date: Some(now() - days(1)),
        last_used_ip_address: Some("10.0.0.1".into()),
        scopes: Some(vec!["metrics.read".into()]),
        ..ApiToken::default()
    }
}

fn id(n: u32) -> String {
    format!("dt0c01.ST2EY72KQINMH574WMNV{n:04}")
}

fn findings_of(inv: &Inventory, index: u32) -> Vec<Finding> {
    inv.findings(index).iter().collect()
}

#[test]
fn rows_from_every_model() {
    let v2 = Row::from_api_token(&ApiToken {
        scopes: Some(vec![
            "metrics.read".into(),
            "apiTokens.write".into(),
            "future.scope".into(),
        ]),
        ..token(&id(1), "ci", "ann@example.com")
    });
    assert_eq!(v2.kind, Kind::ApiToken);
    assert_eq!(&*v2.name, "ci");
    assert_eq!(v2.owner.as_deref(), Some("ann@example.com"));
    assert_eq!(v2.scope_count, Some(3));
    assert_eq!(v2.riskiest, Some(Risk::TokenManagement));
    assert_eq!(v2.last_used_ip.as_deref(), Some("10.0.0.1"));
    assert!(v2.dated);

    let v1 = Row::from_v1(&TokenMetadata {
        id: Some(id(2)),
        name: Some("old".into()),
        user_id: Some("bob".into()),
        revoked: Some(true),
        personal_access_token: Some(false),
        created: Some(now() - days(900)),
        expires: None,
        last_use: None,
        scopes: Some(vec!["InstallerDownload".into()]),
        ..TokenMetadata::default()
    });
    assert_eq!(v1.kind, Kind::ApiTokenV1);
    assert_eq!(v1.enabled, Some(false), "revoked is not enabled");
    assert_eq!(v1.owner.as_deref(), Some("bob"));
    assert_eq!(v1.riskiest, Some(Risk::Installer));

    let stub = Row::from_v1_stub(&EntityShortRepresentation {
        id: Some(id(3)),
        name: Some("pending".into()),
        ..EntityShortRepresentation::default()
    });
    assert!(!stub.dated);
    assert_eq!((stub.scope_count, stub.riskiest), (None, None));

    let ag = Row::from_active_gate(&ActiveGateToken {
        id: Some("dt0g02.ABCD1234".into()),
        name: Some("gate".into()),
        owner: Some("".into()),
        expiration_date: Some(now() + days(10)),
        ..ActiveGateToken::default()
    });
    assert_eq!(ag.kind, Kind::ActiveGate);
    assert_eq!(ag.owner, None, "an empty owner is no owner");
    assert_eq!(
        (ag.enabled, ag.personal, ag.scope_count),
        (None, None, None)
    );

    let empty = Row::from_api_token(&ApiToken::default());
    assert_eq!((&*empty.name, &*empty.id), ("", ""));
    assert_eq!(empty.scope_count, None);
    let no_scopes = Row::from_api_token(&ApiToken {
        scopes: Some(vec![]),
        ..ApiToken::default()
    });
    assert_eq!((no_scopes.scope_count, no_scopes.riskiest), (Some(0), None));
}

/// One token per finding, and one healthy token, each with its own owner.
fn one_per_finding() -> Inventory {
    let n = now();
    let mut inv = Inventory::new(Config {
        owner_limit: 2,
        ..Config::default()
    });
    let rows = [
        token(&id(0), "healthy", "o0"),
        ApiToken {
            enabled: Some(false),
            ..token(&id(1), "disabled", "o1")
        },
        ApiToken {
            expiration_date: Some(n - days(2)),
            ..token(&id(2), "expired", "o2")
        },
        ApiToken {
            expiration_date: Some(n + days(30)),
            ..token(&id(3), "expires soon", "o3")
        },
        ApiToken {
            expiration_date: None,
            ..token(&id(4), "forever", "o4")
        },
        ApiToken {
            last_used_date: None,
            ..token(&id(5), "never used", "o5")
        },
        ApiToken {
            last_used_date: Some(n - days(91)),
            ..token(&id(6), "stale", "o6")
        },
        ApiToken {
            personal_access_token: Some(true),
            scopes: Some(vec!["credentialVault.read".into()]),
            ..token(&id(7), "personal", "o7")
        },
        ApiToken {
            scopes: Some(vec!["settings.write".into(), "metrics.read".into()]),
            ..token(&id(8), "config", "o8")
        },
    ];
    for t in &rows {
        inv.push(Row::from_api_token(t), n);
    }
    for k in 0..3 {
        inv.push(
            Row::from_api_token(&token(&id(100 + k), "crowd", "busy@example.com")),
            n,
        );
    }
    inv
}

#[test]
fn each_finding_on_its_own_token() {
    let inv = one_per_finding();
    use Finding::*;
    let expected: [&[Finding]; 12] = [
        &[],
        &[Disabled],
        &[Expired],
        &[ExpiresSoon],
        &[NeverExpires],
        &[NeverUsed],
        &[Unused],
        &[PersonalCritical, RiskyScopes],
        &[RiskyScopes],
        &[CrowdedOwner],
        &[CrowdedOwner],
        &[CrowdedOwner],
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(
            findings_of(&inv, i as u32),
            *want,
            "{}",
            inv.row(i as u32).name
        );
    }
    assert_eq!(inv.owner_holds(9), 3);
    assert_eq!(inv.owner_holds(0), 1);
}

#[test]
fn the_owner_finding_follows_the_whole_set() {
    let n = now();
    let mut inv = Inventory::new(Config {
        owner_limit: 2,
        ..Config::default()
    });
    for k in 0..2 {
        inv.push(Row::from_api_token(&token(&id(k), "t", "ann")), n);
    }
    assert!(!inv.findings(0).contains(Finding::CrowdedOwner));
    inv.push(Row::from_api_token(&token(&id(2), "t", "ann")), n);
    assert!((0..3).all(|i| inv.findings(i).contains(Finding::CrowdedOwner)));
    // The third token changes hands: ann is back to two.
    inv.push(Row::from_api_token(&token(&id(2), "t", "bob")), n);
    assert_eq!(inv.len(), 3, "same ID: replaced, not added");
    assert!((0..3).all(|i| !inv.findings(i).contains(Finding::CrowdedOwner)));
    // A token without an owner never counts.
    let mut no_owner = token(&id(3), "t", "");
    no_owner.owner = None;
    for k in 3..8 {
        no_owner.id = Some(id(k));
        inv.push(Row::from_api_token(&no_owner), n);
    }
    assert!((3..8).all(|i| inv.findings(i).is_empty()));
    // A lower limit judges again.
    inv.set_config(
        Config {
            owner_limit: 1,
            ..Config::default()
        },
        n,
    );
    assert!(inv.findings(0).contains(Finding::CrowdedOwner));
    assert!(!inv.findings(2).contains(Finding::CrowdedOwner));
}

#[test]
fn a_v1_entry_gets_its_findings_when_its_metadata_arrives() {
    let n = now();
    let mut inv = Inventory::default();
    let i = inv.push(
        Row::from_v1_stub(&EntityShortRepresentation {
            id: Some(id(1)),
            name: Some("legacy".into()),
            ..EntityShortRepresentation::default()
        }),
        n,
    );
    assert_eq!(
        inv.findings(i),
        Findings::EMPTY,
        "no dates yet: no date findings"
    );
    let j = inv.push(
        Row::from_v1(&TokenMetadata {
            id: Some(id(1)),
            name: Some("legacy".into()),
            user_id: Some("carol".into()),
            revoked: Some(false),
            ..TokenMetadata::default()
        }),
        n,
    );
    assert_eq!(i, j);
    assert_eq!(
        findings_of(&inv, i),
        [Finding::NeverExpires, Finding::NeverUsed]
    );
    // Its owner is searchable now, its old text is not kept twice.
    let mut f = Filter::default();
    f.set_text("carol");
    assert_eq!(inv.filter(&inv.all(), &f), [0]);
}

#[test]
fn time_passing_is_a_new_audit() {
    let mut inv = Inventory::default();
    inv.push(Row::from_api_token(&token(&id(1), "t", "a")), now());
    assert!(inv.findings(0).is_empty());
    inv.reaudit(now() + days(340));
    assert_eq!(
        findings_of(&inv, 0),
        [Finding::ExpiresSoon, Finding::Unused]
    );
    inv.reaudit(now() + days(365));
    assert_eq!(findings_of(&inv, 0), [Finding::Expired, Finding::Unused]);
}

/// Rows whose values differ in every column, with ties and gaps.
fn for_sorting() -> Inventory {
    let n = now();
    let mut inv = Inventory::default();
    let rows = [
        Row::from_api_token(&ApiToken {
            personal_access_token: Some(true),
            scopes: Some(vec!["apiTokens.read".into(), "metrics.read".into()]),
            ..token(&id(0), "beta", "Zed")
        }),
        Row::from_active_gate(&ActiveGateToken {
            id: Some("dt0g02.AAAAAAAA".into()),
            name: Some("Alpha".into()),
            owner: None,
            creation_date: Some(n - days(10)),
            expiration_date: None,
            last_used_date: None,
            ..ActiveGateToken::default()
        }),
        Row::from_api_token(&ApiToken {
            enabled: Some(false),
            last_used_date: Some(n - days(100)),
            scopes: Some(vec!["logs.ingest".into()]),
            ..token(&id(2), "gamma", "anna")
        }),
        Row::from_api_token(&ApiToken {
            name: None,
            ..token(&id(3), "", "bob")
        }),
        Row::from_v1(&TokenMetadata {
            id: Some(id(4)),
            name: Some("beta".into()),
            user_id: Some("anna".into()),
            revoked: Some(false),
            created: Some(n - days(2000)),
            expires: Some(n + days(5)),
            last_use: Some(n - days(3)),
            scopes: Some(vec!["metrics.read".into(), "a.b".into(), "c.read".into()]),
            ..TokenMetadata::default()
        }),
    ];
    for r in rows {
        inv.push(r, n);
    }
    inv
}

#[test]
fn sorting_by_every_column_both_ways() {
    let inv = for_sorting();
    let by = |column, descending| inv.sorted(Sort { column, descending });
    use Column::*;
    // Text: case-insensitive; ties keep list order both ways; empty last both ways.
    assert_eq!(by(Name, false), [1, 0, 4, 2, 3]);
    assert_eq!(by(Name, true), [2, 0, 4, 1, 3]);
    assert_eq!(by(Owner, false), [2, 4, 3, 0, 1]);
    assert_eq!(by(Owner, true), [0, 3, 2, 4, 1]);
    assert_eq!(by(Id, false), [0, 2, 3, 4, 1]);
    assert_eq!(by(Id, true), [1, 4, 3, 2, 0]);
    assert_eq!(by(Kind, false), [0, 2, 3, 4, 1]);
    assert_eq!(by(Kind, true), [1, 4, 0, 2, 3]);
    // Flags: false before true; missing last.
    assert_eq!(by(Enabled, false), [2, 0, 3, 4, 1]);
    assert_eq!(by(Enabled, true), [0, 3, 4, 2, 1]);
    assert_eq!(by(Personal, false), [2, 3, 0, 1, 4]);
    assert_eq!(by(Personal, true), [0, 2, 3, 1, 4]);
    // Dates; missing last either way.
    assert_eq!(by(Created, false), [4, 0, 2, 3, 1]);
    assert_eq!(by(Created, true), [1, 0, 2, 3, 4]);
    assert_eq!(by(LastUsed, false), [2, 4, 0, 3, 1]);
    assert_eq!(by(LastUsed, true), [0, 3, 4, 2, 1]);
    assert_eq!(by(Expires, false), [4, 0, 2, 3, 1]);
    assert_eq!(by(Expires, true), [0, 2, 3, 4, 1]);
    // Counts.
    assert_eq!(by(Scopes, false), [2, 3, 0, 4, 1]);
    assert_eq!(by(Scopes, true), [4, 0, 2, 3, 1]);
    // Risk: descending is most dangerous first; no scopes last.
    assert_eq!(by(Risk, true), [0, 2, 3, 4, 1]);
    assert_eq!(by(Risk, false), [3, 4, 2, 0, 1]);
    assert_eq!(inv.sorted(Sort::default()), by(Risk, true));
    // Findings: by how many.
    let counts: Vec<usize> = by(Findings, true)
        .iter()
        .map(|&i| inv.findings(i).len())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

#[test]
fn sort_toggles_and_reads_back() {
    let s = Sort::default();
    assert_eq!(s.key(), "-risk");
    let s = s.toggled(Column::Risk);
    assert_eq!(s.key(), "risk");
    let s = s.toggled(Column::LastUsed);
    assert_eq!(s.key(), "lastUsed");
    assert_eq!(s.toggled(Column::LastUsed).key(), "-lastUsed");
    for c in Column::ALL {
        for descending in [false, true] {
            let sort = Sort {
                column: c,
                descending,
            };
            assert_eq!(Sort::from_key(&sort.key()), Some(sort));
        }
        assert!(!c.label().is_empty());
    }
    assert_eq!(Sort::from_key("--name"), None);
    assert_eq!(Sort::from_key(""), None);
}

#[test]
fn filtering() {
    let inv = one_per_finding();
    let order = inv.sorted(Sort {
        column: Column::Name,
        descending: false,
    });
    let run = |f: &Filter| inv.filter(&order, f);
    let mut f = Filter::default();
    assert_eq!(run(&f), order, "no filter: everything, in the order given");

    // Text: name, ID and owner, any case; not the IP.
    f.set_text("  NEVER ");
    assert_eq!(run(&f), [5]);
    f.set_text("BUSY@");
    assert_eq!(run(&f), [9, 10, 11]);
    f.set_text(&id(7).to_lowercase());
    assert_eq!(run(&f), [7]);
    f.set_text("10.0.0.1");
    assert_eq!(run(&f), Vec::<u32>::new());
    f.set_text("o1");
    assert_eq!(run(&f), [1], "owner o1, not o10 (there is none)");
    f.set_text("exp\u{0}ires\n");
    assert_eq!(
        run(&f),
        [3],
        "control characters are dropped, never matched"
    );
    f.set_text("");

    // Findings narrow: each one chosen must be there.
    f.findings.insert(Finding::RiskyScopes);
    assert_eq!(run(&f), [8, 7]);
    f.findings.insert(Finding::PersonalCritical);
    assert_eq!(run(&f), [7]);
    f.findings = Findings::EMPTY;

    // Risk: the riskiest class.
    f.risks.insert(Risk::Configuration);
    assert_eq!(run(&f), [8]);
    f.risks.insert(Risk::Secrets);
    assert_eq!(run(&f), [8, 7]);
    f.risks = Default::default();

    // Kind.
    f.kinds.insert(Kind::ActiveGate);
    assert_eq!(run(&f), Vec::<u32>::new());
    f.kinds.insert(Kind::ApiToken);
    assert_eq!(run(&f).len(), 12);

    // Everything at once.
    f.set_text("crowd");
    f.findings.insert(Finding::CrowdedOwner);
    assert_eq!(run(&f), [9, 10, 11]);
    assert!(!f.is_empty());
    assert!(Filter::default().is_empty());
}

#[test]
fn many_replacements_keep_search_right() {
    let n = now();
    let mut inv = Inventory::default();
    for k in 0..50 {
        inv.push(Row::from_api_token(&token(&id(k), "first", "x")), n);
    }
    // Rename every token 60 times: the search text is rebuilt along the way.
    for round in 0..60 {
        for k in 0..50 {
            let name = format!("round {round}");
            inv.push(Row::from_api_token(&token(&id(k), &name, "x")), n);
        }
    }
    let mut f = Filter::default();
    f.set_text("round 59");
    assert_eq!(inv.filter(&inv.all(), &f).len(), 50);
    f.set_text("round 58");
    assert_eq!(inv.filter(&inv.all(), &f).len(), 0);
    f.set_text("first");
    assert_eq!(inv.filter(&inv.all(), &f).len(), 0);
}

#[test]
fn summary_counts() {
    let inv = one_per_finding();
    let s = inv.summary(&inv.all());
    assert_eq!(s.tokens, 12);
    for f in Finding::ALL {
        let want = match f {
            Finding::RiskyScopes => 2,
            Finding::CrowdedOwner => 3,
            _ => 1,
        };
        assert_eq!(s.finding(f), want, "{}", f.key());
    }
    assert_eq!(s.risk(Risk::Read), 10);
    assert_eq!(s.risk(Risk::Secrets), 1);
    assert_eq!(s.risk(Risk::Configuration), 1);
    assert_eq!(s.risk(Risk::TokenManagement), 0);
    assert_eq!(s.without_scopes, 0);
    assert_eq!(s.kind(Kind::ApiToken), 12);
    let some = inv.summary(&[7, 8]);
    assert_eq!((some.tokens, some.finding(Finding::RiskyScopes)), (2, 2));
    let ag = for_sorting().summary(&[1]);
    assert_eq!((ag.without_scopes, ag.kind(Kind::ActiveGate)), (1, 1));
}

#[test]
fn the_address_round_trip() {
    let mut view = View::default();
    assert_eq!(view.to_hash(), "#/inventory");
    assert_eq!(View::from_hash("#/inventory"), view);
    assert_eq!(View::from_hash(""), view);

    view.filter.set_text("dt0c01.ST2EY72KQINMH574WMNVI7YN");
    view.filter.findings.insert(Finding::NeverUsed);
    view.filter.findings.insert(Finding::Expired);
    view.filter.kinds.insert(Kind::ActiveGate);
    view.filter.kinds.insert(Kind::ApiToken);
    view.filter.risks.insert(Risk::TokenManagement);
    view.sort = Sort {
        column: Column::LastUsed,
        descending: true,
    };
    let hash = view.to_hash();
    assert_eq!(
        hash,
        "#/inventory?q=dt0c01.ST2EY72KQINMH574WMNVI7YN&finding=expired,never-used&kind=v2,activegate&risk=token-management&sort=-lastUsed"
    );
    assert_eq!(View::from_hash(&hash), view);
    assert_eq!(
        View::from_hash(hash.trim_start_matches("#/inventory")),
        view
    );

    // Lenient: unknown keys and values skipped, `+` for a space, odd encodings; text that is
    // not a token ID (a crafted or old link) does not become the filter.
    let odd = View::from_hash(
        "#/inventory?x=1&finding=expired,,nope&kind=V2,v1&sort=sideways&q=ci+deploy&junk",
    );
    assert!(odd.filter.query().is_empty());
    let spaced = View::from_hash("#/inventory?q=+dt0c01.ST2EY72KQINMH574WMNVI7YN+");
    assert_eq!(
        spaced.filter.query().text(),
        " dt0c01.ST2EY72KQINMH574WMNVI7YN "
    );
    assert_eq!(
        odd.filter.findings.iter().collect::<Vec<_>>(),
        [Finding::Expired]
    );
    assert_eq!(
        odd.filter.kinds.iter().collect::<Vec<_>>(),
        [Kind::ApiTokenV1]
    );
    assert_eq!(odd.sort, Sort::default());
}

#[test]
fn the_address_never_carries_a_token() {
    let secret = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
    let public = "ST2EY72KQINMH574WMNVI7YN";
    let mut view = View::default();
    for typed in [
        format!("dt0c01.{public}.{secret}"),
        secret.to_owned(),
        format!("owner {secret}"),
        secret[..20].to_owned(),
        "aB3xY9kLmN0pQrS7tUvW1".to_owned(),
        "GDFPBEJYMODIDAEX".to_owned(),
        format!("dt0c01.{public}.{}", &secret[..30]),
        public.to_owned(),
        // Not token-shaped at all, and still possibly a secret: nothing typed is shared.
        "Pa$$w0rd!".to_owned(),
        "correct horse battery staple".to_owned(),
        "jane.doe".to_owned(),
    ] {
        view.filter.set_text(&typed);
        assert!(!view.filter.query().is_shareable(), "{typed}");
        assert_eq!(view.to_hash(), "#/inventory", "{typed}");
        assert_eq!(format!("{:?}", view.filter.query()), "Query(private)");
        assert!(!format!("{view:?}").contains(&typed));
        // The filter still works on it.
        assert_eq!(view.filter.query().text(), typed);
    }
    // A token ID is safe, and shared in its normal form.
    view.filter.set_text(&format!("  dt0c01.{public} "));
    assert_eq!(view.to_hash(), format!("#/inventory?q=dt0c01.{public}"));
    // A crafted link with a token in it does not become the filter.
    let crafted = View::from_hash(&format!(
        "#/inventory?q=dt0c01.{public}.{secret}&finding=expired"
    ));
    assert!(crafted.filter.query().is_empty());
    assert_eq!(crafted.to_hash(), "#/inventory?finding=expired");
}

fn a_view() -> impl Strategy<Value = View> {
    (
        "[a-z ]{0,12}",
        proptest::collection::vec(proptest::sample::select(Finding::ALL.to_vec()), 0..4),
        proptest::collection::vec(proptest::sample::select(Kind::ALL.to_vec()), 0..3),
        proptest::collection::vec(proptest::sample::select(Risk::ALL.to_vec()), 0..3),
        proptest::sample::select(Column::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(q, findings, kinds, risks, column, descending)| {
            let mut view = View::default();
            view.filter.set_text(&q);
            view.filter.findings = findings.into_iter().collect();
            for k in kinds {
                view.filter.kinds.insert(k);
            }
            for r in risks {
                view.filter.risks.insert(r);
            }
            view.sort = Sort { column, descending };
            view
        })
}

proptest! {
    /// Whatever the view, what is written reads back as the same view (typed words are never
    /// shared, so they read back as no text).
    #[test]
    fn views_round_trip(view in a_view()) {
        let back = View::from_hash(&view.to_hash());
        prop_assert_eq!(back.filter.findings, view.filter.findings);
        prop_assert_eq!(back.filter.kinds, view.filter.kinds);
        prop_assert_eq!(back.filter.risks, view.filter.risks);
        prop_assert_eq!(back.sort, view.sort);
        let shared = if view.filter.query().is_shareable() { view.filter.query().text().trim() } else { "" };
        prop_assert_eq!(back.filter.query().text(), shared);
        prop_assert_eq!(back.to_hash(), view.to_hash());
    }

    #[test]
    fn any_address_reads_without_panic(hash in "\\PC{0,80}") {
        let view = View::from_hash(&hash);
        let again = View::from_hash(&view.to_hash());
        prop_assert_eq!(again.to_hash(), view.to_hash());
    }
}

#[test]
fn exports_of_rows_and_findings() {
    let n = now();
    let mut inv = Inventory::new(Config::default());
    inv.push(
        Row::from_api_token(&ApiToken {
            name: Some("=HYPER(1)".into()),
            personal_access_token: Some(true),
            scopes: Some(vec!["apiTokens.write".into()]),
            last_used_date: None,
            ..token(&id(1), "", "ann@example.com")
        }),
        n,
    );
    inv.push(
        Row::from_active_gate(&ActiveGateToken {
            id: Some("dt0g02.ABCD1234".into()),
            name: Some("gate, east".into()),
            creation_date: Some(n - days(1)),
            expiration_date: Some(n + days(100)),
            last_used_date: Some(n - days(1)),
            ..ActiveGateToken::default()
        }),
        n,
    );
    let csv = inv.export(&[1, 0], Format::Csv);
    assert_eq!(
        csv,
        "kind,name,id,owner,enabled,personal,created,lastUsed,lastUsedIp,expires,scopeCount,riskiestClass,findings\r\n\
         ActiveGate token,\"gate, east\",dt0g02.ABCD1234,,,,2026-11-21T12:00:00.000Z,2026-11-21T12:00:00.000Z,,2027-03-02T12:00:00.000Z,,,\r\n\
         API token,\"'=HYPER(1)\",dt0c01.ST2EY72KQINMH574WMNV0001,ann@example.com,true,true,2025-10-18T12:00:00.000Z,,10.0.0.1,2027-11-22T12:00:00.000Z,1,Token management,Never used; Personal access token with critical scopes; High-risk scopes\r\n"
    );
    let json = inv.export(&[0], Format::Json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value[0]["name"], "=HYPER(1)", "JSON is not a spreadsheet");
    assert_eq!(value[0]["scopeCount"], 1);
    assert_eq!(value[0]["enabled"], true);
    assert_eq!(value[0]["lastUsed"], serde_json::Value::Null);
    assert_eq!(value[0]["findings"][2], "High-risk scopes");

    let findings = inv.export_findings(&[0, 1], Format::Csv);
    let lines: Vec<&str> = findings.split("\r\n").collect();
    assert_eq!(lines[0], "id,name,owner,kind,finding,title,why,whatToDo");
    assert_eq!(lines.len(), 5, "three findings, header, final line end");
    assert!(lines[1].starts_with(
        "dt0c01.ST2EY72KQINMH574WMNV0001,\"'=HYPER(1)\",ann@example.com,API token,never-used,Never used,"
    ));
    let json: serde_json::Value =
        serde_json::from_str(&inv.export_findings(&[0], Format::Json)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[1]["finding"], "personal-critical");
    assert_eq!(json[1]["whatToDo"], Finding::PersonalCritical.what_to_do());
    assert_eq!(inv.export_findings(&[1], Format::Json), "[]\n");
}

/// Rows with few distinct values, so that ties, missing values, replacements (IDs from a small
/// set) and owners crossing the limit all happen.
fn a_row() -> impl Strategy<Value = Row> {
    let text = prop::sample::select(vec![
        "", "alpha", "Alpha", "beta", "BETA", "gamma", "ci-bot",
    ]);
    let owner = prop::option::of(prop::sample::select(vec!["ann", "Bob", "carl", "dora"]));
    let date = prop::option::of((-400i64..400).prop_map(|d| now() + days(d)));
    let risk = prop::option::of(prop::sample::select(Risk::ALL.to_vec()));
    let kind = prop::sample::select(Kind::ALL.to_vec());
    (
        (0u32..40, text, owner, kind),
        (
            any::<Option<bool>>(),
            any::<Option<bool>>(),
            date.clone(),
            date.clone(),
            date,
        ),
        (risk, prop::option::of(0u16..5), any::<bool>()),
    )
        .prop_map(
            |(
                (n, name, owner, kind),
                (enabled, personal, created, last_used, expires),
                (riskiest, scope_count, dated),
            )| Row {
                kind,
                name: name.into(),
                id: if n == 0 { "".into() } else { id(n).into() },
                owner: owner.map(Into::into),
                enabled,
                personal,
                created,
                last_used,
                last_used_ip: None,
                expires,
                scope_count,
                riskiest,
                dated,
            },
        )
}

fn every_sort() -> Vec<Sort> {
    Column::ALL
        .into_iter()
        .flat_map(|column| [false, true].map(|descending| Sort { column, descending }))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The summary kept as rows arrive, are replaced and owners cross the limit (2 here) is the
    /// summary counted again over every row, after every step; and after a new limit.
    #[test]
    fn the_kept_summary_is_a_recount(rows in prop::collection::vec(a_row(), 0..80), limit in 0u32..4) {
        let mut inv = Inventory::new(Config { owner_limit: 2, ..Config::default() });
        for row in rows {
            inv.push(row, now());
            prop_assert_eq!(inv.totals(), inv.summary(&inv.all()));
        }
        inv.set_config(Config { owner_limit: limit, ..Config::default() }, now() + days(30));
        prop_assert_eq!(inv.totals(), inv.summary(&inv.all()));
        inv.clear();
        prop_assert_eq!(inv.totals(), inv.summary(&[]));
    }

    /// Merging a page into the sorted order gives what sorting every row gives, for every sort,
    /// page after page (rows that replace others in place are left out: they change old keys).
    #[test]
    fn a_merged_page_is_a_full_sort(pages in prop::collection::vec(prop::collection::vec(a_row(), 0..30), 1..5)) {
        // No owner limit: the findings column's keys then depend on each row alone.
        let mut inv = Inventory::new(Config { owner_limit: u32::MAX, ..Config::default() });
        let sorts = every_sort();
        let mut orders: Vec<Vec<u32>> = sorts.iter().map(|_| Vec::new()).collect();
        for page in pages {
            let before = inv.len() as u32;
            for row in page {
                if row.id.is_empty() || inv.find(&row.id).is_none() {
                    inv.push(row, now());
                }
            }
            let new: Vec<u32> = (before..inv.len() as u32).collect();
            for (sort, order) in sorts.iter().zip(orders.iter_mut()) {
                *order = inv.merge(order, &new, *sort);
                prop_assert_eq!(&*order, &inv.sorted(*sort), "{:?}", sort);
            }
        }
    }
}
