//! Administration: only administrators reach it; accounts can be disabled, moved to
//! another plan and given a new password; registration opened and closed.

use porchlight_tests::{Lab, PASSWORD, basic};
use serde_json::json;

fn user_id(lab: &Lab, email: &str) -> String {
    lab.db().query_row("SELECT id FROM users WHERE email = ?1", [email], |r| r.get(0)).unwrap()
}

#[test]
fn admin_routes_refuse_everyone_else() {
    let lab = Lab::start();
    let user = lab.login("u@example.com");
    let id = user_id(&lab, "u@example.com");
    for (method, path, body) in [
        ("GET", "/api/admin/users".to_string(), None),
        ("POST", "/api/admin/users".to_string(), Some(json!({"email": "made@example.com", "password": PASSWORD}))),
        ("PATCH", format!("/api/admin/users/{id}"), Some(json!({"plan": "self-hoster"}))),
        ("POST", format!("/api/admin/users/{id}/password"), Some(json!({"password": "a new long password"}))),
        ("GET", "/api/admin/settings".to_string(), None),
        ("PATCH", "/api/admin/settings".to_string(), Some(json!({"registrationOpen": true}))),
    ] {
        let r = lab.api(method, &path, Some(&user), body.clone());
        assert_eq!((r.status, r.json()["error"].as_str()), (403, Some("Administrators only")), "{method} {path}");
        assert_eq!(lab.api(method, &path, None, body).status, 401, "{method} {path} without a session");
    }
    assert_eq!(lab.db().query_row("SELECT plan FROM users", [], |r| r.get::<_, String>(0)).unwrap(), "free");
    assert_eq!(lab.count("SELECT count(*) FROM users"), 1, "no account was made");
}

#[test]
fn admin_adds_accounts() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let add = |body: serde_json::Value| lab.api("POST", "/api/admin/users", Some(&admin), Some(body));

    let r = add(json!({"email": "new@example.com", "password": PASSWORD}));
    assert_eq!(r.status, 201, "{}", r.body);
    let made = r.json()["user"].clone();
    assert_eq!((made["email"].as_str(), made["plan"].as_str(), made["isAdmin"].as_bool(), made["disabled"].as_bool()), (Some("new@example.com"), Some("free"), Some(false), Some(false)));
    assert!(!lab.login("new@example.com").is_empty(), "the new account signs in with its password");

    let r = add(json!({"email": "NEW@example.com", "password": PASSWORD}));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("already exists"), "{}", r.body);

    let r = add(json!({"email": "second-admin@example.com", "password": PASSWORD, "admin": true}));
    assert_eq!((r.status, r.json()["user"]["isAdmin"].as_bool()), (201, Some(true)));
    let r = add(json!({"email": "hoster@example.com", "password": PASSWORD, "plan": "self-hoster"}));
    assert_eq!((r.status, r.json()["user"]["plan"].as_str()), (201, Some("self-hoster")));

    for (body, why) in [
        (json!({"email": "x@example.com", "password": PASSWORD, "plan": "gold"}), "Unknown plan"),
        (json!({"email": "not-an-email", "password": PASSWORD}), "not an e-mail address"),
        (json!({"email": "x@example.com", "password": "short"}), "at least 8"),
        (json!({"email": "x@example.com"}), "password"),
    ] {
        let r = add(body);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains(why), "{}", r.body);
    }
    assert_eq!(lab.count("SELECT count(*) FROM users"), 4);
}

#[test]
fn admin_manages_accounts() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let update_token = lab.host("u@example.com", "u.dyn.example.test");
    let user = lab.login("u@example.com");
    let id = user_id(&lab, "u@example.com");

    let users = lab.api("GET", "/api/admin/users", Some(&admin), None).json();
    let listed = users["users"].as_array().unwrap().iter().find(|u| u["email"] == "u@example.com").unwrap().clone();
    assert_eq!((listed["hostnames"].as_i64(), listed["disabled"].as_bool()), (Some(1), Some(false)));

    let r = lab.api("PATCH", &format!("/api/admin/users/{id}"), Some(&admin), Some(json!({"plan": "gold"})));
    assert_eq!(r.status, 422);
    let r = lab.api("PATCH", &format!("/api/admin/users/{id}"), Some(&admin), Some(json!({"plan": "self-hoster"})));
    assert_eq!((r.status, r.json()["user"]["plan"].as_str()), (200, Some("self-hoster")));
    assert_eq!(lab.api("GET", "/api/me", Some(&user), None).json()["plan"], "self-hoster");

    // Disabling ends sessions, refuses logins and stops update tokens; enabling restores logins.
    let update = || lab.get("/nic/update?myip=192.0.2.40", &[("Authorization", &basic("u.dyn.example.test", &update_token))]).status;
    assert_eq!(update(), 200);
    assert_eq!(lab.api("PATCH", &format!("/api/admin/users/{id}"), Some(&admin), Some(json!({"disabled": true}))).status, 200);
    assert_eq!(lab.api("GET", "/api/me", Some(&user), None).status, 401);
    assert_eq!(lab.api("POST", "/api/auth/login", None, Some(json!({"email": "u@example.com", "password": PASSWORD}))).status, 401);
    assert_eq!(update(), 401);
    assert_eq!(lab.api("PATCH", &format!("/api/admin/users/{id}"), Some(&admin), Some(json!({"disabled": false}))).status, 200);
    assert_eq!(update(), 200);

    let r = lab.api("POST", &format!("/api/admin/users/{id}/password"), Some(&admin), Some(json!({"password": "reset by admin"})));
    assert_eq!(r.status, 204);
    assert_eq!(lab.api("POST", "/api/auth/login", None, Some(json!({"email": "u@example.com", "password": PASSWORD}))).status, 401);
    assert_eq!(lab.api("POST", "/api/auth/login", None, Some(json!({"email": "u@example.com", "password": "reset by admin"}))).status, 200);

    let admin_id = user_id(&lab, "root@example.com");
    let r = lab.api("PATCH", &format!("/api/admin/users/{admin_id}"), Some(&admin), Some(json!({"disabled": true})));
    assert_eq!(r.status, 409, "an administrator cannot lock themselves out");
    let r = lab.api("POST", &format!("/api/admin/users/{admin_id}/password"), Some(&admin), Some(json!({"password": "a new long password"})));
    assert_eq!(r.status, 409, "nor set their own password without the current one");
    assert_eq!(lab.api("PATCH", "/api/admin/users/nobody", Some(&admin), Some(json!({"plan": "free"}))).status, 404);
}

