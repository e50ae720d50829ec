//! Token strings, all local: what a pasted string is ([`parse`]), how to show it ([`ParsedToken::masked`]),
//! what kind of token it is ([`TokenKind`]), which call can look it up ([`Lookup`]), and where
//! tokens hide in a text ([`scan`]).

pub(crate) mod chars;
mod kind;
mod parse;
mod scan;
mod secret;

pub use kind::{Lookup, TokenKind};
pub use parse::{
    parse, ParseError, ParseErrorKind, ParsedToken, Part, PartRole, Stripped, Warning,
};
pub use scan::{scan, Finding, Scanner};
pub use secret::{Secret, MASK};
