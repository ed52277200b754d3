//! Administration routes: accounts and appliance settings. The domain refuses anyone who is
//! not an administrator.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{body, client_key, limited, reply, session, user_json};
use crate::{Context, admin};

pub fn users(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let actor = session(ctx, request)?;
        let users: Vec<Value> = admin::users(ctx, &actor)?
            .iter()
            .map(|(user, hostnames)| {
                let mut value = user_json(user);
                value["disabled"] = json!(user.disabled);
                value["hostnames"] = json!(hostnames);
                value
            })
            .collect();
        Ok(reply(200, &json!({"users": users})))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChange {
    disabled: Option<bool>,
    plan: Option<String>,
}

pub fn update_user(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let actor = session(ctx, request)?;
        let change: UserChange = body(request)?;
        let user = admin::update_user(ctx, &actor, id, change.disabled, change.plan.as_deref())?;
        let mut value = user_json(&user);
        value["disabled"] = json!(user.disabled);
        Ok(reply(200, &json!({"user": value})))
    })
}

#[derive(Deserialize)]
struct NewPassword {
    password: String,
}

pub fn reset_password(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let actor = session(ctx, request)?;
        let input: NewPassword = body(request)?;
        admin::reset_password(ctx, &actor, id, &input.password)?;
        Ok(Response::empty_204())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Settings {
    registration_open: Option<bool>,
}

pub fn settings(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let actor = session(ctx, request)?;
        if request.method() == "PATCH" {
            let change: Settings = body(request)?;
            if let Some(open) = change.registration_open {
                admin::set_registration_open(ctx, &actor, open)?;
            }
        } else if !actor.is_admin {
            return Err(crate::Error::Forbidden("Administrators only".into()));
        }
        let plans: Vec<serde_json::Value> =
            ctx.config.plans.iter().map(|(name, plan)| json!({"name": name, "title": plan.title})).collect();
        let tls = crate::tls::certificate_info(&ctx.config).map(|c| {
            json!({"certificate": c.path.display().to_string(), "selfSigned": c.self_signed, "sha256": c.sha256})
        });
        Ok(reply(200, &json!({
            "registrationOpen": admin::registration_open(ctx)?,
            "plans": plans,
            "https": ctx.config.https.map(|a| a.to_string()),
            "tls": tls,
        })))
    })
}

/// The database as a download.
pub fn backup(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let bytes = admin::backup(ctx, &session(ctx, request)?)?;
        let name = format!("porchlight-{}.db", crate::store::now());
        Ok(Response::from_data("application/vnd.sqlite3", bytes)
            .with_additional_header("Content-Disposition", format!("attachment; filename=\"{name}\""))
            .with_additional_header("Cache-Control", "no-store"))
    })
}

#[derive(Deserialize, Default)]
struct NewInvite {
    email: Option<String>,
}

/// A single-use invitation to register (the code is shown once).
pub fn invite(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let actor = session(ctx, request)?;
        let input: NewInvite = body(request).unwrap_or_default();
        let invite = admin::invite(ctx, &actor, input.email.as_deref())?;
        Ok(reply(201, &json!({"invite": {"code": invite.code, "email": input.email, "expiresAt": crate::store::rfc3339(invite.expires_at)}})))
    })
}
