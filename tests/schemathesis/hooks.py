"""Credentials for the schemathesis run against a real appliance (tests/schemathesis/run.sh).

The native API takes a session token (from POST /api/auth/login) everywhere except the ipdock
update endpoint, which takes a hostname token. Either can end during the run (the document's
own POST /api/auth/logout-all ends sessions; DELETE /api/hostnames/{id} can take the hostname
the update token belongs to); a 401 invalidates the cached credentials, and the next request
logs in again, or makes a new hostname for a new update token.
"""

import json
import os
import urllib.request
import uuid

import schemathesis

BASE = os.environ["ST_APPLIANCE_URL"]
EMAIL = os.environ["ST_APPLIANCE_EMAIL"]
PASSWORD = os.environ["ST_APPLIANCE_PASSWORD"]
ZONE_ID = "00000000-0000-0000-0000-000000000001"
UPDATE_PATHS = ("/api/update",)


def _post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{BASE}{path}", data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _session():
    return _post("/api/auth/login", {"email": EMAIL, "password": PASSWORD})["token"]


def _update_token():
    made = _post("/api/hostnames", {"domainId": ZONE_ID, "name": f"st-{uuid.uuid4().hex[:12]}"}, _session())
    return made["token"]["tokenValue"]


def _kind(case, ctx):
    return "update" if case.operation.path in UPDATE_PATHS else "session"


@schemathesis.auth(cache_by_key=_kind)
class Credentials:
    def get(self, case, ctx):
        return _update_token() if _kind(case, ctx) == "update" else _session()

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
