//! Reading the token API's JSON into the models, by hand and leniently.
//!
//! Why not `#[derive(Deserialize)]`: a derived deserializer is generated anew for every model and
//! every input type, which made serde the largest part of the page after Yew; its messages lose
//! the field they are about once a model keeps unknown fields (`#[serde(flatten)]`). Here there
//! is one path, `text → serde_json::Value → model`, a few shared readers, and every error names
//! its field: `apiTokens[2].enabled: expected true or false, got string "yes"`.
//!
//! The leniency is the point: what Dynatrace documents *and* what its own examples and older
//! releases send. `null` stands for a missing field; `"true"` and `"1"` as strings (the OpenAPI
//! list examples do this); a single object where a list belongs (same examples); dates as ISO
//! strings or epoch milliseconds in either API version. Anything else is still an error, so an
//! answer that is really something else is reported as such.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Map, Value};

/// A model that can be read from the API's JSON.
pub trait FromJson: Sized {
    fn from_json(value: Value) -> Result<Self, ShapeError>;

    /// Parses JSON text: a syntax error and a shape error are both a [`ShapeError`] (for tools
    /// and tests; answers go through `decode_response`, which tells the two apart).
    fn from_json_str(text: &str) -> Result<Self, ShapeError> {
        let value = parse_json(text).map_err(|message| ShapeError {
            path: String::new(),
            message: format!("not valid JSON: {message}"),
        })?;
        Self::from_json(value)
    }
}

/// A JSON parser: text to `Value`, or a message saying where and how the text is broken (any
/// message means broken JSON; `decode_response_with` makes it safe to show). [`parse_json`]
/// natively; the page passes the browser's `JSON.parse`.
pub type ParseJson = fn(&str) -> Result<Value, String>;

/// serde_json's parser, with [`syntax_error`]'s wording.
pub fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str::<Value>(text).map_err(|e| syntax_error(&e))
}

/// Where and how JSON text is broken: `it ends too early (line 1, column 9)`.
/// (Worded here rather than with serde_json's `Display`, which brings all of `std::io`'s error
/// texts into the page.)
pub fn syntax_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Eof => "it ends too early",
        Category::Syntax => "a syntax error",
        Category::Data => "a value out of range",
        Category::Io => "it could not be read",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

/// JSON that is not the shape a model needs: where (`apiTokens[2].enabled`, empty for the whole
/// body) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    pub path: String,
    pub message: String,
}

impl ShapeError {
    /// Keys are the models' own field names, never input, so paths stay short.
    fn at(key: &'static str, message: String) -> Self {
        ShapeError {
            path: key.to_owned(),
            message,
        }
    }

