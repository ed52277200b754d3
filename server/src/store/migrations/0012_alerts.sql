-- Alerts: where each account is told of trouble, when, and what is waiting to be sent.
CREATE TABLE alert_channels (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('webhook', 'ntfy', 'gotify', 'email')),
    -- The URL (webhook, ntfy topic, Gotify server) or the e-mail address.
    target        TEXT NOT NULL,
    -- Needed to send, so kept like a TSIG secret: a webhook's secret header value, an ntfy
    -- access token, a Gotify application token. Never returned by the API.
    secret        TEXT,
    secret_header TEXT,
    created_at    INTEGER NOT NULL,
    last_sent_at  INTEGER,
    last_error    TEXT
);
CREATE INDEX alert_channels_user ON alert_channels(user_id);

-- Per account: when a host counts as stale, after how many failures in a row it counts as
-- failing (0 turns either off), and whether address changes are told too.
CREATE TABLE alert_settings (
    user_id           TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    stale_after_hours INTEGER NOT NULL DEFAULT 25,
    failures_in_a_row INTEGER NOT NULL DEFAULT 5,
    address_changes   INTEGER NOT NULL DEFAULT 0
);

-- A host's own stale window, overriding the account's.
ALTER TABLE hostnames ADD COLUMN stale_after_hours INTEGER;

-- Alerts raised and not yet over (a stale host, a failure streak, a broken delegation), so
-- each is told once per episode.
CREATE TABLE alert_raised (
    subject TEXT NOT NULL,
    kind    TEXT NOT NULL,
    since   INTEGER NOT NULL,
    PRIMARY KEY (subject, kind)
);

-- Messages waiting for delivery, retried with backoff.
CREATE TABLE alert_outbox (
    id         INTEGER PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    event      TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- The webhook's JSON document.
    payload    TEXT NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
