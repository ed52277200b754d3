//! RFC 2136 UPDATE messages, unsigned, signed with the right key or with a wrong one (see
//! `porchlight::dns::fuzzing::Updates`).
#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use porchlight::dns::fuzzing::Updates;

static TARGET: Mutex<Option<Updates>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let mut target = TARGET.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    target.get_or_insert_with(|| Updates::new().unwrap_or_else(|e| panic!("cannot set up the appliance: {e}"))).run(data);
});
