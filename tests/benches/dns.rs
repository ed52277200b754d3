//! The DNS answer engine against Knot, in one run: the same generated zone served by the
//! release binary (from its database) and by `knotd` (from a zone file the binary exported),
//! loaded by `dnsperf` in turn, rounds interleaved. Prints, per server, queries per
//! server-CPU-second, queries per second, average and maximum latency, RSS and start-up, and
//! the ratios — for a mixed query set (60 % A, 15 % AAAA, 20 % NXDOMAIN, 3 % TXT, 2 % A via a
//! CNAME), positive-only and NXDOMAIN-only. Then the same zone signed (DNSSEC: porchlight with
//! `dnssec = true`, Knot with automatic signing, both ECDSA P-256 and NSEC3 without
//! iterations or salt), the same query sets sent with DO=1, and porchlight's signed figures
//! against its own unsigned ones (PORCHLIGHT_BENCH_DNSSEC=0 skips the signed round).
//!
//!   cargo build --release -p porchlight && cargo bench -p porchlight-tests --bench dns
//!
//! Installs nothing: without `knotd` and `dnsperf` (Debian packages `knot`, `dnsperf`) it
//! says so and stops. PORCHLIGHT_BIN picks the binary; PORCHLIGHT_BENCH_NAMES the sizes
//! (default `10000,100000`); PORCHLIGHT_BENCH_SECONDS one run's length (default 15);
//! PORCHLIGHT_BENCH_ROUNDS the rounds (default 2); PORCHLIGHT_BENCH_PIN=1 puts dnsperf on the
//! first CPU and both servers on the others (with `taskset`), so that the client does not
//! compete with the server it measures (latency is then the servers' own).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use porchlight_tests::bench::{Server, ZoneShape, command, cpu_seconds, fill, rss_kib, wait_for_answer};
use porchlight_tests::knot::free_port;
use porchlight_tests::{ZONE, have_program};

/// dnsperf's load: one thread, 8 sockets, 200 queries outstanding, EDNS on.
const DNSPERF_ARGS: &[&str] = &["-T", "1", "-c", "8", "-q", "200", "-e"];

fn main() {
    let missing: Vec<&str> = ["knotd", "dnsperf"].into_iter().filter(|p| !have_program(p)).collect();
    if !missing.is_empty() {
        println!("dns bench: {} not installed (Debian packages knot, dnsperf); nothing measured", missing.join(" and "));
        return;
    }
    let bin = porchlight_tests::bench::release_binary();
    let number = |key: &str, default: u64| std::env::var(key).ok().map_or(default, |v| v.trim().parse().unwrap_or_else(|_| panic!("{key}: a number")));
    let seconds = number("PORCHLIGHT_BENCH_SECONDS", 15);
    let rounds = number("PORCHLIGHT_BENCH_ROUNDS", 2);
    let sizes = std::env::var("PORCHLIGHT_BENCH_NAMES").unwrap_or_else(|_| "10000,100000".into());
    let knot_version = Command::new("knotd").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    println!("binary: {} ({} bytes); reference: {knot_version}", bin.display(), std::fs::metadata(&bin).unwrap().len());
    println!("dnsperf {} -l {seconds}, {rounds} interleaved rounds per query set", DNSPERF_ARGS.join(" "));
    let base = baseline_rss(&bin);
    println!("porchlight serving one name: {:.1} MiB (the process without a zone to speak of)", mib(base));
    let signed = std::env::var("PORCHLIGHT_BENCH_DNSSEC").map_or(true, |v| v != "0");
    for names in sizes.split(',').map(|n| n.trim().parse::<usize>().expect("PORCHLIGHT_BENCH_NAMES: numbers separated by commas")) {
        let unsigned = compare(&bin, names, seconds, rounds, base, false);
        if signed {
            let dnssec = compare(&bin, names, seconds, rounds, base, true);
            println!("porchlight signed (DO=1) against its own unsigned answers, queries per CPU-second:");
            for ((label, plain), (_, signed)) in unsigned.iter().zip(dnssec.iter()) {
                println!("  {label:<15} {:>10.0} / {:>10.0} = {:.2}x", signed, plain, signed / plain);
            }
        }
    }
}

/// RSS of the binary serving a zone of one name, after a moment of load.
fn baseline_rss(bin: &Path) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let shape = ZoneShape::addresses(1);
    fill(dir.path(), shape);
    let server = Server::spawn(bin, None, &dir.path().join("data"), &shape.host(0));
    let file = dir.path().join("one");
    std::fs::write(&file, format!("{} A\n", shape.host(0))).unwrap();
    dnsperf(server.dns, &file, 1, server.pid(), false);
    server.rss_kib()
}

/// What one server did under one query set, summed over the rounds.
#[derive(Default, Clone, Copy)]
struct Load {
    queries: u64,
    lost: u64,
    cpu: f64,
    wall: f64,
    /// Latency sum (for the average) and the maximum, seconds.
    latency_sum: f64,
    latency_max: f64,
}

