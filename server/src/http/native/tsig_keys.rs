//! TSIG keys for RFC 2136 updates and signed zone transfers.

use porchlight_api as api;
use rouille::Response;

use super::reply;
use crate::clock::rfc3339;
use crate::error::Result;
use crate::http::call::Call;
use crate::model::{TsigKey, TsigKeyId};
use crate::Context;

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let keys = crate::tsig_keys::list(ctx, call.caller()?)?;
    Ok(reply(200, &api::TsigKeyList { keys: keys.iter().map(key).collect() }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewTsigKey = call.json()?;
    let created = crate::tsig_keys::create(ctx, call.caller()?, &input.name, &input.algorithm, &input.allow)?;
    let key = api::CreatedTsigKey { key: key(&created.key), secret: created.key.secret.clone(), nsupdate: created.nsupdate };
    Ok(reply(201, &api::CreatedTsigKeyEnvelope { key }))
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    crate::tsig_keys::delete(ctx, call.caller()?, &call.id::<TsigKeyId>("id"))?;
    Ok(Response::empty_204())
}

fn key(key: &TsigKey) -> api::TsigKey {
    api::TsigKey {
        id: key.id.to_string(),
        name: key.name.clone(),
        algorithm: key.algorithm.clone(),
        allow: key.allow.lines().map(str::to_string).collect(),
        created_at: rfc3339(key.created_at),
        last_used_at: key.last_used_at.map(rfc3339),
    }
}
