//! Split horizon: a host may have LAN addresses; DNS clients in the configured LAN subnets
//! get them, everyone else the public ones (the NAT-hairpin fix).

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, answers, basic, query_tcp_from, query_udp_from};
use serde_json::json;

const HOST: &str = "nas.dyn.example.test";
/// The LAN, as the appliance is configured; 127.0.0.1 stands for the internet.
const LAN_CLIENT: &str = "127.0.0.2";
const OUTSIDE: &str = "127.0.0.1";

#[test]
fn lan_clients_get_the_lan_address_and_everyone_else_the_public_one() {
    let lab = Lab::start_with(|c| c.lan_subnets = vec!["127.0.0.2/32".parse().unwrap()]);
    let token = lab.host("a@example.com", HOST);
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.20"), &[("Authorization", &basic(HOST, &token))]).body, "good 203.0.113.20");
    let session = lab.login("a@example.com");
    let path = format!("/api/hostnames/{}", lab.host_id(HOST));
    let r = lab.api("PATCH", &path, Some(&session), Some(json!({"lanIpv4": "192.168.1.10", "lanIpv6": "fd00::10"})));
    assert_eq!((r.status, r.json()["hostname"]["lanIpv4"].clone(), r.json()["hostname"]["lanIpv6"].clone()), (200, json!("192.168.1.10"), json!("fd00::10")));

    let udp = |from: &str, t: RecordType| answers(&query_udp_from(from, lab.dns(), HOST, t), t);
    let tcp = |from: &str, t: RecordType| answers(&query_tcp_from(from, lab.dns(), HOST, t), t);
    assert_eq!(udp(OUTSIDE, RecordType::A), vec!["203.0.113.20"]);
    assert_eq!(udp(LAN_CLIENT, RecordType::A), vec!["192.168.1.10"]);
    assert_eq!(tcp(LAN_CLIENT, RecordType::A), vec!["192.168.1.10"]);
    assert_eq!(tcp(OUTSIDE, RecordType::A), vec!["203.0.113.20"]);
    assert_eq!(udp(LAN_CLIENT, RecordType::AAAA), vec!["fd00::10"]);
    assert!(udp(OUTSIDE, RecordType::AAAA).is_empty(), "the LAN address never leaks outside");
    // Updates keep changing the public address only.
    lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.21"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!((udp(OUTSIDE, RecordType::A), udp(LAN_CLIENT, RecordType::A)), (vec!["203.0.113.21".to_string()], vec!["192.168.1.10".to_string()]));
    // The zone file (what secondaries would get) holds the public view only.
    let admin = lab.admin("root@example.com");
    let zone = lab.api("GET", "/api/domains/00000000-0000-0000-0000-000000000001/export", Some(&admin), None).body;
    assert!(zone.contains("203.0.113.21") && !zone.contains("192.168.1.10") && !zone.contains("fd00::10"), "{zone}");

    // Cleared, LAN clients get the public address again.
    let r = lab.api("PATCH", &path, Some(&session), Some(json!({"lanIpv4": null})));
    assert_eq!(r.json()["hostname"]["lanIpv4"], json!(null));
    assert_eq!(udp(LAN_CLIENT, RecordType::A), vec!["203.0.113.21"]);
    assert_eq!(udp(LAN_CLIENT, RecordType::AAAA), vec!["fd00::10"]);
    // Deleting the host takes its LAN addresses out of DNS too.
    assert_eq!(lab.api("DELETE", &path, Some(&session), None).status, 204);
    assert!(udp(LAN_CLIENT, RecordType::AAAA).is_empty());
}

#[test]
fn bad_lan_addresses_are_refused_and_change_nothing() {
    let lab = Lab::start_with(|c| c.lan_subnets = vec!["127.0.0.2/32".parse().unwrap()]);
    lab.host("a@example.com", HOST);
    let session = lab.login("a@example.com");
    let path = format!("/api/hostnames/{}", lab.host_id(HOST));
    let serial = lab.serial();
    for bad in [json!({"lanIpv4": "fd00::1"}), json!({"lanIpv6": "192.168.1.1"}), json!({"lanIpv4": "192.168.1.300"})] {
        let r = lab.api("PATCH", &path, Some(&session), Some(bad.clone()));
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.json()["error"].as_str().unwrap().contains("LAN"), "{bad}: {}", r.body);
    }
    assert_eq!(lab.serial(), serial);
    let other = lab.login("b@example.com");
    assert_eq!(lab.api("PATCH", &path, Some(&other), Some(json!({"lanIpv4": "10.0.0.1"}))).status, 404);
    assert!(answers(&query_udp_from(LAN_CLIENT, lab.dns(), HOST, RecordType::A), RecordType::A).is_empty());
}
