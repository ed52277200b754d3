//! DNSSEC over the zone view's wire forms: RRSIGs over record sets (RFC 4034 §3.1.8.1,
//! canonical form §6), and the NSEC3 chain (RFC 5155) with RFC 9276's parameters — SHA-1,
//! no extra iterations, no salt, no opt-out.
//!
//! Why NSEC3 and not NSEC: an NSEC chain names every owner in the zone, so anyone could walk
//! it and list every hostname of a dynamic-DNS zone (the home lab's inventory); NSEC3 names
//! only hashes. Its proofs are longer, but they are pre-built like every other answer.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::wire::{self, CLASS_IN};
use crate::dnssec::ZoneKey;

pub const RRSIG: u16 = 46;
pub const DNSKEY: u16 = 48;
pub const NSEC3: u16 = 50;
pub const NSEC3PARAM: u16 = 51;
pub const CDS: u16 = 59;
pub const CDNSKEY: u16 = 60;

/// Signatures are valid from an hour ago for 14 days; a zone is signed anew when fewer than
/// 7 days are left, so a served signature is never closer than 7 days to its end.
pub const VALIDITY: u32 = 14 * 86_400;
pub const REFRESH_BEFORE: u32 = 7 * 86_400;
const BACKDATE: u32 = 3600;

/// Seconds since the Unix epoch (DNSSEC's 32-bit serial time).
pub fn now() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as u32)
}

/// Signs one zone's record sets: its keys, its apex and the validity window. Every key signs
/// every set (during a key rollover there are two: RFC 7583's double signature).
pub struct Signer {
    /// The zone's keys, oldest first; the newest is the one the parent should hold.
    pub keys: Vec<Arc<ZoneKey>>,
    /// Lower-case wire name of the apex (the signer's name in every RRSIG).
    origin: Box<[u8]>,
    pub inception: u32,
    pub expiration: u32,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("keys", &self.keys).field("expiration", &self.expiration).finish_non_exhaustive()
    }
}

impl Signer {
    /// None without keys.
    pub fn new(keys: Vec<Arc<ZoneKey>>, origin: &[u8], now: u32) -> Option<Self> {
        (!keys.is_empty()).then(|| Self { keys, origin: origin.into(), inception: now.saturating_sub(BACKDATE), expiration: now.saturating_add(VALIDITY) })
    }

    /// The key the parent's DS should name (CDS and CDNSKEY publish it): the newest.
    pub fn newest(&self) -> &ZoneKey {
        self.keys.last().unwrap_or_else(|| unreachable!("a signer has a key"))
    }

    /// The RRSIG records (TYPE CLASS TTL RDLENGTH RDATA, no owner), one a key, over the
    /// records in `set` (each TYPE CLASS TTL RDLENGTH RDATA, as the zone view keeps them) of
    /// type `code` and TTL `ttl` at `owner` (lower-case wire name; a wildcard's `*` is not
    /// counted).
    pub fn rrsig(&self, owner: &[u8], code: u16, ttl: u32, set: &[u8]) -> Vec<u8> {
        // RFC 4034 §3.1.8.1: each record in canonical form, ordered by its data, once.
        let mut rdatas: Vec<&[u8]> = rdatas(set).collect();
        rdatas.sort_unstable();
        rdatas.dedup();
        let mut records = Vec::new();
        for data in rdatas {
            records.extend_from_slice(owner);
            records.extend_from_slice(&code.to_be_bytes());
            records.extend_from_slice(&CLASS_IN.to_be_bytes());
            records.extend_from_slice(&ttl.to_be_bytes());
            records.extend_from_slice(&(data.len() as u16).to_be_bytes());
            records.extend_from_slice(data);
        }
        let mut out = Vec::new();
        for key in &self.keys {
            let mut rdata = Vec::with_capacity(18 + self.origin.len() + 64);
            rdata.extend_from_slice(&code.to_be_bytes());
            rdata.push(key.algorithm.number());
            rdata.push(signed_labels(owner));
            rdata.extend_from_slice(&ttl.to_be_bytes());
            rdata.extend_from_slice(&self.expiration.to_be_bytes());
            rdata.extend_from_slice(&self.inception.to_be_bytes());
            rdata.extend_from_slice(&key.tag().to_be_bytes());
            rdata.extend_from_slice(&self.origin);
            // Signed: the RRSIG's data without the signature, then the records.
            let mut signed = rdata.clone();
            signed.extend_from_slice(&records);
            rdata.extend_from_slice(&key.sign(&signed));
            out.extend_from_slice(&record(RRSIG, ttl, &rdata));
        }
        out
    }