impl Load {
    fn per_cpu(&self) -> f64 {
        self.queries as f64 / self.cpu.max(0.01)
    }
    fn qps(&self) -> f64 {
        self.queries as f64 / self.wall.max(0.001)
    }
    fn avg_ms(&self) -> f64 {
        self.latency_sum / (self.queries.max(1) as f64) * 1e3
    }
}

/// One size, unsigned or signed (queries then with DO=1); returns porchlight's queries per
/// CPU-second per query set.
fn compare(bin: &Path, names: usize, seconds: u64, rounds: u64, base: u64, dnssec: bool) -> Vec<(&'static str, f64)> {
    let shape = ZoneShape { names, aaaa_every: 4, txt_every: 20, cname_every: 50 };
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), shape);
    let data = dir.path().join("data");
    let zone_file = dir.path().join("zone");
    let export = command(bin, None).args(["zone", "export", ZONE, "--data-dir", data.to_str().unwrap(), "--zone", ZONE]).output().unwrap();
    assert!(export.status.success(), "zone export failed: {}", String::from_utf8_lossy(&export.stderr));
    std::fs::write(&zone_file, &export.stdout).unwrap();
    let records = String::from_utf8_lossy(&export.stdout).lines().filter(|l| !l.starts_with(';') && !l.starts_with('$')).count();

    let probe = shape.host(names - 1);
    let settings = format!("[[zone]]\nname = \"{ZONE}\"\ndnssec = {dnssec}\n");
    let mut ours = Server::spawn_with(bin, None, &data, &probe, &settings);
    let knot = Knot::start(dir.path(), &zone_file, &probe, dnssec);
    if pinned() {
        for pid in [ours.pid(), knot.child.id()] {
            let moved = Command::new("taskset").args(["-a", "-p", "-c", &server_cpus(), &pid.to_string()]).output().is_ok_and(|o| o.status.success());
            assert!(moved, "taskset could not pin process {pid}");
        }
    }
    let sets = query_sets(dir.path(), shape);
    println!("\n{names} names, {records} records{}", if dnssec { ", signed; every query with DO=1" } else { "" });
    let mut figures = Vec::new();
    let mut table = String::new();
    writeln!(table, "{:<15} {:<10} {:>12} {:>10} {:>9} {:>9} {:>6}", "query set", "server", "q/CPU-s", "q/s", "avg ms", "max ms", "lost").unwrap();
    for (label, file) in &sets {
        let (mut mine, mut theirs) = (Load::default(), Load::default());
        for _ in 0..rounds {
            add(&mut mine, dnsperf(ours.dns, file, seconds, ours.pid(), dnssec));
            add(&mut theirs, dnsperf(knot.addr, file, seconds, knot.child.id(), dnssec));
        }
        figures.push((*label, mine.per_cpu()));
        for (server, load) in [("porchlight", mine), ("knot", theirs)] {
            writeln!(
                table,
                "{label:<15} {server:<10} {:>12.0} {:>10.0} {:>9.3} {:>9.3} {:>6}",
                load.per_cpu(),
                load.qps(),
                load.avg_ms(),
                load.latency_max * 1e3,
                load.lost
            )
            .unwrap();
        }
        writeln!(
            table,
            "{label:<15} {:<10} {:>11.2}x {:>9.2}x {:>8.2}x",
            "ratio",
            mine.per_cpu() / theirs.per_cpu(),
            mine.qps() / theirs.qps(),
            mine.avg_ms() / theirs.avg_ms().max(1e-9)
        )
        .unwrap();
    }
    let (rss_ours, rss_knot) = (ours.rss_kib(), rss_kib(knot.child.id()));
    writeln!(
        table,
        "RSS loaded: porchlight {:.1} MiB, knot {:.1} MiB, ratio {:.2}; porchlight's zone view {:.0} B per record (RSS above the one-name process)",
        mib(rss_ours),
        mib(rss_knot),
        rss_ours as f64 / rss_knot as f64,
        rss_ours.saturating_sub(base) as f64 * 1024.0 / records as f64
    )
    .unwrap();
    writeln!(table, "start-up to first answer: porchlight {:.3} s, knot {:.3} s", ours.start_up.as_secs_f64(), knot.start_up.as_secs_f64()).unwrap();
    print!("{table}");
    ours.stop();
    figures
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn add(total: &mut Load, run: Load) {
    total.queries += run.queries;
    total.lost += run.lost;
    total.cpu += run.cpu;
    total.wall += run.wall;
    total.latency_sum += run.latency_sum;
    total.latency_max = total.latency_max.max(run.latency_max);
}

