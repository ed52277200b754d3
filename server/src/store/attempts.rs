//! SQL for update attempts per hostname.

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::error::Result;
use crate::model::{Attempt, Attempts, HostId};

/// What is stored of hostname `id`'s attempts (nothing yet: the default).
pub fn get(conn: &Connection, id: &HostId) -> Result<Attempts> {
    let row = conn
        .prepare_cached(
            "SELECT last_at, last_result, last_source, last_user_agent, last_dialect, last_success_at, failures_in_a_row, failing_since
             FROM host_attempts WHERE hostname_id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                Attempt { at: r.get(0)?, result: r.get(1)?, source: r.get(2)?, user_agent: r.get(3)?, dialect: r.get(4)? },
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        })
        .optional()?;
    let Some((last, last_success_at, failures, failing_since)) = row else { return Ok(Attempts::default()) };
    let mut stmt = conn.prepare_cached("SELECT result, count FROM host_attempt_counts WHERE hostname_id = ?1")?;
    let counts = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?.collect::<rusqlite::Result<_>>()?;
    Ok(Attempts { last: Some(last), counts, last_success_at, failures_in_a_row: failures.max(0) as u64, failing_since })
}

/// Stores `attempts` as hostname `id`'s, the counts included (they replace the stored ones).
pub fn put(conn: &Connection, id: &HostId, attempts: &Attempts) -> Result<()> {
    let Some(last) = &attempts.last else { return Ok(()) };
    conn.prepare_cached(
        "INSERT INTO host_attempts (hostname_id, last_at, last_result, last_source, last_user_agent, last_dialect, last_success_at, failures_in_a_row, failing_since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (hostname_id) DO UPDATE SET last_at = ?2, last_result = ?3, last_source = ?4, last_user_agent = ?5,
             last_dialect = ?6, last_success_at = ?7, failures_in_a_row = ?8, failing_since = ?9",
    )?
    .execute(params![
        id,
        last.at,
        last.result,
        last.source,
        last.user_agent,
        last.dialect,
        attempts.last_success_at,
        i64::try_from(attempts.failures_in_a_row).unwrap_or(i64::MAX),
        attempts.failing_since
    ])?;
    let mut count = conn.prepare_cached(
        "INSERT INTO host_attempt_counts (hostname_id, result, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (hostname_id, result) DO UPDATE SET count = ?3",
    )?;
    for (result, n) in &attempts.counts {
        count.execute(params![id, result, i64::try_from(*n).unwrap_or(i64::MAX)])?;
    }
    Ok(())
}
