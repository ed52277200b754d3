//! One zone's names, compact and ready for the wire. Each name is a [`Node`] holding its
//! record sets already encoded (TYPE CLASS TTL RDLENGTH RDATA per record, the owner left to
//! the answer), keyed by its lower-case wire name in a table split into shards: a change
//! copies one shard's table of pointers, never the zone, and readers of an older snapshot
//! keep theirs.

use std::sync::Arc;

use hashbrown::HashTable;

use super::signing::{self, Chain, Signer};
use super::wire::{self, CLASS_IN, types};
use crate::dnssec::ZoneKey;
use crate::names::DomainName;
use crate::records::{Record as DomainRecord, RecordData, RecordKind};
use crate::transfers::Policy;

pub use super::wire::SOA_TIMERS;
/// TTL of the apex NS set.
pub const NS_TTL: u32 = 3600;

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
    /// The keys the zone is signed with (DNSSEC), oldest first; none: not signed.
    pub keys: Vec<Arc<ZoneKey>>,
    /// When the signatures were made (Unix time; 0: now). The validity window runs from an
    /// hour before it for [`signing::VALIDITY`], and moves only with the serial.
    pub signed_at: u32,
}

/// The records of one type at one name, in wire form. A signed zone keeps each set's RRSIG
/// beside it in the same form, for the fast path to append when a query sets DO.
#[derive(Clone, Debug)]
pub struct Rrset {
    pub kind: RecordKind,
    pub ttl: u32,
    /// Each record without its owner: TYPE, CLASS, TTL, RDLENGTH, RDATA.
    pub wire: Box<[u8]>,
    /// The set's RRSIG in the same form (empty when the zone is not signed, or the set is
    /// not the zone's to sign: a delegation's NS, glue below it).
    pub rrsig: Box<[u8]>,
}

impl Rrset {
    fn encode(kind: RecordKind, ttl: u32, data: &[RecordData]) -> Self {
        let mut wire = Vec::new();
        let code = wire::type_code(kind);
        for d in data {
            let rdata = wire::rdata(d);
            wire.extend_from_slice(&code.to_be_bytes());
            wire.extend_from_slice(&CLASS_IN.to_be_bytes());
            wire.extend_from_slice(&ttl.to_be_bytes());
            wire.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
            wire.extend_from_slice(&rdata);
        }
        Self { kind, ttl, wire: wire.into_boxed_slice(), rrsig: Box::new([]) }
    }

    /// Each record's data, in wire form.
    pub fn rdatas(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut rest: &[u8] = &self.wire;
        std::iter::from_fn(move || {
            let len = u16::from_be_bytes([*rest.get(8)?, *rest.get(9)?]) as usize;
            let rdata = rest.get(10..10 + len)?;
            rest = &rest[10 + len..];
            Some(rdata)
        })
    }

    /// The records' data as the domain knows it.
    pub fn data(&self) -> Vec<RecordData> {
        self.rdatas().filter_map(|r| wire::record_data(self.kind, r)).collect()
    }

    /// The wire type code.
    pub fn code(&self) -> u16 {
        wire::type_code(self.kind)
    }
}

/// The record sets at one name; `children` counts names directly below it, so that an
/// empty non-terminal (no records, but names below) answers NODATA rather than NXDOMAIN.
#[derive(Clone, Debug)]
pub struct Node {
    /// Lower-case wire name.
    pub name: Box<[u8]>,
    pub children: u32,
    /// Sorted by kind; LAN variants sit beside the sets they replace for LAN clients.
    pub rrsets: Box<[Rrset]>,
}

impl Node {
    fn empty(name: &[u8]) -> Self {
        Self { name: name.into(), children: 0, rrsets: Box::new([]) }
    }

    pub fn get(&self, kind: RecordKind) -> Option<&Rrset> {
        self.rrsets.iter().find(|s| s.kind == kind)
    }

