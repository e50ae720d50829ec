//! The query languages of the list endpoints, as Dynatrace's spec describes them: page keys,
//! `apiTokenSelector`, `fields`, `sort`, the `from`/`to` timeframe, and the v1 list's filters.
//! Pure functions, public so that the fuzz target (`fuzz/fuzz_targets/sandbox_query.rs`) calls
//! exactly what the handlers call: whatever the query string, the answer is a value or a
//! [`Violation`] (a 400 with a constraint violation), never a panic.

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};

use crate::data::Token;

pub type Pairs = Vec<(String, String)>;

/// A rejected query parameter: its name and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub parameter: &'static str,
    pub message: String,
}

fn violation(parameter: &'static str) -> impl FnOnce(String) -> Violation {
    move |message| Violation { parameter, message }
}

/// What a request to the v2 API token list asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiTokenQuery {
    /// Where the page starts: 0, or what the page key says.
    pub offset: usize,
    /// The first page's parameters (a page key carries them).
    pub params: Pairs,
    pub page_size: usize,
    pub criteria: Vec<Criterion>,
    pub fields: Vec<&'static str>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub sort: Sort,
}

impl ApiTokenQuery {
    /// The raw query string of `GET /api/v2/apiTokens`, at `now` (for `now-2d` and the like).
    pub fn parse(query: Option<&str>, now: DateTime<Utc>) -> Result<Self, Violation> {
        let (offset, params) = paging(pairs(query)).map_err(violation("nextPageKey"))?;
        let param = |name: &str| get(&params, name);
        let time = |name: &'static str| -> Result<Option<DateTime<Utc>>, Violation> {
            param(name)
                .map(|text| {
                    timestamp(text, now).ok_or_else(|| Violation {
                        parameter: name,
                        message: "must be UTC milliseconds, an ISO 8601 time like 2021-01-25T05:57:01.123+01:00, or now-NU/A like now-2d".into(),
                    })
                })
                .transpose()
        };
        Ok(ApiTokenQuery {
            offset,
            page_size: page_size(&params, 100, 10_000, 200).map_err(violation("pageSize"))?,
            criteria: selector(param("apiTokenSelector").unwrap_or_default())
                .map_err(violation("apiTokenSelector"))?,
            fields: fields(param("fields")).map_err(violation("fields"))?,
            from: time("from")?,
            to: time("to")?,
            sort: sort(param("sort")).map_err(violation("sort"))?,
            params,
        })
    }

    pub fn matches(&self, token: &Token) -> bool {
        self.criteria.iter().all(|c| c.matches(token))
            && last_used_within(token, self.from, self.to)
    }
}

/// What a request to the ActiveGate token list asks for: pages of 100 to 3000, 100 by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveGateQuery {
    pub offset: usize,
    pub params: Pairs,
    pub page_size: usize,
}

impl ActiveGateQuery {
    pub fn parse(query: Option<&str>) -> Result<Self, Violation> {
        let (offset, params) = paging(pairs(query)).map_err(violation("nextPageKey"))?;
        let page_size = page_size(&params, 100, 3000, 100).map_err(violation("pageSize"))?;
        Ok(ActiveGateQuery {
            offset,
            params,
            page_size,
        })
    }
}

