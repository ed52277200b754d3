//! Zones: the built-in ones and custom domains (add one, verify it). Each shows its
//! delegation guide: the records to enter at the registrar, whether the parent delegates
//! to this appliance now, and what is wrong, checked again on demand.

use leptos::prelude::*;
use porchlight_api::{DelegationGuide, DelegationStatus, DnssecStatus, Domain, DomainEnvelope, DomainList, DomainPatch, DomainType, NewDomain};

use super::{Submit, confirmed};
use crate::api;

#[component]
pub fn Domains() -> impl IntoView {
    let domains = RwSignal::new(Vec::<Domain>::new());
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let load = move || api::run("GET", "/api/domains".into(), api::NO_BODY, error, move |list: DomainList| domains.set(list.domains));
    load();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        api::act(busy, "POST", "/api/domains".into(), Some(NewDomain { name: name.get() }), error, move |_: DomainEnvelope| {
            name.set(String::new());
            load();
        });
    };
    view! {
        <h1>"Domains"</h1>
        <section class="card" aria-labelledby="add-domain-heading">
            <h2 id="add-domain-heading">"Add your own domain"</h2>
            <form class="row" on:submit=add>
                <label>"Domain" <input name="domain" placeholder="example.org" autocomplete="off" required bind:value=name/></label>
                <Submit label="Add" busy=busy working="Adding…"/>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
        <For each=move || domains.get() key=|d| (d.id.clone(), d.verified) let:d>
            <DomainCard domain=d on_deleted=load/>
        </For>
    }
}

#[component]
fn DomainCard(domain: Domain, on_deleted: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let Domain { id, name, kind, verified, .. } = domain;
    let custom = kind == DomainType::Custom;
    let verified = RwSignal::new(verified);
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (verify_id, delete_id, guide_id, dnssec_id) = (id.clone(), id.clone(), id.clone(), id);
    let verify = move |_| {
        api::act(busy, "POST", format!("/api/domains/{verify_id}/verify"), api::NO_BODY, error, move |status: DelegationStatus| {
            verified.set(status.delegation.verified);
            message.set(Some(status.delegation.message));
        });
    };
    let question = format!("Delete {name} with its hosts and records? Their updates stop working.");
    let delete = move |_| {
        if confirmed(&question) {
            api::act(busy, "DELETE", format!("/api/domains/{delete_id}"), api::NO_BODY, error, move |()| on_deleted());
        }
    };
    view! {
        <section class="card" data-domain=name.clone()>
            <h2>{name.clone()} " " <small class="muted">{if custom { "custom" } else { "built-in" }}</small></h2>
            {custom.then(|| view! {
                <p>{move || if verified.get() { "Served: the delegation checked out." } else { "Not served yet: enter the records below at your registrar, then verify." }}</p>
                <div class="row">
                    <button type="button" disabled=move || busy.get() on:click=verify>"Verify and serve"</button>
                    <button type="button" class="plain" disabled=move || busy.get() on:click=delete>"Delete domain"</button>
                </div>
                <p role="status">{move || message.get()}</p>
            })}
            <p class="error" role="alert">{move || error.get()}</p>
            <Delegation id=guide_id/>
            <Dnssec id=dnssec_id name=name.clone() custom=custom/>
        </section>
    }
}

