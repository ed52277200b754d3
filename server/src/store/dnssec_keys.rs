//! SQL for DNSSEC keys.

use rusqlite::{Connection, Row, params};

use super::{new_id, now};
use crate::error::Result;
use crate::model::ZoneId;

/// A stored key: its algorithm number and private half (PKCS#8).
pub struct StoredKey {
    pub algorithm: u8,
    pub private_key: Vec<u8>,
}

/// A key with its place in the zone's life.
pub struct KeyRow {
    pub id: String,
    pub zone_id: ZoneId,
    pub key: StoredKey,
    /// `active` or `incoming` (a rollover's new key).
    pub state: String,
    pub created_at: i64,
    pub ds_seen_at: Option<i64>,
}

const COLUMNS: &str = "id, zone_id, algorithm, private_key, state, created_at, ds_seen_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: r.get(0)?,
        zone_id: r.get(1)?,
        key: StoredKey { algorithm: r.get(2)?, private_key: r.get(3)? },
        state: r.get(4)?,
        created_at: r.get(5)?,
        ds_seen_at: r.get(6)?,
    })
}

/// The zone's keys, the active one first, then an incoming one.
pub fn for_zone(conn: &Connection, zone_id: &ZoneId) -> Result<Vec<KeyRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM dnssec_keys WHERE zone_id = ?1"))?;
    let mut rows: Vec<KeyRow> = stmt.query_map([zone_id], from_row)?.collect::<Result<_, _>>()?;
    rows.sort_by_key(|k| (k.state != "active", k.created_at));
    Ok(rows)
}

/// Every incoming key (the zones in a rollover).
pub fn incoming(conn: &Connection) -> Result<Vec<KeyRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM dnssec_keys WHERE state = 'incoming'"))?;
    let rows = stmt.query_map([], from_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn insert(conn: &Connection, zone_id: &ZoneId, key: &StoredKey, state: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO dnssec_keys (id, zone_id, algorithm, private_key, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![new_id(), zone_id, key.algorithm, key.private_key, state, now()],
    )?;
    Ok(())
}

/// When the parent was first seen naming the key (None: it does not, or no longer).
pub fn set_ds_seen(conn: &Connection, id: &str, at: Option<i64>) -> Result<()> {
    conn.execute("UPDATE dnssec_keys SET ds_seen_at = ?1 WHERE id = ?2", params![at, id])?;
    Ok(())
}

/// Ends a rollover: the zone's other keys go, the incoming one becomes the active one.
pub fn promote(conn: &Connection, id: &str, zone_id: &ZoneId) -> Result<()> {
    conn.execute("DELETE FROM dnssec_keys WHERE zone_id = ?1 AND id != ?2", params![zone_id, id])?;
    conn.execute("UPDATE dnssec_keys SET state = 'active', ds_seen_at = NULL WHERE id = ?1", [id])?;
    Ok(())
}

/// Removes every key of the zone (it is served unsigned from then on).
pub fn delete_for_zone(conn: &Connection, zone_id: &ZoneId) -> Result<usize> {
    Ok(conn.execute("DELETE FROM dnssec_keys WHERE zone_id = ?1", [zone_id])?)
}
