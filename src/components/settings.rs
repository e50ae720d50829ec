//! Where calls go, and with which credential. The person decides where calls go: a link's
//! environment waits here for an answer, and the "Calls go to" line says what kind of host it
//! is, with a warning for names that imitate Dynatrace's and for a page served over plain http.

use dt_core::dynatrace::environment::{HostStanding, PageTransport};
use dt_core::dynatrace::{EnvironmentUrl, EnvironmentUrlError};
use yew::prelude::*;

use super::{absolute_url, input_value, page_transport, Ids};

/// An environment field was edited: what the field keeps, and what it means. A token typed
/// there is not kept, not even in memory (the field is emptied), and the error stays, so that
/// nothing is sent until a URL is entered. Every view with an environment field uses this.
pub fn environment_edited(input: String) -> (String, Result<EnvironmentUrl, EnvironmentUrlError>) {
    let parsed = EnvironmentUrl::parse(&input);
    let kept = if parsed == Err(EnvironmentUrlError::LooksLikeToken) {
        String::new()
    } else {
        input
    };
    (kept, parsed)
}

#[derive(Clone, PartialEq, Properties)]
pub struct SettingsProps {
    pub environment_input: String,
    pub environment: Option<Result<EnvironmentUrl, EnvironmentUrlError>>,
    /// An environment a link asks for, waiting for an answer.
    #[prop_or_default]
    pub proposed: Option<EnvironmentUrl>,
    pub access_token: String,
    pub on_environment: Callback<String>,
    /// The field lost focus with a changed value: the environment was used.
    #[prop_or_default]
    pub on_environment_used: Callback<()>,
    /// The answer to a proposed environment: `true` to use it.
    #[prop_or_default]
    pub on_proposal: Callback<bool>,
    pub on_access_token: Callback<String>,
    /// What the access token is for, when not the checker's look-up by ID (the inventory's
    /// lists): replaces the field's placeholder and scope hint.
    #[prop_or_default]
    pub access_hint: Option<&'static str>,
    /// This instance's element ids.
    #[prop_or_default]
    pub ids: Ids,
}

#[function_component]
pub fn Settings(props: &SettingsProps) -> Html {
    let ids = &props.ids;
    let (env_id, token_id, where_id) = (
        ids.id("environment"),
        ids.id("access-token"),
        ids.id("environment-where"),
    );
    let (title_id, hint_id) = (ids.id("settings-title"), ids.id("access-token-hint"));
    let on_env = props.on_environment.reform(|e: InputEvent| {
        let value = input_value(&e);
        // A token pasted here leaves the field at once; the state says why.
        if dt_core::dynatrace::environment::looks_like_token(&value) {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                input.set_value("");
            }
        }
        value
    });
    let on_used = props.on_environment_used.reform(|_: Event| ());
    let on_token = props
        .on_access_token
        .reform(|e: InputEvent| input_value(&e));
    let invalid = matches!(props.environment, Some(Err(_)));

    let where_to = match &props.environment {
        Some(Ok(env)) => html! {
            <>
                <p class="dtc-where" id={where_id.clone()}>
                    <span>{ "Calls go to" }</span>
                    <code data-testid="api-base">{ absolute_url(&env.api_base()) }</code>
                    if let Some(id) = env.environment_id() {
                        <span class="dtc-badge">{ format!("environment {id}") }</span>
                    }
                </p>
                { standing_note(env.standing()) }
                if !env.notes().is_empty() {
                    <ul class="dtc-notes">
                        { for env.notes().iter().map(|n| html! { <li>{ n }</li> }) }
                    </ul>
                }
            </>
        },
        Some(Err(error)) => html! {
            <p class="dtc-msg dtc-msg-bad" id={where_id.clone()} role="alert">{ error.to_string() }</p>
        },
        None => html! {},
    };

    html! {
        <section class="dtc-panel" aria-labelledby={title_id.clone()}>
            <h2 id={title_id}>{ "Environment" }</h2>
            { plain_http_warning() }
            if let Some(proposed) = &props.proposed {
                { proposal(ids, proposed, props.environment.as_ref().and_then(|e| e.as_ref().ok()), &props.on_proposal) }
            }
            <div class="dtc-field">
                <label for={env_id.clone()}>{ "Environment URL" }</label>
                <input
                    id={env_id}
                    class="dtc-input"
                    type="url"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="https://abc12345.live.dynatrace.com (empty: this page's own server)"
                    value={props.environment_input.clone()}
                    aria-invalid={invalid.to_string()}
                    aria-describedby={where_id}
                    oninput={on_env}
                    onchange={on_used}
                />
                { where_to }
            </div>
            <div class="dtc-field">
                <label for={token_id.clone()}>{ "Access token" }</label>
                <input
                    id={token_id}
                    class="dtc-input"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder={props.access_hint.map_or("optional: needed to look up a token by its ID", |_| "required: reads the token lists")}
                    value={props.access_token.clone()}
                    aria-describedby={hint_id.clone()}
                    oninput={on_token}
                />
                // Said where the mistake is, before any view tries to send it (each view also
                // refuses it when asked to send it: `client::unsendable`).
                if let Some((position, what)) = crate::client::unsendable(&props.access_token) {
                    <p class="dtc-msg dtc-msg-bad" data-testid="access-token-unsendable">
                        { format!("This access token has {what} at position {position}, which an HTTP header can't carry: it will not be sent until that is corrected.") }
                    </p>
                }
                <p class="dtc-hint" id={hint_id}>
                    { "Held in this page's memory only, never stored, sent only to the environment above. " }
                    if let Some(hint) = props.access_hint {
                        { hint }
                    } else {
                        { "Needs apiTokens.read (or activeGateTokenManagement.read for ActiveGate tokens). " }
                        { "Without it, a full token authenticates its own look-up." }
                    }
                </p>
            </div>
        </section>
    }
}

