//! The few date formats the token API and HTTP use, read and written by hand.
//!
//! Why not chrono's parsers: `parse_from_str`, `parse_from_rfc3339` and `parse_from_rfc2822` bring
//! chrono's whole format engine into the page (about 40 KB of wasm before compression), for
//! four fixed layouts. chrono stays for the `DateTime` type and its arithmetic, which are small.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// An ISO 8601 / RFC 3339 timestamp as Dynatrace and its examples write it, leniently:
/// `2020-11-05T08:15:30.144Z`, `T` or a space, `t`/`z` in lower case, seconds and fractions
/// optional, zone `Z`, `+01:00`, `+0100`, `+01` or none (which means UTC), or a date alone
/// (midnight UTC). `None` for anything else, including impossible dates like February 30.
pub fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    let mut s = Cursor(text.as_bytes());
    // ISO 8601 expanded years (`+010000`, `-000001`) are what `format_iso_millis` writes outside
    // 0000..=9999, so they read back.
    let year = if s.eat(b'+') {
        s.digits(6)? as i32
    } else if s.eat(b'-') {
        -(s.digits(6)? as i32)
    } else {
        s.digits(4)? as i32
    };
    s.expect(b'-')?;
    let month = s.digits(2)?;
    s.expect(b'-')?;
    let day = s.digits(2)?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    if s.is_empty() {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc());
    }
    match s.next()? {
        b'T' | b't' | b' ' => {}
        _ => return None,
    }
    let hour = s.digits(2)?;
    s.expect(b':')?;
    let minute = s.digits(2)?;
    let (mut second, mut nanos) = (0, 0);
    if s.eat(b':') {
        second = s.digits(2)?;
        if s.eat(b'.') || s.eat(b',') {
            nanos = s.fraction()?;
        }
    }
    // A leap second (:60) is read as the last instant of its minute, as chrono does.
    let (second, nanos) = if second == 60 {
        (59, 999_999_999)
    } else {
        (second, nanos)
    };
    let offset = match s.next() {
        None => 0,
        Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let hours = s.digits(2)? as i32;
            let minutes = if s.is_empty() {
                0
            } else {
                s.eat(b':');
                s.digits(2)? as i32
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        Some(_) => return None,
    };
    if !s.is_empty() {
        return None;
    }
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    // Checked: at chrono's limits (`-262143-01-01T00:00+01:00`) the offset moves the instant out
    // of range, which is not a date either.
    Utc.from_utc_datetime(&local)
        .checked_sub_signed(chrono::Duration::seconds(i64::from(offset)))
}

/// An HTTP date (`Retry-After`, RFC 9110 §5.6.7): the preferred IMF-fixdate
/// `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete forms a recipient must still accept, RFC 850
/// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`. The weekday is
/// not checked against the date (servers get it wrong; the date is what counts).
pub fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    let words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let (day, month, year, time) = match words.as_slice() {
        // IMF-fixdate: weekday, day month year time zone.
        [_, day, month, year, time, zone] if is_gmt(zone) => (*day, *month, *year, *time),
        // RFC 850: weekday, day-month-yy time zone.
        [_, dmy, time, zone] if is_gmt(zone) => {
            let mut parts = dmy.split('-');
            let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            (day, month, year, *time)
        }
        // asctime: weekday month day time year, no zone (it is GMT by definition).
        [_, month, day, time, year] => (*day, *month, *year, *time),
        _ => return None,
    };
    let day = number(day, 1, 2)?;
    let month = month_number(month)?;
    let year = match year.len() {
        4 => number(year, 4, 4)? as i32,
        // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
        2 => {
            let yy = number(year, 2, 2)? as i32;
            if yy >= 70 {
                1900 + yy
            } else {
                2000 + yy
            }
        }
        _ => return None,
    };
    let mut t = Cursor(time.as_bytes());
    let hour = t.digits(2)?;
    t.expect(b':')?;
    let minute = t.digits(2)?;
    t.expect(b':')?;
    let second = t.digits(2)?;
    if !t.is_empty() {
        return None;
    }
    let second = second.min(59);
    Some(
        NaiveDate::from_ymd_opt(year, month, day)?
            .and_hms_opt(hour, minute, second)?
            .and_utc(),
    )
}

/// RFC 3339 in UTC with milliseconds, the way the v2 API writes dates:
/// `2020-11-05T08:15:30.144Z`.
pub fn format_iso_millis(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let millis = t.timestamp_subsec_millis().min(999);
    let year = t.year();
    let mut out = String::with_capacity(24);
    if (0..=9999).contains(&year) {
        push_padded(&mut out, year as u32, 4);
    } else {
        // Outside four digits RFC 3339 has no form; ISO 8601's expanded years keep it readable.
        out.push(if year < 0 { '-' } else { '+' });
        push_padded(&mut out, year.unsigned_abs(), 6);
    }
    for (sep, value, width) in [
        ('-', t.month(), 2),
        ('-', t.day(), 2),
        ('T', t.hour(), 2),
        (':', t.minute(), 2),
        (':', t.second(), 2),
        ('.', millis, 3),
    ] {
        out.push(sep);
        push_padded(&mut out, value, width);
    }
    out.push('Z');
    out
}

