//! SQL for invitations.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::{new_id, now};
use crate::error::Result;
use crate::model::UserId;

pub fn insert(conn: &Connection, code_hash: &str, email: Option<&str>, created_by: &UserId, expires_at: i64) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO invites (id, code_hash, email, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, code_hash, email, created_by, now(), expires_at],
    )?;
    Ok(id)
}

/// Marks an unused, unexpired invitation used, if `code_hash` names one valid for `email`.
pub fn redeem(conn: &Connection, code_hash: &str, email: &str) -> Result<bool> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM invites WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2 AND (email IS NULL OR email = ?3)",
            params![code_hash, now(), email],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else { return Ok(false) };
    conn.execute("UPDATE invites SET used_at = ?1 WHERE id = ?2", params![now(), id])?;
    Ok(true)
}
