//! The native API as the UI uses it: every body is one of `porchlight_api`'s wire types, sent
//! and read as JSON; the session token from login is kept in the browser's local storage;
//! errors read as the API words them.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where the session token is kept between page loads.
const TOKEN_KEY: &str = "porchlight.session";

/// For calls without a request body.
pub const NO_BODY: Option<()> = None;

/// An API error: the HTTP status (0 when there was no answer), a message for a person, and
/// the API's stable code when it gave one (`TOTP_REQUIRED`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub code: Option<String>,
}

impl ApiError {
    fn local(message: String) -> Self {
        ApiError { status: 0, message, code: None }
    }
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

/// What a person reads when the appliance could not be reached at all (the browser's own
/// words are "TypeError: Failed to fetch").
pub const UNREACHABLE: &str = "The appliance cannot be reached. Check that it is running and that this device is on its network, then try again.";

/// Calls the API; a JSON body answers with `T` (an empty answer reads as `null`, so `()`
/// takes a 204), an error with the API's message.
pub async fn call<T: DeserializeOwned>(method: &str, path: &str, body: Option<&impl Serialize>) -> Result<T, ApiError> {
    let body = encode(body)?;
    decode(send(method.to_string(), path.to_string(), body).await?)
}

/// A request body as JSON.
fn encode(body: Option<&impl Serialize>) -> Result<Option<String>, ApiError> {
    body.map(|body| serde_json::to_string(body).map_err(|e| ApiError::local(format!("The request could not be written ({e}).")))).transpose()
}

/// An answer's JSON as `T`.
fn decode<T: DeserializeOwned>(text: String) -> Result<T, ApiError> {
    let text = if text.is_empty() { "null" } else { text.as_str() };
    serde_json::from_str(text)
        .map_err(|e| ApiError::local(format!("The appliance's answer could not be read; reload the page and try again ({e}).")))
}

/// One request: the answer's text on success, the API's error otherwise. Boxed and not
/// generic, so that the bundle has one copy of it rather than one in every caller's future.
fn send(method: String, path: String, body: Option<String>) -> std::pin::Pin<Box<dyn Future<Output = Result<String, ApiError>>>> {
    Box::pin(send_inner(method, path, body))
}

async fn send_inner(method: String, path: String, body: Option<String>) -> Result<String, ApiError> {
    let (method, path) = (method.as_str(), path.as_str());
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
        Some(body) => builder.header("Content-Type", "application/json").body(body),
        None => builder.build(),
    }
    .map_err(|e| ApiError::local(format!("The browser could not make the request ({e}).")))?;
    let response = request.send().await.map_err(|_| ApiError::local(UNREACHABLE.into()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|_| ApiError::local("The connection to the appliance broke off before its answer was complete. Try again.".into()))?;
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let (message, code) = match serde_json::from_str::<porchlight_api::ErrorBody>(&text) {
        Ok(e) => (e.error, e.code),
        Err(_) => (format!("HTTP {status}"), None),
    };
    if status == 401 {
        set_session(None);
    }
    Err(ApiError { status, message, code })
}

/// Calls the API in the background: the answer goes to `done`; an error's message lands in
/// `error` (shown next to whatever caused it), and a success clears it.
pub fn run<B: Serialize + 'static, T: DeserializeOwned + 'static>(
    method: &'static str,
    path: String,
    body: Option<B>,
    error: leptos::prelude::RwSignal<Option<String>>,
    done: impl FnOnce(T) + 'static,
) {
    background(method, path, encode(body.as_ref()), error, None, done);
}

/// As [`run`], with `busy` true while the request is under way (its button shows it and
/// cannot be pressed twice).
pub fn act<B: Serialize + 'static, T: DeserializeOwned + 'static>(
    busy: leptos::prelude::RwSignal<bool>,
    method: &'static str,
    path: String,
    body: Option<B>,
    error: leptos::prelude::RwSignal<Option<String>>,
    done: impl FnOnce(T) + 'static,
) {
    background(method, path, encode(body.as_ref()), error, Some(busy), done);
}

fn background<T: DeserializeOwned + 'static>(
    method: &'static str,
    path: String,
    // Written before the task starts, so the task's code does not depend on the body's type.
    body: Result<Option<String>, ApiError>,
    error: leptos::prelude::RwSignal<Option<String>>,
    busy: Option<leptos::prelude::RwSignal<bool>>,
    done: impl FnOnce(T) + 'static,
) {
    use leptos::prelude::Set as _;
    if let Some(busy) = busy {
        busy.set(true);
    }
    leptos::task::spawn_local(async move {
        let answer = match body {
            Ok(body) => send(method.to_string(), path, body).await.and_then(decode::<T>),
            Err(e) => Err(e),
        };
        if let Some(busy) = busy {
            busy.set(false);
        }
        match answer {
            Ok(answer) => {
                error.set(None);
                done(answer);
            }
            Err(e) => error.set(Some(e.message)),
        }
    });
}
