//! Group commit: an acknowledged change is on the disk, and concurrent changes share one
//! fsync.
//!
//! SQLite runs with `synchronous=NORMAL` in WAL mode either way: a commit appends its pages
//! to the write-ahead log with `write()` and returns, so the single writer is never held up
//! by the disk, and the database stays consistent whatever happens (SQLite's own guarantee
//! for WAL + NORMAL). Under `durability = "full"` the writer then takes a ticket and, once it
//! has let go of the connection, waits for the log to be synced up to its ticket. Whoever
//! finds nobody syncing becomes the syncer: it notes the newest ticket, calls `fdatasync` on
//! the log file with no lock held, and wakes everyone whose ticket that covered. Commits made
//! while one sync runs are covered by the next one, so 64 clients updating at once cost a
//! handful of syncs, not 64, and a lone client costs exactly one.

use std::fs::File;
use std::path::{Path, PathBuf};
// 64-bit atomics on every target, mipsel included.
use portable_atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::error::Result;

/// Whether an acknowledgement waits for the disk (see `durability` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// Every acknowledged change has reached the disk (one fsync shared by the changes that
    /// commit together).
    #[default]
    Full,
    /// Changes survive a crash of the process, but the last second or so of them may be lost
    /// to a power cut; the flash is written less often.
    Normal,
}

impl Durability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Normal => "normal",
        }
    }
}

/// Syncs the write-ahead log for the commits waiting on it.
pub struct GroupCommit {
    wal: PathBuf,
    state: Mutex<State>,
    synced: Condvar,
    /// Counters for `/metrics`.
    syncs: AtomicU64,
    commits: AtomicU64,
}

#[derive(Default)]
struct State {
    /// The newest commit's ticket.
    written: u64,
    /// Every commit up to this ticket is on the disk.
    synced: u64,
    /// Someone is syncing now.
    syncing: bool,
    /// The log file, opened at the first sync (SQLite creates it at the first commit).
    file: Option<std::sync::Arc<File>>,
}

impl GroupCommit {
    /// For the database at `db` (its log is `<db>-wal`).
    pub fn new(db: &Path) -> Self {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        Self {
            wal: PathBuf::from(wal),
            state: Mutex::default(),
            synced: Condvar::new(),
            syncs: AtomicU64::new(0),
            commits: AtomicU64::new(0),
        }
    }

    /// Called while the connection is still held, right after commit `ticket` (numbers
    /// only grow) changed rows.
    pub fn committed(&self, ticket: u64) {
        self.commits.fetch_add(1, Ordering::Relaxed);
        let mut state = self.lock();
        state.written = state.written.max(ticket);
    }

    /// The ticket of the newest commit that changed rows: an answer waits for that one (a
    /// `nochg` too), so that it never reports a state the disk does not have yet.
    pub fn newest(&self) -> u64 {
        self.lock().written
    }

    /// Returns once every commit up to `ticket` is on the disk, syncing the log itself when
    /// nobody else is.
    pub fn wait(&self, ticket: u64) -> Result<()> {
        let mut state = self.lock();
        loop {
            if state.synced >= ticket {
                return Ok(());
            }
            if state.syncing {
                state = self.synced.wait(state).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state.syncing = true;
            let target = state.written;
            let file = state.file.clone();
            drop(state);
            let outcome = self.sync(file);
            state = self.lock();
            state.syncing = false;
            let outcome = match outcome {
                Ok(file) => {
                    state.file = Some(file);
                    state.synced = state.synced.max(target);
                    Ok(())
                }
                Err(e) => Err(e),
            };
            self.synced.notify_all();
            outcome?;
        }
    }

    fn sync(&self, file: Option<std::sync::Arc<File>>) -> Result<std::sync::Arc<File>> {
        self.syncs.fetch_add(1, Ordering::Relaxed);
        let file = match file {
            Some(file) => file,
            None => {
                let file = std::sync::Arc::new(File::options().read(true).open(&self.wal)?);
                // The log's name in its directory must be on the disk too.
                if let Some(dir) = self.wal.parent() {
                    File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })?.sync_all()?;
                }
                file
            }
        };
        file.sync_data()?;
        Ok(file)
    }

    /// (commits that changed rows, log syncs) since start.
    pub fn counts(&self) -> (u64, u64) {
        (self.commits.load(Ordering::Relaxed), self.syncs.load(Ordering::Relaxed))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
