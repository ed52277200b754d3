//! SQL for tokens. Only hashes are stored.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::Result;
use crate::model::{HostId, Scopes, Token, TokenId, UserId};
use crate::token::NewToken;

const COLUMNS: &str = "id, user_id, hostname_id, secret_hash, scopes, label, prefix, created_at, last_used_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Token> {
    Ok(Token {
        id: r.get(0)?,
        user_id: r.get(1)?,
        hostname_id: r.get(2)?,
        secret_hash: r.get(3)?,
        scopes: r.get(4)?,
        label: r.get(5)?,
        prefix: r.get(6)?,
        created_at: r.get(7)?,
        last_used_at: r.get(8)?,
    })
}

pub fn insert(conn: &Connection, user_id: &UserId, hostname_id: Option<&HostId>, label: &str, scopes: &Scopes, token: &NewToken) -> Result<TokenId> {
    let id = TokenId::random();
    conn.execute(
        "INSERT INTO tokens (id, user_id, hostname_id, label, prefix, secret_hash, scopes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, user_id, hostname_id, label, token.prefix, token.hash, scopes.to_stored(), now()],
    )?;
    Ok(id)
}

/// A token of the account (None for anyone else's).
pub fn find_for_user(conn: &Connection, user_id: &UserId, id: &TokenId) -> Result<Option<Token>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM tokens WHERE id = ?1 AND user_id = ?2"))?
        .query_row(params![id, user_id], from_row)
        .optional()?)
}

pub fn by_user(conn: &Connection, user_id: &UserId) -> Result<Vec<Token>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tokens WHERE user_id = ?1 ORDER BY created_at, id"))?;
    let rows = stmt.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces a token's secret; the old one stops working with this commit.
pub fn set_secret(conn: &Connection, id: &TokenId, token: &NewToken) -> Result<()> {
    conn.execute("UPDATE tokens SET secret_hash = ?1, prefix = ?2 WHERE id = ?3", params![token.hash, token.prefix, id])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &TokenId) -> Result<()> {
    conn.execute("DELETE FROM tokens WHERE id = ?1", [id])?;
    Ok(())
}

pub fn find_by_hash(conn: &Connection, hash: &str) -> Result<Option<Token>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM tokens WHERE secret_hash = ?1"))?
        .query_row([hash], from_row)
        .optional()?)
}

pub fn set_last_used(conn: &Connection, id: &TokenId, at: i64) -> Result<()> {
    conn.prepare_cached("UPDATE tokens SET last_used_at = ?1 WHERE id = ?2")?.execute(params![at, id])?;
    Ok(())
}
