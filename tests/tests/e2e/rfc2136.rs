//! RFC 2136 dynamic updates with TSIG, driven by the real programs: BIND's `nsupdate` with
//! every algorithm, Knot's `knsupdate`, certbot's RFC 2136 plugin (its own client code), and
//! the request shapes of acme.sh `dns_nsupdate` and lego `rfc2136`.

use std::io::Write as _;
use std::process::{Command, Stdio};

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, have_program, rcode};

const HOST: &str = "lab.dyn.example.test";

/// A lab with an account owning `HOST`; returns its session.
fn lab_with_host() -> (Lab, String) {
    let lab = Lab::start();
    lab.host("a@example.com", HOST);
    let session = lab.login("a@example.com");
    (lab, session)
}

/// Makes a key through the API and returns its `algorithm:name:secret`.
fn key(lab: &Lab, session: &str, name: &str, algorithm: &str, allow: &[&str]) -> String {
    let r = lab.api("POST", "/api/tsig-keys", Some(session), Some(serde_json::json!({"name": name, "algorithm": algorithm, "allow": allow})));
    assert_eq!(r.status, 201, "{}", r.body);
    let key = &r.json()["key"];
    assert_eq!(key["algorithm"], algorithm);
    key["nsupdate"].as_str().unwrap().to_string()
}

/// Runs a client with `script` on standard input; returns (success, output).
fn run(program: &str, args: &[&str], script: &str) -> (bool, String) {
    let mut child = Command::new(program).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn server_line(lab: &Lab) -> String {
    format!("server {} {}\nzone dyn.example.test\n", lab.dns().ip(), lab.dns().port())
}

#[test]
fn nsupdate_adds_and_deletes_with_every_tsig_algorithm() {
    if !have_program("nsupdate") {
        return;
    }
    let (lab, session) = lab_with_host();
    for (i, algorithm) in ["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"].iter().enumerate() {
        let secret = key(&lab, &session, &format!("k{i}.example"), algorithm, &[]);
        let name = format!("{}.{HOST}", algorithm.trim_start_matches("hmac-"));
        let address = format!("192.0.2.{}", 10 + i);
        let add = format!("{}update add {name} 300 A {address}\nupdate add {name} 300 TXT \"by {algorithm}\"\nsend\n", server_line(&lab));
        let (ok, out) = run("nsupdate", &["-y", &secret], &add);
        assert!(ok, "{algorithm}: {out}");
        assert_eq!(lab.answers(&name, RecordType::A), vec![address.clone()], "{algorithm}");
        assert_eq!(lab.answers(&name, RecordType::TXT), vec![format!("by {algorithm}")]);
        let delete = format!("{}update delete {name} A\nupdate delete {name} TXT \"by {algorithm}\"\nsend\n", server_line(&lab));
        let (ok, out) = run("nsupdate", &["-y", &secret], &delete);
        assert!(ok, "{algorithm}: {out}");
        assert_eq!(rcode(&lab.query(&name, RecordType::A)), ResponseCode::NXDomain, "{algorithm}: the name is gone");
    }
    // Every change is in the event log with the key's name.
    let log = lab.api("GET", "/api/logs?limit=100", Some(&session), None).body;
    assert!(log.contains("rfc2136, key k5.example"), "{log}");
}

#[test]
fn a_hostnames_address_set_over_rfc2136_is_in_its_history() {
    if !have_program("nsupdate") {
        return;
    }
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "router.example", "hmac-sha256", &[]);
    let script = format!("{}update delete {HOST} A\nupdate add {HOST} 60 A 198.51.100.4\nsend\n", server_line(&lab));
    let (ok, out) = run("nsupdate", &["-y", &secret], &script);
    assert!(ok, "{out}");
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["198.51.100.4"]);
    let id = lab.host_id(HOST);
    let history = lab.api("GET", &format!("/api/hostnames/{id}/history"), Some(&session), None).json();
    let entry = &history["history"][0];
    assert_eq!(entry["new"], "198.51.100.4", "{history}");
    assert_eq!(entry["dialect"], "rfc2136", "{history}");
    // Two addresses for one hostname are refused, and nothing changes.
    let script = format!("{}update add {HOST} 60 A 198.51.100.5\nsend\n", server_line(&lab));
    let (ok, out) = run("nsupdate", &["-y", &secret], &script);
    assert!(!ok && out.contains("REFUSED"), "{out}");
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["198.51.100.4"]);
}

