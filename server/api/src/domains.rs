//! Domains: the built-in zones every account may use, and custom domains with their
//! delegation check.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Whether a zone is shared by every account or is an account's own domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DomainType {
    Builtin,
    Custom,
}

/// A zone. Custom domains carry their delegation and transfer settings too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: DomainType,
    /// Served: always for built-in zones; for a custom domain once its delegation checked out.
    pub verified: bool,
    /// The SOA serial.
    pub serial: u32,
    /// The nameservers the domain must be delegated to (custom domains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nameservers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When the delegation was verified (custom domains; null until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Option<String>>,
    /// Who may transfer the zone: networks and `key:NAME` (custom domains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_transfer: Option<Vec<String>>,
    /// Secondaries told of changes, `ADDRESS:PORT` (custom domains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DomainList {
    pub domains: Vec<Domain>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DomainEnvelope {
    pub domain: Domain,
}

/// `POST /api/domains`: a custom domain to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDomain {
    pub name: String,
}

/// `PATCH /api/domains/{id}`: a custom domain's settings. Each field given replaces what
/// was there (a list replaces the whole list; `[]` empties it); an absent field is unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DomainPatch {
    /// Who may transfer the zone: networks and `key:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_transfer: Option<Vec<String>>,
    /// Secondaries told of changes, `ADDRESS:PORT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Vec<String>>,
    /// Sign the domain (DNSSEC; new domains are signed): `false` removes its key, `true`
    /// makes a new one (the parent then needs the new DS). Absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnssec: Option<bool>,
}

/// What the parent zone says about a custom domain's delegation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Delegation {
    pub verified: bool,
    pub expected: Vec<String>,
    pub found: Vec<String>,
    pub missing: Vec<String>,
    /// What to do next, in words.
    pub message: String,
}

/// `POST /api/domains/{id}/verify`, `GET /api/domains/{id}/delegation-status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DelegationStatus {
    pub domain: Domain,
    pub delegation: Delegation,
}

/// A record to enter at the registrar, in the parent zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ParentRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

/// An address the parent zone gives for a nameserver (glue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Glue {
    pub name: String,
    pub address: String,
}

/// `GET /api/domains/{id}/delegation`: what to enter at the registrar, and what the parent
/// zone says now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DelegationGuide {
    pub zone: String,
    /// NS records, and glue A/AAAA for nameservers inside the zone.
    pub records: Vec<ParentRecord>,
    /// Whether the parent delegates to every nameserver, with the right glue.
    pub delegated: bool,
    /// The DNS server that was asked (`delegation_resolver`).
    pub asked: Option<String>,
    /// The nameservers the parent names now.
    pub found: Vec<String>,
    pub glue: Vec<Glue>,
    /// What is wrong, one sentence each.
    pub problems: Vec<String>,
    pub message: String,
    /// DNSSEC: whether the parent's DS record matches the zone's key, in a sentence (absent
    /// when the zone is not signed and the parent holds no DS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnssec: Option<String>,
}

/// `GET /api/domains/{id}/dnssec`: whether the zone is signed, and what its parent needs.
/// The private key is never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DnssecStatus {
    pub zone: String,
    pub signed: bool,
    /// The key's algorithm number: 13 (ECDSA P-256/SHA-256) or 15 (Ed25519).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_tag: Option<u16>,
    /// The DS record(s) for the parent, in presentation format (`NAME. IN DS TAG ALG 2 HEX`).
    pub ds: Vec<String>,
    /// The DNSKEY record, in presentation format, for registrars that ask for the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnskey: Option<String>,
    /// What to do at the registrar, step by step.
    pub steps: Vec<String>,
    /// While a key rollover runs: each key and its stage (empty otherwise).
    #[serde(default)]
    pub rollover: Vec<String>,
}
