//! Every host with its addresses, last update, status and a small chart of its changes;
//! refreshed every few seconds, so updates show without a reload. Hosts are created (the
//! token shown once, with a copy button) and deleted here.

use leptos::prelude::*;
use porchlight_api::{History, Hostname, HostnameCreated, HostnameList, NewHostname};

use super::{shown, when};
use crate::api;
use crate::app::{Page, Session};

/// How often the list is refreshed.
const REFRESH_MS: u64 = 3000;
/// A host not updated for this long is stale (ddclient and ddns-scripts refresh within 72 h).
const STALE_SECONDS: f64 = 3.0 * 86_400.0;

#[component]
pub fn Dashboard() -> impl IntoView {
    let hosts = RwSignal::new(Vec::<Hostname>::new());
    let error = RwSignal::new(None::<String>);
    let load = move || api::run("GET", "/api/hostnames".into(), api::NO_BODY, error, move |list: HostnameList| hosts.set(list.hostnames));
    load();
    if let Ok(handle) = set_interval_with_handle(load, std::time::Duration::from_millis(REFRESH_MS)) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <h1>"Hosts"</h1>
        <NewHost on_created=move || load()/>
        <p class="error" role="alert">{move || error.get()}</p>
        <Show when=move || !hosts.with(Vec::is_empty) fallback=|| view! { <p class="muted">"No hosts yet: create one above."</p> }>
            <table class="hosts">
                <thead><tr><th>"Host"</th><th>"IPv4"</th><th>"IPv6"</th><th>"Last update"</th><th>"Status"</th><th>"Changes"</th><th></th></tr></thead>
                <tbody>
                    <For each=move || hosts.get() key=|h| (h.id.clone(), h.last_update.clone(), h.ipv4.clone(), h.ipv6.clone()) let:host>
                        <HostRow host=host on_deleted=move || load()/>
                    </For>
                </tbody>
            </table>
        </Show>
    }
}

#[component]
fn HostRow(host: Hostname, on_deleted: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = host.id.clone();
    let fqdn = host.fqdn.clone();
    let last = shown(&host.last_update);
    let (status, class) = status(&last);
    let error = RwSignal::new(None::<String>);
    let open_id = id.clone();
    let delete_id = id.clone();
    let delete = move |_| {
        let confirmed = web_sys::window().and_then(|w| w.confirm_with_message("Delete this host, its records and its tokens?").ok()).unwrap_or(false);
        if !confirmed {
            return;
        }
        api::run("DELETE", format!("/api/hostnames/{delete_id}"), api::NO_BODY, error, move |()| on_deleted());
    };
    view! {
        <tr data-host=fqdn.clone()>
            <td><button type="button" class="plain" on:click=move |_| session.page.set(Page::Host(open_id.clone()))>{fqdn.clone()}</button></td>
            <td><code class="ipv4">{shown(&host.ipv4)}</code></td>
            <td><code class="ipv6">{shown(&host.ipv6)}</code></td>
            <td>{when(&last)} <br/><span class="muted source">{shown(&host.last_source)}</span></td>
            <td class=class>{status}</td>
            <td><Changes id=id.clone()/></td>
            <td>
                <button type="button" class="plain" aria-label=format!("Delete {fqdn}") on:click=delete>"Delete"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </td>
        </tr>
    }
}

/// fresh / stale / never updated.
fn status(last: &str) -> (&'static str, &'static str) {
    if last.is_empty() {
        return ("never updated", "status-never");
    }
    let age = (js_sys::Date::now() - js_sys::Date::parse(last)) / 1000.0;
    if age > STALE_SECONDS { ("stale", "status-stale") } else { ("fresh", "status-fresh") }
}

/// A small chart of the host's address changes over the last 30 days: one mark per change.
#[component]
fn Changes(id: String) -> impl IntoView {
    let marks = RwSignal::new(Vec::<f64>::new());
    leptos::task::spawn_local(async move {
        if let Ok(v) = api::call::<History>("GET", &format!("/api/hostnames/{id}/history?limit=200"), None::<&()>).await {
            let now = js_sys::Date::now();
            let span = 30.0 * 86_400_000.0;
            let xs = v
                .history
                .iter()
                .map(|h| (span - (now - js_sys::Date::parse(&h.at))) / span * 100.0)
                .filter(|x| (0.0..=100.0).contains(x))
                .collect();
            marks.set(xs);
        }
    });
    view! {
        <svg class="spark" viewBox="0 0 100 10" role="img" aria-label=move || format!("{} changes in 30 days", marks.with(Vec::len))>
            <line x1="0" y1="9" x2="100" y2="9" stroke="currentColor" stroke-opacity="0.3"/>
            {move || marks.get().into_iter().map(|x| view! { <rect x=format!("{:.1}", x.min(99.0)) y="2" width="1" height="7" fill="currentColor"/> }).collect_view()}
        </svg>
    }
}

/// Creates a host in one of the served zones; shows its token once.
#[component]
fn NewHost(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = expect_context::<Session>();
    let domains = RwSignal::new(Vec::new());
    let domain = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<(String, String, String)>);
    super::load_zones(domains, domain, || {});
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewHostname { domain_id: domain.get(), name: name.get(), ttl: None };
        api::run("POST", "/api/hostnames".into(), Some(body), error, move |made: HostnameCreated| {
            let id = made.hostname.id;
            let token = made.token.token_value;
            session.fresh_tokens.update(|t| t.push((id.clone(), token.clone())));
            created.set(Some((id, made.hostname.fqdn, token)));
            name.set(String::new());
            on_created();
        });
    };
    view! {
        <section class="card">
            <h2>"New host"</h2>
            <form class="row" on:submit=submit>
                <label>"Name" <input name="hostname" placeholder="home" required bind:value=name/></label>
                <label>"Domain"
                    <select name="domain" on:change=move |ev| domain.set(event_target_value(&ev))>
                        {move || domains.get().into_iter().map(|d| view! { <option value=d.id>{d.name}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit">"Create"</button>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || created.get().map(|(id, fqdn, token)| view! {
                <div class="created" role="status">
                    <p>"Created " <strong>{fqdn}</strong>". Its token is shown only now:"</p>
                    <p class="secret" data-token=token.clone()>{token.clone()}</p>
                    <div class="row">
                        <CopyButton text=token label="Copy token"/>
                        <button type="button" class="plain" on:click=move |_| session.page.set(Page::Host(id.clone()))>"Set up a client"</button>
                    </div>
                </div>
            })}
        </section>
    }
}

/// Copies `text` to the clipboard and says so.
#[component]
pub fn CopyButton(text: String, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
            let promise = clipboard.write_text(&text);
            leptos::task::spawn_local(async move {
                copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
            });
        }
    };
    view! {
        <button type="button" class="plain" on:click=copy>{label}</button>
        <span class="ok" role="status">{move || copied.get().then_some("Copied")}</span>
    }
}
