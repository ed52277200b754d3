//! DNS records (the ipdock document, section 6).

use porchlight_api as api;
use rouille::Response;

use super::reply;
use crate::clock::rfc3339;
use crate::error::Result;
use crate::http::call::Call;
use crate::model::{RecordId, StoredRecord, ZoneId};
use crate::records::edit::{self, Input, Patch};
use crate::Context;

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let rows = edit::list(ctx, call.caller()?, &call.id::<ZoneId>("domainId"))?;
    Ok(reply(200, &api::RecordList { records: rows.iter().map(record).collect() }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let r: api::NewRecord = call.json()?;
    let input = Input { kind: r.kind, name: r.name, content: r.content, ttl: r.ttl, priority: r.priority, weight: r.weight, port: r.port };
    let made = edit::create(ctx, call.caller()?, &call.id::<ZoneId>("domainId"), &input)?;
    Ok(reply(201, &api::RecordEnvelope { record: record(&made) }))
}

pub fn update(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let p: api::RecordPatch = call.json()?;
    let patch = Patch { kind: p.kind, name: p.name, content: p.content, ttl: p.ttl, priority: p.priority, weight: p.weight, port: p.port };
    let changed = edit::update(ctx, call.caller()?, &call.id::<ZoneId>("domainId"), &call.id::<RecordId>("recordId"), &patch)?;
    Ok(reply(200, &api::RecordEnvelope { record: record(&changed) }))
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    edit::delete(ctx, call.caller()?, &call.id::<ZoneId>("domainId"), &call.id::<RecordId>("recordId"))?;
    Ok(Response::empty_204())
}

fn record(r: &StoredRecord) -> api::Record {
    api::Record {
        id: r.id.to_string(),
        kind: r.kind.to_string(),
        name: r.name.to_string(),
        content: r.content.clone(),
        ttl: r.ttl,
        priority: r.priority,
        weight: r.weight,
        port: r.port,
        hostname_id: r.hostname_id.as_ref().map(ToString::to_string),
        managed: r.managed,
        created_at: rfc3339(r.created_at),
        updated_at: rfc3339(r.updated_at),
    }
}
