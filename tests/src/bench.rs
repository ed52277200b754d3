//! What the benchmarks share: a data directory filled in bulk, and the release binary run as
//! its own process (address lines read from its output; CPU time and RSS read from /proc).

use std::io::{BufRead as _, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hickory_proto::rr::RecordType;
use porchlight::{Context, accounts, hostnames};

use crate::{ZONE, lab_config, query_message};

/// The release binary the benchmarks run: `target/release/porchlight`, or PORCHLIGHT_BIN
/// (relative paths taken from the workspace root, where the README's commands run).
pub fn release_binary() -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join(std::env::var_os("PORCHLIGHT_BIN").unwrap_or_else(|| "target/release/porchlight".into()));
    assert!(bin.exists(), "{} not found: run `cargo build --release -p porchlight` first", bin.display());
    bin
}

/// A number from the environment variable `name`, or `default`.
pub fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Hosts made the normal way, with tokens, in a [`fill`]ed directory.
pub const TOKENS: usize = 200;

/// The shape of a generated zone.
#[derive(Clone, Copy, Debug)]
pub struct ZoneShape {
    /// Hostnames `t{i}`/`h{i}`, each with an A record (192.0.x.y).
    pub names: usize,
    /// Every n-th host also has an AAAA record (0: none).
    pub aaaa_every: usize,
    /// Every n-th host also has a TXT record (0: none).
    pub txt_every: usize,
    /// Every n-th host also has an alias `c{i}`, a CNAME to it (0: none).
    pub cname_every: usize,
}

impl ZoneShape {
    /// One A record per host, nothing else.
    pub fn addresses(names: usize) -> Self {
        Self { names, aaaa_every: 0, txt_every: 0, cname_every: 0 }
    }

    /// The name of host `i`.
    pub fn host(&self, i: usize) -> String {
        if i < TOKENS { format!("t{i}.{ZONE}") } else { format!("h{i}.{ZONE}") }
    }

    pub fn has(every: usize, i: usize) -> bool {
        every != 0 && i.is_multiple_of(every)
    }
}

/// Fills a data directory: one account, [`TOKENS`] hosts made the normal way (returned with
/// their tokens), the rest inserted in bulk, as `shape` says.
pub fn fill(dir: &Path, shape: ZoneShape) -> Vec<(String, String)> {
    let ctx = Context::open(lab_config(dir)).unwrap();
    accounts::create(&ctx.store, "bench@example.com", "bench password", false).unwrap();
    let tokens: Vec<(String, String)> = (0..TOKENS.min(shape.names))
        .map(|i| {
            let name = shape.host(i);
            let created = hostnames::create_for(&ctx, "bench@example.com", &name).unwrap();
            (name, created.secret)
        })
        .collect();
    ctx.store
        .write(|tx| {
            let zone_id: String = tx.query_row("SELECT id FROM zones", [], |r| r.get(0))?;
            let user_id: String = tx.query_row("SELECT id FROM users", [], |r| r.get(0))?;
            let mut host = tx.prepare("INSERT INTO hostnames (id, zone_id, user_id, name, ttl, created_at) VALUES (?1, ?2, ?3, ?4, 60, 0)")?;
            let mut record = tx.prepare(
                "INSERT INTO records (id, zone_id, hostname_id, name, type, content, ttl, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 60, 0, 0)",
            )?;
            for i in 0..shape.names {
                let name = shape.host(i);
                let host_id: String = if i < TOKENS {
                    tx.query_row("SELECT id FROM hostnames WHERE name = ?1", [&name], |r| r.get(0))?
                } else {
                    let id = format!("bulk-{i}");
                    host.execute(rusqlite::params![id, zone_id, user_id, name])?;
                    id
                };
                let ip = format!("192.0.{}.{}", (i >> 8) & 255, i & 255);
                record.execute(rusqlite::params![format!("a{i}"), zone_id, host_id, name, "A", ip])?;
                if ZoneShape::has(shape.aaaa_every, i) {
                    record.execute(rusqlite::params![format!("q{i}"), zone_id, host_id, name, "AAAA", format!("2001:db8::{:x}:{:x}", i >> 16, i & 0xffff)])?;
                }
                if ZoneShape::has(shape.txt_every, i) {
                    record.execute(rusqlite::params![format!("t{i}"), zone_id, host_id, name, "TXT", format!("v=spf1 ip4:192.0.2.{} -all", i % 256)])?;
                }
                if ZoneShape::has(shape.cname_every, i) {
                    record.execute(rusqlite::params![format!("c{i}"), zone_id, host_id, format!("c{i}.{ZONE}"), "CNAME", name])?;
                }
            }
            Ok(())
        })
        .unwrap();
    tokens
}

