//! SQL for the IXFR journal: what each serial of a zone removed and added.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::model::journal::{KEEP_STEPS, Step};
use crate::names::DomainName;
use crate::records::{Record, RecordData, RecordKind};

const REMOVED: i64 = 0;
const ADDED: i64 = 1;
/// Every step has one marker row, so that a step that changed nothing still links its
/// neighbours and the chain of serials has no holes. It sorts first within its step.
const MARKER: i64 = -1;

pub fn append(conn: &Connection, zone_id: &crate::model::ZoneId, step: &Step) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO zone_journal (zone_id, serial, op, name, type, ttl, content, priority, weight, port)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    stmt.execute(params![zone_id, step.serial, MARKER, "", "", 0, "", None::<u16>, None::<u16>, None::<u16>])?;
    for (op, records) in [(REMOVED, &step.removed), (ADDED, &step.added)] {
        for r in records {
            let (content, priority, weight, port) = r.data.to_columns();
            stmt.execute(params![zone_id, step.serial, op, r.name.as_str(), r.data.kind().as_str(), r.ttl, content, priority, weight, port])?;
        }
    }
    if step.serial > KEEP_STEPS {
        conn.prepare_cached("DELETE FROM zone_journal WHERE zone_id = ?1 AND serial <= ?2")?
            .execute(params![zone_id, step.serial - KEEP_STEPS])?;
    }
    Ok(())
}

/// Forgets the zone's journal: an IXFR from any earlier serial gets the whole zone.
pub fn forget(conn: &Connection, zone_id: &crate::model::ZoneId) -> Result<()> {
    conn.prepare_cached("DELETE FROM zone_journal WHERE zone_id = ?1")?.execute([zone_id])?;
    Ok(())
}

/// The steps from serial `from` up to `to`, or None when the journal does not reach back
/// to `from` or has a hole.
pub fn between(conn: &Connection, zone_id: &crate::model::ZoneId, from: u32, to: u32) -> Result<Option<Vec<Step>>> {
    if to <= from {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT serial, op, name, type, ttl, content, priority, weight, port FROM zone_journal
         WHERE zone_id = ?1 AND serial > ?2 AND serial <= ?3 ORDER BY serial, op, rowid",
    )?;
    let mut rows = stmt.query(params![zone_id, from, to])?;
    let mut steps: Vec<Step> = Vec::new();
    while let Some(r) = rows.next()? {
        let serial: u32 = r.get(0)?;
        let op: i64 = r.get(1)?;
        if op == MARKER {
            steps.push(Step { serial, ..Step::default() });
            continue;
        }
        let Some(step) = steps.last_mut().filter(|s| s.serial == serial) else { return Ok(None) };
        let name = DomainName::parse(&r.get::<_, String>(2)?)?;
        let kind = RecordKind::parse(&r.get::<_, String>(3)?)?;
        let data = RecordData::from_columns(kind, &r.get::<_, String>(5)?, r.get(6)?, r.get(7)?, r.get(8)?)?;
        let record = Record { name, ttl: r.get(4)?, data };
        if op == REMOVED { step.removed.push(record) } else { step.added.push(record) }
    }
    let complete = steps.len() as u64 == u64::from(to - from) && steps.iter().zip(from + 1..).all(|(s, n)| s.serial == n);
    Ok(complete.then_some(steps))
}
