//! The PocketDNS partner API (seed 003): partners create or find their users and get a
//! 24-hour login link for each, read their users' domains, and manage DNS records. Errors
//! are `{"errors": […]}` with the document's status codes.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{caller, json_body as body};
use crate::Context;
use crate::error::Error;
use crate::records::edit::{self, Input, Patch};
use crate::store::records::RecordRow;
use crate::store::zones::CustomRow;
use crate::tokens::Caller;

/// TTL of records created without one (the document's default).
const DEFAULT_TTL: u32 = 3600;

#[derive(Deserialize)]
struct NewUser {
    user_identifier: Option<String>,
    email: Option<String>,
}

/// A record's fields as the document names them: all given when creating, any when
/// changing.
#[derive(Deserialize)]
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

pub fn create_user(ctx: &Context, request: &Request) -> Response {
    handle(ctx, request, |partner| {
        let input: NewUser = body(request)?;
        let identifier = input.user_identifier.unwrap_or_default();
        let (user, _) = crate::partners::ensure_user(ctx, partner, &identifier, input.email.as_deref())?;
        let code = crate::partners::login_link(ctx, &user)?;
        let scheme = if request.is_secure() { "https" } else { "http" };
        let host = request.header("Host").unwrap_or("localhost");
        Ok(reply(201, &json!({"user_identifier": identifier.trim(), "login_url": format!("{scheme}://{host}/login?code={code}")})))
    })
}

pub fn user_domains(ctx: &Context, request: &Request, identifier: &str) -> Response {
    handle(ctx, request, |partner| {
        let user = crate::partners::user(ctx, partner, identifier)?;
        let domains: Vec<Value> = crate::domains::list(ctx, &user)?.iter().map(domain_json).collect();
        Ok(reply(200, &json!({"domains": domains})))
    })
}

pub fn domain(ctx: &Context, request: &Request, id: &str) -> Response {
    handle(ctx, request, |partner| Ok(reply(200, &domain_json(&crate::partners::domain(ctx, partner, id)?.0))))
}

pub fn create_record(ctx: &Context, request: &Request) -> Response {
    handle(ctx, request, |partner| {
        let r: RecordFields = body(request)?;
        let mut missing = Vec::new();
        for (field, value) in [("domain_id", &r.domain_id), ("type", &r.kind), ("name", &r.name)] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                missing.push(format!("{field} is required"));
            }
        }
        let content = content(r.kind.as_deref().unwrap_or(""), r.value, r.target);
        if content.as_deref().is_none_or(|v| v.trim().is_empty()) {
            missing.push("value is required".to_string());
        }
        if !missing.is_empty() {
            return Err(Error::Invalid(missing.join("; ")));
        }
        let (domain, owner) = crate::partners::domain(ctx, partner, r.domain_id.as_deref().unwrap_or(""))?;
        let input = Input {
            kind: r.kind.unwrap_or_default(),
            name: r.name.unwrap_or_default(),
            content: content.unwrap_or_default(),
            ttl: Some(r.ttl.unwrap_or(DEFAULT_TTL)),
            priority: r.priority,
            weight: r.weight,
            port: r.port,
        };
        let row = edit::create(ctx, &owner, &domain.id, &input)?;
        Ok(reply(201, &record_json(&row, &domain)))
    })
}

pub fn record(ctx: &Context, request: &Request, id: &str) -> Response {
    handle(ctx, request, |partner| {
        let (row, domain, _) = crate::partners::record(ctx, partner, id)?;
        Ok(reply(200, &record_json(&row, &domain)))
    })
}

