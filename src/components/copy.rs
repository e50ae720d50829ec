//! A button that copies text (an ID, a JSON export) and says so. Never used for a secret.

use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct CopyButtonProps {
    /// What the button says, e.g. "Copy ID".
    pub label: AttrValue,
    pub text: AttrValue,
}

#[function_component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let copied = use_state(|| false);
    let onclick = {
        let (copied, text) = (copied.clone(), props.text.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
                return;
            };
            let promise = clipboard.write_text(&text);
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(ok);
            });
        })
    };
    html! {
        <button type="button" class="dtc-btn dtc-btn-small" {onclick}>
            { if *copied { "Copied" } else { props.label.as_str() } }
            <span class="dtc-visually-hidden" aria-live="polite">{ if *copied { " to the clipboard" } else { "" } }</span>
        </button>
    }
}
