//! The app shell: signed out it shows first-run setup or login; signed in, the navigation
//! and the current screen. Each screen has its own path (`/hosts/{id}`, `/domains`, …) in
//! the browser's history, so back, forward and reload keep the place (no router crate:
//! smaller).

use leptos::prelude::*;
use porchlight_api::{AlertSettings, Appliance, LoginLink, SetupStatus, User};

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
    Alerts,
    Account,
    Admin,
    /// The first-run guide: public address, zone and delegation, first host, its router.
    Welcome,
}

impl Page {
    /// The screen a path names; anything else is the host list.
    pub fn from_path(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "/tokens" => Page::Tokens,
            "/domains" => Page::Domains,
            "/records" => Page::Records,
            "/log" => Page::Log,
            "/alerts" => Page::Alerts,
            "/account" => Page::Account,
            "/admin" => Page::Admin,
            "/welcome" => Page::Welcome,
            other => match other.strip_prefix("/hosts/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Page::Host(id.to_string()),
                _ => Page::Dashboard,
            },
        }
    }

    pub fn path(&self) -> String {
        match self {
            Page::Dashboard => "/".into(),
            Page::Host(id) => format!("/hosts/{id}"),
            Page::Tokens => "/tokens".into(),
            Page::Domains => "/domains".into(),
            Page::Records => "/records".into(),
            Page::Log => "/log".into(),
            Page::Alerts => "/alerts".into(),
            Page::Account => "/account".into(),
            Page::Admin => "/admin".into(),
            Page::Welcome => "/welcome".into(),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Page::Dashboard => "Hosts",
            Page::Host(_) => "Host",
            Page::Tokens => "Tokens",
            Page::Domains => "Domains",
            Page::Records => "Records",
            Page::Log => "Event log",
            Page::Alerts => "Alerts",
            Page::Account => "Account",
            Page::Admin => "Administration",
            Page::Welcome => "Welcome",
        }
    }
}

/// The path of the page's address.
fn pathname() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// What every screen shares: the signed-in account (None = signed out) and the screen.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<User>>,
    pub page: RwSignal<Page>,
    /// A token just shown once (made or regenerated), by hostname id, so that the host's
    /// client configurations can be filled in with it while it is still known.
    pub fresh_tokens: RwSignal<Vec<(String, String)>>,
    /// The appliance's version and public address (None until loaded).
    pub appliance: RwSignal<Option<Appliance>>,
    /// When the account counts a host as stale or failing (None until loaded).
    pub alerting: RwSignal<Option<AlertSettings>>,
}

impl Session {
    pub fn is_admin(&self) -> bool {
        self.user.with(|u| u.as_ref().is_some_and(|u| u.is_admin))
    }

