//! Automatic backups: every `backup.every_seconds` the housekeeping writes a consistent copy
//! of the database (SQLite's online backup, which does not stop updates) to the backup
//! directory as `porchlight-YYYYMMDDTHHMMSSZ.db`, deletes all but the newest `backup.keep`,
//! and runs `backup.hook` with the new file's path, so a script can copy it off the box.
//! `porchlight restore FILE` brings one back.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::Context;
use crate::error::{Error, Result};

const PREFIX: &str = "porchlight-";
const SUFFIX: &str = ".db";

/// Makes a backup when one is due: none was made by this process yet and the newest on disk
/// is older than the interval, or the interval has passed since the last one. Returns the
/// new backup's path.
pub fn run_due(ctx: &Context, last: &mut Option<SystemTime>) -> Result<Option<PathBuf>> {
    let every = ctx.config.backup.every_seconds;
    if every == 0 {
        return Ok(None);
    }
    let dir = ctx.config.backup.dir(&ctx.config.data_dir);
    let newest = match last {
        Some(at) => Some(*at),
        None => list(&dir)?.last().and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok()),
    };
    let due = newest.is_none_or(|at| at.elapsed().unwrap_or_default() >= Duration::from_secs(every));
    if !due {
        return Ok(None);
    }
    *last = Some(SystemTime::now());
    let path = make(ctx, &dir)?;
    prune(&dir, ctx.config.backup.keep)?;
    if let Some(hook) = &ctx.config.backup.hook {
        run_hook(hook, &path);
    }
    Ok(Some(path))
}

/// Writes one backup into `dir`.
fn make(ctx: &Context, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Config(format!("cannot create the backup directory {}: {e}", dir.display())))?;
    let stamp = crate::clock::rfc3339(crate::clock::now()).replace(['-', ':'], "");
    let mut path = dir.join(format!("{PREFIX}{stamp}{SUFFIX}"));
    for n in 2.. {
        if !path.exists() {
            break;
        }
        path = dir.join(format!("{PREFIX}{stamp}-{n}{SUFFIX}"));
    }
    ctx.store.backup_to(&path)?;
    Ok(path)
}

/// The backups in `dir`, oldest first (their names sort by time).
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut backups: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX)))
        .collect();
    backups.sort();
    Ok(backups)
}

fn prune(dir: &Path, keep: usize) -> Result<()> {
    let backups = list(dir)?;
    for old in backups.iter().take(backups.len().saturating_sub(keep)) {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

/// Runs the hook without holding up the housekeeping; its outcome is logged.
fn run_hook(hook: &Path, backup: &Path) {
    let (hook, backup) = (hook.to_path_buf(), backup.to_path_buf());
    let spawned = std::thread::Builder::new().name("backup-hook".into()).spawn(move || {
        match std::process::Command::new(&hook).arg(&backup).stdin(std::process::Stdio::null()).output() {
            Ok(out) if out.status.success() => tracing::info!(hook = %hook.display(), backup = %backup.display(), "backup hook done"),
            Ok(out) => tracing::error!(
                hook = %hook.display(),
                status = %out.status,
                stderr = %String::from_utf8_lossy(&out.stderr).trim(),
                "backup hook failed"
            ),
            Err(error) => tracing::error!(hook = %hook.display(), %error, "backup hook could not be run"),
        }
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "backup hook could not be started");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_and_leaves_other_files_alone() -> Result<()> {
        let dir = tempfile_dir("prune");
        for stamp in ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z"] {
            std::fs::write(dir.join(format!("{PREFIX}{stamp}{SUFFIX}")), b"x")?;
        }
        std::fs::write(dir.join("notes.txt"), b"mine")?;
        prune(&dir, 2)?;
        let left: Vec<String> = list(&dir)?.iter().filter_map(|p| p.file_name()?.to_str().map(String::from)).collect();
        assert_eq!(left, vec!["porchlight-20260102T000000Z.db", "porchlight-20260103T000000Z.db"]);
        assert!(dir.join("notes.txt").exists());
        Ok(())
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("porchlight-backups-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        dir
    }
}