/// Settings for the bench zone unsigned (a new zone is signed unless told otherwise).
pub const UNSIGNED: &str = concat!("[[zone]]\nname = \"", "dyn.example.test", "\"\ndnssec = false\n");

/// The release binary serving a data directory, as its own process.
pub struct Server {
    child: Child,
    pub http: SocketAddr,
    pub dns: SocketAddr,
    /// From spawning to the first DNS answer.
    pub start_up: Duration,
}

impl Server {
    /// Starts `bin` (through `runner`, e.g. an emulator, when given) on `data`, with the rate
    /// limits lifted, and waits until it answers `probe` over DNS.
    /// The zone unsigned (the figures recorded before zones were signed by default).
    pub fn spawn(bin: &Path, runner: Option<&str>, data: &Path, probe: &str) -> Self {
        Self::spawn_with(bin, runner, data, probe, UNSIGNED)
    }

    /// As [`Server::spawn`], with `settings` (top-level TOML lines) added to its configuration.
    pub fn spawn_with(bin: &Path, runner: Option<&str>, data: &Path, probe: &str, settings: &str) -> Self {
        // One client on loopback sends far more than a real router: lift the limits.
        let config = data.with_file_name("bench.toml");
        std::fs::write(&config, format!("{settings}\n[rate_limit]\nupdates_per_minute = 1000000\nrequests_per_address_per_minute = 1000000\n")).unwrap();
        let mut command = command(bin, runner);
        let started = Instant::now();
        let mut child = command
            .args(["serve", "--config", config.to_str().unwrap(), "--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"])
            .env("PORCHLIGHT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut http, mut dns) = (None, None);
        while http.is_none() || dns.is_none() {
            let line = lines.next().expect("server exited early").unwrap();
            if let Some(rest) = line.trim().strip_prefix("HTTP:") {
                http = rest.trim().trim_start_matches("http://").trim_end_matches('/').parse().ok();
            } else if let Some(rest) = line.trim().strip_prefix("DNS:") {
                dns = rest.split_whitespace().next().and_then(|a| a.parse().ok());
            }
        }
        std::thread::spawn(move || lines.for_each(drop));
        let dns = dns.unwrap();
        wait_for_answer(dns, probe, started);
        Self { child, http: http.unwrap(), dns, start_up: started.elapsed() }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.pid())
    }

    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(self.pid())
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `bin` (through `runner` when given), without the bench's own `PORCHLIGHT_*` settings,
/// which the binary would refuse as unknown.
pub fn command(bin: &Path, runner: Option<&str>) -> Command {
    let mut command = match runner {
        Some(runner) => {
            let mut c = Command::new(runner);
            c.arg(bin);
            c
        }
        None => Command::new(bin),
    };
    for (key, _) in std::env::vars_os().filter(|(k, _)| k.to_string_lossy().starts_with("PORCHLIGHT_")) {
        command.env_remove(key);
    }
    command
}

/// Polls `dns` (at most 60 s from `since`) until it answers `name` with NOERROR.
pub fn wait_for_answer(dns: SocketAddr, name: &str, since: Instant) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let query = query_message(name, RecordType::A, false);
    let mut buf = [0u8; 1500];
    while since.elapsed() < Duration::from_secs(60) {
        if socket.send_to(&query, dns).is_ok()
            && let Ok((n, _)) = socket.recv_from(&mut buf)
            && n >= 12
            && buf[3] & 0x0f == 0
            && u16::from_be_bytes([buf[6], buf[7]]) > 0
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("{dns} never answered {name}");
}

/// Resident memory of a process, KiB.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap()
}

/// User + system CPU time a process has used (clock ticks of 1/100 s).
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}
