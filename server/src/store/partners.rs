//! SQL for partners' users and login links.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::Result;
use crate::model::{TokenId, UserId};

/// The account partner `partner_id` knows as `identifier`.
pub fn find_user(conn: &Connection, partner_id: &TokenId, identifier: &str) -> Result<Option<UserId>> {
    Ok(conn
        .prepare_cached("SELECT user_id FROM partner_users WHERE partner_id = ?1 AND user_identifier = ?2")?
        .query_row(params![partner_id, identifier], |r| r.get(0))
        .optional()?)
}

pub fn insert_user(conn: &Connection, partner_id: &TokenId, identifier: &str, user_id: &UserId) -> Result<()> {
    conn.execute(
        "INSERT INTO partner_users (partner_id, user_identifier, user_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![partner_id, identifier, user_id, now()],
    )?;
    Ok(())
}

/// Whether account `user_id` is one of partner `partner_id`'s users.
pub fn knows(conn: &Connection, partner_id: &TokenId, user_id: &UserId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM partner_users WHERE partner_id = ?1 AND user_id = ?2")?
        .query_row(params![partner_id, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn insert_link(conn: &Connection, code_hash: &str, user_id: &UserId, expires_at: i64) -> Result<()> {
    conn.execute("INSERT INTO login_links (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)", params![code_hash, user_id, expires_at])?;
    Ok(())
}

/// Uses up a login link: the account it signs in, if the code is valid, unused and unexpired.
pub fn redeem_link(conn: &Connection, code_hash: &str) -> Result<Option<UserId>> {
    let user: Option<UserId> = conn
        .prepare_cached("SELECT user_id FROM login_links WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2")?
        .query_row(params![code_hash, now()], |r| r.get(0))
        .optional()?;
    if user.is_some() {
        conn.execute("UPDATE login_links SET used_at = ?1 WHERE code_hash = ?2", params![now(), code_hash])?;
    }
    Ok(user)
}
