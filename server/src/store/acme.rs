//! SQL for acme-dns accounts.

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::error::Result;
use crate::model::HostId;

pub fn insert(conn: &Connection, hostname_id: &HostId, allow_from: &str) -> Result<()> {
    conn.execute("INSERT INTO acme_accounts (hostname_id, allow_from) VALUES (?1, ?2)", params![hostname_id, allow_from])?;
    Ok(())
}

/// The networks allowed to update the account of hostname `hostname_id`, if it is one.
pub fn allow_from(conn: &Connection, hostname_id: &HostId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT allow_from FROM acme_accounts WHERE hostname_id = ?1")?
        .query_row([hostname_id], |r| r.get(0))
        .optional()?)
}
