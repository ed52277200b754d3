//! HTTPS with curl as the client: a self-signed certificate made at first start and kept,
//! or the configured PEM files; plain HTTP stays on beside it.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, have_program};

fn https_lab(tweak: impl FnOnce(&mut porchlight::Config)) -> Lab {
    Lab::start_with(|c| {
        c.https = Some("127.0.0.1:0".parse().unwrap());
        tweak(c);
    })
}

/// curl against the lab's HTTPS listener as `localhost`, trusting only `ca`.
fn curl(lab: &Lab, ca: &Path, path: &str, user: Option<&str>) -> (bool, String) {
    let port = lab.appliance.https_addr().unwrap().port();
    let mut command = Command::new("curl");
    command.args(["-sS", "--cacert", ca.to_str().unwrap(), "--resolve", &format!("localhost:{port}:127.0.0.1")]);
    if let Some(user) = user {
        command.args(["-u", user]);
    }
    let out = command.arg(format!("https://localhost:{port}{path}")).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn https_serves_every_route_with_a_kept_self_signed_certificate() {
    if !have_program("curl") {
        return;
    }
    let lab = https_lab(|_| {});
    let token = lab.host("a@example.com", "secure.dyn.example.test");
    let cert = lab.data_dir().join("tls/cert.pem");
    let key = lab.data_dir().join("tls/key.pem");
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "the key is private");

    let (ok, body) = curl(&lab, &cert, "/nic/update?myip=203.0.113.44", Some(&format!("secure.dyn.example.test:{token}")));
    assert!(ok, "{body}");
    assert_eq!(body, "good 203.0.113.44");
    assert_eq!(lab.answers("secure.dyn.example.test", RecordType::A), vec!["203.0.113.44"]);
    // Plain HTTP stays on for routers that cannot do TLS.
    assert_eq!(lab.get("/ip", &[]).body, "127.0.0.1");
    // An unpinned client refuses the self-signed certificate, as it should.
    let port = lab.appliance.https_addr().unwrap().port();
    let out = Command::new("curl").args(["-sS", &format!("https://127.0.0.1:{port}/ip")]).output().unwrap();
    assert!(!out.status.success());

    // The certificate is kept across restarts, so clients that pinned it keep working.
    let pem = std::fs::read(&cert).unwrap();
    let lab = lab.restart();
    assert_eq!(std::fs::read(&cert).unwrap(), pem);
    let (ok, body) = curl(&lab, &cert, "/healthz", None);
    assert!(ok && body == "ok", "{body}");
}

#[test]
fn configured_pem_files_are_served() {
    if !have_program("curl") {
        return;
    }
    let first = https_lab(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
    std::fs::copy(first.data_dir().join("tls/cert.pem"), &cert).unwrap();
    std::fs::copy(first.data_dir().join("tls/key.pem"), &key).unwrap();
    drop(first);

    let lab = https_lab(|c| {
        c.tls_cert = Some(cert.clone());
        c.tls_key = Some(key.clone());
    });
    let (ok, body) = curl(&lab, &cert, "/ip", None);
    assert!(ok && body == "127.0.0.1", "{body}");
    assert!(!lab.data_dir().join("tls").exists(), "no self-signed certificate is made when files are given");

    // A key that does not belong to the certificate is refused at start, with a clear error.
    let other = https_lab(|_| {});
    let mut config = porchlight_tests::lab_config(dir.path());
    config.data_dir = dir.path().join("mismatch");
    config.https = Some("127.0.0.1:0".parse().unwrap());
    config.tls_cert = Some(cert.clone());
    config.tls_key = Some(other.data_dir().join("tls/key.pem"));
    let err = porchlight::Appliance::start(config).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("do not fit together"), "{err}");
}
