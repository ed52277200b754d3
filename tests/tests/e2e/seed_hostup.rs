//! Seed 004, the HostUp cloud API v2 page for `POST /api/v2/domains/{id}/dyndns`, replayed:
//! the `GET /api/v2/domains` it sends clients to for the domain id, its curl example with
//! an API key of scope `write:domains`, the dashboard session it also accepts
//! (`hostup_session`), and its RFC 7807 problem documents for the error statuses — base URL
//! swapped for the test appliance, `YOUR_API_KEY` for a real key, `home.example.com` for a
//! name in the lab's zone, and each answer checked against the document's example and field
//! list (`lastIp string | null` and the like).

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::shape::{Replay, assert_media_type, assert_shape, assert_shape_typed, example, is_iso_millis};
use porchlight_tests::{HttpResponse, Lab, basic};
use serde_json::{Value, json};

/// Examples enumerated from the document (see the `replay.example` calls).
const EXAMPLES: usize = 9;

const ZONE: &str = "dyn.example.test";
const HOST: &str = "home.dyn.example.test";

/// The response example of the curl call.
const UPDATER: &str = r#"{
"id": "ddns_01hxa3b4c5d6e7f8g9h0j1k2m3",
"hostname": "home.example.com",
"recordType": "A",
"token": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
"lastIp": null,
"lastUpdatedAt": null,
"updateCount": 0,
"enabled": true,
"createdAt": "2026-04-27T12:00:00.000Z",
"updatedAt": null
}"#;
/// The field list's types.
const UPDATER_TYPES: [(&str, &str); 10] = [
    ("/id", "string"),
    ("/hostname", "string"),
    ("/recordType", "string"),
    ("/token", "string | null"),
    ("/lastIp", "string | null"),
    ("/lastUpdatedAt", "string | null"),
    ("/updateCount", "integer"),
    ("/enabled", "boolean"),
    ("/createdAt", "string | null"),
    ("/updatedAt", "string | null"),
];
/// "Get it from GET /api/v2/domains `data[].id`".
const DOMAINS: &str = r#"{"data": [{"id": "dom_01hxa3b4c5d6e7f8g9h0j1k2m3"}]}"#;
/// The problem document's fields with the document's example values; `errors` only when
/// `code` is `invalid_request`.
const PROBLEM: &str = r#"{
"type": "https://developer.hostup.se/errors/invalid_request",
"title": "Validation failed",
"status": 400,
"detail": "The request body failed validation.",
"code": "invalid_request",
"instance": "/api/v2/orders",
"requestId": "req_01hxa3b4c5d6e7f8g9h0j1k2m3",
"timestamp": "2026-04-27T12:34:56.000Z"
}"#;
const FIELD_ERRORS: &str = r#"{"errors": [{"pointer": "/items/0/eppCode", "detail": "`eppCode` is required for this transfer.", "code": "missing_required"}]}"#;


/// The id of the lab's zone, as `GET /api/v2/domains` gives it.
fn zone_id(lab: &Lab, key: &str) -> String {
    let r = lab.bearer("GET", "/api/v2/domains", key, None);
    assert_eq!(r.status, 200, "{}", r.body);
    let data = r.json()["data"].clone();
    let zone = data.as_array().unwrap().iter().find(|d| d["name"] == ZONE).unwrap_or_else(|| panic!("{ZONE} in {data}"));
    zone["id"].as_str().unwrap().to_string()
}

