//! HTTP: the only module that names rouille types. One route table; one file per dialect,
//! each translating requests into domain calls and domain results into its wire format.

pub(crate) mod caller;
mod acmedns;
mod checkip;
mod duckdns;
mod dyndns2;
mod hostup;
mod httpreq;
mod ipv64;
mod native;
mod pocketdns;
mod server;
mod ui;

use std::sync::Arc;

use rouille::{Request, Response};

use crate::Context;
use crate::error::Result;

pub use server::{HttpServer, MAX_BODY, MAX_HEAD, MAX_HEADERS};

/// Starts the HTTP listener configured in `ctx`, and the HTTPS one when configured.
pub fn start(ctx: Arc<Context>) -> Result<(HttpServer, Option<HttpServer>)> {
    let max = ctx.config.max_connections;
    let https = match ctx.config.https {
        Some(addr) => Some((addr, crate::tls::server_config(&ctx.config, &ctx.zones)?)),
        None => None,
    };
    let router = ctx.clone();
    let handler: Arc<server::Handler> = Arc::new(move |request: &Request| route(&router, request));
    let http = HttpServer::start(ctx.config.http, max, handler.clone(), None)?;
    let https = https.map(|(addr, tls)| HttpServer::start(addr, max, handler, Some(tls))).transpose()?;
    Ok((http, https))
}