    /// The set a client gets for `kind`: the LAN variant for LAN clients, where there is one.
    pub fn answer_set(&self, kind: RecordKind, lan: bool) -> Option<&Rrset> {
        let lan_set = if lan { kind.for_lan().and_then(|l| self.get(l)) } else { None };
        lan_set.or_else(|| self.get(kind))
    }

    fn is_empty(&self) -> bool {
        self.rrsets.is_empty() && self.children == 0
    }
}

/// Names → nodes, in shards.
#[derive(Clone)]
struct Table {
    shards: Box<[Arc<HashTable<Arc<Node>>>]>,
    hasher: foldhash::fast::FixedState,
    len: usize,
}

/// Names per shard aimed at: an update copies one shard's pointers.
const PER_SHARD: usize = 64;

impl Table {
    fn with_capacity(names: usize) -> Self {
        let shards = (names / PER_SHARD).next_power_of_two().clamp(16, 1 << 16);
        let hasher = foldhash::fast::FixedState::with_seed(rand::random());
        Self { shards: (0..shards).map(|_| Arc::new(HashTable::new())).collect(), hasher, len: 0 }
    }

    fn hash(&self, name: &[u8]) -> u64 {
        use std::hash::BuildHasher as _;
        self.hasher.hash_one(name)
    }

    /// The shard a hash falls in: bits the tables inside do not use for their own buckets.
    fn shard(&self, hash: u64) -> usize {
        (hash >> 40) as usize & (self.shards.len() - 1)
    }

    fn get(&self, name: &[u8]) -> Option<&Arc<Node>> {
        let hash = self.hash(name);
        self.shards[self.shard(hash)].find(hash, |n| *n.name == *name)
    }

    fn insert(&mut self, node: Arc<Node>) {
        let hash = self.hash(&node.name);
        let hasher = self.hasher.clone();
        let shard = Arc::make_mut(&mut self.shards[self.shard(hash)]);
        match shard.find_mut(hash, |n| n.name == node.name) {
            Some(slot) => *slot = node,
            None => {
                shard.insert_unique(hash, node, |n| {
                    use std::hash::BuildHasher as _;
                    hasher.hash_one(&*n.name)
                });
                self.len += 1;
            }
        }
        if self.len > self.shards.len() * PER_SHARD * 8 {
            self.reshard();
        }
    }

