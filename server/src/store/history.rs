//! SQL for a hostname's address history and the appliance's event log.

use rusqlite::{Connection, params};

use super::now;
use crate::error::Result;
use crate::model::{HostId, LogLine, UserId};

/// One accepted change of a hostname.
pub struct Change<'a> {
    pub hostname_id: &'a HostId,
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

pub fn event(conn: &Connection, user_id: Option<&UserId>, kind: &str, subject: &str, detail: &str, source: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO events (at, user_id, kind, subject, detail, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![now(), user_id, kind, subject, detail, source])?;
    Ok(())
}

/// How many of the account's events of a kind (SQL `LIKE` pattern) happened since `since`.
pub fn count_since(conn: &Connection, user_id: &UserId, kind_like: &str, since: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM events WHERE user_id = ?1 AND kind LIKE ?2 AND at >= ?3",
        params![user_id, kind_like, since],
        |r| r.get(0),
    )?)
}

/// The account's log, newest first.
pub fn log(conn: &Connection, user_id: &UserId, limit: u32, offset: u32) -> Result<Vec<LogLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, kind, subject, detail, source FROM events WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![user_id, limit, offset], |r| {
        Ok(LogLine {
            at: r.get(0)?,
            kind: r.get(1)?,
            subject: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            detail: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            source: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes events and address history older than `before` (Unix time).
pub fn forget_before(conn: &Connection, before: i64) -> Result<usize> {
    let events = conn.execute("DELETE FROM events WHERE at < ?1", [before])?;
    let history = conn.execute("DELETE FROM host_history WHERE at < ?1", [before])?;
    Ok(events + history)
}
