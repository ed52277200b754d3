//! The one domain error type. Each wire format (DynDNS2 text, ipdock JSON, DuckDNS, DNS
//! RCODE) maps it in exactly one function of its own module.

use std::time::Duration;

/// Everything that can go wrong in a domain operation, phrased for the person who caused it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request carried no credentials at all (distinct from wrong ones: HTTP clients
    /// such as wget only send Basic credentials after a challenge).
    #[error("no credentials were given")]
    NoCredentials,
    /// The credentials did not match any token or account.
    #[error("invalid credentials")]
    BadAuth,
    /// Login with a wrong e-mail or password (deliberately not saying which).
    #[error("invalid email or password")]
    BadLogin,
    /// The e-mail and password were right, but the account signs in with a second factor
    /// and none was given.
    #[error("this account needs a code from its authenticator app (or a recovery code)")]
    CodeNeeded,
    /// The e-mail and password were right, but the second factor was not.
    #[error("the code is not right (or was used already)")]
    BadCode,
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// A request that cannot be understood at all (e.g. a body that is not JSON).
    #[error("{0}")]
    BadRequest(String),
    /// The account's plan does not allow this; the message names the plan that would.
    #[error("{0}")]
    PlanLimit(String),
    /// Input that failed validation; the message says what was wrong and why.
    #[error("{0}")]
    Invalid(String),
    /// Fields of a request body that failed validation, each with where and why.
    #[error("{}", .0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    /// A malformed IP address in an update.
    #[error("not a valid IP address: {0}")]
    BadAddress(String),
    /// More hostnames than one request may update.
    #[error("too many hostnames in one request (at most {max})")]
    TooManyHosts { max: usize },
    /// The referenced thing does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The thing already exists or clashes with an existing one.
    #[error("{0}")]
    Conflict(String),
    /// No endpoint at this path.
    #[error("no such endpoint")]
    NoRoute,
    /// No endpoint answers this method at this path; `allow` lists those that do.
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<&'static str> },
    /// A request body over the size limit.
    #[error("request body too large (at most {max} bytes)")]
    TooLarge { max: usize },
    /// A request body sent without `Content-Length` (chunked).
    #[error("a request body needs Content-Length")]
    LengthRequired,
    /// The appliance cannot do this right now (e.g. the zone is not being served).
    #[error("{0}")]
    Unavailable(String),
    /// The database cannot be written (the disk is full, read-only or failing): nothing was
    /// changed. Logged once by the store when it starts, not per request.
    #[error("the appliance cannot save changes right now ({0}); nothing was changed")]
    Unwritable(String),
    /// Too many requests; the caller may retry after the given time.
    #[error("too many requests, retry in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    /// The configuration is unusable.
    #[error("{0}")]
    Config(String),
    /// The database refused or failed.
    #[error("storage error: {0}")]
    Storage(#[from] rusqlite::Error),
    /// An I/O failure (sockets, files).
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One field of a request that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where, as a JSON pointer into the request body (`/hostname`).
    pub pointer: String,
    /// Why, in words for the person who sent it.
    pub message: String,
    /// A stable machine-readable reason: `missing_required`, `invalid_value`, `invalid_type`,
    /// `invalid_enum`.
    pub code: &'static str,
}

impl Error {
    /// One field with an invalid value.
    pub fn invalid_field(pointer: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError { pointer: pointer.into(), message: message.into(), code: "invalid_value" }])
    }

    /// One required field that is missing.
    pub fn missing_field(pointer: &str) -> Self {
        let name = pointer.trim_start_matches('/');
        Self::Validation(vec![FieldError { pointer: pointer.into(), message: format!("{name} is required"), code: "missing_required" }])
    }
}

impl Error {
    /// Why the disk refused a write, when this is such a failure: full, read-only, or an I/O
    /// error (not a constraint, a busy database or a bug).
    pub fn disk_trouble(&self) -> Option<&'static str> {
        use rusqlite::ErrorCode;
        match self {
            Self::Storage(rusqlite::Error::SqliteFailure(e, _)) => match e.code {
                ErrorCode::DiskFull => Some("the disk is full"),
                ErrorCode::ReadOnly => Some("the data directory is read-only"),
                ErrorCode::SystemIoFailure | ErrorCode::CannotOpen => Some("the disk reports I/O errors"),
                _ => None,
            },
            Self::Io(e) => match e.kind() {
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => Some("the disk is full"),
                std::io::ErrorKind::ReadOnlyFilesystem => Some("the data directory is read-only"),
                _ if e.raw_os_error() == Some(5) => Some("the disk reports I/O errors"),
                _ => None,
            },
            _ => None,
        }
    }
}
