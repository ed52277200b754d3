//! Any bytes as what a client sends on one HTTP connection: the request head reader and the
//! connection loop must hold their limits (see `porchlight::http::fuzzing::connection`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    porchlight::http::fuzzing::connection(data);
});
