//! Seed 002, the KyedNS API document, replayed example by example: DynDNS2 at
//! `/api/v1/nic/update` with Basic auth (user = hostname, password = token), the curl,
//! ddclient and PowerShell examples, `/ip`, the alternative endpoints, dual-stack, and the
//! text answers of its response-code table — base URL swapped for the test appliance,
//! `myserver.dyndns.dk` for a host in the lab's zone, `YOUR_TOKEN` for its real token.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::shape::{Replay, assert_media_type};
use porchlight_tests::{HttpResponse, Lab, basic};

/// Examples enumerated from the document (see the `replay.example` calls).
const EXAMPLES: usize = 15;

const HOST: &str = "myserver.dyn.example.test";

/// A text answer: status, `text/plain`, and the exact line.
fn check(r: &HttpResponse, status: u16, body: &str, context: &str) {
    assert_eq!((r.status, r.body.as_str()), (status, body), "{context}");
    assert_media_type(r, "text/plain", context);
}

fn a(lab: &Lab) -> Vec<String> {
    lab.answers(HOST, RecordType::A)
}

fn aaaa(lab: &Lab) -> Vec<String> {
    lab.answers(HOST, RecordType::AAAA)
}

#[test]
fn seed_kyedns_every_example() {
    let lab = Lab::start();
    let token = lab.host("owner@example.com", HOST);
    let auth = basic(HOST, &token);
    let update = |query: &str, authorization: &str| lab.get(&format!("/api/v1/nic/update?{query}"), &[("Authorization", authorization)]);
    let replay = Replay::new("kyedns");

    replay.section("updates", || {
        replay.example("GET /api/v1/nic/update?hostname=HOSTNAME&myip=IP_ADDRESS");
        check(&update(&format!("hostname={HOST}&myip=203.0.113.1"), &auth), 200, "good 203.0.113.1", "hostname and myip");
        assert_eq!(a(&lab), vec!["203.0.113.1"]);

        replay.example("curl: update with auto-detected IP");
        check(&update(&format!("hostname={HOST}"), &auth), 200, "good 127.0.0.1", "auto-detected");
        assert_eq!(a(&lab), vec!["127.0.0.1"]);

        replay.example("curl: update with specific IP");
        check(&update(&format!("hostname={HOST}&myip=203.0.113.50"), &auth), 200, "good 203.0.113.50", "specific IP");
        assert_eq!(a(&lab), vec!["203.0.113.50"]);

        replay.example("response nochg 1.2.3.4");
        check(&update(&format!("hostname={HOST}&myip=203.0.113.50"), &auth), 200, "nochg 203.0.113.50", "the same address again");

        replay.example("curl: update IPv6");
        check(&update(&format!("hostname={HOST}&myip=2001:db8::1"), &auth), 200, "good 2001:db8::1", "IPv6");
        assert_eq!(aaaa(&lab), vec!["2001:db8::1"]);
        assert_eq!(a(&lab), vec!["203.0.113.50"], "the IPv4 address stays");

        replay.example("ddclient: use=web, web=https://kyedns.com/ip, protocol=dyndns2");
        // ddclient asks `web=` for its address, then sends dyndns2's request to `server=` with
        // its default script, /nic/update.
        let r = lab.get("/ip", &[("User-Agent", "ddclient/3.11.2")]);
        check(&r, 200, "127.0.0.1", "ddclient's web check");
        let ip = r.body.trim().to_string();
        let r = lab.get(
            &format!("/nic/update?system=dyndns&hostname={HOST}&myip={ip}"),
            &[("Authorization", &auth), ("User-Agent", "ddclient/3.11.2")],
        );
        check(&r, 200, &format!("good {ip}"), "ddclient's update");
        assert_eq!(a(&lab), vec![ip]);

        replay.example("PowerShell: Invoke-WebRequest with a Basic header");
        let r = lab.get(
            &format!("/api/v1/nic/update?hostname={HOST}"),
            &[("Authorization", &auth), ("User-Agent", "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4648")],
        );
        check(&r, 200, "nochg 127.0.0.1", "PowerShell");

        replay.example("dual-stack: update IPv4 (keeps existing IPv6)");
        // `-u "host:token"`: the user name need not be the full hostname.
        let short = basic("myserver", &token);
        check(&update(&format!("hostname={HOST}&myip=1.2.3.4"), &short), 200, "good 1.2.3.4", "dual-stack IPv4");
        assert_eq!((a(&lab), aaaa(&lab)), (vec!["1.2.3.4".to_string()], vec!["2001:db8::1".to_string()]));

        replay.example("alternative: /api/v1/update?hostname=...&token=...");
        check(&lab.get(&format!("/api/v1/update?hostname={HOST}&token={token}"), &[]), 200, "good 127.0.0.1", "/api/v1/update");
        assert_eq!((a(&lab), aaaa(&lab)), (vec!["127.0.0.1".to_string()], vec!["2001:db8::1".to_string()]));

        replay.example("dual-stack: update IPv6 (keeps existing IPv4)");
        check(&update(&format!("hostname={HOST}&myip=2001:db8::2"), &short), 200, "good 2001:db8::2", "dual-stack IPv6");
        assert_eq!((a(&lab), aaaa(&lab)), (vec!["127.0.0.1".to_string()], vec!["2001:db8::2".to_string()]));

        // Something else first, so the last alternative has a change to make.
        check(&update(&format!("hostname={HOST}&myip=198.51.100.9"), &auth), 200, "good 198.51.100.9", "setup");
        replay.example("alternative: /api/v1/domain_update?hostname=...&token=...");
        check(&lab.get(&format!("/api/v1/domain_update?hostname={HOST}&token={token}"), &[]), 200, "good 127.0.0.1", "/api/v1/domain_update");
        assert_eq!((a(&lab), aaaa(&lab)), (vec!["127.0.0.1".to_string()], vec!["2001:db8::2".to_string()]));
    });

    replay.section("other endpoints", || {
        replay.example("GET /ip");
        let r = lab.get("/ip", &[]);
        check(&r, 200, "127.0.0.1", "/ip");
    });

    replay.section("response codes", || {
        replay.example("response badauth");
        let r = update(&format!("hostname={HOST}&myip=192.0.2.1"), &basic(HOST, "pth_notthetokenatallreally"));
        assert_eq!(r.body, "badauth", "invalid credentials");
        assert!(matches!(r.status, 200 | 401), "badauth: {}", r.status);
        assert_media_type(&r, "text/plain", "badauth");

        replay.example("response nohost");
        let r = update("hostname=elsewhere.dyn.example.test&myip=192.0.2.1", &auth);
        check(&r, 200, "nohost", "a hostname the token does not have");
        assert_eq!(a(&lab), vec!["127.0.0.1"], "nothing changed");
    });

    replay.section("server error", || {
        replay.example("response 911");
        // A server error, made by taking away a table every accepted update writes to.
        let broken = Lab::start();
        let token = broken.host("owner@example.com", HOST);
        broken.db().execute_batch("ALTER TABLE host_history RENAME TO host_history_away").unwrap();
        let r = broken.get(&format!("/api/v1/nic/update?hostname={HOST}&myip=192.0.2.1"), &[("Authorization", &basic(HOST, &token))]);
        assert_eq!(r.body, "911", "server error");
        assert_eq!(r.status, 500);
        assert_media_type(&r, "text/plain", "911");
    });

    replay.finish(EXAMPLES);
}
