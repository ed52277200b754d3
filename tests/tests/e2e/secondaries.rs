//! The appliance as a hidden primary: a real Knot DNS secondary pulls the zone by AXFR, is
//! told of changes by NOTIFY, follows them by IXFR, and answers an HTTP update's new address.
//! Transfers are refused to everyone the zone does not allow.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE, answers, basic, have_program, query_message, query_udp};

const HOST: &str = "nas.dyn.example.test";

/// A port free on 127.0.0.1 for both UDP and TCP.
fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// knotd as a secondary of `primary`, accepting NOTIFY from it; killed when dropped.
struct Knot {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Knot {
    fn start(port: u16, primary: SocketAddr) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let conf = format!(
            "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{port}\nlog:\n  - target: {d}/knot.log\n    any: info\n\
             database:\n  storage: \"{d}\"\nremote:\n  - id: primary\n    address: {}@{}\n\
             acl:\n  - id: from_primary\n    address: 127.0.0.1\n    action: notify\n\
             template:\n  - id: default\n    storage: \"{d}\"\n    zonefile-sync: -1\n    zonefile-load: none\n    journal-content: all\n\
             zone:\n  - domain: {ZONE}\n    master: primary\n    acl: from_primary\n",
            primary.ip(),
            primary.port()
        );
        let path = dir.path().join("knot.conf");
        std::fs::write(&path, conf).unwrap();
        let child = Command::new("knotd").args(["-c", path.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        Self { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), dir }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("knot.log")).unwrap_or_default()
    }

    /// Waits (at most 20 s) until the secondary answers `name` with `address`; returns how long.
    fn wait_for(&self, name: &str, address: &str) -> Duration {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if try_answers(self.addr, name).is_some_and(|a| a == [address]) {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the secondary never answered {name} {address}; its log:\n{}", self.log());
    }
}

/// The A answers of `server`, or None while it does not answer (still starting).
fn try_answers(server: SocketAddr, name: &str) -> Option<Vec<String>> {
    let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
    socket.set_read_timeout(Some(Duration::from_millis(200))).ok()?;
    socket.send_to(&query_message(name, RecordType::A, false), server).ok()?;
    let mut buf = [0u8; 1500];
    let (n, _) = socket.recv_from(&mut buf).ok()?;
    let message = porchlight_tests::hickory_proto::op::Message::from_vec(&buf[..n]).ok()?;
    Some(answers(&message, RecordType::A))
}

impl Drop for Knot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn knot_secondary_follows_http_updates_by_notify_and_ixfr() {
    if !have_program("knotd") {
        return;
    }
    let knot_port = free_port();
    let lab = Lab::start_with(|c| {
        c.zone[0].allow_transfer.push("127.0.0.1/32".into());
        c.zone[0].notify.push(format!("127.0.0.1:{knot_port}"));
    });
    let token = lab.host("a@example.com", HOST);
    let update = |ip: &str| {
        let r = lab.get(&format!("/nic/update?hostname={HOST}&myip={ip}"), &[("Authorization", &basic(HOST, &token))]);
        assert_eq!(r.body, format!("good {ip}"));
    };
    update("203.0.113.1");
    let knot = Knot::start(knot_port, lab.dns());
    knot.wait_for(HOST, "203.0.113.1");
    assert!(knot.log().contains("AXFR, incoming"), "first pull is a full transfer:\n{}", knot.log());

    let mut latencies = Vec::new();
    for i in 2..=6 {
        let ip = format!("203.0.113.{i}");
        let start = Instant::now();
        update(&ip);
        knot.wait_for(HOST, &ip);
        latencies.push(start.elapsed());
    }
    let log = knot.log();
    assert!(log.contains("IXFR, incoming"), "changes travel as increments:\n{log}");
    assert!(log.to_ascii_lowercase().contains("notify, incoming"), "the secondary heard of the changes:\n{log}");
    assert!(!log.contains("fallback to AXFR"), "the journal reached every serial:\n{log}");
    latencies.sort();
    println!(
        "secondary sync, HTTP update to Knot's new answer: median {:?}, max {:?} over {} updates",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
        latencies.len()
    );
    // The secondary holds the same serial as the primary.
    let soa = |server| query_udp(server, ZONE, RecordType::SOA).answers.first().map(|r| r.data.to_string());
    assert_eq!(soa(knot.addr), soa(lab.dns()));
}

#[test]
fn transfers_are_refused_unless_allowed_by_address_or_key() {
    if !have_program("dig") {
        return;
    }
    // Nothing is allowed by default.
    let lab = Lab::start();
    lab.host("a@example.com", HOST);
    let dig = |lab: &Lab, extra: &[&str]| {
        let port = lab.dns().port().to_string();
        let mut args = vec!["@127.0.0.1", "-p", port.as_str(), ZONE, "AXFR", "+time=3", "+tries=1"];
        args.extend_from_slice(extra);
        let out = Command::new("dig").args(&args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let out = dig(&lab, &[]);
    assert!(out.contains("Transfer failed") || out.contains("REFUSED"), "{out}");
    drop(lab);

    // Allowed by key only: unsigned is refused, signed gets the zone with a signed answer.
    let lab = Lab::start_with(|c| c.zone[0].allow_transfer.push("key:xfr.example".into()));
    lab.host("a@example.com", HOST);
    let session = lab.admin("root@example.com");
    let r = lab.api("POST", "/api/tsig-keys", Some(&session), Some(serde_json::json!({"name": "xfr.example", "algorithm": "hmac-sha256"})));
    let key = r.json()["key"]["nsupdate"].as_str().unwrap().to_string();
    assert!(dig(&lab, &[]).contains("Transfer failed"), "unsigned");
    let signed = dig(&lab, &["-y", &key]);
    assert!(signed.contains("IN\tSOA") && signed.contains("XFR size: 4 records"), "{signed}");
    assert!(!signed.contains("tsig verify failure") && !signed.contains("Transfer failed"), "{signed}");
    // AXFR is a TCP affair.
    let udp = porchlight_tests::query_udp(lab.dns(), ZONE, RecordType::AXFR);
    assert_ne!(udp.metadata.response_code, ResponseCode::NoError);
}
