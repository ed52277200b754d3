#!/bin/sh
# Fuzzes porchlight with libFuzzer: `sh server/fuzz/run.sh [TARGET...]` runs each named
# target (default: all of them, one after another) and prints libFuzzer's final stats for
# each (its whole output goes to server/fuzz/logs/TARGET.log; on a crash, the log's end is
# printed). Needs cargo-fuzz (installed here if missing) and a C++ compiler; the stable
# toolchain takes the fuzzer's instrumentation flags with RUSTC_BOOTSTRAP=1, so no nightly
# is needed. Exits non-zero when any target found a crash (saved in
# server/fuzz/artifacts/TARGET/; add it to server/fuzz/seeds/TARGET/ once fixed).
#
# Targets: dns_query (the DNS fast path alone), dns_message (any message through both
# paths), dns_update (RFC 2136 with and without TSIG), dns_transfer (AXFR/IXFR requests),
# http_request (the HTTP request reader), dialect_params (every dialect's parameters),
# config_file (the configuration file and its checks).
#
# Variables:
#   FUZZ_SECONDS=3600   how long each target runs
# The corpus of each target grows in server/fuzz/corpus/TARGET/ (not versioned), starting
# from the committed seeds in server/fuzz/seeds/TARGET/.
set -eu
cd "$(dirname "$0")/../.."
all="dns_query dns_message dns_update dns_transfer http_request dialect_params config_file"
targets="${*:-$all}"
seconds="${FUZZ_SECONDS:-3600}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
flags="--fuzz-dir server/fuzz --sanitizer none -O"
cargo fuzz build $flags
failed=""
mkdir -p server/fuzz/logs
for target in $targets; do
    mkdir -p "server/fuzz/corpus/$target"
    log="server/fuzz/logs/$target.log"
    echo "== $target: $seconds s (libFuzzer's output: $log)"
    if cargo fuzz run $flags "$target" "server/fuzz/corpus/$target" "server/fuzz/seeds/$target" \
        -- -max_total_time="$seconds" -print_final_stats=1 > "$log" 2>&1; then
        # The last progress line (executions, coverage, corpus) and the final stats.
        grep -E '^#[0-9]+' "$log" | tail -n 1
        grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log"
    else
        tail -n 40 "$log"
        failed="$failed $target"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzzing found crashes in:$failed (see server/fuzz/artifacts/)" >&2
    exit 1
fi
