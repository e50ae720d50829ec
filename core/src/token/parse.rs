//! Parsing what a person pastes: normalise what is safe to normalise (and say so), then read
//! the token's parts, or say exactly which character of which part is wrong.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::chars::{self, Suspicious};
use super::kind::{Lookup, TokenKind};
use super::pointer::Pointer;
use super::rules::Length;
use super::secret::{Secret, MASK};

/// A token or token ID, taken apart.
#[derive(Clone, PartialEq)]
pub struct ParsedToken {
    pub kind: TokenKind,
    prefix: Option<String>,
    public: String,
    /// `prefix.public` (or the UUID), kept so `id()` can lend it.
    public_id: String,
    secret: Option<Secret>,
    stripped: Vec<Stripped>,
    warnings: Vec<Warning>,
}

/// Something normalisation removed from around the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stripped {
    Whitespace,
    /// Invisible characters (zero-width spaces, no-break spaces) around the token.
    Invisible,
    Quotes,
    /// `Authorization:`
    HeaderName,
    /// `Api-Token ` (or `Bearer `)
    Scheme(String),
    /// `DT_API_TOKEN=`, `export X=`, `token: `
    Assignment(String),
    /// A trailing `,` or `;` from a list or a statement.
    TrailingPunctuation,
}

impl fmt::Display for Stripped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stripped::Whitespace => f.write_str("Removed surrounding whitespace and line breaks."),
            Stripped::Invisible => f.write_str("Removed invisible characters (such as zero-width or no-break spaces) around the token."),
            Stripped::Quotes => f.write_str("Removed surrounding quotes."),
            Stripped::HeaderName => f.write_str("Removed the \"Authorization:\" header name."),
            Stripped::Scheme(s) => write!(f, "Removed the \"{s}\" authorization scheme."),
            Stripped::Assignment(name) => write!(f, "Took the value of {name}."),
            Stripped::TrailingPunctuation => f.write_str("Removed trailing punctuation."),
        }
    }
}

/// Something unusual that does not stop the token from being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// Dynatrace writes the public part and secret in capitals.
    Lowercase { part: PartRole },
    /// `0`, `1`, `8`, `9` are outside base32, which every official example uses.
    OutsideBase32 { part: PartRole, ch: char },
    /// A length that is not usual for the kind, where lengths are not documented exactly.
    UnusualLength {
        part: PartRole,
        expected: Length,
        found: usize,
    },
    /// The prefix was written in capitals.
    UppercasePrefix,
    /// A legacy token's shape can't be verified.
    UnverifiableLegacy,
    /// `Bearer` is for platform tokens, not for `dt0c01` API tokens.
    BearerScheme,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Lowercase { part } => write!(f, "The {part} contains lowercase letters; Dynatrace issues tokens in capitals. If the token was retyped, check its case."),
            Warning::OutsideBase32 { part, ch } => write!(f, "The {part} contains '{ch}', which Dynatrace's tokens do not normally use (they use A–Z and 2–7): check for O/0 or I/1 mix-ups."),
            Warning::UnusualLength { part, expected, found } => write!(f, "The {part} has {found} characters; {expected} is usual for this kind."),
            Warning::UppercasePrefix => f.write_str("The prefix is in capitals; Dynatrace writes it in lowercase (read as lowercase)."),
            Warning::UnverifiableLegacy => f.write_str("Read as a legacy token (from before prefixes): legacy tokens have no checkable shape, so only the look-up can tell whether it is one."),
            Warning::BearerScheme => f.write_str("It was pasted with \"Bearer\": the token API wants \"Api-Token\" (Bearer is for platform tokens)."),
        }
    }
}

/// A part of a token, for colour-coding and for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PartRole {
    Prefix,
    Public,
    Secret,
    Separator,
}

impl fmt::Display for PartRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PartRole::Prefix => "prefix",
            PartRole::Public => "public part",
            PartRole::Secret => "secret",
            PartRole::Separator => "separator",
        })
    }
}

/// One piece of the token as shown; the secret's text is already masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    pub role: PartRole,
    pub text: String,
}

