//! Benchmark of the real release binary, run as its own process on loopback:
//! RSS idle, update → visible-in-DNS latency (HTTP update, then a UDP query that must
//! already see the new address), and DNS queries per second, at 1,000 and 100,000 names.
//!
//!   cargo build --release -p porchlight && cargo bench -p porchlight-tests
//!
//! PORCHLIGHT_BIN overrides the binary; PORCHLIGHT_RUNNER runs it through another program
//! (`qemu-aarch64-static` for an ARM build: figures then include the emulator's own memory and
//! speed); PORCHLIGHT_BENCH_NAMES picks the sizes (default `1000,10000,100000`). Every loop
//! is bounded in count and in time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use porchlight::{Context, accounts, hostnames};
use porchlight_tests::hickory_proto::op::Message;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{ZONE, basic, lab_config, query_message};

const UPDATE_SAMPLES: usize = 1_000;
const UPDATE_TIME_LIMIT: Duration = Duration::from_secs(30);
const QPS_DURATION: Duration = Duration::from_secs(3);
const TOKENS: usize = 200;

fn main() {
    // Relative paths are taken from the workspace root, where the README's commands run.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join(std::env::var_os("PORCHLIGHT_BIN").map_or_else(|| PathBuf::from("target/release/porchlight"), PathBuf::from));
    assert!(bin.exists(), "{} not found: run `cargo build --release -p porchlight` first", bin.display());
    println!("binary: {} ({} bytes)", bin.display(), std::fs::metadata(&bin).unwrap().len());
    println!("{:>8} | {:>9} | {:>9} | {:>14} | {:>14} | {:>12} | {:>14} | {:>12}", "names", "RSS idle", "RSS load", "upd→DNS p50", "upd→DNS p99", "q/s (hits)", "q/s (NXDOMAIN)", "q/server-CPU-s");
    let runner = std::env::var("PORCHLIGHT_RUNNER").ok().filter(|r| !r.is_empty());
    if let Some(runner) = &runner {
        println!("runner: {runner}");
    }
    let sizes = std::env::var("PORCHLIGHT_BENCH_NAMES").unwrap_or_else(|_| "1000,10000,100000".into());
    for names in sizes.split(',').map(|n| n.trim().parse::<usize>().expect("PORCHLIGHT_BENCH_NAMES: numbers separated by commas")) {
        bench(&bin, runner.as_deref(), names);
    }
}

