//! A full disk and a disk gone read-only, for real: the data directory is a small tmpfs,
//! or an ext4 file system on a loop device that the kernel turns read-only on an error
//! (`errors=remount-ro`, the way an SD card fails), while the appliance has its files open.
//! Mounting needs root, as CI has. Updates are refused in each dialect's own words
//! (DynDNS2 `911`, ipdock 503 JSON) and change nothing, DNS keeps answering from memory, the
//! trouble is logged once and shown in /metrics and /api/appliance, and once space returns
//! the appliance writes again and the database passes `PRAGMA integrity_check`.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use porchlight_tests::bench::{TOKENS, ZoneShape, fill};
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Serving, ZONE, answers, basic, query_udp};

/// A tmpfs mounted on a directory, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(dir).status().is_ok_and(|s| s.success());
        ok.then(|| Self(dir.to_path_buf()))
    }

}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn http(addr: SocketAddr, target: &str, auth: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

fn update(addr: SocketAddr, host: &str, token: &str, ip: &str) -> (u16, String) {
    http(addr, &format!("/nic/update?hostname={host}&myip={ip}"), &basic(host, token))
}

fn metric(addr: SocketAddr, name: &str) -> u64 {
    let (_, text) = http(addr, "/metrics", "");
    text.lines().find_map(|l| l.strip_prefix(name)?.trim().parse().ok()).unwrap_or_else(|| panic!("no {name}"))
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(20), "{what} did not happen");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_full_disk_refuses_updates_and_corrupts_nothing() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let Some(_disk) = Tmpfs::mount(&data, "24m") else {
        assert!(std::env::var_os("CI").is_none(), "CI runs as root and must run this test");
        eprintln!("skipped: mounting a small filesystem needs root");
        return;
    };
    let tokens = fill(home.path(), ZoneShape::addresses(TOKENS));
    let config = home.path().join("porchlight.toml");
    std::fs::write(&config, "max_connections_per_address = 1000\n[rate_limit]\nupdates_per_minute = 1000000\nrequests_per_address_per_minute = 1000000\n").unwrap();
    let mut serving = Serving::start(home.path(), &["--config", config.to_str().unwrap(), "--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
    let (web, dns) = (serving.addr("HTTP:"), serving.addr("DNS:"));
    let (host, token) = &tokens[0];
    assert_eq!(update(web, host, token, "198.51.100.1"), (200, "good 198.51.100.1".to_string()));

    // Fill the disk to the last byte.
    let mut filler = std::fs::File::create(data.join("filler")).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while filler.write_all(&chunk).is_ok() {}
    let _ = filler.sync_all();
    // Updates go on until the log and the database need a page the disk does not have.
    let mut acknowledged = std::collections::HashMap::new();
    let mut refused = None;
    for i in 0..5_000 {
        let (host, token) = &tokens[i % tokens.len()];
        let ip = format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
        match update(web, host, token, &ip) {
            (200, body) if body == format!("good {ip}") => {
                acknowledged.insert(host.clone(), ip);
            }
            (500, body) if body == "911" => {
                refused = Some((host.clone(), token.clone()));
                break;
            }
            other => panic!("update {i} answered {other:?}"),
        }
    }
    let (host, token) = refused.expect("a full disk refused an update");
    println!("the disk was full after {} more acknowledged updates", acknowledged.len());
    // The ipdock dialect says it in JSON, with a 5xx.
    let (status, body) = http(web, "/api/update?ip=203.0.113.77", &format!("Bearer {token}"));
    assert_eq!(status, 503, "{body}");
    assert!(body.starts_with('{') && body.contains("cannot save changes"), "{body}");
    // Nothing changed: DNS answers what was last acknowledged, from memory (once the
    // failed commit's changes are taken back from the view).
    let last = acknowledged.get(&host).cloned().unwrap_or_else(|| if host == tokens[0].0 { "198.51.100.1".into() } else { format!("192.0.0.{}", tokens.iter().position(|t| t.0 == host).unwrap()) });
    wait_until("DNS serving the acknowledged address", || answers(&query_udp(dns, &host, RecordType::A), RecordType::A) == vec![last.clone()]);
    assert_eq!(metric(web, "porchlight_storage_writable "), 0);
    assert!(metric(web, "porchlight_storage_write_failures_total ") >= 2);
    for _ in 0..5 {
        assert_eq!(update(web, &host, &token, "203.0.113.78").1, "911");
    }

    // Space returns: the appliance notices by itself and writes again.
    drop(filler);
    std::fs::remove_file(data.join("filler")).unwrap();
    wait_until("the store writable again", || metric(web, "porchlight_storage_writable ") == 1);
    assert_eq!(update(web, &host, &token, "203.0.113.79"), (200, "good 203.0.113.79".to_string()));
    assert_eq!(answers(&query_udp(dns, &host, RecordType::A), RecordType::A), vec!["203.0.113.79"]);

    let db = rusqlite::Connection::open(data.join("porchlight.db")).unwrap();
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    drop(db);
    let stderr = serving.stop();
    // Logged when it began and when it ended, not per request.
    assert_eq!(stderr.matches("the database cannot be written").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("the database can be written again").count(), 1, "{stderr}");
}

/// An ext4 file system in a file, on a loop device, mounted with `errors=remount-ro`.
struct Ext4 {
    image: PathBuf,
    dir: PathBuf,
}

impl Ext4 {
    fn mount(image: &Path, dir: &Path) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let made = Command::new("truncate").args(["-s", "64M"]).arg(image).status().is_ok_and(|s| s.success())
            && Command::new("mkfs.ext4").arg("-q").arg(image).status().is_ok_and(|s| s.success());
        let this = Self { image: image.to_path_buf(), dir: dir.to_path_buf() };
        (made && this.attach()).then_some(this)
    }

    fn attach(&self) -> bool {
        Command::new("mount").args(["-o", "loop,errors=remount-ro"]).arg(&self.image).arg(&self.dir).status().is_ok_and(|s| s.success())
    }

    /// What the kernel does when the card reports an error: the file system goes read-only
    /// under every open file.
    fn fail(&self) {
        let device = std::fs::read_to_string("/proc/mounts")
            .unwrap()
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(self.dir.to_str().unwrap()))
            .and_then(|l| l.split_whitespace().next().map(|d| d.trim_start_matches("/dev/").to_string()))
            .unwrap();
        std::fs::write(format!("/sys/fs/ext4/{device}/trigger_fs_error"), "porchlight test\n").unwrap();
    }

    /// Unmounts, checks and repairs the file system, mounts it again: a reboot, for the card.
    fn repair(&self) {
        assert!(Command::new("umount").arg(&self.dir).status().unwrap().success());
        let fsck = Command::new("e2fsck").args(["-fy"]).arg(&self.image).output().unwrap();
        assert!(fsck.status.code().is_some_and(|c| c <= 1), "e2fsck: {}", String::from_utf8_lossy(&fsck.stdout));
        assert!(self.attach());
    }
}

