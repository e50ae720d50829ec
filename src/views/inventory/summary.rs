//! The summary above the table: counts per finding and per riskiest scope class, drawn as a
//! small bar chart in inline SVG (no chart library: a `<rect>` per bar is all it needs). Each
//! bar is a toggle button that filters the table; pressed bars are marked `aria-pressed`.
//!
//! Counts are over every loaded row (dt-core's `Inventory::summary`), so a bar does not shrink
//! to nothing when it is pressed; the table says how many rows the filters leave.

use dt_core::audit::{Finding, Findings};
use dt_core::dynatrace::Risk;
use dt_core::inventory::{risk_key, Kind, Kinds, Risks, Summary};
use yew::prelude::*;

use crate::components::Ids;

#[derive(Clone, PartialEq, Properties)]
pub struct SummaryProps {
    pub ids: Ids,
    pub summary: Summary,
    pub findings: Findings,
    pub risks: Risks,
    pub kinds: Kinds,
    pub on_finding: Callback<Finding>,
    pub on_risk: Callback<Risk>,
    pub on_kind: Callback<Kind>,
}

/// One bar: a toggle with its label, count and an SVG bar scaled to the largest count.
/// `(count, max)`: this bar's count and the largest of its group; `(key, tone)`: its filter key
/// and colour.
fn bar(
    label: &str,
    (count, max): (u32, u32),
    pressed: bool,
    (key, tone): (&str, &str),
    onclick: Callback<MouseEvent>,
    title: &str,
) -> Html {
    let width = if max == 0 {
        0
    } else {
        (u64::from(count) * 100 / u64::from(max)) as u32
    };
    html! {
        <li>
            <button type="button" class="dtc-bar" aria-pressed={if pressed { "true" } else { "false" }}
                    data-filter={key.to_owned()} data-tone={tone.to_owned()} {onclick} title={title.to_owned()}>
                <span class="dtc-bar-label">{ label }</span>
                <svg class="dtc-bar-svg" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="dtc-bar-track" x="0" y="0" width="100" height="10" rx="2" />
                    <rect class="dtc-bar-fill" x="0" y="0" width={width.to_string()} height="10" rx="2" />
                </svg>
                <span class="dtc-bar-count">{ group(count) }</span>
            </button>
        </li>
    }
}

/// `1204` as `1,204`: counts are read at a glance.
pub fn group(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[function_component]
pub fn SummaryChart(props: &SummaryProps) -> Html {
    let s = &props.summary;
    let max_f = Finding::ALL
        .iter()
        .map(|f| s.finding(*f))
        .max()
        .unwrap_or(0);
    let max_r = Risk::ALL.iter().map(|r| s.risk(*r)).max().unwrap_or(0);
    let title = props.ids.id("summary-title");
    let findings = Finding::ALL.into_iter().map(|f| {
        let on = props.on_finding.reform(move |_: MouseEvent| f);
        bar(
            f.title(),
            (s.finding(f), max_f),
            props.findings.contains(f),
            (f.key(), f.tone()),
            on,
            f.why(),
        )
    });
    let risks = Risk::ALL.into_iter().map(|r| {
        let on = props.on_risk.reform(move |_: MouseEvent| r);
        bar(
            r.label(),
            (s.risk(r), max_r),
            props.risks.contains(r),
            (risk_key(r), r.severity_name()),
            on,
            r.explanation(),
        )
    });
    let max_k = Kind::ALL.iter().map(|k| s.kind(*k)).max().unwrap_or(0);
    let kinds = Kind::ALL.into_iter().map(|k| {
        let on = props.on_kind.reform(move |_: MouseEvent| k);
        bar(
            k.label(),
            (s.kind(k), max_k),
            props.kinds.contains(k),
            (k.key(), "note"),
            on,
            k.label(),
        )
    });
    html! {
        <section class="dtc-panel dtc-summary" aria-labelledby={title.clone()} data-testid="inventory-summary">
            <h2 id={title}>{ format!("Summary of {} tokens", group(s.tokens)) }</h2>
            <div class="dtc-summary-cols">
                <div>
                    <h3>{ "Findings" }</h3>
                    <ul class="dtc-bars" aria-label="Filter by finding">{ for findings }</ul>
                </div>
                <div>
                    <h3>{ "Riskiest scope" }</h3>
                    <ul class="dtc-bars" aria-label="Filter by riskiest scope">{ for risks }</ul>
                    <h3>{ "Kind" }</h3>
                    <ul class="dtc-bars" aria-label="Filter by kind">{ for kinds }</ul>
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::group(0), "0");
        assert_eq!(super::group(312), "312");
        assert_eq!(super::group(1204), "1,204");
        assert_eq!(super::group(100000), "100,000");
        assert_eq!(super::group(1234567), "1,234,567");
    }
}
