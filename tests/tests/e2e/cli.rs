//! The `porchlight` command, run as a process beside a running appliance on the same data.

use std::process::{Command, Output};

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE, basic};

fn run(args: &[&str], stdin: &str) -> Output {
    porchlight_tests::run_porchlight(None, args, stdin)
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn cli_changes_take_effect_in_the_running_appliance() {
    let lab = Lab::start();
    let data = lab.data_dir();
    let data = data.to_str().unwrap();
    let common = ["--data-dir", data, "--zone", ZONE];

    let out = run(&[&["user", "add", "--email", "me@example.com", "--admin", "--password-stdin"][..], &common].concat(), "a long password\n");
    assert!(out.status.success(), "{}", text(&out));
    let stored: String = lab.db().query_row("SELECT password_hash FROM users WHERE email = 'me@example.com'", [], |r| r.get(0)).unwrap();
    assert!(stored.starts_with("$argon2id$"), "passwords are stored as argon2id hashes");

    let out = run(&[&["hostname", "add", "cli.dyn.example.test", "--user", "me@example.com"][..], &common].concat(), "");
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let token = stdout.split_whitespace().find(|w| w.starts_with("pth_")).expect("token printed once").to_string();
    let stored_hash: String = lab.db().query_row("SELECT secret_hash FROM tokens", [], |r| r.get(0)).unwrap();
    assert!(!stored_hash.contains(&token) && stored_hash.len() == 64, "only the SHA-256 is stored");

    // The running appliance accepts the new token at once and serves the result.
    let r = lab.get("/nic/update?myip=203.0.113.33", &[("Authorization", &basic("cli.dyn.example.test", &token))]);
    assert_eq!(r.body, "good 203.0.113.33");
    assert_eq!(lab.answers("cli.dyn.example.test", RecordType::A), vec!["203.0.113.33"]);

    let out = run(&[&["hostname", "list"][..], &common].concat(), "");
    assert!(text(&out).contains("cli.dyn.example.test\tme@example.com\tA=203.0.113.33"), "{}", text(&out));
}

#[test]
fn cli_refuses_bad_arguments_clearly() {
    let lab = Lab::start();
    let data = lab.data_dir();
    let data = data.to_str().unwrap();
    let common = ["--data-dir", data, "--zone", ZONE];
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["user", "add", "--email", "x@example.com"], "", "--password-stdin"),
        ([&["user", "add", "--email", "not-an-email", "--password-stdin"][..], &common].concat(), "a long password", "not an e-mail address"),
        ([&["user", "add", "--email", "x@example.com", "--password-stdin"][..], &common].concat(), "short", "at least 8"),
        ([&["hostname", "add", "h.example.org", "--user", "x@example.com"][..], &common].concat(), "", "not inside a zone"),
        ([&["hostname", "add", "bad name", "--user", "x@example.com"][..], &common].concat(), "", "may only hold"),
        ([&["hostname", "add", "h.dyn.example.test", "--user", "nobody@example.com"][..], &common].concat(), "", "no account"),
        (vec!["serve", "--http", "not-an-address"], "", "invalid value"),
    ];
    for (args, stdin, expected) in cases {
        let out = run(&args, stdin);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(text(&out).contains(expected), "{args:?}: expected {expected:?} in {}", text(&out));
    }
    assert_eq!(lab.count("SELECT count(*) FROM users"), 0, "failed commands wrote nothing");
    assert_eq!(lab.count("SELECT count(*) FROM hostnames"), 0);
}

#[test]
fn version_and_check_config() {
    let out = run(&["--version"], "");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("porchlight "));
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/porchlight.toml");
    let out = run(&["check-config", "--config", shipped], "");
    assert!(out.status.success() && text(&out).contains("zone = dyn.example.com"), "{}", text(&out));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "htttp = \"127.0.0.1:1\"\n").unwrap();
    let out = run(&["check-config", "--config", bad.to_str().unwrap()], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("htttp") && text(&out).contains("bad.toml"), "{}", text(&out));
}

