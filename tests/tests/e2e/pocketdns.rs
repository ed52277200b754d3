//! The PocketDNS partner API: partner keys made by an administrator, users created or found
//! by the partner's identifier, single-use 24-hour login links, and DNS records in those
//! users' verified domains, live in DNS.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Lab, delegate, parent};
use serde_json::{Value, json};

fn assert_errors(r: &HttpResponse, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    let errors = r.json()["errors"].clone();
    assert!(errors.as_array().is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_string)), "{errors}");
}

/// The code in a login URL.
fn code(login_url: &str) -> String {
    login_url.split("code=").nth(1).unwrap().to_string()
}

#[test]
fn a_partner_creates_a_user_signs_it_in_and_manages_its_records() {
    let (parent_lab, registrar) = parent();
    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent_lab.dns()));
    let admin = lab.admin("admin@example.com");
    let key = lab.api_key(&admin, &["partner"]);

    let r = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-123", "email": "u123@example.com"})));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["user_identifier"], "user-123");
    assert!(r.header("x-ratelimit-limit").is_some() && r.header("x-ratelimit-remaining").is_some() && r.header("x-ratelimit-reset").is_some());
    let url = r.json()["login_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("http://{}/login?code=", lab.http())), "{url}");

    // The link signs the user in once.
    let r = lab.api("POST", "/api/auth/link", None, Some(json!({"code": code(&url)})));
    assert_eq!((r.status, r.json()["user"]["email"].clone()), (200, json!("u123@example.com")));
    let session = r.json()["token"].as_str().unwrap().to_string();
    assert_eq!(lab.api("POST", "/api/auth/link", None, Some(json!({"code": code(&url)}))).status, 403, "single use");
    // Asking again finds the same user, with a fresh link.
    let again = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-123"}))).json();
    assert_ne!(again["login_url"].as_str().unwrap(), url);
    let r = lab.api("POST", "/api/auth/link", None, Some(json!({"code": code(again["login_url"].as_str().unwrap())})));
    assert_eq!(r.json()["user"]["email"], "u123@example.com");

    // The user adds and verifies a domain; the partner sees it.
    let id = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"}))).json()["domain"]["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).status, 200);
    let r = lab.bearer("GET", "/api/v1/users/user-123/domains", &key, None);
    assert_eq!((r.status, r.json()["domains"][0]["id"].clone(), r.json()["domains"][0]["name"].clone()), (200, json!(id), json!("mine.parent.test")));
    let r = lab.bearer("GET", &format!("/api/v1/domains/{id}"), &key, None);
    assert_eq!((r.json()["id"].clone(), r.json()["name"].clone()), (json!(id), json!("mine.parent.test")));

    // Records: create, read, change, delete — each live in DNS.
    let r = lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": id, "type": "A", "name": "www", "value": "192.0.2.10"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let record = r.json();
    assert_eq!((record["type"].clone(), record["name"].clone(), record["value"].clone(), record["ttl"].clone()), (json!("A"), json!("www"), json!("192.0.2.10"), json!(3600)));
    let rid = record["id"].as_str().unwrap().to_string();
    assert_eq!(lab.answers("www.mine.parent.test", RecordType::A), vec!["192.0.2.10"]);
    let r = lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": id, "type": "TXT", "name": "@", "value": "v=spf1 -all", "ttl": 300})));
    assert_eq!((r.status, r.json()["name"].clone()), (201, json!("@")));
    assert_eq!(lab.answers("mine.parent.test", RecordType::TXT), vec!["v=spf1 -all"]);

    assert_eq!(lab.bearer("GET", &format!("/api/v1/dns_records/{rid}"), &key, None).json(), record);
    let r = lab.bearer("PATCH", &format!("/api/v1/dns_records/{rid}"), &key, Some(json!({"value": "192.0.2.11", "ttl": 120})));
    assert_eq!((r.status, r.json()["value"].clone(), r.json()["ttl"].clone()), (200, json!("192.0.2.11"), json!(120)));
    assert_eq!(lab.answers("www.mine.parent.test", RecordType::A), vec!["192.0.2.11"]);
    assert_errors(&lab.bearer("PATCH", &format!("/api/v1/dns_records/{rid}"), &key, Some(json!({"type": "AAAA"}))), 422);
    assert_errors(&lab.bearer("PATCH", &format!("/api/v1/dns_records/{rid}"), &key, Some(json!({"value": "not-an-ip"}))), 422);
    let r = lab.bearer("DELETE", &format!("/api/v1/dns_records/{rid}"), &key, None);
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    assert!(lab.answers("www.mine.parent.test", RecordType::A).is_empty());
    assert_errors(&lab.bearer("GET", &format!("/api/v1/dns_records/{rid}"), &key, None), 404);
}

