//! Any bytes as a DNS message over UDP and TCP, through the fast and the full path of an
//! appliance in memory (see `porchlight::dns::fuzzing::Messages`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use porchlight::dns::fuzzing::Messages;

static TARGET: OnceLock<Messages> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    TARGET.get_or_init(|| Messages::new().unwrap_or_else(|e| panic!("cannot set up the appliance: {e}"))).run(data);
});
