#!/bin/sh
# Runs schemathesis against a real appliance: every operation of /api/openapi.json with all
# of schemathesis's checks (status codes, content types, response schemas, valid data
# accepted, invalid data refused, unsupported methods, ignored auth, and the stateful phase
# that follows the document's links), and exits non-zero on any failure. It installs
# schemathesis (pinned) into target/tools/schemathesis on first use.
#
# Variables:
#   PORCHLIGHT_BIN       the binary to test (default: target/debug/porchlight, built if missing)
#   ST_MAX_EXAMPLES      examples per operation and phase (default 40)
#   ST_SEED              the generator's seed (default: a fixed one, so CI is repeatable; set
#                        ST_SEED=random for a fresh one)
#   SCHEMATHESIS_VERSION (default 4.32.5)
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)
version="${SCHEMATHESIS_VERSION:-4.32.5}"
venv="$root/target/tools/schemathesis"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q " $version\$"; then
    python3 -m venv "$venv" 2>/dev/null || {
        sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
        python3 -m venv "$venv"
    }
    "$venv/bin/pip" install -q "schemathesis==$version"
fi
bin="${PORCHLIGHT_BIN:-$root/target/debug/porchlight}"
# The appliance reads every PORCHLIGHT_* variable as a setting and refuses unknown ones.
unset PORCHLIGHT_BIN
[ -x "$bin" ] || cargo build --locked -p porchlight

dir=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Limits far above what the run sends, so that answers are about the input, not the rate; the
# delegation check asks a closed local port (no traffic leaves the machine).
cat > "$dir/porchlight.toml" <<TOML
data_dir = "$dir/data"
http = "127.0.0.1:$port"
dns = ["127.0.0.1:0"]
delegation_resolver = "127.0.0.1:9"
[rate_limit]
updates_per_minute = 1000000
requests_per_address_per_minute = 1000000
failed_auth_per_minute = 1000000
logins_per_minute = 1000000
registrations_per_minute = 1000000
api_requests_per_minute = 1000000
[[zone]]
name = "dyn.example.test"
nameserver_addresses = ["192.0.2.53"]
TOML
email="schemathesis@example.test"
password="schemathesis password $$"
printf '%s\n' "$password" | "$bin" user add --config "$dir/porchlight.toml" --email "$email" --admin --password-stdin >/dev/null
"$bin" serve --config "$dir/porchlight.toml" >"$dir/serve.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 50); do
    curl -fs "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

seed="${ST_SEED:-20261129}"
[ "$seed" = random ] && seed=""
export ST_APPLIANCE_URL="$url" ST_APPLIANCE_EMAIL="$email" ST_APPLIANCE_PASSWORD="$password"
export SCHEMATHESIS_HOOKS="$root/tests/schemathesis/hooks.py"
set -- run "$url/api/openapi.json" --checks all --max-examples "${ST_MAX_EXAMPLES:-40}" --no-color
[ -n "$seed" ] && set -- "$@" --seed "$seed"
status=0
"$venv/bin/st" "$@" >"$dir/st.log" 2>&1 || status=$?
# The summary, and every failure in full when there are any.
if [ "$status" -ne 0 ]; then cat "$dir/st.log"; else sed -n '/SUMMARY/,$p' "$dir/st.log"; fi
exit "$status"
