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
    let worst = groups.first().map(|g| g.risk);
    html! {
        <section class="dtc-scopes" data-testid="scopes" aria-label="Scopes">
            if let Some(worst) = worst {
                <p class="dtc-risk-summary" data-risk={worst.severity_name()} data-testid="risk-summary">
                    { format!("{} scope{}; most dangerous: {} ({})", props.scopes.len(), if props.scopes.len() == 1 { "" } else { "s" }, worst.label().to_ascii_lowercase(), worst.severity_name()) }
                </p>
            }
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
                                if scope.known {
                                    { scope.name.clone() }
                                    <code>{ scope.value.clone() }</code>
                                } else {
                                    <code class="dtc-unknown-scope">{ scope.value.clone() }</code>
                                }
                            </summary>
                            <p>{ scope.description.clone() }</p>
                        </details>
                    </li>
                }) }
            </ul>
        </>
    }
}
