//! The catalog zone (RFC 9432, version 2): a zone listing every zone the appliance serves,
//! which Knot, BIND, NSD and PowerDNS secondaries read to provision themselves. Each member
//! is a PTR record `<id>.zones.<catalog>` naming the zone; the id is derived from the
//! member's name, so a zone keeps its id across restarts.

use sha2::{Digest as _, Sha256};

use super::zone::ZoneContents;
use crate::names::DomainName;
use crate::records::{Record, RecordData};
use crate::transfers::Policy;

/// TTL of the catalog's records: catalogs are not for resolvers (RFC 9432 §4.1 uses 0).
const TTL: u32 = 0;

/// A catalog zone's settings.
#[derive(Debug, Clone)]
pub struct CatalogZone {
    pub name: DomainName,
    /// Who may transfer the catalog (and its members), and whom to NOTIFY.
    pub transfers: Policy,
}

impl CatalogZone {
    /// The catalog listing `members` at `serial`.
    pub fn contents(&self, members: &[DomainName], serial: u32) -> ZoneContents {
        // RFC 9432 §4.1: the apex NS is "invalid." and the zone has no other name server.
        let invalid = DomainName::parse("invalid").unwrap_or_else(|_| unreachable!("a valid name"));
        let mut records = Vec::with_capacity(members.len() + 1);
        if let Ok(version) = self.name.child("version") {
            records.push(Record { name: version, ttl: TTL, data: RecordData::Txt("2".into()) });
        }
        for member in members {
            if let Ok(owner) = self.name.child("zones").and_then(|zones| zones.child(&member_id(member))) {
                records.push(Record { name: owner, ttl: TTL, data: RecordData::Ptr(member.clone()) });
            }
        }
        ZoneContents {
            name: self.name.clone(),
            serial,
            nameservers: vec![invalid.clone()],
            hostmaster: invalid,
            records,
            transfers: self.transfers.clone(),
            keys: Vec::new(),
            signed_at: 0,
        }
    }
}

/// The member's unique label: 16 hex digits of the SHA-256 of its name.
pub fn member_id(zone: &DomainName) -> String {
    Sha256::digest(zone.as_str().as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The serial after `previous`: the current Unix time, or one more than `previous` when that
/// is not later, so that a restarted appliance still moves its secondaries forward.
pub fn next_serial(previous: u32) -> u32 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as u32);
    now.max(previous.wrapping_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_each_member_once_under_a_stable_id_with_version_2() {
        let catalog = CatalogZone { name: DomainName::parse("catalog.porchlight.invalid").unwrap_or_else(|_| unreachable!()), transfers: Policy::default() };
        let members = [DomainName::parse("dyn.example.test").unwrap_or_else(|_| unreachable!()), DomainName::parse("mine.example").unwrap_or_else(|_| unreachable!())];
        let contents = catalog.contents(&members, 7);
        let lines: Vec<String> = contents.records.iter().map(|r| format!("{} {} {}", r.name, r.data.kind(), r.data.to_columns().0)).collect();
        assert_eq!(lines[0], "version.catalog.porchlight.invalid TXT 2");
        assert_eq!(lines[1], format!("{}.zones.catalog.porchlight.invalid PTR dyn.example.test", member_id(&members[0])));
        assert_eq!(lines.len(), 3);
        assert_eq!(member_id(&members[0]), member_id(&members[0].clone()));
        assert_ne!(member_id(&members[0]), member_id(&members[1]));
        assert_eq!(member_id(&members[0]).len(), 16);
        assert_eq!(contents.nameservers[0].as_str(), "invalid");
        assert!(next_serial(1) > 1_700_000_000, "the time");
        assert_eq!(next_serial(4_000_000_000), 4_000_000_001, "never backwards");
    }
}