fn push_padded(out: &mut String, value: u32, width: usize) {
    let digits = value.to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

fn is_gmt(zone: &str) -> bool {
    zone.eq_ignore_ascii_case("GMT") || zone.eq_ignore_ascii_case("UTC") || zone == "Z"
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let position = MONTHS.iter().position(|m| name.eq_ignore_ascii_case(m))?;
    Some(position as u32 + 1)
}

/// A number of `min..=max` ASCII digits and nothing else.
fn number(text: &str, min: usize, max: usize) -> Option<u32> {
    let mut cursor = Cursor(text.as_bytes());
    if !(min..=max).contains(&text.len()) {
        return None;
    }
    cursor.digits(text.len())
}

/// A byte cursor for fixed-layout text; every step returns `None` on a mismatch.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.0.first() == Some(&byte);
        if found {
            self.0 = &self.0[1..];
        }
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let head = self.0.get(..n)?;
        let mut value = 0u32;
        for &b in head {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.0 = &self.0[n..];
        Some(value)
    }

    /// One or more digits of a decimal fraction, as nanoseconds (digits past the ninth are read
    /// and dropped).
    fn fraction(&mut self) -> Option<u32> {
        let count = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        let mut nanos = 0u32;
        for i in 0..9 {
            let digit = self
                .0
                .get(i)
                .filter(|_| i < count)
                .map_or(0, |b| u32::from(b - b'0'));
            nanos = nanos * 10 + digit;
        }
        self.0 = &self.0[count..];
        Some(nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn iso_forms_dynatrace_and_its_examples_use() {
        let expected = utc("2020-11-05T08:15:30Z");
        for text in [
            "2020-11-05T08:15:30Z",
            "2020-11-05T08:15:30.000Z",
            "2020-11-05t08:15:30z",
            "2020-11-05 08:15:30Z",
            "2020-11-05T09:15:30+01:00",
            "2020-11-05T09:15:30.000+0100",
            "2020-11-05T09:15:30+01",
            "2020-11-05T03:45:30-04:30",
            "2020-11-05T08:15:30",
            "2020-11-05T08:15:30,0",
        ] {
            assert_eq!(parse_iso(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse_iso("2020-11-05T08:15Z"),
            Some(utc("2020-11-05T08:15:00Z"))
        );
        assert_eq!(parse_iso("2020-11-05"), Some(utc("2020-11-05T00:00:00Z")));
        assert_eq!(
            parse_iso("2020-11-05T08:15:30.144Z"),
            Some(utc("2020-11-05T08:15:30.144Z"))
        );
        assert_eq!(
            parse_iso("2020-11-05T08:15:30.1234567891234Z"),
            Some(utc("2020-11-05T08:15:30.123456789Z"))
        );
    }

    #[test]
    fn iso_rejects_what_is_not_a_date() {
        for text in [
            "",
            "yesterday",
            "2020-02-30",
            "2020-13-01",
            "2020-11-05T24:00:00Z",
            "2020-11-05T08:61:00Z",
            "2020-11-05T08:15:30.Z",
            "2020-11-05T08:15:30+25:00",
            "2020-11-05T08:15:30Zjunk",
            "2020-11-05X08:15:30Z",
            "20201105T081530Z",
            "2020-1-5",
            "１２３４-11-05",
        ] {
            assert_eq!(parse_iso(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_three_http_date_forms() {
        let expected = utc("1994-11-06T08:49:37Z");
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "sun, 06 nov 1994 08:49:37 gmt",
        ] {
            assert_eq!(parse_http_date(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse_http_date("Sunday, 22-Nov-26 12:00:10 GMT"),
            Some(utc("2026-11-22T12:00:10Z"))
        );
        for text in [
            "",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 CET",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(text), None, "{text:?}");
        }
    }

    /// A date in expanded-year form as `parse_iso` reads it.
    fn iso_date(date: NaiveDate) -> String {
        use chrono::Datelike;
        let year = date.year();
        let year = if (0..=9999).contains(&year) {
            format!("{year:04}")
        } else {
            format!(
                "{}{:06}",
                if year < 0 { '-' } else { '+' },
                year.unsigned_abs()
            )
        };
        format!("{year}-{:02}-{:02}", date.month(), date.day())
    }

    #[test]
    fn dates_at_chronos_limits_are_none_not_a_panic() {
        let min = chrono::DateTime::<Utc>::MIN_UTC;
        let max = chrono::DateTime::<Utc>::MAX_UTC;
        for text in [
            "-262143-01-01T00:00+01:00",
            "-262143-01-01T00:00:00.000000000+23:59",
            "+262142-12-31T23:59:59-01:00",
            "+262142-12-31T23:59:59.999999999-23:59",
            "+262143-12-31T23:59:59-01:00",
            "+262143-12-31T23:59:60-01:00",
            "+999999-12-31T23:59:59Z",
            "-999999-01-01T00:00:00Z",
        ] {
            let parsed = parse_iso(text);
            assert!(
                parsed.is_none_or(|t| (min..=max).contains(&t)),
                "{text}: {parsed:?}"
            );
        }
        // At the limits themselves, with a zone that keeps them in range, the instant is read.
        assert_eq!(parse_iso("+262142-12-31T23:59:59.999999999Z"), Some(max));
        assert_eq!(parse_iso("-262143-01-01T00:00:00Z"), Some(min));
        assert_eq!(
            parse_iso("-262143-01-01T00:00:00-01:00"),
            Some(min + chrono::Duration::hours(1))
        );
        assert_eq!(parse_iso("-262143-01-01T00:00+01:00"), None);
        assert_eq!(parse_iso("+262142-12-31T23:59:59-01:00"), None);
        // A leap second and a fraction far past nanoseconds, at the top of the range.
        assert_eq!(
            parse_iso("+262142-12-31T23:59:60.123456789123456789Z"),
            Some(max)
        );
        assert_eq!(
            parse_iso("+262142-12-31T22:59:60.5+00:00").map(|t| t.timestamp()),
            Some(max.timestamp() - 3600)
        );
    }

    #[test]
    fn formats_like_the_v2_api() {
        assert_eq!(
            format_iso_millis(utc("2020-11-05T08:15:30.144Z")),
            "2020-11-05T08:15:30.144Z"
        );
        assert_eq!(
            format_iso_millis(utc("0999-01-02T03:04:05Z")),
            "0999-01-02T03:04:05.000Z"
        );
    }

    proptest! {
        /// What we write, we read; and it agrees with chrono's own RFC 3339 writer and reader.
        #[test]
        fn round_trips_and_agrees_with_chrono(ms in -62_135_596_800_000i64..253_402_300_799_999) {
            let t = Utc.timestamp_millis_opt(ms).single().unwrap();
            let text = format_iso_millis(t);
            prop_assert_eq!(&text, &t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
            prop_assert_eq!(parse_iso(&text), Some(t));
        }

        /// Across chrono's whole range, expanded years included.
        #[test]
        fn every_representable_instant_round_trips(ms in -8_210_266_876_800_000i64..8_210_298_412_799_999) {
            if let Some(t) = Utc.timestamp_millis_opt(ms).single() {
                prop_assert_eq!(parse_iso(&format_iso_millis(t)), Some(t));
            }
        }

        /// Any offset form names the same instant as chrono reads it.
        #[test]
        fn offsets_agree_with_chrono(ms in 0i64..4_102_444_800_000, offset_min in -(23 * 60 + 59)..(23 * 60 + 59)) {
            let t = Utc.timestamp_millis_opt(ms).single().unwrap();
            let zone = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
            let text = t.with_timezone(&zone).to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
            prop_assert_eq!(parse_iso(&text), Some(t));
        }

        /// Any instant in chrono's range, written with any offset, fraction and form, reads as
        /// the instant or as `None` (when the offset carries it past the range), never a panic.
        #[test]
        fn any_offset_at_any_instant_never_panics(
            secs in chrono::DateTime::<Utc>::MIN_UTC.timestamp()..=chrono::DateTime::<Utc>::MAX_UTC.timestamp(),
            offset_min in -(23 * 60 + 59)..=(23 * 60 + 59i32),
            fraction in "[0-9]{1,30}",
            leap in proptest::bool::ANY,
        ) {
            let t = Utc.timestamp_opt(secs, 0).single().unwrap();
            let zone = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
            // A local time outside the range cannot be written; the instant is still tested
            // with the other offsets.
            let local = t.naive_utc().checked_add_signed(chrono::Duration::seconds(i64::from(offset_min) * 60));
            prop_assume!(local.is_some());
            let local = local.unwrap();
            let second = if leap { "60".to_owned() } else { local.format("%S").to_string() };
            let text = format!(
                "{}T{}:{second}.{fraction}{}",
                iso_date(local.date()),
                local.format("%H:%M"),
                zone,
            );
            let parsed = parse_iso(&text);
            if !leap {
                prop_assert!(parsed.is_none_or(|p| p.timestamp() == secs), "{text}: {parsed:?}");
            }
        }

        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse_iso(&text);
            let _ = parse_http_date(&text);
        }
    }
}