pub fn update_record(ctx: &Context, request: &Request, id: &str) -> Response {
    handle(ctx, request, |partner| {
        let (row, domain, owner) = crate::partners::record(ctx, partner, id)?;
        let change: RecordFields = body(request)?;
        if change.domain_id.as_deref().is_some_and(|d| d != domain.id) {
            return Err(Error::Invalid("A record cannot move to another domain; delete it and create a new one".into()));
        }
        if change.kind.as_deref().is_some_and(|k| !k.eq_ignore_ascii_case(&row.kind)) {
            return Err(Error::Invalid("A record's type cannot be changed; delete it and create a new one".into()));
        }
        if change.name.as_deref().is_some_and(|n| relative_name(&domain.name, n) != relative_name(&domain.name, &row.name)) {
            return Err(Error::Invalid("A record's name cannot be changed; delete it and create a new one".into()));
        }
        let patch = Patch {
            content: content(&row.kind, change.value, change.target),
            ttl: change.ttl,
            priority: change.priority,
            weight: change.weight,
            port: change.port,
        };
        let row = edit::update(ctx, &owner, &domain.id, &row.id, &patch)?;
        Ok(reply(200, &record_json(&row, &domain)))
    })
}

pub fn delete_record(ctx: &Context, request: &Request, id: &str) -> Response {
    handle(ctx, request, |partner| {
        let (row, domain, owner) = crate::partners::record(ctx, partner, id)?;
        edit::delete(ctx, &owner, &domain.id, &row.id)?;
        Ok(Response::empty_204())
    })
}

/// Rate limit, the partner's Bearer key, then `run`.
fn handle(ctx: &Context, request: &Request, run: impl FnOnce(&Caller) -> Result<Response, Error>) -> Response {
    super::limited(&ctx.limits.api, &super::client_key(ctx, request), error, || {
        let credentials = caller::credentials(request);
        if credentials.secrets.is_empty() {
            return Err(Error::NoCredentials);
        }
        let partner = crate::tokens::authenticate(ctx, &credentials.secrets, |t| crate::tokens::has_scope(t, "partner"))?;
        run(&partner)
    })
}

/// SRV records carry their target in `target`; every other type in `value`.
fn content(kind: &str, value: Option<String>, target: Option<String>) -> Option<String> {
    if kind.eq_ignore_ascii_case("SRV") { target.or(value) } else { value }
}

/// `@` for the apex, else the name relative to the domain.
fn relative_name(domain: &str, name: &str) -> String {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() || name == "@" || name == domain {
        return "@".into();
    }
    name.strip_suffix(&format!(".{domain}")).map_or(name.clone(), str::to_string)
}

fn domain_json(d: &CustomRow) -> Value {
    json!({"id": d.id, "name": d.name, "verified": d.verified_at.is_some()})
}

fn record_json(r: &RecordRow, domain: &CustomRow) -> Value {
    let mut doc = json!({
        "id": r.id,
        "type": r.kind,
        "name": relative_name(&domain.name, &r.name),
        "value": r.content,
        "ttl": r.ttl,
    });
    for (field, value) in [("priority", r.priority), ("weight", r.weight), ("port", r.port)] {
        if let Some(v) = value {
            doc[field] = json!(v);
        }
    }
    if r.kind == "SRV" {
        doc["target"] = json!(r.content);
    }
    doc
}

fn reply(status: u16, body: &Value) -> Response {
    Response::json(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// The one mapping of domain errors to `{"errors": […]}` answers.
fn error(e: &Error) -> Response {
    let (status, message) = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin => (401, "Invalid or missing API key".to_string()),
        Error::Forbidden(m) => (401, m.clone()),
        Error::PlanLimit(m) => (422, m.clone()),
        Error::NotFound(what) => (404, format!("{what} not found")),
        Error::BadRequest(m) => (400, m.clone()),
        Error::Conflict(m) | Error::Invalid(m) => (422, m.clone()),
        Error::BadAddress(a) => (422, format!("Invalid IP address: {a}")),
        Error::TooManyHosts { max } => (422, format!("At most {max} hostnames")),
        Error::RateLimited { retry_after } => {
            return reply(429, &json!({"errors": ["Rate limit exceeded"]}))
                .with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string());
        }
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "partner API request failed");
            (500, "Internal server error".to_string())
        }
    };
    reply(status, &json!({"errors": [message]}))
}
