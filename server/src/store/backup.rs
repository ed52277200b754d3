//! Online backup and restore through SQLite's backup API. A backup is copied in one step,
//! inside one read transaction, so it is a consistent snapshot even while the appliance
//! serves and writes; in WAL mode it does not block the writer.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use super::{DB_FILE, MIGRATIONS, Store};
use crate::error::{Error, Result};

/// The lock file a serving appliance holds in its data directory.
pub const LOCK_FILE: &str = "porchlight.lock";

impl Store {
    /// Writes a consistent copy of the database to `out` (via a temporary file, renamed when
    /// complete, so `out` is never half-written).
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        let tmp = out.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let mut dest = Connection::open(&tmp)?;
        match self.path() {
            Some(path) => {
                let source = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                copy(&source, &mut dest)?;
            }
            None => self.read(|conn| copy(conn, &mut dest))?,
        }
        drop(dest);
        std::fs::rename(&tmp, out).map_err(|e| Error::Config(format!("cannot write {}: {e}", out.display())))?;
        Ok(())
    }
}

/// Copies every page in one step (-1), so the copy is one snapshot; retries only while the
/// source or destination is briefly locked.
fn copy(source: &Connection, dest: &mut Connection) -> Result<()> {
    use rusqlite::backup::StepResult;
    let backup = Backup::new(source, dest)?;
    for _ in 0..250 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => std::thread::sleep(Duration::from_millis(20)),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    Err(Error::Conflict("the database stayed busy; try the backup again".into()))
}

/// Replaces the database in `data_dir` with the backup `from`, after checking that it is a
/// sound porchlight database this version can use. The appliance must not be running.
pub fn restore(data_dir: &Path, from: &Path) -> Result<()> {
    check_backup(from)?;
    std::fs::create_dir_all(data_dir)?;
    let _lock = lock_data_dir(data_dir).map_err(|_| {
        Error::Conflict(format!("porchlight is running on {}: stop it before restoring", data_dir.display()))
    })?;
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut dest = Connection::open(data_dir.join(DB_FILE))?;
    dest.busy_timeout(Duration::from_secs(5))?;
    copy(&source, &mut dest)?;
    drop(dest);
    // Bring an older backup's schema up to date.
    Store::open(data_dir, super::Durability::Normal).map(drop)
}

fn check_backup(path: &Path) -> Result<()> {
    let bad = |why: String| Error::Invalid(format!("{} is not a usable porchlight backup: {why}", path.display()));
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| bad(e.to_string()))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| bad(e.to_string()))?;
    if integrity != "ok" {
        return Err(bad(format!("integrity check says {integrity}")));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version < 1 || version > MIGRATIONS.len() as i64 {
        return Err(bad(format!("schema version {version}, this porchlight knows 1 to {}", MIGRATIONS.len())));
    }
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'zones', 'hostnames', 'records', 'tokens')",
        [],
        |r| r.get(0),
    )?;
    if tables != 5 {
        return Err(bad("it lacks porchlight's tables".into()));
    }
    Ok(())
}

/// Takes the data directory's lock; it is held as long as the returned file is open.
pub fn lock_data_dir(data_dir: &Path) -> Result<std::fs::File> {
    let path = data_dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))?;
    file.try_lock().map_err(|_| Error::Conflict(format!("another porchlight is running on {}", data_dir.display())))?;
    Ok(file)
}
