//! What a check of a found token means, in the vocabulary people know from secret scanning
//! (GitHub's: active, inactive, unknown), with the reason always said.
//!
//! The mapping follows how the check was made ([`How`]):
//! - a full token looks itself up (`POST /api/v2/apiTokens/lookup`, authenticated by itself):
//!   metadata or a 403 means it authenticates, 401 means it does not (wrong, revoked, disabled,
//!   expired or from another environment: Dynatrace does not say which);
//! - an ID or an ActiveGate token is read with the person's access token: a 401 or 403 then
//!   says something about the access token, not the found one, so the found one stays unknown.
//!
//! Everything that is no answer about the token (network, CORS, offline, timeout, 5xx, a rate
//! limit the retries gave up on, an answer that cannot be read) is unknown, with its reason.

use chrono::{DateTime, Utc};

use crate::dynatrace::{standing, ActiveGateToken, ApiError, ApiToken, Standing};

/// How a token was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// The full token authenticated its own look-up.
    Itself,
    /// The ID was read with the person's access token.
    WithAccessToken,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Active,
    Inactive(Inactive),
    Unknown(Unknown),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Inactive {
    /// 401 to its own look-up.
    Unauthorized,
    Disabled,
    Expired,
    /// 404: unknown to that environment.
    NotFound,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unknown {
    Network,
    Cors,
    Offline,
    Timeout,
    /// A 5xx.
    ServerError,
    /// 429 until the retries gave up.
    RateLimited,
    /// The access token was refused (401) or lacks the scope (403).
    AccessToken,
    /// The access token holds a character an HTTP header cannot carry: nothing was sent with it.
    AccessTokenNotSendable,
    /// An answer that is not what the endpoint documents (not JSON, wrong shape, another status).
    Unreadable,
    /// This kind of token has no look-up endpoint (OAuth, platform, agent, EdgeConnect...).
    NotCheckable,
    /// An ID or ActiveGate token, and no access token was given, or the token's environment is
    /// not the one in the settings (the only one the access token is sent to).
    NeedsAccessToken,
}

impl Status {
    /// What an `ApiToken`'s metadata says, `now` passed in: the card's and the inventory's
    /// standing ([`standing`]), in the words of secret scanning.
    pub fn of_api_token(token: &ApiToken, now: DateTime<Utc>) -> Status {
        Status::of_standing(standing(token.enabled, token.expiration_date, now))
    }

    /// What an ActiveGate token's metadata says (it has no `enabled` flag).
    pub fn of_active_gate_token(token: &ActiveGateToken, now: DateTime<Utc>) -> Status {
        Status::of_standing(standing(None, token.expiration_date, now))
    }

    fn of_standing(standing: Standing) -> Status {
        match standing {
            Standing::Disabled => Status::Inactive(Inactive::Disabled),
            Standing::Expired => Status::Inactive(Inactive::Expired),
            Standing::ExpiringSoon | Standing::Active => Status::Active,
        }
    }

    /// What an error means for the token checked; `None` for a check that was cancelled (the
    /// token is then simply not checked).
    pub fn of_error(error: &ApiError, how: How) -> Option<Status> {
        Some(match (error, how) {
            (ApiError::Aborted, _) => return None,
            (ApiError::Unauthorized { .. }, How::Itself) => {
                Status::Inactive(Inactive::Unauthorized)
            }
            (ApiError::Forbidden { .. }, How::Itself) => Status::Active,
            (ApiError::Unauthorized { .. } | ApiError::Forbidden { .. }, How::WithAccessToken) => {
                Status::Unknown(Unknown::AccessToken)
            }
            (ApiError::NotFound, _) => Status::Inactive(Inactive::NotFound),
            (ApiError::RateLimited { .. }, _) => Status::Unknown(Unknown::RateLimited),
            (ApiError::Server { .. }, _) => Status::Unknown(Unknown::ServerError),
            (
                ApiError::Network {
                    cross_origin: true, ..
                },
                _,
            ) => Status::Unknown(Unknown::Cors),
            (ApiError::Network { .. }, _) => Status::Unknown(Unknown::Network),
            (ApiError::Offline, _) => Status::Unknown(Unknown::Offline),
            (ApiError::Timeout { .. }, _) => Status::Unknown(Unknown::Timeout),
            (
                ApiError::BadRequest { .. }
                | ApiError::UnexpectedStatus { .. }
                | ApiError::NotJson { .. }
                | ApiError::EmptyBody { .. }
                | ApiError::BrokenJson { .. }
                | ApiError::UnexpectedShape { .. },
                _,
            ) => Status::Unknown(Unknown::Unreadable),
        })
    }

    /// `active`, `inactive` or `unknown`.
    pub fn word(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive(_) => "inactive",
            Status::Unknown(_) => "unknown",
        }
    }

    /// The reason in a few words (empty for active): for a table cell, a filter and an export.
    pub fn reason(self) -> &'static str {
        match self {
            Status::Active => "",
            Status::Inactive(i) => match i {
                Inactive::Unauthorized => "401: does not authenticate",
                Inactive::Disabled => "disabled",
                Inactive::Expired => "expired",
                Inactive::NotFound => "unknown to that environment",
            },
            Status::Unknown(u) => match u {
                Unknown::Network => "network error",
                Unknown::Cors => "blocked by the browser (CORS)",
                Unknown::Offline => "offline",
                Unknown::Timeout => "timeout",
                Unknown::ServerError => "server error (5xx)",
                Unknown::RateLimited => "rate limited, gave up",
                Unknown::AccessToken => "the access token was refused",
                Unknown::AccessTokenNotSendable => "the access token can't be sent",
                Unknown::Unreadable => "unreadable answer",
                Unknown::NotCheckable => "no look-up for this kind",
                Unknown::NeedsAccessToken => "needs an access token",
            },
        }
    }

    /// `active`, `inactive: expired`, `unknown: timeout`.
    pub fn label(self) -> String {
        match self.reason() {
            "" => self.word().to_owned(),
            reason => [self.word(), ": ", reason].concat(),
        }
    }

    /// A stable key for filters and data attributes: `active`, `inactive-expired`, ...
    pub fn key(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive(i) => match i {
                Inactive::Unauthorized => "inactive-401",
                Inactive::Disabled => "inactive-disabled",
                Inactive::Expired => "inactive-expired",
                Inactive::NotFound => "inactive-404",
            },
            Status::Unknown(u) => match u {
                Unknown::Network => "unknown-network",
                Unknown::Cors => "unknown-cors",
                Unknown::Offline => "unknown-offline",
                Unknown::Timeout => "unknown-timeout",
                Unknown::ServerError => "unknown-5xx",
                Unknown::RateLimited => "unknown-429",
                Unknown::AccessToken => "unknown-access-token",
                Unknown::AccessTokenNotSendable => "unknown-access-token-not-sendable",
                Unknown::Unreadable => "unknown-answer",
                Unknown::NotCheckable => "unknown-not-checkable",
                Unknown::NeedsAccessToken => "unknown-needs-access-token",
            },
        }
    }

    /// One sentence: what it means and what to do.
    pub fn explanation(self) -> &'static str {
        match self {
            Status::Active => "It authenticates: treat it as exposed and follow the checklist.",
            Status::Inactive(i) => match i {
                Inactive::Unauthorized => "Dynatrace refused it (401): wrong, revoked, disabled, expired, or from another environment. Check it against the environment it came from before closing the case.",
                Inactive::Disabled => "It exists but is disabled: it cannot be used until someone enables it again. Delete it.",
                Inactive::Expired => "It has expired and no longer authenticates; Dynatrace deletes it about 7 days later.",
                Inactive::NotFound => "That environment does not know it (404): never existed there, deleted, or from another environment.",
            },
            Status::Unknown(u) => match u {
                Unknown::Network => "The call got no answer: the environment or a proxy may be down. Try again.",
                Unknown::Cors => "The browser blocked the call (CORS): serve this page behind a same-origin proxy.",
                Unknown::Offline => "The browser is offline.",
                Unknown::Timeout => "No answer in time. Try again, or with lower concurrency.",
                Unknown::ServerError => "The environment answered with a server error (5xx). Try again later.",
                Unknown::RateLimited => "Dynatrace kept answering 429 until the retries gave up. Try again later, or with lower concurrency.",
                Unknown::AccessToken => "The access token used to read IDs was refused or lacks the scope (apiTokens.read, activeGateTokenManagement.read).",
                Unknown::AccessTokenNotSendable => "The access token in the settings holds a character an HTTP header cannot carry (a space, a line break, a character outside plain ASCII), so it was not sent: correct it (the settings say where), then check again.",
                Unknown::Unreadable => "The answer was not what Dynatrace sends (an HTML page, broken JSON, an unexpected status): a proxy or login page may be in the way.",
                Unknown::NotCheckable => "Dynatrace has no look-up for this kind of token: check it where it was issued.",
                Unknown::NeedsAccessToken => "An ID or ActiveGate token is read with an access token, and the access token is only sent to the environment in the settings: give one there, or put this token's environment in the settings, then check again.",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::Duration;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn metadata_decides_active_disabled_expired() {
        let mut t = ApiToken {
            enabled: Some(true),
            ..ApiToken::default()
        };
        assert_eq!(Status::of_api_token(&t, now()), Status::Active);
        t.expiration_date = Some(now());
        assert_eq!(
            Status::of_api_token(&t, now()),
            Status::Inactive(Inactive::Expired)
        );
        t.enabled = Some(false);
        assert_eq!(
            Status::of_api_token(&t, now()),
            Status::Inactive(Inactive::Disabled)
        );
        let mut g = ActiveGateToken::default();
        assert_eq!(Status::of_active_gate_token(&g, now()), Status::Active);
        g.expiration_date = Some(now() - chrono::Duration::days(1));
        assert_eq!(
            Status::of_active_gate_token(&g, now()),
            Status::Inactive(Inactive::Expired)
        );
    }

    #[test]
    fn errors_by_how_the_check_was_made() {
        let unauthorized = ApiError::Unauthorized { message: None };
        let forbidden = ApiError::Forbidden {
            missing_scope: None,
            message: None,
        };
        use How::*;
        assert_eq!(
            Status::of_error(&unauthorized, Itself),
            Some(Status::Inactive(Inactive::Unauthorized))
        );
        assert_eq!(Status::of_error(&forbidden, Itself), Some(Status::Active));
        assert_eq!(
            Status::of_error(&unauthorized, WithAccessToken),
            Some(Status::Unknown(Unknown::AccessToken))
        );
        assert_eq!(
            Status::of_error(&forbidden, WithAccessToken),
            Some(Status::Unknown(Unknown::AccessToken))
        );
        let cases = [
            (ApiError::NotFound, Status::Inactive(Inactive::NotFound)),
            (
                ApiError::RateLimited { retry_after: None },
                Status::Unknown(Unknown::RateLimited),
            ),
            (
                ApiError::Server {
                    status: 503,
                    message: None,
                },
                Status::Unknown(Unknown::ServerError),
            ),
            (ApiError::network("x", true), Status::Unknown(Unknown::Cors)),
            (
                ApiError::network("x", false),
                Status::Unknown(Unknown::Network),
            ),
            (ApiError::Offline, Status::Unknown(Unknown::Offline)),
            (
                ApiError::Timeout {
                    after: Duration::from_secs(1),
                },
                Status::Unknown(Unknown::Timeout),
            ),
            (
                ApiError::EmptyBody { status: 200 },
                Status::Unknown(Unknown::Unreadable),
            ),
        ];
        for (error, status) in cases {
            assert_eq!(Status::of_error(&error, Itself), Some(status));
            assert_eq!(Status::of_error(&error, WithAccessToken), Some(status));
        }
        assert_eq!(Status::of_error(&ApiError::Aborted, Itself), None);
    }

    #[test]
    fn every_status_says_its_reason() {
        let all = [
            Status::Active,
            Status::Inactive(Inactive::Unauthorized),
            Status::Inactive(Inactive::Disabled),
            Status::Inactive(Inactive::Expired),
            Status::Inactive(Inactive::NotFound),
            Status::Unknown(Unknown::Network),
            Status::Unknown(Unknown::Cors),
            Status::Unknown(Unknown::Offline),
            Status::Unknown(Unknown::Timeout),
            Status::Unknown(Unknown::ServerError),
            Status::Unknown(Unknown::RateLimited),
            Status::Unknown(Unknown::AccessToken),
            Status::Unknown(Unknown::AccessTokenNotSendable),
            Status::Unknown(Unknown::Unreadable),
            Status::Unknown(Unknown::NotCheckable),
            Status::Unknown(Unknown::NeedsAccessToken),
        ];
        let mut keys: Vec<_> = all.iter().map(|s| s.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        for s in all {
            assert!(s.key().starts_with(s.word()));
            assert_eq!(s.reason().is_empty(), s == Status::Active);
            assert!(!s.explanation().is_empty());
        }
        assert_eq!(
            Status::Inactive(Inactive::Expired).label(),
            "inactive: expired"
        );
    }
}
