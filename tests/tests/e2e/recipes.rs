//! The files the README's recipes ship, run as their users run them: OpenWrt's provider
//! file (as ddns-scripts substitutes and fetches it) and the certbot DNS-01 hook.

use std::path::PathBuf;
use std::process::Command;

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, have_program};

fn shipped(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// ddns-scripts' URL-encoding of [USERNAME] and [PASSWORD]: all but `[-_.~a-zA-Z0-9]`.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn openwrt_provider_file_works_as_ddns_scripts_uses_it() {
    if !have_program("wget") {
        return;
    }
    let provider: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(shipped("config/openwrt/porchlight.json")).unwrap()).unwrap();
    assert_eq!(provider["name"], "porchlight");
    let lab = Lab::start();
    let host = "router.dyn.example.test";
    let token = lab.host("a@example.com", host);
    for (family, ip, rtype) in [("ipv4", "203.0.113.120", RecordType::A), ("ipv6", "2001:db8::120", RecordType::AAAA)] {
        let template = provider[family]["url"].as_str().unwrap();
        // The file points at the router itself; the test's appliance listens elsewhere.
        let url = template
            .replace("127.0.0.1:8080", &lab.http().to_string())
            .replace("[USERNAME]", &urlencode(host))
            .replace("[PASSWORD]", &urlencode(&token))
            .replace("[DOMAIN]", host)
            .replace("[IP]", ip);
        let dir = tempfile::tempdir().unwrap();
        let answer = dir.path().join("answer");
        let out = Command::new("wget")
            .args(["--hsts-file", &dir.path().join("hsts").display().to_string(), "-nv", "-t", "1", "-O", &answer.display().to_string(), &url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let body = std::fs::read_to_string(&answer).unwrap();
        // ddns-scripts: `grep -i -E "$answer"` must match.
        let expected = provider[family]["answer"].as_str().unwrap();
        assert!(expected.split('|').any(|word| body.to_lowercase().contains(word)), "{body}");
        assert_eq!(lab.answers(host, rtype), vec![ip.to_string()]);
    }
}

#[test]
fn certbot_hook_presents_and_cleans_up_both_challenges() {
    if !have_program("curl") {
        return;
    }
    let lab = Lab::start();
    let host = "cert.dyn.example.test";
    let token = lab.host("a@example.com", host);
    let hook = shipped("config/certbot-hook.sh");
    let run = |action: &str, value: &str| {
        Command::new("sh")
            .arg(&hook)
            .arg(action)
            .env("PORCHLIGHT_URL", format!("http://{}", lab.http()))
            .env("PORCHLIGHT_TOKEN", &token)
            .env("CERTBOT_DOMAIN", host)
            .env("CERTBOT_VALIDATION", value)
            .output()
            .unwrap()
    };
    // certbot calls the hook once per name: apex and wildcard share _acme-challenge.<host>.
    for value in ["apex-validation", "wildcard-validation"] {
        let out = run("present", value);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let challenge = format!("_acme-challenge.{host}");
    let mut served = lab.answers(&challenge, RecordType::TXT);
    served.sort();
    assert_eq!(served, vec!["apex-validation", "wildcard-validation"]);
    for value in ["apex-validation", "wildcard-validation"] {
        assert!(run("cleanup", value).status.success());
    }
    assert!(lab.answers(&challenge, RecordType::TXT).is_empty());
    // A wrong token fails loudly (curl -f), as certbot needs to notice.
    let out = Command::new("sh")
        .arg(&hook)
        .arg("present")
        .env("PORCHLIGHT_URL", format!("http://{}", lab.http()))
        .env("PORCHLIGHT_TOKEN", "pth_wrongwrongwrongwrong")
        .env("CERTBOT_DOMAIN", host)
        .env("CERTBOT_VALIDATION", "x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(Command::new("sh").arg("-n").arg(&hook).status().unwrap().success());
}
