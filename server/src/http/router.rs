//! Dispatch: finds the route for a request and runs its group's pipeline — rate limit,
//! authentication, the handler, then the group's error rendering and rate-limit headers.
//! A path no route knows, a method a path does not take and a body over the limit are
//! answered in the shape of the API the path belongs to.

use std::net::IpAddr;

use rouille::{Request, Response};

use super::call::Call;
use super::groups::{self, Auth, Budgets, Group, Limit};
use super::openapi::Doc;
use super::request;
use crate::Context;
use crate::auth::{self, Caller, Credentials};
use crate::error::{Error, Result};
use crate::ratelimit::Budget;

/// A handler: translates one request into one domain call and its result into a response.
pub type Handler = fn(&Context, &Call<'_>) -> Result<Response>;

/// Methods, as the route table names them.
pub const GET: &[&str] = &["GET"];
pub const POST: &[&str] = &["POST"];
pub const PATCH: &[&str] = &["PATCH"];
pub const DELETE: &[&str] = &["DELETE"];
pub const GET_POST: &[&str] = &["GET", "POST"];

/// One line of the route table.
pub struct Route {
    pub methods: &'static [&'static str],
    /// `/api/hostnames/{id}`: literal segments and `{name}` parameters.
    pub path: &'static str,
    /// The path's segments, split once.
    segments: Vec<&'static str>,
    pub group: &'static Group,
    pub handler: Handler,
    /// Extra condition on the request (e.g. `/update` is DuckDNS when it names `domains`).
    pub when: Option<fn(&Request) -> bool>,
    /// The route's OpenAPI description (native API routes).
    pub doc: Option<Doc>,
}

impl Route {
    pub fn new(methods: &'static [&'static str], path: &'static str, group: &'static Group, handler: Handler) -> Self {
        Self { methods, path, segments: path.trim_matches('/').split('/').collect(), group, handler, when: None, doc: None }
    }

    /// Only when `condition` holds for the request.
    pub fn when(mut self, condition: fn(&Request) -> bool) -> Self {
        self.when = Some(condition);
        self
    }

    pub fn doc(mut self, doc: Doc) -> Self {
        self.doc = Some(doc);
        self
    }

    /// The path's parameters' values when `segments` fit its pattern.
    fn matches(&self, segments: &[&str]) -> Option<Vec<(&'static str, String)>> {
        if self.segments.len() != segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (want, got) in self.segments.iter().zip(segments) {
            if let Some(name) = want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                if got.is_empty() {
                    return None;
                }
                params.push((name, percent_decode(got)));
            } else if want != got {
                return None;
            }
        }
        Some(params)
    }
}

/// What the table holds for a request.
enum Found<'t> {
    /// The route, with the path's parameters.
    Route(&'t Route, Vec<(&'static str, String)>),
    /// No route: the error, answered by the group of the API the path belongs to.
    Missing(&'static Group, Error),
}

fn find<'t>(table: &'t [Route], request: &Request) -> Found<'t> {
    let url = request.url();
    let segments: Vec<&str> = url.trim_start_matches('/').trim_end_matches('/').split('/').collect();
    let method = request.method();
    let mut allowed: Vec<&'static str> = Vec::new();
    let mut path_group = None;
    for route in table {
        let Some(params) = route.matches(&segments) else { continue };
        path_group.get_or_insert(route.group);
        if !route.methods.contains(&method) {
            for m in route.methods {
                if !allowed.contains(m) {
                    allowed.push(m);
                }
            }
            continue;
        }
        if route.when.is_some_and(|when| !when(request)) {
            continue;
        }
        return Found::Route(route, params);
    }
    let group = path_group.unwrap_or_else(|| groups::of_path(&url));
    Found::Missing(group, if allowed.is_empty() { Error::NoRoute } else { Error::MethodNotAllowed { allow: allowed } })
}

/// Answers one request.
pub fn dispatch(ctx: &Context, table: &[Route], request: &Request) -> Response {
    match find(table, request) {
        Found::Route(route, params) => run(ctx, route, params, request),
        Found::Missing(group, error) => refused(ctx, group, request, error),
    }
}

/// Answers a request the server refused before reading its body (over the limit, or
/// without a length); `request` carries its head. The answer is in the shape of the API
/// the request was meant for, with that API's budget.
pub fn refuse(ctx: &Context, table: &[Route], request: &Request, error: Error) -> Response {
    let group = match find(table, request) {
        Found::Route(route, _) => route.group,
        Found::Missing(group, _) => group,
    };
    refused(ctx, group, request, error)
}

/// A request no handler sees still counts against its API's budget (per address, as an
/// anonymous caller's would) and is answered with it.
fn refused(ctx: &Context, group: &Group, request: &Request, error: Error) -> Response {
    let source = request::client_ip(request, &ctx.config.trusted_proxies);
    let mut budget = None;
    let counted = (|| -> Result<()> {
        budget = before_auth(ctx, group.limit, source)?;
        if let Some(after) = after_auth(ctx, group.limit, None, source)? {
            budget = Some(after);
        }
        Ok(())
    })();
    finish(ctx, group, budget, Err(counted.err().unwrap_or(error)), &request.url())
}

