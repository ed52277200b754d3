//! The fast path: answers a plain query by copying pre-encoded record sets into the response
//! after the question as the client sent it (which keeps its case), with compression
//! pointers to the question's name — no allocation, no decoding. It decides exactly what the
//! full resolver decides (`resolve`); what it does not handle it leaves to it by answering
//! `None`.

use super::denial;
use super::catalog::Snapshot;
use super::query::Query;
use super::resolve::MAX_CNAME_CHAIN;
use super::wire::{self, types};
use super::signing;
use super::zone::{Rrset, Signed, ZoneIndex};
use crate::records::RecordKind;

/// The EDNS payload size advertised and honoured (the DNS Flag Day 2020 value).
pub const EDNS_PAYLOAD: u16 = 1232;

const NOERROR: u16 = 0;
const NXDOMAIN: u16 = 3;
const REFUSED: u16 = 5;
const QR: u16 = 0x8000;
const AA: u16 = 0x0400;
const TC: u16 = 0x0200;

/// Where a record's owner name comes from in the response being written.
#[derive(Clone, Copy)]
enum Owner {
    /// A compression pointer to this offset (the question's name or a suffix of it, or a
    /// name written earlier in the response).
    At(usize),
    /// The name spelled out.
    Name,
}

/// A response being written into `out`.
struct Writer<'o> {
    out: &'o mut [u8],
    len: usize,
    /// Records per section: answer, authority, additional.
    counts: [u16; 3],
    /// Set when something that must be there did not fit.
    overflow: bool,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> bool {
        match self.out.get_mut(self.len..self.len + bytes.len()) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                self.len += bytes.len();
                true
            }
            None => false,
        }
    }

    /// Writes a set's records under `owner` (`name`: the owner spelled out, when it is not a
    /// pointer) into `section`; the offsets of their data go to `data_at` (as many as fit).
    fn rrset(&mut self, section: usize, set: &Rrset, owner: Owner, name: &[u8], data_at: &mut Targets) -> bool {
        self.records(section, &set.wire, set.code(), owner, name, data_at)
    }

    /// Writes records in the zone view's form (`wire`: each TYPE CLASS TTL RDLENGTH RDATA)
    /// of type `code`, as [`Writer::rrset`] does.
    fn records(&mut self, section: usize, wire: &[u8], code: u16, owner: Owner, name: &[u8], data_at: &mut Targets) -> bool {
        let mut rest: &[u8] = wire;
        while rest.len() >= 10 {
            let rdlen = u16::from_be_bytes([rest[8], rest[9]]) as usize;
            let Some(record) = rest.get(..10 + rdlen) else { return false };
            let start = self.len;
            let owned = match owner {
                Owner::At(offset) if offset < 0x4000 => self.put(&(0xc000 | offset as u16).to_be_bytes()),
                _ => self.put(name),
            };
            if !owned || !self.put(record) {
                self.len = start;
                return false;
            }
            data_at.push(self.len - rdlen, code);
            self.counts[section] += 1;
            rest = &rest[10 + rdlen..];
        }
        true
    }
}

/// Offsets in the response of record data that names a target (NS, MX, SRV, CNAME), with
/// their type: where the additional section's owners can point.
struct Targets {
    list: [(usize, u16); 16],
    len: usize,
}

impl Targets {
    fn new() -> Self {
        Self { list: [(0, 0); 16], len: 0 }
    }

