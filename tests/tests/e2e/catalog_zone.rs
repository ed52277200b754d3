//! The catalog zone (RFC 9432): a Knot secondary configured with nothing but the catalog
//! provisions every zone the appliance serves from it — the built-in zone at once, a custom
//! domain as soon as it is verified, and drops the domain when it is deleted. The catalog
//! is transferable only by the secondaries the zones allow.

use std::process::Command;
use std::time::{Duration, Instant};

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::knot::{Knot, free_port};
use porchlight_tests::{Lab, ZONE, basic, delegate, have_program, parent, query_udp};
use serde_json::json;

const CATALOG: &str = "catalog.porchlight.invalid";

fn axfr(lab: &Lab, source: &str, zone: &str) -> String {
    let port = lab.dns().port().to_string();
    let out = Command::new("dig").args(["-b", source, "@127.0.0.1", "-p", &port, zone, "AXFR", "+time=3", "+tries=1"]).output().unwrap();
    // One space between fields, whatever dig aligned them with.
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
}

/// Waits (at most 20 s) until `knot` answers `name`'s SOA with `rcode`.
fn wait_for_rcode(knot: &Knot, name: &str, rcode: ResponseCode) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if query_udp(knot.addr, name, RecordType::SOA).metadata.response_code == rcode {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the secondary never answered {name} SOA with {rcode}; its log:\n{}", knot.log());
}