    fn remove(&mut self, name: &[u8]) {
        let hash = self.hash(name);
        let index = self.shard(hash);
        if self.shards[index].find(hash, |n| *n.name == *name).is_none() {
            return;
        }
        let shard = Arc::make_mut(&mut self.shards[index]);
        if let Ok(entry) = shard.find_entry(hash, |n| *n.name == *name) {
            entry.remove();
            self.len -= 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Arc<Node>> {
        self.shards.iter().flat_map(|s| s.iter())
    }

    /// Grown far past its shards: rebuilt with more (rare; amortised over the growth).
    fn reshard(&mut self) {
        let mut grown = Self::with_capacity(self.len);
        for node in self.iter() {
            grown.insert(node.clone());
        }
        *self = grown;
    }
}

/// One zone's names.
#[derive(Clone)]
pub struct ZoneIndex {
    pub name: DomainName,
    /// Lower-case wire name of the apex.
    pub origin: Box<[u8]>,
    pub serial: u32,
    /// The SOA's data up to (not including) the serial: MNAME and RNAME.
    soa_names: Box<[u8]>,
    pub transfers: Arc<Policy>,
    nodes: Table,
    /// NS sets below the apex (zone cuts); none is the common case and skips the search.
    delegations: usize,
    /// DNSSEC: the signer, the NSEC3 chain, the SOA's signature and the apex's key sets.
    pub signed: Option<Signed>,
}

/// A signed zone's DNSSEC records besides each set's RRSIG.
#[derive(Clone, Debug)]
pub struct Signed {
    pub signer: Arc<Signer>,
    pub chain: Chain,
    /// The RRSIG over the SOA at the current serial.
    pub soa_rrsig: Box<[u8]>,
    /// DNSKEY, CDS, CDNSKEY and NSEC3PARAM at the apex, each with its RRSIG.
    pub apex: Arc<[ApexSet]>,
    /// The apex's and its wildcard's names with their NSEC3 hashes, which most negative
    /// answers need (the closest encloser of most names that do not exist is the apex).
    pub hashed: Arc<[HashedName; 2]>,
}

/// A wire name and its NSEC3 hash.
pub type HashedName = (Box<[u8]>, [u8; 20]);

/// A set of DNSSEC records at the apex.
#[derive(Debug)]
pub struct ApexSet {
    pub code: u16,
    pub wire: Box<[u8]>,
    pub rrsig: Box<[u8]>,
}

impl Signed {
    pub fn apex_set(&self, code: u16) -> Option<&ApexSet> {
        self.apex.iter().find(|s| s.code == code)
    }

    /// `name`'s NSEC3 hash (the apex's and its wildcard's made once).
    pub fn hash_of(&self, name: &[u8]) -> [u8; 20] {
        self.hashed.iter().find(|(n, _)| **n == *name).map_or_else(|| signing::hash(name), |(_, h)| *h)
    }
}

impl ZoneIndex {
    pub fn build(contents: ZoneContents) -> Self {
        let origin: Box<[u8]> = wire::name(&contents.name).into();
        let mut soa_names = match contents.nameservers.first() {
            Some(ns) => wire::name(ns),
            None => origin.to_vec(),
        };
        soa_names.extend_from_slice(&wire::name(&contents.hostmaster));
        let mut index = Self {
            name: contents.name.clone(),
            origin: origin.clone(),
            serial: contents.serial,
            soa_names: soa_names.into(),
            transfers: Arc::new(contents.transfers),
            nodes: Table::with_capacity(contents.records.len() + 1),
            delegations: 0,
            signed: None,
        };
        index.nodes.insert(Arc::new(Node::empty(&origin)));
        let ns: Vec<RecordData> = contents.nameservers.iter().cloned().map(RecordData::Ns).collect();
        index.set_rrset(&origin, RecordKind::Ns, NS_TTL, &ns);

        let mut records = contents.records;
        records.sort_by(|a, b| (&a.name, a.data.kind()).cmp(&(&b.name, b.data.kind())));
        let mut records = records.into_iter().peekable();
        while let Some(first) = records.next() {
            let (name, kind, ttl) = (first.name, first.data.kind(), first.ttl);
            let mut data = vec![first.data];
            while let Some(next) = records.next_if(|r| r.name == name && r.data.kind() == kind) {
                data.push(next.data);
            }
            index.set_rrset(&wire::name(&name), kind, ttl, &data);
        }
        let signed_at = if contents.signed_at == 0 { signing::now() } else { contents.signed_at };
        if let Some(signer) = Signer::new(contents.keys, &origin, signed_at) {
            index.sign_all(&Arc::new(signer));
        }
        index
    }

    /// Signs every set and builds the NSEC3 chain (a new zone, a new key, signatures near
    /// their end, or a zone cut that came or went).
    pub fn sign_all(&mut self, signer: &Arc<Signer>) {
        let nodes: Vec<Arc<Node>> = self.nodes.iter().cloned().collect();
        let mut names = Vec::with_capacity(nodes.len());
        for node in nodes {
            let mut signed = (*node).clone();
            let authoritative = self.authoritative(&node.name);
            for set in signed.rrsets.iter_mut() {
                set.rrsig = match authoritative.filter(|cut| !cut) {
                    Some(_) => signer.rrsig(&node.name, set.code(), set.ttl, &set.wire).into(),
                    None => Box::new([]),
                };
            }
            if let Some(cut) = authoritative {
                names.push((signing::hash(&node.name), self.types_at(&signed, cut)));
            }
            self.nodes.insert(Arc::new(signed));
        }
        // Every key in DNSKEY; CDS and CDNSKEY name the newest, the one the parent should hold.
        let newest = signer.newest();
        let apex: Vec<ApexSet> = [
            (signing::DNSKEY, signer.dnskey()),
            (signing::CDNSKEY, signing::record(signing::CDNSKEY, signing::DNSKEY_TTL, &newest.dnskey_rdata())),
            (signing::CDS, signing::record(signing::CDS, signing::DNSKEY_TTL, &newest.ds_rdata(&self.origin))),
            (signing::NSEC3PARAM, signing::record(signing::NSEC3PARAM, signing::DNSKEY_TTL, &signing::NSEC3PARAM_RDATA)),
        ]
        .into_iter()
        .map(|(code, wire)| {
            let rrsig = signer.rrsig(&self.origin, code, signing::DNSKEY_TTL, &wire).into();
            ApexSet { code, wire: wire.into(), rrsig }
        })
        .collect();
        let chain = Chain::build(signer, &self.origin, names);
        let soa_rrsig = signer.rrsig(&self.origin, types::SOA, self.soa_ttl(), &self.soa_wire()).into();
        let wildcard: Box<[u8]> = wildcard_of(&self.origin).to_vec().into();
        let hashed = Arc::new([(self.origin.clone(), signing::hash(&self.origin)), (wildcard.clone(), signing::hash(&wildcard))]);
        self.signed = Some(Signed { signer: signer.clone(), chain, soa_rrsig, apex: apex.into(), hashed });
    }

    /// Whether the zone holds `name` with authority: None below a zone cut (occluded),
    /// `Some(true)` at a cut (only its NS, which is not signed here), `Some(false)` elsewhere.
    fn authoritative(&self, name: &[u8]) -> Option<bool> {
        match self.delegation(name) {
            Some((cut, _)) if *cut == *name => Some(true),
            Some(_) => None,
            None => Some(false),
        }
    }

    /// The types an NSEC3 record lists for `node` (LAN addresses are a view: left out).
    fn types_at(&self, node: &Node, cut: bool) -> Vec<u16> {
        let mut codes: Vec<u16> = node.rrsets.iter().filter(|s| !s.kind.is_lan()).map(Rrset::code).collect();
        if *node.name == *self.origin {
            codes.extend_from_slice(&[types::SOA, signing::DNSKEY, signing::NSEC3PARAM, signing::CDS, signing::CDNSKEY]);
        }
        if !codes.is_empty() && !cut {
            codes.push(signing::RRSIG);
        }
        codes
    }

    /// The SOA record (no owner) at the current serial.
    pub fn soa_wire(&self) -> Vec<u8> {
        let (refresh, retry, expire, minimum) = SOA_TIMERS;
        let mut rdata = self.soa_names.to_vec();
        for n in [self.serial, refresh, retry, expire, minimum] {
            rdata.extend_from_slice(&n.to_be_bytes());
        }
        signing::record(types::SOA, self.soa_ttl(), &rdata)
    }

    /// After a change at `name`: its set's signature, and the NSEC3 records of `name` and of
    /// the empty non-terminals above it.
    fn resign(&mut self, name: &[u8], kind: RecordKind) {
        let Some(signed) = self.signed.clone() else { return };
        if kind == RecordKind::Ns && *name != *self.origin {
            // A zone cut came or went: what it occludes changed.
            self.sign_all(&signed.signer);
            return;
        }
        let authoritative = self.authoritative(name);
        if let Some(node) = self.nodes.get(name).cloned()
            && authoritative == Some(false)
        {
            let mut node = (*node).clone();
            for set in node.rrsets.iter_mut().filter(|s| s.kind == kind) {
                set.rrsig = signed.signer.rrsig(name, set.code(), set.ttl, &set.wire).into();
            }
            self.nodes.insert(Arc::new(node));
        }
        let mut chain = signed.chain.clone();
        let mut current = name;
        loop {
            let types = match (self.nodes.get(current), self.authoritative(current)) {
                (Some(node), Some(cut)) => Some(self.types_at(node, cut)),
                _ => None,
            };
            chain.set(&signed.signer, &self.origin, signing::hash(current), types);
            if *current == *self.origin || !wire::is_within(current, &self.origin) {
                break;
            }
            current = wire::parent(current);
        }
        if let Some(s) = self.signed.as_mut() {
            s.chain = chain;
        }
    }

    /// The SOA record's TTL (its negative-caching time, RFC 2308 §5).
    pub fn soa_ttl(&self) -> u32 {
        SOA_TIMERS.3
    }

    /// The SOA's names (MNAME then RNAME), to be followed by the serial and the timers.
    pub fn soa_names(&self) -> &[u8] {
        &self.soa_names
    }

    pub fn node(&self, name: &[u8]) -> Option<&Node> {
        self.nodes.get(name).map(Arc::as_ref)
    }

    /// How many names (record owners and empty non-terminals) the zone holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.nodes.len
    }

    /// The nodes that may differ between an older version of this zone and this one: those
    /// of the shards the two do not share (old side, new side). After the table grew new
    /// shards, every node.
    pub fn nodes_changed_since<'a>(&'a self, old: &'a ZoneIndex) -> (Vec<&'a Node>, Vec<&'a Node>) {
        let (a, b) = (&old.nodes.shards, &self.nodes.shards);
        if a.len() != b.len() {
            return (old.nodes.iter().map(Arc::as_ref).collect(), self.nodes.iter().map(Arc::as_ref).collect());
        }
        let differ = || a.iter().zip(b.iter()).filter(|(x, y)| !Arc::ptr_eq(x, y));
        let before = differ().flat_map(|(x, _)| x.iter().map(Arc::as_ref)).collect();
        let after = differ().flat_map(|(_, y)| y.iter().map(Arc::as_ref)).collect();
        (before, after)
    }