/// Why the input is not a token, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ParseError {
    pub kind: ParseErrorKind,
    /// Character index into the original input (0-based), where there is one place to point at.
    index: Option<usize>,
    /// The same place as a byte offset and as a UTF-16 offset (what JavaScript strings count).
    byte_index: Option<usize>,
    utf16_index: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    Empty,
    /// Not any known token shape.
    UnknownShape {
        hint: Option<String>,
    },
    /// `dt0…` with a prefix that is not `dt0` + letter + two digits.
    BadPrefix {
        found: String,
    },
    TooManyParts {
        found: usize,
    },
    EmptyPart {
        part: PartRole,
    },
    /// A character that is never part of a token.
    BadCharacter {
        part: PartRole,
        ch: char,
        position: usize,
    },
    /// An invisible character (zero-width space, no-break space, BOM, ...).
    InvisibleCharacter {
        part: PartRole,
        ch: char,
        name: &'static str,
        position: usize,
    },
    /// A letter from another alphabet that looks Latin (Cyrillic О, Greek Α, ...).
    LookAlike {
        part: PartRole,
        ch: char,
        name: &'static str,
        looks_like: char,
        position: usize,
    },
    /// A part whose length the rules do not allow: documented lengths, and public parts longer
    /// than the rules allow for any kind.
    WrongLength {
        part: PartRole,
        kind: TokenKind,
        /// The documented length, or the nearest bound of the allowed range.
        expected: usize,
        found: usize,
    },
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ParseErrorKind::*;
        match self {
            Empty => f.write_str("Paste a token or a token ID."),
            UnknownShape { hint: Some(hint) } => f.write_str(hint),
            UnknownShape { hint: None } => f.write_str("This does not look like a Dynatrace token: expected prefix.public.secret (like dt0c01.ABC….XYZ…), a token ID (prefix.public), a legacy token or a legacy token ID (a UUID)."),
            BadPrefix { found } => write!(f, "\"{found}\" is not a token prefix: a prefix is dt0, a letter and two digits, like dt0c01."),
            TooManyParts { found } => write!(f, "Found {found} parts separated by dots; a token has three (prefix.public.secret) and an ID two."),
            EmptyPart { part } => write!(f, "The {part} is empty."),
            BadCharacter { part, ch, position } => write!(f, "Character '{}' at position {position} is not allowed in the {part}: tokens use only letters A–Z and digits.", ch.escape_default()),
            InvisibleCharacter { part, ch, name, position } => write!(f, "Invisible character U+{:04X} ({name}) at position {position}, in the {part}: it was copied along with the token. Remove it and paste again.", *ch as u32),
            LookAlike { part, ch, name, looks_like, position } => write!(f, "Character '{ch}' at position {position} in the {part} is {name} (U+{:04X}), which looks like Latin '{looks_like}' but is not. Retype it.", *ch as u32),
            WrongLength { part, kind, expected, found } => {
                let hint = match part {
                    PartRole::Secret if found < expected => " Was it cut off when copied?",
                    PartRole::Public if found > expected => " Is the dot before the secret missing or wrong?",
                    _ => "",
                };
                let rule = kind.rule();
                let allowed = match part {
                    PartRole::Public => rule.public,
                    _ => rule.secret,
                };
                let (article, label) = (article(kind.label()), kind.label());
                match allowed.filter(|l| l.exactly().is_none()) {
                    Some(range) => write!(f, "The {part} has {found} characters; {article} {label} has {range}.{hint}"),
                    None => write!(f, "The {part} has {found} characters; {article} {label} has {expected}.{hint}"),
                }
            }
        }
    }
}

/// "an API token", "a Platform token".
fn article(label: &str) -> &'static str {
    if label.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

impl ParseError {
    fn new(kind: ParseErrorKind, index: Option<usize>) -> Self {
        ParseError {
            kind,
            index,
            byte_index: None,
            utf16_index: None,
        }
    }

    /// Fills in the byte and UTF-16 offsets of the character index, in `input`.
    fn located_in(mut self, input: &str) -> Self {
        if let Some(index) = self.index {
            let byte = input
                .char_indices()
                .nth(index)
                .map_or(input.len(), |(byte, _)| byte);
            self.byte_index = Some(byte);
            self.utf16_index = Some(
                input
                    .get(..byte)
                    .map_or(0, |before| before.encode_utf16().count()),
            );
        }
        self
    }

