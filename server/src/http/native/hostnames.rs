//! Hostnames (the ipdock document, section 4), with each one's address history.

use porchlight_api as api;
use rouille::Response;

use super::{reply, token};
use crate::clock::rfc3339;
use crate::error::Result;
use crate::hostnames::{self, HostView};
use crate::http::call::Call;
use crate::model::{HostId, ZoneId};
use crate::Context;

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let hosts = hostnames::list(ctx, call.caller()?)?;
    Ok(reply(200, &api::HostnameList { hostnames: hosts.iter().map(hostname).collect() }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewHostname = call.json()?;
    let created = hostnames::create_in_zone(ctx, call.caller()?, &ZoneId::from(input.domain_id.as_str()), &input.name, input.ttl)?;
    let view = HostView { host: created.host, v4: None, v6: None, last_source: None, lan_v4: None, lan_v6: None, attempts: Default::default() };
    let issued = api::IssuedToken { token: token(&created.token), token_value: created.secret };
    Ok(reply(201, &api::HostnameCreated { hostname: hostname(&view), token: issued }))
}

pub fn get(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let view = hostnames::get(ctx, call.caller()?, &call.id::<HostId>("id"))?;
    Ok(reply(200, &api::HostnameEnvelope { hostname: hostname(&view) }))
}

/// `PATCH /api/hostnames/{id}`: `ttl`, `ipv6InterfaceId` (null stops following the account's
/// IPv6 prefix), and the split-horizon LAN addresses (null clears).
pub fn configure(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let patch: api::HostnamePatch = call.json()?;
    let settings = hostnames::Settings {
        ttl: patch.ttl,
        interface_id: patch.ipv6_interface_id.as_ref().map(|o| o.as_deref()),
        lan_v4: patch.lan_ipv4.as_ref().map(|o| o.as_deref()),
        lan_v6: patch.lan_ipv6.as_ref().map(|o| o.as_deref()),
        stale_after_hours: patch.stale_after_hours,
    };
    let view = hostnames::configure(ctx, call.caller()?, &call.id::<HostId>("id"), &settings)?;
    Ok(reply(200, &api::HostnameEnvelope { hostname: hostname(&view) }))
}

pub fn history(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let limit = call.number("limit", 100)?;
    let rows = hostnames::history(ctx, call.caller()?, &call.id::<HostId>("id"), limit)?;
    let history = rows
        .into_iter()
        .map(|h| api::HistoryEntry {
            at: rfc3339(h.at),
            kind: h.kind,
            old: h.old,
            new: h.new,
            source: h.source,
            user_agent: h.user_agent,
            dialect: h.dialect,
        })
        .collect();
    Ok(reply(200, &api::History { history }))
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    hostnames::delete(ctx, call.caller()?, &call.id::<HostId>("id"))?;
    Ok(Response::empty_204())
}

fn hostname(view: &HostView) -> api::Hostname {
    let host = &view.host;
    api::Hostname {
        id: host.id.to_string(),
        name: host.name.first_label().to_string(),
        fqdn: host.name.to_string(),
        domain_id: host.zone_id.to_string(),
        ttl: host.ttl,
        ipv4: view.v4.clone(),
        ipv6: view.v6.clone(),
        ipv6_interface_id: host.ipv6_interface_id.clone(),
        lan_ipv4: view.lan_v4.clone(),
        lan_ipv6: view.lan_v6.clone(),
        last_update: host.updated_at.map(rfc3339),
        last_source: view.last_source.clone(),
        created_at: rfc3339(host.created_at),
        last_attempt: view.attempts.last.as_ref().map(|a| api::Attempt {
            at: rfc3339(a.at),
            result: a.result.clone(),
            source: a.source.clone(),
            user_agent: a.user_agent.clone(),
            dialect: a.dialect.clone(),
        }),
        attempts: view.attempts.counts.clone(),
        failures_in_a_row: view.attempts.failures_in_a_row,
        failing_since: view.attempts.failing_since.map(rfc3339),
        last_success: view.attempts.last_success_at.map(rfc3339),
        stale_after_hours: host.stale_after_hours,
    }
}
