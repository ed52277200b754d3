//! Automatic backups: made on schedule while updates go on, pruned to `keep`, handed to the
//! hook, and every one kept restores into an appliance that serves what it held.

use std::time::{Duration, Instant};

use porchlight_tests::bench::{TOKENS, ZoneShape, fill};
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Serving, ZONE, answers, basic, query_udp, run_porchlight};

fn backups(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|e| e == "db"));
    found.sort();
    found
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(30), "{what} did not happen");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn update(http: std::net::SocketAddr, host: &str, token: &str, ip: &str) {
    let out = std::process::Command::new("curl")
        .args(["-s", "--max-time", "10", "-H", &format!("Authorization: {}", basic(host, token)), &format!("http://{http}/nic/update?hostname={host}&myip={ip}")])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("good {ip}"));
}

#[test]
fn scheduled_backups_are_kept_handed_to_the_hook_and_each_restores() {
    let home = tempfile::tempdir().unwrap();
    let tokens = fill(home.path(), ZoneShape::addresses(TOKENS));
    let (host, token) = &tokens[0];
    let store = home.path().join("kept");
    let hooked = home.path().join("hooked.txt");
    let hook = home.path().join("hook.sh");
    std::fs::write(&hook, format!("#!/bin/sh\necho \"$1\" >> {}\n", hooked.display())).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&hook).status().unwrap();
    let config = home.path().join("porchlight.toml");
    std::fs::write(&config, format!("[backup]\nevery_seconds = 2\nkeep = 2\ndir = \"{}\"\nhook = \"{}\"\n", store.display(), hook.display())).unwrap();
    let data = home.path().join("data");
    let mut serving = Serving::start(home.path(), &["--config", config.to_str().unwrap(), "--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
    let http = serving.addr("HTTP:");

    // One at start (there was none), then one every two seconds.
    wait_for("the first backup", || !backups(&store).is_empty());
    update(http, host, token, "198.51.100.11");
    let after_first = backups(&store).last().cloned().unwrap();
    wait_for("a backup after the update", || backups(&store).last() != Some(&after_first));
    update(http, host, token, "198.51.100.12");
    let after_second = backups(&store).last().cloned().unwrap();
    wait_for("a backup after the second update", || backups(&store).last() != Some(&after_second));
    serving.stop();

    let kept = backups(&store);
    assert_eq!(kept.len(), 2, "keep = 2: {kept:?}");
    let handed: Vec<String> = std::fs::read_to_string(&hooked).unwrap().lines().map(String::from).collect();
    assert!(handed.len() >= 3, "the hook got every backup: {handed:?}");
    for backup in &kept {
        assert!(handed.contains(&backup.display().to_string()), "{} was not handed to the hook", backup.display());
    }

    // Each kept backup restores, and the appliance serves what it held.
    for (i, backup) in kept.iter().enumerate() {
        let restored = home.path().join(format!("restored-{i}"));
        let out = run_porchlight(Some(home.path()), &["restore", backup.to_str().unwrap(), "--data-dir", restored.to_str().unwrap()], "");
        assert!(out.status.success(), "restore failed: {}", String::from_utf8_lossy(&out.stderr));
        let serving = Serving::start(home.path(), &["--data-dir", restored.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"]);
        let served = answers(&query_udp(serving.addr("DNS:"), host, RecordType::A), RecordType::A);
        let expected = if i + 1 == kept.len() { vec!["198.51.100.12".to_string()] } else { served.clone() };
        assert!(["198.51.100.11", "198.51.100.12"].contains(&served[0].as_str()), "{}: serves {served:?}", backup.display());
        assert_eq!(served, expected, "the newest backup holds the last update");
    }
}
