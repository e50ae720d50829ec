//! The checker's root component: owns the state (a reducer) and the one side effect, the
//! look-up. Everything below it only draws props and emits callbacks.

use std::cell::RefCell;
use std::rc::Rc;

use std::time::Duration;

use chrono::Utc;
use dt_core::dynatrace::ApiError;
use gloo_timers::callback::Timeout;
use web_sys::AbortController;
use yew::prelude::*;

use crate::client::{self, CheckRequest};
use crate::components::{
    results::Results, settings::Settings, theme::ThemeToggle, token_input::TokenInput, Ids,
};
use crate::page;
use crate::state::{Action, State};
use crate::widget::{use_host_events, use_host_options};

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
    let state = {
        let (environment, token, follow_links) = (
            props.environment.clone(),
            props.token.clone(),
            props.capabilities.follow_links,
        );
        use_reducer(move || {
            // A link's environment is only proposed: the person decides before any call.
            let link = follow_links.then(page::link_environment).flatten();
            let actions = token
                .map(Action::InputEdited)
                .into_iter()
                .chain(link.map(Action::EnvironmentProposed));
            let mut state = Rc::new(State::new(environment));
            for action in actions {
                state = yew::Reducible::reduce(state, action);
            }
            Rc::try_unwrap(state).unwrap_or_else(|rc| (*rc).clone())
        })
    };
    // The look-up in flight, so a newer check (or leaving) can cancel it.
    let in_flight = use_mut_ref(|| None::<Flight>);

    let theme = use_state(|| {
        props.theme.clone().or_else(|| {
            (props.capabilities.remember)
                .then(page::remembered_theme)
                .flatten()
        })
    });

    {
        let in_flight = in_flight.clone();
        use_effect_with((), move |_| move || abort(&in_flight));
    }
    // The host page changed the widget's options (`WidgetHandle::update`): they win over
    // what was typed or toggled here.
    use_host_options(
        &props.environment,
        &props.theme,
        |environment| {
            abort(&in_flight);
            state.dispatch(Action::EnvironmentEdited(environment));
        },
        |next| theme.set(next),
    );
    use_host_events(props.events.as_ref(), &state);
    {
        // The page follows `#env=...&id=...` links opened while it is already showing.
        let (dispatcher, in_flight) = (state.dispatcher(), in_flight.clone());
        let follow_links = props.capabilities.follow_links;
        use_effect_with((), move |_| {
            let listener = follow_links
                .then(|| {
                    page::on_hash_change(move |link| {
                        abort(&in_flight);
                        if let Some(env) = link.environment {
                            dispatcher.dispatch(Action::EnvironmentProposed(env));
                        }
                        if let Some(token) = link.token {
                            dispatcher.dispatch(Action::InputEdited(token));
                        }
                    })
                })
                .flatten();
            move || drop(listener)
        });
    }

    // Typing changes the environment in memory only; it is remembered once used (the field
    // loses focus, or Check is pressed), and only when valid.
    let on_environment = {
        let state = state.dispatcher();
        Callback::from(move |url: String| state.dispatch(Action::EnvironmentEdited(url)))
    };
    let on_environment_used = {
        let (state, keep) = (state.clone(), props.capabilities.remember);
        Callback::from(move |_: ()| remember(&state, keep))
    };
    let on_proposal = {
        let (state, keep) = (state.clone(), props.capabilities.remember);
        Callback::from(move |accepted: bool| {
            // Read before dispatching: the handle may already show the answered state after.
            if let (true, true, Some(env)) = (accepted, keep, &state.proposed) {
                page::remember_environment(env);
            }
            state.dispatch(Action::ProposalAnswered(accepted));
        })
    };
    let on_access_token = {
        let state = state.dispatcher();
        Callback::from(move |token: String| state.dispatch(Action::AccessTokenEdited(token)))
    };
    let on_input = {
        let (state, in_flight) = (state.dispatcher(), in_flight.clone());
        Callback::from(move |text: String| {
            abort(&in_flight);
            state.dispatch(Action::InputEdited(text));
        })
    };
    let on_clear = {
        let (state, in_flight) = (state.dispatcher(), in_flight.clone());
        Callback::from(move |_| {
            abort(&in_flight);
            state.dispatch(Action::Cleared);
        })
    };
    let on_check = {
        let (state, in_flight) = (state.clone(), in_flight.clone());
        let keep = props.capabilities.remember;
        Callback::from(move |_| {
            if state.blocker().is_none() {
                remember(&state, keep);
            }
            start_check(&state, &in_flight)
        })
    };
    let on_theme = {
        let (theme, keep) = (theme.clone(), props.capabilities.remember);
        Callback::from(move |next: Option<String>| {
            if keep {
                page::remember_theme(next.as_deref());
            }
            theme.set(next);
        })
    };

    let system_dark = prefers_dark();
    let dark = match theme.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => system_dark,
    };
    // Variants are data attributes, not extra classes: a class computed at run time costs the
    // page Yew's `Classes` set (1.5 KB gzip), and `class` is the only attribute that does.
    let layout = if props.capabilities.full_page {
        "page"
    } else {
        "widget"
    };
    let now = Utc::now();

    html! {
        <div class="dtc" data-layout={layout} data-theme={if dark { "dark" } else { "light" }}>
            <div class="dtc-shell">
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
                <main>
                    if props.show_settings {
                        <Settings
                            ids={props.ids.clone()}
                            environment_input={state.environment_input.clone()}
                            environment={state.environment.clone()}
                            proposed={state.proposed.clone()}
                            access_token={state.access_token.clone()}
                            {on_environment}
                            {on_environment_used}
                            {on_proposal}
                            {on_access_token}
                        />
                    }
                    <TokenInput
                        ids={props.ids.clone()}
                        value={state.input.clone()}
                        parsed={state.parsed.clone()}
                        environment={state.environment().cloned()}
                        has_access_token={!state.access_token.trim().is_empty()}
                        checking={state.pending.is_some()}
                        blocker={state.blocker()}
                        {on_input}
                        {on_check}
                        {on_clear}
                    />
                    <Results
                        ids={props.ids.clone()}
                        lookup={state.lookup.clone()}
                        token={state.token().cloned()}
                        environment={state.environment().cloned()}
                        self_lookup={state.access_token.trim().is_empty()}
                        {now}
                    />
                </main>
                if props.capabilities.full_page {
                    <footer class="dtc-footer">
                        { "Tokens are parsed on this page. A token is sent only to the environment shown above, only when you press Check, and is never stored. " }
                        { "The environment URL and the theme are remembered in this browser." }
                    </footer>
                }
            </div>
        </div>
    }
}

