-- Every update attempt, per hostname: the last one, and how many of each result code. Kept
-- in memory and written in batches (as token use times are), so a client repeating a
-- failing update costs no write per request.
CREATE TABLE host_attempts (
    hostname_id       TEXT PRIMARY KEY REFERENCES hostnames(id) ON DELETE CASCADE,
    last_at           INTEGER NOT NULL,
    last_result       TEXT NOT NULL,
    last_source       TEXT NOT NULL,
    last_user_agent   TEXT,
    last_dialect      TEXT NOT NULL,
    last_success_at   INTEGER,
    -- Failed attempts since the last success, and when the first of them came.
    failures_in_a_row INTEGER NOT NULL DEFAULT 0,
    failing_since     INTEGER
);

CREATE TABLE host_attempt_counts (
    hostname_id TEXT NOT NULL REFERENCES hostnames(id) ON DELETE CASCADE,
    result      TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (hostname_id, result)
);
