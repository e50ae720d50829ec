//! A minimal Yew app with the product's dependencies (gloo-net, serde, chrono), built with the
//! same profile: `make bench` compares the product's bundle against this one.
use yew::prelude::*;

#[derive(serde::Deserialize)]
struct Answer {
    name: Option<String>,
}

#[function_component]
fn App() -> Html {
    let text = use_state(|| String::from("idle"));
    let onclick = {
        let text = text.clone();
        Callback::from(move |_| {
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let reply = gloo_net::http::Request::get("/api/v2/apiTokens/x")
                    .send()
                    .await;
                let shown = match reply {
                    Ok(r) => match r.json::<Answer>().await {
                        Ok(a) => a.name.unwrap_or_default(),
                        Err(e) => e.to_string(),
                    },
                    Err(e) => e.to_string(),
                };
                text.set(format!("{shown} at {}", chrono::Utc::now().to_rfc3339()));
            });
        })
    };
    html! { <main><button {onclick}>{ "Fetch" }</button><p>{ (*text).clone() }</p></main> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
