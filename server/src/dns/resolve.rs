//! Answers as hickory records, for queries the fast path leaves alone (ANY, other classes,
//! signed requests…) and as the reference the fast path is checked against.

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType};

use super::catalog::Snapshot;
use super::records;
use super::wire;
use super::zone::ZoneIndex;
use crate::records::RecordKind;

/// Longest CNAME chain followed inside a zone.
pub const MAX_CNAME_CHAIN: usize = 8;

/// The answer to one question, before it is put on the wire.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    pub rcode: ResponseCode,
    pub authoritative: bool,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

/// Answers `qname`/`qtype`; `asked` is the question's name as the client spelled it.
/// `lan`: the client is in a LAN subnet, so a host's LAN address wins (split horizon).
pub(crate) fn resolve(snapshot: &Snapshot, qname: &LowerName, asked: &Name, qtype: RecordType, lan: bool) -> Resolution {
    let qwire = wire::lower_wire(qname);
    let Some(zone) = snapshot.zone_of(&qwire) else {
        return Resolution { rcode: ResponseCode::Refused, ..Default::default() };
    };
    let soa = || records::soa(zone, zone.serial);
    let mut resolution = Resolution { authoritative: true, ..Default::default() };
    // Below a zone cut the answer is a referral (RFC 1034 §4.3.2): not authoritative.
    if let Some((cut, ns)) = zone.delegation(&qwire) {
        resolution.authoritative = false;
        resolution.authority.extend(records::rrset(ns, &records::name_of(cut)));
        add_target_addresses(zone, &mut resolution, lan);
        return resolution;
    }
    let mut name = qwire;
    let mut owner = asked.clone();
    for _ in 0..MAX_CNAME_CHAIN {
        let Some(node) = zone.find(&name) else {
            resolution.rcode = ResponseCode::NXDomain;
            resolution.authority.push(soa());
            return resolution;
        };
        let apex = *name == *zone.origin;
        if qtype == RecordType::ANY {
            // RFC 8482 §4.1: one RRset answers ANY, the one of the lowest type code.
            let first = node.rrsets.iter().filter(|s| !s.kind.is_lan()).min_by_key(|s| s.code());
            match first {
                Some(set) if !(apex && set.code() > u16::from(RecordType::SOA)) => resolution.answers.extend(records::rrset(set, &owner)),
                _ if apex => resolution.answers.push(named(soa(), &owner)),
                _ => resolution.authority.push(soa()),
            }
        } else if apex && qtype == RecordType::SOA {
            resolution.answers.push(named(soa(), &owner));
        } else if let Some(set) = wire::kind_of(u16::from(qtype)).and_then(|k| node.answer_set(k, lan)) {
            resolution.answers.extend(records::rrset(set, &owner));
        } else if let Some(set) = node.get(RecordKind::Cname) {
            resolution.answers.extend(records::rrset(set, &owner));
            if let Some(target) = set.rdatas().next()
                && wire::is_within(target, &zone.origin)
            {
                owner = records::name_of(target);
                name = target.to_vec();
                continue;
            }
            return resolution;
        } else {
            // NODATA (RFC 2308 §2.2), also at the end of a CNAME chain.
            resolution.authority.push(soa());
        }
        add_target_addresses(zone, &mut resolution, lan);
        return resolution;
    }
    resolution.rcode = ResponseCode::ServFail;
    resolution
}

fn named(mut record: Record, owner: &Name) -> Record {
    record.name = owner.clone();
    record
}

