//! Alerts: where the account is told (webhook, ntfy, Gotify, e-mail), each with a test
//! message, and when (stale hosts, failing hosts, address changes).

use leptos::prelude::*;
use porchlight_api::{AlertSettings, AlertSettingsPatch, Channel, ChannelEnvelope, ChannelList, ChannelTest, NewChannel};

use super::{Checkbox, Submit, confirmed, when, whole_field};
use crate::api;
use crate::app::Session;

#[component]
pub fn Alerts() -> impl IntoView {
    let channels = RwSignal::new(Vec::<Channel>::new());
    let error = RwSignal::new(None::<String>);
    let load = move || api::run("GET", "/api/alerts/channels".into(), api::NO_BODY, error, move |list: ChannelList| channels.set(list.channels));
    load();
    view! {
        <h1>"Alerts"</h1>
        <Rules/>
        <section class="card" aria-labelledby="channels-heading">
            <h2 id="channels-heading">"Channels"</h2>
            <p class="error" role="alert">{move || error.get()}</p>
            <Show when=move || !channels.with(Vec::is_empty) fallback=|| view! { <p class="muted">"No channels yet: nobody is told. Add one below."</p> }>
                <table class="stack channels">
                    <thead><tr><th>"Kind"</th><th>"Sends to"</th><th>"Last sent"</th><th>"Last error"</th><th><span class="sr">"Actions"</span></th></tr></thead>
                    <tbody>
                        <For each=move || channels.get() key=|c| c.id.clone() let:c>
                            <ChannelRow channel=c on_changed=load/>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
        <NewChannelForm on_created=load/>
    }
}

#[component]
fn ChannelRow(channel: Channel, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (test_id, delete_id) = (channel.id.clone(), channel.id.clone());
    let test = move |_| {
        result.set(None);
        api::act(busy, "POST", format!("/api/alerts/channels/{test_id}/test"), api::NO_BODY, error, move |t: ChannelTest| {
            result.set(Some(if t.delivered { "Delivered.".into() } else { format!("Not delivered: {}", t.error.unwrap_or_default()) }));
        });
    };
    let question = format!("Delete the {} channel to {}? It is told nothing more.", channel.kind, channel.target);
    let delete = move |_| {
        if confirmed(&question) {
            api::act(busy, "DELETE", format!("/api/alerts/channels/{delete_id}"), api::NO_BODY, error, move |()| on_changed());
        }
    };
    view! {
        <tr data-channel=channel.kind.clone()>
            <td data-label="Kind">{channel.kind.clone()}</td>
            <td data-label="Sends to"><code class="wrap">{channel.target.clone()}</code>
                {channel.has_secret.then(|| view! { <br/><span class="muted">{channel.secret_header.clone().map_or("with a token".to_string(), |h| format!("with {h}"))}</span> })}
            </td>
            <td data-label="Last sent">{when(channel.last_sent_at.as_deref().unwrap_or_default())}</td>
            <td data-label="Last error">{channel.last_error.clone().unwrap_or_else(|| "none".into())}</td>
            <td data-label="">
                <button type="button" class="plain" disabled=move || busy.get() on:click=test>{move || if busy.get() { "Sending…" } else { "Send a test" }}</button>
                " "
                <button type="button" class="plain" disabled=move || busy.get() on:click=delete>"Delete"</button>
                <p class="ok" role="status">{move || result.get()}</p>
                <p class="error" role="alert">{move || error.get()}</p>
            </td>
        </tr>
    }
}

/// The kinds of channel: (value, label, what its URL field is).
const KINDS: [(&str, &str); 4] = [("webhook", "Webhook"), ("ntfy", "ntfy"), ("gotify", "Gotify"), ("email", "E-mail")];