/// The OpenAPI 3 document of the native API; a test keeps it and the route table in step.
const OPENAPI: &str = include_str!("openapi.json");

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
        // ACME DNS-01: acme-dns and lego's httpreq.
        ("POST", ["register"]) => acmedns::register(ctx, r),
        ("POST", ["update"]) if !has("hostname") && !has("domains") => acmedns::update(ctx, r),
        ("POST", ["present"]) => httpreq::handle(ctx, r, httpreq::Action::Present),
        ("POST", ["cleanup"]) => httpreq::handle(ctx, r, httpreq::Action::Cleanup),
        ("GET", ["ip"] | ["myip"]) => checkip::plain(ctx, r),
        ("GET", ["nic", "checkip.html"]) => checkip::dyndns_page(ctx, r),
        // IPv64 (the verb is a parameter of /api).
        ("GET" | "POST" | "DELETE", ["api"]) => ipv64::api(ctx, r),
        // PocketDNS partner API.
        ("POST", ["api", "v1", "users"]) => pocketdns::create_user(ctx, r),
        ("GET", ["api", "v1", "users", user, "domains"]) => pocketdns::user_domains(ctx, r, user),
        ("GET", ["api", "v1", "domains", id]) => pocketdns::domain(ctx, r, id),
        ("POST", ["api", "v1", "dns_records"]) => pocketdns::create_record(ctx, r),
        ("GET", ["api", "v1", "dns_records", id]) => pocketdns::record(ctx, r, id),
        ("PATCH", ["api", "v1", "dns_records", id]) => pocketdns::update_record(ctx, r, id),
        ("DELETE", ["api", "v1", "dns_records", id]) => pocketdns::delete_record(ctx, r, id),
        // HostUp v2: domains and per-hostname updaters.
        ("GET", ["api", "v2", "domains"]) => hostup::domains(ctx, r),
        ("GET", ["api", "v2", "domains", zone, "dyndns"]) => hostup::list(ctx, r, zone),
        ("POST", ["api", "v2", "domains", zone, "dyndns"]) => hostup::create(ctx, r, zone),
        ("GET", ["api", "v2", "domains", zone, "dyndns", id]) => hostup::get(ctx, r, zone, id),
        ("PATCH", ["api", "v2", "domains", zone, "dyndns", id]) => hostup::set_enabled(ctx, r, zone, id),
        ("DELETE", ["api", "v2", "domains", zone, "dyndns", id]) => hostup::delete(ctx, r, zone, id),
        // Native management API (the ipdock document).
        ("POST", ["api", "auth", "register"]) => native::auth::register(ctx, r),
        ("POST", ["api", "auth", "login"]) => native::auth::login(ctx, r),
        ("GET", ["api", "setup"]) => native::auth::setup_status(ctx, r),
        ("POST", ["api", "setup"]) => native::auth::setup(ctx, r),
        ("POST", ["api", "auth", "link"]) => native::auth::redeem_link(ctx, r),
        ("POST", ["api", "auth", "logout-all"]) => native::auth::logout_everywhere(ctx, r),
        ("GET", ["api", "me"]) => native::auth::me(ctx, r),
        ("DELETE", ["api", "me"]) => native::auth::delete_account(ctx, r),
        ("POST", ["api", "me", "password"]) => native::auth::change_password(ctx, r),
        ("GET", ["api", "domains"]) => native::domains::list(ctx, r),
        ("POST", ["api", "domains"]) => native::domains::create(ctx, r),
        ("DELETE", ["api", "domains", id]) => native::domains::delete(ctx, r, id),
        ("PATCH", ["api", "domains", id]) => native::domains::configure(ctx, r, id),
        ("POST", ["api", "domains", id, "verify"]) => native::domains::verify(ctx, r, id),
        ("GET", ["api", "domains", id, "delegation-status"]) => native::domains::delegation_status(ctx, r, id),
        ("GET", ["api", "domains", zone, "export"]) => native::domains::export(ctx, r, zone),
        ("GET", ["api", "domains", zone, "records"]) => native::records::list(ctx, r, zone),
        ("POST", ["api", "domains", zone, "records"]) => native::records::create(ctx, r, zone),
        ("PATCH", ["api", "domains", zone, "records", id]) => native::records::update(ctx, r, zone, id),
        ("DELETE", ["api", "domains", zone, "records", id]) => native::records::delete(ctx, r, zone, id),
        ("GET", ["api", "hostnames"]) => native::hostnames::list(ctx, r),
        ("POST", ["api", "hostnames"]) => native::hostnames::create(ctx, r),
        ("GET", ["api", "hostnames", id]) => native::hostnames::get(ctx, r, id),
        ("PATCH", ["api", "hostnames", id]) => native::hostnames::configure(ctx, r, id),
        ("GET", ["api", "hostnames", id, "history"]) => native::hostnames::history(ctx, r, id),
        ("DELETE", ["api", "hostnames", id]) => native::hostnames::delete(ctx, r, id),
        ("GET", ["api", "logs"]) => native::logs::list(ctx, r),
        ("GET", ["api", "tokens"]) => native::tokens::list(ctx, r),
        ("POST", ["api", "tokens"]) => native::tokens::create(ctx, r),
        ("POST", ["api", "tokens", id, "regenerate"]) => native::tokens::regenerate(ctx, r, id),
        ("DELETE", ["api", "tokens", id]) => native::tokens::delete(ctx, r, id),
        ("GET", ["api", "tsig-keys"]) => native::tsig_keys::list(ctx, r),
        ("POST", ["api", "tsig-keys"]) => native::tsig_keys::create(ctx, r),
        ("DELETE", ["api", "tsig-keys", id]) => native::tsig_keys::delete(ctx, r, id),
        ("GET", ["api", "admin", "users"]) => native::admin::users(ctx, r),
        ("PATCH", ["api", "admin", "users", id]) => native::admin::update_user(ctx, r, id),
        ("POST", ["api", "admin", "users", id, "password"]) => native::admin::reset_password(ctx, r, id),
        ("POST", ["api", "admin", "invites"]) => native::admin::invite(ctx, r),
        ("GET", ["api", "admin", "backup"]) => native::admin::backup(ctx, r),
        ("GET" | "PATCH", ["api", "admin", "settings"]) => native::admin::settings(ctx, r),
        ("GET", ["api", "openapi.json"]) => Response::from_data("application/json", OPENAPI),
        // The admin UI: its start page for its own paths, content-hashed files.
        ("GET", [""] | ["setup"] | ["login"]) => ui::index(r),
        ("GET", ["assets", name]) => ui::asset(r, name),
        // Operations.
        ("GET", ["healthz"] | ["health"]) => Response::text("ok"),
        ("GET", ["metrics"]) => metrics(ctx),
        (_, ["nic", "update"] | ["update"] | ["api", "update"]) => Response::text("method not allowed").with_status_code(405),
        _ => Response::text("not found").with_status_code(404),
    }
}

/// The request body as text (the server bounds its size).
fn body_text(request: &Request) -> Result<String> {
    let mut text = String::new();
    if let Some(mut data) = request.data() {
        std::io::Read::read_to_string(&mut data, &mut text)
            .map_err(|_| crate::error::Error::BadRequest("Request body is not UTF-8".into()))?;
    }
    Ok(text)
}

/// The request body as JSON.
fn json_body<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T> {
    serde_json::from_str(&body_text(request)?)
        .map_err(|e| crate::error::Error::BadRequest(format!("Request body is not valid JSON: {e}")))
}

/// `X-RateLimit-*` headers telling a client what is left of its budget.
fn with_budget(response: Response, budget: &crate::ratelimit::Budget) -> Response {
    response
        .with_additional_header("X-RateLimit-Limit", budget.limit.to_string())
        .with_additional_header("X-RateLimit-Remaining", budget.remaining.to_string())
        .with_additional_header("X-RateLimit-Reset", budget.reset.to_string())
}