    /// Every node, in DNSSEC canonical order.
    pub fn sorted_nodes(&self) -> Vec<&Node> {
        let mut nodes: Vec<&Node> = self.nodes.iter().map(Arc::as_ref).collect();
        nodes.sort_by(|a, b| wire::canonical_cmp(&a.name, &b.name));
        nodes
    }

    /// The highest zone cut above or at `name` (an NS set below the apex): the cut's name
    /// (a suffix of `name`) and its NS set.
    pub fn delegation<'n>(&self, name: &'n [u8]) -> Option<(&'n [u8], &Rrset)> {
        if self.delegations == 0 {
            return None;
        }
        let mut found = None;
        let mut current = name;
        while current.len() > self.origin.len() && wire::is_within(current, &self.origin) {
            if let Some(ns) = self.node(current).and_then(|n| n.get(RecordKind::Ns)) {
                found = Some((current, ns));
            }
            current = wire::parent(current);
        }
        found
    }

    /// The node at `name`, or the wildcard node that covers it (RFC 4592: only `*` directly
    /// below the closest encloser synthesises).
    pub fn find(&self, name: &[u8]) -> Option<&Node> {
        if let Some(node) = self.node(name) {
            return Some(node);
        }
        let mut ancestor = wire::parent(name);
        while ancestor.len() >= self.origin.len() && wire::is_within(ancestor, &self.origin) {
            if self.node(ancestor).is_some() {
                return self.node(&wildcard_of(ancestor));
            }
            ancestor = wire::parent(ancestor);
        }
        None
    }

    /// The longest ancestor of `name` the zone holds (at worst its apex): the closest
    /// encloser of a name that does not exist (RFC 5155 §7.2.1).
    pub fn closest_encloser<'n>(&self, name: &'n [u8]) -> &'n [u8] {
        let mut current = wire::parent(name);
        while current.len() > self.origin.len() && self.node(current).is_none() {
            current = wire::parent(current);
        }
        current
    }

    /// Replaces the `kind` set at `name` (empty `data`: removes it).
    pub fn set_rrset(&mut self, name: &[u8], kind: RecordKind, ttl: u32, data: &[RecordData]) {
        if !wire::is_within(name, &self.origin) {
            return;
        }
        let existing = self.nodes.get(name).cloned();
        let mut node = existing.as_deref().cloned().unwrap_or_else(|| Node::empty(name));
        if kind == RecordKind::Ns && *name != *self.origin {
            let had = node.get(RecordKind::Ns).is_some();
            match (had, data.is_empty()) {
                (false, false) => self.delegations += 1,
                (true, true) => self.delegations -= 1,
                _ => {}
            }
        }
        let mut rrsets: Vec<Rrset> = node.rrsets.iter().filter(|s| s.kind != kind).cloned().collect();
        if !data.is_empty() {
            rrsets.push(Rrset::encode(kind, ttl, data));
            rrsets.sort_by_key(|s| s.kind);
        }
        node.rrsets = rrsets.into_boxed_slice();
        let is_apex = *name == *self.origin;
        let signed = self.signed.is_some();
        match (existing.is_some(), node.is_empty() && !is_apex) {
            (true, true) => {
                self.nodes.remove(name);
                self.release_parent(name);
            }
            (false, true) => {}
            (existed, false) => {
                self.nodes.insert(Arc::new(node));
                if !existed {
                    self.claim_parent(name);
                }
            }
        }
        if signed {
            self.resign(name, kind);
        }
    }

    /// A new name appeared: count it in its parent, creating empty non-terminals as needed.
    fn claim_parent(&mut self, name: &[u8]) {
        let mut child = name;
        while *child != *self.origin {
            let parent = wire::parent(child);
            let existing = self.nodes.get(parent).cloned();
            let mut node = existing.as_deref().cloned().unwrap_or_else(|| Node::empty(parent));
            node.children += 1;
            self.nodes.insert(Arc::new(node));
            if existing.is_some() {
                return;
            }
            child = parent;
        }
    }

    /// A name went away: uncount it, removing empty non-terminals that are left with nothing.
    fn release_parent(&mut self, name: &[u8]) {
        let mut child = name;
        while *child != *self.origin {
            let parent = wire::parent(child);
            let Some(mut node) = self.nodes.get(parent).map(|n| (**n).clone()) else { return };
            node.children = node.children.saturating_sub(1);
            if node.is_empty() && *parent != *self.origin {
                self.nodes.remove(parent);
                child = parent;
            } else {
                self.nodes.insert(Arc::new(node));
                return;
            }
        }
    }

    pub fn set_serial(&mut self, serial: u32) {
        self.serial = serial;
        if let Some(signer) = self.signed.as_ref().map(|s| s.signer.clone()) {
            let rrsig = signer.rrsig(&self.origin, types::SOA, self.soa_ttl(), &self.soa_wire()).into();
            if let Some(signed) = self.signed.as_mut() {
                signed.soa_rrsig = rrsig;
            }
        }
    }
}