#[test]
fn admin_opens_and_closes_registration() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let register = |email: &str| lab.api("POST", "/api/auth/register", None, Some(json!({"email": email, "password": PASSWORD}))).status;
    assert_eq!(register("a@example.com"), 403);
    let r = lab.api("PATCH", "/api/admin/settings", Some(&admin), Some(json!({"registrationOpen": true})));
    assert_eq!(r.json()["registrationOpen"], true);
    assert_eq!(register("a@example.com"), 201);
    lab.api("PATCH", "/api/admin/settings", Some(&admin), Some(json!({"registrationOpen": false})));
    assert_eq!(register("b@example.com"), 403);
    let settings = lab.api("GET", "/api/admin/settings", Some(&admin), None).json();
    assert_eq!((settings["registrationOpen"].clone(), settings["https"].clone(), settings["tls"].clone()), (json!(false), json!(null), json!(null)));
}

#[test]
fn invitations_open_registration_once_for_the_invited() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let user = lab.login("u@example.com");
    assert_eq!(lab.api("POST", "/api/admin/invites", Some(&user), Some(json!({}))).status, 403);

    let r = lab.api("POST", "/api/admin/invites", Some(&admin), Some(json!({"email": "friend@example.com"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let code = r.json()["invite"]["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("inv_"));
    let stored: String = lab.db().query_row("SELECT code_hash FROM invites", [], |r| r.get(0)).unwrap();
    assert!(!stored.contains(&code), "only the hash is kept");

    let register = |email: &str, invite: Option<&str>| {
        lab.api("POST", "/api/auth/register", None, Some(json!({"email": email, "password": PASSWORD, "invite": invite})))
    };
    assert_eq!(register("friend@example.com", None).status, 403);
    assert_eq!(register("stranger@example.com", Some(&code)).status, 403, "the invitation names another address");
    assert_eq!(register("friend@example.com", Some("inv_made_up_code_123456")).status, 403);
    let r = register("friend@example.com", Some(&code));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(register("friend2@example.com", Some(&code)).status, 403, "single use");

    // An invitation for anyone works for any address, once.
    let open = lab.api("POST", "/api/admin/invites", Some(&admin), None).json()["invite"]["code"].as_str().unwrap().to_string();
    assert_eq!(register("anyone@example.com", Some(&open)).status, 201);
    assert_eq!(lab.count("SELECT count(*) FROM users"), 4);
}

#[test]
fn the_public_url_is_set_by_an_administrator_and_read_by_every_account() {
    let lab = porchlight_tests::Lab::start();
    let admin = lab.admin("admin@example.com");
    lab.user("a@example.com");
    let alice = lab.login("a@example.com");
    let read = |who: &str| lab.api("GET", "/api/appliance", Some(who), None).json();
    assert_eq!(read(&alice)["publicUrl"], serde_json::Value::Null);
    for bad in ["192.168.1.2:8080", "ftp://x", "http://a b/"] {
        let r = lab.api("PATCH", "/api/admin/settings", Some(&admin), Some(serde_json::json!({"publicUrl": bad})));
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
    }
    let r = lab.api("PATCH", "/api/admin/settings", Some(&alice), Some(serde_json::json!({"publicUrl": "http://192.168.1.2:8080"})));
    assert_eq!(r.status, 403);
    let r = lab.api("PATCH", "/api/admin/settings", Some(&admin), Some(serde_json::json!({"publicUrl": "http://192.168.1.2:8080/"})));
    assert_eq!((r.status, r.json()["publicUrl"].as_str(), r.json()["publicUrlFromConfig"].as_bool()), (200, Some("http://192.168.1.2:8080"), Some(false)), "{}", r.body);
    assert_eq!(read(&alice)["publicUrl"], "http://192.168.1.2:8080");
    let r = lab.api("PATCH", "/api/admin/settings", Some(&admin), Some(serde_json::json!({"publicUrl": ""})));
    assert_eq!(r.json()["publicUrl"], serde_json::Value::Null);

    // Set in the configuration, it wins and cannot be changed here.
    let fixed = porchlight_tests::Lab::start_with(|c| c.public_url = Some("https://ddns.example.com".into()));
    let admin = fixed.admin("admin@example.com");
    let r = fixed.api("PATCH", "/api/admin/settings", Some(&admin), Some(serde_json::json!({"publicUrl": "http://192.168.1.2:8080"})));
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(fixed.api("GET", "/api/appliance", Some(&admin), None).json()["publicUrl"], "https://ddns.example.com");
}
