//! Every token of an environment as compact rows: built from the list answers, audited, sorted,
//! filtered, summed up and exported, fast enough at 100,000 rows to filter on every keystroke.
//!
//! Why rows and not the models: a [`Row`] keeps only what the table shows (no `extra` map, no
//! scope list, just its count and riskiest class), so 100,000 of them stay small and sorting
//! never walks JSON. Why one search text: the free-text filter looks through one lower-case
//! buffer holding every row's name, ID and owner (SIMD substring search over a few MB) instead
//! of 100,000 small strings; a replaced row appends its new text and leaves a dead span, and
//! the buffer is rebuilt when half of it is dead.
//!
//! Sorting is stable in both directions (ties keep list order) and puts missing values last
//! either way. Filtering keeps the order it is given, so a keystroke filters the sorted order
//! without sorting again.
//!
//! Why the work per page is incremental: pages of 2,000 rows arrive while 100,000 are already
//! here, and the page must not block for what it already did. The summary of every row
//! ([`Inventory::totals`]) is kept up to date as rows are added or replaced (owners crossing the
//! limit included) instead of counted again; a page's rows are sorted alone and merged into the
//! sorted order ([`Inventory::merge`]), which gives exactly what sorting everything would, since
//! sorting orders ties by list position.
//!
//! The view's state ([`View`]) is written to and read from the address (`#/inventory?q=…`) so
//! that a filtered inventory can be bookmarked. The free text is typed by a person and may be a
//! token: [`Query`] decides once, when it is built, what of it may be shared (a token ID, or
//! text that neither parses nor scans nor redacts as a token), and [`View::to_hash`] can only
//! write that.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use memchr::memmem;

use crate::audit::{self, Config, Facts, Finding, Findings};
use crate::dynatrace::queries::{decode, encode};
use crate::dynatrace::{ActiveGateToken, ApiToken, EntityShortRepresentation, Risk, TokenMetadata};
use crate::export::{self, Cell, Format, Record};

/// Which list a row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `GET /api/v2/apiTokens`
    ApiToken,
    /// `GET /api/v1/tokens` (and `GET /api/v1/tokens/{id}` for its metadata)
    ApiTokenV1,
    /// `GET /api/v2/activeGateTokens`
    ActiveGate,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::ApiToken, Kind::ApiTokenV1, Kind::ActiveGate];

    /// For links and test ids: `v2`, `v1`, `activegate`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::ApiToken => "v2",
            Kind::ApiTokenV1 => "v1",
            Kind::ActiveGate => "activegate",
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::ApiToken => "API token",
            Kind::ApiTokenV1 => "API token (v1)",
            Kind::ActiveGate => "ActiveGate token",
        }
    }
}

/// A risk class's name in links: `token-management`, `secrets`, ...
pub fn risk_key(risk: Risk) -> &'static str {
    match risk {
        Risk::TokenManagement => "token-management",
        Risk::Secrets => "secrets",
        Risk::Installer => "installer",
        Risk::Configuration => "configuration",
        Risk::Write => "write",
        Risk::Ingest => "ingest",
        Risk::Read => "read",
        Risk::Unknown => "unknown",
    }
}

pub fn risk_from_key(key: &str) -> Option<Risk> {
    Risk::ALL.into_iter().find(|r| risk_key(*r) == key)
}

/// One token, as the table shows it. `None` is "not sent".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub kind: Kind,
    pub name: Box<str>,
    pub id: Box<str>,
    pub owner: Option<Box<str>>,
    pub enabled: Option<bool>,
    pub personal: Option<bool>,
    pub created: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
    pub last_used_ip: Option<Box<str>>,
    pub expires: Option<DateTime<Utc>>,
    pub scope_count: Option<u16>,
    /// The most dangerous class among its scopes.
    pub riskiest: Option<Risk>,
    /// Its metadata is here. `false` for a v1 list entry whose `GET /api/v1/tokens/{id}` has
    /// not answered: a missing date then means "not known yet", not "never".
    pub dated: bool,
}

fn boxed(text: Option<&String>) -> Box<str> {
    text.map_or("", String::as_str).into()
}

fn boxed_opt(text: Option<&String>) -> Option<Box<str>> {
    text.filter(|t| !t.is_empty()).map(|t| t.as_str().into())
}