/// The name one label longer than `encloser` on the way down to `name` (RFC 5155's "next
/// closer name").
pub fn next_closer<'n>(name: &'n [u8], encloser: &[u8]) -> &'n [u8] {
    let mut current = name;
    while wire::parent(current).len() > encloser.len() {
        current = wire::parent(current);
    }
    current
}

/// `*.name`, in `buf`.
pub fn wildcard_of(name: &[u8]) -> WildcardName {
    let mut buf = [0u8; wire::MAX_NAME + 2];
    buf[..2].copy_from_slice(b"\x01*");
    let len = (2 + name.len()).min(buf.len());
    buf[2..len].copy_from_slice(&name[..len - 2]);
    WildcardName { buf, len }
}

/// A wildcard's wire name, on the stack.
pub struct WildcardName {
    buf: [u8; wire::MAX_NAME + 2],
    len: usize,
}

impl std::ops::Deref for WildcardName {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(s: &str) -> DomainName {
        DomainName::parse(s).unwrap_or_else(|_| unreachable!("valid test name"))
    }

    fn zone(records: Vec<(&str, RecordData)>) -> ZoneIndex {
        ZoneIndex::build(ZoneContents {
            name: dn("z.test"),
            serial: 1,
            nameservers: vec![dn("ns1.z.test")],
            hostmaster: dn("hostmaster.z.test"),
            records: records.into_iter().map(|(n, data)| DomainRecord { name: dn(n), ttl: 60, data }).collect(),
            transfers: Policy::default(),
            keys: Vec::new(),
            signed_at: 0,
        })
    }

