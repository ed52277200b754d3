//! IPv6 prefix following: hosts with an interface id move with every prefix their owner's
//! updates report, keep their interface id, and a bare prefix never becomes an AAAA.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, basic};
use serde_json::json;

const ROUTER: &str = "router.dyn.example.test";
const NAS: &str = "nas.dyn.example.test";
const PRINTER: &str = "printer.dyn.example.test";
const OWNER: &str = "a@example.com";

/// A lab where NAS and PRINTER follow the account's prefix; returns ROUTER's token.
fn lab_with_followers() -> (Lab, String) {
    let lab = Lab::start();
    let token = lab.host(OWNER, ROUTER);
    lab.host(OWNER, NAS);
    lab.host(OWNER, PRINTER);
    let session = lab.login(OWNER);
    for (host, iid) in [(NAS, "::11:22ff:fe33:4455"), (PRINTER, "2001:db8:ffff:ffff::99")] {
        let r = lab.api("PATCH", &format!("/api/hostnames/{}", lab.host_id(host)), Some(&session), Some(json!({"ipv6InterfaceId": iid})));
        assert_eq!(r.status, 200, "{}", r.body);
    }
    (lab, token)
}

#[test]
fn fritzbox_ip6lanprefix_moves_every_following_host_and_keeps_interface_ids() {
    let (lab, token) = lab_with_followers();
    let auth = basic(ROUTER, &token);
    // FritzBox: `myip=<ipaddr>,<ip6addr>&ip6lanprefix=<ip6lanprefix>`, placeholders unescaped.
    let r = lab.get(
        &format!("/nic/update?hostname={ROUTER}&myip=203.0.113.5,2001:db8:1:ff::1&ip6lanprefix=2001:db8:1:100::/64"),
        &[("Authorization", &auth), ("User-Agent", "Fritz!Box DDNS/1.0.1")],
    );
    assert_eq!((r.status, r.body.as_str()), (200, "good 203.0.113.5,2001:db8:1:ff::1"));
    assert_eq!(lab.answers(ROUTER, RecordType::AAAA), vec!["2001:db8:1:ff::1"], "the router keeps its own address");
    assert_eq!(lab.answers(NAS, RecordType::AAAA), vec!["2001:db8:1:100:11:22ff:fe33:4455"]);
    assert_eq!(lab.answers(PRINTER, RecordType::AAAA), vec!["2001:db8:1:100::99"], "only the interface-id bits are kept");

    // A new prefix moves them again; the same prefix again changes nothing.
    let url = format!("/nic/update?hostname={ROUTER}&myipv6=2001:db8:2:200::/64");
    assert_eq!(lab.get(&url, &[("Authorization", &auth)]).body, "good");
    assert_eq!(lab.answers(NAS, RecordType::AAAA), vec!["2001:db8:2:200:11:22ff:fe33:4455"]);
    assert_eq!(lab.answers(ROUTER, RecordType::AAAA), vec!["2001:db8:1:ff::1"], "a bare prefix never becomes the host's AAAA");
    let serial = lab.serial();
    assert!(lab.get(&url, &[("Authorization", &auth)]).body.starts_with("nochg"));
    assert_eq!(lab.serial(), serial);
    // The move is in the followers' history, with the dialect and source.
    let moved: i64 = lab.count(&format!(
        "SELECT count(*) FROM host_history h JOIN hostnames n ON n.id = h.hostname_id WHERE n.name = '{NAS}' AND h.type = 'AAAA' AND h.dialect = 'dyndns2'"
    ));
    assert_eq!(moved, 2);
}

#[test]
fn onlyprefix_leaves_the_main_host_alone() {
    let (lab, token) = lab_with_followers();
    let auth = basic(ROUTER, &token);
    assert_eq!(lab.get(&format!("/nic/update?hostname={ROUTER}&myip=203.0.113.5"), &[("Authorization", &auth)]).body, "good 203.0.113.5");
    // IPv64 style: key, domain, ipv6prefix, onlyprefix.
    let r = lab.get(&format!("/nic/update?key={token}&domain={ROUTER}&ip=198.51.100.77&ipv6prefix=2001:db8:9:9::/64&onlyprefix=1"), &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("good"), "{}", r.body);
    assert_eq!(lab.answers(ROUTER, RecordType::A), vec!["203.0.113.5"], "onlyprefix: the main host is not touched");
    assert!(lab.answers(ROUTER, RecordType::AAAA).is_empty());
    assert_eq!(lab.answers(NAS, RecordType::AAAA), vec!["2001:db8:9:9:11:22ff:fe33:4455"]);
}

#[test]
fn bad_prefixes_and_interface_ids_are_refused_and_change_nothing() {
    let (lab, token) = lab_with_followers();
    let auth = basic(ROUTER, &token);
    let serial = lab.serial();
    for query in ["ip6lanprefix=2001:db8::/0", "ipv6prefix=not-a-prefix", "myipv6=2001:db8::/200", "onlyprefix=1", "myip=192.0.2.0/24"] {
        let r = lab.get(&format!("/nic/update?hostname={ROUTER}&{query}"), &[("Authorization", &auth)]);
        assert_eq!((r.status, r.body.as_str()), (200, "badip"), "{query}");
    }
    assert_eq!(lab.serial(), serial);
    assert!(lab.answers(NAS, RecordType::AAAA).is_empty());

    let session = lab.login(OWNER);
    let nas = lab.host_id(NAS);
    // Malformed input is 422; an all-zero interface id is well formed but would be the
    // prefix's own address: 409.
    for (bad, status) in [(json!({"ipv6InterfaceId": "::"}), 409), (json!({"ipv6InterfaceId": "nope"}), 422), (json!({"ttl": 5}), 422)] {
        let r = lab.api("PATCH", &format!("/api/hostnames/{nas}"), Some(&session), Some(bad.clone()));
        assert_eq!(r.status, status, "{bad}: {}", r.body);
        assert!(r.json()["error"].is_string());
    }
    // Someone else's host cannot be changed, nor its existence probed.
    let other = lab.login("b@example.com");
    let r = lab.api("PATCH", &format!("/api/hostnames/{nas}"), Some(&other), Some(json!({"ipv6InterfaceId": null})));
    assert_eq!(r.status, 404);
    // Null stops following: the next prefix leaves the host where it is.
    let r = lab.api("PATCH", &format!("/api/hostnames/{nas}"), Some(&session), Some(json!({"ipv6InterfaceId": null, "ttl": 120})));
    assert_eq!((r.status, r.json()["hostname"]["ipv6InterfaceId"].clone(), r.json()["hostname"]["ttl"].clone()), (200, json!(null), json!(120)));
    lab.get(&format!("/nic/update?hostname={ROUTER}&ip6lanprefix=2001:db8:3:3::/64"), &[("Authorization", &auth)]);
    assert!(lab.answers(NAS, RecordType::AAAA).is_empty());
    assert_eq!(lab.answers(PRINTER, RecordType::AAAA), vec!["2001:db8:3:3::99"]);
}
