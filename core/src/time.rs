//! Relative times with an injected `now`.
