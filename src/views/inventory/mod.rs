//! The inventory (`#/inventory`): every token of an environment, listed, audited and exported.
//!
//! 1. Which list: the access token is looked up with itself (`POST /api/v2/apiTokens/lookup`,
//!    no scope needed) to learn its scopes; the view says which lists it can read and which
//!    scope each missing one needs, and uses v2 where it can, v1 where only v1 is allowed.
//! 2. Loading (`load.rs`): v2 pages one after the other, rows shown as each arrives; v1's list
//!    then each token's metadata through the request pool, four at a time; ActiveGate tokens
//!    after. Stop and resume at any time; a failed page says which and why and keeps the rest.
//! 3. The table (`table.rs`, virtualised), the summary and its chart (`summary.rs`), filters
//!    and sort in the address (`#/inventory?...`, dt-core's `inventory::View`), exports.
//!
//! The access token is the checker's kind of secret field: memory only, never in the address,
//! an attribute, a message or an export.

pub mod load;
pub mod state;
pub mod summary;
pub mod table;

use chrono::Utc;
use dt_core::export::{file_name, Format};
use dt_core::inventory::View;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::ViewProps;
use crate::components::download::download;
use crate::components::results::Results;
use crate::components::settings::Settings;
use crate::components::{input_value, Ids};
use crate::route::{self, Route};
use crate::state::Remote;
use state::{Action, List, Phase, Source, State, Step, V1Form, V2Form};
use summary::{group, SummaryChart};
use table::Table;