fn bench(bin: &Path, runner: Option<&str>, names: usize) {
    let dir = tempfile::tempdir().unwrap();
    let tokens = prepare(dir.path(), names);
    let mut server = Server::spawn(bin, runner, &dir.path().join("data"));
    std::thread::sleep(Duration::from_secs(1));
    let rss_idle = server.rss_kib();

    let mut latencies = Vec::with_capacity(UPDATE_SAMPLES);
    let started = Instant::now();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    for i in 0..UPDATE_SAMPLES {
        if started.elapsed() > UPDATE_TIME_LIMIT {
            break;
        }
        let (host, token) = &tokens[i % tokens.len()];
        let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        let t0 = Instant::now();
        let body = http_get(server.http, &format!("/nic/update?hostname={host}&myip={ip}"), &basic(host, token));
        assert!(body.starts_with("good"), "update failed: {body}");
        let answer = udp_answer(&socket, server.dns, host);
        assert_eq!(answer.as_deref(), Some(ip.as_str()), "DNS did not serve the new address at once");
        latencies.push(t0.elapsed());
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];

    let cpu_before = server.cpu_seconds();
    let (hits, hit_count) = qps(server.dns, names, false);
    let (misses, miss_count) = qps(server.dns, names, true);
    let per_cpu = (hit_count + miss_count) as f64 / (server.cpu_seconds() - cpu_before);
    let rss_load = server.rss_kib();
    println!(
        "{names:>8} | {:>6} KiB | {:>6} KiB | {:>11.2} ms | {:>11.2} ms | {hits:>12.0} | {misses:>14.0} | {per_cpu:>12.0}",
        rss_idle,
        rss_load,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
    server.stop();
}

/// Fills a data directory: one account, `TOKENS` hosts made the normal way (with tokens),
/// the rest inserted in bulk, every host with an A record.
fn prepare(dir: &Path, names: usize) -> Vec<(String, String)> {
    let ctx = Context::open(lab_config(dir)).unwrap();
    accounts::create(&ctx.store, "bench@example.com", "bench password", false).unwrap();
    let tokens: Vec<(String, String)> = (0..TOKENS)
        .map(|i| {
            let name = format!("t{i}.{ZONE}");
            let created = hostnames::create_for(&ctx, "bench@example.com", &name).unwrap();
            (name, created.secret)
        })
        .collect();
    ctx.store
        .write(|tx| {
            let zone_id: String = tx.query_row("SELECT id FROM zones", [], |r| r.get(0))?;
            let user_id: String = tx.query_row("SELECT id FROM users", [], |r| r.get(0))?;
            let mut host = tx.prepare("INSERT INTO hostnames (id, zone_id, user_id, name, ttl, created_at) VALUES (?1, ?2, ?3, ?4, 60, 0)")?;
            let mut record = tx.prepare("INSERT INTO records (id, zone_id, hostname_id, name, type, content, ttl, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'A', ?5, 60, 0, 0)")?;
            for i in 0..names {
                let name = if i < TOKENS { format!("t{i}.{ZONE}") } else { format!("h{i}.{ZONE}") };
                let host_id: String = if i < TOKENS {
                    tx.query_row("SELECT id FROM hostnames WHERE name = ?1", [&name], |r| r.get(0))?
                } else {
                    let id = format!("bulk-{i}");
                    host.execute(rusqlite::params![id, zone_id, user_id, name])?;
                    id
                };
                let ip = format!("192.0.{}.{}", (i >> 8) & 255, i & 255);
                record.execute(rusqlite::params![format!("r{i}"), zone_id, host_id, name, ip])?;
            }
            Ok(())
        })
        .unwrap();
    tokens
}

/// Queries answered per second by two closed-loop clients (32 in flight each), and the count.
fn qps(dns: SocketAddr, names: usize, nxdomain: bool) -> (f64, u64) {
    let threads = 2;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
                socket.connect(dns).unwrap();
                socket.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
                let queries: Vec<Vec<u8>> = (0..256)
                    .map(|i| {
                        let n = (i * 7919 + t * 104_729) % names;
                        let name = if nxdomain { format!("missing{n}.{ZONE}") } else if n < TOKENS { format!("t{n}.{ZONE}") } else { format!("h{n}.{ZONE}") };
                        query_message(&name, RecordType::A, true)
                    })
                    .collect();
                let window = 32;
                let started = Instant::now();
                let mut answered = 0u64;
                let mut buf = [0u8; 1500];
                let mut next = 0;
                while started.elapsed() < QPS_DURATION {
                    for _ in 0..window {
                        socket.send(&queries[next % queries.len()]).unwrap();
                        next += 1;
                    }
                    for _ in 0..window {
                        if socket.recv(&mut buf).is_ok() {
                            answered += 1;
                        }
                    }
                }
                (answered as f64 / started.elapsed().as_secs_f64(), answered)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).fold((0.0, 0), |(r, n), (r2, n2)| (r + r2, n + n2))
}

fn http_get(addr: SocketAddr, target: &str, auth: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

fn udp_answer(socket: &UdpSocket, dns: SocketAddr, name: &str) -> Option<String> {
    socket.send_to(&query_message(name, RecordType::A, true), dns).unwrap();
    let mut buf = [0u8; 1500];
    let (n, _) = socket.recv_from(&mut buf).ok()?;
    porchlight_tests::answers(&Message::from_vec(&buf[..n]).ok()?, RecordType::A).into_iter().next()
}

struct Server {
    child: Child,
    http: SocketAddr,
    dns: SocketAddr,
}

impl Server {
    fn spawn(bin: &Path, runner: Option<&str>, data: &Path) -> Self {
        // One client on loopback sends far more than a real router: lift the limits.
        let config = data.with_file_name("bench.toml");
        std::fs::write(&config, "[rate_limit]\nupdates_per_minute = 1000000\nrequests_per_address_per_minute = 1000000\n").unwrap();
        let mut command = match runner {
            Some(runner) => {
                let mut c = Command::new(runner);
                c.arg(bin);
                c
            }
            None => Command::new(bin),
        };
        // The server rejects settings it does not know, such as the bench's own PORCHLIGHT_*.
        for (key, _) in std::env::vars_os().filter(|(k, _)| k.to_string_lossy().starts_with("PORCHLIGHT_")) {
            command.env_remove(key);
        }
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
        Self { child, http: http.unwrap(), dns: dns.unwrap() }
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap()
    }

    /// User + system CPU time the server has used (clock ticks of 1/100 s).
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        ticks as f64 / 100.0
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