fn run(ctx: &Context, route: &Route, params: Vec<(&'static str, String)>, request: &Request) -> Response {
    let group = route.group;
    let source = request::client_ip(request, &ctx.config.trusted_proxies);
    let mut call =
        Call { request, source, credentials: Credentials::default(), params, caller: None, body: std::cell::OnceCell::new() };
    call.credentials = (group.credentials)(&call);
    let mut budget: Option<Budget> = None;
    let outcome = (|| -> Result<Response> {
        budget = before_auth(ctx, group.limit, source)?;
        let authenticated = match group.auth {
            Auth::Public => Ok(None),
            Auth::Required(accept) => auth::authenticate(ctx, &call.credentials, accept, source).map(Some),
            Auth::Optional(_) if call.credentials.is_empty() => Ok(None),
            Auth::Optional(accept) => auth::authenticate(ctx, &call.credentials, accept, source).map(Some),
        };
        // A request that fails to authenticate is counted (and its budget shown) per address.
        call.caller = authenticated.as_ref().ok().cloned().flatten();
        if let Some(after) = after_auth(ctx, group.limit, call.caller.as_ref(), source)? {
            budget = Some(after);
        }
        authenticated?;
        (route.handler)(ctx, &call)
    })();
    if let (Err(error), Some(dialect)) = (&outcome, group.update_dialect) {
        let client = crate::attempts::Client { source, user_agent: request.header("User-Agent"), dialect };
        crate::attempts::refused(ctx, &request::named_hosts(&call), error, client);
    }
    finish(ctx, group, budget, outcome, &request.url())
}

/// The group's rendering of an error (with `Retry-After` when rate limited), and the
/// budget's headers.
fn finish(ctx: &Context, group: &Group, mut budget: Option<Budget>, outcome: Result<Response>, url: &str) -> Response {
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            let mut response = (group.render)(&error, url);
            if let Error::RateLimited { retry_after } = &error {
                let limit = budget.map_or_else(|| groups::limit_of(ctx, group.limit), |b| b.limit);
                budget = Some(Budget { limit, remaining: 0, reset: retry_after.as_secs().max(1) });
                response = response.with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string());
            }
            response
        }
    };
    match (group.budgets, budget) {
        (Budgets::Hidden, _) | (_, None) => response,
        (Budgets::Seconds, Some(b)) => with_budget(response, b, b.reset),
        (Budgets::Epoch, Some(b)) => with_budget(response, b, crate::clock::now().max(0) as u64 + b.reset),
    }
}

/// Limits counted per address before the credentials are looked at.
fn before_auth(ctx: &Context, limit: Limit, source: IpAddr) -> Result<Option<Budget>> {
    match limit {
        Limit::Updates => ctx.limits.check_address(source).map(|()| None),
        Limit::PerAddress(which) => which(&ctx.limits).check(&format!("ip:{source}")).map(Some),
        Limit::None | Limit::PerCaller(_) | Limit::Partner => Ok(None),
    }
}

/// Limits counted per caller (per address for anonymous callers).
fn after_auth(ctx: &Context, limit: Limit, caller: Option<&Caller>, source: IpAddr) -> Result<Option<Budget>> {
    let key = match caller {
        Some(Caller::Token { token, .. }) => format!("token:{}", token.id),
        Some(caller) => format!("user:{}", caller.account().id),
        None => format!("ip:{source}"),
    };
    match limit {
        // Unauthenticated update requests were counted per address already (many routers
        // share a NAT, and wget asks once without credentials): the token budget is untouched.
        Limit::Updates if caller.is_none() => {
            let limit = ctx.limits.updates.limit();
            Ok(Some(Budget { limit, remaining: limit, reset: 0 }))
        }
        Limit::Updates => ctx.limits.updates.check(&key).map(Some),
        Limit::PerCaller(which) => which(&ctx.limits).check(&key).map(Some),
        Limit::Partner => {
            ctx.limits.partner_burst.check(&key)?;
            ctx.limits.partner.check(&key).map(Some)
        }
        Limit::None | Limit::PerAddress(_) => Ok(None),
    }
}

/// `X-RateLimit-*` headers telling a client what is left of its budget.
fn with_budget(response: Response, budget: Budget, reset: u64) -> Response {
    response
        .with_additional_header("X-RateLimit-Limit", budget.limit.to_string())
        .with_additional_header("X-RateLimit-Remaining", budget.remaining.to_string())
        .with_additional_header("X-RateLimit-Reset", reset.to_string())
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_bind_parameters_and_decode_them() {
        let route = Route::new(GET, "/api/domains/{zone}/records/{id}", &groups::NATIVE, |_, _| Ok(Response::empty_204()));
        let params = route.matches(&["api", "domains", "z%201", "records", "r1"]);
        assert_eq!(params, Some(vec![("zone", "z 1".to_string()), ("id", "r1".to_string())]));
        assert_eq!(route.matches(&["api", "domains", "z", "records"]), None);
        assert_eq!(route.matches(&["api", "domains", "", "records", "r"]), None);
    }

}
