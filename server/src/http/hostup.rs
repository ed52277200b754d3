//! The HostUp v2 dialect (seed 004): domains and per-hostname dynamic-DNS updaters under
//! `/api/v2`, Bearer API keys with scopes, and errors as RFC 7807 `application/problem+json`
//! with a stable `code`, `requestId` and, for invalid input, `errors[].pointer`.

use std::io::Read as _;

use rouille::{Request, Response};
use serde_json::{Value, json};

use super::caller;
use crate::Context;
use crate::error::Error;
use crate::store::{self, updaters::UpdaterRow};
use crate::tokens::Caller;

/// A field-level complaint: (JSON pointer, detail, code).
type FieldError = (&'static str, String, &'static str);

/// An error on its way to becoming a problem document.
struct Problem {
    error: Error,
    fields: Vec<FieldError>,
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Self { error, fields: Vec::new() }
    }
}

type Answer = Result<Response, Problem>;

pub fn domains(ctx: &Context, request: &Request) -> Response {
    handle(ctx, request, |caller| {
        caller.require("read:domains").or_else(|_| caller.require("write:domains"))?;
        let zones = crate::domains::visible(ctx, &caller.user)?;
        let data: Vec<Value> = zones.iter().map(|(id, name)| json!({"id": id, "name": name})).collect();
        Ok(reply(200, &json!({"data": data})))
    })
}

pub fn create(ctx: &Context, request: &Request, zone_id: &str) -> Response {
    handle(ctx, request, |caller| {
        caller.require("write:domains")?;
        let body: Value = super::json_body(request)?;
        let mut fields = Vec::new();
        let hostname = body["hostname"].as_str().unwrap_or_default().trim().to_string();
        if hostname.is_empty() {
            fields.push(("/hostname", "`hostname` is required.".to_string(), "missing_required"));
        }
        let record_type = body["recordType"].as_str().unwrap_or_default().to_string();
        if !matches!(record_type.as_str(), "A" | "AAAA") {
            fields.push(("/recordType", "`recordType` must be A or AAAA.".to_string(), "invalid_enum"));
        }
        if !fields.is_empty() {
            return Err(Problem { error: Error::BadRequest("The request body failed validation.".into()), fields });
        }
        let created = crate::updaters::create(ctx, &caller.user, zone_id, &hostname, &record_type).map_err(|e| match e {
            Error::Invalid(detail) => Problem {
                error: Error::BadRequest("The request body failed validation.".into()),
                fields: vec![("/hostname", detail, "invalid_value")],
            },
            other => other.into(),
        })?;
        Ok(reply(201, &updater_json(&created.updater, Some(&created.token))))
    })
}

pub fn list(ctx: &Context, request: &Request, zone_id: &str) -> Response {
    handle(ctx, request, |caller| {
        caller.require("read:domains").or_else(|_| caller.require("write:domains"))?;
        let data: Vec<Value> = crate::updaters::list(ctx, &caller.user, zone_id)?.iter().map(|u| updater_json(u, None)).collect();
        Ok(reply(200, &json!({"data": data})))
    })
}

pub fn get(ctx: &Context, request: &Request, zone_id: &str, id: &str) -> Response {
    handle(ctx, request, |caller| {
        caller.require("read:domains").or_else(|_| caller.require("write:domains"))?;
        Ok(reply(200, &updater_json(&crate::updaters::get(ctx, &caller.user, zone_id, id)?, None)))
    })
}

/// `PATCH …/dyndns/{id}` with `{"enabled": bool}`.
pub fn set_enabled(ctx: &Context, request: &Request, zone_id: &str, id: &str) -> Response {
    handle(ctx, request, |caller| {
        caller.require("write:domains")?;
        let body: Value = super::json_body(request)?;
        let Some(enabled) = body["enabled"].as_bool() else {
            return Err(Problem {
                error: Error::BadRequest("The request body failed validation.".into()),
                fields: vec![("/enabled", "`enabled` must be true or false.".into(), "invalid_type")],
            });
        };
        Ok(reply(200, &updater_json(&crate::updaters::set_enabled(ctx, &caller.user, zone_id, id, enabled)?, None)))
    })
}

pub fn delete(ctx: &Context, request: &Request, zone_id: &str, id: &str) -> Response {
    handle(ctx, request, |caller| {
        caller.require("write:domains")?;
        crate::updaters::delete(ctx, &caller.user, zone_id, id)?;
        Ok(Response::empty_204())
    })
}

