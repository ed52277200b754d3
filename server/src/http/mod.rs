//! HTTP: the only module that names rouille types. One route table (`routes`); route groups
//! (`groups`) that authenticate, rate-limit and render errors per API surface; one file per
//! dialect, each translating requests into domain calls and domain results into its wire
//! format.

mod acmedns;
mod call;
mod checkip;
mod duckdns;
mod dyndns2;
#[doc(hidden)]
pub mod fuzzing;
mod groups;
mod hostup;
mod httpreq;
mod ipv64;
mod native;
mod openapi;
mod ops;
mod pocketdns;
mod request;
mod router;
mod routes;
mod server;
mod ui;

use std::sync::Arc;

use rouille::{Request, Response};

use crate::Context;
use crate::error::{Error, Result};

pub use server::{HttpServer, MAX_BODY, MAX_HEAD, MAX_HEADERS};

/// Starts the HTTP listener configured in `ctx`, and the HTTPS one when configured.
pub fn start(ctx: Arc<Context>) -> Result<(HttpServer, Option<HttpServer>)> {
    // HTTP and HTTPS each have their own slots.
    let slots = || {
        crate::admission::Admission::new(ctx.config.max_connections, ctx.config.max_connections_per_address, ctx.config.trusted_proxies.clone())
    };
    let https = match ctx.config.https {
        Some(addr) => Some((addr, crate::tls::server_config(&ctx.config, &ctx.zones)?)),
        None => None,
    };
    let handler: Arc<dyn server::Handler> = Arc::new(Appliance(ctx.clone()));
    let http = HttpServer::start(ctx.config.http, slots(), handler.clone(), None)?;
    let https = https.map(|(addr, tls)| HttpServer::start(addr, slots(), handler, Some(tls))).transpose()?;
    Ok((http, https))
}

/// The appliance as the connection loop sees it.
struct Appliance(Arc<Context>);

impl server::Handler for Appliance {
    fn handle(&self, request: &Request) -> Response {
        route(&self.0, request)
    }

    fn refuse(&self, request: &Request, error: Error) -> Response {
        router::refuse(&self.0, routes::table(), request, error)
    }

    fn panicked(&self) {
        self.0.metrics.panicked("http");
    }
}

/// Answers one request through the route table.
pub fn route(ctx: &Context, request: &Request) -> Response {
    // The isolation tests' fault (compiled only with the `fault-injection` feature).
    #[cfg(feature = "fault-injection")]
    assert!(request.header("X-Porchlight-Fault") != Some("panic"), "fault injected into an HTTP request");
    router::dispatch(ctx, routes::table(), request)
}

/// The OpenAPI document of the native API (`ctx` gives the plans and zones its rules name).
pub fn openapi_document(ctx: &Context) -> String {
    let operations: Vec<openapi::Operation<'_>> = {
        let documented = routes::table().iter().filter_map(|r| r.doc.as_ref().map(|doc| (r, doc)));
        documented
            .map(|(r, doc)| openapi::Operation {
                methods: r.methods,
                path: r.path,
                security: match r.group.auth {
                    groups::Auth::Required(crate::auth::Accept::Updates) => Some("hostnameToken"),
                    groups::Auth::Required(_) => Some("session"),
                    _ => None,
                },
                doc,
            })
            .collect()
    };
    openapi::document(&operations, |doc| native::rules::apply(ctx, doc))
}

/// Every route as (methods, path pattern, group name, whether it is documented), for the
/// tests that walk the table.
pub fn route_list() -> Vec<(&'static [&'static str], &'static str, &'static str, bool)> {
    routes::table().iter().map(|r| (r.methods, r.path, r.group.name, r.doc.is_some())).collect()
}