    #[test]
    fn names_empty_non_terminals_and_wildcards() {
        let mut z = zone(vec![("a.b.z.test", RecordData::A([192, 0, 2, 1].into())), ("*.w.z.test", RecordData::A([192, 0, 2, 2].into()))]);
        assert!(z.find(&wire::name(&dn("a.b.z.test"))).is_some_and(|n| n.get(RecordKind::A).is_some()));
        let ent = z.find(&wire::name(&dn("b.z.test")));
        assert!(ent.is_some_and(|n| n.rrsets.is_empty() && n.children == 1), "an empty non-terminal");
        assert!(z.find(&wire::name(&dn("x.w.z.test"))).is_some_and(|n| n.get(RecordKind::A).is_some()), "the wildcard");
        assert!(z.find(&wire::name(&dn("y.x.w.z.test"))).is_some(), "the closest encloser is w, whose wildcard covers several labels");
        assert!(z.find(&wire::name(&dn("q.a.b.z.test"))).is_none(), "the closest encloser a.b has no wildcard");
        assert!(z.find(&wire::name(&dn("nope.z.test"))).is_none());
        // Removing the last name below takes the empty non-terminal with it.
        z.set_rrset(&wire::name(&dn("a.b.z.test")), RecordKind::A, 60, &[]);
        assert!(z.find(&wire::name(&dn("b.z.test"))).is_none());
        assert_eq!(z.len(), 3, "apex, w and *.w");
    }