/// What a request to the v1 token list asks for: `limit`, `user`, every `permissions` (all
/// must match), `from`/`to` in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1Query {
    pub limit: usize,
    pub user: Option<String>,
    pub permissions: Vec<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl V1Query {
    pub fn parse(query: Option<&str>) -> Result<Self, Violation> {
        let params = pairs(query);
        let limit = match get(&params, "limit") {
            None => 1000,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 1_000_000)
                .ok_or_else(|| violation("limit")("must be a number from 0 to 1000000".into()))?,
        };
        let millis = |name: &'static str| -> Result<Option<DateTime<Utc>>, Violation> {
            get(&params, name)
                .map(|v| {
                    v.trim()
                        .parse::<i64>()
                        .ok()
                        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
                        .ok_or_else(|| {
                            violation(name)("must be a timestamp in UTC milliseconds".into())
                        })
                })
                .transpose()
        };
        let mut permissions: Vec<String> = Vec::new();
        for (_, scope) in params.iter().filter(|(k, _)| k == "permissions") {
            if !is_v1_permission(scope) {
                return Err(violation("permissions")(format!(
                    "{scope:?} is not a scope: use scope names like DataExport or apiTokens.read"
                )));
            }
            // The spec's array has unique items: a repeated scope asks nothing more.
            if !permissions.contains(scope) {
                permissions.push(scope.clone());
            }
        }
        Ok(V1Query {
            limit,
            user: get(&params, "user").map(str::to_owned),
            permissions,
            from: millis("from")?,
            to: millis("to")?,
        })
    }

    pub fn matches(&self, token: &Token) -> bool {
        self.user.as_ref().is_none_or(|u| token.owner == *u)
            && self
                .permissions
                .iter()
                .all(|p| token.scopes.iter().any(|s| s == p))
            && last_used_within(token, self.from, self.to)
    }
}

/// Whether the v1 list takes `scope` as a `permissions` value. The parameter is an enum of
/// scopes, which Dynatrace grows between releases: the sandbox takes the enum of Dynatrace's
/// spec (its copy in `core/data/openapi`, release 1.254) and the values Dynatrace's v1 list
/// page names since. (Its own data, not `dt-core`'s catalogue: the sandbox stays independent of
/// the code it tests.)
pub fn is_v1_permission(scope: &str) -> bool {
    static ENUM: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let spec: serde_json::Value = serde_json::from_str(include_str!(
            "../../core/data/openapi/environment-v1-tokens.json"
        ))
        .unwrap_or_default();
        spec.pointer("/paths/~1tokens/get/parameters")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
            .filter(|p| p["name"] == "permissions")
            .filter_map(|p| p.pointer("/schema/items/enum").and_then(|e| e.as_array()))
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    });
    /// On Dynatrace's "Tokens API v1 - GET all tokens" page, not in the 1.254 spec.
    const SINCE_THE_SPEC: &[&str] = &[
        "adaptiveTrafficManagement.read",
        "analyzers.read",
        "analyzers.write",
        "attacks.read",
        "attacks.write",
        "bizevents.ingest",
        "extensionConfigurationActions.write",
        "hub.install",
        "javaScriptMappingFiles.read",
        "javaScriptMappingFiles.write",
        "openpipeline.events",
        "openpipeline.events.custom",
        "openpipeline.events_sdlc",
        "openpipeline.events_sdlc.custom",
        "openpipeline.events_security",
        "openpipeline.events_security.custom",
        "rumCookieNames.read",
        "unifiedAnalysis.read",
    ];
    SINCE_THE_SPEC.contains(&scope) || ENUM.iter().any(|s| s == scope)
}

/// The last-use filter of both list versions: a token never used matches no bound.
pub fn last_used_within(
    token: &Token,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> bool {
    let after_from = from.is_none_or(|from| token.last_used.is_some_and(|used| used >= from));
    let before_to = to.is_none_or(|to| token.last_used.is_some_and(|used| used <= to));
    after_from && before_to
}

/// The query string as name/value pairs, in order, without the `api-token` credential.
pub fn pairs(query: Option<&str>) -> Pairs {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(k, _)| k != "api-token")
                .collect()
        })
        .unwrap_or_default()
}

