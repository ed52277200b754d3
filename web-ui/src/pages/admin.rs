//! Administration: accounts (plan, disable), registration open or closed, the backup.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::{text, when};
use crate::api;

#[component]
pub fn Admin() -> impl IntoView {
    let users = RwSignal::new(Vec::<Value>::new());
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::call::<Value>("GET", "/api/admin/users", None::<&()>).await {
                Ok(v) => users.set(v["users"].as_array().cloned().unwrap_or_default()),
                Err(e) => error.set(Some(e.message)),
            }
            if let Ok(v) = api::call::<Value>("GET", "/api/admin/settings", None::<&()>).await {
                open.set(v["registrationOpen"].as_bool() == Some(true));
            }
        });
    };
    load();
    let change = move |path: String, body: Value, method: &'static str| {
        leptos::task::spawn_local(async move {
            match api::call::<Value>(method, &path, Some(&body)).await {
                Ok(_) => {
                    error.set(None);
                    load();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
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
                    on:change=move |ev| change("/api/admin/settings".into(), json!({"registrationOpen": event_target_checked(&ev)}), "PATCH")/>
                "Anyone may register an account"
            </label>
            <p><button type="button" class="plain" on:click=backup>"Download a backup"</button></p>
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
                        view! {
                            <tr>
                                <td>{text(&u, "email")}</td>
                                <td>
                                    <select aria-label="Plan" on:change=move |ev| change(format!("/api/admin/users/{plan_id}"), json!({"plan": event_target_value(&ev)}), "PATCH")>
                                        {["free", "self-hoster", "admin"].into_iter().map(|p| view! { <option value=p selected=text(&u, "plan") == p>{p}</option> }).collect_view()}
                                    </select>
                                </td>
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
