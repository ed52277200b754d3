//! The event log, newest first, in pages from the appliance, with a filter on the kind of
//! event or the name among the shown page's lines (the API has no search).

use leptos::prelude::*;
use porchlight_api::{LogEntry, LogPage};

use super::when;
use crate::api;

const PER_PAGE: u32 = 50;

#[component]
pub fn Log() -> impl IntoView {
    let lines = RwSignal::new(Vec::<LogEntry>::new());
    let page = RwSignal::new(1u32);
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let p = page.get();
        api::act(busy, "GET", format!("/api/logs?page={p}&perPage={PER_PAGE}"), api::NO_BODY, error, move |v: LogPage| lines.set(v.logs));
    });
    let shown = move || {
        let f = filter.get().to_lowercase();
        lines.get().into_iter().filter(|l| f.is_empty() || l.kind.to_lowercase().contains(&f) || l.subject.to_lowercase().contains(&f)).collect::<Vec<_>>()
    };
    view! {
        <h1>"Event log"</h1>
        <label class="filter">"Filter this page's events (kind or name)" <input name="filter" type="search" placeholder="login, address, record…" bind:value=filter/></label>
        <p class="muted" role="status">{move || {
            let total = lines.with(Vec::len);
            if filter.with(String::is_empty) { format!("{total} events on page {}.", page.get()) } else { format!("{} of the {total} events on page {} match; other pages are not searched.", shown().len(), page.get()) }
        }}</p>
        <p class="error" role="alert">{move || error.get()}</p>
        <table class="stack log">
            <thead><tr><th>"When"</th><th>"Event"</th><th>"Name"</th><th>"Detail"</th><th>"From"</th></tr></thead>
            <tbody>
                {move || shown().into_iter().map(|l| view! {
                    <tr>
                        <td data-label="When">{when(&l.at)}</td>
                        <td data-label="Event">{l.kind}</td>
                        <td data-label="Name">{l.subject}</td>
                        <td data-label="Detail">{l.detail}</td>
                        <td data-label="From">{l.source.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <div class="row">
            <button type="button" class="plain" disabled=move || busy.get() || page.get() <= 1 on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Newer"</button>
            <span>{move || format!("Page {}", page.get())}</span>
            <button type="button" class="plain" disabled=move || busy.get() || lines.with(|l| l.len() < PER_PAGE as usize) on:click=move |_| page.update(|p| *p += 1)>"Older"</button>
        </div>
    }
}
