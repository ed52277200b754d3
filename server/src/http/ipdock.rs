//! The ipdock update dialect: `/api/update` with a Bearer or `?token=` token, GET or POST
//! JSON, answering `{"status":"good","ip":…,"previous":…}` and `{"error":…}`.

use std::io::Read as _;

use rouille::{Request, Response};
use serde_json::json;

use super::caller;
use crate::Context;
use crate::address::AddressRequest;
use crate::error::Error;
use crate::update::{self, Change, Outcome, UpdateRequest};

pub fn update(ctx: &Context, request: &Request) -> Response {
    let source = caller::client_ip(request, &ctx.config.trusted_proxies);
    let mut ip = caller::param(request, "ip");
    if request.method() == "POST" && ip.is_none() {
        match body_ip(request) {
            Ok(found) => ip = found,
            Err(response) => return response,
        }
    }
    let addresses = match AddressRequest::from_params(|n| if n == "ip" { ip.clone() } else { None }, source) {
        Ok(a) => a,
        Err(e) => return error(&e),
    };
    let echo = addresses.echo();
    let is_v6 = echo.contains(':');
    let update = UpdateRequest {
        credentials: caller::credentials(request),
        hostnames: caller::param(request, "hostname").into_iter().collect(),
        change: Change::Addresses(addresses),
        source,
        user_agent: caller::user_agent(request),
        dialect: "ipdock",
    };
    let results = match update::update(ctx, &update) {
        Ok(r) => r,
        Err(e) => return error(&e),
    };
    let Some(result) = results.first() else { return error(&Error::NotFound("Hostname")) };
    let previous = if is_v6 { result.previous_v6.clone() } else { result.previous_v4.clone() };
    match result.outcome {
        Outcome::Good => Response::json(&json!({"status": "good", "ip": echo, "previous": previous})),
        Outcome::NoChange => Response::json(&json!({"status": "nochg", "ip": echo})),
        Outcome::NoHost => err(404, "Hostname not found"),
        Outcome::NotFqdn => err(422, "Hostname is not a valid domain name"),
        Outcome::Abuse => err(403, "Hostname is blocked"),
        Outcome::DnsErr => err(503, "The hostname's zone is not being served"),
    }
}

/// `{"ip": "…"}` from a JSON body; an empty body means "detect".
fn body_ip(request: &Request) -> Result<Option<String>, Response> {
    let mut body = String::new();
    if let Some(mut data) = request.data() {
        data.read_to_string(&mut body).map_err(|_| err(400, "Request body is not UTF-8"))?;
    }
    if body.trim().is_empty() {
        return Ok(None);
    }
    let value: serde_json::Value = serde_json::from_str(&body).map_err(|_| err(400, "Request body is not valid JSON"))?;
    match value.get("ip") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(422, "ip must be a string")),
    }
}

/// The one mapping of domain errors to ipdock JSON.
pub fn error(e: &Error) -> Response {
    match e {
        Error::NoCredentials => err(401, "Unauthorized").with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\""),
        Error::BadAuth => err(401, "Invalid API token"),
        Error::BadAddress(a) => err(422, &format!("Invalid IP address: {a}")),
        Error::Invalid(m) => err(422, m),
        Error::TooManyHosts { max } => err(422, &format!("At most {max} hostnames per request")),
        Error::NotFound(what) => err(404, &format!("{what} not found")),
        Error::Conflict(m) => err(409, m),
        Error::RateLimited { retry_after } => err(429, "Too many requests")
            .with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string()),
        other => {
            tracing::error!(error = %other, "update failed");
            err(500, "Internal server error")
        }
    }
}

fn err(status: u16, message: &str) -> Response {
    Response::json(&json!({"error": message})).with_status_code(status)
}
