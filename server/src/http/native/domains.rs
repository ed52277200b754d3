//! Domains (the ipdock document, section 5): the built-in zones every account may use.

use rouille::{Request, Response};
use serde_json::{Value, json};

use super::{client_key, limited, reply, session};
use crate::Context;

pub fn list(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        session(ctx, request)?;
        let zones = ctx.store.read(crate::store::zones::list)?;
        let domains: Vec<Value> = zones
            .iter()
            .filter(|z| ctx.zones.iter().any(|s| s.name.as_str() == z.name))
            .map(|z| json!({"id": z.id, "name": z.name, "type": "builtin", "verified": true, "serial": z.serial}))
            .collect();
        Ok(reply(200, &json!({"domains": domains})))
    })
}

/// The zone as a zone file (administrators: a built-in zone holds every account's names).
pub fn export(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        if !user.is_admin {
            return Err(crate::Error::Forbidden("Administrators only".into()));
        }
        let zone = ctx.store.read(|c| crate::store::zones::find_by_id(c, id))?.ok_or(crate::Error::NotFound("Domain"))?;
        let name = crate::names::DomainName::parse(&zone.name)?;
        let text = ctx.catalog.export(&name).ok_or(crate::Error::NotFound("Domain"))?;
        Ok(Response::from_data("text/dns; charset=utf-8", text)
            .with_additional_header("Content-Disposition", format!("attachment; filename=\"{name}.zone\"")))
    })
}
