//! When to ask again after a refused or failed call: `Retry-After` read the one way
//! ([`parse_retry_after`], which [`decode_response`](super::decode_response) uses for 429s), and
//! exponential back-off with full jitter when the server names no time ([`Policy`]).
//!
//! Pure: `now` and the random value are passed in, so every wait is exact in tests. Why full
//! jitter (a wait anywhere between zero and the exponential ceiling) rather than the ceiling
//! itself: several look-ups refused at once would otherwise all come back at once and be
//! refused again; spread over the whole window they arrive one by one (AWS Architecture Blog,
//! "Exponential Backoff And Jitter"). A server's own `Retry-After` is honoured as it is: it
//! knows when its limit resets.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The longest `Retry-After` believed. A server asking for more (or a broken header: a
/// timestamp in seconds, a date years ahead) would stall a scan for good; after this long the
/// person is better served by "could not check, rate limited" than by a frozen progress bar.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10 * 60);

/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds (digits only) or an HTTP date, whose wait
/// is counted from `now` (a date already past means "now": zero). Capped at
/// [`MAX_RETRY_AFTER`]. Anything else (`soon`, `-5`, `1.5`, `+5`, empty) is `None`: no advice,
/// so the caller falls back to its back-off.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time": the cap, not garbage.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let at = crate::date::parse_http_date(value)?;
    let wait = (at - now).to_std().unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_RETRY_AFTER))
}

/// Whether an HTTP status is worth asking again: 429 (rate limited) and the gateway answers
/// that say "not now" (502, 503, 504). Everything else is an answer: asking again gives the
/// same one.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// How often and how long to wait before asking again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Calls in all, the first included: 4 means the first call and up to 3 retries.
    pub max_attempts: u32,
    /// The ceiling of the first retry's wait; it doubles with each retry.
    pub base: Duration,
    /// The ceiling never grows past this.
    pub cap: Duration,
}

impl Default for Policy {
    /// 4 calls, waits drawn from up to 0.5 s, 1 s, 2 s: a short burst of 429s passes, a
    /// server that keeps refusing is reported within a few seconds.
    fn default() -> Self {
        Policy {
            max_attempts: 4,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

/// What to do after a failed call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Wait this long, then call again.
    After(Duration),
    /// The attempts are used up: report the failure.
    GiveUp,
}

impl Policy {
    /// The exponential ceiling for the `retry`-th retry (0 for the first): `base · 2^retry`,
    /// at most `cap`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let base = u64::try_from(self.base.as_millis()).unwrap_or(u64::MAX);
        let cap = u64::try_from(self.cap.as_millis()).unwrap_or(u64::MAX);
        let grown = base
            .checked_shl(retry.min(63))
            .filter(|g| g >> retry.min(63) == base);
        Duration::from_millis(grown.unwrap_or(u64::MAX).min(cap))
    }

    /// Full jitter: a wait in `[0, ceiling(retry))`, where `random` is a value in `[0, 1)`
    /// from the caller (`Math.random()` in the page). A value outside that range (or NaN) is
    /// clamped into it, so a bad source still gives a wait within the ceiling.
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let r = if random.is_nan() {
            0.0
        } else {
            random.clamp(0.0, 1.0)
        };
        let ceiling = self.ceiling(retry).as_millis() as f64;
        // `r` may be exactly 1.0 after clamping; the ceiling itself is still a fair wait.
        Duration::from_millis((ceiling * r) as u64)
    }

