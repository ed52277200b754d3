//! A hostname: a DDNS entry one account owns, and what happened to it.

use super::{HostId, UserId, ZoneId};
use crate::names::DomainName;

#[derive(Debug, Clone)]
pub struct Host {
    pub id: HostId,
    pub zone_id: ZoneId,
    pub user_id: UserId,
    pub name: DomainName,
    pub ttl: u32,
    /// Blocked for abuse: updates answer `abuse`.
    pub blocked: bool,
    pub created_at: i64,
    pub updated_at: Option<i64>,
    /// Set when the host follows its owner's IPv6 prefix with this interface id.
    pub ipv6_interface_id: Option<String>,
    /// Hours without a successful update after which it is stale (None: the account's).
    pub stale_after_hours: Option<u32>,
}

/// One accepted change in a hostname's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub at: i64,
    /// The record type changed (A, AAAA, TXT).
    pub kind: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub source: Option<String>,
    pub user_agent: Option<String>,
    pub dialect: String,
}

/// One line of an account's event log.
#[derive(Debug, Clone)]
pub struct LogLine {
    pub at: i64,
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub source: Option<String>,
}
