//! Bad input gets its documented answer in the dialect's own format and changes nothing,
//! neither in DNS nor in the database.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, basic};

const HOST: &str = "home.dyn.example.test";

/// Everything an update could have changed.
#[derive(Debug, PartialEq)]
struct State {
    a: Vec<String>,
    aaaa: Vec<String>,
    serial: u32,
    records: i64,
    history: i64,
}

fn state(lab: &Lab) -> State {
    State {
        a: lab.answers(HOST, RecordType::A),
        aaaa: lab.answers(HOST, RecordType::AAAA),
        serial: lab.serial(),
        records: lab.count("SELECT count(*) FROM records"),
        history: lab.count("SELECT count(*) FROM host_history"),
    }
}

fn lab_with_host() -> (Lab, String) {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let r = lab.get("/nic/update?myip=192.0.2.1", &[("Authorization", &basic(HOST, &token))]);
    assert_eq!(r.body, "good 192.0.2.1");
    (lab, token)
}

#[test]
fn malformed_addresses_are_refused_per_dialect() {
    let (lab, token) = lab_with_host();
    let before = state(&lab);
    let auth = basic(HOST, &token);
    for bad in ["300.1.2.3", "1.2.3", "abc", "2001:db8::g", "192.0.2.1,nonsense"] {
        let r = lab.get(&format!("/nic/update?hostname={HOST}&myip={bad}"), &[("Authorization", &auth)]);
        assert_eq!((r.status, r.body.as_str()), (200, "badip"), "{bad}");
    }
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myipv6=192.0.2.9"), &[("Authorization", &auth)]);
    assert_eq!(r.body, "badip", "an IPv4 address where IPv6 is required");
    let r = lab.get("/api/update?ip=999.0.0.1", &[("Authorization", &format!("Bearer {token}"))]);
    assert_eq!(r.status, 422);
    assert_eq!(lab.get(&format!("/update?domains=home&token={token}&ip=nope"), &[]).body, "KO");
    assert_eq!(state(&lab), before);
}

#[test]
fn unknown_hosts_wrong_tokens_and_other_users_hosts() {
    let (lab, token) = lab_with_host();
    let other = lab.host("b@example.com", "other.dyn.example.test");
    let before = state(&lab);
    let auth = basic(HOST, &token);
    let r = lab.get("/nic/update?hostname=unknown.dyn.example.test&myip=192.0.2.2", &[("Authorization", &auth)]);
    assert_eq!((r.status, r.body.as_str()), (200, "nohost"));
    let r = lab.get("/nic/update?hostname=outside.example.org&myip=192.0.2.2", &[("Authorization", &auth)]);
    assert_eq!(r.body, "nohost");
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=192.0.2.2"), &[("Authorization", &basic(HOST, "pth_thisisnotavalidtokenatall"))]);
    assert_eq!((r.status, r.body.as_str()), (401, "badauth"));
    // Another user's valid token cannot touch this host.
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=192.0.2.2"), &[("Authorization", &basic(HOST, &other))]);
    assert_eq!((r.status, r.body.as_str()), (200, "nohost"));
    assert_eq!(state(&lab), before);
    assert!(lab.answers("other.dyn.example.test", RecordType::A).is_empty());
}

#[test]
fn a_hostname_token_reaches_only_its_hostname() {
    let lab = Lab::start();
    let token_a = lab.host("a@example.com", "a.dyn.example.test");
    lab.host("a@example.com", "b.dyn.example.test");
    let r = lab.get("/nic/update?hostname=b.dyn.example.test&myip=192.0.2.3", &[("Authorization", &basic("token", &token_a))]);
    assert_eq!(r.body, "nohost", "same account, but the token was made for a.");
    assert!(lab.answers("b.dyn.example.test", RecordType::A).is_empty());
}

#[test]
fn twenty_one_hostnames_is_numhost() {
    let (lab, token) = lab_with_host();
    let before = state(&lab);
    let hosts = vec![HOST; 21].join(",");
    let r = lab.get(&format!("/nic/update?hostname={hosts}&myip=192.0.2.4"), &[("Authorization", &basic("token", &token))]);
    assert_eq!(r.body, "numhost");
    assert_eq!(state(&lab), before);
    let twenty = vec![HOST; 20].join(",");
    let r = lab.get(&format!("/nic/update?hostname={twenty}&myip=192.0.2.4"), &[("Authorization", &basic("token", &token))]);
    assert_eq!(r.body.lines().count(), 20, "twenty is allowed");
}