    /// Shows `page`, with its own entry in the browser's history.
    pub fn go(&self, page: Page) {
        let path = page.path();
        if let Some(window) = web_sys::window() {
            if pathname() != path
                && let Ok(history) = window.history()
            {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
        self.page.set(page);
        // The new screen's heading takes the focus, so a screen reader says where it is now.
        request_animation_frame(|| {
            let heading = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector("main h1").ok().flatten());
            if let Some(heading) = heading.and_then(|h| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok()) {
                let _ = heading.set_attribute("tabindex", "-1");
                let _ = heading.focus();
            }
        });
    }

    /// The token last shown for hostname `id`, if this page still knows it.
    pub fn fresh_token(&self, id: &str) -> Option<String> {
        self.fresh_tokens.with(|t| t.iter().rev().find(|(h, _)| h == id).map(|(_, t)| t.clone()))
    }

    /// Keeps a token just shown for hostname `id` (the newest replaces the older).
    pub fn remember_token(&self, id: String, token: String) {
        self.fresh_tokens.update(|t| {
            t.retain(|(h, _)| *h != id);
            t.push((id, token));
        });
    }

    /// Reads the public address again (after an administrator changed it).
    pub fn reload_appliance(&self) {
        let appliance = self.appliance;
        leptos::task::spawn_local(async move {
            if let Ok(a) = api::call::<Appliance>("GET", "/api/appliance", None::<&()>).await {
                appliance.set(Some(a));
            }
        });
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
    let session = Session {
        user: RwSignal::new(None),
        page: RwSignal::new(Page::from_path(&pathname())),
        fresh_tokens: RwSignal::new(Vec::new()),
        appliance: RwSignal::new(None),
        alerting: RwSignal::new(None),
    };
    provide_context(session);
    let gate = RwSignal::new(Gate::Loading);
    let link_error = RwSignal::new(None::<String>);
    // The static shell in index.html stays until the app can draw the same bar.
    if let Some(shell) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("shell")) {
        shell.remove();
    }
    // Back and forward move between screens without leaving the app.
    let _ = window_event_listener_untyped("popstate", move |_| session.page.set(Page::from_path(&pathname())));
    // The page's title names the screen, so history and tabs read.
    Effect::new(move |_| {
        let title = session.page.with(Page::title);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{title} · porchlight"));
        }
    });
    // Once signed in: the public address and the account's thresholds, which several
    // screens need.
    Effect::new(move |_| {
        // Read again on every screen, so trouble with the disk shows as soon as it starts.
        session.page.track();
        if session.user.with(Option::is_some) {
            session.reload_appliance();
        }
    });
    Effect::new(move |_| {
        if session.user.with(Option::is_some) {
            let alerting = session.alerting;
            leptos::task::spawn_local(async move {
                if let Ok(s) = api::call::<AlertSettings>("GET", "/api/alerts/settings", None::<&()>).await {
                    alerting.set(Some(s));
                }
            });
        }
    });
    leptos::task::spawn_local(async move {
        // A partner's login link (`/login?code=…`) signs its user in once.
        if let Some(code) = login_link_code() {
            match api::call::<porchlight_api::Session>("POST", "/api/auth/link", Some(&LoginLink { code })).await {
                Ok(answer) => {
                    api::set_session(Some(&answer.token));
                    leave_link();
                    session.page.set(Page::Dashboard);
                    session.user.set(Some(answer.user));
                    return;
                }
                Err(e) => link_error.set(Some(e.message)),
            }
            leave_link();
        }
        if api::session().is_some() {
            match api::call::<User>("GET", "/api/me", None::<&()>).await {
                Ok(me) => {
                    session.user.set(Some(me));
                    return;
                }
                Err(e) if e.status == 0 => link_error.set(Some(e.message)),
                Err(_) => {}
            }
        }
        let needed = match api::call::<SetupStatus>("GET", "/api/setup", None::<&()>).await {
            Ok(s) => s.needed,
            Err(e) => {
                link_error.set(Some(e.message));
                false
            }
        };
        let register = pathname() == "/register";
        gate.set(if needed { Gate::Setup } else if register { Gate::Register } else { Gate::Login });
    });

    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="bar">
            <span class="brand">"porchlight"</span>
            <Show when=move || session.user.with(Option::is_some)>
                <Nav/>
            </Show>
        </header>
        <main class="page" id="main">
            {move || session.appliance.with(|a| a.as_ref().and_then(|a| a.storage_problem.clone())).map(|problem| view! {
                <p class="error" role="alert" id="storage-problem">
                    {format!("This appliance cannot save changes: {problem}. Updates are refused (routers get 911) until it is fixed; DNS keeps answering the last addresses.")}
                </p>
            })}
            {move || {
                if session.user.with(Option::is_some) {
                    match session.page.get() {
                        Page::Dashboard => view! { <pages::dashboard::Dashboard/> }.into_any(),
                        Page::Host(id) => view! { <pages::host::HostDetail id=id/> }.into_any(),
                        Page::Tokens => view! { <pages::tokens::Tokens/> }.into_any(),
                        Page::Domains => view! { <pages::domains::Domains/> }.into_any(),
                        Page::Records => view! { <pages::records::Records/> }.into_any(),
                        Page::Log => view! { <pages::log::Log/> }.into_any(),
                        Page::Alerts => view! { <pages::alerts::Alerts/> }.into_any(),
                        Page::Account => view! { <pages::account::AccountPage/> }.into_any(),
                        Page::Admin => view! { <pages::admin::Admin/> }.into_any(),
                        Page::Welcome => view! { <pages::welcome::Welcome/> }.into_any(),
                    }
                } else {
                    match gate.get() {
                        Gate::Loading => view! {
                            <p class="muted">"Loading…"</p>
                            <p class="error" role="alert">{move || link_error.get()}</p>
                        }.into_any(),
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
        view! { <button type="button" aria-current=current on:click=move |_| session.go(page.clone())>{label}</button> }
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
            {item("Alerts", Page::Alerts)}
            {item("Account", Page::Account)}
            <Show when=move || session.is_admin()>{item("Admin", Page::Admin)}</Show>
            <button type="button" class="plain" on:click=logout>"Log out"</button>
        </nav>
    }
}
