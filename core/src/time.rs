//! Relative times with an injected `now`, so that "expires in 3 days" is exact in tests.

use chrono::{DateTime, Duration, Utc};

/// Within this window before expiry a token counts as "expiring soon": a week leaves time to
/// rotate it before whatever uses it breaks.
pub const EXPIRES_SOON: Duration = Duration::days(7);

/// `t` relative to `now`: "just now", "in 5 minutes", "3 days ago", "in 2 months".
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = t.signed_duration_since(now);
    let future = delta > Duration::zero();
    let secs = delta.num_seconds().unsigned_abs();
    if secs < 45 {
        return "just now".to_owned();
    }
    let amount = span(secs);
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// A positive span in the largest unit that fits, rounded: "5 minutes", "3 days", "1 year".
fn span(secs: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 365 * DAY;
    let (n, unit) = match secs {
        s if s < 90 => (1, "minute"),
        s if s < 45 * MINUTE => (round(s, MINUTE), "minute"),
        s if s < 90 * MINUTE => (1, "hour"),
        s if s < 22 * HOUR => (round(s, HOUR), "hour"),
        s if s < 36 * HOUR => (1, "day"),
        s if s < 26 * DAY => (round(s, DAY), "day"),
        s if s < 45 * DAY => (1, "month"),
        s if s < 320 * DAY => (round(s, MONTH), "month"),
        s if s < 548 * DAY => (1, "year"),
        s => (round(s, YEAR), "year"),
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

fn round(value: u64, unit: u64) -> u64 {
    (value + unit / 2) / unit
}

/// Where a token stands against its expiration date, with the distance from `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// No expiration date: the token never expires.
    Never,
    /// Expired `ago` before `now` (an expiration date equal to `now` counts as expired: the
    /// token no longer authenticates).
    Expired { ago: Duration },
    /// Expires within [`EXPIRES_SOON`] (7 days, inclusive).
    ExpiresSoon { in_: Duration },
    /// Expires later than that.
    Valid { in_: Duration },
}

impl Expiry {
    /// Whether the token can still authenticate, as far as its expiration date goes.
    pub fn is_usable(self) -> bool {
        !matches!(self, Expiry::Expired { .. })
    }
}

pub fn expiry_status(expiration: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Expiry {
    match expiration {
        None => Expiry::Never,
        Some(at) if at <= now => Expiry::Expired { ago: now - at },
        Some(at) if at - now <= EXPIRES_SOON => Expiry::ExpiresSoon { in_: at - now },
        Some(at) => Expiry::Valid { in_: at - now },
    }
}

/// "never expires", "expires in 3 days", "expired 2 months ago", "expired just now".
pub fn describe_expiry(expiration: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match (expiration, expiry_status(expiration, now)) {
        (Some(at), Expiry::Expired { .. }) => format!("expired {}", relative(at, now)),
        (Some(at), Expiry::ExpiresSoon { .. } | Expiry::Valid { .. }) => {
            format!("expires {}", relative(at, now))
        }
        _ => "never expires".to_owned(),
    }
}

/// "never used" or "last used 3 days ago".
pub fn describe_last_use(last_used: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match last_used {
        None => "never used".to_owned(),
        Some(at) => format!("last used {}", relative(at, now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    #[test]
    fn relative_times_read_naturally() {
        let n = now();
        let cases = [
            (Duration::seconds(10), "just now"),
            (Duration::seconds(-30), "just now"),
            (Duration::minutes(5), "in 5 minutes"),
            (Duration::minutes(-1), "1 minute ago"),
            (Duration::hours(3), "in 3 hours"),
            (Duration::hours(-26), "1 day ago"),
            (Duration::days(3), "in 3 days"),
            (Duration::days(-61), "2 months ago"),
            (Duration::days(400), "in 1 year"),
            (Duration::days(-1100), "3 years ago"),
        ];
        for (offset, expected) in cases {
            assert_eq!(relative(n + offset, n), expected, "offset {offset}");
        }
    }

    #[test]
    fn unit_boundaries() {
        let n = now();
        let cases = [
            (Duration::seconds(44), "just now"),
            (Duration::seconds(45), "in 1 minute"),
            (Duration::seconds(89), "in 1 minute"),
            (Duration::seconds(90), "in 2 minutes"),
            (Duration::minutes(44), "in 44 minutes"),
            (Duration::minutes(45), "in 1 hour"),
            (Duration::minutes(-90), "2 hours ago"),
            (Duration::hours(21), "in 21 hours"),
            (Duration::hours(22), "in 1 day"),
            (Duration::hours(36), "in 2 days"),
            (Duration::days(25), "in 25 days"),
            (Duration::days(26), "in 1 month"),
            (Duration::days(-45), "2 months ago"),
            (Duration::days(319), "in 11 months"),
            (Duration::days(320), "in 1 year"),
            (Duration::days(548), "in 2 years"),
        ];
        for (offset, expected) in cases {
            assert_eq!(relative(n + offset, n), expected, "offset {offset}");
        }
    }

    #[test]
    fn expiry_is_classified_against_now() {
        let n = now();
        assert_eq!(expiry_status(None, n), Expiry::Never);
        assert_eq!(
            expiry_status(Some(n - Duration::days(2)), n),
            Expiry::Expired {
                ago: Duration::days(2)
            }
        );
        assert_eq!(
            expiry_status(Some(n), n),
            Expiry::Expired {
                ago: Duration::zero()
            }
        );
        assert_eq!(
            expiry_status(Some(n + Duration::days(3)), n),
            Expiry::ExpiresSoon {
                in_: Duration::days(3)
            }
        );
        assert_eq!(
            expiry_status(Some(n + Duration::days(7)), n),
            Expiry::ExpiresSoon {
                in_: Duration::days(7)
            }
        );
        assert_eq!(
            expiry_status(Some(n + Duration::days(7) + Duration::seconds(1)), n),
            Expiry::Valid {
                in_: Duration::days(7) + Duration::seconds(1)
            }
        );
        assert!(
            Expiry::Never.is_usable()
                && !Expiry::Expired {
                    ago: Duration::zero()
                }
                .is_usable()
        );
    }

    #[test]
    fn expiry_descriptions() {
        let n = now();
        assert_eq!(describe_expiry(None, n), "never expires");
        assert_eq!(
            describe_expiry(Some(n + Duration::days(3)), n),
            "expires in 3 days"
        );
        assert_eq!(
            describe_expiry(Some(n + Duration::minutes(5)), n),
            "expires in 5 minutes"
        );
        assert_eq!(
            describe_expiry(Some(n + Duration::days(400)), n),
            "expires in 1 year"
        );
        assert_eq!(
            describe_expiry(Some(n - Duration::days(60)), n),
            "expired 2 months ago"
        );
        assert_eq!(describe_expiry(Some(n), n), "expired just now");
        assert_eq!(describe_last_use(None, n), "never used");
        assert_eq!(
            describe_last_use(Some(n - Duration::hours(26)), n),
            "last used 1 day ago"
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let n = now();
        let far = [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC];
        for t in far {
            assert!(!relative(t, n).is_empty());
            assert!(!describe_expiry(Some(t), n).is_empty());
            assert!(!relative(n, t).is_empty());
        }
        // Both ends at once: the widest span chrono has, either way round.
        let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(describe_expiry(Some(max), min), "expires in 524634 years");
        assert_eq!(describe_expiry(Some(min), max), "expired 524634 years ago");
        assert_eq!(
            describe_last_use(Some(min), max),
            "last used 524634 years ago"
        );
        assert!(expiry_status(Some(max), min).is_usable());
    }

    proptest::proptest! {
        /// Any expiry and any `now` in chrono's range: a status and a sentence, never a panic
        /// (the arithmetic is on spans of at most ~525,000 years, far inside `TimeDelta`).
        #[test]
        fn any_dates_in_range_never_panic(
            a in DateTime::<Utc>::MIN_UTC.timestamp_millis()..=DateTime::<Utc>::MAX_UTC.timestamp_millis(),
            b in DateTime::<Utc>::MIN_UTC.timestamp_millis()..=DateTime::<Utc>::MAX_UTC.timestamp_millis(),
        ) {
            use chrono::TimeZone;
            let (at, now) = (Utc.timestamp_millis_opt(a).unwrap(), Utc.timestamp_millis_opt(b).unwrap());
            let status = expiry_status(Some(at), now);
            proptest::prop_assert_eq!(status.is_usable(), at > now);
            proptest::prop_assert!(!describe_expiry(Some(at), now).is_empty());
            proptest::prop_assert!(!describe_last_use(Some(at), now).is_empty());
        }
    }
}
