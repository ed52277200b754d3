//! Route groups: each API surface's way of carrying credentials, who it lets in, how it is
//! rate-limited, and how its errors and budgets look on the wire. The route table names a
//! group per line; nothing below it re-decides any of this.

use rouille::Response;

use super::call::Call;

use super::{acmedns, duckdns, dyndns2, hostup, httpreq, ipv64, native, pocketdns, request};
use crate::Context;
use crate::auth::{Accept, Credentials};
use crate::error::Error;
use crate::ratelimit::{Limiter, RateLimits};

/// Who a group lets in.
#[derive(Clone, Copy)]
pub enum Auth {
    /// Anyone; handlers see no caller.
    Public,
    /// Only callers of these kinds.
    Required(Accept),
    /// Anyone; callers that present credentials must be of these kinds.
    Optional(Accept),
}

/// How a group is rate-limited.
#[derive(Clone, Copy)]
pub enum Limit {
    None,
    /// Per source address, before credentials are looked at.
    PerAddress(fn(&RateLimits) -> &Limiter),
    /// Per caller (per address for anonymous requests).
    PerCaller(fn(&RateLimits) -> &Limiter),
    /// Updates: per source address first (a generous quota for NATs), then per token.
    Updates,
    /// The partner API: per key, an hourly budget with a per-minute burst.
    Partner,
}

/// How a group shows what is left of its budget.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Budgets {
    Hidden,
    /// `X-RateLimit-Reset` in seconds until the budget is whole again.
    Seconds,
    /// `X-RateLimit-Reset` as the Unix time when it is.
    Epoch,
}

