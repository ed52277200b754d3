//! Partner embedding (the PocketDNS dialect): a partner (an administrator's API key with
//! the `partner` scope) creates or finds its users by its own identifier, signs them into
//! the web UI with single-use login links, and manages the DNS of their domains. A partner
//! reaches only the accounts it created; within them it acts as their owner would.

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Account, CustomDomain, RecordId, StoredRecord, Token, ZoneId};
use crate::records::edit::{self, Input, Patch};
use crate::store;

/// How long a login link is valid.
const LINK_SECONDS: i64 = 24 * 3600;
/// Longest partner user identifier.
const MAX_IDENTIFIER: usize = 200;

/// The partner's key: the caller, when it may act as a partner.
fn partner(caller: &Caller) -> Result<&Token> {
    caller.may(Permission::Partner)?;
    caller.token().ok_or_else(|| Error::Forbidden("This needs an administrator's API key with the partner scope".into()))
}

/// The partner's user `identifier`, created (with `email`, or an address that cannot
/// receive mail) when new, and a single-use code signing it into the web UI within 24
/// hours. Returns the account and the code.
pub fn session_link(ctx: &Context, caller: &Caller, identifier: &str, email: Option<&str>) -> Result<(Account, String)> {
    let key = partner(caller)?;
    let identifier = identifier.trim();
    if identifier.is_empty() || identifier.len() > MAX_IDENTIFIER || identifier.chars().any(char::is_control) {
        return Err(Error::invalid_field("/user_identifier", format!("user_identifier is required (1 to {MAX_IDENTIFIER} characters)")));
    }
    let user = match ctx.store.read(|c| store::partners::find_user(c, &key.id, identifier))? {
        Some(id) => crate::accounts::find(ctx, &id)?,
        None => create_user(ctx, caller.account(), key, identifier, email)?,
    };
    let code = crate::token::generate();
    ctx.store.write(|tx| store::partners::insert_link(tx, &code.hash, &user.id, crate::clock::now() + LINK_SECONDS))?;
    Ok((user, code.secret))
}

fn create_user(ctx: &Context, admin: &Account, key: &Token, identifier: &str, email: Option<&str>) -> Result<Account> {
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => email.to_string(),
        None => format!("{}@partner-{}.invalid", sanitise(identifier), &key.id.as_str()[..8.min(key.id.as_str().len())]),
    };
    // An account that exists already is not handed to a partner because it knows the address.
    if ctx.store.read(|c| store::users::find_by_email(c, &email))?.is_some() {
        return Err(Error::invalid_field("/email", format!("An account with e-mail {email} exists already")));
    }
    let password = crate::token::generate().secret;
    let id = crate::accounts::create(&ctx.store, &email, &password, false)?;
    let plan = crate::plans::partner_plan(ctx);
    ctx.store.write(|tx| {
        store::users::set_plan(tx, &id, &plan)?;
        store::partners::insert_user(tx, &key.id, identifier, &id)?;
        store::history::event(tx, Some(&admin.id), "partner user created", identifier, &email, "api")
    })?;
    crate::accounts::find(ctx, &id)
}

/// Redeems a login link's code for its account (and notes the login). An account with
/// two-factor sign-in on signs in with its password and code only: a link would skip the
/// second factor, so it is refused (and stays unused).
pub fn redeem(ctx: &Context, code: &str, source: &str) -> Result<Account> {
    let id = ctx.store.write(|tx| {
        let id = store::partners::redeem_link(tx, &crate::token::hash(code.trim()))?;
        if let Some(id) = &id
            && store::totp::find(tx, id)?.is_some_and(|t| t.enabled)
        {
            return Err(Error::Forbidden("This account uses two-factor sign-in: sign in with its e-mail, password and code".into()));
        }
        Ok(id)
    })?;
    let user = id.and_then(|id| ctx.store.read(|c| store::users::find_by_id(c, &id)).ok().flatten());
    let user = user.filter(|u| !u.disabled).ok_or_else(|| Error::Forbidden("This login link is not valid (used, expired or unknown)".into()))?;
    ctx.store.write(|tx| store::history::event(tx, Some(&user.id), "login", &user.email, "login link", source))?;
    Ok(user)
}

/// The custom domains of the partner's user `identifier`.
pub fn user_domains(ctx: &Context, caller: &Caller, identifier: &str) -> Result<Vec<CustomDomain>> {
    let key = partner(caller)?;
    let id = ctx.store.read(|c| store::partners::find_user(c, &key.id, identifier.trim()))?.ok_or(Error::NotFound("User"))?;
    let user = crate::accounts::find(ctx, &id)?;
    crate::domains::owned_by(ctx, &user)
}

/// Custom domain `id` of one of the partner's users.
pub fn domain(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<CustomDomain> {
    Ok(domain_and_owner(ctx, caller, id)?.0)
}

/// The domain and, acting for the partner, its owner.
fn domain_and_owner(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<(CustomDomain, Caller)> {
    let key = partner(caller)?;
    ctx.store.read(|c| {
        let domain = store::zones::find_custom(c, id)?.ok_or(Error::NotFound("Domain"))?;
        if !store::partners::knows(c, &key.id, &domain.owner_id)? {
            return Err(Error::NotFound("Domain"));
        }
        let owner = store::users::find_by_id(c, &domain.owner_id)?.ok_or(Error::NotFound("Domain"))?;
        Ok((domain, Caller::Session(owner)))
    })
}

/// Record `id` in a domain of one of the partner's users, with the domain and the owner to
/// act as.
fn record_and_owner(ctx: &Context, caller: &Caller, id: &RecordId) -> Result<(StoredRecord, CustomDomain, Caller)> {
    partner(caller)?;
    let row = ctx.store.read(|c| store::records::find_by_id(c, id))?.ok_or(Error::NotFound("DNS record"))?;
    let (domain, owner) = domain_and_owner(ctx, caller, &row.zone_id).map_err(|_| Error::NotFound("DNS record"))?;
    Ok((row, domain, owner))
}

pub fn create_record(ctx: &Context, caller: &Caller, domain_id: &ZoneId, input: &Input) -> Result<(StoredRecord, CustomDomain)> {
    let (domain, owner) = domain_and_owner(ctx, caller, domain_id)?;
    Ok((edit::create(ctx, &owner, &domain.id, input)?, domain))
}

pub fn record(ctx: &Context, caller: &Caller, id: &RecordId) -> Result<(StoredRecord, CustomDomain)> {
    let (row, domain, _) = record_and_owner(ctx, caller, id)?;
    Ok((row, domain))
}

pub fn update_record(ctx: &Context, caller: &Caller, id: &RecordId, patch: &Patch) -> Result<(StoredRecord, CustomDomain)> {
    let (row, domain, owner) = record_and_owner(ctx, caller, id)?;
    Ok((edit::update(ctx, &owner, &domain.id, &row.id, patch)?, domain))
}

pub fn delete_record(ctx: &Context, caller: &Caller, id: &RecordId) -> Result<()> {
    let (row, domain, owner) = record_and_owner(ctx, caller, id)?;
    edit::delete(ctx, &owner, &domain.id, &row.id)
}

fn sanitise(identifier: &str) -> String {
    identifier.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' }).take(60).collect()
}
