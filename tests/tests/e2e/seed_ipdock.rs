//! Seed 000, the ipdock.io API document, replayed example by example: the Quick Start
//! update commands, account management, hostnames, domains, DNS records, tokens, rate limits,
//! the documented errors and the router recipes — base URL swapped for the test appliance,
//! credentials for real ones made here, and each answer checked against the document:
//! status, content type, the rate-limit headers it promises for all responses, and the
//! example responses' field names and types.
//!
//! Not replayed: Method 1 (the Docker client) runs a container, not a request the document
//! shows.

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::shape::{Replay, assert_headers, assert_media_type, assert_shape, example};
use porchlight_tests::{HttpResponse, Lab, PASSWORD, basic, delegate, parent, rcode};
use serde_json::{Value, json};

/// Examples enumerated from the document (see the `replay.example` calls).
const EXAMPLES: usize = 36;

/// The document's domainId is the lab's built-in zone.
const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";
const HOST: &str = "myserver.dyn.example.test";

// The document's example responses, as printed.
const GOOD: &str = r#"{ "status": "good", "ip": "1.2.3.4", "previous": "5.6.7.8" }"#;
const NOCHG: &str = r#"{ "status": "nochg", "ip": "1.2.3.4" }"#;
const INVALID_TOKEN: &str = r#"{ "error": "Invalid API token" }"#;
const SESSION: &str = r#"{ "token": "eyJhb...", "user": { "id": "...", "email": "...", "plan": "free" } }"#;
/// `{ "hostname": {...}, "token": { "tokenValue": "pth_xxx..." } }`, its `{...}` an object.
const HOSTNAME_CREATED: &str = r#"{ "hostname": {}, "token": { "tokenValue": "pth_xxx..." } }"#;
const UNAUTHORIZED: &str = r#"{ "error": "Unauthorized" }"#;
const PLAN_LIMIT: &str = r#"{ "error": "MX records require a Self-Hoster plan or higher", "code": "PLAN_LIMIT", "upgrade": true }"#;
const NOT_FOUND: &str = r#"{ "error": "Hostname not found" }"#;
const VALIDATION: &str = r#"{ "error": "A record content must be a valid IPv4 address" }"#;
const RATE_LIMITED: &str = r#"{ "error": "Too many requests" }"#;

/// "Rate limit headers are included in all responses".
const RATE_HEADERS: [&str; 2] = ["x-ratelimit-remaining", "x-ratelimit-limit"];

/// Status, JSON body (unless 204) and the rate-limit headers of every ipdock answer.
fn check(r: &HttpResponse, status: u16, context: &str) {
    assert_eq!(r.status, status, "{context}: status; body {:?}", r.body);
    if status != 204 {
        assert_media_type(r, "application/json", context);
        let _ = r.json();
    }
    assert_headers(r, &RATE_HEADERS, context);
}

