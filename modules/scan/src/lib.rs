//! The page's scan (`#/scan`) as a wasm module of its own, so that the page's first load carries only the
//! shell and the checker: the page imports `dt-scan.js` when the view is first opened
//! (`src/views/lazy.rs` in the app crate, which says why and how), then calls `mount`,
//! `update` and `unmount`, which `dt_token_checker::view_module!` defines, as for every module.

dt_token_checker::view_module!(dt_token_checker::views::scan::ScanView);
