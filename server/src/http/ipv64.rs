//! The IPv64 dialect (seed 001) on `/api`: the verb is a parameter (`?get_domains`,
//! `add_record=…`), credentials come as Bearer, Basic (either field), `apikey=` or `token=`
//! (in the query or a form body), and every answer carries the document's `info` and
//! `status` strings.

use rouille::Response;
use serde_json::{Map, Value, json};

use super::reply;
use super::request::{self, Form};
use super::call::Call;
use crate::Context;
use crate::auth::{Caller, Credentials, Permission};
use crate::error::{Error, Result};
use crate::model::StoredRecord;
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::records::edit::{self, Input};

/// Answers of `get_logs`.
const LOG_LINES: u32 = 100;

/// Credentials from the headers, the query string or the form body.
pub fn credentials(call: &Call<'_>) -> Credentials {
    let form = Form::read(call).unwrap_or_else(|_| Form::empty());
    request::credentials_with(call.request, |name| form.get(call.request, name))
}

pub fn api(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let form = Form::read(call)?;
    let caller = call.caller()?;
    match verb(call, &form)? {
        Verb::AccountInfo => account_info(ctx, call, caller),
        Verb::Logs => logs(ctx, caller),
        Verb::Domains => domains(ctx, caller),
        Verb::AddDomain(name) => add_domain(ctx, caller, &name),
        Verb::DelDomain(name) => del_domain(ctx, caller, &name),
        Verb::AddRecord { domain, input } => add_record(ctx, caller, &domain, &input),
        Verb::DelRecordNumber(number) => del_record_number(ctx, caller, number),
        Verb::DelRecord { name, kind, content } => del_record(ctx, caller, &name, kind, content.as_deref()),
    }
}

/// What an `/api` request asks, read whole before anything is looked up.
pub(super) enum Verb {
    AccountInfo,
    Logs,
    Domains,
    AddDomain(String),
    DelDomain(String),
    /// `domain` as the client wrote it, echoed in the answer.
    AddRecord { domain: String, input: Input },
    /// `del_record=3619`: a record by its number.
    DelRecordNumber(i64),
    /// By name and type, and content when given.
    DelRecord { name: DomainName, kind: RecordKind, content: Option<String> },
}

/// The verb of a request whose form (body, else query string) is `form`.
pub(super) fn verb(call: &Call<'_>, form: &Form) -> Result<Verb> {
    let request = call.request;
    let param = |name: &str| form.get(request, name);
    let has = |name: &str| form.has(request, name);
    // Reading verbs answer GET and POST alike: `curl --data-urlencode apikey=…` POSTs.
    Ok(match request.method() {
        "GET" | "POST" if has("get_account_info") => Verb::AccountInfo,
        "GET" | "POST" if has("get_logs") => Verb::Logs,
        "GET" | "POST" if has("get_domains") => Verb::Domains,
        "POST" if has("add_domain") => Verb::AddDomain(param("add_domain").unwrap_or_default()),
        "DELETE" if has("del_domain") => Verb::DelDomain(param("del_domain").unwrap_or_default()),
        "POST" if has("add_record") => {
            let domain = param("add_record").unwrap_or_default();
            let (name, kind) = target(&domain, param("praefix"), param("type"))?;
            let content = param("content").filter(|c| !c.trim().is_empty()).ok_or_else(|| Error::Invalid("content is required".into()))?;
            let mut input = Input { kind: kind.as_str().into(), name: name.to_string(), ..Input::default() };
            content_into(kind, &content, &mut input)?;
            Verb::AddRecord { domain, input }
        }
        "DELETE" if has("del_record") => {
            let given = param("del_record").unwrap_or_default();
            // By record id alone (`del_record=3619`), or by name, prefix, type and content.
            if let Ok(number) = given.trim().parse::<i64>() {
                return Ok(Verb::DelRecordNumber(number));
            }
            let (name, kind) = target(&given, param("praefix"), param("type"))?;
            let mut input = Input::default();
            let content = param("content").filter(|c| !c.trim().is_empty());
            if let Some(content) = &content {
                content_into(kind, content, &mut input)?;
            }
            Verb::DelRecord { name, kind, content: content.map(|_| input.content) }
        }
        _ => return Err(Error::BadRequest("Unknown or missing API verb".into())),
    })
}

