//! Custom domains: added by an account, delegated at the parent, verified against a real DNS
//! server playing the parent zone (a second appliance), and only then served.

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, basic, delegate, parent, rcode};
use serde_json::json;

#[test]
fn a_custom_domain_is_served_only_once_its_delegation_is_right() {
    let (parent, registrar) = parent();
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent.dns()));
    let session = lab.login("a@example.com");

    let r = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let domain = r.json()["domain"].clone();
    assert_eq!((domain["verified"].as_bool(), domain["nameservers"].clone()), (Some(false), json!(["ns1.dyn.example.test"])));
    let id = domain["id"].as_str().unwrap().to_string();
    let status = |path: &str| lab.api(if path == "verify" { "POST" } else { "GET" }, &format!("/api/domains/{id}/{path}"), Some(&session), None).json();

    // Not delegated yet: not served, and the status says what to do.
    let s = status("verify");
    assert_eq!(s["delegation"]["verified"], false);
    assert!(s["delegation"]["message"].as_str().unwrap().contains("set its nameservers to: ns1.dyn.example.test"), "{s}");
    assert_eq!(rcode(&lab.query("mine.parent.test", RecordType::SOA)), ResponseCode::Refused);

    // Delegated elsewhere: still not verified, and the missing nameserver is named.
    delegate(&parent, &registrar, "ns.elsewhere.example");
    let s = status("delegation-status");
    assert_eq!((s["delegation"]["verified"].as_bool(), s["delegation"]["missing"].clone()), (Some(false), json!(["ns1.dyn.example.test"])));
    assert!(s["delegation"]["message"].as_str().unwrap().contains("does not include ns1.dyn.example.test"), "{s}");

    // Delegated here (and to a secondary): verified, served, and the owner manages it.
    delegate(&parent, &registrar, "ns1.dyn.example.test");
    let s = status("verify");
    assert_eq!((s["delegation"]["verified"].as_bool(), s["domain"]["verified"].as_bool()), (Some(true), Some(true)), "{s}");
    assert!(s["delegation"]["message"].as_str().unwrap().contains("secondaries"));
    assert_eq!(rcode(&lab.query("mine.parent.test", RecordType::SOA)), ResponseCode::NoError);
    assert_eq!(lab.answers("mine.parent.test", RecordType::NS), vec!["ns1.dyn.example.test."]);

    let r = lab.api("POST", "/api/hostnames", Some(&session), Some(json!({"domainId": id, "name": "nas"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let token = r.json()["token"]["tokenValue"].as_str().unwrap().to_string();
    let r = lab.get("/nic/update?myip=198.51.100.80", &[("Authorization", &basic("nas.mine.parent.test", &token))]);
    assert_eq!(r.body, "good 198.51.100.80");
    assert_eq!(lab.answers("nas.mine.parent.test", RecordType::A), vec!["198.51.100.80"]);
    let r = lab.api("POST", &format!("/api/domains/{id}/records"), Some(&session), Some(json!({"type": "TXT", "name": "@", "content": "v=spf1 -all"})));
    assert_eq!(r.status, 201, "the owner edits the apex of their own domain: {}", r.body);
    assert_eq!(lab.answers("mine.parent.test", RecordType::TXT), vec!["v=spf1 -all"]);

    // Served after a restart too.
    let lab = lab.restart();
    assert_eq!(lab.answers("nas.mine.parent.test", RecordType::A), vec!["198.51.100.80"]);

    // Deleting it stops serving it and removes its hostnames.
    assert_eq!(lab.api("DELETE", &format!("/api/domains/{id}"), Some(&session), None).status, 204);
    assert_eq!(rcode(&lab.query("nas.mine.parent.test", RecordType::A)), ResponseCode::Refused);
    assert_eq!(lab.count("SELECT count(*) FROM hostnames"), 0);
}

#[test]
fn custom_domain_rules_and_isolation() {
    let (parent, registrar) = parent();
    delegate(&parent, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent.dns()));
    let alice = lab.login("alice@example.com");
    let mallory = lab.login("mallory@example.com");

    for (name, status) in [("x.dyn.example.test", 409), ("dyn.example.test", 409), ("localhost", 422), ("bad name.test", 422)] {
        let r = lab.api("POST", "/api/domains", Some(&alice), Some(json!({"name": name})));
        assert_eq!(r.status, status, "{name}: {}", r.body);
    }
    let id = lab.api("POST", "/api/domains", Some(&alice), Some(json!({"name": "mine.parent.test"}))).json()["domain"]["id"].as_str().unwrap().to_string();
    let r = lab.api("POST", "/api/domains", Some(&mallory), Some(json!({"name": "mine.parent.test"})));
    assert_eq!(r.status, 409, "a domain belongs to one account");
    let r = lab.api("POST", "/api/domains", Some(&alice), Some(json!({"name": "second.parent.test"})));
    assert_eq!((r.status, r.json()["code"].as_str()), (403, Some("PLAN_LIMIT")), "free allows one custom domain");

    // Mallory cannot see, verify, use or delete Alice's domain.
    let listed = lab.api("GET", "/api/domains", Some(&mallory), None).json();
    assert!(!listed.to_string().contains("mine.parent.test"));
    for (method, path) in [("POST", format!("/api/domains/{id}/verify")), ("GET", format!("/api/domains/{id}/delegation-status")), ("DELETE", format!("/api/domains/{id}"))] {
        assert_eq!(lab.api(method, &path, Some(&mallory), None).status, 404, "{method} {path}");
    }
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&alice), None).json()["domain"]["verified"], true);
    let r = lab.api("POST", "/api/hostnames", Some(&mallory), Some(json!({"domainId": id, "name": "evil"})));
    assert_eq!(r.status, 404, "{}", r.body);
    let r = lab.api("POST", &format!("/api/domains/{id}/records"), Some(&mallory), Some(json!({"type": "A", "name": "evil", "content": "192.0.2.66"})));
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(rcode(&lab.query("evil.mine.parent.test", RecordType::A)), ResponseCode::NXDomain);
}

