//! Which view the page shows, read from the address's `#...`, so that a view (and an inventory's
//! filters) can be bookmarked and shared:
//!
//! | hash | view |
//! |---|---|
//! | empty, `#`, `#/`, and the checker's links `#env=...&id=...` | Check |
//! | `#/inventory`, `#/inventory?owner=...&finding=...` | Inventory, its filters after `?` |
//! | `#/scan` | Scan |
//!
//! A hash never carries a secret: the inventory writes only its filters there (owner, scope
//! names, findings, free text that is refused when it reads as a token; see the view), never the
//! access token. An unknown `#/...` shows the checker rather than an empty page.
//!
//! Parsing is pure ([`Route::parse`]); the browser side (reading, listening, writing) is the
//! few functions below it. Only the page follows routes: the widget is the checker alone
//! (`Capabilities::views`).

use wasm_bindgen::JsCast;

/// A view, with what its address says beyond its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The checker. `#env=&id=` links are read by `page.rs`, as before views existed.
    Check,
    /// The inventory; `query` is what follows `?` (its filters), still percent-encoded.
    Inventory { query: String },
    /// The scanner.
    Scan { query: String },
}

impl Route {
    /// The route an address's hash (with or without its leading `#`) asks for.
    pub fn parse(hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let Some(path) = hash.strip_prefix('/') else {
            // Empty, or the checker's own `env=...&id=...` links.
            return Route::Check;
        };
        let (name, query) = path.split_once('?').unwrap_or((path, ""));
        let query = query.to_owned();
        match name.trim_end_matches('/') {
            "inventory" => Route::Inventory { query },
            "scan" => Route::Scan { query },
            _ => Route::Check,
        }
    }

    /// The hash that shows this route (`#/`, `#/inventory?...`).
    pub fn href(&self) -> String {
        let (name, query) = match self {
            Route::Check => return "#/".to_owned(),
            Route::Inventory { query } => ("inventory", query),
            Route::Scan { query } => ("scan", query),
        };
        if query.is_empty() {
            format!("#/{name}")
        } else {
            format!("#/{name}?{query}")
        }
    }

    /// Which view, without its query: for the navigation's "current page" mark.
    pub fn view(&self) -> View {
        match self {
            Route::Check => View::Check,
            Route::Inventory { .. } => View::Inventory,
            Route::Scan { .. } => View::Scan,
        }
    }
}

/// The views, in the navigation's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Check,
    Inventory,
    Scan,
}

impl View {
    pub const ALL: [View; 3] = [View::Check, View::Inventory, View::Scan];

    pub fn title(self) -> &'static str {
        match self {
            View::Check => "Check a token",
            View::Inventory => "Inventory",
            View::Scan => "Scan text",
        }
    }

    /// Where the navigation link goes (a view's default address).
    pub fn href(self) -> &'static str {
        match self {
            View::Check => "#/",
            View::Inventory => "#/inventory",
            View::Scan => "#/scan",
        }
    }
}

/// The route of the current address.
pub fn current() -> Route {
    Route::parse(&current_hash())
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Rewrites the address to `route` without a new history entry: a view's filters change with
/// every keystroke, and Back should leave the view, not undo one letter. Writing the same
/// address again does nothing, and `hashchange` does not fire for `replaceState`.
pub fn replace(route: &Route) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let href = route.href();
    if current_hash() == href || (href == "#/" && current_hash().is_empty()) {
        return;
    }
    let (Ok(history), Ok(path), Ok(search)) = (
        window.history(),
        window.location().pathname(),
        window.location().search(),
    ) else {
        return;
    };
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&format!("{path}{search}{href}")),
    );
}

/// Calls `on_route` whenever the address's hash changes (a link, the navigation, Back). The
/// listener is removed when the guard is dropped.
pub fn listen(on_route: impl Fn(Route) + 'static) -> Option<Listener> {
    let window = web_sys::window()?;
    let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || on_route(current()));
    window
        .add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener { window, closure })
}

pub struct Listener {
    window: web_sys::Window,
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback(
            "hashchange",
            self.closure.as_ref().unchecked_ref(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_keeps_its_addresses() {
        for hash in [
            "",
            "#",
            "#/",
            "/",
            "#env=https%3A%2F%2Fx&id=dt0c01.ABC",
            "#id=dt0c01.ABC",
        ] {
            assert_eq!(Route::parse(hash), Route::Check, "{hash}");
        }
        assert_eq!(Route::parse("#/nowhere"), Route::Check);
    }

    #[test]
    fn views_and_their_queries() {
        assert_eq!(
            Route::parse("#/inventory"),
            Route::Inventory {
                query: String::new()
            }
        );
        assert_eq!(
            Route::parse("#/inventory/?owner=a%20b&finding=expired"),
            Route::Inventory {
                query: "owner=a%20b&finding=expired".into()
            }
        );
        assert_eq!(
            Route::parse("/scan"),
            Route::Scan {
                query: String::new()
            }
        );
    }

    #[test]
    fn href_reads_back_as_the_same_route() {
        for route in [
            Route::Check,
            Route::Inventory {
                query: String::new(),
            },
            Route::Inventory {
                query: "q=abc&sort=-name".into(),
            },
            Route::Scan {
                query: String::new(),
            },
        ] {
            assert_eq!(Route::parse(&route.href()), route);
        }
        for view in View::ALL {
            assert_eq!(Route::parse(view.href()).view(), view);
        }
    }
}
