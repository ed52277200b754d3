//! Accounts and sessions through the native API (the ipdock document, sections 3 and 9).

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, PASSWORD, basic};
use serde_json::json;

fn creds(email: &str, password: &str) -> Option<serde_json::Value> {
    Some(json!({"email": email, "password": password}))
}

#[test]
fn registration_is_closed_unless_configured() {
    let lab = Lab::start();
    let r = lab.api("POST", "/api/auth/register", None, creds("new@example.com", PASSWORD));
    assert_eq!((r.status, r.json()), (403, json!({"error": "Registration is closed"})));
    assert_eq!(lab.count("SELECT count(*) FROM users"), 0);
}

#[test]
fn register_login_and_me() {
    let lab = Lab::start_with(|c| c.registration_open = true);
    let r = lab.api("POST", "/api/auth/register", None, creds("new@example.com", PASSWORD));
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["user"]["email"], "new@example.com");
    assert_eq!(body["user"]["plan"], "free");
    assert!(body["token"].as_str().unwrap().starts_with("eyJ"), "a JWT");

    for (input, status, message) in [
        (creds("new@example.com", PASSWORD), 409, "already exists"),
        (creds("not-an-email", PASSWORD), 422, "not an e-mail address"),
        (creds("other@example.com", "short"), 422, "at least 8"),
    ] {
        let r = lab.api("POST", "/api/auth/register", None, input);
        assert_eq!(r.status, status, "{}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains(message), "{}", r.body);
    }
    let r = lab.request("POST", "/api/auth/register", &[], b"{not json");
    assert_eq!(r.status, 400);

    let r = lab.api("POST", "/api/auth/login", None, creds("new@example.com", PASSWORD));
    assert_eq!(r.status, 200);
    let token = r.json()["token"].as_str().unwrap().to_string();
    let me = lab.api("GET", "/api/me", Some(&token), None);
    assert_eq!((me.status, me.json()["email"].as_str()), (200, Some("new@example.com")));
    assert_eq!(me.json()["id"], body["user"]["id"]);
}

#[test]
fn wrong_logins_and_bad_sessions_are_refused_alike() {
    let lab = Lab::start();
    lab.user("a@example.com");
    for input in [creds("a@example.com", "wrong password"), creds("nobody@example.com", PASSWORD)] {
        let r = lab.api("POST", "/api/auth/login", None, input);
        assert_eq!((r.status, r.json()), (401, json!({"error": "Invalid email or password"})));
    }
    let r = lab.api("GET", "/api/me", None, None);
    assert_eq!((r.status, r.json()), (401, json!({"error": "Unauthorized"})));
    assert!(r.header("www-authenticate").is_some());
    assert_eq!(lab.api("GET", "/api/me", Some("eyJhbGciOiJIUzI1NiJ9.e30.bad"), None).status, 401);
    // A token signed by another appliance's secret is worthless here.
    let other = Lab::start();
    let foreign = other.login("a@example.com");
    assert_eq!(lab.api("GET", "/api/me", Some(&foreign), None).status, 401);
    // An update token is not a session.
    let update_token = lab.host("a@example.com", "h.dyn.example.test");
    assert_eq!(lab.api("GET", "/api/me", Some(&update_token), None).status, 401);
}

#[test]
fn sessions_survive_a_restart_but_not_a_password_change_or_logout_everywhere() {
    let lab = Lab::start();
    let token = lab.login("a@example.com");
    let lab = lab.restart();
    assert_eq!(lab.api("GET", "/api/me", Some(&token), None).status, 200, "the signing secret is kept");

    let r = lab.api("POST", "/api/me/password", Some(&token), Some(json!({"currentPassword": "wrong", "newPassword": "a new long password"})));
    assert_eq!(r.status, 403, "a wrong current password is refused");
    assert_eq!(lab.api("GET", "/api/me", Some(&token), None).status, 200, "a refused change ends nothing");

    let r = lab.api("POST", "/api/me/password", Some(&token), Some(json!({"currentPassword": PASSWORD, "newPassword": "a new long password"})));
    assert_eq!(r.status, 200, "{}", r.body);
    let fresh = r.json()["token"].as_str().unwrap().to_string();
    assert_eq!(lab.api("GET", "/api/me", Some(&token), None).status, 401, "old sessions end");
    assert_eq!(lab.api("GET", "/api/me", Some(&fresh), None).status, 200);
    assert_eq!(lab.api("POST", "/api/auth/login", None, creds("a@example.com", PASSWORD)).status, 401);
    assert_eq!(lab.api("POST", "/api/auth/login", None, creds("a@example.com", "a new long password")).status, 200);

    assert_eq!(lab.api("POST", "/api/auth/logout-all", Some(&fresh), None).status, 204);
    assert_eq!(lab.api("GET", "/api/me", Some(&fresh), None).status, 401);
}

