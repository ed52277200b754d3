//! The native management API — the ipdock document: JSON in and out through the wire types
//! of `porchlight-api`, errors as `{"error": …}` with the document's status codes, mapped
//! from the domain error in [`error`] only.

pub mod admin;
pub mod alerts;
pub mod auth;
pub mod domains;
pub mod hostnames;
pub mod logs;
pub mod records;
pub mod rules;
pub mod tokens;
pub mod tsig_keys;
pub mod update;

use porchlight_api as api;
use rouille::Response;

use crate::clock::rfc3339;
use crate::error::Error;
use crate::model::{Account, Token};

/// The one mapping of domain errors to the native API's JSON.
pub fn error(e: &Error, _path: &str) -> Response {
    let status = super::status_of(e);
    let body = match e {
        Error::NoCredentials => {
            let body = api::ErrorBody { error: "Unauthorized".into(), code: None, upgrade: None };
            return super::reply(401, &body).with_additional_header("WWW-Authenticate", "Bearer realm=\"porchlight\"");
        }
        Error::BadAuth => plain("Invalid API token"),
        Error::BadLogin => plain("Invalid email or password"),
        // Stable codes, so that a sign-in form knows to ask for the code.
        Error::CodeNeeded => coded("This account needs a code from its authenticator app (or a recovery code)", "TOTP_REQUIRED"),
        Error::BadCode => coded("The code is not right (or was used already)", "TOTP_INVALID"),
        Error::PlanLimit(m) => api::ErrorBody { error: m.clone(), code: Some("PLAN_LIMIT".into()), upgrade: Some(true) },
        Error::NotFound(what) => plain(&format!("{what} not found")),
        Error::NoRoute => plain("Not found"),
        Error::MethodNotAllowed { .. } => plain("Method not allowed"),
        Error::BadAddress(a) => plain(&format!("Invalid IP address: {a}")),
        Error::TooManyHosts { max } => plain(&format!("At most {max} hostnames per request")),
        Error::RateLimited { .. } => plain("Too many requests"),
        Error::Storage(_) | Error::Io(_) | Error::Config(_) => plain("Internal server error"),
        other => plain(&other.to_string()),
    };
    super::with_allow(super::reply(status, &body), e)
}

fn coded(message: &str, code: &str) -> api::ErrorBody {
    api::ErrorBody { error: message.to_string(), code: Some(code.to_string()), upgrade: None }
}

fn plain(message: &str) -> api::ErrorBody {
    api::ErrorBody { error: message.to_string(), code: None, upgrade: None }
}

use super::reply;

/// An account as the API shows it.
fn user(account: &Account) -> api::User {
    api::User {
        id: account.id.to_string(),
        email: account.email.clone(),
        plan: account.plan.clone(),
        is_admin: account.is_admin,
        created_at: rfc3339(account.created_at),
        totp_enabled: account.totp_enabled,
    }
}

/// A token as listings show it: never its secret.
fn token(token: &Token) -> api::Token {
    api::Token {
        id: token.id.to_string(),
        label: token.label.clone(),
        prefix: token.prefix.clone(),
        hostname_id: token.hostname_id.as_ref().map(ToString::to_string),
        scopes: token.scopes.iter().map(|s| s.as_str().to_string()).collect(),
        created_at: rfc3339(token.created_at),
        last_used_at: token.last_used_at.map(rfc3339),
    }
}
