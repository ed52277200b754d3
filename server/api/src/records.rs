//! DNS records (the ipdock document, section 6).

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A record of a zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: String,
    /// A, AAAA, CNAME, TXT, MX, SRV, CAA or NS.
    #[serde(rename = "type")]
    pub kind: String,
    /// The full name.
    pub name: String,
    /// The address, target name, text, or CAA `flags tag "value"`.
    pub content: String,
    pub ttl: u32,
    /// MX preference or SRV priority.
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub port: Option<u16>,
    /// The hostname the record lies under, if any.
    pub hostname_id: Option<String>,
    /// Set by updates of its hostname (its address, an ACME value), not editable here.
    pub managed: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordList {
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordEnvelope {
    pub record: Record,
}

/// `POST /api/domains/{domainId}/records`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewRecord {
    #[serde(rename = "type")]
    pub kind: String,
    /// Relative to the zone (`www`), `@` for the apex, or a full name inside the zone.
    #[serde(default)]
    pub name: String,
    pub content: String,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub priority: Option<u16>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub weight: Option<u16>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// `PATCH /api/domains/{domainId}/records/{recordId}`: absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordPatch {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub priority: Option<u16>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub weight: Option<u16>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}
