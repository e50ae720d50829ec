//! The parse-error pointer never shows a secret: whatever the separator, the length or the
//! damage, it shows at most the prefix, a public part of an allowed length and the offending
//! character when that cannot be part of a secret. Error messages (`Display` and `Debug`) never
//! carry 8 consecutive characters of a secret either.

use dt_core::token::{parse, Case, ParseError, Pointer, Rule, MASKED, RULES};

const PUBLIC: &str = "ST2EY72KQINMH574WMNVI7YN";
const SECRET: &str = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

fn error(input: &str) -> ParseError {
    parse(input).expect_err(input)
}

fn pointer(input: &str) -> Pointer {
    error(input).pointer(input).expect("the error has a place")
}

fn masked(n: usize) -> String {
    MASKED.to_string().repeat(n)
}

/// The first run of 8 characters of `secret` found in `output`, if any.
fn leaked<'a>(secret: &'a str, output: &str) -> Option<&'a str> {
    let chars: Vec<(usize, char)> = secret.char_indices().collect();
    chars.windows(8).find_map(|w| {
        let (start, _) = w[0];
        let (last, c) = w[7];
        let run = &secret[start..last + c.len_utf8()];
        output.contains(run).then_some(run)
    })
}

fn shown(p: &Pointer) -> String {
    format!("{}{}{}", p.before, p.at, p.after)
}

#[test]
fn a_wrong_separator_before_the_secret_is_shown_the_secret_is_not() {
    for (separator, at) in [
        ("-", "-"),
        ("_", "_"),
        (",", ","),
        ("．", "．"),
        (" ", "U+0020"),
        ("\u{00A0}", "U+00A0"),
    ] {
        let input = format!("dt0c01.{PUBLIC}{separator}{SECRET}");
        let p = pointer(&input);
        assert_eq!(p.at, at, "{input}");
        assert_eq!(p.before, PUBLIC, "{input}");
        assert!(p.clipped_before);
        assert_eq!(p.after, masked(24), "{input}");
        assert!(p.clipped_after);
        assert_eq!(leaked(SECRET, &shown(&p)), None, "{input}");
    }
}

#[test]
fn the_whole_token_in_view() {
    let input = format!("dt0c01.{PUBLIC}-{}", &SECRET[..10]);
    let p = pointer(&input);
    assert_eq!(
        (
            p.clipped_before,
            p.before.as_str(),
            p.at.as_str(),
            p.after.as_str(),
            p.clipped_after
        ),
        (true, PUBLIC, "-", &masked(10)[..], false)
    );
    let p = pointer("dt0g02.4KWZO5EF-ABC");
    assert_eq!(
        (
            p.clipped_before,
            p.before.as_str(),
            p.at.as_str(),
            p.after.as_str()
        ),
        (false, "dt0g02.4KWZO5EF", "-", &masked(3)[..])
    );
    assert_eq!(p.index, 15);
}

#[test]
fn full_width_dots_show_only_the_prefix() {
    let input = format!("dt0c01．{PUBLIC}．{SECRET}");
    let p = pointer(&input);
    assert_eq!(p.at, "d");
    assert!(p.after.starts_with("t0c01•"), "{p:?}");
    assert_eq!(leaked(SECRET, &shown(&p)), None);
    assert_eq!(
        leaked(PUBLIC, &shown(&p)),
        None,
        "not sure it is the public part"
    );
}

#[test]
fn a_wrong_length_secret_shows_none_of_its_characters() {
    for secret in [&SECRET[..63], &SECRET[..1], &format!("{SECRET}Q")[..]] {
        let input = format!("dt0c01.{PUBLIC}.{secret}");
        let p = pointer(&input);
        assert_eq!(p.at, MASKED.to_string(), "{input}");
        assert_eq!(p.before, format!("{}.", &PUBLIC[1..]));
        assert!(p.after.chars().all(|c| c == MASKED), "{p:?}");
        let first = &secret[..1];
        assert!(!shown(&p).contains(first), "{p:?}");
    }
}

