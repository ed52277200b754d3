//! SQL for alert channels, settings, raised alerts and the outbox.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::now;
use crate::error::Result;
use crate::model::{AlertSettings, Channel, ChannelId, ChannelKind, HostId, Outgoing, UserId};

const COLUMNS: &str = "id, user_id, kind, target, secret, secret_header, created_at, last_sent_at, last_error";

fn channel(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Channel> {
    let kind: String = r.get(at + 2)?;
    Ok(Channel {
        id: r.get(at)?,
        user_id: r.get(at + 1)?,
        kind: ChannelKind::parse(&kind).unwrap_or(ChannelKind::Webhook),
        target: r.get(at + 3)?,
        secret: r.get(at + 4)?,
        secret_header: r.get(at + 5)?,
        created_at: r.get(at + 6)?,
        last_sent_at: r.get(at + 7)?,
        last_error: r.get(at + 8)?,
    })
}

pub fn insert(conn: &Connection, c: &Channel) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO alert_channels ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL)"),
        params![c.id, c.user_id, c.kind.as_str(), c.target, c.secret, c.secret_header, c.created_at],
    )?;
    Ok(())
}

pub fn by_user(conn: &Connection, user_id: &UserId) -> Result<Vec<Channel>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM alert_channels WHERE user_id = ?1 ORDER BY created_at, id"))?;
    Ok(stmt.query_map([user_id], |r| channel(r, 0))?.collect::<rusqlite::Result<_>>()?)
}

/// Deletes the account's channel `id` (with what waits for it); whether there was one.
pub fn delete(conn: &Connection, user_id: &UserId, id: &ChannelId) -> Result<bool> {
    Ok(conn.execute("DELETE FROM alert_channels WHERE id = ?1 AND user_id = ?2", params![id, user_id])? > 0)
}

pub fn set_result(conn: &Connection, id: &ChannelId, error: Option<&str>) -> Result<()> {
    match error {
        None => conn.execute("UPDATE alert_channels SET last_sent_at = ?2, last_error = NULL WHERE id = ?1", params![id, now()])?,
        Some(e) => conn.execute("UPDATE alert_channels SET last_error = ?2 WHERE id = ?1", params![id, e])?,
    };
    Ok(())
}

pub fn settings(conn: &Connection, user_id: &UserId) -> Result<AlertSettings> {
    let found = conn
        .query_row(
            "SELECT stale_after_hours, failures_in_a_row, address_changes FROM alert_settings WHERE user_id = ?1",
            [user_id],
            |r| Ok(AlertSettings { stale_after_hours: r.get(0)?, failures_in_a_row: r.get(1)?, address_changes: r.get(2)? }),
        )
        .optional()?;
    Ok(found.unwrap_or_default())
}

pub fn set_settings(conn: &Connection, user_id: &UserId, s: &AlertSettings) -> Result<()> {
    conn.execute(
        "INSERT INTO alert_settings (user_id, stale_after_hours, failures_in_a_row, address_changes) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET stale_after_hours = ?2, failures_in_a_row = ?3, address_changes = ?4",
        params![user_id, s.stale_after_hours, s.failures_in_a_row, s.address_changes],
    )?;
    Ok(())
}

pub fn set_host_window(conn: &Connection, id: &HostId, hours: Option<u32>) -> Result<()> {
    conn.execute("UPDATE hostnames SET stale_after_hours = ?2 WHERE id = ?1", params![id, hours])?;
    Ok(())
}

/// A host as the watcher sees it.
pub struct Watched {
    pub id: HostId,
    pub user_id: UserId,
    pub name: String,
    /// The host's own window, else its account's (hours; 0 never).
    pub stale_after_hours: u32,
    pub failures_in_a_row_limit: u32,
    /// The last success (or accepted change), if any.
    pub last_success: Option<i64>,
    pub failures_in_a_row: u64,
    pub last_result: Option<String>,
    pub last_source: Option<String>,
    pub last_user_agent: Option<String>,
    pub failing_since: Option<i64>,
}