    #[test]
    fn a_copy_is_independent_and_shares_what_did_not_change() {
        let a = zone((0..2000).map(|i| (format!("h{i}.z.test"), RecordData::A([192, 0, 2, 1].into()))).collect::<Vec<_>>().iter().map(|(n, d)| (n.as_str(), d.clone())).collect());
        let mut b = a.clone();
        b.set_rrset(&wire::name(&dn("h7.z.test")), RecordKind::A, 60, &[RecordData::A([192, 0, 2, 9].into())]);
        let seven = wire::name(&dn("h7.z.test"));
        assert_eq!(a.node(&seven).and_then(|n| n.get(RecordKind::A)).map(Rrset::data), Some(vec![RecordData::A([192, 0, 2, 1].into())]));
        assert_eq!(b.node(&seven).and_then(|n| n.get(RecordKind::A)).map(Rrset::data), Some(vec![RecordData::A([192, 0, 2, 9].into())]));
        let shared = a.nodes.shards.iter().zip(b.nodes.shards.iter()).filter(|(x, y)| Arc::ptr_eq(x, y)).count();
        assert_eq!(shared, a.nodes.shards.len() - 1, "one shard copied");
    }

    #[test]
    fn delegations_are_found_from_below() {
        let z = zone(vec![("sub.z.test", RecordData::Ns(dn("ns.sub.z.test"))), ("ns.sub.z.test", RecordData::A([192, 0, 2, 3].into()))]);
        let below = wire::name(&dn("x.y.sub.z.test"));
        let (cut, ns) = z.delegation(&below).unwrap_or_else(|| unreachable!("a cut"));
        assert_eq!(cut, wire::name(&dn("sub.z.test")).as_slice());
        assert_eq!(ns.data(), vec![RecordData::Ns(dn("ns.sub.z.test"))]);
        assert!(z.delegation(&wire::name(&dn("other.z.test"))).is_none());
    }
}
