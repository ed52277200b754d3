//! Knot DNS as a secondary of a lab: the reference server the DNS tests compare against.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hickory_proto::rr::RecordType;

use crate::{Lab, ZONE, answers, query_message};

/// A lab whose zone 127.0.0.1 may transfer and which NOTIFYs the returned port, where a
/// [`Knot`] secondary is to be started.
pub fn primary_lab() -> (Lab, u16) {
    let port = free_port();
    let lab = Lab::start_with(|c| {
        c.zone[0].allow_transfer.push("127.0.0.1/32".into());
        c.zone[0].notify.push(format!("127.0.0.1:{port}"));
    });
    (lab, port)
}

/// A port free on 127.0.0.1 for both UDP and TCP.
pub fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// knotd as a secondary of `primary`, accepting NOTIFY from it; killed when dropped.
pub struct Knot {
    child: Child,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Knot {
    pub fn start(port: u16, primary: SocketAddr) -> Self {
        Self::with_zones(port, primary, &format!("zone:\n  - domain: {ZONE}\n    master: primary\n    acl: from_primary\n"))
    }

    /// knotd configured with nothing but the catalog zone `catalog` of `primary`: every zone
    /// it lists is provisioned from it (RFC 9432), pulled from the same primary.
    pub fn consuming_catalog(port: u16, primary: SocketAddr, catalog: &str) -> Self {
        Self::with_zones(
            port,
            primary,
            &format!(
                "zone:\n  - domain: {catalog}\n    master: primary\n    acl: from_primary\n    catalog-role: interpret\n    catalog-template: member\n"
            ),
        )
    }

    fn with_zones(port: u16, primary: SocketAddr, zones: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let conf = format!(
            "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{port}\nlog:\n  - target: {d}/knot.log\n    any: info\n\
             database:\n  storage: \"{d}\"\nremote:\n  - id: primary\n    address: {}@{}\n\
             acl:\n  - id: from_primary\n    address: 127.0.0.1\n    action: notify\n\
             template:\n  - id: default\n    storage: \"{d}\"\n    zonefile-sync: -1\n    zonefile-load: none\n    journal-content: all\n  - id: member\n    storage: \"{d}\"\n    zonefile-sync: -1\n    zonefile-load: none\n    journal-content: all\n    master: primary\n    acl: from_primary\n\
             {zones}",
            primary.ip(),
            primary.port()
        );
        let path = dir.path().join("knot.conf");
        std::fs::write(&path, conf).unwrap();
        let child = Command::new("knotd").args(["-c", path.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        Self { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), dir }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("knot.log")).unwrap_or_default()
    }

    /// Waits (at most 20 s) until the secondary answers `name` with `address`; returns how long.
    pub fn wait_for(&self, name: &str, address: &str) -> Duration {
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
pub fn try_answers(server: SocketAddr, name: &str) -> Option<Vec<String>> {
    let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
    socket.set_read_timeout(Some(Duration::from_millis(200))).ok()?;
    socket.send_to(&query_message(name, RecordType::A, false), server).ok()?;
    let mut buf = [0u8; 1500];
    let (n, _) = socket.recv_from(&mut buf).ok()?;
    let message = hickory_proto::op::Message::from_vec(&buf[..n]).ok()?;
    Some(answers(&message, RecordType::A))
}

impl Drop for Knot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

