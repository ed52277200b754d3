//! The account's log: logins, token, hostname and record changes, and address updates,
//! newest first, paged.

use porchlight_api as api;
use rouille::Response;

use super::reply;
use crate::clock::rfc3339;
use crate::error::Result;
use crate::http::call::Call;
use crate::Context;

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let page = crate::logs::page(ctx, call.caller()?, call.number("page", 1)?, call.number("perPage", crate::logs::DEFAULT_PER_PAGE)?)?;
    let logs = page
        .lines
        .into_iter()
        .map(|l| api::LogEntry { at: rfc3339(l.at), kind: l.kind, subject: l.subject, detail: l.detail, source: l.source })
        .collect();
    Ok(reply(200, &api::LogPage { logs, page: page.number, per_page: page.per_page }))
}
