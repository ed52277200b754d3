//! DNS records (the ipdock document, section 6).

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{body, client_key, limited, reply, session};
use crate::Context;
use crate::records::edit::{self, Input, Patch};
use crate::store::{records::RecordRow, rfc3339};

#[derive(Deserialize)]
struct NewRecord {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: String,
    content: String,
    ttl: Option<u32>,
    priority: Option<u16>,
    weight: Option<u16>,
    port: Option<u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordPatch {
    content: Option<String>,
    ttl: Option<u32>,
    priority: Option<u16>,
    weight: Option<u16>,
    port: Option<u16>,
}

pub fn list(ctx: &Context, request: &Request, zone_id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let rows: Vec<Value> = edit::list(ctx, &user, zone_id)?.iter().map(record_json).collect();
        Ok(reply(200, &json!({"records": rows})))
    })
}

pub fn create(ctx: &Context, request: &Request, zone_id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let r: NewRecord = body(request)?;
        let input = Input { kind: r.kind, name: r.name, content: r.content, ttl: r.ttl, priority: r.priority, weight: r.weight, port: r.port };
        Ok(reply(201, &json!({"record": record_json(&edit::create(ctx, &user, zone_id, &input)?)})))
    })
}

pub fn update(ctx: &Context, request: &Request, zone_id: &str, record_id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let p: RecordPatch = body(request)?;
        let patch = Patch { content: p.content, ttl: p.ttl, priority: p.priority, weight: p.weight, port: p.port };
        Ok(reply(200, &json!({"record": record_json(&edit::update(ctx, &user, zone_id, record_id, &patch)?)})))
    })
}

pub fn delete(ctx: &Context, request: &Request, zone_id: &str, record_id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        edit::delete(ctx, &session(ctx, request)?, zone_id, record_id)?;
        Ok(Response::empty_204())
    })
}

fn record_json(r: &RecordRow) -> Value {
    json!({
        "id": r.id,
        "type": r.kind,
        "name": r.name,
        "content": r.content,
        "ttl": r.ttl,
        "priority": r.priority,
        "weight": r.weight,
        "port": r.port,
        "hostnameId": r.hostname_id,
        "managed": r.managed,
        "createdAt": rfc3339(r.created_at),
        "updatedAt": rfc3339(r.updated_at),
    })
}
