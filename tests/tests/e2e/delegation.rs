//! The delegation guide: the records to enter at the registrar and whether the parent zone
//! delegates to this appliance now, in the API and `porchlight zone check`, against a second
//! appliance playing the parent zone.

use porchlight_tests::{Lab, PARENT_ZONE_ID, parent, porchlight_binary};

const CHILD: &str = "mine.parent.test";
const NS: &str = "ns1.mine.parent.test";

fn guide(lab: &Lab, session: &str, zone_id: &str) -> serde_json::Value {
    let r = lab.api("GET", &format!("/api/domains/{zone_id}/delegation"), Some(session), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn zone_check(lab: &Lab, resolver: std::net::SocketAddr) -> (bool, String) {
    let out = std::process::Command::new(porchlight_binary())
        .args(["zone", "check", CHILD, "--data-dir", lab.data_dir().to_str().unwrap()])
        .env_remove("PORCHLIGHT_CONFIG")
        .env("PORCHLIGHT_DELEGATION_RESOLVER", resolver.to_string())
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_built_in_zone_is_guided_from_no_delegation_to_ns_and_glue() {
    let (parent_lab, registrar) = parent();
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(parent_lab.dns());
        c.zone.push(porchlight::config::ZoneConfig {
            name: CHILD.into(),
            nameservers: vec![NS.into()],
            nameserver_addresses: vec!["192.0.2.53".parse().unwrap()],
            ..Default::default()
        });
    });
    let admin = lab.admin("admin@example.com");
    let zones = lab.api("GET", "/api/domains", Some(&admin), None).json();
    let zone_id = zones.to_string();
    let zone_id = zones["domains"].as_array().unwrap_or_else(|| panic!("{zone_id}")).iter().find(|z| z["name"] == CHILD).unwrap()["id"].as_str().unwrap().to_string();

    let g = guide(&lab, &admin, &zone_id);
    assert_eq!(g["records"], serde_json::json!([
        {"name": CHILD, "type": "NS", "value": NS},
        {"name": NS, "type": "A", "value": "192.0.2.53"},
    ]));
    assert_eq!(g["delegated"], false);
    assert!(g["message"].as_str().unwrap().contains("No NS records"), "{g}");
    assert_eq!(g["asked"], parent_lab.dns().to_string());
    let (ok, said) = zone_check(&lab, parent_lab.dns());
    assert!(!ok && said.contains("delegated: no") && said.contains(&format!("{NS}.")), "{said}");

    // NS at the parent, but no glue: the guide says what is missing.
    let add = |name: &str, kind: &str, content: &str| {
        let r = parent_lab.api("POST", &format!("/api/domains/{PARENT_ZONE_ID}/records"), Some(&registrar), Some(serde_json::json!({"type": kind, "name": name, "content": content})));
        assert_eq!(r.status, 201, "{}", r.body);
    };
    add("mine", "NS", NS);
    let g = guide(&lab, &admin, &zone_id);
    assert_eq!(g["delegated"], false, "{g}");
    assert_eq!(g["found"], serde_json::json!([NS]));
    assert!(g["problems"].to_string().contains(&format!("no glue for {NS}")), "{g}");

    // With the wrong glue, then the right one.
    add("ns1.mine", "A", "192.0.2.99");
    let g = guide(&lab, &admin, &zone_id);
    assert!(!g["delegated"].as_bool().unwrap() && g["problems"].to_string().contains("192.0.2.99"), "{g}");
    let records = parent_lab.api("GET", &format!("/api/domains/{PARENT_ZONE_ID}/records"), Some(&registrar), None).json();
    let wrong = records["records"].as_array().unwrap().iter().find(|r| r["content"] == "192.0.2.99").unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(parent_lab.api("DELETE", &format!("/api/domains/{PARENT_ZONE_ID}/records/{wrong}"), Some(&registrar), None).status, 204);
    add("ns1.mine", "A", "192.0.2.53");
    let g = guide(&lab, &admin, &zone_id);
    assert_eq!(g["delegated"], true, "{g}");
    assert_eq!(g["glue"], serde_json::json!([{"name": NS, "address": "192.0.2.53"}]));
    assert_eq!(g["problems"], serde_json::json!([]));
    let (ok, said) = zone_check(&lab, parent_lab.dns());
    assert!(ok && said.contains("delegated: yes") && said.contains(&format!("glue: {NS} 192.0.2.53")), "{said}");
}

#[test]
fn a_nameserver_on_a_loopback_address_is_called_out_and_others_custom_domains_stay_hidden() {
    let lab = Lab::start();
    let admin = lab.admin("admin@example.com");
    let zone_id = "00000000-0000-0000-0000-000000000001";
    let g = guide(&lab, &admin, zone_id);
    assert!(g["records"].to_string().contains("127.0.0.1"), "the listener's address is the glue: {g}");
    assert!(g["problems"].to_string().contains("which the Internet cannot reach"), "{g}");
    assert_eq!(g["delegated"], false);

    // A custom domain's guide is its owner's.
    lab.user("a@example.com");
    let alice = lab.login("a@example.com");
    let r = lab.api("POST", "/api/domains", Some(&alice), Some(serde_json::json!({"name": "alice.example.org"})));
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    let g = guide(&lab, &alice, &id);
    assert_eq!(g["records"][0]["type"], "NS");
    assert_eq!(g["records"].as_array().unwrap().len(), 1, "no glue for nameservers outside the domain: {g}");
    lab.user("b@example.com");
    let bob = lab.login("b@example.com");
    assert_eq!(lab.api("GET", &format!("/api/domains/{id}/delegation"), Some(&bob), None).status, 404);
}