    fn push(&mut self, at: usize, code: u16) {
        if wire::target_offset(code).is_some() && self.len < self.list.len() {
            self.list[self.len] = (at, code);
            self.len += 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = (usize, u16)> + '_ {
        self.list[..self.len].iter().copied()
    }
}

/// Writes the response to `query` into `out` (at most `max` bytes) and returns its length,
/// or `None` when the full resolver must answer. `lan`: the client gets LAN addresses.
/// `server_cookie`: when the query carried a client cookie, the server cookie to answer with.
pub fn answer(snapshot: &Snapshot, query: &Query<'_>, lan: bool, out: &mut [u8], max: usize, server_cookie: Option<&[u8; 16]>) -> Option<usize> {
    let max = max.min(out.len());
    let question = query.packet.get(..query.question_end)?;
    let cookie = query.edns.and_then(|e| e.cookie).zip(server_cookie);
    let dnssec_ok = query.edns.is_some_and(|e| e.dnssec_ok);
    let opt_len = match (query.edns, cookie) {
        (None, _) => 0,
        (Some(_), None) => 11,
        (Some(_), Some(_)) => 11 + 4 + 24,
    };
    if question.len() + opt_len > max {
        return None;
    }
    let mut w = Writer { out: &mut out[..max - opt_len], len: 0, counts: [0; 3], overflow: false };
    w.put(question);
    let flags = match snapshot.zone_of(query.name()) {
        None => REFUSED,
        // A signed zone's keys, and its proofs of what does not exist, are the full path's.
        Some(zone) if zone.signed.is_some() && super::signing::is_dnssec_type(query.qtype) => return None,
        Some(zone) => body(zone, query, lan, zone.signed.as_ref().filter(|_| dnssec_ok), &mut w)?,
    };
    let flags = flags | if w.overflow { TC } else { 0 };
    // Truncated: the header, the question and the OPT record, and the client asks again
    // over TCP (RFC 2181 §9).
    if w.overflow {
        w.len = question.len();
        w.counts = [0; 3];
    }
    let mut len = w.len;
    let mut counts = w.counts;
    if query.edns.is_some() {
        let rdlen: u16 = if cookie.is_some() { 28 } else { 0 };
        let [hi, lo] = rdlen.to_be_bytes();
        // DO is echoed (RFC 3225 §3).
        let opt = [0, 0, 41, (EDNS_PAYLOAD >> 8) as u8, EDNS_PAYLOAD as u8, 0, 0, if dnssec_ok { 0x80 } else { 0 }, 0, hi, lo];
        out.get_mut(len..len + 11)?.copy_from_slice(&opt);
        len += 11;
        if let Some((client, server)) = cookie {
            // COOKIE (RFC 7873): the client's cookie and this server's for that client.
            let option = out.get_mut(len..len + 28)?;
            option[..4].copy_from_slice(&[0, super::query::COOKIE as u8, 0, 24]);
            option[4..12].copy_from_slice(&client);
            option[12..28].copy_from_slice(server);
            len += 28;
        }
        counts[2] += 1;
    }
    let header = out.get_mut(..12)?;
    header[2..4].copy_from_slice(&(QR | query.flags | flags).to_be_bytes());
    for (i, count) in counts.iter().enumerate() {
        header[6 + 2 * i..8 + 2 * i].copy_from_slice(&count.to_be_bytes());
    }
    Some(len)
}

/// The sections for a name in `zone`; returns the header's AA flag and RCODE. `dnssec`: the
/// zone is signed and the client set DO, so each set comes with its RRSIG, and the NSEC3
/// records that prove what does not exist follow in the authority section — exactly what
/// the full path's `resolve` adds.
fn body(zone: &ZoneIndex, query: &Query<'_>, lan: bool, dnssec: Option<&Signed>, w: &mut Writer<'_>) -> Option<u16> {
    let mut targets = Targets::new();
    let labels_below_apex = query.label_count() - wire::label_count(&zone.origin);
    let apex_at = query.suffix_offset(query.label_count() - labels_below_apex)?;
    // Below a zone cut the answer is a referral (RFC 1034 §4.3.2): not authoritative.
    let mut proofs = dnssec.map(|signed| Proofs { signed, apex_at, written: [[0; 20]; 4], count: 0, deferred: [None; MAX_CNAME_CHAIN], deferred_count: 0 });
    if let Some((cut, ns)) = zone.delegation(query.name()) {
        // DS at the cut is the parent's (this zone's) to answer: there is none.
        if query.qtype == types::DS && *cut == *query.name() {
            negative(zone, apex_at, dnssec, w);
            if let Some(p) = proofs.as_mut() {
                p.prove(w, [denial::no_ds(p.signed, cut)]);
            }
            return Some(AA | NOERROR);
        }
        let cut_at = query.suffix_offset(wire::label_count(cut))?;
        if !w.rrset(1, ns, Owner::At(cut_at), cut, &mut targets) {
            w.overflow = true;
        }
        // No DS: the cut's NSEC3 record says so.
        if let Some(p) = proofs.as_mut() {
            p.prove(w, [denial::no_ds(p.signed, cut)]);
        }
        additional(zone, lan, dnssec.is_some(), w, &targets);
        return Some(NOERROR);
    }
    let mut name: &[u8] = query.name();
    let mut owner = Owner::At(12);
    for _ in 0..MAX_CNAME_CHAIN {
        let Some(node) = zone.find(name) else {
            if let Some(p) = proofs.as_mut() {
                p.flush(w);
            }
            negative(zone, apex_at, dnssec, w);
            if let Some(p) = proofs.as_mut() {
                p.prove(w, denial::name_error(zone, p.signed, name));
            }
            return Some(AA | NXDOMAIN);
        };
        let wildcard = *node.name != *name;
        if wildcard && let Some(p) = proofs.as_mut() {
            // No closer name matched (RFC 5155 §7.2.6): proven in the authority section,
            // once the answers are written.
            p.defer(denial::wildcard_answer(p.signed, name, &node.name));
        }
        let apex = *name == *zone.origin;
        if apex && query.qtype == types::SOA {
            soa_record(zone, owner, 0, w);
            if let Some(signed) = dnssec
                && !w.records(0, &signed.soa_rrsig, signing::RRSIG, owner, name, &mut Targets::new())
            {
                w.overflow = true;
            }
        } else if let Some(set) = wire::kind_of(query.qtype).and_then(|k| node.answer_set(k, lan)) {
            if !w.rrset(0, set, owner, name, &mut targets) || (dnssec.is_some() && !w.records(0, &set.rrsig, signing::RRSIG, owner, name, &mut Targets::new())) {
                w.overflow = true;
            }
        } else if let Some(set) = node.get(RecordKind::Cname) {
            let before = targets.len;
            if !w.rrset(0, set, owner, name, &mut targets) || (dnssec.is_some() && !w.records(0, &set.rrsig, signing::RRSIG, owner, name, &mut Targets::new())) {
                // Where the chain ends decides the response code: the full path follows it.
                return None;
            }
            let target = set.rdatas().next()?;
            if !wire::is_within(target, &zone.origin) {
                if let Some(p) = proofs.as_mut() {
                    p.flush(w);
                }
                return Some(AA | NOERROR);
            }
            // The chain goes on at the CNAME's target, whose name is now in the response.
            owner = targets.list.get(before).map_or(Owner::Name, |(at, _)| Owner::At(*at));
            targets.len = before;
            name = target;
            continue;
        } else {
            // NODATA (RFC 2308 §2.2), also at the end of a CNAME chain: the name's NSEC3 (or
            // the wildcard's, after the closest encloser's) lists the types there are.
            if let Some(p) = proofs.as_mut() {
                p.flush(w);
            }
            negative(zone, apex_at, dnssec, w);
            if let Some(p) = proofs.as_mut() {
                p.prove(w, denial::no_data(p.signed, &node.name, wildcard));
            }
        }
        if let Some(p) = proofs.as_mut() {
            p.flush(w);
        }
        additional(zone, lan, dnssec.is_some(), w, &targets);
        return Some(AA | NOERROR);
    }
    // A chain longer than the resolver follows: the full path answers SERVFAIL.
    None
}

/// The zone's SOA in the authority section (negative answers), signed when asked.
fn negative(zone: &ZoneIndex, apex_at: usize, dnssec: Option<&Signed>, w: &mut Writer<'_>) {
    soa_record(zone, Owner::At(apex_at), 1, w);
    if let Some(signed) = dnssec
        && !w.records(1, &signed.soa_rrsig, signing::RRSIG, Owner::At(apex_at), &zone.origin, &mut Targets::new())
    {
        w.overflow = true;
    }
}

/// The NSEC3 records of one answer, each written once into the authority section with its
/// RRSIG; the owner is the hash's label followed by a pointer to the apex in the question.
struct Proofs<'z> {
    signed: &'z Signed,
    apex_at: usize,
    written: [[u8; 20]; 4],
    count: usize,
    /// Proofs that wait for the answer section to end (wildcards met on the way, at most
    /// one a CNAME step).
    deferred: [Option<denial::Proof>; MAX_CNAME_CHAIN],
    deferred_count: usize,
}