/// A JSON answer.
fn reply(status: u16, value: &impl serde::Serialize) -> Response {
    Response::json(value).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// A plain-text answer.
fn text(status: u16, body: &str) -> Response {
    Response::text(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// Adds what every rendering of `error` carries whatever the dialect: `Allow` on a 405.
fn with_allow(response: Response, error: &Error) -> Response {
    match error {
        Error::MethodNotAllowed { allow } => {
            let mut methods: Vec<&str> = allow.clone();
            if methods.contains(&"GET") && !methods.contains(&"HEAD") {
                methods.push("HEAD");
            }
            response.with_additional_header("Allow", methods.join(", "))
        }
        _ => response,
    }
}

/// The `WWW-Authenticate` challenges of update paths: Basic first (wget and uclient-fetch
/// send credentials only after it), Bearer beside it.
fn challenge_basic(response: Response) -> Response {
    response
        .with_additional_header("WWW-Authenticate", "Basic realm=\"porchlight\"")
        .with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\"")
}

/// The HTTP status each domain error has in the JSON APIs (each dialect adjusts what its
/// document says otherwise).
fn status_of(error: &Error) -> u16 {
    match error {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin | Error::CodeNeeded | Error::BadCode => 401,
        Error::Forbidden(_) | Error::PlanLimit(_) => 403,
        Error::NotFound(_) | Error::NoRoute => 404,
        Error::MethodNotAllowed { .. } => 405,
        Error::Conflict(_) => 409,
        Error::TooLarge { .. } => 413,
        Error::LengthRequired => 411,
        Error::BadRequest(_) => 400,
        Error::Invalid(_) | Error::Validation(_) | Error::BadAddress(_) | Error::TooManyHosts { .. } => 422,
        Error::RateLimited { .. } => 429,
        Error::Unavailable(_) | Error::Unwritable(_) => 503,
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(%error, "request failed");
            500
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_native_route_is_documented() {
        for (methods, path, group, documented) in route_list() {
            let native = group == "native" || (group == "ipdock" && path == "/api/update");
            if native {
                assert!(documented, "{methods:?} {path} is a native route without an OpenAPI description");
            }
            if !native {
                assert!(!documented, "{path} belongs to another service's dialect");
            }
        }
    }

    #[test]
    fn the_document_describes_every_documented_route_and_is_openapi_3() -> Result<()> {
        let t = crate::testing::TestContext::new()?;
        let doc: serde_json::Value = serde_json::from_str(&openapi_document(&t.ctx)).map_err(|e| Error::Invalid(e.to_string()))?;
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
        let mut operations = 0;
        for (methods, path, _, documented) in route_list() {
            for method in methods.iter().filter(|_| documented) {
                let operation = &doc["paths"][path][method.to_ascii_lowercase()];
                assert!(operation["operationId"].is_string(), "{method} {path} missing from the document");
                operations += 1;
            }
        }
        assert!(operations >= 40, "{operations}");
        // Query numbers say their bounds.
        let page = doc["paths"]["/api/logs"]["get"]["parameters"].as_array().into_iter().flatten().find(|p| p["name"] == "page").cloned().unwrap_or_default();
        assert_eq!((page["schema"]["minimum"].as_u64(), page["schema"]["maximum"].as_u64()), (Some(1), Some(u64::from(u32::MAX))), "{page}");
        // Every link names an operation that exists, and every schema referenced is defined.
        let text = openapi_document(&t.ctx);
        let text = text.as_str();
        for reference in text.split("\"#/components/schemas/").skip(1).filter_map(|s| s.split('"').next()) {
            assert!(doc["components"]["schemas"][reference].is_object(), "{reference} is referenced but not defined");
        }
        let ids: Vec<&str> = doc["paths"].as_object().into_iter().flatten().flat_map(|(_, item)| item.as_object().into_iter().flatten()).filter_map(|(_, op)| op["operationId"].as_str()).collect();
        for link in text.split("\"operationId\":\"").skip(1).filter_map(|s| s.split('"').next()) {
            assert!(ids.contains(&link), "{link}");
        }
        Ok(())
    }

    #[test]
    fn every_documented_operation_reaches_its_handler() -> Result<()> {
        let t = crate::testing::TestContext::new()?;
        for (methods, path, _, documented) in route_list() {
            for method in methods.iter().filter(|_| documented) {
                let url = path.split('/').map(|s| if s.starts_with('{') { "some-id" } else { s }).collect::<Vec<_>>().join("/");
                let request = Request::fake_http(*method, url.clone(), Vec::new(), Vec::new());
                let response = route(&t.ctx, &request);
                assert!(![404, 405].contains(&response.status_code), "{method} {url} fell through: {}", response.status_code);
            }
        }
        Ok(())
    }
}
