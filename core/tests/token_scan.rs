//! Scanning texts: every prefix, positions, de-duplication, and no false positives on near misses.

use dt_core::token::{scan, Scanner, TokenKind};

const EXAMPLE: &str = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
const SECRET: &str = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
const S64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

#[test]
fn finds_tokens_in_an_env_file_with_positions() {
    let text = format!("# config\nDT_URL=https://x\nDT_API_TOKEN={EXAMPLE}\nAG=dt0g02.4KWZO5EF\n");
    let found = scan(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].id, "dt0c01.ST2EY72KQINMH574WMNVI7YN");
    assert!(found[0].has_secret);
    assert_eq!((found[0].line, found[0].column), (3, 14));
    assert_eq!(
        &text[found[0].offset..found[0].offset + found[0].length],
        EXAMPLE
    );
    assert_eq!(found[1].kind, TokenKind::ActiveGate);
    assert!(!found[1].has_secret);
    assert_eq!((found[1].line, found[1].column), (4, 4));
}

#[test]
fn findings_never_contain_the_secret() {
    let found = scan(&format!("x {EXAMPLE} y"));
    let json = serde_json::to_string(&found).unwrap();
    assert!(!json.contains(SECRET));
}

#[test]
fn every_prefix_in_json_yaml_and_shell_history() {
    let text = format!(
        "{{\"a\": \"dt0s16.ABCDEFGHIJKLMNOPQRSTUVWX.{S64}\", \"b\": \"dt0s02.2WSDFNOZ.{S64}\"}}\n\
         token: dt0s01.ABCDEFGHIJKLMNOPQRSTUVWX.{S64}\n\
         $ curl -H 'Authorization: Api-Token dt0g02.4KWZO5EF.{S64}' https://x\n\
         DT_CONNECTION_AUTH_TOKEN=dt0a01.abc12345.{}\n\
         edge=dt0e01.ABCDEFGHIJKLMNO.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH\n",
        "0123456789abcdef".repeat(4)
    );
    let kinds: Vec<TokenKind> = scan(&text).iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            TokenKind::Platform,
            TokenKind::OAuthClient,
            TokenKind::Account,
            TokenKind::ActiveGate,
            TokenKind::Agent,
            TokenKind::EdgeConnect
        ]
    );
}

#[test]
fn duplicates_are_counted_once() {
    let text =
        format!("{EXAMPLE}\n{EXAMPLE} again\nand the ID dt0c01.ST2EY72KQINMH574WMNVI7YN alone\n");
    let found = scan(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].occurrences, 2);
    assert_eq!(found[0].line, 1);
}

#[test]
fn near_misses_are_not_findings() {
    let misses = [
        format!("{EXAMPLE}A"),                         // a 65-character secret
        format!("x{EXAMPLE}"),                         // glued after a word
        format!("{EXAMPLE}_x"),                        // glued before a word
        "dt0c01.ST2EY72KQINMH574WMNVI7Y".to_owned(),   // a 23-character public part
        "dt0c01.ST2EY72KQINMH574WMNVI7YNN".to_owned(), // 25
        format!("dt0c01.ST2EY72KQINMH574WMNVI7YN.{}", &SECRET[..63]),
        "QUJDRGVGR0dt0c01SUpLTE1OT1BRUlNUVVZXWFla+/dt0g02MjM0NTY3".to_owned(), // base64 with dt0
        "dt0c1.ST2EY72KQINMH574WMNVI7YN".to_owned(),
        "dt0g02.4KWZO5EFX".to_owned(),
        "mydt0g02.4KWZO5EF".to_owned(),
    ];
    for text in &misses {
        assert_eq!(scan(text), vec![], "{text}");
    }
}

#[test]
fn an_id_at_the_end_of_a_sentence_is_found() {
    let found = scan("Revoke dt0c01.ST2EY72KQINMH574WMNVI7YN.");
    assert_eq!(found.len(), 1);
    assert!(!found[0].has_secret);
}

#[test]
fn columns_count_characters_not_bytes() {
    let found = scan("ünïcödé: dt0g02.4KWZO5EF");
    assert_eq!(found[0].column, 10);
}

