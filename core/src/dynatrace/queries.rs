//! Query strings for the list endpoints, built the way Dynatrace expects them: a follow-up page
//! carries `nextPageKey` and nothing else (anything more is a 400), and v1 `permissions` repeat.

/// `GET /api/v2/apiTokens` (and, with only `page_size`, `GET /api/v2/activeGateTokens`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// 100 to 10000; Dynatrace's default is 200.
    pub page_size: Option<u32>,
    /// e.g. `owner("john.smith"),scope("metrics.read")`
    pub selector: Option<String>,
    /// e.g. `+scopes,+expirationDate,-owner`
    pub fields: Option<String>,
    /// Last use after / before: `now-7d`, ISO 8601 or UTC milliseconds.
    pub from: Option<String>,
    pub to: Option<String>,
    /// e.g. `-lastUsedDate`
    pub sort: Option<String>,
}

/// Which page to ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page<'a> {
    First(&'a ListQuery),
    /// The `nextPageKey` of the previous page: sent alone.
    Next(&'a str),
}

impl Page<'_> {
    pub fn query_string(&self) -> String {
        match self {
            Page::Next(key) => encode_pairs(&[("nextPageKey", key)]),
            Page::First(q) => {
                let size = q.page_size.map(|n| n.to_string());
                let pairs: Vec<(&str, &str)> = [
                    ("pageSize", size.as_deref()),
                    ("apiTokenSelector", q.selector.as_deref()),
                    ("fields", q.fields.as_deref()),
                    ("from", q.from.as_deref()),
                    ("to", q.to.as_deref()),
                    ("sort", q.sort.as_deref()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
                .collect();
                encode_pairs(&pairs)
            }
        }
    }
}

/// `GET /api/v1/tokens` filters. A token must have every one of `permissions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct V1Filter {
    /// Default 1000, at most 1,000,000.
    pub limit: Option<u32>,
    pub user: Option<String>,
    pub permissions: Vec<String>,
    /// Last use, UTC milliseconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl V1Filter {
    pub fn query_string(&self) -> String {
        let (limit, from, to) = (
            self.limit.map(|n| n.to_string()),
            self.from.map(|n| n.to_string()),
            self.to.map(|n| n.to_string()),
        );
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(l) = &limit {
            pairs.push(("limit", l));
        }
        if let Some(u) = self.user.as_deref().filter(|u| !u.is_empty()) {
            pairs.push(("user", u));
        }
        for p in &self.permissions {
            pairs.push(("permissions", p));
        }
        if let Some(f) = &from {
            pairs.push(("from", f));
        }
        if let Some(t) = &to {
            pairs.push(("to", t));
        }
        encode_pairs(&pairs)
    }
}

/// `?a=1&b=2`, or empty when there is nothing to send.
fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if body.is_empty() {
        String::new()
    } else {
        format!("?{}", body.join("&"))
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads what [`encode`] (or the browser's `encodeURIComponent`, or a form's `+` for a space)
/// wrote. Leniently: a `%` not followed by two hex digits stays as it is, and bytes that are not
/// UTF-8 become U+FFFD, so a damaged link still reads.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_reads_what_encoding_wrote() {
        for text in ["ü a", "a+b=c&d", "100%", "", "dt0c01.ABC", "\u{1F600}"] {
            assert_eq!(decode(&encode(text)), text);
        }
        assert_eq!(decode("a+b%20c"), "a b c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(decode("%e2%82%ac"), "€");
    }

    proptest::proptest! {
        #[test]
        fn decode_inverts_encode(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(decode(&encode(&text)), text);
        }

        #[test]
        fn decode_never_panics(text in "\\PC{0,40}") {
            let _ = decode(&text);
        }
    }

    #[test]
    fn a_first_page_sends_what_is_set() {
        let q = ListQuery {
            page_size: Some(100),
            selector: Some("owner(\"john.smith\")".into()),
            fields: Some("+scopes,-owner".into()),
            ..ListQuery::default()
        };
        assert_eq!(
            Page::First(&q).query_string(),
            "?pageSize=100&apiTokenSelector=owner%28%22john.smith%22%29&fields=%2Bscopes%2C-owner"
        );
        assert_eq!(Page::First(&ListQuery::default()).query_string(), "");
    }

    #[test]
    fn a_follow_up_page_sends_only_its_key() {
        assert_eq!(
            Page::Next("abc+/=").query_string(),
            "?nextPageKey=abc%2B%2F%3D"
        );
    }

    #[test]
    fn v1_permissions_repeat() {
        let f = V1Filter {
            limit: Some(10),
            user: Some("john.smith".into()),
            permissions: vec!["DataExport".into(), "logs.read".into()],
            from: Some(1),
            to: None,
        };
        assert_eq!(
            f.query_string(),
            "?limit=10&user=john.smith&permissions=DataExport&permissions=logs.read&from=1"
        );
    }

    #[test]
    fn encoding_is_utf8_percent_encoding() {
        assert_eq!(encode("ü a"), "%C3%BC%20a");
    }
}
