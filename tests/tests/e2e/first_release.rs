//! A database made by the first release (tests/fixtures/first-release.db, written by that
//! release's own binary) migrates to the current schema when the appliance starts on it, and
//! everything in it works: DNS serves its addresses, its tokens update, its password signs in.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{HttpResponse, Serving, ZONE, answers, basic, query_udp};

const HOME_TOKEN: &str = "pth_5nIBcwleLvWwAfNEJHqo7WwsL9Juy1Uh";

#[test]
fn the_first_release_database_migrates_and_serves() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/first-release.db");
    std::fs::copy(fixture, data.join("porchlight.db")).unwrap();
    let serving = Serving::start(home.path(), &["--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
    let (http, dns) = (serving.addr("HTTP:"), serving.addr("DNS:"));

    let db = rusqlite::Connection::open(data.join("porchlight.db")).unwrap();
    let version: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert!(version > 1, "migrated from schema 1 to {version}");
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");

    let host = format!("home.{ZONE}");
    assert_eq!(answers(&query_udp(dns, &host, RecordType::A), RecordType::A), vec!["198.51.100.7"]);
    assert_eq!(answers(&query_udp(dns, &host, RecordType::AAAA), RecordType::AAAA), vec!["2001:db8::7"]);
    assert_eq!(answers(&query_udp(dns, &format!("nas.{ZONE}"), RecordType::A), RecordType::A), vec!["203.0.113.9"]);
    // A zone served unsigned before is not signed behind its operator's back.
    assert!(answers(&query_udp(dns, ZONE, RecordType::DNSKEY), RecordType::DNSKEY).is_empty(), "the upgraded zone stays unsigned");

    let update = std::process::Command::new("curl")
        .args(["-s", "--max-time", "10", "-H", &format!("Authorization: {}", basic(&host, HOME_TOKEN)), &format!("http://{http}/nic/update?hostname={host}&myip=198.51.100.8")])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&update.stdout), "good 198.51.100.8");
    assert_eq!(answers(&query_udp(dns, &host, RecordType::A), RecordType::A), vec!["198.51.100.8"]);

    let login = std::process::Command::new("curl")
        .args(["-s", "-i", "--max-time", "10", "-H", "Content-Type: application/json", "-d", r#"{"email":"first@example.com","password":"first release password"}"#, &format!("http://{http}/api/auth/login")])
        .output()
        .unwrap();
    let login = HttpResponse::parse(&login.stdout);
    assert_eq!(login.status, 200, "{}", login.body);
    assert!(login.json()["user"]["isAdmin"].as_bool().unwrap_or(false) || login.body.contains("first@example.com"), "{}", login.body);
}
