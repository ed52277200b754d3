//! Accounts: creating them, logging in, changing passwords, ending sessions, and deleting
//! an account with everything it owns (in DNS too).

use std::sync::OnceLock;

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Account, UserId};
use crate::publication::Touched;
use crate::store::{self, Store};

/// Creates an account; the password is stored as an argon2id hash.
pub fn create(store: &Store, email: &str, password: &str, is_admin: bool) -> Result<UserId> {
    create_by(store, email, password, is_admin, "", "cli")
}

/// Creates an account, noting in the event log who made it (`by`, empty for the command
/// line and sign-ups) and through what.
pub(crate) fn create_by(store: &Store, email: &str, password: &str, is_admin: bool, by: &str, source: &str) -> Result<UserId> {
    let email = crate::model::account::parse_email(email)?;
    let hash = crate::password::hash(password)?;
    store.write(|tx| {
        if store::users::find_by_email(tx, &email)?.is_some() {
            return Err(Error::Conflict(format!("An account for {email} already exists")));
        }
        let id = store::users::insert(tx, &email, &hash, is_admin)?;
        let kind = if is_admin { "admin created" } else { "user created" };
        store::history::event(tx, Some(&id), kind, &email, by, source)?;
        Ok(id)
    })
}

/// Self-service sign-up: while registration is open, or with an administrator's invitation
/// (used up by the sign-up).
pub fn register(ctx: &Context, email: &str, password: &str, invite: Option<&str>) -> Result<Account> {
    if !registration_open(ctx)? {
        let code = invite.ok_or_else(|| Error::Forbidden("Registration is closed".into()))?;
        let redeemed = ctx.store.write(|tx| store::invites::redeem(tx, &crate::token::hash(code.trim()), email.trim()))?;
        if !redeemed {
            return Err(Error::Forbidden("This invitation is not valid (used, expired, or for another address)".into()));
        }
    }
    let id = create(&ctx.store, email, password, false)?;
    find(ctx, &id)
}

/// Where the administrator's choice on self-service registration is kept.
pub(crate) const REGISTRATION_SETTING: &str = "registration_open";

/// Whether self-service registration is open: the stored setting, else the configuration.
pub fn registration_open(ctx: &Context) -> Result<bool> {
    let stored = ctx.store.read(|c| store::settings::get(c, REGISTRATION_SETTING))?;
    Ok(stored.map_or(ctx.config.registration_open, |v| v == "true"))
}

/// The account `id`.
pub fn find(ctx: &Context, id: &UserId) -> Result<Account> {
    ctx.store.read(|c| store::users::find_by_id(c, id))?.ok_or(Error::NotFound("User"))
}

/// The account with e-mail `email` (the command line names accounts so).
pub fn find_by_email(ctx: &Context, email: &str) -> Result<Account> {
    ctx.store.read(|c| store::users::find_by_email(c, email.trim()))?.ok_or_else(|| Error::Invalid(format!("no account with e-mail {}", email.trim())))
}

/// Checks an e-mail and password, and for an account with two-factor sign-in on, `code` (a
/// TOTP code or a recovery code; without one the answer is `CodeNeeded`). Unknown accounts
/// cost the same argon2 work as known ones, so timing does not tell which addresses have
/// accounts; whether a code is needed is told only after the right password.
pub fn login(ctx: &Context, email: &str, password: &str, code: Option<&str>, source: &str) -> Result<Account> {
    // Failed logins slow down per account as well as per address (the route limits that).
    ctx.limits.login.check(&format!("account:{}", email.trim().to_ascii_lowercase()))?;
    let user = ctx.store.read(|c| store::users::find_by_email(c, email.trim()))?;
    let Some(user) = user else {
        crate::password::verify(password, dummy_hash());
        return Err(Error::BadLogin);
    };
    if !crate::password::verify(password, &user.password_hash) || user.disabled {
        ctx.store.write(|tx| store::history::event(tx, Some(&user.id), "login failed", &user.email, "", source))?;
        return Err(Error::BadLogin);
    }
    let passed = match ctx.store.write(|tx| crate::totp::check(tx, &user, code)) {
        Err(Error::BadCode) => {
            ctx.store.write(|tx| store::history::event(tx, Some(&user.id), "login failed", &user.email, "wrong code", source))?;
            return Err(Error::BadCode);
        }
        other => other?,
    };
    let detail = match passed {
        crate::totp::Passed::NotNeeded => String::new(),
        crate::totp::Passed::Code => "with a code".to_string(),
        crate::totp::Passed::RecoveryCode { left } => format!("with a recovery code ({left} left)"),
    };
    ctx.store.write(|tx| store::history::event(tx, Some(&user.id), "login", &user.email, &detail, source))?;
    Ok(user)
}

/// Sets a new password after checking the current one; every other session ends.
pub fn change_password(ctx: &Context, caller: &Caller, current: &str, new: &str, source: &str) -> Result<Account> {
    let user = caller.may(Permission::ManageCredentials)?;
    if !crate::password::verify(current, &user.password_hash) {
        return Err(Error::Forbidden("The current password is not correct".into()));
    }
    let hash = crate::password::hash(new)?;
    ctx.store.write(|tx| {
        store::users::set_password(tx, &user.id, &hash)?;
        store::history::event(tx, Some(&user.id), "password changed", &user.email, "", source)?;
        store::users::find_by_id(tx, &user.id)?.ok_or(Error::NotFound("User"))
    })
}

/// Ends every session of the account.
pub fn logout_everywhere(ctx: &Context, caller: &Caller, source: &str) -> Result<()> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.write(|tx| {
        store::users::bump_session_version(tx, &user.id)?;
        store::history::event(tx, Some(&user.id), "logged out everywhere", &user.email, "", source)
    })
}

/// Deletes the account, its hostnames, records and tokens; its names leave DNS at once.
pub fn delete(ctx: &Context, caller: &Caller, password: &str) -> Result<()> {
    let user = caller.may(Permission::ManageCredentials)?;
    if !crate::password::verify(password, &user.password_hash) {
        return Err(Error::Forbidden("The password is not correct".into()));
    }
    remove(ctx, user, "api")
}

/// Deletes `user` with everything it owns, unless it is the last administrator who can sign
/// in (without one the appliance would offer its first-start setup to whoever asks first).
pub(crate) fn remove(ctx: &Context, user: &Account, source: &str) -> Result<()> {
    ctx.store.write_then(
        |tx| {
            if user.is_admin && !user.disabled && store::users::count_enabled_admins(tx)? <= 1 {
                return Err(Error::Conflict(format!("{} is the only administrator: make another one before deleting this account", user.email)));
            }
            let mut touched = Touched::default();
            for (zone_id, name, kind) in store::records::owned_by_user(tx, &user.id)? {
                touched.add(&zone_id, name, kind);
            }
            store::users::delete(tx, &user.id)?;
            store::history::event(tx, None, "account deleted", &user.email, "", source)?;
            touched.collect(tx, &ctx.catalog)
        },
        |publication| publication.publish(&ctx.catalog),
    )?;
    Ok(())
}

fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| crate::password::hash("no such account, same cost").unwrap_or_default())
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_once_and_rejects_bad_input() -> Result<()> {
        let store = Store::open_in_memory()?;
        create(&store, "Admin@example.com", "long enough secret", true)?;
        assert!(matches!(create(&store, "admin@EXAMPLE.com", "long enough secret", false), Err(Error::Conflict(_))));
        assert!(matches!(create(&store, "not-an-email", "long enough secret", false), Err(Error::Invalid(_))));
        assert_eq!(store.read(store::users::count_admins)?, 1);
        Ok(())
    }
}