/// What kind of host calls go to: nothing for a documented SaaS host, a note for any other,
/// a warning for a look-alike.
pub(crate) fn standing_note(standing: HostStanding) -> Html {
    let tone = match standing {
        HostStanding::DynatraceSaas => return html! {},
        HostStanding::LookAlike(_) => "warn",
        _ => "note",
    };
    html! {
        <p class="dtc-standing" data-tone={tone} data-testid="host-standing">{ standing.to_string() }</p>
    }
}

/// A page that came over plain http from another machine: said before any token is sent.
pub(crate) fn plain_http_warning() -> Html {
    if page_transport() != PageTransport::PlainHttp {
        return html! {};
    }
    html! {
        <p class="dtc-standing" data-tone="warn" data-testid="plain-http-warning">
            { "Warning: this page came over plain http from another machine. Anyone on the way can read or change it, and a token sent to its own server travels unencrypted. Open the page over https before you check a token." }
        </p>
    }
}

/// A link asks for another environment: nothing is sent or stored until the person answers.
fn proposal(
    ids: &Ids,
    proposed: &EnvironmentUrl,
    current: Option<&EnvironmentUrl>,
    on_answer: &Callback<bool>,
) -> Html {
    let accept = on_answer.reform(|_: MouseEvent| true);
    let refuse = on_answer.reform(|_: MouseEvent| false);
    let current = current.map_or_else(
        || "the environment set below".to_owned(),
        |c| absolute_url(&c.api_base()),
    );
    let (title_id, text_id) = (ids.id("confirm-title"), ids.id("confirm-text"));
    html! {
        <div class="dtc-confirm" role="group" aria-labelledby={title_id.clone()} aria-describedby={text_id.clone()} data-testid="environment-confirm">
            <p class="dtc-confirm-title" id={title_id}>{ "A link asks to change where tokens are sent" }</p>
            <p id={text_id}>
                { "Calls would go to " }<code>{ absolute_url(&proposed.api_base()) }</code>
                { " instead of " }<code>{ current }</code>{ ". Nothing is sent or remembered until you choose." }
            </p>
            { standing_note(proposed.standing()) }
            <div class="dtc-row">
                <button type="button" class="dtc-btn dtc-btn-primary" onclick={accept}>{ "Use the link's environment" }</button>
                <button type="button" class="dtc-btn" onclick={refuse}>{ "Keep the current one" }</button>
            </div>
        </div>
    }
}
