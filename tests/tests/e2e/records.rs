//! DNS records through the native API (the ipdock document, section 6): validation per
//! type, plan limits, CNAME exclusivity, who may edit what, and every change live in DNS.

use porchlight_tests::hickory_proto::rr::{RData, RecordType};
use porchlight_tests::{HttpResponse, Lab, answers, basic};
use serde_json::{Value, json};

const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";
const RECORDS: &str = "/api/domains/00000000-0000-0000-0000-000000000001/records";

/// A lab with one account owning `h.dyn.example.test`, on `plan`.
fn lab_with_host(plan: &str) -> (Lab, String, String) {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    let r = lab.api("POST", "/api/hostnames", Some(&session), Some(json!({"domainId": ZONE_ID, "name": "h"})));
    let token = r.json()["token"]["tokenValue"].as_str().unwrap().to_string();
    lab.db().execute("UPDATE users SET plan = ?1", [plan]).unwrap();
    (lab, session, token)
}

fn add(lab: &Lab, session: &str, record: Value) -> HttpResponse {
    lab.api("POST", RECORDS, Some(session), Some(record))
}

#[test]
fn every_type_is_validated_and_served() {
    let (lab, session, _) = lab_with_host("self-hoster");
    let long_txt = "k=".to_string() + &"x".repeat(400);
    for record in [
        json!({"type": "A", "name": "www.h", "content": "192.0.2.10", "ttl": 300}),
        json!({"type": "AAAA", "name": "www.h", "content": "2001:db8::10"}),
        json!({"type": "MX", "name": "h", "content": "mail.h.dyn.example.test", "priority": 10}),
        json!({"type": "SRV", "name": "_sip._udp.h", "content": "sip.h.dyn.example.test", "priority": 1, "weight": 5, "port": 5060}),
        json!({"type": "CAA", "name": "h", "content": "0 issue \"letsencrypt.org\""}),
        json!({"type": "TXT", "name": "long.h", "content": long_txt}),
        json!({"type": "CNAME", "name": "alias.h", "content": "www.h.dyn.example.test"}),
        json!({"type": "NS", "name": "sub.h", "content": "ns.elsewhere.example"}),
    ] {
        let r = add(&lab, &session, record.clone());
        assert_eq!(r.status, 201, "{record}: {}", r.body);
    }
    assert_eq!(lab.answers("www.h.dyn.example.test", RecordType::A), vec!["192.0.2.10"]);
    assert_eq!(lab.query("www.h.dyn.example.test", RecordType::A).answers[0].ttl, 300);
    assert_eq!(lab.answers("www.h.dyn.example.test", RecordType::AAAA), vec!["2001:db8::10"]);
    assert_eq!(lab.answers("h.dyn.example.test", RecordType::MX), vec!["10 mail.h.dyn.example.test."]);
    assert_eq!(lab.answers("_sip._udp.h.dyn.example.test", RecordType::SRV), vec!["1 5 5060 sip.h.dyn.example.test."]);
    assert_eq!(lab.query("h.dyn.example.test", RecordType::CAA).answers.len(), 1);
    // A CNAME is followed inside the zone.
    let alias = lab.query("alias.h.dyn.example.test", RecordType::A);
    assert_eq!(answers(&alias, RecordType::A), vec!["192.0.2.10"]);
    // Long TXT content travels as several strings of at most 255 bytes, never truncated.
    let txt = lab.query("long.h.dyn.example.test", RecordType::TXT);
    let RData::TXT(data) = &txt.answers[0].data else { panic!("not TXT") };
    assert_eq!(data.txt_data.len(), 2);
    assert!(data.txt_data.iter().all(|s| s.len() <= 255));
    assert_eq!(lab.answers_tcp("long.h.dyn.example.test", RecordType::TXT), vec![long_txt]);

    let listed = lab.api("GET", RECORDS, Some(&session), None).json();
    assert_eq!(listed["records"].as_array().unwrap().len(), 8);
}

