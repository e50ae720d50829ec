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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    #[serde(default, deserialize_with = "null_as_empty")]
    pub api_tokens: Vec<ApiToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
}

/// A page of `GET /api/v2/activeGateTokens`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveGateTokenList {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub active_gate_tokens: Vec<ActiveGateToken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
}

/// `GET /api/v1/tokens`: names and IDs only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StubList {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub values: Vec<EntityShortRepresentation>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityShortRepresentation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty", skip_serializing_if = "Vec::is_empty")]
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
            (Some(path), Some(loc)) => write!(f, "{path} ({}): {message}", loc.to_lowercase()),
            (Some(path), None) => write!(f, "{path}: {message}"),
            _ => f.write_str(message),
        }
    }
}

fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// ISO 8601 dates, leniently: with or without fractions, `Z` or an offset. `null` is absent.
mod iso_date {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else { return Ok(None) };
        parse(&text).map(Some).ok_or_else(|| serde::de::Error::custom(format!("not an ISO 8601 date: {text:?}")))
    }

    pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.with_timezone(&Utc));
        }
        // Without a zone, Dynatrace means UTC.
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|n| n.and_utc())
    }
}

/// UTC milliseconds (v1). `null` is absent.
mod millis_date {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_i64(t.timestamp_millis()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(ms) = Option::<i64>::deserialize(d)? else { return Ok(None) };
        Utc.timestamp_millis_opt(ms)
            .single()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("timestamp out of range: {ms}")))
    }
}
