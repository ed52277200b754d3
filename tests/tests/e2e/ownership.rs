//! A name belongs to one account, asked the same way by every surface: in the shared zone,
//! account A owns `home` and everything below it; account B can claim nothing there (nor a
//! name above A's hostname), through the native API, IPv64, HostUp, httpreq, acme-dns or
//! RFC 2136 — and each refusal changes nothing in the database or in DNS.

use std::io::Write as _;
use std::process::{Command, Stdio};

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, basic, delegate, have_program, parent};
use serde_json::json;

const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";
const HOME: &str = "home.dyn.example.test";
const INSIDE: &str = "x.home.dyn.example.test";

/// A's hostname `home` with an address, B's session; returns (lab, A's session, B's session).
fn two_accounts() -> (Lab, String, String) {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOME);
    let r = lab.get(&format!("/nic/update?hostname={HOME}&myip=192.0.2.1"), &[("Authorization", &basic(HOME, &token))]);
    assert_eq!(r.body, "good 192.0.2.1");
    let (a, b) = (lab.login("a@example.com"), lab.login("b@example.com"));
    (lab, a, b)
}

/// What a refusal must leave untouched: the rows that hold names and the zone's serial.
fn snapshot(lab: &Lab) -> (i64, i64, u32) {
    (lab.count("SELECT count(*) FROM hostnames"), lab.count("SELECT count(*) FROM records"), lab.serial())
}

#[test]
fn nobody_claims_a_name_inside_another_accounts_hostname_through_the_native_api() {
    let (lab, _, b) = two_accounts();
    let before = snapshot(&lab);
    // A hostname inside A's, by label or by full name.
    for name in ["x.home", INSIDE] {
        let r = lab.api("POST", "/api/hostnames", Some(&b), Some(json!({"domainId": ZONE_ID, "name": name})));
        assert_eq!(r.status, 409, "{name}: {}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains("another account"), "{}", r.body);
    }
    // Records of every kind at or below A's name, the ACME challenge among them.
    for (kind, name, content) in [
        ("A", "x.home", "192.0.2.66"),
        ("TXT", "x.home", "mine"),
        ("CNAME", "www.home", "evil.example.net"),
        ("TXT", "_acme-challenge.home", "token"),
        ("TXT", "home", "mine"),
    ] {
        let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(&b), Some(json!({"type": kind, "name": name, "content": content})));
        assert_eq!(r.status, 403, "{kind} {name}: {}", r.body);
    }
    assert_eq!(snapshot(&lab), before, "a refusal changes nothing");
    assert!(lab.answers(INSIDE, RecordType::A).is_empty());
    assert_eq!(lab.answers(HOME, RecordType::A), vec!["192.0.2.1"], "only A's address is served");
    // B's record list does not show A's records.
    let listed = lab.api("GET", &format!("/api/domains/{ZONE_ID}/records"), Some(&b), None).json();
    assert_eq!(listed["records"], json!([]), "{listed}");
}

#[test]
fn nobody_claims_a_hostname_enclosing_another_accounts_hostname() {
    let lab = Lab::start();
    lab.host("b@example.com", "sub.lab.dyn.example.test");
    let a = lab.login("a@example.com");
    let before = snapshot(&lab);
    let r = lab.api("POST", "/api/hostnames", Some(&a), Some(json!({"domainId": ZONE_ID, "name": "lab"})));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("sub.lab.dyn.example.test"), "{}", r.body);
    assert_eq!(snapshot(&lab), before);
    // B itself may take the name above its own hostname.
    let b = lab.login("b@example.com");
    assert_eq!(lab.api("POST", "/api/hostnames", Some(&b), Some(json!({"domainId": ZONE_ID, "name": "lab"}))).status, 201);
}

#[test]
fn the_dialects_ask_the_same_rule() {
    let (lab, _, b) = two_accounts();
    let key = lab.api_key(&b, &["read:domains", "write:domains", "write:records", "update"]);
    let before = snapshot(&lab);
    let form = |method: &str, body: &str| {
        let auth = format!("Bearer {key}");
        lab.request(method, "/api", &[("Authorization", &auth), ("Content-Type", "application/x-www-form-urlencoded")], body.as_bytes())
    };
    // IPv64: a domain (hostname) inside A's, and records there.
    let r = form("POST", &format!("add_domain={INSIDE}"));
    assert_eq!(r.status, 400, "{}", r.body);
    let r = form("POST", &format!("add_record={HOME}&praefix=_acme-challenge&type=TXT&content=stolen"));
    assert_eq!(r.status, 403, "{}", r.body);
    // HostUp: an updater for A's hostname, or inside it.
    for hostname in [HOME, INSIDE] {
        let auth = format!("Bearer {key}");
        let body = json!({"hostname": hostname, "recordType": "A"}).to_string();
        let r = lab.request("POST", &format!("/api/v2/domains/{ZONE_ID}/dyndns"), &[("Authorization", &auth), ("Content-Type", "application/json")], body.as_bytes());
        assert_eq!(r.status, 409, "{hostname}: {}", r.body);
    }
    // lego httpreq: a challenge in A's name.
    let body = json!({"fqdn": format!("_acme-challenge.{HOME}."), "value": "stolen"}).to_string();
    let r = lab.request("POST", "/present", &[("Authorization", &basic("b", &key)), ("Content-Type", "application/json")], body.as_bytes());
    assert_eq!(r.status, 403, "{}", r.body);
    // An update of A's hostname with B's key is `nohost`, never a change.
    let r = lab.get(&format!("/nic/update?hostname={HOME}&myip=192.0.2.99"), &[("Authorization", &basic("b", &key))]);
    assert_eq!(r.body, "nohost");
    assert_eq!(snapshot(&lab), before, "no surface changed anything");
    assert!(lab.answers(&format!("_acme-challenge.{HOME}"), RecordType::TXT).is_empty());
    assert_eq!(lab.answers(HOME, RecordType::A), vec!["192.0.2.1"]);
}

