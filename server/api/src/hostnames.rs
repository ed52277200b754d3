//! Hostnames (the ipdock document, section 4), with each one's address history.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::IssuedToken;

/// A hostname and its current addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Hostname {
    pub id: String,
    /// The leftmost label (`myserver`).
    pub name: String,
    pub fqdn: String,
    pub domain_id: String,
    pub ttl: u32,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
    /// Set when the host follows the account's IPv6 prefix with this interface id.
    pub ipv6_interface_id: Option<String>,
    /// What LAN clients get instead of the public addresses (split horizon).
    pub lan_ipv4: Option<String>,
    pub lan_ipv6: Option<String>,
    pub last_update: Option<String>,
    /// Where the last accepted change came from: address and dialect.
    pub last_source: Option<String>,
    pub created_at: String,
    /// The last update attempt, accepted or not.
    pub last_attempt: Option<Attempt>,
    /// How many update attempts ended with each result code (`good`, `nochg`, `badauth`,
    /// `nohost`, `badip`, `abuse`, `ratelimited`…).
    pub attempts: std::collections::BTreeMap<String, u64>,
    /// Failed attempts since the last success.
    pub failures_in_a_row: u64,
    /// When the first of those failures came.
    pub failing_since: Option<String>,
    /// The last accepted attempt (`good` or `nochg`).
    pub last_success: Option<String>,
    /// The host's own stale window in hours (null: the account's).
    pub stale_after_hours: Option<u32>,
}

/// One update attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub at: String,
    /// The result code, as DynDNS2 words it (`good`, `nochg`, `badauth`, `nohost`…).
    pub result: String,
    /// The client's address.
    pub source: String,
    pub user_agent: Option<String>,
    /// The API it spoke: `dyndns2`, `ipdock`, `kyedns`, `duckdns`, `ipv64`, `rfc2136`…
    pub dialect: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HostnameList {
    pub hostnames: Vec<Hostname>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HostnameEnvelope {
    pub hostname: Hostname,
}

/// `POST /api/hostnames`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewHostname {
    /// The zone: a built-in one or the account's verified custom domain.
    pub domain_id: String,
    /// A label (`myserver`), or a full name inside the zone.
    pub name: String,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
}

/// A new hostname and its update token, whose `tokenValue` is shown only this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HostnameCreated {
    pub hostname: Hostname,
    pub token: IssuedToken,
}

/// `PATCH /api/hostnames/{id}`: absent fields stay; `null` clears the clearable ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HostnamePatch {
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// Follow the account's IPv6 prefix with this interface id (`::1a2b:3c4d:5e6f:7080`);
    /// `null` stops following.
    #[serde(default, deserialize_with = "crate::double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ipv6_interface_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub lan_ipv4: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub lan_ipv6: Option<Option<String>>,
    /// Hours without a successful update after which the host counts as stale (0: never);
    /// `null` takes the account's setting.
    #[serde(default, deserialize_with = "crate::whole_or_null", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    pub stale_after_hours: Option<Option<u32>>,
}

/// One accepted change of a hostname.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: String,
    /// The record type changed: A, AAAA or TXT.
    #[serde(rename = "type")]
    pub kind: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub source: Option<String>,
    pub user_agent: Option<String>,
    /// The API the change came through (`dyndns2`, `duckdns`, `rfc2136`, …).
    pub dialect: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct History {
    pub history: Vec<HistoryEntry>,
}
