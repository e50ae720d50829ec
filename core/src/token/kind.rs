//! Every known kind of Dynatrace token, by prefix, and what can be done with it.

use serde::Serialize;

/// What a token is, from its prefix (or its shape, for tokens older than prefixes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenKind {
    /// `dt0c01`: classic API tokens, PaaS tokens and personal access tokens.
    ApiToken,
    /// `dt0g02`: ActiveGate tokens.
    ActiveGate,
    /// `dt0s16`: platform tokens (Bearer auth on the platform APIs).
    Platform,
    /// `dt0s01`: account-level API tokens.
    Account,
    /// `dt0s02`, `dt0s03`, `dt0s08`: OAuth client IDs and secrets.
    OAuthClient,
    /// `dt0s06`: OAuth refresh tokens.
    RefreshToken,
    /// `dt0s04`, `dt0s09`: chat and identity linking.
    ChatIdentity,
    /// `dt0a01`: agent connection tokens.
    Agent,
    /// `dt0e01`: EdgeConnect secrets.
    EdgeConnect,
    /// `dt0` + a letter + two digits, but not one this checker knows.
    UnknownDynatrace,
    /// A token from before Dynatrace 1.205: no prefix, opaque.
    LegacyToken,
    /// The UUID that identifies a legacy token (API v1).
    LegacyId,
}

/// Part lengths a kind is known to have: `(public, secret)`.
pub(crate) struct Lengths {
    pub public: Option<usize>,
    pub secret: Option<usize>,
    /// Whether a wrong length is certain to be a mistake (documented lengths), or only unusual.
    pub strict: bool,
}

impl TokenKind {
    /// The kind a `dt0xNN` prefix names (the prefix must be lowercase-normalised).
    pub fn from_prefix(prefix: &str) -> TokenKind {
        match prefix {
            "dt0c01" => TokenKind::ApiToken,
            "dt0g02" => TokenKind::ActiveGate,
            "dt0s16" => TokenKind::Platform,
            "dt0s01" => TokenKind::Account,
            "dt0s02" | "dt0s03" | "dt0s08" => TokenKind::OAuthClient,
            "dt0s06" => TokenKind::RefreshToken,
            "dt0s04" | "dt0s09" => TokenKind::ChatIdentity,
            "dt0a01" => TokenKind::Agent,
            "dt0e01" => TokenKind::EdgeConnect,
            _ => TokenKind::UnknownDynatrace,
        }
    }

    /// The prefix tokens of this kind carry, where there is exactly one (`dt0c01`). `None` for
    /// kinds with several prefixes (OAuth clients, chat identity: see
    /// [`ParsedToken::prefix`](super::ParsedToken::prefix) for the one pasted), unknown ones,
    /// and legacy tokens.
    pub fn prefix(self) -> Option<&'static str> {
        Some(match self {
            TokenKind::ApiToken => "dt0c01",
            TokenKind::ActiveGate => "dt0g02",
            TokenKind::Platform => "dt0s16",
            TokenKind::Account => "dt0s01",
            TokenKind::RefreshToken => "dt0s06",
            TokenKind::Agent => "dt0a01",
            TokenKind::EdgeConnect => "dt0e01",
            TokenKind::OAuthClient
            | TokenKind::ChatIdentity
            | TokenKind::UnknownDynatrace
            | TokenKind::LegacyToken
            | TokenKind::LegacyId => return None,
        })
    }

    /// A short name: "API token".
    pub fn label(self) -> &'static str {
        match self {
            TokenKind::ApiToken => "API token",
            TokenKind::ActiveGate => "ActiveGate token",
            TokenKind::Platform => "Platform token",
            TokenKind::Account => "Account API token",
            TokenKind::OAuthClient => "OAuth client",
            TokenKind::RefreshToken => "OAuth refresh token",
            TokenKind::ChatIdentity => "Chat and identity linking token",
            TokenKind::Agent => "Agent connection token",
            TokenKind::EdgeConnect => "EdgeConnect secret",
            TokenKind::UnknownDynatrace => "Unknown Dynatrace token",
            TokenKind::LegacyToken => "Legacy API token",
            TokenKind::LegacyId => "Legacy token ID",
        }
    }

    /// What the token is for and where it is used, for someone triaging a leak.
    pub fn explanation(self) -> &'static str {
        match self {
            TokenKind::ApiToken => "An environment access token (classic API token, PaaS token or personal access token). It calls the environment's API with the scopes it was given; look it up to see them.",
            TokenKind::ActiveGate => "Connects an ActiveGate to the environment (a seed token for many ActiveGates, or an individual one). A leaked one lets someone attach an ActiveGate.",
            TokenKind::Platform => "A platform token for Dynatrace platform services (Authorization: Bearer). It acts with the permissions of the user who created it; manage it under Platform tokens in Account or user settings.",
            TokenKind::Account => "An account-level API token for account management (e.g. SCIM user provisioning). It changes users and groups across the account.",
            TokenKind::OAuthClient => "An OAuth2 client ID or secret from Account Management, used to obtain bearer tokens for platform and account APIs. Its permissions are set on the client.",
            TokenKind::RefreshToken => "An OAuth2 refresh token. It is short-lived (it changes every few minutes) but can mint new access tokens until then.",
            TokenKind::ChatIdentity => "A token that links chat tools to Dynatrace identities.",
            TokenKind::Agent => "An agent connection token (e.g. DT_CONNECTION_AUTH_TOKEN for serverless agents). It lets agents send data to the environment named in its public part.",
            TokenKind::EdgeConnect => "An EdgeConnect secret, generated by users to connect an EdgeConnect to the platform.",
            TokenKind::UnknownDynatrace => "It has the shape of a Dynatrace token (dt0 + letter + two digits), but this prefix is not one this checker knows. Treat it as a secret.",
            TokenKind::LegacyToken => "A token from before Dynatrace 1.205, without a prefix. It may still work; its shape can't be verified, but it can be looked up with itself.",
            TokenKind::LegacyId => "The ID of a legacy token (API v1). Look it up with an access token that has the TenantTokenManagement scope.",
        }
    }

    pub(crate) fn lengths(self) -> Lengths {
        match self {
            TokenKind::ApiToken | TokenKind::Account => Lengths {
                public: Some(24),
                secret: Some(64),
                strict: true,
            },
            TokenKind::ActiveGate => Lengths {
                public: Some(8),
                secret: Some(64),
                strict: true,
            },
            TokenKind::EdgeConnect => Lengths {
                public: Some(15),
                secret: Some(40),
                strict: false,
            },
            TokenKind::Agent => Lengths {
                public: None,
                secret: Some(64),
                strict: false,
            },
            TokenKind::OAuthClient
            | TokenKind::Platform
            | TokenKind::RefreshToken
            | TokenKind::ChatIdentity
            | TokenKind::UnknownDynatrace => Lengths {
                public: None,
                secret: Some(64),
                strict: false,
            },
            TokenKind::LegacyToken | TokenKind::LegacyId => Lengths {
                public: None,
                secret: None,
                strict: false,
            },
        }
    }

    /// Whether tokens of this kind use lowercase by design (agent tokens carry the environment
    /// ID and a hex secret).
    pub(crate) fn lowercase_is_normal(self) -> bool {
        matches!(self, TokenKind::Agent)
    }
}

