//! Administration: accounts (create, disable, plan, password reset) and appliance settings. Every
//! function takes the acting account and refuses anyone who is not an administrator.

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Account, UserId};
use crate::store;


/// Every account with its number of hostnames.
pub fn users(ctx: &Context, caller: &Caller) -> Result<Vec<(Account, i64)>> {
    caller.may(Permission::Administer)?;
    ctx.store.read(store::users::list_with_counts)
}

/// Changes what is given of an account: disabled (which ends its sessions and stops its
/// tokens) and plan.
pub fn update_user(ctx: &Context, caller: &Caller, id: &UserId, disabled: Option<bool>, plan: Option<&str>) -> Result<Account> {
    let actor = caller.may(Permission::Administer)?;
    if let Some(plan) = plan {
        known_plan(ctx, plan)?;
    }
    if disabled == Some(true) && *id == actor.id {
        return Err(Error::Conflict("You cannot disable your own account".into()));
    }
    ctx.store.write(|tx| {
        let user = store::users::find_by_id(tx, id)?.ok_or(Error::NotFound("User"))?;
        if let Some(disabled) = disabled
            && disabled != user.disabled
        {
            store::users::set_disabled(tx, id, disabled)?;
            let kind = if disabled { "account disabled" } else { "account enabled" };
            store::history::event(tx, Some(id), kind, &user.email, &actor.email, "admin")?;
        }
        if let Some(plan) = plan {
            store::users::set_plan(tx, id, plan)?;
            store::history::event(tx, Some(id), "plan changed", &user.email, plan, "admin")?;
        }
        store::users::find_by_id(tx, id)?.ok_or(Error::NotFound("User"))
    })
}

/// Creates an account (an administrator, or on `plan`, else the default plan).
pub fn create_user(ctx: &Context, caller: &Caller, email: &str, password: &str, is_admin: bool, plan: Option<&str>) -> Result<Account> {
    let actor = caller.may(Permission::Administer)?;
    if let Some(plan) = plan {
        known_plan(ctx, plan)?;
    }
    let id = crate::accounts::create_by(&ctx.store, email.trim(), password, is_admin, &actor.email, "admin")?;
    ctx.store.write(|tx| {
        if let Some(plan) = plan {
            store::users::set_plan(tx, &id, plan)?;
        }
        store::users::find_by_id(tx, &id)?.ok_or(Error::NotFound("User"))
    })
}

/// Sets a new password for an account; its sessions end. With `clear_totp` its two-factor
/// sign-in is turned off as well (for someone who lost the authenticator and the recovery
/// codes); otherwise it stays, so that a reset alone does not weaken the account.
pub fn reset_password(ctx: &Context, caller: &Caller, id: &UserId, password: &str, clear_totp: bool) -> Result<()> {
    let actor = caller.may(Permission::Administer)?;
    if *id == actor.id {
        return Err(Error::Conflict("Change your own password with your current one (POST /api/me/password)".into()));
    }
    let hash = crate::password::hash(password)?;
    ctx.store.write(|tx| {
        let user = store::users::find_by_id(tx, id)?.ok_or(Error::NotFound("User"))?;
        store::users::set_password(tx, id, &hash)?;
        if clear_totp && user.totp_enabled {
            store::totp::delete(tx, id)?;
            store::history::event(tx, Some(id), "two-factor sign-in off", &user.email, &actor.email, "admin")?;
        }
        store::history::event(tx, Some(id), "password reset", &user.email, &actor.email, "admin")
    })
}

fn known_plan(ctx: &Context, plan: &str) -> Result<()> {
    if ctx.config.plans.contains_key(plan) {
        return Ok(());
    }
    let known: Vec<&str> = ctx.config.plans.keys().map(String::as_str).collect();
    Err(Error::Invalid(format!("Unknown plan {plan:?}; plans: {}", known.join(", "))))
}

const PUBLIC_URL_SETTING: &str = "public_url";

/// The base URL routers reach the appliance at: the configuration's `public_url`, else the
/// one an administrator set in the UI, without a final slash.
pub fn public_url(ctx: &Context) -> Option<String> {
    if let Some(base) = ctx.config.public_base() {
        return Some(base.to_string());
    }
    let stored = ctx.store.read(|c| store::settings::get(c, PUBLIC_URL_SETTING)).ok().flatten()?;
    (!stored.is_empty()).then(|| stored.trim_end_matches('/').to_string())
}