#[function_component]
pub fn InventoryView(props: &ViewProps) -> Html {
    let state = {
        let (environment, query) = (props.environment.clone(), props.query.clone());
        use_reducer(move || State::new(environment, View::from_hash(&query)))
    };
    let loader = use_mut_ref(load::Loader::default);
    let ids = props.ids.clone();

    // Leaving the view stops the load and forgets the credential the client holds.
    {
        let loader = loader.clone();
        use_effect_with((), move |_| move || loader.borrow_mut().clear());
    }
    // An edit of the environment or the access token forgets the loader: its client holds the
    // old pair, which must not be sent again (the reducer makes the load not resumable).
    {
        let loader = loader.clone();
        use_effect_with(state.credentials, move |_| loader.borrow_mut().clear());
    }
    // The address follows the view's filters (never the access token; the free text once it is
    // committed, see `State::address_view`)...
    {
        let view = state.address_view();
        let follow = props.capabilities.views;
        use_effect_with(view, move |view| {
            if follow {
                route::replace(&Route::parse(&view.to_hash()));
            }
        });
    }
    // ...and the view follows the address (Back, a shared link).
    {
        let dispatcher = state.dispatcher();
        use_effect_with(props.query.clone(), move |query| {
            dispatcher.dispatch(Action::ViewChanged(View::from_hash(query)));
        });
    }

    let d = state.dispatcher();
    // Callbacks that only dispatch are made once, so that the components they go to (settings,
    // chart) are not drawn again on every keystroke of the filter.
    let on_environment = use_memo((), {
        let d = d.clone();
        move |_| d.to_callback().reform(Action::EnvironmentEdited)
    });
    let on_access_token = use_memo((), {
        let d = d.clone();
        move |_| d.to_callback().reform(Action::AccessTokenEdited)
    });
    let on_check_access = {
        let (state, loader) = (state.clone(), loader.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.blocker().is_none() {
                load::check_access(&state, &loader, state.dispatcher());
            }
        })
    };
    let on_load = {
        let (state, loader) = (state.clone(), loader.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match state.plan() {
                Ok(plan) => load::start(&state, plan, &loader, state.dispatcher()),
                Err(why) => state.dispatch(Action::FormRejected(why)),
            }
        })
    };
    let on_stop = {
        let (state, loader) = (state.clone(), loader.clone());
        Callback::from(move |_: MouseEvent| load::stop(&state, &loader, &state.dispatcher()))
    };
    let on_resume = {
        let (state, loader) = (state.clone(), loader.clone());
        Callback::from(move |_: MouseEvent| load::resume(&state, &loader, state.dispatcher()))
    };
    let on_text = d
        .to_callback()
        .reform(|e: InputEvent| Action::Text(input_value(&e)));
    let on_text_change = d.to_callback().reform(|_: Event| Action::TextCommitted);
    let on_sort = use_memo((), {
        let d = d.clone();
        move |_| d.to_callback().reform(Action::SortBy)
    });
    let on_finding = use_memo((), {
        let d = d.clone();
        move |_| d.to_callback().reform(Action::ToggleFinding)
    });
    let on_risk = use_memo((), {
        let d = d.clone();
        move |_| d.to_callback().reform(Action::ToggleRisk)
    });
    let on_kind = use_memo((), {
        let d = d.clone();
        move |_| d.to_callback().reform(Action::ToggleKind)
    });
    let on_open = {
        let (state, loader) = (state.clone(), loader.clone());
        Callback::from(move |row: u32| load::open_card(&state, row, &loader, state.dispatcher()))
    };
    let on_close = {
        let (d, loader) = (d.clone(), loader.clone());
        Callback::from(move |_: MouseEvent| {
            loader.borrow_mut().stop_card();
            d.dispatch(Action::CardClosed);
        })
    };

    let now = Utc::now();
    let inventory = state.store.0.borrow();
    let loaded = inventory.len();
    drop(inventory);

    let export = |what: &'static str, format: Format| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let inventory = state.store.0.borrow();
            // Indices of this render; the store may have been cleared in place since.
            let len = inventory.len() as u32;
            let visible: Vec<u32> = state.visible.iter().copied().filter(|&i| i < len).collect();
            let text = if what == "tokens" {
                inventory.export(&visible, format)
            } else {
                inventory.export_findings(&visible, format)
            };
            let Some(environment) = state.load.environment.as_ref() else {
                return;
            };
            download(
                &file_name(what, environment, Utc::now(), format),
                format.media_type(),
                &text,
            );
        })
    };

    let blocker = state.blocker();
    let checking = state.access == Remote::Loading;
    let text = state.view.filter.query().text().to_owned();
    let private_text =
        !state.view.filter.query().is_empty() && !state.view.filter.query().is_shareable();

    html! {
        <>
            <Settings
                ids={ids.clone()}
                environment_input={state.environment_input.clone()}
                environment={state.environment.clone()}
                access_token={state.access_token.clone()}
                on_environment={(*on_environment).clone()}
                on_access_token={(*on_access_token).clone()}
                access_hint={Some("The inventory looks it up first to learn which token lists it may read (apiTokens.read, TenantTokenManagement, activeGateTokenManagement.read).")}
            />
            <section class="dtc-panel" aria-labelledby={ids.id("inv-access-title")}>
                <h2 id={ids.id("inv-access-title")}>{ "Which lists" }</h2>
                <form onsubmit={on_check_access} class="dtc-row">
                    <button type="submit" class="dtc-btn dtc-btn-primary" disabled={checking}
                            aria-describedby={blocker.map(|_| ids.id("inv-access-blocker"))}>
                        { if checking { "Checking…" } else { "Check access" } }
                    </button>
                    if let Some(why) = blocker {
                        <p class="dtc-hint" id={ids.id("inv-access-blocker")}>{ why }</p>
                    }
                </form>
                { access_panel(&state) }
            </section>
            if let Remote::Loaded(_) = &state.access {
                { list_form(&state, &ids, on_load) }
            }
            { progress(&state, on_stop, on_resume) }
            if loaded > 0 {
                <SummaryChart ids={ids.clone()} summary={state.summary} findings={state.view.filter.findings}
                              risks={state.view.filter.risks} kinds={state.view.filter.kinds} on_finding={(*on_finding).clone()} on_risk={(*on_risk).clone()} on_kind={(*on_kind).clone()} />
                <section class="dtc-panel" aria-labelledby={ids.id("inv-table-title")}>
                    <div class="dtc-inv-tools">
                        <h2 id={ids.id("inv-table-title")}>{ "Tokens" }</h2>
                        <div class="dtc-field dtc-inv-filter">
                            <label for={ids.id("inv-filter")}>{ "Filter by name, ID or owner" }</label>
                            <input id={ids.id("inv-filter")} class="dtc-input" type="search" autocomplete="off"
                                   spellcheck="false" value={text} oninput={on_text} onchange={on_text_change}
                                   aria-describedby={ids.id("inv-count")} />
                        </div>
                        <p class="dtc-hint" id={ids.id("inv-count")} role="status" data-testid="inventory-count">
                            { format!("Showing {} of {} tokens", group(state.visible.len() as u32), group(loaded as u32)) }
                            if private_text { { " · typed text is not kept in the address (it could be a secret); a token ID is" } }
                        </p>
                        <div class="dtc-actions" role="group" aria-label="Export">
                            <button type="button" class="dtc-btn dtc-btn-small" onclick={export("tokens", Format::Csv)}>{ "Export rows (CSV)" }</button>
                            <button type="button" class="dtc-btn dtc-btn-small" onclick={export("tokens", Format::Json)}>{ "Export rows (JSON)" }</button>
                            <button type="button" class="dtc-btn dtc-btn-small" onclick={export("findings", Format::Csv)}>{ "Export findings (CSV)" }</button>
                            <button type="button" class="dtc-btn dtc-btn-small" onclick={export("findings", Format::Json)}>{ "Export findings (JSON)" }</button>
                        </div>
                    </div>
                    <Table ids={ids.clone()} store={state.store.clone()} revision={state.revision}
                           visible={state.visible.clone()} sort={state.view.sort} {now} on_sort={(*on_sort).clone()} {on_open} />
                </section>
            }
            if state.open.is_some() {
                <section class="dtc-inv-card" aria-label="Token card" data-testid="inventory-card">
                    <p><button type="button" class="dtc-btn dtc-btn-small" onclick={on_close}>{ "Close card" }</button></p>
                    <Results ids={ids.clone()} lookup={state.card.clone()} token={None} environment={state.load.environment.clone()}
                             self_lookup={false} {now} />
                </section>
            }
        </>
    }
}