#[test]
fn invalid_records_get_the_documents_messages_and_change_nothing() {
    let (lab, session, _) = lab_with_host("self-hoster");
    let serial = lab.serial();
    for (record, status, message) in [
        (json!({"type": "A", "name": "x.h", "content": "2001:db8::1"}), 422, "A record content must be a valid IPv4 address"),
        (json!({"type": "AAAA", "name": "x.h", "content": "192.0.2.1"}), 422, "AAAA record content must be a valid IPv6 address"),
        (json!({"type": "MX", "name": "x.h", "content": "mail.example.com"}), 422, "MX record needs a priority"),
        (json!({"type": "SRV", "name": "x.h", "content": "t.example.com", "priority": 1}), 422, "SRV record needs a weight"),
        (json!({"type": "CAA", "name": "x.h", "content": "issue letsencrypt.org"}), 422, "CAA record content"),
        (json!({"type": "CNAME", "name": "x.h", "content": "not a name"}), 422, "may only hold"),
        (json!({"type": "A", "name": "x.h", "content": "192.0.2.1", "ttl": 5}), 422, "TTL must be between"),
        (json!({"type": "PTR", "name": "x.h", "content": "x"}), 422, "not supported"),
        (json!({"type": "A", "name": "h", "content": "192.0.2.1"}), 409, "set by its updates"),
        (json!({"type": "A", "name": "someone-else", "content": "192.0.2.1"}), 403, "your own hostnames"),
        (json!({"type": "TXT", "name": "@", "content": "apex"}), 403, "apex"),
    ] {
        let r = add(&lab, &session, record.clone());
        assert_eq!(r.status, status, "{record}: {}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains(message), "{record}: {}", r.body);
    }
    assert_eq!(lab.serial(), serial, "nothing was published");
    assert_eq!(lab.count("SELECT count(*) FROM records"), 0);
}

#[test]
fn plan_limits_record_types() {
    let (lab, session, _) = lab_with_host("free");
    let r = add(&lab, &session, json!({"type": "MX", "name": "h", "content": "mail.example.com", "priority": 10}));
    assert_eq!(r.status, 403);
    assert_eq!(r.json(), json!({"error": "MX records require a Self-Hoster plan or higher", "code": "PLAN_LIMIT", "upgrade": true}));
    assert_eq!(add(&lab, &session, json!({"type": "TXT", "name": "h", "content": "fine"})).status, 201);
}

#[test]
fn cname_stands_alone() {
    let (lab, session, _) = lab_with_host("free");
    assert_eq!(add(&lab, &session, json!({"type": "A", "name": "a.h", "content": "192.0.2.1"})).status, 201);
    let r = add(&lab, &session, json!({"type": "CNAME", "name": "a.h", "content": "h.dyn.example.test"}));
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(add(&lab, &session, json!({"type": "CNAME", "name": "c.h", "content": "h.dyn.example.test"})).status, 201);
    let r = add(&lab, &session, json!({"type": "TXT", "name": "c.h", "content": "x"}));
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(add(&lab, &session, json!({"type": "A", "name": "a.h", "content": "192.0.2.1"})).status, 409, "duplicate");
}

#[test]
fn patch_and_delete_are_live_and_owned() {
    let (lab, session, _) = lab_with_host("free");
    let id = add(&lab, &session, json!({"type": "A", "name": "www.h", "content": "192.0.2.1"})).json()["record"]["id"].as_str().unwrap().to_string();
    let serial = lab.serial();
    let r = lab.api("PATCH", &format!("{RECORDS}/{id}"), Some(&session), Some(json!({"content": "192.0.2.2", "ttl": 120})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(lab.answers("www.h.dyn.example.test", RecordType::A), vec!["192.0.2.2"]);
    assert!(lab.serial() > serial);
    // Content that does not fit the record's type conflicts with what the record is.
    let r = lab.api("PATCH", &format!("{RECORDS}/{id}"), Some(&session), Some(json!({"content": "nope"})));
    assert_eq!(r.status, 409);
    assert_eq!(lab.answers("www.h.dyn.example.test", RecordType::A), vec!["192.0.2.2"]);

    let mallory = lab.login("m@example.com");
    for (method, body) in [("PATCH", Some(json!({"content": "192.0.2.66"}))), ("DELETE", None)] {
        assert_eq!(lab.api(method, &format!("{RECORDS}/{id}"), Some(&mallory), body).status, 404, "{method}");
    }
    assert!(lab.api("GET", RECORDS, Some(&mallory), None).json()["records"].as_array().unwrap().is_empty());
    assert_eq!(lab.api("GET", "/api/domains/nope/records", Some(&session), None).status, 404);

    assert_eq!(lab.api("DELETE", &format!("{RECORDS}/{id}"), Some(&session), None).status, 204);
    assert!(lab.answers("www.h.dyn.example.test", RecordType::A).is_empty());
    assert_eq!(lab.api("DELETE", &format!("{RECORDS}/{id}"), Some(&session), None).status, 404);
}

#[test]
fn hand_made_txt_survives_acme_challenges_and_managed_records_stay_managed() {
    let (lab, session, token) = lab_with_host("free");
    assert_eq!(add(&lab, &session, json!({"type": "TXT", "name": "h", "content": "v=spf1 -all"})).status, 201);
    assert_eq!(lab.get(&format!("/update?domains=h&token={token}&txt=challenge"), &[]).body, "OK");
    assert_eq!(lab.answers("h.dyn.example.test", RecordType::TXT), vec!["challenge", "v=spf1 -all"]);
    assert_eq!(lab.get(&format!("/update?domains=h&token={token}&txt=&clear=true"), &[]).body, "OK");
    assert_eq!(lab.answers("h.dyn.example.test", RecordType::TXT), vec!["v=spf1 -all"]);

    lab.get("/api/update?ip=192.0.2.9", &[("Authorization", &format!("Bearer {token}"))]);
    let records = lab.api("GET", RECORDS, Some(&session), None).json();
    let managed = records["records"].as_array().unwrap().iter().find(|r| r["type"] == "A").unwrap().clone();
    assert_eq!(managed["managed"], true);
    let r = lab.api("DELETE", &format!("{RECORDS}/{}", managed["id"].as_str().unwrap()), Some(&session), None);
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(lab.answers("h.dyn.example.test", RecordType::A), vec!["192.0.2.9"]);

    // What updates set below or beside the address may be deleted (and only deleted): a
    // `praefix` address, an ACME value, the wildcard.
    let key = lab.api("POST", "/api/tokens", Some(&session), Some(json!({"label": "k", "scopes": ["update"]}))).json()["token"]["tokenValue"].as_str().unwrap().to_string();
    assert_eq!(lab.get(&format!("/nic/update?key={key}&domain=h.dyn.example.test&praefix=vpn&ipv4=192.0.2.10"), &[]).body, "good 192.0.2.10");
    assert_eq!(lab.get(&format!("/update?domains=h&token={token}&txt=left-behind"), &[]).body, "OK");
    let wildcard = lab.get("/nic/update?hostname=h.dyn.example.test&myip=192.0.2.9&wildcard=ON", &[("Authorization", &basic("h.dyn.example.test", &token))]);
    assert_eq!(wildcard.status, 200, "{}", wildcard.body);
    let records = lab.api("GET", RECORDS, Some(&session), None).json();
    let made: Vec<Value> = records["records"].as_array().unwrap().iter().filter(|r| r["managed"] == true && r["id"] != managed["id"]).cloned().collect();
    assert_eq!(made.len(), 4, "vpn A, the ACME value at the host and at _acme-challenge, the wildcard: {records}");
    let first = made[0]["id"].as_str().unwrap();
    let r = lab.api("PATCH", &format!("{RECORDS}/{first}"), Some(&session), Some(json!({"ttl": 300})));
    assert_eq!(r.status, 409, "{}", r.body);
    for record in &made {
        let r = lab.api("DELETE", &format!("{RECORDS}/{}", record["id"].as_str().unwrap()), Some(&session), None);
        assert_eq!(r.status, 204, "{record}: {}", r.body);
    }
    assert!(lab.answers("vpn.h.dyn.example.test", RecordType::A).is_empty());
    assert!(lab.answers("_acme-challenge.h.dyn.example.test", RecordType::TXT).is_empty());
    assert!(lab.answers("any.h.dyn.example.test", RecordType::A).is_empty());
    assert_eq!(lab.answers("h.dyn.example.test", RecordType::A), vec!["192.0.2.9"]);
}
