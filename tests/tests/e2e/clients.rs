//! Real DDNS client programs from Debian's packages, configured against the appliance: the
//! client matrix's programs (ddclient with its dyndns2 and duckdns protocols, inadyn with its
//! built-in and custom providers, GNU wget and curl as OpenWrt's ddns-scripts call them),
//! each ending with a DNS query that shows the new address.

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
    run_client_on(Lab::start, program, program, config, args, success, address);
}

/// As [`run_client`], on the lab `start` makes, for host `<label>.dyn.example.test`.
fn run_client_on(
    start: impl FnOnce() -> Lab,
    program: &str,
    label: &str,
    config: impl Fn(&Lab, &str, &str) -> String,
    args: impl Fn(&Path, &Path) -> Vec<String>,
    success: &str,
    address: &str,
) {
    if !have_program(program) {
        return;
    }
    let lab = start();
    let host = format!("{label}.dyn.example.test");
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

/// ddclient's command line for a config file, with its cache beside it.
fn ddclient_args(conf: &Path, dir: &Path) -> Vec<String> {
    let cache = dir.join("cache").display().to_string();
    ["-file", &conf.display().to_string(), "-cache", &cache, "-foreground", "-force", "-verbose", "-daemon=0"].map(String::from).to_vec()
}

/// inadyn's command line for a config file: one run, in the foreground.
fn inadyn_args(conf: &Path, dir: &Path) -> Vec<String> {
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    ["-1", "--foreground", "-f", &conf.display().to_string(), "--cache-dir", &cache.display().to_string(), "-l", "info"].map(String::from).to_vec()
}

/// A lab that also serves HTTPS with its kept self-signed certificate.
fn https_lab() -> Lab {
    Lab::start_with(|c| c.https = Some("127.0.0.1:0".parse().unwrap()))
}

#[test]
fn ddclient_duckdns_protocol_over_https() {
    // ddclient's duckdns protocol always uses HTTPS and wants the body to be exactly OK.
    run_client_on(
        https_lab,
        "ddclient",
        "duck",
        |lab, _host, token| {
            format!(
                "daemon=0\nsyslog=no\nssl=yes\nssl_ca_file={}\nuse=ip, ip=203.0.113.78\nprotocol=duckdns\nserver={}\npassword='{token}'\nduck\n",
                lab.data_dir().join("tls/cert.pem").display(),
                lab.appliance.https_addr().unwrap()
            )
        },
        ddclient_args,
        "SUCCESS",
        "203.0.113.78",
    );
}

#[test]
fn inadyn_dyndns_plugin_template() {
    // UniFi's "dyndns" service is inadyn's dyndns.org plugin. Built-in plugins have fixed
    // servers, so its exact request template (plugins/dyndns.c) runs as a custom provider.
    run_client_on(
        Lab::start,
        "inadyn",
        "unifi",
        |lab, host, token| {
            format!(
                "period = 60\ncustom unifi {{\n  ssl = false\n  username = \"{host}\"\n  password = \"{token}\"\n  ddns-server = \"{}\"\n  ddns-path = \"/nic/update?hostname=%h&myip=%i&wildcard=ON\"\n  checkip-command = \"echo 203.0.113.89\"\n  hostname = \"{host}\"\n}}\n",
                lab.http()
            )
        },
        inadyn_args,
        "Successful alias table update",
        "203.0.113.89",
    );
}

#[test]
fn inadyn_duckdns_plugin_template() {
    // inadyn's DuckDNS plugin (plugins/duckdns.c): the first label only, the token as user
    // name, success on "OK"; run as a custom provider for the same reason as above.
    run_client_on(
        Lab::start,
        "inadyn",
        "quack",
        |lab, _host, token| {
            format!(
                "period = 60\ncustom duck {{\n  ssl = false\n  username = \"{token}\"\n  password = \"unused\"\n  ddns-server = \"{}\"\n  ddns-path = \"/update?domains=%h&token=%u&ip=%i\"\n  ddns-response = \"OK\"\n  checkip-command = \"echo 203.0.113.90\"\n  hostname = \"quack\"\n}}\n",
                lab.http()
            )
        },
        inadyn_args,
        "Successful alias table update",
        "203.0.113.90",
    );
}

/// Runs an HTTP client the way OpenWrt's ddns-scripts do (`do_transfer`), credentials in
/// the URL, and checks the answer and DNS.
fn ddns_scripts_transfer(program: &str, args: impl Fn(&Path, &str) -> Vec<String>) {
    if !have_program(program) {
        return;
    }
    let lab = Lab::start();
    let host = format!("openwrt-{program}.dyn.example.test");
    let token = lab.host("a@example.com", &host);
    let dir = tempfile::tempdir().unwrap();
    // dyndns.org.json's update_url with [USERNAME], [PASSWORD] URL-encoded, [DOMAIN], [IP].
    let url = format!("http://{host}:{token}@{}/v3/update?hostname={host}&myip=203.0.113.91", lab.http());
    let out = Command::new(program).args(args(dir.path(), &url)).output().unwrap();
    let answer = std::fs::read_to_string(dir.path().join("answer")).unwrap_or_default();
    assert!(out.status.success(), "{program}: {}{}", String::from_utf8_lossy(&out.stderr), answer);
    // The provider's answer regex: good|nochg.
    assert_eq!(answer.trim(), "good 203.0.113.91");
    assert_eq!(lab.answers(&host, RecordType::A), vec!["203.0.113.91"]);
}

#[test]
fn openwrt_ddns_scripts_with_gnu_wget_answer_the_401_challenge() {
    // GNU wget sends URL credentials only after a 401 with a Basic challenge.
    ddns_scripts_transfer("wget", |dir, url| {
        let out = dir.join("answer").display().to_string();
        let err = dir.join("err").display().to_string();
        ["--hsts-file", &dir.join("hsts").display().to_string(), "-nv", "-t", "1", "-O", &out, "-o", &err, url].map(String::from).to_vec()
    });
}

#[test]
fn openwrt_ddns_scripts_with_curl() {
    ddns_scripts_transfer("curl", |dir, url| {
        let out = dir.join("answer").display().to_string();
        let err = dir.join("err").display().to_string();
        ["-RsS", "-o", &out, "--stderr", &err, "--noproxy", "*", url].map(String::from).to_vec()
    });
}
