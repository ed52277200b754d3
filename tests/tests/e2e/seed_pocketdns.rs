//! Seed 003, the PocketDNS partner API reference, replayed example by example: user
//! sessions (curl and both SDKs), user domains, domain details, DNS record create, read,
//! update and delete with the document's request bodies, the `{"errors": […]}` answers of
//! its status-code table and its error-handling example, and the rate-limit headers — base
//! URL swapped for the test appliance, `YOUR_API_KEY` for a partner key (an administrator's
//! API key with scope `partner`), `example.com` for a domain delegated to the lab.
//!
//! Not replayed: the OpenAPI generator command reads a local `partner-api.yml`; the document
//! gives no URL for it.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::shape::{Replay, assert_headers, assert_media_type, assert_shape, example};
use porchlight_tests::{HttpResponse, Lab, delegate, parent};
use serde_json::{Value, json};

/// Examples enumerated from the document (see the `replay.example` calls).
const EXAMPLES: usize = 18;

const DOMAIN: &str = "mine.parent.test";

const USER_SESSION: &str = r#"{
  "user_identifier": "string",
  "login_url": "string"
}"#;
const DOMAINS: &str = r#"{
  "domains": [
    {
      "id": "domain-uuid",
      "name": "example.com"
    }
  ]
}"#;
const DOMAIN_DETAILS: &str = r#"{
  "id": "domain-uuid",
  "name": "example.com"
}"#;
const RECORD: &str = r#"{
  "id": "record-uuid",
  "type": "A",
  "name": "@",
  "value": "192.168.1.1",
  "ttl": 3600
}"#;
const ERRORS: &str = r#"{
  "errors": [
    "Error message 1",
    "Error message 2"
  ]
}"#;

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// `X-RateLimit-Limit`, `-Remaining` and `-Reset` (a Unix time, within the hour's window).
fn check_rate_headers(r: &HttpResponse, context: &str) {
    assert_headers(r, &["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"], context);
    let number = |name: &str| r.header(name).unwrap().parse::<u64>().unwrap_or_else(|_| panic!("{context}: {name} is not a number: {:?}", r.header(name)));
    assert!(number("x-ratelimit-remaining") <= number("x-ratelimit-limit"), "{context}: {:?}", r.headers);
    let reset = number("x-ratelimit-reset");
    let now = now();
    assert!(reset + 5 >= now && reset <= now + 3600 + 5, "{context}: X-RateLimit-Reset {reset} is an epoch time in the coming hour (now {now})");
}

/// Status, JSON (unless 204), rate-limit headers, and the example's shape.
fn check(r: &HttpResponse, status: u16, doc: Option<&str>, context: &str) -> Value {
    assert_eq!(r.status, status, "{context}: status; body {:?}", r.body);
    check_rate_headers(r, context);
    if status == 204 {
        assert_eq!(r.body, "", "{context}: 204 No Content: empty body");
        return Value::Null;
    }
    assert_media_type(r, "application/json", context);
    let body = r.json();
    if let Some(doc) = doc {
        assert_shape(&body, &example(doc), context);
    }
    body
}