    /// Character index (0-based) into the ORIGINAL input (wrappers such as `Api-Token ` and
    /// quotes included) of the offending spot, if any. Also given as
    /// [`ParseErrorKind`]'s 1-based `position` in messages.
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// The same spot as a byte offset into the original input.
    pub fn byte_index(&self) -> Option<usize> {
        self.byte_index
    }

    /// The same spot in UTF-16 code units, for JavaScript (`String.prototype.slice`).
    pub fn utf16_index(&self) -> Option<usize> {
        self.utf16_index
    }

    /// What the error pointer may show of `input` (the text this error came from): the place of
    /// the error with everything that could be secret masked. See [`Pointer`].
    pub fn pointer(&self, input: &str) -> Option<Pointer> {
        super::pointer::pointer(input, self)
    }

    /// The offending character, if the error is about one.
    pub fn character(&self) -> Option<char> {
        match self.kind {
            ParseErrorKind::BadCharacter { ch, .. }
            | ParseErrorKind::InvisibleCharacter { ch, .. }
            | ParseErrorKind::LookAlike { ch, .. } => Some(ch),
            _ => None,
        }
    }

    /// The part the error is in, if it is in one.
    pub fn part(&self) -> Option<PartRole> {
        match self.kind {
            ParseErrorKind::EmptyPart { part }
            | ParseErrorKind::BadCharacter { part, .. }
            | ParseErrorKind::InvisibleCharacter { part, .. }
            | ParseErrorKind::LookAlike { part, .. }
            | ParseErrorKind::WrongLength { part, .. } => Some(part),
            _ => None,
        }
    }
}

impl ParsedToken {
    /// `prefix.public`, or the UUID of a legacy ID. Empty for a legacy token, whose ID is not
    /// part of it.
    pub fn id(&self) -> &str {
        match self.kind {
            TokenKind::LegacyToken => "",
            _ => &self.public_id,
        }
    }

    pub fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }

    pub fn public_part(&self) -> &str {
        &self.public
    }

    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// The whole token, for the one call that needs it.
    pub fn full_token(&self) -> Option<Secret> {
        let secret = self.secret.as_ref()?;
        Some(match &self.prefix {
            Some(prefix) => Secret::new(format!("{prefix}.{}.{}", self.public, secret.expose())),
            None => secret.clone(),
        })
    }

    pub fn stripped(&self) -> &[Stripped] {
        &self.stripped
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    pub fn lookup(&self) -> Lookup {
        Lookup::for_token(self.kind, self.secret.is_some())
    }

    /// For display and logs: `dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••`.
    pub fn masked(&self) -> String {
        self.parts().into_iter().map(|p| p.text).collect()
    }

    /// The parts in order, the secret masked.
    pub fn parts(&self) -> Vec<Part> {
        let mut parts = Vec::with_capacity(5);
        let part = |role, text: &str| Part {
            role,
            text: text.to_owned(),
        };
        if let Some(prefix) = &self.prefix {
            parts.push(part(PartRole::Prefix, prefix));
            parts.push(part(PartRole::Separator, "."));
        }
        if !self.public.is_empty() {
            parts.push(part(PartRole::Public, &self.public));
        }
        if self.secret.is_some() {
            if !self.public.is_empty() {
                parts.push(part(PartRole::Separator, "."));
            }
            parts.push(part(PartRole::Secret, MASK));
        }
        parts
    }
}

impl fmt::Debug for ParsedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedToken")
            .field("kind", &self.kind)
            .field("id", &self.id())
            .field("secret", &self.secret)
            .field("stripped", &self.stripped)
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// What JavaScript gets: everything but the secret.
impl Serialize for ParsedToken {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ParsedToken", 11)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("kindLabel", self.kind.label())?;
        st.serialize_field("explanation", self.kind.explanation())?;
        st.serialize_field("id", self.id())?;
        st.serialize_field("prefix", &self.prefix)?;
        st.serialize_field("publicPart", &self.public)?;
        st.serialize_field("hasSecret", &self.secret.is_some())?;
        st.serialize_field("masked", &self.masked())?;
        st.serialize_field("lookup", &self.lookup())?;
        st.serialize_field(
            "stripped",
            &self
                .stripped
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )?;
        st.serialize_field(
            "warnings",
            &self
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )?;
        st.end()
    }
}

