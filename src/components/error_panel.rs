//! Every way a check can fail, in place, with the next step. The app stays usable: the input
//! keeps its text and Check can be pressed again.

use dt_core::dynatrace::ApiError;
use dt_core::token::ParsedToken;
use yew::prelude::*;

use crate::client::{CheckError, Refused};

#[derive(Clone, PartialEq, Properties)]
pub struct ErrorPanelProps {
    pub error: CheckError,
    pub token: Option<ParsedToken>,
    /// The token authenticated its own look-up, which changes what a 401 means.
    pub self_lookup: bool,
}

#[function_component]
pub fn ErrorPanel(props: &ErrorPanelProps) -> Html {
    let (title, next, details) = describe(
        &props.error,
        props.self_lookup && props.token.as_ref().is_some_and(|t| t.secret().is_some()),
    );
    html! {
        <div class="dtc-panel dtc-error" role="alert" data-testid="error-panel">
            <h2>{ title }</h2>
            <p>{ next }</p>
            { details }
        </div>
    }
}

fn describe(error: &CheckError, self_lookup: bool) -> (String, String, Html) {
    match error {
        CheckError::NeedsAccessToken { scope } => (
            "An access token is needed".into(),
            format!("Looking a token up by its ID needs a second token with the {scope} scope. Paste one into \"Access token\" above, or paste the full token instead of its ID."),
            html! {},
        ),
        CheckError::NotPossible { reason } => (
            "This token can't be looked up".into(),
            (*reason).to_owned(),
            html! {},
        ),
        CheckError::Refused(Refused::Redirect { .. }) => (
            "The environment answered with a redirect".into(),
            error.to_string(),
            html! { <p>{ "Redirects are refused so that a token is never sent on to another host. Point Environment URL at the address that answers the API directly (for SaaS: https://<id>.live.dynatrace.com), or fix the proxy that redirects." }</p> },
        ),
        CheckError::Refused(Refused::NotSendable { .. }) => ("This can't be sent".into(), error.to_string(), html! {}),
        CheckError::Api(ApiError::Unauthorized { .. }) if self_lookup => (
            "The token did not authenticate".into(),
            "The environment refused the token itself (401). It is disabled, expired, or belongs to another environment: check the environment URL, or look it up by ID with an access token to see why.".into(),
            html! {},
        ),
        CheckError::Api(api) => {
            let details = match api {
                ApiError::BadRequest { violations, .. } if !violations.is_empty() => html! {
                    <ul>
                        { for violations.iter().map(|v| html! { <li>{ v.to_string() }</li> }) }
                    </ul>
                },
                _ => html! {},
            };
            (api.title(), api.next_step(), details)
        }
    }
}
