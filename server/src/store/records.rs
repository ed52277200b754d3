//! SQL for records.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::{Error, Result};
use crate::model::{HostId, RecordId, StoredRecord, UserId, ZoneId};
use crate::names::DomainName;
use crate::records::{Record, RecordData, RecordKind};

/// Every record of a zone, for building the DNS view.
pub fn for_zone(conn: &Connection, zone_id: &ZoneId) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, type, content, ttl, priority, weight, port FROM records WHERE zone_id = ?1",
    )?;
    let mut rows = stmt.query([zone_id])?;
    let mut records = Vec::new();
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        let kind: String = r.get(1)?;
        let content: String = r.get(2)?;
        let parsed = RecordKind::parse(&kind).and_then(|kind| {
            RecordData::from_columns(kind, &content, r.get(4)?, r.get(5)?, r.get(6)?)
        });
        match (DomainName::parse(&name), parsed) {
            (Ok(name), Ok(data)) => records.push(Record { name, ttl: r.get(3)?, data }),
            // One bad row must not take the whole zone down; it is reported and skipped.
            (n, d) => tracing::warn!(name, kind, content, error = ?n.err().or(d.err()), "skipping unreadable record"),
        }
    }
    Ok(records)
}

/// The records of one set, as served.
pub fn rrset(conn: &Connection, zone_id: &ZoneId, name: &DomainName, kind: RecordKind) -> Result<Vec<Record>> {
    // Sorted here: SQLite compiles a statement with ORDER BY anew for every binding, and this
    // runs for every set an update touches.
    let mut stmt = conn.prepare_cached(
        "SELECT content, ttl, priority, weight, port, created_at, id FROM records WHERE zone_id = ?1 AND name = ?2 AND type = ?3",
    )?;
    let mut rows = stmt.query(params![zone_id, name.as_str(), kind.as_str()])?;
    let mut records = Vec::new();
    while let Some(r) = rows.next()? {
        let content: String = r.get(0)?;
        let data = RecordData::from_columns(kind, &content, r.get(2)?, r.get(3)?, r.get(4)?)?;
        let order: (i64, String) = (r.get(5)?, r.get(6)?);
        records.push((order, Record { name: name.clone(), ttl: r.get(1)?, data }));
    }
    records.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(records.into_iter().map(|(_, record)| record).collect())
}

/// The content of the update-managed record of `kind` a hostname has at `name` (the host
/// itself, or a name below it), if any.
pub fn managed_value(conn: &Connection, hostname_id: &HostId, name: &DomainName, kind: RecordKind) -> Result<Option<String>> {
    // The newest (sorted here; see `rrset`).
    let mut stmt =
        conn.prepare_cached("SELECT content, created_at, id FROM records WHERE hostname_id = ?1 AND type = ?2 AND name = ?3 AND managed")?;
    let rows = stmt.query_map(params![hostname_id, kind, name], |r| Ok((r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(0)?)))?;
    let mut newest: Option<(i64, String, String)> = None;
    for row in rows {
        let row = row?;
        // Newest first; among equals, the smallest id.
        if newest.as_ref().is_none_or(|n| row.0 > n.0 || (row.0 == n.0 && row.1 < n.1)) {
            newest = Some(row);
        }
    }
    Ok(newest.map(|(_, _, content)| content))
}

