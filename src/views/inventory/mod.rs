//! The inventory view (`#/inventory`).

use yew::prelude::*;

use super::ViewProps;

#[function_component]
pub fn InventoryView(props: &ViewProps) -> Html {
    let title = props.ids.id("inventory-title");
    html! {
        <section class="dtc-panel" aria-labelledby={title.clone()}>
            <h2 id={title}>{ "Inventory" }</h2>
        </section>
    }
}
