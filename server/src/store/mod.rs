//! SQLite storage: one connection behind a mutex (writes are serialised by SQLite anyway),
//! WAL journaling, and append-only migrations whose count is the schema version, kept in
//! `PRAGMA user_version`.

pub mod acme;
pub mod alerts;
pub mod attempts;
pub mod backup;
mod columns;
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
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self> {
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
        // NORMAL in WAL mode is durable against process crashes; flash wears less.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoints run from `checkpoint`, off the request path (and on close).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        // A small page cache (512 KiB, not SQLite's 2 MiB): DNS answers from memory, and what
        // the API reads is in the kernel's file cache anyway; on a router every MiB counts.
        conn.pragma_update(None, "cache_size", -512)?;
        Self::prepare(conn, Some(path))
    }

    /// A private in-memory database (unit tests).
    pub fn open_in_memory() -> Result<Self> {
        Self::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self { conn: Mutex::new(conn), path, checkpointer: Mutex::new(None) })
    }

    /// Where the database lives, if on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` with the connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` in a transaction, committed when `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Like `write`, and then runs `after` with the result once the commit is done but before
    /// any other writer can start, so that effects of commits (publishing to DNS) happen in
    /// commit order.
    pub fn write_then<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
        after: impl FnOnce(&T),
    ) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        after(&value);
        Ok(value)
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
        let store = Store::open(&dir)?;
        let version: i64 = store.read(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))?;
        assert_eq!(version, MIGRATIONS.len() as i64);
        drop(store);
        Store::open(&dir)?;
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
        let store = Store::open(&dir)?;
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
        let err = Store::open(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("schema version 999") && err.contains("newer porchlight"), "{err}");
        Ok(())
    }
}
