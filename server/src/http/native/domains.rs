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
