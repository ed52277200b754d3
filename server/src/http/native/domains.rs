//! Domains (the ipdock document, section 5): the built-in zones every account may use, and
//! the account's own custom domains with their delegation check.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{body, client_key, limited, reply, session};
use crate::domains::{self, Delegation};
use crate::store::{rfc3339, zones::CustomRow};
use crate::Context;

pub fn list(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let zones = ctx.store.read(crate::store::zones::list)?;
        let mut domains: Vec<Value> = zones
            .iter()
            .filter(|z| ctx.zones.iter().any(|s| s.name.as_str() == z.name))
            .map(|z| json!({"id": z.id, "name": z.name, "type": "builtin", "verified": true, "serial": z.serial}))
            .collect();
        let expected = ctx.config.delegation_nameservers()?;
        domains.extend(domains::list(ctx, &user)?.iter().map(|d| custom_json(d, &expected)));
        Ok(reply(200, &json!({"domains": domains})))
    })
}

#[derive(Deserialize)]
struct NewDomain {
    name: String,
}

pub fn create(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let input: NewDomain = body(request)?;
        let domain = domains::add(ctx, &user, &input.name)?;
        Ok(reply(201, &json!({"domain": custom_json(&domain, &ctx.config.delegation_nameservers()?)})))
    })
}

pub fn verify(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let (domain, status) = domains::verify(ctx, &session(ctx, request)?, id)?;
        Ok(reply(200, &json!({"domain": custom_json(&domain, &status.expected), "delegation": delegation_json(&status)})))
    })
}

pub fn delegation_status(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let (domain, status) = domains::delegation(ctx, &session(ctx, request)?, id)?;
        Ok(reply(200, &json!({"domain": custom_json(&domain, &status.expected), "delegation": delegation_json(&status)})))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Transfers {
    #[serde(default)]
    allow_transfer: Vec<String>,
    #[serde(default)]
    notify: Vec<String>,
}

/// `PATCH /api/domains/{id}`: a custom domain's zone-transfer settings.
pub fn configure(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let input: Transfers = body(request)?;
        let policy = crate::transfers::Policy::parse(&input.allow_transfer, &input.notify)?;
        let domain = domains::set_transfers(ctx, &user, id, &policy)?;
        Ok(reply(200, &json!({"domain": custom_json(&domain, &ctx.config.delegation_nameservers()?)})))
    })
}

pub fn delete(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        domains::delete(ctx, &session(ctx, request)?, id)?;
        Ok(Response::empty_204())
    })
}

fn custom_json(d: &CustomRow, expected: &[crate::names::DomainName]) -> Value {
    json!({
        "id": d.id,
        "name": d.name,
        "type": "custom",
        "verified": d.verified_at.is_some(),
        "serial": d.serial,
        "nameservers": expected.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "createdAt": rfc3339(d.created_at),
        "verifiedAt": d.verified_at.map(rfc3339),
        "allowTransfer": d.allow_transfer.lines().collect::<Vec<_>>(),
        "notify": d.notify.lines().collect::<Vec<_>>(),
    })
}

fn delegation_json(status: &Delegation) -> Value {
    let names = |list: &[crate::names::DomainName]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    json!({
        "verified": status.verified,
        "expected": names(&status.expected),
        "found": names(&status.found),
        "missing": names(&status.missing),
        "message": status.message,
    })
}

/// The zone as a zone file (administrators: a built-in zone holds every account's names).
pub fn export(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let own_domain = ctx.store.read(|c| Ok(domains::owned(c, &user, id).is_ok()))?;
        if !user.is_admin && !own_domain {
            return Err(crate::Error::Forbidden("Administrators only".into()));
        }
        let zone = ctx.store.read(|c| crate::store::zones::find_by_id(c, id))?.ok_or(crate::Error::NotFound("Domain"))?;
        let name = crate::names::DomainName::parse(&zone.name)?;
        let text = ctx.catalog.export(&name).ok_or(crate::Error::NotFound("Domain"))?;
        Ok(Response::from_data("text/dns; charset=utf-8", text)
            .with_additional_header("Content-Disposition", format!("attachment; filename=\"{name}.zone\"")))
    })
}
