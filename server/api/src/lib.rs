//! The native management API on the wire (the ipdock document's shape): every request and
//! response body, as the server writes them and the web UI reads them. With the `openapi`
//! feature each type also describes itself as an OpenAPI schema, from which the server
//! builds `/api/openapi.json`.
//!
//! Names are camelCase on the wire; times are RFC 3339 strings in UTC; ids are opaque
//! strings. A field that may be absent in a request is an `Option`; a response field that
//! can be empty is `null` rather than missing, unless said otherwise.

#![forbid(unsafe_code)]

pub mod account;
pub mod admin;
pub mod domains;
pub mod hostnames;
pub mod records;
pub mod tokens;
pub mod update;

pub use account::*;
pub use admin::*;
pub use domains::*;
pub use hostnames::*;
pub use records::*;
pub use tokens::*;
pub use update::*;

use serde::{Deserialize, Deserializer, Serialize};

/// Every error of the native API: the message, and for plan limits a stable code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong, in words for the person who caused it.
    pub error: String,
    /// `PLAN_LIMIT` when the account's plan does not allow this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// True when a bigger plan would allow this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<bool>,
}

/// For PATCH fields that can be cleared: absent → `None` (leave it), `null` →
/// `Some(None)` (clear it), a value → `Some(Some(value))`.
pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
