//! Soak: an hour (PORCHLIGHT_SOAK_SECONDS) of mixed work against the release binary, at a
//! steady rate a busy home lab would not reach: 8 routers updating 200 hosts with changing
//! addresses (and one in ten a `nochg`), 4 resolvers querying hits and misses over UDP, one
//! over TCP, and the UI's reads. Prints the server's RSS and open file descriptors once a
//! minute (PORCHLIGHT_SOAK_EVERY seconds), and at the end whether they stayed flat.
//!
//!   cargo build --release -p porchlight && cargo bench -p porchlight-tests --bench soak
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use porchlight_tests::bench::{release_binary, setting, Server, ZoneShape, fill};
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{ZONE, basic, query_message};

fn main() {
    let bin = release_binary();
    let seconds: u64 = setting("PORCHLIGHT_SOAK_SECONDS", 3600);
    let every: u64 = setting("PORCHLIGHT_SOAK_EVERY", 60);
    let dir = tempfile::tempdir().unwrap();
    let shape = ZoneShape::addresses(10_000);
    let tokens = Arc::new(fill(dir.path(), shape));
    let server = Server::spawn_with(&bin, None, &dir.path().join("data"), &shape.host(0), &format!("max_connections_per_address = 1000\n{}", porchlight_tests::bench::UNSIGNED));
    let stop = Arc::new(AtomicBool::new(false));
    let (updates, queries, failures) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut workers = Vec::new();
    for r in 0..8 {
        let (tokens, stop, updates, failures, http) = (tokens.clone(), stop.clone(), updates.clone(), failures.clone(), server.http);
        workers.push(std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let (host, token) = &tokens[(i * 8 + r) % tokens.len()];
                // One in ten repeats the last address (nochg); the rest change it.
                let ip = if i % 10 == 9 { format!("10.{r}.{}.{}", ((i - 1) >> 8) & 255, (i - 1) & 255) } else { format!("10.{r}.{}.{}", (i >> 8) & 255, i & 255) };
                let body = get(http, &format!("/nic/update?hostname={host}&myip={ip}"), &basic(host, token));
                if body.starts_with("good") || body.starts_with("nochg") { updates.fetch_add(1, Ordering::Relaxed) } else { failures.fetch_add(1, Ordering::Relaxed) };
                i += 1;
                std::thread::sleep(Duration::from_millis(40));
            }
        }));
    }
    for q in 0..4 {
        let (stop, queries, dns) = (stop.clone(), queries.clone(), server.dns);
        workers.push(std::thread::spawn(move || {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
            let mut buf = [0u8; 1500];
            let mut i = q;
            while !stop.load(Ordering::Relaxed) {
                let name = if i % 3 == 0 { format!("missing{i}.{ZONE}") } else { shape.host(i % shape.names) };
                socket.send_to(&query_message(&name, RecordType::A, true), dns).unwrap();
                if socket.recv_from(&mut buf).is_ok() {
                    queries.fetch_add(1, Ordering::Relaxed);
                }
                i += 4;
                std::thread::sleep(Duration::from_millis(2));
            }
        }));
    }
    {
        let (stop, queries, dns) = (stop.clone(), queries.clone(), server.dns);
        workers.push(std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let mut stream = TcpStream::connect(dns).unwrap();
                let query = query_message(&shape.host(i % shape.names), RecordType::A, false);
                stream.write_all(&(query.len() as u16).to_be_bytes()).unwrap();
                stream.write_all(&query).unwrap();
                let mut len = [0u8; 2];
                if stream.read_exact(&mut len).is_ok() {
                    queries.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        }));
    }
    {
        let (stop, http) = (stop.clone(), server.http);
        workers.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = get(http, "/metrics", "");
                let _ = get(http, "/", "");
                std::thread::sleep(Duration::from_secs(1));
            }
        }));
    }

    println!("{:>8} | {:>10} | {:>5} | {:>9} | {:>10} | {:>8}", "minute", "RSS", "fds", "updates", "queries", "failures");
    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_secs(every).min(Duration::from_secs(seconds).saturating_sub(started.elapsed())).max(Duration::from_millis(100)));
        let (rss, fds) = (server.rss_kib(), open_fds(server.pid()));
        samples.push((rss, fds));
        println!(
            "{:>8.1} | {:>6} KiB | {fds:>5} | {:>9} | {:>10} | {:>8}",
            started.elapsed().as_secs_f64() / 60.0,
            rss,
            updates.load(Ordering::Relaxed),
            queries.load(Ordering::Relaxed),
            failures.load(Ordering::Relaxed)
        );
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().unwrap();
    }
    // Flat: the last quarter's RSS within 10 % of the second quarter's (after warm-up), and
    // the descriptors back where they were.
    let quarter = samples.len() / 4;
    if quarter > 0 {
        let mean = |s: &[(u64, usize)]| s.iter().map(|x| x.0 as f64).sum::<f64>() / s.len() as f64;
        let (early, late) = (mean(&samples[quarter..2 * quarter]), mean(&samples[3 * quarter..]));
        println!(
            "RSS {:.0} KiB (second quarter) -> {:.0} KiB (last quarter): {:+.1} %; fds {} -> {}",
            early,
            late,
            (late / early - 1.0) * 100.0,
            samples[quarter].1,
            samples[samples.len() - 1].1
        );
    }
    println!("{} updates, {} queries, {} failures", updates.load(Ordering::Relaxed), queries.load(Ordering::Relaxed), failures.load(Ordering::Relaxed));
}

fn get(addr: SocketAddr, target: &str, auth: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(addr) else { return String::new() };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(stream, "GET {target} HTTP/1.1\r\nHost: soak\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n");
    let mut out = String::new();
    let _ = stream.read_to_string(&mut out);
    out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}
