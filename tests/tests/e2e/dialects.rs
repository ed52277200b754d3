//! Every update endpoint changes a host, and DNS over UDP and TCP answers the new address
//! with a higher serial at once.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, basic};

const HOST: &str = "home.dyn.example.test";

/// Asserts DNS (UDP and TCP) serves `v4` for HOST and that the serial rose past `before`.
fn assert_served(lab: &Lab, v4: &str, before: u32) {
    assert_eq!(lab.answers(HOST, RecordType::A), vec![v4.to_string()], "UDP");
    assert_eq!(lab.answers_tcp(HOST, RecordType::A), vec![v4.to_string()], "TCP");
    assert!(lab.serial() > before, "serial must rise with every change");
}

#[test]
fn dyndns2_paths_update_v4_and_v6_independently() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let auth = basic(HOST, &token);
    for (i, path) in ["/nic/update", "/v2/update", "/v3/update", "/update.php", "/update"].iter().enumerate() {
        let ip = format!("203.0.113.{}", i + 10);
        let before = lab.serial();
        let r = lab.get(&format!("{path}?hostname={HOST}&myip={ip}"), &[("Authorization", &auth)]);
        assert_eq!((r.status, r.body.as_str()), (200, format!("good {ip}").as_str()), "{path}");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_served(&lab, &ip, before);
    }
    // v6 alone leaves v4 as it is; the address text is echoed exactly as sent.
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myipv6=2001:DB8::7"), &[("Authorization", &auth)]);
    assert_eq!(r.body, "good 2001:DB8::7");
    assert_eq!(lab.answers(HOST, RecordType::AAAA), vec!["2001:db8::7"]);
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.14"]);
    // FritzBox's single-stack comma list with an empty element.
    let r = lab.get(&format!("/nic/update?hostname={HOST}&myip=198.51.100.1,"), &[("Authorization", &auth)]);
    assert_eq!(r.body, "good 198.51.100.1");
    assert_eq!(lab.answers(HOST, RecordType::AAAA), vec!["2001:db8::7"]);
}

#[test]
fn nochg_writes_nothing_and_keeps_the_serial() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let auth = basic("token", &token);
    let url = format!("/nic/update?hostname={HOST}&myip=203.0.113.7");
    assert_eq!(lab.get(&url, &[("Authorization", &auth)]).body, "good 203.0.113.7");
    let serial = lab.serial();
    let history = lab.count("SELECT count(*) FROM host_history");
    // data_version changes whenever another connection commits anything.
    let watcher = lab.db();
    let version = |c: &rusqlite::Connection| -> i64 { c.query_row("PRAGMA data_version", [], |r| r.get(0)).unwrap() };
    let before = version(&watcher);
    // Forced refreshes (ddclient, ddns-scripts) must never trip the rate limit either.
    for _ in 0..30 {
        assert_eq!(lab.get(&url, &[("Authorization", &auth)]).body, "nochg 203.0.113.7");
    }
    assert_eq!(lab.serial(), serial);
    assert_eq!(lab.count("SELECT count(*) FROM host_history"), history);
    assert_eq!(version(&watcher), before, "a nochg must not write to the database");
}

#[test]
fn history_records_old_new_source_agent_and_dialect() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let auth = basic(HOST, &token);
    lab.get("/nic/update?myip=192.0.2.1", &[("Authorization", &auth), ("User-Agent", "test-agent/1")]);
    lab.get("/nic/update?myip=192.0.2.2", &[("Authorization", &auth)]);
    let row: (Option<String>, String, String, String, String) = lab
        .db()
        .query_row("SELECT old, new, source, user_agent, dialect FROM host_history ORDER BY id LIMIT 1 OFFSET 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, Option<String>>(3)?.unwrap_or_default(), r.get(4)?))
        })
        .unwrap();
    assert_eq!(row.0.as_deref(), Some("192.0.2.1"));
    assert_eq!((row.1.as_str(), row.2.as_str(), row.4.as_str()), ("192.0.2.2", "127.0.0.1", "dyndns2"));
    let first_agent: String = lab.db().query_row("SELECT user_agent FROM host_history ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(first_agent, "test-agent/1");
}

