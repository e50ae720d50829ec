//! The token API's data, as Dynatrace sends it and as practice shows it: every field optional
//! (the spec marks none required, live answers omit some), `null` accepted wherever a field may
//! be missing, unknown fields kept, unknown scopes kept as strings.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Metadata of an API token (`GET /api/v2/apiTokens/{id}`, `POST /api/v2/apiTokens/lookup`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub personal_access_token: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub modified_date: Option<DateTime<Utc>>,
    /// Missing: the token never expires.
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime<Utc>>,
    /// Missing: the token was never used.
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_ip_address: Option<String>,
    /// Scope values as sent; new ones appear without an API version change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Kind-specific extras, e.g. `{"dashboardId": "..."}` for dashboard-sharing tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_metadata: Option<Map<String, Value>>,
    /// Fields this version does not know, kept so an export loses nothing.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The type of ActiveGate an ActiveGate token is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActiveGateType {
    Environment,
    Cluster,
    Other(String),
}

impl std::fmt::Display for ActiveGateType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActiveGateType::Environment => f.write_str("Environment ActiveGate"),
            ActiveGateType::Cluster => f.write_str("Cluster ActiveGate"),
            ActiveGateType::Other(s) => f.write_str(s),
        }
    }
}

impl Serialize for ActiveGateType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            ActiveGateType::Environment => "ENVIRONMENT",
            ActiveGateType::Cluster => "CLUSTER",
            ActiveGateType::Other(v) => v,
        })
    }
}

impl<'de> Deserialize<'de> for ActiveGateType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = String::deserialize(d)?;
        Ok(match value.as_str() {
            "ENVIRONMENT" => ActiveGateType::Environment,
            "CLUSTER" => ActiveGateType::Cluster,
            _ => ActiveGateType::Other(value),
        })
    }
}

/// Metadata of an ActiveGate token (`GET /api/v2/activeGateTokens/{id}`). Release 1.338
/// removed `activeGateType` and `seedToken`: older environments still send them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveGateToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime<Utc>>,
    #[serde(default, with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient::bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub seed_token: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_gate_type: Option<ActiveGateType>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A page of `GET /api/v2/apiTokens`. `nextPageKey` is `null` or absent on the last page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenList {
    #[serde(default, deserialize_with = "lenient::list")]
    pub api_tokens: Vec<ApiToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub page_size: Option<u32>,
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_count: Option<u64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A page of `GET /api/v2/activeGateTokens`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveGateTokenList {
    #[serde(default, deserialize_with = "lenient::list")]
    pub active_gate_tokens: Vec<ActiveGateToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub page_size: Option<u32>,
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_count: Option<u64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /api/v1/tokens`: names and IDs only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StubList {
    #[serde(default, deserialize_with = "lenient::list")]
    pub values: Vec<EntityShortRepresentation>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityShortRepresentation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// v1 token metadata (`GET /api/v1/tokens/{id}`, `POST /api/v1/tokens/lookup`): dates are UTC
/// milliseconds here, not ISO strings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub revoked: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub personal_access_token: Option<bool>,
    #[serde(default, with = "millis_date", skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, with = "millis_date", skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime<Utc>>,
    #[serde(default, with = "millis_date", skip_serializing_if = "Option::is_none")]
    pub last_use: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The lookup request body. Its `Debug` never shows the token.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenSecret {
    pub token: String,
}

impl std::fmt::Debug for ApiTokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiTokenSecret { token: •••••••• }")
    }
}

/// Dynatrace's error body: `{"error": {"code", "message", "constraintViolations"}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub constraint_violations: Vec<ConstraintViolation>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConstraintViolation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl std::fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.message.as_deref().unwrap_or("is not valid");
        match (self.path.as_deref(), self.parameter_location.as_deref()) {
            (Some(path), Some(loc)) => write!(f, "{path} ({}): {message}", loc.to_ascii_lowercase()),
            (Some(path), None) => write!(f, "{path}: {message}"),
            _ => f.write_str(message),
        }
    }
}