/// A created updater: 201, JSON, the example's shape and the field list's types.
fn check_updater(r: &HttpResponse, hostname: &str, record_type: &str, context: &str) -> Value {
    assert_eq!(r.status, 201, "{context}: status; body {:?}", r.body);
    assert_media_type(r, "application/json", context);
    let body = r.json();
    assert_shape_typed(&body, &example(UPDATER), &UPDATER_TYPES, context);
    assert_eq!((body["hostname"].as_str(), body["recordType"].as_str()), (Some(hostname), Some(record_type)), "{context}: {body}");
    let token = body["token"].as_str().unwrap_or_default();
    assert!(token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{context}: a 64-hex token: {token:?}");
    assert_eq!((body["lastIp"].clone(), body["updateCount"].clone(), body["enabled"].clone()), (Value::Null, json!(0), json!(true)), "{context}: {body}");
    assert!(body["createdAt"].as_str().is_none_or(is_iso_millis), "{context}: createdAt like 2026-04-27T12:00:00.000Z: {body}");
    body
}

/// An RFC 7807 problem with `status` and `code`, for a request to `instance`.
fn check_problem(r: &HttpResponse, status: u16, code: &str, instance: &str, context: &str) -> Value {
    assert_eq!(r.status, status, "{context}: status; body {:?}", r.body);
    assert_media_type(r, "application/problem+json", context);
    let body = r.json();
    let mut doc = example(PROBLEM);
    if code == "invalid_request" {
        doc["errors"] = example(FIELD_ERRORS)["errors"].clone();
    }
    assert_shape(&body, &doc, context);
    assert_eq!((body["status"].as_u64(), body["code"].as_str(), body["instance"].as_str()), (Some(u64::from(status)), Some(code), Some(instance)), "{context}: {body}");
    assert!(body["requestId"].as_str().unwrap().starts_with("req_"), "{context}: {body}");
    assert!(is_iso_millis(body["timestamp"].as_str().unwrap()), "{context}: timestamp like 2026-04-27T12:34:56.000Z: {body}");
    if let Some(extensions) = body.get("extensions") {
        assert!(extensions.is_object(), "{context}: extensions is an object: {body}");
    }
    body
}

#[test]
fn seed_hostup_every_example() {
    let lab = Lab::start();
    let session = lab.login("owner@example.com");
    let key = lab.api_key(&session, &["write:domains"]);
    let replay = Replay::new("hostup");

    replay.section("dyndns updaters", || {
        replay.example("GET /api/v2/domains (data[].id)");
        let r = lab.bearer("GET", "/api/v2/domains", &key, None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_media_type(&r, "application/json", "GET /api/v2/domains");
        assert_shape(&r.json(), &example(DOMAINS), "GET /api/v2/domains");
        let id = zone_id(&lab, &key);

        replay.example("curl -X POST /api/v2/domains/{id}/dyndns");
        let r = lab.bearer("POST", &format!("/api/v2/domains/{id}/dyndns"), &key, Some(json!({"hostname": HOST, "recordType": "A"})));
        let updater = check_updater(&r, HOST, "A", "create updater");
        // "it authorizes public DynDNS updates for this hostname".
        let token = updater["token"].as_str().unwrap();
        let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.45"), &[("Authorization", &basic(HOST, token))]);
        assert_eq!((r.status, r.body.as_str()), (200, "good 203.0.113.45"));
        assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.45"]);
    });

    replay.section("dashboard session", || {
        replay.example("Dashboard sessions may also use hostup_session");
        let id = zone_id(&lab, &key);
        let cookie = format!("hostup_session={session}");
        let body = json!({"hostname": HOST, "recordType": "AAAA"}).to_string();
        let r = lab.request(
            "POST",
            &format!("/api/v2/domains/{id}/dyndns"),
            &[("Cookie", &cookie), ("Accept", "application/json"), ("Content-Type", "application/json")],
            body.as_bytes(),
        );
        check_updater(&r, HOST, "AAAA", "create updater with the hostup_session cookie");
    });

    replay.section("problems", || {
        let id = zone_id(&lab, &key);
        let path = format!("/api/v2/domains/{id}/dyndns");

        replay.example("400 invalid_request with errors[].pointer");
        let r = lab.bearer("POST", &path, &key, Some(json!({"recordType": "MX"})));
        let problem = check_problem(&r, 400, "invalid_request", &path, "400");
        let pointers: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
        assert_eq!(pointers, vec!["/hostname", "/recordType"], "{problem}");

        replay.example("401 without an API key");
        check_problem(&lab.bearer("POST", &path, "", Some(json!({"hostname": HOST, "recordType": "A"}))), 401, "unauthorized", &path, "401");

        replay.example("403 without the write:domains scope");
        let reader = lab.api_key(&session, &["read:domains"]);
        check_problem(&lab.bearer("POST", &path, &reader, Some(json!({"hostname": HOST, "recordType": "A"}))), 403, "insufficient_scope", &path, "403");

        replay.example("404 for a domain id not from GET /api/v2/domains");
        let unknown = "/api/v2/domains/dom_01hxa3b4c5d6e7f8g9h0j1k2m3/dyndns";
        check_problem(&lab.bearer("POST", unknown, &key, Some(json!({"hostname": HOST, "recordType": "A"}))), 404, "not_found", unknown, "404");

        replay.example("409 for another account's hostname");
        let stranger = lab.api_key(&lab.login("stranger@example.com"), &["write:domains"]);
        check_problem(&lab.bearer("POST", &path, &stranger, Some(json!({"hostname": HOST, "recordType": "A"}))), 409, "conflict", &path, "409");
    });

    replay.section("rate limit", || {
        replay.example("429 rate_limited");
        let limited = Lab::start_with(|c| c.rate_limit.api_requests_per_minute = 3);
        let key = limited.api_key(&limited.login("owner@example.com"), &["write:domains"]);
        let mut last = None;
        for _ in 0..6 {
            let r = limited.bearer("GET", "/api/v2/domains", &key, None);
            let done = r.status != 200;
            last = Some(r);
            if done {
                break;
            }
        }
        check_problem(&last.unwrap(), 429, "rate_limited", "/api/v2/domains", "429");
    });

    replay.finish(EXAMPLES);
}