#[test]
fn no_address_means_the_connections_address() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let r = lab.get(&format!("/nic/update?hostname={HOST}"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!(r.body, "good 127.0.0.1");
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["127.0.0.1"]);
}

#[test]
fn forwarded_for_counts_only_from_trusted_proxies() {
    let lab = Lab::start_with(|c| c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()]);
    let token = lab.host("a@example.com", HOST);
    let r = lab.get("/nic/update", &[("Authorization", &basic(HOST, &token)), ("X-Forwarded-For", "203.0.113.200")]);
    assert_eq!(r.body, "good 203.0.113.200");
    assert_eq!(lab.get("/ip", &[("X-Forwarded-For", "203.0.113.201")]).body, "203.0.113.201");
    let untrusted = Lab::start();
    assert_eq!(untrusted.get("/ip", &[("X-Forwarded-For", "203.0.113.201")]).body, "127.0.0.1");
}

#[test]
fn kyedns_endpoints() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let before = lab.serial();
    let r = lab.get(&format!("/api/v1/nic/update?hostname={HOST}&myip=203.0.113.50"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!(r.body, "good 203.0.113.50");
    assert_served(&lab, "203.0.113.50", before);
    for (path, ip) in [("/api/v1/update", "203.0.113.51"), ("/api/v1/domain_update", "203.0.113.52")] {
        let before = lab.serial();
        let r = lab.get(&format!("{path}?hostname={HOST}&token={token}&myip={ip}"), &[]);
        assert_eq!(r.body, format!("good {ip}"), "{path}");
        assert_served(&lab, ip, before);
    }
    // IPv6 through myip keeps the IPv4 address (dual-stack, independent families).
    let r = lab.get(&format!("/api/v1/nic/update?hostname={HOST}&myip=2001:db8::50"), &[("Authorization", &basic(HOST, &token))]);
    assert_eq!(r.body, "good 2001:db8::50");
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.52"]);
}

#[test]
fn ipdock_update_get_post_and_errors() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let bearer = format!("Bearer {token}");
    let before = lab.serial();
    let r = lab.get("/api/update?ip=203.0.113.60", &[("Authorization", &bearer)]);
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"status": "good", "ip": "203.0.113.60", "previous": null}));
    assert_eq!((r.header("x-ratelimit-limit"), r.header("x-ratelimit-remaining")), (Some("120"), Some("119")));
    assert_served(&lab, "203.0.113.60", before);

    let before = lab.serial();
    let r = lab.request("POST", "/api/v1/update", &[("Authorization", &bearer), ("Content-Type", "application/json")], br#"{"ip": "203.0.113.61"}"#);
    assert_eq!(r.json(), serde_json::json!({"status": "good", "ip": "203.0.113.61", "previous": "203.0.113.60"}));
    assert_served(&lab, "203.0.113.61", before);

    let r = lab.get(&format!("/api/update?token={token}&ip=203.0.113.61"), &[]);
    assert_eq!(r.json(), serde_json::json!({"status": "nochg", "ip": "203.0.113.61"}));
    // Auto-detect: no ip at all.
    let r = lab.get("/api/update", &[("Authorization", &bearer)]);
    assert_eq!(r.json()["ip"], "127.0.0.1");

    let r = lab.get("/api/update?ip=1.2.3.4", &[("Authorization", "Bearer pth_wrongwrongwrongwrong")]);
    assert_eq!((r.status, r.json()), (401, serde_json::json!({"error": "Invalid API token"})));
    let r = lab.get("/api/update?ip=1.2.3.4.5", &[("Authorization", &bearer)]);
    assert_eq!(r.status, 422);
    assert!(r.json()["error"].as_str().unwrap().contains("1.2.3.4.5"));
    let r = lab.request("POST", "/api/update", &[("Authorization", &bearer)], b"{not json");
    assert_eq!(r.status, 400);
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["127.0.0.1"], "errors changed nothing");
}