#[test]
fn partners_reach_only_their_own_users_and_errors_come_as_a_list() {
    let lab = Lab::start();
    let admin = lab.admin("admin@example.com");
    let key = lab.api_key(&admin, &["partner"]);
    let other = lab.api_key(&admin, &["partner"]);
    // Only administrators make partner keys; other keys are not partner keys.
    let user = lab.login("someone@example.com");
    let r = lab.api("POST", "/api/tokens", Some(&user), Some(json!({"label": "p", "scopes": ["partner"]})));
    assert_eq!(r.status, 403);
    let plain = lab.api("POST", "/api/tokens", Some(&user), Some(json!({"label": "k", "scopes": ["write:records"]}))).json()["token"]["tokenValue"].as_str().unwrap().to_string();
    assert_errors(&lab.bearer("POST", "/api/v1/users", &plain, Some(json!({"user_identifier": "x"}))), 401);
    assert_errors(&lab.bearer("POST", "/api/v1/users", "", Some(json!({"user_identifier": "x"}))), 401);

    assert_eq!(lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-1"}))).status, 201);
    // Another partner does not see user-1, and an existing account cannot be claimed by e-mail.
    assert_errors(&lab.bearer("GET", "/api/v1/users/user-1/domains", &other, None), 404);
    assert_errors(&lab.bearer("POST", "/api/v1/users", &other, Some(json!({"user_identifier": "u", "email": "someone@example.com"}))), 422);
    // Validation and unknown things.
    assert_errors(&lab.bearer("POST", "/api/v1/users", &key, Some(json!({"email": "x@example.com"}))), 422);
    assert_errors(&lab.request("POST", "/api/v1/users", &[("Authorization", &format!("Bearer {key}"))], b"{oops"), 400);
    assert_errors(&lab.bearer("GET", "/api/v1/domains/nope", &key, None), 404);
    assert_errors(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"type": "A"}))), 422);
    assert_errors(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": "nope", "type": "A", "name": "x", "value": "192.0.2.1"}))), 404);
    // A hostname's records in a built-in zone are not a partner's to touch.
    lab.host("someone@example.com", "h.dyn.example.test");
    let record = lab.count("SELECT count(*) FROM records");
    let zone = "00000000-0000-0000-0000-000000000001";
    assert_errors(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": zone, "type": "TXT", "name": "h", "value": "x"}))), 404);
    assert_eq!(lab.count("SELECT count(*) FROM records"), record);
    let r = lab.api("POST", "/api/auth/link", None, Some(json!({"code": "pth_madeupmadeupmadeup"})));
    assert_eq!((r.status, r.json()["error"].is_string()), (403, true));
}

/// A partner's user with a verified domain: (parent lab kept alive, lab, partner key, domain id).
fn partner_with_domain() -> (Lab, Lab, String, String) {
    let (parent_lab, registrar) = parent();
    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(parent_lab.dns());
        c.rate_limit.partner_burst_per_minute = 40;
    });
    let admin = lab.admin("admin@example.com");
    let key = lab.api_key(&admin, &["partner"]);
    let url = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "u1"}))).json()["login_url"].as_str().unwrap().to_string();
    let session = lab.api("POST", "/api/auth/link", None, Some(json!({"code": code(&url)}))).json()["token"].as_str().unwrap().to_string();
    let id = lab.api("POST", "/api/domains", Some(&session), Some(json!({"name": "mine.parent.test"}))).json()["domain"]["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&session), None).status, 200);
    (parent_lab, lab, key, id)
}

