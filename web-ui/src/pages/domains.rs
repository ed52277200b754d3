//! Custom domains: add one, see exactly which NS records to set at the registrar, verify.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::text;
use crate::api;

#[component]
pub fn Domains() -> impl IntoView {
    let domains = RwSignal::new(Vec::<Value>::new());
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let load = move || api::run("GET", "/api/domains".into(), None, error, move |v: Value| domains.set(v["domains"].as_array().cloned().unwrap_or_default()));
    load();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        api::run("POST", "/api/domains".into(), Some(json!({"name": name.get()})), error, move |_: Value| {
            name.set(String::new());
            load();
        });
    };
    view! {
        <h1>"Domains"</h1>
        <section class="card">
            <h2>"Add your own domain"</h2>
            <form class="row" on:submit=add>
                <label>"Domain" <input name="domain" placeholder="example.org" required bind:value=name/></label>
                <button type="submit">"Add"</button>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
        {move || domains.get().into_iter().map(|d| view! { <DomainCard domain=d/> }).collect_view()}
    }
}

#[component]
fn DomainCard(domain: Value) -> impl IntoView {
    let id = text(&domain, "id");
    let name = text(&domain, "name");
    let custom = text(&domain, "type") == "custom";
    let verified = RwSignal::new(domain["verified"].as_bool() == Some(true));
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let nameservers: Vec<String> = domain["nameservers"].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(String::from)).collect();
    let verify = move |_| {
        api::run("POST", format!("/api/domains/{id}/verify"), None, error, move |v: Value| {
            verified.set(v["delegation"]["verified"].as_bool() == Some(true));
            message.set(v["delegation"]["message"].as_str().map(String::from));
        });
    };
    let records = nameservers.iter().map(|ns| format!("{name}. IN NS {ns}.")).collect::<Vec<_>>().join("\n");
    view! {
        <section class="card" data-domain=name.clone()>
            <h2>{name.clone()} " " <small class="muted">{if custom { "custom" } else { "built-in" }}</small></h2>
            {custom.then(|| view! {
                <p>{move || if verified.get() { "Delegated and served." } else { "Not served yet: set these NS records at your registrar, then verify." }}</p>
                <pre>{records.clone()}</pre>
                <button type="button" on:click=verify.clone()>"Verify delegation"</button>
                <p role="status">{move || message.get()}</p>
                <p class="error" role="alert">{move || error.get()}</p>
            })}
        </section>
    }
}
