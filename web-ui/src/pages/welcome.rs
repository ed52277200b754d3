//! The first-run guide, after the administrator is made: the public address routers reach,
//! a zone and whether its delegation works, the first host, and its router's snippet.

use leptos::prelude::*;
use porchlight_api::Domain;

use super::dashboard::NewHost;
use super::domains::Delegation;
use crate::address::{AddressNotice, PublicAddressForm};
use crate::app::{Page, Session};
use crate::snippets::ClientConfigs;

const STEPS: [&str; 4] = ["Public address", "Zone and delegation", "First host", "Router"];

#[component]
pub fn Welcome() -> impl IntoView {
    let session = expect_context::<Session>();
    let step = RwSignal::new(0usize);
    let zones = RwSignal::new(Vec::<Domain>::new());
    let zone = RwSignal::new(String::new());
    let created = RwSignal::new(None::<(String, String, String)>);
    super::load_zones(zones, zone, || {});
    let next = move |_| step.update(|s| *s = (*s + 1).min(STEPS.len() - 1));
    let back = move |_| step.update(|s| *s = s.saturating_sub(1));
    let done = move |_| session.go(Page::Dashboard);
    view! {
        <h1>"Welcome to porchlight"</h1>
        <ol class="steps" aria-label="Setup steps">
            {STEPS.iter().enumerate().map(|(i, name)| view! {
                <li aria-current=move || (step.get() == i).then_some("step") class=move || { if step.get() > i { "done" } else { "" } }>{*name}</li>
            }).collect_view()}
        </ol>
        <section class="card wizard" aria-labelledby="step-heading">
            {move || match step.get() {
                0 => view! {
                    <h2 id="step-heading">"1. Where routers reach this appliance"</h2>
                    <p>"Routers send their updates to this address, so it must be one they reach: usually this appliance's LAN address and port, or its public name."</p>
                    <AddressNotice no_form=true/>
                    <PublicAddressForm on_saved=move || step.set(1)/>
                }.into_any(),
                1 => view! {
                    <h2 id="step-heading">"2. Your zone and its delegation"</h2>
                    <p>"Hosts get names in a zone this appliance serves. For the Internet to find them, the zone's parent must delegate it here."</p>
                    <label>"Zone"
                        <select name="wizardZone" on:change=move |ev| zone.set(event_target_value(&ev))>
                            {move || zones.get().into_iter().map(|d| view! { <option value=d.id.clone() selected=zone.get_untracked() == d.id>{d.name}</option> }).collect_view()}
                        </select>
                    </label>
                    {move || Some(zone.get()).filter(|z| !z.is_empty()).map(|id| view! { <Delegation id=id/> })}
                    <p class="muted">"Your own domain? Add it under Domains: this guide shows its records the same way."</p>
                }.into_any(),
                2 => view! {
                    <h2 id="step-heading">"3. Your first host"</h2>
                    <p>"A host is a name your router keeps pointing at your address, such as home."</p>
                    <NewHost created=created on_created=move || step.set(3)/>
                }.into_any(),
                _ => match created.get() {
                    Some((_, fqdn, token)) => {
                        let known = token.clone();
                        let filled = Signal::derive(move || Some(known.clone()));
                        view! {
                            <h2 id="step-heading">"4. Tell your router"</h2>
                            <p>"Pick your router or client and paste its settings; the token is filled in (it is shown only now)."</p>
                            <p class="secret" data-token=token.clone()>{token.clone()}</p>
                            <ClientConfigs fqdn=fqdn token=filled/>
                        }.into_any()
                    }
                    None => view! {
                        <h2 id="step-heading">"4. Tell your router"</h2>
                        <p>"Make a host first: its router settings show here with its token."</p>
                    }.into_any(),
                },
            }}
        </section>
        <div class="row wizard-nav">
            <button type="button" class="plain" disabled=move || step.get() == 0 on:click=back>"Back"</button>
            <Show when=move || { step.get() < STEPS.len() - 1 }>
                <button type="button" class="plain" on:click=next>"Skip this step"</button>
            </Show>
            <button type="button" on:click=done>{move || if step.get() == STEPS.len() - 1 { "Done: show my hosts" } else { "Skip the guide" }}</button>
        </div>
    }
}
