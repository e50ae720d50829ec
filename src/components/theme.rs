//! Light or dark: follows the system until the person picks one.

use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct ThemeToggleProps {
    pub dark: bool,
    /// `Some("dark" | "light")` when the person picks one.
    pub on_change: Callback<Option<String>>,
}

#[function_component]
pub fn ThemeToggle(props: &ThemeToggleProps) -> Html {
    let next = if props.dark { "light" } else { "dark" };
    let onclick = props
        .on_change
        .reform(move |_: MouseEvent| Some(next.to_owned()));
    html! {
        <button type="button" class="dtc-btn dtc-btn-small" aria-pressed={props.dark.to_string()} {onclick}>
            { "Dark mode" }
        </button>
    }
}
