//! Zone transfer requests (AXFR, IXFR) from allowed and refused clients, signed or not (see
//! `porchlight::dns::fuzzing::Transfers`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use porchlight::dns::fuzzing::Transfers;

static TARGET: OnceLock<Transfers> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    TARGET.get_or_init(|| Transfers::new().unwrap_or_else(|e| panic!("cannot set up the appliance: {e}"))).run(data);
});
