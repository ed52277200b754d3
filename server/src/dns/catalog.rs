//! The in-memory view of every served zone that the query path answers from.
//!
//! Readers take an `Arc` snapshot (one atomic load, no lock, no SQLite). Writers are
//! serialised, copy the affected zone's index — whose name table is split into shards, so
//! the copy shares all but the shards a change touches — change only the names they touch,
//! and publish atomically. An update therefore costs the same whatever the zone's size, and
//! NXDOMAIN versus NODATA is decided by lookups, never by scanning.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use hickory_proto::rr::{RData, Record};

use super::catalog_zone::{self, CatalogZone};
use super::records;
use super::wire;
pub use super::zone::ZoneContents;
use super::zone::ZoneIndex;
use crate::names::DomainName;
use crate::records::{Record as DomainRecord, RecordData, RecordKind};

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
    writer: Mutex<Listed>,
    /// The catalog zone listing the others, when one is served.
    catalog_zone: Option<CatalogZone>,
    /// Zones changed since the NOTIFY sender last looked.
    changed: Mutex<std::collections::BTreeSet<DomainName>>,
    signal: tokio::sync::Notify,
    /// Signed zones' versions made by changes since the zone was last built (by origin,
    /// oldest first), for IXFR: the difference
    /// between two versions carries the signatures and NSEC3 records a change re-made, which
    /// the journal of record changes does not hold.
    versions: Mutex<Versions>,
}

type Versions = std::collections::HashMap<Box<[u8]>, std::collections::VecDeque<Arc<ZoneIndex>>>;

/// Versions of a signed zone kept for IXFR; a secondary further behind gets the zone whole.
const KEEP_VERSIONS: usize = 32;

