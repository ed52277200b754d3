//! Real DDNS client programs from Debian's packages, configured against the appliance.

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, have_program};

#[test]
fn ddclient_updates_a_host() {
    if !have_program("ddclient") {
        return;
    }
    let lab = Lab::start();
    let host = "ddclient.dyn.example.test";
    let token = lab.host("a@example.com", host);
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("ddclient.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon=0\nsyslog=no\nssl=no\nuse=ip, ip=203.0.113.77\nprotocol=dyndns2\nserver={}\nlogin={host}\npassword='{token}'\n{host}\n",
            lab.http()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = Command::new("ddclient")
        .args(["-file", conf.to_str().unwrap(), "-cache", dir.path().join("cache").to_str().unwrap()])
        .args(["-foreground", "-force", "-verbose", "-daemon=0"])
        .output()
        .unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(log.contains("SUCCESS"), "ddclient did not succeed:\n{log}");
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.77"]);
}

#[test]
fn inadyn_updates_a_host() {
    if !have_program("inadyn") {
        return;
    }
    let lab = Lab::start();
    let host = "inadyn.dyn.example.test";
    let token = lab.host("a@example.com", host);
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("inadyn.conf");
    std::fs::write(
        &conf,
        format!(
            "period = 60\ncustom porchlight {{\n  ssl = false\n  username = \"{host}\"\n  password = \"{token}\"\n  ddns-server = \"{}\"\n  ddns-path = \"/nic/update?hostname=%h&myip=%i\"\n  checkip-command = \"echo 203.0.113.88\"\n  hostname = \"{host}\"\n}}\n",
            lab.http()
        ),
    )
    .unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let out = Command::new("inadyn")
        .args(["-1", "--foreground", "-f", conf.to_str().unwrap(), "--cache-dir", cache.to_str().unwrap(), "-l", "info"])
        .output()
        .unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(log.contains("Successful alias table update"), "inadyn did not succeed:\n{log}");
    assert_eq!(lab.answers(host, RecordType::A), vec!["203.0.113.88"]);
}