fn account_info(ctx: &Context, call: &Call<'_>, caller: &Caller) -> Result<Response> {
    let user = caller.may(Permission::ReadAccount)?;
    let activity = crate::logs::last_day(ctx, caller)?;
    let plan = crate::plans::plan_of(ctx, user);
    let per_day = |per_minute: u32| u64::from(per_minute) * 60 * 24;
    // The key the client used is its `api_key`; it is also its `update_hash` when it may update.
    let key = caller.presented_secret(&call.credentials).unwrap_or_default();
    let update_hash = if caller.may(Permission::Update).is_ok() { key } else { "" };
    Ok(success(200, "get_account_info", "get_account_info", json!({
        "email": user.email,
        "reg_date": datetime(user.created_at),
        "update_hash": update_hash,
        "api_key": key,
        "dyndns_updates": activity.updates,
        "api_updates": activity.record_changes,
        "account_class": {
            "class_name": plan.map_or("Administrator", |p| p.title.as_str()),
            // Administrators have no limit.
            "dyndns_domain_limit": plan.map_or(u32::MAX, |p| p.hostnames),
            "dyndns_update_limit": per_day(ctx.config.rate_limit.updates_per_minute),
            "api_limit": per_day(ctx.config.rate_limit.api_requests_per_minute),
        },
    })))
}

fn logs(ctx: &Context, caller: &Caller) -> Result<Response> {
    let page = crate::logs::page(ctx, caller, 1, LOG_LINES)?;
    let logs: Vec<Value> = page
        .lines
        .iter()
        .map(|l| json!({"subdomain": l.subject, "time": datetime(l.at), "header": l.kind, "content": l.detail}))
        .collect();
    Ok(success(200, "get_account_info", "get_logs", json!({"logs": logs})))
}

fn domains(ctx: &Context, caller: &Caller) -> Result<Response> {
    let mut subdomains = Map::new();
    for (host, updates, rows) in crate::hostnames::list_with_records(ctx, caller)? {
        let wildcard = rows.iter().any(|r| r.name.first_label() == "*");
        let records: Vec<Value> = rows.iter().filter(|r| r.kind != RecordKind::Txt || !r.managed).map(|r| record_json(r, &host.name)).collect();
        subdomains.insert(host.name.to_string(), json!({"updates": updates, "wildcard": u8::from(wildcard), "records": records}));
    }
    Ok(success(200, "add_domain", "get_domains", json!({"subdomains": subdomains})))
}

fn add_domain(ctx: &Context, caller: &Caller, name: &str) -> Result<Response> {
    let created = crate::hostnames::create_named(ctx, caller, name)?;
    Ok(success(201, "add_domain", created.host.name.as_str(), json!({})))
}

fn del_domain(ctx: &Context, caller: &Caller, name: &str) -> Result<Response> {
    let host = crate::hostnames::find_named(ctx, caller, name)?;
    crate::hostnames::delete(ctx, caller, &host.id)?;
    Ok(success(202, "del_domain", "del_domain", json!({})))
}

fn add_record(ctx: &Context, caller: &Caller, domain: &str, input: &Input) -> Result<Response> {
    edit::create_at(ctx, caller, input)?;
    Ok(success(201, "add_record", domain, json!({})))
}

fn del_record_number(ctx: &Context, caller: &Caller, number: i64) -> Result<Response> {
    let row = edit::find_by_number(ctx, caller, number)?;
    edit::delete(ctx, caller, &row.zone_id, &row.id)?;
    Ok(success(202, "del_record", "del_record", json!({})))
}

fn del_record(ctx: &Context, caller: &Caller, name: &DomainName, kind: RecordKind, content: Option<&str>) -> Result<Response> {
    edit::delete_matching(ctx, caller, name, kind, content)?;
    Ok(success(202, "del_record", "del_record", json!({})))
}

/// The record's full name (`praefix` + domain) and type.
fn target(domain: &str, praefix: Option<String>, kind: Option<String>) -> Result<(DomainName, RecordKind)> {
    let domain = DomainName::parse(domain.trim()).map_err(|e| Error::Invalid(format!("domain: {e}")))?;
    let name = match praefix.as_deref().map(str::trim).filter(|p| !p.is_empty() && *p != "@") {
        Some(praefix) => domain.child(praefix)?,
        None => domain,
    };
    let kind = RecordKind::parse(kind.as_deref().unwrap_or("").trim())
        .ok()
        .filter(|k| !k.is_lan())
        .ok_or_else(|| Error::Invalid("type must be one of A, AAAA, TXT, CNAME, MX, NS, SRV, CAA".into()))?;
    Ok((name, kind))
}

