//! The appliance's public address: what router snippets, setup links and the delegation
//! guide name. Set by an administrator (or the configuration); until then the address the
//! page was opened at stands in, with a warning when no router could reach it (loopback,
//! link-local).

use leptos::prelude::*;
use porchlight_api::{Settings, SettingsPatch};

use crate::api;
use crate::app::Session;
use crate::pages::Submit;

/// The address this page was opened at (`http://127.0.0.1:8080`).
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The host of a base URL, without brackets or port.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.to_ascii_lowercase()
}

/// Loopback (127.0.0.0/8, ::1, localhost) or link-local (169.254.0.0/16, fe80::/10): no
/// router can reach the appliance there.
pub fn unreachable(url: &str) -> bool {
    let host = host_of(url);
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0:0:0:0:0:0:0:1"
        || host.starts_with("169.254.")
        || ["fe8", "fe9", "fea", "feb"].iter().any(|p| host.starts_with(p))
}

/// The base URL snippets use, and whether an administrator (or the configuration) set it.
pub fn base(session: &Session) -> (String, bool) {
    match session.appliance.with(|a| a.as_ref().and_then(|a| a.public_url.clone())) {
        Some(url) => (url, true),
        None => (origin(), false),
    }
}

/// Says where snippets point, and warns when routers could not reach it; an administrator
/// can set the public address right here (unless `no_form`: the screen has the form already).
#[component]
pub fn AddressNotice(#[prop(optional)] no_form: bool) -> impl IntoView {
    let session = expect_context::<Session>();
    let editing = RwSignal::new(false);
    move || {
        let (url, set) = base(&session);
        let bad = unreachable(&url);
        let text = match (set, bad) {
            (true, false) => return view! { <p class="muted">"These use the public address " <code>{url}</code> "."</p> }.into_any(),
            (true, true) => format!("The public address {url} is a loopback or link-local address: routers cannot reach the appliance there."),
            (false, true) => format!(
                "This page was opened at {url}, which no router can reach, and no public address is set: these snippets would not work on a router."
            ),
            (false, false) => format!("No public address is set: these use the address this page was opened at, {url}."),
        };
        let (class, role) = if bad { ("warning", "alert") } else { ("muted", "status") };
        view! {
            <div class=class role=role data-address-warning=bad.to_string()>
                <p>{text}</p>
                {if no_form {
                    ().into_any()
                } else if session.is_admin() {
                    view! {
                        <Show when=move || editing.get() fallback=move || view! {
                            <button type="button" class="plain" on:click=move |_| editing.set(true)>"Set the public address"</button>
                        }>
                            <PublicAddressForm on_saved=move || editing.set(false)/>
                        </Show>
                    }.into_any()
                } else {
                    view! { <p>"Ask an administrator to set the appliance's public address."</p> }.into_any()
                }}
            </div>
        }
        .into_any()
    }
}

/// The administrator's form for the public address (`PATCH /api/admin/settings`); says so
/// when the configuration sets it.
#[component]
pub fn PublicAddressForm(on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = expect_context::<Session>();
    let current = session.appliance.with_untracked(|a| a.as_ref().and_then(|a| a.public_url.clone()));
    let suggested = current.clone().unwrap_or_else(|| Some(origin()).filter(|o| !unreachable(o)).unwrap_or_default());
    let url = RwSignal::new(suggested);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let fixed = RwSignal::new(false);
    api::run("GET", "/api/admin/settings".into(), api::NO_BODY, error, move |s: Settings| fixed.set(s.public_url_from_config));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SettingsPatch { public_url: Some(url.get().trim().to_string()), ..SettingsPatch::default() };
        api::act(busy, "PATCH", "/api/admin/settings".into(), Some(body), error, move |s: Settings| {
            if let Some(u) = s.public_url.clone() {
                url.set(u);
            }
            session.reload_appliance();
            on_saved();
        });
    };
    view! {
        <Show when=move || !fixed.get() fallback=|| view! { <p class="muted">"The configuration file sets the public address; change it there."</p> }>
            <form class="stack" on:submit=save>
                <label>"Public address (how routers reach this appliance)"
                    <input name="publicUrl" type="text" inputmode="url" spellcheck="false" placeholder="http://192.168.1.2:8080" autocomplete="off" required bind:value=url/>
                </label>
                <Submit label="Save address" busy=busy working="Saving…"/>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </Show>
    }
}
