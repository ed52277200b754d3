//! The DuckDNS dialect: `/update?domains=&token=&ip=&ipv6=&txt=&clear=&verbose=` (and the
//! path form `/update/{domains}/{token}[/{ip}]`), answering `OK` or `KO`.

use rouille::Response;

use super::call::Call;
use super::{request, text};
use crate::Context;
use crate::address::{AddressRequest, Want};
use crate::auth::Credentials;
use crate::error::{Error, Result};
use crate::update::{self, Change, HostResult, Outcome, UpdateRequest};

/// The token of the path form, else the usual places.
pub fn credentials(call: &Call<'_>) -> Credentials {
    let token = call.path("token");
    if token.is_empty() { request::credentials(call) } else { Credentials { secrets: vec![token.to_string()], username: None } }
}

pub fn update(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let request = read(call)?;
    let report = update::update(ctx, call.caller()?, &request)?;
    let verbose = call.query("verbose").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    Ok(answer(&report.hosts, &request.change, verbose))
}

/// The update `call` asks for, from the query or the path form.
pub(super) fn read<'c>(call: &'c Call<'_>) -> Result<UpdateRequest<'c>> {
    let flag = |name: &str| call.query(name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let path_domains = Some(call.path("domains")).filter(|d| !d.is_empty()).map(str::to_string);
    let domains = path_domains.or_else(|| call.query("domains"));
    let ip = Some(call.path("ip")).filter(|i| !i.is_empty()).map(str::to_string).or_else(|| call.query("ip"));
    let ipv6 = call.query("ipv6");
    let txt = call.query("txt");
    let clear = flag("clear");
    let change = if let Some(txt) = &txt {
        Change::Txt(if clear || txt.is_empty() { None } else { Some(txt.clone()) })
    } else if clear {
        Change::Addresses(AddressRequest { v4: Want::Clear, v6: Want::Clear, ..Default::default() })
    } else {
        let params = |n: &str| match n {
            "ip" => ip.clone(),
            "ipv6" => ipv6.clone(),
            _ => None,
        };
        Change::Addresses(AddressRequest::from_params(params, call.source)?)
    };
    Ok(UpdateRequest {
        username: None,
        hostnames: domains.into_iter().collect(),
        change,
        subname: None,
        source: call.source,
        user_agent: call.user_agent(),
        dialect: "duckdns",
        wildcard: None,
    })
}

/// `OK`/`KO`, or the verbose four lines.
fn answer(results: &[HostResult], change: &Change, verbose: bool) -> Response {
    let ok = !results.is_empty() && results.iter().all(|r| matches!(r.outcome, Outcome::Good | Outcome::NoChange));
    if !ok {
        return text(200, "KO");
    }
    if !verbose {
        return text(200, "OK");
    }
    let changed = if results.iter().any(|r| r.outcome == Outcome::Good) { "UPDATED" } else { "NOCHANGE" };
    let body = match (change, results.first()) {
        (Change::Txt(value), _) => format!("OK\n{}\n{changed}", value.as_deref().unwrap_or("")),
        (Change::Addresses(a), Some(first)) => {
            let v4 = match &a.v4 {
                Want::Set { text, .. } => Some(text.clone()),
                Want::Keep => first.previous_v4.clone(),
                Want::Clear => None,
            };
            let v6 = match &a.v6 {
                Want::Set { text, .. } => Some(text.clone()),
                Want::Keep => first.previous_v6.clone(),
                Want::Clear => None,
            };
            format!("OK\n{}\n{}\n{changed}", v4.unwrap_or_default(), v6.unwrap_or_default())
        }
        (Change::Addresses(_), None) => "OK".to_string(),
    };
    text(200, &body)
}

/// The one mapping of domain errors to DuckDNS answers: always `KO`, with the status that
/// tells HTTP clients what happened.
pub fn error(e: &Error, _path: &str) -> Response {
    let response = match e {
        Error::NoCredentials => return super::challenge_basic(text(401, "KO")),
        Error::BadAuth => text(401, "KO"),
        Error::RateLimited { .. } => text(429, "KO"),
        Error::NoRoute => text(404, "KO"),
        Error::MethodNotAllowed { .. } => text(405, "KO"),
        Error::TooLarge { .. } => text(413, "KO"),
        Error::LengthRequired => text(411, "KO"),
        Error::Unwritable(_) => text(500, "KO"),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "update failed");
            text(500, "KO")
        }
        _ => text(200, "KO"),
    };
    super::with_allow(response, e)
}