/// Additional-section addresses (RFC 1034 §3.7) of the in-zone names that NS, MX and SRV
/// records in the answer and authority sections point to.
fn add_target_addresses(zone: &ZoneIndex, resolution: &mut Resolution, lan: bool) {
    let mut targets: Vec<Name> = Vec::new();
    for record in resolution.answers.iter().chain(resolution.authority.iter()) {
        let target = match &record.data {
            RData::NS(ns) => &ns.0,
            RData::MX(mx) => &mx.exchange,
            RData::SRV(srv) => &srv.target,
            _ => continue,
        };
        if !targets.contains(target) {
            targets.push(target.clone());
        }
    }
    for target in targets {
        let target_wire = wire::lower_wire(&LowerName::from(&target));
        if !wire::is_within(&target_wire, &zone.origin) {
            continue;
        }
        let Some(node) = zone.node(&target_wire) else { continue };
        for kind in [RecordKind::A, RecordKind::Aaaa] {
            if let Some(set) = node.answer_set(kind, lan) {
                resolution.additional.extend(records::rrset(set, &target));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::catalog::{Catalog, RrsetChange, ZoneContents};
    use crate::error::Result;
    use crate::names::DomainName;
    use crate::records::{Record as DomainRecord, RecordData};
    use crate::transfers::Policy;

    fn name(s: &str) -> Result<DomainName> {
        DomainName::parse(s)
    }

    fn record(n: &str, data: RecordData) -> Result<DomainRecord> {
        Ok(DomainRecord { name: name(n)?, ttl: 60, data })
    }

    fn catalog() -> Result<Catalog> {
        let catalog = Catalog::default();
        catalog.replace_all(vec![ZoneContents {
            name: name("dyn.example.com")?,
            serial: 7,
            nameservers: vec![name("ns1.dyn.example.com")?],
            hostmaster: name("hostmaster.dyn.example.com")?,
            records: vec![
                record("a.b.dyn.example.com", RecordData::A([192, 0, 2, 1].into()))?,
                record("*.wild.dyn.example.com", RecordData::A([192, 0, 2, 2].into()))?,
                record("alias.dyn.example.com", RecordData::Cname(name("a.b.dyn.example.com")?))?,
            ],
            transfers: Policy::default(),
        }]);
        Ok(catalog)
    }

    fn ask(c: &Catalog, q: &str, t: RecordType) -> Result<Resolution> {
        let qname = LowerName::from(Name::from_ascii(q).map_err(|e| crate::error::Error::Invalid(e.to_string()))?);
        let asked = Name::from_ascii(q).map_err(|e| crate::error::Error::Invalid(e.to_string()))?;
        Ok(resolve(&c.snapshot(), &qname, &asked, t, false))
    }

    #[test]
    fn nxdomain_nodata_ent_wildcard_cname_and_refused() -> Result<()> {
        let c = catalog()?;
        let r = ask(&c, "A.B.dyn.example.com.", RecordType::A)?;
        assert_eq!((r.rcode, r.answers.len()), (ResponseCode::NoError, 1));
        let r = ask(&c, "a.b.dyn.example.com.", RecordType::AAAA)?;
        assert_eq!((r.rcode, r.answers.len(), r.authority.len()), (ResponseCode::NoError, 0, 1));
        let r = ask(&c, "b.dyn.example.com.", RecordType::A)?;
        assert_eq!((r.rcode, r.answers.len()), (ResponseCode::NoError, 0), "empty non-terminal");
        let r = ask(&c, "nope.dyn.example.com.", RecordType::A)?;
        assert_eq!((r.rcode, r.authority.len()), (ResponseCode::NXDomain, 1));
        let r = ask(&c, "x.wild.dyn.example.com.", RecordType::A)?;
        assert_eq!(r.answers.first().map(|a| a.name.to_string()), Some("x.wild.dyn.example.com.".into()));
        let r = ask(&c, "alias.dyn.example.com.", RecordType::A)?;
        assert_eq!(r.answers.len(), 2);
        let r = ask(&c, "example.org.", RecordType::A)?;
        assert_eq!(r.rcode, ResponseCode::Refused);
        Ok(())
    }

    #[test]
    fn updates_add_and_remove_names_and_empty_non_terminals() -> Result<()> {
        let c = catalog()?;
        let change = |n: &str, recs: Vec<DomainRecord>| -> Result<RrsetChange> {
            Ok(RrsetChange { name: name(n)?, kind: RecordKind::A, records: recs })
        };
        assert!(c.apply(&name("dyn.example.com")?, 8, &[change("x.y.dyn.example.com", vec![record("x.y.dyn.example.com", RecordData::A([192, 0, 2, 9].into()))?])?]));
        assert_eq!(c.serial(&name("dyn.example.com")?), Some(8));
        assert_eq!(ask(&c, "y.dyn.example.com.", RecordType::A)?.rcode, ResponseCode::NoError);
        c.apply(&name("dyn.example.com")?, 9, &[change("x.y.dyn.example.com", vec![])?]);
        assert_eq!(ask(&c, "x.y.dyn.example.com.", RecordType::A)?.rcode, ResponseCode::NXDomain);
        assert_eq!(ask(&c, "y.dyn.example.com.", RecordType::A)?.rcode, ResponseCode::NXDomain, "ENT removed with its last child");
        let soa = ask(&c, "dyn.example.com.", RecordType::SOA)?;
        assert!(matches!(soa.answers.first().map(|r| &r.data), Some(RData::SOA(s)) if s.serial == 9));
        assert!(!c.apply(&name("other.example")?, 1, &[]));
        Ok(())
    }
}
