-- DNSSEC: each signed zone's combined signing key (CSK). The private key is PKCS#8, kept
-- here (and so in backups) and never returned by any API. `state` is 'active' for the key
-- that signs; a rollover adds keys in other states beside it.
CREATE TABLE dnssec_keys (
    id          TEXT PRIMARY KEY,
    zone_id     TEXT NOT NULL REFERENCES zones(id) ON DELETE CASCADE,
    algorithm   INTEGER NOT NULL,
    private_key BLOB NOT NULL,
    state       TEXT NOT NULL DEFAULT 'active',
    created_at  INTEGER NOT NULL
);
CREATE INDEX dnssec_keys_zone ON dnssec_keys (zone_id);
