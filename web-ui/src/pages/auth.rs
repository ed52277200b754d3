//! First-run setup (the administrator, with the code from the printed link), login (with a
//! second factor when the account has one), and registering with an invitation.

use leptos::prelude::*;

use super::Submit;
use crate::api;
use crate::app::{Page, Session};

/// A parameter of the page's address: the setup code (`/setup?code=…`), an invitation
/// (`/register?invite=…`).
fn from_address(name: &str) -> String {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let prefix = format!("{name}=");
    search.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix(prefix.as_str())).unwrap_or_default().to_string()
}

/// Goes to another of the UI's start pages.
fn go(path: &str) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.set_href(path);
    }
}

/// Signs in with the API's answer: a session token and its account. From a start page
/// (setup, login, register) the app goes on at `next`; elsewhere it stays on the screen
/// whose address was opened.
fn sign_in(session: Session, answer: porchlight_api::Session, next: Page) {
    api::set_session(Some(&answer.token));
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    if ["/setup", "/login", "/register"].contains(&path.as_str()) || next == Page::Welcome {
        let _ = web_sys::window().and_then(|w| w.history().ok()).map(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&next.path())));
        session.page.set(next);
    }
    session.user.set(Some(answer.user));
}

#[component]
pub fn Setup() -> impl IntoView {
    let session = expect_context::<Session>();
    let code = RwSignal::new(from_address("code"));
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = porchlight_api::Setup { code: code.get(), email: email.get(), password: password.get() };
        api::act(busy, "POST", "/api/setup".into(), Some(body), error, move |answer| sign_in(session, answer, Page::Welcome));
    };
    view! {
        <section class="card">
            <h1>"Welcome"</h1>
            <p>"Create the administrator of this appliance."</p>
            <form class="stack" on:submit=submit>
                <label>"Setup code" <input name="code" autocomplete="off" required bind:value=code/></label>
                <label>"E-mail" <input name="email" type="email" autocomplete="username" required bind:value=email/></label>
                <label>"Password (at least 8 characters)" <input name="password" type="password" autocomplete="new-password" minlength="8" required bind:value=password/></label>
                <Submit label="Create administrator" busy=busy working="Creating…"/>
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
    // Asked for once the appliance says the account signs in with a second factor.
    let asked = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let code_input = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let code = Some(code.get()).filter(|c| asked.get() && !c.trim().is_empty());
        let body = porchlight_api::Login { email: email.get(), password: password.get(), code };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = api::call::<porchlight_api::Session>("POST", "/api/auth/login", Some(&body)).await;
            busy.set(false);
            match answer {
                Ok(answer) => sign_in(session, answer, Page::Dashboard),
                Err(e) => {
                    if matches!(e.code.as_deref(), Some("TOTP_REQUIRED" | "TOTP_INVALID")) {
                        asked.set(true);
                        request_animation_frame(move || {
                            if let Some(input) = code_input.get() {
                                let _ = input.focus();
                            }
                        });
                    }
                    error.set(Some(e.message));
                }
            }
        });
    };
    view! {
        <section class="card">
            <h1>"Sign in"</h1>
            <form class="stack" on:submit=submit>
                <label>"E-mail" <input name="email" type="email" autocomplete="username" required bind:value=email/></label>
                <label>"Password" <input name="password" type="password" autocomplete="current-password" required bind:value=password/></label>
                <Show when=move || asked.get()>
                    <label>"Code from your authenticator app (or a recovery code)"
                        <input name="code" autocomplete="one-time-code" required node_ref=code_input bind:value=code/>
                    </label>
                </Show>
                <Submit label="Sign in" busy=busy working="Signing in…"/>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
            <p><button type="button" class="plain" on:click=move |_| go("/register")>"Create an account with an invitation"</button></p>
        </section>
    }
}

/// Registering: with an administrator's invitation (from the link, `/register?invite=…`), or
/// without one while registration is open.
#[component]
pub fn Register() -> impl IntoView {
    let session = expect_context::<Session>();
    let invite = RwSignal::new(from_address("invite"));
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let invite = Some(invite.get()).filter(|i| !i.trim().is_empty());
        let body = porchlight_api::Registration { email: email.get(), password: password.get(), invite };
        api::act(busy, "POST", "/api/auth/register".into(), Some(body), error, move |answer| sign_in(session, answer, Page::Dashboard));
    };
    view! {
        <section class="card">
            <h1>"Create an account"</h1>
            <form class="stack" on:submit=submit>
                <label>"Invitation code (from your administrator)" <input name="invite" autocomplete="off" bind:value=invite/></label>
                <label>"E-mail" <input name="email" type="email" autocomplete="username" required bind:value=email/></label>
                <label>"Password (at least 8 characters)" <input name="password" type="password" autocomplete="new-password" minlength="8" required bind:value=password/></label>
                <Submit label="Create account" busy=busy working="Creating…"/>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
            <p><button type="button" class="plain" on:click=move |_| go("/")>"I have an account: sign in"</button></p>
        </section>
    }
}