/// Runs `handle` if `key` is within `limiter`'s budget, and puts the budget in the answer's
/// `X-RateLimit-*` headers (on a 429 too); `render` maps errors to the dialect's format.
fn limited(
    limiter: &crate::ratelimit::Limiter,
    key: &str,
    render: fn(&crate::error::Error) -> Response,
    handle: impl FnOnce() -> Result<Response>,
) -> Response {
    match limiter.check(key) {
        Ok(budget) => with_budget(handle().unwrap_or_else(|e| render(&e)), &budget),
        Err(e) => {
            let reset = match &e {
                crate::error::Error::RateLimited { retry_after } => retry_after.as_secs().max(1),
                _ => 60,
            };
            render(&e)
                .with_additional_header("X-RateLimit-Limit", limiter.limit().to_string())
                .with_additional_header("X-RateLimit-Remaining", "0")
                .with_additional_header("X-RateLimit-Reset", reset.to_string())
        }
    }
}

/// The rate-limit key of a request: its client address.
fn client_key(ctx: &Context, request: &Request) -> String {
    format!("ip:{}", caller::client_ip(request, &ctx.config.trusted_proxies))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// (method, path with `{}` for parameters) of every `/api/…` line of the route table
    /// above, read from this file's own source; `/api/v1/…` and `/api/v2/…` are other
    /// services' dialects.
    fn routes_in_table() -> Vec<(String, String)> {
        let source = include_str!("mod.rs");
        let table = &source[source.find("match (request.method(), path.as_slice())").unwrap_or(0)..];
        let table = &table[..table.find("#[cfg(test)]").unwrap_or(table.len())];
        let mut routes = Vec::new();
        for line in table.lines().map(str::trim).filter(|l| l.starts_with("(\"") && l.contains("=>")) {
            let head = &line[1..line.find("=>").unwrap_or(line.len())];
            let Some((methods, patterns)) = head.split_once(", [") else { continue };
            let patterns = format!("[{patterns}");
            for pattern in patterns.split('[').skip(1).filter_map(|p| p.split(']').next()) {
                let segments: Vec<String> = pattern
                    .split(',')
                    .map(str::trim)
                    .map(|seg| if seg.starts_with('"') { seg.trim_matches('"').to_string() } else { "{}".to_string() })
                    .collect();
                let path = format!("/{}", segments.join("/"));
                if !path.starts_with("/api/") || path.starts_with("/api/v1/") || path.starts_with("/api/v2/") {
                    continue;
                }
                for method in methods.split('|').map(|m| m.trim().trim_matches('"')) {
                    if method != "_" {
                        routes.push((method.to_ascii_lowercase(), path.clone()));
                    }
                }
            }
        }
        routes
    }

    /// (method, path with `{}` for parameters) of every operation in the OpenAPI document.
    fn routes_in_document() -> Vec<(String, String)> {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        let mut routes = Vec::new();
        for (path, operations) in doc["paths"].as_object().into_iter().flatten() {
            let normalised: Vec<String> = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "{}".to_string() } else { seg.to_string() })
                .collect();
            for method in operations.as_object().into_iter().flatten().map(|(m, _)| m) {
                routes.push((method.clone(), normalised.join("/")));
            }
        }
        routes
    }

    #[test]
    fn every_native_route_is_documented_and_every_documented_route_exists() -> crate::Result<()> {
        let table = routes_in_table();
        let document = routes_in_document();
        assert!(table.len() >= 25, "the route table was not read: {table:?}");
        for route in &table {
            assert!(document.contains(route), "{route:?} is routed but missing from openapi.json");
        }
        for route in &document {
            assert!(table.contains(route), "{route:?} is in openapi.json but not routed");
        }
        // And each documented operation really reaches a handler, not the table's fallthrough.
        let dir = std::env::temp_dir().join(format!("porchlight-openapi-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = crate::Config::load(None, Vec::new(), crate::config::Overrides { data_dir: Some(dir), ..Default::default() })?;
        let ctx = Context::open(config)?;
        for (method, path) in &document {
            let url = path.replace("{}", "some-id");
            let request = Request::fake_http(method.to_ascii_uppercase(), url.clone(), Vec::new(), Vec::new());
            let response = route(&ctx, &request);
            let (mut body, _) = response.data.into_reader_and_size();
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut body, &mut text);
            assert!(
                !(response.status_code == 404 && text == "not found") && response.status_code != 405,
                "{method} {url} fell through the route table"
            );
        }
        Ok(())
    }

    #[test]
    fn the_document_is_openapi_3() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        assert!(doc["components"]["schemas"]["Error"].is_object());
    }
}
