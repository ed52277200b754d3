//! The OpenAPI 3.1 document of the native API, built from the route table (paths, methods,
//! who may call, links between operations) and the wire types of `porchlight-api` (every
//! body's schema). Nothing of it is written by hand, so it cannot drift from the code.

use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ComponentsBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, InfoBuilder, ObjectBuilder, OpenApiBuilder, PathItem, PathsBuilder, Ref, RefOr, Required,
    ResponseBuilder,
};
use serde_json::Value;
use utoipa::ToSchema;


/// Adds a type's schema (and those it refers to) to the components; returns a reference.
pub type SchemaFn = fn(&mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema>;

pub fn schema<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

/// An object of any shape (the document itself).
pub fn any_object(_: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
    RefOr::T(ObjectBuilder::new().schema_type(SchemaType::new(Type::Object)).build().into())
}

/// What a successful answer carries.
#[derive(Clone, Copy)]
pub enum Answer {
    Empty,
    Json(SchemaFn),
    /// A download of this content type.
    Bytes(&'static str),
}

/// A query parameter: name, JSON type (`integer`, `string`), description.
pub type Query = (&'static str, &'static str, &'static str);

/// A link from an answer to another operation: (operation id, its parameter, where the
/// value comes from, as a runtime expression such as `$response.body#/hostname/id`).
pub type Link = (&'static str, &'static str, &'static str);

/// One route's OpenAPI description.
#[derive(Clone, Copy)]
pub struct Doc {
    pub id: &'static str,
    pub summary: &'static str,
    pub body: Option<SchemaFn>,
    /// The body may be left out altogether.
    pub body_optional: bool,
    pub status: u16,
    pub answer: Answer,
    pub query: &'static [Query],
    pub links: &'static [Link],
    /// Can answer 409 although it changes nothing (it reads something not ready yet).
    pub conflicts: bool,
}

impl Doc {
    pub fn new(id: &'static str, summary: &'static str) -> Self {
        Self { id, summary, body: None, body_optional: false, status: 200, answer: Answer::Empty, query: &[], links: &[], conflicts: false }
    }
    pub fn body(mut self, body: SchemaFn) -> Self {
        self.body = Some(body);
        self
    }
    pub fn optional_body(mut self, body: SchemaFn) -> Self {
        self.body = Some(body);
        self.body_optional = true;
        self
    }
    pub fn ok(mut self, status: u16, answer: SchemaFn) -> Self {
        self.status = status;
        self.answer = Answer::Json(answer);
        self
    }
    pub fn no_content(mut self) -> Self {
        self.status = 204;
        self.answer = Answer::Empty;
        self
    }
    pub fn bytes(mut self, content_type: &'static str) -> Self {
        self.answer = Answer::Bytes(content_type);
        self
    }
    pub fn query(mut self, query: &'static [Query]) -> Self {
        self.query = query;
        self
    }
    pub fn conflicts(mut self) -> Self {
        self.conflicts = true;
        self
    }
    pub fn links(mut self, links: &'static [Link]) -> Self {
        self.links = links;
        self
    }
}

/// A documented route: its methods, path pattern, whether callers must authenticate, and
/// its description.
pub struct Operation<'a> {
    pub methods: &'a [&'a str],
    pub path: &'a str,
    /// The security scheme callers authenticate with (`session`, `hostnameToken`), if any.
    pub security: Option<&'static str>,
    pub doc: &'a Doc,
}

/// The document of the documented routes, with the rules the domain applies to each input
/// (`rules`) written into its schemas. Built when asked for (rarely; about a millisecond).
pub fn document(operations: &[Operation<'_>], rules: impl FnOnce(&mut Value)) -> String {
    let mut doc = serde_json::to_value(build(operations)).unwrap_or_default();
    fix_links(&mut doc);
    rules(&mut doc);
    doc.to_string()
}

/// utoipa 5 writes a link's `operationId` as `operation_id`; OpenAPI spells it in camel case.
fn fix_links(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(links) = map.get_mut("links").and_then(Value::as_object_mut) {
                for link in links.values_mut().filter_map(Value::as_object_mut) {
                    if let Some(id) = link.remove("operation_id") {
                        link.insert("operationId".into(), id);
                    }
                }
            }
            map.values_mut().for_each(fix_links);
        }
        Value::Array(items) => items.iter_mut().for_each(fix_links),
        _ => {}
    }
}

fn build(table: &[Operation<'_>]) -> utoipa::openapi::OpenApi {
    let mut schemas: Vec<(String, RefOr<Schema>)> = Vec::new();
    let error = schema::<porchlight_api::ErrorBody>(&mut schemas);
    let mut paths = PathsBuilder::new();
    for route in table {
        let (doc, authenticated) = (route.doc, route.security.is_some());
        let mut operation = OperationBuilder::new().operation_id(Some(doc.id)).summary(Some(doc.summary));
        for name in route.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            operation = operation.parameter(
                ParameterBuilder::new().name(name).parameter_in(ParameterIn::Path).required(Required::True).schema(Some(string())),
            );
        }
        for (name, kind, description) in doc.query {
            let kind = if *kind == "integer" { Type::Integer } else { Type::String };
            let schema = ObjectBuilder::new().schema_type(SchemaType::new(kind)).build();
            operation = operation.parameter(
                ParameterBuilder::new().name(*name).parameter_in(ParameterIn::Query).description(Some(*description)).schema(Some(schema)),
            );
        }
        if let Some(body) = doc.body {
            let required = if doc.body_optional { Required::False } else { Required::True };
            let content = ContentBuilder::new().schema(Some(body(&mut schemas))).build();
            operation = operation.request_body(Some(RequestBodyBuilder::new().required(Some(required)).content("application/json", content).build()));
        }
        let mut ok = ResponseBuilder::new().description(doc.summary);
        match doc.answer {
            Answer::Empty => {}
            Answer::Json(answer) => ok = ok.content("application/json", ContentBuilder::new().schema(Some(answer(&mut schemas))).build()),
            Answer::Bytes(kind) => ok = ok.content(kind, ContentBuilder::new().schema(Some(string())).build()),
        }
        for (operation_id, parameter, expression) in doc.links {
            let link = LinkBuilder::new().operation_id(*operation_id).parameter(*parameter, *expression).build();
            ok = ok.link(*operation_id, link);
        }
        operation = operation.response(doc.status.to_string(), ok.build());
        for (status, why) in errors(route, doc, authenticated) {
            let mut response = ResponseBuilder::new().description(why).content("application/json", ContentBuilder::new().schema(Some(error.clone())).build());
            if status == 429 {
                response = response.header("Retry-After", HeaderBuilder::new().schema(integer()).description(Some("Seconds to wait")).build());
            }
            operation = operation.response(status.to_string(), response.build());
        }
        if let Some(scheme) = route.security {
            operation = operation.security(SecurityRequirement::new(scheme, Vec::<String>::new()));
        }
        let built = operation.build();
        for method in route.methods {
            paths = paths.path(route.path, PathItem::new(http_method(method), built.clone()));
        }
    }
    let mut components = ComponentsBuilder::new()
        .security_scheme("session", SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()))
        .security_scheme("hostnameToken", SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).bearer_format("pth_…").build()));
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.dedup_by(|a, b| a.0 == b.0);
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("porchlight native API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Accounts, hostnames, domains, records, tokens and TSIG keys of a porchlight appliance. \
                     Sign in with POST /api/auth/login and send the token as Authorization: Bearer.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}

/// The error answers a route can give, with why.
fn errors(route: &Operation<'_>, doc: &Doc, authenticated: bool) -> Vec<(u16, &'static str)> {
    let mut out = Vec::new();
    let takes_input = doc.body.is_some() || !doc.query.is_empty();
    if takes_input {
        out.push((400, "The body is not valid JSON"));
    }
    if authenticated || route.path.starts_with("/api/auth/") || route.path == "/api/setup" {
        out.push((401, "No or wrong credentials"));
    }
    out.push((403, "Not allowed for this caller (or beyond its plan)"));
    if authenticated || route.path.contains('{') || doc.body.is_some() {
        out.push((404, "Not found (or not the caller's)"));
    }
    if doc.conflicts || route.methods.iter().any(|m| ["POST", "PATCH", "DELETE"].contains(m)) {
        out.push((409, "Clashes with what exists"));
    }
    if takes_input {
        out.push((422, "Input that failed validation"));
    }
    out.push((429, "Too many requests"));
    out
}

fn string() -> Schema {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::String)).build().into()
}

fn integer() -> Schema {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::Integer)).build().into()
}

fn http_method(method: &str) -> HttpMethod {
    match method {
        "POST" => HttpMethod::Post,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        "PUT" => HttpMethod::Put,
        _ => HttpMethod::Get,
    }
}
