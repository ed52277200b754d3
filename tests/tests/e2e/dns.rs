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

/// The query `query_message` makes, with a DNS COOKIE option (RFC 7873) holding `client`.
fn with_cookie(name: &str, rtype: RecordType, client: [u8; 8]) -> Vec<u8> {
    let mut query = porchlight_tests::query_message(name, rtype, true);
    let rdlen = query.len() - 2;
    query[rdlen..].copy_from_slice(&12u16.to_be_bytes());
    query.extend_from_slice(&[0, 10, 0, 8]);
    query.extend_from_slice(&client);
    query
}

#[test]
fn a_cookie_is_answered_with_a_server_cookie_on_the_fast_path() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", "c.dyn.example.test");
    lab.get("/nic/update?hostname=c.dyn.example.test&myip=192.0.2.44", &[("Authorization", &porchlight_tests::basic("c.dyn.example.test", &token))]);
    let fast_before = fast_answers(&lab);
    let ask_for = |name: &str, rtype: RecordType, client: [u8; 8], source: &str| {
        let socket = std::net::UdpSocket::bind((source, 0)).unwrap();
        socket.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        socket.send_to(&with_cookie(name, rtype, client), lab.dns()).unwrap();
        let mut buf = [0u8; 4096];
        let n = socket.recv(&mut buf).unwrap();
        buf[..n].to_vec()
    };
    let ask = |client: [u8; 8], source: &str| ask_for("c.dyn.example.test", RecordType::A, client, source);
    let client = *b"8bytes!!";
    let answer = ask(client, "127.0.0.1");
    let message = porchlight_tests::hickory_proto::op::Message::from_vec(&answer).unwrap();
    assert_eq!(porchlight_tests::answers(&message, RecordType::A), vec!["192.0.2.44"]);
    // The OPT record ends the answer; its one option is COOKIE: the client's 8 bytes and a
    // 16-byte server cookie of version 1.
    let option = &answer[answer.len() - 28..];
    assert_eq!(&option[..4], &[0, 10, 0, 24]);
    assert_eq!(&option[4..12], &client);
    assert_eq!(option[12], 1, "RFC 9018 version");
    let hash = option[20..28].to_vec();
    // The same client from the same address gets the same hash; another address another.
    assert_eq!(ask(client, "127.0.0.1")[answer.len() - 8..], hash[..]);
    assert_ne!(ask(client, "127.0.0.9")[answer.len() - 8..], hash[..]);
    assert_eq!(fast_answers(&lab), fast_before + 3, "cookies stay on the fast path");

    // dig sends a cookie by default and says the answer's is good.
    if porchlight_tests::have_program("dig") {
        let out = std::process::Command::new("dig").args(["+cookie", "-p", &lab.dns().port().to_string(), "@127.0.0.1", "c.dyn.example.test"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("COOKIE:") && text.contains("(good)") && text.contains("192.0.2.44"), "{text}");
    }

    // The full path answers a cookie too: ANY, and the signed zone's keys.
    let full_before = fast_answers(&lab);
    for (name, rtype) in [("c.dyn.example.test", RecordType::ANY), ("dyn.example.test", RecordType::DNSKEY)] {
        let answer = ask_for(name, rtype, client, "127.0.0.1");
        let message = porchlight_tests::hickory_proto::op::Message::from_vec(&answer).unwrap();
        assert!(!message.answers.is_empty(), "{rtype}: {message:?}");
        let option = &answer[answer.len() - 28..];
        assert_eq!((&option[..4], &option[4..12], option[12]), (&[0u8, 10, 0, 24][..], &client[..], 1), "{rtype}");
    }
    assert_eq!(fast_answers(&lab), full_before, "those came from the full path");
    if porchlight_tests::have_program("dig") {
        let out = std::process::Command::new("dig").args(["+cookie", "-p", &lab.dns().port().to_string(), "@127.0.0.1", "dyn.example.test", "DNSKEY"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("COOKIE:") && text.contains("(good)") && !text.contains("missing expected cookie"), "{text}");
    }
}

fn fast_answers(lab: &Lab) -> u64 {
    let metrics = lab.get("/metrics", &[]).body;
    metrics.lines().find_map(|l| l.strip_prefix("porchlight_dns_responses_by_path_total{path=\"fast\"} ")).unwrap().trim().parse().unwrap()
}

/// RFC 9619: a query carries one question. Two (or a chain of them compressed into each
/// other) get FORMERR with the header alone, over UDP and TCP, so the answer never echoes
/// a question section it cannot write back faithfully.
#[test]
fn a_query_with_two_questions_is_formerr_without_its_questions() {
    use porchlight_tests::hickory_proto::op::{Message, Query};
    use porchlight_tests::hickory_proto::rr::Name;
    use std::io::{Read as _, Write as _};
    let lab = Lab::start();
    let mut message = Message::query();
    message.metadata.id = 0x5151;
    for name in [ZONE, "www.dyn.example.test"] {
        message.add_query(Query::query(Name::from_ascii(name).unwrap(), RecordType::A));
    }
    let query = message.to_vec().unwrap();
    assert_eq!(query[4..6], [0, 2], "two questions");
    let check = |answer: &[u8]| {
        let reply = Message::from_vec(answer).unwrap();
        assert_eq!(reply.metadata.id, 0x5151);
        assert_eq!(reply.metadata.response_code, ResponseCode::FormErr);
        assert!(reply.queries.is_empty() && reply.answers.is_empty(), "{reply:?}");
    };
    let socket = std::net::UdpSocket::bind(("127.0.0.1", 0)).unwrap();
    socket.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    socket.send_to(&query, lab.dns()).unwrap();
    let mut buf = [0u8; 4096];
    let n = socket.recv(&mut buf).unwrap();
    check(&buf[..n]);
    let mut stream = std::net::TcpStream::connect(lab.dns()).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    stream.write_all(&(query.len() as u16).to_be_bytes()).unwrap();
    stream.write_all(&query).unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).unwrap();
    let mut answer = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut answer).unwrap();
    check(&answer);
    // The one-question query still answers.
    assert_eq!(rcode(&porchlight_tests::query_udp(lab.dns(), ZONE, RecordType::SOA)), ResponseCode::NoError);
}
