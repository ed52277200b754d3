//! Tokens: hostname tokens and account API keys with scopes; create, regenerate (the old
//! secret stops working at once), delete. Secrets are shown once.

use leptos::prelude::*;
use porchlight_api::{IssuedTokenEnvelope, NewToken, Token, TokenList};

use super::dashboard::CopyButton;
use super::when;
use crate::api;

const SCOPES: [&str; 4] = ["read:domains", "write:domains", "write:records", "update"];

#[component]
pub fn Tokens() -> impl IntoView {
    let tokens = RwSignal::new(Vec::<Token>::new());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<(String, String)>);
    let load = move || api::run("GET", "/api/tokens".into(), api::NO_BODY, error, move |list: TokenList| tokens.set(list.tokens));
    load();
    let regenerate = move |id: String, label: String| {
        api::run("POST", format!("/api/tokens/{id}/regenerate"), api::NO_BODY, error, move |issued: IssuedTokenEnvelope| {
            secret.set(Some((label, issued.token.token_value)));
            load();
        });
    };
    let delete = move |id: String| api::run("DELETE", format!("/api/tokens/{id}"), api::NO_BODY, error, move |()| load());
    view! {
        <h1>"Tokens"</h1>
        <NewKey on_created=move |label, value| { secret.set(Some((label, value))); load(); }/>
        {move || secret.get().map(|(label, value)| view! {
            <section class="card" role="status">
                <p>"New secret for " <strong>{label}</strong> ", shown only now:"</p>
                <p class="secret" data-token=value.clone()>{value.clone()}</p>
                <CopyButton text=value label="Copy"/>
            </section>
        })}
        <p class="error" role="alert">{move || error.get()}</p>
        <table>
            <thead><tr><th>"Label"</th><th>"Prefix"</th><th>"Scopes"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
            <tbody>
                {move || tokens.get().into_iter().map(|t| {
                    let label = t.label;
                    let (regen_id, regen_label, delete_id) = (t.id.clone(), label.clone(), t.id);
                    view! {
                        <tr data-token-label=label.clone()>
                            <td>{label.clone()}</td>
                            <td><code>{t.prefix}"…"</code></td>
                            <td>{t.scopes.join(", ")}</td>
                            <td>{when(&t.created_at)}</td>
                            <td>{when(t.last_used_at.as_deref().unwrap_or_default())}</td>
                            <td>
                                <button type="button" class="plain" on:click=move |_| regenerate(regen_id.clone(), regen_label.clone())>"Regenerate"</button>
                                <button type="button" class="plain" on:click=move |_| delete(delete_id.clone())>"Delete"</button>
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
fn NewKey(on_created: impl Fn(String, String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let label = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<&'static str>::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewToken { label: label.get(), scopes: chosen.get().into_iter().map(String::from).collect(), ..NewToken::default() };
        api::run("POST", "/api/tokens".into(), Some(body), error, move |issued: IssuedTokenEnvelope| {
            on_created(issued.token.token.label, issued.token.token_value);
        });
    };
    view! {
        <section class="card">
            <h2>"New API key"</h2>
            <form class="stack" on:submit=submit>
                <label>"Label" <input name="label" bind:value=label/></label>
                <fieldset>
                    <legend>"Scopes"</legend>
                    {SCOPES.iter().map(|scope| view! {
                        <label class="check">
                            <input type="checkbox" value=*scope on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|s| s != scope); if on { c.push(scope); } });
                            }/>
                            {*scope}
                        </label>
                    }).collect_view()}
                </fieldset>
                <button type="submit">"Create key"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}
