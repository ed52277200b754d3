//! Any request as each update dialect reads it before the domain is called (see
//! `porchlight::http::fuzzing::dialect` for how the first bytes pick the dialect and method).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    porchlight::http::fuzzing::dialect(data);
});
