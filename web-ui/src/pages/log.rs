//! The event log, newest first, with a filter on the kind of event and paging.

use leptos::prelude::*;
use serde_json::Value;

use super::{text, when};
use crate::api;

const PER_PAGE: u32 = 50;

#[component]
pub fn Log() -> impl IntoView {
    let lines = RwSignal::new(Vec::<Value>::new());
    let page = RwSignal::new(1u32);
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let p = page.get();
        api::run("GET", format!("/api/logs?page={p}&perPage={PER_PAGE}"), None, error, move |v: Value| lines.set(v["logs"].as_array().cloned().unwrap_or_default()));
    });
    let shown = move || {
        let f = filter.get().to_lowercase();
        lines.get().into_iter().filter(|l| f.is_empty() || text(l, "kind").to_lowercase().contains(&f) || text(l, "subject").to_lowercase().contains(&f)).collect::<Vec<_>>()
    };
    view! {
        <h1>"Event log"</h1>
        <label>"Filter (kind or name)" <input name="filter" placeholder="login, address, record…" bind:value=filter/></label>
        <p class="error" role="alert">{move || error.get()}</p>
        <table>
            <thead><tr><th>"When"</th><th>"Event"</th><th>"Name"</th><th>"Detail"</th><th>"From"</th></tr></thead>
            <tbody>
                {move || shown().into_iter().map(|l| view! {
                    <tr><td>{when(&text(&l, "at"))}</td><td>{text(&l, "kind")}</td><td>{text(&l, "subject")}</td><td>{text(&l, "detail")}</td><td>{text(&l, "source")}</td></tr>
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
