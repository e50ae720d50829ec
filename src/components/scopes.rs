//! Scopes as chips, grouped by risk, most dangerous first. Each chip shows the human name and
//! the API value; its description opens on demand. Unknown scopes are shown as they are.

use dt_core::dynatrace::scopes::{group_scopes, ScopeGroup};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct ScopeChipsProps {
    pub scopes: Vec<String>,
}

#[function_component]
pub fn ScopeChips(props: &ScopeChipsProps) -> Html {
    if props.scopes.is_empty() {
        return html! { <p class="dtc-sub" data-testid="scopes">{ "No scopes reported." }</p> };
    }
    let groups = group_scopes(&props.scopes);
    html! {
        <section class="dtc-scopes" data-testid="scopes" aria-label="Scopes">
            { for groups.iter().map(group) }
        </section>
    }
}

fn group(group: &ScopeGroup) -> Html {
    let risk = group.risk;
    html! {
        <>
            <h3>
                { risk.label() }
                <span class="dtc-badge">{ group.scopes.len() }</span>
                <small>{ risk.explanation() }</small>
            </h3>
            <ul class="dtc-chips">
                { for group.scopes.iter().map(|scope| html! {
                    <li class="dtc-chip" data-risk={risk.severity_name()} data-scope={scope.value.clone()}>
                        <details>
                            <summary>
                                { scope.name.clone() }
                                <code>{ scope.value.clone() }</code>
                            </summary>
                            <p>{ scope.description.clone() }</p>
                        </details>
                    </li>
                }) }
            </ul>
        </>
    }
}