pub struct Group {
    pub name: &'static str,
    pub auth: Auth,
    /// Where this API's requests carry credentials.
    pub credentials: fn(&Call<'_>) -> Credentials,
    pub limit: Limit,
    /// The one mapping of domain errors to this API's wire format.
    pub render: fn(&Error, &str) -> Response,
    pub budgets: Budgets,
    /// For update APIs: the dialect refused updates are counted under in `/metrics`.
    pub update_dialect: Option<&'static str>,
}

fn api(l: &RateLimits) -> &Limiter {
    &l.api
}
fn login(l: &RateLimits) -> &Limiter {
    &l.login
}
fn register(l: &RateLimits) -> &Limiter {
    &l.register
}
fn none(_: &Call<'_>) -> Credentials {
    Credentials::default()
}

/// The native management API: session tokens.
pub const NATIVE: Group = Group {
    name: "native",
    auth: Auth::Required(Accept::Sessions),
    credentials: request::credentials,
    limit: Limit::PerCaller(api),
    render: native::error,
    budgets: Budgets::Seconds,
    update_dialect: None,
};
/// Its routes anyone may call (the OpenAPI document, setup status).
pub const NATIVE_PUBLIC: Group = Group { auth: Auth::Public, credentials: none, limit: Limit::PerAddress(api), ..NATIVE };
/// Logging in (and everything that checks a password or code).
pub const NATIVE_LOGIN: Group = Group { auth: Auth::Public, credentials: none, limit: Limit::PerAddress(login), ..NATIVE };
pub const NATIVE_REGISTER: Group = Group { auth: Auth::Public, credentials: none, limit: Limit::PerAddress(register), ..NATIVE };
/// A signed-in account confirming with its password (limited like logins).
pub const NATIVE_PASSWORD: Group = Group { limit: Limit::PerCaller(login), ..NATIVE };

/// DynDNS2 and its relatives (text answers).
pub const DYNDNS2: Group = Group {
    name: "dyndns2",
    auth: Auth::Required(Accept::Updates),
    credentials: request::credentials,
    limit: Limit::Updates,
    render: dyndns2::error,
    budgets: Budgets::Seconds,
    update_dialect: Some("dyndns2"),
};
pub const KYEDNS: Group = Group { name: "kyedns", update_dialect: Some("kyedns"), ..DYNDNS2 };
/// The ipdock update endpoint (JSON answers).
pub const IPDOCK_UPDATE: Group = Group {
    name: "ipdock",
    render: native::update::error,
    update_dialect: Some("ipdock"),
    ..DYNDNS2
};
/// DuckDNS: addresses need an update token, the ACME `txt` a token that may write records
/// (the update decides which).
pub const DUCKDNS: Group = Group {
    name: "duckdns",
    auth: Auth::Required(Accept::Tokens),
    credentials: duckdns::credentials,
    render: duckdns::error,
    update_dialect: Some("duckdns"),
    ..DYNDNS2
};

/// acme-dns: registration (anonymous from the configured networks), and updates with
/// `X-Api-User`/`X-Api-Key`.
pub const ACMEDNS_REGISTER: Group = Group {
    name: "acme-dns",
    auth: Auth::Optional(Accept::SessionsOrApiKeys),
    credentials: request::credentials,
    limit: Limit::PerAddress(api),
    render: acmedns::error,
    budgets: Budgets::Hidden,
    update_dialect: None,
};
pub const ACMEDNS_UPDATE: Group = Group { auth: Auth::Required(Accept::Tokens), credentials: acmedns::credentials, ..ACMEDNS_REGISTER };
/// lego's httpreq.
pub const HTTPREQ: Group = Group {
    name: "httpreq",
    auth: Auth::Required(Accept::Tokens),
    credentials: request::credentials,
    limit: Limit::PerAddress(api),
    render: httpreq::error,
    budgets: Budgets::Hidden,
    update_dialect: None,
};
/// IPv64's `/api?verb`.
pub const IPV64: Group = Group { name: "ipv64", credentials: ipv64::credentials, render: ipv64::error, ..HTTPREQ };
/// The PocketDNS partner API.
pub const POCKETDNS: Group = Group {
    name: "pocketdns",
    auth: Auth::Required(Accept::ApiKeys),
    credentials: request::credentials,
    limit: Limit::Partner,
    render: pocketdns::error,
    budgets: Budgets::Epoch,
    update_dialect: None,
};
/// HostUp v2: API keys, or a dashboard session in the `hostup_session` cookie.
pub const HOSTUP: Group = Group {
    name: "hostup",
    auth: Auth::Required(Accept::SessionsOrApiKeys),
    credentials: hostup::credentials,
    limit: Limit::PerCaller(api),
    render: hostup::error,
    budgets: Budgets::Hidden,
    update_dialect: None,
};
/// The web UI's files, the caller's address, health and metrics.
pub const PLAIN: Group = Group {
    name: "plain",
    auth: Auth::Public,
    credentials: none,
    limit: Limit::None,
    render: plain_error,
    budgets: Budgets::Hidden,
    update_dialect: None,
};

/// The group whose shape errors on a path no route knows take.
pub fn of_path(path: &str) -> &'static Group {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if ["/api/v1/users", "/api/v1/domains", "/api/v1/dns_records"].iter().any(|p| under(p)) {
        &POCKETDNS
    } else if under("/api/v2") {
        &HOSTUP
    } else if under("/api/v1/nic") || under("/api/v1/domain_update") || under("/api/v1/update") {
        &KYEDNS
    } else if under("/api") {
        &NATIVE
    } else if under("/nic") || under("/update") || under("/v2") || under("/v3") {
        &DYNDNS2
    } else {
        &PLAIN
    }
}

/// The size of a limit, for the headers of a request refused before it was counted.
pub fn limit_of(ctx: &Context, limit: Limit) -> u32 {
    match limit {
        Limit::PerAddress(which) | Limit::PerCaller(which) => which(&ctx.limits).limit(),
        Limit::Updates => ctx.limits.updates.limit(),
        Limit::Partner => ctx.limits.partner.limit(),
        Limit::None => 0,
    }
}

/// Errors as plain text.
fn plain_error(error: &Error, _path: &str) -> Response {
    let status = match error {
        Error::NotFound(_) | Error::NoRoute => 404,
        Error::MethodNotAllowed { .. } => 405,
        Error::TooLarge { .. } => 413,
        Error::LengthRequired => 411,
        Error::RateLimited { .. } => 429,
        Error::BadRequest(_) => 400,
        _ => 500,
    };
    let text = match error {
        Error::NotFound(_) | Error::NoRoute => "not found".to_string(),
        other => other.to_string(),
    };
    super::with_allow(Response::text(text).with_status_code(status), error)
}
