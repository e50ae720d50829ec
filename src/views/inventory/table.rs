//! The inventory's table, virtualised: whatever the count, the DOM holds only the rows in view
//! plus a small margin (at most [`WINDOW`] rows), between two spacer rows whose heights stand
//! for the rest. Rows have one fixed height (CSS, `--dtc-row`), so the rows in view follow from
//! the scroll position alone.
//!
//! The spacers' heights are set through the CSSOM (`element.style.height`), not a `style`
//! attribute: the page's Content-Security-Policy refuses style attributes (`scripts/csp.mjs`).
//!
//! Sorting and filtering are not done here: the table draws `visible` (row indices computed in
//! dt-core over compact rows), and reports header clicks and row choices.

use chrono::{DateTime, Utc};
use dt_core::inventory::{Column, Inventory, Sort};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::Store;
use crate::components::Ids;

/// One row's height in CSS pixels (`.dtc-inv-table tbody tr` in styles.css).
pub const ROW_HEIGHT: u32 = 36;
/// The scroll area's height in rows (`.dtc-inv-scroll`).
const VIEW_ROWS: u32 = 15;
/// Rows drawn above and below those in view, so a quick scroll shows no gap.
const MARGIN: u32 = 10;
/// The most rows in the DOM at any time.
pub const WINDOW: u32 = VIEW_ROWS + 2 * MARGIN;

#[derive(Clone, PartialEq, Properties)]
pub struct TableProps {
    pub ids: Ids,
    pub store: Store,
    pub revision: u64,
    pub visible: std::rc::Rc<Vec<u32>>,
    pub sort: Sort,
    pub now: DateTime<Utc>,
    pub on_sort: Callback<Column>,
    pub on_open: Callback<u32>,
}

/// The columns shown, in order: the list, then the findings.
const COLUMNS: [Column; 12] = Column::ALL;

#[function_component]
pub fn Table(props: &TableProps) -> Html {
    let first = use_state(|| 0u32);
    let top = use_node_ref();
    let bottom = use_node_ref();
    let scroller = use_node_ref();
    let total = props.visible.len() as u32;
    let start = (*first).min(total.saturating_sub(1)).saturating_sub(MARGIN);
    let end = (start + WINDOW).min(total);

    {
        let (top, bottom) = (top.clone(), bottom.clone());
        use_effect_with((start, end, total), move |&(start, end, total)| {
            set_height(&top, start * ROW_HEIGHT);
            set_height(&bottom, (total - end) * ROW_HEIGHT);
        });
    }
    let onscroll = {
        let (first, scroller) = (first.clone(), scroller.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                let row = (el.scroll_top().max(0) as u32) / ROW_HEIGHT;
                if row != *first {
                    first.set(row);
                }
            }
        })
    };

    let inventory = props.store.0.borrow();
    let header = COLUMNS.iter().map(|&column| {
        let sorted = props.sort.column == column;
        let aria_sort = match (sorted, props.sort.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let on_sort = props.on_sort.reform(move |_: MouseEvent| column);
        html! {
            <th scope="col" aria-sort={aria_sort}>
                <button type="button" class="dtc-inv-sort" onclick={on_sort} data-column={column.key()}>
                    { column.label() }
                    <span aria-hidden="true">{ match aria_sort { "ascending" => " ▲", "descending" => " ▼", _ => "" } }</span>
                </button>
            </th>
        }
    });
    let rows = props.visible[start as usize..end as usize]
        .iter()
        .enumerate()
        .map(|(n, &index)| row(&inventory, index, start + n as u32 + 2, props));

    html! {
        <div class="dtc-inv-scroll" ref={scroller} {onscroll} tabindex="0"
             role="region" aria-label="Token table, scrolls" id={props.ids.id("inventory-table")}>
            <table class="dtc-inv-table" aria-rowcount={(total + 1).to_string()} data-testid="inventory-table">
                <thead><tr aria-rowindex="1">{ for header }</tr></thead>
                <tbody>
                    <tr class="dtc-inv-pad" ref={top} aria-hidden="true"><td colspan="12"></td></tr>
                    { for rows }
                    <tr class="dtc-inv-pad" ref={bottom} aria-hidden="true"><td colspan="12"></td></tr>
                </tbody>
            </table>
            if total == 0 {
                <p class="dtc-hint dtc-inv-empty">{ if inventory.is_empty() { "No tokens loaded yet." } else { "No token matches the filters." } }</p>
            }
        </div>
    }
}

fn set_height(node: &NodeRef, px: u32) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property("height", &format!("{px}px"));
    }
}

fn flag(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "–",
    }
}

/// A date relative to now, the exact time (and the IP, for last use) in its tooltip.
fn when(at: Option<DateTime<Utc>>, now: DateTime<Utc>, extra: Option<&str>, never: &str) -> Html {
    match at {
        None => html! { <span class="dtc-sub">{ never.to_owned() }</span> },
        Some(at) => {
            let mut title = crate::components::time::local_time(at);
            if let Some(ip) = extra {
                title.push_str(" · from ");
                title.push_str(ip);
            }
            html! {
                <time datetime={dt_core::date::format_iso_millis(at)} title={title}>
                    { dt_core::time::relative(at, now) }
                </time>
            }
        }
    }
}

fn row(inventory: &Inventory, index: u32, aria_index: u32, props: &TableProps) -> Html {
    // The index comes from the last render; the store may have been cleared since.
    let Some(r) = inventory.rows().get(index as usize) else {
        return html! {};
    };
    let findings = inventory.findings(index);
    let now = props.now;
    let on_open = props.on_open.reform(move |_: MouseEvent| index);
    let dated = r.dated;
    let findings_text: Vec<&str> = findings.iter().map(|f| f.title()).collect();
    html! {
        <tr aria-rowindex={aria_index.to_string()} data-row={index.to_string()}>
            <td>{ r.kind.label() }</td>
            <td class="dtc-inv-name">
                <button type="button" class="dtc-linkbtn" onclick={on_open} title="Open this token's card">
                    { if r.name.is_empty() { "(no name)" } else { &r.name } }
                </button>
            </td>
            <td><code>{ &*r.id }</code></td>
            <td>{ r.owner.as_deref().unwrap_or("–") }</td>
            <td>{ flag(r.enabled) }</td>
            <td>{ flag(r.personal) }</td>
            <td>{ when(r.created, now, None, if dated { "–" } else { "…" }) }</td>
            <td>{ when(r.last_used, now, r.last_used_ip.as_deref(), if dated { "never" } else { "…" }) }</td>
            <td>{ when(r.expires, now, None, if dated { "never" } else { "…" }) }</td>
            <td class="dtc-num">{ r.scope_count.map(|n| n.to_string()).unwrap_or_else(|| "–".into()) }</td>
            <td>{ match r.riskiest {
                Some(risk) => html! { <span class="dtc-badge" data-risk={risk.severity_name()}>{ risk.label() }</span> },
                None => html! { "–" },
            } }</td>
            <td class="dtc-num" title={findings_text.join(", ")}>{ findings.len().to_string() }</td>
        </tr>
    }
}

/// Scrolls the table back to its top (after a new filter or sort).
pub fn scroll_to_top(ids: &Ids) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&ids.id("inventory-table")))
        .and_then(|e| e.dyn_into::<web_sys::Element>().ok())
    {
        el.set_scroll_top(0);
    }
}
