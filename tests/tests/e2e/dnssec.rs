//! DNSSEC: a signed zone validates with the real validators. `delv`, trusting only the DS
//! that `porchlight zone ds` prints, says `fully validated` for positive answers, NXDOMAIN,
//! NODATA, a wildcard, a CNAME chain, an empty non-terminal, a referral without DS, and an
//! address an HTTP update set a moment before; the zone pulled by AXFR passes
//! `dnssec-verify`; a flipped bit in a signature fails validation; and answers without DO
//! are byte for byte what an unsigned zone gives.

use std::path::Path;
use std::process::Command;

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE, basic, have_program, run_porchlight};

use crate::conformance::populate;

pub(crate) const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";

/// A lab whose zone is signed, transferable from loopback, and NOTIFYs a secondary on
/// loopback's `secondary_port` (if any).
pub(crate) fn signed_primary(secondary_port: Option<u16>) -> Lab {
    Lab::start_with(|c| {
        c.zone[0].dnssec = Some(true);
        c.zone[0].allow_transfer.push("127.0.0.1/32".into());
        c.zone[0].notify.extend(secondary_port.map(|port| format!("127.0.0.1:{port}")));
    })
}

/// [`signed_primary`] with the conformance test's records, and an administrator's session.
pub(crate) fn signed_lab() -> (Lab, String) {
    let lab = signed_primary(None);
    let admin = lab.admin("root@example.com");
    populate(&lab, &admin);
    (lab, admin)
}

/// `porchlight zone ds` for the lab's zone, written as delv's trust anchor; returns the DS line.
fn trust_anchor(lab: &Lab, file: &Path) -> String {
    let data = lab.data_dir();
    let out = run_porchlight(None, &["zone", "ds", ZONE, "--data-dir", data.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[..4], [&format!("{ZONE}.") as &str, "IN", "DS", fields[3]]);
    assert_eq!((fields[2], fields[4], fields[5]), ("DS", "13", "2"), "{line}");
    assert_eq!(fields[6].len(), 64, "a SHA-256 digest: {line}");
    std::fs::write(file, format!("trust-anchors {{ {} static-ds {} {} {} \"{}\"; }};\n", fields[0], fields[3], fields[4], fields[5], fields[6])).unwrap();
    line
}

/// A directory holding the lab zone's trust anchor (see [`trust_anchor`]), and its path.
fn anchored(lab: &Lab) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let anchors = dir.path().join("anchors.conf");
    trust_anchor(lab, &anchors);
    (dir, anchors)
}

