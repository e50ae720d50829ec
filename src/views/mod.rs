//! The views of the full page.

pub mod scan;
