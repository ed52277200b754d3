-- Records written by DDNS updates (managed = 1: A/AAAA of a hostname, DuckDNS/ACME TXT)
-- versus records edited by hand through the records API (managed = 0). Updates replace only
-- their own rows, so a hand-made TXT beside an ACME challenge survives.

ALTER TABLE records ADD COLUMN managed INTEGER NOT NULL DEFAULT 1;