/// What the access token may read, list by list, with the scope each missing one needs.
fn access_panel(state: &State) -> Html {
    match &state.access {
        Remote::Idle => html! {
            <p class="dtc-hint">{ "The access token is looked up with itself (no scope needed) to learn its scopes." }</p>
        },
        Remote::Loading => html! {
            <p class="dtc-loading" role="status"><span class="dtc-spinner" aria-hidden="true"></span>{ "Looking the access token up…" }</p>
        },
        Remote::Failed(error) => html! {
            <div class="dtc-msg dtc-msg-bad" role="alert" data-testid="access-error">
                { "The access token could not be looked up: " }{ call_error(error) }
            </div>
        },
        Remote::Loaded(access) => html! {
            <ul class="dtc-lists" data-testid="lists">
                { for List::ALL.into_iter().map(|list| {
                    let can = access.can(list);
                    html! {
                        <li data-list={list_key(list)} data-can={can.to_string()}>
                            <span class="dtc-badge" data-tone={if can { "ok" } else { "bad" }}>{ if can { "can read" } else { "cannot read" } }</span>
                            { " " }<strong>{ list.title() }</strong>{ " " }<code>{ list.endpoint() }</code>
                            if !can {
                                <span class="dtc-sub">{ format!(" · needs the {} scope", list.scope()) }</span>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    }
}

fn list_key(list: List) -> &'static str {
    match list {
        List::V2 => "v2",
        List::V1 => "v1",
        List::ActiveGate => "activegate",
    }
}

/// An error's title and next step, never quoting the access token.
fn call_error(error: &crate::client::CallError) -> String {
    match error.api() {
        Some(api) => format!("{}. {}", api.title(), api.next_step()),
        None => error.to_string(),
    }
}

/// The chosen list's filters, and the button that loads.
fn list_form(state: &UseReducerHandle<State>, ids: &Ids, on_load: Callback<SubmitEvent>) -> Html {
    let list = state.api_list();
    let both = matches!(&state.access, Remote::Loaded(a) if a.can(List::V2) && a.can(List::V1));
    let d = state.dispatcher();
    let choose = |source: Source| {
        d.to_callback()
            .reform(move |_: Event| Action::SourceChosen(source))
    };
    let form = match list {
        Some(List::V1) => {
            html! { <V1FormView form={state.v1.clone()} ids={ids.clone()} dispatcher={d.clone()} /> }
        }
        Some(List::V2) => v2_form(&state.v2, ids, d.clone()),
        _ => {
            html! { <p class="dtc-hint">{ "No list of API tokens: only ActiveGate tokens will load." }</p> }
        }
    };
    html! {
        <section class="dtc-panel" aria-labelledby={ids.id("inv-form-title")}>
            <h2 id={ids.id("inv-form-title")}>{ "Load tokens" }</h2>
            <form onsubmit={on_load} data-testid="inventory-form">
                if both {
                    <fieldset class="dtc-choice">
                        <legend>{ "List of API tokens" }</legend>
                        <label><input type="radio" name={ids.id("inv-source")} checked={state.source == Source::V2} onchange={choose(Source::V2)} />{ " v2 (paged, recommended)" }</label>
                        <label><input type="radio" name={ids.id("inv-source")} checked={state.source == Source::V1} onchange={choose(Source::V1)} />{ " v1 (deprecated; its own filters)" }</label>
                    </fieldset>
                }
                { form }
                if let Some(why) = &state.form_error {
                    <p class="dtc-msg dtc-msg-bad" role="alert">{ why.clone() }</p>
                }
                <p><button type="submit" class="dtc-btn dtc-btn-primary">{ "Load tokens" }</button></p>
            </form>
        </section>
    }
}

/// A labelled text field bound to one form value.
fn field(
    ids: &Ids,
    name: &str,
    label: &str,
    kind: &str,
    value: &str,
    hint: &str,
    oninput: Callback<InputEvent>,
) -> Html {
    let id = ids.id(name);
    let hint_id = ids.id(&format!("{name}-hint"));
    html! {
        <div class="dtc-field">
            <label for={id.clone()}>{ label.to_owned() }</label>
            <input id={id} name={name.to_owned()} class="dtc-input" type={kind.to_owned()} autocomplete="off" spellcheck="false"
                   value={value.to_owned()} {oninput} aria-describedby={hint_id.clone()} />
            <p class="dtc-hint" id={hint_id}>{ hint.to_owned() }</p>
        </div>
    }
}

#[derive(Clone, PartialEq, Properties)]
struct V1FormProps {
    form: V1Form,
    ids: Ids,
    dispatcher: UseReducerDispatcher<State>,
}

/// The v1 form is a component of its own so that its ~200 scope options are not compared again
/// on every render of the view (each v1 detail that arrives renders the view).
#[function_component]
fn V1FormView(props: &V1FormProps) -> Html {
    v1_form(&props.form, &props.ids, props.dispatcher.clone())
}

fn v1_form(form: &V1Form, ids: &Ids, d: UseReducerDispatcher<State>) -> Html {
    let edit = |set: fn(&mut V1Form, String)| {
        let (form, d) = (form.clone(), d.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = form.clone();
            set(&mut next, input_value(&e));
            d.dispatch(Action::V1Edited(next));
        })
    };
    let on_permissions = {
        let (form, d) = (form.clone(), d.clone());
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let options = select.selected_options();
            let permissions = (0..options.length())
                .filter_map(|i| options.item(i))
                .filter_map(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
                .map(|o| o.value())
                .collect();
            d.dispatch(Action::V1Edited(V1Form {
                permissions,
                ..form.clone()
            }));
        })
    };
    let select_id = ids.id("inv-v1-permissions");
    html! {
        <div class="dtc-inv-form" data-list="v1">
            { field(ids, "inv-v1-user", "User (owner)", "text", &form.user, "Only tokens of this user.", edit(|f, v| f.user = v)) }
            <div class="dtc-field">
                <label for={select_id.clone()}>{ "Permissions (scopes)" }</label>
                <select id={select_id} class="dtc-input" multiple=true size="6" onchange={on_permissions}
                        aria-describedby={ids.id("inv-v1-permissions-hint")}>
                    { for dt_core::dynatrace::scopes::catalogue().iter().map(|s| html! {
                        <option value={s.value} selected={form.permissions.iter().any(|p| p == s.value)}>{ format!("{} ({})", s.value, s.name) }</option>
                    }) }
                </select>
                <p class="dtc-hint" id={ids.id("inv-v1-permissions-hint")}>{ "Dynatrace lists only tokens that have every one chosen (Ctrl or Shift to choose several)." }</p>
            </div>
            { field(ids, "inv-v1-from", "Used from", "date", &form.from, "Last used on or after this day (UTC).", edit(|f, v| f.from = v)) }
            { field(ids, "inv-v1-to", "Used until", "date", &form.to, "Last used on or before this day (UTC).", edit(|f, v| f.to = v)) }
            { field(ids, "inv-v1-limit", "Limit", "number", &form.limit, "At most this many tokens (Dynatrace's default is 1,000).", edit(|f, v| f.limit = v)) }
        </div>
    }
}

fn v2_form(form: &V2Form, ids: &Ids, d: UseReducerDispatcher<State>) -> Html {
    let edit = |set: fn(&mut V2Form, String)| {
        let (form, d) = (form.clone(), d.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = form.clone();
            set(&mut next, input_value(&e));
            d.dispatch(Action::V2Edited(next));
        })
    };
    let on_personal = {
        let (form, d) = (form.clone(), d.clone());
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                d.dispatch(Action::V2Edited(V2Form {
                    personal: select.value(),
                    ..form.clone()
                }));
            }
        })
    };
    let personal_id = ids.id("inv-v2-personal");
    html! {
        <div class="dtc-inv-form" data-list="v2">
            { field(ids, "inv-v2-owner", "Owner", "text", &form.owner, "Only tokens of this owner.", edit(|f, v| f.owner = v)) }
            <div class="dtc-field">
                <label for={personal_id.clone()}>{ "Personal access tokens" }</label>
                <select id={personal_id} class="dtc-input" onchange={on_personal}>
                    <option value="" selected={form.personal.is_empty()}>{ "Both" }</option>
                    <option value="true" selected={form.personal == "true"}>{ "Only personal access tokens" }</option>
                    <option value="false" selected={form.personal == "false"}>{ "No personal access tokens" }</option>
                </select>
            </div>
            { field(ids, "inv-v2-scopes", "Scopes", "text", &form.scopes, "Comma separated: tokens with any of them.", edit(|f, v| f.scopes = v)) }
            { field(ids, "inv-v2-from", "Used from", "date", &form.from, "Last used on or after this day (UTC).", edit(|f, v| f.from = v)) }
            { field(ids, "inv-v2-to", "Used until", "date", &form.to, "Last used on or before this day (UTC).", edit(|f, v| f.to = v)) }
        </div>
    }
}

