//! States exactly what will be sent where, before anything is, with a warning when the host
//! imitates Dynatrace's or the page itself came over plain http.

use dt_core::dynatrace::environment::{HostStanding, PageTransport};
use dt_core::dynatrace::EnvironmentUrl;
use dt_core::token::{Lookup, ParsedToken};
use yew::prelude::*;

#[derive(Clone, PartialEq, Properties)]
pub struct TrustLineProps {
    pub token: ParsedToken,
    pub environment: Option<EnvironmentUrl>,
    pub has_access_token: bool,
}

#[function_component]
pub fn TrustLine(props: &TrustLineProps) -> Html {
    let Some(env) = &props.environment else {
        return html! {};
    };
    let target = super::absolute_url(&env.api_base());
    let sentence = match props.token.lookup() {
        Lookup::ApiTokenBySecret => format!(
            "The full token is sent only to {target} to look up its metadata{}. Nothing is stored.",
            if props.has_access_token {
                ", authenticated with your access token"
            } else {
                ", authenticating itself"
            }
        ),
        Lookup::ApiTokenById | Lookup::ActiveGateTokenById | Lookup::V1TokenById => {
            let secret_note = if props.token.secret().is_some() {
                " The secret part is not sent."
            } else {
                ""
            };
            format!(
                "Only the token ID {} is sent to {target}, with your access token.{secret_note} Nothing is stored.",
                props.token.id()
            )
        }
        Lookup::NotPossible { reason } => format!("Nothing will be sent: {reason}"),
    };
    let sends = !matches!(props.token.lookup(), Lookup::NotPossible { .. });
    let look_alike = matches!(env.standing(), HostStanding::LookAlike(_));
    let plain_http = super::page_transport() == PageTransport::PlainHttp;
    let warning = match (sends, look_alike, plain_http) {
        (false, ..) => None,
        (true, true, _) => Some("Warning: the host name looks like an imitation of a Dynatrace address; see the note under Environment URL."),
        (true, false, true) => Some("Warning: this page came over plain http; what it sends to its own server can be read on the way."),
        _ => None,
    };
    html! {
        <>
        <p class="dtc-trust" data-testid="trust-line">
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path fill="currentColor" d="M8 1l6 2.5v4c0 3.6-2.6 6.5-6 7.5-3.4-1-6-3.9-6-7.5v-4L8 1zm-1 9.6l4.3-4.3-1-1L7 8.6 5.7 7.3l-1 1L7 10.6z"/></svg>
            <span>{ sentence }</span>
        </p>
        if let Some(warning) = warning {
            <p class="dtc-standing" data-tone="warn" data-testid="trust-warning">{ warning }</p>
        }
        </>
    }
}
