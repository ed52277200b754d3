//! Exact replays of what routers and scripts send (where the program itself is not in
//! Debian): OpenWrt's uclient-fetch, FritzBox, pfSense, OPNsense, UniFi's inadyn, Synology,
//! ipdock-client, and the DuckDNS TXT shapes of acme.sh and lego. Each ends in DNS.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Lab, basic};

const OWNER: &str = "a@example.com";

fn lab_with(host: &str) -> (Lab, String) {
    let lab = Lab::start();
    let token = lab.host(OWNER, host);
    (lab, token)
}

#[test]
fn openwrt_uclient_fetch_first_without_credentials_then_with_them() {
    let host = "uclient.dyn.example.test";
    let (lab, token) = lab_with(host);
    let target = format!("/nic/update?hostname={host}&myip=203.0.113.101");
    // uclient-fetch: `-q -O file -Y off URL`; user:pass in the URL go out only after a 401.
    let first = lab.get(&target, &[("User-Agent", "uclient-fetch")]);
    assert_eq!((first.status, first.body.as_str()), (401, "badauth"));
    assert!(first.header("www-authenticate").is_some_and(|v| v.starts_with("Basic realm=")), "{:?}", first.headers);
    let second = lab.get(&target, &[("User-Agent", "uclient-fetch"), ("Authorization", &basic(host, &token))]);
    assert_eq!((second.status, second.body.as_str()), (200, "good 203.0.113.101"));
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.101"]);
}

#[test]
fn fritzbox_two_urls_unescaped_placeholders_and_ip6lanprefix() {
    let host = "fritz.dyn.example.test";
    let (lab, token) = lab_with(host);
    // Update URL: `…/nic/update?hostname=<domain>&myip=<ipaddr> …/nic/update?hostname=<domain>&myip=<ip6addr>&ip6lanprefix=<ip6lanprefix>`
    // The box sends each URL as its own request, placeholders not escaped, Basic from the
    // (non-empty) user name and password fields.
    let auth = basic(host, &token);
    let headers = [("Authorization", auth.as_str()), ("User-Agent", "Fritz!Box DDNS/1.0.1")];
    let r = lab.get(&format!("/nic/update?hostname={host}&myip=203.0.113.102"), &headers);
    assert_eq!(r.body, "good 203.0.113.102");
    let r = lab.get(&format!("/nic/update?hostname={host}&myip=2001:db8:f:1:2:3:4:5&ip6lanprefix=2001:db8:f:100::/56"), &headers);
    assert_eq!(r.body, "good 2001:db8:f:1:2:3:4:5");
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.102"]);
    assert_eq!(lab.answers(host, RecordType::AAAA), vec!["2001:db8:f:1:2:3:4:5"]);
    // The dual-stack single URL (`myip=<ipaddr>,<ip6lanprefix>`): the prefix never becomes the AAAA.
    let r = lab.get(&format!("/nic/update?hostname={host}&myip=203.0.113.103,2001:db8:f:200::/64"), &headers);
    assert_eq!(r.body, "good 203.0.113.103");
    assert_eq!(lab.answers(host, RecordType::AAAA), vec!["2001:db8:f:1:2:3:4:5"]);
}

