//! Metadata cards: a status line on top, the facts, the scopes, and copy buttons (ID and a JSON
//! export; never the secret).

use crate::client::Metadata;
use chrono::{DateTime, Utc};
use dt_core::dynatrace::{
    standing, ActiveGateToken, ApiToken, EnvironmentUrl, Standing, TokenMetadata,
};
use yew::prelude::*;

use super::copy::CopyButton;
use super::scopes::ScopeChips;
use super::time::rel_time;
use super::Ids;

/// How the token an answer describes stands (the results pass it to its card).
pub fn standing_of(metadata: &Metadata, now: DateTime<Utc>) -> Standing {
    match metadata {
        Metadata::Api(t) => standing(t.enabled, t.expiration_date, now),
        Metadata::ActiveGate(t) => standing(None, t.expiration_date, now),
        Metadata::Legacy(t) => standing(t.revoked.map(|r| !r), t.expires, now),
    }
}

/// An answer as "Copy JSON" exports it.
pub fn export(metadata: &Metadata) -> String {
    match metadata {
        Metadata::Api(t) => export_json(t),
        Metadata::ActiveGate(t) => export_json(t),
        Metadata::Legacy(t) => export_json(t),
    }
}

fn status_line(standing: Standing, detail: String) -> Html {
    let mut chars = detail.chars();
    let detail: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    let (tone, headline) = (standing.tone(), standing.label());
    html! {
        <div class="dtc-status" data-tone={tone} data-testid="status-line" role="status">
            { headline }
            <span>{ detail }</span>
        </div>
    }
}

fn fact(label: &'static str, value: Html) -> Html {
    html! { <div><dt>{ label }</dt><dd>{ value }</dd></div> }
}

fn text_or(value: Option<&str>, missing: &'static str) -> Html {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => html! { v.to_owned() },
        None => html! { <span class="dtc-sub">{ missing }</span> },
    }
}

fn yes_no(value: Option<bool>) -> Html {
    match value {
        Some(true) => html! { "Yes" },
        Some(false) => html! { "No" },
        None => html! { <span class="dtc-sub">{ "not reported" }</span> },
    }
}

fn when(at: Option<DateTime<Utc>>, now: DateTime<Utc>, missing: &'static str) -> Html {
    match at {
        Some(at) => rel_time(at, now, ""),
        None => html! { <span class="dtc-sub">{ missing }</span> },
    }
}

