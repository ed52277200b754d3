//! First-run setup: while no administrator exists, each start makes a one-time setup code
//! and prints a link with it; whoever opens the link creates the first administrator. The
//! code is kept only as a hash and stops working once an administrator exists.

use crate::Context;
use crate::error::{Error, Result};
use crate::model::Account;
use crate::store;

const CODE_KEY: &str = "setup_code_hash";

/// Whether the appliance still needs its first administrator.
pub fn needed(ctx: &Context) -> Result<bool> {
    Ok(ctx.store.read(store::users::count_admins)? == 0)
}

/// A fresh setup code when no administrator exists (the previous one stops working).
pub fn new_code(ctx: &Context) -> Result<Option<String>> {
    if !needed(ctx)? {
        return Ok(None);
    }
    let code = crate::token::generate();
    ctx.store.write(|tx| store::settings::set(tx, CODE_KEY, &code.hash))?;
    Ok(Some(code.secret))
}

/// Creates the first administrator with the setup code.
pub fn complete(ctx: &Context, code: &str, email: &str, password: &str) -> Result<Account> {
    if !needed(ctx)? {
        return Err(Error::Conflict("This appliance has an administrator already; sign in instead".into()));
    }
    let stored = ctx.store.read(|c| store::settings::get(c, CODE_KEY))?.unwrap_or_default();
    if !crate::token::hashes_match(&stored, &crate::token::hash(code.trim())) {
        return Err(Error::Forbidden("The setup code is not valid; use the link the appliance printed when it started".into()));
    }
    let id = crate::accounts::create(&ctx.store, email, password, true)?;
    ctx.store.write(|tx| store::settings::set(tx, CODE_KEY, ""))?;
    ctx.store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))
}
