//! Characters that sneak into pasted tokens: invisible ones copied from chat and documents,
//! and letters from other alphabets that look Latin.
//!
//! The one list of invisible characters: the parser, the error pointer and the app ask
//! [`is_invisible`] / [`invisible_name`] (exported from `dt_core::token`) rather than keep their own.

pub(crate) enum Suspicious {
    Invisible(&'static str),
    LookAlike {
        name: &'static str,
        looks_like: char,
    },
}

/// Whether `c` is drawn as nothing (or as a space that is not one) but changes a string.
pub fn is_invisible(c: char) -> bool {
    invisible_name(c).is_some()
}

/// The name of an invisible character, for messages ("zero-width space").
pub fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{180E}' => "Mongolian vowel separator",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{2007}' => "figure space",
        '\u{202F}' => "narrow no-break space",
        '\u{2060}' => "word joiner",
        '\u{2061}'..='\u{2064}' => "invisible operator",
        '\u{206A}'..='\u{206F}' => "deprecated format character",
        '\u{2066}'..='\u{2069}' => "directional isolate",
        '\u{202A}'..='\u{202E}' => "directional formatting character",
        '\u{FEFF}' => "byte order mark (zero-width no-break space)",
        _ => return None,
    })
}

/// Cyrillic and Greek capitals (and a few small letters) that render like Latin letters or
/// digits in most fonts.
fn look_alike(c: char) -> Option<(&'static str, char)> {
    Some(match c {
        'А' => ("Cyrillic capital A", 'A'),
        'В' => ("Cyrillic capital VE", 'B'),
        'Е' => ("Cyrillic capital IE", 'E'),
        'К' => ("Cyrillic capital KA", 'K'),
        'М' => ("Cyrillic capital EM", 'M'),
        'Н' => ("Cyrillic capital EN", 'H'),
        'О' => ("Cyrillic capital O", 'O'),
        'Р' => ("Cyrillic capital ER", 'P'),
        'С' => ("Cyrillic capital ES", 'C'),
        'Т' => ("Cyrillic capital TE", 'T'),
        'Х' => ("Cyrillic capital HA", 'X'),
        'У' => ("Cyrillic capital U", 'Y'),
        'З' => ("Cyrillic capital ZE", '3'),
        'І' => ("Cyrillic capital Byelorussian-Ukrainian I", 'I'),
        'Ј' => ("Cyrillic capital JE", 'J'),
        'Ѕ' => ("Cyrillic capital DZE", 'S'),
        'а' => ("Cyrillic small A", 'a'),
        'е' => ("Cyrillic small IE", 'e'),
        'о' => ("Cyrillic small O", 'o'),
        'р' => ("Cyrillic small ER", 'p'),
        'с' => ("Cyrillic small ES", 'c'),
        'х' => ("Cyrillic small HA", 'x'),
        'Α' => ("Greek capital ALPHA", 'A'),
        'Β' => ("Greek capital BETA", 'B'),
        'Ε' => ("Greek capital EPSILON", 'E'),
        'Ζ' => ("Greek capital ZETA", 'Z'),
        'Η' => ("Greek capital ETA", 'H'),
        'Ι' => ("Greek capital IOTA", 'I'),
        'Κ' => ("Greek capital KAPPA", 'K'),
        'Μ' => ("Greek capital MU", 'M'),
        'Ν' => ("Greek capital NU", 'N'),
        'Ο' => ("Greek capital OMICRON", 'O'),
        'Ρ' => ("Greek capital RHO", 'P'),
        'Τ' => ("Greek capital TAU", 'T'),
        'Υ' => ("Greek capital UPSILON", 'Y'),
        'Χ' => ("Greek capital CHI", 'X'),
        'ο' => ("Greek small OMICRON", 'o'),
        'Ｏ' | 'Ａ'..='Ｚ' | '０'..='９' => ("a full-width form", fullwidth_to_ascii(c)),
        _ => return None,
    })
}

fn fullwidth_to_ascii(c: char) -> char {
    char::from_u32(c as u32 - 0xFEE0).unwrap_or('?')
}

pub(crate) fn suspicious(c: char) -> Option<Suspicious> {
    if c.is_ascii() {
        return None;
    }
    if let Some(name) = invisible_name(c) {
        return Some(Suspicious::Invisible(name));
    }
    look_alike(c).map(|(name, looks_like)| Suspicious::LookAlike { name, looks_like })
}
