//! A TSIG key for RFC 2136 updates and signed zone transfers.

use super::{TsigKeyId, UserId};

#[derive(Debug, Clone)]
pub struct TsigKey {
    pub id: TsigKeyId,
    pub user_id: UserId,
    /// Lower case, no final dot.
    pub name: String,
    pub algorithm: String,
    /// Base64, as nsupdate takes it. Never returned by any API after creation.
    pub secret: String,
    /// One `PATTERN:TYPE` per line; empty allows whatever the owner may write.
    pub allow: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}
