//! SQL for per-hostname updaters.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::now;
use crate::error::Result;
use crate::model::{HostId, TokenId, Updater, UpdaterId, UserId, ZoneId};
use crate::records::RecordKind;

const SELECT: &str = "SELECT u.id, u.token_id, u.hostname_id, h.name, h.zone_id, u.record_type, u.enabled, u.update_count,
        u.last_ip, u.last_updated_at, u.created_at, u.updated_at
    FROM updaters u JOIN hostnames h ON h.id = u.hostname_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Updater> {
    Ok(Updater {
        id: r.get(0)?,
        token_id: r.get(1)?,
        hostname_id: r.get(2)?,
        hostname: r.get(3)?,
        zone_id: r.get(4)?,
        record_type: r.get(5)?,
        enabled: r.get(6)?,
        update_count: r.get(7)?,
        last_ip: r.get(8)?,
        last_updated_at: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

pub fn insert(conn: &Connection, id: &UpdaterId, token_id: &TokenId, hostname_id: &HostId, record_type: RecordKind) -> Result<()> {
    conn.execute(
        "INSERT INTO updaters (id, token_id, hostname_id, record_type, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, token_id, hostname_id, record_type, now()],
    )?;
    Ok(())
}

pub fn find_by_token(conn: &Connection, token_id: &TokenId) -> Result<Option<Updater>> {
    // Asked on every update, and most tokens are not an updater's: a one-table probe first
    // (the join is compiled anew for each binding, which costs more than the probe).
    let exists: bool = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM updaters WHERE token_id = ?1)")?.query_row([token_id], |r| r.get(0))?;
    if !exists {
        return Ok(None);
    }
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE u.token_id = ?1"))?.query_row([token_id], from_row).optional()?)
}

/// The account's updater `id` in zone `zone_id`.
pub fn find(conn: &Connection, user_id: &UserId, zone_id: &ZoneId, id: &UpdaterId) -> Result<Option<Updater>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE u.id = ?1 AND h.user_id = ?2 AND h.zone_id = ?3"))?
        .query_row(params![id, user_id, zone_id], from_row)
        .optional()?)
}

/// The account's updaters in zone `zone_id`.
pub fn in_zone(conn: &Connection, user_id: &UserId, zone_id: &ZoneId) -> Result<Vec<Updater>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE h.user_id = ?1 AND h.zone_id = ?2 ORDER BY u.created_at, u.id"))?;
    let rows = stmt.query_map(params![user_id, zone_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_enabled(conn: &Connection, id: &UpdaterId, enabled: bool) -> Result<()> {
    conn.execute("UPDATE updaters SET enabled = ?1, updated_at = ?2 WHERE id = ?3", params![enabled, now(), id])?;
    Ok(())
}

/// Counts an update that changed the address.
pub fn record_update(conn: &Connection, id: &UpdaterId, ip: &str) -> Result<()> {
    conn.execute(
        "UPDATE updaters SET update_count = update_count + 1, last_ip = ?1, last_updated_at = ?2 WHERE id = ?3",
        params![ip, now(), id],
    )?;
    Ok(())
}