/// `PATCH /api/domains/{id}`: each field given replaces what was there, an absent one stays
/// as it is, and a wrong entry is refused with nothing changed. The settings take effect on
/// the served zone at once.
#[test]
fn a_custom_domains_settings_change_one_field_at_a_time() {
    let (parent, registrar) = parent();
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent.dns()));
    let session = lab.login("a@example.com");
    let r = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"})));
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    delegate(&parent, &registrar, "ns1.dyn.example.test");
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).json()["domain"]["verified"], true);
    let patch = |body: serde_json::Value| lab.api("PATCH", &format!("/api/domains/{id}"), Some(&session), Some(body));
    let axfr = || rcode(&porchlight_tests::query_tcp(lab.dns(), "mine.parent.test", RecordType::AXFR));
    assert_eq!(axfr(), ResponseCode::Refused, "nobody may transfer it by default");

    let r = patch(json!({"allowTransfer": ["127.0.0.1/32"], "notify": ["127.0.0.1:5399"]}));
    assert_eq!(r.status, 200, "{}", r.body);
    let settings = |r: &porchlight_tests::HttpResponse| (r.json()["domain"]["allowTransfer"].clone(), r.json()["domain"]["notify"].clone());
    assert_eq!(settings(&r), (json!(["127.0.0.1/32"]), json!(["127.0.0.1:5399"])));
    assert_eq!(axfr(), ResponseCode::NoError, "allowed at once");

    // Only DNSSEC: the transfer settings stay.
    let r = patch(json!({"dnssec": false}));
    assert_eq!((r.status, settings(&r)), (200, (json!(["127.0.0.1/32"]), json!(["127.0.0.1:5399"]))), "{}", r.body);
    // Only notify: allowTransfer stays.
    let r = patch(json!({"notify": []}));
    assert_eq!(settings(&r), (json!(["127.0.0.1/32"]), json!([])));
    // A wrong entry: refused in the API's words, nothing changed.
    let r = patch(json!({"allowTransfer": ["everyone"], "dnssec": true}));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("allow-transfer \\\"everyone\\\""), "{}", r.body);
    let listed = lab.api("GET", "/api/domains", Some(&session), None).json();
    let mine = listed["domains"].as_array().unwrap().iter().find(|d| d["id"] == id.as_str()).unwrap().clone();
    assert_eq!((mine["allowTransfer"].clone(), mine["notify"].clone()), (json!(["127.0.0.1/32"]), json!([])));
    assert_eq!(lab.api("GET", &format!("/api/domains/{id}/dnssec"), Some(&session), None).json()["signed"], false, "the refused request switched nothing");
    // Emptied: transfers are refused again.
    assert_eq!(patch(json!({"allowTransfer": []})).status, 200);
    assert_eq!(axfr(), ResponseCode::Refused);
}
