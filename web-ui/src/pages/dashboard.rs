//! Every host by state (fresh, stale, failing, never updated) with its addresses, last
//! update, why it fails and a small chart of its changes; refreshed every few seconds, so
//! updates show without a reload. Hosts are created (the token shown once, with a copy
//! button) and deleted here.

use leptos::prelude::*;
use porchlight_api::{History, Hostname, HostnameCreated, HostnameList, NewHostname};

use super::{HostState, Submit, confirmed, failure, host_state, shown, when};
use crate::address;
use crate::api;
use crate::app::{Page, Session};

/// How often the list is refreshed.
const REFRESH_MS: u64 = 3000;

#[component]
pub fn Dashboard() -> impl IntoView {
    let session = expect_context::<Session>();
    let hosts = RwSignal::new(Vec::<Hostname>::new());
    let error = RwSignal::new(None::<String>);
    // The token panel of a new host stays until the next thing done on this screen.
    let created = RwSignal::new(None::<(String, String, String)>);
    // None until the first answer, so an empty list is not claimed before it is known.
    let loaded = RwSignal::new(false);
    let load = move || {
        api::run("GET", "/api/hostnames".into(), api::NO_BODY, error, move |list: HostnameList| {
            hosts.set(list.hostnames);
            loaded.set(true);
        })
    };
    load();
    if let Ok(handle) = set_interval_with_handle(load, std::time::Duration::from_millis(REFRESH_MS)) {
        on_cleanup(move || handle.clear());
    }
    let counts = move || {
        let settings = session.alerting.get();
        let mut n = [0usize; 4];
        hosts.with(|hs| {
            for h in hs {
                n[match host_state(h, settings.as_ref()) {
                    HostState::Fresh => 0,
                    HostState::Stale => 1,
                    HostState::Failing => 2,
                    HostState::Never => 3,
                }] += 1;
            }
        });
        n
    };
    let needs_address = move || session.is_admin() && session.appliance.with(|a| a.as_ref().is_some_and(|a| a.public_url.is_none()));
    view! {
        <h1>"Hosts"</h1>
        <Show when=needs_address>
            <section class="card" aria-labelledby="address-heading">
                <h2 id="address-heading">"Where routers reach this appliance"</h2>
                <p>"Router snippets need the address your routers reach this appliance at; no public address is set yet."</p>
                <address::AddressNotice/>
            </section>
        </Show>
        <Show when=move || !hosts.with(Vec::is_empty)>
            <ul class="tally" aria-label="Hosts by state">
                {move || {
                    let n = counts();
                    [(HostState::Fresh, n[0]), (HostState::Stale, n[1]), (HostState::Failing, n[2]), (HostState::Never, n[3])]
                        .into_iter()
                        .map(|(state, count)| {
                            let (label, class) = state.label();
                            view! { <li class=class><strong>{count}</strong> " " {label}</li> }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
        <NewHost created=created on_created=move || load()/>
        <p class="error" role="alert">{move || error.get()}</p>
        <Show when=move || !hosts.with(Vec::is_empty) fallback=move || view! { <p class="muted">{move || if loaded.get() { "No hosts yet: create one above." } else { "Loading hosts…" }}</p> }>
            <table class="hosts stack">
                <thead><tr><th>"Host"</th><th>"IPv4"</th><th>"IPv6"</th><th>"Last update"</th><th>"Status"</th><th>"Changes"</th><th><span class="sr">"Actions"</span></th></tr></thead>
                <tbody>
                    <For each=move || hosts.get()
                        key=|h| (h.id.clone(), h.last_update.clone(), h.ipv4.clone(), h.ipv6.clone(), h.failures_in_a_row, h.last_attempt.as_ref().map(|a| a.at.clone()))
                        let:host>
                        <HostRow host=host on_deleted=move || { created.set(None); load() }/>
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
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let open_id = id.clone();
    let delete_id = id.clone();
    let question = format!("Delete {fqdn} with its records and tokens? Its router's updates stop working.");
    let delete = move |_| {
        if !confirmed(&question) {
            return;
        }
        api::act(busy, "DELETE", format!("/api/hostnames/{delete_id}"), api::NO_BODY, error, move |()| on_deleted());
    };
    let state_host = host.clone();
    let state = Memo::new(move |_| {
        let settings = session.alerting.get();
        host_state(&state_host, settings.as_ref()).label()
    });
    let why = failure(&host);
    view! {
        <tr data-host=fqdn.clone()>
            <td data-label="Host"><a href=format!("/hosts/{open_id}") class="host-link" on:click=move |ev| {
                ev.prevent_default();
                session.go(Page::Host(open_id.clone()));
            }>{fqdn.clone()}</a></td>
            <td data-label="IPv4"><code class="ipv4">{shown(&host.ipv4)}</code></td>
            <td data-label="IPv6"><code class="ipv6">{shown(&host.ipv6)}</code></td>
            <td data-label="Last update">{when(&last)} <br/><span class="muted source">{shown(&host.last_source)}</span></td>
            <td data-label="Status">
                <span class=move || state.get().1>{move || state.get().0}</span>
                {why.map(|why| view! { <br/><span class="failure">{why}</span> })}
            </td>
            <td data-label="Changes"><Changes id=id.clone()/></td>
            <td data-label="">
                <button type="button" class="plain" aria-label=format!("Delete {fqdn}") disabled=move || busy.get() on:click=delete>"Delete"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </td>
        </tr>
    }
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

/// Creates a host in one of the served zones; shows its token once (in `created`: id,
/// name, token), until the next action.
#[component]
pub fn NewHost(created: RwSignal<Option<(String, String, String)>>, on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = expect_context::<Session>();
    let domains = RwSignal::new(Vec::new());
    let domain = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    super::load_zones(domains, domain, || {});
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let body = NewHostname { domain_id: domain.get(), name: name.get(), ttl: None };
        api::act(busy, "POST", "/api/hostnames".into(), Some(body), error, move |made: HostnameCreated| {
            let id = made.hostname.id;
            let token = made.token.token_value;
            session.remember_token(id.clone(), token.clone());
            created.set(Some((id, made.hostname.fqdn, token)));
            name.set(String::new());
            on_created();
        });
    };
    view! {
        <section class="card" aria-labelledby="new-host-heading">
            <h2 id="new-host-heading">"New host"</h2>
            <form class="row" on:submit=submit>
                <label>"Name" <input name="hostname" placeholder="home" autocomplete="off" required bind:value=name/></label>
                <label>"Domain"
                    <select name="domain" on:change=move |ev| domain.set(event_target_value(&ev))>
                        {move || domains.get().into_iter().map(|d| view! { <option value=d.id>{d.name}</option> }).collect_view()}
                    </select>
                </label>
                <Submit label="Create" busy=busy working="Creating…"/>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || created.get().map(|(id, fqdn, token)| view! {
                <div class="created" role="status">
                    <p>"Created " <strong>{fqdn}</strong>". Its token is shown only now:"</p>
                    <p class="secret" data-token=token.clone()>{token.clone()}</p>
                    <div class="row">
                        <CopyButton text=token label="Copy token"/>
                        <button type="button" class="plain" on:click=move |_| session.go(Page::Host(id.clone()))>"Set up a client"</button>
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
