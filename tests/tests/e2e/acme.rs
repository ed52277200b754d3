//! ACME DNS-01 without lock-in: the acme-dns API (as acme.sh and lego call it) and lego's
//! httpreq, each ending with the challenge values served by DNS.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Lab, basic};
use serde_json::{Value, json};

const HOST: &str = "home.dyn.example.test";

fn post(lab: &Lab, path: &str, headers: &[(&str, &str)], body: &Value) -> HttpResponse {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    lab.request("POST", path, &all, body.to_string().as_bytes())
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

#[test]
fn acme_dns_register_update_keeps_two_values_and_serves_them_through_a_cname() {
    let lab = Lab::start();
    lab.admin("admin@example.com");
    // acme.sh / lego register by themselves, without credentials, from the LAN.
    let r = post(&lab, "/register", &[], &json!({}));
    assert_eq!(r.status, 201, "{}", r.body);
    let account = r.json();
    let (user, key, sub, full) = (
        account["username"].as_str().unwrap().to_string(),
        account["password"].as_str().unwrap().to_string(),
        account["subdomain"].as_str().unwrap().to_string(),
        account["fulldomain"].as_str().unwrap().to_string(),
    );
    assert_eq!(full, format!("{sub}.dyn.example.test"));
    assert_eq!(account["allowfrom"], json!([]));
    let auth = [("X-Api-User", user.as_str()), ("X-Api-Key", key.as_str())];
    let txt = |v: &str| json!({"subdomain": sub, "txt": v});

    let value_a = "a".repeat(43);
    let value_b = "b".repeat(43);
    let value_c = "c".repeat(43);
    for value in [&value_a, &value_b] {
        let r = post(&lab, "/update", &auth, &txt(value));
        assert_eq!((r.status, r.json()), (200, json!({"txt": value})));
    }
    assert_eq!(sorted(lab.answers(&full, RecordType::TXT)), vec![value_a.clone(), value_b.clone()], "apex + wildcard");
    // A third value pushes out the oldest.
    assert_eq!(post(&lab, "/update", &auth, &txt(&value_c)).status, 200);
    assert_eq!(sorted(lab.answers(&full, RecordType::TXT)), vec![value_b.clone(), value_c.clone()]);
    // The same value again changes nothing.
    let serial = lab.serial();
    assert_eq!(post(&lab, "/update", &auth, &txt(&value_c)).status, 200);
    assert_eq!(lab.serial(), serial);

    // The usual set-up: _acme-challenge.<host> is a CNAME to the account's name.
    let session = lab.login("admin@example.com");
    lab.host("admin@example.com", HOST);
    let zone = "00000000-0000-0000-0000-000000000001";
    let r = lab.api("POST", &format!("/api/domains/{zone}/records"), Some(&session), Some(json!({"type": "CNAME", "name": format!("_acme-challenge.{HOST}"), "content": full})));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(sorted(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT)), vec![value_b, value_c]);
}

#[test]
fn acme_dns_refuses_wrong_credentials_subdomains_values_and_sources() {
    let lab = Lab::start();
    lab.admin("admin@example.com");
    let account = post(&lab, "/register", &[], &json!({"allowfrom": ["192.0.2.0/24"]})).json();
    let user = account["username"].as_str().unwrap();
    let key = account["password"].as_str().unwrap();
    let sub = account["subdomain"].as_str().unwrap();
    let full = account["fulldomain"].as_str().unwrap();
    assert_eq!(account["allowfrom"], json!(["192.0.2.0/24"]));
    // A wrong key, no credentials, and the right ones from 127.0.0.1 (outside allowfrom).
    let headers: [Vec<(&str, &str)>; 3] =
        [vec![("X-Api-User", user), ("X-Api-Key", "pth_notthekeynotthekey")], vec![], vec![("X-Api-User", user), ("X-Api-Key", key)]];
    for headers in headers {
        let r = post(&lab, "/update", &headers, &json!({"subdomain": sub, "txt": "x"}));
        assert_eq!((r.status, r.json()["error"].as_str().unwrap()), (401, "forbidden"), "{headers:?}");
    }
    // From an allowed network (no allowfrom), bad subdomains, values and bodies.
    let open = post(&lab, "/register", &[], &json!({})).json();
    let auth = [("X-Api-User", open["username"].as_str().unwrap()), ("X-Api-Key", open["password"].as_str().unwrap())];
    let osub = open["subdomain"].as_str().unwrap();
    for (body, code) in [
        (json!({"subdomain": sub, "txt": "x"}), "bad_subdomain"),
        (json!({"subdomain": osub, "txt": "has space"}), "bad_txt"),
        (json!({"subdomain": osub, "txt": ""}), "bad_txt"),
        (json!({"subdomain": osub}), "malformed_json_payload"),
    ] {
        let r = post(&lab, "/update", &auth, &body);
        assert_eq!((r.status, r.json()["error"].as_str().unwrap()), (400, code), "{body}");
    }
    let r = post(&lab, "/register", &[], &json!({"allowfrom": ["not-a-cidr"]}));
    assert_eq!((r.status, r.json()["error"].as_str().unwrap()), (400, "invalid_allowfrom_cidr"));
    let r = post(&lab, "/register", &[("Authorization", "Bearer pth_wrongwrongwrongwrong")], &json!({}));
    assert_eq!(r.status, 401);
    assert!(lab.answers(full, RecordType::TXT).is_empty());
}

