//! SQL for per-hostname updaters.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::now;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct UpdaterRow {
    pub id: String,
    pub token_id: String,
    pub hostname_id: String,
    /// The hostname's name (joined in).
    pub hostname: String,
    pub zone_id: String,
    pub record_type: String,
    pub enabled: bool,
    pub update_count: i64,
    pub last_ip: Option<String>,
    pub last_updated_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: Option<i64>,
}

const SELECT: &str = "SELECT u.id, u.token_id, u.hostname_id, h.name, h.zone_id, u.record_type, u.enabled, u.update_count,
        u.last_ip, u.last_updated_at, u.created_at, u.updated_at
    FROM updaters u JOIN hostnames h ON h.id = u.hostname_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UpdaterRow> {
    Ok(UpdaterRow {
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

pub fn insert(conn: &Connection, id: &str, token_id: &str, hostname_id: &str, record_type: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO updaters (id, token_id, hostname_id, record_type, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, token_id, hostname_id, record_type, now()],
    )?;
    Ok(())
}

pub fn find_by_token(conn: &Connection, token_id: &str) -> Result<Option<UpdaterRow>> {
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE u.token_id = ?1"))?.query_row([token_id], from_row).optional()?)
}

/// The account's updater `id` in zone `zone_id`.
pub fn find(conn: &Connection, user_id: &str, zone_id: &str, id: &str) -> Result<Option<UpdaterRow>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE u.id = ?1 AND h.user_id = ?2 AND h.zone_id = ?3"))?
        .query_row([id, user_id, zone_id], from_row)
        .optional()?)
}

/// The account's updaters in zone `zone_id`.
pub fn in_zone(conn: &Connection, user_id: &str, zone_id: &str) -> Result<Vec<UpdaterRow>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE h.user_id = ?1 AND h.zone_id = ?2 ORDER BY u.created_at, u.id"))?;
    let rows = stmt.query_map([user_id, zone_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_enabled(conn: &Connection, id: &str, enabled: bool) -> Result<()> {
    conn.execute("UPDATE updaters SET enabled = ?1, updated_at = ?2 WHERE id = ?3", params![enabled, now(), id])?;
    Ok(())
}

/// Counts an update that changed the address.
pub fn record_update(conn: &Connection, id: &str, ip: &str) -> Result<()> {
    conn.execute(
        "UPDATE updaters SET update_count = update_count + 1, last_ip = ?1, last_updated_at = ?2 WHERE id = ?3",
        params![ip, now(), id],
    )?;
    Ok(())
}