fn scope_facts(scopes: Option<&Vec<String>>) -> (Option<u16>, Option<Risk>) {
    match scopes {
        None => (None, None),
        Some(list) => {
            let (risk, count) = audit::riskiest(list.iter().map(String::as_str));
            (Some(u16::try_from(count).unwrap_or(u16::MAX)), risk)
        }
    }
}

impl Row {
    /// A v2 API token (a list entry or a look-up).
    pub fn from_api_token(t: &ApiToken) -> Row {
        let (scope_count, riskiest) = scope_facts(t.scopes.as_ref());
        Row {
            kind: Kind::ApiToken,
            name: boxed(t.name.as_ref()),
            id: boxed(t.id.as_ref()),
            owner: boxed_opt(t.owner.as_ref()),
            enabled: t.enabled,
            personal: t.personal_access_token,
            created: t.creation_date,
            last_used: t.last_used_date,
            last_used_ip: boxed_opt(t.last_used_ip_address.as_ref()),
            expires: t.expiration_date,
            scope_count,
            riskiest,
            dated: true,
        }
    }

    /// A v1 token's metadata (`GET /api/v1/tokens/{id}`): revoked is "not enabled".
    pub fn from_v1(t: &TokenMetadata) -> Row {
        let (scope_count, riskiest) = scope_facts(t.scopes.as_ref());
        Row {
            kind: Kind::ApiTokenV1,
            name: boxed(t.name.as_ref()),
            id: boxed(t.id.as_ref()),
            owner: boxed_opt(t.user_id.as_ref()),
            enabled: t.revoked.map(|r| !r),
            personal: t.personal_access_token,
            created: t.created,
            last_used: t.last_use,
            last_used_ip: None,
            expires: t.expires,
            scope_count,
            riskiest,
            dated: true,
        }
    }

    /// A v1 list entry (name and ID only) while its metadata is on its way.
    pub fn from_v1_stub(t: &EntityShortRepresentation) -> Row {
        Row {
            kind: Kind::ApiTokenV1,
            name: boxed(t.name.as_ref()),
            id: boxed(t.id.as_ref()),
            owner: None,
            enabled: None,
            personal: None,
            created: None,
            last_used: None,
            last_used_ip: None,
            expires: None,
            scope_count: None,
            riskiest: None,
            dated: false,
        }
    }

    pub fn from_active_gate(t: &ActiveGateToken) -> Row {
        Row {
            kind: Kind::ActiveGate,
            name: boxed(t.name.as_ref()),
            id: boxed(t.id.as_ref()),
            owner: boxed_opt(t.owner.as_ref()),
            enabled: None,
            personal: None,
            created: t.creation_date,
            last_used: t.last_used_date,
            last_used_ip: None,
            expires: t.expiration_date,
            scope_count: None,
            riskiest: None,
            dated: true,
        }
    }

    /// What the audit reads.
    pub fn facts(&self) -> Facts {
        Facts {
            enabled: self.enabled,
            personal: self.personal,
            expires: self.expires,
            last_used: self.last_used,
            riskiest: self.riskiest,
            dated: self.dated,
        }
    }
}

const NO_OWNER: u32 = u32::MAX;
const DEAD: u32 = u32::MAX;

/// Every token loaded so far, audited.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    config: Config,
    rows: Vec<Row>,
    /// Each row's own findings (all but the owner's).
    own: Vec<Findings>,
    /// Each row's owner, interned; `NO_OWNER` when not reported.
    owner: Vec<u32>,
    owners: HashMap<Box<str>, u32>,
    /// Tokens held, per interned owner.
    held: Vec<u32>,
    by_id: HashMap<Box<str>, u32>,
    search: Search,
    /// The summary of every row but its [`Finding::CrowdedOwner`] count, kept as rows come and
    /// go; that count is `crowded`, kept as owners' counts change.
    totals: Summary,
    /// Tokens whose owner holds more than the limit: the sum of `held` over crowded owners.
    crowded: u32,
}