/// Parses whatever a person pastes. Never panics.
pub fn parse(input: &str) -> Result<ParsedToken, ParseError> {
    let (start, text, mut stripped) = normalise(input);
    // Character offset of the normalised text in the original input, for error positions.
    let char_base = input[..start].chars().count();
    if text.is_empty() {
        return Err(ParseError::new(ParseErrorKind::Empty, None));
    }
    let mut token = read(text, char_base).map_err(|e| e.located_in(input))?;
    if stripped
        .iter()
        .any(|s| matches!(s, Stripped::Scheme(s) if s.eq_ignore_ascii_case("bearer")))
        && token.kind == TokenKind::ApiToken
    {
        token.warnings.push(Warning::BearerScheme);
    }
    // A name is shown back to the person, so it must never carry secret material: a damaged
    // token (`<secret piece>:<rest>`) reads as an assignment whose "name" is part of a secret.
    // A name is shown when every piece between `_`, `-` and `.` is shorter than 8 characters
    // (`DT_API_TOKEN`: nothing 8 long can come back through it), or when it has lowercase
    // letters and the one redaction rule reads it as words (`apiToken`, `dynatrace_token`).
    for item in &mut stripped {
        if let Stripped::Assignment(name) = item {
            let short_pieces = name.split(['_', '-', '.']).all(|piece| piece.len() < 8);
            let words = name.bytes().any(|b| b.is_ascii_lowercase())
                && crate::text::redact(name) == name.as_str();
            if !(short_pieces || words) {
                *name = "a variable".to_owned();
            }
        }
    }
    token.stripped = stripped;
    Ok(token)
}

/// Peels what surrounds a token, outside in, and records each step. Returns the byte offset of
/// what is left in `input`, and what is left.
pub(super) fn normalise(input: &str) -> (usize, &str, Vec<Stripped>) {
    let mut stripped = Vec::new();
    let mut s = input;
    let offset = |s: &str| s.as_ptr() as usize - input.as_ptr() as usize;
    // Each round peels one layer; real inputs have at most a few.
    for _ in 0..8 {
        let before = s;
        let trimmed = s.trim_matches(|c: char| c.is_whitespace() || chars::is_invisible(c));
        if trimmed.len() != s.len() {
            let invisible = s.chars().filter(|c| chars::is_invisible(*c)).count()
                > trimmed.chars().filter(|c| chars::is_invisible(*c)).count();
            push_once(
                &mut stripped,
                if invisible {
                    Stripped::Invisible
                } else {
                    Stripped::Whitespace
                },
            );
            s = trimmed;
        }
        if let Some(rest) = strip_prefix_ci(s, "authorization:") {
            push_once(&mut stripped, Stripped::HeaderName);
            s = rest.trim_start();
        }
        for scheme in ["Api-Token", "Bearer"] {
            if let Some(rest) = strip_prefix_ci(s, scheme).filter(|r| r.starts_with([' ', '\t'])) {
                stripped.push(Stripped::Scheme(scheme.to_owned()));
                s = rest.trim_start();
            }
        }
        if let Some((name, rest)) = assignment(s) {
            stripped.push(Stripped::Assignment(name.to_owned()));
            s = rest;
        }
        for (open, close) in [('"', '"'), ('\'', '\''), ('`', '`')] {
            if s.len() >= 2 && s.starts_with(open) && s.ends_with(close) {
                push_once(&mut stripped, Stripped::Quotes);
                s = &s[1..s.len() - 1];
            }
        }
        if let Some(rest) = s.strip_suffix([',', ';']) {
            push_once(&mut stripped, Stripped::TrailingPunctuation);
            s = rest;
        }
        if s.len() == before.len() {
            break;
        }
    }
    (offset(s), s, stripped)
}

