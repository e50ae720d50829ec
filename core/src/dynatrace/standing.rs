//! Where a token stands: disabled, expired, expiring soon or active. One rule for the card's
//! status line, the inventory and the scan, so that a token never reads "Active" in one view
//! and "Expired" in another.
//!
//! Disabled wins over the dates: a switched-off token cannot authenticate whatever its expiry.
//! "Expiring soon" is the card's week ([`crate::time::EXPIRES_SOON`]), the time left to rotate
//! before whatever uses the token breaks; the audit's wider "expires within 30 days" finding is
//! a planning horizon, not a status (see [`crate::audit`]).

use chrono::{DateTime, Utc};

use crate::time::{expiry_status, Expiry};

/// How a token stands, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    Disabled,
    Expired,
    ExpiringSoon,
    Active,
}

/// `enabled`: `Some(false)` for a disabled v2 token or a revoked v1 token, `None` where the
/// API has no such flag (ActiveGate tokens) or did not send it.
pub fn standing(
    enabled: Option<bool>,
    expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Standing {
    if enabled == Some(false) {
        return Standing::Disabled;
    }
    match expiry_status(expires, now) {
        Expiry::Expired { .. } => Standing::Expired,
        Expiry::ExpiresSoon { .. } => Standing::ExpiringSoon,
        Expiry::Never | Expiry::Valid { .. } => Standing::Active,
    }
}

impl Standing {
    /// The headline: "Disabled", "Expired", "Expiring soon", "Active".
    pub fn label(self) -> &'static str {
        match self {
            Standing::Disabled => "Disabled",
            Standing::Expired => "Expired",
            Standing::ExpiringSoon => "Expiring soon",
            Standing::Active => "Active",
        }
    }

    /// The name a program reads (the widget's `dt-token-checked` event): `disabled`, `expired`,
    /// `expiringSoon`, `active`.
    pub fn key(self) -> &'static str {
        match self {
            Standing::Disabled => "disabled",
            Standing::Expired => "expired",
            Standing::ExpiringSoon => "expiringSoon",
            Standing::Active => "active",
        }
    }

    /// The `data-tone` every view draws it with: `bad`, `warn` or `ok`.
    pub fn tone(self) -> &'static str {
        match self {
            Standing::Disabled | Standing::Expired => "bad",
            Standing::ExpiringSoon => "warn",
            Standing::Active => "ok",
        }
    }

    /// Whether the token can authenticate, as far as its metadata goes.
    pub fn is_usable(self) -> bool {
        matches!(self, Standing::ExpiringSoon | Standing::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    #[test]
    fn disabled_first_then_the_dates() {
        let n = now();
        let past = Some(n - Duration::days(1));
        let soon = Some(n + Duration::days(7));
        let later = Some(n + Duration::days(7) + Duration::seconds(1));
        assert_eq!(standing(Some(false), None, n), Standing::Disabled);
        assert_eq!(standing(Some(false), past, n), Standing::Disabled);
        assert_eq!(standing(Some(true), past, n), Standing::Expired);
        assert_eq!(standing(None, Some(n), n), Standing::Expired);
        assert_eq!(standing(None, soon, n), Standing::ExpiringSoon);
        assert_eq!(standing(Some(true), later, n), Standing::Active);
        assert_eq!(standing(None, None, n), Standing::Active);
    }

    #[test]
    fn words_and_tones() {
        let all = [
            Standing::Disabled,
            Standing::Expired,
            Standing::ExpiringSoon,
            Standing::Active,
        ];
        let labels: Vec<_> = all.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["Disabled", "Expired", "Expiring soon", "Active"]);
        let tones: Vec<_> = all.iter().map(|s| s.tone()).collect();
        assert_eq!(tones, ["bad", "bad", "warn", "ok"]);
        let usable: Vec<_> = all.iter().map(|s| s.is_usable()).collect();
        assert_eq!(usable, [false, false, true, true]);
    }
}
