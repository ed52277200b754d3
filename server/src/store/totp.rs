//! SQL for the second factor: TOTP secrets and recovery codes (only their hashes).

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::Result;
use crate::model::UserId;

/// An account's TOTP secret.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Base32, as the authenticator app was given it.
    pub secret: String,
    /// Whether logins need a code (false while the enrolment waits for its first code).
    pub enabled: bool,
    /// The newest time step whose code was accepted.
    pub last_step: i64,
}

pub fn find(conn: &Connection, user_id: &UserId) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached("SELECT secret, enabled_at IS NOT NULL, last_step FROM totp WHERE user_id = ?1")?
        .query_row([user_id], |r| Ok(Stored { secret: r.get(0)?, enabled: r.get(1)?, last_step: r.get(2)? }))
        .optional()?)
}

/// A new secret waiting for its first code; replaces any other waiting one.
pub fn begin(conn: &Connection, user_id: &UserId, secret: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO totp (user_id, secret, enabled_at, last_step, created_at) VALUES (?1, ?2, NULL, 0, ?3)",
        params![user_id, secret, now()],
    )?;
    Ok(())
}

/// Makes the secret required from now on, its code of `step` used.
pub fn enable(conn: &Connection, user_id: &UserId, step: i64) -> Result<()> {
    conn.execute("UPDATE totp SET enabled_at = ?1, last_step = ?2 WHERE user_id = ?3", params![now(), step, user_id])?;
    Ok(())
}

/// Notes the code of `step` as used; false when that step (or a later one) was used before.
pub fn use_step(conn: &Connection, user_id: &UserId, step: i64) -> Result<bool> {
    let changed = conn.execute("UPDATE totp SET last_step = ?1 WHERE user_id = ?2 AND last_step < ?1", params![step, user_id])?;
    Ok(changed == 1)
}

/// Forgets the secret and the recovery codes.
pub fn delete(conn: &Connection, user_id: &UserId) -> Result<()> {
    conn.execute("DELETE FROM totp WHERE user_id = ?1", [user_id])?;
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    Ok(())
}

/// Replaces the account's recovery codes.
pub fn set_recovery_codes(conn: &Connection, user_id: &UserId, hashes: &[String]) -> Result<()> {
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    let mut insert = conn.prepare_cached("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)")?;
    for hash in hashes {
        insert.execute(params![user_id, hash])?;
    }
    Ok(())
}

/// Uses up a recovery code; false when the account has no such code (left).
pub fn use_recovery_code(conn: &Connection, user_id: &UserId, hash: &str) -> Result<bool> {
    let changed = conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1 AND code_hash = ?2", params![user_id, hash])?;
    Ok(changed == 1)
}

pub fn count_recovery_codes(conn: &Connection, user_id: &UserId) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM recovery_codes WHERE user_id = ?1", [user_id], |r| r.get(0))?)
}
