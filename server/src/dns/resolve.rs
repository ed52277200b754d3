//! Answers as hickory records, for queries the fast path leaves alone (ANY, other classes,
//! signed requests…) and as the reference the fast path is checked against.

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType};

use super::catalog::Snapshot;
use super::denial;
use super::records;
use super::signing;
use super::wire;
use super::zone::{Signed, ZoneIndex};
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
/// `dnssec`: the client set DO, so a signed zone's answer carries its signatures and the
/// NSEC3 records that prove what does not exist (RFC 4035 §3.1, RFC 5155 §7.2).
pub(crate) fn resolve(snapshot: &Snapshot, qname: &LowerName, asked: &Name, qtype: RecordType, lan: bool, dnssec: bool) -> Resolution {
    let qwire = wire::lower_wire(qname);
    let Some(zone) = snapshot.zone_of(&qwire) else {
        return Resolution { rcode: ResponseCode::Refused, ..Default::default() };
    };
    let proofs = if dnssec { zone.signed.as_ref() } else { None };
    let mut resolution = Resolution { authoritative: true, ..Default::default() };
    // Below a zone cut the answer is a referral (RFC 1034 §4.3.2): not authoritative. DS
    // at the cut is the parent's to answer (RFC 4035 §3.1.4.1): it has none, and says so.
    let ds_at_cut = qtype == RecordType::DS && zone.delegation(&qwire).is_some_and(|(cut, _)| *cut == *qwire);
    if ds_at_cut {
        negative(zone, proofs, &mut resolution);
        if let Some(signed) = proofs {
            prove(zone, signed, [denial::no_ds(signed, &qwire)], &mut resolution.authority);
        }
        return resolution;
    }
    if let Some((cut, ns)) = zone.delegation(&qwire) {
        resolution.authoritative = false;
        resolution.authority.extend(records::rrset(ns, &records::name_of(cut)));
        // No DS here: the NSEC3 record of the cut says so (its types have no DS).
        if let Some(signed) = proofs {
            prove(zone, signed, [denial::no_ds(signed, cut)], &mut resolution.authority);
        }
        add_target_addresses(zone, &mut resolution, lan, proofs.is_some());
        return resolution;
    }
    let mut name = qwire;
    let mut owner = asked.clone();
    for _ in 0..MAX_CNAME_CHAIN {
        let Some(node) = zone.find(&name) else {
            resolution.rcode = ResponseCode::NXDomain;
            negative(zone, proofs, &mut resolution);
            if let Some(signed) = proofs {
                prove(zone, signed, denial::name_error(zone, signed, &name), &mut resolution.authority);
            }
            return resolution;
        };
        let apex = *name == *zone.origin;
        // A name that exists only through a wildcard: the answer's signature says so, and
        // the NSEC3 covering the next closer name proves no closer name matched.
        let wildcard = *node.name != *name;
        if wildcard && let Some(signed) = proofs {
            prove(zone, signed, [denial::wildcard_answer(signed, &name, &node.name)], &mut resolution.authority);
        }
        let signed_set = |set: &super::zone::Rrset, owner: &Name, out: &mut Vec<Record>| {
            out.extend(records::rrset(set, owner));
            if proofs.is_some() {
                out.extend(records::raw(owner, &set.rrsig));
            }
        };
        let apex_set = if apex { zone.signed.as_ref().and_then(|s| s.apex_set(u16::from(qtype))) } else { None };
        if qtype == RecordType::ANY {
            // RFC 8482 §4.1: one RRset answers ANY, the one of the lowest type code.
            let first = node.rrsets.iter().filter(|s| !s.kind.is_lan()).min_by_key(|s| s.code());
            match first {
                Some(set) if !(apex && set.code() > u16::from(RecordType::SOA)) => signed_set(set, &owner, &mut resolution.answers),
                _ if apex => soa_answer(zone, proofs, &owner, &mut resolution.answers),
                _ => {
                    // Nothing at the name (an empty non-terminal): NODATA, proven like any.
                    negative(zone, proofs, &mut resolution);
                    if let Some(signed) = proofs {
                        prove(zone, signed, denial::no_data(signed, &node.name, wildcard), &mut resolution.authority);
                    }
                }
            }
        } else if apex && qtype == RecordType::SOA {
            soa_answer(zone, proofs, &owner, &mut resolution.answers);
        } else if let Some(set) = apex_set {
            resolution.answers.extend(records::raw(&owner, &set.wire));
            if proofs.is_some() {
                resolution.answers.extend(records::raw(&owner, &set.rrsig));
            }
        } else if let Some(set) = wire::kind_of(u16::from(qtype)).and_then(|k| node.answer_set(k, lan)) {
            signed_set(set, &owner, &mut resolution.answers);
        } else if let Some(set) = node.get(RecordKind::Cname) {
            signed_set(set, &owner, &mut resolution.answers);
            if let Some(target) = set.rdatas().next()
                && wire::is_within(target, &zone.origin)
            {
                owner = records::name_of(target);
                name = target.to_vec();
                continue;
            }
            return resolution;
        } else {
            // NODATA (RFC 2308 §2.2), also at the end of a CNAME chain: the NSEC3 record of
            // the name (or of the wildcard that made it) lists the types there are.
            negative(zone, proofs, &mut resolution);
            if let Some(signed) = proofs {
                prove(zone, signed, denial::no_data(signed, &node.name, wildcard), &mut resolution.authority);
            }
        }
        add_target_addresses(zone, &mut resolution, lan, proofs.is_some());
        return resolution;
    }
    resolution.rcode = ResponseCode::ServFail;
    resolution
}

