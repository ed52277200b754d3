//! DNS conformance against a reference: Knot DNS, as a secondary, serves the very zone the
//! appliance serves (pulled by AXFR), and a generated query set goes to both. RCODE, the
//! AA and TC flags and the answer, authority and additional sections must match (ordering
//! aside); the differences that remain are listed below with the RFC that allows them.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use porchlight_tests::hickory_proto::op::{Edns, Message, Query};
use porchlight_tests::hickory_proto::rr::{Name, Record, RecordType};
use porchlight_tests::knot::{Knot, primary_lab};
use porchlight_tests::{Lab, ZONE, have_program};

const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";

/// Differences the appliance keeps on purpose: (query, reason).
const JUSTIFIED: &[(&str, &str)] = &[];

#[derive(Debug, PartialEq, Eq)]
struct Seen {
    rcode: String,
    aa: bool,
    tc: bool,
    answer: Vec<String>,
    authority: Vec<String>,
    additional: Vec<String>,
}

/// Records as text. Owner names of the answer keep their case (RFC 4343 §4.1: the question's
/// spelling is echoed); elsewhere case is not significant, and Knot's name compression
/// borrows the question's spelling for them, so it is folded.
fn strings(records: &[Record], keep_owner_case: bool) -> Vec<String> {
    let mut list: Vec<String> = records
        .iter()
        .filter(|r| !matches!(r.record_type(), RecordType::OPT | RecordType::TSIG))
        .map(|r| {
            let owner = if keep_owner_case { r.name.to_string() } else { r.name.to_string().to_ascii_lowercase() };
            format!("{owner} {} {} {}", r.ttl, r.record_type(), r.data.to_string().to_ascii_lowercase())
        })
        .collect();
    list.sort();
    list
}

fn seen(m: &Message) -> Seen {
    let tc = m.metadata.truncation;
    Seen {
        rcode: m.metadata.response_code.to_string(),
        aa: m.metadata.authoritative,
        tc,
        // A truncated answer's sections are whatever fitted; only its flags are compared.
        answer: if tc { Vec::new() } else { strings(&m.answers, true) },
        authority: if tc { Vec::new() } else { strings(&m.authorities, false) },
        additional: if tc { Vec::new() } else { strings(&m.additionals, false) },
    }
}

/// One query of the set.
struct Case {
    name: String,
    rtype: RecordType,
    edns: Option<u16>,
    tcp: bool,
    /// The DO bit (with EDNS).
    dnssec: bool,
}

impl Case {
    fn label(&self) -> String {
        let edns = self.edns.map_or("no EDNS".to_string(), |s| format!("EDNS {s}{}", if self.dnssec { " DO" } else { "" }));
        format!("{} {} ({edns}, {})", self.name, self.rtype, if self.tcp { "TCP" } else { "UDP" })
    }

    fn bytes(&self) -> Vec<u8> {
        let mut m = Message::query();
        m.metadata.id = 4242;
        m.metadata.recursion_desired = false;
        m.add_query(Query::query(Name::from_ascii(&self.name).unwrap(), self.rtype));
        if let Some(size) = self.edns {
            let mut edns = Edns::new();
            edns.set_max_payload(size);
            edns.set_dnssec_ok(self.dnssec);
            m.edns = Some(edns);
        }
        m.to_vec().unwrap()
    }

    fn ask(&self, server: SocketAddr) -> Message {
        let bytes = self.bytes();
        let raw = if self.tcp {
            let mut s = TcpStream::connect(server).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
            s.write_all(&(bytes.len() as u16).to_be_bytes()).unwrap();
            s.write_all(&bytes).unwrap();
            let mut len = [0u8; 2];
            s.read_exact(&mut len).unwrap();
            let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
            s.read_exact(&mut buf).unwrap();
            buf
        } else {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
            s.send_to(&bytes, server).unwrap();
            let mut buf = vec![0u8; 65_535];
            let (n, _) = s.recv_from(&mut buf).unwrap();
            buf.truncate(n);
            buf
        };
        Message::from_vec(&raw).unwrap()
    }
}

pub(crate) fn record(lab: &Lab, admin: &str, body: serde_json::Value) {
    let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(admin), Some(body.clone()));
    assert_eq!(r.status, 201, "{body}: {}", r.body);
}

/// The zone both servers serve: every feature the query set touches.
pub(crate) fn populate(lab: &Lab, admin: &str) {
    use serde_json::json;
    let long_text = "v=DKIM1; k=rsa; p=".to_string() + &"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(12);
    for body in [
        json!({"type": "A", "name": "www", "content": "192.0.2.10"}),
        json!({"type": "AAAA", "name": "www", "content": "2001:db8::10"}),
        json!({"type": "CNAME", "name": "alias", "content": format!("www.{ZONE}")}),
        json!({"type": "CNAME", "name": "chain", "content": format!("alias.{ZONE}")}),
        json!({"type": "CNAME", "name": "outside", "content": "target.example.org"}),
        json!({"type": "A", "name": "*.wild", "content": "192.0.2.20"}),
        json!({"type": "TXT", "name": "*.wild", "content": "wild text"}),
        json!({"type": "A", "name": "a.b.c", "content": "192.0.2.30"}),
        json!({"type": "MX", "name": "mail", "content": format!("mx1.{ZONE}"), "priority": 10}),
        json!({"type": "MX", "name": "mail", "content": "mx.example.org", "priority": 20}),
        json!({"type": "A", "name": "mx1", "content": "192.0.2.40"}),
        json!({"type": "SRV", "name": "_sip._tcp", "content": format!("sip.{ZONE}"), "priority": 0, "weight": 5, "port": 5060}),
        json!({"type": "A", "name": "sip", "content": "192.0.2.50"}),
        json!({"type": "TXT", "name": "long", "content": long_text}),
        json!({"type": "TXT", "name": "long", "content": "second string"}),
        json!({"type": "CAA", "name": "www", "content": "0 issue \"letsencrypt.org\""}),
        json!({"type": "NS", "name": "sub", "content": format!("ns.sub.{ZONE}")}),
        json!({"type": "A", "name": "ns.sub", "content": "192.0.2.60"}),
    ] {
        record(lab, admin, body);
    }
}

