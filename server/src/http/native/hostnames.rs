//! Hostnames (the ipdock document, section 4), with each one's address history.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{body, client_key, limited, reply, session, token_json};
use crate::hostnames::{self, HostView};
use crate::store::rfc3339;
use crate::Context;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewHostname {
    domain_id: String,
    name: String,
    ttl: Option<u32>,
}

/// `PATCH /api/hostnames/{id}`: `ttl`, and `ipv6InterfaceId` (null stops following the
/// account's IPv6 prefix).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HostnamePatch {
    ttl: Option<u32>,
    #[serde(default, deserialize_with = "super::present")]
    ipv6_interface_id: Option<Option<String>>,
    /// Split horizon: what LAN clients get instead of the public addresses (null clears).
    #[serde(default, deserialize_with = "super::present")]
    lan_ipv4: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::present")]
    lan_ipv6: Option<Option<String>>,
}

pub fn list(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let hosts: Vec<Value> = hostnames::list(ctx, &user)?.iter().map(hostname_json).collect();
        Ok(reply(200, &json!({"hostnames": hosts})))
    })
}

pub fn create(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let input: NewHostname = body(request)?;
        let created = hostnames::create_in_zone(ctx, &user, &input.domain_id, &input.name, input.ttl)?;
        let token = ctx.store.read(|c| crate::store::tokens::find_for_user(c, &user.id, &created.token_id))?;
        let view = HostView { host: created.host, v4: None, v6: None, last_source: None, lan_v4: None, lan_v6: None };
        let mut token = token.as_ref().map(token_json).unwrap_or_else(|| json!({}));
        token["tokenValue"] = json!(created.token);
        Ok(reply(201, &json!({"hostname": hostname_json(&view), "token": token})))
    })
}

pub fn get(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        Ok(reply(200, &json!({"hostname": hostname_json(&hostnames::get(ctx, &user, id)?)})))
    })
}

pub fn configure(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let patch: HostnamePatch = body(request)?;
        let settings = hostnames::Settings {
            ttl: patch.ttl,
            interface_id: patch.ipv6_interface_id.as_ref().map(|o| o.as_deref()),
            lan_v4: patch.lan_ipv4.as_ref().map(|o| o.as_deref()),
            lan_v6: patch.lan_ipv6.as_ref().map(|o| o.as_deref()),
        };
        let view = hostnames::configure(ctx, &user, id, &settings)?;
        Ok(reply(200, &json!({"hostname": hostname_json(&view)})))
    })
}

pub fn history(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let limit = request.get_param("limit").and_then(|l| l.parse().ok()).unwrap_or(100);
        let rows: Vec<Value> = hostnames::history(ctx, &user, id, limit)?
            .into_iter()
            .map(|h| {
                json!({
                    "at": rfc3339(h.at), "type": h.kind, "old": h.old, "new": h.new,
                    "source": h.source, "userAgent": h.user_agent, "dialect": h.dialect,
                })
            })
            .collect();
        Ok(reply(200, &json!({"history": rows})))
    })
}

pub fn delete(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        hostnames::delete(ctx, &session(ctx, request)?, id)?;
        Ok(Response::empty_204())
    })
}

fn hostname_json(view: &HostView) -> Value {
    let host = &view.host;
    json!({
        "id": host.id,
        "name": host.name.split('.').next().unwrap_or(&host.name),
        "fqdn": host.name,
        "domainId": host.zone_id,
        "ttl": host.ttl,
        "ipv4": view.v4,
        "ipv6": view.v6,
        "ipv6InterfaceId": host.ipv6_interface_id,
        "lanIpv4": view.lan_v4,
        "lanIpv6": view.lan_v6,
        "lastUpdate": host.updated_at.map(rfc3339),
        "lastSource": view.last_source,
        "createdAt": rfc3339(host.created_at),
    })
}
