#!/bin/sh
# Fuzzes the DNS fast path (porchlight::dns::fuzzing) with libFuzzer for FUZZ_SECONDS
# (default 3600). Needs cargo-fuzz (installed here if missing) and a C++ compiler; the
# stable toolchain takes the fuzzer's instrumentation flags with RUSTC_BOOTSTRAP=1, so no
# nightly is needed. The corpus grows in server/fuzz/corpus/ (not versioned); the seeds are.
set -eu
cd "$(dirname "$0")/../.."
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
mkdir -p server/fuzz/corpus/dns_query
export RUSTC_BOOTSTRAP=1
exec cargo fuzz run --fuzz-dir server/fuzz --sanitizer none -O dns_query \
    server/fuzz/corpus/dns_query server/fuzz/seeds/dns_query \
    -- -max_total_time="${FUZZ_SECONDS:-3600}" -print_final_stats=1
