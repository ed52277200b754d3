-- DNSSEC: when a signed zone's signatures were last made. Their validity window (an hour
-- before it to 14 days after) is the zone's state, like its records: rebuilt after a restart
-- it is the same window, and it moves only together with the serial, so that secondaries,
-- which transfer only a newer serial, never keep signatures the primary has replaced.
ALTER TABLE zones ADD COLUMN signed_at INTEGER NOT NULL DEFAULT 0;
UPDATE zones SET signed_at = CAST(strftime('%s', 'now') AS INTEGER)
    WHERE id IN (SELECT zone_id FROM dnssec_keys);
