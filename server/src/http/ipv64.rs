//! The IPv64 dialect (seed 001) on `/api`: the verb is a parameter (`?get_domains`,
//! `add_record=…`), credentials come as Bearer, Basic (either field), `apikey=` or `token=`,
//! and every answer carries the document's `info` and `status` strings.

use rouille::{Request, Response};
use serde_json::{Map, Value, json};

use super::caller::{self, Form};
use crate::Context;
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::records::edit::{self, Input};
use crate::store::{self, records::RecordRow};
use crate::tokens::Caller;

/// Answers of `get_logs`.
const LOG_LINES: u32 = 100;

pub fn api(ctx: &Context, request: &Request) -> Response {
    super::limited(&ctx.limits.api, &super::client_key(ctx, request), error, || {
        let form = Form::read(request)?;
        let param = |name: &str| form.get(request, name);
        let credentials = caller::credentials_with(request, param);
        if credentials.secrets.is_empty() {
            return Err(Error::NoCredentials);
        }
        let caller = crate::tokens::authenticate(ctx, &credentials.secrets, |_| true)?;
        let has = |name: &str| form.has(request, name);
        match request.method() {
            "GET" if has("get_account_info") => account_info(ctx, &caller),
            "GET" if has("get_logs") => logs(ctx, &caller),
            "GET" if has("get_domains") => domains(ctx, &caller),
            "POST" if has("add_domain") => add_domain(ctx, &caller, &param("add_domain").unwrap_or_default()),
            "DELETE" if has("del_domain") => del_domain(ctx, &caller, &param("del_domain").unwrap_or_default()),
            "POST" if has("add_record") => add_record(ctx, &caller, &param),
            "DELETE" if has("del_record") => del_record(ctx, &caller, &param),
            _ => Err(Error::BadRequest("Unknown or missing API verb".into())),
        }
    })
}

fn account_info(ctx: &Context, caller: &Caller) -> Result<Response> {
    caller.require_account()?;
    let user = &caller.user;
    let day_ago = store::now() - 86_400;
    let (updates, api_updates) = ctx.store.read(|c| {
        Ok((store::hostnames::changes_since(c, &user.id, day_ago)?, store::history::count_since(c, &user.id, "record %", day_ago)?))
    })?;
    let plan = crate::plans::plan_of(ctx, user);
    let per_day = |per_minute: u32| u64::from(per_minute) * 60 * 24;
    Ok(success(200, "get_account_info", "get_account_info", json!({
        "email": user.email,
        "reg_date": datetime(user.created_at),
        // Secrets are shown once, when made; listings show their prefix only.
        "update_hash": format!("{}…", caller.token.prefix),
        "api_key": format!("{}…", caller.token.prefix),
        "dyndns_updates": updates,
        "api_updates": api_updates,
        "account_class": {
            "class_name": plan.map_or("Administrator", |p| p.title.as_str()),
            "dyndns_domain_limit": plan.map(|p| p.hostnames),
            "dyndns_update_limit": per_day(ctx.config.rate_limit.updates_per_minute),
            "api_limit": per_day(ctx.config.rate_limit.api_requests_per_minute),
        },
    })))
}

fn logs(ctx: &Context, caller: &Caller) -> Result<Response> {
    caller.require_account()?;
    let lines = ctx.store.read(|c| store::history::log(c, &caller.user.id, LOG_LINES, 0))?;
    let logs: Vec<Value> = lines
        .iter()
        .map(|l| json!({"subdomain": l.subject, "time": datetime(l.at), "header": l.kind, "content": l.detail}))
        .collect();
    Ok(success(200, "get_account_info", "get_logs", json!({"logs": logs})))
}

fn domains(ctx: &Context, caller: &Caller) -> Result<Response> {
    caller.require("read:domains").or_else(|_| caller.require("write:domains"))?;
    let hosts = crate::hostnames::list(ctx, &caller.user)?;
    let mut subdomains = Map::new();
    ctx.store.read(|c| {
        for view in &hosts {
            let host = &view.host;
            let rows = store::records::for_hostname(c, &host.id)?;
            let wildcard = rows.iter().any(|r| r.name.starts_with("*."));
            let records: Vec<Value> = rows.iter().filter(|r| r.kind != "TXT" || !r.managed).map(|r| record_json(r, &host.name)).collect();
            subdomains.insert(host.name.clone(), json!({
                "updates": store::hostnames::change_count(c, &host.id)?,
                "wildcard": u8::from(wildcard),
                "records": records,
            }));
        }
        Ok(())
    })?;
    Ok(success(200, "add_domain", "get_domains", json!({"subdomains": subdomains})))
}

fn add_domain(ctx: &Context, caller: &Caller, name: &str) -> Result<Response> {
    caller.require("write:domains")?;
    let created = crate::hostnames::create_named(ctx, &caller.user, name)?;
    Ok(success(201, "add_domain", created.name.as_str(), json!({})))
}

