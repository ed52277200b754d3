//! Tokens: hostname tokens and account API keys with scopes; create, regenerate (the old
//! secret stops working at once), delete, each asked first. Secrets are shown once, until
//! the next action; a hostname's new token also fills in that host's client configurations.

use leptos::prelude::*;
use porchlight_api::{IssuedTokenEnvelope, NewToken, Token, TokenList};

use super::dashboard::CopyButton;
use super::{Submit, confirmed, when};
use crate::api;
use crate::app::Session;

const SCOPES: [&str; 4] = ["read:domains", "write:domains", "write:records", "update"];

#[component]
pub fn Tokens() -> impl IntoView {
    let session = expect_context::<Session>();
    let tokens = RwSignal::new(Vec::<Token>::new());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);
    let load = move || api::run("GET", "/api/tokens".into(), api::NO_BODY, error, move |list: TokenList| tokens.set(list.tokens));
    load();
    let regenerate = move |id: String, label: String| {
        secret.set(None);
        if !confirmed(&format!("Make a new secret for {label}? The old one stops working at once.")) {
            return;
        }
        api::act(busy, "POST", format!("/api/tokens/{id}/regenerate"), api::NO_BODY, error, move |issued: IssuedTokenEnvelope| {
            if let Some(host) = issued.token.token.hostname_id.clone() {
                session.remember_token(host, issued.token.token_value.clone());
            }
            secret.set(Some((label, issued.token.token_value)));
            load();
        });
    };
    let delete = move |id: String, label: String| {
        secret.set(None);
        if !confirmed(&format!("Delete {label}? Whatever uses it is refused from now on.")) {
            return;
        }
        api::act(busy, "DELETE", format!("/api/tokens/{id}"), api::NO_BODY, error, move |()| load());
    };
    view! {
        <h1>"Tokens"</h1>
        <NewKey on_start=move || secret.set(None) on_created=move |label, value| { secret.set(Some((label, value))); load(); }/>
        {move || secret.get().map(|(label, value)| view! {
            <section class="card created" role="status">
                <p>"New secret for " <strong>{label}</strong> ", shown only now:"</p>
                <p class="secret" data-token=value.clone()>{value.clone()}</p>
                <CopyButton text=value label="Copy"/>
            </section>
        })}
        <p class="error" role="alert">{move || error.get()}</p>
        <table class="stack tokens">
            <thead><tr><th>"Label"</th><th>"Prefix"</th><th>"Scopes"</th><th>"Created"</th><th>"Last used"</th><th><span class="sr">"Actions"</span></th></tr></thead>
            <tbody>
                {move || tokens.get().into_iter().map(|t| {
                    let label = t.label;
                    let (regen_id, regen_label, delete_id, delete_label) = (t.id.clone(), label.clone(), t.id, label.clone());
                    view! {
                        <tr data-token-label=label.clone()>
                            <td data-label="Label">{label.clone()}</td>
                            <td data-label="Prefix"><code>{t.prefix}"…"</code></td>
                            <td data-label="Scopes">{t.scopes.join(", ")}</td>
                            <td data-label="Created">{when(&t.created_at)}</td>
                            <td data-label="Last used">{when(t.last_used_at.as_deref().unwrap_or_default())}</td>
                            <td data-label="">
                                <button type="button" class="plain" disabled=move || busy.get() on:click=move |_| regenerate(regen_id.clone(), regen_label.clone())>"Regenerate"</button>
                                " "
                                <button type="button" class="plain" disabled=move || busy.get() on:click=move |_| delete(delete_id.clone(), delete_label.clone())>"Delete"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A new account API key with the chosen scopes.
#[component]
fn NewKey(on_start: impl Fn() + Copy + Send + Sync + 'static, on_created: impl Fn(String, String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let label = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<&'static str>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_start();
        let body = NewToken { label: label.get(), scopes: chosen.get().into_iter().map(String::from).collect(), ..NewToken::default() };
        api::act(busy, "POST", "/api/tokens".into(), Some(body), error, move |issued: IssuedTokenEnvelope| {
            on_created(issued.token.token.label, issued.token.token_value);
        });
    };
    view! {
        <section class="card" aria-labelledby="new-key-heading">
            <h2 id="new-key-heading">"New API key"</h2>
            <form class="stack" on:submit=submit>
                <label>"Label" <input name="label" autocomplete="off" bind:value=label/></label>
                <fieldset>
                    <legend>"Scopes"</legend>
                    {SCOPES.iter().map(|scope| view! {
                        <label class="check">
                            <input type="checkbox" name="scope" value=*scope on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|s| s != scope); if on { c.push(scope); } });
                            }/>
                            <span>{*scope}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <Submit label="Create key" busy=busy working="Creating…"/>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}