fn push_once(list: &mut Vec<Stripped>, item: Stripped) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `NAME=value`, `export NAME=value`, `NAME: value` (YAML), `"name": value` (JSON): the name
/// must look like an identifier, so that a token is never mistaken for one.
fn assignment(s: &str) -> Option<(&str, &str)> {
    let s = s.strip_prefix("export ").map(str::trim_start).unwrap_or(s);
    let split = s.find(['=', ':'])?;
    let (name, rest) = s.split_at(split);
    let name = name.trim_end().trim_matches(['"', '\'']);
    let is_identifier = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !name.to_ascii_lowercase().starts_with("dt0");
    let rest = rest.get(1..)?.trim_start();
    (is_identifier && !rest.is_empty() && !name.eq_ignore_ascii_case("authorization"))
        .then_some((name, rest))
}

/// Reads the token's parts from normalised text that starts at character `base` of the input.
fn read(text: &str, base: usize) -> Result<ParsedToken, ParseError> {
    // Invisible and look-alike characters first: they explain every other symptom.
    // Which part a character is in is worked out only for the one reported: asking for every
    // character made parsing quadratic in the input.
    for (i, (byte, ch)) in text.char_indices().enumerate() {
        let Some(suspicious) = chars::suspicious(ch) else {
            continue;
        };
        let part = part_at(text, byte);
        let position = base + i + 1;
        let kind = match suspicious {
            Suspicious::Invisible(name) => ParseErrorKind::InvisibleCharacter {
                part,
                ch,
                name,
                position,
            },
            Suspicious::LookAlike { name, looks_like } => ParseErrorKind::LookAlike {
                part,
                ch,
                name,
                looks_like,
                position,
            },
        };
        return Err(ParseError::new(kind, Some(base + i)));
    }

    if is_uuid(text) {
        return Ok(token(
            TokenKind::LegacyId,
            None,
            text.to_ascii_lowercase(),
            None,
            vec![],
        ));
    }
    if text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("dt0")) {
        return read_prefixed(text, base);
    }
    if let Some(pos) = text.to_ascii_lowercase().find("dt0") {
        let hint = format!("There is more than a token here: a token seems to start at position {}. Paste only the token.", base + text[..pos].chars().count() + 1);
        return Err(ParseError::new(
            ParseErrorKind::UnknownShape { hint: Some(hint) },
            Some(base + text[..pos].chars().count()),
        ));
    }
    // A legacy token: opaque, from before prefixes. Accept only a plausible shape.
    let legacy = TokenKind::LegacyToken.rule().secret;
    if legacy.is_some_and(|l| l.contains(text.len())) && !text.contains('.') {
        if let Some((i, ch)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        {
            return Err(ParseError::new(
                ParseErrorKind::BadCharacter {
                    part: PartRole::Secret,
                    ch,
                    position: base + i + 1,
                },
                Some(base + i),
            ));
        }
        return Ok(token(
            TokenKind::LegacyToken,
            None,
            String::new(),
            Some(Secret::new(text)),
            vec![Warning::UnverifiableLegacy],
        ));
    }
    Err(ParseError::new(
        ParseErrorKind::UnknownShape { hint: None },
        None,
    ))
}

fn read_prefixed(text: &str, base: usize) -> Result<ParsedToken, ParseError> {
    let pieces: Vec<&str> = text.split('.').collect();
    let raw_prefix = pieces[0];
    let prefix = raw_prefix.to_ascii_lowercase();
    let valid_prefix = prefix.len() == 6 && super::rules::is_prefix(prefix.as_bytes());
    if !valid_prefix {
        return Err(ParseError::new(
            ParseErrorKind::BadPrefix {
                found: quoted_prefix(raw_prefix),
            },
            Some(base),
        ));
    }
    if pieces.len() > 3 {
        let third_dot = text
            .match_indices('.')
            .nth(2)
            .map(|(i, _)| text[..i].chars().count());
        return Err(ParseError::new(
            ParseErrorKind::TooManyParts {
                found: pieces.len(),
            },
            third_dot.map(|i| base + i),
        ));
    }
    let kind = TokenKind::from_prefix(&prefix);
    let mut warnings = Vec::new();
    if raw_prefix != prefix {
        warnings.push(Warning::UppercasePrefix);
    }

    let public = pieces.get(1).copied().unwrap_or("");
    let secret = pieces.get(2).copied();
    let public_at = base + raw_prefix.chars().count() + 1;
    check_part(PartRole::Public, public, public_at, kind, &mut warnings)?;
    if let Some(secret) = secret {
        check_part(
            PartRole::Secret,
            secret,
            public_at + public.chars().count() + 1,
            kind,
            &mut warnings,
        )?;
    }
    let secret = secret.map(Secret::new);
    Ok(token(
        kind,
        Some(prefix),
        public.to_owned(),
        secret,
        warnings,
    ))
}

