//! The native management API — the ipdock document: JSON in and out, errors as
//! `{"error": …}` with the document's status codes, mapped from the domain error in `error`
//! only, and `X-RateLimit-*` headers on every answer.

pub mod admin;
pub mod auth;
pub mod domains;
pub mod hostnames;
pub mod logs;
pub mod records;
pub mod tokens;
pub mod tsig_keys;
pub mod update;

use rouille::{Request, Response};
use serde::Serialize;
use serde_json::json;

use crate::Context;
use crate::error::Error;
use crate::ratelimit::Limiter;
use crate::store::users::UserRow;

/// The one mapping of domain errors to the native API's JSON.
pub fn error(e: &Error) -> Response {
    let (status, message) = match e {
        Error::NoCredentials => {
            return reply(401, &json!({"error": "Unauthorized"})).with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\"");
        }
        Error::BadAuth => (401, "Invalid API token".to_string()),
        Error::BadLogin => (401, "Invalid email or password".to_string()),
        Error::Forbidden(m) => (403, m.clone()),
        Error::PlanLimit(m) => {
            return reply(403, &json!({"error": m, "code": "PLAN_LIMIT", "upgrade": true}));
        }
        Error::NotFound(what) => (404, format!("{what} not found")),
        Error::Conflict(m) => (409, m.clone()),
        Error::BadRequest(m) => (400, m.clone()),
        Error::Invalid(m) => (422, m.clone()),
        Error::BadAddress(a) => (422, format!("Invalid IP address: {a}")),
        Error::TooManyHosts { max } => (422, format!("At most {max} hostnames per request")),
        Error::RateLimited { retry_after } => {
            return reply(429, &json!({"error": "Too many requests"}))
                .with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string());
        }
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "API request failed");
            (500, "Internal server error".to_string())
        }
    };
    reply(status, &json!({"error": message}))
}

pub fn reply(status: u16, value: &impl Serialize) -> Response {
    Response::json(value).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

use super::json_body as body;

/// For `Option<Option<T>>` fields: absent → None, `null` → Some(None), a value → Some(Some).
fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// The signed-in account (a `Bearer` session token).
fn session(ctx: &Context, request: &Request) -> Result<UserRow, Error> {
    let header = request.header("Authorization").ok_or(Error::NoCredentials)?;
    let token = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).ok_or(Error::NoCredentials)?;
    crate::session::verify(ctx, token.trim())
}

/// Runs `handle` within `limiter`'s budget for `key`, errors in the native format.
fn limited(limiter: &Limiter, key: &str, handle: impl FnOnce() -> Result<Response, Error>) -> Response {
    super::limited(limiter, key, error, handle)
}

use super::client_key;

/// An account as the API shows it.
fn user_json(user: &UserRow) -> serde_json::Value {
    json!({
        "id": user.id,
        "email": user.email,
        "plan": user.plan,
        "isAdmin": user.is_admin,
        "createdAt": crate::store::rfc3339(user.created_at),
    })
}

/// A token as listings show it: never its secret.
fn token_json(token: &crate::store::tokens::TokenRow) -> serde_json::Value {
    json!({
        "id": token.id,
        "label": token.label,
        "prefix": token.prefix,
        "hostnameId": token.hostname_id,
        "scopes": token.scopes.split_whitespace().collect::<Vec<_>>(),
        "createdAt": crate::store::rfc3339(token.created_at),
        "lastUsedAt": token.last_used_at.map(crate::store::rfc3339),
    })
}