#[test]
fn duckdns_addresses_txt_clear_and_verbose() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let before = lab.serial();
    // DuckDNS clients send only the first label.
    let r = lab.get(&format!("/update?domains=home&token={token}&ip=203.0.113.70"), &[]);
    assert_eq!(r.body, "OK");
    assert_served(&lab, "203.0.113.70", before);
    let r = lab.get(&format!("/update?domains={HOST}&token={token}&ip=203.0.113.70&ipv6=2001:db8::70&verbose=true"), &[]);
    assert_eq!(r.body, "OK\n203.0.113.70\n2001:db8::70\nUPDATED");
    let r = lab.get(&format!("/update?domains=home&token={token}&ip=203.0.113.70&verbose=true"), &[]);
    assert_eq!(r.body, "OK\n203.0.113.70\n2001:db8::70\nNOCHANGE");

    // ACME DNS-01 as acme.sh and lego do it: set, then clear.
    let before = lab.serial();
    let r = lab.get(&format!("/update?domains=home&token={token}&txt=challenge-value-1"), &[]);
    assert_eq!(r.body, "OK");
    assert!(lab.serial() > before);
    assert_eq!(lab.answers(HOST, RecordType::TXT), vec!["challenge-value-1"]);
    assert_eq!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT), vec!["challenge-value-1"]);
    assert_eq!(lab.answers_tcp(&format!("_acme-challenge.{HOST}"), RecordType::TXT), vec!["challenge-value-1"]);
    let r = lab.get(&format!("/update?domains=home&token={token}&txt=&clear=true"), &[]);
    assert_eq!(r.body, "OK");
    assert!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT).is_empty());

    // clear=true without txt removes the addresses; the path form works too.
    assert_eq!(lab.get(&format!("/update?domains=home&token={token}&clear=true"), &[]).body, "OK");
    assert!(lab.answers(HOST, RecordType::A).is_empty());
    assert_eq!(lab.get(&format!("/update/home/{token}/203.0.113.71"), &[]).body, "OK");
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.71"]);

    assert_eq!(lab.get("/update?domains=home&token=pth_nottherightoneatall&ip=1.1.1.1", &[]).body, "KO");
    assert_eq!(lab.get(&format!("/update?domains=elsewhere&token={token}&ip=1.1.1.1"), &[]).body, "KO");
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.71"]);

    // An account API key: addresses need `update`, the ACME value `write:records`.
    let session = lab.login("a@example.com");
    let (updates, records) = (lab.api_key(&session, &["update"]), lab.api_key(&session, &["write:records"]));
    let serial = lab.serial();
    assert_eq!(lab.get(&format!("/update?domains=home&token={updates}&txt=nope"), &[]).body, "KO");
    assert_eq!(lab.get(&format!("/update?domains=home&token={records}&ip=192.0.2.99"), &[]).body, "KO");
    assert_eq!(lab.serial(), serial, "refusals change nothing");
    assert_eq!(lab.get(&format!("/update?domains=home&token={updates}&ip=203.0.113.72"), &[]).body, "OK");
    assert_eq!(lab.get(&format!("/update?domains=home&token={records}&txt=from-a-key"), &[]).body, "OK");
    assert_eq!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT), vec!["from-a-key"]);
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.72"]);
}

#[test]
fn checkip_endpoints() {
    let lab = Lab::start();
    assert_eq!(lab.get("/ip", &[]).body, "127.0.0.1");
    assert_eq!(lab.get("/myip", &[]).body, "127.0.0.1");
    assert!(lab.get("/nic/checkip.html", &[]).body.contains("Current IP Address: 127.0.0.1"));
}

#[test]
fn several_hosts_answer_one_line_each_in_request_order() {
    let lab = Lab::start();
    let token_a = lab.host("a@example.com", "a.dyn.example.test");
    let _token_b = lab.host("b@example.com", "b.dyn.example.test");
    // An account-wide token would reach both of a's hosts; a hostname token reaches one.
    let r = lab.get(
        "/nic/update?hostname=a.dyn.example.test,b.dyn.example.test,bad_name!,nohost.dyn.example.test,a.dyn.example.test&myip=192.0.2.44",
        &[("Authorization", &basic("token", &token_a))],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "good 192.0.2.44\nnohost\nnotfqdn\nnohost\nnochg 192.0.2.44");
    assert!(lab.answers("b.dyn.example.test", RecordType::A).is_empty(), "another user's host is untouched");
}

