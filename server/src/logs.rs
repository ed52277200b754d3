//! The account's event log as callers read it: newest first, in pages.

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::LogLine;
use crate::store;

/// Lines per page unless asked otherwise, and at most.
pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;

/// One page of the log.
pub struct Page {
    pub lines: Vec<LogLine>,
    /// From 1.
    pub number: u32,
    pub per_page: u32,
}

/// Page `number` (from 1) of the caller's account's log, `per_page` (1 to [`MAX_PER_PAGE`])
/// lines long.
pub fn page(ctx: &Context, caller: &Caller, number: u32, per_page: u32) -> Result<Page> {
    let account = caller.may(Permission::ReadAccount)?;
    if number == 0 {
        return Err(Error::invalid_field("/page", "page counts from 1"));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Error::invalid_field("/perPage", format!("perPage is 1 to {MAX_PER_PAGE}")));
    }
    // Whoever reads the log wants the failed updates of the last minute in it too.
    crate::attempts::flush(ctx)?;
    let lines = ctx.store.read(|c| store::history::log(c, &account.id, per_page, (number - 1).saturating_mul(per_page)))?;
    Ok(Page { lines, number, per_page })
}

/// What an account did in the last 24 hours: accepted address changes, and record changes
/// through the APIs.
pub struct Activity {
    pub updates: i64,
    pub record_changes: i64,
}

pub fn last_day(ctx: &Context, caller: &Caller) -> Result<Activity> {
    let account = caller.may(Permission::ReadAccount)?;
    let day_ago = crate::clock::now() - 86_400;
    ctx.store.read(|c| {
        Ok(Activity {
            updates: store::hostnames::changes_since(c, &account.id, day_ago)?,
            record_changes: store::history::count_since(c, &account.id, "record %", day_ago)?,
        })
    })
}
