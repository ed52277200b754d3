//! HTTP: the only module that names rouille types. One route table; one file per dialect,
//! each translating requests into domain calls and domain results into its wire format.

pub(crate) mod caller;
mod checkip;
mod duckdns;
mod dyndns2;
mod native;
mod server;

use std::sync::Arc;

use rouille::{Request, Response};

use crate::Context;
use crate::error::Result;

pub use server::{HttpServer, MAX_BODY, MAX_HEAD, MAX_HEADERS};

/// Starts the HTTP listener configured in `ctx`.
pub fn start(ctx: Arc<Context>) -> Result<HttpServer> {
    let (addr, max) = (ctx.config.http, ctx.config.max_connections);
    HttpServer::start(addr, max, Arc::new(move |request: &Request| route(&ctx, request)))
}

/// The route table: every endpoint, one line each.
pub fn route(ctx: &Context, request: &Request) -> Response {
    let has = |name: &str| caller::param(request, name).is_some();
    let url = request.url();
    let path: Vec<&str> = url.trim_start_matches('/').trim_end_matches('/').split('/').collect();
    let r = request;
    match (request.method(), path.as_slice()) {
        // Updates: DynDNS2 and its relatives.
        ("GET" | "POST", ["nic" | "v2" | "v3", "update"] | ["update.php"]) => dyndns2::update(ctx, r, "dyndns2"),
        ("GET" | "POST", ["api", "v1", "nic", "update"] | ["api", "v1", "domain_update"]) => dyndns2::update(ctx, r, "kyedns"),
        // KyedNS's alternative endpoint names the host; ipdock's alias of /api/update does not.
        ("GET", ["api", "v1", "update"]) if has("hostname") => dyndns2::update(ctx, r, "kyedns"),
        ("GET" | "POST", ["api", "update"] | ["api", "v1", "update"]) => native::update::update(ctx, r),
        ("GET", ["update"]) if has("domains") => duckdns::update(ctx, r, None),
        ("GET", ["update"]) => dyndns2::update(ctx, r, "dyndns2"),
        ("GET", ["update", domains, token]) => duckdns::update(ctx, r, Some(duckdns::PathForm::new(domains, token, None))),
        ("GET", ["update", domains, token, ip]) => duckdns::update(ctx, r, Some(duckdns::PathForm::new(domains, token, Some(ip)))),
        ("GET", ["ip"] | ["myip"]) => checkip::plain(ctx, r),
        ("GET", ["nic", "checkip.html"]) => checkip::dyndns_page(ctx, r),
        // Native management API (the ipdock document).
        ("POST", ["api", "auth", "register"]) => native::auth::register(ctx, r),
        ("POST", ["api", "auth", "login"]) => native::auth::login(ctx, r),
        ("POST", ["api", "auth", "logout-all"]) => native::auth::logout_everywhere(ctx, r),
        ("GET", ["api", "me"]) => native::auth::me(ctx, r),
        ("DELETE", ["api", "me"]) => native::auth::delete_account(ctx, r),
        ("POST", ["api", "me", "password"]) => native::auth::change_password(ctx, r),
        ("GET", ["api", "domains"]) => native::domains::list(ctx, r),
        ("GET", ["api", "domains", zone, "export"]) => native::domains::export(ctx, r, zone),
        ("GET", ["api", "domains", zone, "records"]) => native::records::list(ctx, r, zone),
        ("POST", ["api", "domains", zone, "records"]) => native::records::create(ctx, r, zone),
        ("PATCH", ["api", "domains", zone, "records", id]) => native::records::update(ctx, r, zone, id),
        ("DELETE", ["api", "domains", zone, "records", id]) => native::records::delete(ctx, r, zone, id),
        ("GET", ["api", "hostnames"]) => native::hostnames::list(ctx, r),
        ("POST", ["api", "hostnames"]) => native::hostnames::create(ctx, r),
        ("GET", ["api", "hostnames", id]) => native::hostnames::get(ctx, r, id),
        ("GET", ["api", "hostnames", id, "history"]) => native::hostnames::history(ctx, r, id),
        ("DELETE", ["api", "hostnames", id]) => native::hostnames::delete(ctx, r, id),
        ("GET", ["api", "logs"]) => native::logs::list(ctx, r),
        ("GET", ["api", "tokens"]) => native::tokens::list(ctx, r),
        ("POST", ["api", "tokens"]) => native::tokens::create(ctx, r),
        ("POST", ["api", "tokens", id, "regenerate"]) => native::tokens::regenerate(ctx, r, id),
        ("DELETE", ["api", "tokens", id]) => native::tokens::delete(ctx, r, id),
        ("GET", ["api", "admin", "users"]) => native::admin::users(ctx, r),
        ("PATCH", ["api", "admin", "users", id]) => native::admin::update_user(ctx, r, id),
        ("POST", ["api", "admin", "users", id, "password"]) => native::admin::reset_password(ctx, r, id),
        ("GET", ["api", "admin", "backup"]) => native::admin::backup(ctx, r),
        ("GET" | "PATCH", ["api", "admin", "settings"]) => native::admin::settings(ctx, r),
        // Operations.
        ("GET", ["healthz"] | ["health"]) => Response::text("ok"),
        ("GET", ["metrics"]) => metrics(ctx),
        (_, ["nic", "update"] | ["update"] | ["api", "update"]) => Response::text("method not allowed").with_status_code(405),
        _ => Response::text("not found").with_status_code(404),
    }
}

/// `/metrics` in the Prometheus text format.
fn metrics(ctx: &Context) -> Response {
    match ctx.metrics.render(ctx) {
        Ok(text) => Response::from_data("text/plain; version=0.0.4; charset=utf-8", text),
        Err(error) => {
            tracing::error!(%error, "rendering metrics failed");
            Response::text("metrics unavailable").with_status_code(500)
        }
    }
}
