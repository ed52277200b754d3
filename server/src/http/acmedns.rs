//! The acme-dns API (acme.sh `dns_acmedns`, lego `acmedns`, certbot-dns-acmedns,
//! cert-manager): `POST /register`, `POST /update` with `X-Api-User`/`X-Api-Key`, errors as
//! `{"error": "<code>"}` with acme-dns's codes.

use ipnet::IpNet;
use rouille::Response;
use serde::{Deserialize, Serialize};

use super::reply;
use super::call::Call;
use crate::Context;
use crate::auth::Credentials;
use crate::error::{Error, Result};

#[derive(Deserialize, Default)]
struct RegisterBody {
    #[serde(default)]
    allowfrom: Vec<String>,
}

#[derive(Serialize)]
struct Registered {
    username: String,
    password: String,
    fulldomain: String,
    subdomain: String,
    allowfrom: Vec<String>,
}

#[derive(Deserialize)]
struct UpdateBody {
    subdomain: String,
    txt: String,
}

#[derive(Serialize)]
struct Updated {
    txt: String,
}

#[derive(Serialize)]
struct Problem<'a> {
    error: &'a str,
}

/// acme-dns credentials: the key in `X-Api-Key`, the account in `X-Api-User`.
pub fn credentials(call: &Call<'_>) -> Credentials {
    let header = |name| call.request.header(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    Credentials { secrets: header("X-Api-Key").into_iter().collect(), username: header("X-Api-User") }
}

pub fn register(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let allow_from = allow_from(call)?;
    let account = crate::acme::register(ctx, call.caller_if_any(), call.source, allow_from)?;
    Ok(reply(201, &Registered {
        username: account.username.to_string(),
        password: account.password,
        fulldomain: account.fulldomain,
        subdomain: account.subdomain,
        allowfrom: account.allow_from.iter().map(IpNet::to_string).collect(),
    }))
}

/// The networks a registration may later update from (none: anywhere).
pub(super) fn allow_from(call: &Call<'_>) -> Result<Vec<IpNet>> {
    let text = call.text().map_err(|_| Error::BadRequest("malformed_json_payload".into()))?;
    let input: RegisterBody = if text.trim().is_empty() { RegisterBody::default() } else { parse(&text)? };
    input
        .allowfrom
        .iter()
        .map(|n| n.trim().parse::<IpNet>().map_err(|_| Error::BadRequest("invalid_allowfrom_cidr".into())))
        .collect()
}

pub fn update(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input = update_body(call)?;
    let username = call.credentials.username.clone().unwrap_or_default();
    crate::acme::update(ctx, call.caller()?, &username, &input.subdomain, &input.txt, call.source)?;
    Ok(reply(200, &Updated { txt: input.txt }))
}

/// The subdomain and TXT value an update sets.
fn update_body(call: &Call<'_>) -> Result<UpdateBody> {
    let input: UpdateBody = parse(&call.text().map_err(|_| Error::BadRequest("malformed_json_payload".into()))?)?;
    if input.txt.is_empty() {
        return Err(Error::BadRequest("bad_txt".into()));
    }
    Ok(input)
}

/// [`update`]'s reading of its body, for the fuzzer: `(subdomain, txt)`.
pub(super) fn read_update(call: &Call<'_>) -> Result<(String, String)> {
    update_body(call).map(|b| (b.subdomain, b.txt))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| Error::BadRequest("malformed_json_payload".into()))
}

/// The one mapping of domain errors to acme-dns answers.
pub fn error(e: &Error, _path: &str) -> Response {
    let (status, code) = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin | Error::CodeNeeded | Error::BadCode | Error::Forbidden(_) => (401, "forbidden".to_string()),
        Error::PlanLimit(m) => (403, m.clone()),
        Error::RateLimited { .. } => (429, "too_many_requests".to_string()),
        Error::BadRequest(code) => (400, code.clone()),
        Error::Invalid(m) if m == "bad_subdomain" => (400, m.clone()),
        Error::Invalid(_) | Error::Validation(_) => (400, "bad_txt".to_string()),
        Error::NoRoute => (404, "not_found".to_string()),
        Error::MethodNotAllowed { .. } => (405, "method_not_allowed".to_string()),
        Error::TooLarge { .. } => (413, "payload_too_large".to_string()),
        Error::LengthRequired => (411, "length_required".to_string()),
        Error::NotFound(_) | Error::Conflict(_) | Error::BadAddress(_) | Error::TooManyHosts { .. } => (400, "bad_request".to_string()),
        Error::Unwritable(_) => (500, "internal_error".to_string()),
        Error::Unavailable(_) | Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "acme-dns request failed");
            (500, "internal_error".to_string())
        }
    };
    super::with_allow(reply(status, &Problem { error: &code }), e)
}
