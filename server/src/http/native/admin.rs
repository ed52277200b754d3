//! Administration routes: accounts and appliance settings. The domain refuses anyone who is
//! not an administrator.

use porchlight_api as api;
use rouille::Response;

use super::{reply, user};
use crate::error::Result;
use crate::http::call::Call;
use crate::model::{Account, UserId};
use crate::{Context, admin};

pub fn users(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let users = admin::users(ctx, call.caller()?)?;
    let users = users.iter().map(|(account, hostnames)| managed(account, Some(*hostnames))).collect();
    Ok(reply(200, &api::ManagedUserList { users }))
}

pub fn create_user(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewUser = call.json()?;
    let account = admin::create_user(ctx, call.caller()?, &input.email, &input.password, input.admin.unwrap_or(false), input.plan.as_deref())?;
    Ok(reply(201, &api::ManagedUserEnvelope { user: managed(&account, Some(0)) }))
}

pub fn update_user(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let change: api::UserPatch = call.json()?;
    let account = admin::update_user(ctx, call.caller()?, &call.id::<UserId>("id"), change.disabled, change.plan.as_deref())?;
    Ok(reply(200, &api::ManagedUserEnvelope { user: managed(&account, None) }))
}

pub fn reset_password(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::PasswordReset = call.json()?;
    admin::reset_password(ctx, call.caller()?, &call.id::<UserId>("id"), &input.password, input.clear_totp.unwrap_or(false))?;
    Ok(Response::empty_204())
}

pub fn settings(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    Ok(reply(200, &settings_of(admin::settings(ctx, call.caller()?)?)))
}

pub fn change_settings(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let change: api::SettingsPatch = call.json()?;
    if let Some(open) = change.registration_open {
        admin::set_registration_open(ctx, call.caller()?, open)?;
    }
    if let Some(url) = &change.public_url {
        admin::set_public_url(ctx, call.caller()?, url)?;
    }
    settings(ctx, call)
}

/// What every signed-in account may know of the appliance.
pub fn appliance(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let public_url = admin::public_url_for(ctx, call.caller()?)?;
    let storage_problem = ctx.store.trouble();
    Ok(reply(200, &api::Appliance { version: env!("CARGO_PKG_VERSION").to_string(), public_url, storage_problem }))
}

/// The database as a download.
pub fn backup(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let bytes = admin::backup(ctx, call.caller()?)?;
    let name = format!("porchlight-{}.db", crate::clock::now());
    Ok(Response::from_data("application/vnd.sqlite3", bytes)
        .with_additional_header("Content-Disposition", format!("attachment; filename=\"{name}\""))
        .with_additional_header("Cache-Control", "no-store"))
}

/// A single-use invitation to register (the code is shown once).
pub fn invite(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewInvite = call.json_or_default()?;
    let invite = admin::invite(ctx, call.caller()?, input.email.as_deref())?;
    let invite = api::Invite { code: invite.code, email: invite.email, expires_at: crate::clock::rfc3339(invite.expires_at) };
    Ok(reply(201, &api::InviteEnvelope { invite }))
}

fn managed(account: &Account, hostnames: Option<i64>) -> api::ManagedUser {
    api::ManagedUser { user: user(account), disabled: account.disabled, hostnames }
}

fn settings_of(s: admin::Settings) -> api::Settings {
    api::Settings {
        registration_open: s.registration_open,
        plans: s.plans.into_iter().map(|(name, title)| api::PlanInfo { name, title }).collect(),
        https: s.https.map(|a| a.to_string()),
        tls: s.tls.map(|c| api::TlsInfo { certificate: c.path.display().to_string(), self_signed: c.self_signed, sha256: c.sha256 }),
        public_url: s.public_url,
        public_url_from_config: s.public_url_from_config,
    }
}
