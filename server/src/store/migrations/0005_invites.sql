-- Invitations to register while registration is closed: single use, expiring, optionally
-- for one e-mail address. Codes are stored as SHA-256 hashes.
CREATE TABLE invites (
    id         TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL UNIQUE,
    email      TEXT COLLATE NOCASE,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
