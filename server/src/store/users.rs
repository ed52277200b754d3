//! SQL for accounts.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::{new_id, now};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub is_admin: bool,
    pub plan: String,
}

pub fn insert(conn: &Connection, email: &str, password_hash: &str, is_admin: bool) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO users (id, email, password_hash, is_admin, plan, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, email, password_hash, is_admin, if is_admin { "admin" } else { "free" }, now()],
    )?;
    Ok(id)
}

pub fn find_by_email(conn: &Connection, email: &str) -> Result<Option<UserRow>> {
    Ok(conn
        .prepare_cached("SELECT id, email, is_admin, plan FROM users WHERE email = ?1")?
        .query_row([email], |r| {
            Ok(UserRow { id: r.get(0)?, email: r.get(1)?, is_admin: r.get(2)?, plan: r.get(3)? })
        })
        .optional()?)
}

pub fn count_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users WHERE is_admin", [], |r| r.get(0))?)
}