/// A look-up in flight: its abort switch, and a watchdog that ends it if the client never
/// reports back (an exception thrown inside the browser's fetch machinery abandons the
/// future). The reducer ignores the watchdog's answer when the real one came first.
struct Flight {
    controller: AbortController,
    _watchdog: Timeout,
}

/// How much longer than the client's own timeout the watchdog waits.
const WATCHDOG_GRACE: Duration = Duration::from_secs(2);

fn abort(in_flight: &Rc<RefCell<Option<Flight>>>) {
    if let Some(flight) = in_flight.borrow_mut().take() {
        flight.controller.abort();
    }
}

/// Remembers the environment if it is valid and this instance may remember. Called when used.
fn remember(state: &UseReducerHandle<State>, keep: bool) {
    if let (true, Some(env)) = (keep, state.environment()) {
        page::remember_environment(env);
    }
}

/// Starts the look-up for the current input, cancelling any older one. The request reads the
/// secret from state when it is built and holds it only until the call is sent.
fn start_check(state: &UseReducerHandle<State>, in_flight: &Rc<RefCell<Option<Flight>>>) {
    if state.blocker().is_some() {
        return;
    }
    let (Some(environment), Some(token)) = (state.environment().cloned(), state.token().cloned())
    else {
        return;
    };
    abort(in_flight);
    let Ok(controller) = AbortController::new() else {
        return;
    };
    let id = state.next_request_id();
    let watchdog = {
        let dispatcher = state.dispatcher();
        let after = client::DEFAULT_TIMEOUT;
        let millis = u32::try_from((after + WATCHDOG_GRACE).as_millis()).unwrap_or(u32::MAX);
        Timeout::new(millis, move || {
            dispatcher.dispatch(Action::CheckFinished(
                id,
                Err(ApiError::Timeout { after }.into()),
            ));
        })
    };
    *in_flight.borrow_mut() = Some(Flight {
        controller: controller.clone(),
        _watchdog: watchdog,
    });

    state.dispatch(Action::CheckStarted(id));
    let access_token = state.access_token.clone();
    let dispatcher = state.dispatcher();
    wasm_bindgen_futures::spawn_local(async move {
        let request = CheckRequest {
            environment: &environment,
            token: &token,
            access_token: Some(access_token.as_str()),
            timeout: client::DEFAULT_TIMEOUT,
        };
        let result = client::check(request, &controller).await;
        dispatcher.dispatch(Action::CheckFinished(id, result));
    });
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
