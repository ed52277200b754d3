//! SQL for zones and their SOA serials.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::Result;
use crate::model::{CustomDomain, UserId, Zone, ZoneId};
use crate::names::DomainName;

fn zone(r: &rusqlite::Row<'_>) -> rusqlite::Result<Zone> {
    Ok(Zone { id: r.get(0)?, name: r.get(1)?, serial: r.get(2)? })
}

/// The stable id of the n-th built-in zone ever configured (1-based), as in the ipdock API.
fn builtin_id(n: i64) -> ZoneId {
    ZoneId::from_text(format!("00000000-0000-0000-0000-{n:012}"))
}

/// Makes sure every configured zone has a row; existing rows keep their id and serial.
/// Returns the row, and whether it was made now.
pub fn ensure_builtin(conn: &Connection, name: &DomainName) -> Result<(Zone, bool)> {
    if let Some(row) = find_by_name(conn, name)? {
        return Ok((row, false));
    }
    let n: i64 = conn.query_row("SELECT count(*) FROM zones WHERE origin = 'config'", [], |r| r.get(0))?;
    let id = builtin_id(n + 1);
    // Serials start at the creation time so that a rebuilt appliance never goes backwards.
    let serial = now() as u32;
    conn.execute(
        "INSERT INTO zones (id, name, origin, serial, created_at) VALUES (?1, ?2, 'config', ?3, ?4)",
        params![id, name, serial, now()],
    )?;
    Ok((Zone { id, name: name.clone(), serial }, true))
}

pub fn find_by_name(conn: &Connection, name: &DomainName) -> Result<Option<Zone>> {
    Ok(conn.prepare_cached("SELECT id, name, serial FROM zones WHERE name = ?1")?.query_row([name], zone).optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<Zone>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, serial FROM zones ORDER BY name")?;
    let rows = stmt.query_map([], zone)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Raises the zone's serial by one (RFC 1982 arithmetic) and returns the new value.
pub fn bump_serial(conn: &Connection, zone_id: &ZoneId) -> Result<u32> {
    let serial: u32 = conn.query_row("SELECT serial FROM zones WHERE id = ?1", [zone_id], |r| r.get(0))?;
    let next = serial.wrapping_add(1);
    conn.execute("UPDATE zones SET serial = ?1 WHERE id = ?2", params![next, zone_id])?;
    Ok(next)
}

/// When the zone's signatures were last made (0: never).
pub fn signed_at(conn: &Connection, zone_id: &ZoneId) -> Result<u32> {
    Ok(conn.query_row("SELECT signed_at FROM zones WHERE id = ?1", [zone_id], |r| r.get(0)).optional()?.unwrap_or(0))
}

pub fn set_signed_at(conn: &Connection, zone_id: &ZoneId, at: u32) -> Result<()> {
    conn.execute("UPDATE zones SET signed_at = ?1 WHERE id = ?2", params![at, zone_id])?;
    Ok(())
}

/// The signed zones whose signatures were made at or before `before`.
pub fn signed_before(conn: &Connection, before: u32) -> Result<Vec<ZoneId>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM zones WHERE signed_at <= ?1 AND id IN (SELECT zone_id FROM dnssec_keys)")?;
    let rows = stmt.query_map([before], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find_by_id(conn: &Connection, id: &ZoneId) -> Result<Option<Zone>> {
    Ok(conn.prepare_cached("SELECT id, name, serial FROM zones WHERE id = ?1")?.query_row([id], zone).optional()?)
}

const CUSTOM_COLUMNS: &str = "id, name, owner_id, serial, verified_at, created_at, allow_transfer, notify";

fn custom_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomDomain> {
    Ok(CustomDomain {
        id: r.get(0)?,
        name: r.get(1)?,
        owner_id: r.get(2)?,
        serial: r.get(3)?,
        verified_at: r.get(4)?,
        created_at: r.get(5)?,
        allow_transfer: r.get(6)?,
        notify: r.get(7)?,
    })
}

pub fn set_transfers(conn: &Connection, id: &ZoneId, allow_transfer: &str, notify: &str) -> Result<()> {
    conn.execute("UPDATE zones SET allow_transfer = ?1, notify = ?2 WHERE id = ?3", params![allow_transfer, notify, id])?;
    Ok(())
}

pub fn insert_custom(conn: &Connection, name: &DomainName, owner_id: &UserId) -> Result<ZoneId> {
    let id = ZoneId::random();
    conn.execute(
        "INSERT INTO zones (id, name, origin, owner_id, serial, created_at) VALUES (?1, ?2, 'custom', ?3, ?4, ?5)",
        params![id, name, owner_id, now() as u32, now()],
    )?;
    Ok(id)
}

pub fn custom_by_owner(conn: &Connection, owner_id: &UserId) -> Result<Vec<CustomDomain>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {CUSTOM_COLUMNS} FROM zones WHERE origin = 'custom' AND owner_id = ?1 ORDER BY name"))?;
    let rows = stmt.query_map([owner_id], custom_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn custom_verified(conn: &Connection) -> Result<Vec<CustomDomain>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {CUSTOM_COLUMNS} FROM zones WHERE origin = 'custom' AND verified_at IS NOT NULL"))?;
    let rows = stmt.query_map([], custom_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find_custom(conn: &Connection, id: &ZoneId) -> Result<Option<CustomDomain>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {CUSTOM_COLUMNS} FROM zones WHERE origin = 'custom' AND id = ?1"))?
        .query_row([id], custom_row)
        .optional()?)
}

/// Custom domains at, above or below `name` (domains nested in one another).
pub fn custom_overlapping(conn: &Connection, name: &DomainName) -> Result<Vec<CustomDomain>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CUSTOM_COLUMNS} FROM zones WHERE origin = 'custom'
           AND (name = ?1
                OR (length(name) > length(?1) AND substr(name, -length(?1) - 1) = '.' || ?1)
                OR (length(?1) > length(name) AND substr(?1, -length(name) - 1) = '.' || name))"
    ))?;
    let rows = stmt.query_map([name], custom_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn count_custom(conn: &Connection, owner_id: &UserId) -> Result<usize> {
    Ok(conn.query_row("SELECT count(*) FROM zones WHERE origin = 'custom' AND owner_id = ?1", [owner_id], |r| r.get::<_, i64>(0))? as usize)
}

pub fn set_verified(conn: &Connection, id: &ZoneId) -> Result<()> {
    conn.execute("UPDATE zones SET verified_at = ?1 WHERE id = ?2", params![now(), id])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &ZoneId) -> Result<()> {
    conn.execute("DELETE FROM zones WHERE id = ?1", [id])?;
    Ok(())
}
