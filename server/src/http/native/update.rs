//! The ipdock update endpoint: `/api/update` with a Bearer, Basic or `?token=` token, GET or
//! POST JSON, answering `{"status":"good","ip":…,"previous":…}` and `{"error":…}`.

use porchlight_api as api;
use rouille::Response;

use super::reply;
use crate::Context;
use crate::address::AddressRequest;
use crate::error::{Error, Result};
use crate::http::call::Call;
use crate::update::{self, Change, Outcome, UpdateRequest};

pub fn update(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (request, echo) = read(call)?;
    let is_v6 = echo.contains(':');
    let report = update::update(ctx, call.caller()?, &request)?;
    let result = report.hosts.first().ok_or(Error::NotFound("Hostname"))?;
    let previous = if is_v6 { result.previous_v6.clone() } else { result.previous_v4.clone() };
    match result.outcome {
        Outcome::Good => Ok(reply(200, &api::UpdateAnswer { status: api::UpdateStatus::Good, ip: echo, previous: Some(previous) })),
        Outcome::NoChange => Ok(reply(200, &api::UpdateAnswer { status: api::UpdateStatus::Nochg, ip: echo, previous: None })),
        Outcome::NoHost => Err(Error::NotFound("Hostname")),
        Outcome::NotFqdn => Err(Error::invalid_field("/hostname", "Hostname is not a valid domain name")),
        Outcome::Abuse => Err(Error::Forbidden("Hostname is blocked".into())),
        Outcome::DnsErr => Err(Error::Unavailable("The hostname's zone is not being served".into())),
    }
}

/// The update `call` asks for, and the address text its answer echoes.
pub(in crate::http) fn read<'c>(call: &'c Call<'_>) -> Result<(UpdateRequest<'c>, String)> {
    // The address in the query wins over one in a JSON body; a body that is there must be
    // right either way.
    let body: api::UpdateBody = if call.request.method() == "POST" { call.json_or_default()? } else { api::UpdateBody::default() };
    if let Some(ip) = &body.ip {
        AddressRequest::from_params(|n| (n == "ip").then(|| ip.clone()), call.source)?;
    }
    let ip = call.query("ip").or(body.ip);
    let addresses = AddressRequest::from_params(|n| if n == "ip" { ip.clone() } else { None }, call.source)?;
    let echo = addresses.echo();
    let request = UpdateRequest {
        username: call.credentials.username.clone(),
        hostnames: call.query("hostname").into_iter().collect(),
        change: Change::Addresses(addresses),
        subname: None,
        source: call.source,
        user_agent: call.user_agent(),
        dialect: "ipdock",
        wildcard: None,
    };
    Ok((request, echo))
}

/// Errors as the native API writes them, with the Basic challenge of update paths (routers
/// configured with a user name and password send them only after it).
pub fn error(e: &Error, path: &str) -> Response {
    let response = super::error(e, path);
    match e {
        Error::NoCredentials => super::super::challenge_basic(response.without_header("WWW-Authenticate")),
        _ => response,
    }
}
