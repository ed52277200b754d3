# Helpers for the firmware tests (sourced). Each test prints "ok - ..." per check and stops
# at the first failure with "FAIL - ...".
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# DIST, VERSION, apt_install, binary_path: shared with the build scripts.
. "$ROOT/firmware-image/lib.sh"
ZONE=dyn.example.test

fail() { echo "FAIL - $*" >&2; exit 1; }
# family ARCH: the binary's architecture (x86_64, aarch64, armv7, mipsel) for a binary,
# OpenWrt or Debian architecture name.
family() {
    case $1 in
        x86_64|amd64) echo x86_64 ;; aarch64*|arm64) echo aarch64 ;; armv7|arm_*|armhf) echo armv7 ;;
        mipsel*) echo mipsel ;; *) fail "unknown architecture $1" ;;
    esac
}
# runner_of ARCH: the qemu-user emulator for ARCH's CPU (nothing for x86_64).
runner_of() {
    case $(family "$1") in
        aarch64) echo qemu-aarch64-static ;; armv7) echo qemu-arm-static ;; mipsel) echo qemu-mipsel-static ;;
    esac
}
# check_machine NAME FILE ARCH: FILE is an ELF executable for ARCH's CPU.
check_machine() {
    case $(family "$3") in
        x86_64) m=X86-64 ;; aarch64) m=AArch64 ;; armv7) m=ARM ;; mipsel) m=MIPS ;;
    esac
    check "$1: ELF for $m" sh -c "readelf -h '$2' | grep -q 'Machine:.*$m'"
}
# check_sum FILE: FILE matches the FILE.sha256 beside it.
check_sum() {
    (cd "$(dirname "$1")" && sha256sum -c --quiet "$(basename "$1").sha256") || fail "$(basename "$1"): checksum"
}
ok() { echo "ok - $*"; }
# check DESCRIPTION COMMAND...: runs the command, fails with the description if it fails.
check() { d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# same DESCRIPTION EXPECTED ACTUAL
same() { [ "$2" = "$3" ] && ok "$1" || fail "$1: expected '$2', got '$3'"; }

# free_port prints a TCP and UDP port free on 127.0.0.1.
free_port() {
    python3 -c 'import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass'
}

# wait_http PORT [SECONDS]: waits until something answers HTTP on 127.0.0.1:PORT.
wait_http() {
    i=0
    while ! curl -s -o /dev/null "http://127.0.0.1:$1/"; do
        i=$((i + 1))
        [ "$i" -le $((${2:-60} * 5)) ] || return 1
        sleep 0.2
    done
}

# dns_a NAME PORT prints the A record dig gets from 127.0.0.1:PORT.
dns_a() {
    dig +short +time=2 +tries=3 -p "$2" @127.0.0.1 "$1" A
}

# seed DATA CMD...: with the porchlight command CMD (a binary, perhaps behind qemu-user),
# an admin and the hostname home.$ZONE in DATA; prints the hostname's token.
seed() {
    data=$1
    shift
    printf 'correct horse battery staple\n' |
        "$@" user add --data-dir "$data" --zone "$ZONE" --email admin@example.test --admin --password-stdin >/dev/null
    "$@" hostname add --data-dir "$data" --zone "$ZONE" "home.$ZONE" --user admin@example.test |
        sed -n 's/^update token.*: *//p'
}

# serve_and_update DATA TOKEN CMD...: starts porchlight (CMD) on free ports with DATA, checks
# a DNS query, an HTTP update that DNS then serves, and a nochg repeat; stops it.
serve_and_update() {
    data=$1 token=$2
    shift 2
    name=$(basename "$(eval echo \${$#})")
    http=$(free_port) dns=$(free_port)
    PORCHLIGHT_LOG=warn "$@" serve --data-dir "$data" --zone "$ZONE" \
        --http "127.0.0.1:$http" --dns "127.0.0.1:$dns" > "$data/serve.log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    wait_http "$http" 120 || { cat "$data/serve.log" >&2; fail "$name: no HTTP answer"; }
    [ -n "$(dig +short -p "$dns" @127.0.0.1 "$ZONE" SOA)" ] || fail "$name: no SOA for $ZONE"
    ok "$name: DNS answers the zone's SOA"
    body=$(curl -s -u "home.$ZONE:$token" "http://127.0.0.1:$http/nic/update?myip=198.51.100.23")
    same "$name: update accepted" "good 198.51.100.23" "$body"
    same "$name: DNS serves the new address" "198.51.100.23" "$(dns_a "home.$ZONE" "$dns")"
    body=$(curl -s -u "home.$ZONE:$token" "http://127.0.0.1:$http/nic/update?myip=198.51.100.23")
    same "$name: a repeat is nochg" "nochg 198.51.100.23" "$body"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    trap - EXIT
}
