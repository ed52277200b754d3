//! SQL for TSIG keys.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::now;
use crate::error::Result;
use crate::model::{TsigKey, TsigKeyId, UserId};

const COLUMNS: &str = "id, user_id, name, algorithm, secret, allow, created_at, last_used_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<TsigKey> {
    Ok(TsigKey {
        id: r.get(0)?,
        user_id: r.get(1)?,
        name: r.get(2)?,
        algorithm: r.get(3)?,
        secret: r.get(4)?,
        allow: r.get(5)?,
        created_at: r.get(6)?,
        last_used_at: r.get(7)?,
    })
}

pub fn insert(conn: &Connection, key: &TsigKey) -> Result<()> {
    conn.execute(
        "INSERT INTO tsig_keys (id, user_id, name, algorithm, secret, allow, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![key.id, key.user_id, key.name, key.algorithm, key.secret, key.allow, key.created_at],
    )?;
    Ok(())
}

pub fn find_by_name(conn: &Connection, name: &str) -> Result<Option<TsigKey>> {
    Ok(conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tsig_keys WHERE name = ?1"))?.query_row([name], from_row).optional()?)
}

pub fn by_user(conn: &Connection, user_id: &UserId) -> Result<Vec<TsigKey>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tsig_keys WHERE user_id = ?1 ORDER BY name"))?;
    let rows = stmt.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes the user's key `id`; false when there is none.
pub fn delete(conn: &Connection, user_id: &UserId, id: &TsigKeyId) -> Result<bool> {
    Ok(conn.execute("DELETE FROM tsig_keys WHERE id = ?1 AND user_id = ?2", params![id, user_id])? > 0)
}

pub fn touch(conn: &Connection, id: &TsigKeyId) -> Result<()> {
    conn.execute("UPDATE tsig_keys SET last_used_at = ?1 WHERE id = ?2", params![now(), id])?;
    Ok(())
}
