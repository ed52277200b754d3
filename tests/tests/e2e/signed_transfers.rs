//! A signed zone's life as its secondaries see it: IXFR carries exactly what an update
//! changed (records, signatures, NSEC3 records) and nothing else; a restart keeps the
//! signatures' validity window and serial; signatures nearing their end are made anew under
//! a new serial; a key rollover and switching DNSSEC reach a real Knot secondary.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use porchlight_tests::{Lab, ZONE, basic, have_program, run_porchlight};

use crate::dnssec::{ZONE_ID, signed_lab, signed_primary};

/// The records `dig` prints for a transfer (`AXFR` or `IXFR=N`), one normalised line each.
fn transfer(lab: &Lab, kind: &str) -> Vec<String> {
    let port = lab.dns().port().to_string();
    let out = Command::new("dig").args(["@127.0.0.1", "-p", &port, ZONE, kind, "+nocmd", "+nostats", "+nocomments"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with(';'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn is_soa(line: &str) -> bool {
    line.split(' ').nth(3) == Some("SOA")
}

fn soa_serial(line: &str) -> u32 {
    assert!(is_soa(line), "not a SOA: {line}");
    line.split(' ').nth(6).unwrap().parse().unwrap()
}

/// A whole zone as a multiset of lines (the closing SOA, a repeat, left out), and its serial.
fn zone_set(axfr: &[String]) -> (u32, BTreeMap<String, usize>) {
    assert!(axfr.len() > 2 && is_soa(&axfr[0]) && axfr.last() == axfr.first(), "a whole zone, SOA first and last: {axfr:#?}");
    let mut set = BTreeMap::new();
    for line in &axfr[..axfr.len() - 1] {
        *set.entry(line.clone()).or_default() += 1;
    }
    (soa_serial(&axfr[0]), set)
}

/// Applies an incremental transfer (RFC 1995: new SOA, then per step the old SOA, what
/// went, the new SOA, what came; the new SOA again) to `zone`; each record removed must have
/// been there and each added must not be. Returns how many records the steps carried.
fn apply_ixfr(zone: &mut BTreeMap<String, usize>, ixfr: &[String]) -> usize {
    let last = ixfr.last().unwrap();
    let mut adding = false;
    let mut started = false;
    for line in &ixfr[1..ixfr.len() - 1] {
        if is_soa(line) && (!started || adding) {
            // A step's old SOA: it goes (from the zone as it stands), and so does what follows.
            let n = zone.get_mut(line).unwrap_or_else(|| panic!("the step starts from {line}, which the zone does not hold"));
            *n -= 1;
            zone.retain(|_, n| *n > 0);
            (started, adding) = (true, false);
        } else if is_soa(line) {
            // The step's new SOA: it and what follows come.
            *zone.entry(line.clone()).or_default() += 1;
            adding = true;
        } else if adding {
            assert!(!zone.contains_key(line), "added twice: {line}");
            *zone.entry(line.clone()).or_default() += 1;
        } else {
            let n = zone.get_mut(line).unwrap_or_else(|| panic!("removes a record the zone does not hold: {line}"));
            *n -= 1;
            zone.retain(|_, n| *n > 0);
        }
    }
    assert!(zone.contains_key(last), "the zone ends at the transfer's serial {last}");
    ixfr.len() - 2
}

#[test]
fn an_ixfr_of_a_signed_zone_carries_exactly_what_changed() {
    if !have_program("dig") {
        return;
    }
    let (lab, admin) = signed_lab();
    let (old_serial, mut zone) = zone_set(&transfer(&lab, "AXFR"));

    // A new name (the NSEC3 chain changes), a changed address, a deleted record.
    let host = format!("nas.{ZONE}");
    let token = lab.host("root@example.com", &host);
    for ip in ["198.51.100.98", "198.51.100.99"] {
        assert_eq!(lab.get(&format!("/nic/update?myip={ip}"), &[("Authorization", &basic(&host, &token))]).body, format!("good {ip}"));
    }
    let records = lab.api("GET", &format!("/api/domains/{ZONE_ID}/records"), Some(&admin), None).json();
    let sip = records["records"].as_array().unwrap().iter().find(|r| r["name"] == format!("sip.{ZONE}")).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(lab.api("DELETE", &format!("/api/domains/{ZONE_ID}/records/{sip}"), Some(&admin), None).status, 204);

    let axfr = transfer(&lab, "AXFR");
    let (new_serial, new_zone) = zone_set(&axfr);
    assert!(new_serial > old_serial);
    let ixfr = transfer(&lab, &format!("IXFR={old_serial}"));
    assert!(ixfr.len() > 2 && soa_serial(&ixfr[0]) == new_serial, "{ixfr:#?}");
    assert_eq!(soa_serial(&ixfr[1]), old_serial, "incremental, not the whole zone: {ixfr:#?}");
    let carried = apply_ixfr(&mut zone, &ixfr);
    assert_eq!(zone, new_zone, "the old zone with the IXFR applied is the new zone");
    let text = ixfr.join("\n");
    for what in [" RRSIG A 13 ", " RRSIG SOA 13 ", " NSEC3 1 0 0 - ", " RRSIG NSEC3 13 ", "198.51.100.99"] {
        assert!(text.contains(what), "the increment carries {what:?}:\n{text}");
    }
    println!("IXFR of three changes: {carried} records; the whole zone: {} records", axfr.len());
    assert!(carried * 3 < axfr.len(), "an increment, not the zone: {carried} of {}", axfr.len());

    // One serial behind, only the last step comes.
    let middle = new_serial - 1;
    let ixfr = transfer(&lab, &format!("IXFR={middle}"));
    assert_eq!(soa_serial(&ixfr[1]), middle, "{ixfr:#?}");
    assert!(ixfr.join("\n").contains("sip."), "the last step deleted sip: {ixfr:#?}");
    assert!(!ixfr.join("\n").contains("198.51.100.98"), "earlier steps stay out: {ixfr:#?}");

    // A key rollover is a version of its own (a new serial): from it, the next change is an
    // increment again.
    let r = lab.api("POST", &format!("/api/domains/{ZONE_ID}/dnssec/rollover"), Some(&admin), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let (rolled, mut zone) = zone_set(&transfer(&lab, "AXFR"));
    assert!(rolled > new_serial);
    assert_eq!(lab.get("/nic/update?myip=198.51.100.100", &[("Authorization", &basic(&host, &token))]).body, "good 198.51.100.100");
    let ixfr = transfer(&lab, &format!("IXFR={rolled}"));
    assert_eq!(soa_serial(&ixfr[1]), rolled, "incremental from the rollover's serial: {ixfr:#?}");
    apply_ixfr(&mut zone, &ixfr);
    assert_eq!(zone, zone_set(&transfer(&lab, "AXFR")).1);
}

/// The `RRSIG SOA` line's expiration field.
fn soa_signature_ends(lab: &Lab) -> String {
    let port = lab.dns().port().to_string();
    let out = Command::new("dig").args(["@127.0.0.1", "-p", &port, ZONE, "SOA", "+dnssec", "+short"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = text.lines().find(|l| l.starts_with("SOA ")).unwrap_or_else(|| panic!("no RRSIG SOA: {text}"));
    line.split_whitespace().nth(4).unwrap().to_string()
}

#[test]
fn a_restart_keeps_the_signatures_and_signatures_near_their_end_come_with_a_new_serial() {
    if !have_program("dig") {
        return;
    }
    let (lab, _admin) = signed_lab();
    let (serial, ends) = (lab.serial(), soa_signature_ends(&lab));
    let lab = lab.restart();
    assert_eq!((lab.serial(), soa_signature_ends(&lab)), (serial, ends.clone()), "same serial, same validity window after a restart");

    // A secondary still at the serial before the restart gets the zone whole once it moved
    // on (the versions IXFR is made from do not outlive the process).
    let host = format!("nas.{ZONE}");
    let token = lab.host("root@example.com", &host);
    assert_eq!(lab.get("/nic/update?myip=198.51.100.7", &[("Authorization", &basic(&host, &token))]).body, "good 198.51.100.7");
    let ixfr = transfer(&lab, &format!("IXFR={serial}"));
    assert!(!is_soa(&ixfr[1]), "the whole zone, AXFR-style: {:#?}", &ixfr[..3]);
    assert_eq!(zone_set(&ixfr), zone_set(&transfer(&lab, "AXFR")));

    // Eight days on (the signing time set back by as much, under the running appliance):
    // the signatures have six days left, and the appliance signs anew under a new serial.
    let before = lab.serial();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let eight_days_ago = now - 8 * 86_400;
    lab.db().execute("UPDATE zones SET signed_at = ?1 WHERE id = ?2", rusqlite::params![eight_days_ago, ZONE_ID]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while lab.serial() == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let after = lab.serial();
    assert!(after > before, "signed anew under a new serial ({before} → {after})");
    let signed_at: i64 = lab.db().query_row("SELECT signed_at FROM zones WHERE id = ?1", [ZONE_ID], |r| r.get(0)).unwrap();
    assert!(signed_at > eight_days_ago + 86_400, "the signing time moved to now");
    let ends_now = soa_signature_ends(&lab);
    assert!(ends_now >= ends, "the new signatures end 14 days from now, not 6: {ends} → {ends_now}");
    let ixfr = transfer(&lab, &format!("IXFR={before}"));
    assert!(!is_soa(&ixfr[1]), "every signature changed: the zone goes whole");
}

/// The DNSKEY records `server` answers for the lab's zone.
fn dnskeys(server: std::net::SocketAddr) -> usize {
    let out = Command::new("dig").args(["@127.0.0.1", "-p", &server.port().to_string(), ZONE, "DNSKEY", "+short"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("257 3 13 ")).count()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_knot_secondary_follows_a_key_rollover() {
    if !have_program("knotd") || !have_program("dig") {
        return;
    }
    let knot_port = porchlight_tests::knot::free_port();
    let lab = signed_primary(Some(knot_port));
    let knot = porchlight_tests::knot::Knot::start(knot_port, lab.dns());
    wait_until("the secondary serves the zone", || dnskeys(knot.addr) == 1);
    let serial = lab.serial();
    let data = lab.data_dir();
    let data = data.to_str().unwrap();
    // Started from the command line beside the running appliance: no record changes, yet
    // a new serial, and the secondary serves both keys.
    let out = run_porchlight(None, &["zone", "rollover", ZONE, "--data-dir", data], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_until("the appliance serves both keys", || dnskeys(lab.dns()) == 2);
    assert!(lab.serial() > serial, "a key added is a new serial");
    wait_until("the secondary serves both keys", || dnskeys(knot.addr) == 2);
    // Finished: the old key leaves the secondary too.
    let out = run_porchlight(None, &["zone", "rollover", ZONE, "--finish", "--data-dir", data], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_until("the secondary serves the new key alone", || dnskeys(knot.addr) == 1 && dnskeys(lab.dns()) == 1);
}