impl Proofs<'_> {
    fn defer(&mut self, proof: denial::Proof) {
        if self.deferred_count < self.deferred.len() {
            self.deferred[self.deferred_count] = Some(proof);
            self.deferred_count += 1;
        }
    }

    /// Writes the deferred records.
    fn flush(&mut self, w: &mut Writer<'_>) {
        let (deferred, count) = (self.deferred, std::mem::take(&mut self.deferred_count));
        self.prove(w, deferred[..count].iter().flatten().copied());
    }

    /// Writes the records of `proofs`.
    fn prove(&mut self, w: &mut Writer<'_>, proofs: impl IntoIterator<Item = denial::Proof>) {
        let signed = self.signed;
        for (hash, nsec3) in proofs.into_iter().filter_map(|p| p.find(signed)) {
            self.put(w, hash, nsec3);
        }
    }

    fn put(&mut self, w: &mut Writer<'_>, hash: &[u8; 20], nsec3: &signing::Nsec3) {
        if self.written[..self.count].contains(hash) || self.count == self.written.len() {
            return;
        }
        self.written[self.count] = *hash;
        self.count += 1;
        let start = w.len;
        let mut owner = [0u8; 35];
        owner[..33].copy_from_slice(&nsec3.label);
        owner[33..].copy_from_slice(&(0xc000 | self.apex_at as u16).to_be_bytes());
        if !(w.put(&owner) && w.put(&nsec3.record)) {
            w.len = start;
            w.overflow = true;
            return;
        }
        w.counts[1] += 1;
        if !w.records(1, &nsec3.rrsig, signing::RRSIG, Owner::At(start), &owner, &mut Targets::new()) {
            w.overflow = true;
        }
    }
}