/// What a bad-prefix message may quote: a prefix's six characters and one more (to show what
/// is wrong with it), never enough to carry a secret's run of eight; `…` when there is more.
fn quoted_prefix(raw: &str) -> String {
    const QUOTED: usize = 7;
    let mut quoted: String = raw.chars().take(QUOTED).collect();
    if raw.chars().nth(QUOTED).is_some() {
        quoted.push('…');
    }
    quoted
}

fn check_part(
    part: PartRole,
    text: &str,
    at: usize,
    kind: TokenKind,
    warnings: &mut Vec<Warning>,
) -> Result<(), ParseError> {
    if text.is_empty() {
        return Err(ParseError::new(
            ParseErrorKind::EmptyPart { part },
            Some(at.saturating_sub(1)),
        ));
    }
    if let Some((i, ch)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
    {
        return Err(ParseError::new(
            ParseErrorKind::BadCharacter {
                part,
                ch,
                position: at + i + 1,
            },
            Some(at + i),
        ));
    }
    let rule = kind.rule();
    let expected = match part {
        PartRole::Public => rule.public,
        _ => rule.secret,
    };
    if let Some(expected) = expected.filter(|e| !e.contains(text.len())) {
        // A public part is shown in clear, so one longer than the rules allow is refused for every
        // kind: it most likely runs on into the secret (a lost or wrong separator).
        let too_long_public = part == PartRole::Public && text.len() > expected.max;
        if rule.strict || too_long_public {
            return Err(ParseError::new(
                ParseErrorKind::WrongLength {
                    part,
                    kind,
                    expected: if text.len() > expected.max {
                        expected.max
                    } else {
                        expected.min
                    },
                    found: text.len(),
                },
                Some(at),
            ));
        }
        warnings.push(Warning::UnusualLength {
            part,
            expected,
            found: text.len(),
        });
    }
    if !kind.lowercase_is_normal() {
        if text.bytes().any(|b| b.is_ascii_lowercase()) {
            warnings.push(Warning::Lowercase { part });
        }
        if let Some(ch) = text.chars().find(|c| matches!(c, '0' | '1' | '8' | '9')) {
            warnings.push(Warning::OutsideBase32 { part, ch });
        }
    }
    Ok(())
}

fn token(
    kind: TokenKind,
    prefix: Option<String>,
    public: String,
    secret: Option<Secret>,
    warnings: Vec<Warning>,
) -> ParsedToken {
    let public_id = match &prefix {
        Some(p) => format!("{p}.{public}"),
        None => public.clone(),
    };
    ParsedToken {
        kind,
        prefix,
        public,
        public_id,
        secret,
        stripped: vec![],
        warnings,
    }
}

/// Which part of `prefix.public.secret` the byte at `at` falls in.
fn part_at(text: &str, at: usize) -> PartRole {
    if !text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("dt0")) {
        return if is_uuid_like(text) {
            PartRole::Public
        } else {
            PartRole::Secret
        };
    }
    match text[..at].matches('.').count() {
        0 => PartRole::Prefix,
        1 => PartRole::Public,
        _ => PartRole::Secret,
    }
}

fn is_uuid_like(text: &str) -> bool {
    TokenKind::LegacyId
        .rule()
        .public
        .is_some_and(|l| l.contains(text.len()))
        && text.matches('-').count() == 4
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}
