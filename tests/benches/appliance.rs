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

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use porchlight_tests::bench::{Server, ZoneShape, fill};
use porchlight_tests::hickory_proto::op::Message;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{ZONE, basic, query_message};

const UPDATE_SAMPLES: usize = 1_000;
const UPDATE_TIME_LIMIT: Duration = Duration::from_secs(30);
const QPS_DURATION: Duration = Duration::from_secs(3);

fn main() {
    let bin = porchlight_tests::bench::release_binary();
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
    let shape = ZoneShape::addresses(names);
    let tokens = fill(dir.path(), shape);
    let mut server = Server::spawn(bin, runner, &dir.path().join("data"), &shape.host(names - 1));
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
                        let name = if nxdomain { format!("missing{n}.{ZONE}") } else { ZoneShape::addresses(names).host(n) };
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