#[test]
fn a_knot_secondary_provisioned_by_the_catalog_follows_added_and_deleted_domains() {
    if !have_program("knotd") || !have_program("dig") {
        return;
    }
    let (parent, registrar) = parent();
    let knot_port = free_port();
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(parent.dns());
        c.zone[0].allow_transfer.push("127.0.0.1/32".into());
        c.zone[0].notify.push(format!("127.0.0.1:{knot_port}"));
        c.catalog_zone = Some(CATALOG.into());
    });

    // The catalog lists the built-in zone; 127.0.0.1 may have it, another address may not.
    let listed = axfr(&lab, "127.0.0.1", CATALOG);
    assert!(listed.contains("version.catalog.porchlight.invalid. 0 IN TXT \"2\""), "{listed}");
    assert!(listed.contains(&format!("zones.catalog.porchlight.invalid. 0 IN PTR {ZONE}.")), "{listed}");
    assert!(listed.contains("catalog.porchlight.invalid. 3600 IN NS invalid."), "{listed}");
    let refused = axfr(&lab, "127.0.0.2", CATALOG);
    assert!(refused.contains("Transfer failed") && !refused.contains("PTR"), "{refused}");

    // A secondary that knows only the catalog serves the built-in zone's hosts.
    let token = lab.host("a@example.com", "nas.dyn.example.test");
    let r = lab.get("/nic/update?hostname=nas.dyn.example.test&myip=203.0.113.10", &[("Authorization", &basic("nas.dyn.example.test", &token))]);
    assert_eq!(r.body, "good 203.0.113.10");
    let knot = Knot::consuming_catalog(knot_port, lab.dns(), CATALOG);
    knot.wait_for("nas.dyn.example.test", "203.0.113.10");

    // A custom domain, added and verified through the API, reaches the secondary by itself.
    let session = lab.login("b@example.com");
    let r = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    delegate(&parent, &registrar, "ns1.dyn.example.test");
    assert!(!axfr(&lab, "127.0.0.1", CATALOG).contains("mine.parent.test"), "not listed before it is verified");
    let r = lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None);
    assert_eq!(r.json()["domain"]["verified"], true, "{}", r.body);
    assert!(axfr(&lab, "127.0.0.1", CATALOG).contains("mine.parent.test."));
    let r = lab.api("POST", "/api/hostnames", Some(&session), Some(json!({"domainId": id, "name": "cam"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let cam = r.json()["token"]["tokenValue"].as_str().unwrap().to_string();
    let r = lab.get("/nic/update?myip=198.51.100.81", &[("Authorization", &basic("cam.mine.parent.test", &cam))]);
    assert_eq!(r.body, "good 198.51.100.81");
    knot.wait_for("cam.mine.parent.test", "198.51.100.81");
    // And follows its changes (the catalog's secondaries are NOTIFYed for its members too).
    let r = lab.get("/nic/update?myip=198.51.100.82", &[("Authorization", &basic("cam.mine.parent.test", &cam))]);
    assert_eq!(r.body, "good 198.51.100.82");
    knot.wait_for("cam.mine.parent.test", "198.51.100.82");
    assert!(knot.log().contains("[mine.parent.test.] zone added from catalog"), "{}", knot.log());
    // The custom domain is signed (as every new domain is): the secondary, which has no key,
    // answers with its signatures.
    let port = knot.addr.port().to_string();
    let signed = Command::new("dig").args(["+dnssec", "+norec", "@127.0.0.1", "-p", &port, "cam.mine.parent.test", "A"]).output().unwrap();
    let signed = String::from_utf8_lossy(&signed.stdout).to_string();
    assert!(signed.contains("198.51.100.82") && signed.contains("RRSIG\tA 13 4 60"), "{signed}");

    // Deleted: gone from the catalog, and the secondary stops serving it.
    assert_eq!(lab.api("DELETE", &format!("/api/domains/{id}"), Some(&session), None).status, 204);
    assert!(!axfr(&lab, "127.0.0.1", CATALOG).contains("mine.parent.test"));
    wait_for_rcode(&knot, "mine.parent.test", ResponseCode::Refused);
    assert_eq!(query_udp(knot.addr, ZONE, RecordType::SOA).metadata.response_code, ResponseCode::NoError, "the built-in zone stays");
}

#[test]
fn the_catalog_zone_is_checked_and_shown_by_check_config() {
    let lab = Lab::start_with(|c| c.catalog_zone = Some(CATALOG.into()));
    // Not a zone for hostnames: the API lists only real zones.
    let session = lab.login("a@example.com");
    let zones = lab.api("GET", "/api/domains", Some(&session), None).json();
    assert!(!zones.to_string().contains(CATALOG), "{zones}");
    drop(lab);

    let bin = porchlight_tests::porchlight_binary();
    let check = |catalog: &str| {
        Command::new(&bin).args(["check-config", "--zone", ZONE, "--allow-transfer", "192.0.2.0/24", "--catalog-zone", catalog]).output().unwrap()
    };
    let out = check(CATALOG);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("catalog_zone = catalog.porchlight.invalid (transfers: 192.0.2.0/24)"), "{text}");
    let out = check("cat.dyn.example.test");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("overlaps the zone dyn.example.test"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// BIND (named) as a secondary configured with nothing but the catalog: it serves a custom
/// domain added and verified through the API, signed, and its answers validate with the
/// domain's DS.
#[test]
fn a_bind_secondary_provisioned_by_the_catalog_serves_the_signed_domain() {
    if !have_program("named") || !have_program("delv") {
        return;
    }
    let (parent, registrar) = parent();
    let bind_port = free_port();
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(parent.dns());
        c.zone[0].allow_transfer.push("127.0.0.1/32".into());
        c.zone[0].notify.push(format!("127.0.0.1:{bind_port}"));
        c.catalog_zone = Some(CATALOG.into());
    });
    let session = lab.login("b@example.com");
    let r = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"})));
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    delegate(&parent, &registrar, "ns1.dyn.example.test");
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).json()["domain"]["verified"], true);
    let r = lab.api("POST", "/api/hostnames", Some(&session), Some(json!({"domainId": id, "name": "cam"})));
    let cam = r.json()["token"]["tokenValue"].as_str().unwrap().to_string();
    assert_eq!(lab.get("/nic/update?myip=198.51.100.83", &[("Authorization", &basic("cam.mine.parent.test", &cam))]).body, "good 198.51.100.83");
    let ds = lab.api("GET", &format!("/api/domains/{id}/dnssec"), Some(&session), None).json()["ds"][0].as_str().unwrap().to_string();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let primary = format!("127.0.0.1 port {}", lab.dns().port());
    let conf = format!(
        "options {{\n  directory \"{d}\";\n  listen-on port {bind_port} {{ 127.0.0.1; }};\n  listen-on-v6 {{ none; }};\n  pid-file \"{d}/named.pid\";\n  recursion no;\n  dnssec-validation no;\n\
         \x20 catalog-zones {{ zone \"{CATALOG}\" default-primaries {{ {primary}; }} in-memory yes; }};\n}};\ncontrols {{ }};\n\
         zone \"{CATALOG}\" {{ type secondary; primaries {{ {primary}; }}; file \"{d}/catalog.db\"; }};\n"
    );
    std::fs::write(dir.path().join("named.conf"), conf).unwrap();
    let check = Command::new("named-checkconf").arg(dir.path().join("named.conf")).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let log = std::fs::File::create(dir.path().join("named.log")).unwrap();
    let mut named = Command::new("named").args(["-g", "-c", dir.path().join("named.conf").to_str().unwrap()]).stdout(log.try_clone().unwrap()).stderr(log).spawn().unwrap();
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], bind_port));
    let started = Instant::now();
    let answer = loop {
        if let Some(answer) = porchlight_tests::knot::try_answers(bind, "cam.mine.parent.test").filter(|a| !a.is_empty()) {
            break answer;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "named never served the domain:\n{}", std::fs::read_to_string(dir.path().join("named.log")).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(answer, ["198.51.100.83"]);
    let f: Vec<&str> = ds.split_whitespace().collect();
    let anchors = dir.path().join("anchors.conf");
    std::fs::write(&anchors, format!("trust-anchors {{ {} static-ds {} {} {} \"{}\"; }};\n", f[0], f[3], f[4], f[5], f[6])).unwrap();
    let out = Command::new("delv").args(["-a", anchors.to_str().unwrap(), "+root=mine.parent.test", "-p", &bind_port.to_string(), "@127.0.0.1", "cam.mine.parent.test", "A"]).output().unwrap();
    let out = String::from_utf8_lossy(&out.stdout).to_string();
    let _ = named.kill();
    let _ = named.wait();
    assert!(out.contains("fully validated") && out.contains("198.51.100.83"), "from BIND: {out}");
}
