//! Hostnames, tokens and domains through the native API (the ipdock document, sections 4, 5
//! and 7), plan limits, and the authorisation matrix between accounts.

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Lab, basic, rcode};
use serde_json::json;

const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";

fn create_host(lab: &Lab, session: &str, name: &str) -> HttpResponse {
    lab.api("POST", "/api/hostnames", Some(session), Some(json!({"domainId": ZONE_ID, "name": name, "ttl": 60})))
}

#[test]
fn hostname_lifecycle_is_live_in_dns() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");

    let domains = lab.api("GET", "/api/domains", Some(&session), None).json();
    assert_eq!(domains["domains"][0]["id"], ZONE_ID);
    assert_eq!(domains["domains"][0]["name"], "dyn.example.test");

    let r = create_host(&lab, &session, "myserver");
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert_eq!(body["hostname"]["fqdn"], "myserver.dyn.example.test");
    assert_eq!(body["hostname"]["domainId"], ZONE_ID);
    let host_id = body["hostname"]["id"].as_str().unwrap().to_string();
    let token = body["token"]["tokenValue"].as_str().unwrap().to_string();
    assert!(token.starts_with("pth_"));

    // The token shown once updates the host; the API then shows the address and its history.
    let r = lab.get("/api/update?ip=203.0.113.5", &[("Authorization", &format!("Bearer {token}"))]);
    assert_eq!(r.json()["status"], "good");
    let listed = lab.api("GET", "/api/hostnames", Some(&session), None).json();
    assert_eq!(listed["hostnames"][0]["ipv4"], "203.0.113.5");
    assert!(listed["hostnames"][0]["lastUpdate"].is_string());
    let history = lab.api("GET", &format!("/api/hostnames/{host_id}/history"), Some(&session), None).json();
    assert_eq!(history["history"][0]["new"], "203.0.113.5");
    assert_eq!(history["history"][0]["dialect"], "ipdock");
    // Use times are batched in memory (a nochg writes nothing) and written by housekeeping
    // or at shutdown; listings never show a secret.
    assert!(lab.api("GET", "/api/tokens", Some(&session), None).json()["tokens"][0]["lastUsedAt"].is_null());
    let lab = lab.restart();
    assert!(lab.api("GET", "/api/tokens", Some(&session), None).json()["tokens"][0]["lastUsedAt"].is_string());
    let tokens = lab.api("GET", "/api/tokens", Some(&session), None);
    assert!(!tokens.body.contains(&token) && tokens.json()["tokens"][0]["prefix"].as_str().is_some_and(|p| token.starts_with(p)));

    // Deleting it takes the name out of DNS at once and kills its tokens.
    let serial = lab.serial();
    assert_eq!(lab.api("DELETE", &format!("/api/hostnames/{host_id}"), Some(&session), None).status, 204);
    assert_eq!(rcode(&lab.query("myserver.dyn.example.test", RecordType::A)), ResponseCode::NXDomain);
    assert!(lab.serial() > serial);
    assert_eq!(lab.get("/api/update?ip=203.0.113.6", &[("Authorization", &format!("Bearer {token}"))]).status, 401);
    assert_eq!(lab.count("SELECT count(*) FROM tokens"), 0);
    assert_eq!(lab.api("DELETE", &format!("/api/hostnames/{host_id}"), Some(&session), None).status, 404);
}

#[test]
fn hostname_input_errors() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    assert_eq!(create_host(&lab, &session, "taken").status, 201);
    let cases = [
        (json!({"domainId": ZONE_ID, "name": "taken"}), 409, "already exists"),
        (json!({"domainId": ZONE_ID, "name": "bad name"}), 422, "may only hold"),
        (json!({"domainId": ZONE_ID, "name": "*"}), 422, "wildcard"),
        (json!({"domainId": ZONE_ID, "name": "ok", "ttl": 1}), 422, "TTL"),
        (json!({"domainId": "00000000-0000-0000-0000-000000000099", "name": "x"}), 404, "Domain not found"),
        // A missing field is a validation error: 422, as the ipdock document has it.
        (json!({"name": "x"}), 422, "domainId"),
    ];
    for (input, status, message) in cases {
        let r = lab.api("POST", "/api/hostnames", Some(&session), Some(input.clone()));
        assert_eq!(r.status, status, "{input}: {}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains(message), "{input}: {}", r.body);
    }
    assert_eq!(lab.count("SELECT count(*) FROM hostnames"), 1);
}

#[test]
fn free_plan_allows_three_hostnames() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    for name in ["one", "two", "three"] {
        assert_eq!(create_host(&lab, &session, name).status, 201);
    }
    let r = create_host(&lab, &session, "four");
    assert_eq!(r.status, 403);
    let body = r.json();
    assert_eq!((body["code"].as_str(), body["upgrade"].as_bool()), (Some("PLAN_LIMIT"), Some(true)));
    assert!(body["error"].as_str().unwrap().contains("Self-Hoster"), "{body}");
    assert_eq!(lab.count("SELECT count(*) FROM hostnames"), 3);
}