    /// The same error, seen from the object that holds it under `key` (or at index `i`).
    fn within(mut self, key: &'static str, index: Option<usize>) -> Self {
        let mut prefix = key.to_owned();
        if let Some(i) = index {
            prefix.push_str(&format!("[{i}]"));
        }
        self.path = match self.path.is_empty() {
            true => prefix,
            false if self.path.starts_with('[') => prefix + &self.path,
            false => format!("{prefix}.{}", self.path),
        };
        self
    }
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ShapeError {}

/// The fields of one JSON object, taken one by one; what is left over is kept by [`Fields::rest`]
/// so that an export loses nothing.
pub struct Fields {
    map: Map<String, Value>,
    /// The keys read so far. (Values are taken in place rather than removed: a B-tree's removal
    /// code is the biggest part of this module in the page.)
    taken: Vec<&'static str>,
}

impl Fields {
    /// The object's fields; any other JSON value is an error.
    pub fn of(value: Value) -> Result<Self, ShapeError> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                taken: Vec::new(),
            }),
            other => Err(ShapeError::at(
                "",
                format!("expected an object, got {}", brief(&other)),
            )),
        }
    }

    /// The value under `key`; `null` counts as missing.
    fn take(&mut self, key: &'static str) -> Option<Value> {
        self.taken.push(key);
        self.map
            .get_mut(key)
            .map(std::mem::take)
            .filter(|v| !v.is_null())
    }

    pub fn string(&mut self, key: &'static str) -> Result<Option<String>, ShapeError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(expected(key, "a string", &other)),
        }
    }

    /// `true`, `false`, or either as a string in any case.
    pub fn bool(&mut self, key: &'static str) -> Result<Option<bool>, ShapeError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(other) => Err(expected(key, "true or false", &other)),
        }
    }

    /// A whole number in `T`'s range, as a number or a string of digits.
    pub fn int<T: TryFrom<i64>>(&mut self, key: &'static str) -> Result<Option<T>, ShapeError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let n = match &value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match n.and_then(|n| T::try_from(n).ok()) {
            Some(n) => Ok(Some(n)),
            None => Err(expected(key, "a whole number in range", &value)),
        }
    }

    /// A date: an ISO 8601 string (see [`crate::date::parse_iso`]) or epoch milliseconds, as a
    /// number or a string of digits. An empty string counts as missing.
    pub fn date(&mut self, key: &'static str) -> Result<Option<DateTime<Utc>>, ShapeError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let parsed = match &value {
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => parse_date(s),
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                .and_then(from_millis),
            _ => None,
        };
        match parsed {
            Some(t) => Ok(Some(t)),
            None => Err(expected(
                key,
                "an ISO 8601 date or epoch milliseconds",
                &value,
            )),
        }
    }

    /// A list of strings (scopes), kept as sent.
    pub fn strings(&mut self, key: &'static str) -> Result<Option<Vec<String>>, ShapeError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s),
                    other => Err(expected("", "a string", &other).within(key, Some(i))),
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(other) => Err(expected(key, "a list of strings", &other)),
        }
    }

    /// An object kept as JSON (`additionalMetadata`).
    pub fn object(&mut self, key: &'static str) -> Result<Option<Map<String, Value>>, ShapeError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(expected(key, "an object", &other)),
        }
    }

    /// A nested model.
    pub fn model<T: FromJson>(&mut self, key: &'static str) -> Result<Option<T>, ShapeError> {
        match self.take(key) {
            None => Ok(None),
            Some(value) => T::from_json(value)
                .map(Some)
                .map_err(|e| e.within(key, None)),
        }
    }

    /// A list of models; a single object stands for a one-item list, `null` for an empty one.
    pub fn list<T: FromJson>(&mut self, key: &'static str) -> Result<Vec<T>, ShapeError> {
        match self.take(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_json(item).map_err(|e| e.within(key, Some(i))))
                .collect(),
            Some(item @ Value::Object(_)) => T::from_json(item)
                .map(|one| vec![one])
                .map_err(|e| e.within(key, None)),
            Some(other) => Err(expected(key, "a list", &other)),
        }
    }

    /// The fields nobody took: unknown to this version, kept as sent.
    pub fn rest(self) -> Map<String, Value> {
        let mut rest = Map::new();
        for (key, value) in self.map {
            if !self.taken.contains(&key.as_str()) {
                rest.insert(key, value);
            }
        }
        rest
    }
}

/// A date as the models read it, from text that may have come from elsewhere (a pasted export):
/// ISO 8601 or epoch milliseconds. `None` if it is not a date.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    crate::date::parse_iso(text).or_else(|| text.parse::<i64>().ok().and_then(from_millis))
}

fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

fn expected(key: &'static str, what: &str, got: &Value) -> ShapeError {
    ShapeError::at(key, format!("expected {what}, got {}", brief(got)))
}