#[test]
fn deleting_an_account_removes_its_names_from_dns_and_the_database() {
    let lab = Lab::start();
    let update_token = lab.host("a@example.com", "gone.dyn.example.test");
    let keep_token = lab.host("b@example.com", "kept.dyn.example.test");
    lab.get("/nic/update?myip=192.0.2.50", &[("Authorization", &basic("gone.dyn.example.test", &update_token))]);
    lab.get("/nic/update?myip=192.0.2.51", &[("Authorization", &basic("kept.dyn.example.test", &keep_token))]);
    let session = lab.login("a@example.com");
    let serial = lab.serial();

    // A wrong password is refused (403: well-formed, but not allowed).
    let r = lab.api("DELETE", "/api/me", Some(&session), Some(json!({"password": "wrong"})));
    assert_eq!(r.status, 403);
    assert_eq!(lab.answers("gone.dyn.example.test", RecordType::A), vec!["192.0.2.50"]);

    assert_eq!(lab.api("DELETE", "/api/me", Some(&session), Some(json!({"password": PASSWORD}))).status, 204);
    let nx = lab.query("gone.dyn.example.test", RecordType::A);
    assert_eq!(porchlight_tests::rcode(&nx), porchlight_tests::hickory_proto::op::ResponseCode::NXDomain);
    assert!(lab.serial() > serial);
    assert_eq!(lab.answers("kept.dyn.example.test", RecordType::A), vec!["192.0.2.51"], "other accounts untouched");
    assert_eq!(lab.count("SELECT count(*) FROM hostnames WHERE name = 'gone.dyn.example.test'"), 0);
    assert_eq!(lab.count("SELECT count(*) FROM records WHERE name = 'gone.dyn.example.test'"), 0);
    assert_eq!(lab.count("SELECT count(*) FROM tokens"), 1);
    assert_eq!(lab.api("GET", "/api/me", Some(&session), None).status, 401);
    let r = lab.get("/nic/update?myip=192.0.2.52", &[("Authorization", &basic("gone.dyn.example.test", &update_token))]);
    assert_eq!(r.status, 401, "the deleted account's update token is dead");
}

#[test]
fn the_last_administrator_cannot_delete_itself() {
    let lab = Lab::start();
    let root = lab.admin("root@example.com");
    let r = lab.api("DELETE", "/api/me", Some(&root), Some(json!({"password": PASSWORD})));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("only administrator"), "{}", r.body);
    assert_eq!(lab.api("GET", "/api/setup", None, None).json()["needed"], false, "setup stays closed");
    // A disabled administrator does not count; a second enabled one does.
    let spare = lab.admin("spare@example.com");
    let spare_id = lab.api("GET", "/api/me", Some(&spare), None).json()["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("PATCH", &format!("/api/admin/users/{spare_id}"), Some(&root), Some(json!({"disabled": true}))).status, 200);
    assert_eq!(lab.api("DELETE", "/api/me", Some(&root), Some(json!({"password": PASSWORD}))).status, 409);
    assert_eq!(lab.api("PATCH", &format!("/api/admin/users/{spare_id}"), Some(&root), Some(json!({"disabled": false}))).status, 200);
    assert_eq!(lab.api("DELETE", "/api/me", Some(&root), Some(json!({"password": PASSWORD}))).status, 204);
}

#[test]
fn login_is_rate_limited_per_address_with_headers() {
    let lab = Lab::start_with(|c| c.rate_limit.logins_per_minute = 3);
    lab.user("a@example.com");
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let r = lab.api("POST", "/api/auth/login", None, creds("a@example.com", "wrong password"));
        assert_eq!(r.status, 401);
        assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
        assert!(r.header("x-ratelimit-reset").is_some());
        remaining.push(r.header("x-ratelimit-remaining").unwrap().to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let r = lab.api("POST", "/api/auth/login", None, creds("a@example.com", PASSWORD));
    assert_eq!((r.status, r.json()), (429, json!({"error": "Too many requests"})), "even the right password");
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
}
