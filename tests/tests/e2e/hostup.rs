//! The HostUp v2 dialect: domains, per-hostname updaters whose 64-hex tokens update one
//! hostname and one record type through the ordinary update endpoints, and RFC 7807 errors.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Lab, basic};
use serde_json::{Value, json};

const ZONE: &str = "00000000-0000-0000-0000-000000000001";
const HOST: &str = "home.dyn.example.test";

/// Asserts an RFC 7807 problem with `status` and `code`.
fn assert_problem(r: &HttpResponse, status: u16, code: &str, instance: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let doc = r.json();
    assert_eq!((doc["status"].as_u64(), doc["code"].as_str(), doc["instance"].as_str()), (Some(u64::from(status)), Some(code), Some(instance)), "{doc}");
    for field in ["type", "title", "detail"] {
        assert!(doc[field].as_str().is_some_and(|v| !v.is_empty()), "{field} in {doc}");
    }
    assert!(doc["requestId"].as_str().unwrap().starts_with("req_"));
    assert!(doc["timestamp"].as_str().unwrap().ends_with(".000Z"));
    doc
}

#[test]
fn updaters_are_made_listed_used_disabled_and_deleted() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    let key = lab.api_key(&session, &["read:domains", "write:domains"]);

    let r = lab.bearer("GET", "/api/v2/domains", &key, None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"][0], json!({"id": ZONE, "name": "dyn.example.test"}));

    let path = format!("/api/v2/domains/{ZONE}/dyndns");
    let r = lab.bearer("POST", &path, &key, Some(json!({"hostname": HOST, "recordType": "A"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let updater = r.json();
    let token = updater["token"].as_str().unwrap().to_string();
    assert!(updater["id"].as_str().unwrap().starts_with("ddns_"));
    assert!(token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{token}");
    assert_eq!(
        (updater["hostname"].clone(), updater["recordType"].clone(), updater["lastIp"].clone(), updater["updateCount"].clone(), updater["enabled"].clone()),
        (json!(HOST), json!("A"), Value::Null, json!(0), json!(true))
    );
    let id = updater["id"].as_str().unwrap().to_string();

    // The token updates the A record of that hostname through the update endpoints...
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.80"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!((r.status, r.body.as_str()), (200, "good 203.0.113.80"));
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.80"]);
    let r = lab.get("/api/update?ip=203.0.113.81", &[("Authorization", &format!("Bearer {token}"))]);
    assert_eq!(r.status, 200, "{}", r.body);
    // ...but not its AAAA, nor another hostname.
    let serial = lab.serial();
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myipv6=2001:db8::80"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!((r.status, r.body.as_str()), (403, "badauth"));
    lab.host("a@example.com", "other.dyn.example.test");
    let r = lab.get("/nic/update?hostname=other.dyn.example.test&myip=203.0.113.82", &[("Authorization", &basic("x", &token))]);
    assert_eq!(r.body, "nohost");
    // Nor a name below its hostname, an ACME value or any other record.
    let r = lab.get(&format!("/nic/update?key={token}&domain={HOST}&praefix=vpn&ipv4=203.0.113.82"), &[]);
    assert_eq!((r.status, r.body.as_str()), (403, "badauth"), "IPv64's praefix");
    let r = lab.get(&format!("/update?domains={HOST}&token={token}&txt=stolen"), &[]);
    assert_eq!(r.body, "KO", "DuckDNS's txt");
    let body = json!({"fqdn": format!("_acme-challenge.{HOST}."), "value": "stolen"}).to_string();
    let r = lab.request("POST", "/present", &[("Authorization", &basic("x", &token)), ("Content-Type", "application/json")], body.as_bytes());
    assert_eq!(r.status, 403, "lego's httpreq: {}", r.body);
    assert_eq!(lab.serial(), serial);
    assert!(lab.answers(&format!("vpn.{HOST}"), RecordType::A).is_empty());
    assert!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT).is_empty());

    // Listing and getting show the counters, never the token.
    let listed = lab.bearer("GET", &path, &key, None).json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let got = lab.bearer("GET", &format!("{path}/{id}"), &key, None).json();
    assert_eq!((got["updateCount"].clone(), got["lastIp"].clone(), got["token"].clone()), (json!(2), json!("203.0.113.81"), Value::Null));
    assert!(got["lastUpdatedAt"].as_str().unwrap().ends_with(".000Z"));

    // Disabled, the token stops working; enabled again, it works.
    let r = lab.bearer("PATCH", &format!("{path}/{id}"), &key, Some(json!({"enabled": false})));
    assert_eq!((r.status, r.json()["enabled"].clone()), (200, json!(false)));
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.83"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!((r.status, r.body.as_str()), (401, "badauth"));
    assert_eq!(lab.bearer("PATCH", &format!("{path}/{id}"), &key, Some(json!({"enabled": true}))).status, 200);
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.84"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!(r.body, "good 203.0.113.84");

    // Regenerated from the account's token list, it stays 64 hex and the old one dies.
    let tokens = lab.api("GET", "/api/tokens", Some(&session), None).json();
    let listed = tokens["tokens"].as_array().unwrap().iter().find(|t| t["label"].as_str().is_some_and(|l| l.starts_with("updater"))).unwrap_or_else(|| panic!("{tokens}")).clone();
    let r = lab.api("POST", &format!("/api/tokens/{}/regenerate", listed["id"].as_str().unwrap()), Some(&session), None);
    let fresh = r.json()["token"]["tokenValue"].as_str().unwrap_or_else(|| panic!("{}", r.body)).to_string();
    assert!(fresh.len() == 64 && fresh.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{fresh}");
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.84"), &[("Authorization", &basic(HOST, &token))]).status, 401);
    let token = fresh;
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.84"), &[("Authorization", &basic(HOST, &token))]).body, "nochg 203.0.113.84");

    // Deleted, the token is gone; the hostname and its address stay.
    assert_eq!(lab.bearer("DELETE", &format!("{path}/{id}"), &key, None).status, 204);
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.85"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!(r.status, 401);
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.84"]);
    assert_problem(&lab.bearer("GET", &format!("{path}/{id}"), &key, None), 404, "not_found", &format!("{path}/{id}"));
}

#[test]
fn problems_for_bad_input_scopes_and_strangers() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    let writer = lab.api_key(&session, &["write:domains"]);
    let reader = lab.api_key(&session, &["read:domains"]);
    let path = format!("/api/v2/domains/{ZONE}/dyndns");

    assert_problem(&lab.bearer("GET", "/api/v2/domains", "", None), 401, "unauthorized", "/api/v2/domains");
    assert_problem(&lab.bearer("GET", "/api/v2/domains", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", None), 401, "unauthorized", "/api/v2/domains");
    assert_problem(&lab.bearer("POST", &path, &reader, Some(json!({"hostname": HOST, "recordType": "A"}))), 403, "insufficient_scope", &path);

    let doc = assert_problem(&lab.bearer("POST", &path, &writer, Some(json!({"recordType": "MX"}))), 400, "invalid_request", &path);
    let pointers: Vec<&str> = doc["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, vec!["/hostname", "/recordType"]);
    assert_eq!(doc["errors"][0]["code"], "missing_required");
    assert_eq!(doc["errors"][1]["code"], "invalid_enum");
    let doc = assert_problem(&lab.bearer("POST", &path, &writer, Some(json!({"hostname": HOST}))), 400, "invalid_request", &path);
    assert_eq!((doc["errors"][0]["pointer"].as_str(), doc["errors"][0]["code"].as_str()), (Some("/recordType"), Some("missing_required")), "{doc}");
    for hostname in ["home.elsewhere.test", "dyn.example.test"] {
        let doc = assert_problem(&lab.bearer("POST", &path, &writer, Some(json!({"hostname": hostname, "recordType": "A"}))), 400, "invalid_request", &path);
        assert_eq!(doc["errors"][0]["pointer"], "/hostname", "{hostname}");
    }
    assert_problem(&lab.request("POST", &path, &[("Authorization", &format!("Bearer {writer}"))], b"{not json"), 400, "invalid_request", &path);
    let unknown = "/api/v2/domains/no-such-zone/dyndns";
    assert_problem(&lab.bearer("POST", unknown, &writer, Some(json!({"hostname": HOST, "recordType": "A"}))), 404, "not_found", unknown);
    // A hostname token is not an API key.
    let host_token = lab.host("a@example.com", "mine.dyn.example.test");
    assert_problem(&lab.bearer("GET", "/api/v2/domains", &host_token, None), 401, "unauthorized", "/api/v2/domains");

    // Someone else's hostname and updaters are out of reach.
    let made = lab.bearer("POST", &path, &writer, Some(json!({"hostname": HOST, "recordType": "AAAA"}))).json();
    let id = made["id"].as_str().unwrap();
    let stranger = lab.api_key(&lab.login("b@example.com"), &["read:domains", "write:domains"]);
    assert_problem(&lab.bearer("POST", &path, &stranger, Some(json!({"hostname": HOST, "recordType": "A"}))), 409, "conflict", &path);
    for (method, body) in [("GET", None), ("PATCH", Some(json!({"enabled": false}))), ("DELETE", None)] {
        assert_problem(&lab.bearer(method, &format!("{path}/{id}"), &stranger, body), 404, "not_found", &format!("{path}/{id}"));
    }
    assert_eq!(lab.bearer("GET", &path, &stranger, None).json()["data"], json!([]));
    // Plan limits come through as problems too (free: 3 hostnames; two exist).
    lab.bearer("POST", &path, &writer, Some(json!({"hostname": "three.dyn.example.test", "recordType": "A"})));
    assert_problem(&lab.bearer("POST", &path, &writer, Some(json!({"hostname": "four.dyn.example.test", "recordType": "A"}))), 403, "plan_limit", &path);
}

#[test]
fn the_domain_itself_gets_an_updater_and_a_cname_name_does_not() {
    let (parent_lab, registrar) = porchlight_tests::parent();
    porchlight_tests::delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent_lab.dns()));
    let session = lab.login("a@example.com");
    let id = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"}))).json()["domain"]["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).status, 200);
    let writer = lab.api_key(&session, &["write:domains"]);
    let path = format!("/api/v2/domains/{id}/dyndns");
    // The document: "The hostname must be the domain itself or a subdomain of it".
    let r = lab.bearer("POST", &path, &writer, Some(json!({"hostname": "mine.parent.test", "recordType": "A"})));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["hostname"], "mine.parent.test");
    let token = r.json()["token"].as_str().unwrap().to_string();
    let r = lab.get("/nic/update?hostname=mine.parent.test&myip=203.0.113.77", &[("Authorization", &basic("mine.parent.test", &token))]);
    assert_eq!(r.body, "good 203.0.113.77");
    assert_eq!(lab.answers("mine.parent.test", RecordType::A), vec!["203.0.113.77"]);
    // A name holding a CNAME takes no address, so no updater either.
    let r = lab.api("POST", &format!("/api/domains/{id}/records"), Some(&session), Some(json!({"type": "CNAME", "name": "www", "content": "mine.parent.test"})));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_problem(&lab.bearer("POST", &path, &writer, Some(json!({"hostname": "www.mine.parent.test", "recordType": "A"}))), 409, "conflict", &path);
    assert_eq!(lab.count("SELECT count(*) FROM records WHERE name = 'www.mine.parent.test' AND type = 'A'"), 0);
    assert_eq!(lab.count("SELECT count(*) FROM hostnames WHERE name = 'www.mine.parent.test'"), 0);
}