pub fn get<'a>(params: &'a Pairs, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A page key carries the offset and the first request's query, so a follow-up request needs
/// nothing else (and, as in Dynatrace, may send nothing else).
pub fn page_key(offset: usize, query: &Pairs) -> String {
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query.iter())
        .finish();
    format!("{offset}|{encoded}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn read_page_key(key: &str) -> Option<(usize, Pairs)> {
    if key.len() % 2 != 0 || !key.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..key.len())
        .step_by(2)
        .map(|i| {
            key.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (offset, query) = text.split_once('|')?;
    Some((
        offset.parse().ok()?,
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
    ))
}

/// Resolves `nextPageKey`: the offset and the parameters of the first page. With a key, any
/// other parameter is an error (the parameter names, for the message).
pub fn paging(params: Pairs) -> Result<(usize, Pairs), String> {
    let Some(key) = get(&params, "nextPageKey") else {
        return Ok((0, params));
    };
    let others: Vec<&str> = params
        .iter()
        .filter(|(k, _)| k != "nextPageKey")
        .map(|(k, _)| k.as_str())
        .collect();
    if !others.is_empty() {
        return Err(format!(
            "must be the only query parameter: a follow-up page request carries no other (found: {})",
            others.join(", ")
        ));
    }
    read_page_key(key)
        .ok_or_else(|| "is not a valid page key: use nextPageKey from the previous page".to_owned())
}

/// `pageSize` within `min..=max`, or `default`.
pub fn page_size(params: &Pairs, min: usize, max: usize, default: usize) -> Result<usize, String> {
    match get(params, "pageSize") {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("must be a number from {min} to {max}")),
    }
}

/// One criterion of `apiTokenSelector`; a token must match all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Criterion {
    Owner(String),
    Personal(bool),
    /// Any of these scopes (OR).
    Scope(Vec<String>),
}

impl Criterion {
    pub fn matches(&self, token: &Token) -> bool {
        match self {
            Criterion::Owner(owner) => token.owner == *owner,
            Criterion::Personal(personal) => token.personal == *personal,
            Criterion::Scope(any) => any.iter().any(|s| token.scopes.contains(s)),
        }
    }
}

/// `owner("john.smith"),personalAccessToken(false),scope("a","b")`.
pub fn selector(text: &str) -> Result<Vec<Criterion>, String> {
    let mut criteria = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let open = rest
            .find('(')
            .ok_or_else(|| format!("expected name(value) at {rest:?}"))?;
        let name = rest.get(..open).unwrap_or_default().trim();
        let (values, after) = arguments(rest.get(open + 1..).unwrap_or_default())?;
        criteria.push(criterion(name, values)?);
        rest = after.trim_start();
        if let Some(next) = rest.strip_prefix(',') {
            rest = next.trim_start();
            if rest.is_empty() {
                return Err("ends with a comma".into());
            }
        } else if !rest.is_empty() {
            return Err(format!("expected a comma before {rest:?}"));
        }
    }
    Ok(criteria)
}

fn criterion(name: &str, values: Vec<String>) -> Result<Criterion, String> {
    let single = |values: Vec<String>| -> Result<String, String> {
        match <[String; 1]>::try_from(values) {
            Ok([v]) => Ok(v),
            Err(_) => Err(format!("{name}() takes exactly one value")),
        }
    };
    match name {
        "owner" => Ok(Criterion::Owner(single(values)?)),
        "personalAccessToken" => match single(values)?.as_str() {
            "true" => Ok(Criterion::Personal(true)),
            "false" => Ok(Criterion::Personal(false)),
            other => Err(format!(
                "personalAccessToken() takes true or false, not {other:?}"
            )),
        },
        "scope" if values.is_empty() => Err("scope() needs at least one scope".into()),
        "scope" => Ok(Criterion::Scope(values)),
        other => Err(format!(
            "unknown criterion {other:?}: use owner(), personalAccessToken() or scope()"
        )),
    }
}

