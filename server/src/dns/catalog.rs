//! The in-memory view of every served zone that the query path answers from.
//!
//! Readers take an `Arc` snapshot (one atomic load, no lock, no SQLite). Writers are
//! serialised, copy the affected zone's node map — a persistent hash map, so the copy shares
//! structure and costs O(1) — change only the names they touch, and publish atomically.
//! An update therefore costs O(log n) whatever the zone's size, and NXDOMAIN versus NODATA
//! is decided by lookups, never by scanning.
//!
//! Nodes keep the compact domain record data; wire records are built per answer with the
//! question's own name as owner, which preserves the asker's spelling of it.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::{self, CAA, MX, NS, SOA, SRV, TXT};
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType};

use crate::names::DomainName;
use crate::records::{Record as DomainRecord, RecordData, RecordKind};
use crate::transfers::Policy;

/// SOA timers (seconds): refresh, retry, expire, and the negative-caching TTL.
const SOA_TIMERS: (i32, i32, i32, u32) = (3600, 600, 1_209_600, 60);
/// TTL of the apex NS set.
const NS_TTL: u32 = 3600;
/// Longest CNAME chain followed inside a zone.
const MAX_CNAME_CHAIN: usize = 8;

/// Everything needed to build one zone's view.
#[derive(Debug, Clone)]
pub struct ZoneContents {
    pub name: DomainName,
    pub serial: u32,
    pub nameservers: Vec<DomainName>,
    pub hostmaster: DomainName,
    pub records: Vec<DomainRecord>,
    /// Who may transfer the zone, and whom to NOTIFY.
    pub transfers: Policy,
}

/// A changed record set: the new records of `kind` at `name` (empty: the set is gone).
#[derive(Debug, Clone)]
pub struct RrsetChange {
    pub name: DomainName,
    pub kind: RecordKind,
    pub records: Vec<DomainRecord>,
}

/// The published view of all zones.
pub struct Catalog {
    current: ArcSwap<Snapshot>,
    writer: Mutex<()>,
    /// Zones changed since the NOTIFY sender last looked.
    changed: Mutex<std::collections::BTreeSet<DomainName>>,
    signal: tokio::sync::Notify,
}

impl Default for Catalog {
    fn default() -> Self {
        Self {
            current: ArcSwap::from_pointee(Snapshot { zones: Vec::new() }),
            writer: Mutex::new(()),
            changed: Mutex::default(),
            signal: tokio::sync::Notify::new(),
        }
    }
}

impl Catalog {
    /// Replaces every zone (start-up, and reloads after another process wrote).
    pub fn replace_all(&self, zones: Vec<ZoneContents>) {
        let _guard = self.lock();
        let mut built: Vec<Arc<ZoneIndex>> = zones.into_iter().map(|z| Arc::new(ZoneIndex::build(z))).collect();
        // Most specific first, so that a child zone wins over its parent.
        built.sort_by_key(|z| std::cmp::Reverse(z.origin.num_labels()));
        self.mark_changed(built.iter().map(|z| z.name.clone()));
        self.current.store(Arc::new(Snapshot { zones: built }));
    }

    /// Adds (or rebuilds) one zone.
    pub fn upsert(&self, contents: ZoneContents) {
        let _guard = self.lock();
        let snapshot = self.current.load_full();
        let index = Arc::new(ZoneIndex::build(contents));
        let mut zones: Vec<Arc<ZoneIndex>> = snapshot.zones.iter().filter(|z| z.origin != index.origin).cloned().collect();
        self.mark_changed([index.name.clone()]);
        zones.push(index);
        zones.sort_by_key(|z| std::cmp::Reverse(z.origin.num_labels()));
        self.current.store(Arc::new(Snapshot { zones }));
    }

    /// Stops serving a zone.
    pub fn remove(&self, zone: &DomainName) {
        let _guard = self.lock();
        let origin = lower(zone);
        let snapshot = self.current.load_full();
        let zones = snapshot.zones.iter().filter(|z| z.origin != origin).cloned().collect();
        self.current.store(Arc::new(Snapshot { zones }));
    }

