//! Custom domains: add one, see exactly which NS records to set at the registrar, verify.

use leptos::prelude::*;
use porchlight_api::{DelegationStatus, Domain, DomainEnvelope, DomainList, DomainType, NewDomain};

use crate::api;

#[component]
pub fn Domains() -> impl IntoView {
    let domains = RwSignal::new(Vec::<Domain>::new());
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let load = move || api::run("GET", "/api/domains".into(), api::NO_BODY, error, move |list: DomainList| domains.set(list.domains));
    load();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        api::run("POST", "/api/domains".into(), Some(NewDomain { name: name.get() }), error, move |_: DomainEnvelope| {
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
fn DomainCard(domain: Domain) -> impl IntoView {
    let Domain { id, name, kind, verified, nameservers, .. } = domain;
    let custom = kind == DomainType::Custom;
    let verified = RwSignal::new(verified);
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let nameservers = nameservers.unwrap_or_default();
    let verify = move |_| {
        api::run("POST", format!("/api/domains/{id}/verify"), api::NO_BODY, error, move |status: DelegationStatus| {
            verified.set(status.delegation.verified);
            message.set(Some(status.delegation.message));
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
