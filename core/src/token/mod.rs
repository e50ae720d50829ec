//! Token strings, all local: what a pasted string is ([`parse`]), how to show it ([`ParsedToken::masked`]),
//! what kind of token it is ([`TokenKind`]), which call can look it up ([`Lookup`]), and where
//! tokens hide in a text ([`scan`]). Token shapes come from one table ([`RULES`]); what a parse
//! error may show of the input comes from [`ParseError::pointer`].

pub(crate) mod chars;
mod kind;
mod parse;
mod pointer;
mod rules;
mod scan;
mod secret;
mod utf16;

pub use chars::{invisible_name, is_invisible};
pub use kind::{Lookup, TokenKind};
pub use parse::{
    parse, ParseError, ParseErrorKind, ParsedToken, Part, PartRole, Stripped, Warning,
};
pub use pointer::{Pointer, MASKED};
pub use rules::{is_prefix, Case, Length, Rule, RULES};
pub use scan::{
    scan, without_ids_of_full_tokens, ByteScanner, Finding, Hit, HitSink, Scanner, HOLD,
};
pub use secret::{Secret, MASK};
pub use utf16::{utf16_places, utf16_units, Utf16Cursor, Utf16Place};
