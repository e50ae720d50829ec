//! What the look-up found: nothing yet, a spinner, a card, or an error with the next step.

use chrono::{DateTime, Utc};
use dt_core::dynatrace::EnvironmentUrl;
use dt_core::token::ParsedToken;
use yew::prelude::*;

use super::cards::{standing_of, ActiveGateCard, ApiTokenCard, LegacyCard};
use super::error_panel::ErrorPanel;
use super::Ids;
use crate::client::{CheckError, Metadata};
use crate::state::Remote;
use dt_core::dynatrace::Standing;

#[derive(Clone, PartialEq, Properties)]
pub struct ResultsProps {
    pub lookup: Remote<Metadata, CheckError>,
    pub token: Option<ParsedToken>,
    pub environment: Option<EnvironmentUrl>,
    /// The token authenticated its own look-up (no separate access token).
    pub self_lookup: bool,
    pub now: DateTime<Utc>,
    /// This instance's element ids.
    #[prop_or_default]
    pub ids: Ids,
}

#[function_component]
pub fn Results(props: &ResultsProps) -> Html {
    let standing = match &props.lookup {
        Remote::Loaded(metadata) => standing_of(metadata, props.now),
        _ => Standing::Active,
    };
    let body = match &props.lookup {
        Remote::Idle => return html! {},
        Remote::Loading => html! {
            <div class="dtc-panel dtc-loading" role="status">
                <span class="dtc-spinner" aria-hidden="true"></span>
                { "Looking the token up…" }
            </div>
        },
        Remote::Loaded(Metadata::Api(token)) => html! {
            <ApiTokenCard
                {standing}
                ids={props.ids.clone()}
                token={token.clone()}
                environment={props.environment.clone()}
                now={props.now}
                authenticated_itself={props.self_lookup && props.token.as_ref().is_some_and(|t| t.secret().is_some())}
            />
        },
        Remote::Loaded(Metadata::ActiveGate(token)) => html! {
            <ActiveGateCard {standing} ids={props.ids.clone()} token={token.clone()} now={props.now} />
        },
        Remote::Loaded(Metadata::Legacy(token)) => html! {
            <LegacyCard {standing} ids={props.ids.clone()} token={token.clone()} now={props.now} />
        },
        Remote::Failed(error) => html! {
            <ErrorPanel
                error={error.clone()}
                token={props.token.clone()}
                self_lookup={props.self_lookup}
            />
        },
    };
    html! { <section aria-label="Result" aria-live="polite" data-testid="result">{ body }</section> }
}
