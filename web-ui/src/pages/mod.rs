//! The screens, one file each.

pub mod admin;
pub mod auth;
pub mod dashboard;
pub mod domains;
pub mod host;
pub mod log;
pub mod records;
pub mod tokens;

use serde_json::Value;

/// A string field of an API object ("" when absent).
pub fn text(value: &Value, key: &str) -> String {
    match &value[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Loads the zones hosts and records can go in (built-in ones and verified custom domains)
/// into `zones`, selects the first in `selected`, then calls `then`.
pub fn load_zones(zones: leptos::prelude::RwSignal<Vec<Value>>, selected: leptos::prelude::RwSignal<String>, then: impl FnOnce() + 'static) {
    use leptos::prelude::Set as _;
    leptos::task::spawn_local(async move {
        if let Ok(v) = crate::api::call::<Value>("GET", "/api/domains", None::<&()>).await {
            let list: Vec<Value> = v["domains"].as_array().into_iter().flatten().filter(|d| d["verified"].as_bool() != Some(false)).cloned().collect();
            if let Some(first) = list.first() {
                selected.set(text(first, "id"));
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
