//! The DynDNS2 dialect (Dyn, nsupdate.info, KyedNS, ddclient, inadyn, routers): text
//! answers, one line per requested hostname, account-level errors once.

use rouille::Response;

use super::call::Call;
use super::text;
use crate::Context;
use crate::address::AddressRequest;
use crate::error::{Error, Result};
use crate::update::{self, Change, Outcome, UpdateRequest};

/// Parameters that name the hostnames, in order of preference.
const HOST_PARAMS: [&str; 5] = ["hostname", "host", "domain", "domains", "zone"];

pub fn update(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (request, echo) = read(call)?;
    let report = update::update(ctx, call.caller()?, &request)?;
    let lines: Vec<String> = report.hosts.iter().map(|r| line(r.outcome, &echo)).collect();
    Ok(text(200, &lines.join("\n")))
}

/// The update `call` asks for, and the address text its answer echoes.
pub(super) fn read<'c>(call: &'c Call<'_>) -> Result<(UpdateRequest<'c>, String)> {
    let addresses = AddressRequest::from_params(|name| call.query(name), call.source)?;
    let echo = addresses.echo();
    let wildcard = match call.query("wildcard").map(|w| w.to_ascii_uppercase()).as_deref() {
        Some("ON") => Some(true),
        Some("OFF") => Some(false),
        _ => None,
    };
    let request = UpdateRequest {
        username: call.credentials.username.clone(),
        hostnames: HOST_PARAMS.iter().find_map(|n| call.query(n)).into_iter().collect(),
        change: Change::Addresses(addresses),
        subname: call.query("praefix"),
        source: call.source,
        user_agent: call.user_agent(),
        dialect: call_dialect(call),
        wildcard,
    };
    Ok((request, echo))
}

/// KyedNS's paths count as their own dialect in history and metrics.
fn call_dialect(call: &Call<'_>) -> &'static str {
    if call.request.url().starts_with("/api/v1/") { "kyedns" } else { "dyndns2" }
}

fn line(outcome: Outcome, echo: &str) -> String {
    match outcome {
        // A request that carried only a prefix has no address to echo.
        Outcome::Good => format!("good {echo}").trim_end().to_string(),
        Outcome::NoChange => format!("nochg {echo}").trim_end().to_string(),
        Outcome::NoHost => "nohost".into(),
        Outcome::NotFqdn => "notfqdn".into(),
        Outcome::Abuse => "abuse".into(),
        Outcome::DnsErr => "dnserr".into(),
    }
}

/// The one mapping of domain errors to DynDNS2 answers.
pub fn error(e: &Error, _path: &str) -> Response {
    let response = match e {
        Error::NoCredentials | Error::BadAuth => return super::challenge_basic(text(401, "badauth")),
        Error::Forbidden(_) => text(403, "badauth"),
        Error::TooManyHosts { .. } => text(200, "numhost"),
        Error::BadAddress(_) => text(200, "badip"),
        Error::NotFound(_) | Error::Invalid(_) | Error::Validation(_) => text(200, "notfqdn"),
        Error::RateLimited { .. } => text(429, "toomanyrequests"),
        Error::NoRoute => text(404, "not found"),
        Error::MethodNotAllowed { .. } => text(405, "badagent"),
        Error::TooLarge { .. } => text(413, "badagent"),
        Error::LengthRequired => text(411, "badagent"),
        // The store logged it once when it began.
        Error::Unwritable(_) => text(500, "911"),
        other => {
            tracing::error!(error = %other, "update failed");
            text(500, "911")
        }
    };
    super::with_allow(response, e)
}
