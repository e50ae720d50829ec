//! Parsing every kind, every normalisation and every error.

use dt_core::token::{
    parse, Length, Lookup, ParseErrorKind, PartRole, Stripped, TokenKind, Warning, MASK,
};

const EXAMPLE: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
const SECRET: &str = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
const ID: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN";
const S64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

#[test]
fn the_documented_example_token() {
    let t = parse(EXAMPLE).unwrap();
    assert_eq!(t.kind, TokenKind::ApiToken);
    assert_eq!(t.id(), ID);
    assert_eq!(t.prefix(), Some("dt0c01"));
    assert_eq!(t.public_part(), "ST2EY72KQINMH574WMNVI7YN");
    assert_eq!(t.secret().unwrap().expose(), SECRET);
    assert_eq!(t.full_token().unwrap().expose(), EXAMPLE);
    assert_eq!(t.lookup(), Lookup::ApiTokenBySecret);
    assert_eq!(t.masked(), format!("{ID}.{MASK}"));
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    assert!(t.stripped().is_empty());
}

#[test]
fn nothing_prints_the_secret() {
    let t = parse(EXAMPLE).unwrap();
    for shown in [
        format!("{t:?}"),
        t.masked(),
        serde_json::to_string(&t).unwrap(),
        format!("{:?}", t.parts()),
    ] {
        assert!(!shown.contains(SECRET), "secret leaked in {shown}");
    }
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["hasSecret"], true);
    assert_eq!(json["id"], ID);
    assert_eq!(json["kind"], "apiToken");
}

#[test]
fn a_token_id_alone() {
    let t = parse(ID).unwrap();
    assert!(t.secret().is_none());
    assert_eq!(t.lookup(), Lookup::ApiTokenById);
    assert_eq!(t.masked(), ID);
}

#[test]
fn every_known_prefix_is_recognised() {
    let cases = [
        ("dt0c01", TokenKind::ApiToken, 24),
        ("dt0s01", TokenKind::Account, 24),
        ("dt0g02", TokenKind::ActiveGate, 8),
        ("dt0s16", TokenKind::Platform, 24),
        ("dt0s02", TokenKind::OAuthClient, 8),
        ("dt0s03", TokenKind::OAuthClient, 8),
        ("dt0s08", TokenKind::OAuthClient, 8),
        ("dt0s06", TokenKind::RefreshToken, 24),
        ("dt0s04", TokenKind::ChatIdentity, 24),
        ("dt0s09", TokenKind::ChatIdentity, 24),
        ("dt0x42", TokenKind::UnknownDynatrace, 24),
    ];
    for (prefix, kind, public_len) in cases {
        let public = &"ABCDEFGHIJKLMNOPQRSTUVWX"[..public_len];
        let t =
            parse(&format!("{prefix}.{public}.{S64}")).unwrap_or_else(|e| panic!("{prefix}: {e}"));
        assert_eq!(t.kind, kind, "{prefix}");
        assert!(!kind.label().is_empty() && !kind.explanation().is_empty());
        if let Some(own) = kind.prefix() {
            assert_eq!(own, prefix);
        }
    }
    let agent = parse(&format!("dt0a01.abc12345.{}", "0123456789abcdef".repeat(4))).unwrap();
    assert_eq!(agent.kind, TokenKind::Agent);
    assert!(
        agent.warnings().is_empty(),
        "agent tokens are lowercase by design: {:?}",
        agent.warnings()
    );
    let edge = parse("dt0e01.ABCDEFGHIJKLMNO.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH").unwrap();
    assert_eq!(edge.kind, TokenKind::EdgeConnect);
    assert!(edge.warnings().is_empty());
}

#[test]
fn what_can_be_looked_up() {
    assert_eq!(
        parse("dt0g02.4KWZO5EF").unwrap().lookup(),
        Lookup::ActiveGateTokenById
    );
    assert_eq!(
        parse(&format!("dt0g02.4KWZO5EF.{S64}")).unwrap().lookup(),
        Lookup::ActiveGateTokenById
    );
    assert_eq!(
        parse("d5836312-5790-4e80-afcf-09971954c3ea")
            .unwrap()
            .lookup(),
        Lookup::V1TokenById
    );
    assert_eq!(
        parse("abcdefghij1234567890K").unwrap().lookup(),
        Lookup::ApiTokenBySecret
    );
    for prefix in ["dt0s16", "dt0s02", "dt0s06", "dt0a01", "dt0e01", "dt0x42"] {
        let t = parse(&format!("{prefix}.ABCDEFGH")).unwrap();
        assert!(matches!(t.lookup(), Lookup::NotPossible { .. }), "{prefix}");
    }
}

