//! Administration: accounts (plan, disable), registration open or closed, the backup.

use leptos::prelude::*;
use porchlight_api::{ManagedUserEnvelope, ManagedUserList, Settings, SettingsPatch, UserPatch};

use super::{shown, when};
use crate::api;

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
    let backup = move |_| {
        leptos::task::spawn_local(async move {
            // The download needs the session header, so it is fetched and handed over as a blob.
            if let Err(e) = download_backup().await {
                error.set(Some(e));
            }
        });
    };
    view! {
        <h1>"Administration"</h1>
        <p class="error" role="alert">{move || error.get()}</p>
        <section class="card">
            <h2>"Settings"</h2>
            <label class="check">
                <input type="checkbox" name="registrationOpen" prop:checked=move || open.get()
                    on:change=move |ev| change_settings(SettingsPatch { registration_open: Some(event_target_checked(&ev)) })/>
                "Anyone may register an account"
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
            <table>
                <thead><tr><th>"E-mail"</th><th>"Plan"</th><th>"Hosts"</th><th>"Created"</th><th>"State"</th></tr></thead>
                <tbody>
                    {move || users.get().into_iter().map(|u| {
                        let disabled = u.disabled;
                        let (plan_id, state_id) = (u.user.id.clone(), u.user.id);
                        let plan = u.user.plan;
                        view! {
                            <tr>
                                <td>{u.user.email}</td>
                                <td>{if u.user.is_admin {
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
                                <td>{shown(&u.hostnames)}</td>
                                <td>{when(&u.user.created_at)}</td>
                                <td><button type="button" class="plain" on:click=move |_| change_user(state_id.clone(), UserPatch { disabled: Some(!disabled), ..UserPatch::default() })>
                                    {if disabled { "Enable" } else { "Disable" }}
                                </button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
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
