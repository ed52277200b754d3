//! lego's `httpreq` provider: `POST /present` and `POST /cleanup` with `{fqdn, value}`
//! (default mode) or `{domain, token, keyAuth}` (RAW mode), Basic credentials; answers are
//! plain text, any 2xx meaning done.

use rouille::{Request, Response};
use serde::Deserialize;

use super::caller;
use crate::Context;
use crate::error::Error;
use crate::names::DomainName;

#[derive(Deserialize)]
#[serde(untagged)]
enum Body {
    Default { fqdn: String, value: String },
    #[serde(rename_all = "camelCase")]
    Raw { domain: String, key_auth: String },
}

/// Which of the two calls.
#[derive(Clone, Copy)]
pub enum Action {
    Present,
    Cleanup,
}

pub fn handle(ctx: &Context, request: &Request, action: Action) -> Response {
    super::limited(&ctx.limits.api, &super::client_key(ctx, request), error, || {
        let credentials = caller::credentials(request);
        if credentials.secrets.is_empty() {
            return Err(Error::NoCredentials);
        }
        let caller = crate::tokens::authenticate(ctx, &credentials.secrets, |_| true)?;
        let text = super::body_text(request)?;
        let body: Body = serde_json::from_str(&text)
            .map_err(|_| Error::BadRequest("Expected JSON {\"fqdn\",\"value\"} or {\"domain\",\"token\",\"keyAuth\"}".into()))?;
        let (fqdn, value) = match body {
            Body::Default { fqdn, value } => (fqdn, value),
            Body::Raw { domain, key_auth } => (
                format!("{}.{}", crate::acme::CHALLENGE_LABEL, domain.trim_end_matches('.')),
                crate::acme::key_authorization_digest(&key_auth),
            ),
        };
        let name = DomainName::parse(fqdn.trim())?;
        match action {
            Action::Present => crate::acme::present(ctx, &caller, &name, &value)?,
            Action::Cleanup => crate::acme::cleanup(ctx, &caller, &name, &value)?,
        }
        Ok(text_reply(200, "ok"))
    })
}

fn text_reply(status: u16, body: &str) -> Response {
    Response::text(body).with_status_code(status).with_additional_header("Cache-Control", "no-store")
}

/// The one mapping of domain errors to `httpreq` answers.
fn error(e: &Error) -> Response {
    match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin => {
            text_reply(401, "unauthorized").with_additional_header("WWW-Authenticate", "Basic realm=\"porchlight\"")
        }
        Error::Forbidden(m) | Error::PlanLimit(m) => text_reply(403, m),
        Error::NotFound(what) => text_reply(404, &format!("{what} not found")),
        Error::RateLimited { retry_after } => {
            text_reply(429, "too many requests").with_additional_header("Retry-After", retry_after.as_secs().max(1).to_string())
        }
        Error::Conflict(m) | Error::BadRequest(m) | Error::Invalid(m) => text_reply(400, m),
        Error::BadAddress(a) => text_reply(400, &format!("invalid address {a}")),
        Error::TooManyHosts { max } => text_reply(400, &format!("at most {max} names")),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "httpreq request failed");
            text_reply(500, "internal error")
        }
    }
}