    /// After `attempts` calls have failed (1 after the first): the server's `Retry-After` if it
    /// sent one (already read by [`parse_retry_after`]), else a back-off; or give up when
    /// `max_attempts` calls have been made.
    pub fn after_failure(
        &self,
        attempts: u32,
        retry_after: Option<Duration>,
        random: f64,
    ) -> Retry {
        if attempts >= self.max_attempts {
            return Retry::GiveUp;
        }
        Retry::After(match retry_after {
            Some(wait) => wait.min(MAX_RETRY_AFTER),
            None => self.backoff(attempts.saturating_sub(1), random),
        })
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
    fn retry_after_in_seconds() {
        let n = now();
        assert_eq!(parse_retry_after("120", n), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", n), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("007", n), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("600", n), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("601", n), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("1700000000", n), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("99999999999999999999999999", n),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn retry_after_as_a_date() {
        let n = now();
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 12:01:00 GMT", n),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Sunday, 22-Nov-26 12:00:10 GMT", n),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun Nov 22 12:00:05 2026", n),
            Some(Duration::from_secs(5))
        );
        // Past: go now. Far ahead: the cap.
        assert_eq!(
            parse_retry_after("Sun, 22 Nov 2026 11:00:00 GMT", n),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Fri, 22 Nov 2030 12:00:00 GMT", n),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn garbage_is_no_advice() {
        let n = now();
        for value in [
            "",
            "  ",
            "soon",
            "-5",
            "+5",
            "1.5",
            "5s",
            "0x10",
            "٣",
            "5 5",
            "Sun, 22 Nov 2026",
            "Sun, 32 Nov 2026 12:00:00 GMT",
            "Sun, 22 Nov 2026 12:00:00 CET",
        ] {
            assert_eq!(parse_retry_after(value, n), None, "{value:?}");
        }
    }

    #[test]
    fn which_statuses_are_worth_asking_again() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [200, 400, 401, 403, 404, 500, 501] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn the_ceiling_doubles_up_to_the_cap() {
        let p = Policy {
            max_attempts: 10,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(5),
        };
        let ceilings: Vec<u64> = (0..6).map(|r| p.ceiling(r).as_millis() as u64).collect();
        assert_eq!(ceilings, [500, 1000, 2000, 4000, 5000, 5000]);
        // Far past any doubling a u64 holds: still the cap, no overflow.
        assert_eq!(p.ceiling(64), Duration::from_secs(5));
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(5));
        let huge = Policy {
            base: Duration::MAX,
            cap: Duration::MAX,
            ..p
        };
        assert_eq!(huge.ceiling(3), Duration::from_millis(u64::MAX));
    }

    #[test]
    fn full_jitter_spreads_over_the_whole_window() {
        let p = Policy::default();
        assert_eq!(p.backoff(0, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(0, 0.5), Duration::from_millis(250));
        assert_eq!(p.backoff(2, 0.25), Duration::from_millis(500));
        assert_eq!(p.backoff(2, 0.999), Duration::from_millis(1998));
        // A bad random source stays inside the window.
        assert_eq!(p.backoff(1, -3.0), Duration::ZERO);
        assert_eq!(p.backoff(1, 7.0), Duration::from_millis(1000));
        assert_eq!(p.backoff(1, f64::NAN), Duration::ZERO);
        assert_eq!(p.backoff(1, f64::INFINITY), Duration::from_millis(1000));
    }

    #[test]
    fn after_a_failure_honour_the_server_then_back_off_then_give_up() {
        let p = Policy::default();
        assert_eq!(
            p.after_failure(1, Some(Duration::from_secs(7)), 0.9),
            Retry::After(Duration::from_secs(7))
        );
        assert_eq!(
            p.after_failure(1, None, 0.5),
            Retry::After(Duration::from_millis(250))
        );
        assert_eq!(
            p.after_failure(2, None, 0.5),
            Retry::After(Duration::from_millis(500))
        );
        assert_eq!(
            p.after_failure(3, None, 0.5),
            Retry::After(Duration::from_millis(1000))
        );
        assert_eq!(p.after_failure(4, None, 0.5), Retry::GiveUp);
        assert_eq!(
            p.after_failure(4, Some(Duration::from_secs(1)), 0.5),
            Retry::GiveUp
        );
        // A wait from elsewhere than parse_retry_after is capped the same way.
        assert_eq!(
            p.after_failure(1, Some(Duration::from_secs(86_400)), 0.5),
            Retry::After(MAX_RETRY_AFTER)
        );
        let once = Policy {
            max_attempts: 1,
            ..p
        };
        assert_eq!(once.after_failure(1, None, 0.5), Retry::GiveUp);
        // Attempts counted from 0 by mistake still give a wait, not a panic.
        assert_eq!(
            p.after_failure(0, None, 0.5),
            Retry::After(Duration::from_millis(250))
        );
    }

    proptest::proptest! {
        #[test]
        fn a_backoff_never_exceeds_its_ceiling(retry in 0u32..200, r in proptest::num::f64::ANY, base in 0u64..100_000, cap in 0u64..10_000_000) {
            let p = Policy { max_attempts: 5, base: Duration::from_millis(base), cap: Duration::from_millis(cap) };
            let wait = p.backoff(retry, r);
            proptest::prop_assert!(wait <= p.ceiling(retry));
            proptest::prop_assert!(p.ceiling(retry) <= Duration::from_millis(cap));
        }

        #[test]
        fn retry_after_never_panics_and_is_capped(value in "\\PC{0,40}") {
            if let Some(wait) = parse_retry_after(&value, now()) {
                proptest::prop_assert!(wait <= MAX_RETRY_AFTER);
            }
        }
    }
}
