//! The checker: one token, parsed here, looked up in the environment, shown as cards. The view
//! owns its state (a reducer, `state.rs`) and its one side effect, the look-up; everything below
//! it only draws props and emits callbacks.

pub mod state;

use std::cell::RefCell;
use std::rc::Rc;

use std::time::Duration;

use chrono::Utc;
use dt_core::dynatrace::ApiError;
use gloo_timers::callback::Timeout;
use web_sys::AbortController;
use yew::prelude::*;

use crate::app::Capabilities;
use crate::client::{self, CheckRequest};
use crate::components::{results::Results, settings::Settings, token_input::TokenInput, Ids};
use crate::page;
use crate::widget::{use_host_events, use_host_option};
use state::{Action, State};

#[derive(Clone, Debug, PartialEq, Properties)]
pub struct CheckViewProps {
    pub capabilities: Capabilities,
    pub ids: Ids,
    /// The environment URL to start with.
    pub environment: String,
    /// A token ID to open with (from a `#id=` link).
    #[prop_or_default]
    pub token: Option<String>,
    #[prop_or(true)]
    pub show_settings: bool,
    /// Where the host page's events are dispatched (the widget's mount element); `None`: none.
    #[prop_or_default]
    pub events: Option<web_sys::Element>,
}

#[function_component]
pub fn CheckView(props: &CheckViewProps) -> Html {
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

    {
        let in_flight = in_flight.clone();
        use_effect_with((), move |_| move || abort(&in_flight));
    }
    // The host page changed the widget's environment (`WidgetHandle::update`): it wins over
    // what was typed here.
    {
        let (state, in_flight) = (state.dispatcher(), in_flight.clone());
        use_host_option(&props.environment, move |environment| {
            abort(&in_flight);
            state.dispatch(Action::EnvironmentEdited(environment));
        });
    }
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
    let now = Utc::now();

    html! {
        <>
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
        </>
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
