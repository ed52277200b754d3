//! Nothing acknowledged is lost: 2,000 updates from 100 clients at once, the appliance killed
//! with SIGKILL halfway through, started again on the same data directory; every update that
//! was answered `good` is in the database, in the address history and in DNS.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use porchlight_tests::bench::{TOKENS, ZoneShape, fill};
use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Serving, ZONE, answers, basic, query_udp};

const CLIENTS: usize = 100;
const PER_CLIENT: usize = 20;

/// What one host was told, in order, and the update in flight when the answers stopped.
#[derive(Default, Clone)]
struct Told {
    acknowledged: Vec<String>,
    in_flight: Option<String>,
}

fn update(http: SocketAddr, host: &str, token: &str, ip: &str) -> Option<String> {
    let mut stream = TcpStream::connect(http).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let request = format!("GET /nic/update?hostname={host}&myip={ip} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nConnection: close\r\n\r\n", basic(host, token));
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_string())
}

fn serve(home: &std::path::Path, config: &std::path::Path) -> Serving {
    let data = home.join("data");
    Serving::start(home, &["--config", config.to_str().unwrap(), "--data-dir", data.to_str().unwrap(), "--zone", ZONE, "--http", "127.0.0.1:0", "--dns", "127.0.0.1:0"])
}

#[test]
fn every_acknowledged_update_survives_sigkill() {
    let home = tempfile::tempdir().unwrap();
    let tokens = fill(home.path(), ZoneShape::addresses(TOKENS));
    let config = home.path().join("porchlight.toml");
    // 2,000 updates in seconds from one address: lift the limits meant for routers.
    std::fs::write(&config, "durability = \"full\"\nmax_connections_per_address = 1000\n[rate_limit]\nupdates_per_minute = 1000000\nrequests_per_address_per_minute = 1000000\n").unwrap();
    let mut serving = serve(home.path(), &config);
    let http = serving.addr("HTTP:");

    let told: Arc<Mutex<HashMap<String, Told>>> = Arc::default();
    let answered = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (host, token) = tokens[c % tokens.len()].clone();
            let (told, answered) = (told.clone(), answered.clone());
            std::thread::spawn(move || {
                for i in 0..PER_CLIENT {
                    let ip = format!("10.{}.{c}.{i}", c / 256);
                    told.lock().unwrap().entry(host.clone()).or_default().in_flight = Some(ip.clone());
                    let Some(body) = update(http, &host, &token, &ip) else { return };
                    assert_eq!(body, format!("good {ip}"), "update {i} of client {c}");
                    let mut told = told.lock().unwrap();
                    let entry = told.get_mut(&host).unwrap();
                    entry.acknowledged.push(ip);
                    entry.in_flight = None;
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let started = Instant::now();
    while answered.load(Ordering::SeqCst) < CLIENTS * PER_CLIENT / 2 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(1));
    }
    // SIGKILL: no shutdown, no checkpoint, no flush of anything.
    serving.stop();
    for client in clients {
        client.join().unwrap();
    }
    let told = told.lock().unwrap().clone();
    let acknowledged: usize = told.values().map(|t| t.acknowledged.len()).sum();
    assert!((CLIENTS * PER_CLIENT / 2..CLIENTS * PER_CLIENT).contains(&acknowledged), "killed halfway: {acknowledged} acknowledged");

    let serving = serve(home.path(), &config);
    let dns = serving.addr("DNS:");
    let db = rusqlite::Connection::open(home.path().join("data/porchlight.db")).unwrap();
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    for (host, told) in &told {
        let Some(last) = told.acknowledged.last() else { continue };
        // The newest acknowledged address, or the one sent after it whose answer the kill cut off.
        let allowed: Vec<&String> = std::iter::once(last).chain(told.in_flight.as_ref()).collect();
        let stored: String = db
            .query_row("SELECT content FROM records WHERE name = ?1 AND type = 'A'", [host], |r| r.get(0))
            .unwrap();
        assert!(allowed.contains(&&stored), "{host}: database has {stored}, acknowledged {last}");
        let served = answers(&query_udp(dns, host, RecordType::A), RecordType::A);
        assert_eq!(served, vec![stored.clone()], "{host}: DNS serves what the database has");
        let mut history = db
            .prepare("SELECT new FROM host_history h JOIN hostnames n ON n.id = h.hostname_id WHERE n.name = ?1")
            .unwrap();
        let history: Vec<String> = history.query_map([host], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for ip in &told.acknowledged {
            assert!(history.contains(ip), "{host}: acknowledged {ip} is missing from the address history");
        }
    }
}