/// The offending value in an error message, short: `string "yes"`, `number 5`, `a list`.
/// Fractions are not printed: formatting floats would cost the page 15 KB for one message.
/// A string is quoted as [`crate::text::one_line`] shows it: the value may be a token.
fn brief(value: &Value) -> String {
    match value {
        Value::String(s) => format!("string \"{}\"", crate::text::one_line(s, 40)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => format!("number {i}"),
            None => "a fractional or very large number".to_owned(),
        },
        Value::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::Null => "null".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readers_accept_the_lenient_forms() {
        let mut f = Fields::of(json!({
            "a": "TRUE", "b": null, "n": "42", "m": 7, "d": 1604564130000i64, "e": "",
            "s": ["x", "y"], "o": {"k": 1}, "z": "kept"
        }))
        .unwrap();
        assert_eq!(f.bool("a"), Ok(Some(true)));
        assert_eq!(f.bool("b"), Ok(None));
        assert_eq!(f.bool("missing"), Ok(None));
        assert_eq!(f.int::<u32>("n"), Ok(Some(42)));
        assert_eq!(f.int::<u64>("m"), Ok(Some(7)));
        assert_eq!(
            f.date("d").unwrap().map(|t| t.timestamp()),
            Some(1_604_564_130)
        );
        assert_eq!(f.date("e"), Ok(None));
        assert_eq!(f.strings("s"), Ok(Some(vec!["x".into(), "y".into()])));
        assert_eq!(f.object("o").unwrap().map(|o| o.len()), Some(1));
        assert_eq!(f.rest(), json!({"z": "kept"}).as_object().unwrap().clone());
    }

    #[test]
    fn errors_name_the_field_and_the_value() {
        let mut f =
            Fields::of(json!({"enabled": "yes", "count": -1, "when": 1.5e300, "s": [1]})).unwrap();
        assert_eq!(
            f.bool("enabled").unwrap_err().to_string(),
            r#"enabled: expected true or false, got string "yes""#
        );
        assert_eq!(
            f.int::<u32>("count").unwrap_err().to_string(),
            "count: expected a whole number in range, got number -1"
        );
        assert!(f.date("when").is_err());
        assert_eq!(
            f.strings("s").unwrap_err().to_string(),
            "s[0]: expected a string, got number 1"
        );
        assert_eq!(
            Fields::of(json!([1])).err().unwrap().to_string(),
            "expected an object, got a list"
        );
    }

    struct Item(Option<bool>);
    impl FromJson for Item {
        fn from_json(value: Value) -> Result<Self, ShapeError> {
            Ok(Item(Fields::of(value)?.bool("on")?))
        }
    }

    #[test]
    fn nested_errors_carry_the_whole_path() {
        let mut f = Fields::of(json!({"items": [{"on": true}, {"on": "maybe"}]})).unwrap();
        assert_eq!(
            f.list::<Item>("items").err().unwrap().to_string(),
            r#"items[1].on: expected true or false, got string "maybe""#
        );
        let mut one = Fields::of(json!({"items": {"on": "false"}})).unwrap();
        let items = one.list::<Item>("items").unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].0, Some(false));
        let mut text = Fields::of(json!({"items": "x"})).unwrap();
        assert_eq!(
            text.list::<Item>("items").err().unwrap().to_string(),
            r#"items: expected a list, got string "x""#
        );
    }

    /// Any JSON at all, biased towards the models' own keys so that the readers are reached.
    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop_oneof![
            Just("id"),
            Just("name"),
            Just("enabled"),
            Just("creationDate"),
            Just("scopes"),
            Just("apiTokens"),
            Just("values"),
            Just("totalCount"),
            Just("pageSize"),
            Just("error"),
            Just("code"),
            Just("constraintViolations"),
            Just("lastUse"),
            Just("additionalMetadata"),
            Just("activeGateType"),
            Just("other"),
        ]
        .prop_map(String::from);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "[a-zA-Z0-9:.+-]{0,30}".prop_map(Value::String),
            Just(Value::String("2020-11-05T08:15:30.144Z".into())),
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(key.clone(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever JSON an answer holds, reading it as any model gives a model or an error,
        /// never a panic; and an error names a path that exists in the input.
        #[test]
        fn any_json_reads_as_a_model_or_an_error(value in any_json()) {
            use crate::dynatrace::models::*;
            let _ = ApiToken::from_json(value.clone());
            let _ = ActiveGateToken::from_json(value.clone());
            let _ = ApiTokenList::from_json(value.clone());
            let _ = ActiveGateTokenList::from_json(value.clone());
            let _ = StubList::from_json(value.clone());
            let _ = TokenMetadata::from_json(value.clone());
            let _ = ErrorEnvelope::from_json(value.clone());
            if let Err(e) = ApiTokenList::from_json(value.clone()) {
                let top = e.path.split(['.', '[']).next().unwrap_or("");
                proptest::prop_assert!(top.is_empty() || value.get(top).is_some(), "{e} for {value}");
            }
        }

        /// What a model writes, it reads back unchanged (unknown fields included).
        #[test]
        fn api_tokens_round_trip(value in any_json()) {
            use crate::dynatrace::models::ApiToken;
            if let Ok(token) = ApiToken::from_json(value) {
                let written = serde_json::to_value(&token).unwrap();
                proptest::prop_assert_eq!(ApiToken::from_json(written), Ok(token));
            }
        }
    }

    #[test]
    fn a_quoted_string_value_hides_a_token() {
        let secret = "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
        let mut f =
            Fields::of(json!({ "enabled": format!("dt0c01.ST2EY72KQINMH574WMNVI7YN.{secret}") }))
                .unwrap();
        let shown = f.bool("enabled").unwrap_err().to_string();
        assert!(
            !shown.contains("G3DFPBEJ") && !shown.contains("ST2EY72K"),
            "{shown}"
        );
        assert!(
            shown.starts_with("enabled: expected true or false, got string \"dt0c01."),
            "{shown}"
        );
        let mut f = Fields::of(json!({ "enabled": "a\nb" })).unwrap();
        assert_eq!(
            f.bool("enabled").unwrap_err().to_string(),
            "enabled: expected true or false, got string \"a b\""
        );
    }

    #[test]
    fn syntax_errors_say_so() {
        let e = Item::from_json_str("{\"on\": tru").err().unwrap();
        assert_eq!(
            e.message,
            "not valid JSON: it ends too early (line 1, column 10)"
        );
        let e = Item::from_json_str("{\"on\": yes}").err().unwrap();
        assert_eq!(
            e.message,
            "not valid JSON: a syntax error (line 1, column 8)"
        );
    }
}