fn expiry(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Html {
    match at {
        None => html! { "Never expires" },
        Some(at) if at <= now => rel_time(at, now, "Expired"),
        Some(at) => rel_time(at, now, "Expires"),
    }
}

fn export_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Name, ID and the card's actions: copy the ID, copy a JSON export, open the environment.
fn card_head(
    title_id: &str,
    name: Option<&str>,
    unnamed: &'static str,
    id: &str,
    json: String,
    page: Option<String>,
) -> Html {
    html! {
        <div class="dtc-card-head">
            <div class="dtc-grow">
                <h2 id={title_id.to_owned()} data-testid="token-name">{ name.unwrap_or(unnamed).to_owned() }</h2>
                <code data-testid="token-id">{ id.to_owned() }</code>
            </div>
            <div class="dtc-actions">
                if !id.is_empty() { <CopyButton label="Copy ID" text={id.to_owned()} /> }
                <CopyButton label="Copy JSON" text={json} />
                if let Some(page) = page {
                    <a class="dtc-btn dtc-btn-small" href={page} target="_blank" rel="noopener noreferrer">{ "Open in Dynatrace" }</a>
                }
            </div>
        </div>
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct ApiTokenCardProps {
    /// How the token stands ([`standing_of`]).
    pub standing: Standing,
    /// This instance's element ids.
    #[prop_or_default]
    pub ids: Ids,
    pub token: ApiToken,
    pub environment: Option<EnvironmentUrl>,
    pub now: DateTime<Utc>,
    /// The token looked itself up, which proves it authenticates right now.
    pub authenticated_itself: bool,
}

#[function_component]
pub fn ApiTokenCard(props: &ApiTokenCardProps) -> Html {
    let t = &props.token;
    let now = props.now;
    let title_id = props.ids.id("card-title");
    let standing = props.standing;
    let detail = match standing {
        Standing::Disabled => "This token is switched off and cannot authenticate.".to_owned(),
        Standing::Expired => {
            "It no longer authenticates; Dynatrace deletes expired tokens after about 7 days."
                .to_owned()
        }
        Standing::ExpiringSoon => format!(
            "{}; whatever uses it stops working then.",
            dt_core::time::describe_expiry(t.expiration_date, now)
        ),
        Standing::Active if props.authenticated_itself => {
            "Enabled, and it just authenticated its own look-up: it works right now.".to_owned()
        }
        Standing::Active => format!(
            "Enabled; {}.",
            dt_core::time::describe_expiry(t.expiration_date, now)
        ),
    };
    let id = t.id.clone().unwrap_or_default();
    let scopes = t.scopes.clone().unwrap_or_default();
    let metadata = t.additional_metadata.clone().unwrap_or_default();

    html! {
        <>
            { status_line(standing, detail) }
            <article class="dtc-panel" data-testid="token-card" aria-labelledby={title_id.clone()}>
                { card_head(&title_id, t.name.as_deref(), "(unnamed token)", &id, export_json(t), props.environment.as_ref().and_then(|e| e.access_tokens_page())) }
                <dl class="dtc-facts">
                    { fact("Owner", text_or(t.owner.as_deref(), "not reported")) }
                    { fact("Enabled", yes_no(t.enabled)) }
                    { fact("Personal access token", yes_no(t.personal_access_token)) }
                    { fact("Expires", expiry(t.expiration_date, now)) }
                    { fact("Created", when(t.creation_date, now, "not reported")) }
                    { fact("Modified", when(t.modified_date, now, "not reported")) }
                    { fact("Last used", match t.last_used_date {
                        Some(at) => html! { <>
                            { rel_time(at, now, "") }
                            if let Some(ip) = &t.last_used_ip_address { <div class="dtc-sub">{ format!("from {ip}") }</div> }
                        </> },
                        None => html! { "Never used" },
                    }) }
                    { for metadata.iter().map(|(key, value)| additional(key, value, props.environment.as_ref())) }
                </dl>
                <ScopeChips scopes={scopes} />
            </article>
        </>
    }
}

/// `additionalMetadata` varies by token kind; a dashboard-sharing token names its dashboard.
fn additional(key: &str, value: &serde_json::Value, environment: Option<&EnvironmentUrl>) -> Html {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let label = match key {
        "dashboardId" => "Shared dashboard",
        _ => "Additional metadata",
    };
    let link = (key == "dashboardId")
        .then(|| environment.and_then(|e| e.dashboard_url(&text)))
        .flatten();
    html! {
        <div>
            <dt>{ label }</dt>
            <dd>
                if let Some(href) = link {
                    <a href={href} target="_blank" rel="noopener noreferrer">{ text.clone() }</a>
                } else {
                    { text.clone() }
                }
                if label == "Additional metadata" { <div class="dtc-sub">{ key.to_owned() }</div> }
            </dd>
        </div>
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct ActiveGateCardProps {
    /// How the token stands ([`standing_of`]).
    pub standing: Standing,
    /// This instance's element ids.
    #[prop_or_default]
    pub ids: Ids,
    pub token: ActiveGateToken,
    pub now: DateTime<Utc>,
}

#[function_component]
pub fn ActiveGateCard(props: &ActiveGateCardProps) -> Html {
    let t = &props.token;
    let now = props.now;
    let title_id = props.ids.id("card-title");
    let standing = props.standing;
    let detail = match standing {
        Standing::Expired => "An ActiveGate using it can no longer connect.".to_owned(),
        _ => format!(
            "{}.",
            dt_core::time::describe_expiry(t.expiration_date, now)
        ),
    };
    let id = t.id.clone().unwrap_or_default();
    html! {
        <>
            { status_line(standing, detail) }
            <article class="dtc-panel" data-testid="token-card" aria-labelledby={title_id.clone()}>
                { card_head(&title_id, t.name.as_deref(), "(unnamed ActiveGate token)", &id, export_json(t), None) }
                <dl class="dtc-facts">
                    { fact("Owner", text_or(t.owner.as_deref(), "not reported")) }
                    { fact("Expires", expiry(t.expiration_date, now)) }
                    { fact("Created", when(t.creation_date, now, "not reported")) }
                    { fact("Last used", when(t.last_used_date, now, "Never used")) }
                    // Dropped from the API in release 1.338: shown only when the environment still sends them.
                    if let Some(seed) = t.seed_token {
                        { fact("Token type", html! { { if seed { "Seed token (for many ActiveGates)" } else { "Individual token (one ActiveGate)" } } }) }
                    }
                    if let Some(kind) = &t.active_gate_type {
                        { fact("ActiveGate type", html! { kind.to_string() }) }
                    }
                </dl>
            </article>
        </>
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct LegacyCardProps {
    /// How the token stands ([`standing_of`]).
    pub standing: Standing,
    /// This instance's element ids.
    #[prop_or_default]
    pub ids: Ids,
    pub token: TokenMetadata,
    pub now: DateTime<Utc>,
}

#[function_component]
pub fn LegacyCard(props: &LegacyCardProps) -> Html {
    let t = &props.token;
    let now = props.now;
    let title_id = props.ids.id("card-title");
    let standing = props.standing;
    let id = t.id.clone().unwrap_or_default();
    html! {
        <>
            { status_line(standing, format!("{} (API v1 metadata).", dt_core::time::describe_expiry(t.expires, now))) }
            <article class="dtc-panel" data-testid="token-card" aria-labelledby={title_id.clone()}>
                { card_head(&title_id, t.name.as_deref(), "(unnamed token)", &id, export_json(t), None) }
                <dl class="dtc-facts">
                    { fact("Owner", text_or(t.user_id.as_deref(), "not reported")) }
                    { fact("Revoked", yes_no(t.revoked)) }
                    { fact("Expires", expiry(t.expires, now)) }
                    { fact("Created", when(t.created, now, "not reported")) }
                    { fact("Last used", when(t.last_use, now, "Never used")) }
                </dl>
                <ScopeChips scopes={t.scopes.clone().unwrap_or_default()} />
            </article>
        </>
    }
}
