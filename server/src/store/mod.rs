//! SQLite storage: one connection behind a mutex (writes are serialised by SQLite anyway),
//! WAL journaling, and append-only migrations whose count is the schema version, kept in
//! `PRAGMA user_version`.

pub mod acme;
pub mod alerts;
pub mod attempts;
pub mod backup;
mod columns;
mod durable;
pub mod history;
pub mod hostnames;
pub mod invites;
pub mod journal;
pub mod partners;
pub mod records;
pub mod settings;
pub mod tokens;
pub mod totp;
pub mod tsig_keys;
pub mod updaters;
pub mod users;
pub mod zones;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

/// A connection for reading, as domain functions receive it.
pub type Conn = Connection;
/// A write transaction, as domain functions receive it.
pub type Tx<'a> = Transaction<'a>;

use crate::error::{Error, Result};
pub use durable::Durability;
use durable::GroupCommit;

/// The migrations, in order. The schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_sessions.sql"),
    include_str!("migrations/0003_managed_records.sql"),
    include_str!("migrations/0004_custom_domains.sql"),
    include_str!("migrations/0005_invites.sql"),
    include_str!("migrations/0006_prefix_following.sql"),
    include_str!("migrations/0007_acme_accounts.sql"),
    include_str!("migrations/0008_updaters.sql"),
    include_str!("migrations/0009_partners.sql"),
    include_str!("migrations/0010_transfers_and_tsig.sql"),
    include_str!("migrations/0011_update_attempts.sql"),
    include_str!("migrations/0012_alerts.sql"),
    include_str!("migrations/0013_totp.sql"),
];

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "porchlight.db";

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// A second connection that copies the WAL back into the database file, so that no
    /// update pays for a checkpoint inside its commit.
    checkpointer: Mutex<Option<Connection>>,
    /// Under `durability = "full"`: makes each acknowledgement wait for the disk.
    group: Option<GroupCommit>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path, durability: Durability) -> Result<Self> {
        if data_dir.exists() && !data_dir.is_dir() {
            return Err(Error::Config(format!("the data directory {} is not a directory", data_dir.display())));
        }
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::Config(format!("cannot create data directory {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join(DB_FILE);
        let unusable = |e: rusqlite::Error| {
            let why = e.to_string();
            let shown = path.display().to_string();
            let what = if why.contains(&shown) { why } else { format!("{shown}: {why}") };
            Error::Config(format!("cannot open the database ({what}); is {} writable by this user?", data_dir.display()))
        };
        let conn = Connection::open(&path).map_err(unusable)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(unusable)?;
        // NORMAL in WAL mode: a commit does not wait for the disk, and the database stays
        // consistent through crashes and power cuts. Under `durability = "full"` the group
        // commit (`durable.rs`) syncs the log before anything is acknowledged.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoints run from `checkpoint`, off the request path (and on close).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        // A small page cache (512 KiB, not SQLite's 2 MiB): DNS answers from memory, and what
        // the API reads is in the kernel's file cache anyway; on a router every MiB counts.
        conn.pragma_update(None, "cache_size", -512)?;
        let mut store = Self::prepare(conn, Some(path.clone()))?;
        if durability == Durability::Full {
            store.group = Some(GroupCommit::new(&path));
        }
        Ok(store)
    }

    /// A private in-memory database (unit tests).
    pub fn open_in_memory() -> Result<Self> {
        Self::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self { conn: Mutex::new(conn), path, checkpointer: Mutex::new(None), group: None })
    }

    /// Where the database lives, if on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` with the connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` in a transaction, committed when `f` succeeds. Under `durability = "full"`
    /// it returns only once the commit is on the disk.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.write_then(f, |_| {})
    }

    /// Like `write`, and then runs `after` with the result once the commit is done but before
    /// any other writer can start, so that effects of commits (publishing to DNS) happen in
    /// commit order. Under `durability = "full"` DNS may answer with the change a moment
    /// before the disk has it; the caller hears of it only after.
    pub fn write_then<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
        after: impl FnOnce(&T),
    ) -> Result<T> {
        let ticket = {
            let mut conn = self.lock();
            let before = conn.total_changes();
            let tx = conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            after(&value);
            let ticket = self.group.as_ref().map(|group| {
                if conn.total_changes() == before { group.newest() } else { group.committed() }
            });
            drop(conn);
            (value, ticket)
        };
        let (value, ticket) = ticket;
        if let (Some(group), Some(ticket)) = (&self.group, ticket) {
            group.wait(ticket)?;
        }
        Ok(value)
    }

    /// (commits that changed rows, syncs of the log) since start, under `durability = "full"`.
    pub fn group_commit_counts(&self) -> Option<(u64, u64)> {
        self.group.as_ref().map(GroupCommit::counts)
    }

    /// Copies what the WAL holds back into the database file without waiting for (or
    /// blocking) readers and the writer. Called periodically by the running appliance.
    pub fn checkpoint(&self) -> Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        let mut slot = self.checkpointer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            let conn = Connection::open(path)?;
            conn.busy_timeout(std::time::Duration::from_millis(100))?;
            *slot = Some(conn);
        }
        if let Some(conn) = slot.as_ref() {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// SQLite's count of commits made by *other* connections (other processes, such as the
    /// CLI) — it changes only when someone else wrote.
    pub fn foreign_changes(&self) -> Result<i64> {
        Ok(self.lock().pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Applies the migrations the database lacks, each in its own transaction.
fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(Error::Config(format!(
            "the database has schema version {version}, but this porchlight knows only up to {known}: \
             it was written by a newer porchlight. Run that version, or restore a backup made for this one."
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub use crate::clock::{now, rfc3339};

/// A fresh random id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_reach_the_current_version_and_are_idempotent() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("porchlight-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir, Durability::Full)?;
        let version: i64 = store.read(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))?;
        assert_eq!(version, MIGRATIONS.len() as i64);
        drop(store);
        Store::open(&dir, Durability::Full)?;
        Ok(())
    }

    #[test]
    fn every_migration_applies_on_the_database_of_the_one_before() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        for (index, sql) in MIGRATIONS.iter().enumerate() {
            conn.execute_batch(sql)?;
            conn.pragma_update(None, "user_version", index as i64 + 1)?;
        }
        migrate(&mut conn)?;
        Ok(())
    }

    #[test]
    fn checkpoint_moves_the_wal_into_the_database_file() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("porchlight-ckpt-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir, Durability::Full)?;
        store.write(|tx| {
            for i in 0..200 {
                users::insert(tx, &format!("u{i}@example.com"), "x", false)?;
            }
            Ok(())
        })?;
        let pending = |c: &Connection| -> Result<(i64, i64)> {
            Ok(c.query_row("PRAGMA wal_checkpoint(NOOP)", [], |r| Ok((r.get(1)?, r.get(2)?)))?)
        };
        let probe = Connection::open(dir.join(DB_FILE))?;
        let (log, done) = pending(&probe)?;
        assert!(log > 0 && done < log, "writes wait in the WAL: {log} frames, {done} copied");
        store.checkpoint()?;
        let (log, done) = pending(&probe)?;
        assert_eq!(log, done, "every WAL frame is copied back");
        Ok(())
    }

    #[test]
    fn retention_forgets_only_old_lines() -> Result<()> {
        let store = Store::open_in_memory()?;
        store.write(|tx| {
            history::event(tx, None, "new", "", "", "test")?;
            tx.execute("INSERT INTO events (at, kind) VALUES (100, 'old')", [])?;
            Ok(())
        })?;
        assert_eq!(store.write(|tx| history::forget_before(tx, now() - 60))?, 1);
        let left: Vec<String> = store.read(|c| {
            let mut stmt = c.prepare("SELECT kind FROM events")?;
            let kinds = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            Ok(kinds)
        })?;
        assert_eq!(left, vec!["new".to_string()]);
        Ok(())
    }

    #[test]
    fn a_newer_database_is_refused_with_a_clear_message() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("porchlight-newer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let conn = Connection::open(dir.join(DB_FILE))?;
        conn.pragma_update(None, "user_version", 999)?;
        drop(conn);
        let err = Store::open(&dir, Durability::Full).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("schema version 999") && err.contains("newer porchlight"), "{err}");
        Ok(())
    }

    #[test]
    fn concurrent_changes_share_syncs_and_reads_add_none() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("porchlight-group-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = std::sync::Arc::new(Store::open(&dir, Durability::Full)?);
        let (threads, each) = (16, 25);
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || -> Result<()> {
                    for i in 0..each {
                        store.write(|tx| users::insert(tx, &format!("u{t}-{i}@example.com"), "x", false).map(drop))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| Error::Invalid("a writer panicked".into()))??;
        }
        let (commits, syncs) = store.group_commit_counts().ok_or_else(|| Error::Invalid("no group commit".into()))?;
        assert_eq!(commits, threads * each);
        assert!((1..=commits).contains(&syncs), "{syncs} syncs for {commits} commits");
        // A transaction that changes nothing (a `nochg`) is not a commit and syncs nothing new.
        store.write(|tx| users::count(tx))?;
        assert_eq!(store.group_commit_counts(), Some((commits, syncs)));
        // Every acknowledged change is in the file another connection opens.
        let probe = Connection::open(dir.join(DB_FILE))?;
        let rows: i64 = probe.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        assert_eq!(rows as u64, threads * each);
        assert!(Store::open(&dir, Durability::Normal)?.group_commit_counts().is_none());
        Ok(())
    }
}
