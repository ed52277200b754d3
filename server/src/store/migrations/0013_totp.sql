-- A second factor for logins: TOTP (RFC 6238). Computing a code needs the secret itself, so
-- it is kept (base32) like a TSIG key; `enabled_at` is null while an enrolment waits for its
-- first code, and only an enabled secret is asked for at login. `last_step` is the newest
-- time step whose code was accepted: a code is good once. Recovery codes are single use and
-- stored as SHA-256 hashes; a used one is deleted.
CREATE TABLE totp (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled_at INTEGER,
    last_step  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);
