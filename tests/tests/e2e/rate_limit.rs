//! DNS response-rate limiting: a flood of queries "from" one client prefix (as spoofed
//! queries would be) gets at most the configured rate of answers, every slip-th of the rest
//! truncated, the others dropped; other prefixes, TCP and exempt networks are not touched.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use porchlight_tests::hickory_proto::op::Message;
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE, answers, query_message, query_tcp_from, query_udp_from};

/// Sends `n` queries from `source` as fast as it can, then collects what came back within a
/// second: (full answers, truncated answers, bytes sent, bytes received).
fn flood(lab: &Lab, source: &str, n: usize) -> (usize, usize, usize, usize) {
    let socket = UdpSocket::bind((source, 0)).unwrap();
    let query = query_message(ZONE, RecordType::SOA, true);
    for _ in 0..n {
        socket.send_to(&query, lab.dns()).unwrap();
    }
    socket.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let (mut full, mut truncated, mut bytes) = (0, 0, 0);
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        let Ok(len) = socket.recv(&mut buf) else { break };
        bytes += len;
        let message = Message::from_vec(&buf[..len]).unwrap();
        if message.metadata.truncation {
            assert!(message.answers.is_empty(), "a slipped answer carries no records");
            truncated += 1;
        } else {
            full += 1;
        }
    }
    (full, truncated, n * query.len(), bytes)
}

#[test]
fn a_flood_from_one_prefix_is_answered_at_the_rate_with_every_second_extra_truncated() {
    let lab = Lab::start_with(|c| {
        c.dns_rate_limit = 10;
        c.dns_rate_limit_slip = 2;
        c.dns_rate_limit_exempt = Vec::new();
    });
    let (full, truncated, sent, received) = flood(&lab, "127.0.0.2", 200);
    // Within one second the prefix gets 10 answers; a second boundary may add 10 more.
    assert!((10..=20).contains(&full), "full answers: {full}");
    assert!((85..=100).contains(&truncated), "every second one of the rest is truncated: {truncated}");
    let amplification = received as f64 / sent as f64;
    println!("rate limit: 200 queries from one /24 -> {full} answers, {truncated} truncated; amplification {amplification:.2} (bytes out / bytes in)");
    assert!(amplification < 1.0, "the flood's reflection is smaller than the flood: {amplification:.2}");

    // Another prefix has its own budget; TCP is never limited.
    assert_eq!(answers(&query_udp_from("127.0.1.1", lab.dns(), ZONE, RecordType::SOA), RecordType::SOA).len(), 1);
    assert_eq!(answers(&query_tcp_from("127.0.0.2", lab.dns(), ZONE, RecordType::SOA), RecordType::SOA).len(), 1);
    let metrics = lab.get("/metrics", &[]).body;
    assert!(metrics.contains("porchlight_dns_rate_limited_total{action=\"slipped\"}"), "{metrics}");
}

#[test]
fn loopback_and_the_lan_are_exempt_by_default() {
    assert_eq!(porchlight::Config::default().dns_rate_limit, 20, "on by default");
    let lab = Lab::start();
    let (full, truncated, _, _) = flood(&lab, "127.0.0.3", 100);
    assert_eq!((full, truncated), (100, 0));
}
