//! Domains (the ipdock document, section 5): the built-in zones every account may use, and
//! the account's own custom domains with their delegation check.

use porchlight_api as api;
use rouille::Response;

use super::reply;
use crate::clock::rfc3339;
use crate::domains::{self, Delegation, Listed};
use crate::error::Result;
use crate::http::call::Call;
use crate::model::{CustomDomain, ZoneId};
use crate::names::DomainName;
use crate::Context;

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let expected = domains::expected_nameservers(ctx)?;
    let listed = domains::visible(ctx, call.caller()?, true)?;
    let domains = listed
        .iter()
        .map(|zone| match zone {
            Listed::Builtin(z) => api::Domain {
                id: z.id.to_string(),
                name: z.name.to_string(),
                kind: api::DomainType::Builtin,
                verified: true,
                serial: z.serial,
                nameservers: None,
                created_at: None,
                verified_at: None,
                allow_transfer: None,
                notify: None,
            },
            Listed::Custom(d) => custom(d, &expected),
        })
        .collect();
    Ok(reply(200, &api::DomainList { domains }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewDomain = call.json()?;
    let domain = domains::add(ctx, call.caller()?, &input.name)?;
    Ok(reply(201, &api::DomainEnvelope { domain: custom(&domain, &domains::expected_nameservers(ctx)?) }))
}

pub fn verify(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (domain, status) = domains::verify(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(reply(200, &api::DelegationStatus { domain: custom(&domain, &status.expected), delegation: delegation(&status) }))
}

pub fn delegation_status(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (domain, status) = domains::delegation(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(reply(200, &api::DelegationStatus { domain: custom(&domain, &status.expected), delegation: delegation(&status) }))
}

/// The delegation guide of a built-in zone or a custom domain.
pub fn delegation_guide(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let guide = crate::delegation::guide(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(reply(200, &guide_wire(&guide)))
}

pub(crate) fn guide_wire(guide: &crate::delegation::Guide) -> api::DelegationGuide {
    api::DelegationGuide {
        zone: guide.zone.to_string(),
        records: guide
            .records
            .iter()
            .map(|r| api::ParentRecord { name: r.name.to_string(), kind: r.kind.as_str().to_string(), value: r.value.clone() })
            .collect(),
        delegated: guide.check.delegated,
        asked: guide.check.asked.map(|a| a.to_string()),
        found: guide.check.found.iter().map(ToString::to_string).collect(),
        glue: guide.check.glue.iter().map(|(n, ip)| api::Glue { name: n.to_string(), address: ip.to_string() }).collect(),
        problems: guide.check.problems.clone(),
        message: guide.check.message.clone(),
        dnssec: guide.check.dnssec.clone(),
    }
}

/// `PATCH /api/domains/{id}`: a custom domain's zone-transfer settings, and whether it is signed.
pub fn configure(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::DomainPatch = call.json()?;
    let allow = input.allow_transfer.as_deref().map(|a| crate::transfers::Policy::parse(a, &[])).transpose()?.map(|p| p.allow);
    let notify = input.notify.as_deref().map(|n| crate::transfers::Policy::parse(&[], n)).transpose()?.map(|p| p.notify);
    let settings = domains::Settings { allow, notify, dnssec: input.dnssec };
    let domain = domains::configure(ctx, call.caller()?, &call.id::<ZoneId>("id"), &settings)?;
    Ok(reply(200, &api::DomainEnvelope { domain: custom(&domain, &domains::expected_nameservers(ctx)?) }))
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    domains::delete(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(Response::empty_204())
}

/// `GET /api/domains/{id}/dnssec`: the zone's signing state and what the parent needs.
pub fn dnssec(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let state = crate::zone_keys::dnssec_state(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(reply(200, &dnssec_wire(&state)))
}

/// `POST /api/domains/{id}/dnssec/rollover`: starts a key rollover; the new state.
pub fn rollover(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let state = crate::zones::roll_key(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(reply(200, &dnssec_wire(&state)))
}

fn dnssec_wire(state: &crate::zone_keys::DnssecState) -> api::DnssecStatus {
    api::DnssecStatus {
        zone: state.zone.to_string(),
        signed: state.key.is_some(),
        algorithm: state.key.as_ref().map(|k| k.algorithm.number()),
        key_tag: state.key.as_ref().map(|k| k.tag()),
        ds: state.ds().into_iter().collect(),
        dnskey: state.dnskey(),
        steps: state.steps(),
        rollover: state.rollover.clone(),
    }
}

/// The zone as a zone file (administrators: a built-in zone holds every account's names).
pub fn export(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (name, text) = domains::export(ctx, call.caller()?, &call.id::<ZoneId>("id"))?;
    Ok(Response::from_data("text/dns; charset=utf-8", text)
        .with_additional_header("Content-Disposition", format!("attachment; filename=\"{name}.zone\""))
        .with_additional_header("Cache-Control", "no-store"))
}

fn names(list: &[DomainName]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn custom(d: &CustomDomain, expected: &[DomainName]) -> api::Domain {
    api::Domain {
        id: d.id.to_string(),
        name: d.name.to_string(),
        kind: api::DomainType::Custom,
        verified: d.verified_at.is_some(),
        serial: d.serial,
        nameservers: Some(names(expected)),
        created_at: Some(rfc3339(d.created_at)),
        verified_at: Some(d.verified_at.map(rfc3339)),
        allow_transfer: Some(d.allow_transfer.lines().map(str::to_string).collect()),
        notify: Some(d.notify.lines().map(str::to_string).collect()),
    }
}

fn delegation(status: &Delegation) -> api::Delegation {
    api::Delegation {
        verified: status.verified,
        expected: names(&status.expected),
        found: names(&status.found),
        missing: names(&status.missing),
        message: status.message.clone(),
    }
}