#[test]
fn a_tsig_key_never_reaches_another_accounts_name() {
    let (lab, _, b) = two_accounts();
    // A key naming A's hostname is refused when made.
    let r = lab.api("POST", "/api/tsig-keys", Some(&b), Some(json!({"name": "b1.example", "allow": [format!("_acme-challenge.{HOME}:TXT")]})));
    assert_eq!(r.status, 403, "{}", r.body);
    let r = lab.api("POST", "/api/tsig-keys", Some(&b), Some(json!({"name": "b2.example", "allow": [format!("*.{HOME}")]})));
    assert_eq!(r.status, 403, "{}", r.body);
    if !have_program("nsupdate") {
        return;
    }
    // A key allowed everything still cannot write there.
    let r = lab.api("POST", "/api/tsig-keys", Some(&b), Some(json!({"name": "b3.example"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let secret = r.json()["key"]["nsupdate"].as_str().unwrap().to_string();
    let before = snapshot(&lab);
    let script = format!(
        "server {} {}\nzone dyn.example.test\nupdate add _acme-challenge.{HOME} 60 TXT stolen\nupdate add {INSIDE} 60 A 192.0.2.66\nsend\n",
        lab.dns().ip(),
        lab.dns().port()
    );
    let mut child = Command::new("nsupdate").args(["-y", &secret]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success() && text.contains("REFUSED"), "{text}");
    assert_eq!(snapshot(&lab), before);
    assert!(lab.answers(INSIDE, RecordType::A).is_empty());
}

#[test]
fn an_administrator_writes_free_names_but_not_an_accounts() {
    let (lab, _, _) = two_accounts();
    let admin = lab.admin("root@example.com");
    let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(&admin), Some(json!({"type": "TXT", "name": "x.home", "content": "root"})));
    assert_eq!(r.status, 403, "{}", r.body);
    let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(&admin), Some(json!({"type": "TXT", "name": "notes", "content": "root"})));
    assert_eq!(r.status, 201, "{}", r.body);
    // Administrators still read everything in the shared zone.
    let all = lab.api("GET", &format!("/api/domains/{ZONE_ID}/records"), Some(&admin), None).json();
    assert!(all["records"].as_array().unwrap().iter().any(|r| r["name"] == HOME), "{all}");
}

#[test]
fn a_custom_domain_never_nests_in_another_accounts() {
    let lab = Lab::start();
    let (a, b) = (lab.login("a@example.com"), lab.login("b@example.com"));
    assert_eq!(lab.api("POST", "/api/domains", Some(&a), Some(json!({"name": "family.example.org"}))).status, 201);
    let before = lab.count("SELECT count(*) FROM zones");
    for name in ["shop.family.example.org", "example.org"] {
        let r = lab.api("POST", "/api/domains", Some(&b), Some(json!({"name": name})));
        assert_eq!(r.status, 409, "{name}: {}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains("another account"), "{}", r.body);
    }
    assert_eq!(lab.count("SELECT count(*) FROM zones"), before, "a refusal adds no domain");
    // A sibling name is anyone's.
    assert_eq!(lab.api("POST", "/api/domains", Some(&b), Some(json!({"name": "otherfamily.example.org"}))).status, 201);
}

#[test]
fn an_ns_record_never_delegates_away_another_accounts_hostname() {
    let (lab, _, _) = two_accounts();
    let admin = lab.admin("root@example.com");
    // `lab` is free, but a cut there would hand C's hostname below it to another server.
    lab.host("c@example.com", "deep.lab.dyn.example.test");
    let before = snapshot(&lab);
    let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(&admin), Some(json!({"type": "NS", "name": "lab", "content": "ns1.elsewhere.example.net"})));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("deep.lab.dyn.example.test"), "{}", r.body);
    assert_eq!(snapshot(&lab), before);
    // A free name with nothing of anyone's below may be delegated.
    let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(&admin), Some(json!({"type": "NS", "name": "office", "content": "ns1.elsewhere.example.net"})));
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn an_administrator_reads_every_served_zone_but_writes_only_free_names() {
    let (parent_lab, registrar) = parent();
    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent_lab.dns()));
    let admin = lab.admin("root@example.com");
    let a = lab.login("a@example.com");
    let domain = lab.api("POST", "/api/domains", Some(&a), Some(json!({"name": "mine.parent.test"}))).json()["domain"]["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("POST", &format!("/api/domains/{domain}/verify"), Some(&a), None).status, 200);
    let records = format!("/api/domains/{domain}/records");
    let made = lab.api("POST", &records, Some(&a), Some(json!({"type": "A", "name": "www", "content": "192.0.2.9"})));
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json()["record"]["id"].as_str().unwrap().to_string();

    let listed = lab.api("GET", &records, Some(&admin), None);
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.json()["records"].as_array().unwrap().iter().any(|r| r["id"] == id.as_str()), "{}", listed.body);
    // Reading is all: the domain's names are A's.
    let before = snapshot(&lab);
    let r = lab.api("POST", &records, Some(&admin), Some(json!({"type": "TXT", "name": "root", "content": "x"})));
    assert_eq!(r.status, 404, "not a zone the administrator may write in: {}", r.body);
    assert_eq!(lab.api("DELETE", &format!("{records}/{id}"), Some(&admin), None).status, 404);
    assert_eq!(snapshot(&lab), before);
    // Another account sees nothing of it.
    let b = lab.login("b@example.com");
    assert_eq!(lab.api("GET", &records, Some(&b), None).status, 404);
}
