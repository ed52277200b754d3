//! The screens, one file each, and what several of them show alike.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod auth;
pub mod dashboard;
pub mod domains;
pub mod host;
pub mod log;
pub mod records;
pub mod tokens;
pub mod welcome;

use leptos::prelude::*;
use porchlight_api::{AlertSettings, Domain, DomainList, Hostname};

/// An optional field of an API object as text ("" when null or absent).
pub fn shown<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Loads the zones hosts and records can go in (built-in ones and verified custom domains)
/// into `zones`, selects the first in `selected`, then calls `then`.
pub fn load_zones(zones: RwSignal<Vec<Domain>>, selected: RwSignal<String>, then: impl FnOnce() + 'static) {
    leptos::task::spawn_local(async move {
        if let Ok(list) = crate::api::call::<DomainList>("GET", "/api/domains", None::<&()>).await {
            let list: Vec<Domain> = list.domains.into_iter().filter(|d| d.verified).collect();
            if let Some(first) = list.first() {
                selected.set(first.id.clone());
            }
            zones.set(list);
            then();
        }
    });
}

/// A time from the API shown in the browser's own format.
pub fn when(rfc3339: &str) -> String {
    if rfc3339.is_empty() {
        return "never".into();
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// Asks the browser's own confirmation dialog; false when declined (or there is no window).
pub fn confirmed(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}

/// A field that must hold a whole number from `min` to `max`, or be empty (`Ok(None)`);
/// the error names the field, as the API's would.
pub fn whole_field(label: &str, text: &str, min: u64, max: u64) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(u32::try_from(n).ok()),
        _ => Err(format!("{label} must be a whole number from {min} to {max}.")),
    }
}

/// A submit button that says it is working, and cannot be pressed twice, while `busy`.
#[component]
pub fn Submit(label: &'static str, busy: RwSignal<bool>, #[prop(optional)] working: Option<&'static str>, #[prop(optional)] plain: bool) -> impl IntoView {
    let working = working.unwrap_or("Working…");
    view! {
        <button type="submit" class:plain=plain disabled=move || busy.get() aria-busy=move || busy.get().then_some("true")>
            {move || if busy.get() { working } else { label }}
        </button>
    }
}

/// A checkbox with its label beside it, bound to `checked`.
#[component]
pub fn Checkbox(name: &'static str, label: &'static str, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" name=name prop:checked=move || checked.get() on:change=move |ev| checked.set(event_target_checked(&ev))/>
            <span>{label}</span>
        </label>
    }
}

/// How a host stands: fresh, stale, failing or never updated.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HostState {
    Fresh,
    Stale,
    Failing,
    Never,
}

impl HostState {
    /// (words, CSS class).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            HostState::Fresh => ("fresh", "status-fresh"),
            HostState::Stale => ("stale", "status-stale"),
            HostState::Failing => ("failing", "status-failing"),
            HostState::Never => ("never updated", "status-never"),
        }
    }
}

/// The stale window when the account's settings are not loaded (the API's default).
const DEFAULT_STALE_HOURS: u32 = 25;

/// The host's stale window in hours (0: never stale).
pub fn stale_hours(host: &Hostname, settings: Option<&AlertSettings>) -> u32 {
    host.stale_after_hours.unwrap_or_else(|| settings.map_or(DEFAULT_STALE_HOURS, |s| s.stale_after_hours))
}

/// Failing: at least the account's number of failed updates in a row. Never updated: no
/// success yet. Stale: no success within the host's window.
pub fn host_state(host: &Hostname, settings: Option<&AlertSettings>) -> HostState {
    let threshold = settings.map_or(5, |s| u64::from(s.failures_in_a_row));
    if threshold > 0 && host.failures_in_a_row >= threshold {
        return HostState::Failing;
    }
    let Some(last) = host.last_success.as_deref().or(host.last_update.as_deref()).filter(|l| !l.is_empty()) else {
        return HostState::Never;
    };
    let hours = stale_hours(host, settings);
    let age = (js_sys::Date::now() - js_sys::Date::parse(last)) / 1000.0;
    if hours > 0 && age > f64::from(hours) * 3600.0 { HostState::Stale } else { HostState::Fresh }
}

/// "badauth from 198.51.100.7 (ddclient/3.10), 12 times since …" when the last attempts
/// failed; None when the last one succeeded.
pub fn failure(host: &Hostname) -> Option<String> {
    let attempt = host.last_attempt.as_ref().filter(|_| host.failures_in_a_row > 0)?;
    let agent = attempt.user_agent.as_deref().filter(|a| !a.is_empty()).unwrap_or(attempt.dialect.as_str());
    let times = match host.failures_in_a_row {
        1 => "once".to_string(),
        n => format!("{n} times"),
    };
    let since = host.failing_since.as_deref().map(|s| format!(" since {}", when(s))).unwrap_or_default();
    Some(format!("{} from {} ({agent}), {times}{since}", attempt.result, attempt.source))
}
