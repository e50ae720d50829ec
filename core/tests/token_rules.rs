//! The rules table is the one source of token shapes: the parser and the scanner agree on every
//! row, a kind's rows agree with each other, and the table matches the reference data.

use dt_core::token::{
    parse, scan, Case, Length, Lookup, ParseErrorKind, PartRole, Rule, TokenKind, Warning, RULES,
};

/// The prefix to write for a row: its own, or an unknown one for the unknown-prefix row.
fn prefix_of(rule: &Rule) -> &'static str {
    rule.prefix.unwrap_or("dt0x42")
}

/// `n` characters in the case the row expects: base32 capitals, or lowercase hex.
fn part(rule: &Rule, n: usize, salt: usize) -> String {
    let alphabet: &[u8] = match rule.case {
        Case::Lower => b"0123456789abcdef",
        _ => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    };
    (0..n)
        .map(|i| alphabet[(i * 7 + salt) % alphabet.len()] as char)
        .collect()
}

fn prefixed() -> impl Iterator<Item = &'static Rule> {
    RULES
        .iter()
        .filter(|r| r.prefix.is_some() || r.kind == TokenKind::UnknownDynatrace)
}

fn length_warnings(input: &str) -> Vec<Warning> {
    match parse(input) {
        Ok(t) => t
            .warnings()
            .iter()
            .filter(|w| matches!(w, Warning::UnusualLength { .. }))
            .cloned()
            .collect(),
        Err(e) => panic!("{input}: {e}"),
    }
}

/// Whether `parse` reads it without a length error or warning.
fn parses_cleanly(input: &str) -> bool {
    match parse(input) {
        Ok(t) => !t
            .warnings()
            .iter()
            .any(|w| matches!(w, Warning::UnusualLength { .. })),
        Err(e) => {
            assert!(
                matches!(e.kind, ParseErrorKind::WrongLength { .. }),
                "{input}: {e}"
            );
            false
        }
    }
}

/// A token is found by the scanner exactly when the parser reads it without a length error or
/// warning, for every row, at and just outside every length the row allows.
#[test]
fn parse_and_scan_agree_for_every_row() {
    for rule in prefixed() {
        let prefix = prefix_of(rule);
        let public = rule.public.expect("prefixed rows have a public length");
        let secret = rule.secret.expect("prefixed rows have a secret length");
        let publics = [public.min - 1, public.min, public.max, public.max + 1];
        let secrets = [secret.min - 1, secret.min, secret.max, secret.max + 1];
        for (i, &p) in publics.iter().enumerate() {
            let id = format!("{prefix}.{}", part(rule, p, i));
            for (j, &s) in secrets.iter().enumerate() {
                let token = format!("{id}.{}", part(rule, s, j + 3));
                let found = scan(&format!("x = {token} ;"));
                assert_eq!(
                    !found.is_empty(),
                    parses_cleanly(&token),
                    "{prefix} public {p} secret {s}: scan {found:?}"
                );
                if let Some(f) = found.first() {
                    let parsed = parse(&token).unwrap();
                    assert_eq!(
                        (f.kind, f.id.as_str(), f.has_secret),
                        (parsed.kind, parsed.id(), true)
                    );
                    assert_eq!(f.kind, rule.kind);
                    assert!(public.contains(p) && secret.contains(s));
                }
            }
            let found = scan(&format!("id {id} here"));
            assert_eq!(
                !found.is_empty(),
                parses_cleanly(&id),
                "{prefix} ID with public {p}"
            );
            if let Some(f) = found.first() {
                assert_eq!((f.kind, f.has_secret), (rule.kind, false));
            }
        }
    }
}

/// Outside a strict row's lengths the parser refuses; outside a lenient row's, it warns and
/// names the usual length from the table.
#[test]
fn strictness_comes_from_the_table() {
    for rule in prefixed() {
        let prefix = prefix_of(rule);
        let (public, secret) = (rule.public.unwrap(), rule.secret.unwrap());
        let token = format!(
            "{prefix}.{}.{}",
            part(rule, public.max, 0),
            part(rule, secret.max + 1, 1)
        );
        if rule.strict {
            assert!(
                matches!(
                    parse(&token).unwrap_err().kind,
                    ParseErrorKind::WrongLength { part: PartRole::Secret, expected, .. }
                        if Some(expected) == secret.exactly()
                ),
                "{prefix}"
            );
        } else {
            assert_eq!(
                length_warnings(&token),
                [Warning::UnusualLength {
                    part: PartRole::Secret,
                    expected: secret,
                    found: secret.max + 1
                }],
                "{prefix}"
            );
        }
    }
}