#[test]
fn a_lost_separator_masks_the_run_on_public_part() {
    let p = pointer(&format!("dt0c01.{PUBLIC}{SECRET}"));
    assert_eq!(p.at, MASKED.to_string());
    assert_eq!(p.before, "dt0c01.");
    assert_eq!(p.after, masked(24));
    // A kind without documented lengths: a public part longer than any is refused, and masked.
    let input = format!("dt0s16.ABCDEFGHX{SECRET}");
    let p = pointer(&input);
    assert_eq!(p.before, "dt0s16.");
    assert_eq!(leaked(SECRET, &shown(&p)), None);
    assert!(
        error(&input).to_string().contains("6 to 32"),
        "{}",
        error(&input)
    );
}

#[test]
fn characters_in_the_secret_are_masked_unless_they_cannot_be_secret() {
    let look_alike = format!("dt0c01.{PUBLIC}.{}О{}", &SECRET[..20], &SECRET[21..]);
    let p = pointer(&look_alike);
    assert_eq!(
        p.at,
        MASKED.to_string(),
        "a Cyrillic letter could be the secret's"
    );
    assert_eq!(leaked(SECRET, &shown(&p)), None);
    let invisible = format!("dt0c01.{PUBLIC}.{}\u{200B}{}", &SECRET[..20], &SECRET[20..]);
    let p = pointer(&invisible);
    assert_eq!(p.at, "U+200B");
    assert_eq!(p.before, format!("7YN.{}", masked(20)));
    let bang = format!("dt0c01.{PUBLIC}.{}!{}", &SECRET[..2], &SECRET[3..]);
    let p = pointer(&bang);
    assert_eq!(p.at, "!");
    assert!(p
        .before
        .ends_with(&format!("{}.{}", &PUBLIC[PUBLIC.len() - 5..], masked(2))));
}

#[test]
fn a_look_alike_in_the_public_part_is_shown() {
    let input = format!("dt0c01.ST2EY72KQINMH574WMNVI7YО.{SECRET}");
    let p = pointer(&input);
    assert_eq!(p.at, "О");
    assert_eq!(p.before, "dt0c01.ST2EY72KQINMH574WMNVI7Y"[6..].to_owned());
    assert_eq!(p.after, format!(".{}", masked(23)));
}

#[test]
fn legacy_tokens_and_surroundings_are_all_secret() {
    let legacy = "abcdefghij1234567890K!xyz";
    let p = pointer(legacy);
    assert_eq!(
        (p.before, p.at, p.after),
        (masked(21), "!".to_owned(), masked(3))
    );
    // A token in other text: the text around it may be anything, so it is masked.
    let input = format!("key SECRETSECRETSECRET {PUBLIC} dt0c01.{PUBLIC}.{SECRET}");
    let p = pointer(&input);
    assert_eq!(p.at, "d");
    assert_eq!(p.before, masked(24));
    assert!(
        p.after.starts_with(&format!("t0c01.{}", &PUBLIC[..17])),
        "{p:?}"
    );
    assert_eq!(leaked("SECRETSECRETSECRET", &shown(&p)), None);
}

#[test]
fn wrappers_are_masked_too() {
    let input = format!("Authorization: Api-Token dt0c01.{PUBLIC}-{SECRET}");
    let p = pointer(&input);
    assert_eq!(p.at, "-");
    assert_eq!(p.before, PUBLIC);
    let input = "Authorization: Api-Token dt0c01.ST2EY!";
    let p = pointer(input);
    assert_eq!(
        (p.before.as_str(), p.at.as_str()),
        ("••••••••••••dt0c01.•••••", "!")
    );
}

