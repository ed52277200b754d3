//! Administration: the public address, accounts (add, plan, disable, password reset),
//! invitations, registration open or closed, the backup.

use leptos::prelude::*;
use porchlight_api::{
    InviteEnvelope, ManagedUser, ManagedUserEnvelope, ManagedUserList, NewInvite, NewUser, PasswordReset, PlanInfo, Settings, SettingsPatch, UserPatch,
};

use super::dashboard::CopyButton;
use super::{Checkbox, Submit, confirmed, shown, when};
use crate::address::{self, PublicAddressForm};
use crate::api;
use crate::app::Session;

#[component]
pub fn Admin() -> impl IntoView {
    let users = RwSignal::new(Vec::new());
    let open = RwSignal::new(false);
    let settings = RwSignal::new(None::<Settings>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::call::<ManagedUserList>("GET", "/api/admin/users", None::<&()>).await {
                Ok(list) => users.set(list.users),
                Err(e) => error.set(Some(e.message)),
            }
            if let Ok(s) = api::call::<Settings>("GET", "/api/admin/settings", None::<&()>).await {
                open.set(s.registration_open);
                settings.set(Some(s));
            }
        });
    };
    load();
    let change_settings = move |patch: SettingsPatch| api::run("PATCH", "/api/admin/settings".into(), Some(patch), error, move |_: Settings| load());
    let change_user = move |id: String, patch: UserPatch| {
        api::run("PATCH", format!("/api/admin/users/{id}"), Some(patch), error, move |_: ManagedUserEnvelope| load());
    };
    let plans = Signal::derive(move || settings.with(|s| s.as_ref().map(|s| s.plans.clone()).unwrap_or_default()));
    let backup = move |_| {
        leptos::task::spawn_local(async move {
            // The download needs the session header, so it is fetched and handed over as a blob.
            if let Err(e) = download_backup().await {
                error.set(Some(e));
            }
        });
    };
    let session = expect_context::<Session>();
    view! {
        <h1>"Administration"</h1>
        <p class="error" role="alert">{move || error.get()}</p>
        <section class="card" aria-labelledby="public-heading">
            <h2 id="public-heading">"Public address"</h2>
            <p>"Router snippets, setup links and the delegation guide name this address. "
               {move || match address::base(&session) {
                   (url, true) => format!("Now: {url}."),
                   (_, false) => "It is not set yet.".to_string(),
               }}</p>
            <PublicAddressForm on_saved=move || load()/>
        </section>
        <section class="card">
            <h2>"Settings"</h2>
            <label class="check">
                <input type="checkbox" name="registrationOpen" prop:checked=move || open.get()
                    on:change=move |ev| change_settings(SettingsPatch { registration_open: Some(event_target_checked(&ev)), ..SettingsPatch::default() })/>
                <span>"Anyone may register an account"</span>
            </label>
            <p><button type="button" class="plain" on:click=backup>"Download a backup"</button></p>
            <h3>"HTTPS"</h3>
            {move || settings.with(|s| match s.as_ref().and_then(|s| s.tls.as_ref().map(|tls| (s, tls))) {
                Some((s, tls)) => view! {
                    <p>"Listening on " <code>{shown(&s.https)}</code> ", certificate " <code>{tls.certificate.clone()}</code>
                       {if tls.self_signed { " (self-signed: pin it in clients)" } else { "" }}</p>
                    <p>"SHA-256 " <code class="fingerprint">{tls.sha256.clone()}</code></p>
                }.into_any(),
                None => view! { <p class="muted">"HTTPS is off (set https in the configuration, or --https)."</p> }.into_any(),
            })}
        </section>
        <section class="card">
            <h2>"Accounts"</h2>
            <table class="stack accounts">
                <thead><tr><th>"E-mail"</th><th>"Plan"</th><th>"Hosts"</th><th>"Created"</th><th>"Two-factor"</th><th>"State"</th></tr></thead>
                <tbody>
                    {move || users.get().into_iter().map(|u| {
                        let disabled = u.disabled;
                        let (plan_id, state_id) = (u.user.id.clone(), u.user.id);
                        let plan = u.user.plan;
                        let email = u.user.email.clone();
                        view! {
                            <tr>
                                <td data-label="E-mail">{u.user.email}</td>
                                <td data-label="Plan">{if u.user.is_admin {
                                    view! { <span>"Administrator"</span> }.into_any()
                                } else {
                                    view! {
                                        <select aria-label="Plan" on:change=move |ev| change_user(plan_id.clone(), UserPatch { plan: Some(event_target_value(&ev)), ..UserPatch::default() })>
                                            {move || settings.with(|s| s.as_ref().map(|s| s.plans.clone()).unwrap_or_default()).into_iter().map(|p| {
                                                view! { <option value=p.name.clone() selected=plan == p.name>{p.title}</option> }
                                            }).collect_view()}
                                        </select>
                                    }.into_any()
                                }}</td>
                                <td data-label="Hosts">{shown(&u.hostnames)}</td>
                                <td data-label="Created">{when(&u.user.created_at)}</td>
                                <td data-label="Two-factor">{if u.user.totp_enabled { "on" } else { "off" }}</td>
                                <td data-label="State"><button type="button" class="plain" on:click=move |_| {
                                    if !disabled && !confirmed(&format!("Disable {email}? Its sessions end, it cannot sign in, and its tokens stop updating.")) {
                                        return;
                                    }
                                    change_user(state_id.clone(), UserPatch { disabled: Some(!disabled), ..UserPatch::default() })
                                }>
                                    {if disabled { "Enable" } else { "Disable" }}
                                </button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <NewAccount plans=plans on_created=load/>
        <ResetPassword users=users/>
        <Invite/>
    }
}

/// Adds an account with a password the administrator hands over.
#[component]
fn NewAccount(plans: Signal<Vec<PlanInfo>>, on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let plan = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let made = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        made.set(None);
        let body = NewUser { email: email.get(), password: password.get(), admin: Some(admin.get()), plan: Some(plan.get()).filter(|p| !p.is_empty()) };
        api::act(busy, "POST", "/api/admin/users".into(), Some(body), error, move |created: ManagedUserEnvelope| {
            made.set(Some(created.user.user.email));
            email.set(String::new());
            password.set(String::new());
            on_created();
        });
    };
    view! {
        <section class="card">
            <h2>"New account"</h2>
            <form class="stack" on:submit=submit>
                <label>"E-mail" <input name="newEmail" type="email" autocomplete="off" required bind:value=email/></label>
                <label>"Password (at least 8 characters; give it to them)" <input name="newPassword" type="password" autocomplete="new-password" minlength="8" required bind:value=password/></label>
                <label>"Plan"
                    <select name="plan" on:change=move |ev| plan.set(event_target_value(&ev))>
                        <option value="">"Default"</option>
                        {move || plans.get().into_iter().map(|p| view! { <option value=p.name>{p.title}</option> }).collect_view()}
                    </select>
                </label>
                <Checkbox name="admin" label="Administrator" checked=admin/>
                <Submit label="Add account" busy=busy working="Adding…"/>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="ok" role="status">{move || made.get().map(|e| format!("Added {e}."))}</p>
            </form>
        </section>
    }
}

/// Sets a new password for someone who lost theirs (and, if asked, turns off their
/// two-factor sign-in, for a lost authenticator).
#[component]
fn ResetPassword(users: RwSignal<Vec<ManagedUser>>) -> impl IntoView {
    let id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let clear_totp = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let chosen = users.with(|list| list.iter().find(|u| u.user.id == id.get()).map(|u| u.user.email.clone()));
        let Some(email) = chosen else {
            error.set(Some("Choose an account.".into()));
            return;
        };
        let clear = clear_totp.get();
        let question = if clear {
            format!("Set a new password for {email} and turn off its two-factor sign-in? Its sessions end.")
        } else {
            format!("Set a new password for {email}? Its sessions end.")
        };
        if !confirmed(&question) {
            return;
        }
        let body = PasswordReset { password: password.get(), clear_totp: Some(clear) };
        api::run("POST", format!("/api/admin/users/{}/password", id.get()), Some(body), error, move |()| {
            password.set(String::new());
            done.set(Some(format!("New password set for {email}.")));
        });
    };
    view! {
        <section class="card">
            <h2>"Reset a password"</h2>
            <form class="stack" on:submit=submit>
                <label>"Account"
                    <select name="resetAccount" on:change=move |ev| id.set(event_target_value(&ev))>
                        <option value="">"Choose…"</option>
                        {move || users.get().into_iter().map(|u| view! { <option value=u.user.id>{u.user.email}</option> }).collect_view()}
                    </select>
                </label>
                <label>"New password (at least 8 characters)" <input name="resetPassword" type="password" autocomplete="new-password" minlength="8" required bind:value=password/></label>
                <Checkbox name="clearTotp" label="Also turn off two-factor sign-in (lost authenticator and recovery codes)" checked=clear_totp/>
                <button type="submit">"Set password"</button>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="ok" role="status">{move || done.get()}</p>
            </form>
        </section>
    }
}

/// A single-use invitation to register, optionally for one address; its code and link are
/// shown once.
#[component]
fn Invite() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let made = RwSignal::new(None::<porchlight_api::Invite>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewInvite { email: Some(email.get()).filter(|e| !e.trim().is_empty()) };
        api::run("POST", "/api/admin/invites".into(), Some(body), error, move |answer: InviteEnvelope| made.set(Some(answer.invite)));
    };
    // The link names the public address, so it works from wherever the invitee is.
    let origin = address::base(&expect_context::<Session>()).0;
    view! {
        <section class="card">
            <h2>"Invite someone"</h2>
            <form class="stack" on:submit=submit>
                <label>"For e-mail (optional: anyone with the link otherwise)" <input name="inviteEmail" type="email" autocomplete="off" bind:value=email/></label>
                <button type="submit">"Make invitation"</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
            {move || made.get().map(|invite| {
                let link = format!("{origin}/register?invite={}", invite.code);
                view! {
                    <div class="created" role="status">
                        <p>"Invitation for " <strong>{invite.email.unwrap_or_else(|| "anyone".into())}</strong> ", valid once until " {when(&invite.expires_at)} ". Shown only now:"</p>
                        <p class="secret" data-invite=invite.code.clone()>{link.clone()}</p>
                        <CopyButton text=link label="Copy link"/>
                    </div>
                }
            })}
        </section>
    }
}

async fn download_backup() -> Result<(), String> {
    let token = api::session().unwrap_or_default();
    let response = gloo_net::http::Request::get("/api/admin/backup")
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| api::UNREACHABLE.to_string())?;
    if !response.ok() {
        return Err(format!("The backup failed (HTTP {})", response.status()));
    }
    let bytes = response.binary().await.map_err(|_| "The backup download broke off before it was complete. Try again.".to_string())?;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|_| "cannot make the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "cannot make the file".to_string())?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = wasm_bindgen::JsCast::dyn_into(document.create_element("a").map_err(|_| "no link")?).map_err(|_| "no link")?;
    link.set_href(&url);
    link.set_download("porchlight-backup.sqlite");
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