impl Inventory {
    pub fn new(config: Config) -> Inventory {
        Inventory {
            config,
            ..Inventory::default()
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A new owner limit (or windows): every row is judged again against `now`.
    pub fn set_config(&mut self, config: Config, now: DateTime<Utc>) {
        self.config = config;
        self.crowded = self.held.iter().map(|&h| self.crowded_share(h)).sum();
        self.reaudit(now);
    }

    /// What an owner holding `held` tokens adds to the crowded-owner count.
    fn crowded_share(&self, held: u32) -> u32 {
        if self.config.is_crowded(held) {
            held
        } else {
            0
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Row `index`. Panics past [`Inventory::len`], like a slice.
    pub fn row(&self, index: u32) -> &Row {
        &self.rows[index as usize]
    }

    /// The row with this ID.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Row `index`'s findings, the owner's included.
    pub fn findings(&self, index: u32) -> Findings {
        let i = index as usize;
        let mut found = self.own[i];
        let owner = self.owner[i];
        if owner != NO_OWNER && self.config.is_crowded(self.held[owner as usize]) {
            found.insert(Finding::CrowdedOwner);
        }
        found
    }

    /// How many tokens this row's owner holds in the inventory (0 when no owner is reported).
    pub fn owner_holds(&self, index: u32) -> u32 {
        match self.owner[index as usize] {
            NO_OWNER => 0,
            o => self.held[o as usize],
        }
    }

    /// Adds a row, audited against `now`, and returns its index. A row whose ID is already
    /// here replaces it in place (a v1 entry's metadata arriving, a list loaded again).
    pub fn push(&mut self, row: Row, now: DateTime<Utc>) -> u32 {
        let own = audit::check(&row.facts(), &self.config, now);
        let owner = self.intern(row.owner.as_deref());
        let existing = if row.id.is_empty() {
            None
        } else {
            self.by_id.get(&row.id).copied()
        };
        match existing {
            Some(index) => {
                let i = index as usize;
                self.release(self.owner[i]);
                tally(&mut self.totals, &self.rows[i], self.own[i], false);
                tally(&mut self.totals, &row, own, true);
                let same_text = {
                    let old = &self.rows[i];
                    old.name == row.name && old.id == row.id && old.owner == row.owner
                };
                self.rows[i] = row;
                self.own[i] = own;
                self.owner[i] = owner;
                if !same_text {
                    self.search.set(index, &self.rows[i]);
                    if self.search.dead > self.rows.len().max(1024) {
                        self.search = Search::build(&self.rows);
                    }
                }
                index
            }
            None => {
                let index = u32::try_from(self.rows.len()).unwrap_or(u32::MAX - 1);
                if !row.id.is_empty() {
                    self.by_id.insert(row.id.clone(), index);
                }
                self.search.set(index, &row);
                tally(&mut self.totals, &row, own, true);
                self.rows.push(row);
                self.own.push(own);
                self.owner.push(owner);
                index
            }
        }
    }

    pub fn extend(&mut self, rows: impl IntoIterator<Item = Row>, now: DateTime<Utc>) {
        for row in rows {
            self.push(row, now);
        }
    }

    /// Judges every row again: time has passed, or the thresholds changed.
    pub fn reaudit(&mut self, now: DateTime<Utc>) {
        self.totals = Summary::default();
        for (row, own) in self.rows.iter().zip(self.own.iter_mut()) {
            *own = audit::check(&row.facts(), &self.config, now);
            tally(&mut self.totals, row, *own, true);
        }
    }

    pub fn clear(&mut self) {
        *self = Inventory::new(self.config);
    }

    fn intern(&mut self, owner: Option<&str>) -> u32 {
        let Some(owner) = owner.filter(|o| !o.is_empty()) else {
            return NO_OWNER;
        };
        let id = match self.owners.get(owner) {
            Some(&id) => id,
            None => {
                let id = self.held.len() as u32;
                self.owners.insert(owner.into(), id);
                self.held.push(0);
                id
            }
        };
        self.set_held(id, self.held[id as usize] + 1);
        id
    }

    fn release(&mut self, owner: u32) {
        if owner != NO_OWNER {
            self.set_held(owner, self.held[owner as usize] - 1);
        }
    }

    fn set_held(&mut self, owner: u32, held: u32) {
        let before = self.crowded_share(self.held[owner as usize]);
        self.crowded = self.crowded - before + self.crowded_share(held);
        self.held[owner as usize] = held;
    }

    /// Every row's index, sorted.
    pub fn sorted(&self, sort: Sort) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.rows.len() as u32).collect();
        if is_text(sort.column) {
            // Each row's sort text folded once, then plain byte comparisons (folding inside
            // every comparison made a 100,000-row sort by name take seconds at opt-level "z").
            let keys: Vec<Option<Box<[u8]>>> = self
                .rows
                .iter()
                .map(|row| text_key(row, sort.column))
                .collect();
            order.sort_by(|&a, &b| {
                let (x, y) = (&keys[a as usize], &keys[b as usize]);
                missing_last(x.as_ref(), y.as_ref(), sort.descending)
            });
        } else {
            order.sort_by(|&a, &b| self.compare(a, b, sort));
        }
        order
    }

    fn compare(&self, a: u32, b: u32, sort: Sort) -> Ordering {
        let (x, y) = (self.row(a), self.row(b));
        let desc = sort.descending;
        match sort.column {
            Column::Kind => missing_last(Some(x.kind), Some(y.kind), desc),
            Column::Name | Column::Id | Column::Owner => {
                let (x, y) = (text_of(x, sort.column), text_of(y, sort.column));
                match (x.is_empty(), y.is_empty()) {
                    (false, false) if desc => folded_cmp(y, x),
                    (false, false) => folded_cmp(x, y),
                    (false, true) => Ordering::Less,
                    (true, false) => Ordering::Greater,
                    (true, true) => Ordering::Equal,
                }
            }
            Column::Enabled => missing_last(x.enabled, y.enabled, desc),
            Column::Personal => missing_last(x.personal, y.personal, desc),
            Column::Created => missing_last(x.created, y.created, desc),
            Column::LastUsed => missing_last(x.last_used, y.last_used, desc),
            Column::Expires => missing_last(x.expires, y.expires, desc),
            Column::Scopes => missing_last(x.scope_count, y.scope_count, desc),
            Column::Risk => missing_last(x.riskiest.map(rank), y.riskiest.map(rank), desc),
            Column::Findings => missing_last(
                Some(self.findings(a).len()),
                Some(self.findings(b).len()),
                desc,
            ),
        }
    }

    /// The rows of `order` (kept in that order) that pass `filter`.
    pub fn filter(&self, order: &[u32], filter: &Filter) -> Vec<u32> {
        let hits = (!filter.query.needle.is_empty())
            .then(|| self.search.matches(&filter.query.needle, self.rows.len()));
        order
            .iter()
            .copied()
            .filter(|&i| {
                let row = self.row(i);
                hits.as_ref().is_none_or(|h| h[i as usize])
                    && filter.kinds.allows(row.kind)
                    && filter.risks.allows(row.riskiest)
                    && (filter.findings.is_empty()
                        || self.findings(i).contains_all(filter.findings))
            })
            .collect()
    }

    /// `order` (sorted by `sort`, as [`Inventory::sorted`] gives it) with the rows `new` (not in
    /// it) merged in where they belong: the same as sorting them all, for the work of sorting
    /// `new` and one pass over `order`. Ties go by list position, as in a stable sort.
    ///
    /// Exact as long as the rows of `order` kept their sort keys since it was sorted: a row
    /// replaced in place, or findings that changed with an owner's count (the findings column),
    /// need [`Inventory::sorted`] again.
    pub fn merge(&self, order: &[u32], new: &[u32], sort: Sort) -> Vec<u32> {
        let by = |a: &u32, b: &u32| self.compare(*a, *b, sort).then(a.cmp(b));
        let mut new = new.to_vec();
        new.sort_unstable_by(by);
        let mut out = Vec::with_capacity(order.len() + new.len());
        let (mut i, mut j) = (0, 0);
        while i < order.len() && j < new.len() {
            if by(&new[j], &order[i]) == Ordering::Less {
                out.push(new[j]);
                j += 1;
            } else {
                out.push(order[i]);
                i += 1;
            }
        }
        out.extend_from_slice(&order[i..]);
        out.extend_from_slice(&new[j..]);
        out
    }

    /// The summary of every row, kept up to date as rows arrive: equal to
    /// `summary(&all())`, without counting again.
    pub fn totals(&self) -> Summary {
        let mut s = self.totals;
        s.findings[Finding::CrowdedOwner as usize] = self.crowded;
        s
    }

    /// Counts per finding, risk class and kind over `rows` (all rows, or the visible ones).
    pub fn summary(&self, rows: &[u32]) -> Summary {
        let mut s = Summary {
            tokens: rows.len() as u32,
            ..Summary::default()
        };
        for &i in rows {
            let row = self.row(i);
            for f in self.findings(i).iter() {
                s.findings[f as usize] += 1;
            }
            match row.riskiest {
                Some(r) => s.risks[r as usize] += 1,
                None => s.without_scopes += 1,
            }
            s.kinds[row.kind as usize] += 1;
        }
        s
    }

    /// All rows' indices in list order: what [`Inventory::summary`] of everything takes.
    pub fn all(&self) -> Vec<u32> {
        (0..self.rows.len() as u32).collect()
    }

    /// `rows` (the visible ones, in their order) as CSV or JSON: kind, name, ID, owner,
    /// enabled, personal, created, last used and from where, expires, scope count, riskiest
    /// class, findings.
    pub fn export(&self, rows: &[u32], format: Format) -> String {
        export::write(
            format,
            rows.iter().map(|&index| RowRecord {
                inventory: self,
                index,
            }),
        )
    }

    /// One line per finding of each of `rows`: the token, the finding, why and what to do.
    pub fn export_findings(&self, rows: &[u32], format: Format) -> String {
        export::write(
            format,
            rows.iter().flat_map(|&index| {
                self.findings(index)
                    .iter()
                    .map(move |finding| FindingRecord {
                        row: self.row(index),
                        finding,
                    })
            }),
        )
    }
}

/// Adds (or takes away) one row's part of a summary: its own findings, riskiest class and kind.
fn tally(s: &mut Summary, row: &Row, own: Findings, add: bool) {
    let count = |n: &mut u32| *n = if add { *n + 1 } else { *n - 1 };
    count(&mut s.tokens);
    for f in own.iter() {
        count(&mut s.findings[f as usize]);
    }
    match row.riskiest {
        Some(r) => count(&mut s.risks[r as usize]),
        None => count(&mut s.without_scopes),
    }
    count(&mut s.kinds[row.kind as usize]);
}

fn is_text(column: Column) -> bool {
    matches!(column, Column::Name | Column::Id | Column::Owner)
}

/// What a text column sorts by: its text lower-cased (ASCII), compared byte by byte; empty
/// text is missing (sorted last).
fn text_key(row: &Row, column: Column) -> Option<Box<[u8]>> {
    let text = text_of(row, column);
    (!text.is_empty()).then(|| text.bytes().map(|b| b.to_ascii_lowercase()).collect())
}

fn text_of(row: &Row, column: Column) -> &str {
    match column {
        Column::Name => &row.name,
        Column::Id => &row.id,
        Column::Owner => row.owner.as_deref().unwrap_or(""),
        _ => "",
    }
}

/// What comparing two [`text_key`]s gives, without making them.
fn folded_cmp(x: &str, y: &str) -> Ordering {
    x.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(y.bytes().map(|b| b.to_ascii_lowercase()))
}

/// Higher is more dangerous: Unknown 1 … token management 8, so that a descending sort puts
/// the most dangerous first.
fn rank(risk: Risk) -> u8 {
    (Risk::ALL.len() - risk as usize) as u8
}

fn missing_last<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The free-text search buffer: per row `name \n id \n owner \0`, lower case.
#[derive(Clone, Debug, Default)]
struct Search {
    text: Vec<u8>,
    /// Spans in buffer order; a replaced row's old span is marked `DEAD`.
    spans: Vec<Span>,
    /// Each row's live span.
    span_of: Vec<u32>,
    dead: usize,
}

#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    end: u32,
    row: u32,
}

impl Search {
    fn build(rows: &[Row]) -> Search {
        let mut search = Search::default();
        for (i, row) in rows.iter().enumerate() {
            search.set(i as u32, row);
        }
        search
    }