/// Status, content type, rate-limit headers and the example's shape.
fn check_json(r: &HttpResponse, status: u16, doc: &str, context: &str) -> Value {
    check(r, status, context);
    let body = r.json();
    assert_shape(&body, &example(doc), context);
    body
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The JSON answer of `/api/update` with `status`, `ip` and, for `good`, `previous`.
fn assert_update(r: &HttpResponse, status: &str, ip: &str, previous: Option<&str>, context: &str) {
    let doc = if status == "good" { GOOD } else { NOCHG };
    let body = check_json(r, 200, doc, context);
    assert_eq!((body["status"].as_str(), body["ip"].as_str()), (Some(status), Some(ip)), "{context}: {body}");
    if let Some(previous) = previous {
        assert_eq!(body["previous"].as_str(), Some(previous), "{context}: {body}");
    }
    assert_eq!(r.header("x-ratelimit-limit"), Some("120"), "{context}: /api/update allows 120 requests per minute");
}

fn a(lab: &Lab, name: &str) -> Vec<String> {
    lab.answers(name, RecordType::A)
}

#[test]
fn seed_ipdock_every_example() {
    let (parent_lab, registrar) = parent();
    let lab = Lab::start_with(|c| {
        c.registration_open = true;
        c.delegation_resolver = Some(parent_lab.dns());
    });
    let replay = Replay::new("ipdock");

    replay.section("account management", || {
        replay.example("POST /api/auth/register");
        let r = lab.api("POST", "/api/auth/register", None, Some(json!({"email": "owner@example.com", "password": PASSWORD})));
        let body = check_json(&r, 201, SESSION, "register");
        assert_eq!(r.header("x-ratelimit-limit"), Some("20"), "register: 20 requests per minute");
        assert_eq!((body["user"]["email"].as_str(), body["user"]["plan"].as_str()), (Some("owner@example.com"), Some("free")), "{body}");
        let jwt = body["token"].as_str().unwrap();
        assert!(jwt.starts_with("eyJ") && jwt.split('.').count() == 3, "a user JWT (eyJhb...): {jwt}");
        check(&lab.api("GET", "/api/hostnames", Some(jwt), None), 200, "the registered JWT works");

        replay.example("POST /api/auth/login");
        let r = lab.api("POST", "/api/auth/login", None, Some(json!({"email": "owner@example.com", "password": PASSWORD})));
        let body = check_json(&r, 200, SESSION, "login");
        assert_eq!(r.header("x-ratelimit-limit"), Some("10"), "login: 10 requests per minute");
        assert_eq!((body["user"]["email"].as_str(), body["user"]["plan"].as_str()), (Some("owner@example.com"), Some("free")), "{body}");
        assert!(body["token"].as_str().unwrap().starts_with("eyJ"), "{body}");
    });

    replay.section("quick start, hostnames, tokens and router recipes", || {
        let jwt = lab.login("quick@example.com");

        replay.example("POST /api/hostnames");
        let r = lab.api("POST", "/api/hostnames", Some(&jwt), Some(json!({"domainId": ZONE_ID, "name": "myserver", "ttl": 60})));
        let created = check_json(&r, 201, HOSTNAME_CREATED, "create hostname");
        let host_id = created["hostname"]["id"].as_str().unwrap().to_string();
        let token = created["token"]["tokenValue"].as_str().unwrap().to_string();
        assert!(token.starts_with("pth_"), "{token}");

        replay.example("GET /api/hostnames");
        let r = lab.api("GET", "/api/hostnames", Some(&jwt), None);
        check(&r, 200, "list hostnames");
        assert!(r.body.contains(HOST), "{}", r.body);

        // The document's "IP changed" answer comes from 5.6.7.8.
        assert_eq!(lab.get("/api/update?ip=5.6.7.8", &[("Authorization", &bearer(&token))]).status, 200);

        replay.example("curl: specify IP explicitly");
        let r = lab.get("/api/update?ip=1.2.3.4", &[("Authorization", &bearer(&token))]);
        assert_update(&r, "good", "1.2.3.4", Some("5.6.7.8"), "GET /api/update?ip=1.2.3.4");
        assert_eq!(a(&lab, HOST), vec!["1.2.3.4"]);

        replay.example("curl: POST method");
        let r = lab.request(
            "POST",
            "/api/update",
            &[("Authorization", &bearer(&token)), ("Content-Type", "application/json")],
            br#"{"ip": "1.2.3.4"}"#,
        );
        assert_update(&r, "nochg", "1.2.3.4", None, "POST /api/update");

        replay.example("curl: auto-detect IP");
        let r = lab.get("/api/update", &[("Authorization", &bearer(&token))]);
        assert_update(&r, "good", "127.0.0.1", Some("1.2.3.4"), "GET /api/update");
        assert_eq!(a(&lab, HOST), vec!["127.0.0.1"]);

        replay.example("cron job (Method 5)");
        let r = lab.get("/api/update", &[("Authorization", &bearer(&token)), ("User-Agent", "curl/8.5.0")]);
        assert_update(&r, "nochg", "127.0.0.1", None, "cron");

        replay.example("wget (Method 4)");
        let r = lab.get("/api/update", &[("Authorization", &bearer(&token)), ("User-Agent", "Wget/1.21.4")]);
        assert_update(&r, "nochg", "127.0.0.1", None, "wget");

        replay.example("DynDNS2 compatible: username token");
        let r = lab.get("/api/update?ip=203.0.113.4", &[("Authorization", &basic("token", &token))]);
        assert_update(&r, "good", "203.0.113.4", Some("127.0.0.1"), "Basic token:pth");
        assert_eq!(a(&lab, HOST), vec!["203.0.113.4"]);

        replay.example("DynDNS2 compatible: username blank");
        let r = lab.get("/api/update?ip=203.0.113.5", &[("Authorization", &basic("", &token))]);
        assert_update(&r, "good", "203.0.113.5", Some("203.0.113.4"), "Basic :pth");
        assert_eq!(a(&lab, HOST), vec!["203.0.113.5"]);

        replay.example("Response format: error, invalid token");
        let r = lab.get("/api/update", &[("Authorization", "Bearer pth_your_token_here")]);
        let body = check_json(&r, 401, INVALID_TOKEN, "invalid token");
        assert_eq!(body, example(INVALID_TOKEN));
        assert_eq!(a(&lab, HOST), vec!["203.0.113.5"], "nothing changed");

        replay.example("GET /api/tokens");
        let r = lab.api("GET", "/api/tokens", Some(&jwt), None);
        check(&r, 200, "list tokens");
        assert!(!r.body.contains(&token), "listings never show a secret");

        replay.example("POST /api/tokens");
        let r = lab.api("POST", "/api/tokens", Some(&jwt), Some(json!({"hostnameId": host_id, "label": "my-server"})));
        // The document shows no answer; the appliance's is the hostname example's `token`.
        check(&r, 201, "create token");
        let issued = r.json();
        let second = issued["token"]["tokenValue"].as_str().unwrap().to_string();
        let token_id = issued["token"]["id"].as_str().unwrap().to_string();
        assert!(second.starts_with("pth_"), "{second}");
        assert_update(&lab.get("/api/update", &[("Authorization", &bearer(&second))]), "good", "127.0.0.1", None, "the new token updates its hostname");

        replay.example("POST /api/tokens/{id}/regenerate");
        let r = lab.api("POST", &format!("/api/tokens/{token_id}/regenerate"), Some(&jwt), None);
        check(&r, 200, "regenerate token");
        let regenerated = r.json();
        let third = regenerated["token"]["tokenValue"].as_str().unwrap().to_string();
        assert_ne!(third, second);
        check(&lab.get("/api/update", &[("Authorization", &bearer(&second))]), 401, "the old secret is invalid");
        assert_update(&lab.get("/api/update", &[("Authorization", &bearer(&third))]), "nochg", "127.0.0.1", None, "regenerated");

        replay.example("UniFi: api.ipdock.io/nic/update?hostname=%h&myip=%i");
        let r = lab.get(
            &format!("/nic/update?hostname={HOST}&myip=198.51.100.33"),
            &[("Authorization", &basic("token", &token)), ("User-Agent", "inadyn/2.12.0")],
        );
        assert_eq!((r.status, r.body.as_str()), (200, "good 198.51.100.33"), "UniFi");
        assert_media_type(&r, "text/plain", "UniFi");
        assert_headers(&r, &RATE_HEADERS, "UniFi");
        assert_eq!(a(&lab, HOST), vec!["198.51.100.33"]);

        replay.example("How it works: /api/update?token=YOUR_TOKEN");
        let r = lab.get(&format!("/api/update?token={token}"), &[]);
        assert_update(&r, "good", "127.0.0.1", Some("198.51.100.33"), "?token=");
        assert_eq!(a(&lab, HOST), vec!["127.0.0.1"]);

        replay.example("pfSense: Update URL with token, Result Match");
        let r = lab.get(&format!("/api/update?token={token}"), &[("User-Agent", "pfSense/2.7.2")]);
        assert_update(&r, "nochg", "127.0.0.1", None, "pfSense");
        assert!(r.body.contains(r#""status":"good""#) || r.body.contains(r#""status":"nochg""#), "pfSense's Result Match: {}", r.body);

        replay.example("OPNsense: username token, password, Update URL with token");
        let r = lab.get(&format!("/api/update?token={token}"), &[("Authorization", &basic("token", &token))]);
        assert_update(&r, "nochg", "127.0.0.1", None, "OPNsense");

        replay.example("cURL / Cron: /api/update?token=YOUR_TOKEN");
        let r = lab.get(&format!("/api/update?token={token}"), &[("User-Agent", "curl/8.5.0")]);
        assert_update(&r, "nochg", "127.0.0.1", None, "cron with ?token=");

        replay.example("DELETE /api/hostnames/{id}");
        let r = lab.api("DELETE", &format!("/api/hostnames/{host_id}"), Some(&jwt), None);
        assert!(matches!(r.status, 200 | 204), "delete hostname: {} {}", r.status, r.body);
        assert_headers(&r, &RATE_HEADERS, "delete hostname");
        assert_eq!(rcode(&lab.query(HOST, RecordType::A)), ResponseCode::NXDomain);
        check(&lab.get("/api/update?ip=1.2.3.4", &[("Authorization", &bearer(&token))]), 401, "its tokens are gone");

        replay.example("404 Not Found");
        let r = lab.api("DELETE", &format!("/api/hostnames/{host_id}"), Some(&jwt), None);
        let body = check_json(&r, 404, NOT_FOUND, "404");
        assert_eq!(body, example(NOT_FOUND));
    });

    replay.section("domains and DNS records", || {
        let jwt = lab.login("domains@example.com");
        delegate(&parent_lab, &registrar, "ns1.dyn.example.test");

        replay.example("GET /api/domains");
        let r = lab.api("GET", "/api/domains", Some(&jwt), None);
        check(&r, 200, "list domains");
        assert!(r.body.contains(ZONE_ID), "the built-in domain is listed: {}", r.body);

        replay.example("POST /api/domains");
        let r = lab.api("POST", "/api/domains", Some(&jwt), Some(json!({"name": "mine.parent.test"})));
        check(&r, 201, "add domain");
        let body = r.json();
        let id = body["domain"]["id"].as_str().unwrap().to_string();

        replay.example("POST /api/domains/{id}/verify");
        let r = lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&jwt), None);
        check(&r, 200, "verify");
        assert_eq!(rcode(&lab.query("mine.parent.test", RecordType::SOA)), ResponseCode::NoError, "served once verified");

        replay.example("GET /api/domains/{id}/delegation-status");
        check(&lab.api("GET", &format!("/api/domains/{id}/delegation-status"), Some(&jwt), None), 200, "delegation status");

        let records = format!("/api/domains/{id}/records");
        replay.example("POST records: A record");
        let r = lab.api("POST", &records, Some(&jwt), Some(json!({"type": "A", "name": "www", "content": "1.2.3.4", "ttl": 3600})));
        check(&r, 201, "A record");
        let body = r.json();
        let record_id = body["record"]["id"].as_str().unwrap().to_string();
        assert_eq!(a(&lab, "www.mine.parent.test"), vec!["1.2.3.4"]);
        assert_eq!(lab.query("www.mine.parent.test", RecordType::A).answers[0].ttl, 3600);

        let mx = json!({"type": "MX", "name": "@", "content": "mail.example.com", "priority": 10, "ttl": 3600});
        replay.example("403 Forbidden (plan limit)");
        let r = lab.api("POST", &records, Some(&jwt), Some(mx.clone()));
        let body = check_json(&r, 403, PLAN_LIMIT, "MX on the free plan");
        assert_eq!(body, example(PLAN_LIMIT));

        lab.db().execute("UPDATE users SET plan = 'self-hoster' WHERE email = 'domains@example.com'", []).unwrap();
        replay.example("POST records: MX record (Self-Hoster)");
        check(&lab.api("POST", &records, Some(&jwt), Some(mx)), 201, "MX record");
        assert_eq!(lab.answers("mine.parent.test", RecordType::MX), vec!["10 mail.example.com."]);

        replay.example("POST records: TXT record (SPF)");
        let r = lab.api("POST", &records, Some(&jwt), Some(json!({"type": "TXT", "name": "@", "content": "v=spf1 include:_spf.google.com ~all", "ttl": 3600})));
        check(&r, 201, "TXT record");
        assert_eq!(lab.answers("mine.parent.test", RecordType::TXT), vec!["v=spf1 include:_spf.google.com ~all"]);

        replay.example("GET /api/domains/{domainId}/records");
        let r = lab.api("GET", &records, Some(&jwt), None);
        check(&r, 200, "list records");
        assert!(r.body.contains(&record_id), "{}", r.body);

        replay.example("PATCH /api/domains/{domainId}/records/{recordId}");
        let r = lab.api("PATCH", &format!("{records}/{record_id}"), Some(&jwt), Some(json!({"content": "2.3.4.5", "ttl": 300})));
        check(&r, 200, "patch record");
        assert_eq!(a(&lab, "www.mine.parent.test"), vec!["2.3.4.5"]);
        assert_eq!(lab.query("www.mine.parent.test", RecordType::A).answers[0].ttl, 300);

        replay.example("422 Validation Error");
        let r = lab.api("POST", &records, Some(&jwt), Some(json!({"type": "A", "name": "bad", "content": "not-an-address", "ttl": 3600})));
        let body = check_json(&r, 422, VALIDATION, "422");
        assert!(body["error"].as_str().unwrap().contains("A record content must be a valid IPv4 address"), "{body}");

        replay.example("DELETE /api/domains/{domainId}/records/{recordId}");
        let r = lab.api("DELETE", &format!("{records}/{record_id}"), Some(&jwt), None);
        assert!(matches!(r.status, 200 | 204), "delete record: {} {}", r.status, r.body);
        assert_headers(&r, &RATE_HEADERS, "delete record");
        assert!(a(&lab, "www.mine.parent.test").is_empty());
    });

    replay.section("errors", || {
        replay.example("401 Unauthorized");
        let r = lab.api("GET", "/api/hostnames", None, None);
        let body = check_json(&r, 401, UNAUTHORIZED, "401");
        assert_eq!(body, example(UNAUTHORIZED));
    });

    // Last: it spends this address's login budget.
    replay.section("rate limits", || {
        replay.example("429 Rate Limited (/api/auth/login, 10 per minute)");
        let mut answers = Vec::new();
        for _ in 0..12 {
            let r = lab.api("POST", "/api/auth/login", None, Some(json!({})));
            let done = r.status == 429;
            answers.push(r);
            if done {
                break;
            }
        }
        for r in &answers {
            assert_headers(r, &RATE_HEADERS, "login");
            assert_eq!(r.header("x-ratelimit-limit"), Some("10"), "login: 10 requests per minute");
        }
        let r = answers.last().unwrap();
        let body = check_json(r, 429, RATE_LIMITED, "429");
        assert_eq!(body, example(RATE_LIMITED));
        assert_headers(r, &["retry-after"], "429");
        assert!(r.header("retry-after").unwrap().parse::<u64>().is_ok_and(|s| s >= 1), "{:?}", r.header("retry-after"));
        assert!(answers.len() <= 11, "the 11th login in a minute is refused at the latest");
    });

    replay.finish(EXAMPLES);
}
