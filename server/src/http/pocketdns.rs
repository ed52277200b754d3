//! The PocketDNS partner API (seed 003): partners create or find their users and get a
//! 24-hour login link for each, read their users' domains, and manage DNS records. Errors
//! are `{"errors": […]}` with the document's status codes.

use rouille::Response;
use serde::{Deserialize, Serialize};

use super::reply;
use super::call::Call;
use crate::Context;
use crate::error::{Error, FieldError, Result};
use crate::model::{CustomDomain, RecordId, StoredRecord, ZoneId};
use crate::records::RecordKind;
use crate::records::edit::{Input, Patch};

/// TTL of records created without one (the document's default).
const DEFAULT_TTL: u32 = 3600;

#[derive(Deserialize)]
struct NewUser {
    user_identifier: Option<String>,
    email: Option<String>,
}

#[derive(Serialize)]
struct UserSession {
    user_identifier: String,
    login_url: String,
}

#[derive(Serialize)]
struct Domain {
    id: String,
    name: String,
    verified: bool,
}

#[derive(Serialize)]
struct Domains {
    domains: Vec<Domain>,
}

/// A record's fields as the document names them: all given when creating, any when
/// changing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordFields {
    domain_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    value: Option<String>,
    ttl: Option<u32>,
    priority: Option<u16>,
    weight: Option<u16>,
    port: Option<u16>,
    target: Option<String>,
}

#[derive(Serialize)]
struct Record {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    name: String,
    value: String,
    ttl: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
}

#[derive(Serialize)]
struct Errors {
    errors: Vec<String>,
}

pub fn create_user(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: NewUser = call.json()?;
    let identifier = input.user_identifier.unwrap_or_default();
    let (_, code) = crate::partners::session_link(ctx, call.caller()?, &identifier, input.email.as_deref())?;
    // The appliance's public address; without one, the address the partner called (when it
    // is a plain host and port).
    let base = crate::admin::public_url(ctx).unwrap_or_else(|| {
        let scheme = if call.request.is_secure() { "https" } else { "http" };
        let asked = format!("{scheme}://{}", call.request.header("Host").unwrap_or_default());
        if crate::config::check_public_url(&asked).is_ok() && !asked[scheme.len() + 3..].contains('/') { asked } else { format!("{scheme}://localhost") }
    });
    Ok(reply(201, &UserSession { user_identifier: identifier.trim().to_string(), login_url: format!("{base}/login?code={code}") }))
}

pub fn user_domains(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let domains = crate::partners::user_domains(ctx, call.caller()?, call.path("user"))?;
    Ok(reply(200, &Domains { domains: domains.iter().map(domain_of).collect() }))
}

pub fn domain(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    Ok(reply(200, &domain_of(&crate::partners::domain(ctx, call.caller()?, &call.id::<ZoneId>("id"))?)))
}

pub fn create_record(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (domain_id, input) = new_record(call)?;
    let (row, domain) = crate::partners::create_record(ctx, call.caller()?, &domain_id, &input)?;
    Ok(reply(201, &record_of(&row, &domain)))
}

/// The domain and the record a creation names, every field the document requires present.
pub(super) fn new_record(call: &Call<'_>) -> Result<(ZoneId, Input)> {
    let r: RecordFields = call.json()?;
    let mut missing = Vec::new();
    for (field, value) in [("domain_id", &r.domain_id), ("type", &r.kind), ("name", &r.name)] {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            missing.push(required(field));
        }
    }
    let content = content(r.kind.as_deref().unwrap_or(""), r.value, r.target);
    if content.as_deref().is_none_or(|v| v.trim().is_empty()) {
        missing.push(required("value"));
    }
    if !missing.is_empty() {
        return Err(Error::Validation(missing));
    }
    let input = Input {
        kind: r.kind.unwrap_or_default(),
        name: r.name.unwrap_or_default(),
        content: content.unwrap_or_default(),
        ttl: Some(r.ttl.unwrap_or(DEFAULT_TTL)),
        priority: r.priority,
        weight: r.weight,
        port: r.port,
    };
    Ok((ZoneId::from(r.domain_id.as_deref().unwrap_or_default()), input))
}

pub fn record(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (row, domain) = crate::partners::record(ctx, call.caller()?, &call.id::<RecordId>("id"))?;
    Ok(reply(200, &record_of(&row, &domain)))
}

