//! The zone view as hickory records, for the paths that build messages with hickory: unusual
//! queries, zone transfers, NOTIFY and the zone file.

use hickory_proto::rr::rdata::{self, CAA, MX, NS, NULL, SOA, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::wire;
use super::zone::{Rrset, SOA_TIMERS, ZoneIndex};
use crate::names::DomainName;
use crate::records::{Record as DomainRecord, RecordData};

/// The zone's SOA record, with `serial` (IXFR's history uses older ones).
pub fn soa(zone: &ZoneIndex, serial: u32) -> Record {
    let names = zone.soa_names();
    let mname_len = wire_len(names);
    let (refresh, retry, expire, minimum) = SOA_TIMERS;
    let data = SOA::new(
        name_of(&names[..mname_len]),
        name_of(&names[mname_len..]),
        serial,
        refresh as i32,
        retry as i32,
        expire as i32,
        minimum,
    );
    Record::from_rdata(name_of(&zone.origin), zone.soa_ttl(), RData::SOA(data))
}

/// A set's records under `owner`.
pub fn rrset<'a>(set: &'a Rrset, owner: &Name) -> impl Iterator<Item = Record> + 'a {
    let owner = owner.clone();
    set.data().into_iter().map(move |d| Record::from_rdata(owner.clone(), set.ttl, rdata(&d)))
}

/// Each record of a set in the zone view's wire form (TYPE CLASS TTL RDLENGTH RDATA per
/// record, no owner) under `owner`, its data carried as it is: how DNSSEC's records (RRSIG,
/// NSEC3, DNSKEY…) reach hickory's messages.
pub fn raw(owner: &Name, set: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    let mut rest = set;
    while rest.len() >= 10 {
        let code = u16::from_be_bytes([rest[0], rest[1]]);
        let ttl = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let len = usize::from(u16::from_be_bytes([rest[8], rest[9]]));
        let Some(data) = rest.get(10..10 + len) else { break };
        out.push(Record::from_rdata(owner.clone(), ttl, RData::Unknown { code: RecordType::from(code), rdata: NULL::with(data.to_vec()) }));
        rest = &rest[10 + len..];
    }
    out
}

/// Every record of the zone for a transfer (RFC 5936): the SOA first and last, the rest in
/// canonical order; LAN addresses are a view and stay out. A signed zone's signatures, keys
/// and NSEC3 chain travel with it, so secondaries serve it signed without its key.
pub fn transfer(zone: &ZoneIndex) -> Vec<Record> {
    let mut records = vec![soa(zone, zone.serial)];
    let apex = name_of(&zone.origin);
    if let Some(signed) = &zone.signed {
        records.extend(raw(&apex, &signed.soa_rrsig));
        for set in signed.apex.iter() {
            records.extend(raw(&apex, &set.wire));
            records.extend(raw(&apex, &set.rrsig));
        }
    }
    for node in zone.sorted_nodes() {
        records.extend(node_records(node));
    }
    if let Some(signed) = &zone.signed {
        for (hash, nsec3) in signed.chain.iter() {
            records.extend(nsec3_records(zone, hash, nsec3));
        }
    }
    records.push(soa(zone, zone.serial));
    records
}

/// A name's records as transferred: its sets (not the LAN view) with their signatures.
fn node_records(node: &super::zone::Node) -> Vec<Record> {
    let owner = name_of(&node.name);
    let mut records = Vec::new();
    for set in node.rrsets.iter().filter(|s| !s.kind.is_lan()) {
        records.extend(rrset(set, &owner));
        records.extend(raw(&owner, &set.rrsig));
    }
    records
}

fn nsec3_records(zone: &ZoneIndex, hash: &[u8; 20], nsec3: &super::signing::Nsec3) -> Vec<Record> {
    let owner = name_of(&super::signing::hashed_owner(hash, &zone.origin));
    let mut records = raw(&owner, &nsec3.record);
    records.extend(raw(&owner, &nsec3.rrsig));
    records
}

