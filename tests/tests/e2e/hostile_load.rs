//! Hostile load on loopback, against the appliance as its own process: a thousand slow HTTP
//! connections (slow-loris) and a thousand idle DNS-over-TCP connections, first from one
//! address and then spread over a hundred, while a normal router updates and a normal
//! resolver asks from another address. Prints what held and how long the normal client
//! waited. `cargo test -p porchlight-tests --test e2e hostile_load -- --nocapture`.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use porchlight_tests::bench::{TOKENS, ZoneShape, fill};
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Serving, ZONE, answers, basic, connect_from, query_tcp, query_udp};

const FLOOD: usize = 1_000;

/// Opens `FLOOD` connections to `server` from `sources` in turn, each sending `first` and
/// then nothing; returns those the server has not closed a moment later.
fn flood(server: SocketAddr, sources: &[String], first: &[u8]) -> Vec<TcpStream> {
    let mut open = Vec::new();
    for i in 0..FLOOD {
        let mut stream = connect_from(&sources[i % sources.len()], server);
        let _ = stream.write_all(first);
        open.push(stream);
    }
    std::thread::sleep(Duration::from_millis(300));
    open.retain(|stream| {
        stream.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 64];
        // Still open: nothing to read yet. Closed (or answered 429/503 and closed): data or EOF.
        matches!((&*stream).read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    });
    open
}

/// A normal router's update from 127.0.0.1, retried once a second while refused (503 or a
/// closed connection, as a router retries);
/// the time until it was answered `good`.
fn router_update(http: SocketAddr, host: &str, token: &str, ip: &str) -> Duration {
    let started = Instant::now();
    for _ in 0..10 {
        let mut stream = TcpStream::connect(http).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        // Refused while every slot is taken: the server may answer 503 and close before the
        // request is even written.
        let _ = write!(stream, "GET /nic/update?hostname={host}&myip={ip} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nConnection: close\r\n\r\n", basic(host, token));
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        if answer.ends_with(&format!("good {ip}")) {
            return started.elapsed();
        }
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 503"), "the router got {answer:?}");
        std::thread::sleep(Duration::from_secs(1));
    }
    panic!("the router's update never got through");
}

#[test]
fn slow_and_idle_connections_do_not_stop_normal_clients() {
    let home = tempfile::tempdir().unwrap();
    let tokens = fill(home.path(), ZoneShape::addresses(TOKENS));
    let data = home.path().join("data");
    let serving = Serving::start(home.path(), &["--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
    let (http, dns) = (serving.addr("HTTP:"), serving.addr("DNS:"));
    let (host, token) = &tokens[0];
    let one = vec!["127.0.0.2".to_string()];
    let hundred: Vec<String> = (1..=100).map(|i| format!("127.0.1.{i}")).collect();

    for (label, sources) in [("one address", &one), ("100 addresses", &hundred)] {
        let held = flood(http, sources, b"GET /ip HTTP/1.1\r\nHost: x\r\n");
        let waited = router_update(http, host, token, &format!("203.0.113.{}", sources.len()));
        println!("HTTP slow-loris, {FLOOD} connections from {label}: {} held by the server; a router's update answered good after {waited:?}", held.len());
        if sources.len() == 1 {
            assert!(held.len() <= 16, "one address holds at most its share: {}", held.len());
        }
        drop(held);

        let held = flood(dns, sources, b"");
        let started = Instant::now();
        let over_tcp = answers(&query_tcp(dns, host, RecordType::A), RecordType::A);
        let tcp_waited = started.elapsed();
        let over_udp = answers(&query_udp(dns, host, RecordType::A), RecordType::A);
        println!("DNS over TCP, {FLOOD} idle connections from {label}: {} open (held, or waiting to be accepted); a query over TCP answered after {tcp_waited:?}, over UDP at once", held.len());
        assert_eq!(over_tcp, vec![format!("203.0.113.{}", sources.len())]);
        assert_eq!(over_udp, over_tcp);
        if sources.len() == 1 {
            assert!(held.len() <= 16, "one address holds at most its share: {}", held.len());
        }
        drop(held);
    }
}