#[test]
fn incremental_scanning_matches_whole_scanning() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!(
            "line {i} noise dt0 dt0c01 {}\n",
            if i % 7 == 0 {
                EXAMPLE
            } else {
                "dt0g02.4KWZO5EF"
            }
        ));
    }
    let whole = scan(&text);
    for budget in [1, 2, 3, 7, 50, 4096] {
        let mut scanner = Scanner::new();
        let mut steps = 0;
        while !scanner.step(&text, budget) {
            steps += 1;
            assert!(steps < text.len() + 10);
        }
        assert_eq!(scanner.into_findings(), whole, "budget {budget}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn token() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["dt0c01", "dt0s01", "dt0g02"]),
            "[A-Z2-7]{24}",
            "[A-Z2-7]{64}",
            any::<bool>(),
        )
            .prop_map(|(p, public, secret, full)| {
                let public = if p == "dt0g02" {
                    &public[..8]
                } else {
                    &public[..]
                };
                if full {
                    format!("{p}.{public}.{secret}")
                } else {
                    format!("{p}.{public}")
                }
            })
    }

    fn noise() -> impl Strategy<Value = String> {
        // Words, punctuation and near misses, but never a whole token.
        "[a-z0-9 =:\"'\\n{}\\[\\],.-]{0,40}"
    }

    proptest! {
        #[test]
        fn planted_tokens_are_found_exactly(tokens in prop::collection::vec(token(), 0..6), noise in prop::collection::vec(noise(), 7)) {
            let mut text = String::new();
            for (i, t) in tokens.iter().enumerate() {
                text.push_str(&noise[i]);
                text.push(' ');
                text.push_str(t);
                text.push(' ');
            }
            text.push_str(&noise[6]);
            let mut expected: Vec<String> = Vec::new();
            for t in &tokens {
                if !expected.contains(t) { expected.push(t.clone()); }
            }
            // An ID is folded into its full token when both are present.
            let fulls: Vec<String> = expected.iter().filter(|t| t.matches('.').count() == 2).map(|t| t.rsplit_once('.').unwrap().0.to_owned()).collect();
            expected.retain(|t| t.matches('.').count() == 2 || !fulls.contains(t));
            let found = scan(&text);
            let got: Vec<String> = found.iter().map(|f| text[f.offset..f.offset + f.length].to_owned()).collect();
            let mut got_sorted = got.clone();
            got_sorted.sort();
            let mut expected_sorted = expected.clone();
            expected_sorted.sort();
            prop_assert_eq!(got_sorted, expected_sorted);
        }

        #[test]
        fn parsed_tokens_render_and_reparse(t in token()) {
            let parsed = dt_core::token::parse(&t).unwrap();
            let rendered = match parsed.full_token() { Some(full) => full.expose().to_owned(), None => parsed.id().to_owned() };
            prop_assert_eq!(&rendered, &t);
            let again = dt_core::token::parse(&rendered).unwrap();
            prop_assert_eq!(again, parsed);
        }

        #[test]
        fn parse_and_scan_never_panic(s in "\\PC{0,200}") {
            let _ = dt_core::token::parse(&s);
            for f in scan(&s) {
                prop_assert!(f.offset + f.length <= s.len());
                prop_assert!(dt_core::token::parse(&s[f.offset..f.offset + f.length]).is_ok());
            }
        }
    }
}

#[test]
fn lines_and_columns_match_a_naive_count_at_every_block_offset() {
    // Tokens at every alignment relative to the scanner's 64-byte blocks, with multi-byte
    // characters and lines both shorter and longer than a block.
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&"é".repeat(i % 5));
        text.push_str(&"x ".repeat(i % 41));
        text.push_str(&format!(
            "dt0g02.{}",
            format!("{i:08}").replace(['0', '1', '8', '9'], "A")
        ));
        text.push(if i % 3 == 0 { '\n' } else { ' ' });
    }
    let found = scan(&text);
    assert!(found.len() > 50, "{}", found.len());
    for f in &found {
        let before = &text[..f.offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!((f.line, f.column), (line, column), "{}", f.id);
    }
    for budget in [63, 64, 65, 1000] {
        let mut scanner = Scanner::new();
        while !scanner.step(&text, budget) {}
        assert_eq!(scanner.into_findings(), found, "budget {budget}");
    }
}
