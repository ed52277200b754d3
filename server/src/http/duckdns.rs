//! The DuckDNS dialect: `/update?domains=&token=&ip=&ipv6=&txt=&clear=&verbose=` (and the
//! path form `/update/{domains}/{token}[/{ip}]`), answering `OK` or `KO`.

use rouille::{Request, Response};

use super::caller;
use crate::Context;
use crate::address::{AddressRequest, Want};
use crate::error::Error;
use crate::update::{self, Change, Credentials, Outcome, UpdateRequest};

/// Path-form values, when the request used `/update/{domains}/{token}[/{ip}]`.
#[derive(Default)]
pub struct PathForm {
    pub domains: String,
    pub token: String,
    pub ip: Option<String>,
}

impl PathForm {
    pub fn new(domains: &str, token: &str, ip: Option<&str>) -> Self {
        Self { domains: domains.to_string(), token: token.to_string(), ip: ip.map(str::to_string) }
    }
}

pub fn update(ctx: &Context, request: &Request, path: Option<PathForm>) -> Response {
    let source = caller::client_ip(request, &ctx.config.trusted_proxies);
    let flag = |name: &str| caller::param(request, name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (domains, credentials, ip) = match path {
        Some(p) => (Some(p.domains), Credentials { secrets: vec![p.token], username: None }, p.ip),
        None => (caller::param(request, "domains"), caller::credentials(request), caller::param(request, "ip")),
    };
    let ipv6 = caller::param(request, "ipv6");
    let txt = caller::param(request, "txt");
    let clear = flag("clear");
    let change = if let Some(txt) = &txt {
        Change::Txt(if clear || txt.is_empty() { None } else { Some(txt.clone()) })
    } else if clear {
        Change::Addresses(AddressRequest { v4: Want::Clear, v6: Want::Clear, ..Default::default() })
    } else {
        match AddressRequest::from_params(
            |n| match n {
                "ip" => ip.clone(),
                "ipv6" => ipv6.clone(),
                _ => None,
            },
            source,
        ) {
            Ok(a) => Change::Addresses(a),
            Err(e) => return error(&e),
        }
    };
    let update = UpdateRequest {
        credentials,
        hostnames: domains.into_iter().collect(),
        change: change.clone(),
        subname: None,
        source,
        user_agent: caller::user_agent(request),
        dialect: "duckdns",
        wildcard: None,
    };
    let report = match update::update(ctx, &update) {
        Ok(r) => r,
        Err(e) => return error(&e),
    };
    super::with_budget(answer(&report.hosts, &change, flag("verbose")), &report.budget)
}

/// `OK`/`KO`, or the verbose four lines.
fn answer(results: &[crate::update::HostResult], change: &Change, verbose: bool) -> Response {
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
pub fn error(e: &Error) -> Response {
    match e {
        Error::NoCredentials => text(401, "KO").with_additional_header("WWW-Authenticate", "Basic realm=\"porchlight\""),
        Error::BadAuth => text(401, "KO"),
        Error::RateLimited { retry_after } => {
            text(429, "KO").with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string())
        }
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "update failed");
            text(500, "KO")
        }
        _ => text(200, "KO"),
    }
}

fn text(status: u16, body: &str) -> Response {
    Response::text(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}
