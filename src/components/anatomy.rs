//! The token taken apart: kind, coloured parts (secret masked), what was stripped, warnings, or
//! the exact character that is wrong.

use dt_core::token::{ParseError, ParsedToken, PartRole};
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
                if let Some(index) = error.index() {
                    { pointer(&props.input, index) }
                }
                <ul class="dtc-messages">
                    <li class="dtc-msg dtc-msg-bad">{ error.to_string() }</li>
                </ul>
            </div>
        },
    }
}

/// The input around the error, with the offending character marked. Whatever may be secret
/// (from the second dot on, or all of a string without a `dt0` prefix) stays masked: only the
/// marked character itself is shown, made visible if it is invisible.
fn pointer(input: &str, index: usize) -> Html {
    const CONTEXT: usize = 24;
    let chars: Vec<char> = input.chars().collect();
    if index > chars.len() {
        return html! {};
    }
    let start_of_token = input.to_ascii_lowercase().find("dt0").map(|b| input[..b].chars().count());
    let secret_from = start_of_token.and_then(|start| {
        chars.iter().enumerate().skip(start).filter(|(_, c)| **c == '.').nth(1).map(|(i, _)| i + 1)
    });
    let is_secret = |i: usize| match (start_of_token, secret_from) {
        (None, _) => true,
        (Some(start), _) if i < start => false,
        (_, Some(from)) => i >= from,
        _ => false,
    };
    let from = index.saturating_sub(CONTEXT);
    let to = (index + CONTEXT + 1).min(chars.len());
    let shown = |range: std::ops::Range<usize>| -> String {
        range.map(|i| if is_secret(i) { '•' } else if chars[i].is_control() { ' ' } else { chars[i] }).collect()
    };
    let marked = match chars.get(index) {
        Some(c) if c.is_whitespace() || c.is_control() || !c.is_ascii() && c.len_utf8() > 1 && matches!(*c as u32, 0x00A0 | 0x00AD | 0x180E | 0x2000..=0x206F | 0xFEFF) => format!("U+{:04X}", *c as u32),
        Some(c) => c.to_string(),
        None => "⌷".to_owned(),
    };
    html! {
        <div class="dtc-anatomy dtc-pointer" aria-label={format!("The error is at position {}", index + 1)}>
            if from > 0 { <span class="dtc-part" data-part="separator">{ "…" }</span> }
            { shown(from..index) }
            <mark class="dtc-mark">{ marked }</mark>
            { shown((index + 1).min(chars.len())..to) }
            if to < chars.len() { <span class="dtc-part" data-part="separator">{ "…" }</span> }
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
