//! The records editor: every supported type with its own fields, records changed in place;
//! numbers are checked where they are typed, the API's validation message appears under
//! the form.

use leptos::prelude::*;
use porchlight_api::{Record, RecordEnvelope, RecordList, RecordPatch};

use super::{Submit, confirmed, shown, whole_field};
use crate::api;

const TYPES: [&str; 8] = ["A", "AAAA", "CNAME", "TXT", "MX", "SRV", "CAA", "NS"];

/// What the content field holds for each type.
fn content_hint(kind: &str) -> &'static str {
    match kind {
        "A" => "IPv4 address, e.g. 192.0.2.10",
        "AAAA" => "IPv6 address, e.g. 2001:db8::10",
        "CNAME" | "NS" => "host name, e.g. target.example.org",
        "TXT" => "text (longer than 255 bytes is split for you)",
        "MX" => "mail server, e.g. mail.example.org",
        "SRV" => "target host, e.g. sip.example.org",
        "CAA" => "flag tag \"value\", e.g. 0 issue \"letsencrypt.org\"",
        _ => "",
    }
}

/// The TTL field: empty (the default) or 30 s to a day (the appliance's bounds; a plan may
/// narrow them, and then the API says so).
fn ttl_field(text: &str) -> Result<Option<u32>, String> {
    whole_field("TTL", text, 30, 86_400)
}

/// A 16-bit field (priority, weight, port).
fn u16_field(label: &str, text: &str) -> Result<Option<u16>, String> {
    whole_field(label, text, 0, 65_535).map(|n| n.and_then(|n| u16::try_from(n).ok()))
}

#[component]
pub fn Records() -> impl IntoView {
    let domains = RwSignal::new(Vec::new());
    let zone = RwSignal::new(String::new());
    let records = RwSignal::new(Vec::<Record>::new());
    let error = RwSignal::new(None::<String>);
    let load = move || {
        let id = zone.get_untracked();
        if id.is_empty() {
            return;
        }
        api::run("GET", format!("/api/domains/{id}/records"), api::NO_BODY, error, move |list: RecordList| records.set(list.records));
    };
    super::load_zones(domains, zone, load);
    view! {
        <h1>"Records"</h1>
        <label class="zone-choice">"Zone"
            <select name="zone" on:change=move |ev| { zone.set(event_target_value(&ev)); load(); }>
                {move || domains.get().into_iter().map(|d| view! { <option value=d.id>{d.name}</option> }).collect_view()}
            </select>
        </label>
        <NewRecord zone=zone on_created=load/>
        <p class="error" role="alert">{move || error.get()}</p>
        <table class="stack records">
            <thead><tr><th>"Name"</th><th>"Type"</th><th>"Content"</th><th>"TTL"</th><th><span class="sr">"Actions"</span></th></tr></thead>
            <tbody>
                <For each=move || records.get() key=|r| (r.id.clone(), r.updated_at.clone(), r.content.clone(), r.ttl) let:r>
                    <RecordRow record=r zone=zone on_changed=load/>
                </For>
            </tbody>
        </table>
    }
}

