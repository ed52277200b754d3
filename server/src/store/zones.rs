//! SQL for zones and their SOA serials.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct ZoneRow {
    pub id: String,
    pub name: String,
    pub serial: u32,
}

/// The stable id of the n-th built-in zone ever configured (1-based), as in the ipdock API.
fn builtin_id(n: i64) -> String {
    format!("00000000-0000-0000-0000-{n:012}")
}

/// Makes sure every configured zone has a row; existing rows keep their id and serial.
pub fn ensure_builtin(conn: &Connection, name: &str) -> Result<ZoneRow> {
    if let Some(row) = find_by_name(conn, name)? {
        return Ok(row);
    }
    let n: i64 = conn.query_row("SELECT count(*) FROM zones WHERE origin = 'config'", [], |r| r.get(0))?;
    let id = builtin_id(n + 1);
    // Serials start at the creation time so that a rebuilt appliance never goes backwards.
    let serial = now() as u32;
    conn.execute(
        "INSERT INTO zones (id, name, origin, serial, created_at) VALUES (?1, ?2, 'config', ?3, ?4)",
        params![id, name, serial, now()],
    )?;
    Ok(ZoneRow { id, name: name.to_string(), serial })
}

pub fn find_by_name(conn: &Connection, name: &str) -> Result<Option<ZoneRow>> {
    Ok(conn
        .prepare_cached("SELECT id, name, serial FROM zones WHERE name = ?1")?
        .query_row([name], |r| Ok(ZoneRow { id: r.get(0)?, name: r.get(1)?, serial: r.get(2)? }))
        .optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<ZoneRow>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, serial FROM zones ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok(ZoneRow { id: r.get(0)?, name: r.get(1)?, serial: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Raises the zone's serial by one (RFC 1982 arithmetic) and returns the new value.
pub fn bump_serial(conn: &Connection, zone_id: &str) -> Result<u32> {
    let serial: u32 = conn.query_row("SELECT serial FROM zones WHERE id = ?1", [zone_id], |r| r.get(0))?;
    let next = serial.wrapping_add(1);
    conn.execute("UPDATE zones SET serial = ?1 WHERE id = ?2", params![next, zone_id])?;
    Ok(next)
}

pub fn find_by_id(conn: &Connection, id: &str) -> Result<Option<ZoneRow>> {
    Ok(conn
        .prepare_cached("SELECT id, name, serial FROM zones WHERE id = ?1")?
        .query_row([id], |r| Ok(ZoneRow { id: r.get(0)?, name: r.get(1)?, serial: r.get(2)? }))
        .optional()?)
}