/// Rate limit, Bearer API key (account keys only), then `run`; problems rendered here.
fn handle(ctx: &Context, request: &Request, run: impl FnOnce(&Caller) -> Answer) -> Response {
    let instance = request.url();
    let mut problem = None;
    let response = super::limited(&ctx.limits.api, &super::client_key(ctx, request), error, || {
        let credentials = caller::credentials(request);
        if credentials.secrets.is_empty() {
            return Err(Error::NoCredentials);
        }
        let caller = crate::tokens::authenticate(ctx, &credentials.secrets, |t| t.hostname_id.is_none())?;
        run(&caller).map_err(|p| {
            problem = Some(p.fields);
            p.error
        })
    });
    finish(response, &instance, problem.unwrap_or_default())
}

/// Fills in the parts of a problem document only the request knows (`instance`, field
/// errors); other answers pass through.
fn finish(response: Response, instance: &str, fields: Vec<FieldError>) -> Response {
    let is_problem = response.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("Content-Type") && v.starts_with("application/problem+json"));
    if !is_problem {
        return response;
    }
    let Response { status_code, headers, data, upgrade } = response;
    let (mut reader, _) = data.into_reader_and_size();
    let mut text = String::new();
    let _ = reader.read_to_string(&mut text);
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({}));
    doc["instance"] = json!(instance);
    if !fields.is_empty() {
        doc["errors"] = fields.iter().map(|(pointer, detail, code)| json!({"pointer": pointer, "detail": detail, "code": code})).collect();
    }
    Response { status_code, headers, data: rouille::ResponseBody::from_string(doc.to_string()), upgrade }
}

fn updater_json(u: &UpdaterRow, token: Option<&str>) -> Value {
    json!({
        "id": u.id,
        "hostname": u.hostname,
        "recordType": u.record_type,
        "token": token,
        "lastIp": u.last_ip,
        "lastUpdatedAt": u.last_updated_at.map(timestamp),
        "updateCount": u.update_count,
        "enabled": u.enabled,
        "createdAt": timestamp(u.created_at),
        "updatedAt": u.updated_at.map(timestamp),
    })
}

/// `2026-04-27T12:00:00.000Z`, as the document writes times.
fn timestamp(unix: i64) -> String {
    store::rfc3339(unix).replace('Z', ".000Z")
}

fn reply(status: u16, body: &Value) -> Response {
    Response::json(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// The one mapping of domain errors to problem documents (`instance` and field errors are
/// added by [`finish`]).
fn error(e: &Error) -> Response {
    let (status, code, title, detail) = match e {
        Error::NoCredentials => (401, "unauthorized", "Unauthorized", "An API key is required: Authorization: Bearer <key>.".to_string()),
        Error::BadAuth | Error::BadLogin => (401, "unauthorized", "Unauthorized", "The API key is not valid.".to_string()),
        Error::Forbidden(m) => (403, "insufficient_scope", "Forbidden", m.clone()),
        Error::PlanLimit(m) => (403, "plan_limit", "Plan limit reached", m.clone()),
        Error::NotFound(what) => (404, "not_found", "Not found", format!("{what} not found.")),
        Error::Conflict(m) => (409, "conflict", "Conflict", m.clone()),
        Error::BadRequest(m) => (400, "invalid_request", "Validation failed", m.clone()),
        Error::Invalid(m) => (400, "invalid_request", "Validation failed", m.clone()),
        Error::BadAddress(a) => (400, "invalid_request", "Validation failed", format!("Invalid IP address: {a}")),
        Error::TooManyHosts { max } => (400, "invalid_request", "Validation failed", format!("At most {max} hostnames.")),
        Error::RateLimited { .. } => (429, "rate_limited", "Too many requests", "Slow down and retry after the time in Retry-After.".to_string()),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "HostUp API request failed");
            (500, "internal_error", "Internal server error", "Something went wrong on the appliance.".to_string())
        }
    };
    let doc = json!({
        "type": format!("/api/v2/errors/{code}"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": "",
        "requestId": format!("req_{}", store::new_id().replace('-', "")),
        "timestamp": timestamp(store::now()),
    });
    let response = Response::from_data("application/problem+json", doc.to_string()).with_status_code(status).with_additional_header("Cache-Control", "no-store");
    match e {
        Error::RateLimited { retry_after } => response.with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string()),
        Error::NoCredentials | Error::BadAuth => response.with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\""),
        _ => response,
    }
}