fn soa_record(zone: &ZoneIndex, owner: Owner, section: usize, w: &mut Writer<'_>) {
    let start = w.len;
    let names = zone.soa_names();
    let (refresh, retry, expire, minimum) = super::zone::SOA_TIMERS;
    let rdlen = (names.len() + 20) as u16;
    let mut fixed = [0u8; 10];
    fixed[..2].copy_from_slice(&types::SOA.to_be_bytes());
    fixed[2..4].copy_from_slice(&wire::CLASS_IN.to_be_bytes());
    fixed[4..8].copy_from_slice(&zone.soa_ttl().to_be_bytes());
    fixed[8..10].copy_from_slice(&rdlen.to_be_bytes());
    let mut numbers = [0u8; 20];
    for (i, n) in [zone.serial, refresh, retry, expire, minimum].into_iter().enumerate() {
        numbers[4 * i..4 * i + 4].copy_from_slice(&n.to_be_bytes());
    }
    let owned = match owner {
        Owner::At(at) => w.put(&(0xc000 | at as u16).to_be_bytes()),
        Owner::Name => w.put(&zone.origin),
    };
    if owned && w.put(&fixed) && w.put(names) && w.put(&numbers) {
        w.counts[section] += 1;
    } else {
        w.len = start;
        w.overflow = true;
    }
}

/// Additional-section addresses (RFC 1034 §3.7) of the in-zone names that NS, MX and SRV
/// records in the response point to. What does not fit is left out, without TC.
fn additional(zone: &ZoneIndex, lan: bool, dnssec: bool, w: &mut Writer<'_>, targets: &Targets) {
    let mut seen: [&[u8]; 16] = [&[]; 16];
    let mut seen_len = 0;
    for (at, code) in targets.iter() {
        if code == types::CNAME {
            continue;
        }
        let Some(offset) = wire::target_offset(code) else { continue };
        let name_at = at + offset;
        // The target's node (looked up by the name as it stands in the response).
        let node = {
            let Some(name) = w.out.get(name_at..).and_then(|rest| rest.get(..name_len(rest))) else { continue };
            if !wire::is_within(name, &zone.origin) {
                continue;
            }
            match zone.node(name) {
                Some(node) => node,
                None => continue,
            }
        };
        if seen[..seen_len].contains(&&*node.name) {
            continue;
        }
        if seen_len < seen.len() {
            seen[seen_len] = &node.name;
            seen_len += 1;
        }
        for kind in [RecordKind::A, RecordKind::Aaaa] {
            if let Some(set) = node.answer_set(kind, lan) {
                // A signed set comes with its RRSIG (RFC 4035 §3.1.1), or not at all.
                let start = (w.len, w.counts[2]);
                let fitted = w.rrset(2, set, Owner::At(name_at), &node.name, &mut Targets::new())
                    && (!dnssec || w.records(2, &set.rrsig, signing::RRSIG, Owner::At(name_at), &node.name, &mut Targets::new()));
                if !fitted {
                    (w.len, w.counts[2]) = start;
                }
            }
        }
    }
}

/// The length of the (uncompressed) wire name at the start of `bytes`.
fn name_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(&len) = bytes.get(at) {
        at += 1 + len as usize;
        if len == 0 || len > 63 {
            break;
        }
    }
    at.min(bytes.len())
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