fn del_domain(ctx: &Context, caller: &Caller, name: &str) -> Result<Response> {
    caller.require("write:domains")?;
    let host = crate::hostnames::find_named(ctx, &caller.user, name)?;
    crate::hostnames::delete(ctx, &caller.user, &host.id)?;
    Ok(success(202, "del_domain", "del_domain", json!({})))
}

fn add_record(ctx: &Context, caller: &Caller, param: &dyn Fn(&str) -> Option<String>) -> Result<Response> {
    let domain = param("add_record").unwrap_or_default();
    let (name, kind) = target(&domain, param("praefix"), param("type"))?;
    crate::acme::may_write(ctx, caller, &name, kind)?;
    let content = param("content").filter(|c| !c.trim().is_empty()).ok_or_else(|| Error::Invalid("content is required".into()))?;
    let mut input = Input { kind: kind.as_str().into(), name: name.to_string(), ..Input::default() };
    content_into(kind, &content, &mut input)?;
    edit::create_at(ctx, &caller.user, &input)?;
    Ok(success(201, "add_record", &domain, json!({})))
}

fn del_record(ctx: &Context, caller: &Caller, param: &dyn Fn(&str) -> Option<String>) -> Result<Response> {
    let given = param("del_record").unwrap_or_default();
    // By record id alone (`del_record=3619`), or by name, prefix, type and content.
    if let Ok(number) = given.trim().parse::<i64>() {
        let row = ctx.store.read(|c| store::records::find_by_number(c, number))?.ok_or(Error::NotFound("Record"))?;
        let name = DomainName::parse(&row.name)?;
        crate::acme::may_write(ctx, caller, &name, RecordKind::parse(&row.kind)?)?;
        edit::delete(ctx, &caller.user, &row.zone_id, &row.id)?;
    } else {
        let (name, kind) = target(&given, param("praefix"), param("type"))?;
        crate::acme::may_write(ctx, caller, &name, kind)?;
        let mut input = Input::default();
        let content = param("content").filter(|c| !c.trim().is_empty());
        if let Some(content) = &content {
            content_into(kind, content, &mut input)?;
        }
        edit::delete_matching(ctx, &caller.user, &name, kind, content.as_ref().map(|_| input.content.as_str()))?;
    }
    Ok(success(202, "del_record", "del_record", json!({})))
}

/// The record's full name (`praefix` + domain) and type.
fn target(domain: &str, praefix: Option<String>, kind: Option<String>) -> Result<(DomainName, RecordKind)> {
    let domain = DomainName::parse(domain.trim()).map_err(|e| Error::Invalid(format!("domain: {e}")))?;
    let name = match praefix.as_deref().map(str::trim).filter(|p| !p.is_empty() && *p != "@") {
        Some(praefix) => domain.child(praefix)?,
        None => domain,
    };
    let kind = RecordKind::parse(kind.as_deref().unwrap_or("").trim()).map_err(|_| Error::Invalid("type must be one of A, AAAA, TXT, CNAME, MX, NS, SRV, CAA".into()))?;
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

fn record_json(r: &RecordRow, host: &str) -> Value {
    let praefix = r.name.strip_suffix(host).map_or("", |p| p.trim_end_matches('.'));
    let content = match (r.kind.as_str(), r.priority, r.weight, r.port) {
        ("SRV", Some(p), Some(w), Some(port)) => format!("{p} {w} {port} {}", r.content),
        ("MX", Some(p), _, _) => format!("{p} {}", r.content),
        _ => r.content.clone(),
    };
    json!({
        "record_id": r.number,
        "content": content,
        "ttl": r.ttl,
        "type": r.kind,
        "praefix": praefix,
        "last_update": datetime(r.updated_at),
    })
}

/// `2022-11-27 16:52:29` (UTC), as the document shows times.
fn datetime(unix: i64) -> String {
    store::rfc3339(unix).replace('T', " ").trim_end_matches('Z').to_string()
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
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };
    format!("{status} {reason}")
}

fn reply(status: u16, body: &Value) -> Response {
    Response::json(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// The one mapping of domain errors to IPv64's `{"status", "info"}` answers.
fn error(e: &Error) -> Response {
    let (status, info) = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin => (401, "Unauthorized".to_string()),
        Error::Forbidden(m) | Error::PlanLimit(m) => (403, m.clone()),
        Error::RateLimited { retry_after } => {
            return reply(429, &json!({"status": status_line(429), "info": "Too Many Requests"}))
                .with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string());
        }
        Error::NotFound(what) => (400, format!("{what} not found")),
        Error::Conflict(m) | Error::BadRequest(m) | Error::Invalid(m) => (400, m.clone()),
        Error::BadAddress(a) => (400, format!("Invalid IP address: {a}")),
        Error::TooManyHosts { max } => (400, format!("At most {max} hostnames per request")),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "IPv64 API request failed");
            (500, "Internal Server Error".to_string())
        }
    };
    let response = reply(status, &json!({"status": status_line(status), "info": info}));
    if status == 401 { response.with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\"") } else { response }
}
