//! SQL for accounts.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::now;
use crate::error::Result;
use crate::model::{Account, UserId};

const COLUMNS: &str = "id, email, is_admin, plan, password_hash, session_version, disabled, created_at, \
    EXISTS (SELECT 1 FROM totp WHERE totp.user_id = users.id AND totp.enabled_at IS NOT NULL)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        email: r.get(1)?,
        is_admin: r.get(2)?,
        plan: r.get(3)?,
        password_hash: r.get(4)?,
        session_version: r.get(5)?,
        disabled: r.get(6)?,
        created_at: r.get(7)?,
        totp_enabled: r.get(8)?,
    })
}

pub fn insert(conn: &Connection, email: &str, password_hash: &str, is_admin: bool) -> Result<UserId> {
    let id = UserId::random();
    conn.execute(
        "INSERT INTO users (id, email, password_hash, is_admin, plan, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, email, password_hash, is_admin, if is_admin { "admin" } else { "free" }, now()],
    )?;
    Ok(id)
}

pub fn find_by_email(conn: &Connection, email: &str) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"))?
        .query_row([email], from_row)
        .optional()?)
}

pub fn find_by_id(conn: &Connection, id: &UserId) -> Result<Option<Account>> {
    Ok(conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?.query_row([id], from_row).optional()?)
}

/// The administrator made first.
pub fn first_admin(conn: &Connection) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE is_admin AND NOT disabled ORDER BY created_at, rowid LIMIT 1"))?
        .query_row([], from_row)
        .optional()?)
}

/// Every account on the appliance.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub fn count_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users WHERE is_admin", [], |r| r.get(0))?)
}

/// Administrators who can sign in.
pub fn count_enabled_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users WHERE is_admin AND NOT disabled", [], |r| r.get(0))?)
}

/// Sets a new password hash and invalidates every session issued before.
pub fn set_password(conn: &Connection, id: &UserId, password_hash: &str) -> Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?1, session_version = session_version + 1 WHERE id = ?2",
        params![password_hash, id],
    )?;
    Ok(())
}

/// Invalidates every session issued before.
pub fn bump_session_version(conn: &Connection, id: &UserId) -> Result<()> {
    conn.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?1", [id])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &UserId) -> Result<()> {
    conn.execute("DELETE FROM users WHERE id = ?1", [id])?;
    Ok(())
}

/// Every account with its number of hostnames, oldest first.
pub fn list_with_counts(conn: &Connection) -> Result<Vec<(Account, i64)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, (SELECT count(*) FROM hostnames h WHERE h.user_id = users.id) FROM users ORDER BY created_at, email"
    ))?;
    let rows = stmt.query_map([], |r| Ok((from_row(r)?, r.get(9)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_disabled(conn: &Connection, id: &UserId, disabled: bool) -> Result<()> {
    conn.execute("UPDATE users SET disabled = ?1, session_version = session_version + 1 WHERE id = ?2", params![disabled, id])?;
    Ok(())
}

pub fn set_plan(conn: &Connection, id: &UserId, plan: &str) -> Result<()> {
    conn.execute("UPDATE users SET plan = ?1 WHERE id = ?2", params![plan, id])?;
    Ok(())
}
