//! "Why isn't my router updating?": every update attempt, failed ones included, on the
//! host, in the event log (coalesced) and in /metrics.

use porchlight_tests::{Lab, basic};

const HOST: &str = "home.dyn.example.test";

fn host_json(lab: &Lab, session: &str) -> serde_json::Value {
    let id = lab.host_id(HOST);
    let r = lab.api("GET", &format!("/api/hostnames/{id}"), Some(session), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["hostname"].clone()
}

#[test]
fn failed_updates_show_on_the_host_with_source_client_and_counts() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let session = lab.login("a@example.com");
    let fresh = host_json(&lab, &session);
    assert!(fresh["lastAttempt"].is_null() && fresh["attempts"].as_object().unwrap().is_empty(), "{fresh}");

    // A router with a wrong token.
    let wrong = basic(HOST, "pth_wrongwrongwrongwrongwrongwrong");
    for _ in 0..3 {
        let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.9"), &[("Authorization", &wrong), ("User-Agent", "ddclient/3.10.0")]);
        assert_eq!((r.status, r.body.as_str()), (401, "badauth"));
    }
    let h = host_json(&lab, &session);
    assert_eq!(h["lastAttempt"]["result"], "badauth", "{h}");
    assert_eq!(h["lastAttempt"]["source"], "127.0.0.1");
    assert_eq!(h["lastAttempt"]["userAgent"], "ddclient/3.10.0");
    assert_eq!(h["lastAttempt"]["dialect"], "dyndns2");
    assert_eq!(h["attempts"]["badauth"], 3);
    assert_eq!(h["failuresInARow"], 3);
    assert!(h["failingSince"].is_string() && h["lastSuccess"].is_null(), "{h}");
    assert_eq!(h["ipv4"], serde_json::Value::Null, "a refused update changes nothing");

    // The right token with an address that is not one.
    let auth = basic(HOST, &token);
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=300.1.2.3"), &[("Authorization", &auth)]);
    assert_eq!(r.body, "badip");
    assert_eq!(host_json(&lab, &session)["lastAttempt"]["result"], "badip");

    // Success ends the streak; nochg counts as success.
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.9"), &[("Authorization", &auth)]).body, "good 203.0.113.9");
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.9"), &[("Authorization", &auth)]).body, "nochg 203.0.113.9");
    let h = host_json(&lab, &session);
    assert_eq!((h["attempts"]["good"].as_u64(), h["attempts"]["nochg"].as_u64(), h["attempts"]["badip"].as_u64()), (Some(1), Some(1), Some(1)), "{h}");
    assert_eq!(h["failuresInARow"], 0);
    assert!(h["failingSince"].is_null() && h["lastSuccess"].is_string(), "{h}");

    // Every result code is in /metrics.
    let metrics = lab.get("/metrics", &[]).body;
    for result in ["badauth", "badip", "good", "nochg"] {
        assert!(metrics.contains(&format!("porchlight_updates_total{{dialect=\"dyndns2\",result=\"{result}\"}}")), "{result} missing:\n{metrics}");
    }
}

#[test]
fn a_router_hammering_a_wrong_token_leaves_one_log_line_per_code() {
    // Wrong credentials would soon lock the address out (the browser's too, on one machine).
    let lab = Lab::start_with(|c| c.rate_limit.failed_auth_per_minute = 10_000);
    let token = lab.host("a@example.com", HOST);
    let session = lab.login("a@example.com");
    let events_before = lab.count("SELECT count(*) FROM events");
    let wrong = basic(HOST, "pth_wrongwrongwrongwrongwrongwrong");
    for _ in 0..100 {
        let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.9"), &[("Authorization", &wrong), ("User-Agent", "inadyn/2.12")]);
        assert_eq!(r.body, "badauth");
    }
    let auth = basic(HOST, &token);
    for _ in 0..5 {
        assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=1.2.3"), &[("Authorization", &auth)]).body, "badip");
    }
    assert_eq!(lab.count("SELECT count(*) FROM events"), events_before, "no write per failed attempt");

    let r = lab.api("GET", "/api/logs", Some(&session), None);
    let failed: Vec<serde_json::Value> = r.json()["logs"].as_array().unwrap().iter().filter(|l| l["kind"] == "update failed").cloned().collect();
    assert_eq!(failed.len(), 2, "one line for badauth, one for badip: {failed:?}");
    let line = |code: &str| failed.iter().find(|l| l["detail"].as_str().unwrap().starts_with(code)).unwrap_or_else(|| panic!("a {code} line in {failed:?}")).clone();
    let badauth = line("badauth");
    assert_eq!(badauth["subject"], HOST);
    assert_eq!(badauth["detail"], "badauth ×100 from 127.0.0.1 (inadyn/2.12, dyndns2)");
    assert!(line("badip")["detail"].as_str().unwrap().starts_with("badip ×5 from 127.0.0.1"));
    // Read again: nothing new, nothing repeated.
    let again = lab.api("GET", "/api/logs", Some(&session), None).json();
    assert_eq!(again["logs"].as_array().unwrap().iter().filter(|l| l["kind"] == "update failed").count(), 2);

    // Another account's log does not see them.
    lab.user("b@example.com");
    let other = lab.login("b@example.com");
    let theirs = lab.api("GET", "/api/logs", Some(&other), None).json();
    assert!(!theirs.to_string().contains("update failed"), "{theirs}");
}