/// delv's verdict on `name`/`rtype` from the lab, trusting `anchors` only.
fn delv(server: std::net::SocketAddr, anchors: &Path, name: &str, rtype: &str) -> String {
    let out = Command::new("delv")
        .args(["-a", anchors.to_str().unwrap(), &format!("+root={ZONE}"), "-p", &server.port().to_string(), "@127.0.0.1", name, rtype, "+nomtrace"])
        .output()
        .unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn delv_validates_every_kind_of_answer_and_the_zone_transfer_verifies() {
    if !have_program("delv") {
        return;
    }
    let (lab, admin) = signed_lab();
    let dir = tempfile::tempdir().unwrap();
    let anchors = dir.path().join("anchors.conf");
    trust_anchor(&lab, &anchors);
    // (case, name, type, what delv must say besides "fully validated")
    let cases = [
        ("positive", format!("www.{ZONE}"), "A", "192.0.2.10"),
        ("the apex SOA", ZONE.to_string(), "SOA", "hostmaster"),
        ("NXDOMAIN", format!("nope.{ZONE}"), "A", "NXDOMAIN"),
        ("NXDOMAIN deeper", format!("x.y.www.{ZONE}"), "AAAA", "NXDOMAIN"),
        ("NODATA", format!("www.{ZONE}"), "TXT", "NXRRSET"),
        ("wildcard", format!("anything.wild.{ZONE}"), "A", "192.0.2.20"),
        ("wildcard, two labels", format!("a.b.wild.{ZONE}"), "TXT", "wild text"),
        ("wildcard NODATA", format!("anything.wild.{ZONE}"), "AAAA", "NXRRSET"),
        ("CNAME chain", format!("chain.{ZONE}"), "A", "192.0.2.10"),
        ("CNAME to a missing type", format!("alias.{ZONE}"), "MX", "NXRRSET"),
        ("empty non-terminal", format!("b.c.{ZONE}"), "A", "NXRRSET"),
        ("MX with in-zone target", format!("mail.{ZONE}"), "MX", "mx1.dyn.example.test"),
        ("SRV", format!("_sip._tcp.{ZONE}"), "SRV", "sip.dyn.example.test"),
        ("CAA", format!("www.{ZONE}"), "CAA", "letsencrypt.org"),
        ("DNSKEY", ZONE.to_string(), "DNSKEY", "257 3 13"),
        ("CDS", ZONE.to_string(), "CDS", " 13 2 "),
        ("no DS at the zone cut", format!("sub.{ZONE}"), "DS", "NXRRSET"),
    ];
    let mut failed = Vec::new();
    for (case, name, rtype, expect) in &cases {
        let out = delv(lab.dns(), &anchors, name, rtype);
        let ok = out.contains("fully validated") && out.contains(expect) && !out.contains("validation failed");
        println!("{case:28} {name} {rtype}: {}", if ok { "fully validated" } else { "FAILED" });
        if !ok {
            failed.push(format!("{case}: {out}"));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
    // A referral below the cut carries the cut's NSEC3 record, signed: the proof that the
    // child has no DS (its NS set is the child's, unsigned here).
    let port = lab.dns().port().to_string();
    let referral = Command::new("dig").args(["+dnssec", "+norec", "@127.0.0.1", "-p", &port, &format!("host.sub.{ZONE}"), "A"]).output().unwrap();
    let referral: String = String::from_utf8_lossy(&referral.stdout).lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") + "\n").collect();
    assert!(referral.contains(";; flags: qr; QUERY"), "not authoritative: {referral}");
    assert!(referral.contains("IN NSEC3 1 0 0 - ") && referral.contains("IN RRSIG NSEC3 13") && !referral.contains("RRSIG NS "), "{referral}");

    // An HTTP update's new address validates at once (its signature made in the same request).
    let token = lab.host("root@example.com", &format!("nas.{ZONE}"));
    let host = format!("nas.{ZONE}");
    let r = lab.get("/nic/update?myip=198.51.100.99", &[("Authorization", &basic(&host, &token))]);
    assert_eq!(r.body, "good 198.51.100.99");
    let out = delv(lab.dns(), &anchors, &host, "A");
    assert!(out.contains("fully validated") && out.contains("198.51.100.99"), "{out}");
    // A record deleted through the API: its name is proven gone.
    let id = lab.api("GET", &format!("/api/domains/{}/records", ZONE_ID), Some(&admin), None).json();
    let sip = id["records"].as_array().unwrap().iter().find(|r| r["name"] == format!("sip.{ZONE}")).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("DELETE", &format!("/api/domains/{}/records/{sip}", ZONE_ID), Some(&admin), None).status, 204);
    let out = delv(lab.dns(), &anchors, &format!("sip.{ZONE}"), "A");
    assert!(out.contains("fully validated") && out.contains("NXDOMAIN"), "{out}");

    // The zone as a secondary gets it: signed throughout, its NSEC3 chain whole.
    if have_program("dnssec-verify") {
        let port = lab.dns().port().to_string();
        let axfr = Command::new("dig").args(["@127.0.0.1", "-p", &port, ZONE, "AXFR", "+nocmd", "+nostats"]).output().unwrap();
        let zone_file = dir.path().join("zone");
        std::fs::write(&zone_file, &axfr.stdout).unwrap();
        let verify = Command::new("dnssec-verify").args(["-z", "-o", ZONE, zone_file.to_str().unwrap()]).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&verify.stdout), String::from_utf8_lossy(&verify.stderr));
        assert!(verify.status.success() && text.contains("Zone fully signed"), "{text}\n{}", String::from_utf8_lossy(&axfr.stdout));
    }
}

#[test]
fn a_flipped_bit_in_a_signature_fails_validation() {
    if !have_program("delv") {
        return;
    }
    let (lab, _) = signed_lab();
    let (_dir, anchors) = anchored(&lab);
    // A relay between delv and the appliance flips the last bit of every RRSIG in the answer
    // section (a bit of the signature itself) and passes the message on.
    let relay = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let relay_addr = relay.local_addr().unwrap();
    let upstream = lab.dns();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok((n, client)) = relay.recv_from(&mut buf) {
            let out = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            out.set_read_timeout(Some(std::time::Duration::from_secs(2))).unwrap();
            out.send_to(&buf[..n], upstream).unwrap();
            let mut answer = [0u8; 4096];
            let Ok(m) = out.recv(&mut answer) else { continue };
            let mut message = porchlight_tests::hickory_proto::op::Message::from_vec(&answer[..m]).unwrap();
            // Re-encode with the A record's RRSIG tampered.
            for record in message.answers.iter_mut() {
                if let porchlight_tests::hickory_proto::rr::RData::Unknown { code, rdata } = &mut record.data
                    && u16::from(*code) == 46
                {
                    let mut bytes = rdata.anything.clone();
                    let last = bytes.len() - 1;
                    bytes[last] ^= 1;
                    *rdata = porchlight_tests::hickory_proto::rr::rdata::NULL::with(bytes);
                }
            }
            let _ = relay.send_to(&message.to_vec().unwrap(), client);
        }
    });
    let good = delv(upstream, &anchors, &format!("www.{ZONE}"), "A");
    assert!(good.contains("fully validated"), "{good}");
    let bad = delv(relay_addr, &anchors, &format!("www.{ZONE}"), "A");
    assert!(!bad.contains("fully validated") && (bad.contains("no valid RRSIG") || bad.contains("failed")), "{bad}");
}