#[test]
fn bad_prefix_messages_quote_at_most_seven_characters() {
    for input in [
        format!("dt0 {SECRET}"),
        format!("dt0{SECRET}"),
        format!("dt0c01{PUBLIC}{SECRET}"),
        format!("dt0c01-{SECRET}.{SECRET}"),
    ] {
        let e = error(&input);
        let text = format!("{e} {e:?} {:?}", e.kind);
        assert_eq!(leaked(SECRET, &text), None, "{text}");
        assert_eq!(leaked(&input[3..], &text), None, "{text}");
    }
    assert!(error("dt0c1.ABC")
        .to_string()
        .starts_with("\"dt0c1\" is not"));
    assert!(error("dt0c001.ABC")
        .to_string()
        .starts_with("\"dt0c001\" is not"));
    assert!(error("dt0c0011.ABC")
        .to_string()
        .starts_with("\"dt0c001…\" is not"));
}

/// `n` characters of the alphabet the row expects, different for each `seed`.
fn part(rule: &Rule, n: usize, seed: u64) -> String {
    let alphabet: &[u8] = match rule.case {
        Case::Lower => b"0123456789abcdef",
        _ => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    };
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

/// Every kind, every part length the rules allow, damaged in every way that keeps the secret in
/// the input: no pointer and no message shows 8 of its characters in a row, and a token that still
/// parses shows none in its ID.
#[test]
fn no_damage_shows_a_secret() {
    let separators = [
        "", " ", "-", "_", ",", ":", ";", "/", "．", "。", "\u{200B}", "\u{00A0}", "\u{FEFF}", "X",
        "О", "Ａ", "..", ". ", "\t", "\r\n",
    ];
    let mut checked = 0;
    for (seed, rule) in RULES.iter().enumerate() {
        let prefix = match (rule.prefix, rule.public, rule.secret) {
            (Some(p), Some(_), Some(_)) => p,
            (None, Some(_), Some(_)) => "dt0x42",
            _ => continue,
        };
        let (public_len, secret_len) = (rule.public.unwrap(), rule.secret.unwrap());
        for public_n in [public_len.min, public_len.max] {
            let public = part(rule, public_n, seed as u64);
            let secret = part(rule, secret_len.max, 1000 + seed as u64);
            let mut inputs = vec![];
            for sep in separators {
                inputs.push(format!("{prefix}.{public}{sep}{secret}"));
                inputs.push(format!("{prefix}{sep}{public}.{secret}"));
                inputs.push(format!("{prefix}{sep}{public}{sep}{secret}"));
                inputs.push(format!(
                    "{prefix}.{public}.{}{sep}{}",
                    &secret[..5],
                    &secret[5..]
                ));
                inputs.push(format!("{prefix}.{sep}{secret}"));
                inputs.push(format!("text {sep} {prefix}.{public}.{secret}"));
            }
            for cut in [1, 2, 9, 40, 63] {
                inputs.push(format!(
                    "{prefix}.{public}.{}",
                    &secret[..secret.len().min(cut)]
                ));
            }
            inputs.push(format!("{prefix}.{public}.{secret}{secret}"));
            inputs.push(format!(
                "{prefix}.{public}.{secret} {prefix}.{public}.{secret}"
            ));
            inputs.push(format!("{prefix}.{secret}"));
            inputs.push(format!("{}.{public}.{secret}", prefix.to_uppercase()));
            inputs.push(format!("\"{prefix}.{public}.{secret}'"));
            for input in &inputs {
                checked += 1;
                match parse(input) {
                    Err(e) => {
                        let mut outputs = format!("{e}\n{e:?}");
                        if let Some(p) = e.pointer(input) {
                            outputs.push_str(&format!("\n{p:?}"));
                        }
                        assert_eq!(leaked(&secret, &outputs), None, "{input}\n{outputs}");
                    }
                    Ok(t) => {
                        let outputs = format!("{}\n{t:?}\n{}", t.masked(), t.id());
                        assert_eq!(leaked(&secret, &outputs), None, "{input}\n{outputs}");
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}