/// Which endpoint can look a token up, or why none can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "call")]
pub enum Lookup {
    /// `POST /api/v2/apiTokens/lookup` with the full token.
    ApiTokenBySecret,
    /// `GET /api/v2/apiTokens/{id}` (needs `apiTokens.read`).
    ApiTokenById,
    /// `GET /api/v2/activeGateTokens/{id}` (needs `activeGateTokenManagement.read`).
    ActiveGateTokenById,
    /// `GET /api/v1/tokens/{id}` for legacy UUID IDs (needs `TenantTokenManagement`).
    V1TokenById,
    NotPossible {
        reason: &'static str,
    },
}

impl Lookup {
    pub(crate) fn for_token(kind: TokenKind, has_secret: bool) -> Lookup {
        match kind {
            TokenKind::ApiToken if has_secret => Lookup::ApiTokenBySecret,
            TokenKind::ApiToken => Lookup::ApiTokenById,
            TokenKind::LegacyToken => Lookup::ApiTokenBySecret,
            // There is no look-up by secret for ActiveGate tokens: the ID is enough.
            TokenKind::ActiveGate => Lookup::ActiveGateTokenById,
            TokenKind::LegacyId => Lookup::V1TokenById,
            TokenKind::Platform => Lookup::NotPossible { reason: "Platform tokens belong to the Dynatrace platform (Bearer auth); the environment's token API cannot look them up. Check them under Platform tokens in the account or user settings." },
            TokenKind::Account => Lookup::NotPossible { reason: "Account API tokens live in Account Management, not in an environment; the environment's token API cannot look them up." },
            TokenKind::OAuthClient => Lookup::NotPossible { reason: "OAuth client credentials live in Account Management; there is no endpoint to look them up. Check the client there, and rotate its secret if it leaked." },
            TokenKind::RefreshToken => Lookup::NotPossible { reason: "OAuth refresh tokens are short-lived and cannot be looked up; they expire within minutes." },
            TokenKind::ChatIdentity => Lookup::NotPossible { reason: "Chat and identity linking tokens cannot be looked up through the token API." },
            TokenKind::Agent => Lookup::NotPossible { reason: "Agent connection tokens cannot be looked up through the token API; rotate them through the environment's deployment settings if one leaked." },
            TokenKind::EdgeConnect => Lookup::NotPossible { reason: "EdgeConnect secrets are generated by users and have no look-up endpoint." },
            TokenKind::UnknownDynatrace => Lookup::NotPossible { reason: "This prefix is not one the token API is known to serve; nothing is sent for unknown kinds." },
        }
    }
}
