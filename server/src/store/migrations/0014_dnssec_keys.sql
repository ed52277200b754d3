-- DNSSEC: each signed zone's combined signing keys (CSK). The private key is PKCS#8, kept
-- here (and so in backups) and never returned by any API. `state` is 'active' for the key
-- the parent's DS names; a rollover adds an 'incoming' key beside it, which signs too, and
-- `ds_seen_at` is when the parent was first seen naming the incoming key.
CREATE TABLE dnssec_keys (
    id          TEXT PRIMARY KEY,
    zone_id     TEXT NOT NULL REFERENCES zones(id) ON DELETE CASCADE,
    algorithm   INTEGER NOT NULL,
    private_key BLOB NOT NULL,
    state       TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'incoming')),
    created_at  INTEGER NOT NULL,
    ds_seen_at  INTEGER
);
CREATE INDEX dnssec_keys_zone ON dnssec_keys (zone_id);