/// The comma-separated values after `(`, each plain or `"quoted"`, up to `)`; and what follows.
fn arguments(text: &str) -> Result<(Vec<String>, &str), String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' if quoted => quoted = false,
            '"' if current.trim().is_empty() => {
                current.clear();
                quoted = true;
            }
            _ if quoted => current.push(c),
            ',' | ')' => {
                let value = current.trim().to_owned();
                if value.is_empty() && !(c == ')' && values.is_empty()) {
                    return Err("empty value".into());
                }
                if !value.is_empty() {
                    values.push(value);
                }
                current.clear();
                if c == ')' {
                    return Ok((values, text.get(i + 1..).unwrap_or_default()));
                }
            }
            _ => current.push(c),
        }
    }
    Err(if quoted {
        "unclosed quote".into()
    } else {
        "missing )".into()
    })
}

pub const ALL_FIELDS: &[&str] = &[
    "id",
    "name",
    "enabled",
    "personalAccessToken",
    "owner",
    "creationDate",
    "modifiedDate",
    "expirationDate",
    "lastUsedDate",
    "lastUsedIpAddress",
    "scopes",
    "additionalMetadata",
];
pub const DEFAULT_FIELDS: &[&str] = &["id", "name", "enabled", "owner", "creationDate"];

/// `fields`: a plain list replaces the defaults; `+x`/`-x` add to or remove from them. The ID
/// is always included. (An unencoded `+` arrives as a space and so reads as a plain name, as in
/// Dynatrace, whose docs say the string must be URL-encoded.)
pub fn fields(spec: Option<&str>) -> Result<Vec<&'static str>, String> {
    let mut chosen: Vec<&'static str> = DEFAULT_FIELDS.to_vec();
    let Some(spec) = spec else { return Ok(chosen) };
    let items: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err("names no field".into());
    }
    if items.iter().all(|i| !i.starts_with(['+', '-'])) {
        chosen.clear();
    }
    for item in items {
        let (remove, name) = match (item.strip_prefix('+'), item.strip_prefix('-')) {
            (Some(added), _) => (false, added),
            (_, Some(removed)) => (true, removed),
            _ => (false, item),
        };
        let Some(field) = ALL_FIELDS.iter().copied().find(|f| *f == name) else {
            return Err(format!(
                "unknown field {name:?}; known: {}",
                ALL_FIELDS.join(", ")
            ));
        };
        if remove {
            chosen.retain(|c| *c != field);
        } else if !chosen.contains(&field) {
            chosen.push(field);
        }
    }
    if !chosen.contains(&"id") {
        chosen.insert(0, "id");
    }
    Ok(chosen)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortField {
    Name,
    LastUsedDate,
    CreationDate,
    ExpirationDate,
    ModifiedDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

/// `sort`: a field with `+` (the default) or `-`; unset: newest first.
pub fn sort(text: Option<&str>) -> Result<Sort, String> {
    let text = text.unwrap_or("-creationDate");
    // An unencoded `+` arrives as a space.
    let (descending, name) = match text.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, text.trim_start().trim_start_matches('+')),
    };
    let field = match name {
        "name" => SortField::Name,
        "lastUsedDate" => SortField::LastUsedDate,
        "creationDate" => SortField::CreationDate,
        "expirationDate" => SortField::ExpirationDate,
        "modifiedDate" => SortField::ModifiedDate,
        _ => return Err(
            "must be name, lastUsedDate, creationDate, expirationDate or modifiedDate, with + or -"
                .into(),
        ),
    };
    Ok(Sort { field, descending })
}

impl Sort {
    /// Orders as the spec says: `+lastUsedDate` never used first, `+expirationDate` soonest
    /// first and unlimited last, `+modifiedDate` never modified first; ties by ID.
    pub fn compare(&self, a: &Token, b: &Token) -> std::cmp::Ordering {
        let order = match self.field {
            // Case-insensitive, without allocating: a sort of 100,000 names compares ~2M times.
            SortField::Name => a
                .name
                .chars()
                .flat_map(char::to_lowercase)
                .cmp(b.name.chars().flat_map(char::to_lowercase)),
            SortField::LastUsedDate => a.last_used.cmp(&b.last_used),
            SortField::CreationDate => a.created.cmp(&b.created),
            SortField::ExpirationDate => {
                let never = DateTime::<Utc>::MAX_UTC;
                a.expires.unwrap_or(never).cmp(&b.expires.unwrap_or(never))
            }
            SortField::ModifiedDate => a.modified.cmp(&b.modified),
        };
        let order = order.then_with(|| a.id.cmp(&b.id));
        if self.descending {
            order.reverse()
        } else {
            order
        }
    }
}

