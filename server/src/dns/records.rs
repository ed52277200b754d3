//! The zone view as hickory records, for the paths that build messages with hickory: unusual
//! queries, zone transfers, NOTIFY and the zone file.

use hickory_proto::rr::rdata::{self, CAA, MX, NS, SOA, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record};

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

/// Every record of the zone for a transfer (RFC 5936): the SOA first and last, the rest in
/// canonical order; LAN addresses are a view and stay out.
pub fn transfer(zone: &ZoneIndex) -> Vec<Record> {
    let mut records = vec![soa(zone, zone.serial)];
    for node in zone.sorted_nodes() {
        let owner = name_of(&node.name);
        for set in node.rrsets.iter().filter(|s| !s.kind.is_lan()) {
            records.extend(rrset(set, &owner));
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
