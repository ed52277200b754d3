//! SQL for tokens. Only hashes are stored.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::{new_id, now};
use crate::error::Result;
use crate::token::NewToken;

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: String,
    pub user_id: String,
    /// Set for a hostname token: it may update that hostname only.
    pub hostname_id: Option<String>,
    pub secret_hash: String,
}

pub fn insert(conn: &Connection, user_id: &str, hostname_id: Option<&str>, label: &str, token: &NewToken) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO tokens (id, user_id, hostname_id, label, prefix, secret_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, user_id, hostname_id, label, token.prefix, token.hash, now()],
    )?;
    Ok(id)
}

pub fn find_by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRow>> {
    Ok(conn
        .prepare_cached("SELECT id, user_id, hostname_id, secret_hash FROM tokens WHERE secret_hash = ?1")?
        .query_row([hash], |r| {
            Ok(TokenRow { id: r.get(0)?, user_id: r.get(1)?, hostname_id: r.get(2)?, secret_hash: r.get(3)? })
        })
        .optional()?)
}
