-- IPv6 prefix following: a host with an interface id takes every new prefix its owner's
-- updates report (ipv6prefix, ip6lanprefix, myipv6=…/64) and keeps that interface id.
ALTER TABLE hostnames ADD COLUMN ipv6_interface_id TEXT;