#[test]
fn acme_dns_registration_needs_credentials_outside_the_configured_networks() {
    let lab = Lab::start_with(|c| c.acme_dns_register_from.clear());
    let r = post(&lab, "/register", &[], &json!({}));
    assert_eq!((r.status, r.json()["error"].as_str().unwrap()), (401, "forbidden"));
    // With an account API key the account is the key's.
    let session = lab.login("a@example.com");
    let key = lab.api("POST", "/api/tokens", Some(&session), Some(json!({"label": "acme", "scopes": ["write:records"]}))).json()["token"]["tokenValue"]
        .as_str()
        .unwrap()
        .to_string();
    let r = post(&lab, "/register", &[("Authorization", &format!("Bearer {key}"))], &json!({}));
    assert_eq!(r.status, 201, "{}", r.body);
    let hosts = lab.api("GET", "/api/hostnames", Some(&session), None).json();
    assert_eq!(hosts["hostnames"][0]["fqdn"], r.json()["fulldomain"]);
}

#[test]
fn lego_httpreq_default_and_raw_modes() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let auth = basic("lego", &token);
    let fqdn = format!("_acme-challenge.{HOST}.");
    for value in ["first-value", "second-value"] {
        let r = post(&lab, "/present", &[("Authorization", &auth)], &json!({"fqdn": fqdn, "value": value}));
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
    }
    // A retried present is fine and adds nothing.
    assert_eq!(post(&lab, "/present", &[("Authorization", &auth)], &json!({"fqdn": fqdn, "value": "first-value"})).status, 200);
    assert_eq!(sorted(lab.answers(&fqdn, RecordType::TXT)), vec!["first-value", "second-value"]);
    // RAW mode: the value is base64url(SHA-256(keyAuth)).
    let raw = json!({"domain": HOST, "token": "tok", "keyAuth": "tok.thumbprint"});
    assert_eq!(post(&lab, "/present", &[("Authorization", &auth)], &raw).status, 200);
    let digest = porchlight::acme::key_authorization_digest("tok.thumbprint");
    assert_eq!(digest.len(), 43);
    assert!(lab.answers(&fqdn, RecordType::TXT).contains(&digest));
    assert_eq!(post(&lab, "/cleanup", &[("Authorization", &auth)], &raw).status, 200);
    assert_eq!(post(&lab, "/cleanup", &[("Authorization", &auth)], &json!({"fqdn": fqdn, "value": "first-value"})).status, 200);
    assert_eq!(lab.answers(&fqdn, RecordType::TXT), vec!["second-value"]);
    // Cleaning up what is gone is fine too.
    assert_eq!(post(&lab, "/cleanup", &[("Authorization", &auth)], &json!({"fqdn": fqdn, "value": "first-value"})).status, 200);

    // Without credentials: a Basic challenge. Another name: refused. Nothing changes.
    let serial = lab.serial();
    let r = post(&lab, "/present", &[], &json!({"fqdn": fqdn, "value": "x"}));
    assert_eq!((r.status, r.header("www-authenticate").is_some()), (401, true));
    let r = post(&lab, "/present", &[("Authorization", &auth)], &json!({"fqdn": "_acme-challenge.other.dyn.example.test.", "value": "x"}));
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(&lab, "/present", &[("Authorization", &auth)], &json!({"fqdn": format!("www.{HOST}"), "value": "x"}));
    assert_eq!(r.status, 403);
    let r = lab.request("POST", "/present", &[("Authorization", &auth)], b"not json");
    assert_eq!(r.status, 400);
    assert_eq!(lab.serial(), serial);
}