/// Deserializers that accept what Dynatrace documents *and* what its own examples and older
/// releases send: `null` for any optional field, `"true"` and `"1"` as strings (the OpenAPI
/// list examples do this), a single object where a list belongs (same examples), and dates as
/// ISO strings or epoch milliseconds in either API version. Anything else is still an error, so
/// a response that is really something else is reported as such.
mod lenient {
    use super::*;
    use serde::de::Error as _;

    /// `true`, `false`, `"true"`, `"false"` (any case) or `null`.
    pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(other) => Err(D::Error::custom(format!(
                "expected true or false, got {}",
                brief(&other)
            ))),
        }
    }

    /// An integer, as a number or a string of digits, or `null`.
    pub fn number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<i64> + std::str::FromStr,
    {
        let value = Option::<Value>::deserialize(d)?;
        let parsed = match &value {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(n)) => n.as_i64().and_then(|n| T::try_from(n).ok()),
            Some(Value::String(s)) => s.trim().parse::<T>().ok(),
            Some(_) => None,
        };
        match (parsed, value) {
            (Some(n), _) => Ok(Some(n)),
            (None, Some(v)) => Err(D::Error::custom(format!(
                "expected a whole number in range, got {}",
                brief(&v)
            ))),
            (None, None) => Ok(None),
        }
    }

    /// A list, a single item standing for a one-item list, or `null` (empty).
    pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: serde::de::DeserializeOwned,
    {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    serde_json::from_value(item)
                        .map_err(|e| D::Error::custom(format!("item {i}: {e}")))
                })
                .collect(),
            Some(item @ Value::Object(_)) => serde_json::from_value(item)
                .map(|one| vec![one])
                .map_err(D::Error::custom),
            Some(other) => Err(D::Error::custom(format!(
                "expected a list, got {}",
                brief(&other)
            ))),
        }
    }

    /// A date: an ISO 8601 string (with or without fractions, `Z`, `+01:00` or `+0100`, or no
    /// zone, which means UTC), or epoch milliseconds as a number or a string of digits.
    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let value = Option::<Value>::deserialize(d)?;
        let parsed = match &value {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) => parse_date_text(s.trim()),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                .and_then(from_millis),
            Some(_) => None,
        };
        match (parsed, value) {
            (Some(t), _) => Ok(Some(t)),
            (None, Some(v)) => Err(D::Error::custom(format!(
                "expected an ISO 8601 date or epoch milliseconds, got {}",
                brief(&v)
            ))),
            (None, None) => Ok(None),
        }
    }

    pub(crate) fn parse_date_text(text: &str) -> Option<DateTime<Utc>> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(n) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
            return Some(n.and_utc());
        }
        if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return day.and_hms_opt(0, 0, 0).map(|n| n.and_utc());
        }
        text.parse::<i64>().ok().and_then(from_millis)
    }

    fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
        Utc.timestamp_millis_opt(ms).single()
    }

    /// The offending value in an error message, short: `string "yes"`, `a list`.
    fn brief(value: &Value) -> String {
        match value {
            Value::String(s) => format!("string {:?}", s.chars().take(40).collect::<String>()),
            Value::Number(n) => format!("number {n}"),
            Value::Bool(b) => format!("{b}"),
            Value::Array(_) => "a list".to_owned(),
            Value::Object(_) => "an object".to_owned(),
            Value::Null => "null".to_owned(),
        }
    }
}

/// v2 dates: written as ISO 8601 with milliseconds, read leniently.
mod iso_date {
    use super::*;

    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            None => s.serialize_none(),
        }
    }

    pub use super::lenient::date as deserialize;
}

/// v1 dates: written as UTC milliseconds, read leniently.
mod millis_date {
    use super::*;

    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_i64(t.timestamp_millis()),
            None => s.serialize_none(),
        }
    }

    pub use super::lenient::date as deserialize;
}

/// Parses a date the way the models do; for callers that get dates from elsewhere (e.g. a
/// pasted export). `None` if it is not a date.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    lenient::parse_date_text(text.trim())
}