/// IPv64's content formats: MX `[priority] host`, SRV `priority weight port target`, TXT
/// with or without surrounding quotes.
fn content_into(kind: RecordKind, content: &str, input: &mut Input) -> Result<()> {
    let content = content.trim();
    let fields: Vec<&str> = content.split_whitespace().collect();
    let number = |s: &str| s.parse::<u16>().map_err(|_| Error::Invalid(format!("{kind} content {content:?}: {s} is not a number")));
    match (kind, fields.as_slice()) {
        (RecordKind::Mx, [priority, host]) => {
            input.priority = Some(number(priority)?);
            input.content = (*host).into();
        }
        (RecordKind::Mx, [host]) => {
            input.priority = Some(10);
            input.content = (*host).into();
        }
        (RecordKind::Srv, [priority, weight, port, target]) => {
            input.priority = Some(number(priority)?);
            input.weight = Some(number(weight)?);
            input.port = Some(number(port)?);
            input.content = (*target).into();
        }
        (RecordKind::Srv, _) => return Err(Error::Invalid("SRV content must be: priority weight port target".into())),
        (RecordKind::Txt, _) if content.len() >= 2 && content.starts_with('"') && content.ends_with('"') => {
            input.content = content[1..content.len() - 1].into();
        }
        _ => input.content = content.into(),
    }
    Ok(())
}

fn record_json(r: &StoredRecord, host: &DomainName) -> Value {
    let praefix = r.name.as_str().strip_suffix(host.as_str()).map_or("", |p| p.trim_end_matches('.'));
    let content = match (r.kind, r.priority, r.weight, r.port) {
        (RecordKind::Srv, Some(p), Some(w), Some(port)) => format!("{p} {w} {port} {}", r.content),
        (RecordKind::Mx, Some(p), _, _) => format!("{p} {}", r.content),
        _ => r.content.clone(),
    };
    json!({
        "record_id": r.number,
        "content": content,
        "ttl": r.ttl,
        "type": r.kind.as_str(),
        "praefix": praefix,
        "last_update": datetime(r.updated_at),
    })
}

/// `2022-11-27 16:52:29` (UTC), as the document shows times.
fn datetime(unix: i64) -> String {
    crate::clock::rfc3339(unix).replace('T', " ").trim_end_matches('Z').to_string()
}

/// A success answer: `info`, `status`, the verb key the document shows, and `fields`.
fn success(status: u16, verb: &str, verb_value: &str, fields: Value) -> Response {
    let mut body = match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    body.insert("info".into(), json!("success"));
    body.insert("status".into(), json!(status_line(status)));
    body.insert(verb.into(), json!(verb_value));
    reply(status, &Value::Object(body))
}

fn status_line(status: u16) -> String {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };
    format!("{status} {reason}")
}

/// The one mapping of domain errors to IPv64's `{"status", "info"}` answers.
pub fn error(e: &Error, _path: &str) -> Response {
    let (status, info) = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin | Error::CodeNeeded | Error::BadCode => (401, "Unauthorized".to_string()),
        Error::Forbidden(m) | Error::PlanLimit(m) => (403, m.clone()),
        Error::RateLimited { .. } => (429, "Too Many Requests".to_string()),
        Error::NotFound(what) => (400, format!("{what} not found")),
        Error::NoRoute => (404, "Not Found".to_string()),
        Error::MethodNotAllowed { .. } => (405, "Method Not Allowed".to_string()),
        Error::TooLarge { .. } => (413, "Request body too large".to_string()),
        Error::LengthRequired => (411, "Length Required".to_string()),
        Error::Conflict(m) | Error::BadRequest(m) | Error::Invalid(m) => (400, m.clone()),
        Error::Validation(_) => (400, e.to_string()),
        Error::BadAddress(a) => (400, format!("Invalid IP address: {a}")),
        Error::TooManyHosts { max } => (400, format!("At most {max} hostnames per request")),
        Error::Unwritable(_) => (500, "Internal Server Error".to_string()),
        Error::Unavailable(_) | Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "IPv64 API request failed");
            (500, "Internal Server Error".to_string())
        }
    };
    let response = super::with_allow(reply(status, &json!({"status": status_line(status), "info": info})), e);
    if status == 401 { response.with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\"") } else { response }
}
