//! Shared commits: writers that arrive together share one SQLite transaction.
//!
//! The first writer to find no transaction open begins one (`BEGIN IMMEDIATE`); each writer
//! makes its changes inside a savepoint of it (so a writer that fails or panics takes back
//! only its own changes) and publishes them; then, if nobody else is waiting for the
//! connection, it commits the transaction for everyone in it. Otherwise it leaves the
//! transaction open for the next writer and waits to hear how the commit went. A lone writer
//! commits at once, so this costs nothing when the appliance is quiet; under load, one commit
//! (one write of the pages that changed, one sync of the log under `durability = "full"`)
//! serves dozens of updates.

use std::collections::VecDeque;
use std::sync::atomic::AtomicUsize;
use std::sync::{Condvar, Mutex, PoisonError};

// 64-bit atomics on every target, mipsel included.
use portable_atomic::{AtomicU64, Ordering};
use rusqlite::Connection;

use crate::error::{Error, Result};

/// A transaction is committed once it holds this many writers' changes, however many
/// writers still wait, so the first of them does not wait long.
const MOST_WRITERS: usize = 32;

#[derive(Default)]
pub struct Batches {
    /// Writers waiting for the connection.
    waiting: AtomicUsize,
    /// The open transaction's number (or the last one's).
    current: AtomicU64,
    /// Writers in the open transaction.
    members: AtomicUsize,
    /// Rows changed on the connection before the open transaction began.
    changes_before: AtomicU64,
    decided: Mutex<Decided>,
    done: Condvar,
    /// Commits that failed and were rolled back (what DNS published from them is stale).
    rolled_back: AtomicU64,
}

#[derive(Default)]
struct Decided {
    /// Every transaction up to this number is committed or rolled back.
    through: u64,
    /// The most recent failures, with why and whether the disk was to blame.
    failures: VecDeque<(u64, String, bool)>,
}

/// What a finished transaction did.
pub struct Committed {
    /// Whether it changed any row (a `nochg` does not).
    pub changed: bool,
}

impl Batches {
    /// Counts a writer as waiting for the connection (before it blocks on the lock).
    pub fn arriving(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
    }

    /// The writer got the connection: begins a transaction if none is open and returns its
    /// number.
    pub fn join(&self, conn: &Connection) -> Result<u64> {
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        if conn.is_autocommit() {
            self.changes_before.store(conn.total_changes(), Ordering::Relaxed);
            conn.execute_batch("BEGIN IMMEDIATE")?;
            self.members.store(0, Ordering::Relaxed);
            self.current.fetch_add(1, Ordering::AcqRel);
        }
        self.members.fetch_add(1, Ordering::Relaxed);
        Ok(self.current.load(Ordering::Acquire))
    }

    /// The writer is done with the connection (its savepoint released or rolled back):
    /// commits the open transaction unless another writer is about to add to it. Returns
    /// what the commit did when this writer made it.
    pub fn leave(&self, conn: &Connection) -> Option<Result<Committed>> {
        if conn.is_autocommit() {
            return None;
        }
        if self.waiting.load(Ordering::SeqCst) > 0 && self.members.load(Ordering::Relaxed) < MOST_WRITERS {
            return None;
        }
        let number = self.current.load(Ordering::Acquire);
        let changed = conn.total_changes() != self.changes_before.load(Ordering::Relaxed);
        let outcome = conn.execute_batch("COMMIT").map_err(|e| {
            let e = Error::from(e);
            match e.disk_trouble() {
                Some(why) => Error::Unwritable(why.to_string()),
                None => e,
            }
        });
        if outcome.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        let mut decided = self.decided.lock().unwrap_or_else(PoisonError::into_inner);
        decided.through = number;
        if let Err(error) = &outcome {
            self.rolled_back.fetch_add(1, Ordering::AcqRel);
            let (why, disk) = match error {
                Error::Unwritable(why) => (why.clone(), true),
                other => (other.to_string(), false),
            };
            decided.failures.push_back((number, why, disk));
            if decided.failures.len() > 16 {
                decided.failures.pop_front();
            }
        }
        drop(decided);
        self.done.notify_all();
        Some(outcome.map(|()| Committed { changed }))
    }

    /// Waits until transaction `number` is committed (Ok) or rolled back (the error).
    pub fn wait(&self, number: u64) -> Result<()> {
        let mut decided = self.decided.lock().unwrap_or_else(PoisonError::into_inner);
        while decided.through < number {
            decided = self.done.wait(decided).unwrap_or_else(PoisonError::into_inner);
        }
        match decided.failures.iter().find(|(n, _, _)| *n == number) {
            Some((_, why, true)) => Err(Error::Unwritable(why.clone())),
            Some((_, why, false)) => Err(Error::Unavailable(format!("the database could not save the change: {why}"))),
            None => Ok(()),
        }
    }

    /// How many commits have failed since start.
    pub fn rolled_back(&self) -> u64 {
        self.rolled_back.load(Ordering::Acquire)
    }
}
