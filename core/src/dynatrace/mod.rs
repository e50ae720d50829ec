//! The contract with the Dynatrace token API, without the web: what it sends ([`models`]),
//! where it lives ([`environment`]), what its answers mean ([`error`]), and what scopes allow
//! ([`scopes`]). The browser client only adds the fetch itself.

pub mod environment;
pub mod error;
pub mod json;
pub mod models;
pub mod queries;
pub mod retry;
pub mod scopes;
pub mod standing;

pub use environment::{EnvironmentKind, EnvironmentUrl, EnvironmentUrlError};
pub use error::{decode_response, decode_response_with, Answer, ApiError};
pub use json::{parse_json, FromJson, ParseJson, ShapeError};
pub use models::{
    ActiveGateToken, ActiveGateTokenList, ActiveGateType, ApiToken, ApiTokenList, ApiTokenSecret,
    ConstraintViolation, EntityShortRepresentation, ErrorBody, ErrorEnvelope, StubList,
    TokenMetadata,
};
pub use scopes::{classify, group_scopes, scope_info, Risk, ScopeGroup, ScopeInfo};
pub use standing::{standing, Standing};
