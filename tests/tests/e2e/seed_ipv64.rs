//! Seed 001, the (unofficial) IPv64 API document, replayed example by example on `/api`:
//! the four ways of authenticating, every endpoint's curl line, every row of the record
//! content table, and the error answers of its status-code table — base URL swapped for the
//! test appliance, `meowmeowmeow` for a real API key, the document's hostnames for names in
//! the lab's zones, and each answer checked against the document's example JSON.

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::shape::{Replay, assert_media_type, assert_shape, example};
use porchlight_tests::{HttpResponse, Lab, basic, rcode};


/// Examples enumerated from the document (see the `replay.example` calls).
const EXAMPLES: usize = 21;

const OWNER: &str = "api.hunter@example.com";
/// The document's hosts: ev21.ipv64.net, example.home64.de, example.ipv64.net.
const EV21: &str = "ev21.dyn.example.test";
const HOME64: &str = "example.home64.test";
const EXAMPLE: &str = "example.dyn.example.test";
/// `domainname.ipv64.net` of the create/delete examples.
const NEW_DOMAIN: &str = "domainname.dyn.example.test";
const CHALLENGE: &str = "1234567890123456789012345678901234567890";

const ACCOUNT_INFO: &str = r#"{
"email": "api.hunter@example.com",
"reg_date": "2022-10-28 19:17:06",
"update_hash": "123456789012345678901234",
"api_key": "12345678901234567890123456789012",
"dyndns_updates": 17,
"api_updates": 3,
"account_class": {
"class_name": "Standard",
"dyndns_domain_limit": 3,
"dyndns_update_limit": 48,
"api_limit": 64
},
"info": "success",
"status": "200 OK",
"get_account_info": "get_account_info"
}"#;

const LOGS: &str = r#"{
"logs": [
{
"subdomain": "",
"time": "2022-11-27 16:52:29",
"header": "API: Get Account Info",
"content": "Alle Accountdaten über API abgefragt."
},
{
"subdomain": "",
"time": "2022-11-27 00:00:01",
"header": "Limit Reset",
"content": "24h Updatelimits wurde zurückgesetzt - DynDNS: 26 // API: 0."
},
{
"subdomain": "ev21.ipv64.net",
"time": "2022-11-26 22:51:23",
"header": "Update A/AAAA Record - GOOD",
"content": "Updates des A/AAAA Records auf die IP: 2001:9e8::42. (ev21.ipv64.net)"
}
],
"info": "success",
"status": "200 OK",
"get_account_info": "get_logs"
}"#;

const DOMAINS: &str = r#"{
"subdomains": {
"ev21.ipv64.net": {
"updates": 203,
"wildcard": 1,
"records": [
{
"record_id": 3619,
"content": "2001:9e8::42",
"ttl": 60,
"type": "AAAA",
"praefix": "",
"last_update": "2022-11-26 22:51:23"
},
{
"record_id": 4125,
"content": "42.42.42.42",
"ttl": 60,
"type": "A",
"praefix": "",
"last_update": "2022-11-26 22:51:23"
}
]
},
"example.home64.de": {
"updates": 140,
"wildcard": 1,
"records": [
{
"record_id": 6954,
"content": "::affe:42",
"ttl": 60,
"type": "AAAA",
"praefix": "",
"last_update": "2022-11-27 16:32:30"
}
]
},
"example.ipv64.net": {
"updates": 0,
"wildcard": 1,
"records": [
{
"record_id": 6611,
"content": "42.42.42.42",
"ttl": 60,
"type": "A",
"praefix": "",
"last_update": "2022-11-16 15:05:16"
},
{
"record_id": 6612,
"content": "42:0:0:0:affe:42ff:fe42:42",
"ttl": 60,
"type": "AAAA",
"praefix": "",
"last_update": "2022-11-16 15:05:34"
}
]
}
},
"info": "success",
"status": "200 OK",
"add_domain": "get_domains"
}"#;

const ADD_DOMAIN: &str = r#"{
"info": "success",
"status": "201 Created",
"add_domain": "domainname.ipv64.net"
}"#;
const DEL_DOMAIN: &str = r#"{
"info": "success",
"status": "202 Accepted",
"del_domain": "del_domain"
}"#;
const ADD_RECORD: &str = r#"{
"info": "success",
"status": "201 Created",
"add_record": "domainname.ipv64.net"
}"#;
const DEL_RECORD: &str = r#"{
"info": "success",
"status": "202 Accepted",
"del_record": "del_record"
}"#;
const ERROR: &str = r#"{
"status": "401 Unauthorized",
"info": "Unauthorized"
}"#;