/// An error answer: `{"errors": [strings…]}`, at least one.
fn check_errors(r: &HttpResponse, status: u16, context: &str) -> Vec<String> {
    let body = check(r, status, Some(ERRORS), context);
    let errors: Vec<String> = body["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
    assert!(!errors.is_empty(), "{context}: {body}");
    errors
}

#[test]
fn seed_pocketdns_every_example() {
    let (parent_lab, registrar) = parent();
    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| c.delegation_resolver = Some(parent_lab.dns()));
    let key = lab.api_key(&lab.admin("admin@example.com"), &["partner"]);
    let replay = Replay::new("pocketdns");
    let domain_id = std::cell::RefCell::new(String::new());

    replay.section("users and domains", || {
        replay.example("curl: POST /api/v1/users");
        let r = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-123", "email": "user-123@example.com"})));
        let session = check(&r, 201, Some(USER_SESSION), "create user session");
        // The document's rate-limit example is a fresh key's first request.
        assert_eq!((r.header("x-ratelimit-limit"), r.header("x-ratelimit-remaining")), (Some("1000"), Some("999")), "1000 requests per hour");
        assert_eq!(session["user_identifier"], "user-123");
        let url = session["login_url"].as_str().unwrap().to_string();
        assert!(url.starts_with(&format!("http://{}/", lab.http())), "a link into this appliance: {url}");
        let code = url.split("code=").nth(1).unwrap_or_else(|| panic!("{url}"));
        let r = lab.api("POST", "/api/auth/link", None, Some(json!({"code": code})));
        assert_eq!(r.status, 200, "the login link signs the user in: {}", r.body);
        let user = r.json()["token"].as_str().unwrap().to_string();

        replay.example("JavaScript SDK: client.users.createSession");
        let r = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-123", "email": "user-123@example.com"})));
        let again = check(&r, 201, Some(USER_SESSION), "JavaScript SDK");
        assert_eq!(again["user_identifier"], "user-123");
        assert_ne!(again["login_url"], session["login_url"], "a fresh link for the same user");

        replay.example("Python SDK: client.users.create_session");
        let r = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-123", "email": "user-123@example.com"})));
        check(&r, 201, Some(USER_SESSION), "Python SDK");

        // The user brings a domain, delegated to the appliance.
        let r = lab.api("POST", "/api/domains", Some(&user), Some(json!({"name": DOMAIN})));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
        assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&user), None).status, 200);
        *domain_id.borrow_mut() = id.clone();

        replay.example("GET /api/v1/users/user-123/domains");
        let r = lab.bearer("GET", "/api/v1/users/user-123/domains", &key, None);
        let domains = check(&r, 200, Some(DOMAINS), "user domains");
        assert_eq!((domains["domains"][0]["id"].as_str(), domains["domains"][0]["name"].as_str()), (Some(id.as_str()), Some(DOMAIN)), "{domains}");

        replay.example("GET /api/v1/domains/domain-uuid");
        let r = lab.bearer("GET", &format!("/api/v1/domains/{id}"), &key, None);
        let details = check(&r, 200, Some(DOMAIN_DETAILS), "domain details");
        assert_eq!((details["id"].as_str(), details["name"].as_str()), (Some(id.as_str()), Some(DOMAIN)));
    });

    replay.section("DNS records", || {
        let id = domain_id.borrow().clone();
        assert!(!id.is_empty(), "the previous section made the domain");

        replay.example("POST /api/v1/dns_records (the response example's record)");
        let body = json!({"domain_id": id, "type": "A", "name": "@", "value": "192.168.1.1", "ttl": 3600});
        let created = check(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(body)), 201, Some(RECORD), "create A");
        assert_eq!(
            (created["type"].as_str(), created["name"].as_str(), created["value"].as_str(), created["ttl"].as_u64()),
            (Some("A"), Some("@"), Some("192.168.1.1"), Some(3600))
        );
        let a_id = created["id"].as_str().unwrap().to_string();
        assert_eq!(lab.answers(DOMAIN, RecordType::A), vec!["192.168.1.1"]);

        replay.example("POST /api/v1/dns_records (MX with priority)");
        let body = json!({"domain_id": id, "type": "MX", "name": "@", "value": "mail.mine.parent.test", "ttl": 3600, "priority": 10});
        check(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(body)), 201, Some(RECORD), "create MX");
        assert_eq!(lab.answers(DOMAIN, RecordType::MX), vec!["10 mail.mine.parent.test."]);

        replay.example("POST /api/v1/dns_records (every field of the request body)");
        let body = json!({
            "domain_id": id, "type": "SRV", "name": "_http._tcp", "value": "www.mine.parent.test", "ttl": 3600,
            "priority": 10, "weight": 0, "port": 80, "target": "www.mine.parent.test"
        });
        let srv = check(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(body)), 201, Some(RECORD), "create SRV");
        let srv_id = srv["id"].as_str().unwrap().to_string();
        assert_eq!(lab.answers("_http._tcp.mine.parent.test", RecordType::SRV), vec!["10 0 80 www.mine.parent.test."]);

        replay.example("GET /api/v1/dns_records/{id}");
        let got = check(&lab.bearer("GET", &format!("/api/v1/dns_records/{a_id}"), &key, None), 200, Some(RECORD), "get record");
        assert_eq!(got, created);

        replay.example("PATCH /api/v1/dns_records/{id}");
        let body = json!({"value": "192.168.1.2", "ttl": 3600});
        let changed = check(&lab.bearer("PATCH", &format!("/api/v1/dns_records/{a_id}"), &key, Some(body)), 200, Some(RECORD), "update A");
        assert_eq!(changed["value"], "192.168.1.2");
        assert_eq!(lab.answers(DOMAIN, RecordType::A), vec!["192.168.1.2"]);

        replay.example("PATCH /api/v1/dns_records/{id} (every field of the request body)");
        let body = json!({
            "type": "SRV", "name": "_http._tcp", "value": "www.mine.parent.test", "ttl": 3600,
            "priority": 10, "weight": 0, "port": 8080, "target": "www.mine.parent.test"
        });
        check(&lab.bearer("PATCH", &format!("/api/v1/dns_records/{srv_id}"), &key, Some(body)), 200, Some(RECORD), "update SRV");
        assert_eq!(lab.answers("_http._tcp.mine.parent.test", RecordType::SRV), vec!["10 0 8080 www.mine.parent.test."]);

        replay.example("DELETE /api/v1/dns_records/{id}");
        check(&lab.bearer("DELETE", &format!("/api/v1/dns_records/{a_id}"), &key, None), 204, None, "delete");
        assert!(lab.answers(DOMAIN, RecordType::A).is_empty());
    });

    replay.section("errors", || {
        replay.example("400 Bad Request");
        let r = lab.request("POST", "/api/v1/users", &[("Authorization", &format!("Bearer {key}")), ("Content-Type", "application/json")], b"{oops");
        check_errors(&r, 400, "400");

        replay.example("401 Unauthorized");
        let r = lab.request("GET", "/api/v1/users/user-123/domains", &[], b"");
        check_errors(&r, 401, "401");

        replay.example("404 Not Found");
        check_errors(&lab.bearer("GET", "/api/v1/dns_records/no-such-record", &key, None), 404, "404");

        replay.example("422 Unprocessable Entity: one error per field");
        let errors = check_errors(&lab.bearer("POST", "/api/v1/dns_records", &key, Some(json!({}))), 422, "422");
        assert_eq!(errors.len(), 4, "domain_id, type, name and value are required: {errors:?}");
        for field in ["domain_id", "type", "name", "value"] {
            assert!(errors.iter().any(|e| e.contains(field)), "{field} in {errors:?}");
        }

        replay.example("Example Error Handling (fetch, 422, errors.join)");
        let r = lab.bearer("POST", "/api/v1/users", &key, Some(json!({"email": "nobody@example.com"})));
        let errors = check_errors(&r, 422, "fetch example");
        assert!(!errors.join(", ").is_empty());
    });

    replay.section("rate limits", || {
        replay.example("Burst: up to 100 requests per minute");
        let limited = Lab::start_with(|c| c.rate_limit.partner_burst_per_minute = 3);
        let key = limited.api_key(&limited.admin("admin@example.com"), &["partner"]);
        let mut answers = Vec::new();
        for _ in 0..5 {
            let r = limited.bearer("POST", "/api/v1/users", &key, Some(json!({"user_identifier": "user-123"})));
            let done = r.status != 201;
            answers.push(r);
            if done {
                break;
            }
        }
        assert_eq!(answers.len(), 4, "the fourth request in a minute is over a burst of 3");
        check_errors(answers.last().unwrap(), 429, "over the burst");
    });

    replay.finish(EXAMPLES);
}
