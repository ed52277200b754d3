//! A per-hostname updater: a token that updates one record type of one hostname.

use super::{HostId, TokenId, UpdaterId, ZoneId};
use crate::names::DomainName;
use crate::records::RecordKind;

#[derive(Debug, Clone)]
pub struct Updater {
    pub id: UpdaterId,
    pub token_id: TokenId,
    pub hostname_id: HostId,
    pub hostname: DomainName,
    pub zone_id: ZoneId,
    /// A or AAAA.
    pub record_type: RecordKind,
    pub enabled: bool,
    pub update_count: i64,
    pub last_ip: Option<String>,
    pub last_updated_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: Option<i64>,
}