#[test]
fn partner_users_get_every_record_type_the_document_carries() {
    let (_parent, lab, key, id) = partner_with_domain();
    let mx = lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": id, "type": "MX", "name": "@", "value": "mail.example.net", "priority": 10})));
    assert_eq!((mx.status, mx.json()["priority"].clone()), (201, json!(10)), "{}", mx.body);
    let srv = lab.bearer(
        "POST",
        "/api/v1/dns_records",
        &key,
        Some(json!({"domain_id": id, "type": "SRV", "name": "_sip._tcp", "value": "", "priority": 1, "weight": 5, "port": 5060, "target": "sip.example.net"})),
    );
    assert_eq!(srv.status, 201, "{}", srv.body);
    assert_eq!((srv.json()["weight"].clone(), srv.json()["port"].clone(), srv.json()["target"].clone()), (json!(5), json!(5060), json!("sip.example.net")));
    assert_eq!(lab.answers("mine.parent.test", RecordType::MX), vec!["10 mail.example.net."]);
    assert_eq!(lab.answers("_sip._tcp.mine.parent.test", RecordType::SRV), vec!["1 5 5060 sip.example.net."]);
}

#[test]
fn patch_changes_type_and_name_and_checks_like_create() {
    let (_parent, lab, key, id) = partner_with_domain();
    let r = lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": id, "type": "TXT", "name": "note", "value": "hello"})));
    let rid = r.json()["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/dns_records/{rid}");
    // An empty value is refused as POST refuses it, and changes nothing.
    assert_errors(&lab.bearer("PATCH", &path, &key, Some(json!({"value": ""}))), 422);
    assert_eq!(lab.answers("note.mine.parent.test", RecordType::TXT), vec!["hello"]);
    // `type` and `name`, which the document lists, are changed.
    let r = lab.bearer("PATCH", &path, &key, Some(json!({"type": "A", "name": "www", "value": "192.0.2.55"})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((r.json()["type"].clone(), r.json()["name"].clone(), r.json()["value"].clone()), (json!("A"), json!("www"), json!("192.0.2.55")));
    assert_eq!(lab.answers("www.mine.parent.test", RecordType::A), vec!["192.0.2.55"]);
    assert!(lab.answers("note.mine.parent.test", RecordType::TXT).is_empty());
    // An empty body names each missing field.
    let r = lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({})));
    assert_errors(&r, 422);
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 4, "{}", r.body);
    // Every bad field is named, not only the first.
    let r = lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({"domain_id": id, "type": "A", "name": "bad name!", "value": "not-an-ip", "ttl": 5})));
    assert_errors(&r, 422);
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 3, "content, TTL and name: {}", r.body);
}

#[test]
fn limits_count_per_key_with_an_epoch_reset() {
    let (_parent, lab, key, _) = partner_with_domain();
    let admin = lab.login("admin@example.com");
    let other = lab.api_key(&admin, &["partner"]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let r = lab.bearer("GET", "/api/v1/users/u1/domains", &key, None);
    assert_eq!(r.header("x-ratelimit-limit"), Some("1000"), "the hourly budget");
    let reset: u64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset >= now && reset <= now + 3600 + 5, "an epoch time, as the document shows: {reset} vs {now}");
    // The burst: 40 per minute in this lab; the first key runs out, another key does not.
    let mut last = r;
    for _ in 0..45 {
        last = lab.bearer("GET", "/api/v1/users/u1/domains", &key, None);
        if last.status == 429 {
            break;
        }
    }
    assert_errors(&last, 429);
    assert!(last.header("retry-after").is_some());
    assert_eq!(lab.bearer("GET", "/api/v1/users/u1/domains", &other, None).status, 404, "another key has its own budget (and no such user)");
}
