//! The HostUp v2 dialect (seed 004): domains and per-hostname dynamic-DNS updaters under
//! `/api/v2`, Bearer API keys with scopes, and errors as RFC 7807 `application/problem+json`
//! with a stable `code`, `requestId` and, for invalid input, `errors[].pointer`.

use rouille::Response;
use serde::{Deserialize, Serialize};

use super::call::Call;
use super::{reply, status_of};
use crate::Context;
use crate::auth::Credentials;
use crate::domains::Listed;
use crate::error::{Error, Result};
use crate::model::{Updater, UpdaterId, ZoneId};

#[derive(Serialize)]
struct Domain {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewUpdater {
    hostname: Option<String>,
    record_type: Option<String>,
}

#[derive(Deserialize)]
struct Enabled {
    enabled: Option<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdaterDoc {
    id: String,
    hostname: String,
    record_type: String,
    token: Option<String>,
    last_ip: Option<String>,
    last_updated_at: Option<String>,
    update_count: i64,
    enabled: bool,
    created_at: Option<String>,
    updated_at: Option<String>,
}

#[derive(Serialize)]
struct FieldProblem<'a> {
    pointer: &'a str,
    detail: &'a str,
    code: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProblemDoc<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    code: &'a str,
    instance: &'a str,
    request_id: String,
    timestamp: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem<'a>>,
}

/// API keys as Bearer (or any of the usual places), and "Dashboard sessions may also use
/// hostup_session": a session token in that cookie.
pub fn credentials(call: &Call<'_>) -> Credentials {
    let mut credentials = super::request::credentials(call);
    let session = rouille::input::cookies(call.request).find(|(name, _)| *name == "hostup_session").map(|(_, value)| value.to_string());
    credentials.secrets.extend(session);
    credentials
}

pub fn domains(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let zones = crate::domains::visible(ctx, call.caller()?, false)?;
    let data = zones
        .iter()
        .map(|zone| match zone {
            Listed::Builtin(z) => Domain { id: z.id.to_string(), name: z.name.to_string() },
            Listed::Custom(d) => Domain { id: d.id.to_string(), name: d.name.to_string() },
        })
        .collect();
    Ok(reply(200, &List { data }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (hostname, record_type) = new_updater(call)?;
    let created = crate::updaters::create(ctx, call.caller()?, &call.id::<ZoneId>("zone"), &hostname, &record_type)?;
    Ok(reply(201, &updater(&created.updater, Some(created.token))))
}

/// The hostname and record type of a new updater, each checked for presence and form.
pub(super) fn new_updater(call: &Call<'_>) -> Result<(String, String)> {
    let body: NewUpdater = call.json()?;
    let hostname = body.hostname.unwrap_or_default().trim().to_string();
    let record_type = body.record_type.map(|t| t.trim().to_string()).unwrap_or_default();
    let field = |name: &str, message: String, code| crate::error::FieldError { pointer: format!("/{name}"), message, code };
    let mut fields = Vec::new();
    if hostname.is_empty() {
        fields.push(field("hostname", "`hostname` is required.".into(), "missing_required"));
    }
    if record_type.is_empty() {
        fields.push(field("recordType", "`recordType` is required: A or AAAA.".into(), "missing_required"));
    } else if !matches!(record_type.as_str(), "A" | "AAAA") {
        fields.push(field("recordType", "`recordType` must be A or AAAA.".into(), "invalid_enum"));
    }
    if !fields.is_empty() {
        return Err(Error::Validation(fields));
    }
    Ok((hostname, record_type))
}

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let updaters = crate::updaters::list(ctx, call.caller()?, &call.id::<ZoneId>("zone"))?;
    Ok(reply(200, &List { data: updaters.iter().map(|u| updater(u, None)).collect() }))
}

pub fn get(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let found = crate::updaters::get(ctx, call.caller()?, &call.id::<ZoneId>("zone"), &call.id::<UpdaterId>("id"))?;
    Ok(reply(200, &updater(&found, None)))
}

/// `PATCH …/dyndns/{id}` with `{"enabled": bool}`.
pub fn set_enabled(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let enabled = enabled(call)?;
    let changed = crate::updaters::set_enabled(ctx, call.caller()?, &call.id::<ZoneId>("zone"), &call.id::<UpdaterId>("id"), enabled)?;
    Ok(reply(200, &updater(&changed, None)))
}

/// The `enabled` of a PATCH body.
pub(super) fn enabled(call: &Call<'_>) -> Result<bool> {
    let body: Enabled = call.json()?;
    body.enabled.and_then(|v| v.as_bool()).ok_or_else(|| {
        Error::Validation(vec![crate::error::FieldError {
            pointer: "/enabled".into(),
            message: "`enabled` must be true or false.".into(),
            code: "invalid_type",
        }])
    })
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    crate::updaters::delete(ctx, call.caller()?, &call.id::<ZoneId>("zone"), &call.id::<UpdaterId>("id"))?;
    Ok(Response::empty_204())
}

fn updater(u: &Updater, token: Option<String>) -> UpdaterDoc {
    UpdaterDoc {
        id: u.id.to_string(),
        hostname: u.hostname.to_string(),
        record_type: u.record_type.to_string(),
        token,
        last_ip: u.last_ip.clone(),
        last_updated_at: u.last_updated_at.map(timestamp),
        update_count: u.update_count,
        enabled: u.enabled,
        created_at: Some(timestamp(u.created_at)),
        updated_at: u.updated_at.map(timestamp),
    }
}

/// `2026-04-27T12:00:00.000Z`, as the document writes times.
fn timestamp(unix: i64) -> String {
    crate::clock::rfc3339(unix).replace('Z', ".000Z")
}

/// The one mapping of domain errors to problem documents.
pub fn error(e: &Error, path: &str) -> Response {
    let status = match e {
        // The document answers validation failures with 400.
        Error::Invalid(_) | Error::Validation(_) | Error::BadAddress(_) | Error::TooManyHosts { .. } => 400,
        other => status_of(other),
    };
    let (code, title) = match status {
        401 => ("unauthorized", "Unauthorized"),
        403 if matches!(e, Error::PlanLimit(_)) => ("plan_limit", "Plan limit reached"),
        403 => ("insufficient_scope", "Forbidden"),
        404 => ("not_found", "Not found"),
        405 => ("method_not_allowed", "Method not allowed"),
        409 => ("conflict", "Conflict"),
        411 => ("length_required", "Length required"),
        413 => ("payload_too_large", "Payload too large"),
        429 => ("rate_limited", "Too many requests"),
        400 | 422 => ("invalid_request", "Validation failed"),
        503 => ("unavailable", "Service unavailable"),
        _ => ("internal_error", "Internal server error"),
    };
    let detail = match e {
        Error::NoCredentials => "An API key is required: Authorization: Bearer <key>.".to_string(),
        Error::BadAuth | Error::BadLogin => "The API key is not valid.".to_string(),
        Error::NotFound(what) => format!("{what} not found."),
        Error::NoRoute => "No such endpoint.".to_string(),
        Error::Validation(_) => "The request body failed validation.".to_string(),
        Error::RateLimited { .. } => "Slow down and retry after the time in Retry-After.".to_string(),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => "Something went wrong on the appliance.".to_string(),
        other => other.to_string(),
    };
    let errors = match e {
        Error::Validation(fields) => fields.iter().map(|f| FieldProblem { pointer: &f.pointer, detail: &f.message, code: f.code }).collect(),
        _ => Vec::new(),
    };
    let doc = ProblemDoc {
        kind: format!("/api/v2/errors/{code}"),
        title,
        status,
        detail,
        code,
        instance: path,
        request_id: format!("req_{}", uuid::Uuid::new_v4().simple()),
        timestamp: timestamp(crate::clock::now()),
        errors,
    };
    let body = serde_json::to_string(&doc).unwrap_or_default();
    let response = Response::from_data("application/problem+json", body).with_status_code(status).with_additional_header("Cache-Control", "no-store");
    let response = super::with_allow(response, e);
    match e {
        Error::NoCredentials | Error::BadAuth => response.with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\""),
        _ => response,
    }
}
