//! Exports (CSV and JSON) of token metadata: the inventory's rows, audit findings, scan results.
//!
//! Why cells are a closed type: an export is a file that gets mailed, attached to tickets and
//! opened in spreadsheets, so nothing secret may reach it, by construction rather than by care.
//! A [`Cell`]'s value is private and every constructor makes it safe: words of this program
//! ([`Cell::label`]), a token ID, reduced to `prefix.public` or masked ([`Cell::id`],
//! [`Cell::masked`]), free text from a server or a person (a token's name, an owner, a file
//! name) through the one redaction path, [`crate::text::redact`] ([`Cell::text`]), and numbers,
//! flags and dates. There is no way to put a raw `&str` into an export.
//!
//! CSV is RFC 4180 (comma, CRLF, a field quoted when it holds a comma, a quote or a line break,
//! quotes doubled), and every text cell that a spreadsheet could read as a formula (starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) is escaped the OWASP way: a leading `'`.
//! JSON is written by hand (an array of objects, one per line), as the page carries no
//! serializer derives (docs/DESIGN.md, "Size").

use chrono::{DateTime, Utc};

use crate::date::format_iso_millis;
use crate::dynatrace::EnvironmentUrl;
use crate::text::redact;
use crate::token::{parse, ParsedToken, TokenKind};

/// One value of an export. Build it with the constructors; each one keeps secrets out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell(Value);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Empty,
    Text(String),
    Flag(bool),
    Count(u64),
    Date(DateTime<Utc>),
    List(Vec<String>),
}

impl Cell {
    /// Nothing known: an empty CSV field, JSON `null`.
    pub fn empty() -> Cell {
        Cell(Value::Empty)
    }

    /// Words of this program (a kind, a finding's name, a risk class): static, never input.
    pub fn label(text: &'static str) -> Cell {
        Cell(Value::Text(text.to_owned()))
    }

    /// Text from a server or a person (a token's name, an owner, an IP address, a file name),
    /// through [`redact`]: a secret pasted into a name is masked, words stay.
    pub fn text(text: &str) -> Cell {
        Cell(Value::Text(redact(text)))
    }

    /// Optional text: empty when missing.
    pub fn text_opt(text: Option<&str>) -> Cell {
        text.map_or_else(Cell::empty, Cell::text)
    }

    /// A token ID as a list or a server sends it. What the parser reads as an ID stays as it is
    /// (`dt0c01.ST2EY72KQINMH574WMNVI7YN`, a legacy UUID); a whole token that turns up in its
    /// place is masked; anything else goes through [`redact`].
    pub fn id(id: &str) -> Cell {
        Cell(Value::Text(safe_id(id)))
    }

    /// A token found or pasted, masked: `dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••`.
    pub fn masked(token: &ParsedToken) -> Cell {
        Cell(Value::Text(token.masked()))
    }

    /// A token the scanner found, as the scanner masked it.
    pub fn found(finding: &crate::token::Finding) -> Cell {
        Cell(Value::Text(finding.masked.clone()))
    }

    pub fn flag(value: Option<bool>) -> Cell {
        value.map_or_else(Cell::empty, |v| Cell(Value::Flag(v)))
    }

    pub fn count(value: u64) -> Cell {
        Cell(Value::Count(value))
    }

    /// ISO 8601 in UTC with milliseconds, as the v2 API writes dates.
    pub fn date(value: Option<DateTime<Utc>>) -> Cell {
        value.map_or_else(Cell::empty, |v| Cell(Value::Date(v)))
    }

    /// Words of this program, several (the findings of a row): `; `-joined in CSV, an array in
    /// JSON.
    pub fn labels(items: impl IntoIterator<Item = &'static str>) -> Cell {
        Cell(Value::List(items.into_iter().map(str::to_owned).collect()))
    }

    /// An environment as [`EnvironmentUrl::parse`](crate::dynatrace::EnvironmentUrl::parse)
    /// accepted it: it refuses anything that reads as a token, so its normalised form is safe
    /// as it is (through [`redact`], `abc12345.live.dynatrace.com` would lose its labels).
    pub fn environment(url: &crate::dynatrace::EnvironmentUrl) -> Cell {
        Cell(Value::Text(url.to_string()))
    }

