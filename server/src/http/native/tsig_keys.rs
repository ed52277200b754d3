//! TSIG keys for RFC 2136 updates and signed zone transfers.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{body, client_key, limited, reply, session};
use crate::store::{rfc3339, tsig_keys::KeyRow};
use crate::Context;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewKey {
    name: String,
    #[serde(default = "default_algorithm")]
    algorithm: String,
    #[serde(default)]
    allow: Vec<String>,
}

fn default_algorithm() -> String {
    "hmac-sha256".into()
}

pub fn list(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let keys: Vec<Value> = crate::tsig_keys::list(ctx, &session(ctx, request)?)?.iter().map(key_json).collect();
        Ok(reply(200, &json!({"keys": keys})))
    })
}

pub fn create(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let input: NewKey = body(request)?;
        let created = crate::tsig_keys::create(ctx, &user, &input.name, &input.algorithm, &input.allow)?;
        let mut key = key_json(&created.key);
        key["secret"] = json!(created.key.secret);
        key["nsupdate"] = json!(created.nsupdate);
        Ok(reply(201, &json!({"key": key})))
    })
}

pub fn delete(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        crate::tsig_keys::delete(ctx, &session(ctx, request)?, id)?;
        Ok(Response::empty_204())
    })
}

fn key_json(key: &KeyRow) -> Value {
    json!({
        "id": key.id,
        "name": key.name,
        "algorithm": key.algorithm,
        "allow": key.allow.lines().collect::<Vec<_>>(),
        "createdAt": rfc3339(key.created_at),
        "lastUsedAt": key.last_used_at.map(rfc3339),
    })
}