#[test]
fn dyndns2_wildcard_on_off_and_nochg() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let update = |query: &str| lab.get(&format!("/nic/update?hostname={HOST}&{query}"), &[("Authorization", &basic(HOST, &token))]).body;
    let under = format!("anything.{HOST}");
    assert_eq!(update("myip=203.0.113.30&wildcard=ON"), "good 203.0.113.30");
    assert_eq!(lab.answers(&under, RecordType::A), vec!["203.0.113.30"], "*.host follows the host");
    // The wildcard follows address changes without being named again.
    assert_eq!(update("myip=203.0.113.31&wildcard=NOCHG"), "good 203.0.113.31");
    assert_eq!(lab.answers(&under, RecordType::A), vec!["203.0.113.31"]);
    assert_eq!(update("myip=203.0.113.31&wildcard=ON"), "nochg 203.0.113.31", "already on: nothing to write");
    assert_eq!(update("myip=203.0.113.31&wildcard=OFF"), "good 203.0.113.31");
    assert!(lab.answers(&under, RecordType::A).is_empty());
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["203.0.113.31"]);
}

/// The status line of a raw answer.
fn status_line(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).lines().next().unwrap_or_default().to_string()
}

#[test]
fn ipdock_update_challenges_for_basic_and_answers_every_error_as_json_with_its_budget() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    // No credentials: a Basic challenge, which wget and uclient-fetch wait for before sending
    // "Username: token, Password: pth_…" (the document's Method 3).
    let r = lab.get("/api/update?ip=203.0.113.90", &[]);
    assert_eq!(r.status, 401);
    let challenges: Vec<&str> = r.headers.iter().filter(|(k, _)| k == "www-authenticate").map(|(_, v)| v.as_str()).collect();
    assert!(challenges.first().is_some_and(|c| c.starts_with("Basic ")), "{challenges:?}");
    assert_eq!(r.json(), serde_json::json!({"error": "Unauthorized"}));
    let r = lab.get("/api/update?ip=203.0.113.90", &[("Authorization", &basic("token", &token))]);
    assert_eq!(r.json()["status"], "good", "{}", r.body);
    // X-RateLimit-* come with every answer (the document: "included in all responses").
    for (path, auth, status) in [
        ("/api/update", "Bearer pth_wrongwrongwrongwrong", 401),
        ("/api/update?ip=1.2.3.4.5", &*format!("Bearer {token}"), 422),
    ] {
        let r = lab.get(path, &[("Authorization", auth)]);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        for header in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] {
            assert!(r.header(header).is_some(), "{header} missing on {status}");
        }
    }
    let body = r#"{"ip": 5}"#;
    let r = lab.request("POST", "/api/update", &[("Authorization", &format!("Bearer {token}")), ("Content-Type", "application/json")], body.as_bytes());
    assert_eq!(r.status, 422, "a wrong type is a validation error: {}", r.body);
}

#[test]
fn ipdock_limit_answers_429_as_json_with_retry_after_and_its_budget() {
    let lab = Lab::start_with(|c| c.rate_limit.updates_per_minute = 2);
    let token = lab.host("a@example.com", HOST);
    let bearer = format!("Bearer {token}");
    for _ in 0..2 {
        assert_eq!(lab.get("/api/update?ip=203.0.113.91", &[("Authorization", &bearer)]).status, 200);
    }
    let r = lab.get("/api/update?ip=203.0.113.91", &[("Authorization", &bearer)]);
    assert_eq!((r.status, r.json()), (429, serde_json::json!({"error": "Too many requests"})));
    assert!(r.header("retry-after").is_some());
    assert_eq!((r.header("x-ratelimit-limit"), r.header("x-ratelimit-remaining")), (Some("2"), Some("0")));
}