/// `curl --data-urlencode …` (with `--request METHOD`): a form body.
fn form(lab: &Lab, method: &str, target: &str, key: &str, body: &str) -> HttpResponse {
    let auth = format!("Bearer {key}");
    lab.request(method, target, &[("Authorization", &auth), ("Content-Type", "application/x-www-form-urlencoded")], body.as_bytes())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Status, JSON, the example's shape, and the `status` string matching the HTTP status.
fn check(r: &HttpResponse, status: u16, doc: &str, context: &str) -> serde_json::Value {
    assert_eq!(r.status, status, "{context}: status; body {:?}", r.body);
    assert_media_type(r, "application/json", context);
    let body = r.json();
    assert_shape(&body, &example(doc), context);
    let line = body["status"].as_str().unwrap_or_default();
    assert!(line.starts_with(&format!("{status} ")), "{context}: \"status\": {line:?} for HTTP {status}");
    body
}

/// A success answer: the example's shape and its `info`, `status` and verb values.
fn check_success(r: &HttpResponse, status: u16, doc: &str, context: &str) -> serde_json::Value {
    let body = check(r, status, doc, context);
    let want = example(doc);
    for key in want.as_object().unwrap().keys().filter(|k| ["info", "status", "get_account_info", "del_domain", "del_record"].contains(&k.as_str())) {
        assert_eq!(body[key], want[key], "{context}: {key} in {body}");
    }
    body
}

#[test]
fn seed_ipv64_every_example() {
    let lab = Lab::start_with(|c| c.zone.push(porchlight::config::ZoneConfig { name: "home64.test".into(), ..Default::default() }));
    // An administrator: the record content table has MX and SRV, beyond the free plan.
    let session = lab.admin(OWNER);
    let key = lab.api_key(&session, &["read:domains", "write:domains", "write:records", "update"]);
    let bearer = format!("Bearer {key}");
    // The document's three hosts with its addresses, set by the updater.
    for (host, ips) in [(EV21, ["42.42.42.42", "2001:9e8::42"].as_slice()), (HOME64, &["::affe:42"]), (EXAMPLE, &["42.42.42.42", "42:0:0:0:affe:42ff:fe42:42"])] {
        lab.host(OWNER, host);
        for ip in ips {
            let r = lab.get(&format!("/nic/update?hostname={host}&myip={ip}"), &[("Authorization", &basic("x", &key))]);
            assert_eq!(r.body, format!("good {ip}"));
        }
    }
    let replay = Replay::new("ipv64");

    replay.section("authentication", || {
        let target = "/api?get_account_info";
        replay.example("Option 1: token header");
        let r = lab.get(target, &[("Authorization", &bearer)]);
        check_success(&r, 200, ACCOUNT_INFO, "Bearer");

        replay.example("Option 2: Basic auth");
        let r = lab.get(target, &[("Authorization", &basic("not_relevant", &key))]);
        check_success(&r, 200, ACCOUNT_INFO, "Basic not_relevant:key");

        replay.example("Option 3a: --data-urlencode apikey=");
        let r = lab.request("POST", target, &[("Content-Type", "application/x-www-form-urlencoded")], format!("apikey={key}").as_bytes());
        check_success(&r, 200, ACCOUNT_INFO, "apikey=");

        replay.example("Option 3b: --data-urlencode token=");
        let r = lab.request("POST", target, &[("Content-Type", "application/x-www-form-urlencoded")], format!("token={key}").as_bytes());
        check_success(&r, 200, ACCOUNT_INFO, "token=");
    });

    replay.section("endpoints", || {
        replay.example("Get Account Informations");
        let r = lab.get("/api?get_account_info", &[("Authorization", &bearer)]);
        let info = check_success(&r, 200, ACCOUNT_INFO, "get_account_info");
        assert_eq!(info["email"], OWNER);
        assert!(info["dyndns_updates"].as_u64().is_some_and(|n| n >= 5), "the five updates above: {info}");

        replay.example("Get logs");
        let r = lab.get("/api?get_logs", &[("Authorization", &bearer)]);
        let logs = check_success(&r, 200, LOGS, "get_logs");
        assert!(logs["logs"].as_array().is_some_and(|l| !l.is_empty() && l.len() <= 100), "{logs}");

        replay.example("Get Domains");
        let doc = DOMAINS.replace("ev21.ipv64.net", EV21).replace("example.home64.de", HOME64).replace("example.ipv64.net", EXAMPLE);
        let r = lab.get("/api?get_domains", &[("Authorization", &bearer)]);
        let domains = check(&r, 200, &doc, "get_domains");
        assert_eq!((domains["info"].as_str(), domains["status"].as_str(), domains["add_domain"].as_str()), (Some("success"), Some("200 OK"), Some("get_domains")));
        let records = |host: &str| {
            let mut rows: Vec<String> = domains["subdomains"][host]["records"].as_array().unwrap().iter().map(|r| format!("{} {}", r["type"].as_str().unwrap(), r["content"].as_str().unwrap())).collect();
            rows.sort();
            rows
        };
        assert_eq!(records(EV21), vec!["A 42.42.42.42", "AAAA 2001:9e8::42"]);
        assert_eq!(records(HOME64), vec!["AAAA ::affe:42"]);
        assert_eq!(domains["subdomains"][EV21]["updates"], 2);

        replay.example("Create Domain (--form add_domain=)");
        let boundary = "------------------------d74496d66958873e";
        let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"add_domain\"\r\n\r\n{NEW_DOMAIN}\r\n--{boundary}--\r\n");
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let r = lab.request("POST", "/api", &[("Authorization", &bearer), ("Content-Type", &content_type)], body.as_bytes());
        let created = check_success(&r, 201, ADD_DOMAIN, "add_domain");
        assert_eq!(created["add_domain"], NEW_DOMAIN);
        assert_eq!(rcode(&lab.query(NEW_DOMAIN, RecordType::TXT)), ResponseCode::NXDomain, "no records yet");

        replay.example("Create DNS record");
        let body = format!("add_record={NEW_DOMAIN}&praefix=_acme-challenge&type=TXT&content={CHALLENGE}");
        let r = form(&lab, "POST", "/api", &key, &body);
        let added = check_success(&r, 201, ADD_RECORD, "add_record");
        assert_eq!(added["add_record"], NEW_DOMAIN);
        assert_eq!(lab.answers(&format!("_acme-challenge.{NEW_DOMAIN}"), RecordType::TXT), vec![CHALLENGE]);

        // The delete example names ev21: give it the record first.
        let r = form(&lab, "POST", "/api", &key, &format!("add_record={EV21}&praefix=_acme-challenge&type=TXT&content={CHALLENGE}"));
        assert_eq!(r.status, 201, "{}", r.body);
        replay.example("Delete DNS record");
        let body = format!("del_record={EV21}&praefix=_acme-challenge&type=TXT&content={CHALLENGE}");
        let r = form(&lab, "DELETE", "/api", &key, &body);
        check_success(&r, 202, DEL_RECORD, "del_record");
        assert!(lab.answers(&format!("_acme-challenge.{EV21}"), RecordType::TXT).is_empty());

        replay.example("Delete Domain");
        let r = form(&lab, "DELETE", "/api", &key, &format!("del_domain={NEW_DOMAIN}"));
        check_success(&r, 202, DEL_DOMAIN, "del_domain");
        assert_eq!(rcode(&lab.query(&format!("_acme-challenge.{NEW_DOMAIN}"), RecordType::TXT)), ResponseCode::NXDomain, "its records went with it");
    });

    replay.section("content formats", || {
        for (praefix, kind, content, rtype, served) in [
            ("a", "A", "10.10.10.42", RecordType::A, "10.10.10.42"),
            ("aaaa", "AAAA", "::affe:42", RecordType::AAAA, "::affe:42"),
            ("cname", "CNAME", "affe.dyn.example.test", RecordType::CNAME, "affe.dyn.example.test."),
            ("txt", "TXT", "\"hi there\"", RecordType::TXT, "hi there"),
            ("mx", "MX", "mailserver.dyn.example.test", RecordType::MX, "10 mailserver.dyn.example.test."),
            ("_minecraft._tcp", "SRV", "0 0 4242 minecraft-server.dyn.example.test", RecordType::SRV, "0 0 4242 minecraft-server.dyn.example.test."),
        ] {
            replay.example(&format!("content format {kind}"));
            let body = format!("add_record={EV21}&praefix={praefix}&type={kind}&content={}", urlencode(content));
            let r = form(&lab, "POST", "/api", &key, &body);
            let added = check_success(&r, 201, ADD_RECORD, &format!("add_record {kind} {content}"));
            assert_eq!(added["add_record"], EV21);
            assert_eq!(lab.answers(&format!("{praefix}.{EV21}"), rtype), vec![served], "{kind}");
        }
    });

    replay.section("errors", || {
        replay.example("401 Unauthorized");
        let r = lab.get("/api?get_domains", &[]);
        let body = check(&r, 401, ERROR, "401");
        assert_eq!(body, example(ERROR));

        replay.example("400 Bad Request");
        let r = lab.get("/api?no_such_verb", &[("Authorization", &bearer)]);
        let body = check(&r, 400, ERROR, "400");
        assert_eq!(body["status"], "400 Bad Request");

        replay.example("403 Forbidden");
        let reader = lab.api_key(&session, &["read:domains"]);
        let r = form(&lab, "POST", "/api", &reader, &format!("add_record={EV21}&praefix=x&type=TXT&content=v"));
        let body = check(&r, 403, ERROR, "403");
        assert_eq!(body["status"], "403 Forbidden");
    });

    replay.section("429 Too Many Requests", || {
        replay.example("429 Too Many Requests");
        let limited = Lab::start_with(|c| c.rate_limit.api_requests_per_minute = 3);
        let key = limited.api_key(&limited.login(OWNER), &["read:domains"]);
        let mut last = None;
        for _ in 0..6 {
            let r = limited.get("/api?get_account_info", &[("Authorization", &format!("Bearer {key}"))]);
            let done = r.status != 200;
            last = Some(r);
            if done {
                break;
            }
        }
        let r = last.unwrap();
        let body = check(&r, 429, ERROR, "429");
        assert_eq!(body["status"], "429 Too Many Requests");
    });

    replay.finish(EXAMPLES);
}