    /// Applies record-set changes to one zone and sets its serial. Returns false when the
    /// zone is not served.
    pub fn apply(&self, zone: &DomainName, serial: u32, changes: &[RrsetChange]) -> bool {
        let _guard = self.lock();
        let snapshot = self.current.load_full();
        let origin = lower(zone);
        let Some(position) = snapshot.zones.iter().position(|z| z.origin == origin) else {
            return false;
        };
        let mut index = (*snapshot.zones[position]).clone();
        for change in changes {
            let ttl = change.records.first().map_or(0, |r| r.ttl);
            let data = change.records.iter().map(|r| r.data.clone()).collect();
            index.set_rrset(lower(&change.name), change.kind, ttl, data);
        }
        index.set_serial(serial);
        let mut zones = snapshot.zones.clone();
        zones[position] = Arc::new(index);
        self.current.store(Arc::new(Snapshot { zones }));
        self.mark_changed([zone.clone()]);
        true
    }

    fn mark_changed(&self, zones: impl IntoIterator<Item = DomainName>) {
        self.changed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(zones);
        self.signal.notify_one();
    }

    /// Waits until some zone changed, and returns which ones did since the last call.
    pub(crate) async fn changes(&self) -> Vec<DomainName> {
        loop {
            let taken = self.take_changes();
            if !taken.is_empty() {
                return taken;
            }
            self.signal.notified().await;
        }
    }

