-- Per-hostname updaters (the HostUp v2 dialect): each owns one token that may update one
-- record type of one hostname, and can be disabled without being deleted. Counters change
-- only when an update changes the address (a `nochg` writes nothing).
CREATE TABLE updaters (
    id              TEXT PRIMARY KEY,
    token_id        TEXT NOT NULL UNIQUE REFERENCES tokens(id) ON DELETE CASCADE,
    hostname_id     TEXT NOT NULL REFERENCES hostnames(id) ON DELETE CASCADE,
    record_type     TEXT NOT NULL CHECK (record_type IN ('A', 'AAAA')),
    enabled         INTEGER NOT NULL DEFAULT 1,
    update_count    INTEGER NOT NULL DEFAULT 0,
    last_ip         TEXT,
    last_updated_at INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER
);
CREATE INDEX updaters_hostname ON updaters(hostname_id);