/// The hosts the watcher must look at, as of `now`: of enabled accounts that have a channel,
/// those stale or failing by their account's rules, and those with an alert raised (which
/// may be over). Everything else is skipped in SQL, so a check costs little however many
/// hosts there are.
pub fn watched(conn: &Connection, now: i64) -> Result<Vec<Watched>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, user_id, name, window, limit_, last, failures, last_result, last_source, last_user_agent, failing_since FROM (
            SELECT h.id, h.user_id, h.name,
                   COALESCE(h.stale_after_hours, s.stale_after_hours, 25) AS window, COALESCE(s.failures_in_a_row, 5) AS limit_,
                   MAX(COALESCE(a.last_success_at, 0), COALESCE(h.updated_at, 0)) AS last,
                   COALESCE(a.failures_in_a_row, 0) AS failures, a.last_result, a.last_source, a.last_user_agent, a.failing_since
            FROM hostnames h JOIN users u ON u.id = h.user_id
            LEFT JOIN alert_settings s ON s.user_id = h.user_id
            LEFT JOIN host_attempts a ON a.hostname_id = h.id
            WHERE NOT u.disabled AND h.user_id IN (SELECT user_id FROM alert_channels))
         WHERE (window > 0 AND last > 0 AND last < ?1 - window * 3600)
            OR (limit_ > 0 AND failures >= limit_)
            OR id IN (SELECT subject FROM alert_raised)",
    )?;
    let rows = stmt.query_map([now], |r| {
        let last: i64 = r.get(5)?;
        Ok(Watched {
            id: r.get(0)?,
            user_id: r.get(1)?,
            name: r.get(2)?,
            stale_after_hours: r.get(3)?,
            failures_in_a_row_limit: r.get(4)?,
            last_success: (last > 0).then_some(last),
            failures_in_a_row: r.get::<_, i64>(6)?.max(0) as u64,
            last_result: r.get(7)?,
            last_source: r.get(8)?,
            last_user_agent: r.get(9)?,
            failing_since: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks alert `kind` on `subject` raised; whether it was not raised before.
pub fn raise(conn: &Connection, subject: &str, kind: &str) -> Result<bool> {
    Ok(conn.execute("INSERT OR IGNORE INTO alert_raised (subject, kind, since) VALUES (?1, ?2, ?3)", params![subject, kind, now()])? > 0)
}

/// Clears alert `kind` on `subject`; whether it was raised.
pub fn clear(conn: &Connection, subject: &str, kind: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM alert_raised WHERE subject = ?1 AND kind = ?2", params![subject, kind])? > 0)
}

/// Queues a message for every channel of the account.
pub fn enqueue(conn: &Connection, user_id: &UserId, event: &str, title: &str, body: &str, payload: &str) -> Result<usize> {
    Ok(conn.execute(
        "INSERT INTO alert_outbox (channel_id, event, title, body, payload, next_at, created_at)
         SELECT id, ?2, ?3, ?4, ?5, ?6, ?6 FROM alert_channels WHERE user_id = ?1",
        params![user_id, event, title, body, payload, now()],
    )?)
}

/// Messages due now, oldest first.
pub fn due(conn: &Connection, limit: u32) -> Result<Vec<Outgoing>> {
    let columns: Vec<String> = COLUMNS.split(", ").map(|c| format!("c.{c}")).collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT o.id, o.event, o.title, o.body, o.payload, o.tries, {}
         FROM alert_outbox o JOIN alert_channels c ON c.id = o.channel_id
         WHERE o.next_at <= ?1 ORDER BY o.next_at, o.id LIMIT ?2",
        columns.join(", ")
    ))?;
    let rows = stmt.query_map(params![now(), limit], |r| {
        Ok(Outgoing { id: r.get(0)?, event: r.get(1)?, title: r.get(2)?, body: r.get(3)?, payload: r.get(4)?, tries: r.get(5)?, channel: channel(r, 6)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the next message is due, if any.
pub fn next_due(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT min(next_at) FROM alert_outbox", [], |r| r.get(0))?)
}

pub fn delivered(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM alert_outbox WHERE id = ?1", [id])?;
    Ok(())
}

pub fn retry_at(conn: &Connection, id: i64, tries: u32, next_at: i64) -> Result<()> {
    conn.execute("UPDATE alert_outbox SET tries = ?2, next_at = ?3 WHERE id = ?1", params![id, tries, next_at])?;
    Ok(())
}