/// The load's bar and words, Stop and Resume, and a failed step said plainly.
fn progress(state: &State, on_stop: Callback<MouseEvent>, on_resume: Callback<MouseEvent>) -> Html {
    let load = &state.load;
    if load.phase == Phase::Idle {
        return html! {};
    }
    let rows = state.store.0.borrow().len() as u64;
    let details = load.details;
    let in_details = matches!(load.next, Some(Step::V1Details)) && details.total > 0;
    let (value, max, words) = if in_details {
        (
            details.done as u64,
            details.total as u64,
            format!(
                "{} of {} tokens",
                group(details.done as u32),
                group(details.total as u32)
            ),
        )
    } else {
        let total = load.total.unwrap_or(0).max(rows);
        let words = match load.total {
            Some(t) if rows <= t => format!(
                "Page {} · {} of {} tokens",
                load.pages,
                group(rows as u32),
                group(t as u32)
            ),
            _ => format!("Page {} · {} tokens", load.pages, group(rows as u32)),
        };
        (rows, total, words)
    };
    let status = match &load.phase {
        Phase::Loading => "Loading…",
        Phase::Stopped if load.next.is_none() => {
            "Stopped. What loaded is kept; load the tokens again to go on."
        }
        Phase::Stopped => "Stopped. What loaded is kept.",
        Phase::Done => "All loaded.",
        Phase::Failed { .. } => "Failed.",
        Phase::Idle => "",
    };
    let failure = match &load.phase {
        Phase::Failed { step, error } => {
            let which = match step {
                Step::Page { list, number, .. } => format!("Page {number} of {}", list.title()),
                Step::V1List => "The v1 list".to_owned(),
                Step::V1Details => "The v1 details".to_owned(),
            };
            html! {
                <div class="dtc-msg dtc-msg-bad" role="alert" data-testid="load-error">
                    { format!("{which} failed: {}. What loaded is kept; Resume asks for it again.", call_error(error)) }
                </div>
            }
        }
        _ => html! {},
    };
    let failed_details = load.failed_details.len();
    let can_resume = load.can_resume();
    html! {
        <section class="dtc-panel dtc-inv-progress" aria-label="Loading" data-testid="inventory-progress">
            <div class="dtc-row">
                <progress max={max.max(1).to_string()} value={value.to_string()} aria-label="Tokens loaded"></progress>
                <span role="status" data-testid="progress-words">{ words }{ " · " }{ status }</span>
                if load.phase == Phase::Loading {
                    <button type="button" class="dtc-btn dtc-btn-small" onclick={on_stop}>{ "Stop" }</button>
                }
                if can_resume {
                    <button type="button" class="dtc-btn dtc-btn-small" onclick={on_resume}>{ "Resume" }</button>
                }
            </div>
            if failed_details > 0 {
                <p class="dtc-msg dtc-msg-warn">{ format!(
                    "{failed_details} tokens' details failed; they are listed without them. {}",
                    if can_resume { "Resume tries them again." } else { "Load the tokens again to retry them." }
                ) }</p>
            }
            { failure }
        </section>
    }
}