/// The zone's DNSSEC state (`GET /api/domains/{id}/dnssec`): signed or not, and for a signed
/// zone the DS record and key to give the parent, with the registrar's steps. A custom
/// domain's owner switches signing here (`PATCH /api/domains/{id}` with `dnssec`).
#[component]
fn Dnssec(id: String, name: String, custom: bool) -> impl IntoView {
    let status = RwSignal::new(None::<DnssecStatus>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let load = {
        let id = id.clone();
        move || api::run("GET", format!("/api/domains/{id}/dnssec"), api::NO_BODY, error, move |s: DnssecStatus| status.set(Some(s)))
    };
    load();
    // Who may roll the key: a custom domain's owner (whose card this is), an administrator
    // for a built-in zone.
    let may_roll = custom || expect_context::<crate::app::Session>().is_admin();
    let roll = {
        let id = id.clone();
        move |_| {
            if confirmed("Start a key rollover? A new key signs beside the old one; give your registrar the new DS record shown here, and the old key retires once the parent names the new one.") {
                api::act(busy, "POST", format!("/api/domains/{id}/dnssec/rollover"), api::NO_BODY, error, move |s: DnssecStatus| status.set(Some(s)));
            }
        }
    };
    let switch = {
        let load = load.clone();
        move |_| {
            let on = !status.get().is_some_and(|s| s.signed);
            let question = format!("Stop signing {name}? Remove its DS record at your registrar first: while the parent holds it, validating resolvers reject the domain's answers.");
            if on || confirmed(&question) {
                let load = load.clone();
                let body = DomainPatch { dnssec: Some(on), ..DomainPatch::default() };
                api::act(busy, "PATCH", format!("/api/domains/{id}"), Some(body), error, move |_: DomainEnvelope| load());
            }
        }
    };
    view! {
        <div class="dnssec">
            <h3>"DNSSEC"</h3>
            {move || status.get().map(|s| {
                let summary = match (s.signed, s.algorithm, s.key_tag) {
                    (true, Some(algorithm), Some(tag)) => format!("Signed: key {tag}, algorithm {algorithm}."),
                    _ => "Not signed.".to_string(),
                };
                view! {
                    <p class=if s.signed { "ok signed" } else { "muted signed" } data-signed=s.signed.to_string()>{summary}</p>
                    {(!s.ds.is_empty()).then(|| view! {
                        <p>"DS record for the parent:"</p>
                        <pre class="ds">{s.ds.join("\n")}</pre>
                    })}
                    {(!s.rollover.is_empty()).then(|| view! {
                        <p>"A key rollover is under way:"</p>
                        <ul class="rollover">{s.rollover.iter().map(|k| view! { <li>{k.clone()}</li> }).collect_view()}</ul>
                    })}
                    {s.dnskey.clone().map(|key| view! { <details><summary>"The key (DNSKEY)"</summary><pre class="dnskey">{key}</pre></details> })}
                    <ol class="registrar-steps">{s.steps.iter().map(|step| view! { <li>{step.clone()}</li> }).collect_view()}</ol>
                }
            })}
            {may_roll.then(|| view! {
                <Show when=move || status.get().is_some_and(|s| s.signed && s.rollover.is_empty())>
                    <button type="button" class="plain dnssec-roll" disabled=move || busy.get() on:click=roll.clone()>"Start a key rollover"</button>
                </Show>
            })}
            {custom.then(|| view! {
                <button type="button" class="plain dnssec-switch" disabled=move || busy.get() || status.get().is_none() on:click=switch.clone()>
                    {move || if status.get().is_some_and(|s| s.signed) { "Stop signing" } else { "Sign this domain" }}
                </button>
            })}
            <p class="error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// The delegation guide of zone `id` (`GET /api/domains/{id}/delegation`), with "check again".
#[component]
pub fn Delegation(id: String) -> impl IntoView {
    let guide = RwSignal::new(None::<DelegationGuide>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let check = move || api::act(busy, "GET", format!("/api/domains/{id}/delegation"), api::NO_BODY, error, move |g: DelegationGuide| guide.set(Some(g)));
    check();
    view! {
        <div class="delegation">
            <h3>"Delegation"</h3>
            {move || guide.get().map(|g| {
                let found = format!(
                    "{}{}",
                    if g.found.is_empty() { "The parent names no nameservers for it.".to_string() } else { format!("The parent names: {}.", g.found.join(", ")) },
                    g.asked.as_deref().map(|a| format!(" (asked {a})")).unwrap_or_default()
                );
                let class = if g.delegated { "ok delegated" } else { "warning delegated" };
                let text = g.records.iter().map(|r| format!("{}. IN {} {}", r.name.trim_end_matches('.'), r.kind, r.value)).collect::<Vec<_>>().join("\n");
                view! {
                    <p class=class data-delegated=g.delegated.to_string()>
                        <strong>{if g.delegated { "Delegated now. " } else { "Not delegated yet. " }}</strong>
                        {g.message.clone()}
                    </p>
                    <p>"Enter these at the registrar of the parent zone:"</p>
                    <table class="stack records-to-enter">
                        <thead><tr><th>"Name"</th><th>"Type"</th><th>"Value"</th></tr></thead>
                        <tbody>
                            {g.records.iter().map(|r| view! {
                                <tr><td data-label="Name"><code>{r.name.clone()}</code></td><td data-label="Type">{r.kind.clone()}</td><td data-label="Value"><code>{r.value.clone()}</code></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <details><summary>"As zone-file lines"</summary><pre>{text}</pre></details>
                    {(!g.problems.is_empty()).then(|| view! {
                        <p>"What is wrong:"</p>
                        <ul class="problems">{g.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                    })}
                    {g.dnssec.clone().filter(|d| !g.problems.contains(d)).map(|text| view! { <p class="dnssec-check">{text}</p> })}
                    <p class="muted">{found}</p>
                }
            })}
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="button" class="plain" disabled=move || busy.get() on:click=move |_| check()>
                {move || if busy.get() { "Checking…" } else { "Check again" }}
            </button>
        </div>
    }
}
