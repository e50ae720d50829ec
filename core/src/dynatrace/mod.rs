//! The contract with the Dynatrace token API: what it sends (models), where it lives
//! (environment URLs), what its answers mean (errors), and what scopes allow (the catalogue).

pub mod environment;
pub mod error;
pub mod models;
pub mod scopes;

pub use environment::{EnvironmentKind, EnvironmentUrl, EnvironmentUrlError};
pub use error::{decode_response, ApiError};
pub use models::{
    ActiveGateToken, ActiveGateTokenList, ActiveGateType, ApiToken, ApiTokenList, ApiTokenSecret,
    ConstraintViolation, EntityShortRepresentation, ErrorBody, ErrorEnvelope, StubList,
    TokenMetadata,
};