#[test]
fn prerequisites_are_honoured_and_a_failed_update_changes_nothing() {
    if !have_program("nsupdate") {
        return;
    }
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "pre.example", "hmac-sha256", &[]);
    let a = format!("a.{HOST}");
    let b = format!("b.{HOST}");
    let cases = [
        (format!("prereq nxdomain {a}\nupdate add {a} 60 A 192.0.2.1\n"), None),
        (format!("prereq nxdomain {a}\nupdate add {b} 60 A 192.0.2.2\n"), Some("YXDOMAIN")),
        (format!("prereq yxdomain {b}\nupdate add {b} 60 A 192.0.2.2\n"), Some("NXDOMAIN")),
        (format!("prereq nxrrset {a} A\nupdate add {b} 60 A 192.0.2.2\n"), Some("YXRRSET")),
        (format!("prereq yxrrset {a} TXT\nupdate add {b} 60 A 192.0.2.2\n"), Some("NXRRSET")),
        (format!("prereq yxrrset {a} A 192.0.2.9\nupdate add {b} 60 A 192.0.2.2\n"), Some("NXRRSET")),
        (format!("prereq yxrrset {a} A 192.0.2.1\nupdate add {b} 60 A 192.0.2.3\nupdate add {b} 60 TXT \"two\"\n"), None),
        // Atomic: the first change is allowed, the second is outside the account's names.
        (format!("update add c.{HOST} 60 A 192.0.2.4\nupdate add someone-else.dyn.example.test 60 A 192.0.2.4\n"), Some("REFUSED")),
        ("update add out.example.org 60 A 192.0.2.4\n".to_string(), Some("NOTZONE")),
    ];
    for (body, expected) in cases {
        let before = lab.serial();
        let (ok, out) = run("nsupdate", &["-y", &secret], &format!("{}{body}send\n", server_line(&lab)));
        match expected {
            None => assert!(ok, "{body}: {out}"),
            Some(code) => {
                assert!(!ok && out.contains(code), "{body}: expected {code}, got {out}");
                assert_eq!(lab.serial(), before, "{body}: a refused update changed the zone");
            }
        }
    }
    assert_eq!(lab.answers(&b, RecordType::A), vec!["192.0.2.3"]);
    assert_eq!(lab.answers(&b, RecordType::TXT), vec!["two"]);
    assert_eq!(rcode(&lab.query(&format!("c.{HOST}"), RecordType::A)), ResponseCode::NXDomain);
}

#[test]
fn unsigned_badly_signed_and_out_of_bounds_updates_are_refused() {
    if !have_program("nsupdate") {
        return;
    }
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "acme.example", "hmac-sha256", &["_acme-challenge.*:TXT"]);
    let before = lab.serial();
    let script = |name: &str, kind: &str, value: &str| format!("{}update add {name} 60 {kind} {value}\nsend\n", server_line(&lab));
    let (ok, out) = run("nsupdate", &[], &script(&format!("x.{HOST}"), "A", "192.0.2.1"));
    assert!(!ok && out.contains("REFUSED"), "unsigned: {out}");
    let wrong = secret.rsplit_once(':').map(|(head, _)| format!("{head}:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=")).unwrap();
    let (ok, out) = run("nsupdate", &["-y", &wrong], &script(&format!("_acme-challenge.{HOST}"), "TXT", "v"));
    assert!(!ok && out.contains("BADSIG"), "bad signature: {out}");
    let (ok, out) = run("nsupdate", &["-y", "hmac-sha256:nobody.example:c2VjcmV0"], &script(&format!("_acme-challenge.{HOST}"), "TXT", "v"));
    assert!(!ok && out.contains("BADKEY"), "unknown key: {out}");
    // The key is limited to ACME TXT records.
    let (ok, out) = run("nsupdate", &["-y", &secret], &script(&format!("_acme-challenge.{HOST}"), "CNAME", "elsewhere.example."));
    assert!(!ok && out.contains("REFUSED"), "wrong type: {out}");
    let (ok, out) = run("nsupdate", &["-y", &secret], &script(&format!("www.{HOST}"), "TXT", "v"));
    assert!(!ok && out.contains("REFUSED"), "wrong name: {out}");
    assert_eq!(lab.serial(), before, "nothing changed");
    let (ok, out) = run("nsupdate", &["-y", &secret], &script(&format!("_acme-challenge.{HOST}"), "TXT", "allowed"));
    assert!(ok, "{out}");
    assert_eq!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT), vec!["allowed"]);
    // Bad key requests through the API say what is wrong.
    for (body, word) in [
        (serde_json::json!({"name": "x.example", "algorithm": "hmac-sha3"}), "Unknown algorithm"),
        (serde_json::json!({"name": "acme.example"}), "already exists"),
        (serde_json::json!({"name": "y.example", "allow": ["bad pattern:TXT"]}), "PATTERN:TYPE"),
    ] {
        let r = lab.api("POST", "/api/tsig-keys", Some(&session), Some(body));
        assert!(matches!(r.status, 409 | 422), "{}", r.body);
        assert!(r.body.contains(word), "{}", r.body);
    }
    let keys = lab.api("GET", "/api/tsig-keys", Some(&session), None);
    assert!(!keys.body.contains("secret"), "listings never show secrets: {}", keys.body);
}