/// The query files: (label, path).
fn query_sets(dir: &Path, shape: ZoneShape) -> Vec<(&'static str, PathBuf)> {
    const LINES: usize = 200_000;
    // A fixed pseudo-random sequence, so both servers and every run see the same queries.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // A host that has the record kind every `every`-th host has.
    let pick = |next: &mut dyn FnMut(usize) -> usize, every: usize| next(shape.names.div_ceil(every)) * every;
    let mut mixed = String::new();
    let mut positive = String::new();
    let mut negative = String::new();
    for _ in 0..LINES {
        let roll = next(100);
        let line = match roll {
            0..60 => format!("{} A", shape.host(next(shape.names))),
            60..75 => format!("{} AAAA", shape.host(pick(&mut next, shape.aaaa_every))),
            75..95 => format!("nx{}.{ZONE} A", next(1_000_000)),
            95..98 => format!("{} TXT", shape.host(pick(&mut next, shape.txt_every))),
            _ => format!("c{}.{ZONE} A", pick(&mut next, shape.cname_every)),
        };
        mixed.push_str(&line);
        mixed.push('\n');
        positive.push_str(&format!("{} A\n", shape.host(next(shape.names))));
        negative.push_str(&format!("nx{}.{ZONE} A\n", next(1_000_000)));
    }
    [("mixed", mixed), ("positive only", positive), ("NXDOMAIN only", negative)]
        .into_iter()
        .map(|(label, text)| {
            let path = dir.join(label.replace(' ', "-"));
            std::fs::write(&path, text).unwrap();
            (label, path)
        })
        .collect()
}

/// One dnsperf run against `server` (process `pid`), and the server's CPU time during it;
/// `dnssec`: every query with DO=1.
fn dnsperf(server: SocketAddr, file: &Path, seconds: u64, pid: u32, dnssec: bool) -> Load {
    let cpu_before = cpu_seconds(pid);
    let started = Instant::now();
    let mut dnsperf = if pinned() {
        let mut c = Command::new("taskset");
        c.args(["-c", "0", "dnsperf"]);
        c
    } else {
        Command::new("dnsperf")
    };
    let out = dnsperf
        .args(["-s", &server.ip().to_string(), "-p", &server.port().to_string(), "-d", file.to_str().unwrap(), "-l", &seconds.to_string()])
        .args(DNSPERF_ARGS)
        .args(if dnssec { &["-D"][..] } else { &[] })
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_before;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |label: &str| -> Option<&str> { text.lines().find_map(|l| l.trim().strip_prefix(label)).map(str::trim) };
    let first_number = |s: &str| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok());
    let completed = field("Queries completed:").and_then(first_number).unwrap_or_else(|| panic!("dnsperf said:\n{text}")) as u64;
    let lost = field("Queries lost:").and_then(first_number).unwrap_or(0.0) as u64;
    let run_time = field("Run time (s):").and_then(first_number).unwrap_or(wall);
    let latency = field("Average Latency (s):").unwrap_or("");
    let average = first_number(latency).unwrap_or(0.0);
    let max = latency.split("max ").nth(1).and_then(|m| m.trim_end_matches(')').parse::<f64>().ok()).unwrap_or(0.0);
    Load { queries: completed, lost, cpu, wall: run_time, latency_sum: average * completed as f64, latency_max: max }
}

/// Whether the client and the servers run on CPUs of their own (PORCHLIGHT_BENCH_PIN=1).
fn pinned() -> bool {
    std::env::var("PORCHLIGHT_BENCH_PIN").is_ok_and(|v| v == "1")
}

/// The CPUs the servers get when pinned: all but the first.
fn server_cpus() -> String {
    let cpus = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get).max(2);
    format!("1-{}", cpus - 1)
}

/// knotd serving the exported zone file; `dnssec`: signing it as it loads (ECDSA P-256, one
/// combined key, NSEC3 without iterations or salt: what porchlight does).
struct Knot {
    child: Child,
    addr: SocketAddr,
    start_up: Duration,
}

impl Knot {
    fn start(dir: &Path, zone_file: &Path, probe: &str, dnssec: bool) -> Self {
        let port = free_port();
        let run = dir.join(if dnssec { "knot-signed" } else { "knot" });
        std::fs::create_dir_all(&run).unwrap();
        let d = run.display();
        let conf = format!(
            "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{port}\nlog:\n  - target: stderr\n    any: error\n\
             database:\n  storage: \"{d}\"\n\
             policy:\n  - id: bench\n    algorithm: ecdsap256sha256\n    single-type-signing: on\n    nsec3: on\n    nsec3-iterations: 0\n    nsec3-salt-length: 0\n\
             template:\n  - id: default\n    storage: \"{d}\"\n    zonefile-sync: -1\n    journal-content: none\n\
             zone:\n  - domain: {ZONE}\n    file: \"{}\"\n{}",
            zone_file.display(),
            if dnssec { "    dnssec-signing: on\n    dnssec-policy: bench\n" } else { "" }
        );
        let path = run.join("knot.conf");
        std::fs::write(&path, conf).unwrap();
        let started = Instant::now();
        let child = Command::new("knotd").args(["-c", path.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        wait_for_answer(addr, probe, started);
        Self { child, addr, start_up: started.elapsed() }
    }
}

impl Drop for Knot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
