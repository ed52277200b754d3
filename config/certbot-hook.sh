#!/bin/sh
# certbot --manual hook for DNS-01 through porchlight (lego's httpreq shape):
#
#   certbot certonly --manual --preferred-challenges dns \
#     --manual-auth-hook '/etc/porchlight/certbot-hook.sh present' \
#     --manual-cleanup-hook '/etc/porchlight/certbot-hook.sh cleanup' \
#     -d home.dyn.example.com -d '*.home.dyn.example.com'
#
# Variables:
#   PORCHLIGHT_URL     base URL of the appliance (default http://127.0.0.1:8080)
#   PORCHLIGHT_TOKEN   the hostname's token (it may write only _acme-challenge.<host> TXT)
#                      or an API key with write:records
#   CERTBOT_DOMAIN, CERTBOT_VALIDATION   set by certbot
set -eu
action="${1:?usage: certbot-hook.sh present|cleanup}"
case "$action" in present|cleanup) ;; *) echo "certbot-hook.sh: unknown action $action" >&2; exit 2 ;; esac
url="${PORCHLIGHT_URL:-http://127.0.0.1:8080}"
curl -fsS -u "certbot:${PORCHLIGHT_TOKEN:?PORCHLIGHT_TOKEN is not set}" \
    -H 'Content-Type: application/json' \
    -d "{\"fqdn\":\"_acme-challenge.${CERTBOT_DOMAIN:?}.\",\"value\":\"${CERTBOT_VALIDATION:?}\"}" \
    "$url/$action" >/dev/null
