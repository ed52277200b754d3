//! The authoritative DNS answers: NXDOMAIN versus NODATA with the SOA, REFUSED outside the
//! zones, EDNS(0), case-insensitive names, UDP and TCP.

use porchlight_tests::hickory_proto::op::ResponseCode;
use porchlight_tests::hickory_proto::rr::{RData, RecordType};
use porchlight_tests::{Lab, ZONE, basic, rcode};

#[test]
fn negative_answers_carry_the_soa_and_outside_names_are_refused() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", "h.dyn.example.test");
    lab.get("/nic/update?myip=192.0.2.10", &[("Authorization", &basic("h.dyn.example.test", &token))]);

    let nx = lab.query("missing.dyn.example.test", RecordType::A);
    assert_eq!(rcode(&nx), ResponseCode::NXDomain);
    assert!(nx.metadata.authoritative);
    assert!(matches!(nx.authorities.first().map(|r| &r.data), Some(RData::SOA(_))));

    let nodata = lab.query("h.dyn.example.test", RecordType::MX);
    assert_eq!(rcode(&nodata), ResponseCode::NoError);
    assert!(nodata.answers.is_empty());
    assert!(matches!(nodata.authorities.first().map(|r| &r.data), Some(RData::SOA(_))));

    let refused = lab.query("www.example.org", RecordType::A);
    assert_eq!(rcode(&refused), ResponseCode::Refused);
    assert!(!refused.metadata.recursion_available);
}

#[test]
fn apex_serves_soa_and_ns_and_edns_is_answered() {
    let lab = Lab::start();
    let response = lab.query(ZONE, RecordType::NS);
    assert_eq!(porchlight_tests::answers(&response, RecordType::NS), vec!["ns1.dyn.example.test."]);
    assert!(response.edns.is_some(), "an EDNS query gets an OPT record back");
    assert!(lab.serial() > 0);
}

#[test]
fn names_are_case_insensitive_over_udp_and_tcp() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", "mixed.dyn.example.test");
    lab.get("/nic/update?myip=192.0.2.11", &[("Authorization", &basic("mixed.dyn.example.test", &token))]);
    assert_eq!(lab.answers("MiXeD.DYN.example.TEST", RecordType::A), vec!["192.0.2.11"]);
    assert_eq!(lab.answers_tcp("MIXED.dyn.EXAMPLE.test", RecordType::A), vec!["192.0.2.11"]);
    // The answer's owner name is spelled as the question spelled it.
    let response = lab.query("MiXeD.DYN.example.TEST", RecordType::A);
    assert_eq!(response.answers[0].name.to_string(), "MiXeD.DYN.example.TEST.");
}

#[test]
fn a_change_written_by_another_process_is_served_without_restart() {
    let lab = Lab::start();
    let zone_id: String = lab.db().query_row("SELECT id FROM zones WHERE name = ?1", [ZONE], |r| r.get(0)).unwrap();
    assert_eq!(zone_id, "00000000-0000-0000-0000-000000000001", "the first built-in zone has the documented id");
    lab.db()
        .execute(
            "INSERT INTO records (id, zone_id, name, type, content, ttl, created_at, updated_at)
             VALUES ('r1', ?1, 'outside.dyn.example.test', 'A', '192.0.2.99', 60, 0, 0)",
            [&zone_id],
        )
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while lab.answers("outside.dyn.example.test", RecordType::A).is_empty() {
        assert!(std::time::Instant::now() < deadline, "the outside change was never picked up");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(lab.answers("outside.dyn.example.test", RecordType::A), vec!["192.0.2.99"]);
}

#[test]
fn metrics_count_updates_by_result_and_dns_answers_by_rcode() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", "m.dyn.example.test");
    let auth = basic("m.dyn.example.test", &token);
    lab.get("/nic/update?myip=192.0.2.1", &[("Authorization", &auth)]);
    lab.get("/nic/update?myip=192.0.2.1", &[("Authorization", &auth)]);
    lab.get("/nic/update?myip=192.0.2.1", &[("Authorization", &basic("m.dyn.example.test", "pth_wrongwrongwrong"))]);
    lab.query("m.dyn.example.test", RecordType::A);
    lab.query("missing.dyn.example.test", RecordType::A);
    lab.query("missing2.dyn.example.test", RecordType::A);
    lab.query("example.org", RecordType::A);

    let r = lab.get("/metrics", &[]);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let value = |line: &str| -> u64 {
        r.body.lines().find(|l| l.starts_with(line)).and_then(|l| l.rsplit(' ').next()?.parse().ok()).unwrap_or_else(|| panic!("{line} missing:\n{}", r.body))
    };
    assert_eq!(value("porchlight_updates_total{dialect=\"dyndns2\",result=\"good\"}"), 1);
    assert_eq!(value("porchlight_updates_total{dialect=\"dyndns2\",result=\"nochg\"}"), 1);
    assert_eq!(value("porchlight_updates_total{dialect=\"dyndns2\",result=\"badauth\"}"), 1);
    assert_eq!(value("porchlight_dns_responses_total{rcode=\"NXDOMAIN\"}"), 2);
    assert_eq!(value("porchlight_dns_responses_total{rcode=\"REFUSED\"}"), 1);
    assert!(value("porchlight_dns_responses_total{rcode=\"NOERROR\"}") >= 1);
    assert_eq!(value("porchlight_hostnames"), 1);
    assert_eq!(u64::from(lab.serial()), value("porchlight_zone_serial{zone=\"dyn.example.test\"}"));
}

#[test]
fn in_zone_nameservers_have_addresses_and_cannot_be_taken_as_hostnames() {
    let lab = Lab::start();
    assert_eq!(lab.answers("ns1.dyn.example.test", RecordType::A), vec!["127.0.0.1"]);
    let session = lab.login("a@example.com");
    let r = lab.api(
        "POST",
        "/api/hostnames",
        Some(&session),
        Some(serde_json::json!({"domainId": "00000000-0000-0000-0000-000000000001", "name": "ns1"})),
    );
    assert_eq!(r.status, 409, "{}", r.body);
}
