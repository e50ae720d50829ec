//! The one field that takes whatever a person pastes, with its local parse right below it.

use dt_core::dynatrace::EnvironmentUrl;
use dt_core::token::{ParseError, ParsedToken};
use yew::prelude::*;

use super::anatomy::Anatomy;
use super::trust::TrustLine;
use super::{input_value, Ids};

#[derive(Clone, PartialEq, Properties)]
pub struct TokenInputProps {
    pub value: String,
    pub parsed: Option<Result<ParsedToken, ParseError>>,
    pub environment: Option<EnvironmentUrl>,
    pub has_access_token: bool,
    pub checking: bool,
    /// Why "Check" can't run now.
    pub blocker: Option<&'static str>,
    pub on_input: Callback<String>,
    pub on_check: Callback<()>,
    pub on_clear: Callback<()>,
    /// This instance's element ids.
    #[prop_or_default]
    pub ids: Ids,
}

#[function_component]
pub fn TokenInput(props: &TokenInputProps) -> Html {
    // The field is masked like a password until the person asks to see it: the secret is on
    // screen only by choice.
    let revealed = use_state(|| false);
    let oninput = props.on_input.reform(|e: InputEvent| input_value(&e));
    let onkeydown = {
        let on_check = props.on_check.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                on_check.emit(());
            }
        })
    };
    let onclick = props.on_check.reform(|_: MouseEvent| ());
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());
    let toggle = {
        let revealed = revealed.clone();
        Callback::from(move |_: MouseEvent| revealed.set(!*revealed))
    };
    let invalid = matches!(props.parsed, Some(Err(_)));
    // A token ID is safe to show; anything that may hold a secret is masked unless asked.
    let id_only = matches!(&props.parsed, Some(Ok(t)) if t.secret().is_none());
    let masked = !*revealed && !id_only;
    let disabled = props.blocker.is_some() || props.checking;
    let ids = &props.ids;
    let (title_id, token_id, blocker_id) = (
        ids.id("input-title"),
        ids.id("token"),
        ids.id("check-blocker"),
    );
    let (anatomy_id, trust_id) = (ids.id("anatomy"), ids.id("trust"));

    html! {
        <section class="dtc-panel" aria-labelledby={title_id.clone()}>
            <h2 id={title_id} class="dtc-visually-hidden">{ "Token" }</h2>
            <div class="dtc-field">
                <label for={token_id.clone()}>{ "Token to check" }</label>
                <div class="dtc-row">
                    <input
                        id={token_id}
                        class="dtc-input"
                        type={if masked { "password" } else { "text" }}
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        placeholder="dt0c01.… token or ID; a header or an env line works too"
                        value={props.value.clone()}
                        aria-invalid={invalid.to_string()}
                        aria-describedby={format!("{anatomy_id} {trust_id}")}
                        {oninput}
                        {onkeydown}
                    />
                    <button type="button" class="dtc-btn" aria-pressed={revealed.to_string()} onclick={toggle}>
                        { "Show" }
                    </button>
                    <button
                        type="button"
                        class="dtc-btn dtc-btn-primary"
                        aria-disabled={disabled.to_string()}
                        aria-describedby={blocker_id.clone()}
                        {onclick}
                    >
                        { if props.checking { "Checking…" } else { "Check" } }
                    </button>
                    if !props.value.is_empty() {
                        <button type="button" class="dtc-btn" onclick={on_clear}>{ "Clear" }</button>
                    }
                </div>
                <p class="dtc-hint" id={blocker_id}>
                    { props.blocker.filter(|_| !props.value.is_empty()).unwrap_or("Parsed on this page as you type; nothing leaves it until you press Check.") }
                </p>
            </div>
            <div id={anatomy_id} aria-live="polite">
                if let Some(parsed) = &props.parsed {
                    <Anatomy parsed={parsed.clone()} input={props.value.clone()} />
                }
            </div>
            <div id={trust_id}>
                if let Some(Ok(token)) = &props.parsed {
                    <TrustLine
                        token={token.clone()}
                        environment={props.environment.clone()}
                        has_access_token={props.has_access_token}
                    />
                }
            </div>
        </section>
    }
}
