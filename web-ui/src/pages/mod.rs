//! The screens, one file each.

pub mod account;
pub mod admin;
pub mod auth;
pub mod dashboard;
pub mod domains;
pub mod host;
pub mod log;
pub mod records;
pub mod tokens;

use porchlight_api::{Domain, DomainList};

/// An optional field of an API object as text ("" when null or absent).
pub fn shown<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Loads the zones hosts and records can go in (built-in ones and verified custom domains)
/// into `zones`, selects the first in `selected`, then calls `then`.
pub fn load_zones(zones: leptos::prelude::RwSignal<Vec<Domain>>, selected: leptos::prelude::RwSignal<String>, then: impl FnOnce() + 'static) {
    use leptos::prelude::Set as _;
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
