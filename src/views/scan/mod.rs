//! The scan view (`#/scan`): routed and in the navigation. Its content is the scan helper's
//! (issue 12); until it lands, the view says where scanning is available today.

use yew::prelude::*;

use super::ViewProps;

#[function_component]
pub fn ScanView(props: &ViewProps) -> Html {
    let title = props.ids.id("scan-title");
    html! {
        <section class="dtc-panel" aria-labelledby={title.clone()}>
            <h2 id={title}>{ "Scan text" }</h2>
            <p>{ "Scanning text for tokens is not in this build yet." }</p>
        </section>
    }
}
