//! The appliance as a hidden primary: a real Knot DNS secondary pulls the zone by AXFR, is
//! told of changes by NOTIFY, follows them by IXFR, and answers an HTTP update's new address.
//! Transfers are refused to everyone the zone does not allow.

use std::process::Command;
use std::time::Instant;

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::knot::{Knot, primary_lab};
use porchlight_tests::{Lab, ZONE, basic, have_program, query_udp};

const HOST: &str = "nas.dyn.example.test";

#[test]
fn knot_secondary_follows_http_updates_by_notify_and_ixfr() {
    if !have_program("knotd") {
        return;
    }
    let (lab, knot_port) = primary_lab();
    let token = lab.host("a@example.com", HOST);
    let update = |ip: &str| {
        let r = lab.get(&format!("/nic/update?hostname={HOST}&myip={ip}"), &[("Authorization", &basic(HOST, &token))]);
        assert_eq!(r.body, format!("good {ip}"));
    };
    update("203.0.113.1");
    let knot = Knot::start(knot_port, lab.dns());
    knot.wait_for(HOST, "203.0.113.1");
    assert!(knot.log().contains("AXFR, incoming"), "first pull is a full transfer:\n{}", knot.log());

    let mut latencies = Vec::new();
    for i in 2..=6 {
        let ip = format!("203.0.113.{i}");
        let start = Instant::now();
        update(&ip);
        knot.wait_for(HOST, &ip);
        latencies.push(start.elapsed());
    }
    let log = knot.log();
    assert!(log.contains("IXFR, incoming"), "changes travel as increments:\n{log}");
    assert!(log.to_ascii_lowercase().contains("notify, incoming"), "the secondary heard of the changes:\n{log}");
    assert!(!log.contains("fallback to AXFR"), "the journal reached every serial:\n{log}");
    latencies.sort();
    println!(
        "secondary sync, HTTP update to Knot's new answer: median {:?}, max {:?} over {} updates",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
        latencies.len()
    );
    // The secondary holds the same serial as the primary.
    let soa = |server| query_udp(server, ZONE, RecordType::SOA).answers.first().map(|r| r.data.to_string());
    assert_eq!(soa(knot.addr), soa(lab.dns()));
}

#[test]
fn transfers_are_refused_unless_allowed_by_address_or_key() {
    if !have_program("dig") {
        return;
    }
    // Nothing is allowed by default.
    let lab = Lab::start();
    lab.host("a@example.com", HOST);
    let dig = |lab: &Lab, extra: &[&str]| {
        let port = lab.dns().port().to_string();
        let mut args = vec!["@127.0.0.1", "-p", port.as_str(), ZONE, "AXFR", "+time=3", "+tries=1"];
        args.extend_from_slice(extra);
        let out = Command::new("dig").args(&args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let out = dig(&lab, &[]);
    assert!(out.contains("Transfer failed") || out.contains("REFUSED"), "{out}");
    drop(lab);

    // Allowed by key only: unsigned is refused, signed gets the zone with a signed answer.
    let lab = Lab::start_with(|c| {
        c.zone[0].allow_transfer.push("key:xfr.example".into());
        c.zone[0].dnssec = Some(false);
    });
    lab.host("a@example.com", HOST);
    let session = lab.admin("root@example.com");
    let r = lab.api("POST", "/api/tsig-keys", Some(&session), Some(serde_json::json!({"name": "xfr.example", "algorithm": "hmac-sha256"})));
    let key = r.json()["key"]["nsupdate"].as_str().unwrap().to_string();
    assert!(dig(&lab, &[]).contains("Transfer failed"), "unsigned");
    let signed = dig(&lab, &["-y", &key]);
    assert!(signed.contains("IN\tSOA") && signed.contains("XFR size: 4 records"), "{signed}");
    assert!(!signed.contains("tsig verify failure") && !signed.contains("Transfer failed"), "{signed}");
    // AXFR is a TCP affair.
    let udp = porchlight_tests::query_udp(lab.dns(), ZONE, RecordType::AXFR);
    assert_ne!(udp.metadata.response_code, ResponseCode::NoError);
}
