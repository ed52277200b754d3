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
        let owner = name_of(&node.name);
        for set in node.rrsets.iter().filter(|s| !s.kind.is_lan()) {
            records.extend(rrset(set, &owner));
            records.extend(raw(&owner, &set.rrsig));
        }
    }
    if let Some(signed) = &zone.signed {
        for (hash, nsec3) in signed.chain.iter() {
            let owner = name_of(&super::signing::hashed_owner(hash, &zone.origin));
            records.extend(raw(&owner, &nsec3.record));
            records.extend(raw(&owner, &nsec3.rrsig));
        }
    }
    records.push(soa(zone, zone.serial));
    records
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
