//! The ipdock update endpoint, `/api/update`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `good` when the address changed, `nochg` when it already was what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum UpdateStatus {
    Good,
    Nochg,
}

/// The answer to an accepted update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateAnswer {
    pub status: UpdateStatus,
    /// The address now published, as it was sent.
    pub ip: String,
    /// The address before (only when it changed; null when there was none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub previous: Option<Option<String>>,
}

/// `POST /api/update` with a JSON body: the address to set (absent: the caller's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}