    /// Free texts, several (scopes, places), each through [`redact`].
    pub fn texts<'a>(items: impl IntoIterator<Item = &'a str>) -> Cell {
        Cell(Value::List(items.into_iter().map(redact).collect()))
    }
}

/// What a token ID may show: the parser's reading of an ID, a whole token masked, or the text
/// redacted.
fn safe_id(id: &str) -> String {
    match parse(id) {
        Ok(token) if token.secret().is_some() => token.masked(),
        Ok(token) if token.kind != TokenKind::LegacyToken => token.id().to_owned(),
        _ => redact(id),
    }
}

/// Something that can be exported: a fixed list of columns, and a row of [`Cell`]s in that
/// order. Implemented by the inventory's rows, the audit's findings, the scan's results.
pub trait Record {
    /// Column names: the CSV header and the JSON keys (camelCase, like the API's fields).
    fn columns() -> &'static [&'static str];
    /// This record's cells, one per column, pushed onto `out`.
    fn cells(&self, out: &mut Vec<Cell>);
}

impl<R: Record> Record for &R {
    fn columns() -> &'static [&'static str] {
        R::columns()
    }
    fn cells(&self, out: &mut Vec<Cell>) {
        (*self).cells(out)
    }
}

/// The two formats, and their file extensions and media types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// For the download's `Blob`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv;charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// The records in `format`.
pub fn write<R: Record>(format: Format, records: impl IntoIterator<Item = R>) -> String {
    match format {
        Format::Csv => csv(records),
        Format::Json => json(records),
    }
}