    fn set(&mut self, index: u32, row: &Row) {
        let start = self.text.len() as u32;
        for (n, field) in [&*row.name, &*row.id, row.owner.as_deref().unwrap_or("")]
            .into_iter()
            .enumerate()
        {
            if n > 0 {
                self.text.push(b'\n');
            }
            push_folded(field, &mut self.text);
        }
        let end = self.text.len() as u32;
        self.text.push(0);
        let i = index as usize;
        if let Some(&old) = self.span_of.get(i) {
            self.spans[old as usize].row = DEAD;
            self.dead += 1;
            self.span_of[i] = self.spans.len() as u32;
        } else {
            self.span_of.push(self.spans.len() as u32);
        }
        self.spans.push(Span {
            start,
            end,
            row: index,
        });
    }

    /// Which rows hold `needle` (already folded, no control characters).
    fn matches(&self, needle: &str, rows: usize) -> Vec<bool> {
        let mut hit = vec![false; rows];
        let finder = memmem::Finder::new(needle.as_bytes());
        let mut from = 0;
        // Matches come in buffer order: the span holding each is found by walking on from the
        // last one (every span is passed at most once), not by a search per match.
        let mut span = 0;
        while let Some(at) = finder.find(&self.text[from..]) {
            let at = from + at;
            while self
                .spans
                .get(span + 1)
                .is_some_and(|s| s.start as usize <= at)
            {
                span += 1;
            }
            let s = self.spans[span];
            if s.row != DEAD && at + needle.len() <= s.end as usize {
                hit[s.row as usize] = true;
            }
            // The rest of this row's text cannot add anything.
            from = s.end as usize + 1;
            if from >= self.text.len() {
                break;
            }
        }
        hit
    }
}

/// Lower case, for search; control characters (which the search uses as separators) dropped.
fn push_folded(text: &str, out: &mut Vec<u8>) {
    if text.is_ascii() {
        out.extend(
            text.bytes()
                .filter(|b| !b.is_ascii_control())
                .map(|b| b.to_ascii_lowercase()),
        );
    } else {
        let mut buf = [0u8; 4];
        for c in text.chars().flat_map(char::to_lowercase) {
            if !c.is_control() {
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// A column to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Kind,
    Name,
    Id,
    Owner,
    Enabled,
    Personal,
    Created,
    LastUsed,
    Expires,
    Scopes,
    Risk,
    Findings,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Kind,
        Column::Name,
        Column::Id,
        Column::Owner,
        Column::Enabled,
        Column::Personal,
        Column::Created,
        Column::LastUsed,
        Column::Expires,
        Column::Scopes,
        Column::Risk,
        Column::Findings,
    ];

    /// For links: `kind`, `name`, `id`, `owner`, `enabled`, `personal`, `created`, `lastUsed`,
    /// `expires`, `scopes`, `risk`, `findings`.
    pub fn key(self) -> &'static str {
        match self {
            Column::Kind => "kind",
            Column::Name => "name",
            Column::Id => "id",
            Column::Owner => "owner",
            Column::Enabled => "enabled",
            Column::Personal => "personal",
            Column::Created => "created",
            Column::LastUsed => "lastUsed",
            Column::Expires => "expires",
            Column::Scopes => "scopes",
            Column::Risk => "risk",
            Column::Findings => "findings",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The header's words.
    pub fn label(self) -> &'static str {
        match self {
            Column::Kind => "Kind",
            Column::Name => "Name",
            Column::Id => "ID",
            Column::Owner => "Owner",
            Column::Enabled => "Enabled",
            Column::Personal => "Personal",
            Column::Created => "Created",
            Column::LastUsed => "Last used",
            Column::Expires => "Expires",
            Column::Scopes => "Scopes",
            Column::Risk => "Riskiest scope",
            Column::Findings => "Findings",
        }
    }
}

/// A sort: a column, and which way. Risk sorts by danger (descending: most dangerous first),
/// dates by time, flags `false` before `true`, text case-insensitively; missing values last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    /// Most dangerous first: what an audit looks at first.
    fn default() -> Self {
        Sort {
            column: Column::Risk,
            descending: true,
        }
    }
}

impl Sort {
    /// `name` or `-lastUsed`.
    pub fn key(self) -> String {
        let mut key = String::with_capacity(12);
        if self.descending {
            key.push('-');
        }
        key.push_str(self.column.key());
        key
    }

    pub fn from_key(key: &str) -> Option<Sort> {
        let (descending, name) = match key.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, key),
        };
        Column::from_key(name).map(|column| Sort { column, descending })
    }

