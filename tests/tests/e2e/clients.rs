//! Real DDNS client programs from Debian's packages, configured against the appliance.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, have_program};

/// Runs `program` with a configuration file written by `config(lab, host, token)` (and the
/// arguments `args(conf, dir)`), expects `success` in its output, and `address` in DNS.
fn run_client(
    program: &str,
    config: impl Fn(&Lab, &str, &str) -> String,
    args: impl Fn(&Path, &Path) -> Vec<String>,
    success: &str,
    address: &str,
) {
    if !have_program(program) {
        return;
    }
    let lab = Lab::start();
    let host = format!("{program}.dyn.example.test");
    let token = lab.host("a@example.com", &host);
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join(format!("{program}.conf"));
    std::fs::write(&conf, config(&lab, &host, &token)).unwrap();
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = Command::new(program).args(args(&conf, dir.path())).output().unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(log.contains(success), "{program} did not succeed:\n{log}");
    assert_eq!(lab.answers(&host, RecordType::A), vec![address.to_string()]);
}

#[test]
fn ddclient_updates_a_host() {
    run_client(
        "ddclient",
        |lab, host, token| {
            format!(
                "daemon=0\nsyslog=no\nssl=no\nuse=ip, ip=203.0.113.77\nprotocol=dyndns2\nserver={}\nlogin={host}\npassword='{token}'\n{host}\n",
                lab.http()
            )
        },
        |conf, dir| {
            let cache = dir.join("cache").display().to_string();
            ["-file", &conf.display().to_string(), "-cache", &cache, "-foreground", "-force", "-verbose", "-daemon=0"].map(String::from).to_vec()
        },
        "SUCCESS",
        "203.0.113.77",
    );
}

#[test]
fn inadyn_updates_a_host() {
    run_client(
        "inadyn",
        |lab, host, token| {
            format!(
                "period = 60\ncustom porchlight {{\n  ssl = false\n  username = \"{host}\"\n  password = \"{token}\"\n  ddns-server = \"{}\"\n  ddns-path = \"/nic/update?hostname=%h&myip=%i\"\n  checkip-command = \"echo 203.0.113.88\"\n  hostname = \"{host}\"\n}}\n",
                lab.http()
            )
        },
        |conf, dir| {
            let cache = dir.join("cache");
            std::fs::create_dir_all(&cache).unwrap();
            ["-1", "--foreground", "-f", &conf.display().to_string(), "--cache-dir", &cache.display().to_string(), "-l", "info"].map(String::from).to_vec()
        },
        "Successful alias table update",
        "203.0.113.88",
    );
}
