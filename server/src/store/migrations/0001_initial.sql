-- The first schema. Migrations are append-only: never edit a released file, add a new one.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    plan          TEXT NOT NULL DEFAULT 'free',
    created_at    INTEGER NOT NULL
);

-- Built-in zones (origin 'config', ids 00000000-0000-0000-0000-00000000000N in order of
-- first appearance) and, later, users' custom domains.
CREATE TABLE zones (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    origin     TEXT NOT NULL CHECK (origin IN ('config', 'custom')),
    owner_id   TEXT REFERENCES users(id) ON DELETE CASCADE,
    serial     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE hostnames (
    id         TEXT PRIMARY KEY,
    zone_id    TEXT NOT NULL REFERENCES zones(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL UNIQUE,
    ttl        INTEGER NOT NULL,
    blocked    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER
);
CREATE INDEX hostnames_user ON hostnames(user_id);

-- Every record served: those a hostname's updates own (hostname_id set) and those edited
-- by hand. TXT content is the whole text; it is split into 255-byte strings on the wire.
CREATE TABLE records (
    id          TEXT PRIMARY KEY,
    zone_id     TEXT NOT NULL REFERENCES zones(id) ON DELETE CASCADE,
    hostname_id TEXT REFERENCES hostnames(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    content     TEXT NOT NULL,
    ttl         INTEGER NOT NULL,
    priority    INTEGER,
    weight      INTEGER,
    port        INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX records_zone_name ON records(zone_id, name);
CREATE INDEX records_hostname ON records(hostname_id, type);

-- Secrets are never stored: only their SHA-256 and a short prefix for listings.
-- A token with hostname_id updates that hostname only.
CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hostname_id  TEXT REFERENCES hostnames(id) ON DELETE CASCADE,
    label        TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL DEFAULT 'update',
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE host_history (
    id          INTEGER PRIMARY KEY,
    hostname_id TEXT NOT NULL REFERENCES hostnames(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    type        TEXT NOT NULL,
    old         TEXT,
    new         TEXT,
    source      TEXT,
    user_agent  TEXT,
    dialect     TEXT NOT NULL
);
CREATE INDEX host_history_host ON host_history(hostname_id, at);

CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id TEXT,
    kind    TEXT NOT NULL,
    subject TEXT,
    detail  TEXT,
    source  TEXT
);
CREATE INDEX events_at ON events(at);
