//! The DynDNS2 dialect (Dyn, nsupdate.info, KyedNS, ddclient, inadyn, routers): text
//! answers, one line per requested hostname, account-level errors once.

use rouille::{Request, Response};

use super::caller;
use crate::Context;
use crate::address::AddressRequest;
use crate::error::Error;
use crate::update::{self, Change, Outcome, UpdateRequest};

/// Parameters that name the hostnames, in order of preference.
const HOST_PARAMS: [&str; 5] = ["hostname", "host", "domain", "domains", "zone"];

pub fn update(ctx: &Context, request: &Request, dialect: &'static str) -> Response {
    let source = caller::client_ip(request, &ctx.config.trusted_proxies);
    let addresses = match AddressRequest::from_params(|name| caller::param(request, name), source) {
        Ok(a) => a,
        Err(e) => return error(&e),
    };
    let echo = addresses.echo();
    let hostnames = HOST_PARAMS.iter().find_map(|n| caller::param(request, n)).into_iter().collect();
    let update = UpdateRequest {
        credentials: caller::credentials(request),
        hostnames,
        change: Change::Addresses(addresses),
        subname: caller::param(request, "praefix"),
        source,
        user_agent: caller::user_agent(request),
        dialect,
        wildcard: match caller::param(request, "wildcard").map(|w| w.to_ascii_uppercase()).as_deref() {
            Some("ON") => Some(true),
            Some("OFF") => Some(false),
            _ => None,
        },
    };
    match update::update(ctx, &update) {
        Ok(report) => {
            let lines: Vec<String> = report.hosts.iter().map(|r| line(r.outcome, &echo)).collect();
            super::with_budget(text(200, lines.join("\n")), &report.budget)
        }
        Err(e) => error(&e),
    }
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
pub fn error(e: &Error) -> Response {
    match e {
        Error::NoCredentials | Error::BadAuth => text(401, "badauth".into())
            .with_additional_header("WWW-Authenticate", "Basic realm=\"porchlight\""),
        Error::Forbidden(_) => text(403, "badauth".into()),
        Error::TooManyHosts { .. } => text(200, "numhost".into()),
        Error::BadAddress(_) => text(200, "badip".into()),
        Error::NotFound(_) | Error::Invalid(_) => text(200, "notfqdn".into()),
        Error::RateLimited { retry_after } => text(429, "toomanyrequests".into())
            .with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string()),
        other => {
            tracing::error!(error = %other, "update failed");
            text(500, "911".into())
        }
    }
}

fn text(status: u16, body: String) -> Response {
    Response::text(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}