#[test]
fn tokens_create_regenerate_delete_and_scopes() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    let host = create_host(&lab, &session, "h").json();
    let host_id = host["hostname"]["id"].as_str().unwrap();

    let r = lab.api("POST", "/api/tokens", Some(&session), Some(json!({"hostnameId": host_id, "label": "router"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let token = r.json()["token"].clone();
    assert_eq!(token["scopes"], json!(["update"]));
    let (id, old_secret) = (token["id"].as_str().unwrap().to_string(), token["tokenValue"].as_str().unwrap().to_string());
    let update = |secret: &str| lab.get("/nic/update?myip=192.0.2.77", &[("Authorization", &basic("h.dyn.example.test", secret))]);
    assert_eq!(update(&old_secret).status, 200);

    // Regenerating kills the old secret at once.
    let r = lab.api("POST", &format!("/api/tokens/{id}/regenerate"), Some(&session), None);
    assert_eq!(r.status, 200);
    let new_secret = r.json()["token"]["tokenValue"].as_str().unwrap().to_string();
    assert_ne!(new_secret, old_secret);
    assert_eq!((update(&old_secret).status, update(&old_secret).body), (401, "badauth".to_string()));
    assert_eq!(update(&new_secret).body, "nochg 192.0.2.77");

    // An account key with scopes, but without `update`, cannot update.
    let r = lab.api("POST", "/api/tokens", Some(&session), Some(json!({"label": "api", "scopes": ["read:domains"]})));
    assert_eq!(r.status, 201);
    assert_eq!(update(r.json()["token"]["tokenValue"].as_str().unwrap()).status, 401);
    let r = lab.api("POST", "/api/tokens", Some(&session), Some(json!({"label": "api", "scopes": ["update"]})));
    assert_eq!(update(r.json()["token"]["tokenValue"].as_str().unwrap()).body, "nochg 192.0.2.77");
    for bad in [json!({"label": "x"}), json!({"scopes": ["root"]})] {
        let r = lab.api("POST", "/api/tokens", Some(&session), Some(bad));
        assert_eq!(r.status, 422, "{}", r.body);
    }

    assert_eq!(lab.api("DELETE", &format!("/api/tokens/{id}"), Some(&session), None).status, 204);
    assert_eq!(update(&new_secret).status, 401);
    assert_eq!(lab.api("DELETE", &format!("/api/tokens/{id}"), Some(&session), None).status, 404);
}

#[test]
fn one_account_cannot_see_or_touch_anothers_hostnames_or_tokens() {
    let lab = Lab::start();
    let alice = lab.login("alice@example.com");
    let mallory = lab.login("mallory@example.com");
    let host = create_host(&lab, &alice, "alice").json();
    let host_id = host["hostname"]["id"].as_str().unwrap().to_string();
    let token_id = host["token"]["id"].as_str().unwrap().to_string();
    let secret = host["token"]["tokenValue"].as_str().unwrap().to_string();
    lab.get("/api/update?ip=192.0.2.88", &[("Authorization", &format!("Bearer {secret}"))]);

    assert_eq!(lab.api("GET", "/api/hostnames", Some(&mallory), None).json()["hostnames"], json!([]));
    assert_eq!(lab.api("GET", "/api/tokens", Some(&mallory), None).json()["tokens"], json!([]));
    for (method, path) in [
        ("GET", format!("/api/hostnames/{host_id}")),
        ("GET", format!("/api/hostnames/{host_id}/history")),
        ("DELETE", format!("/api/hostnames/{host_id}")),
        ("POST", format!("/api/tokens/{token_id}/regenerate")),
        ("DELETE", format!("/api/tokens/{token_id}")),
    ] {
        let r = lab.api(method, &path, Some(&mallory), None);
        assert_eq!(r.status, 404, "{method} {path}: {}", r.body);
    }
    let r = lab.api("POST", "/api/tokens", Some(&mallory), Some(json!({"hostnameId": host_id, "label": "steal"})));
    assert_eq!(r.status, 404, "a token for someone else's hostname");
    // Without a session nothing is reachable at all.
    for path in ["/api/hostnames", "/api/tokens", "/api/domains", "/api/me"] {
        assert_eq!(lab.api("GET", path, None, None).status, 401, "{path}");
    }
    // Alice's host and token still work.
    assert_eq!(lab.answers("alice.dyn.example.test", RecordType::A), vec!["192.0.2.88"]);
    assert_eq!(lab.get("/api/update?ip=192.0.2.88", &[("Authorization", &format!("Bearer {secret}"))]).json()["status"], "nochg");
}

#[test]
fn the_log_shows_the_accounts_own_activity_newest_first_in_pages() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    let host = create_host(&lab, &session, "logged").json();
    let secret = host["token"]["tokenValue"].as_str().unwrap().to_string();
    let token_id = host["token"]["id"].as_str().unwrap().to_string();
    lab.get("/api/update?ip=192.0.2.31", &[("Authorization", &format!("Bearer {secret}"))]);
    lab.api("POST", &format!("/api/tokens/{token_id}/regenerate"), Some(&session), None);
    let other = lab.login("b@example.com");

    let logs = lab.api("GET", "/api/logs", Some(&session), None).json();
    let kinds: Vec<&str> = logs["logs"].as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["token regenerated", "address A", "hostname created", "login", "user created"], "newest first");
    assert_eq!(logs["logs"][1]["detail"], "- -> 192.0.2.31 (ipdock)");
    assert_eq!(logs["logs"][1]["subject"], "logged.dyn.example.test");

    let page2 = lab.api("GET", "/api/logs?page=2&perPage=3", Some(&session), None).json();
    let kinds: Vec<&str> = page2["logs"].as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["login", "user created"]);

    let theirs = lab.api("GET", "/api/logs", Some(&other), None).json();
    assert_eq!(theirs["logs"].as_array().unwrap().len(), 2, "only b's own creation and login: {theirs}");
    assert_eq!(lab.api("GET", "/api/logs", None, None).status, 401);
}
