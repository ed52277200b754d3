//! The native API as the UI uses it: JSON in and out, the session token from login kept in
//! the browser's local storage, errors as the API words them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the session token is kept between page loads.
const TOKEN_KEY: &str = "porchlight.session";

/// An API error: the HTTP status and the API's own message.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn session() -> Option<String> {
    storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
}

pub fn set_session(token: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match token {
            Some(t) => s.set_item(TOKEN_KEY, t),
            None => s.remove_item(TOKEN_KEY),
        };
    }
}

/// Calls the API; a JSON body answers with `T`, an error with the API's message.
pub async fn call<T: DeserializeOwned>(method: &str, path: &str, body: Option<&impl Serialize>) -> Result<T, ApiError> {
    let failed = |message: String| ApiError { status: 0, message };
    let mut builder = gloo_net::http::RequestBuilder::new(path).method(match method {
        "POST" => gloo_net::http::Method::POST,
        "PATCH" => gloo_net::http::Method::PATCH,
        "DELETE" => gloo_net::http::Method::DELETE,
        _ => gloo_net::http::Method::GET,
    });
    if let Some(token) = session() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder.json(body).map_err(|e| failed(e.to_string()))?,
        None => builder.build().map_err(|e| failed(e.to_string()))?,
    };
    let response = request.send().await.map_err(|e| failed(format!("The appliance did not answer: {e}")))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| failed(e.to_string()))?;
    if (200..300).contains(&status) {
        let text = if text.is_empty() { "null" } else { text.as_str() };
        return serde_json::from_str(text).map_err(|e| failed(e.to_string()));
    }
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("HTTP {status}"));
    if status == 401 {
        set_session(None);
    }
    Err(ApiError { status, message })
}

/// Calls the API in the background: the answer goes to `done`; an error's message lands in
/// `error` (shown next to whatever caused it), and a success clears it.
pub fn run<T: DeserializeOwned + 'static>(
    method: &'static str,
    path: String,
    body: Option<Value>,
    error: leptos::prelude::RwSignal<Option<String>>,
    done: impl FnOnce(T) + 'static,
) {
    use leptos::prelude::Set as _;
    leptos::task::spawn_local(async move {
        match call::<T>(method, &path, body.as_ref()).await {
            Ok(answer) => {
                error.set(None);
                done(answer);
            }
            Err(e) => error.set(Some(e.message)),
        }
    });
}
