-- RFC 2136 updates and zone transfers.
-- TSIG keys: HMAC needs the secret itself, so it is kept (base64) like a key file on a
-- nameserver; it is shown once when made and never returned by the API. `allow` holds one
-- `PATTERN:TYPE` per line (empty: every name and type the owner may write).
CREATE TABLE tsig_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL UNIQUE,
    algorithm    TEXT NOT NULL,
    secret       TEXT NOT NULL,
    allow        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX tsig_keys_user ON tsig_keys(user_id);

-- The IXFR journal: for each serial, the records that change removed (op 0) and added
-- (op 1) relative to the serial before it. Pruned to the newest steps per zone.
CREATE TABLE zone_journal (
    zone_id  TEXT NOT NULL REFERENCES zones(id) ON DELETE CASCADE,
    serial   INTEGER NOT NULL,
    op       INTEGER NOT NULL,
    name     TEXT NOT NULL,
    type     TEXT NOT NULL,
    ttl      INTEGER NOT NULL,
    content  TEXT NOT NULL,
    priority INTEGER,
    weight   INTEGER,
    port     INTEGER
);
CREATE INDEX zone_journal_serial ON zone_journal(zone_id, serial);

-- Transfer settings of custom domains (built-in zones take theirs from the configuration):
-- one entry per line, a CIDR or `key:NAME`; secondaries to NOTIFY as ADDR:PORT.
ALTER TABLE zones ADD COLUMN allow_transfer TEXT NOT NULL DEFAULT '';
ALTER TABLE zones ADD COLUMN notify TEXT NOT NULL DEFAULT '';