#[test]
fn pfsense_custom_result_match_is_byte_exact() {
    let host = "pfsense.dyn.example.test";
    let (lab, token) = lab_with(host);
    // Custom: curl with CURLOPT_USERPWD, User-Agent phpDynDNS/0.7, Result Match
    // `good %IP%|nochg %IP%` compared with strcmp against the whole trimmed body.
    let headers = [("Authorization", basic(host, &token)), ("User-Agent", "phpDynDNS/0.7".to_string())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ip = "203.0.113.104";
    let matches = |r: &HttpResponse| ["good", "nochg"].iter().any(|w| r.body.trim() == format!("{w} {ip}"));
    let r = lab.get(&format!("/nic/update?hostname={host}&myip={ip}"), &headers);
    assert!(matches(&r), "{:?}", r.body);
    assert!(matches(&lab.get(&format!("/nic/update?hostname={host}&myip={ip}"), &headers)));
    // Custom (v6): the address is echoed as the box wrote it.
    let r = lab.get(&format!("/nic/update?hostname={host}&myip=2001:DB8::104"), &headers);
    assert_eq!(r.body.trim(), "good 2001:DB8::104");
    assert_eq!(lab.answers(host, RecordType::A), vec![ip]);
    assert_eq!(lab.answers(host, RecordType::AAAA), vec!["2001:db8::104"]);
}

#[test]
fn opnsense_native_dyndns2_with_system_and_wildcard_parameters() {
    let host = "opnsense.dyn.example.test";
    let (lab, token) = lab_with(host);
    let auth = basic(host, &token);
    let r = lab.get(
        &format!("/nic/update?hostname={host}&myip=203.0.113.105&system=dyndns&wildcard=NOCHG"),
        &[("Authorization", &auth), ("User-Agent", "OPNsense-dyndns")],
    );
    assert!((200..300).contains(&r.status), "{}", r.status);
    assert_eq!(r.body, "good 203.0.113.105");
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.105"]);
}

#[test]
fn unifi_inadyn_http_1_0_gets_a_length_and_no_chunking() {
    let host = "unifi.dyn.example.test";
    let (lab, token) = lab_with(host);
    let request = format!(
        "GET /nic/update?hostname={host}&myip=203.0.113.106 HTTP/1.0\nHost: {}\nAuthorization: {}\nUser-Agent: inadyn/2.10.0 https://github.com/troglobit/inadyn/issues\n\n",
        lab.http(),
        basic(host, &token)
    );
    let raw = String::from_utf8(lab.raw(request.as_bytes())).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("content-length: {}", body.len())), "{head}");
    assert!(!head.to_ascii_lowercase().contains("chunked"));
    assert_eq!(body, "good 203.0.113.106");
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.106"]);
}

#[test]
fn synology_custom_provider_query_url() {
    let host = "synology.dyn.example.test";
    let (lab, token) = lab_with(host);
    // Query URL: /nic/update?hostname=__HOSTNAME__&myip=__MYIP__&username=__USERNAME__&password=__PASSWORD__
    let r = lab.get(&format!("/nic/update?hostname={host}&myip=203.0.113.107&username={host}&password={token}"), &[]);
    assert_eq!((r.status, r.body.as_str()), (200, "good 203.0.113.107"));
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.107"]);
}

#[test]
fn ipdock_client_bearer_json() {
    let host = "docker.dyn.example.test";
    let (lab, token) = lab_with(host);
    let bearer = format!("Bearer {token}");
    let r = lab.request(
        "POST",
        "/api/update",
        &[("Authorization", &bearer), ("Content-Type", "application/json"), ("User-Agent", "ipdock-client/1.0")],
        br#"{"ip":"203.0.113.108"}"#,
    );
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("good")));
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.108"]);
}

#[test]
fn acme_sh_and_lego_duckdns_txt_shapes() {
    let host = "acme.dyn.example.test";
    let (lab, token) = lab_with(host);
    let challenge = format!("_acme-challenge.{host}");
    // acme.sh dns_duckdns: `update?domains=<sub>&token=<t>&txt=<v>`, then `txt=&clear=true`.
    assert_eq!(lab.get(&format!("/update?domains=acme&token={token}&txt=acmesh-value"), &[]).body, "OK");
    assert_eq!(lab.answers(&challenge, RecordType::TXT), vec!["acmesh-value"]);
    assert_eq!(lab.get(&format!("/update?domains=acme&token={token}&txt=&clear=true"), &[]).body, "OK");
    assert!(lab.answers(&challenge, RecordType::TXT).is_empty());
    // lego duckdns: `domains`, `token`, `clear=false`, `txt`; the body must equal OK.
    assert_eq!(lab.get(&format!("/update?domains={host}&token={token}&clear=false&txt=lego-value"), &[]).body, "OK");
    assert_eq!(lab.answers(&challenge, RecordType::TXT), vec!["lego-value"]);
    assert_eq!(lab.get(&format!("/update?domains={host}&token={token}&clear=true&txt="), &[]).body, "OK");
    assert!(lab.answers(&challenge, RecordType::TXT).is_empty());
}