#[test]
fn a_backup_taken_during_updates_restores_every_acknowledged_change() {
    let lab = Lab::start_with(|c| {
        c.rate_limit.updates_per_minute = 100_000;
        c.rate_limit.requests_per_address_per_minute = 100_000;
    });
    let hosts: Vec<(String, String)> = (0..4)
        .map(|i| {
            let name = format!("b{i}.dyn.example.test");
            let token = lab.host("a@example.com", &name);
            (name, token)
        })
        .collect();
    let data = lab.data_dir();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");

    let backup_done = std::sync::atomic::AtomicBool::new(false);
    let (acknowledged, backup_started) = std::thread::scope(|scope| {
        let updater = scope.spawn(|| {
            let mut acked = Vec::new();
            let mut after_backup = 0;
            let started = std::time::Instant::now();
            // Bounded: at most 2,000 updates or 20 s; stops 20 updates after the backup ends.
            for i in 0..2_000u32 {
                if started.elapsed() > std::time::Duration::from_secs(20) || after_backup >= 20 {
                    break;
                }
                if backup_done.load(std::sync::atomic::Ordering::Acquire) {
                    after_backup += 1;
                }
                let (host, token) = &hosts[i as usize % hosts.len()];
                let ip = format!("10.{}.{}.{}", i / 62_500, (i / 250) % 250, i % 250);
                let r = lab.get(&format!("/nic/update?myip={ip}"), &[("Authorization", &basic(host, token))]);
                assert_eq!(r.body, format!("good {ip}"));
                acked.push((host.clone(), ip, std::time::Instant::now()));
            }
            acked
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        let backup_started = std::time::Instant::now();
        let out = run(&["backup", "--out", backup.to_str().unwrap(), "--data-dir", data.to_str().unwrap(), "--zone", ZONE], "");
        assert!(out.status.success(), "{}", text(&out));
        backup_done.store(true, std::sync::atomic::Ordering::Release);
        (updater.join().unwrap(), backup_started)
    });
    let before: Vec<_> = acknowledged.iter().filter(|(_, _, at)| *at < backup_started).collect();
    assert!(!before.is_empty() && before.len() < acknowledged.len(), "the backup ran while updates were under way");

    // Restoring into a running appliance's directory is refused; into a stopped one it works.
    let out = run(&["restore", backup.to_str().unwrap(), "--data-dir", data.to_str().unwrap()], "");
    assert!(!out.status.success() && text(&out).contains("stop it before restoring"), "{}", text(&out));
    let restored_dir = dir.path().join("restored");
    let out = run(&["restore", backup.to_str().unwrap(), "--data-dir", restored_dir.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));

    let restored = Lab::start_with(|c| c.data_dir = restored_dir.clone());
    let db = restored.db();
    for (host, ip, _) in &before {
        let found: i64 = db
            .query_row(
                "SELECT count(*) FROM host_history h JOIN hostnames n ON n.id = h.hostname_id WHERE n.name = ?1 AND h.new = ?2",
                [host, ip],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{host} {ip} was acknowledged before the backup but is not in it");
    }
    // What the restored appliance serves is each host's newest address in the backup.
    for (host, _) in &hosts {
        let newest: String = db
            .query_row(
                "SELECT h.new FROM host_history h JOIN hostnames n ON n.id = h.hostname_id WHERE n.name = ?1 ORDER BY h.id DESC LIMIT 1",
                [host],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(restored.answers(host, RecordType::A), vec![newest]);
    }
}

#[test]
fn restore_refuses_what_is_not_a_porchlight_backup() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"definitely not sqlite").unwrap();
    let target = dir.path().join("data");
    let out = run(&["restore", junk.to_str().unwrap(), "--data-dir", target.to_str().unwrap()], "");
    assert!(!out.status.success() && text(&out).contains("not a usable porchlight backup"), "{}", text(&out));
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
    let out = run(&["restore", empty.to_str().unwrap(), "--data-dir", target.to_str().unwrap()], "");
    assert!(!out.status.success() && text(&out).contains("schema version 0"), "{}", text(&out));
    assert!(!target.join("porchlight.db").exists(), "nothing was written");
}

#[test]
fn one_data_directory_serves_one_appliance_and_admins_can_download_a_backup() {
    let lab = Lab::start();
    let data = lab.data_dir();
    let mut config = porchlight_tests::lab_config(lab.dir.path());
    config.data_dir = data.clone();
    let second = porchlight::Appliance::start(config);
    assert!(second.err().map(|e| e.to_string()).unwrap_or_default().contains("another porchlight is running"));

    let admin = lab.admin("root@example.com");
    let r = lab.request("GET", "/api/admin/backup", &[("Authorization", &format!("Bearer {admin}"))], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/vnd.sqlite3"));
    assert!(r.body.starts_with("SQLite format 3"));
    let user = lab.login("u@example.com");
    assert_eq!(lab.request("GET", "/api/admin/backup", &[("Authorization", &format!("Bearer {user}"))], b"").status, 403);
}

#[test]
fn zone_export_is_a_zone_file_bind_accepts() {
    if !porchlight_tests::have_program("named-checkzone") {
        return;
    }
    let lab = Lab::start();
    let token = lab.host("a@example.com", "exported.dyn.example.test");
    lab.get("/nic/update?myip=192.0.2.70,2001:db8::70", &[("Authorization", &basic("exported.dyn.example.test", &token))]);
    lab.get(&format!("/update?domains=exported&token={token}&txt=challenge"), &[]);
    // Text as people write it: spaces, quotes, a semicolon, a backslash, and longer than one
    // 255-byte string.
    let session = lab.login("a@example.com");
    let long = "k=".to_string() + &"A".repeat(300);
    let texts = ["v=spf1 include:_spf.example.net -all", r#"say "hi"; then \ leave"#, long.as_str()];
    for text in texts {
        let r = lab.api("POST", "/api/domains/00000000-0000-0000-0000-000000000001/records", Some(&session), Some(serde_json::json!({"type": "TXT", "name": "notes.exported", "content": text})));
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let data = lab.data_dir();
    // The CLI gets the same settings as the server (here: DNS on 127.0.0.1, the glue address).
    let out = run(&["zone", "export", ZONE, "--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--dns", "127.0.0.1:0"], "");
    assert!(out.status.success(), "{}", text(&out));
    let zone_file = String::from_utf8(out.stdout).unwrap();
    for expected in ["SOA", "ns1.dyn.example.test. 3600 IN A 127.0.0.1", "exported.dyn.example.test. 60 IN A 192.0.2.70", "AAAA 2001:db8::70", "_acme-challenge.exported.dyn.example.test. 60 IN TXT"] {
        assert!(zone_file.contains(expected), "{expected:?} missing:\n{zone_file}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zone");
    std::fs::write(&path, &zone_file).unwrap();
    let check = Command::new("named-checkzone").args([ZONE, path.to_str().unwrap()]).output().unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && said.contains("OK"), "named-checkzone refused:\n{said}\n{zone_file}");
    assert!(said.contains(&format!("serial {}", lab.serial())), "{said}");
    // What BIND reads back is what was stored: each text whole, in its strings.
    let dumped = Command::new("named-compilezone").args(["-q", "-s", "full", "-o", "-", ZONE, path.to_str().unwrap()]).output().unwrap();
    let dumped = String::from_utf8_lossy(&dumped.stdout);
    let read_back: Vec<String> = dumped.lines().filter(|l| l.starts_with("notes.exported.")).map(txt_of_line).collect();
    let mut wanted: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    wanted.sort();
    let mut read_back = read_back;
    read_back.sort();
    assert_eq!(read_back, wanted, "{dumped}");

    let out = run(&["zone", "export", "other.example", "--data-dir", data.to_str().unwrap(), "--zone", ZONE], "");
    assert!(!out.status.success() && text(&out).contains("not a zone this appliance serves"));

    let admin = lab.admin("root@example.com");
    let r = lab.api("GET", "/api/domains/00000000-0000-0000-0000-000000000001/export", Some(&admin), None);
    assert_eq!((r.status, r.body.as_str()), (200, zone_file.as_str()));
    let user = lab.login("u@example.com");
    assert_eq!(lab.api("GET", "/api/domains/00000000-0000-0000-0000-000000000001/export", Some(&user), None).status, 403);
}

/// The text of a TXT line in master-file form: its quoted strings, unescaped and joined.
fn txt_of_line(line: &str) -> String {
    let rdata = &line[line.find('"').unwrap_or(line.len())..];
    let mut out = Vec::new();
    let mut bytes = rdata.bytes().peekable();
    let mut quoted = false;
    while let Some(b) = bytes.next() {
        match b {
            b'"' => quoted = !quoted,
            b'\\' => {
                let next = bytes.next().unwrap_or(b'\\');
                if next.is_ascii_digit() {
                    let digits = [next, bytes.next().unwrap_or(b'0'), bytes.next().unwrap_or(b'0')];
                    out.push(std::str::from_utf8(&digits).unwrap().parse::<u8>().unwrap());
                } else {
                    out.push(next);
                }
            }
            b if quoted => out.push(b),
            _ => {}
        }
    }
    String::from_utf8(out).unwrap()
}
