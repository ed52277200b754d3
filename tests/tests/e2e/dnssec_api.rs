//! Starting a key rollover through the API: a custom domain's owner for the domain, an
//! administrator for a built-in zone; DNS serves both keys at once; a second rollover while
//! one runs, another account, and a non-administrator on a built-in zone are refused.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE};

use crate::dnssec::ZONE_ID;

#[test]
fn a_rollover_starts_through_the_api_for_whoever_manages_the_zone() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let user = lab.login("a@example.com");
    let roll = |session: &str, id: &str| lab.api("POST", &format!("/api/domains/{id}/dnssec/rollover"), Some(session), None);
    let keys = |name: &str| lab.answers(name, RecordType::DNSKEY).len();

    // A built-in zone is the administrators'.
    let r = roll(&user, ZONE_ID);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(keys(ZONE), 1, "nothing changed");
    let serial = lab.serial();
    let r = roll(&admin, ZONE_ID);
    assert_eq!(r.status, 200, "{}", r.body);
    let status = r.json();
    assert_eq!(status["rollover"].as_array().map(Vec::len), Some(2), "{status}");
    assert!(status["ds"][0].as_str().unwrap().contains(&format!(" {} 13 2 ", status["keyTag"])), "the DS names the new key: {status}");
    assert_eq!(keys(ZONE), 2, "both keys served at once");
    assert!(lab.serial() > serial, "under a new serial");
    let again = roll(&admin, ZONE_ID);
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("under way already"), "{}", again.body);

    // A custom domain is its owner's (signed from the moment it is added).
    let r = lab.api("POST", "/api/domains", Some(&user), Some(serde_json::json!({"name": "mine.example.org"})));
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    let other = lab.login("m@example.com");
    assert_eq!(roll(&other, &id).status, 404);
    let r = roll(&user, &id);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["rollover"].as_array().map(Vec::len), Some(2));
    assert_eq!(lab.count("SELECT count(*) FROM dnssec_keys WHERE state = 'incoming'"), 2);
    // No session, no rollover.
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/dnssec/rollover"), None, None).status, 401);
}
