//! Tokens: hostname tokens and account API keys with scopes; create, regenerate (the old
//! secret stops working at once), delete. Secrets are shown once.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::dashboard::CopyButton;
use super::{text, when};
use crate::api;

const SCOPES: [&str; 4] = ["read:domains", "write:domains", "write:records", "update"];

#[component]
pub fn Tokens() -> impl IntoView {
    let tokens = RwSignal::new(Vec::<Value>::new());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<(String, String)>);
    let load = move || api::run("GET", "/api/tokens".into(), None, error, move |v: Value| tokens.set(v["tokens"].as_array().cloned().unwrap_or_default()));
    load();
    let act = move |method: &'static str, path: String, label: String| {
        api::run(method, path, None, error, move |v: Value| {
            if let Some(value) = v["token"]["tokenValue"].as_str() {
                secret.set(Some((label, value.to_string())));
            }
            load();
        });
    };
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
                    let id = text(&t, "id");
                    let label = text(&t, "label");
                    let (regen_id, regen_label, delete_id) = (id.clone(), label.clone(), id.clone());
                    let scopes: Vec<String> = t["scopes"].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect();
                    view! {
                        <tr data-token-label=label.clone()>
                            <td>{label.clone()}</td>
                            <td><code>{text(&t, "prefix")}"…"</code></td>
                            <td>{scopes.join(", ")}</td>
                            <td>{when(&text(&t, "createdAt"))}</td>
                            <td>{when(&text(&t, "lastUsedAt"))}</td>
                            <td>
                                <button type="button" class="plain" on:click=move |_| act("POST", format!("/api/tokens/{regen_id}/regenerate"), regen_label.clone())>"Regenerate"</button>
                                <button type="button" class="plain" on:click=move |_| act("DELETE", format!("/api/tokens/{delete_id}"), String::new())>"Delete"</button>
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
        let body = json!({"label": label.get(), "scopes": chosen.get()});
        api::run("POST", "/api/tokens".into(), Some(body), error, move |v: Value| {
            on_created(text(&v["token"], "label"), text(&v["token"], "tokenValue"));
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