/// One record: shown, or (after Edit) its content, numbers and TTL in fields.
#[component]
fn RecordRow(record: Record, zone: RwSignal<String>, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let content = RwSignal::new(record.content.clone());
    let ttl = RwSignal::new(record.ttl.to_string());
    let priority = RwSignal::new(shown(&record.priority));
    let weight = RwSignal::new(shown(&record.weight));
    let port = RwSignal::new(shown(&record.port));
    let (mx_or_srv, srv) = (record.kind == "MX" || record.kind == "SRV", record.kind == "SRV");
    let extra = match record.kind.as_str() {
        "MX" => format!("{} ", shown(&record.priority)),
        "SRV" => format!("{} {} {} ", shown(&record.priority), shown(&record.weight), shown(&record.port)),
        _ => String::new(),
    };
    let (id, name) = (record.id.clone(), record.name.clone());
    // Kept in a StoredValue so the save handler is Copy: it is drawn anew each time editing starts.
    let (save_id, delete_id) = (StoredValue::new(id.clone()), id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let patch = (|| -> Result<RecordPatch, String> {
            Ok(RecordPatch {
                content: Some(content.get()),
                ttl: ttl_field(&ttl.get())?,
                priority: if mx_or_srv { u16_field("Priority", &priority.get())? } else { None },
                weight: if srv { u16_field("Weight", &weight.get())? } else { None },
                port: if srv { u16_field("Port", &port.get())? } else { None },
                ..RecordPatch::default()
            })
        })();
        match patch {
            Ok(patch) => api::act(busy, "PATCH", format!("/api/domains/{}/records/{}", zone.get_untracked(), save_id.get_value()), Some(patch), error, move |_: RecordEnvelope| {
                editing.set(false);
                on_changed();
            }),
            Err(e) => error.set(Some(e)),
        }
    };
    let question = format!("Delete the {} record of {name}?", record.kind);
    let delete = move |_| {
        if confirmed(&question) {
            api::act(busy, "DELETE", format!("/api/domains/{}/records/{delete_id}", zone.get_untracked()), api::NO_BODY, error, move |()| on_changed());
        }
    };
    let managed = record.managed;
    let edit_label = format!("Edit the {} record of {name}", record.kind);
    view! {
        <tr data-record=name.clone()>
            <td data-label="Name">{name.clone()}</td>
            <td data-label="Type">{record.kind.clone()}</td>
            <td data-label="Content">
                <Show when=move || editing.get() fallback=move || view! { <code>{extra.clone()}{move || content.get()}</code> }>
                    <form class="stack edit" on:submit=save>
                        {mx_or_srv.then(|| view! { <label>"Priority" <input name="editPriority" inputmode="numeric" bind:value=priority/></label> })}
                        {srv.then(|| view! {
                            <label>"Weight" <input name="editWeight" inputmode="numeric" bind:value=weight/></label>
                            <label>"Port" <input name="editPort" inputmode="numeric" bind:value=port/></label>
                        })}
                        <label>"Content" <input name="editContent" required bind:value=content/></label>
                        <label>"TTL (seconds)" <input name="editTtl" inputmode="numeric" bind:value=ttl/></label>
                        <div class="row">
                            <Submit label="Save" busy=busy working="Saving…"/>
                            <button type="button" class="plain" on:click=move |_| { editing.set(false); error.set(None); }>"Cancel"</button>
                        </div>
                    </form>
                </Show>
                <p class="error" role="alert">{move || error.get()}</p>
            </td>
            <td data-label="TTL">{record.ttl.to_string()}</td>
            <td data-label="">{if managed {
                view! { <span class="muted">"set by updates"</span> }.into_any()
            } else {
                view! {
                    <Show when=move || !editing.get()>
                        <button type="button" class="plain" title=edit_label.clone() on:click=move |_| editing.set(true)>"Edit"</button>
                    </Show>
                    <button type="button" class="plain" disabled=move || busy.get() on:click=delete>"Delete"</button>
                }.into_any()
            }}</td>
        </tr>
    }
}

#[component]
fn NewRecord(zone: RwSignal<String>, on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let kind = RwSignal::new("A".to_string());
    let name = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let ttl = RwSignal::new(String::new());
    let priority = RwSignal::new("10".to_string());
    let weight = RwSignal::new("0".to_string());
    let port = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = kind.get();
        let (mx_or_srv, srv) = (k == "MX" || k == "SRV", k == "SRV");
        let body = (|| -> Result<porchlight_api::NewRecord, String> {
            Ok(porchlight_api::NewRecord {
                name: name.get(),
                content: content.get(),
                ttl: ttl_field(&ttl.get())?,
                priority: if mx_or_srv { u16_field("Priority", &priority.get())? } else { None },
                weight: if srv { u16_field("Weight", &weight.get())? } else { None },
                port: if srv { u16_field("Port", &port.get())? } else { None },
                kind: k.clone(),
            })
        })();
        match body {
            Ok(body) => api::act(busy, "POST", format!("/api/domains/{}/records", zone.get_untracked()), Some(body), error, move |_: RecordEnvelope| {
                content.set(String::new());
                on_created();
            }),
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <section class="card" aria-labelledby="new-record-heading">
            <h2 id="new-record-heading">"New record"</h2>
            <form class="stack" on:submit=submit>
                <label>"Type"
                    <select name="type" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Name (relative, or @ for the zone itself)" <input name="name" placeholder="www.home" autocomplete="off" bind:value=name/></label>
                <Show when=move || kind.with(|k| k == "MX" || k == "SRV")>
                    <label>"Priority" <input name="priority" inputmode="numeric" bind:value=priority/></label>
                </Show>
                <Show when=move || kind.with(|k| k == "SRV")>
                    <label>"Weight" <input name="weight" inputmode="numeric" bind:value=weight/></label>
                    <label>"Port" <input name="port" inputmode="numeric" bind:value=port/></label>
                </Show>
                <label>{move || format!("Content — {}", content_hint(&kind.get()))} <input name="content" autocomplete="off" required bind:value=content/></label>
                <label>"TTL (seconds, 30 to 86400; empty: the default)" <input name="ttl" inputmode="numeric" bind:value=ttl/></label>
                <Submit label="Add record" busy=busy working="Adding…"/>
                <p class="error field-error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}
