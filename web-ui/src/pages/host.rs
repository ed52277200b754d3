//! One host: how its updates go (why they fail, every result code counted, its stale
//! window), its address history as a timeline, the "follow IPv6 prefix" and split-horizon
//! settings, a new token on demand, and ready-to-paste client configurations.

use leptos::prelude::*;
use porchlight_api::{History, HistoryEntry, Hostname, HostnameEnvelope, HostnamePatch, IssuedTokenEnvelope, TokenList};

use super::dashboard::CopyButton;
use super::{Submit, confirmed, failure, host_state, shown, stale_hours, when, whole_field};
use crate::api;
use crate::app::{Page, Session};
use crate::snippets::ClientConfigs;

#[component]
pub fn HostDetail(id: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let host = RwSignal::new(None::<Hostname>);
    let history = RwSignal::new(Vec::<HistoryEntry>::new());
    let error = RwSignal::new(None::<String>);
    let load_id = id.clone();
    leptos::task::spawn_local(async move {
        match api::call::<HostnameEnvelope>("GET", &format!("/api/hostnames/{load_id}"), None::<&()>).await {
            Ok(v) => host.set(Some(v.hostname)),
            Err(e) => error.set(Some(e.message)),
        }
        if let Ok(v) = api::call::<History>("GET", &format!("/api/hostnames/{load_id}/history?limit=100"), None::<&()>).await {
            history.set(v.history);
        }
    });
    let loaded = Memo::new(move |_| host.with(Option::is_some));
    let token_id = id.clone();
    let token = Signal::derive(move || session.fresh_token(&token_id));
    view! {
        <p><a href="/" on:click=move |ev| { ev.prevent_default(); session.go(Page::Dashboard); }>"← All hosts"</a></p>
        <p class="error" role="alert">{move || error.get()}</p>
        // Drawn once loaded; later changes (a saved setting) redraw only what shows them.
        {move || loaded.get().then(|| host.get_untracked()).flatten().map(|h| {
            let fqdn = h.fqdn.clone();
            view! {
                <h1>{fqdn.clone()}</h1>
                <p>"IPv4 " <code>{or_none(shown(&h.ipv4))}</code> " · IPv6 " <code>{or_none(shown(&h.ipv6))}</code> " · TTL " {h.ttl.to_string()} " s"</p>
                <Updates host=host/>
                <NewToken host=h.clone()/>
                <ClientConfigs fqdn=fqdn token=token/>
                <HostSetting host=h.clone() title="Follow the IPv6 prefix"
                    help="Give this host's interface id and it moves with every new prefix your router reports (ip6lanprefix, ipv6prefix). Leave empty to stop."
                    fields=vec![HostField::Ipv6InterfaceId]/>
                <HostSetting host=h.clone() title="Inside the network"
                    help="DNS clients in the appliance's LAN subnets get these addresses instead of the public ones (no NAT hairpin needed). Leave empty to answer everyone alike."
                    fields=vec![HostField::LanIpv4, HostField::LanIpv6]/>
                <section class="card" aria-labelledby="history-heading">
                    <h2 id="history-heading">"Address history"</h2>
                    <Show when=move || !history.with(Vec::is_empty) fallback=|| view! { <p class="muted">"No updates yet."</p> }>
                        <ol class="timeline">
                            {move || history.get().into_iter().map(|c| view! {
                                <li>
                                    <time>{when(&c.at)}</time> " " <strong>{c.kind}</strong> " "
                                    <code>{shown(&c.old)}</code> " → " <code>{shown(&c.new)}</code>
                                    <span class="muted">" from " {shown(&c.source)} " (" {c.dialect} ", " {shown(&c.user_agent)} ")"</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    </Show>
                </section>
            }
        })}
    }
}

fn or_none(value: String) -> String {
    if value.is_empty() { "none yet".into() } else { value }
}

/// How the host's updates go: its state, why the last ones failed, each result code
/// counted, and its stale window.
#[component]
fn Updates(host: RwSignal<Option<Hostname>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let current = move || host.get();
    let window = RwSignal::new(host.with_untracked(|h| h.as_ref().and_then(|h| h.stale_after_hours).map(|n| n.to_string()).unwrap_or_default()));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let Some(id) = host.with_untracked(|h| h.as_ref().map(|h| h.id.clone())) else { return };
        let hours = match whole_field("The stale window", &window.get(), 0, 8760) {
            Ok(h) => h,
            Err(e) => return error.set(Some(e)),
        };
        let patch = HostnamePatch { stale_after_hours: Some(hours), ..HostnamePatch::default() };
        api::act(busy, "PATCH", format!("/api/hostnames/{id}"), Some(patch), error, move |v: HostnameEnvelope| {
            host.set(Some(v.hostname));
            saved.set(true);
        });
    };
    view! {
        <section class="card" aria-labelledby="updates-heading">
            <h2 id="updates-heading">"Updates"</h2>
            {move || current().map(|h| {
                let settings = session.alerting.get();
                let (state, class) = host_state(&h, settings.as_ref()).label();
                let hours = stale_hours(&h, settings.as_ref());
                view! {
                    <p class="host-state"><strong class=class>{state}</strong>
                        {failure(&h).map(|why| view! { ": " <span class="failure">{why}</span> })}
                    </p>
                    <dl class="facts">
                        <dt>"Last success"</dt><dd>{when(h.last_success.as_deref().unwrap_or_default())}</dd>
                        <dt>"Last attempt"</dt><dd>{h.last_attempt.as_ref().map(|a| format!("{} — {} from {} ({})", when(&a.at), a.result, a.source, a.user_agent.clone().unwrap_or_else(|| a.dialect.clone()))).unwrap_or_else(|| "none yet".into())}</dd>
                        <dt>"Stale after"</dt><dd>{if hours == 0 { "never".to_string() } else { format!("{hours} h without a success") }}</dd>
                    </dl>
                    {(!h.attempts.is_empty()).then(|| view! {
                        <h3>"Results of all attempts"</h3>
                        <ul class="codes" aria-label="Attempts by result">
                            {h.attempts.iter().map(|(code, n)| view! { <li data-code=code.clone()><code>{code.clone()}</code> " " {n.to_string()}</li> }).collect_view()}
                        </ul>
                    })}
                }
            })}
            <form class="row" on:submit=save>
                <label>"Stale window (hours; empty: the account's, 0: never)"
                    <input name="staleAfterHours" inputmode="numeric" placeholder=move || session.alerting.with(|s| s.as_ref().map(|s| s.stale_after_hours.to_string()).unwrap_or_default()) bind:value=window/>
                </label>
                <Submit label="Save" busy=busy working="Saving…"/>
                <span class="ok" role="status">{move || saved.get().then_some("Saved")}</span>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// A new secret for the host's token (the old one stops working at once); it is shown once
/// and filled into the client configurations below.
#[component]
fn NewToken(host: Hostname) -> impl IntoView {
    let session = expect_context::<Session>();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let shown_now = RwSignal::new(None::<String>);
    let (id, fqdn) = (host.id, host.fqdn);
    let regenerate = move |_| {
        if !confirmed(&format!("Make a new token for {fqdn}? The old one stops working at once: the router must get the new one.")) {
            return;
        }
        let (id, error) = (id.clone(), error);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let tokens = api::call::<TokenList>("GET", "/api/tokens", None::<&()>).await;
            let found = tokens.map(|l| l.tokens.into_iter().find(|t| t.hostname_id.as_deref() == Some(id.as_str())));
            match found {
                Ok(Some(token)) => {
                    api::act(busy, "POST", format!("/api/tokens/{}/regenerate", token.id), api::NO_BODY, error, move |issued: IssuedTokenEnvelope| {
                        session.remember_token(id, issued.token.token_value.clone());
                        shown_now.set(Some(issued.token.token_value));
                    });
                }
                Ok(None) => {
                    busy.set(false);
                    error.set(Some("This host has no token any more; make one under Tokens.".into()));
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.message));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="token-heading">
            <h2 id="token-heading">"Token"</h2>
            <p class="muted">"Tokens are shown only when made. Lost it, or setting up a new router? Make a new one: the old one stops working."</p>
            <p><button type="button" class="plain" disabled=move || busy.get() on:click=regenerate>{move || if busy.get() { "Regenerating…" } else { "Regenerate token" }}</button></p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || shown_now.get().map(|token| view! {
                <div class="created" role="status">
                    <p>"New token, shown only now (filled into the configurations below):"</p>
                    <p class="secret" data-token=token.clone()>{token.clone()}</p>
                    <CopyButton text=token label="Copy token"/>
                </div>
            })}
        </section>
    }
}

/// A clearable setting of a host, as one field of a [`HostSetting`] form.
#[derive(Clone, Copy)]
enum HostField {
    Ipv6InterfaceId,
    LanIpv4,
    LanIpv6,
}

impl HostField {
    /// The input's name (the API's name for the field), label and placeholder.
    fn input(self) -> (&'static str, &'static str, &'static str) {
        match self {
            HostField::Ipv6InterfaceId => ("ipv6InterfaceId", "Interface id", "::1a2b:3c4d:5e6f:7080"),
            HostField::LanIpv4 => ("lanIpv4", "LAN IPv4", "192.168.1.10"),
            HostField::LanIpv6 => ("lanIpv6", "LAN IPv6", "fd00::10"),
        }
    }

    fn current(self, host: &Hostname) -> &Option<String> {
        match self {
            HostField::Ipv6InterfaceId => &host.ipv6_interface_id,
            HostField::LanIpv4 => &host.lan_ipv4,
            HostField::LanIpv6 => &host.lan_ipv6,
        }
    }

    /// Puts the value into `patch`: `None` is sent as null and clears the setting.
    fn set(self, patch: &mut HostnamePatch, value: Option<String>) {
        let field = match self {
            HostField::Ipv6InterfaceId => &mut patch.ipv6_interface_id,
            HostField::LanIpv4 => &mut patch.lan_ipv4,
            HostField::LanIpv6 => &mut patch.lan_ipv6,
        };
        *field = Some(value);
    }
}

/// A form that changes some of a host's settings with `PATCH /api/hostnames/{id}`; an
/// empty field is sent as null (the setting is cleared).
#[component]
fn HostSetting(host: Hostname, title: &'static str, help: &'static str, fields: Vec<HostField>) -> impl IntoView {
    let id = host.id.clone();
    let values: Vec<(HostField, RwSignal<String>)> = fields.into_iter().map(|f| (f, RwSignal::new(shown(f.current(&host))))).collect();
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let inputs = values.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let mut patch = HostnamePatch::default();
        for (field, value) in &values {
            let text = value.get().trim().to_string();
            field.set(&mut patch, (!text.is_empty()).then_some(text));
        }
        api::act(busy, "PATCH", format!("/api/hostnames/{id}"), Some(patch), error, move |_: HostnameEnvelope| saved.set(true));
    };
    view! {
        <section class="card">
            <h2>{title}</h2>
            <p class="muted">{help}</p>
            <form class="row" on:submit=save>
                {inputs.into_iter().map(|(field, value)| {
                    let (key, label, placeholder) = field.input();
                    view! { <label>{label} <input name=key placeholder=placeholder autocomplete="off" bind:value=value/></label> }
                }).collect_view()}
                <Submit label="Save" busy=busy working="Saving…"/>
                <span class="ok" role="status">{move || saved.get().then_some("Saved")}</span>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}
