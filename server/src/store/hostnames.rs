//! SQL for hostnames.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::{new_id, now};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct HostRow {
    pub id: String,
    pub zone_id: String,
    pub user_id: String,
    pub name: String,
    pub ttl: u32,
    pub blocked: bool,
}

const COLUMNS: &str = "id, zone_id, user_id, name, ttl, blocked";

fn from_row(r: &Row<'_>) -> rusqlite::Result<HostRow> {
    Ok(HostRow {
        id: r.get(0)?,
        zone_id: r.get(1)?,
        user_id: r.get(2)?,
        name: r.get(3)?,
        ttl: r.get(4)?,
        blocked: r.get(5)?,
    })
}

pub fn insert(conn: &Connection, zone_id: &str, user_id: &str, name: &str, ttl: u32) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO hostnames (id, zone_id, user_id, name, ttl, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, zone_id, user_id, name, ttl, now()],
    )?;
    Ok(id)
}

pub fn find_by_name(conn: &Connection, name: &str) -> Result<Option<HostRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM hostnames WHERE name = ?1"))?
        .query_row([name], from_row)
        .optional()?)
}

pub fn find_by_id(conn: &Connection, id: &str) -> Result<Option<HostRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM hostnames WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

pub fn by_user(conn: &Connection, user_id: &str) -> Result<Vec<HostRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM hostnames WHERE user_id = ?1 ORDER BY name"))?;
    let rows = stmt.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn touch(conn: &Connection, id: &str) -> Result<()> {
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
