//! Token strings: parse, classify, mask and scan.
