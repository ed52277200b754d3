//! Partner embedding (the PocketDNS dialect): a partner (an administrator's API key with
//! the `partner` scope) creates or finds its users by its own identifier, signs them into
//! the web UI with single-use login links, and manages the DNS of their domains. A partner
//! reaches only the accounts it created.

use crate::Context;
use crate::error::{Error, Result};
use crate::store::{self, users::UserRow, zones::CustomRow};
use crate::tokens::Caller;

/// How long a login link is valid.
const LINK_SECONDS: i64 = 24 * 3600;
/// Longest partner user identifier.
const MAX_IDENTIFIER: usize = 200;

/// The partner's user `identifier`, created (with `email`, or an address that cannot
/// receive mail) when new. Returns the account and whether it was created.
pub fn ensure_user(ctx: &Context, partner: &Caller, identifier: &str, email: Option<&str>) -> Result<(UserRow, bool)> {
    partner.require("partner")?;
    let identifier = identifier.trim();
    if identifier.is_empty() || identifier.len() > MAX_IDENTIFIER || identifier.chars().any(char::is_control) {
        return Err(Error::Invalid(format!("user_identifier is required (1 to {MAX_IDENTIFIER} characters)")));
    }
    if let Some(id) = ctx.store.read(|c| store::partners::find_user(c, &partner.token.id, identifier))? {
        return Ok((ctx.store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))?, false));
    }
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => email.to_string(),
        None => format!("{}@partner-{}.invalid", sanitise(identifier), &partner.token.id[..8]),
    };
    // An account that exists already is not handed to a partner because it knows the address.
    if ctx.store.read(|c| store::users::find_by_email(c, &email))?.is_some() {
        return Err(Error::Invalid(format!("An account with e-mail {email} exists already")));
    }
    let password = crate::token::generate().secret;
    let id = crate::accounts::create(&ctx.store, &email, &password, false)?;
    ctx.store.write(|tx| {
        store::partners::insert_user(tx, &partner.token.id, identifier, &id)?;
        store::history::event(tx, Some(&partner.user.id), "partner user created", identifier, &email, "api")
    })?;
    Ok((ctx.store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))?, true))
}

/// A single-use code signing `user` into the web UI within 24 hours.
pub fn login_link(ctx: &Context, user: &UserRow) -> Result<String> {
    let code = crate::token::generate();
    ctx.store.write(|tx| store::partners::insert_link(tx, &code.hash, &user.id, store::now() + LINK_SECONDS))?;
    Ok(code.secret)
}

/// Redeems a login link's code for its account.
pub fn redeem(ctx: &Context, code: &str) -> Result<UserRow> {
    let id = ctx.store.write(|tx| store::partners::redeem_link(tx, &crate::token::hash(code.trim())))?;
    let user = id.and_then(|id| ctx.store.read(|c| store::users::find_by_id(c, &id)).ok().flatten());
    user.filter(|u| !u.disabled).ok_or_else(|| Error::Invalid("This login link is not valid (used, expired or unknown)".into()))
}

/// The partner's user `identifier`.
pub fn user(ctx: &Context, partner: &Caller, identifier: &str) -> Result<UserRow> {
    partner.require("partner")?;
    let id = ctx.store.read(|c| store::partners::find_user(c, &partner.token.id, identifier.trim()))?.ok_or(Error::NotFound("User"))?;
    ctx.store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))
}

/// Custom domain `id` of one of the partner's users, with its owner.
pub fn domain(ctx: &Context, partner: &Caller, id: &str) -> Result<(CustomRow, UserRow)> {
    partner.require("partner")?;
    ctx.store.read(|c| {
        let domain = store::zones::find_custom(c, id)?.ok_or(Error::NotFound("Domain"))?;
        if !store::partners::knows(c, &partner.token.id, &domain.owner_id)? {
            return Err(Error::NotFound("Domain"));
        }
        let owner = store::users::find_by_id(c, &domain.owner_id)?.ok_or(Error::NotFound("Domain"))?;
        Ok((domain, owner))
    })
}

/// Record `id` in a domain of one of the partner's users, with the domain and its owner.
pub fn record(ctx: &Context, partner: &Caller, id: &str) -> Result<(store::records::RecordRow, CustomRow, UserRow)> {
    partner.require("partner")?;
    let row = ctx.store.read(|c| store::records::find_by_id(c, id))?.ok_or(Error::NotFound("DNS record"))?;
    let (domain, owner) = domain(ctx, partner, &row.zone_id).map_err(|_| Error::NotFound("DNS record"))?;
    Ok((row, domain, owner))
}

fn sanitise(identifier: &str) -> String {
    identifier.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' }).take(60).collect()
}
