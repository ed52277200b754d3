//! The records editor: every supported type with its own fields; the API's validation
//! message appears under the form.

use leptos::prelude::*;
use porchlight_api::{Record, RecordEnvelope, RecordList};

use super::shown;
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
    let delete = move |id: String| {
        api::run("DELETE", format!("/api/domains/{}/records/{id}", zone.get_untracked()), api::NO_BODY, error, move |()| load());
    };
    view! {
        <h1>"Records"</h1>
        <label>"Zone"
            <select name="zone" on:change=move |ev| { zone.set(event_target_value(&ev)); load(); }>
                {move || domains.get().into_iter().map(|d| view! { <option value=d.id>{d.name}</option> }).collect_view()}
            </select>
        </label>
        <NewRecord zone=zone on_created=load/>
        <p class="error" role="alert">{move || error.get()}</p>
        <table>
            <thead><tr><th>"Name"</th><th>"Type"</th><th>"Content"</th><th>"TTL"</th><th></th></tr></thead>
            <tbody>
                {move || records.get().into_iter().map(|r| {
                    let id = r.id;
                    let extra = match r.kind.as_str() {
                        "MX" => format!("{} ", shown(&r.priority)),
                        "SRV" => format!("{} {} {} ", shown(&r.priority), shown(&r.weight), shown(&r.port)),
                        _ => String::new(),
                    };
                    view! {
                        <tr>
                            <td>{r.name}</td>
                            <td>{r.kind}</td>
                            <td><code>{extra}{r.content}</code></td>
                            <td>{r.ttl.to_string()}</td>
                            <td>{if r.managed {
                                view! { <span class="muted">"set by updates"</span> }.into_any()
                            } else {
                                view! { <button type="button" class="plain" on:click=move |_| delete(id.clone())>"Delete"</button> }.into_any()
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
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
    fn number<N: std::str::FromStr>(s: RwSignal<String>) -> Option<N> {
        s.get().trim().parse().ok()
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = kind.get();
        let (mx_or_srv, srv) = (k == "MX" || k == "SRV", k == "SRV");
        let body = porchlight_api::NewRecord {
            name: name.get(),
            content: content.get(),
            ttl: number(ttl),
            priority: if mx_or_srv { number(priority) } else { None },
            weight: if srv { number(weight) } else { None },
            port: if srv { number(port) } else { None },
            kind: k,
        };
        api::run("POST", format!("/api/domains/{}/records", zone.get_untracked()), Some(body), error, move |_: RecordEnvelope| {
            content.set(String::new());
            on_created();
        });
    };
    view! {
        <section class="card">
            <h2>"New record"</h2>
            <form class="stack" on:submit=submit>
                <label>"Type"
                    <select name="type" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Name (relative, or @ for the zone itself)" <input name="name" placeholder="www.home" bind:value=name/></label>
                <Show when=move || kind.with(|k| k == "MX" || k == "SRV")>
                    <label>"Priority" <input name="priority" inputmode="numeric" bind:value=priority/></label>
                </Show>
                <Show when=move || kind.with(|k| k == "SRV")>
                    <label>"Weight" <input name="weight" inputmode="numeric" bind:value=weight/></label>
                    <label>"Port" <input name="port" inputmode="numeric" bind:value=port/></label>
                </Show>
                <label>{move || format!("Content — {}", content_hint(&kind.get()))} <input name="content" required bind:value=content/></label>
                <label>"TTL (seconds, optional)" <input name="ttl" inputmode="numeric" bind:value=ttl/></label>
                <button type="submit">"Add record"</button>
                <p class="error field-error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}