#[test]
fn answers_without_do_are_what_an_unsigned_zone_gives() {
    let (signed, _) = signed_lab();
    let plain = Lab::start();
    let admin = plain.admin("root@example.com");
    populate(&plain, &admin);
    let names = ["www", "nope", "anything.wild", "chain", "b.c", "mail", "host.sub", "@"];
    for label in names {
        let name = if label == "@" { ZONE.to_string() } else { format!("{label}.{ZONE}") };
        for rtype in [RecordType::A, RecordType::AAAA, RecordType::MX, RecordType::TXT, RecordType::NS] {
            for edns in [false, true] {
                let query = porchlight_tests::query_message(&name, rtype, edns);
                let ask = |lab: &Lab| {
                    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                    socket.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
                    socket.send_to(&query, lab.dns()).unwrap();
                    let mut buf = [0u8; 4096];
                    let n = socket.recv(&mut buf).unwrap();
                    buf[..n].to_vec()
                };
                // The zones differ in their serials (made at different moments) and in the
                // order of records within a set (that of the database's rows): compared as
                // header bytes and each section's records, sorted.
                let (a, b) = (ask(&signed), ask(&plain));
                let view = |m: &[u8]| {
                    let message = porchlight_tests::hickory_proto::op::Message::from_vec(m).unwrap();
                    let section = |records: &[porchlight_tests::hickory_proto::rr::Record]| {
                        let mut lines: Vec<String> = records
                            .iter()
                            .map(|r| match &r.data {
                                porchlight_tests::hickory_proto::rr::RData::SOA(soa) => format!("{} {} SOA {} {}", r.name, r.ttl, soa.mname, soa.rname),
                                _ => r.to_string(),
                            })
                            .collect();
                        lines.sort();
                        lines
                    };
                    (m[2..12].to_vec(), section(&message.answers), section(&message.authorities), section(&message.additionals), m.len())
                };
                let (a, b) = (view(&a), view(&b));
                assert_eq!(a, b, "{name} {rtype} edns {edns}");
            }
        }
    }
}

/// A Knot secondary holds no key, yet answers with signatures that validate: the transfer
/// carried the signed zone, and each update's re-signed records follow by NOTIFY.
#[test]
fn a_knot_secondary_serves_the_signed_zone_and_it_validates() {
    if !have_program("knotd") || !have_program("delv") {
        return;
    }
    let knot_port = porchlight_tests::knot::free_port();
    let lab = signed_primary(Some(knot_port));
    let (_dir, anchors) = anchored(&lab);
    let host = format!("nas.{ZONE}");
    let token = lab.host("a@example.com", &host);
    let update = |ip: &str| assert_eq!(lab.get(&format!("/nic/update?myip={ip}"), &[("Authorization", &basic(&host, &token))]).body, format!("good {ip}"));
    update("203.0.113.51");
    let knot = porchlight_tests::knot::Knot::start(knot_port, lab.dns());
    knot.wait_for(&host, "203.0.113.51");
    for (name, rtype, expect) in [(host.as_str(), "A", "203.0.113.51"), (&format!("gone.{ZONE}") as &str, "A", "NXDOMAIN"), (host.as_str(), "TXT", "NXRRSET")] {
        let out = delv(knot.addr, &anchors, name, rtype);
        assert!(out.contains("fully validated") && out.contains(expect), "from the secondary, {name} {rtype}: {out}");
    }
    update("203.0.113.52");
    knot.wait_for(&host, "203.0.113.52");
    let out = delv(knot.addr, &anchors, &host, "A");
    assert!(out.contains("fully validated") && out.contains("203.0.113.52"), "after an update, from the secondary: {out}");
    // The update travelled as an increment, signatures and NSEC3 records included.
    let log = knot.log();
    assert!(log.contains("IXFR, incoming") && !log.contains("fallback to AXFR"), "{log}");
}

