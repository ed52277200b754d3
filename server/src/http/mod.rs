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
    let segments: Vec<&str> = url.trim_start_matches('/').split('/').collect();
    match (request.method(), url.as_str()) {
        ("GET" | "POST", "/nic/update" | "/v2/update" | "/v3/update" | "/update.php") => dyndns2::update(ctx, request, "dyndns2"),
        ("GET" | "POST", "/api/v1/nic/update" | "/api/v1/domain_update") => dyndns2::update(ctx, request, "kyedns"),
        // KyedNS's alternative endpoint names the host; ipdock's alias of /api/update does not.
        ("GET", "/api/v1/update") if has("hostname") => dyndns2::update(ctx, request, "kyedns"),
        ("GET" | "POST", "/api/update" | "/api/v1/update") => native::update::update(ctx, request),
        ("POST", "/api/auth/register") => native::auth::register(ctx, request),
        ("POST", "/api/auth/login") => native::auth::login(ctx, request),
        ("POST", "/api/auth/logout-all") => native::auth::logout_everywhere(ctx, request),
        ("GET", "/api/me") => native::auth::me(ctx, request),
        ("DELETE", "/api/me") => native::auth::delete_account(ctx, request),
        ("POST", "/api/me/password") => native::auth::change_password(ctx, request),
        ("GET", "/update") if has("domains") => duckdns::update(ctx, request, None),
        ("GET", "/update") => dyndns2::update(ctx, request, "dyndns2"),
        ("GET", _) if segments.len() >= 3 && segments.len() <= 4 && segments[0] == "update" => duckdns::update(
            ctx,
            request,
            Some(duckdns::PathForm {
                domains: segments[1].to_string(),
                token: segments[2].to_string(),
                ip: segments.get(3).map(|s| s.to_string()),
            }),
        ),
        ("GET", "/ip" | "/myip") => checkip::plain(ctx, request),
        ("GET", "/nic/checkip.html") => checkip::dyndns_page(ctx, request),
        ("GET", "/healthz" | "/health") => Response::text("ok"),
        (_, "/nic/update" | "/update" | "/api/update") => Response::text("method not allowed").with_status_code(405),
        _ => Response::text("not found").with_status_code(404),
    }
}