impl Drop for Ext4 {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

#[test]
fn a_disk_gone_read_only_refuses_updates_while_dns_answers_on() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let Some(disk) = Ext4::mount(&home.path().join("card.img"), &data) else {
        assert!(std::env::var_os("CI").is_none(), "CI runs as root and must run this test");
        eprintln!("skipped: mounting a file system needs root");
        return;
    };
    let tokens = fill(home.path(), ZoneShape::addresses(TOKENS));
    let args = ["--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"];
    let mut serving = Serving::start(home.path(), &args);
    let (web, dns) = (serving.addr("HTTP:"), serving.addr("DNS:"));
    let (host, token) = &tokens[1];
    assert_eq!(update(web, host, token, "198.51.100.21"), (200, "good 198.51.100.21".to_string()));

    disk.fail();
    for _ in 0..3 {
        assert_eq!(update(web, host, token, "198.51.100.22"), (500, "911".to_string()));
    }
    let (status, body) = http(web, "/api/update?ip=198.51.100.23", &format!("Bearer {token}"));
    assert!(status == 503 && body.contains("cannot save changes"), "{status} {body}");
    assert_eq!(metric(web, "porchlight_storage_writable "), 0);
    wait_until("DNS serving the acknowledged address", || answers(&query_udp(dns, host, RecordType::A), RecordType::A) == vec!["198.51.100.21"]);
    std::thread::sleep(Duration::from_secs(2));
    let stderr = serving.stop();
    assert_eq!(stderr.matches("the database cannot be written").count(), 1, "logged once: {stderr}");

    // The card checked and mounted again (a reboot): nothing acknowledged is missing, and
    // the appliance takes updates again.
    disk.repair();
    let db = rusqlite::Connection::open(data.join("porchlight.db")).unwrap();
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    drop(db);
    let serving = Serving::start(home.path(), &args);
    let (web, dns) = (serving.addr("HTTP:"), serving.addr("DNS:"));
    assert_eq!(answers(&query_udp(dns, host, RecordType::A), RecordType::A), vec!["198.51.100.21"]);
    assert_eq!(update(web, host, token, "198.51.100.24"), (200, "good 198.51.100.24".to_string()));
}