#[component]
fn NewChannelForm(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let kind = RwSignal::new("webhook".to_string());
    let url = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let header = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let added = RwSignal::new(false);
    let is = move |k: &str| kind.with(|v| v == k);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(false);
        let k = kind.get();
        let some = |s: RwSignal<String>| Some(s.get().trim().to_string()).filter(|v| !v.is_empty());
        let body = NewChannel {
            url: if k == "email" { None } else { some(url) },
            to: if k == "email" { some(to) } else { None },
            token: if k == "ntfy" || k == "gotify" { some(token) } else { None },
            secret_header: if k == "webhook" { some(header) } else { None },
            secret: if k == "webhook" { some(secret) } else { None },
            kind: k,
        };
        api::act(busy, "POST", "/api/alerts/channels".into(), Some(body), error, move |_: ChannelEnvelope| {
            for s in [url, to, token, header, secret] {
                s.set(String::new());
            }
            added.set(true);
            on_created();
        });
    };
    view! {
        <section class="card" aria-labelledby="new-channel-heading">
            <h2 id="new-channel-heading">"New channel"</h2>
            <form class="stack" on:submit=submit>
                <label>"Kind"
                    <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KINDS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <Show when=move || !is("email")>
                    <label>{move || match kind.get().as_str() {
                            "ntfy" => "Topic URL",
                            "gotify" => "Gotify server URL",
                            _ => "URL (receives a JSON POST)",
                        }}
                        <input name="url" type="text" inputmode="url" autocomplete="off" required
                            placeholder=move || { if is("ntfy") { "https://ntfy.sh/my-topic" } else if is("gotify") { "https://gotify.example.org" } else { "https://example.org/hook" } }
                            bind:value=url/>
                    </label>
                </Show>
                <Show when=move || is("email")>
                    <label>"Send to" <input name="to" type="email" autocomplete="email" required placeholder="you@example.org" bind:value=to/></label>
                </Show>
                <Show when=move || is("ntfy") || is("gotify")>
                    <label>{move || if is("gotify") { "Application token" } else { "Access token (optional)" }}
                        <input name="token" type="password" autocomplete="off" required=move || is("gotify") bind:value=token/>
                    </label>
                </Show>
                <Show when=move || is("webhook")>
                    <label>"Secret header (optional)" <input name="secretHeader" autocomplete="off" placeholder="X-Webhook-Secret" bind:value=header/></label>
                    <label>"Secret (optional)" <input name="secret" type="password" autocomplete="off" bind:value=secret/></label>
                </Show>
                <Submit label="Add channel" busy=busy working="Adding…"/>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="ok" role="status">{move || added.get().then_some("Added. Send it a test from the list above.")}</p>
            </form>
        </section>
    }
}

/// When the account is told: the stale window, the failure streak, address changes.
#[component]
fn Rules() -> impl IntoView {
    let session = expect_context::<Session>();
    let stale = RwSignal::new(String::new());
    let failures = RwSignal::new(String::new());
    let changes = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let fill = move |s: &AlertSettings| {
        stale.set(s.stale_after_hours.to_string());
        failures.set(s.failures_in_a_row.to_string());
        changes.set(s.address_changes);
    };
    api::run("GET", "/api/alerts/settings".into(), api::NO_BODY, error, move |s: AlertSettings| fill(&s));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let numbers = whole_field("The stale window", &stale.get(), 0, 8760).and_then(|s| whole_field("Failed updates in a row", &failures.get(), 0, 1000).map(|f| (s, f)));
        let (stale_after_hours, failures_in_a_row) = match numbers {
            Ok(n) => n,
            Err(e) => return error.set(Some(e)),
        };
        let patch = AlertSettingsPatch { stale_after_hours, failures_in_a_row, address_changes: Some(changes.get()) };
        api::act(busy, "PATCH", "/api/alerts/settings".into(), Some(patch), error, move |s: AlertSettings| {
            fill(&s);
            session.alerting.set(Some(s));
            saved.set(true);
        });
    };
    view! {
        <section class="card" aria-labelledby="rules-heading">
            <h2 id="rules-heading">"When to tell you"</h2>
            <form class="stack" on:submit=save>
                <label>"A host is stale after this many hours without a successful update (0: never)"
                    <input name="staleAfterHours" inputmode="numeric" required bind:value=stale/>
                </label>
                <label>"A host is failing after this many failed updates in a row (0: never)"
                    <input name="failuresInARow" inputmode="numeric" required bind:value=failures/>
                </label>
                <Checkbox name="addressChanges" label="Also tell me of every address change" checked=changes/>
                <Submit label="Save" busy=busy working="Saving…"/>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="ok" role="status">{move || saved.get().then_some("Saved")}</p>
            </form>
            <p class="muted">"Each problem is told once when it starts; a host stale or failing shows on the Hosts screen either way."</p>
        </section>
    }
}