    /// The same column the other way, or a new column ascending.
    pub fn toggled(self, column: Column) -> Sort {
        Sort {
            column,
            descending: column == self.column && !self.descending,
        }
    }
}

/// The free-text filter as typed. Matching is case-insensitive over name, ID and owner.
///
/// Typed by a person, so possibly a secret: what may be written into a link is decided here,
/// once. A token ID is shared in its normal form (`dt0c01.ST2EY72KQINMH574WMNVI7YN`); any
/// other text never is. A full token pasted there finds its row: it is matched by its ID.
/// `Debug` shows neither the text nor its length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Query {
    text: String,
    needle: String,
    shared: Option<String>,
}

impl fmt::Debug for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.shared.is_some() {
            "Query(shareable)"
        } else if self.text.is_empty() {
            "Query(empty)"
        } else {
            "Query(private)"
        })
    }
}

impl Query {
    pub fn new(text: &str) -> Query {
        // A full token is looked for by its ID: rows hold IDs, never secrets.
        let parsed = crate::token::parse(text.trim()).ok();
        let sought = match &parsed {
            Some(token) if token.secret().is_some() && !token.id().is_empty() => token.id(),
            _ => text.trim(),
        };
        let mut needle = Vec::with_capacity(sought.len());
        push_folded(sought, &mut needle);
        Query {
            text: text.to_owned(),
            needle: String::from_utf8(needle).unwrap_or_default(),
            shared: shareable(text),
        }
    }

