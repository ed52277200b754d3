//! SQL for DNSSEC keys.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::{new_id, now};
use crate::error::Result;
use crate::model::ZoneId;

/// A stored key: its algorithm number and private half (PKCS#8).
pub struct StoredKey {
    pub algorithm: u8,
    pub private_key: Vec<u8>,
}

/// The key that signs the zone now, if any.
pub fn active(conn: &Connection, zone_id: &ZoneId) -> Result<Option<StoredKey>> {
    Ok(conn
        .prepare_cached("SELECT algorithm, private_key FROM dnssec_keys WHERE zone_id = ?1 AND state = 'active' ORDER BY created_at LIMIT 1")?
        .query_row([zone_id], |r| Ok(StoredKey { algorithm: r.get(0)?, private_key: r.get(1)? }))
        .optional()?)
}

pub fn insert(conn: &Connection, zone_id: &ZoneId, key: &StoredKey) -> Result<()> {
    conn.execute(
        "INSERT INTO dnssec_keys (id, zone_id, algorithm, private_key, state, created_at) VALUES (?1, ?2, ?3, ?4, 'active', ?5)",
        params![new_id(), zone_id, key.algorithm, key.private_key, now()],
    )?;
    Ok(())
}

/// Removes every key of the zone (it is served unsigned from then on).
pub fn delete_for_zone(conn: &Connection, zone_id: &ZoneId) -> Result<usize> {
    Ok(conn.execute("DELETE FROM dnssec_keys WHERE zone_id = ?1", [zone_id])?)
}