    /// The zone's DNSKEY set: every key.
    pub fn dnskey(&self) -> Vec<u8> {
        self.keys.iter().flat_map(|key| record(DNSKEY, DNSKEY_TTL, &key.dnskey_rdata())).collect()
    }
}

/// TTL of the DNSKEY, CDS, CDNSKEY and NSEC3PARAM sets.
pub const DNSKEY_TTL: u32 = 3600;

/// One record without its owner: TYPE CLASS TTL RDLENGTH RDATA.
pub fn record(code: u16, ttl: u32, rdata: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(10 + rdata.len());
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    out.extend_from_slice(&ttl.to_be_bytes());
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
    out
}

/// The data of each record in `set` (records without owners, back to back).
pub fn rdatas(set: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    let mut rest = set;
    std::iter::from_fn(move || {
        let len = u16::from_be_bytes([*rest.get(8)?, *rest.get(9)?]) as usize;
        let data = rest.get(10..10 + len)?;
        rest = &rest[10 + len..];
        Some(data)
    })
}

/// RRSIG's label count: the owner's labels, not counting the root or a leading `*`.
fn signed_labels(owner: &[u8]) -> u8 {
    let count = wire::label_count(owner);
    let wildcard = owner.starts_with(b"\x01*");
    (count - usize::from(wildcard)) as u8
}

/// The NSEC3 hash of a lower-case wire name: SHA-1 with no salt and no extra iterations.
pub fn hash(name: &[u8]) -> [u8; 20] {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, name);
    let mut out = [0u8; 20];
    out.copy_from_slice(digest.as_ref());
    out
}

/// The owner of the NSEC3 record for `hash` in the zone `origin`: base32hex label, then the apex.
pub fn hashed_owner(hash: &[u8; 20], origin: &[u8]) -> Vec<u8> {
    let label = data_encoding::BASE32HEX_NOPAD.encode(hash).to_ascii_lowercase();
    let mut out = Vec::with_capacity(1 + label.len() + origin.len());
    out.push(label.len() as u8);
    out.extend_from_slice(label.as_bytes());
    out.extend_from_slice(origin);
    out
}

/// NSEC3PARAM's data: SHA-1, no flags, no extra iterations, no salt.
pub const NSEC3PARAM_RDATA: [u8; 5] = [1, 0, 0, 0, 0];

/// The type bitmap (RFC 4034 §4.1.2) of a set of type codes.
pub fn type_bitmap(codes: &[u16]) -> Vec<u8> {
    let mut codes = codes.to_vec();
    codes.sort_unstable();
    codes.dedup();
    let mut out = Vec::new();
    let mut index = 0;
    while index < codes.len() {
        let window = codes[index] >> 8;
        let mut bits = [0u8; 32];
        let mut used = 0;
        while index < codes.len() && codes[index] >> 8 == window {
            let low = (codes[index] & 0xff) as usize;
            bits[low / 8] |= 0x80 >> (low % 8);
            used = low / 8 + 1;
            index += 1;
        }
        out.push(window as u8);
        out.push(used as u8);
        out.extend_from_slice(&bits[..used]);
    }
    out
}

/// One name's NSEC3 record and its signature.
#[derive(Debug)]
pub struct Nsec3 {
    /// The types at the name.
    pub types: Box<[u16]>,
    /// The owner's first label, encoded once: length 32, then the hash in base32hex.
    pub label: [u8; 33],
    /// The record without its owner.
    pub record: Box<[u8]>,
    pub rrsig: Box<[u8]>,
}

/// TTL of NSEC3 records: the SOA's negative-caching time (RFC 5155 §3).
pub const NSEC3_TTL: u32 = wire::SOA_TIMERS.3;

/// One NSEC3 record of a chain: the hashed name and the record.
pub type Entry<'a> = (&'a [u8; 20], &'a Nsec3);

