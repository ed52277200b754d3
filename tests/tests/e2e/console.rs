//! The operator at the console: `porchlight serve` started by hand, its banner's commands run
//! exactly as printed from another directory, and the account, hostname and key commands.

use std::process::{Command, Output};

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Serving, query_udp};

fn serve(cwd: &std::path::Path, args: &[&str]) -> Serving {
    Serving::start(cwd, args)
}

fn sh(cwd: &std::path::Path, line: &str) -> Output {
    Command::new("sh").args(["-c", line]).current_dir(cwd).env_remove("PORCHLIGHT_CONFIG").output().unwrap()
}

fn porchlight(cwd: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    porchlight_tests::run_porchlight(Some(cwd), args, stdin)
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn the_banners_commands_work_as_printed_from_another_directory() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let data = home.path().join("my data");
    let data_arg = data.to_str().unwrap();
    let mut serving = serve(home.path(), &["--data-dir", data_arg, "--zone", "lab.example.test", "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
    let banner = serving.banner.join("\n");
    let setup = banner.lines().position(|l| l.contains("/setup?code=")).expect("a setup link");
    let data_line = banner.lines().position(|l| l.trim_start().starts_with("data:")).unwrap();
    assert!(setup < data_line, "the setup link comes first:\n{banner}");
    assert!(banner.contains("public address not set"), "{banner}");
    let dns: std::net::SocketAddr = banner.lines().find_map(|l| l.trim().strip_prefix("DNS:")).unwrap().split_whitespace().next().unwrap().parse().unwrap();

    // Every printed command, run as printed from another directory, reaches this appliance.
    let commands: Vec<&str> = banner.lines().map(str::trim).filter(|l| l.contains(" user add") || l.contains(" hostname add")).collect();
    assert_eq!(commands.len(), 2, "{banner}");
    let mut token = String::new();
    for command in &commands {
        assert!(!command.contains("--zone"), "the zone is known from the database: {command}");
        let out = sh(elsewhere.path(), command);
        assert!(out.status.success(), "{command}: {}", text(&out));
        if let Some(t) = String::from_utf8_lossy(&out.stdout).split_whitespace().find(|w| w.starts_with("pth_")) {
            token = t.to_string();
        }
    }
    assert!(!token.is_empty(), "the hostname's token was printed");
    let update = banner.lines().find_map(|l| l.strip_prefix("then update it:")).unwrap().trim().replace("TOKEN", &token);
    let out = sh(elsewhere.path(), &format!("curl -s {}", update.trim_start_matches("curl ")));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "good 203.0.113.7", "{update}");
    let answer = query_udp(dns, "home.lab.example.test", RecordType::A);
    assert_eq!(porchlight_tests::answers(&answer, RecordType::A), vec!["203.0.113.7"]);

    // The log on a pipe carries no colour codes.
    let _ = serving.child.kill();
    let _ = serving.child.wait();
    let mut stderr = String::new();
    std::io::Read::read_to_string(serving.child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("no administrator yet") && !stderr.contains('\u{1b}'), "{stderr:?}");

    // Without the appliance running, the commands still know its zone and data.
    let here = ["--data-dir", data_arg];
    let out = porchlight(elsewhere.path(), &[&["hostname", "add", "nas.lab.example.test", "--user", "you@example.com"][..], &here].concat(), "");
    assert!(out.status.success(), "{}", text(&out));
    let out = porchlight(elsewhere.path(), &[&["zone", "export", "lab.example.test"][..], &here].concat(), "");
    assert!(text(&out).contains("home.lab.example.test.") && text(&out).contains("203.0.113.7"), "{}", text(&out));
}

#[test]
fn accounts_hostnames_and_keys_are_listed_changed_and_deleted() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let here = ["--data-dir", data.to_str().unwrap(), "--zone", "lab.example.test"];
    let run = |args: &[&str], stdin: &str| porchlight(home.path(), &[args, &here[..]].concat(), stdin);

    // Commands that only read or remove refuse a data directory without a database (a typo)
    // and make nothing there.
    let out = run(&["user", "list"], "");
    assert!(!out.status.success() && text(&out).contains("there is no porchlight database in"), "{}", text(&out));
    assert!(!data.exists(), "nothing was made for a read");
    assert!(run(&["user", "add", "--email", "gone@example.com", "--password-stdin"], "a long password\n").status.success());
    assert!(run(&["user", "delete", "gone@example.com"], "").status.success());
    let out = run(&["user", "list"], "");
    assert!(out.status.success() && text(&out).contains("no accounts yet"), "{}", text(&out));
    let out = run(&["tsig", "list"], "");
    assert!(out.status.success() && text(&out).contains("no TSIG keys yet"), "{}", text(&out));

    assert!(run(&["user", "add", "--email", "admin@example.com", "--admin", "--password-stdin"], "first password\n").status.success());
    assert!(run(&["user", "add", "--email", "bob@example.com", "--password-stdin"], "bobs password\n").status.success());
    assert!(run(&["hostname", "add", "bob.lab.example.test", "--user", "bob@example.com"], "").status.success());
    assert!(run(&["tsig", "add", "bob-key.example", "--user", "bob@example.com"], "").status.success());

    let out = run(&["user", "list"], "");
    let listing = text(&out);
    assert!(listing.contains("admin@example.com\tadmin") && listing.contains("bob@example.com\tuser\tplan=free\thostnames=1"), "{listing}");
    assert!(text(&run(&["tsig", "list"], "")).contains("bob-key.example\thmac-sha256\tbob@example.com"));

    // passwd: the new password is what the database verifies; an empty one is refused.
    let out = run(&["user", "passwd", "bob@example.com", "--password-stdin"], "");
    assert!(!out.status.success() && text(&out).contains("no password on standard input"), "{}", text(&out));
    let before: String = rusqlite::Connection::open(data.join("porchlight.db")).unwrap().query_row("SELECT password_hash FROM users WHERE email = 'bob@example.com'", [], |r| r.get(0)).unwrap();
    let out = run(&["user", "passwd", "bob@example.com", "--password-stdin"], "a new password\n");
    assert!(out.status.success(), "{}", text(&out));
    let after: String = rusqlite::Connection::open(data.join("porchlight.db")).unwrap().query_row("SELECT password_hash FROM users WHERE email = 'bob@example.com'", [], |r| r.get(0)).unwrap();
    assert!(after.starts_with("$argon2id$") && after != before);
    assert!(!text(&run(&["user", "passwd", "nobody@example.com", "--password-stdin"], "a new password\n")).is_empty());

    // delete: names that do not exist are refused clearly; the last administrator stays.
    for (args, expected) in [
        (vec!["hostname", "delete", "nope.lab.example.test"], "no hostname nope.lab.example.test"),
        (vec!["tsig", "delete", "nope.example"], "no TSIG key nope.example"),
        (vec!["user", "delete", "nobody@example.com"], "no account with e-mail nobody@example.com"),
        (vec!["user", "delete", "admin@example.com"], "only administrator"),
    ] {
        let out = run(&args, "");
        assert!(!out.status.success() && text(&out).contains(expected), "{args:?}: {}", text(&out));
    }
    assert!(run(&["tsig", "delete", "bob-key.example"], "").status.success());
    assert!(text(&run(&["tsig", "list"], "")).contains("no TSIG keys yet"));
    assert!(run(&["hostname", "delete", "bob.lab.example.test"], "").status.success());
    assert!(text(&run(&["hostname", "list"], "")).contains("no hostnames yet"));
    assert!(run(&["user", "delete", "bob@example.com"], "").status.success());
    let listing = text(&run(&["user", "list"], ""));
    assert!(listing.contains("admin@example.com") && !listing.contains("bob@"), "{listing}");
}

#[test]
fn an_unusable_data_directory_is_named_once() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let data = file.join("data");
    let out = porchlight(home.path(), &["user", "add", "--email", "x@example.com", "--password-stdin", "--data-dir", data.to_str().unwrap()], "a long password\n");
    let said = text(&out);
    assert!(!out.status.success());
    assert_eq!(said.matches(data.to_str().unwrap()).count(), 1, "the path, once: {said}");
    assert_eq!(said.matches("Not a directory").count(), 1, "the reason, once: {said}");

    // A data directory that is a file says so.
    let out = porchlight(home.path(), &["user", "add", "--email", "x@example.com", "--password-stdin", "--data-dir", file.to_str().unwrap()], "a long password\n");
    assert!(text(&out).contains("is not a directory"), "{}", text(&out));
}