#[test]
fn legacy_forms() {
    let id = parse("D5836312-5790-4E80-AFCF-09971954C3EA").unwrap();
    assert_eq!(id.kind, TokenKind::LegacyId);
    assert_eq!(id.id(), "d5836312-5790-4e80-afcf-09971954c3ea");
    let legacy = parse("abcdefghij1234567890K").unwrap();
    assert_eq!(legacy.kind, TokenKind::LegacyToken);
    assert_eq!(legacy.id(), "");
    assert_eq!(legacy.masked(), MASK);
    assert_eq!(
        legacy.warnings(),
        [Warning::UnverifiableLegacy],
        "the shape of a legacy token can't be verified"
    );
    let odd = parse("abcdefghij1234567890KLMNO").unwrap();
    assert_eq!(odd.warnings(), [Warning::UnverifiableLegacy]);
}

#[test]
fn pasted_wrappings_are_stripped_and_reported() {
    let cases: &[(&str, &[Stripped])] = &[
        (&format!("  {EXAMPLE}\n"), &[Stripped::Whitespace]),
        (&format!("\"{EXAMPLE}\""), &[Stripped::Quotes]),
        (&format!("'{EXAMPLE}'"), &[Stripped::Quotes]),
        (
            &format!("Api-Token {EXAMPLE}"),
            &[Stripped::Scheme("Api-Token".into())],
        ),
        (
            &format!("Authorization: Api-Token {EXAMPLE}\r\n"),
            &[
                Stripped::Whitespace,
                Stripped::HeaderName,
                Stripped::Scheme("Api-Token".into()),
            ],
        ),
        (
            &format!("DT_API_TOKEN={EXAMPLE}"),
            &[Stripped::Assignment("DT_API_TOKEN".into())],
        ),
        (
            &format!("export DT_API_TOKEN=\"{EXAMPLE}\""),
            &[
                Stripped::Assignment("DT_API_TOKEN".into()),
                Stripped::Quotes,
            ],
        ),
        (
            &format!("  apiToken: '{EXAMPLE}'"),
            &[
                Stripped::Whitespace,
                Stripped::Assignment("apiToken".into()),
                Stripped::Quotes,
            ],
        ),
        (
            &format!("\"token\": \"{EXAMPLE}\","),
            &[
                Stripped::Assignment("token".into()),
                Stripped::TrailingPunctuation,
                Stripped::Quotes,
            ],
        ),
        (
            &format!("\u{200B}{EXAMPLE}\u{00A0}"),
            &[Stripped::Invisible],
        ),
    ];
    for (input, expected) in cases {
        let t = parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(t.id(), ID, "{input:?}");
        assert_eq!(t.secret().unwrap().expose(), SECRET, "{input:?}");
        let mut got = t.stripped().to_vec();
        let mut want = expected.to_vec();
        got.sort_by_key(|s| format!("{s:?}"));
        want.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(got, want, "{input:?}");
    }
}

#[test]
fn bearer_is_noted_for_api_tokens() {
    let t = parse(&format!("Bearer {EXAMPLE}")).unwrap();
    assert!(t.warnings().contains(&Warning::BearerScheme));
}

#[test]
fn warnings_for_case_base32_and_unusual_lengths() {
    let lower = parse(&EXAMPLE.to_lowercase()).unwrap();
    assert!(lower.warnings().contains(&Warning::Lowercase {
        part: PartRole::Public
    }));
    assert!(lower.warnings().contains(&Warning::Lowercase {
        part: PartRole::Secret
    }));
    let upper_prefix = parse(&EXAMPLE.replacen("dt0c01", "DT0C01", 1)).unwrap();
    assert!(upper_prefix.warnings().contains(&Warning::UppercasePrefix));
    assert_eq!(upper_prefix.id(), ID);
    let nine = parse("dt0c01.ST2EY72KQINMH574WMNVI7Y9").unwrap();
    assert!(nine.warnings().contains(&Warning::OutsideBase32 {
        part: PartRole::Public,
        ch: '9'
    }));
    let short_platform = parse("dt0s16.ABCDEFGH.ABCDEFGH").unwrap();
    assert!(short_platform.warnings().iter().any(|w| matches!(
        w,
        Warning::UnusualLength {
            part: PartRole::Secret,
            expected: Length { min: 64, max: 64 },
            found: 8
        }
    )));
}

fn error(input: &str) -> (ParseErrorKind, Option<usize>) {
    let e = parse(input).unwrap_err();
    assert!(!e.to_string().is_empty());
    (e.kind.clone(), e.index())
}

