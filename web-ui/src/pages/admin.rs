//! Administration: accounts (plan, disable), registration open or closed, the backup.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::{text, when};
use crate::api;

#[component]
pub fn Admin() -> impl IntoView {
    let users = RwSignal::new(Vec::<Value>::new());
    let open = RwSignal::new(false);
    let settings = RwSignal::new(Value::Null);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::call::<Value>("GET", "/api/admin/users", None::<&()>).await {
                Ok(v) => users.set(v["users"].as_array().cloned().unwrap_or_default()),
                Err(e) => error.set(Some(e.message)),
            }
            if let Ok(v) = api::call::<Value>("GET", "/api/admin/settings", None::<&()>).await {
                open.set(v["registrationOpen"].as_bool() == Some(true));
                settings.set(v);
            }
        });
    };
    load();
    let change = move |path: String, body: Value, method: &'static str| api::run(method, path, Some(body), error, move |_: Value| load());
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
                    on:change=move |ev| change("/api/admin/settings".into(), json!({"registrationOpen": event_target_checked(&ev)}), "PATCH")/>
                "Anyone may register an account"
            </label>
            <p><button type="button" class="plain" on:click=backup>"Download a backup"</button></p>
            <h3>"HTTPS"</h3>
            {move || settings.with(|s| match s["tls"].as_object() {
                Some(tls) => view! {
                    <p>"Listening on " <code>{text(s, "https")}</code> ", certificate " <code>{tls.get("certificate").and_then(Value::as_str).unwrap_or_default().to_string()}</code>
                       {if tls.get("selfSigned").and_then(Value::as_bool) == Some(true) { " (self-signed: pin it in clients)" } else { "" }}</p>
                    <p>"SHA-256 " <code class="fingerprint">{tls.get("sha256").and_then(Value::as_str).unwrap_or_default().to_string()}</code></p>
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
                        let id = text(&u, "id");
                        let disabled = u["disabled"].as_bool() == Some(true);
                        let (plan_id, state_id) = (id.clone(), id.clone());
                        let plan = text(&u, "plan");
                        view! {
                            <tr>
                                <td>{text(&u, "email")}</td>
                                <td>{if u["isAdmin"].as_bool() == Some(true) {
                                    view! { <span>"Administrator"</span> }.into_any()
                                } else {
                                    view! {
                                        <select aria-label="Plan" on:change=move |ev| change(format!("/api/admin/users/{plan_id}"), json!({"plan": event_target_value(&ev)}), "PATCH")>
                                            {move || settings.with(|s| s["plans"].as_array().cloned().unwrap_or_default()).into_iter().map(|p| {
                                                let name = text(&p, "name");
                                                view! { <option value=name.clone() selected=plan == name>{text(&p, "title")}</option> }
                                            }).collect_view()}
                                        </select>
                                    }.into_any()
                                }}</td>
                                <td>{text(&u, "hostnames")}</td>
                                <td>{when(&text(&u, "createdAt"))}</td>
                                <td><button type="button" class="plain" on:click=move |_| change(format!("/api/admin/users/{state_id}"), json!({"disabled": !disabled}), "PATCH")>
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
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("The backup failed (HTTP {})", response.status()));
    }
    let bytes = response.binary().await.map_err(|e| e.to_string())?;
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