/// `PATCH`: any of the document's fields, `type` and `name` among them.
pub fn update_record(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let change: RecordFields = call.json()?;
    let id = call.id::<RecordId>("id");
    let (row, domain) = crate::partners::record(ctx, call.caller()?, &id)?;
    if change.domain_id.as_deref().is_some_and(|d| d != domain.id.as_str()) {
        return Err(Error::invalid_field("/domain_id", "A record cannot move to another domain; delete it and create a new one"));
    }
    let kind = change.kind.clone().unwrap_or_else(|| row.kind.to_string());
    let patch = Patch {
        kind: change.kind,
        name: change.name,
        content: content(&kind, change.value, change.target),
        ttl: change.ttl,
        priority: change.priority,
        weight: change.weight,
        port: change.port,
    };
    let (row, domain) = crate::partners::update_record(ctx, call.caller()?, &id, &patch)?;
    Ok(reply(200, &record_of(&row, &domain)))
}

pub fn delete_record(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    crate::partners::delete_record(ctx, call.caller()?, &call.id::<RecordId>("id"))?;
    Ok(Response::empty_204())
}

fn required(field: &str) -> FieldError {
    FieldError { pointer: format!("/{field}"), message: format!("{field} is required"), code: "missing_required" }
}

/// SRV records carry their target in `target`; every other type in `value`.
fn content(kind: &str, value: Option<String>, target: Option<String>) -> Option<String> {
    if kind.eq_ignore_ascii_case("SRV") { target.or(value) } else { value }
}

/// `@` for the apex, else the name relative to the domain.
fn relative_name(domain: &CustomDomain, row: &StoredRecord) -> String {
    if row.name == domain.name {
        return "@".into();
    }
    let suffix = format!(".{}", domain.name);
    row.name.as_str().strip_suffix(&suffix).unwrap_or(row.name.as_str()).to_string()
}

fn domain_of(d: &CustomDomain) -> Domain {
    Domain { id: d.id.to_string(), name: d.name.to_string(), verified: d.verified_at.is_some() }
}

fn record_of(r: &StoredRecord, domain: &CustomDomain) -> Record {
    let srv = r.kind == RecordKind::Srv;
    Record {
        id: r.id.to_string(),
        kind: r.kind.to_string(),
        name: relative_name(domain, r),
        value: r.content.clone(),
        ttl: r.ttl,
        priority: r.priority,
        weight: r.weight,
        port: r.port,
        target: srv.then(|| r.content.clone()),
    }
}

/// The one mapping of domain errors to `{"errors": […]}` answers.
pub fn error(e: &Error, _path: &str) -> Response {
    let (status, errors) = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin | Error::CodeNeeded | Error::BadCode => (401, vec!["Invalid or missing API key".to_string()]),
        Error::Forbidden(m) => (401, vec![m.clone()]),
        Error::PlanLimit(m) => (422, vec![m.clone()]),
        Error::NotFound(what) => (404, vec![format!("{what} not found")]),
        Error::NoRoute => (404, vec!["Not found".to_string()]),
        Error::MethodNotAllowed { .. } => (405, vec!["Method not allowed".to_string()]),
        Error::TooLarge { max } => (413, vec![format!("The request body is larger than {max} bytes")]),
        Error::LengthRequired => (411, vec!["A request body needs Content-Length".to_string()]),
        Error::BadRequest(m) => (400, vec![m.clone()]),
        Error::Validation(fields) => (422, fields.iter().map(|f| f.message.clone()).collect()),
        Error::Conflict(m) | Error::Invalid(m) => (422, vec![m.clone()]),
        Error::BadAddress(a) => (422, vec![format!("Invalid IP address: {a}")]),
        Error::TooManyHosts { max } => (422, vec![format!("At most {max} hostnames")]),
        Error::RateLimited { .. } => (429, vec!["Rate limit exceeded".to_string()]),
        Error::Unwritable(m) => (500, vec![format!("The appliance cannot save changes right now ({m})")]),
        Error::Unavailable(_) | Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "partner API request failed");
            (500, vec!["Internal server error".to_string()])
        }
    };
    super::with_allow(reply(status, &Errors { errors }), e)
}
