//! Where calls go, and with which credential.

use dt_core::dynatrace::{EnvironmentUrl, EnvironmentUrlError};
use yew::prelude::*;

use super::input_value;

#[derive(Clone, PartialEq, Properties)]
pub struct SettingsProps {
    pub environment_input: String,
    pub environment: Option<Result<EnvironmentUrl, EnvironmentUrlError>>,
    pub access_token: String,
    pub on_environment: Callback<String>,
    pub on_access_token: Callback<String>,
}

#[function_component]
pub fn Settings(props: &SettingsProps) -> Html {
    let env_id = "dtc-environment";
    let token_id = "dtc-access-token";
    let on_env = props.on_environment.reform(|e: InputEvent| input_value(&e));
    let on_token = props.on_access_token.reform(|e: InputEvent| input_value(&e));
    let invalid = matches!(props.environment, Some(Err(_)));

    let where_to = match &props.environment {
        Some(Ok(env)) => html! {
            <>
                <p class="dtc-where" id="dtc-environment-where">
                    <span>{ "Calls go to" }</span>
                    <code data-testid="api-base">{ super::absolute_url(&env.api_base()) }</code>
                    if let Some(id) = env.environment_id() {
                        <span class="dtc-badge">{ format!("environment {id}") }</span>
                    }
                </p>
                if !env.notes().is_empty() {
                    <ul class="dtc-notes">
                        { for env.notes().iter().map(|n| html! { <li>{ n }</li> }) }
                    </ul>
                }
            </>
        },
        Some(Err(error)) => html! {
            <p class="dtc-msg dtc-msg-bad" id="dtc-environment-where" role="alert">{ error.to_string() }</p>
        },
        None => html! {},
    };

    html! {
        <section class="dtc-panel" aria-labelledby="dtc-settings-title">
            <h2 id="dtc-settings-title">{ "Environment" }</h2>
            <div class="dtc-field">
                <label for={env_id}>{ "Environment URL" }</label>
                <input
                    id={env_id}
                    class="dtc-input"
                    type="url"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder="https://abc12345.live.dynatrace.com (empty: this page's own server)"
                    value={props.environment_input.clone()}
                    aria-invalid={invalid.to_string()}
                    aria-describedby="dtc-environment-where"
                    oninput={on_env}
                />
                { where_to }
            </div>
            <div class="dtc-field">
                <label for={token_id}>{ "Access token" }</label>
                <input
                    id={token_id}
                    class="dtc-input"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="optional: needed to look up a token by its ID"
                    value={props.access_token.clone()}
                    aria-describedby="dtc-access-token-hint"
                    oninput={on_token}
                />
                <p class="dtc-hint" id="dtc-access-token-hint">
                    { "Held in this page's memory only, never stored, sent only to the environment above. " }
                    { "Needs apiTokens.read (or activeGateTokenManagement.read for ActiveGate tokens). " }
                    { "Without it, a full token authenticates its own look-up." }
                </p>
            </div>
        </section>
    }
}