#[test]
fn errors_are_precise_and_positional() {
    assert_eq!(error("").0, ParseErrorKind::Empty);
    assert_eq!(error("   \n").0, ParseErrorKind::Empty);

    let (kind, index) = error(&EXAMPLE[..EXAMPLE.len() - 1]);
    assert_eq!(
        kind,
        ParseErrorKind::WrongLength {
            part: PartRole::Secret,
            kind: TokenKind::ApiToken,
            expected: 64,
            found: 63
        }
    );
    assert_eq!(index, Some(32));
    let (kind, _) = error("dt0c01.ST2EY72KQINMH574WMNVI7Y");
    assert_eq!(
        kind,
        ParseErrorKind::WrongLength {
            part: PartRole::Public,
            kind: TokenKind::ApiToken,
            expected: 24,
            found: 23
        }
    );
    assert!(matches!(
        error(&format!("{EXAMPLE}A")).0,
        ParseErrorKind::WrongLength { found: 65, .. }
    ));
    assert!(matches!(
        error("dt0g02.4KWZO5E").0,
        ParseErrorKind::WrongLength {
            expected: 8,
            found: 7,
            ..
        }
    ));

    let (kind, index) = error("dt0c01.ST2EY72KQ!NMH574WMNVI7YN");
    assert_eq!(
        kind,
        ParseErrorKind::BadCharacter {
            part: PartRole::Public,
            ch: '!',
            position: 17
        }
    );
    assert_eq!(index, Some(16));

    assert_eq!(
        error(&format!("{EXAMPLE}.X")).0,
        ParseErrorKind::TooManyParts { found: 4 }
    );
    assert_eq!(
        error("dt0c01.").0,
        ParseErrorKind::EmptyPart {
            part: PartRole::Public
        }
    );
    assert_eq!(
        error(&format!("{ID}.")).0,
        ParseErrorKind::EmptyPart {
            part: PartRole::Secret
        }
    );
    assert!(matches!(
        error("dt0c1.ABC").0,
        ParseErrorKind::BadPrefix { .. }
    ));
    assert!(matches!(
        error("hello").0,
        ParseErrorKind::UnknownShape { hint: None }
    ));
    assert!(matches!(
        error(&format!("token is {EXAMPLE}")).0,
        ParseErrorKind::UnknownShape { hint: Some(_) }
    ));
}

#[test]
fn invisible_and_look_alike_characters_are_named() {
    let zwsp = format!("{}\u{200B}{}", &EXAMPLE[..10], &EXAMPLE[10..]);
    let (kind, index) = error(&zwsp);
    assert_eq!(
        kind,
        ParseErrorKind::InvisibleCharacter {
            part: PartRole::Public,
            ch: '\u{200B}',
            name: "zero-width space",
            position: 11
        }
    );
    assert_eq!(index, Some(10));

    let nbsp = format!("{}\u{00A0}{}", &EXAMPLE[..40], &EXAMPLE[40..]);
    assert!(matches!(
        error(&nbsp).0,
        ParseErrorKind::InvisibleCharacter {
            part: PartRole::Secret,
            name: "no-break space",
            ..
        }
    ));

    // Cyrillic О in place of the public part's last letter.
    let cyrillic = "dt0c01.ST2EY72KQINMH574WMNVI7YО";
    let (kind, index) = error(cyrillic);
    assert_eq!(
        kind,
        ParseErrorKind::LookAlike {
            part: PartRole::Public,
            ch: 'О',
            name: "Cyrillic capital O",
            looks_like: 'O',
            position: 31
        }
    );
    assert_eq!(index, Some(30));
    assert!(parse(cyrillic)
        .unwrap_err()
        .to_string()
        .contains("Cyrillic"));

    let greek = EXAMPLE.replacen('G', "Α", 0).replacen("G3DF", "Α3DF", 1);
    assert!(matches!(
        error(&greek).0,
        ParseErrorKind::LookAlike {
            part: PartRole::Secret,
            looks_like: 'A',
            ..
        }
    ));

    // Positions count characters of the original input, wrappers included.
    let (_, index) = error(&format!("DT_API_TOKEN={cyrillic}"));
    assert_eq!(index, Some(13 + 30));
    // ... and are also given in bytes and in UTF-16 units (for JavaScript).
    let e = parse(&format!("«{zwsp}")).unwrap_err();
    assert_eq!(e.index(), Some(11));
    assert_eq!(e.byte_index(), Some(12), "« is two bytes in UTF-8");
    assert_eq!(e.utf16_index(), Some(11));
    let e = parse(&format!("𝐀 {cyrillic}")).unwrap_err();
    assert_eq!(
        (e.index(), e.utf16_index()),
        (Some(32), Some(33)),
        "𝐀 is two UTF-16 units"
    );
}

#[test]
fn a_stripped_name_never_echoes_the_secret() {
    // Found by the fuzzer: `NAME:VALUE:VALUE` where a "name" is the secret itself.
    let input = "  JJJJJJJJJJJJJJJJJJJJJ:JJJJJJJJJJJJJJJJJJJJJJJHJJJJJJJJJJ:JJJJJJJJJJJJJJJJJJJJJJJHJJJJJJJJJJ";
    let t = parse(input).unwrap();
    let secret = t.secret().unwrap().expose().to_owned();
    for shown in [format!("{t:?}"), serde_json::to_string(&t).unwrap()] {
        assert!(!shown.contains(&secret), "{shown}");
    }
}
