//! lego's `httpreq` provider: `POST /present` and `POST /cleanup` with `{fqdn, value}`
//! (default mode) or `{domain, token, keyAuth}` (RAW mode), Basic credentials; answers are
//! plain text, any 2xx meaning done.

use rouille::Response;
use serde::Deserialize;

use super::call::Call;
use super::text;
use crate::Context;
use crate::error::{Error, Result};
use crate::names::DomainName;

#[derive(Deserialize)]
#[serde(untagged)]
enum Body {
    Default { fqdn: String, value: String },
    #[serde(rename_all = "camelCase")]
    Raw { domain: String, key_auth: String },
}

pub fn present(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (name, value) = challenge(call)?;
    crate::acme::present(ctx, call.caller()?, &name, &value)?;
    Ok(text(200, "ok"))
}

pub fn cleanup(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let (name, value) = challenge(call)?;
    crate::acme::cleanup(ctx, call.caller()?, &name, &value)?;
    Ok(text(200, "ok"))
}

/// The challenge's name and value, from either mode's body.
pub(super) fn challenge(call: &Call<'_>) -> Result<(DomainName, String)> {
    let body: Body = serde_json::from_str(&call.text()?)
        .map_err(|_| Error::BadRequest("Expected JSON {\"fqdn\",\"value\"} or {\"domain\",\"token\",\"keyAuth\"}".into()))?;
    let (fqdn, value) = match body {
        Body::Default { fqdn, value } => (fqdn, value),
        Body::Raw { domain, key_auth } => (
            format!("{}.{}", crate::acme::CHALLENGE_LABEL, domain.trim_end_matches('.')),
            crate::acme::key_authorization_digest(&key_auth),
        ),
    };
    Ok((DomainName::parse(fqdn.trim())?, value))
}

/// The one mapping of domain errors to `httpreq` answers.
pub fn error(e: &Error, _path: &str) -> Response {
    let response = match e {
        Error::NoCredentials | Error::BadAuth | Error::BadLogin | Error::CodeNeeded | Error::BadCode => {
            return text(401, "unauthorized").with_additional_header("WWW-Authenticate", "Basic realm=\"porchlight\"");
        }
        Error::Forbidden(m) | Error::PlanLimit(m) => text(403, m),
        Error::NotFound(what) => text(404, &format!("{what} not found")),
        Error::NoRoute => text(404, "not found"),
        Error::MethodNotAllowed { .. } => text(405, "method not allowed"),
        Error::TooLarge { .. } => text(413, "request body too large"),
        Error::LengthRequired => text(411, "a request body needs Content-Length"),
        Error::RateLimited { .. } => text(429, "too many requests"),
        Error::Conflict(m) | Error::BadRequest(m) | Error::Invalid(m) => text(400, m),
        Error::Validation(_) => text(400, &e.to_string()),
        Error::BadAddress(a) => text(400, &format!("invalid address {a}")),
        Error::TooManyHosts { max } => text(400, &format!("at most {max} names")),
        Error::Unwritable(_) => text(500, "internal error"),
        Error::Unavailable(_) | Error::Storage(_) | Error::Io(_) | Error::Config(_) => {
            tracing::error!(error = %e, "httpreq request failed");
            text(500, "internal error")
        }
    };
    super::with_allow(response, e)
}
