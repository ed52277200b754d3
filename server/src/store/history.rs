//! SQL for a hostname's address history and the appliance's event log.

use rusqlite::{Connection, params};

use super::now;
use crate::error::Result;

/// One accepted change of a hostname.
pub struct Change<'a> {
    pub hostname_id: &'a str,
    pub kind: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub source: &'a str,
    pub user_agent: Option<&'a str>,
    pub dialect: &'a str,
}

pub fn record_change(conn: &Connection, c: &Change<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO host_history (hostname_id, at, type, old, new, source, user_agent, dialect)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![c.hostname_id, now(), c.kind, c.old, c.new, c.source, c.user_agent, c.dialect])?;
    Ok(())
}

pub fn event(conn: &Connection, user_id: Option<&str>, kind: &str, subject: &str, detail: &str, source: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO events (at, user_id, kind, subject, detail, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![now(), user_id, kind, subject, detail, source])?;
    Ok(())
}