/// The zone's NSEC3 records by hash, in hash order, split into shards by the hash's leading
/// bits (one shard for a small zone, up to 256 for a large one): a change copies one shard
/// (at 100,000 names, about 400 entries), never the chain, and readers of an older snapshot
/// keep theirs. Entries are shared between copies.
#[derive(Clone, Debug)]
pub struct Chain {
    shards: Arc<Vec<Arc<Shard>>>,
    /// How many leading bits of a hash pick its shard (0 to 8).
    bits: u32,
    len: usize,
}

type Shard = BTreeMap<[u8; 20], Arc<Nsec3>>;

/// Entries per shard aimed at.
const PER_SHARD: usize = 64;

impl Default for Chain {
    fn default() -> Self {
        Self { shards: Arc::new(vec![Arc::default()]), bits: 0, len: 0 }
    }
}

/// The shard bits for a chain of `len` entries.
fn bits_for(len: usize) -> u32 {
    (len / PER_SHARD).next_power_of_two().clamp(1, 256).trailing_zeros()
}

impl Chain {
    /// A chain of every `(hash, types)`, signed.
    pub fn build(signer: &Signer, origin: &[u8], mut names: Vec<([u8; 20], Vec<u16>)>) -> Self {
        names.sort_unstable_by_key(|(h, _)| *h);
        names.dedup_by_key(|(h, _)| *h);
        let entries = names.iter().enumerate().map(|(i, (hash, types))| {
            let next = names[(i + 1) % names.len()].0;
            (*hash, Arc::new(make(signer, origin, hash, &next, types)))
        });
        Self::from_entries(bits_for(names.len()), entries)
    }

    fn from_entries(bits: u32, entries: impl Iterator<Item = ([u8; 20], Arc<Nsec3>)>) -> Self {
        let mut chain = Self { shards: Arc::new(Vec::new()), bits, len: 0 };
        let mut shards: Vec<Shard> = vec![BTreeMap::new(); 1 << bits];
        for (hash, entry) in entries {
            shards[chain.shard_of(&hash)].insert(hash, entry);
            chain.len += 1;
        }
        chain.shards = Arc::new(shards.into_iter().map(Arc::new).collect());
        chain
    }

    fn shard_of(&self, hash: &[u8; 20]) -> usize {
        usize::from(hash[0]).checked_shr(8 - self.bits).unwrap_or(0)
    }

    fn get(&self, hash: &[u8; 20]) -> Option<&Arc<Nsec3>> {
        self.shards[self.shard_of(hash)].get(hash)
    }

    /// The shard holding `hash`, to change (copied if a snapshot shares it).
    fn shard_mut(&mut self, hash: &[u8; 20]) -> &mut Shard {
        let at = self.shard_of(hash);
        Arc::make_mut(&mut Arc::make_mut(&mut self.shards)[at])
    }

    fn insert(&mut self, hash: [u8; 20], entry: Nsec3) {
        if self.shard_mut(&hash).insert(hash, Arc::new(entry)).is_none() {
            self.len += 1;
            // Grown far past its shards: split anew (rare; amortised over the growth).
            if self.len > self.shards.len() * PER_SHARD * 8 && self.bits < 8 {
                *self = self.split(bits_for(self.len));
            }
        }
    }

    /// The same chain in `1 << bits` shards.
    fn split(&self, bits: u32) -> Self {
        Self::from_entries(bits, self.shards.iter().flat_map(|s| s.iter().map(|(h, e)| (*h, e.clone()))))
    }

    fn remove(&mut self, hash: &[u8; 20]) {
        if self.shard_mut(hash).remove(hash).is_some() {
            self.len -= 1;
        }
    }

    /// Sets the types at `hash` (None: the name is gone), re-signing the records whose
    /// next-hash changed.
    pub fn set(&mut self, signer: &Signer, origin: &[u8], hash: [u8; 20], types: Option<Vec<u16>>) {
        let existing = self.get(&hash).map(|e| e.types.clone());
        match (existing, types) {
            (None, None) => {}
            (Some(old), Some(new)) if *old == *new => {}
            (Some(_), Some(new)) => {
                let next = self.successor(&hash);
                self.insert(hash, make(signer, origin, &hash, &next, &new));
            }
            (None, Some(new)) => {
                self.insert(hash, make(signer, origin, &hash, &hash, &new));
                self.relink(signer, origin, hash);
                if let Some(predecessor) = self.predecessor(&hash) {
                    self.relink(signer, origin, predecessor);
                }
            }
            (Some(_), None) => {
                self.remove(&hash);
                if let Some(predecessor) = self.predecessor(&hash) {
                    self.relink(signer, origin, predecessor);
                }
            }
        }
    }

