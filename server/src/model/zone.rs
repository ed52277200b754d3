//! Zones: the built-in ones from the configuration and accounts' custom domains.

use super::{UserId, ZoneId};
use crate::names::DomainName;

/// Any zone the database knows.
#[derive(Debug, Clone)]
pub struct Zone {
    pub id: ZoneId,
    pub name: DomainName,
    pub serial: u32,
}

/// A custom domain an account brought.
#[derive(Debug, Clone)]
pub struct CustomDomain {
    pub id: ZoneId,
    pub name: DomainName,
    pub owner_id: UserId,
    pub serial: u32,
    /// Served only once verified.
    pub verified_at: Option<i64>,
    pub created_at: i64,
    /// Transfer settings, one entry per line (see `transfers::Policy::from_lines`).
    pub allow_transfer: String,
    pub notify: String,
}
