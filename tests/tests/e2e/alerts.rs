//! Alerts through real channels: a local HTTP receiver playing a webhook endpoint, an ntfy
//! server and a Gotify server (checked for each one's request shape), and a real SMTP
//! server (Python's aiosmtpd). Hosts going stale, failing and changing address, and a
//! custom domain's delegation breaking, each told once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use porchlight_tests::receiver::Receiver;
use porchlight_tests::{Lab, basic, delegate, parent};
use serde_json::json;

const HOST: &str = "home.dyn.example.test";

struct Smtp {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// aiosmtpd on 127.0.0.1, delivering into a maildir.
fn smtp() -> Option<Smtp> {
    smtp_with(&[])
}

/// aiosmtpd with extra arguments (its TLS settings).
fn smtp_with(extra: &[&str]) -> Option<Smtp> {
    let installed = Command::new("/usr/bin/python3").args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
    if !installed {
        assert!(std::env::var_os("CI").is_none(), "python3-aiosmtpd is not installed; the test command installs it");
        eprintln!("SKIPPED: python3-aiosmtpd is not installed (tests/run.sh installs it)");
        return None;
    }
    let port = porchlight_tests::knot::free_port();
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let child = Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(extra)
        .args(["-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Smtp { child, dir, port })
}

impl Smtp {
    /// Every message delivered so far, as text.
    fn mail(&self) -> Vec<String> {
        let mut all = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail").join(sub)) {
                all.extend(entries.flatten().map(|e| std::fs::read_to_string(e.path()).unwrap_or_default()));
            }
        }
        all
    }
}

fn add(lab: &Lab, session: &str, body: serde_json::Value) -> String {
    let r = lab.api("POST", "/api/alerts/channels", Some(session), Some(body));
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(!r.body.contains("s3cret") && !r.body.contains("tk_abc"), "secrets are never shown: {}", r.body);
    r.json()["channel"]["id"].as_str().unwrap().to_string()
}

fn test_send(lab: &Lab, session: &str, id: &str) -> serde_json::Value {
    let r = lab.api("POST", &format!("/api/alerts/channels/{id}/test"), Some(session), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[test]
fn every_channel_kind_delivers_its_test_in_its_own_shape() {
    let receiver = Receiver::start();
    let Some(mail) = smtp() else { return };
    let lab = Lab::start_with(|c| {
        c.alerts.smtp = Some(porchlight::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(mail.port),
            security: "none".into(),
            username: None,
            password: None,
            from: "porchlight <porchlight@example.test>".into(),
            ca_file: None,
        });
    });
    let admin = lab.admin("admin@example.com");
    let webhook = add(&lab, &admin, json!({"kind": "webhook", "url": receiver.url("/hook"), "secretHeader": "X-Porchlight-Secret", "secret": "s3cret"}));
    let ntfy = add(&lab, &admin, json!({"kind": "ntfy", "url": receiver.url("/porchlight-alerts"), "token": "tk_abc"}));
    let gotify = add(&lab, &admin, json!({"kind": "gotify", "url": receiver.url("/gotify/"), "token": "AgotifyToken"}));
    let email = add(&lab, &admin, json!({"kind": "email", "to": "me@example.test"}));

    for id in [&webhook, &ntfy, &gotify, &email] {
        assert_eq!(test_send(&lab, &admin, id), json!({"delivered": true, "error": null}));
    }
    let hook = receiver.wait_for("webhook", |r| r.path == "/hook");
    assert_eq!((hook.method.as_str(), hook.header("x-porchlight-secret"), hook.header("content-type")), ("POST", Some("s3cret"), Some("application/json")));
    assert_eq!(hook.json()["event"], "test");
    assert!(hook.json()["message"].as_str().unwrap().contains("admin@example.com"));
    let topic = receiver.wait_for("ntfy", |r| r.path == "/porchlight-alerts");
    assert_eq!((topic.header("authorization"), topic.header("title")), (Some("Bearer tk_abc"), Some("porchlight test alert")));
    assert!(topic.body.starts_with("This is a test from porchlight"), "ntfy takes the message as the body: {}", topic.body);
    let message = receiver.wait_for("gotify", |r| r.path == "/gotify/message");
    assert_eq!(message.header("x-gotify-key"), Some("AgotifyToken"));
    assert_eq!((message.json()["title"].as_str(), message.json()["priority"].is_u64()), (Some("porchlight test alert"), true));
    let deadline = Instant::now() + Duration::from_secs(10);
    while mail.mail().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let letters = mail.mail();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert!(letters[0].contains("Subject: porchlight test alert") && letters[0].contains("To: me@example.test"), "{}", letters[0]);

    // An endpoint that fails: said at once, and on the channel.
    receiver.answer(500);
    let failed = test_send(&lab, &admin, &webhook);
    assert_eq!(failed["delivered"], false);
    assert!(failed["error"].as_str().unwrap().contains("500"), "{failed}");
    let listed = lab.api("GET", "/api/alerts/channels", Some(&admin), None).json();
    let channel = listed["channels"].as_array().unwrap().iter().find(|c| c["id"] == webhook.as_str()).unwrap().clone();
    assert!(channel["lastError"].as_str().unwrap().contains("500") && channel["hasSecret"] == true, "{channel}");
    let log = lab.api("GET", "/api/logs", Some(&admin), None).json().to_string();
    assert!(log.contains("alert sent") && log.contains("alert failed"), "{log}");

    // Deleted channels are gone; another account cannot touch them.
    lab.user("b@example.com");
    let bob = lab.login("b@example.com");
    assert_eq!(lab.api("DELETE", &format!("/api/alerts/channels/{ntfy}"), Some(&bob), None).status, 404);
    assert_eq!(lab.api("POST", &format!("/api/alerts/channels/{ntfy}/test"), Some(&bob), None).status, 404);
    assert_eq!(lab.api("DELETE", &format!("/api/alerts/channels/{ntfy}"), Some(&admin), None).status, 204);
    assert_eq!(lab.api("GET", "/api/alerts/channels", Some(&admin), None).json()["channels"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_channels_are_refused_and_nobody_but_an_administrator_reaches_the_lan() {
    let lab = Lab::start();
    lab.user("a@example.com");
    let alice = lab.login("a@example.com");
    let before = lab.count("SELECT count(*) FROM alert_channels");
    for (body, expected) in [
        (json!({"kind": "webhook", "url": "http://127.0.0.1:9/hook"}), "Only an administrator"),
        (json!({"kind": "webhook", "url": "http://192.168.1.1/"}), "Only an administrator"),
        (json!({"kind": "pager", "url": "https://example.com/"}), "kind is one of"),
        (json!({"kind": "webhook"}), "url is required"),
        (json!({"kind": "webhook", "url": "example.com"}), "http://"),
        (json!({"kind": "ntfy", "url": "https://ntfy.example.com/"}), "names the topic"),
        (json!({"kind": "gotify", "url": "https://gotify.example.com"}), "token is required"),
        (json!({"kind": "email", "to": "me@example.com"}), "SMTP"),
        (json!({"kind": "webhook", "url": "https://example.com/", "secret": "x"}), "go together"),
    ] {
        let r = lab.api("POST", "/api/alerts/channels", Some(&alice), Some(body.clone()));
        assert!(r.status == 422 || r.status == 409 || r.status == 400, "{body}: {} {}", r.status, r.body);
        assert!(r.body.contains(expected), "{body}: {}", r.body);
    }
    assert_eq!(lab.count("SELECT count(*) FROM alert_channels"), before);
    let r = lab.api("PATCH", "/api/alerts/settings", Some(&alice), Some(json!({"staleAfterHours": 100000})));
    assert_eq!(r.status, 422, "{}", r.body);
    let r = lab.api("PATCH", "/api/alerts/settings", Some(&alice), Some(json!({"failuresInARow": 3, "addressChanges": true})));
    assert_eq!(r.json(), json!({"staleAfterHours": 25, "failuresInARow": 3, "addressChanges": true}));
}

/// Waits for a webhook of `event`, and returns its document.
fn event(receiver: &Receiver, event: &str) -> serde_json::Value {
    receiver.wait_for(event, |r| r.path == "/hook" && r.json()["event"] == event).json()
}

#[test]
fn hosts_that_fail_go_stale_or_change_address_are_told_once_each() {
    let receiver = Receiver::start();
    let lab = Lab::start_with(|c| c.alerts.check_seconds = 1);
    let admin = lab.admin("admin@example.com");
    let token = lab.host("admin@example.com", HOST);
    add(&lab, &admin, json!({"kind": "webhook", "url": receiver.url("/hook")}));
    let r = lab.api("PATCH", "/api/alerts/settings", Some(&admin), Some(json!({"failuresInARow": 3, "addressChanges": true})));
    assert_eq!(r.status, 200, "{}", r.body);

    // An address change, told because the account asked.
    let auth = basic(HOST, &token);
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.5"), &[("Authorization", &auth)]).body, "good 203.0.113.5");
    let changed = event(&receiver, "host.address");
    assert_eq!((changed["hostname"].as_str(), changed["type"].as_str(), changed["new"].as_str()), (Some(HOST), Some("A"), Some("203.0.113.5")));

    // Three wrong tokens in a row: failing, told once, with what the router did.
    let wrong = basic(HOST, "pth_wrongwrongwrongwrongwrongwrong");
    for _ in 0..4 {
        lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.5"), &[("Authorization", &wrong), ("User-Agent", "ddclient/3.10.0")]);
    }
    let failing = event(&receiver, "host.failing");
    assert_eq!((failing["result"].as_str(), failing["userAgent"].as_str()), (Some("badauth"), Some("ddclient/3.10.0")), "{failing}");
    assert!(failing["message"].as_str().unwrap().contains("badauth from 127.0.0.1 (ddclient/3.10.0)"), "{failing}");
    std::thread::sleep(Duration::from_millis(2500));
    let told = |e: &str| receiver.all().iter().filter(|r| r.path == "/hook" && r.json()["event"] == e).count();
    assert_eq!(told("host.failing"), 1, "once per streak");

    // A success ends it.
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.5"), &[("Authorization", &auth)]).body, "nochg 203.0.113.5");
    event(&receiver, "host.recovered");

    // No success for longer than the window: stale (the last success moved back a day).
    let db = lab.db();
    db.execute("UPDATE host_attempts SET last_success_at = last_success_at - 26 * 3600", []).unwrap();
    db.execute("UPDATE hostnames SET updated_at = updated_at - 26 * 3600", []).unwrap();
    let stale = event(&receiver, "host.stale");
    assert_eq!(stale["hostname"], HOST);
    assert!(stale["message"].as_str().unwrap().contains("no successful update for 26 h"), "{stale}");
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(told("host.stale"), 1, "once while stale");
    let log = lab.api("GET", "/api/logs?perPage=200", Some(&admin), None).json().to_string();
    assert!(log.contains("host.stale") && log.contains("alert sent"), "{log}");
}

#[test]
fn a_delivery_that_fails_is_retried_later_and_logged() {
    let receiver = Receiver::start();
    receiver.answer(503);
    let lab = Lab::start_with(|c| c.alerts.check_seconds = 1);
    let admin = lab.admin("admin@example.com");
    let token = lab.host("admin@example.com", HOST);
    add(&lab, &admin, json!({"kind": "webhook", "url": receiver.url("/hook")}));
    lab.api("PATCH", "/api/alerts/settings", Some(&admin), Some(json!({"addressChanges": true})));
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOST}&myip=203.0.113.6"), &[("Authorization", &basic(HOST, &token))]).body, "good 203.0.113.6");
    receiver.wait_for("the first try", |r| r.path == "/hook");
    let deadline = Instant::now() + Duration::from_secs(10);
    while lab.count("SELECT count(*) FROM alert_outbox WHERE tries = 1") == 0 {
        assert!(Instant::now() < deadline, "the failed delivery stays queued for a retry");
        std::thread::sleep(Duration::from_millis(50));
    }
    let next_at: i64 = lab.db().query_row("SELECT next_at - strftime('%s','now') FROM alert_outbox", [], |r| r.get(0)).unwrap();
    assert!((25..=31).contains(&next_at), "retried in 30 s: {next_at}");
    let log = lab.api("GET", "/api/logs", Some(&admin), None).json().to_string();
    assert!(log.contains("503") && log.contains("retrying in 30 s"), "{log}");
}

#[test]
fn a_broken_delegation_is_told_to_the_domains_owner() {
    let (parent_lab, registrar) = parent();
    let receiver = Receiver::start();
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(parent_lab.dns());
        c.alerts.check_seconds = 1;
        c.alerts.delegation_check_minutes = 0;
    });
    let admin = lab.admin("admin@example.com");
    let r = lab.api("POST", "/api/domains", Some(&admin), Some(json!({"name": "mine.parent.test"})));
    let id = r.json()["domain"]["id"].as_str().unwrap().to_string();
    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    assert_eq!(lab.api("POST", &format!("/api/domains/{id}/verify"), Some(&admin), None).json()["delegation"]["verified"], true);
    add(&lab, &admin, json!({"kind": "webhook", "url": receiver.url("/hook")}));

    // The registrar points it elsewhere.
    let records = parent_lab.api("GET", "/api/domains/00000000-0000-0000-0000-000000000002/records", Some(&registrar), None).json();
    let ns = records["records"].as_array().unwrap().iter().find(|r| r["type"] == "NS" && r["content"].as_str().unwrap().contains("ns1.dyn")).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(parent_lab.api("DELETE", &format!("/api/domains/00000000-0000-0000-0000-000000000002/records/{ns}"), Some(&registrar), None).status, 204);
    delegate(&parent_lab, &registrar, "ns.elsewhere.example");
    let broken = event(&receiver, "domain.delegation");
    assert_eq!(broken["domain"], "mine.parent.test");
    assert!(broken["message"].as_str().unwrap().contains("does not include ns1.dyn.example.test"), "{broken}");

    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    event(&receiver, "domain.delegated");
}

/// A CA and a certificate for `localhost` signed by it, made with openssl.
fn certificates(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let script = "set -e
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=porchlight-test-ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=localhost 2>/dev/null
        printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > leaf.ext
        openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile leaf.ext 2>/dev/null";
    let status = Command::new("sh").args(["-c", script]).current_dir(dir).status().unwrap();
    assert!(status.success(), "openssl could not make the test certificates");
    (dir.join("ca.pem"), dir.join("leaf.pem"), dir.join("leaf.key"))
}

#[test]
fn e_mail_goes_through_starttls_and_implicit_tls_with_the_relays_own_ca() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    for (security, flags) in [("starttls", vec!["--tlscert", cert, "--tlskey", key]), ("tls", vec!["--smtpscert", cert, "--smtpskey", key])] {
        let Some(mail) = smtp_with(&flags) else { return };
        let smtp = |ca_file: Option<std::path::PathBuf>| porchlight::config::SmtpConfig {
            host: "localhost".into(),
            port: Some(mail.port),
            security: security.into(),
            username: None,
            password: None,
            from: "porchlight@example.test".into(),
            ca_file,
        };
        // Without the relay's CA the certificate is not trusted, and nothing is sent.
        let untrusting = Lab::start_with(|c| c.alerts.smtp = Some(smtp(None)));
        let admin = untrusting.admin("admin@example.com");
        let id = add(&untrusting, &admin, json!({"kind": "email", "to": "me@example.test"}));
        let refused = test_send(&untrusting, &admin, &id);
        assert_eq!(refused["delivered"], false, "{security}: {refused}");
        drop(untrusting);

        let lab = Lab::start_with(|c| c.alerts.smtp = Some(smtp(Some(ca.clone()))));
        let admin = lab.admin("admin@example.com");
        let id = add(&lab, &admin, json!({"kind": "email", "to": "me@example.test"}));
        assert_eq!(test_send(&lab, &admin, &id), json!({"delivered": true, "error": null}), "{security}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while mail.mail().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(mail.mail().len(), 1, "{security}: one letter, sent over TLS");
    }
}