    /// Re-makes the record at `hash` so that it points to its successor now.
    fn relink(&mut self, signer: &Signer, origin: &[u8], hash: [u8; 20]) {
        let Some(entry) = self.get(&hash).cloned() else { return };
        let next = self.successor(&hash);
        if next_of(&entry.record) == Some(&next[..]) {
            return;
        }
        self.insert(hash, make(signer, origin, &hash, &next, &entry.types));
    }

    /// The next hash after `hash` in the chain (the first after the last; itself when alone).
    fn successor(&self, hash: &[u8; 20]) -> [u8; 20] {
        use std::ops::Bound::{Excluded, Unbounded};
        let at = self.shard_of(hash);
        let after = self.shards[at].range((Excluded(*hash), Unbounded)).next();
        let later = || self.shards[at + 1..].iter().find_map(|s| s.iter().next());
        let first = || self.shards[..=at].iter().find_map(|s| s.iter().next());
        after.or_else(later).or_else(first).map_or(*hash, |(h, _)| *h)
    }

    /// The entry before `hash` (wrapping from the first to the last).
    fn before(&self, hash: &[u8; 20]) -> Option<(&[u8; 20], &Arc<Nsec3>)> {
        let at = self.shard_of(hash);
        let earlier = || self.shards[..at].iter().rev().find_map(|s| s.iter().next_back());
        let last = || self.shards[at..].iter().rev().find_map(|s| s.iter().next_back());
        self.shards[at].range(..*hash).next_back().or_else(earlier).or_else(last)
    }

    /// The hash before `hash` (wrapping), other than `hash` itself.
    fn predecessor(&self, hash: &[u8; 20]) -> Option<[u8; 20]> {
        let (before, _) = self.before(hash)?;
        (before != hash).then_some(*before)
    }

    /// The record whose owner is `hash`'s.
    pub fn matching(&self, hash: &[u8; 20]) -> Option<Entry<'_>> {
        self.shards[self.shard_of(hash)].get_key_value(hash).map(|(h, e)| (h, e.as_ref()))
    }

    /// The record that covers `hash` (its owner before it, its next after it, wrapping).
    pub fn covering(&self, hash: &[u8; 20]) -> Option<Entry<'_>> {
        self.before(hash).map(|(h, e)| (h, e.as_ref()))
    }

    /// Every record, in hash order.
    pub fn iter(&self) -> impl Iterator<Item = Entry<'_>> {
        self.shards.iter().flat_map(|s| s.iter()).map(|(h, e)| (h, e.as_ref()))
    }

    /// The entries `self` (an older chain) has and `newer` does not, and the reverse: what
    /// an IXFR removes and adds. Shards and entries both share (the same `Arc`) are skipped
    /// unread.
    pub fn changed_since<'a>(&'a self, newer: &'a Chain) -> (Vec<Entry<'a>>, Vec<Entry<'a>>) {
        let (mut gone, mut came) = (Vec::new(), Vec::new());
        if Arc::ptr_eq(&self.shards, &newer.shards) {
            return (gone, came);
        }
        let entries = |s: &'a Arc<Shard>| s.iter().map(|(h, e)| (h, e.as_ref()));
        if self.bits == newer.bits {
            for (old, new) in self.shards.iter().zip(newer.shards.iter()).filter(|(a, b)| !Arc::ptr_eq(a, b)) {
                differ(entries(old), entries(new), &mut gone, &mut came);
            }
        } else {
            differ(self.iter(), newer.iter(), &mut gone, &mut came);
        }
        (gone, came)
    }
}

/// Merges two runs of entries in hash order: what only `old` has (or has otherwise) goes to
/// `gone`, what only `new` has (or has otherwise) to `came`.
fn differ<'a>(old: impl Iterator<Item = Entry<'a>>, new: impl Iterator<Item = Entry<'a>>, gone: &mut Vec<Entry<'a>>, came: &mut Vec<Entry<'a>>) {
    let mut a = old.peekable();
    let mut b = new.peekable();
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (Some((ha, ea)), Some((hb, eb))) if ha == hb => {
                if !std::ptr::eq(ea, eb) {
                    gone.push((ha, ea));
                    came.push((hb, eb));
                }
                a.next();
                b.next();
            }
            (Some(entry), Some((hb, _))) if entry.0 < hb => {
                gone.push(entry);
                a.next();
            }
            (_, Some(entry)) => {
                came.push(entry);
                b.next();
            }
            (Some(entry), None) => {
                gone.push(entry);
                a.next();
            }
            (None, None) => break,
        }
    }
}

