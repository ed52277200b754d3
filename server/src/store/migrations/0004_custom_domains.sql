-- Custom domains are served only once their delegation has been verified.
ALTER TABLE zones ADD COLUMN verified_at INTEGER;