/// `from`/`to` of the v2 list: UTC milliseconds; `2021-01-25T05:57:01.123+01:00` (UTC without a
/// zone, a space for `T`, seconds and fractions optional); or `now-NU/A` with units
/// m h d w M y and an optional alignment.
pub fn timestamp(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Some(relative) = text.strip_prefix("now") {
        return relative_time(relative, now);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Utc.timestamp_millis_opt(text.parse().ok()?).single();
    }
    absolute_time(text)
}

fn relative_time(rest: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (offset, alignment) = match rest.split_once('/') {
        Some((offset, alignment)) => (offset, Some(alignment)),
        None => (rest, None),
    };
    let mut time = now;
    if let Some(amount) = offset.strip_prefix('-') {
        let digits = amount.find(|c: char| !c.is_ascii_digit())?;
        let n: i32 = amount.get(..digits)?.parse().ok()?;
        time = go_back(time, n, amount.get(digits..)?)?;
    } else if !offset.is_empty() {
        return None;
    }
    match alignment {
        Some(unit) => align(time, unit),
        None => Some(time),
    }
}

/// Every step checked: near chrono's limits (about 262,000 years back) the answer is `None`,
/// not a panic.
fn go_back(time: DateTime<Utc>, n: i32, unit: &str) -> Option<DateTime<Utc>> {
    let n64 = i64::from(n);
    match unit {
        "m" => time.checked_sub_signed(Duration::try_minutes(n64)?),
        "h" => time.checked_sub_signed(Duration::try_hours(n64)?),
        "d" => time.checked_sub_signed(Duration::try_days(n64)?),
        "w" => time.checked_sub_signed(Duration::try_weeks(n64)?),
        "M" => time.checked_sub_months(chrono::Months::new(u32::try_from(n).ok()?)),
        "y" => {
            time.checked_sub_months(chrono::Months::new(u32::try_from(n).ok()?.checked_mul(12)?))
        }
        _ => None,
    }
}

/// Rounds down to the start of the unit (weeks start on Monday); `None` where that start lies
/// before the earliest date chrono knows.
fn align(time: DateTime<Utc>, unit: &str) -> Option<DateTime<Utc>> {
    let date = time.date_naive();
    let start_of = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    match unit {
        "m" => time.with_second(0)?.with_nanosecond(0),
        "h" => time.with_minute(0)?.with_second(0)?.with_nanosecond(0),
        "d" => start_of(date),
        "w" => start_of(
            date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))?,
        ),
        "M" => start_of(date.with_day(1)?),
        "y" => start_of(date.with_day(1)?.with_month(1)?),
        _ => None,
    }
}

