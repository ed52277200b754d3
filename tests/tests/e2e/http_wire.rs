//! HTTP as old router clients speak it: HTTP/1.0, bare LF line ends, keep-alive, HEAD.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Lab, basic};

const HOST: &str = "home.dyn.example.test";

#[test]
fn http_1_0_with_lf_only_line_ends_as_ddclient_3_9_and_inadyn_send() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let request = format!(
        "GET /nic/update?system=dyndns&hostname={HOST}&myip=203.0.113.90&wildcard=ON&mx=x&backmx=NO HTTP/1.0\nHost: 127.0.0.1\nAuthorization: {}\nUser-Agent: ddclient/3.9.1\nConnection: close\n\n",
        basic(HOST, &token)
    );
    let r = HttpResponse::parse(&lab.raw(request.as_bytes()));
    assert_eq!((r.status, r.body.as_str()), (200, "good 203.0.113.90"));
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.90"]);
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let lab = Lab::start();
    let raw = lab.raw(b"GET /ip HTTP/1.1\r\nHost: x\r\n\r\nGET /myip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
}

#[test]
fn the_last_request_a_connection_may_carry_is_answered_with_connection_close() {
    let lab = Lab::start();
    // 100 requests a connection; the 100th answer says so, and nothing is answered after it.
    let raw = lab.raw("GET /ip HTTP/1.1\r\nHost: x\r\n\r\n".repeat(101).as_bytes());
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 100, "{text}");
    assert_eq!(text.matches("Connection: close").count(), 1, "{text}");
    assert!(text.trim_end().ends_with("127.0.0.1"), "the last answer carries the close: {text}");
}

#[test]
fn head_has_length_but_no_body_and_update_paths_never_redirect() {
    let lab = Lab::start();
    let raw = lab.raw(b"HEAD /ip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let text = String::from_utf8_lossy(&raw).to_string();
    assert!(text.starts_with("HTTP/1.1 200") && text.contains("Content-Length: 9") && text.ends_with("\r\n\r\n"), "{text}");
    for path in ["/nic/update", "/v3/update", "/update", "/api/update", "/api/v1/nic/update"] {
        let status = lab.get(path, &[]).status;
        assert!(!(300..400).contains(&status), "{path} answered {status}");
    }
}

#[test]
fn garbage_gets_400_and_the_server_keeps_serving() {
    let lab = Lab::start();
    // Blank lines before a request are skipped (RFC 9112 §2.2), however many there are.
    let mut padded = vec![b'\n'; 6000];
    padded.extend_from_slice(b"GET /ip HTTP/1.0\r\n\r\n");
    assert_eq!(HttpResponse::parse(&lab.raw(&padded)).body, "127.0.0.1");
    let r = HttpResponse::parse(&lab.raw(b"\x00\x01\x02 garbage\r\n\r\n"));
    assert_eq!(r.status, 400);
    assert_eq!(lab.get("/ip", &[]).status, 200);
    assert_eq!(lab.get("/no/such/path", &[]).status, 404);
}