/// The public URL as any account may read it (router snippets are filled in with it).
pub fn public_url_for(ctx: &Context, caller: &Caller) -> Result<Option<String>> {
    caller.may(Permission::ReadAccount)?;
    Ok(public_url(ctx))
}

/// Sets the public URL from the UI (refused while the configuration sets it: that wins).
pub fn set_public_url(ctx: &Context, caller: &Caller, url: &str) -> Result<()> {
    let actor = caller.may(Permission::Administer)?;
    if ctx.config.public_url.is_some() {
        return Err(Error::Conflict("public_url is set in the configuration; change it there".into()));
    }
    let url = url.trim();
    if !url.is_empty() {
        crate::config::check_public_url(url).map_err(|why| Error::invalid_field("/publicUrl", format!("The public URL {why}")))?;
    }
    ctx.store.write(|tx| {
        store::settings::set(tx, PUBLIC_URL_SETTING, url.trim_end_matches('/'))?;
        store::history::event(tx, Some(&actor.id), "public URL", if url.is_empty() { "unset" } else { url }, "", "admin")
    })
}

pub fn set_registration_open(ctx: &Context, caller: &Caller, open: bool) -> Result<()> {
    let actor = caller.may(Permission::Administer)?;
    ctx.store.write(|tx| {
        store::settings::set(tx, crate::accounts::REGISTRATION_SETTING, if open { "true" } else { "false" })?;
        store::history::event(tx, Some(&actor.id), "registration", if open { "opened" } else { "closed" }, "", "admin")
    })
}

/// A consistent copy of the database, as bytes for download.
pub fn backup(ctx: &Context, caller: &Caller) -> Result<Vec<u8>> {
    let actor = caller.may(Permission::Administer)?;
    let dir = ctx.config.data_dir.join("backups");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("download-{}.db", uuid::Uuid::new_v4()));
    ctx.store.backup_to(&path)?;
    let bytes = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    ctx.store.write(|tx| store::history::event(tx, Some(&actor.id), "backup downloaded", "", "", "admin"))?;
    Ok(bytes?)
}

/// How long an invitation stays valid.
const INVITE_DAYS: i64 = 7;

/// An invitation code (shown once) and when it expires.
pub struct Invite {
    pub code: String,
    /// The one address it is for, if any.
    pub email: Option<String>,
    pub expires_at: i64,
}

/// Makes a single-use invitation to register while registration is closed, optionally for
/// one e-mail address only.
pub fn invite(ctx: &Context, caller: &Caller, email: Option<&str>) -> Result<Invite> {
    let actor = caller.may(Permission::Administer)?;
    let secret = crate::token::generate();
    let code = secret.secret.replacen(crate::token::TOKEN_PREFIX, "inv_", 1);
    let expires_at = crate::clock::now() + INVITE_DAYS * 86_400;
    let email = email.map(crate::model::account::parse_email).transpose()?;
    let email = email.as_deref();
    ctx.store.write(|tx| {
        store::invites::insert(tx, &crate::token::hash(&code), email, &actor.id, expires_at)?;
        store::history::event(tx, Some(&actor.id), "invitation made", email.unwrap_or("anyone"), "", "admin")
    })?;
    Ok(Invite { code, email: email.map(str::to_string), expires_at })
}

/// The appliance's settings as an administrator sees them.
pub struct Settings {
    pub registration_open: bool,
    /// (name, title) of every plan.
    pub plans: Vec<(String, String)>,
    pub https: Option<std::net::SocketAddr>,
    pub tls: Option<crate::tls::CertificateInfo>,
    pub public_url: Option<String>,
    pub public_url_from_config: bool,
}

pub fn settings(ctx: &Context, caller: &Caller) -> Result<Settings> {
    caller.may(Permission::Administer)?;
    Ok(Settings {
        registration_open: crate::accounts::registration_open(ctx)?,
        plans: ctx.config.plans.iter().map(|(name, plan)| (name.clone(), plan.title.clone())).collect(),
        https: ctx.config.https,
        tls: crate::tls::certificate_info(&ctx.config),
        public_url: public_url(ctx),
        public_url_from_config: ctx.config.public_url.is_some(),
    })
}