    /// As typed: the field's value.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// Whether a link may carry it (the view says "not kept in the address" otherwise).
    pub fn is_shareable(&self) -> bool {
        self.shared.is_some()
    }
}

/// What of a typed filter may go into a link: a token ID (prefix and public part, which the
/// project treats as safe to show) in its normal form; nothing else. Anything typed may be a
/// secret, and no rule can tell a password or a passphrase from a name (`Pa$$w0rd!` passes every
/// heuristic), so other text filters the table but never reaches the address.
fn shareable(text: &str) -> Option<String> {
    let token = crate::token::parse(text.trim()).ok()?;
    let is_id = token.secret().is_none() && !token.id().is_empty();
    is_id.then(|| token.id().to_owned())
}

/// A set of kinds; empty lets every kind through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kinds(u8);

impl Kinds {
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind as u8) != 0
    }
    pub fn insert(&mut self, kind: Kind) {
        self.0 |= 1 << kind as u8;
    }
    pub fn remove(&mut self, kind: Kind) {
        self.0 &= !(1 << kind as u8);
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
    fn allows(self, kind: Kind) -> bool {
        self.is_empty() || self.contains(kind)
    }
}

/// A set of risk classes (a row's riskiest); empty lets every row through, a non-empty set
/// only rows with scopes whose riskiest class is in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Risks(u8);

