//! SQL for hostnames.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::now;
use crate::error::Result;
use crate::model::{HistoryEntry, Host, HostId, UserId, ZoneId};
use crate::names::DomainName;

const COLUMNS: &str = "id, zone_id, user_id, name, ttl, blocked, created_at, updated_at, ipv6_interface_id, stale_after_hours";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Host> {
    Ok(Host {
        id: r.get(0)?,
        zone_id: r.get(1)?,
        user_id: r.get(2)?,
        name: r.get(3)?,
        ttl: r.get(4)?,
        blocked: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
        ipv6_interface_id: r.get(8)?,
        stale_after_hours: r.get(9)?,
    })
}

pub fn insert(conn: &Connection, zone_id: &ZoneId, user_id: &UserId, name: &DomainName, ttl: u32) -> Result<HostId> {
    let id = HostId::random();
    conn.execute(
        "INSERT INTO hostnames (id, zone_id, user_id, name, ttl, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, zone_id, user_id, name, ttl, now()],
    )?;
    Ok(id)
}

pub fn find_by_name(conn: &Connection, name: &DomainName) -> Result<Option<Host>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM hostnames WHERE name = ?1"))?
        .query_row([name], from_row)
        .optional()?)
}

pub fn find_by_id(conn: &Connection, id: &HostId) -> Result<Option<Host>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM hostnames WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

pub fn by_user(conn: &Connection, user_id: &UserId) -> Result<Vec<Host>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM hostnames WHERE user_id = ?1 ORDER BY name"))?;
    let rows = stmt.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The hostnames strictly below `name` in a zone.
pub fn below(conn: &Connection, zone_id: &ZoneId, name: &DomainName) -> Result<Vec<Host>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM hostnames WHERE zone_id = ?1 AND length(name) > length(?2) AND substr(name, -length(?2) - 1) = '.' || ?2 ORDER BY name"
    ))?;
    let rows = stmt.query_map(params![zone_id, name], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The account's hosts that follow its IPv6 prefix.
pub fn following_prefix(conn: &Connection, user_id: &UserId) -> Result<Vec<Host>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM hostnames WHERE user_id = ?1 AND ipv6_interface_id IS NOT NULL ORDER BY name"
    ))?;
    let rows = stmt.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Changes a hostname's TTL and prefix following.
pub fn set_settings(conn: &Connection, id: &HostId, ttl: u32, ipv6_interface_id: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE hostnames SET ttl = ?1, ipv6_interface_id = ?2 WHERE id = ?3",
        params![ttl, ipv6_interface_id, id],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &HostId) -> Result<()> {
    conn.execute("DELETE FROM hostnames WHERE id = ?1", [id])?;
    Ok(())
}

/// Every hostname on the appliance.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM hostnames", [], |r| r.get(0))?)
}

pub fn count_by_user(conn: &Connection, user_id: &UserId) -> Result<usize> {
    Ok(conn.query_row("SELECT count(*) FROM hostnames WHERE user_id = ?1", [user_id], |r| r.get::<_, i64>(0))? as usize)
}

/// The newest `limit` changes of a hostname, newest first.
pub fn history(conn: &Connection, hostname_id: &HostId, limit: u32) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, type, old, new, source, user_agent, dialect FROM host_history WHERE hostname_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![hostname_id, limit], |r| {
        Ok(HistoryEntry { at: r.get(0)?, kind: r.get(1)?, old: r.get(2)?, new: r.get(3)?, source: r.get(4)?, user_agent: r.get(5)?, dialect: r.get(6)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many accepted changes a hostname has had (within the retention period).
pub fn change_count(conn: &Connection, hostname_id: &HostId) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM host_history WHERE hostname_id = ?1", [hostname_id], |r| r.get(0))?)
}

/// How many accepted changes the account's hostnames had since `since` (Unix time).
pub fn changes_since(conn: &Connection, user_id: &UserId, since: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM host_history h JOIN hostnames n ON n.id = h.hostname_id WHERE n.user_id = ?1 AND h.at >= ?2",
        params![user_id, since],
        |r| r.get(0),
    )?)
}

pub fn touch(conn: &Connection, id: &HostId) -> Result<()> {
    conn.execute("UPDATE hostnames SET updated_at = ?1 WHERE id = ?2", params![now(), id])?;
    Ok(())
}

/// One line of `porchlight hostname list`.
#[derive(Debug, Clone)]
pub struct Listing {
    pub name: String,
    pub owner: String,
    pub v4: Option<String>,
    pub v6: Option<String>,
    pub updated_at: Option<i64>,
}

pub fn listing(conn: &Connection) -> Result<Vec<Listing>> {
    let mut stmt = conn.prepare(
        "SELECT h.name, u.email,
                (SELECT content FROM records WHERE hostname_id = h.id AND type = 'A'),
                (SELECT content FROM records WHERE hostname_id = h.id AND type = 'AAAA'),
                h.updated_at
         FROM hostnames h JOIN users u ON u.id = h.user_id ORDER BY h.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Listing { name: r.get(0)?, owner: r.get(1)?, v4: r.get(2)?, v6: r.get(3)?, updated_at: r.get(4)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