/// The next-hash field of an NSEC3 record (without owner).
fn next_of(record: &[u8]) -> Option<&[u8]> {
    // TYPE CLASS TTL RDLENGTH (10), then algorithm, flags, iterations (2), salt length 0,
    // hash length, the hash.
    let data = record.get(10..)?;
    let salt = usize::from(*data.get(4)?);
    let len = usize::from(*data.get(5 + salt)?);
    data.get(6 + salt..6 + salt + len)
}

fn make(signer: &Signer, origin: &[u8], hash: &[u8; 20], next: &[u8; 20], types: &[u16]) -> Nsec3 {
    let mut rdata = vec![1, 0, 0, 0, 0, 20];
    rdata.extend_from_slice(next);
    rdata.extend_from_slice(&type_bitmap(types));
    let record = record(NSEC3, NSEC3_TTL, &rdata);
    let owner = hashed_owner(hash, origin);
    let rrsig = signer.rrsig(&owner, NSEC3, NSEC3_TTL, &record);
    let mut label = [0u8; 33];
    label.copy_from_slice(&owner[..33]);
    Nsec3 { types: types.into(), label, record: record.into(), rrsig: rrsig.into() }
}

/// The wire type a DNSSEC query type asks about, when the zone apex holds it.
pub fn is_apex_dnssec_type(code: u16) -> bool {
    matches!(code, DNSKEY | CDS | CDNSKEY | NSEC3PARAM)
}

