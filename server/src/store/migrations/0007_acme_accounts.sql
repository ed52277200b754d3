-- acme-dns accounts: each is a hostname (`<subdomain>.<zone>`) with its own token; the
-- account's user name is the hostname id. `allow_from` lists the networks (CIDR, space-
-- separated) allowed to update it; empty allows any.
CREATE TABLE acme_accounts (
    hostname_id TEXT PRIMARY KEY REFERENCES hostnames(id) ON DELETE CASCADE,
    allow_from  TEXT NOT NULL DEFAULT ''
);
