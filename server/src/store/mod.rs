//! SQLite storage: one connection behind a mutex (writes are serialised by SQLite anyway),
//! WAL journaling, and append-only migrations whose count is the schema version, kept in
//! `PRAGMA user_version`.

pub mod acme;
pub mod alerts;
pub mod attempts;
pub mod backup;
mod batch;
mod columns;
pub mod dnssec_keys;
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
use std::sync::Mutex;

use rusqlite::{Connection, Savepoint};

/// A connection for reading, as domain functions receive it.
pub type Conn = Connection;
/// A write transaction, as domain functions receive it: one writer's part of a shared
/// transaction (`batch.rs`), taken back whole if the writer fails.
pub type Tx<'a> = Savepoint<'a>;

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
    include_str!("migrations/0014_dnssec_keys.sql"),
    include_str!("migrations/0015_signing_time.sql"),
];

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "porchlight.db";

/// The database.
pub struct Store {
    /// The writing connection, handed to waiting writers in the order they came (so that no
    /// update waits behind a stream of later ones).
    conn: parking_lot::FairMutex<Connection>,
    path: Option<PathBuf>,
    /// A second connection that copies the WAL back into the database file, so that no
    /// update pays for a checkpoint inside its commit.
    checkpointer: Mutex<Option<Connection>>,
    /// Under `durability = "full"`: makes each acknowledgement wait for the disk.
    group: Option<GroupCommit>,
    /// Writers arriving together share one transaction.
    batches: batch::Batches,
    /// Connections for reading (a file database only), so that reads (every request's
    /// authentication) run beside the writer instead of queueing behind it.
    readers: Mutex<Vec<Connection>>,
    /// Why writes fail now (the disk is full, read-only, failing), if they do.
    trouble: Mutex<Option<String>>,
    write_failures: portable_atomic::AtomicU64,
}

/// Idle read connections kept open; more are opened when needed and closed after.
const IDLE_READERS: usize = 4;

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
        Ok(Self { conn: parking_lot::FairMutex::new(conn), path, checkpointer: Mutex::new(None), group: None, batches: batch::Batches::default(), readers: Mutex::default(), trouble: Mutex::default(), write_failures: Default::default() })
    }

    /// Where the database lives, if on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` with the connection.
    /// Reads see what is committed; on a file database they take a reading connection of
    /// their own (WAL lets them run while the writer writes).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some(path) = &self.path else { return f(&self.lock()) };
        let idle = self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                conn.pragma_update(None, "cache_size", -256)?;
                conn
            }
        };
        let value = f(&conn);
        let mut readers = self.readers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if readers.len() < IDLE_READERS {
            readers.push(conn);
        }
        value
    }

    /// Runs `f` in a transaction, committed when `f` succeeds. Under `durability = "full"`
    /// it returns only once the commit is on the disk.
    pub fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_then(f, |_| {})
    }

    /// Like `write`, and then runs `after` with the result once the changes are made but
    /// before any other writer can start, so that effects of changes (publishing to DNS)
    /// happen in the order of the changes. Writers arriving together share one commit
    /// (`batch.rs`); DNS may answer with a change a moment before it is committed and on the
    /// disk, but the caller hears of it only after. Should the commit fail, the housekeeping
    /// rebuilds DNS from the database (see `rolled_back`).
    pub fn write_then<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>, after: impl FnOnce(&T)) -> Result<T> {
        let outcome = self.write_shared(f, after);
        if let Err(error) = &outcome
            && let Some(why) = error.disk_trouble().map(str::to_string).or_else(|| match error {
                Error::Unwritable(why) => Some(why.clone()),
                _ => None,
            })
        {
            self.in_trouble(&why);
            return Err(Error::Unwritable(why));
        }
        outcome
    }

    fn write_shared<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>, after: impl FnOnce(&T)) -> Result<T> {
        self.batches.arriving();
        let mut seat = Seat { batches: &self.batches, conn: self.lock(), left: false };
        let number = self.batches.join(&seat.conn)?;
        let mine = (|| -> Result<T> {
            let savepoint = seat.conn.savepoint()?;
            let value = f(&savepoint)?;
            savepoint.commit()?;
            after(&value);
            Ok(value)
        })();
        seat.left = true;
        let committed = self.batches.leave(&seat.conn);
        if let Some(Ok(batch::Committed { changed: true })) = &committed {
            if let Some(group) = &self.group {
                group.committed(number);
            }
            self.writable_again();
        }
        drop(seat);
        let value = mine?;
        match committed {
            Some(outcome) => outcome.map(drop)?,
            None => self.batches.wait(number)?,
        }
        if let Some(group) = &self.group {
            group.wait(group.newest())?;
        }
        Ok(value)
    }

    /// Why the database cannot be written now, if it cannot (shown in the UI and /metrics).
    pub fn trouble(&self) -> Option<String> {
        self.trouble.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Writes that failed because of the disk, since start.
    pub fn write_failures(&self) -> u64 {
        self.write_failures.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// While writes fail, tries one small write (called every second by the housekeeping),
    /// so that the trouble is known to be over as soon as it is, even without updates.
    pub fn probe(&self) {
        if self.trouble().is_some() {
            let _ = self.write(|tx| settings::set(tx, "disk_probe_at", &now().to_string()));
        }
    }

    fn in_trouble(&self, why: &str) {
        self.write_failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut trouble = self.trouble.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if trouble.as_deref() != Some(why) {
            // Once, not per request: a router retrying every minute would fill the log.
            tracing::error!(
                problem = why,
                "the database cannot be written: updates and changes are refused (911, 503) until this is fixed; DNS keeps answering what it has"
            );
            *trouble = Some(why.to_string());
        }
    }

    fn writable_again(&self) {
        let mut trouble = self.trouble.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(why) = trouble.take() {
            tracing::warn!(was = why, "the database can be written again");
        }
    }

    /// How many commits failed (and were rolled back) since start: when this changes, what
    /// DNS published from them must be rebuilt from the database.
    pub fn rolled_back(&self) -> u64 {
        self.batches.rolled_back()
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

    fn lock(&self) -> parking_lot::FairMutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (savepoints roll back).
        self.conn.lock()
    }
}

/// A writer's hold on the connection. Should the writer panic, its savepoint has been taken
/// back by then, and leaving here still commits (or leaves open) the shared transaction for
/// the others in it.
struct Seat<'a> {
    batches: &'a batch::Batches,
    conn: parking_lot::FairMutexGuard<'a, Connection>,
    left: bool,
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        if !self.left {
            let _ = self.batches.leave(&self.conn);
        }
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
        assert!((1..=threads * each).contains(&commits), "{commits} commits for {} writes", threads * each);
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

    #[test]
    fn a_failing_or_panicking_writer_takes_back_only_its_own_changes() -> Result<()> {
        let store = std::sync::Arc::new(Store::open_in_memory()?);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            store.write(|tx| {
                                users::insert(tx, &format!("u{t}-{i}@example.com"), "x", false)?;
                                match i % 5 {
                                    1 => Err(Error::Invalid("refused".into())),
                                    2 => panic!("a writer panicked on purpose"),
                                    _ => Ok(()),
                                }
                            })
                        }));
                        assert_eq!(outcome.is_ok_and(|r| r.is_ok()), !matches!(i % 5, 1 | 2));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().map_err(|_| Error::Invalid("a test thread failed".into()))?;
        }
        assert_eq!(store.read(users::count)?, 8 * 30);
        Ok(())
    }
}