/// Types no query gets from the pre-built sets: the full path answers them.
pub fn is_dnssec_type(code: u16) -> bool {
    is_apex_dnssec_type(code) || matches!(code, RRSIG | NSEC3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_bitmaps_as_rfc_4034_writes_them() {
        // RFC 4034 §4.3: A MX RRSIG NSEC TYPE1234.
        let bitmap = type_bitmap(&[1, 15, 46, 47, 1234]);
        let mut expected = vec![0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b];
        expected.extend_from_slice(&[0; 26]);
        expected.push(0x20);
        assert_eq!(bitmap, expected);
    }

    #[test]
    fn nsec3_hashes_as_rfc_5155_appendix_a_with_no_salt_or_iterations() {
        // example. hashed with salt aabbccdd and 12 iterations is 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom;
        // with RFC 9276's parameters the hash is one SHA-1 of the name.
        let h = hash(b"\x07example\x00");
        let direct = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, b"\x07example\x00");
        assert_eq!(&h[..], direct.as_ref());
        let owner = hashed_owner(&h, b"\x07example\x00");
        assert_eq!(owner[0], 32);
        assert!(owner[1..33].iter().all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(b)));
    }

    #[test]
    fn the_sharded_chain_covers_and_links_across_shards_and_copies_one_shard() -> crate::error::Result<()> {
        let key = Arc::new(ZoneKey::from_pkcs8(crate::dnssec::Algorithm::Ed25519, &crate::dnssec::generate(crate::dnssec::Algorithm::Ed25519)?)?);
        let origin = b"\x01z\x00";
        let signer = Signer::new(vec![key], origin, 1_800_000_000).unwrap_or_else(|| unreachable!("a key"));
        // Hashes in the first and last shards, several in one shard, most shards empty.
        let at = |first: u8, second: u8| {
            let mut h = [0u8; 20];
            (h[0], h[1]) = (first, second);
            h
        };
        let hashes = [at(0, 5), at(3, 1), at(3, 9), at(3, 200), at(128, 0), at(255, 7), at(255, 250)];
        let mut chain = Chain::build(&signer, origin, hashes.iter().map(|h| (*h, vec![1])).collect()).split(8);
        let linked = |chain: &Chain| {
            let all: Vec<[u8; 20]> = chain.iter().map(|(h, _)| *h).collect();
            assert!(all.windows(2).all(|w| w[0] < w[1]), "in hash order");
            for (i, (_, e)) in chain.iter().enumerate() {
                assert_eq!(next_of(&e.record), Some(&all[(i + 1) % all.len()][..]), "entry {i} links to the next");
            }
            all
        };
        // What covers a hash: the greatest owner below it, or (below them all) the last.
        let reference = |all: &[[u8; 20]], h: &[u8; 20]| all.iter().rev().find(|o| *o < h).or(all.last()).copied();
        let all = linked(&chain);
        for probe in [at(0, 0), at(0, 6), at(3, 0), at(3, 5), at(3, 255), at(100, 0), at(200, 0), at(255, 8), at(255, 255)] {
            assert_eq!(chain.covering(&probe).map(|(h, _)| *h), reference(&all, &probe), "covering {:?}", &probe[..2]);
        }
        let before = chain.clone();
        chain.set(&signer, origin, at(200, 1), Some(vec![1]));
        let all = linked(&chain);
        assert_eq!(all.len(), 8);
        let copied = before.shards.iter().zip(chain.shards.iter()).filter(|(a, b)| !Arc::ptr_eq(a, b)).count();
        assert_eq!(copied, 2, "the new name's shard and its predecessor's (relinked)");
        let (gone, came) = before.changed_since(&chain);
        assert_eq!((gone.len(), came.len()), (1, 2), "the predecessor re-made; the new name");
        // Split otherwise (a small zone's single shard), the difference is the same.
        let (one, eight) = (before.split(0), chain.split(3));
        let (gone, came) = one.changed_since(&eight);
        assert_eq!((gone.len(), came.len()), (1, 2));
        // The first and the last names go: the chain wraps from its new last to its new first.
        chain.set(&signer, origin, at(255, 250), None);
        chain.set(&signer, origin, at(0, 5), None);
        let all = linked(&chain);
        assert_eq!((all.first(), all.last()), (Some(&at(3, 1)), Some(&at(255, 7))));
        assert_eq!(chain.covering(&at(0, 0)).map(|(h, _)| *h), Some(at(255, 7)), "below the first: the last covers");
        // A growing chain splits itself: one shard for a handful of names, more for many.
        assert_eq!(Chain::build(&signer, origin, hashes.iter().map(|h| (*h, vec![1])).collect()).shards.len(), 1);
        let mut growing = Chain::build(&signer, origin, vec![(at(1, 1), vec![1])]);
        for i in 0..600u32 {
            growing.set(&signer, origin, hash(&i.to_be_bytes()), Some(vec![1]));
        }
        assert!(growing.shards.len() > 1, "{} shards for 601 names", growing.shards.len());
        assert_eq!(linked(&growing).len(), 601);
        Ok(())
    }

    #[test]
    fn the_chain_stays_linked_as_names_come_and_go() -> crate::error::Result<()> {
        let key = Arc::new(ZoneKey::from_pkcs8(crate::dnssec::Algorithm::Ed25519, &crate::dnssec::generate(crate::dnssec::Algorithm::Ed25519)?)?);
        let origin = b"\x01z\x00";
        let signer = Signer::new(vec![key], origin, 1_800_000_000).unwrap_or_else(|| unreachable!("a key"));
        let names: Vec<([u8; 20], Vec<u16>)> = (0..20u8).map(|i| (hash(&[1, b'a' + i, 1, b'z', 0]), vec![1])).collect();
        let mut chain = Chain::build(&signer, origin, names.clone());
        let linked = |chain: &Chain| {
            let hashes: Vec<[u8; 20]> = chain.iter().map(|(h, _)| *h).collect();
            for (i, (_, e)) in chain.iter().enumerate() {
                assert_eq!(next_of(&e.record), Some(&hashes[(i + 1) % hashes.len()][..]));
            }
            hashes.len()
        };
        assert_eq!(linked(&chain), 20);
        let new = hash(b"\x03new\x01z\x00");
        chain.set(&signer, origin, new, Some(vec![1, 28]));
        assert_eq!(linked(&chain), 21);
        assert!(chain.matching(&new).is_some());
        chain.set(&signer, origin, names[3].0, None);
        assert_eq!(linked(&chain), 20);
        assert!(chain.matching(&names[3].0).is_none());
        let (owner, _) = chain.covering(&names[3].0).unwrap_or_else(|| unreachable!("a chain covers everything"));
        assert!(*owner < names[3].0 || *owner == *chain.iter().last().map(|(h, _)| h).unwrap_or_else(|| unreachable!()));
        Ok(())
    }
}