impl Risks {
    pub fn contains(self, risk: Risk) -> bool {
        self.0 & (1 << risk as u8) != 0
    }
    pub fn insert(&mut self, risk: Risk) {
        self.0 |= 1 << risk as u8;
    }
    pub fn remove(&mut self, risk: Risk) {
        self.0 &= !(1 << risk as u8);
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Risk> {
        Risk::ALL.into_iter().filter(move |r| self.contains(*r))
    }
    fn allows(self, risk: Option<Risk>) -> bool {
        self.is_empty() || risk.is_some_and(|r| self.contains(r))
    }
}

/// What the table shows: rows matching the text, of the chosen kinds and riskiest classes, with
/// every chosen finding (each finding filter narrows: "expired" and "never used" shows tokens
/// that are both).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    query: Query,
    pub findings: Findings,
    pub kinds: Kinds,
    pub risks: Risks,
}

impl Filter {
    pub fn query(&self) -> &Query {
        &self.query
    }

    pub fn set_text(&mut self, text: &str) {
        self.query = Query::new(text);
    }

    pub fn is_empty(&self) -> bool {
        self.query.is_empty()
            && self.findings.is_empty()
            && self.kinds.is_empty()
            && self.risks.is_empty()
    }
}

/// The inventory view's state as it lives in the address: filter and sort.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub filter: Filter,
    pub sort: Sort,
}

impl View {
    /// The view's address, without its query.
    pub const PATH: &'static str = "#/inventory";

    /// `#/inventory?q=…&finding=expired,never-used&kind=v2&risk=secrets&sort=-lastUsed`:
    /// only what is set, the sort only when it is not the default. The free text only when its
    /// [`Query`] is shareable (in its shareable form); a private one is left out.
    pub fn to_hash(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(shared) = &self.filter.query.shared {
            pairs.push(("q", encode(shared)));
        }
        let joined = |keys: &mut dyn Iterator<Item = &'static str>| {
            let mut out = String::new();
            for key in keys {
                if !out.is_empty() {
                    out.push(',');
                }
                out.push_str(key);
            }
            out
        };
        if !self.filter.findings.is_empty() {
            pairs.push((
                "finding",
                joined(&mut self.filter.findings.iter().map(Finding::key)),
            ));
        }
        if !self.filter.kinds.is_empty() {
            pairs.push(("kind", joined(&mut self.filter.kinds.iter().map(Kind::key))));
        }
        if !self.filter.risks.is_empty() {
            pairs.push(("risk", joined(&mut self.filter.risks.iter().map(risk_key))));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", self.sort.key()));
        }
        let mut hash = String::from(View::PATH);
        for (n, (key, value)) in pairs.iter().enumerate() {
            hash.push(if n == 0 { '?' } else { '&' });
            hash.push_str(key);
            hash.push('=');
            hash.push_str(value);
        }
        hash
    }

    /// Reads what [`View::to_hash`] wrote (with or without `#/inventory?`), leniently: unknown
    /// keys and values are skipped. Free text that is not shareable is dropped, so a link
    /// crafted with a token in it does not become the filter (the page should then rewrite
    /// the address from [`View::to_hash`]).
    pub fn from_hash(hash: &str) -> View {
        let query = hash.trim_start_matches('#');
        let query = query.strip_prefix("/inventory").unwrap_or(query);
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut view = View::default();
        for pair in query.split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let value = decode(value);
            let items = || value.split(',').map(str::trim).filter(|v| !v.is_empty());
            match key {
                "q" => {
                    let q = Query::new(&value);
                    if q.is_shareable() {
                        view.filter.query = q;
                    }
                }
                "finding" => view.filter.findings = items().filter_map(Finding::from_key).collect(),
                "kind" => {
                    for kind in items().filter_map(Kind::from_key) {
                        view.filter.kinds.insert(kind);
                    }
                }
                "risk" => {
                    for risk in items().filter_map(risk_from_key) {
                        view.filter.risks.insert(risk);
                    }
                }
                "sort" => {
                    if let Some(sort) = Sort::from_key(&value) {
                        view.sort = sort;
                    }
                }
                _ => {}
            }
        }
        view
    }
}

