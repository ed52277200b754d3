//! The account's log: logins, token, hostname and record changes, and address updates,
//! newest first, paged.

use rouille::{Request, Response};
use serde_json::{Value, json};

use super::{client_key, limited, reply, session};
use crate::Context;
use crate::store::{self, rfc3339};

const MAX_PER_PAGE: u32 = 200;

pub fn list(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let number = |name: &str, default: u32| request.get_param(name).and_then(|v| v.parse::<u32>().ok()).unwrap_or(default);
        let page = number("page", 1).max(1);
        let per_page = number("perPage", 50).clamp(1, MAX_PER_PAGE);
        let lines = ctx.store.read(|c| store::history::log(c, &user.id, per_page, (page - 1).saturating_mul(per_page)))?;
        let logs: Vec<Value> = lines
            .into_iter()
            .map(|l| json!({"at": rfc3339(l.at), "kind": l.kind, "subject": l.subject, "detail": l.detail, "source": l.source}))
            .collect();
        Ok(reply(200, &json!({"logs": logs, "page": page, "perPage": per_page})))
    })
}