    /// The zones changed since the last call, without waiting.
    pub(crate) fn take_changes(&self) -> Vec<DomainName> {
        std::mem::take(&mut *self.changed.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_iter().collect()
    }

    /// The serial currently served for a zone.
    pub fn serial(&self, zone: &DomainName) -> Option<u32> {
        let origin = lower(zone);
        self.current.load().zones.iter().find(|z| z.origin == origin).map(|z| z.serial)
    }

    /// One record set as served now (empty when there is none).
    pub fn rrset(&self, zone: &DomainName, name: &DomainName, kind: RecordKind) -> Vec<DomainRecord> {
        let snapshot = self.current.load();
        let origin = lower(zone);
        let Some(index) = snapshot.zones.iter().find(|z| z.origin == origin) else { return Vec::new() };
        let Some(set) = index.nodes.get(&lower(name)).and_then(|n| n.get(kind)) else { return Vec::new() };
        set.data.iter().map(|d| DomainRecord { name: name.clone(), ttl: set.ttl, data: d.clone() }).collect()
    }

    /// Whether any record exists at `name` (an empty non-terminal has none).
    pub fn name_in_use(&self, zone: &DomainName, name: &DomainName) -> bool {
        let snapshot = self.current.load();
        let origin = lower(zone);
        snapshot
            .zones
            .iter()
            .find(|z| z.origin == origin)
            .and_then(|index| index.nodes.get(&lower(name)))
            .is_some_and(|n| !n.rrsets.is_empty() || lower(name) == origin)
    }

    /// The names of every served zone, most specific first.
    pub fn zone_names(&self) -> Vec<DomainName> {
        self.current.load().zones.iter().map(|z| z.name.clone()).collect()
    }

    /// Whether a zone is served.
    pub fn serves(&self, zone: &DomainName) -> bool {
        self.serial(zone).is_some()
    }

    /// The zone as a standard (RFC 1035) zone file: SOA first, then every name in order.
    pub fn export(&self, zone: &DomainName) -> Option<String> {
        let origin = lower(zone);
        let snapshot = self.current.load_full();
        let index = snapshot.zones.iter().find(|z| z.origin == origin)?;
        let mut out = format!("; zone {zone}, serial {}\n$ORIGIN {}\n{}\n", index.serial, fqdn(zone), index.soa);
        let mut names: Vec<(&LowerName, &Arc<Node>)> = index.nodes.iter().collect();
        // Apex first, then in DNSSEC canonical order (RFC 4034 §6.1).
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (name, node) in names {
            let owner = Name::from(name);
            // LAN addresses are a view, not part of the zone.
            for set in node.rrsets.iter().filter(|s| !s.kind.is_lan()) {
                // A set has no order; sorted, the same zone always exports the same file.
                let mut lines: Vec<String> = set.to_wire(&owner).map(|r| master_line(&r)).collect();
                lines.sort();
                for line in lines {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        }
        Some(out)
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One record as a master-file line. TXT strings are quoted and escaped (RFC 1035 §5.1), so
/// that spaces, quotes and semicolons read back as they were and each string stays whole.
fn master_line(record: &Record) -> String {
    let RData::TXT(txt) = &record.data else { return record.to_string() };
    let strings: Vec<String> = txt.txt_data.iter().map(|s| quoted(s)).collect();
    format!("{} {} {} TXT {}", record.name, record.ttl, record.dns_class, strings.join(" "))
}

/// A `<character-string>` in quotes: `"` and `\` escaped, bytes outside printable ASCII as `\DDD`.
fn quoted(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

/// An immutable view of all zones at one moment.
pub(crate) struct Snapshot {
    zones: Vec<Arc<ZoneIndex>>,
}

/// The answer to one question, before it is put on the wire.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    pub rcode: ResponseCode,
    pub authoritative: bool,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

impl Snapshot {
    /// The zone called `name`.
    pub(crate) fn zone_named(&self, name: &DomainName) -> Option<&Arc<ZoneIndex>> {
        self.zone(&lower(name))
    }

    /// The zone whose apex is exactly `origin`.
    pub(crate) fn zone(&self, origin: &LowerName) -> Option<&Arc<ZoneIndex>> {
        self.zones.iter().find(|z| z.origin == *origin)
    }

    /// Answers `qname`/`qtype`; `asked` is the question's name as the client spelled it.
    /// `lan`: the client is in a LAN subnet, so a host's LAN address wins (split horizon).
    pub(crate) fn resolve(&self, qname: &LowerName, asked: &Name, qtype: RecordType, lan: bool) -> Resolution {
        let Some(zone) = self.zones.iter().find(|z| z.origin.zone_of(qname)) else {
            return Resolution { rcode: ResponseCode::Refused, ..Default::default() };
        };
        let mut resolution = Resolution { authoritative: true, ..Default::default() };
        // Below a zone cut the answer is a referral (RFC 1034 §4.3.2): not authoritative.
        if let Some((cut, ns)) = zone.delegation(qname) {
            resolution.authoritative = false;
            resolution.authority.extend(ns.to_wire(&Name::from(cut)));
            zone.add_target_addresses(&mut resolution, lan);
            return resolution;
        }
        let mut name = qname.clone();
        let mut owner = asked.clone();
        for _ in 0..MAX_CNAME_CHAIN {
            let Some(node) = zone.find(&name) else {
                resolution.rcode = ResponseCode::NXDomain;
                resolution.authority.push(zone.soa.clone());
                return resolution;
            };
            let apex = name == zone.origin;
            let lan_set = |k: RecordKind| if lan { k.for_lan().and_then(|l| node.get(l)) } else { None };
            if qtype == RecordType::ANY {
                // RFC 8482 §4.1: one RRset answers ANY, the one of the lowest type code.
                let first = node.rrsets.iter().filter(|s| !s.kind.is_lan()).min_by_key(|s| u16::from(record_type(s.kind)));
                match first {
                    Some(set) if !(apex && u16::from(record_type(set.kind)) > u16::from(RecordType::SOA)) => {
                        resolution.answers.extend(set.to_wire(&owner));
                    }
                    _ if apex => resolution.answers.push(named(zone.soa.clone(), &owner)),
                    _ => resolution.authority.push(zone.soa.clone()),
                }
            } else if apex && qtype == RecordType::SOA {
                resolution.answers.push(named(zone.soa.clone(), &owner));
            } else if let Some(set) = kind_of(qtype).and_then(|k| lan_set(k).or_else(|| node.get(k))) {
                resolution.answers.extend(set.to_wire(&owner));
            } else if let Some(set) = node.get(RecordKind::Cname) {
                resolution.answers.extend(set.to_wire(&owner));
                if let Some(RecordData::Cname(target)) = set.data.first() {
                    let target_lower = lower(target);
                    if zone.origin.zone_of(&target_lower) {
                        owner = fqdn(target);
                        name = target_lower;
                        continue;
                    }
                }
                return resolution;
            } else {
                // NODATA (RFC 2308 §2.2), also at the end of a CNAME chain.
                resolution.authority.push(zone.soa.clone());
            }
            zone.add_target_addresses(&mut resolution, lan);
            return resolution;
        }
        resolution.rcode = ResponseCode::ServFail;
        resolution
    }
}

fn named(mut record: Record, owner: &Name) -> Record {
    record.name = owner.clone();
    record
}

/// One zone's names.
#[derive(Clone)]
pub(crate) struct ZoneIndex {
    pub(crate) name: DomainName,
    origin: LowerName,
    pub(crate) serial: u32,
    soa: Record,
    pub(crate) transfers: Arc<Policy>,
    nodes: imbl::HashMap<LowerName, Arc<Node>>,
    /// NS sets below the apex (zone cuts); none is the common case and skips the search.
    delegations: usize,
}

/// The record sets at one name; `children` counts names directly below it, so that an
/// empty non-terminal (no records, but names below) answers NODATA rather than NXDOMAIN.
#[derive(Clone, Default)]
struct Node {
    rrsets: Vec<Rrset>,
    children: u32,
}

/// The records of one type at one name.
#[derive(Clone)]
struct Rrset {
    kind: RecordKind,
    ttl: u32,
    data: Arc<[RecordData]>,
}

impl Rrset {
    fn to_wire<'a>(&'a self, owner: &'a Name) -> impl Iterator<Item = Record> + 'a {
        self.data.iter().map(move |d| Record::from_rdata(owner.clone(), self.ttl, rdata(d)))
    }
}

impl Node {
    fn get(&self, kind: RecordKind) -> Option<&Rrset> {
        self.rrsets.iter().find(|s| s.kind == kind)
    }

    fn is_empty(&self) -> bool {
        self.rrsets.is_empty() && self.children == 0
    }
}

impl ZoneIndex {
    fn build(contents: ZoneContents) -> Self {
        let origin = lower(&contents.name);
        let apex = fqdn(&contents.name);
        let (refresh, retry, expire, minimum) = SOA_TIMERS;
        let soa = Record::from_rdata(
            apex.clone(),
            minimum,
            RData::SOA(SOA::new(
                contents.nameservers.first().map_or_else(|| apex.clone(), fqdn),
                fqdn(&contents.hostmaster),
                contents.serial,
                refresh,
                retry,
                expire,
                minimum,
            )),
        );
        let mut index = Self {
            name: contents.name.clone(),
            origin: origin.clone(),
            serial: contents.serial,
            soa,
            transfers: Arc::new(contents.transfers),
            nodes: imbl::HashMap::new(),
            delegations: 0,
        };
        index.nodes.insert(origin.clone(), Arc::new(Node::default()));
        let ns = contents.nameservers.iter().cloned().map(RecordData::Ns).collect();
        index.set_rrset(origin, RecordKind::Ns, NS_TTL, ns);

        let mut records = contents.records;
        records.sort_by(|a, b| (&a.name, a.data.kind()).cmp(&(&b.name, b.data.kind())));
        let mut records = records.into_iter().peekable();
        while let Some(first) = records.next() {
            let (name, kind, ttl) = (first.name, first.data.kind(), first.ttl);
            let mut data = vec![first.data];
            while let Some(next) = records.next_if(|r| r.name == name && r.data.kind() == kind) {
                data.push(next.data);
            }
            index.set_rrset(lower(&name), kind, ttl, data);
        }
        index
    }

    /// The SOA record, with `serial` in place of the current one (IXFR's history).
    pub(crate) fn soa(&self, serial: u32) -> Record {
        let mut soa = self.soa.clone();
        if let RData::SOA(data) = &mut soa.data {
            data.serial = serial;
        }
        soa
    }

    /// Every record of the zone for a transfer (RFC 5936): the SOA first and last, the rest
    /// in canonical order; LAN addresses are a view and stay out.
    pub(crate) fn transfer_records(&self) -> Vec<Record> {
        let mut names: Vec<(&LowerName, &Arc<Node>)> = self.nodes.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        let mut records = vec![self.soa.clone()];
        for (name, node) in names {
            let owner = Name::from(name);
            for set in node.rrsets.iter().filter(|s| !s.kind.is_lan()) {
                records.extend(set.to_wire(&owner));
            }
        }
        records.push(self.soa.clone());
        records
    }

    /// The highest zone cut above or at `name` (an NS set below the apex), if any.
    fn delegation(&self, name: &LowerName) -> Option<(LowerName, &Rrset)> {
        if self.delegations == 0 {
            return None;
        }
        let mut found = None;
        let mut current = name.clone();
        while current != self.origin && self.origin.zone_of(&current) {
            if let Some(ns) = self.nodes.get(&current).and_then(|n| n.get(RecordKind::Ns)) {
                found = Some((current.clone(), ns));
            }
            current = current.base_name();
        }
        found
    }

    /// Additional-section addresses (RFC 1034 §3.7) of the in-zone names that NS, MX and SRV
    /// records in the answer and authority sections point to.
    fn add_target_addresses(&self, resolution: &mut Resolution, lan: bool) {
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
            let lower_target = LowerName::from(&target);
            if !self.origin.zone_of(&lower_target) {
                continue;
            }
            let Some(node) = self.nodes.get(&lower_target) else { continue };
            for kind in [RecordKind::A, RecordKind::Aaaa] {
                let lan_set = if lan { kind.for_lan().and_then(|l| node.get(l)) } else { None };
                if let Some(set) = lan_set.or_else(|| node.get(kind)) {
                    resolution.additional.extend(set.to_wire(&target));
                }
            }
        }
    }

    /// The node at `name`, or the wildcard node that covers it.
    fn find(&self, name: &LowerName) -> Option<&Node> {
        if let Some(node) = self.nodes.get(name) {
            return Some(node);
        }
        // Closest encloser: the nearest existing ancestor. Only `*` directly below it may
        // synthesise an answer (RFC 4592).
        let mut ancestor = name.base_name();
        while self.origin.zone_of(&ancestor) {
            if self.nodes.contains_key(&ancestor) {
                let wildcard = Name::from(&ancestor).prepend_label("*").ok()?;
                return self.nodes.get(&LowerName::from(&wildcard)).map(Arc::as_ref);
            }
            ancestor = ancestor.base_name();
        }
        None
    }

    fn set_rrset(&mut self, name: LowerName, kind: RecordKind, ttl: u32, data: Vec<RecordData>) {
        if !self.origin.zone_of(&name) {
            return;
        }
        let existing = self.nodes.get(&name).cloned();
        let mut node = existing.as_deref().cloned().unwrap_or_default();
        if kind == RecordKind::Ns && name != self.origin {
            let had = node.get(RecordKind::Ns).is_some();
            match (had, data.is_empty()) {
                (false, false) => self.delegations += 1,
                (true, true) => self.delegations -= 1,
                _ => {}
            }
        }
        node.rrsets.retain(|s| s.kind != kind);
        if !data.is_empty() {
            node.rrsets.push(Rrset { kind, ttl, data: data.into() });
            node.rrsets.sort_by_key(|s| s.kind);
            node.rrsets.shrink_to_fit();
        }
        match (existing.is_some(), node.is_empty() && name != self.origin) {
            (true, true) => {
                self.nodes.remove(&name);
                self.release_parent(&name);
            }
            (false, true) => {}
            (existed, false) => {
                self.nodes.insert(name.clone(), Arc::new(node));
                if !existed {
                    self.claim_parent(&name);
                }
            }
        }
    }

    /// A new name appeared: count it in its parent, creating empty non-terminals as needed.
    fn claim_parent(&mut self, name: &LowerName) {
        let mut child = name.clone();
        while child != self.origin {
            let parent = child.base_name();
            let existed = self.nodes.contains_key(&parent);
            let mut node = self.nodes.get(&parent).map(|n| (**n).clone()).unwrap_or_default();
            node.children += 1;
            self.nodes.insert(parent.clone(), Arc::new(node));
            if existed {
                return;
            }
            child = parent;
        }
    }

    /// A name went away: uncount it, removing empty non-terminals that are left with nothing.
    fn release_parent(&mut self, name: &LowerName) {
        let mut child = name.clone();
        while child != self.origin {
            let parent = child.base_name();
            let Some(mut node) = self.nodes.get(&parent).map(|n| (**n).clone()) else { return };
            node.children = node.children.saturating_sub(1);
            if node.is_empty() && parent != self.origin {
                self.nodes.remove(&parent);
                child = parent;
            } else {
                self.nodes.insert(parent, Arc::new(node));
                return;
            }
        }
    }

    fn set_serial(&mut self, serial: u32) {
        self.serial = serial;
        if let RData::SOA(soa) = &mut self.soa.data {
            soa.serial = serial;
        }
    }
}

/// A stored record as a wire record.
pub(crate) fn wire_record(record: &DomainRecord) -> Record {
    Record::from_rdata(fqdn(&record.name), record.ttl, rdata(&record.data))
}

fn fqdn(name: &DomainName) -> Name {
    let mut n = Name::from_ascii(name.as_str()).unwrap_or_else(|_| Name::root());
    n.set_fqdn(true);
    n
}

fn lower(name: &DomainName) -> LowerName {
    LowerName::from(fqdn(name))
}

/// The wire type of a record kind (LAN addresses are addresses).
fn record_type(kind: RecordKind) -> RecordType {
    match kind {
        RecordKind::A | RecordKind::LanA => RecordType::A,
        RecordKind::Aaaa | RecordKind::LanAaaa => RecordType::AAAA,
        RecordKind::Cname => RecordType::CNAME,
        RecordKind::Txt => RecordType::TXT,
        RecordKind::Mx => RecordType::MX,
        RecordKind::Srv => RecordType::SRV,
        RecordKind::Caa => RecordType::CAA,
        RecordKind::Ns => RecordType::NS,
    }
}

/// The record kind a query type asks for, if it is one the appliance serves.
fn kind_of(rtype: RecordType) -> Option<RecordKind> {
    Some(match rtype {
        RecordType::A => RecordKind::A,
        RecordType::AAAA => RecordKind::Aaaa,
        RecordType::CNAME => RecordKind::Cname,
        RecordType::TXT => RecordKind::Txt,
        RecordType::MX => RecordKind::Mx,
        RecordType::SRV => RecordKind::Srv,
        RecordType::CAA => RecordKind::Caa,
        RecordType::NS => RecordKind::Ns,
        _ => return None,
    })
}

fn rdata(data: &RecordData) -> RData {
    match data {
        RecordData::A(a) | RecordData::LanA(a) => RData::A(rdata::A(*a)),
        RecordData::Aaaa(a) | RecordData::LanAaaa(a) => RData::AAAA(rdata::AAAA(*a)),
        RecordData::Cname(n) => RData::CNAME(rdata::CNAME(fqdn(n))),
        RecordData::Ns(n) => RData::NS(NS(fqdn(n))),
        RecordData::Txt(text) => RData::TXT(TXT::new(split_txt(text))),
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

/// TXT data travels as strings of at most 255 bytes (RFC 1035 §3.3.14); long texts such as
/// DKIM keys are split, never truncated, and never inside a UTF-8 character.
fn split_txt(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.len() > 255 {
        let mut cut = 255;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        parts.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    parts.push(rest.to_string());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Result;

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
        Ok(c.snapshot().resolve(&qname, &asked, t, false))
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

    #[test]
    fn long_txt_is_split_at_255_bytes() {
        let parts = split_txt(&"é".repeat(200));
        assert!(parts.iter().all(|p| p.len() <= 255));
        assert_eq!(parts.concat(), "é".repeat(200));
    }
}
