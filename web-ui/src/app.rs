//! The app shell: signed out it shows first-run setup or login; signed in, the navigation
//! and the current screen. Which screen is shown lives in one signal (no router: smaller).

use leptos::prelude::*;
use porchlight_api::{LoginLink, SetupStatus, User};

use crate::api;
use crate::pages;

/// The screens.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    Dashboard,
    Host(String),
    Tokens,
    Domains,
    Records,
    Log,
    Account,
    Admin,
}

/// What every screen shares: the signed-in account (None = signed out) and the screen.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<User>>,
    pub page: RwSignal<Page>,
    /// A token just shown once, by hostname id, so that the host's client configurations
    /// can be filled in with it while it is still known.
    pub fresh_tokens: RwSignal<Vec<(String, String)>>,
}

impl Session {
    pub fn is_admin(&self) -> bool {
        self.user.with(|u| u.as_ref().is_some_and(|u| u.is_admin))
    }
}

/// Where the app starts when signed out.
#[derive(Clone, Copy, PartialEq)]
enum Gate {
    Loading,
    Setup,
    Login,
    /// `/register`: signing up (with an invitation from its link).
    Register,
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session { user: RwSignal::new(None), page: RwSignal::new(Page::Dashboard), fresh_tokens: RwSignal::new(Vec::new()) };
    provide_context(session);
    let gate = RwSignal::new(Gate::Loading);
    let link_error = RwSignal::new(None::<String>);
    // The static shell in index.html stays until the app can draw the same bar.
    if let Some(shell) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("shell")) {
        shell.remove();
    }
    leptos::task::spawn_local(async move {
        // A partner's login link (`/login?code=…`) signs its user in once.
        if let Some(code) = login_link_code() {
            match api::call::<porchlight_api::Session>("POST", "/api/auth/link", Some(&LoginLink { code })).await {
                Ok(answer) => {
                    api::set_session(Some(&answer.token));
                    leave_link();
                    session.user.set(Some(answer.user));
                    return;
                }
                Err(e) => link_error.set(Some(e.message)),
            }
            leave_link();
        }
        if api::session().is_some()
            && let Ok(me) = api::call::<User>("GET", "/api/me", None::<&()>).await
        {
            session.user.set(Some(me));
            return;
        }
        let needed = api::call::<SetupStatus>("GET", "/api/setup", None::<&()>).await.is_ok_and(|s| s.needed);
        let register = web_sys::window().and_then(|w| w.location().pathname().ok()).is_some_and(|p| p == "/register");
        gate.set(if needed { Gate::Setup } else if register { Gate::Register } else { Gate::Login });
    });

    view! {
        <header class="bar">
            <span class="brand">"porchlight"</span>
            <Show when=move || session.user.with(Option::is_some)>
                <Nav/>
            </Show>
        </header>
        <main class="page">
            {move || {
                if session.user.with(Option::is_some) {
                    match session.page.get() {
                        Page::Dashboard => view! { <pages::dashboard::Dashboard/> }.into_any(),
                        Page::Host(id) => view! { <pages::host::HostDetail id=id/> }.into_any(),
                        Page::Tokens => view! { <pages::tokens::Tokens/> }.into_any(),
                        Page::Domains => view! { <pages::domains::Domains/> }.into_any(),
                        Page::Records => view! { <pages::records::Records/> }.into_any(),
                        Page::Log => view! { <pages::log::Log/> }.into_any(),
                        Page::Account => view! { <pages::account::AccountPage/> }.into_any(),
                        Page::Admin => view! { <pages::admin::Admin/> }.into_any(),
                    }
                } else {
                    match gate.get() {
                        Gate::Loading => view! { <p class="muted">"Loading…"</p> }.into_any(),
                        Gate::Setup => view! { <pages::auth::Setup/> }.into_any(),
                        Gate::Register => view! { <pages::auth::Register/> }.into_any(),
                        Gate::Login => view! {
                            <p class="error" role="alert">{move || link_error.get()}</p>
                            <pages::auth::Login/>
                        }.into_any(),
                    }
                }
            }}
        </main>
    }
}

/// The code of a login link, when the page was opened as `/login?code=…`.
fn login_link_code() -> Option<String> {
    let location = web_sys::window()?.location();
    if location.pathname().ok()? != "/login" {
        return None;
    }
    let search = location.search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix("code=")).map(str::to_string).filter(|c| !c.is_empty())
}

/// Takes the used link out of the address bar (and the browser history).
fn leave_link() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"));
    }
}

#[component]
fn Nav() -> impl IntoView {
    let session = expect_context::<Session>();
    let item = move |label: &'static str, page: Page| {
        let target = page.clone();
        let current = move || {
            let now = session.page.get();
            (now == target || matches!((&now, &target), (Page::Host(_), Page::Dashboard))).then_some("page")
        };
        view! { <button type="button" aria-current=current on:click=move |_| session.page.set(page.clone())>{label}</button> }
    };
    let logout = move |_| {
        api::set_session(None);
        session.user.set(None);
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            let _ = location.set_href("/");
        }
    };
    view! {
        <nav aria-label="Main">
            {item("Hosts", Page::Dashboard)}
            {item("Tokens", Page::Tokens)}
            {item("Domains", Page::Domains)}
            {item("Records", Page::Records)}
            {item("Log", Page::Log)}
            {item("Account", Page::Account)}
            <Show when=move || session.is_admin()>{item("Admin", Page::Admin)}</Show>
            <button type="button" class="plain" on:click=logout>"Log out"</button>
        </nav>
    }
}
