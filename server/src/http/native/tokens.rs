//! Tokens (the ipdock document, section 7): hostname tokens and scoped account API keys.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{body, client_key, limited, reply, session, token_json};
use crate::tokens::{self, Issued};
use crate::Context;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewToken {
    hostname_id: Option<String>,
    #[serde(default)]
    label: String,
    #[serde(default)]
    scopes: Vec<String>,
}

pub fn list(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let list: Vec<Value> = tokens::list(ctx, &user)?.iter().map(token_json).collect();
        Ok(reply(200, &json!({"tokens": list})))
    })
}

pub fn create(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let input: NewToken = body(request)?;
        let issued = tokens::create(ctx, &user, input.hostname_id.as_deref(), &input.label, &input.scopes)?;
        Ok(reply(201, &json!({"token": with_secret(&issued)})))
    })
}

pub fn regenerate(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        let issued = tokens::regenerate(ctx, &session(ctx, request)?, id)?;
        Ok(reply(200, &json!({"token": with_secret(&issued)})))
    })
}

pub fn delete(ctx: &Context, request: &Request, id: &str) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || {
        tokens::delete(ctx, &session(ctx, request)?, id)?;
        Ok(Response::empty_204())
    })
}

fn with_secret(issued: &Issued) -> Value {
    let mut value = token_json(&issued.token);
    value["tokenValue"] = json!(issued.secret);
    value
}
