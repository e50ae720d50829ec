//! The token API's data, as Dynatrace sends it and as practice shows it: every field optional
//! (the spec marks none required, live answers omit some), `null` accepted wherever a field may
//! be missing, unknown fields kept, unknown scopes kept as strings.

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::json::{Fields, FromJson, ShapeError};

/// Metadata of an API token (`GET /api/v2/apiTokens/{id}`, `POST /api/v2/apiTokens/lookup`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_access_token: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub modified_date: Option<DateTime<Utc>>,
    /// Missing: the token never expires.
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime<Utc>>,
    /// Missing: the token was never used.
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_ip_address: Option<String>,
    /// Scope values as sent; new ones appear without an API version change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Kind-specific extras, e.g. `{"dashboardId": "..."}` for dashboard-sharing tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
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

impl From<String> for ActiveGateType {
    fn from(value: String) -> Self {
        match value.as_str() {
            "ENVIRONMENT" => ActiveGateType::Environment,
            "CLUSTER" => ActiveGateType::Cluster,
            _ => ActiveGateType::Other(value),
        }
    }
}

/// Metadata of an ActiveGate token (`GET /api/v2/activeGateTokens/{id}`). Release 1.338
/// removed `activeGateType` and `seedToken`: older environments still send them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveGateToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime<Utc>>,
    #[serde(serialize_with = "iso_date", skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_token: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_gate_type: Option<ActiveGateType>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A page of `GET /api/v2/apiTokens`. `nextPageKey` is `null` or absent on the last page.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenList {
    pub api_tokens: Vec<ApiToken>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A page of `GET /api/v2/activeGateTokens`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveGateTokenList {
    pub active_gate_tokens: Vec<ActiveGateToken>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /api/v1/tokens`: names and IDs only.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StubList {
    pub values: Vec<EntityShortRepresentation>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EntityShortRepresentation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// v1 token metadata (`GET /api/v1/tokens/{id}`, `POST /api/v1/tokens/lookup`): dates are UTC
/// milliseconds here, not ISO strings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMetadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_access_token: Option<bool>,
    #[serde(
        serialize_with = "millis_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "millis_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "millis_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_use: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The lookup request body. Its `Debug` never shows the token.
#[derive(Clone, PartialEq, Serialize)]
pub struct ApiTokenSecret {
    pub token: String,
}

impl std::fmt::Debug for ApiTokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiTokenSecret { token: •••••••• }")
    }
}

/// Dynatrace's error body: `{"error": {"code", "message", "constraintViolations"}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ErrorEnvelope {
    pub error: Option<ErrorBody>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraint_violations: Vec<ConstraintViolation>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConstraintViolation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl std::fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.message.as_deref().unwrap_or("is not valid");
        match (self.path.as_deref(), self.parameter_location.as_deref()) {
            (Some(path), Some(loc)) => {
                write!(f, "{path} ({}): {message}", loc.to_ascii_lowercase())
            }
            (Some(path), None) => write!(f, "{path}: {message}"),
            _ => f.write_str(message),
        }
    }
}

/// v2 dates are written as ISO 8601 with milliseconds.
fn iso_date<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(t) => s.serialize_str(&crate::date::format_iso_millis(*t)),
        None => s.serialize_none(),
    }
}

/// v1 dates are written as UTC milliseconds.
fn millis_date<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(t) => s.serialize_i64(t.timestamp_millis()),
        None => s.serialize_none(),
    }
}

// Reading: by hand, field by field (see `json` for why and for the leniency).

impl FromJson for ApiToken {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(ApiToken {
            id: f.string("id")?,
            name: f.string("name")?,
            enabled: f.bool("enabled")?,
            personal_access_token: f.bool("personalAccessToken")?,
            owner: f.string("owner")?,
            creation_date: f.date("creationDate")?,
            modified_date: f.date("modifiedDate")?,
            expiration_date: f.date("expirationDate")?,
            last_used_date: f.date("lastUsedDate")?,
            last_used_ip_address: f.string("lastUsedIpAddress")?,
            scopes: f.strings("scopes")?,
            additional_metadata: f.object("additionalMetadata")?,
            extra: f.rest(),
        })
    }
}

impl FromJson for ActiveGateToken {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(ActiveGateToken {
            id: f.string("id")?,
            name: f.string("name")?,
            owner: f.string("owner")?,
            creation_date: f.date("creationDate")?,
            expiration_date: f.date("expirationDate")?,
            last_used_date: f.date("lastUsedDate")?,
            seed_token: f.bool("seedToken")?,
            active_gate_type: f.string("activeGateType")?.map(ActiveGateType::from),
            extra: f.rest(),
        })
    }
}

impl FromJson for ApiTokenList {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(ApiTokenList {
            api_tokens: f.list("apiTokens")?,
            next_page_key: f.string("nextPageKey")?,
            page_size: f.int("pageSize")?,
            total_count: f.int("totalCount")?,
            extra: f.rest(),
        })
    }
}

impl FromJson for ActiveGateTokenList {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(ActiveGateTokenList {
            active_gate_tokens: f.list("activeGateTokens")?,
            next_page_key: f.string("nextPageKey")?,
            page_size: f.int("pageSize")?,
            total_count: f.int("totalCount")?,
            extra: f.rest(),
        })
    }
}

impl FromJson for StubList {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(StubList {
            values: f.list("values")?,
            extra: f.rest(),
        })
    }
}

impl FromJson for EntityShortRepresentation {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(EntityShortRepresentation {
            id: f.string("id")?,
            name: f.string("name")?,
            description: f.string("description")?,
            extra: f.rest(),
        })
    }
}

impl FromJson for TokenMetadata {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(TokenMetadata {
            id: f.string("id")?,
            name: f.string("name")?,
            user_id: f.string("userId")?,
            revoked: f.bool("revoked")?,
            personal_access_token: f.bool("personalAccessToken")?,
            created: f.date("created")?,
            expires: f.date("expires")?,
            last_use: f.date("lastUse")?,
            scopes: f.strings("scopes")?,
            extra: f.rest(),
        })
    }
}

impl FromJson for ApiTokenSecret {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        match Fields::of(value)?.string("token")? {
            Some(token) => Ok(ApiTokenSecret { token }),
            None => Err(ShapeError {
                path: "token".into(),
                message: "missing".into(),
            }),
        }
    }
}

impl FromJson for ErrorEnvelope {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        Ok(ErrorEnvelope {
            error: Fields::of(value)?.model("error")?,
        })
    }
}

impl FromJson for ErrorBody {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(ErrorBody {
            code: f.int("code")?,
            message: f.string("message")?,
            constraint_violations: f.list("constraintViolations")?,
        })
    }
}

impl FromJson for ConstraintViolation {
    fn from_json(value: Value) -> Result<Self, ShapeError> {
        let mut f = Fields::of(value)?;
        Ok(ConstraintViolation {
            path: f.string("path")?,
            message: f.string("message")?,
            parameter_location: f.string("parameterLocation")?,
            location: f.string("location")?,
        })
    }
}

/// serde's `Deserialize` for every model, through the same readers, for callers that hold a
/// serde deserializer (tests, tools): `serde_json::from_str::<ApiToken>(..)` works as expected.
macro_rules! deserialize_through_from_json {
    ($($model:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $model {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(d)?;
                <$model>::from_json(value).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

deserialize_through_from_json!(
    ApiToken,
    ActiveGateToken,
    ApiTokenList,
    ActiveGateTokenList,
    StubList,
    EntityShortRepresentation,
    TokenMetadata,
    ApiTokenSecret,
    ErrorEnvelope,
    ErrorBody,
    ConstraintViolation,
);
