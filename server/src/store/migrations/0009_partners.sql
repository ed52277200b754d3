-- Partner embedding (the PocketDNS dialect): a partner is an administrator's API key with
-- the `partner` scope; each of its users is known by the partner's own identifier. Login
-- links sign a user into the web UI once, within 24 hours; codes are stored as SHA-256.
CREATE TABLE partner_users (
    partner_id      TEXT NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
    user_identifier TEXT NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (partner_id, user_identifier)
);
CREATE INDEX partner_users_user ON partner_users(user_id);

CREATE TABLE login_links (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
