//! Tokens (the ipdock document, section 7): hostname tokens and scoped account API keys.

use porchlight_api as api;
use rouille::Response;

use super::{reply, token};
use crate::error::Result;
use crate::http::call::Call;
use crate::model::{HostId, TokenId};
use crate::tokens::{self, Issued};
use crate::Context;

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let list = tokens::list(ctx, call.caller()?)?;
    Ok(reply(200, &api::TokenList { tokens: list.iter().map(token).collect() }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewToken = call.json()?;
    let host = input.hostname_id.as_deref().map(HostId::from);
    let issued = tokens::create(ctx, call.caller()?, host.as_ref(), &input.label, &input.scopes)?;
    Ok(reply(201, &api::IssuedTokenEnvelope { token: with_secret(issued) }))
}

pub fn regenerate(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let issued = tokens::regenerate(ctx, call.caller()?, &call.id::<TokenId>("id"))?;
    Ok(reply(200, &api::IssuedTokenEnvelope { token: with_secret(issued) }))
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    tokens::delete(ctx, call.caller()?, &call.id::<TokenId>("id"))?;
    Ok(Response::empty_204())
}

fn with_secret(issued: Issued) -> api::IssuedToken {
    api::IssuedToken { token: token(&issued.token), token_value: issued.secret }
}
