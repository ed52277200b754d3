-- Sessions: a JWT carries the account's session version; raising it (password change,
-- "log out everywhere") invalidates every token issued before. Appliance-wide settings
-- (the JWT signing secret, registration open or closed) live in `settings`.

ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