/// The update-managed values of `kind` a hostname has at `name`, newest first.
pub fn managed_values(conn: &Connection, hostname_id: &HostId, name: &DomainName, kind: RecordKind) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT content FROM records WHERE hostname_id = ?1 AND type = ?2 AND name = ?3 AND managed ORDER BY created_at DESC, rowid DESC",
    )?;
    let rows = stmt.query_map(params![hostname_id, kind, name], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Gives every update-managed record of a hostname a new TTL.
pub fn set_managed_ttl(conn: &Connection, hostname_id: &HostId, ttl: u32) -> Result<()> {
    conn.execute("UPDATE records SET ttl = ?1 WHERE hostname_id = ?2 AND managed", params![ttl, hostname_id])?;
    Ok(())
}

/// Replaces the records of `kind` that a hostname owns at `name` by `values` (none = delete).
pub fn replace_host_rrset(
    conn: &Connection,
    zone_id: &ZoneId,
    hostname_id: &HostId,
    name: &DomainName,
    kind: RecordKind,
    values: &[RecordData],
    ttl: u32,
) -> Result<()> {
    conn.prepare_cached("DELETE FROM records WHERE hostname_id = ?1 AND name = ?2 AND type = ?3 AND managed")?
        .execute(params![hostname_id, name.as_str(), kind.as_str()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO records (id, zone_id, hostname_id, name, type, content, ttl, priority, weight, port, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?;
    for value in values {
        if value.kind() != kind {
            return Err(Error::Invalid(format!("{} data given for a {kind} record", value.kind())));
        }
        let (content, priority, weight, port) = value.to_columns();
        insert.execute(params![RecordId::random(), zone_id, hostname_id, name.as_str(), kind.as_str(), content, ttl, priority, weight, port, now()])?;
    }
    Ok(())
}

/// Every (zone, name, type) holding records of the account's hostnames.
pub fn owned_by_user(conn: &Connection, user_id: &UserId) -> Result<Vec<(ZoneId, DomainName, RecordKind)>> {
    owned(conn, "SELECT DISTINCT r.zone_id, r.name, r.type FROM records r JOIN hostnames h ON h.id = r.hostname_id WHERE h.user_id = ?1", user_id.as_str())
}

/// Every (zone, name, type) holding records of one hostname.
pub fn owned_by_hostname(conn: &Connection, hostname_id: &HostId) -> Result<Vec<(ZoneId, DomainName, RecordKind)>> {
    owned(conn, "SELECT DISTINCT zone_id, name, type FROM records WHERE hostname_id = ?1", hostname_id.as_str())
}

fn owned(conn: &Connection, sql: &str, id: &str) -> Result<Vec<(ZoneId, DomainName, RecordKind)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

const ROW_COLUMNS: &str = "id, zone_id, hostname_id, name, type, content, ttl, priority, weight, port, managed, created_at, updated_at, rowid";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecord> {
    Ok(StoredRecord {
        id: r.get(0)?,
        zone_id: r.get(1)?,
        hostname_id: r.get(2)?,
        name: r.get(3)?,
        kind: r.get(4)?,
        content: r.get(5)?,
        ttl: r.get(6)?,
        priority: r.get(7)?,
        weight: r.get(8)?,
        port: r.get(9)?,
        managed: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        number: r.get(13)?,
    })
}

/// The records at or below a hostname (its updates' and hand-made ones), by name and type.
pub fn for_hostname(conn: &Connection, hostname_id: &HostId) -> Result<Vec<StoredRecord>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM records WHERE hostname_id = ?1 ORDER BY name, type, created_at"))?;
    let rows = stmt.query_map([hostname_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The record `id`, in whichever zone.
pub fn find_by_id(conn: &Connection, id: &RecordId) -> Result<Option<StoredRecord>> {
    Ok(conn.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM records WHERE id = ?1"))?.query_row([id], row).optional()?)
}

/// The record with row number `number`.
pub fn find_by_number(conn: &Connection, number: i64) -> Result<Option<StoredRecord>> {
    Ok(conn.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM records WHERE rowid = ?1"))?.query_row([number], row).optional()?)
}

/// The records of one type at one name.
pub fn at_name(conn: &Connection, zone_id: &ZoneId, name: &DomainName, kind: RecordKind) -> Result<Vec<StoredRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM records WHERE zone_id = ?1 AND name = ?2 AND type = ?3 ORDER BY created_at, rowid"
    ))?;
    let rows = stmt.query_map(params![zone_id, name, kind], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list_zone(conn: &Connection, zone_id: &ZoneId) -> Result<Vec<StoredRecord>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM records WHERE zone_id = ?1 ORDER BY name, type, created_at"))?;
    let rows = stmt.query_map([zone_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find(conn: &Connection, zone_id: &ZoneId, id: &RecordId) -> Result<Option<StoredRecord>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM records WHERE zone_id = ?1 AND id = ?2"))?
        .query_row(params![zone_id, id], row)
        .optional()?)
}

/// A name at or below `name` holding a record under no hostname (one an administrator made
/// in a shared zone), if any.
pub fn unowned_at_or_below(conn: &Connection, zone_id: &ZoneId, name: &DomainName) -> Result<Option<DomainName>> {
    Ok(conn
        .prepare_cached(
            "SELECT name FROM records WHERE zone_id = ?1 AND hostname_id IS NULL
               AND (name = ?2 OR (length(name) > length(?2) AND substr(name, -length(?2) - 1) = '.' || ?2))
             ORDER BY name LIMIT 1",
        )?
        .query_row(params![zone_id, name], |r| r.get(0))
        .optional()?)
}

/// The record types present at a name.
pub fn kinds_at(conn: &Connection, zone_id: &ZoneId, name: &DomainName) -> Result<Vec<RecordKind>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT type FROM records WHERE zone_id = ?1 AND name = ?2")?;
    let rows = stmt.query_map(params![zone_id, name.as_str()], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Inserts a hand-made record.
pub fn insert_manual(conn: &Connection, zone_id: &ZoneId, hostname_id: Option<&HostId>, record: &Record) -> Result<RecordId> {
    let id = RecordId::random();
    let (content, priority, weight, port) = record.data.to_columns();
    conn.execute(
        "INSERT INTO records (id, zone_id, hostname_id, name, type, content, ttl, priority, weight, port, managed, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)",
        params![id, zone_id, hostname_id, record.name.as_str(), record.data.kind().as_str(), content, record.ttl, priority, weight, port, now()],
    )?;
    Ok(id)
}

/// Rewrites a hand-made record: name, type, data and TTL, and the hostname it lies under.
pub fn update_manual(conn: &Connection, id: &RecordId, hostname_id: Option<&HostId>, record: &Record) -> Result<()> {
    let (content, priority, weight, port) = record.data.to_columns();
    conn.execute(
        "UPDATE records SET name = ?1, type = ?2, content = ?3, ttl = ?4, priority = ?5, weight = ?6, port = ?7, hostname_id = ?8, updated_at = ?9
         WHERE id = ?10",
        params![record.name, record.data.kind(), content, record.ttl, priority, weight, port, hostname_id, now(), id],
    )?;
    Ok(())
}

/// Gives every record of one set a new TTL.
pub fn set_rrset_ttl(conn: &Connection, zone_id: &ZoneId, name: &DomainName, kind: RecordKind, ttl: u32) -> Result<()> {
    conn.execute("UPDATE records SET ttl = ?1 WHERE zone_id = ?2 AND name = ?3 AND type = ?4", params![ttl, zone_id, name, kind])?;
    Ok(())
}

/// Every record at one name, of every type.
pub fn all_at(conn: &Connection, zone_id: &ZoneId, name: &DomainName) -> Result<Vec<StoredRecord>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM records WHERE zone_id = ?1 AND name = ?2 ORDER BY type, created_at, rowid"))?;
    let rows = stmt.query_map(params![zone_id, name], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete(conn: &Connection, id: &RecordId) -> Result<()> {
    conn.execute("DELETE FROM records WHERE id = ?1", [id])?;
    Ok(())
}