fn absolute_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(&text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = text.strip_suffix('Z').unwrap_or(&text);
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(naive, format).ok())
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn selectors_follow_the_spec() {
        assert_eq!(
            selector(
                r#"owner("john.smith"), personalAccessToken(false),scope("metrics.read","logs.read")"#
            ),
            Ok(vec![
                Criterion::Owner("john.smith".into()),
                Criterion::Personal(false),
                Criterion::Scope(vec!["metrics.read".into(), "logs.read".into()]),
            ])
        );
        assert_eq!(
            selector(r#"owner("a,b (c)")"#),
            Ok(vec![Criterion::Owner("a,b (c)".into())])
        );
        assert_eq!(selector(""), Ok(vec![]));
        for bad in [
            "color(red)",
            "owner(\"x\"",
            "owner()",
            "personalAccessToken(maybe)",
            "owner(a,b)",
            "owner(a) scope(b)",
            "owner(a),",
            "scope()",
        ] {
            assert!(selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fields_add_remove_or_replace() {
        assert_eq!(fields(None), Ok(DEFAULT_FIELDS.to_vec()));
        assert_eq!(
            fields(Some("+scopes,-owner")),
            Ok(vec!["id", "name", "enabled", "creationDate", "scopes"])
        );
        assert_eq!(
            fields(Some("name,scopes")),
            Ok(vec!["id", "name", "scopes"])
        );
        assert_eq!(
            fields(Some("-id")),
            Ok(vec!["id", "name", "enabled", "owner", "creationDate"])
        );
        assert!(fields(Some("+nope")).is_err());
        assert!(fields(Some(",")).is_err());
    }

    #[test]
    fn sort_parses_signs() {
        assert_eq!(
            sort(None),
            Ok(Sort {
                field: SortField::CreationDate,
                descending: true
            })
        );
        assert_eq!(
            sort(Some("name")),
            Ok(Sort {
                field: SortField::Name,
                descending: false
            })
        );
        assert_eq!(
            sort(Some(" name")),
            Ok(Sort {
                field: SortField::Name,
                descending: false
            })
        );
        assert_eq!(
            sort(Some("-expirationDate")),
            Ok(Sort {
                field: SortField::ExpirationDate,
                descending: true
            })
        );
        assert!(sort(Some("owner")).is_err());
    }

    #[test]
    fn timestamps_in_every_documented_format() {
        let now = at("2024-05-15T10:20:30.500Z"); // a Wednesday
        assert_eq!(timestamp("now", now), Some(now));
        assert_eq!(
            timestamp("now-2d", now),
            Some(at("2024-05-13T10:20:30.500Z"))
        );
        assert_eq!(
            timestamp("now-1M", now),
            Some(at("2024-04-15T10:20:30.500Z"))
        );
        assert_eq!(timestamp("now-1y/w", now), Some(at("2023-05-15T00:00:00Z")));
        assert_eq!(timestamp("now/d", now), Some(at("2024-05-15T00:00:00Z")));
        assert_eq!(timestamp("now-3h/h", now), Some(at("2024-05-15T07:00:00Z")));
        assert_eq!(
            timestamp("1700000000000", now),
            Utc.timestamp_millis_opt(1_700_000_000_000).single()
        );
        assert_eq!(
            timestamp("2021-01-25T05:57:01.123+01:00", now),
            Some(at("2021-01-25T04:57:01.123Z"))
        );
        assert_eq!(
            timestamp("2021-01-25 05:57", now),
            Some(at("2021-01-25T05:57:00Z"))
        );
        assert_eq!(
            timestamp("2021-01-25T05:57:01", now),
            Some(at("2021-01-25T05:57:01Z"))
        );
        assert_eq!(
            timestamp("2021-01-25T05:57+02:00", now),
            Some(at("2021-01-25T03:57:00Z"))
        );
        for bad in [
            "yesterday",
            "now-",
            "now-2x",
            "now+2d",
            "now-2d/q",
            "2021-01-25",
            "",
            "99999999999999999999",
        ] {
            assert_eq!(timestamp(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn page_keys_round_trip_and_stand_alone() {
        let first: Pairs = vec![
            ("pageSize".into(), "100".into()),
            ("fields".into(), "+scopes".into()),
        ];
        let key = page_key(100, &first);
        assert_eq!(
            paging(vec![("nextPageKey".into(), key.clone())]),
            Ok((100, first))
        );
        assert!(paging(vec![
            ("nextPageKey".into(), key),
            ("pageSize".into(), "100".into())
        ])
        .is_err());
        assert!(paging(vec![("nextPageKey".into(), "zz".into())]).is_err());
        assert!(paging(vec![("nextPageKey".into(), "é".into())]).is_err());
    }
}