fn cases(dnssec: bool) -> Vec<Case> {
    let names = [
        ZONE.to_string(),
        format!("www.{ZONE}"),
        "WwW.Dyn.Example.TEST".to_string(),
        format!("alias.{ZONE}"),
        format!("chain.{ZONE}"),
        format!("outside.{ZONE}"),
        format!("x.wild.{ZONE}"),
        format!("y.x.wild.{ZONE}"),
        format!("wild.{ZONE}"),
        format!("b.c.{ZONE}"),
        format!("c.{ZONE}"),
        format!("a.b.c.{ZONE}"),
        format!("nothing.{ZONE}"),
        format!("mail.{ZONE}"),
        format!("_sip._tcp.{ZONE}"),
        format!("_tcp.{ZONE}"),
        format!("long.{ZONE}"),
        format!("sub.{ZONE}"),
        format!("host.sub.{ZONE}"),
        format!("ns1.{ZONE}"),
        "example.org".to_string(),
    ];
    let types = [
        RecordType::A,
        RecordType::AAAA,
        RecordType::TXT,
        RecordType::MX,
        RecordType::SRV,
        RecordType::NS,
        RecordType::SOA,
        RecordType::CNAME,
        RecordType::CAA,
        RecordType::ANY,
        RecordType::Unknown(65_400),
    ];
    let mut cases = Vec::new();
    for name in &names {
        for rtype in types {
            cases.push(Case { name: format!("{name}."), rtype, edns: Some(1232), tcp: false, dnssec });
        }
    }
    // Sizes: the long TXT set without EDNS, with a small and a large buffer, and over TCP.
    for (edns, tcp) in [(None, false), (Some(512), false), (Some(4096), false), (None, true), (Some(1232), true)] {
        for name in [format!("long.{ZONE}."), format!("mail.{ZONE}."), format!("{ZONE}.")] {
            cases.push(Case { name, rtype: RecordType::TXT, edns, tcp, dnssec: dnssec && edns.is_some() });
        }
        cases.push(Case { name: format!("www.{ZONE}."), rtype: RecordType::ANY, edns, tcp, dnssec: dnssec && edns.is_some() });
    }
    cases
}

#[test]
fn answers_match_knot_serving_the_same_zone() {
    if !have_program("knotd") {
        return;
    }
    let (lab, port) = primary_lab();
    compare_with_knot(&lab, port, false);
}

/// The same with the zone signed and every query with DO: Knot, a secondary without the key,
/// serves the signed zone it transferred, and picks its own RRSIGs and NSEC3 proofs.
#[test]
fn signed_answers_match_knot_serving_the_same_signed_zone() {
    if !have_program("knotd") {
        return;
    }
    let port = porchlight_tests::knot::free_port();
    let lab = crate::dnssec::signed_primary(Some(port));
    compare_with_knot(&lab, port, true);
}

fn compare_with_knot(lab: &Lab, port: u16, dnssec: bool) {
    let admin = lab.admin("root@example.com");
    populate(lab, &admin);
    let knot = Knot::start(port, lab.dns());
    knot.wait_for(&format!("mx1.{ZONE}"), "192.0.2.40");

    let cases = cases(dnssec);
    let fast_before = fast_answers(lab);
    let mut matched = 0;
    let mut differences = Vec::new();
    for case in &cases {
        let ours = seen(&case.ask(lab.dns()));
        let theirs = seen(&case.ask(knot.addr));
        if ours == theirs {
            matched += 1;
        } else {
            differences.push((case.label(), ours, theirs));
        }
    }
    // Every plain question (not ANY) came from the pre-encoded answers of the fast path.
    let plain = cases.iter().filter(|c| c.rtype != RecordType::ANY).count() as u64;
    let fast = fast_answers(lab) - fast_before;
    println!("conformance{}: {} queries, {matched} match Knot, {} differ; {fast} answered by the fast path", if dnssec { " (signed, DO)" } else { "" }, cases.len(), differences.len());
    assert!(fast >= plain, "only {fast} of {plain} plain questions took the fast path");
    let mut unexplained = Vec::new();
    for (label, ours, theirs) in &differences {
        match JUSTIFIED.iter().find(|(q, _)| label.starts_with(q)) {
            Some((_, why)) => println!("  justified: {label}: {why}"),
            None => unexplained.push(format!("{label}\n  porchlight: {ours:?}\n  knot:       {theirs:?}")),
        }
    }
    assert!(unexplained.is_empty(), "{} unexplained differences:\n{}", unexplained.len(), unexplained.join("\n"));
}

/// The appliance's count of fast-path answers, from `/metrics`.
fn fast_answers(lab: &Lab) -> u64 {
    let text = lab.get("/metrics", &[]).body;
    text.lines()
        .find_map(|l| l.strip_prefix("porchlight_dns_responses_by_path_total{path=\"fast\"} "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no fast-path count in /metrics:\n{text}"))
}
