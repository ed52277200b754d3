//! First-run setup (the administrator, with the code from the printed link) and login.

use leptos::prelude::*;

use crate::api;
use crate::app::Session;

/// The setup code from the page's address (`/setup?code=…`).
fn code_from_address() -> String {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    search.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix("code=")).unwrap_or_default().to_string()
}

/// Signs in with the API's answer: a session token and its account.
fn sign_in(session: Session, answer: porchlight_api::Session) {
    api::set_session(Some(&answer.token));
    if let Some(location) = web_sys::window().map(|w| w.location())
        && location.pathname().is_ok_and(|p| p != "/")
    {
        let _ = web_sys::window().and_then(|w| w.history().ok()).map(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/")));
    }
    session.user.set(Some(answer.user));
}

#[component]
pub fn Setup() -> impl IntoView {
    let session = expect_context::<Session>();
    let code = RwSignal::new(code_from_address());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = porchlight_api::Setup { code: code.get(), email: email.get(), password: password.get() };
        api::run("POST", "/api/setup".into(), Some(body), error, move |answer| sign_in(session, answer));
    };
    view! {
        <section class="card">
            <h1>"Welcome"</h1>
            <p>"Create the administrator of this appliance."</p>
            <form class="stack" on:submit=submit>
                <label>"Setup code" <input name="code" autocomplete="off" required bind:value=code/></label>
                <label>"E-mail" <input name="email" type="email" autocomplete="username" required bind:value=email/></label>
                <label>"Password (at least 8 characters)" <input name="password" type="password" autocomplete="new-password" minlength="8" required bind:value=password/></label>
                <button type="submit">"Create administrator"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let session = expect_context::<Session>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = porchlight_api::Login { email: email.get(), password: password.get(), code: None };
        api::run("POST", "/api/auth/login".into(), Some(body), error, move |answer| sign_in(session, answer));
    };
    view! {
        <section class="card">
            <h1>"Sign in"</h1>
            <form class="stack" on:submit=submit>
                <label>"E-mail" <input name="email" type="email" autocomplete="username" required bind:value=email/></label>
                <label>"Password" <input name="password" type="password" autocomplete="current-password" required bind:value=password/></label>
                <button type="submit">"Sign in"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </section>
    }
}