/// RFC 4180 CSV with a header row, CRLF line ends, formula-like cells escaped.
pub fn csv<R: Record>(records: impl IntoIterator<Item = R>) -> String {
    let columns = R::columns();
    let mut out = String::new();
    for (i, name) in columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(name, &mut out);
    }
    out.push_str("\r\n");
    let mut cells = Vec::with_capacity(columns.len());
    for record in records {
        cells.clear();
        record.cells(&mut cells);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match &cell.0 {
                Value::Empty => {}
                Value::Text(text) => csv_field(text, &mut out),
                Value::Flag(v) => out.push_str(if *v { "true" } else { "false" }),
                Value::Count(n) => out.push_str(&n.to_string()),
                Value::Date(t) => out.push_str(&format_iso_millis(*t)),
                Value::List(items) => csv_field(&items.join("; "), &mut out),
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// Whether a spreadsheet could read `text` as a formula (OWASP, "CSV Injection"): it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return. Leading spaces are looked through, as
/// some spreadsheets trim them before reading the cell.
pub fn is_formula_like(text: &str) -> bool {
    matches!(
        text.trim_start_matches(' ').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// One CSV field: a formula-like text gets a leading `'`; a field holding a comma, a quote, a
/// line break (or the escape) is quoted with its quotes doubled.
pub fn csv_field(text: &str, out: &mut String) {
    let escape = is_formula_like(text);
    let quote = escape || text.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if escape {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// A JSON array of objects, one per line, keys from [`Record::columns`].
pub fn json<R: Record>(records: impl IntoIterator<Item = R>) -> String {
    let columns = R::columns();
    let mut out = String::from("[");
    let mut cells = Vec::with_capacity(columns.len());
    let mut first = true;
    for record in records {
        cells.clear();
        record.cells(&mut cells);
        out.push_str(if first { "\n{" } else { ",\n{" });
        first = false;
        for (i, (name, cell)) in columns.iter().zip(&cells).enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(name, &mut out);
            out.push(':');
            match &cell.0 {
                Value::Empty => out.push_str("null"),
                Value::Text(text) => json_string(text, &mut out),
                Value::Flag(v) => out.push_str(if *v { "true" } else { "false" }),
                Value::Count(n) => out.push_str(&n.to_string()),
                Value::Date(t) => json_string(&format_iso_millis(*t), &mut out),
                Value::List(items) => {
                    out.push('[');
                    for (j, item) in items.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        json_string(item, &mut out);
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
    }
    out.push_str(if first { "]\n" } else { "\n]\n" });
    out
}

/// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped;
/// U+2028 and U+2029 too, so the text is also valid JavaScript.
pub fn json_string(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xF) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `dt-<what>-<environment>-<yyyy-mm-dd>.<ext>`, e.g. `dt-tokens-abc12345-2026-11-22.csv`.
///
/// The environment is the checked [`EnvironmentUrl`] the rows came from, not free text: its
/// environment ID when it has one, else its host (`proxy-example-com`), `same-origin` for the
/// page's own server; reduced to lower-case ASCII letters, digits and single dashes (at most 63
/// characters, a DNS label's length), so the name is safe on every file system. It shows no
/// more than the page's "Calls go to" line already does, and `EnvironmentUrl` refuses input
/// that reads as a token.
pub fn file_name(
    what: &'static str,
    environment: &EnvironmentUrl,
    today: DateTime<Utc>,
    format: Format,
) -> String {
    let source = match environment.environment_id() {
        Some(id) => id,
        None => {
            let base = environment.address();
            let host = base.split_once("://").map_or(base, |(_, rest)| rest);
            host.split(['/', ':']).next().unwrap_or("")
        }
    };
    let env = sanitise(source);
    let env = if env.is_empty() {
        "same-origin".to_owned()
    } else {
        env
    };
    let date = format_iso_millis(today);
    let day = date.get(..10).unwrap_or("0000-00-00");
    let mut name = String::with_capacity(what.len() + env.len() + 20);
    for piece in ["dt-", what, "-", &env, "-", day, ".", format.extension()] {
        name.push_str(piece);
    }
    name
}

fn sanitise(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(63));
    for c in text.chars() {
        if out.len() >= 63 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    struct Row {
        name: &'static str,
        id: &'static str,
        n: u64,
        on: Option<bool>,
        at: Option<DateTime<Utc>>,
    }

    impl Record for Row {
        fn columns() -> &'static [&'static str] {
            &["name", "id", "count", "enabled", "created", "findings"]
        }
        fn cells(&self, out: &mut Vec<Cell>) {
            out.push(Cell::text(self.name));
            out.push(Cell::id(self.id));
            out.push(Cell::count(self.n));
            out.push(Cell::flag(self.on));
            out.push(Cell::date(self.at));
            out.push(Cell::labels(["Expired", "Never used"]));
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    fn field(text: &str) -> String {
        let mut out = String::new();
        csv_field(text, &mut out);
        out
    }

    #[test]
    fn rfc_4180_quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(field("naïve •"), "naïve •");
    }

    #[test]
    fn formulas_are_escaped_the_owasp_way() {
        assert_eq!(field("=1+1"), "\"'=1+1\"");
        assert_eq!(field("+49 30 123"), "\"'+49 30 123\"");
        assert_eq!(field("-2"), "\"'-2\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field("\tx"), "\"'\tx\"");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("  =HYPERLINK(\"x\")"), "\"'  =HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("=cmd|' /C calc'!A0,x"), "\"'=cmd|' /C calc'!A0,x\"");
        // Not at the start: not a formula.
        assert_eq!(field("a=b"), "a=b");
        assert_eq!(field("x-1"), "x-1");
        assert!(!is_formula_like("dt0c01.ABC"));
    }

    #[test]
    fn csv_and_json_of_records() {
        let rows = [
            Row {
                name: "=cmd|' /C calc'!A0",
                id: "dt0c01.ST2EY72KQINMH574WMNVI7YN",
                n: 3,
                on: Some(true),
                at: Some(now()),
            },
            Row {
                name: "ci, \"nightly\"",
                id: "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
                n: 0,
                on: None,
                at: None,
            },
        ];
        assert_eq!(
            csv(&rows),
            "name,id,count,enabled,created,findings\r\n\
             \"'=cmd|' /C calc'!A0\",dt0c01.ST2EY72KQINMH574WMNVI7YN,3,true,2026-11-22T12:00:00.000Z,Expired; Never used\r\n\
             \"ci, \"\"nightly\"\"\",dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••,0,,,Expired; Never used\r\n"
        );
        assert_eq!(
            json(&rows),
            "[\n\
             {\"name\":\"=cmd|' /C calc'!A0\",\"id\":\"dt0c01.ST2EY72KQINMH574WMNVI7YN\",\"count\":3,\"enabled\":true,\"created\":\"2026-11-22T12:00:00.000Z\",\"findings\":[\"Expired\",\"Never used\"]},\n\
             {\"name\":\"ci, \\\"nightly\\\"\",\"id\":\"dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••\",\"count\":0,\"enabled\":null,\"created\":null,\"findings\":[\"Expired\",\"Never used\"]}\n\
             ]\n"
        );
        let value: serde_json::Value = serde_json::from_str(&json(&rows)).unwrap();
        assert_eq!(value[0]["name"], "=cmd|' /C calc'!A0");
        assert_eq!(value[1]["findings"][1], "Never used");
        assert_eq!(json::<Row>([]), "[]\n");
        assert_eq!(csv::<Row>([]), "name,id,count,enabled,created,findings\r\n");
    }

    #[test]
    fn json_strings_escape_what_they_must() {
        let mut out = String::new();
        json_string("a\"b\\c\n\u{1}\u{2028}é", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001\\u2028é\"");
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}\u{2028}é");
    }

    #[test]
    fn ids_keep_the_id_and_nothing_more() {
        assert_eq!(
            safe_id("dt0c01.ST2EY72KQINMH574WMNVI7YN"),
            "dt0c01.ST2EY72KQINMH574WMNVI7YN"
        );
        assert_eq!(
            safe_id("dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"),
            "dt0c01.ST2EY72KQINMH574WMNVI7YN.••••••••"
        );
        // A legacy token (21 characters, no ID of its own) is a secret.
        assert!(!safe_id("AbCdEfGhIjKlMnOpQrStU").contains("AbCdEfGh"));
        assert_eq!(safe_id(""), "");
    }

    #[test]
    fn text_cells_mask_a_token_pasted_into_a_name() {
        let secret = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
        let name = format!("prod ingest dt0c01.ST2EY72KQINMH574WMNVI7YN.{secret}");
        for out in [
            csv([CellRow(Cell::text(&name))]),
            json([CellRow(Cell::texts([name.as_str(), "x"]))]),
            csv([CellRow(Cell::id(secret))]),
            csv(crate::token::scan(&name)
                .iter()
                .map(|f| CellRow(Cell::found(f)))),
            csv([CellRow(Cell::masked(&parse(&name[12..]).unwrap()))]),
        ] {
            assert!(!out.contains(&secret[..8]), "{out}");
            assert!(out.contains("••••••••"), "{out}");
        }
    }

    struct CellRow(Cell);

    impl Record for CellRow {
        fn columns() -> &'static [&'static str] {
            &["value"]
        }
        fn cells(&self, out: &mut Vec<Cell>) {
            out.push(self.0.clone());
        }
    }

    #[test]
    fn file_names_carry_environment_and_date() {
        let n = now();
        let name = |url: &str, format| {
            file_name("tokens", &EnvironmentUrl::parse(url).unwrap(), n, format)
        };
        assert_eq!(
            name("https://abc12345.live.dynatrace.com", Format::Csv),
            "dt-tokens-abc12345-2026-11-22.csv"
        );
        assert_eq!(
            name("abc12345", Format::Json),
            "dt-tokens-abc12345-2026-11-22.json"
        );
        assert_eq!(
            name(
                "https://managed.example.com/e/1a2b3c4d-0000-1111-2222-333344445555",
                Format::Csv
            ),
            "dt-tokens-1a2b3c4d-0000-1111-2222-333344445555-2026-11-22.csv"
        );
        assert_eq!(
            name("https://Proxy.Example.com:8443/", Format::Csv),
            "dt-tokens-proxy-example-com-2026-11-22.csv"
        );
        assert_eq!(
            name("http://127.0.0.1:8080", Format::Csv),
            "dt-tokens-127-0-0-1-2026-11-22.csv"
        );
        assert_eq!(
            file_name("scan", &EnvironmentUrl::same_origin(), n, Format::Csv),
            "dt-scan-same-origin-2026-11-22.csv"
        );
        assert_eq!(sanitise("../../etc/passwd\0 :*?"), "etc-passwd");
        assert_eq!(sanitise(&"a".repeat(200)).len(), 63);
        assert_eq!(sanitise("--"), "");
    }
}
