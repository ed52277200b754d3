//! The event log, newest first, with a filter on the kind of event and paging.

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
    Effect::new(move |_| {
        let p = page.get();
        api::run("GET", format!("/api/logs?page={p}&perPage={PER_PAGE}"), api::NO_BODY, error, move |v: LogPage| lines.set(v.logs));
    });
    let shown = move || {
        let f = filter.get().to_lowercase();
        lines.get().into_iter().filter(|l| f.is_empty() || l.kind.to_lowercase().contains(&f) || l.subject.to_lowercase().contains(&f)).collect::<Vec<_>>()
    };
    view! {
        <h1>"Event log"</h1>
        <label>"Filter (kind or name)" <input name="filter" placeholder="login, address, record…" bind:value=filter/></label>
        <p class="error" role="alert">{move || error.get()}</p>
        <table>
            <thead><tr><th>"When"</th><th>"Event"</th><th>"Name"</th><th>"Detail"</th><th>"From"</th></tr></thead>
            <tbody>
                {move || shown().into_iter().map(|l| view! {
                    <tr><td>{when(&l.at)}</td><td>{l.kind}</td><td>{l.subject}</td><td>{l.detail}</td><td>{l.source.unwrap_or_default()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <div class="row">
            <button type="button" class="plain" disabled=move || page.get() <= 1 on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Newer"</button>
            <span>{move || format!("Page {}", page.get())}</span>
            <button type="button" class="plain" disabled=move || lines.with(|l| l.len() < PER_PAGE as usize) on:click=move |_| page.update(|p| *p += 1)>"Older"</button>
        </div>
    }
}
