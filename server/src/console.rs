//! What the operator at the appliance's console may do: the command line names accounts by
//! e-mail, hostnames and keys by name, and acts for their owners. The rules that keep the
//! appliance consistent (the last administrator, ownership) hold here as everywhere.

use crate::Context;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::model::Account;
use crate::names::DomainName;
use crate::store;

/// Every account with its number of hostnames, oldest first.
pub fn users(ctx: &Context) -> Result<Vec<(Account, i64)>> {
    ctx.store.read(store::users::list_with_counts)
}

/// Every hostname with its owner, current addresses and last change.
pub fn hostnames(ctx: &Context) -> Result<Vec<store::hostnames::Listing>> {
    ctx.store.read(store::hostnames::listing)
}

/// Sets a new password for the account with e-mail `email`; its sessions end. With
/// `clear_totp`, its second factor is turned off too (a lost phone and no recovery code).
pub fn set_password(ctx: &Context, email: &str, password: &str, clear_totp: bool) -> Result<Account> {
    let user = crate::accounts::find_by_email(ctx, email)?;
    let hash = crate::password::hash(password)?;
    ctx.store.write(|tx| {
        store::users::set_password(tx, &user.id, &hash)?;
        if clear_totp && user.totp_enabled {
            store::totp::delete(tx, &user.id)?;
            store::history::event(tx, Some(&user.id), "two-factor sign-in off", &user.email, "", "cli")?;
        }
        store::history::event(tx, Some(&user.id), "password reset", &user.email, "", "cli")
    })?;
    Ok(user)
}

/// Deletes the account with e-mail `email` and everything it owns (not the last
/// administrator).
pub fn delete_user(ctx: &Context, email: &str) -> Result<Account> {
    let user = crate::accounts::find_by_email(ctx, email)?;
    crate::accounts::remove(ctx, &user, "cli")?;
    Ok(user)
}

/// Deletes the hostname `fqdn` with its records and tokens, for its owner.
pub fn delete_hostname(ctx: &Context, fqdn: &str) -> Result<String> {
    let name = DomainName::parse_fqdn(fqdn)?;
    let (host, owner) = ctx.store.read(|c| {
        let host = store::hostnames::find_by_name(c, &name)?.ok_or_else(|| Error::Invalid(format!("no hostname {name}")))?;
        let owner = store::users::find_by_id(c, &host.user_id)?.ok_or(Error::NotFound("User"))?;
        Ok((host, owner))
    })?;
    crate::hostnames::delete(ctx, &Caller::Session(owner.clone()), &host.id)?;
    Ok(owner.email)
}

/// Deletes the TSIG key `name`, for its owner.
pub fn delete_tsig_key(ctx: &Context, name: &str) -> Result<String> {
    let wanted = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let (key, owner) = ctx.store.read(|c| {
        let key = store::tsig_keys::find_by_name(c, &wanted)?.ok_or_else(|| Error::Invalid(format!("no TSIG key {wanted}")))?;
        let owner = store::users::find_by_id(c, &key.user_id)?.ok_or(Error::NotFound("User"))?;
        Ok((key, owner))
    })?;
    crate::tsig_keys::delete(ctx, &Caller::Session(owner.clone()), &key.id)?;
    Ok(owner.email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ZoneId;
    use crate::testing::{TestContext, ZONE_ID};

    #[test]
    fn the_last_administrator_stays_and_others_go_with_what_they_own() -> Result<()> {
        let t = TestContext::new()?;
        let admin = t.session("admin@example.com", true)?;
        let alice = t.session("alice@example.com", false)?;
        crate::hostnames::create_in_zone(&t.ctx, &alice, &ZoneId::from(ZONE_ID), "home", None)?;
        assert!(matches!(delete_user(&t.ctx, "admin@example.com"), Err(Error::Conflict(_))));
        assert_eq!(users(&t.ctx)?.len(), 2);
        delete_user(&t.ctx, "ALICE@example.com")?;
        assert_eq!(users(&t.ctx)?.len(), 1);
        assert!(hostnames(&t.ctx)?.is_empty());
        assert!(matches!(delete_user(&t.ctx, "nobody@example.com"), Err(Error::Invalid(_))));
        assert_eq!(admin.account().email, "admin@example.com");
        Ok(())
    }

    #[test]
    fn hostnames_and_keys_are_deleted_by_name_for_their_owner() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        crate::hostnames::create_in_zone(&t.ctx, &alice, &ZoneId::from(ZONE_ID), "home", None)?;
        assert!(matches!(delete_hostname(&t.ctx, "other.dyn.example.test"), Err(Error::Invalid(_))));
        assert_eq!(delete_hostname(&t.ctx, "Home.dyn.example.test.")?, "alice@example.com");
        assert!(hostnames(&t.ctx)?.is_empty());
        crate::tsig_keys::create(&t.ctx, &alice, "certbot.example", "hmac-sha256", &[])?;
        assert!(matches!(delete_tsig_key(&t.ctx, "nope.example"), Err(Error::Invalid(_))));
        assert_eq!(delete_tsig_key(&t.ctx, "CERTBOT.example.")?, "alice@example.com");
        assert!(crate::tsig_keys::list_all(&t.ctx)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_new_password_works_and_ends_sessions() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let before = alice.account().session_version;
        set_password(&t.ctx, "alice@example.com", "another long password", false)?;
        let after = crate::accounts::find_by_email(&t.ctx, "alice@example.com")?;
        assert!(crate::password::verify("another long password", &after.password_hash));
        assert!(after.session_version > before);
        Ok(())
    }

    #[test]
    fn a_lost_authenticator_is_cleared_only_when_asked() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        t.ctx.store.write(|tx| {
            store::totp::begin(tx, &alice.account().id, "JBSWY3DPEHPK3PXP")?;
            store::totp::enable(tx, &alice.account().id, 1)
        })?;
        let enabled = || crate::accounts::find_by_email(&t.ctx, "alice@example.com").map(|a| a.totp_enabled);
        assert!(enabled()?);
        set_password(&t.ctx, "alice@example.com", "another long password", false)?;
        assert!(enabled()?, "a new password alone keeps the second factor");
        set_password(&t.ctx, "alice@example.com", "a third long password", true)?;
        assert!(!enabled()?);
        Ok(())
    }
}