/// unbound as a validating resolver with the appliance's zone as a stub zone and its DS as
/// the only trust anchor; `date`: the validator's clock (`val-override-date`), if not now.
/// Root hints point at loopback, so nothing leaves the machine. Killed when dropped.
struct Unbound {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Unbound {
    fn start(appliance: std::net::SocketAddr, ds: &str, date: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = porchlight_tests::knot::free_port();
        let d = dir.path().display();
        std::fs::write(dir.path().join("root.hints"), ". 3600 NS a.root.invalid.\na.root.invalid. 3600 A 127.0.0.1\n").unwrap();
        let date = date.map(|d| format!("  val-override-date: \"{d}\"\n")).unwrap_or_default();
        let conf = format!(
            "server:\n  interface: 127.0.0.1\n  port: {port}\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  pidfile: \"\"\n\
             \x20 use-syslog: no\n  logfile: \"{d}/unbound.log\"\n  verbosity: 1\n  do-not-query-localhost: no\n  access-control: 127.0.0.0/8 allow\n\
             \x20 root-hints: \"{d}/root.hints\"\n  trust-anchor: \"{ds}\"\n  module-config: \"validator iterator\"\n  qname-minimisation: no\n  local-zone: \"test.\" nodefault\n  val-log-level: 2\n{date}\
             stub-zone:\n  name: \"{ZONE}\"\n  stub-addr: {}@{}\n",
            appliance.ip(),
            appliance.port()
        );
        let path = dir.path().join("unbound.conf");
        std::fs::write(&path, conf).unwrap();
        let check = Command::new("unbound-checkconf").arg(&path).output().unwrap();
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
        let child = Command::new("unbound").args(["-d", "-c", path.to_str().unwrap()]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        let me = Self { child, port, dir };
        let start = std::time::Instant::now();
        while me.dig(ZONE, "SOA").is_empty() {
            assert!(start.elapsed() < std::time::Duration::from_secs(20), "unbound did not start: {}", me.log());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        me
    }

    fn dig(&self, name: &str, rtype: &str) -> String {
        let out = Command::new("dig").args(["+dnssec", "+time=2", "+tries=1", "@127.0.0.1", "-p", &self.port.to_string(), name, rtype]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if text.contains("connection refused") || text.contains("timed out") { String::new() } else { text }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("unbound.log")).unwrap_or_default()
    }
}

impl Drop for Unbound {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The flags line of a dig answer, e.g. `qr rd ra ad`.
fn flags(answer: &str) -> String {
    answer.lines().find_map(|l| l.strip_prefix(";; flags: ")).and_then(|l| l.split(';').next()).unwrap_or_default().to_string()
}

#[test]
fn unbound_validates_with_the_ad_flag_and_refuses_expired_signatures() {
    if !have_program("unbound") || !have_program("dig") {
        return;
    }
    let (lab, _) = signed_lab();
    let dir = tempfile::tempdir().unwrap();
    let ds = trust_anchor(&lab, &dir.path().join("anchors.conf")).replace(" IN ", " ");
    let unbound = Unbound::start(lab.dns(), &ds, None);
    for (name, rtype, status) in [
        (format!("www.{ZONE}"), "A", "NOERROR"),
        (format!("nope.{ZONE}"), "A", "NXDOMAIN"),
        (format!("www.{ZONE}"), "TXT", "NOERROR"),
        (format!("anything.wild.{ZONE}"), "A", "NOERROR"),
        (format!("chain.{ZONE}"), "A", "NOERROR"),
        (format!("b.c.{ZONE}"), "A", "NOERROR"),
    ] {
        let answer = unbound.dig(&name, rtype);
        assert!(answer.contains(&format!("status: {status}")) && flags(&answer).split(' ').any(|f| f == "ad"), "{name} {rtype}: {answer}\n{}", unbound.log());
        println!("unbound: {name} {rtype}: {status}, flags {}", flags(&answer));
    }
    drop(unbound);

    // Three weeks from now every signature has ended (and the appliance has not been asked
    // to sign anew): the validator calls the answers bogus.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(21 * 86_400);
    let secs = later.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let date = Command::new("date").args(["-u", "-d", &format!("@{secs}"), "+%Y%m%d%H%M%S"]).output().unwrap();
    let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
    let unbound = Unbound::start(lab.dns(), &ds, Some(&date));
    let answer = unbound.dig(&format!("www.{ZONE}"), "A");
    assert!(answer.contains("status: SERVFAIL") && !flags(&answer).contains("ad"), "an expired signature: {answer}");
    assert!(unbound.log().contains("signature expired"), "{}\n{answer}", unbound.log());
}

/// Split horizon: LAN clients get the host's LAN address, signed like the public one.
#[test]
fn both_views_of_a_split_horizon_validate() {
    if !have_program("delv") {
        return;
    }
    let lab = Lab::start_with(|c| {
        c.zone[0].dnssec = Some(true);
        c.lan_subnets = vec!["127.0.0.2/32".parse().unwrap()];
    });
    let (_dir, anchors) = anchored(&lab);
    let host = format!("nas.{ZONE}");
    let token = lab.host("a@example.com", &host);
    assert_eq!(lab.get("/nic/update?myip=203.0.113.20", &[("Authorization", &basic(&host, &token))]).body, "good 203.0.113.20");
    let session = lab.login("a@example.com");
    let r = lab.api("PATCH", &format!("/api/hostnames/{}", lab.host_id(&host)), Some(&session), Some(serde_json::json!({"lanIpv4": "192.168.1.10"})));
    assert_eq!(r.status, 200, "{}", r.body);
    let from = |source: &str| {
        let out = Command::new("delv")
            .args(["-b", source, "-a", anchors.to_str().unwrap(), &format!("+root={ZONE}"), "-p", &lab.dns().port().to_string(), "@127.0.0.1", &host, "A"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let outside = from("127.0.0.1");
    assert!(outside.contains("fully validated") && outside.contains("203.0.113.20") && !outside.contains("192.168.1.10"), "{outside}");
    let lan = from("127.0.0.2");
    assert!(lan.contains("fully validated") && lan.contains("192.168.1.10") && !lan.contains("203.0.113.20"), "{lan}");
}

/// Answers with DO come from the fast path — sets and signatures copied as pre-built, NSEC3
/// proofs looked up by hash — and say exactly what the full path says; DO is echoed.
#[test]
fn signed_answers_take_the_fast_path_and_match_the_full_one() {
    let (lab, _) = signed_lab();
    let fast_answers = || -> u64 {
        let metrics = lab.get("/metrics", &[]).body;
        metrics.lines().find_map(|l| l.strip_prefix("porchlight_dns_responses_by_path_total{path=\"fast\"} ")).unwrap().trim().parse().unwrap()
    };
    let ask = |query: &[u8]| {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        socket.send_to(query, lab.dns()).unwrap();
        let mut buf = [0u8; 4096];
        let n = socket.recv(&mut buf).unwrap();
        porchlight_tests::hickory_proto::op::Message::from_vec(&buf[..n]).unwrap()
    };
    let sorted = |m: &porchlight_tests::hickory_proto::op::Message| {
        [&m.answers, &m.authorities, &m.additionals].map(|section| {
            let mut lines: Vec<String> = section.iter().map(ToString::to_string).collect();
            lines.sort();
            lines
        })
    };
    let cases = [
        (format!("www.{ZONE}"), RecordType::A),
        (format!("chain.{ZONE}"), RecordType::A),
        (format!("mail.{ZONE}"), RecordType::MX),
        (ZONE.to_string(), RecordType::SOA),
        (ZONE.to_string(), RecordType::NS),
        (format!("nope.{ZONE}"), RecordType::A),
        (format!("x.y.www.{ZONE}"), RecordType::AAAA),
        (format!("www.{ZONE}"), RecordType::TXT),
        (format!("anything.wild.{ZONE}"), RecordType::A),
        (format!("a.b.wild.{ZONE}"), RecordType::TXT),
        (format!("anything.wild.{ZONE}"), RecordType::AAAA),
        (format!("alias.{ZONE}"), RecordType::MX),
        (format!("b.c.{ZONE}"), RecordType::A),
        (format!("host.sub.{ZONE}"), RecordType::A),
        (format!("sub.{ZONE}"), RecordType::DS),
    ];
    let before = fast_answers();
    for (name, rtype) in &cases {
        let mut query = porchlight_tests::query_message(name, *rtype, true);
        let at = query.len() - 4;
        query[at] |= 0x80; // DO
        let fast = ask(&query);
        // An EDNS option the fast path does not read sends the same question the full way.
        let rdlen = query.len() - 2;
        query[rdlen..].copy_from_slice(&4u16.to_be_bytes());
        query.extend_from_slice(&[0xfd, 0xe9, 0, 0]);
        let full = ask(&query);
        assert!(fast.edns.as_ref().is_some_and(|e| e.flags().dnssec_ok), "DO echoed");
        assert!(fast.answers.iter().chain(fast.authorities.iter()).any(|r| u16::from(r.record_type()) == 46), "{name} {rtype}: signed: {fast:?}");
        assert_eq!(sorted(&fast), sorted(&full), "{name} {rtype}");
        assert_eq!((fast.metadata.response_code, fast.metadata.authoritative), (full.metadata.response_code, full.metadata.authoritative));
    }
    assert_eq!(fast_answers(), before + cases.len() as u64, "each DO question took the fast path once");
}

/// The API shows what the parent needs — the CLI's DS, the DNSKEY, the registrar's steps —
/// and never the private key.
#[test]
fn the_api_shows_the_ds_and_the_key_and_never_the_private_half() {
    let (lab, _) = signed_lab();
    let session = lab.login("a@example.com");
    let r = lab.api("GET", &format!("/api/domains/{ZONE_ID}/dnssec"), Some(&session), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let status = r.json();
    let dir = tempfile::tempdir().unwrap();
    let ds = trust_anchor(&lab, &dir.path().join("anchors.conf"));
    assert_eq!((status["signed"].as_bool(), status["algorithm"].as_u64()), (Some(true), Some(13)));
    assert_eq!(status["ds"], serde_json::json!([ds]));
    assert_eq!(status["keyTag"].as_u64().map(|t| t.to_string()), ds.split_whitespace().nth(3).map(String::from));
    let dnskey = status["dnskey"].as_str().unwrap();
    assert!(dnskey.starts_with(&format!("{ZONE}. 3600 IN DNSKEY 257 3 13 ")), "{dnskey}");
    // The same key DNS serves.
    let served = porchlight_tests::query_udp(lab.dns(), ZONE, RecordType::DNSKEY);
    assert_eq!(served.answers.len(), 1);
    assert!(status["steps"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().contains("digest type 2")), "{status}");
    // Nothing of the private key, in any encoding.
    let private: Vec<u8> = lab.db().query_row("SELECT private_key FROM dnssec_keys", [], |r| r.get(0)).unwrap();
    use base64::Engine as _;
    let encodings = [base64::engine::general_purpose::STANDARD.encode(&private), private.iter().map(|b| format!("{b:02x}")).collect::<String>()];
    for encoded in encodings {
        assert!(!r.body.contains(&encoded[..40]), "the private key leaked: {}", r.body);
    }
    assert!(!r.body.to_ascii_lowercase().contains("private"), "{}", r.body);

    // An unsigned zone says so, and how to sign it.
    let plain = Lab::start_with(|c| c.zone[0].dnssec = Some(false));
    let session = plain.login("a@example.com");
    let status = plain.api("GET", &format!("/api/domains/{ZONE_ID}/dnssec"), Some(&session), None).json();
    assert_eq!((status["signed"].as_bool(), status["ds"].as_array().map(Vec::len)), (Some(false), Some(0)));
    assert!(status["steps"][0].as_str().unwrap().contains("dnssec = true"), "{status}");
    assert_eq!(plain.api("GET", "/api/domains/00000000-0000-0000-0000-00000000ffff/dnssec", Some(&session), None).status, 404);
}

/// A custom domain is signed from the start and validates once served; its owner may turn
/// signing off (the zone answers unsigned) and on again (a new key, a new DS).
#[test]
fn a_custom_domain_is_signed_by_default_and_its_owner_may_switch_it() {
    if !have_program("delv") {
        return;
    }
    let (parent, registrar) = porchlight_tests::parent();
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent.dns()));
    let session = lab.login("a@example.com");
    let r = lab.api("POST", "/api/domains", Some(&session), Some(serde_json::json!({"name": "mine.parent.test"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    porchlight_tests::delegate(&parent, &registrar, "ns1.dyn.example.test");
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).json()["domain"]["verified"], true);
    let r = lab.api("POST", &format!("/api/domains/{id}/records"), Some(&session), Some(serde_json::json!({"type": "A", "name": "www", "content": "198.51.100.70"})));
    assert_eq!(r.status, 201, "{}", r.body);

    let status = |lab: &Lab| lab.api("GET", &format!("/api/domains/{id}/dnssec"), Some(&session), None).json();
    let first = status(&lab);
    assert_eq!(first["signed"], true, "{first}");
    let ds = first["ds"][0].as_str().unwrap().to_string();
    let fields: Vec<&str> = ds.split_whitespace().collect();
    let dir = tempfile::tempdir().unwrap();
    let anchors = dir.path().join("anchors.conf");
    std::fs::write(&anchors, format!("trust-anchors {{ {} static-ds {} {} {} \"{}\"; }};\n", fields[0], fields[3], fields[4], fields[5], fields[6])).unwrap();
    let delv = |name: &str| {
        let out = Command::new("delv")
            .args(["-a", anchors.to_str().unwrap(), "+root=mine.parent.test", "-p", &lab.dns().port().to_string(), "@127.0.0.1", name, "A"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let out = delv("www.mine.parent.test");
    assert!(out.contains("fully validated") && out.contains("198.51.100.70"), "{out}");
    assert!(delv("nothing.mine.parent.test").contains("fully validated"));

    // Off: no key is served and answers carry no signatures; the owner's log says to remove the DS.
    let r = lab.api("PATCH", &format!("/api/domains/{id}"), Some(&session), Some(serde_json::json!({"dnssec": false})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(status(&lab)["signed"], false);
    assert!(porchlight_tests::query_udp(lab.dns(), "mine.parent.test", RecordType::DNSKEY).answers.is_empty());
    assert_eq!(lab.count("SELECT count(*) FROM dnssec_keys WHERE zone_id = (SELECT id FROM zones WHERE name = 'mine.parent.test')"), 0);
    // On again: a new key, so a new DS (and the old anchor no longer validates).
    let r = lab.api("PATCH", &format!("/api/domains/{id}"), Some(&session), Some(serde_json::json!({"dnssec": true})));
    assert_eq!(r.status, 200, "{}", r.body);
    let again = status(&lab);
    assert_eq!(again["signed"], true);
    assert_ne!(again["ds"][0], first["ds"][0]);
    assert!(!delv("www.mine.parent.test").contains("fully validated"));
    // Another account may neither see nor switch it.
    let mallory = lab.login("m@example.com");
    assert_eq!(lab.api("GET", &format!("/api/domains/{id}/dnssec"), Some(&mallory), None).status, 404);
    assert_eq!(lab.api("PATCH", &format!("/api/domains/{id}"), Some(&mallory), Some(serde_json::json!({"dnssec": false}))).status, 404);
    assert_eq!(status(&lab)["signed"], true);
}

/// The parent zone, served by Knot from a zone file on `port`: `mine.parent.test` delegated
/// to the appliance's nameserver, with `ds` (DS data in presentation form) when given.
struct ParentZone {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl ParentZone {
    fn start(port: u16, ds: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let mut zone = "$ORIGIN parent.test.\n@ 60 SOA ns.parent.test. h.parent.test. 1 3600 600 86400 60\n@ 60 NS ns.parent.test.\nns 60 A 127.0.0.1\nmine 60 NS ns1.dyn.example.test.\n".to_string();
        if let Some(ds) = ds {
            zone.push_str(&format!("mine 60 DS {ds}\n"));
        }
        std::fs::write(dir.path().join("parent.zone"), zone).unwrap();
        let conf = format!(
            "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{port}\nlog:\n  - target: {d}/knot.log\n    any: info\ndatabase:\n  storage: \"{d}\"\n\
             template:\n  - id: default\n    storage: \"{d}\"\n    zonefile-sync: -1\n    journal-content: none\nzone:\n  - domain: parent.test\n    file: \"{d}/parent.zone\"\n"
        );
        std::fs::write(dir.path().join("knot.conf"), conf).unwrap();
        let child = Command::new("knotd").args(["-c", dir.path().join("knot.conf").to_str().unwrap()]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let start = std::time::Instant::now();
        while porchlight_tests::knot::try_answers(addr, "ns.parent.test").is_none_or(|a| a.is_empty()) {
            assert!(start.elapsed() < std::time::Duration::from_secs(20), "knot did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Self { child, _dir: dir }
    }
}

impl Drop for ParentZone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The delegation check asks the parent for the DS too, and says whether it matches the key.
#[test]
fn the_delegation_check_says_whether_the_parents_ds_matches() {
    if !have_program("knotd") {
        return;
    }
    let port = porchlight_tests::knot::free_port();
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(std::net::SocketAddr::from(([127, 0, 0, 1], port))));
    let session = lab.login("a@example.com");
    let r = lab.api("POST", "/api/domains", Some(&session), Some(serde_json::json!({"name": "mine.parent.test"})));
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    let ours = lab.api("GET", &format!("/api/domains/{id}/dnssec"), Some(&session), None).json()["ds"][0].as_str().unwrap().to_string();
    let check = || {
        let guide = lab.api("GET", &format!("/api/domains/{id}/delegation"), Some(&session), None).json();
        let problems: Vec<String> = guide["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        (guide["dnssec"].as_str().unwrap_or_default().to_string(), problems)
    };
    // No DS at the parent yet: said, and not a problem.
    let parent = ParentZone::start(port, None);
    let (dnssec, problems) = check();
    assert!(dnssec.contains("no DS record for it yet"), "{dnssec}");
    assert!(problems.iter().all(|p| !p.contains(" DS")), "{problems:?}");
    drop(parent);
    // A DS for another key: a problem, with the DS to enter instead.
    let parent = ParentZone::start(port, Some("12345 13 2 0000000000000000000000000000000000000000000000000000000000000000"));
    let (dnssec, problems) = check();
    assert!(dnssec.contains("does not match") && dnssec.contains("12345") && dnssec.ends_with(&ours), "{dnssec}\n{ours}");
    assert!(problems.contains(&dnssec), "{problems:?}");
    drop(parent);
    // The DS the appliance gave: it matches.
    let fields: Vec<&str> = ours.split_whitespace().collect();
    let parent = ParentZone::start(port, Some(&fields[3..].join(" ")));
    let (dnssec, problems) = check();
    assert!(dnssec.contains("matches this zone's key"), "{dnssec}");
    assert!(problems.iter().all(|p| !p.contains(" DS")), "{problems:?}");
    drop(parent);
    // Signing turned off while the parent still holds the DS: a problem.
    let parent = ParentZone::start(port, Some(&fields[3..].join(" ")));
    assert_eq!(lab.api("PATCH", &format!("/api/domains/{id}"), Some(&session), Some(serde_json::json!({"dnssec": false}))).status, 200);
    let (dnssec, problems) = check();
    assert!(dnssec.contains("not signed here") && problems.contains(&dnssec), "{dnssec}");
    drop(parent);
}

/// A key rollover, end to end, with the parent played by Knot: started from the command line,
/// the new key signs beside the old one (both DS validate); once the parent names the new
/// key, the appliance removes the old one by itself. `delv` validates at every step with the
/// DS the parent holds.
#[test]
fn a_key_rollover_keeps_validating_at_every_step() {
    if !have_program("knotd") || !have_program("delv") {
        return;
    }
    let port = porchlight_tests::knot::free_port();
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        c.dnssec_rollover_hold_seconds = 1;
    });
    let session = lab.login("a@example.com");
    let r = lab.api("POST", "/api/domains", Some(&session), Some(serde_json::json!({"name": "mine.parent.test"})));
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    let data = lab.data_dir();
    let cli = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--data-dir", data.to_str().unwrap()]);
        let out = run_porchlight(None, &all, "");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let old_ds = cli(&["zone", "ds", "mine.parent.test"]).trim().to_string();
    let rdata = |ds: &str| ds.split_whitespace().skip(3).collect::<Vec<_>>().join(" ");
    let parent = ParentZone::start(port, Some(&rdata(&old_ds)));
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).json()["domain"]["verified"], true);
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/records"), Some(&session), Some(serde_json::json!({"type": "A", "name": "www", "content": "198.51.100.90"}))).status, 201);

    let dir = tempfile::tempdir().unwrap();
    let validates = |ds: &str| {
        let anchors = dir.path().join("anchors.conf");
        let f: Vec<&str> = ds.split_whitespace().collect();
        std::fs::write(&anchors, format!("trust-anchors {{ {} static-ds {} {} {} \"{}\"; }};\n", f[0], f[3], f[4], f[5], f[6])).unwrap();
        let out = Command::new("delv")
            .args(["-a", anchors.to_str().unwrap(), "+root=mine.parent.test", "-p", &lab.dns().port().to_string(), "@127.0.0.1", "www.mine.parent.test", "A"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.contains("fully validated") && text.contains("198.51.100.90")
    };
    let dnskeys = || porchlight_tests::query_udp(lab.dns(), "mine.parent.test", RecordType::DNSKEY).answers.len();
    let wait_for_keys = |n: usize| {
        let start = std::time::Instant::now();
        while dnskeys() != n {
            assert!(start.elapsed() < std::time::Duration::from_secs(20), "DNSKEY never had {n} keys; keys: {}", cli(&["zone", "keys", "mine.parent.test"]));
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        start.elapsed()
    };
    let mut timeline = vec![format!("0. one key, the parent's DS names it: validates {}", validates(&old_ds))];
    assert!(validates(&old_ds));

    // 1. Started: a second key is published and signs too; CDS names it.
    let started = cli(&["zone", "rollover", "mine.parent.test"]);
    let new_ds = started.lines().find(|l| l.contains(" IN DS ")).unwrap().to_string();
    assert_ne!(new_ds, old_ds);
    wait_for_keys(2);
    assert!(validates(&old_ds) && validates(&new_ds), "both DS validate while both keys sign");
    assert!(cli(&["zone", "keys", "mine.parent.test"]).contains("incoming (published and signing; waiting for the parent"));
    let status = lab.api("GET", &format!("/api/domains/{id}/dnssec"), Some(&session), None).json();
    assert_eq!((status["ds"][0].as_str(), status["rollover"].as_array().map(Vec::len)), (Some(new_ds.as_str()), Some(2)), "{status}");
    let cds = Command::new("dig").args(["+short", "-p", &lab.dns().port().to_string(), "@127.0.0.1", "mine.parent.test", "CDS"]).output().unwrap();
    assert_eq!(rdata(&new_ds).to_ascii_uppercase().replace(' ', ""), String::from_utf8_lossy(&cds.stdout).to_ascii_uppercase().replace([' ', '\n'], ""), "CDS names the new key");
    timeline.push(format!("1. rollover started: 2 keys; old DS validates {}, new DS validates {}", validates(&old_ds), validates(&new_ds)));
    // A second rollover while one runs is refused.
    let again = run_porchlight(None, &["zone", "rollover", "mine.parent.test", "--data-dir", data.to_str().unwrap()], "");
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("under way already"));

    // 2. The parent takes the new DS: the appliance sees it, waits the hold time, and drops the old key.
    drop(parent);
    let _parent = ParentZone::start(port, Some(&rdata(&new_ds)));
    assert!(validates(&new_ds), "the new DS validates as soon as the parent has it");
    let took = wait_for_keys(1);
    timeline.push(format!("2. the parent names the new key: the old key removed {took:.1?} later (hold 1 s)"));
    assert!(validates(&new_ds), "the new key alone");
    assert!(!validates(&old_ds), "the old DS no longer leads anywhere");
    assert!(cli(&["zone", "keys", "mine.parent.test"]).lines().count() == 1);
    timeline.push(format!("3. done: new DS validates {}, old DS validates {}", validates(&new_ds), validates(&old_ds)));
    println!("{}", timeline.join("\n"));
}

/// NSD as a secondary of the signed zone: it holds no key, yet its answers validate.
#[test]
fn an_nsd_secondary_serves_the_signed_zone_and_it_validates() {
    if !have_program("nsd") || !have_program("delv") {
        return;
    }
    let nsd_port = porchlight_tests::knot::free_port();
    let lab = Lab::start_with(|c| {
        c.zone[0].dnssec = Some(true);
        c.zone[0].allow_transfer.push("127.0.0.1/32".into());
        c.zone[0].notify.push(format!("127.0.0.1:{nsd_port}"));
    });
    let (_anchor_dir, anchors) = anchored(&lab);
    let host = format!("nas.{ZONE}");
    let token = lab.host("a@example.com", &host);
    assert_eq!(lab.get("/nic/update?myip=203.0.113.61", &[("Authorization", &basic(&host, &token))]).body, "good 203.0.113.61");

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let conf = format!(
        "server:\n  ip-address: 127.0.0.1@{nsd_port}\n  port: {nsd_port}\n  zonesdir: \"{d}\"\n  database: \"\"\n  pidfile: \"{d}/nsd.pid\"\n  username: \"\"\n\
         \x20 xfrdfile: \"{d}/xfrd.state\"\n  zonelistfile: \"{d}/zone.list\"\n  xfrdir: \"{d}\"\n  logfile: \"{d}/nsd.log\"\n  verbosity: 2\n\
         remote-control:\n  control-enable: no\n\
         zone:\n  name: \"{ZONE}\"\n  zonefile: \"{d}/{ZONE}.zone\"\n  request-xfr: 127.0.0.1@{} NOKEY\n  allow-notify: 127.0.0.1 NOKEY\n",
        lab.dns().port()
    );
    let path = dir.path().join("nsd.conf");
    std::fs::write(&path, conf).unwrap();
    let check = Command::new("nsd-checkconf").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let mut nsd = Command::new("nsd").args(["-d", "-c", path.to_str().unwrap()]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let server = std::net::SocketAddr::from(([127, 0, 0, 1], nsd_port));
    let wait_for = |address: &str| {
        let start = std::time::Instant::now();
        while porchlight_tests::knot::try_answers(server, &host).is_none_or(|a| a != [address]) {
            assert!(start.elapsed() < std::time::Duration::from_secs(30), "NSD never answered {address}:\n{}", std::fs::read_to_string(dir.path().join("nsd.log")).unwrap_or_default());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for("203.0.113.61");
    let checks = [(host.clone(), "A", "203.0.113.61"), (format!("gone.{ZONE}"), "A", "NXDOMAIN"), (host.clone(), "TXT", "NXRRSET")];
    let mut failed = Vec::new();
    for (name, rtype, expect) in &checks {
        let out = delv(server, &anchors, name, rtype);
        if !(out.contains("fully validated") && out.contains(expect)) {
            failed.push(format!("{name} {rtype}: {out}"));
        }
    }
    // An update reaches it by NOTIFY (the signed zone travels whole) and still validates.
    assert_eq!(lab.get("/nic/update?myip=203.0.113.62", &[("Authorization", &basic(&host, &token))]).body, "good 203.0.113.62");
    wait_for("203.0.113.62");
    let out = delv(server, &anchors, &host, "A");
    if !(out.contains("fully validated") && out.contains("203.0.113.62")) {
        failed.push(format!("after the update: {out}"));
    }
    let _ = nsd.kill();
    let _ = nsd.wait();
    assert!(failed.is_empty(), "from NSD: {failed:#?}");
}