#[test]
fn unknown_paths_wrong_methods_and_big_bodies_answer_in_the_apis_own_shape() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    // The native API: "All errors return JSON with an error field".
    let r = lab.api("GET", "/api/no-such-thing", Some(&session), None);
    assert_eq!((r.status, r.json()["error"].is_string()), (404, true), "{}", r.body);
    let r = lab.api("PUT", "/api/hostnames", Some(&session), None);
    assert_eq!((r.status, r.json()["error"].is_string()), (405, true), "{}", r.body);
    assert_eq!(r.header("allow"), Some("GET, POST, HEAD"));
    let r = lab.request("TRACE", "/api/tokens", &[], b"");
    assert_eq!(r.status, 405);
    let big = vec![b'x'; porchlight::http::MAX_BODY + 1];
    let r = lab.request("POST", "/api/hostnames", &[("Content-Type", "application/json")], &big);
    assert_eq!((r.status, r.json()["error"].is_string()), (413, true), "{}", r.body);
    // Other services' paths answer in their own shape.
    let r = lab.get("/api/v1/dns_records/x/y", &[]);
    assert_eq!((r.status, r.json()["errors"].is_array()), (404, true), "{}", r.body);
    let r = lab.request("PUT", "/api/v2/domains", &[], b"");
    assert_eq!((r.status, r.header("content-type")), (405, Some("application/problem+json")), "{}", r.body);
    let r = lab.request("PUT", "/nic/update", &[], b"");
    assert_eq!(r.status, 405);
    // A body too large for the path the method and query pick: acme-dns's POST /update, not
    // DuckDNS's GET /update.
    let r = lab.request("POST", "/update", &[("Content-Type", "application/json")], &big);
    assert_eq!((r.status, r.json()["error"].as_str()), (413, Some("payload_too_large")), "{}", r.body);
    // A chunked body is refused as the path's API refuses anything.
    let raw = lab.raw(b"POST /api/hostnames HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 411 Length Required") && text.contains(r#"{"error":"#), "{text}");
    // The native API's budget comes with every answer, these among them.
    let answers = [
        lab.api("GET", "/api/no-such-thing", Some(&session), None),
        lab.api("PUT", "/api/hostnames", Some(&session), None),
        lab.request("POST", "/api/hostnames", &[("Content-Type", "application/json")], &big),
    ];
    for r in answers {
        assert!(r.header("x-ratelimit-limit").is_some() && r.header("x-ratelimit-remaining").is_some(), "{} {:?}", r.status, r.headers);
    }
}

#[test]
fn status_lines_carry_the_standard_reason_phrases() {
    let lab = Lab::start();
    let session = lab.login("a@example.com");
    assert_eq!(lab.api("POST", "/api/hostnames", Some(&session), Some(serde_json::json!({"domainId": "00000000-0000-0000-0000-000000000001", "name": "h"}))).status, 201);
    let body = r#"{"domainId": "00000000-0000-0000-0000-000000000001", "name": "h"}"#;
    let request = format!(
        "POST /api/hostnames HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {session}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(status_line(&lab.raw(request.as_bytes())), "HTTP/1.1 409 Conflict");
    let key = lab.api("POST", "/api/tokens", Some(&session), Some(serde_json::json!({"label": "v64", "scopes": ["write:domains"]}))).json()["token"]["tokenValue"].as_str().unwrap().to_string();
    let form = "del_domain=h.dyn.example.test";
    let request = format!(
        "DELETE /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    assert_eq!(status_line(&lab.raw(request.as_bytes())), "HTTP/1.1 202 Accepted");
}

#[test]
fn kyedns_alternative_endpoint_takes_post_and_the_address_sent() {
    let lab = Lab::start();
    let token = lab.host("a@example.com", HOST);
    let before = lab.serial();
    let r = lab.request("POST", &format!("/api/v1/update?hostname={HOST}&token={token}&myip=1.2.3.10"), &[], b"");
    assert_eq!((r.status, r.body.as_str()), (200, "good 1.2.3.10"));
    assert_served(&lab, "1.2.3.10", before);
}