#[test]
fn missing_credentials_get_a_basic_challenge() {
    let (lab, _) = lab_with_host();
    let before = state(&lab);
    for path in ["/nic/update?hostname=home.dyn.example.test&myip=192.0.2.5", "/api/v1/nic/update?hostname=home.dyn.example.test"] {
        let r = lab.get(path, &[]);
        assert_eq!((r.status, r.body.as_str()), (401, "badauth"), "{path}");
        assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Basic")), "{path}");
    }
    let r = lab.get("/update?domains=home&ip=192.0.2.5", &[]);
    assert_eq!((r.status, r.body.as_str()), (401, "KO"));
    let r = lab.get("/api/update?ip=192.0.2.5", &[]);
    assert_eq!((r.status, r.json()["error"].as_str()), (401, Some("Unauthorized")));
    assert_eq!(state(&lab), before);
}

#[test]
fn oversized_requests_are_refused() {
    let (lab, token) = lab_with_host();
    let before = state(&lab);
    let big = vec![b'x'; porchlight::http::MAX_BODY + 1];
    let r = lab.request("POST", "/api/update", &[("Authorization", &format!("Bearer {token}"))], &big);
    assert_eq!(r.status, 413);
    let long_header = "a".repeat(porchlight::http::MAX_HEAD);
    let r = lab.get("/nic/update?myip=192.0.2.6", &[("Authorization", &basic(HOST, &token)), ("X-Long", &long_header)]);
    assert_eq!(r.status, 431);
    let many: Vec<(String, String)> = (0..porchlight::http::MAX_HEADERS).map(|i| (format!("X-H{i}"), "v".to_string())).collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = lab.get("/nic/update?myip=192.0.2.6", &refs);
    assert_eq!(r.status, 431);
    let r = HttpResponseRaw::send(&lab, b"POST /api/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    assert_eq!(r.status, 411);
    assert_eq!(state(&lab), before);
}

struct HttpResponseRaw;
impl HttpResponseRaw {
    fn send(lab: &Lab, bytes: &[u8]) -> porchlight_tests::HttpResponse {
        porchlight_tests::HttpResponse::parse(&lab.raw(bytes))
    }
}

#[test]
fn wrong_credentials_are_rate_limited_per_address() {
    let lab = Lab::start_with(|c| c.rate_limit.failed_auth_per_minute = 3);
    let token = lab.host("a@example.com", HOST);
    for _ in 0..3 {
        assert_eq!(lab.get("/nic/update?myip=192.0.2.7", &[("Authorization", &basic(HOST, "pth_guessguessguessguess"))]).status, 401);
    }
    // Now even the right token is refused from this address: guessing gains nothing.
    let r = lab.get("/nic/update?myip=192.0.2.7", &[("Authorization", &basic(HOST, &token))]);
    assert_eq!((r.status, r.body.as_str()), (429, "toomanyrequests"));
    let retry: u64 = r.header("retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=60).contains(&retry));
    assert!(lab.answers(HOST, RecordType::A).is_empty());
}

#[test]
fn per_token_rate_limit_answers_429_with_retry_after() {
    let lab = Lab::start_with(|c| c.rate_limit.updates_per_minute = 4);
    let token = lab.host("a@example.com", HOST);
    let auth = basic(HOST, &token);
    // A dual-stack pair plus two refreshes fit, and each answer says what is left.
    for (query, left) in [("myip=192.0.2.8", "3"), ("myipv6=2001:db8::8", "2"), ("myip=192.0.2.8", "1"), ("myipv6=2001:db8::8", "0")] {
        let r = lab.get(&format!("/nic/update?{query}"), &[("Authorization", &auth)]);
        assert_eq!((r.status, r.header("x-ratelimit-remaining")), (200, Some(left)));
    }
    let r = lab.get("/nic/update?myip=192.0.2.9", &[("Authorization", &auth)]);
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    let r = lab.get("/api/update?ip=192.0.2.9", &[("Authorization", &format!("Bearer {token}"))]);
    assert_eq!((r.status, r.json()["error"].as_str()), (429, Some("Too many requests")));
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["192.0.2.8"]);
}