/// The SOA in the authority section of a negative answer (with its signature when asked).
fn negative(zone: &ZoneIndex, proofs: Option<&Signed>, resolution: &mut Resolution) {
    resolution.authority.push(records::soa(zone, zone.serial));
    if let Some(signed) = proofs {
        resolution.authority.extend(records::raw(&records::name_of(&zone.origin), &signed.soa_rrsig));
    }
}

fn soa_answer(zone: &ZoneIndex, proofs: Option<&Signed>, owner: &Name, out: &mut Vec<Record>) {
    out.push(named(records::soa(zone, zone.serial), owner));
    if let Some(signed) = proofs {
        out.extend(records::raw(owner, &signed.soa_rrsig));
    }
}

/// The NSEC3 records (each with its signature) of `proofs`, each once per answer.
fn prove(zone: &ZoneIndex, signed: &Signed, proofs: impl IntoIterator<Item = denial::Proof>, out: &mut Vec<Record>) {
    for (hash, nsec3) in proofs.into_iter().filter_map(|p| p.find(signed)) {
        let owner = records::name_of(&signing::hashed_owner(hash, &zone.origin));
        if out.iter().any(|r| r.name == owner) {
            continue;
        }
        out.extend(records::raw(&owner, &nsec3.record));
        out.extend(records::raw(&owner, &nsec3.rrsig));
    }
}

fn named(mut record: Record, owner: &Name) -> Record {
    record.name = owner.clone();
    record
}

/// Additional-section addresses (RFC 1034 §3.7) of the in-zone names that NS, MX and SRV
/// records in the answer and authority sections point to.
/// With `dnssec`, each signed address set comes with its RRSIG (RFC 4035 §3.1.1; glue below
/// a zone cut is the child's and has none).
fn add_target_addresses(zone: &ZoneIndex, resolution: &mut Resolution, lan: bool, dnssec: bool) {
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
                if dnssec {
                    resolution.additional.extend(records::raw(&target, &set.rrsig));
                }
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
            keys: Vec::new(),
            signed_at: 0,
        }]);
        Ok(catalog)
    }

    fn ask(c: &Catalog, q: &str, t: RecordType) -> Result<Resolution> {
        let qname = LowerName::from(Name::from_ascii(q).map_err(|e| crate::error::Error::Invalid(e.to_string()))?);
        let asked = Name::from_ascii(q).map_err(|e| crate::error::Error::Invalid(e.to_string()))?;
        Ok(resolve(&c.snapshot(), &qname, &asked, t, false, false))
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
