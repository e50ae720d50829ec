//! The root component: the page's frame (header, theme, navigation, footer) and the view the
//! address asks for (`route.rs`). Each view owns its state and side effects (`views/`); the
//! root owns only the theme and the current route. What an instance may do is its
//! [`Capabilities`], decided where it starts: the widget is the checker alone.

use yew::prelude::*;

use crate::components::{theme::ThemeToggle, Ids};
use crate::page;
use crate::route::{self, Route, View};
use crate::views::{check::CheckView, lazy::LazyView, ViewProps};
use crate::widget::use_host_option;

/// What an instance may do beyond checking, decided once where it starts ([`crate::start`] for
/// the page, [`crate::mount`] for the widget) so that no component asks "am I the page?". The
/// default is the widget's: it touches nothing of its host page beyond its own element.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Capabilities {
    /// Remember the environment URL and the theme in this browser (localStorage).
    pub remember: bool,
    /// Read `#env=...&id=...` links, at start and when the address changes.
    pub follow_links: bool,
    /// Offer the page's other views (the widget is the checker alone).
    pub views: bool,
    /// Own the whole page: full-height layout and the footer.
    pub full_page: bool,
}

#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AppProps {
    #[prop_or_default]
    pub capabilities: Capabilities,
    /// This instance's element ids (unique per mounted instance).
    #[prop_or_default]
    pub ids: Ids,
    /// The environment URL to start with.
    #[prop_or_default]
    pub environment: String,
    /// A token ID to open with (from a `#id=` link).
    #[prop_or_default]
    pub token: Option<String>,
    #[prop_or(true)]
    pub show_settings: bool,
    /// `"light"` or `"dark"`; `None` follows the system.
    #[prop_or_default]
    pub theme: Option<String>,
    /// Where the host page's events are dispatched (the widget's mount element); `None`: none.
    #[prop_or_default]
    pub events: Option<web_sys::Element>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            capabilities: Capabilities::default(),
            ids: Ids::default(),
            environment: String::new(),
            token: None,
            show_settings: true,
            theme: None,
            events: None,
        }
    }
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let capabilities = props.capabilities;
    let theme = use_state(|| {
        props.theme.clone().or_else(|| {
            (capabilities.remember)
                .then(page::remembered_theme)
                .flatten()
        })
    });
    // The host page changed the widget's theme (`WidgetHandle::update`): it wins over the toggle.
    use_host_option(&props.theme, |next| theme.set(next));
    // Only an instance with views follows the address; the widget stays on the checker.
    let route = use_state(|| {
        if capabilities.views {
            route::current()
        } else {
            Route::Check
        }
    });
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = capabilities
                .views
                .then(|| route::listen(move |next| route.set(next)))
                .flatten();
            move || drop(listener)
        });
    }
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |next: Option<String>| {
            if capabilities.remember {
                page::remember_theme(next.as_deref());
            }
            theme.set(next);
        })
    };

    let dark = match theme.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => prefers_dark(),
    };
    // Variants are data attributes, not extra classes: a class computed at run time costs the
    // page Yew's `Classes` set (1.5 KB gzip), and `class` is the only attribute that does.
    let layout = if capabilities.full_page {
        "page"
    } else {
        "widget"
    };
    let ids = props.ids.clone();
    let view = match &*route {
        Route::Check => html! {
            <CheckView
                {capabilities}
                ids={ids.clone()}
                environment={props.environment.clone()}
                token={props.token.clone()}
                show_settings={props.show_settings}
                events={props.events.clone()}
            />
        },
        // The other views are wasm modules of their own, loaded when first opened (views/lazy.rs).
        Route::Inventory { query } | Route::Scan { query } => {
            let view = route.view();
            let props = ViewProps {
                capabilities,
                ids: ids.clone(),
                environment: props.environment.clone(),
                query: query.clone(),
            };
            html! { <LazyView key={view.href()} {view} {props} /> }
        }
    };
    let current = route.view();

    html! {
        <div class="dtc" data-layout={layout} data-theme={if dark { "dark" } else { "light" }}>
            <div class="dtc-shell" data-view={current.href()}>
                <header class="dtc-header">
                    <svg class="dtc-logo" viewBox="0 0 32 32" aria-hidden="true">
                        <rect width="32" height="32" rx="7" fill="#1a56db"/>
                        <path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>
                    </svg>
                    <div class="dtc-grow">
                        <h1>{ "Dynatrace token checker" }</h1>
                        <p>{ "What a token is, whose it is, and what it can do. Parsed in your browser." }</p>
                    </div>
                    <ThemeToggle dark={dark} on_change={on_theme} />
                </header>
                if capabilities.views {
                    <nav class="dtc-nav" aria-label="Views">
                        { for View::ALL.into_iter().map(|v| html! {
                            <a href={v.href()} aria-current={(v == current).then_some("page")}>{ v.title() }</a>
                        }) }
                    </nav>
                }
                <main>{ view }</main>
                if capabilities.full_page {
                    <footer class="dtc-footer">
                        { "Tokens are parsed on this page. A token is sent only to the environment shown above, only when you ask, and is never stored. " }
                        { "The environment URL and the theme are remembered in this browser." }
                    </footer>
                }
            </div>
        </div>
    }
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
