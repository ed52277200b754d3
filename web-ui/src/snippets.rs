//! Ready-to-paste client configurations for one host: the appliance's public address, the
//! hostname and (while this page knows it) the token filled in. Each snippet's shape is
//! proved against the real client by the end-to-end tests (routers.rs, recipes.rs).

use leptos::prelude::*;

use crate::address::{self, AddressNotice};
use crate::app::Session;
use crate::pages::dashboard::CopyButton;

/// Client configurations for `fqdn`, following the public address and `token` as they change.
#[component]
pub fn ClientConfigs(fqdn: String, token: Signal<Option<String>>) -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <section class="card" aria-labelledby="clients-heading">
            <h2 id="clients-heading">"Set up a client"</h2>
            <AddressNotice/>
            {move || token.with(Option::is_none).then(|| view! {
                <p class="muted">"The token is shown only when made: regenerate it on this page and it is filled in below, or put yours where YOUR_TOKEN stands."</p>
            })}
            {move || {
                let (base, _) = address::base(&session);
                let token = token.get().unwrap_or_else(|| "YOUR_TOKEN".into());
                configs(&base, &fqdn, &token).into_iter().map(|(name, text)| view! {
                    <details class="client" data-client=name>
                        <summary>{name}</summary>
                        <pre>{text.clone()}</pre>
                        <CopyButton text=text label="Copy"/>
                    </details>
                }).collect_view()
            }}
        </section>
    }
}

/// (client, configuration) for every supported client; `base` is `http(s)://host[:port]`.
pub fn configs(base: &str, host: &str, token: &str) -> Vec<(&'static str, String)> {
    let base = base.trim_end_matches('/');
    let tls = base.starts_with("https://");
    let server = base.trim_start_matches("http://").trim_start_matches("https://");
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
