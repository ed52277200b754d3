//! A panic while answering one request or message stays there: the test binary is built with
//! the `fault-injection` feature, whose requests make answering panic on purpose (an HTTP
//! header; DNS questions naming `panic-fault` for the fast path and `panic-fault-full` for
//! the full one). The appliance runs as its own process, as it does on a router.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::Command;
use std::time::Duration;

use porchlight_tests::hickory_proto::op::Message;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Serving, answers, query_message, query_tcp, query_udp};

const ZONE: &str = "iso.example.test";

fn status(http: SocketAddr, fault: bool) -> String {
    let mut args = vec!["-s".to_string(), "-o".into(), "/dev/null".into(), "-w".into(), "%{http_code}".into(), "--max-time".into(), "10".into()];
    if fault {
        args.extend(["-H".into(), "X-Porchlight-Fault: panic".into()]);
    }
    args.push(format!("http://{http}/healthz"));
    String::from_utf8_lossy(&Command::new("curl").args(&args).output().unwrap().stdout).to_string()
}

/// Sends a UDP query and says whether any answer came within a second.
fn answered_udp(dns: SocketAddr, name: &str, rtype: RecordType) -> bool {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    socket.send_to(&query_message(name, rtype, true), dns).unwrap();
    let mut buf = [0u8; 4096];
    socket.recv(&mut buf).is_ok_and(|n| Message::from_vec(&buf[..n]).is_ok())
}

/// Sends a TCP query and says whether an answer came before the connection closed.
fn answered_tcp(dns: SocketAddr, name: &str) -> bool {
    let mut stream = TcpStream::connect(dns).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let query = query_message(name, RecordType::A, false);
    stream.write_all(&(query.len() as u16).to_be_bytes()).unwrap();
    stream.write_all(&query).unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).is_ok()
}

fn metric(http: SocketAddr, line: &str) -> u64 {
    let out = Command::new("curl").args(["-s", "--max-time", "10", &format!("http://{http}/metrics")]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines().find_map(|l| l.strip_prefix(line)).unwrap_or_else(|| panic!("no {line} in /metrics:\n{text}")).trim().parse().unwrap()
}

#[test]
fn a_panic_answers_its_own_request_and_nothing_else_notices() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let mut serving = Serving::start(home.path(), &["--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
    let (http, dns) = (serving.addr("HTTP:"), serving.addr("DNS:"));
    assert_eq!(status(http, false), "200");

    // HTTP: the faulty request gets 500; the next ones are served as before.
    assert_eq!(status(http, true), "500");
    for _ in 0..3 {
        assert_eq!(status(http, false), "200");
    }

    // DNS over UDP, fast path: the faulty message is dropped; the listener answers on.
    assert!(!answered_udp(dns, &format!("panic-fault.{ZONE}"), RecordType::A));
    assert_eq!(answers(&query_udp(dns, ZONE, RecordType::SOA), RecordType::SOA).len(), 1);
    // The full path (ANY goes there): the same.
    assert!(!answered_udp(dns, &format!("panic-fault-full.{ZONE}"), RecordType::ANY));
    assert!(answered_udp(dns, ZONE, RecordType::ANY));
    // TCP: the faulty message ends its connection; new connections are served.
    assert!(!answered_tcp(dns, &format!("panic-fault.{ZONE}")));
    assert_eq!(answers(&query_tcp(dns, ZONE, RecordType::SOA), RecordType::SOA).len(), 1);
    assert_eq!(answers(&query_udp(dns, ZONE, RecordType::SOA), RecordType::SOA).len(), 1);

    // Counted, and logged with where it happened.
    assert_eq!(metric(http, "porchlight_panics_total{where=\"http\"}"), 1);
    assert_eq!(metric(http, "porchlight_panics_total{where=\"dns\"}"), 3);
    let stderr = serving.stop();
    assert!(stderr.contains("panic: fault injected into an HTTP request") && stderr.contains("server/src/http/mod.rs:"), "{stderr}");
    assert!(stderr.contains("panic: fault injected into answering a DNS message") && stderr.contains("server/src/dns/fault.rs:"), "{stderr}");
}
