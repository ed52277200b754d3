//! Operations: health, Prometheus metrics, and the native API's OpenAPI document.

use rouille::Response;

use super::call::Call;
use crate::Context;
use crate::error::Result;

pub fn health(_: &Context, _: &Call<'_>) -> Result<Response> {
    Ok(Response::text("ok"))
}

/// `/metrics` in the Prometheus text format.
pub fn metrics(ctx: &Context, _: &Call<'_>) -> Result<Response> {
    let text = ctx.metrics.render(ctx)?;
    Ok(Response::from_data("text/plain; version=0.0.4; charset=utf-8", text))
}

pub fn openapi(ctx: &Context, _: &Call<'_>) -> Result<Response> {
    Ok(Response::from_data("application/json", super::openapi_document(ctx)))
}
