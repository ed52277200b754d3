//! A stored DNS record as the management APIs show it.

use super::{HostId, RecordId, ZoneId};
use crate::names::DomainName;
use crate::records::RecordKind;

#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub id: RecordId,
    pub zone_id: ZoneId,
    /// The hostname at or above the record, when it belongs to one.
    pub hostname_id: Option<HostId>,
    pub name: DomainName,
    pub kind: RecordKind,
    pub content: String,
    pub ttl: u32,
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub port: Option<u16>,
    /// Written by updates (a hostname's address, an ACME value) rather than by hand.
    pub managed: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// A stable integer id for dialects that want one (IPv64's `record_id`).
    pub number: i64,
}
