//! The acme-dns API (acme.sh `dns_acmedns`, lego `acmedns`, certbot-dns-acmedns,
//! cert-manager): `POST /register`, `POST /update` with `X-Api-User`/`X-Api-Key`, errors as
//! `{"error": "<code>"}` with acme-dns's codes.

use ipnet::IpNet;
use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::json;

use super::caller;
use crate::Context;
use crate::error::Error;
use crate::store::users::UserRow;

#[derive(Deserialize, Default)]
struct RegisterBody {
    #[serde(default)]
    allowfrom: Vec<String>,
}

#[derive(Deserialize)]
struct UpdateBody {
    subdomain: String,
    txt: String,
}

pub fn register(ctx: &Context, request: &Request) -> Response {
    super::limited(&ctx.limits.api, &super::client_key(ctx, request), error, || {
        let text = super::body_text(request).map_err(|_| Error::BadRequest("malformed_json_payload".into()))?;
        let input: RegisterBody = if text.trim().is_empty() { RegisterBody::default() } else { parse(&text)? };
        let allow_from = input
            .allowfrom
            .iter()
            .map(|n| n.trim().parse::<IpNet>().map_err(|_| Error::BadRequest("invalid_allowfrom_cidr".into())))
            .collect::<Result<Vec<_>, _>>()?;
        let source = caller::client_ip(request, &ctx.config.trusted_proxies);
        let owner = owner(ctx, request)?;
        let account = crate::acme::register(ctx, owner, source, allow_from)?;
        Ok(reply(201, &json!({
            "username": account.username,
            "password": account.password,
            "fulldomain": account.fulldomain,
            "subdomain": account.subdomain,
            "allowfrom": account.allow_from.iter().map(IpNet::to_string).collect::<Vec<_>>(),
        })))
    })
}

pub fn update(ctx: &Context, request: &Request) -> Response {
    super::limited(&ctx.limits.api, &super::client_key(ctx, request), error, || {
        let user = request.header("X-Api-User").unwrap_or_default();
        let key = request.header("X-Api-Key").unwrap_or_default();
        if user.is_empty() || key.is_empty() {
            return Err(Error::NoCredentials);
        }
        let input: UpdateBody = parse(&super::body_text(request).map_err(|_| Error::BadRequest("malformed_json_payload".into()))?)?;
        if input.txt.is_empty() {
            return Err(Error::BadRequest("bad_txt".into()));
        }
        let source = caller::client_ip(request, &ctx.config.trusted_proxies);
        crate::acme::update(ctx, user.trim(), key.trim(), &input.subdomain, &input.txt, source)?;
        Ok(reply(200, &json!({"txt": input.txt})))
    })
}

/// Who registers: the account of the credentials given (an API key with `write:records`,
/// or a session), or nobody (then the source address decides).
fn owner(ctx: &Context, request: &Request) -> Result<Option<UserRow>, Error> {
    let credentials = caller::credentials(request);
    if credentials.secrets.is_empty() {
        return Ok(None);
    }
    let key = crate::tokens::authenticate(ctx, &credentials.secrets, |t| {
        t.hostname_id.is_none() && crate::tokens::has_scope(t, "write:records")
    });
    match key {
        Ok(caller) => Ok(Some(caller.user)),
        Err(_) => credentials
            .secrets
            .iter()
            .find_map(|s| crate::session::verify(ctx, s).ok())
            .map(Some)
            .ok_or(Error::BadAuth),
    }
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|_| Error::BadRequest("malformed_json_payload".into()))
}

fn reply(status: u16, body: &serde_json::Value) -> Response {
    Response::json(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// The one mapping of domain errors to acme-dns answers.
fn error(e: &Error) -> Response {
    let (status, code) = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin | Error::Forbidden(_) => (401, "forbidden".to_string()),
        Error::PlanLimit(m) => (403, m.clone()),
        Error::RateLimited { retry_after } => {
            return reply(429, &json!({"error": "too_many_requests"}))
                .with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string());
        }
        Error::BadRequest(code) => (400, code.clone()),
        Error::Invalid(m) if m == "bad_subdomain" => (400, m.clone()),
        Error::Invalid(_) => (400, "bad_txt".to_string()),
        Error::NotFound(_) | Error::Conflict(_) | Error::BadAddress(_) | Error::TooManyHosts { .. } => (400, "bad_request".to_string()),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "acme-dns request failed");
            (500, "internal_error".to_string())
        }
    };
    reply(status, &json!({"error": code}))
}