/// What the catalog zone lists now, at which serial.
#[derive(Default)]
struct Listed {
    members: Vec<DomainName>,
    serial: u32,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Catalog {
    /// A view with no zones yet; `catalog_zone`: the catalog zone to keep listing them in.
    pub fn new(catalog_zone: Option<(DomainName, crate::transfers::Policy)>) -> Self {
        Self {
            current: ArcSwap::from_pointee(Snapshot { zones: Vec::new() }),
            writer: Mutex::default(),
            catalog_zone: catalog_zone.map(|(name, transfers)| CatalogZone { name, transfers }),
            changed: Mutex::default(),
            signal: tokio::sync::Notify::new(),
            versions: Mutex::default(),
        }
    }

    /// Replaces every zone (start-up, and reloads after another process wrote).
    pub fn replace_all(&self, zones: Vec<ZoneContents>) {
        let mut listed = self.lock();
        let built: Vec<Arc<ZoneIndex>> = zones.into_iter().map(|z| Arc::new(self.build(z))).collect();
        self.versions().clear();
        self.keep_rebuilt(&built);
        self.mark_changed(built.iter().map(|z| z.name.clone()));
        self.publish(&mut listed, built);
    }

    /// Adds (or rebuilds) one zone.
    pub fn upsert(&self, contents: ZoneContents) {
        let mut listed = self.lock();
        let snapshot = self.current.load_full();
        let index = Arc::new(self.build(contents));
        self.versions().remove(&index.origin);
        self.keep_rebuilt(std::slice::from_ref(&index));
        let mut zones: Vec<Arc<ZoneIndex>> = snapshot.zones.iter().filter(|z| z.origin != index.origin).cloned().collect();
        self.mark_changed([index.name.clone()]);
        zones.push(index);
        self.publish(&mut listed, zones);
    }

    /// After a rebuild, the versions IXFR may start from. A rebuilt zone is signed anew, so
    /// an earlier version differs in every signature and is forgotten (by the caller); the
    /// rebuilt one is kept when it has a serial of its own (a key came or went, signatures
    /// were made anew): a secondary holding that serial holds exactly it. At a serial served
    /// before — after a restart, or a rebuild that changed no serial — a secondary may hold
    /// other signatures, so it is not.
    fn keep_rebuilt(&self, built: &[Arc<ZoneIndex>]) {
        let served = self.current.load();
        let mut versions = self.versions();
        for index in built.iter().filter(|z| z.signed.is_some()) {
            if served.zones.iter().any(|s| s.origin == index.origin && s.serial != index.serial) {
                versions.insert(index.origin.clone(), [index.clone()].into());
            }
        }
    }

    /// Stops serving a zone.
    pub fn remove(&self, zone: &DomainName) {
        let mut listed = self.lock();
        let origin = wire::name(zone);
        self.versions().remove(origin.as_slice());
        let snapshot = self.current.load_full();
        let zones = snapshot.zones.iter().filter(|z| *z.origin != *origin).cloned().collect();
        self.publish(&mut listed, zones);
    }

    /// A zone's view; with a catalog zone, its secondaries may transfer the zone too.
    fn build(&self, mut contents: ZoneContents) -> ZoneIndex {
        if let Some(catalog) = &self.catalog_zone {
            contents.transfers.merge(&catalog.transfers);
        }
        ZoneIndex::build(contents)
    }

    /// Publishes `zones`, with the catalog zone (if any) listing them: rebuilt under a new
    /// serial, and its secondaries notified, when the zones listed changed.
    fn publish(&self, listed: &mut Listed, mut zones: Vec<Arc<ZoneIndex>>) {
        if let Some(catalog) = &self.catalog_zone {
            zones.retain(|z| z.name != catalog.name);
            let mut members: Vec<DomainName> = zones.iter().map(|z| z.name.clone()).collect();
            members.sort();
            let previous = self.current.load().zone_named(&catalog.name).cloned();
            let index = match previous {
                Some(index) if members == listed.members => index,
                _ => {
                    listed.serial = catalog_zone::next_serial(listed.serial);
                    listed.members = members;
                    self.mark_changed([catalog.name.clone()]);
                    Arc::new(ZoneIndex::build(catalog.contents(&listed.members, listed.serial)))
                }
            };
            zones.push(index);
        }
        self.current.store(Arc::new(Snapshot::new(zones)));
    }

    /// Applies record-set changes to one zone and sets its serial. Returns false when the
    /// zone is not served.
    pub fn apply(&self, zone: &DomainName, serial: u32, changes: &[RrsetChange]) -> bool {
        let _guard = self.lock();
        let snapshot = self.current.load_full();
        let origin = wire::name(zone);
        let Some(position) = snapshot.zones.iter().position(|z| *z.origin == *origin) else {
            return false;
        };
        let mut index = (*snapshot.zones[position]).clone();
        for change in changes {
            let ttl = change.records.first().map_or(0, |r| r.ttl);
            let data: Vec<RecordData> = change.records.iter().map(|r| r.data.clone()).collect();
            index.set_rrset(&wire::name(&change.name), change.kind, ttl, &data);
        }
        index.set_serial(serial);
        let index = Arc::new(index);
        if index.signed.is_some() {
            // Kept from here on. Not the version a rebuild made: its signatures were made anew
            // at the same serial, so a secondary holding that serial may hold others.
            let mut versions = self.versions();
            let kept = versions.entry(index.origin.clone()).or_default();
            kept.push_back(index.clone());
            if kept.len() > KEEP_VERSIONS {
                kept.pop_front();
            }
        }
        let mut zones = snapshot.zones.clone();
        zones[position] = index;
        self.current.store(Arc::new(Snapshot::new(zones)));
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
        self.current.load().zone_named(zone).map(|z| z.serial)
    }

    /// One record set as served now (empty when there is none).
    pub fn rrset(&self, zone: &DomainName, name: &DomainName, kind: RecordKind) -> Vec<DomainRecord> {
        let snapshot = self.current.load();
        let Some(index) = snapshot.zone_named(zone) else { return Vec::new() };
        let Some(set) = index.node(&wire::name(name)).and_then(|n| n.get(kind)) else { return Vec::new() };
        set.data().into_iter().map(|data| DomainRecord { name: name.clone(), ttl: set.ttl, data }).collect()
    }

    /// Whether any record exists at `name` (an empty non-terminal has none).
    pub fn name_in_use(&self, zone: &DomainName, name: &DomainName) -> bool {
        let snapshot = self.current.load();
        let Some(index) = snapshot.zone_named(zone) else { return false };
        let wire = wire::name(name);
        index.node(&wire).is_some_and(|n| !n.rrsets.is_empty() || *wire == *index.origin)
    }

    /// The names of every served zone (not the catalog zone), most specific first.
    pub fn zone_names(&self) -> Vec<DomainName> {
        let catalog = self.catalog_zone.as_ref().map(|c| &c.name);
        self.current.load().zones.iter().map(|z| z.name.clone()).filter(|name| Some(name) != catalog).collect()
    }

    /// Whether a signed zone's signatures come within [`signing::REFRESH_BEFORE`](super::signing::REFRESH_BEFORE) of their
    /// end: time to sign the zones anew.
    pub fn signatures_due(&self) -> bool {
        let now = super::signing::now();
        self.current.load().zones.iter().filter_map(|z| z.signed.as_ref()).any(|s| s.signer.expiration.saturating_sub(now) < super::signing::REFRESH_BEFORE)
    }

    /// Whether a zone is served.
    pub fn serves(&self, zone: &DomainName) -> bool {
        self.serial(zone).is_some()
    }

    /// The zone as a standard (RFC 1035) zone file: SOA first, then every name in order.
    pub fn export(&self, zone: &DomainName) -> Option<String> {
        let snapshot = self.current.load_full();
        let index = snapshot.zone_named(zone)?;
        let soa = records::soa(index, index.serial);
        let mut out = format!("; zone {zone}, serial {}\n$ORIGIN {}\n{soa}\n", index.serial, records::fqdn(zone));
        // Apex first, then in DNSSEC canonical order (RFC 4034 §6.1).
        for node in index.sorted_nodes() {
            let owner = records::name_of(&node.name);
            // LAN addresses are a view, not part of the zone.
            for set in node.rrsets.iter().filter(|s| !s.kind.is_lan()) {
                // A set has no order; sorted, the same zone always exports the same file.
                let mut lines: Vec<String> = records::rrset(set, &owner).map(|r| master_line(&r)).collect();
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

    /// The current view for a moment (the query path's cheap borrow of it).
    pub(crate) fn view(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.current.load()
    }

    /// The version of a signed zone that was served at `serial`, if it is still kept.
    pub(crate) fn version(&self, origin: &[u8], serial: u32) -> Option<Arc<ZoneIndex>> {
        self.versions().get(origin)?.iter().find(|v| v.serial == serial).cloned()
    }

    fn versions(&self) -> std::sync::MutexGuard<'_, Versions> {
        self.versions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Listed> {
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
    /// Most specific first, so that a child zone wins over its parent.
    zones: Vec<Arc<ZoneIndex>>,
}

impl Snapshot {
    fn new(mut zones: Vec<Arc<ZoneIndex>>) -> Self {
        zones.sort_by_key(|z| std::cmp::Reverse(wire::label_count(&z.origin)));
        Self { zones }
    }

    /// The zone called `name`.
    pub(crate) fn zone_named(&self, name: &DomainName) -> Option<&Arc<ZoneIndex>> {
        self.zone(&wire::name(name))
    }

    /// The zone whose apex is exactly `origin` (lower-case wire name).
    pub(crate) fn zone(&self, origin: &[u8]) -> Option<&Arc<ZoneIndex>> {
        self.zones.iter().find(|z| *z.origin == *origin)
    }

    /// The most specific zone holding `name` (lower-case wire name).
    pub(crate) fn zone_of(&self, name: &[u8]) -> Option<&Arc<ZoneIndex>> {
        self.zones.iter().find(|z| wire::is_within(name, &z.origin))
    }
}
