//! The token taken apart: kind, coloured parts (secret masked), what was stripped, warnings, or
//! the exact character that is wrong.

use dt_core::token::{ParseError, ParsedToken, PartRole, Pointer};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct AnatomyProps {
    pub parsed: Result<ParsedToken, ParseError>,
    /// What was pasted, to point at the offending character.
    pub input: String,
}

#[function_component]
pub fn Anatomy(props: &AnatomyProps) -> Html {
    match &props.parsed {
        Ok(token) => parsed(token),
        Err(error) => html! {
            <div data-testid="parse-error">
                if let Some(pointer) = error.pointer(&props.input) {
                    { pointer_view(&pointer) }
                }
                <ul class="dtc-messages">
                    <li class="dtc-msg dtc-msg-bad">{ error.to_string() }</li>
                </ul>
            </div>
        },
    }
}

/// The input around the error, with the offending character marked. dt-core decides what may be
/// shown ([`Pointer`]: secret characters arrive masked); this only draws it.
fn pointer_view(pointer: &Pointer) -> Html {
    html! {
        <div class="dtc-anatomy dtc-pointer" aria-label={format!("The error is at position {}", pointer.index + 1)}>
            if pointer.clipped_before { <span class="dtc-part" data-part="separator">{ "…" }</span> }
            { &pointer.before }
            <mark class="dtc-mark">{ &pointer.at }</mark>
            { &pointer.after }
            if pointer.clipped_after { <span class="dtc-part" data-part="separator">{ "…" }</span> }
        </div>
    }
}

fn parsed(token: &ParsedToken) -> Html {
    let parts = token.parts().into_iter().map(|part| {
        let role = match part.role {
            PartRole::Prefix => "prefix",
            PartRole::Public => "public",
            PartRole::Secret => "secret",
            PartRole::Separator => "separator",
        };
        html! { <span class="dtc-part" data-part={role}>{ part.text }</span> }
    });
    let has_secret = token.secret().is_some();
    html! {
        <div data-testid="anatomy">
            <div class="dtc-kind">
                <strong data-testid="token-kind">{ token.kind.label() }</strong>
                <span class="dtc-badge">{ if has_secret { "full token" } else { "token ID only" } }</span>
                <p>{ token.kind.explanation() }</p>
            </div>
            <div class="dtc-anatomy" data-testid="token-parts" aria-label={format!("Token ID {}, secret {}", token.id(), if has_secret { "masked" } else { "absent" })}>
                { for parts }
            </div>
            <ul class="dtc-legend" aria-hidden="true">
                if token.prefix().is_some() { <li data-part="prefix">{ "prefix" }</li> }
                <li data-part="public">{ "public part (the ID, safe to share)" }</li>
                if has_secret { <li data-part="secret">{ "secret (masked)" }</li> }
            </ul>
            if !token.stripped().is_empty() || !token.warnings().is_empty() {
                <ul class="dtc-messages">
                    { for token.stripped().iter().map(|s| html! { <li class="dtc-msg dtc-msg-info">{ s.to_string() }</li> }) }
                    { for token.warnings().iter().map(|w| html! { <li class="dtc-msg dtc-msg-warn">{ w.to_string() }</li> }) }
                </ul>
            }
        </div>
    }
}
