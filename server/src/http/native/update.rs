//! The ipdock update endpoint: `/api/update` with a Bearer or `?token=` token, GET or POST
//! JSON, answering `{"status":"good","ip":…,"previous":…}` and `{"error":…}`.

use std::io::Read as _;

use rouille::{Request, Response};
use serde_json::json;

use super::error;
use crate::http::caller;
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
        subname: None,
        source,
        user_agent: caller::user_agent(request),
        dialect: "ipdock",
        wildcard: None,
    };
    let report = match update::update(ctx, &update) {
        Ok(r) => r,
        Err(e) => return error(&e),
    };
    let Some(result) = report.hosts.first() else { return error(&Error::NotFound("Hostname")) };
    let previous = if is_v6 { result.previous_v6.clone() } else { result.previous_v4.clone() };
    let response = match result.outcome {
        Outcome::Good => Response::json(&json!({"status": "good", "ip": echo, "previous": previous})),
        Outcome::NoChange => Response::json(&json!({"status": "nochg", "ip": echo})),
        Outcome::NoHost => err(404, "Hostname not found"),
        Outcome::NotFqdn => err(422, "Hostname is not a valid domain name"),
        Outcome::Abuse => err(403, "Hostname is blocked"),
        Outcome::DnsErr => err(503, "The hostname's zone is not being served"),
    };
    crate::http::with_budget(response, &report.budget)
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

fn err(status: u16, message: &str) -> Response {
    super::reply(status, &json!({"error": message}))
}
