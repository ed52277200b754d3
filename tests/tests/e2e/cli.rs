//! The `porchlight` command, run as a process beside a running appliance on the same data.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE, basic, porchlight_binary};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(porchlight_binary())
        .args(args)
        .env_remove("PORCHLIGHT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
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
