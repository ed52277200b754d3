//! One host: its address history as a timeline, the "follow IPv6 prefix" setting, and
//! ready-to-paste client configurations with the appliance's address, the hostname and (while
//! it is still known) the token filled in.

use leptos::prelude::*;
use porchlight_api::{History, HistoryEntry, Hostname, HostnameEnvelope, HostnamePatch};

use super::dashboard::CopyButton;
use super::{shown, when};
use crate::api;
use crate::app::{Page, Session};

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
    let token = session.fresh_tokens.with_untracked(|t| t.iter().find(|(h, _)| *h == id).map(|(_, t)| t.clone()));
    view! {
        <p><button type="button" class="plain" on:click=move |_| session.page.set(Page::Dashboard)>"← All hosts"</button></p>
        <p class="error" role="alert">{move || error.get()}</p>
        {move || host.get().map(|h| {
            let fqdn = h.fqdn.clone();
            view! {
                <h1>{fqdn.clone()}</h1>
                <p>"IPv4 " <code>{or_none(shown(&h.ipv4))}</code> " · IPv6 " <code>{or_none(shown(&h.ipv6))}</code> " · TTL " {h.ttl.to_string()} " s"</p>
                <HostSetting host=h.clone() title="Follow the IPv6 prefix"
                    help="Give this host's interface id and it moves with every new prefix your router reports (ip6lanprefix, ipv6prefix). Leave empty to stop."
                    fields=vec![HostField::Ipv6InterfaceId]/>
                <HostSetting host=h.clone() title="Inside the network"
                    help="DNS clients in the appliance's LAN subnets get these addresses instead of the public ones (no NAT hairpin needed). Leave empty to answer everyone alike."
                    fields=vec![HostField::LanIpv4, HostField::LanIpv6]/>
                <section class="card">
                    <h2>"Address history"</h2>
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
                <ClientConfigs fqdn=fqdn token=token.clone()/>
            }
        })}
    }
}

fn or_none(value: String) -> String {
    if value.is_empty() { "none yet".into() } else { value }
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
    let inputs = values.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let mut patch = HostnamePatch::default();
        for (field, value) in &values {
            let text = value.get().trim().to_string();
            field.set(&mut patch, (!text.is_empty()).then_some(text));
        }
        api::run("PATCH", format!("/api/hostnames/{id}"), Some(patch), error, move |_: HostnameEnvelope| saved.set(true));
    };
    view! {
        <section class="card">
            <h2>{title}</h2>
            <p class="muted">{help}</p>
            <form class="row" on:submit=save>
                {inputs.into_iter().map(|(field, value)| {
                    let (key, label, placeholder) = field.input();
                    view! { <label>{label} <input name=key placeholder=placeholder bind:value=value/></label> }
                }).collect_view()}
                <button type="submit">"Save"</button>
                <span class="ok" role="status">{move || saved.get().then_some("Saved")}</span>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// Client configurations, each ready to paste.
#[component]
fn ClientConfigs(fqdn: String, token: Option<String>) -> impl IntoView {
    let base = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let server = base.trim_start_matches("http://").trim_start_matches("https://").to_string();
    let tls = base.starts_with("https://");
    let known = token.is_some();
    let token = token.unwrap_or_else(|| "YOUR_TOKEN".into());
    let configs = configs(&base, &server, tls, &fqdn, &token);
    view! {
        <section class="card">
            <h2>"Set up a client"</h2>
            {(!known).then(|| view! { <p class="muted">"The token is shown only when made; regenerate it under Tokens and put it where YOUR_TOKEN stands."</p> })}
            {configs.into_iter().map(|(name, text)| view! {
                <details class="client" data-client=name>
                    <summary>{name}</summary>
                    <pre>{text.clone()}</pre>
                    <CopyButton text=text label="Copy"/>
                </details>
            }).collect_view()}
        </section>
    }
}

/// (client, configuration) for every supported client.
fn configs(base: &str, server: &str, tls: bool, host: &str, token: &str) -> Vec<(&'static str, String)> {
    let update = format!("{base}/nic/update?hostname={host}&myip=");
    let ssl = if tls { "yes" } else { "no" };
    let inadyn_ssl = if tls { "true" } else { "false" };
    vec![
        ("UniFi", format!("Service: dyndns\nHostname: {host}\nUsername: {host}\nPassword: {token}\nServer: {server}\n\n(or Service: custom, Server: {server}/nic/update?hostname=%h&myip=%i)")),
        ("pfSense", format!("Service type: Custom\nUpdate URL: {update}%IP%\nResult Match: good %IP%|nochg %IP%\nUsername: {host}\nPassword: {token}")),
        ("OPNsense", format!("Service: dyndns2 (custom server)\nServer: {server}\nUsername: {host}\nPassword: {token}\nHostname: {host}")),
        ("OpenWrt", format!("config service 'porchlight'\n\toption enabled '1'\n\toption lookup_host '{host}'\n\toption domain '{host}'\n\toption username '{host}'\n\toption password '{token}'\n\toption update_url '{}://[USERNAME]:[PASSWORD]@{server}/nic/update?hostname=[DOMAIN]&myip=[IP]'\n\toption interface 'wan'", if tls { "https" } else { "http" })),
        ("FritzBox", format!("Update URL: {base}/nic/update?hostname=<domain>&myip=<ipaddr>,<ip6addr>&ip6lanprefix=<ip6lanprefix>\nDomain name: {host}\nUsername: {host}\nPassword: {token}")),
        ("Synology", format!("Query URL: {base}/nic/update?hostname=__HOSTNAME__&myip=__MYIP__&username=__USERNAME__&password=__PASSWORD__\nHostname: {host}\nUsername: {host}\nPassword: {token}")),
        ("ddclient", format!("protocol=dyndns2\nserver={server}\nssl={ssl}\nlogin={host}\npassword='{token}'\n{host}")),
        ("inadyn", format!("custom porchlight {{\n    ssl = {inadyn_ssl}\n    username = \"{host}\"\n    password = \"{token}\"\n    ddns-server = \"{server}\"\n    ddns-path = \"/nic/update?hostname=%h&myip=%i\"\n    hostname = \"{host}\"\n}}")),
        ("curl / cron", format!("*/5 * * * * curl -fsS -H 'Authorization: Bearer {token}' {base}/api/update")),
        ("Docker", format!("docker run -d --restart unless-stopped \\\n  -e IPDOCK_API_URL={base} \\\n  -e IPDOCK_TOKEN={token} \\\n  ipdockrepo/ipdock-client:latest")),
    ]
}