/// Counts over a set of rows: the summary above the table and its chart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub tokens: u32,
    /// By [`Finding`] (`Finding as usize`).
    pub findings: [u32; Finding::COUNT],
    /// By riskiest class (`Risk as usize`, [`Risk::ALL`]'s order).
    pub risks: [u32; 8],
    /// Rows without scopes (ActiveGate tokens, entries whose metadata is missing).
    pub without_scopes: u32,
    /// By [`Kind`] (`Kind as usize`).
    pub kinds: [u32; 3],
}

impl Summary {
    pub fn finding(&self, finding: Finding) -> u32 {
        self.findings[finding as usize]
    }

    pub fn risk(&self, risk: Risk) -> u32 {
        self.risks[risk as usize]
    }

    pub fn kind(&self, kind: Kind) -> u32 {
        self.kinds[kind as usize]
    }
}

/// A row as exported.
struct RowRecord<'a> {
    inventory: &'a Inventory,
    index: u32,
}

impl Record for RowRecord<'_> {
    fn columns() -> &'static [&'static str] {
        &[
            "kind",
            "name",
            "id",
            "owner",
            "enabled",
            "personal",
            "created",
            "lastUsed",
            "lastUsedIp",
            "expires",
            "scopeCount",
            "riskiestClass",
            "findings",
        ]
    }

    fn cells(&self, out: &mut Vec<Cell>) {
        let row = self.inventory.row(self.index);
        out.push(Cell::label(row.kind.label()));
        out.push(Cell::text(&row.name));
        out.push(Cell::id(&row.id));
        out.push(Cell::text_opt(row.owner.as_deref()));
        out.push(Cell::flag(row.enabled));
        out.push(Cell::flag(row.personal));
        out.push(Cell::date(row.created));
        out.push(Cell::date(row.last_used));
        out.push(Cell::text_opt(row.last_used_ip.as_deref()));
        out.push(Cell::date(row.expires));
        out.push(
            row.scope_count
                .map_or_else(Cell::empty, |n| Cell::count(n.into())),
        );
        out.push(
            row.riskiest
                .map_or_else(Cell::empty, |r| Cell::label(r.label())),
        );
        out.push(Cell::labels(
            self.inventory
                .findings(self.index)
                .iter()
                .map(Finding::title),
        ));
    }
}

/// One finding of one token, as exported.
struct FindingRecord<'a> {
    row: &'a Row,
    finding: Finding,
}

impl Record for FindingRecord<'_> {
    fn columns() -> &'static [&'static str] {
        &[
            "id", "name", "owner", "kind", "finding", "title", "why", "whatToDo",
        ]
    }

    fn cells(&self, out: &mut Vec<Cell>) {
        out.push(Cell::id(&self.row.id));
        out.push(Cell::text(&self.row.name));
        out.push(Cell::text_opt(self.row.owner.as_deref()));
        out.push(Cell::label(self.row.kind.label()));
        out.push(Cell::label(self.finding.key()));
        out.push(Cell::label(self.finding.title()));
        out.push(Cell::label(self.finding.why()));
        out.push(Cell::label(self.finding.what_to_do()));
    }
}
