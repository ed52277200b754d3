//! Which built-in zones are signed: a zone new to the database is, unless `dnssec = false`;
//! a zone the database already served unsigned (an appliance upgraded from before DNSSEC)
//! stays unsigned until `dnssec = true`; and switching either way reaches DNS at once,
//! under a new serial.

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, ZONE, run_porchlight};

/// The DNSKEY records the lab answers for its zone.
fn dnskeys(lab: &Lab) -> usize {
    lab.answers(ZONE, RecordType::DNSKEY).len()
}

fn zone_ds(lab: &Lab) -> std::process::Output {
    let data = lab.data_dir();
    run_porchlight(None, &["zone", "ds", ZONE, "--data-dir", data.to_str().unwrap()], "")
}

#[test]
fn a_new_zone_is_signed_unless_told_otherwise() {
    let lab = Lab::start();
    assert_eq!(lab.config().zone[0].dnssec, None, "nothing said about DNSSEC");
    assert_eq!(dnskeys(&lab), 1, "a new zone is signed");
    let out = zone_ds(&lab);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains(" IN DS "), "{out:?}");

    let plain = Lab::start_with(|c| c.zone[0].dnssec = Some(false));
    assert_eq!(dnskeys(&plain), 0, "dnssec = false");
    let out = zone_ds(&plain);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not signed"), "{out:?}");
}

#[test]
fn a_zone_served_unsigned_stays_unsigned_until_switched_on_and_off_again() {
    // Served unsigned first (as by a release before DNSSEC), then started with nothing said.
    let lab = Lab::start_with(|c| c.zone[0].dnssec = Some(false));
    let serial = lab.serial();
    let lab = lab.restart_with(|c| c.zone[0].dnssec = None);
    assert_eq!((dnskeys(&lab), lab.serial()), (0, serial), "an existing zone keeps what it had");

    // Switched on: a key, a new serial.
    let lab = lab.restart_with(|c| c.zone[0].dnssec = Some(true));
    assert_eq!(dnskeys(&lab), 1);
    let signed_serial = lab.serial();
    assert!(signed_serial > serial, "signing is a new serial ({serial} → {signed_serial})");
    let ds = String::from_utf8_lossy(&zone_ds(&lab).stdout).to_string();
    // Nothing said again: it stays signed, with the same key.
    let lab = lab.restart_with(|c| c.zone[0].dnssec = None);
    assert_eq!((dnskeys(&lab), lab.serial()), (1, signed_serial));
    assert_eq!(String::from_utf8_lossy(&zone_ds(&lab).stdout), ds, "the same key");

    // Switched off: the key is gone, under a new serial; answers are unsigned again.
    let lab = lab.restart_with(|c| c.zone[0].dnssec = Some(false));
    assert_eq!(dnskeys(&lab), 0);
    assert!(lab.serial() > signed_serial);
    assert_eq!(lab.count("SELECT count(*) FROM dnssec_keys"), 0, "the key is deleted");
}

#[test]
fn the_command_line_switches_and_check_config_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let check = |flags: &[&str]| {
        let mut args = vec!["check-config", "--data-dir", data, "--zone", ZONE];
        args.extend_from_slice(flags);
        let out = run_porchlight(None, &args, "");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).lines().find(|l| l.starts_with("zone = ")).unwrap().to_string()
    };
    assert!(check(&[]).contains("DNSSEC, algorithm 13, when new to the database"), "{}", check(&[]));
    assert!(check(&["--dnssec"]).ends_with("DNSSEC, algorithm 13)"), "{}", check(&["--dnssec"]));
    assert!(check(&["--no-dnssec"]).contains("not signed (dnssec = false)"), "{}", check(&["--no-dnssec"]));
    let both = run_porchlight(None, &["check-config", "--zone", ZONE, "--dnssec", "--no-dnssec"], "");
    assert!(!both.status.success() && String::from_utf8_lossy(&both.stderr).contains("cannot be used with"), "{both:?}");
}