#[test]
fn knsupdate_adds_and_deletes() {
    if !have_program("knsupdate") {
        return;
    }
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "knot.example", "hmac-sha512", &[]);
    let name = format!("knot.{HOST}");
    let add = format!("{}update add {name} 120 AAAA 2001:db8::7\nsend\nquit\n", server_line(&lab));
    let (ok, out) = run("knsupdate", &["-y", &secret], &add);
    assert!(ok, "{out}");
    assert_eq!(lab.answers(&name, RecordType::AAAA), vec!["2001:db8::7"]);
    let delete = format!("{}update delete {name} AAAA\nsend\nquit\n", server_line(&lab));
    let (ok, out) = run("knsupdate", &["-y", &secret], &delete);
    assert!(ok, "{out}");
    assert!(lab.answers(&name, RecordType::AAAA).is_empty());
}

#[test]
fn acme_sh_dns_nsupdate_shape_with_a_key_file() {
    if !have_program("nsupdate") {
        return;
    }
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "acmesh.example", "hmac-sha512", &["_acme-challenge.*:TXT"]);
    let value = secret.rsplit(':').next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("acme.key");
    std::fs::write(&keyfile, format!("key \"acmesh.example\" {{\n  algorithm hmac-sha512;\n  secret \"{value}\";\n}};\n")).unwrap();
    let keyfile = keyfile.to_str().unwrap();
    let fqdn = format!("_acme-challenge.{HOST}");
    // As acme.sh writes it: no zone line, lower-case class, then the whole set deleted.
    let add = format!("server {} {}\nupdate add {fqdn}. 60 in txt \"acme-sh-token\"\nsend\n", lab.dns().ip(), lab.dns().port());
    let (ok, out) = run("nsupdate", &["-k", keyfile], &add);
    assert!(ok, "{out}");
    assert_eq!(lab.answers(&fqdn, RecordType::TXT), vec!["acme-sh-token"]);
    let remove = format!("server {} {}\nupdate delete {fqdn}. txt\nsend\n", lab.dns().ip(), lab.dns().port());
    let (ok, out) = run("nsupdate", &["-k", keyfile], &remove);
    assert!(ok, "{out}");
    assert!(lab.answers(&fqdn, RecordType::TXT).is_empty());
}

#[test]
fn lego_rfc2136_shape_insert_and_remove_with_hmac_sha1() {
    if !have_program("nsupdate") {
        return;
    }
    // lego signs with hmac-sha1 by default, inserts the TXT record and later removes that one
    // record (class NONE), leaving other values at the name alone.
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "lego.example", "hmac-sha1", &["_acme-challenge.*:TXT"]);
    let fqdn = format!("_acme-challenge.{HOST}");
    for value in ["first", "second"] {
        let (ok, out) = run("nsupdate", &["-y", &secret], &format!("{}update add {fqdn}. 120 IN TXT \"{value}\"\nsend\n", server_line(&lab)));
        assert!(ok, "{out}");
    }
    let mut both = lab.answers(&fqdn, RecordType::TXT);
    both.sort();
    assert_eq!(both, vec!["first", "second"]);
    let (ok, out) = run("nsupdate", &["-y", &secret], &format!("{}update delete {fqdn}. IN TXT \"first\"\nsend\n", server_line(&lab)));
    assert!(ok, "{out}");
    assert_eq!(lab.answers(&fqdn, RecordType::TXT), vec!["second"]);
}

#[test]
fn certbot_rfc2136_plugin_client_signs_its_soa_lookup_and_updates() {
    let plugin = std::path::Path::new("/usr/lib/python3/dist-packages/certbot_dns_rfc2136");
    if !plugin.exists() {
        assert!(std::env::var_os("CI").is_none(), "python3-certbot-dns-rfc2136 is not installed; the test command installs it");
        eprintln!("SKIPPED: python3-certbot-dns-rfc2136 is not installed");
        return;
    }
    let (lab, session) = lab_with_host();
    let secret = key(&lab, &session, "certbot.example", "hmac-md5", &["_acme-challenge.*:TXT"]);
    let value = secret.rsplit(':').next().unwrap();
    // The plugin's own client: it finds the zone with a TSIG-signed SOA query (and rejects an
    // unsigned answer), then adds and deletes the challenge record.
    let script = format!(
        r#"
import dns.tsig
from certbot_dns_rfc2136._internal.dns_rfc2136 import _RFC2136Client
client = _RFC2136Client("{ip}", {port}, "certbot.example", "{value}", dns.tsig.HMAC_MD5, 5)
client.add_txt_record("_acme-challenge.{HOST}", "certbot-token", 60)
print("ADDED")
"#,
        ip = lab.dns().ip(),
        port = lab.dns().port(),
    );
    let (ok, out) = run("/usr/bin/python3", &["-"], &script);
    assert!(ok && out.contains("ADDED"), "{out}");
    assert_eq!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT), vec!["certbot-token"]);
    let script = script.replace("client.add_txt_record(", "client.del_txt_record(").replace(", 60)", ")").replace("ADDED", "DELETED");
    let (ok, out) = run("/usr/bin/python3", &["-"], &script);
    assert!(ok && out.contains("DELETED"), "{out}");
    assert!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT).is_empty());
}
