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

/// A time from the API shown in the browser's own format.
pub fn when(rfc3339: &str) -> String {
    if rfc3339.is_empty() {
        return "never".into();
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
