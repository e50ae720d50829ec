//! The token taken apart: kind, coloured parts (secret masked), what was stripped, warnings, or
//! the exact character that is wrong.

use dt_core::token::{ParseError, ParsedToken, PartRole};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct AnatomyProps {
    pub parsed: Result<ParsedToken, ParseError>,
}

#[function_component]
pub fn Anatomy(props: &AnatomyProps) -> Html {
    match &props.parsed {
        Ok(token) => parsed(token),
        Err(error) => html! {
            <ul class="dtc-messages" data-testid="parse-error">
                <li class="dtc-msg dtc-msg-bad">{ error.to_string() }</li>
            </ul>
        },
    }
}

fn parsed(token: &ParsedToken) -> Html {
    let parts = token.parts().into_iter().map(|part| {
        let class = match part.role {
            PartRole::Prefix => "dtc-part-prefix",
            PartRole::Public => "dtc-part-public",
            PartRole::Secret => "dtc-part-secret",
            PartRole::Separator => "dtc-part-separator",
        };
        html! { <span class={class}>{ part.text }</span> }
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
                if token.prefix().is_some() { <li class="dtc-part-prefix">{ "prefix" }</li> }
                <li class="dtc-part-public">{ "public part (the ID, safe to share)" }</li>
                if has_secret { <li class="dtc-part-secret">{ "secret (masked)" }</li> }
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