#[test]
fn case_rules_come_from_the_table() {
    for rule in prefixed() {
        let prefix = prefix_of(rule);
        let (public, secret) = (rule.public.unwrap(), rule.secret.unwrap());
        let upper = format!(
            "{prefix}.{}.{}",
            part(rule, public.min, 0),
            part(rule, secret.min, 1)
        )
        .to_ascii_uppercase()
        .replacen(&prefix.to_ascii_uppercase(), prefix, 1);
        let lower = upper.to_ascii_lowercase();
        let case_warnings = |input: &str| -> usize {
            parse(input)
                .unwrap()
                .warnings()
                .iter()
                .filter(|w| matches!(w, Warning::Lowercase { .. }))
                .count()
        };
        match rule.case {
            Case::UpperBase32 => {
                assert_eq!(case_warnings(&upper), 0, "{prefix}");
                assert_eq!(case_warnings(&lower), 2, "{prefix}");
            }
            Case::Lower => assert_eq!(case_warnings(&lower), 0, "{prefix}"),
            Case::Any => unreachable!("prefixed rows have a case rule"),
        }
    }
}

#[test]
fn rows_of_one_kind_agree_and_every_kind_has_a_row() {
    let kinds = [
        TokenKind::ApiToken,
        TokenKind::ActiveGate,
        TokenKind::Platform,
        TokenKind::Account,
        TokenKind::OAuthClient,
        TokenKind::RefreshToken,
        TokenKind::ChatIdentity,
        TokenKind::Agent,
        TokenKind::EdgeConnect,
        TokenKind::UnknownDynatrace,
        TokenKind::LegacyToken,
        TokenKind::LegacyId,
    ];
    for kind in kinds {
        let rows: Vec<&Rule> = RULES.iter().filter(|r| r.kind == kind).collect();
        assert!(!rows.is_empty(), "{kind:?} has no row");
        for row in &rows {
            assert_eq!(
                (
                    row.public,
                    row.secret,
                    row.strict,
                    row.case,
                    row.with_secret,
                    row.by_id
                ),
                (
                    rows[0].public,
                    rows[0].secret,
                    rows[0].strict,
                    rows[0].case,
                    rows[0].with_secret,
                    rows[0].by_id
                ),
                "{kind:?}"
            );
            if let Some(prefix) = row.prefix {
                assert_eq!(TokenKind::from_prefix(prefix), kind);
                assert_eq!(prefix.len(), 6);
                assert_eq!(prefix, prefix.to_ascii_lowercase());
            }
        }
        assert_eq!(kind.rule().kind, kind);
        let prefixes: Vec<_> = rows.iter().filter_map(|r| r.prefix).collect();
        assert_eq!(
            kind.prefix(),
            (prefixes.len() == 1).then(|| prefixes[0]),
            "{kind:?}"
        );
    }
    assert_eq!(
        TokenKind::from_prefix("dt0z99"),
        TokenKind::UnknownDynatrace
    );
}

/// A strict row's lengths are exact (the error names one length); no part is longer than the
/// scanner's run cap of 64 characters.
#[test]
fn lengths_are_well_formed() {
    for rule in RULES {
        for length in [rule.public, rule.secret].into_iter().flatten() {
            assert!(length.min <= length.max && length.min > 0, "{rule:?}");
            assert!(length.max <= 64, "{rule:?}");
            if rule.strict && rule.prefix.is_some() {
                assert!(length.exactly().is_some(), "{rule:?}");
            }
        }
    }
    assert_eq!(Length::exact(64).to_string(), "64");
    assert_eq!(Length::range(6, 32).to_string(), "6 to 32");
}

/// The table says the same as the reference data (`shared/dynatrace/token-prefixes.json`) about
/// every prefix that has documented lengths there.
#[test]
fn the_table_matches_the_reference_prefixes() {
    let documented = [
        ("dt0c01", 24, 64),
        ("dt0s01", 24, 64),
        ("dt0g02", 8, 64),
        ("dt0e01", 15, 40),
    ];
    for (prefix, public, secret) in documented {
        let rule = RULES.iter().find(|r| r.prefix == Some(prefix)).unwrap();
        assert_eq!(rule.public, Some(Length::exact(public)), "{prefix}");
        assert_eq!(rule.secret, Some(Length::exact(secret)), "{prefix}");
    }
    for prefix in [
        "dt0s02", "dt0s03", "dt0s04", "dt0s06", "dt0s08", "dt0s09", "dt0s16", "dt0a01",
    ] {
        assert!(RULES.iter().any(|r| r.prefix == Some(prefix)), "{prefix}");
    }
    assert_eq!(
        TokenKind::ApiToken.rule().with_secret,
        Lookup::ApiTokenBySecret
    );
}