/// What turns an earlier version of a signed zone into `new`, as an IXFR step's two halves
/// (records removed, records added; the SOAs that frame them left to the caller): the
/// records, signatures and NSEC3 records of the names that changed, the SOA's signature and
/// the apex's key sets. Only what differs between the versions is looked at: the shards of
/// names and the NSEC3 records both versions share are skipped.
pub fn difference(old: &ZoneIndex, new: &ZoneIndex) -> (Vec<Record>, Vec<Record>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let (old_nodes, new_nodes) = new.nodes_changed_since(old);
    before.extend(old_nodes.into_iter().flat_map(node_records));
    after.extend(new_nodes.into_iter().flat_map(node_records));
    let apex = name_of(&new.origin);
    for (zone, out) in [(old, &mut before), (new, &mut after)] {
        if let Some(signed) = &zone.signed {
            out.extend(raw(&apex, &signed.soa_rrsig));
            for set in signed.apex.iter() {
                out.extend(raw(&apex, &set.wire));
                out.extend(raw(&apex, &set.rrsig));
            }
        }
    }
    if let (Some(a), Some(b)) = (&old.signed, &new.signed) {
        let (gone, came) = a.chain.changed_since(&b.chain);
        before.extend(gone.into_iter().flat_map(|(hash, nsec3)| nsec3_records(old, hash, nsec3)));
        after.extend(came.into_iter().flat_map(|(hash, nsec3)| nsec3_records(new, hash, nsec3)));
    }
    // Whatever both sides list (a name's untouched sets, unchanged keys) is no change.
    use hickory_proto::serialize::binary::BinEncodable as _;
    let key = |r: &Record| r.to_bytes().unwrap_or_default();
    let mut counts: std::collections::HashMap<Vec<u8>, isize> = std::collections::HashMap::new();
    for r in &before {
        *counts.entry(key(r)).or_default() += 1;
    }
    for r in &after {
        *counts.entry(key(r)).or_default() -= 1;
    }
    let mut removed = Vec::new();
    for r in before {
        if let Some(n) = counts.get_mut(&key(&r)).filter(|n| **n > 0) {
            *n -= 1;
            removed.push(r);
        }
    }
    let mut added = Vec::new();
    for r in after {
        if let Some(n) = counts.get_mut(&key(&r)).filter(|n| **n < 0) {
            *n += 1;
            added.push(r);
        }
    }
    (removed, added)
}

/// A stored record as a hickory record.
pub fn record(record: &DomainRecord) -> Record {
    Record::from_rdata(fqdn(&record.name), record.ttl, rdata(&record.data))
}

/// The hickory name of a lower-case wire name.
pub fn name_of(wire: &[u8]) -> Name {
    let mut name = wire::text(wire).and_then(|t| Name::from_ascii(t).ok()).unwrap_or_else(Name::root);
    name.set_fqdn(true);
    name
}

pub fn fqdn(name: &DomainName) -> Name {
    let mut n = Name::from_ascii(name.as_str()).unwrap_or_else(|_| Name::root());
    n.set_fqdn(true);
    n
}

/// The length of the wire name at the start of `bytes`.
fn wire_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(&len) = bytes.get(at) {
        at += 1 + len as usize;
        if len == 0 {
            break;
        }
    }
    at.min(bytes.len())
}

pub fn rdata(data: &RecordData) -> RData {
    match data {
        RecordData::A(a) | RecordData::LanA(a) => RData::A(rdata::A(*a)),
        RecordData::Aaaa(a) | RecordData::LanAaaa(a) => RData::AAAA(rdata::AAAA(*a)),
        RecordData::Cname(n) => RData::CNAME(rdata::CNAME(fqdn(n))),
        RecordData::Ns(n) => RData::NS(NS(fqdn(n))),
        RecordData::Ptr(n) => RData::PTR(rdata::PTR(fqdn(n))),
        RecordData::Txt(text) => RData::TXT(TXT::new(wire::split_txt(text).into_iter().map(str::to_string).collect())),
        RecordData::Mx { preference, exchange } => RData::MX(MX::new(*preference, fqdn(exchange))),
        RecordData::Srv { priority, weight, port, target } => RData::SRV(SRV::new(*priority, *weight, *port, fqdn(target))),
        RecordData::Caa { critical, tag, value } => {
            let mut caa = CAA::new_issue(*critical, None, Vec::new());
            caa.tag = tag.clone();
            caa.value = value.as_bytes().to_vec();
            RData::CAA(caa)
        }
    }
}
