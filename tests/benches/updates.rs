//! Acknowledged updates per second: 64 clients (PORCHLIGHT_BENCH_CLIENTS), each on its own
//! kept-alive HTTP connection, send DynDNS2 updates as fast as they are answered, over many
//! hosts and tokens, every one a real change (a new address each time, so each is `good`
//! and each writes). Run once with `durability = "full"` and once with `"normal"`; prints
//! updates/s, latency percentiles, commits and log syncs (under `full`; updates per commit is
//! the group commit at work) and the server's CPU time per update. A third run signs the zone
//! (DNSSEC, `full`): each update then also re-signs its set, the SOA and the NSEC3 records it
//! changes before it is answered.
//!
//!   cargo build --release -p porchlight && cargo bench -p porchlight-tests --bench updates
//!
//! PORCHLIGHT_BENCH_SECONDS sets each run's length (default 10). Every loop is bounded in
//! count and in time. The load generator shares the machine's cores with the server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use porchlight_tests::basic;
use porchlight_tests::bench::{release_binary, setting, Server, TOKENS, ZoneShape, fill};

const MAX_PER_CLIENT: usize = 200_000;

fn main() {
    let bin = release_binary();
    let seconds: u64 = setting("PORCHLIGHT_BENCH_SECONDS", 10);
    let clients: usize = setting("PORCHLIGHT_BENCH_CLIENTS", 64);
    println!("binary: {}; {clients} clients, {seconds} s per run, {TOKENS} hosts each with its own token", bin.display());
    println!("{:>12} | {:>10} | {:>9} | {:>9} | {:>9} | {:>9} | {:>8} | {:>7} | {:>13} | {:>12}", "durability", "updates/s", "p50", "p90", "p99", "max", "commits", "syncs", "updates/commit", "server CPU/update");
    for (durability, dnssec) in [("full", false), ("normal", false), ("full", true)] {
        run(&bin, durability, dnssec, clients, Duration::from_secs(seconds));
    }
}

fn run(bin: &Path, durability: &str, dnssec: bool, clients: usize, length: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let shape = ZoneShape::addresses(TOKENS);
    let tokens = fill(dir.path(), shape);
    let signed = format!("\n[[zone]]\nname = \"{}\"\ndnssec = {dnssec}", porchlight_tests::ZONE);
    let server = Server::spawn_with(bin, None, &dir.path().join("data"), &shape.host(0), &format!("durability = \"{durability}\"\nmax_connections_per_address = 1000{signed}"));
    let label = if dnssec { format!("{durability}+DNSSEC") } else { durability.to_string() };
    let before = store_counts(server.http);
    let cpu_before = server.cpu_seconds();
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            // Each client updates its own hosts, so no two clients race on one name.
            let mine: Vec<(String, String)> = tokens.iter().skip(c).step_by(clients).cloned().collect();
            let http = server.http;
            std::thread::spawn(move || client(http, c, &mine, started, length))
        })
        .collect();
    let mut latencies: Vec<Duration> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = server.cpu_seconds() - cpu_before;
    let after = store_counts(server.http);
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64() * 1e3;
    let (commits, syncs) = match (before, after) {
        (Some((c0, s0)), Some((c1, s1))) => (c1 - c0, s1 - s0),
        _ => (0, 0),
    };
    println!(
        "{label:>12} | {:>10.0} | {:>6.2} ms | {:>6.2} ms | {:>6.2} ms | {:>6.2} ms | {commits:>8} | {syncs:>7} | {:>13} | {:>9.0} µs",
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        if commits > 0 { format!("{:.1}", latencies.len() as f64 / commits as f64) } else { "-".into() },
        cpu * 1e6 / latencies.len() as f64,
    );
}

/// Sends updates to its hosts in turn until `length` has passed; the latency of each.
fn client(http: SocketAddr, c: usize, hosts: &[(String, String)], started: Instant, length: Duration) -> Vec<Duration> {
    let mut latencies = Vec::new();
    let mut stream: Option<BufReader<TcpStream>> = None;
    for i in 0..MAX_PER_CLIENT {
        if started.elapsed() >= length {
            break;
        }
        let (host, token) = &hosts[i % hosts.len()];
        // A new address every time: every update is a real change.
        let ip = format!("10.{}.{}.{}", c, (i >> 8) & 255, i & 255);
        let request = format!("GET /nic/update?hostname={host}&myip={ip} HTTP/1.1\r\nHost: bench\r\nAuthorization: {}\r\nUser-Agent: bench\r\n\r\n", basic(host, token));
        let t0 = Instant::now();
        let conn = stream.get_or_insert_with(|| BufReader::new(TcpStream::connect(http).unwrap()));
        conn.get_mut().write_all(request.as_bytes()).unwrap();
        let (body, close) = read_response(conn);
        latencies.push(t0.elapsed());
        assert!(body.starts_with("good"), "update {i} of client {c} answered {body:?}");
        if close {
            stream = None;
        }
    }
    latencies
}

/// The body of one response, and whether the server closes the connection after it.
fn read_response(conn: &mut BufReader<TcpStream>) -> (String, bool) {
    let (mut length, mut close) = (0usize, false);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(conn.read_line(&mut line).unwrap() > 0, "the server closed the connection");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        } else if lower.starts_with("connection:") && lower.contains("close") {
            close = true;
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).unwrap();
    (String::from_utf8_lossy(&body).into_owned(), close)
}

/// The group commit's counters from /metrics (absent under `durability = "normal"`).
fn store_counts(http: SocketAddr) -> Option<(u64, u64)> {
    let mut stream = TcpStream::connect(http).unwrap();
    write!(stream, "GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let value = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok());
    Some((value("porchlight_store_commits_total ")?, value("porchlight_store_syncs_total ")?))
}
