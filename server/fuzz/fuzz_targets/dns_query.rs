//! Any bytes as a DNS request over UDP or TCP: the fast path's parser and answers must hold
//! their invariants (see `porchlight::dns::fuzzing`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use porchlight::dns::fuzzing::Target;

static TARGET: OnceLock<Target> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    TARGET.get_or_init(Target::default).run(data);
});
